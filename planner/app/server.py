"""The web application: pages, static files, error handling, and :func:`serve` behind ``planner app``.

Framework: FastAPI (Starlette) serving one server-rendered page (Jinja2) and a
JSON API; the page draws its map with Leaflet, whose files are served from the
``folium-offline`` package the outputs already use (nothing is fetched from the
web).  Every request passes :class:`planner.app.security.Guard`.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import webbrowser
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, select_autoescape

from planner._errors import PlannerError, ScenarioError
from planner._i18n import catalogue
from planner.app import api_data, api_runs
from planner.app.context import AppContext
from planner.app.edits import EditRefused
from planner.app.security import COOKIE, BodyTooLarge, Guard, is_loopback, new_token
from planner.app.store import ConflictError, StoreError
from planner.app._vendor import vendor_files

_STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


#: Errors answered as ``{"error": message}`` with an HTTP status (a subclass not listed takes its base's).
ERROR_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (ScenarioError, 422), (StoreError, 400), (PlannerError, 422), (BodyTooLarge, 413),
)


def _error_answer(status: int) -> Any:
    """An exception handler answering ``{"error": str(exc)}`` with ``status``."""
    async def answer(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=status)
    return answer


def _static_files() -> dict[str, tuple[bytes, str]]:
    root = resources.files("planner.app").joinpath("static")
    return {f.name: (f.read_bytes(), _STATIC_TYPES[Path(f.name).suffix]) for f in root.iterdir()
            if Path(f.name).suffix in _STATIC_TYPES}


def _file_answer(files: dict[str, tuple[bytes, str]], name: str) -> Response:
    """The file ``name`` of ``files`` (name → content and media type), or a 404 answer."""
    if name not in files:
        return JSONResponse({"error": "not found"}, status_code=404)
    body, media = files[name]
    return Response(body, media_type=media)


def _template() -> Any:
    env = Environment(autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    text = resources.files("planner.app").joinpath("templates/index.html").read_text(encoding="utf-8")
    return env.from_string(text)


def _labels(lang: str) -> dict[str, dict[str, str]]:
    """The label sections the page uses, in ``lang``."""
    cat = catalogue()
    return {sec: {k: (v[1] if lang == "en" else v[0]) for k, v in cat[sec].items()}
            for sec in ("app", "category", "status", "quality", "level")}


def create_app(ctx: AppContext) -> Any:
    """The ASGI application (FastAPI behind the access guard) on an opened workspace."""
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.runner.shutdown()  # the server stops: no solve outlives it

    app = FastAPI(title="planner app", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.ctx = ctx
    static = _static_files()
    page = _template()
    vendor = vendor_files()

    @app.exception_handler(ConflictError)
    async def conflict(_: Request, exc: ConflictError) -> JSONResponse:
        return JSONResponse({"error": str(exc), "conflict": exc.edit.as_json() if exc.edit else None},
                            status_code=409)

    @app.exception_handler(EditRefused)
    async def refused(_: Request, exc: EditRefused) -> JSONResponse:
        return JSONResponse({"error": str(exc), "messages": exc.messages}, status_code=422)

    for error, status in ERROR_STATUS:
        app.add_exception_handler(error, _error_answer(status))

    @app.exception_handler(KeyError)
    async def not_found(_: Request, exc: KeyError) -> JSONResponse:
        return JSONResponse({"error": f"not found: {exc.args[0] if exc.args else ''}"}, status_code=404)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(x) for x in e['loc'][1:])}: {e['msg']}" for e in exc.errors()]
        return JSONResponse({"error": "; ".join(parts) or "bad request"}, status_code=422)

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        lang = request.query_params.get("lang") or request.cookies.get("planner_lang") or "id"
        lang = lang if lang in ("id", "en") else "id"
        html = page.render(lang=lang, city=ctx.city.name, token=ctx.token, labels=_labels(lang),
                           labels_json=json.dumps(_labels(lang), ensure_ascii=False).replace("</", "<\\/"),
                           t=_labels(lang)["app"])
        resp = HTMLResponse(html)
        if "lang" in request.query_params:
            resp.set_cookie("planner_lang", lang, samesite="strict", httponly=True)
        return resp

    @app.get("/login", response_class=HTMLResponse)
    def login_form() -> str:
        return ("<!doctype html><meta charset=utf-8><title>planner app</title>"
                "<form method=post action=/login style='font:16px sans-serif;margin:4em'>"
                "<p>Token akses / access token:</p><input name=token type=password autofocus size=30> "
                "<button>Masuk / Sign in</button></form>")

    @app.post("/login")
    async def login(request: Request) -> Response:
        from urllib.parse import parse_qs

        body = (await request.body()).decode("utf-8", "replace")
        given = (parse_qs(body).get("token") or [""])[0]
        import hmac

        if not hmac.compare_digest(given.encode(), ctx.token.encode()):
            return JSONResponse({"error": "wrong token / token salah"}, status_code=401)
        resp = Response(status_code=303, headers={"location": "/"})
        resp.set_cookie(COOKIE, ctx.token, httponly=True, samesite="strict")
        return resp

    @app.get("/static/{name}")
    def static_file(name: str) -> Response:
        return _file_answer(static, name)

    @app.get("/vendor/{name}")
    def vendor_file(name: str) -> Response:
        return _file_answer(vendor, name)

    @app.get("/api/state")
    def state() -> dict[str, Any]:
        return {"version": ctx.ws.version(), "data_hash": ctx.ws.data_hash(), "city": ctx.city.name,
                "workspace": str(ctx.ws.root), "running": ctx.runner.running()}

    app.include_router(api_data.router)
    app.include_router(api_runs.router)
    return Guard(app, ctx.token)


def serve(data: str | Path = "bontang", workspace: str | Path = "planner-workspace", *, host: str = "127.0.0.1",
          port: int = 8765, open_browser: bool = True, token: str | None = None, time_limit: float = 30.0,
          say: Any = print) -> None:
    """Open the workspace and serve the app until interrupted (``planner app``).

    Parameters
    ----------
    data
        City data folder or embedded dataset name.
    workspace
        Workspace folder (made on first use).
    host, port
        Address to bind; anything but a loopback address serves the office network and needs the token.
    open_browser
        Open the app in the default browser once the server listens.
    token
        Access token; default: ``$PLANNER_APP_TOKEN``, else a new random one; printed when serving the network.
    time_limit
        Seconds each solve may use.
    say
        Where the start-up lines go.
    """
    import uvicorn

    token = token or os.environ.get("PLANNER_APP_TOKEN") or new_token()
    lock = _lock_workspace(Path(workspace))
    ctx = AppContext.open(data, workspace, token, time_limit=time_limit)
    app = create_app(ctx)
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            raise PlannerError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from None
    local = is_loopback(host)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
    say(f"planner app: {ctx.city.name}; workspace {ctx.ws.root}")
    if local:
        say(f"open {url}  (only this computer can reach it)")
    else:
        say(f"serving the office network on {host}:{port}; access token: {token}")
        say(f"open http://<this computer's address>:{port}/?token={token}  (anyone without the token is refused)")
    say("stop with Ctrl+C")
    if open_browser:
        threading.Timer(1.0, lambda: webbrowser.open(url + ("" if local else f"?token={token}"))).start()
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    try:
        server.run()
    finally:
        ctx.runner.shutdown()
        lock.close()
    sys.stdout.flush()


def _lock_workspace(folder: Path) -> Any:
    """Hold an exclusive lock on the workspace while this server runs (released when the process ends).

    Raises
    ------
    PlannerError
        When another ``planner app`` has the workspace open.
    """
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    fh = (folder / ".planner-app.lock").open("a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise PlannerError(f"the workspace {folder} is open in another planner app; stop it first or use "
                           "another --workspace") from None
    return fh


__all__ = ["create_app", "serve"]
