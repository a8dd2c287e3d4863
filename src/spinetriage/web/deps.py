"""FastAPI dependencies shared by the API and the pages: the store, the user, CSRF, templates.

CSRF: a random seed lives in an HttpOnly cookie; the token put in forms (hidden field
``csrf_token``) or sent as ``X-CSRF-Token`` is the seed signed with the server secret.
A cross-site form can neither read the token nor forge it, so :func:`verify_csrf`
rejects its POST.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from importlib import resources

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.templating import Jinja2Templates

from spinetriage.errors import SpinetriageError
from spinetriage.web.auth import LOCAL_USER, Accounts, AuthRequired, LoginThrottle, VerificationLimit, sign
from spinetriage.web.db import Database
from spinetriage.web.sessions import KIOSK_COOKIE, SESSION_COOKIE, LoginSessions
from spinetriage.web.settings import Settings
from spinetriage.web.store import Store

BAD_TOKEN = "invalid or unknown API token"
CSRF_COOKIE = "spinetriage_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
NEW_CSRF_SEED = "spinetriage_new_csrf_seed"


class CsrfFailed(SpinetriageError):
    """A form was posted without the token this site put in it."""


@dataclass(frozen=True)
class AppState:
    """What one running app holds (``app.state.spinetriage``)."""

    settings: Settings
    database: Database
    store: Store
    accounts: Accounts
    sessions: LoginSessions
    secret: bytes
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    verifications: VerificationLimit = field(default_factory=VerificationLimit)


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.spinetriage
    return state


def get_store(request: Request) -> Store:
    return app_state(request).store


def current_user(request: Request) -> str:
    """The user making the request: ``local`` in local mode, else from the Bearer token or the session cookie."""
    state = app_state(request)
    if state.settings.local_mode:
        return LOCAL_USER
    authorization = request.headers.get("authorization")
    if authorization is not None:
        token = _bearer_token(authorization)
        user = state.accounts.user_for_token(token) if token is not None else None
        if user is None:
            raise AuthRequired(BAD_TOKEN)
        return user
    user = signed_in_user(request)
    if user is not None:
        return user
    raise AuthRequired("log in, or send an API token as `Authorization: Bearer TOKEN`")


def signed_in_user(request: Request) -> str | None:
    """The user this browser's sign-in cookie opens a session for (never a kiosk's), if any."""
    cookie = request.cookies.get(SESSION_COOKIE)
    return app_state(request).sessions.user(cookie) if cookie else None


def set_session_cookie(response: Response, request: Request, name: str, value: str, path: str = "/") -> None:
    """Set a session cookie (a sign-in's or a kiosk's) as every one is set: HttpOnly, SameSite=Lax,
    Secure when configured, for the session's lifetime."""
    settings = app_state(request).settings
    response.set_cookie(
        name,
        value,
        max_age=settings.session_max_age,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path=path,
    )


def questionnaire_owner(request: Request) -> str:
    """Whom a patient questionnaire is filed under: the signed-in clinician, or the clinician who left
    this device as a kiosk (the kiosk opens the questionnaire and nothing else)."""
    state = app_state(request)
    if state.settings.local_mode:
        return LOCAL_USER
    user = signed_in_user(request)
    if user is not None:
        return user
    kiosk = request.cookies.get(KIOSK_COOKIE)
    if kiosk:
        owner = state.sessions.kiosk_owner(kiosk)
        if owner is not None:
            return owner
    raise AuthRequired("log in, or ask the clinic for the questionnaire")


async def current_user_async(request: Request) -> str:
    """:func:`current_user` for a handler on the event loop: an API token is looked up from the loop
    itself on PostgreSQL (no thread hop per request); anything else runs in a worker thread."""
    state = app_state(request)
    if state.settings.local_mode:
        return LOCAL_USER
    authorization = request.headers.get("authorization")
    if authorization is None or not state.accounts.lookups_on_loop():
        return await run_in_threadpool(current_user, request)
    token = _bearer_token(authorization)
    user = await state.accounts.user_for_token_async(token) if token is not None else None
    if user is None:
        raise AuthRequired(BAD_TOKEN)
    return user


def _bearer_token(authorization: str) -> str | None:
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _seed(request: Request) -> str:
    seed = request.cookies.get(CSRF_COOKIE, "")
    if 20 <= len(seed) <= 100:
        return seed
    new = getattr(request.state, NEW_CSRF_SEED, None)
    if new is None:
        new = secrets.token_urlsafe(32)
        setattr(request.state, NEW_CSRF_SEED, new)  # the security middleware sets the cookie
    return str(new)


def csrf_token(request: Request) -> str:
    """The token to put in a form's hidden ``csrf_token`` field."""
    return sign(app_state(request).secret, "csrf", _seed(request))


async def verify_csrf(request: Request) -> None:
    """Reject a POST whose form field (or X-CSRF-Token header) does not match this browser's token."""
    seed = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    expected = sign(app_state(request).secret, "csrf", seed)
    if not seed or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfFailed("missing or wrong CSRF token; reload the page and try again")


templates = Jinja2Templates(directory=str(resources.files("spinetriage.web") / "templates"))
templates.env.globals["csrf_token"] = csrf_token
