"""`nianbao serve`: the author's web page and an HTTP API, on this machine (validator/serve/app.py);
the checks run in the batch's isolated worker processes (validator/serve/checking.py)."""
