"""The workbench application: FastAPI app factory, security headers, error mapping.

>>> from sevenfold.web import create_app
>>> app = create_app("cases.db")      # doctest: +SKIP   (then: uvicorn, or `sevenfold serve`)
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError as PydanticValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sevenfold import limits as _limits
from sevenfold.errors import (
    AssessmentError,
    CaseValidationError,
    Conflict,
    InputError,
    LimitExceeded,
    NotFound,
    SevenfoldError,
    StoreError,
)
from sevenfold.store import Store, open_store
from sevenfold.store.accounts import secret_key
from sevenfold.web.auth import LoginThrottle, Sessions
from sevenfold.web.service import AssessmentCache

log = logging.getLogger("sevenfold.web")
HERE = Path(__file__).parent

#: strict: only our own scripts and styles; no inline script or style, no framing, no plugins
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class GuardMiddleware:
    """Pure ASGI middleware (no body buffering): refuses oversized bodies and adds the security headers
    to every response.

    A body is refused up front by its Content-Length, and, whatever the headers say (chunked transfer
    encoding has none), as soon as the bytes received pass the limit: the app's read of the body then
    fails with 413 before the rest is read or parsed.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        limit = _limits.current().upload_bytes + 64 * 1024
        path = scope.get("path", "")
        extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        if length is not None and (not length.isdigit() or int(length) > limit):
            response = JSONResponse(
                {"error": "LimitExceeded", "detail": f"refused: request body is {length.decode(errors='replace')} "
                 f"bytes, above the limit of {limit} (raise it with SEVENFOLD_LIMIT_UPLOAD_BYTES)"},
                status_code=413)
            response.raw_headers.extend(extra)
            await response(scope, receive, send)
            return

        received = 0

        async def counted_receive() -> dict:
            nonlocal received
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body") or b"")
                if received > limit:
                    raise StarletteHTTPException(413, f"refused: request body is over the limit of {limit} bytes "
                                                      "(raise it with SEVENFOLD_LIMIT_UPLOAD_BYTES)")
            return message

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers") or [])
                present = {k.lower() for k, _ in raw}
                raw.extend((k, v) for k, v in extra if k not in present)
                ctype = next((v for k, v in raw if k.lower() == b"content-type"), b"")
                if b"cache-control" not in present and (path.startswith("/api/") or b"text/html" in ctype):
                    raw.append((b"cache-control", b"no-store"))
                message = dict(message, headers=raw)
            await send(message)

        await self.app(scope, counted_receive, send_with_headers)


def _status_for(exc: SevenfoldError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, LimitExceeded):
        return 413
    if isinstance(exc, (CaseValidationError, AssessmentError)):
        return 422
    if isinstance(exc, StoreError):
        return 503
    if isinstance(exc, InputError):
        return 400
    return 400


def error_body(exc: SevenfoldError) -> dict[str, Any]:
    body: dict[str, Any] = {"error": type(exc).__name__, "detail": str(exc)}
    if isinstance(exc, CaseValidationError):
        body["problems"] = [{"file": p.file, "kind": p.kind, "entry": p.entry, "field": p.field,
                             "message": p.message, "text": str(p)} for p in exc.problems]
    if getattr(exc, "references", None) is not None:  # sevenfold.workspace.Referenced: what refused a delete
        body["references"] = list(exc.references)  # type: ignore[attr-defined]
        body["effects"] = list(getattr(exc, "effects", []))
        body["needs"] = getattr(exc, "needs", "force")
    return body


def create_app(store: Store | str | None = None, *, secure_cookies: bool | None = None) -> FastAPI:
    """The workbench app over ``store`` (a Store, a URL/path, or None for SEVENFOLD_DB / the default)."""
    if not isinstance(store, Store):
        store = open_store(store)
    if secure_cookies is None:
        secure_cookies = os.environ.get("SEVENFOLD_SECURE_COOKIES", "").lower() in ("1", "true", "yes")

    app = FastAPI(title="sevenfold workbench API", version="1",
                  description="Deception-aware evidence assessment: cases, ACH ratings, burns and the "
                              "Assessment. Authenticate with the session cookie (POST /api/v1/session; "
                              "send X-CSRF-Token on writes) or `Authorization: Bearer sf_...`.",
                  openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.sessions = Sessions(secret_key(store))
    app.state.throttle = LoginThrottle()
    app.state.assessments = AssessmentCache()
    app.state.secure_cookies = secure_cookies

    app.add_middleware(GuardMiddleware)

    def wants_html(request: Request) -> bool:
        # every non-API route is a page or an htmx fragment: errors come back as escaped HTML
        return not request.url.path.startswith("/api/")

    @app.exception_handler(SevenfoldError)
    async def sevenfold_error(request: Request, exc: SevenfoldError) -> Response:
        status = _status_for(exc)
        if wants_html(request) and not request.headers.get("hx-request"):
            from sevenfold.web.ui import render_error

            return render_error(request, status, str(exc))
        if request.headers.get("hx-request"):
            from sevenfold.web.ui import render_flash

            return render_flash(request, str(exc), status)
        return JSONResponse(error_body(exc), status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 401 and wants_html(request) and not request.headers.get("hx-request"):
            from fastapi.responses import RedirectResponse

            return RedirectResponse("/login", status_code=303)
        if wants_html(request) and not request.headers.get("hx-request"):
            from sevenfold.web.ui import render_error

            return render_error(request, exc.status_code, str(exc.detail))
        if request.headers.get("hx-request"):
            from sevenfold.web.ui import render_flash

            return render_flash(request, str(exc.detail), exc.status_code)
        return JSONResponse({"error": "HTTPError", "detail": exc.detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e.get("type")}
                  for e in exc.errors()]
        if request.headers.get("hx-request"):
            from sevenfold.web.ui import render_flash

            return render_flash(request, "; ".join(f"{'.'.join(e['loc'][1:])}: {e['msg']}" for e in errors), 422)
        return JSONResponse({"error": "ValidationError", "detail": errors}, status_code=422)

    @app.exception_handler(PydanticValidationError)
    async def model_error(request: Request, exc: PydanticValidationError) -> Response:
        # an entry built from valid request fields can still break a model rule: bad input, not a crash
        detail = [{"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e.get("type")}
                  for e in exc.errors(include_url=False)]
        if wants_html(request):
            from sevenfold.web.ui import render_flash

            return render_flash(request, "; ".join(f"{'.'.join(d['loc'])}: {d['msg']}" for d in detail), 422)
        return JSONResponse({"error": "ValidationError", "detail": detail}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "InternalError", "detail": "unexpected error; see the server log"},
                            status_code=500)

    from sevenfold.web.api import router as api_router
    from sevenfold.web.ui import router as ui_router

    app.include_router(api_router)
    app.include_router(ui_router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    _ = HTTPException, HTMLResponse  # re-exported for handlers above
    return app
