"""Reports fetched from where they are published (validator/fetch/http.py)."""
