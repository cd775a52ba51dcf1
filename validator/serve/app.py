"""The web application of `nianbao serve` (Starlette): the upload page, its results, and the HTTP API
`POST /api/check` for publishing systems. Every error is a page (or, under /api, a JSON object),
never a traceback."""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from validator.output.vocab import L
from validator.serve import pages
from validator.serve.checking import Checker, Options, Upload, expand

log = logging.getLogger("nianbao.serve")
MAX_FILES = 50  # one form


class TooLarge(Exception):
    pass


class LimitBody:
    """ASGI middleware: a request body over the limit gets 413. A body announced too long is read and
    dropped first (up to a bound), so that a browser still sending it shows our page, not a reset
    connection; a body that grows too long unannounced stops the app's reading (TooLarge)."""

    DRAIN_FACTOR = 20

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            if int(length) <= self.DRAIN_FACTOR * self.limit:
                more = True
                while more:
                    msg = await receive()
                    more = msg.get("more_body", False) and msg["type"] == "http.request"
            return await _too_large(scope, send, self.limit)
        seen = 0

        async def counted():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise TooLarge()
            return msg

        await self.app(scope, counted, send)


def _lang_of(scope) -> str:
    qs = scope.get("query_string", b"").decode("latin-1")
    return "en" if "lang=en" in qs else "zh"


def _too_large_body(scope, limit: int) -> tuple[bytes, bytes]:
    mb = f"{limit / (1 << 20):g}"
    if scope["path"].startswith("/api/"):
        return json.dumps({"error": "upload too large", "limit_mb": float(mb)}).encode(), b"application/json"
    return pages.error_page(_lang_of(scope), "too_big", mb=mb).encode("utf-8"), b"text/html; charset=utf-8"


async def _too_large(scope, send, limit: int) -> None:
    body, ctype = _too_large_body(scope, limit)
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _lang(request: Request, form=None) -> str:
    v = (form.get("lang") if form is not None else None) or request.query_params.get("lang") or "zh"
    return L(str(v))


async def _uploads(field_values) -> list[Upload]:
    out = []
    for v in field_values:
        if isinstance(v, UploadFile) and v.filename:
            data = await v.read()
            out.append(Upload(Path(v.filename).name or "upload", data))
    return out


async def _options(form, lang: str) -> Options:
    prev = await _uploads(form.getlist("previous"))
    kind = str(form.get("kind") or "") or None
    published = str(form.get("published") or "").strip() or None
    return Options(published=published, kind=kind if kind in ("department", "government") else None,
                   previous=prev[0] if prev else None, lang=lang)


def make_app(checker: Checker, limit: int) -> Starlette:
    async def index(request: Request):
        base = f"{request.url.scheme}://{request.url.netloc}"
        return HTMLResponse(pages.index_page(_lang(request), base))

    async def read_form(request: Request):
        try:
            return await request.form(max_files=MAX_FILES + 1, max_fields=20)
        except TooLarge:
            raise
        except Exception as e:  # noqa: BLE001 - a malformed form is the client's, said on a page
            raise HTTPException(400, detail=str(e)[:200]) from e

    async def check(request: Request):
        form = await read_form(request)
        lang = _lang(request, form)
        uploads = await _uploads(form.getlist("file"))
        if not uploads:
            return HTMLResponse(pages.error_page(lang, "no_file"), status_code=400)
        opts = await _options(form, lang)
        docs, skipped = expand(uploads)
        results = [await run_in_threadpool(checker.check, up, opts) for up in docs]
        if not results:
            return HTMLResponse(pages.error_page(lang, "no_file"), status_code=400)
        answer = checker.remember(results, docs, lang)
        if len(results) == 1 and not skipped:
            return HTMLResponse(pages.result_page(answer, 0, lang))
        return HTMLResponse(pages.summary_page(answer, skipped, lang))

    async def answer_page(request: Request):
        answer = checker.answer(request.path_params["token"])
        lang = _lang(request)
        if answer is None:
            return HTMLResponse(pages.error_page(lang, "not_found"), status_code=404)
        lang = request.query_params.get("lang") or answer.lang
        name = request.path_params.get("name")
        if name is None:
            return HTMLResponse(pages.summary_page(answer, [], lang))
        if name == "all.json":
            return JSONResponse([r.report for r in answer.results], headers=_attachment("nianbao-results.json"))
        stem, _, ext = name.partition(".")
        if not stem.isdigit() or int(stem) >= len(answer.results):
            return HTMLResponse(pages.error_page(lang, "not_found"), status_code=404)
        i = int(stem)
        r = answer.results[i]
        base = Path(r.name).stem or "report"
        if ext == "json":
            return Response(json.dumps(r.report, ensure_ascii=False, indent=2, default=str),
                            media_type="application/json", headers=_attachment(f"{base}.nianbao.json"))
        if ext == "html":
            return HTMLResponse(r.html or pages.result_page(answer, i, lang), headers=_attachment(f"{base}.nianbao.html"))
        if ext == "":
            return HTMLResponse(pages.result_page(answer, i, lang))
        return HTMLResponse(pages.error_page(lang, "not_found"), status_code=404)

    async def api_check(request: Request):
        try:
            form = await request.form(max_files=2, max_fields=20)
        except TooLarge:
            raise
        except Exception as e:  # noqa: BLE001
            return JSONResponse({"error": "malformed multipart form", "detail": str(e)[:200]}, status_code=400)
        lang = _lang(request, form)
        uploads = await _uploads(form.getlist("file"))
        if not uploads:
            return JSONResponse({"error": "no file: send the report as the multipart field 'file'"}, status_code=400)
        result = await run_in_threadpool(checker.check, uploads[0], await _options(form, lang))
        return JSONResponse(result.report, headers={"X-Nianbao-Exit-Code": str(result.exit_code)})

    async def on_http_error(request: Request, exc: HTTPException):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        key = {404: "not_found", 400: "bad_form"}.get(exc.status_code, "not_found")
        return HTMLResponse(pages.error_page(_lang(request), key, detail=exc.detail), status_code=exc.status_code)

    async def on_too_large(request: Request, exc: TooLarge):
        body, ctype = _too_large_body(request.scope, limit)
        return Response(body, status_code=413, media_type=ctype.decode(), headers={"Connection": "close"})

    async def on_error(request: Request, exc: Exception):
        log.exception("nianbao serve: %s", request.url.path)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": f"{type(exc).__name__}"}, status_code=500)
        return HTMLResponse(pages.error_page(_lang(request), "failed", detail=type(exc).__name__), status_code=500)

    routes = [Route("/", index), Route("/check", check, methods=["POST"]), Route("/api/check", api_check, methods=["POST"]),
              Route("/r/{token}", answer_page), Route("/r/{token}/{name}", answer_page)]
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        checker.close()

    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: on_http_error, TooLarge: on_too_large, Exception: on_error})
    return LimitBody(app, limit)


def _attachment(name: str) -> dict:
    from urllib.parse import quote

    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}

