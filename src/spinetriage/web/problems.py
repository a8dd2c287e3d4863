"""Errors as RFC 9457 problem details (``application/problem+json``), each naming the field.

    {"type": "about:blank", "title": "Invalid input", "status": 422,
     "detail": "findings.hofman_sign: unknown finding identifier; did you mean 'hoffmann_sign'?",
     "errors": [{"field": "findings.hofman_sign", "problem": "...", "allowed": null}]}

Messages name fields and allowed values; they never echo the values sent (which may be
patient details).

This module is the one place that turns an error into a response. A person in a browser
gets a page instead of JSON: an unknown address or a malformed one (:func:`_wants_page`),
and a form whose CSRF token no longer matches (any path outside ``/api/``; only pages
carry the token), which gets "please try again", or the sign-in form again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from spinetriage.errors import InputError, InputErrors
from spinetriage.web.auth import AuthRequired, safe_next
from spinetriage.web.deps import CsrfFailed, templates
from spinetriage.web.store import NotFound

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("spinetriage.web")


class FieldError(BaseModel):
    field: str
    problem: str
    allowed: str | None = None


class ProblemDetails(BaseModel):
    """The body of every error response."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] = []


class BodyRefused(StarletteHTTPException):
    """A JSON body that parsed but is refused (a key given twice, nesting too deep): 422 naming it."""

    def __init__(self, error: InputError) -> None:
        super().__init__(422, error.problem)
        self.error = error


class Problem(Exception):
    """Raise to answer with a problem document."""

    def __init__(self, status: int, title: str, errors: Sequence[FieldError] = (), detail: str | None = None) -> None:
        self.status = status
        self.title = title
        self.errors = list(errors)
        self.detail = detail or "; ".join(f"{e.field}: {e.problem}" for e in self.errors) or None
        super().__init__(self.detail or title)


def problem_response(
    status: int,
    title: str,
    errors: Sequence[FieldError] = (),
    detail: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ProblemDetails(
        title=title,
        status=status,
        detail=detail or ("; ".join(f"{e.field}: {e.problem}" for e in errors) or None),
        errors=list(errors),
    )
    return JSONResponse(body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=dict(headers or {}))


def _input_errors(error: InputError) -> list[FieldError]:
    items = error.errors if isinstance(error, InputErrors) else [error]
    return [FieldError(field=e.field, problem=e.problem, allowed=e.allowed) for e in items]


def _validation_field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(p if len(p) <= 60 else p[:59] + "…" for p in parts) or "body"


def _validation_errors(error: RequestValidationError) -> list[FieldError]:
    out = []
    for item in error.errors():
        kind = str(item.get("type", ""))
        problem = "the body is not valid JSON" if kind == "json_invalid" else str(item.get("msg", "invalid"))
        allowed = None
        ctx = item.get("ctx")
        if isinstance(ctx, Mapping) and "expected" in ctx:
            allowed = str(ctx["expected"])
        out.append(FieldError(field=_validation_field(item.get("loc", ())), problem=problem, allowed=allowed))
    return out


_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid input",
}


def install(app: FastAPI) -> None:
    """Answer every error this app raises with a problem document."""

    @app.exception_handler(InputError)
    async def input_error(_request: Request, error: InputError) -> Response:
        return problem_response(422, "Invalid input", _input_errors(error))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        errors = _validation_errors(error)
        if _wants_page(request):
            named = "; ".join(f"{e.field}: {e.problem}" for e in errors)
            return _error_page(request, 422, "Invalid input", None, f"This address is not quite right ({named}).")
        return problem_response(422, "Invalid input", errors)

    @app.exception_handler(Problem)
    async def problem(_request: Request, error: Problem) -> Response:
        return problem_response(error.status, error.title, error.errors, error.detail)

    @app.exception_handler(NotFound)
    async def not_found(_request: Request, _error: NotFound) -> Response:
        return problem_response(404, "Not found", [FieldError(field="id", problem="no stored assessment with this id")])

    @app.exception_handler(AuthRequired)
    async def auth_required(request: Request, error: AuthRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return problem_response(
                401, "Authentication required", detail=str(error), headers={"WWW-Authenticate": "Bearer"}
            )
        target = request.url.path
        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, error: CsrfFailed) -> Response:
        if _is_api(request):
            return problem_response(403, "Forbidden", [FieldError(field="csrf_token", problem=str(error))])
        return await _form_expired_page(request)

    @app.exception_handler(BodyRefused)
    async def body_refused(_request: Request, error: BodyRefused) -> Response:
        return problem_response(422, "Invalid input", _input_errors(error.error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        title = _TITLES.get(error.status_code, "Error")
        if _wants_page(request):
            return _error_page(request, error.status_code, title, error.headers)
        detail = error.detail if isinstance(error.detail, str) else None
        return problem_response(error.status_code, title, detail=detail, headers=error.headers)


_PAGE_MESSAGES = {
    404: "There is no page at this address. The link may be incomplete.",
    405: "This page cannot be used that way. Open it from the menu instead.",
    413: "What was sent is larger than this server accepts, so nothing was saved. Go back with your browser "
    "(it usually keeps what you entered), shorten the longest text and send it again.",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _wants_page(request: Request) -> bool:
    """A person in a browser (not an API client) asked for a page outside the API."""
    if _is_api(request):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept.split(",")[0]


def _error_page(
    request: Request, status: int, title: str, headers: Mapping[str, str] | None, message: str | None = None
) -> Response:
    message = message or _PAGE_MESSAGES.get(status, "Something went wrong with this request. Nothing was saved.")
    context = {"title": title, "message": message, "active": ""}
    return templates.TemplateResponse(request, "error.html", context, status_code=status, headers=dict(headers or {}))


SIGN_IN_EXPIRED = "The sign-in form had expired. Please sign in again."
MAX_NEXT = 2000


async def _form_expired_page(request: Request) -> Response:
    """A form posted without this browser's CSRF token (open across a restart or a sign-out): nothing was
    done; the sign-in form comes back with a fresh token, any other form gets a page saying what to do
    (in the patient's words on the questionnaire)."""
    if request.url.path == "/login":
        target = (await request.form()).get("next")
        chosen = target if isinstance(target, str) and len(target) <= MAX_NEXT else None
        context = {"next": safe_next(chosen), "error": SIGN_IN_EXPIRED}
        return templates.TemplateResponse(request, "login.html", context, status_code=403)
    patient = request.url.path.startswith("/questionnaire")
    return templates.TemplateResponse(request, "form_expired.html", {"patient": patient, "active": ""}, status_code=403)
