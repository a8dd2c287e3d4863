"""The login and logout pages (the only pages reachable without a session).

Signing in starts a server-side session (:mod:`spinetriage.web.sessions`) and ends the one
the browser held before, if any; signing out ends it on the server, so a copy of the cookie
stops working too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from spinetriage.web.auth import MAX_PASSWORD, safe_next
from spinetriage.web.deps import app_state, set_session_cookie, templates, verify_csrf
from spinetriage.web.sessions import KIOSK_COOKIE, SESSION_COOKIE

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if app_state(request).settings.local_mode:
        return RedirectResponse(safe_next(next), status_code=303)
    return templates.TemplateResponse(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login", dependencies=[Depends(verify_csrf)])  # a stale form: see problems.py
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=MAX_PASSWORD)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    state = app_state(request)
    keys = [f"user:{username.lower()}", f"client:{request.client.host if request.client else '-'}"]
    wait, stamp = state.throttle.attempt(keys)  # counted before the check: see LoginThrottle
    if wait:
        minutes = (wait + 59) // 60
        context = {"next": safe_next(next), "error": f"Too many failed sign-ins. Try again in {minutes} min."}
        headers = {"Retry-After": str(wait)}
        return templates.TemplateResponse(request, "login.html", context, status_code=429, headers=headers)
    if not await state.verifications.run(state.accounts.verify_password, username, password):
        context = {"next": safe_next(next), "error": "Wrong user name or password."}
        return templates.TemplateResponse(request, "login.html", context, status_code=401)
    state.throttle.succeeded(keys, stamp)
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        await run_in_threadpool(state.sessions.end, previous)
    cookie = await run_in_threadpool(state.sessions.start, username)
    response = RedirectResponse(safe_next(next), status_code=303)
    # A sign-in unlocks a kiosk: its cookie (sent only to /questionnaire) goes; its row expires unused.
    response.delete_cookie(KIOSK_COOKIE, path="/questionnaire")
    set_session_cookie(response, request, SESSION_COOKIE, cookie)
    return response


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request) -> Response:
    """End the session on the server (a copied cookie stops working too), then in the browser."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        app_state(request).sessions.end(cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
