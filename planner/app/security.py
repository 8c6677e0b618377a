"""Who may use the app: loopback users without a token, everyone else with it; limits on what is sent.

The guard is a small ASGI middleware in front of every route:

- **Access.**  A request from the machine itself (a loopback client address
  *and* a loopback ``Host`` name — a web page that rebinds its DNS name to
  127.0.0.1 still sends its own name) needs no token.  Any other request needs
  the token printed when the server starts: in the ``planner_token`` cookie
  (set by opening ``/?token=…`` or the ``/login`` form), or the
  ``X-Planner-Token`` header.  The check uses the client's address as the
  server sees it, never the ``Host`` header alone.
- **Writes.**  Every request that changes something (POST, PUT, PATCH,
  DELETE) must carry the ``X-Planner-Token`` header; the app's own pages get
  it from the page, other web sites cannot read it (no cross-site request
  forgery).
- **Size.**  A request body larger than :data:`MAX_BODY_BYTES` (uploads:
  :data:`MAX_UPLOAD_BYTES`) is refused with 413 before it is read.
- **Headers.**  Pages get a Content-Security-Policy allowing only the app's own
  scripts; output pages of a run are sandboxed; nothing may frame the app.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

#: Largest JSON request body.
MAX_BODY_BYTES = 1024 * 1024
#: Largest uploaded file (a fiber route: GeoJSON, GeoPackage, zipped Shapefile, KML, KMZ).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: Paths whose body is an uploaded file.
UPLOAD_PATHS = ("/api/fiber/import",)
#: Host names that mean "this machine".
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
COOKIE = "planner_token"
HEADER = "x-planner-token"

_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
             "connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
#: Output pages of a run (folium maps, the report): their own inline scripts only, no network, no app access.
RUN_PAGE_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
                "font-src data:; frame-ancestors 'self'; sandbox allow-scripts allow-popups")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def new_token() -> str:
    """A fresh random token (about 128 bits)."""
    return secrets.token_urlsafe(16)


def is_loopback(host: str | None) -> bool:
    """True when ``host`` (a client address) is on this machine."""
    if not host:
        return False
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_name(value: str) -> str:
    """The name part of a ``Host`` header (no port)."""
    v = value.strip().lower()
    if v.startswith("["):
        return v[: v.find("]") + 1] if "]" in v else v
    return v.rsplit(":", 1)[0] if v.count(":") == 1 else v


class Guard:
    """The ASGI middleware described in the module docstring.

    Parameters
    ----------
    app
        The application behind the guard.
    token
        The access token.
    max_upload
        Largest upload in bytes.
    """

    def __init__(self, app: ASGIApp, token: str, *, max_upload: int = MAX_UPLOAD_BYTES) -> None:
        self.app = app
        self.token = token
        self.max_upload = max_upload

    def _token_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        client = (scope.get("client") or ("", 0))[0]
        local = is_loopback(client) and _host_name(headers.get("host", "")) in LOOPBACK_NAMES
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is no token
            cookie = SimpleCookie()
        given = headers.get(HEADER) or (cookie[COOKIE].value if COOKIE in cookie else None)
        path = scope.get("path", "")
        method = scope.get("method", "GET").upper()
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        url_token = (query.get("token") or [None])[0]
        if method == "GET" and url_token is not None and path in ("/", "/login"):
            if self._token_ok(url_token):  # a link with the token: keep it in a cookie, drop it from the URL
                await _redirect(send, "/", set_cookie=f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict")
                return
            await _deny(send, 401, "wrong token / token salah")
            return
        if not local and not self._token_ok(given) and path not in ("/login",):
            if method == "GET" and path == "/":
                await _redirect(send, "/login")
                return
            await _deny(send, 401, "this app needs its access token: open the address printed when the server "
                                   "started (…/?token=…) / aplikasi ini memerlukan token akses")
            return
        if method in ("POST", "PUT", "PATCH", "DELETE") and path != "/login" \
                and not self._token_ok(headers.get(HEADER)):
            await _deny(send, 403, "a change must carry the X-Planner-Token header of the app's page; reload the "
                                   "page / muat ulang halaman")
            return
        limit = self.max_upload if path in UPLOAD_PATHS else MAX_BODY_BYTES
        length = headers.get("content-length")
        if length is not None:
            try:
                too_big = int(length) > limit
            except ValueError:
                too_big = True
            if too_big:
                await _deny(send, 413, f"the file is larger than {limit // 2**20} MB, the most the app accepts; "
                                       f"split it or simplify it / berkas lebih dari {limit // 2**20} MB")
                return
        await self.app(scope, _limited(receive, limit), _with_headers(send, path))


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that stops a body (e.g. sent in chunks without a length) growing past ``limit``."""
    seen = [0]

    async def inner() -> MutableMapping[str, Any]:
        msg = await receive()
        if msg["type"] == "http.request":
            seen[0] += len(msg.get("body", b""))
            if seen[0] > limit:
                raise BodyTooLarge(limit)
        return msg

    return inner


class BodyTooLarge(Exception):
    """A request body grew past the limit while it was read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than {limit // 2**20} MB, the most the app accepts")
        self.limit = limit


def _with_headers(send: Send, path: str) -> Send:
    async def inner(msg: MutableMapping[str, Any]) -> None:
        if msg["type"] == "http.response.start":
            hs = list(msg.get("headers", []))
            names = {k.lower() for k, _ in hs}
            extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                     (b"cache-control", b"no-store")]
            csp = RUN_PAGE_CSP if path.startswith("/runs/") else _PAGE_CSP
            if b"content-security-policy" not in names:
                extra.append((b"content-security-policy", csp.encode()))
            if not path.startswith("/runs/"):
                extra.append((b"x-frame-options", b"DENY"))
            msg["headers"] = hs + [(k, v) for k, v in extra if k not in names]
        await send(msg)

    return inner


async def _deny(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"x-content-type-options", b"nosniff"),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send: Send, location: str, set_cookie: str | None = None) -> None:
    headers = [(b"location", location.encode()), (b"content-length", b"0")]
    if set_cookie:
        headers.append((b"set-cookie", set_cookie.encode()))
    await send({"type": "http.response.start", "status": 303, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


__all__ = ["COOKIE", "HEADER", "MAX_BODY_BYTES", "MAX_UPLOAD_BYTES", "RUN_PAGE_CSP", "BodyTooLarge", "Guard",
           "is_loopback", "new_token"]
