"""One ASGI middleware for what every response needs: security headers, size limits,
the CSRF cookie, an access log without patient details, and no tracebacks to clients.

The access log records method, path (never the query string), status and time; request
and response bodies are never logged. An unexpected exception is logged by its type
only, because exception messages can quote the input.
"""

from __future__ import annotations

import html
import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

from spinetriage.web.deps import CSRF_COOKIE, NEW_CSRF_SEED
from spinetriage.web.settings import Settings, host_allowed, is_loopback

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("spinetriage.web.access")
error_log = logging.getLogger("spinetriage.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


def _problem(status: int, title: str, detail: str) -> tuple[dict[str, Any], bytes]:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail, "errors": []})
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    return {"type": "http.response.start", "status": status, "headers": headers}, body.encode()


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · spinetriage</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main id="main"><h1>{title}</h1><p>{message}</p>
<p><a href="/">Back to the start page</a></p></main></body></html>
"""
_PAGE_MESSAGES = {
    413: "What was sent is larger than this server accepts (a very long note, or a file pasted in), "
    "so nothing was saved. Go back with your browser: it usually keeps what you entered. Shorten the "
    "longest text and send it again.",
    500: "Something went wrong on the server and nothing was saved. The error was logged without "
    "anything you entered. Go back with your browser and try again.",
}


def _page(status: int, title: str, detail: str) -> tuple[dict[str, Any], bytes]:
    """The same answer as :func:`_problem`, as a page for a person in a browser."""
    message = _PAGE_MESSAGES.get(status, html.escape(detail))
    body = _PAGE.format(title=html.escape(title), message=message).encode()
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    return {"type": "http.response.start", "status": status, "headers": headers}, body


def _wants_page(scope: Scope) -> bool:
    """A browser asking for a page outside the API (as problems.py decides for the app's own errors)."""
    if str(scope.get("path", "")).startswith("/api/"):
        return False
    accept = dict(scope.get("headers", [])).get(b"accept", b"").decode("latin-1")
    return "text/html" in accept and "application/json" not in accept.split(",")[0]


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.limit = settings.max_body_bytes
        self.headers = list(HEADERS)
        if settings.cookie_secure:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 0
        started = False

        async def reply(code: int, title: str, detail: str) -> None:
            nonlocal status, started
            start, body = (_page if _wants_page(scope) else _problem)(code, title, detail)
            await send_with_headers(start)
            await send({"type": "http.response.body", "body": body})

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in self.headers if h[0] not in present)
                if b"cache-control" not in present and not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                seed = scope.get("state", {}).get(NEW_CSRF_SEED)
                if seed:
                    cookie = f"{CSRF_COOKIE}={seed}; Path=/; HttpOnly; SameSite=Lax"
                    if self.settings.cookie_secure:
                        cookie += "; Secure"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        try:
            request_headers = dict(scope.get("headers", []))
            host = request_headers.get(b"host", b"")
            if self.settings.local_mode and not _loopback_host(host):
                await reply(421, "Misdirected request", "in local mode the server answers only to localhost")
                return
            if not host_allowed(self.settings, host.decode("latin-1")):
                await reply(421, "Misdirected request", "this server does not answer to that host name")
                return
            length = request_headers.get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.limit):
                await reply(413, "Request too large", f"the request body is larger than {self.limit} bytes")
                return
            received = 0

            async def limited_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > self.limit:
                        raise BodyTooLarge(self.limit)
                return message

            await self.app(scope, limited_receive, send_with_headers)
        except Exception as error:  # never a traceback (it may quote the input) to the client or the log
            error_log.error(
                "unhandled %s on %s %s",
                type(error).__name__,
                _loggable(scope.get("method")),
                _loggable(scope.get("path")),
            )
            if not started:
                await reply(500, "Internal server error", "the server failed; the error was logged without its input")
        finally:
            ms = (time.perf_counter() - began) * 1000
            client = scope.get("client") or ("-", 0)
            method, path = _loggable(scope.get("method")), _loggable(scope.get("path"))
            access_log.info('%s "%s %s" %d %.1fms', _loggable(client[0]), method, path, status, ms)


_CONTROL = {i: f"\\x{i:02x}" for i in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROL[ord("\\")] = "\\\\"
_CONTROL[ord('"')] = "\\x22"
MAX_LOGGED = 2000


def _loggable(value: object) -> str:
    """A request detail as one safe log field: control characters (CR, LF, NUL, ESC...), backslashes and
    quotes escaped, so a crafted path cannot forge a log line or break the quoting; bounded in length."""
    text = str(value if value is not None else "-")
    if len(text) > MAX_LOGGED:
        text = text[:MAX_LOGGED] + "..."
    return text.translate(_CONTROL).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _loopback_host(host: bytes) -> bool:
    """Whether a Host header names this machine (guards local mode against DNS rebinding)."""
    text = host.decode("latin-1").strip()
    if text.startswith("["):
        name = text[1 : text.find("]")] if "]" in text else text
    else:
        name = text.rsplit(":", 1)[0] if text.count(":") == 1 else text
    return is_loopback(name)
