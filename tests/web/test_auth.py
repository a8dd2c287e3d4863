"""Access: local mode, refusing open addresses without users, login, CSRF, tokens, owner isolation."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

import pytest
from fastapi import Depends
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from spinetriage.case import parse_case
from spinetriage.errors import InputError
from spinetriage.web import api, create_app, pages
from spinetriage.web import login as login_routes
from spinetriage.web.auth import Accounts, LoginThrottle
from spinetriage.web.db import Database
from spinetriage.web.deps import current_user
from spinetriage.web.sessions import SESSION_COOKIE, LoginSessions
from spinetriage.web.settings import Settings, is_loopback

from .conftest import BASE_URL, PASSWORD

CASE = {"age": 50, "findings": {"sciatica": "present"}}
MakeClient = Callable[..., TestClient]


def csrf_from(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    assert page.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def login(client: TestClient, user: str, password: str = PASSWORD) -> Any:
    token = csrf_from(client)
    return client.post(
        "/login",
        data={"username": user, "password": password, "csrf_token": token, "next": "/api/v1/knowledge"},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.5.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("example.org", False)],
)  # fmt: skip
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_open_address_without_users_is_refused(database_url: str) -> None:
    with pytest.raises(InputError) as refused:
        create_app(Settings(host="0.0.0.0", database_url=database_url))
    assert refused.value.field == "--host"
    assert "users add" in str(refused.value)


def test_open_address_with_users_starts_and_requires_login(make_client: MakeClient) -> None:
    client = make_client(users=("ann",), host="0.0.0.0")
    assert client.app.state.spinetriage.settings.local_mode is False  # type: ignore[attr-defined]
    response = client.get("/api/v1/assessments")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_local_mode_needs_no_login(client: TestClient) -> None:
    assert client.post("/api/v1/assessments", json=CASE).json()["owner"] == "local"
    assert client.get("/login", follow_redirects=False).status_code == 303


def test_local_mode_refuses_foreign_host_headers(client: TestClient) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not read the record."""
    response = client.get("/api/v1/assessments", headers={"host": "evil.example:8000"})
    assert response.status_code == 421
    assert client.get("/api/v1/assessments", headers={"host": "localhost:8000"}).status_code == 200


def test_the_api_refuses_changes_a_browser_sends_from_another_site(make_client: MakeClient) -> None:
    """A form elsewhere can post to a route with no body (so no JSON content type to stop it),
    with the user's cookie from a sibling subdomain, or with none at all in local mode."""
    for client in (make_client(), make_client(users=("ann",))):
        if not client.app.state.spinetriage.settings.local_mode:  # type: ignore[attr-defined]
            login(client, "ann")
        store = client.app.state.spinetriage.store  # type: ignore[attr-defined]
        owner = "local" if client.app.state.spinetriage.settings.local_mode else "ann"  # type: ignore[attr-defined]
        waiting = store.save(
            parse_case(CASE, store.knowledge), owner=owner, source="questionnaire", status="awaiting_clinician"
        )
        path = f"/api/v1/assessments/{waiting.id}/reviewed"
        for origin in ("http://evil.example", "http://app.127.0.0.1", "null"):
            refused = client.post(path, headers={"origin": origin})
            assert refused.status_code == 403
            assert [e["field"] for e in refused.json()["errors"]] == ["origin"]
        assert client.get(f"/api/v1/assessments/{waiting.id}").json()["status"] == "awaiting_clinician"
        assert client.post(path, headers={"origin": BASE_URL}).json()["status"] == "complete"  # this site's own
        assert client.post("/api/v1/assessments", json=CASE).status_code == 201  # no Origin: curl, integrations
        assert client.get("/api/v1/knowledge", headers={"origin": "http://evil.example"}).status_code == 200


PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("GET", "/healthz")}


def test_no_route_is_reachable_without_login_beyond_local_mode(make_client: MakeClient) -> None:
    """Every route of the routers the app includes (so a route added later is covered too):
    API routes answer 401, pages send the browser to the login."""
    client = make_client(users=("ann",))  # on loopback, so that the test client keeps the (not Secure) cookies
    token = csrf_from(client)  # a valid CSRF token, so that the login check is what refuses page forms
    checked = 0
    routes = [("/api/v1", r) for r in api.router.routes]
    routes += [("", r) for r in login_routes.router.routes + pages.router.routes]
    for prefix, route in routes:
        assert isinstance(route, APIRoute)
        path = prefix + re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", route.path)
        for method in sorted(route.methods):
            if (method, prefix + route.path) in PUBLIC:
                continue
            data = {"csrf_token": token} if method == "POST" and not path.startswith("/api/") else None
            response = client.request(method, path, data=data, follow_redirects=False)
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, route.path, response.status_code)
            else:
                assert response.status_code == 303, (method, route.path, response.status_code)
                assert response.headers["location"].startswith("/login?next="), (method, route.path)
            checked += 1
    assert checked >= 25


def test_pages_redirect_to_login(make_client: MakeClient) -> None:
    client = make_client(users=("ann",))
    app: Any = client.app

    @app.get("/probe-page")
    def probe(user: Annotated[str, Depends(current_user)]) -> str:
        return user

    response = client.get("/probe-page", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/probe-page"
    login(client, "ann")
    assert client.get("/probe-page").json() == "ann"


def test_login_sets_a_signed_httponly_lax_cookie(make_client: MakeClient) -> None:
    client = make_client(users=("ann",))
    response = login(client, "ann")
    assert response.status_code == 303
    assert response.headers["location"] == "/api/v1/knowledge"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert client.get("/api/v1/knowledge").status_code == 200
    assert client.post("/api/v1/assessments", json=CASE).json()["owner"] == "ann"


def test_wrong_password_or_unknown_user_is_refused(make_client: MakeClient) -> None:
    client = make_client(users=("ann",))
    assert login(client, "ann", "wrong password").status_code == 401
    assert login(client, "nobody").status_code == 401
    assert client.get("/api/v1/knowledge").status_code == 401


def test_login_without_csrf_token_is_rejected(make_client: MakeClient) -> None:
    client = make_client(users=("ann",))
    client.get("/login")  # the browser has the CSRF cookie but the form omits the token
    response = client.post("/login", data={"username": "ann", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403
    assert "form had expired" in response.text  # the login page again, with a fresh token
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    forged = client.post(
        "/login", data={"username": "ann", "password": PASSWORD, "csrf_token": "forged"}, follow_redirects=False
    )
    assert forged.status_code == 403


def test_csrf_token_of_another_browser_is_rejected(make_client: MakeClient) -> None:
    client = make_client(users=("ann",))
    token = csrf_from(client)
    other = TestClient(client.app, base_url=BASE_URL)
    response = other.post(
        "/login", data={"username": "ann", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 403


def test_logout_needs_csrf_and_ends_the_session(make_client: MakeClient) -> None:
    client = make_client(users=("ann",))
    login(client, "ann")
    assert client.post("/logout", follow_redirects=False).status_code == 403
    token = csrf_from(client)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/v1/knowledge").status_code == 401


def test_password_change_ends_sessions(database_url: str, make_client: MakeClient) -> None:
    client = make_client(users=("ann",))
    login(client, "ann")
    assert client.get("/api/v1/knowledge").status_code == 200
    db = Database(database_url)
    Accounts(db).set_password("ann", "a brand new password")
    db.dispose()
    assert client.get("/api/v1/knowledge").status_code == 401
    assert login(client, "ann", "a brand new password").status_code == 303
    assert client.get("/api/v1/knowledge").status_code == 200


def test_user_removal_ends_sessions(database_url: str, make_client: MakeClient) -> None:
    client = make_client(users=("ann",))
    login(client, "ann")
    assert client.get("/api/v1/knowledge").status_code == 200
    db = Database(database_url)
    Accounts(db).remove_user("ann")
    db.dispose()
    assert client.get("/api/v1/knowledge").status_code == 401


def test_forged_cookie_gets_no_access(database_url: str, make_client: MakeClient) -> None:
    client = make_client(users=("ann",))
    db = Database(database_url)
    forged = LoginSessions(db, b"not the server secret", 3600).start("ann")  # a real session id, signed wrongly
    db.dispose()
    client.cookies.set(SESSION_COOKIE, forged)
    assert client.get("/api/v1/knowledge").status_code == 401


def test_api_tokens(database_url: str, make_client: MakeClient) -> None:
    client = make_client(users=("ann",))
    db = Database(database_url)
    token = Accounts(db).create_token("ann", "lab integration")
    db.dispose()
    assert token.startswith("st_")
    headers = {"authorization": f"Bearer {token}"}
    assert client.post("/api/v1/assessments", json=CASE, headers=headers).json()["owner"] == "ann"
    assert client.get("/api/v1/assessments", headers={"authorization": "Bearer st_wrong"}).status_code == 401
    assert client.get("/api/v1/assessments", headers={"authorization": f"Basic {token}"}).status_code == 401


def test_tokens_are_stored_hashed(database: Database) -> None:
    accounts = Accounts(database)
    accounts.add_user("ann", PASSWORD)
    token = accounts.create_token("ann")
    from sqlalchemy import text

    with database.engine.connect() as connection:
        stored = [row[0] for row in connection.execute(text("SELECT token_hash FROM api_tokens"))]
        hashes = [row[0] for row in connection.execute(text("SELECT password_hash FROM users"))]
    assert token not in stored and len(stored) == 1
    assert hashes[0].startswith("$argon2") and PASSWORD not in hashes[0]


def test_token_for_unknown_user_is_refused(database: Database) -> None:
    with pytest.raises(InputError):
        Accounts(database).create_token("nobody")


def test_users_are_validated(database: Database) -> None:
    accounts = Accounts(database)
    with pytest.raises(InputError) as short:
        accounts.add_user("ann", "short")
    assert short.value.field == "password"
    with pytest.raises(InputError) as bad_name:
        accounts.add_user("Ann Smith", PASSWORD)
    assert bad_name.value.field == "username"
    accounts.add_user("ann", PASSWORD)
    with pytest.raises(InputError) as twice:
        accounts.add_user("ann", PASSWORD)
    assert "exists" in twice.value.problem


def test_assessments_are_visible_only_to_their_owner(database_url: str, make_client: MakeClient) -> None:
    ann = make_client(users=("ann", "bob"))
    bob = make_client()
    login(ann, "ann")
    login(bob, "bob")
    mine = ann.post("/api/v1/assessments", json=CASE, params={"label": "ann's patient"}).json()
    assert bob.get(f"/api/v1/assessments/{mine['id']}").status_code == 404
    assert bob.post(f"/api/v1/assessments/{mine['id']}/rerun").status_code == 404
    assert bob.get("/api/v1/assessments").json()["items"] == []
    assert bob.get("/api/v1/assessments", params={"q": mine["id"][:8]}).json()["items"] == []
    assert ann.get(f"/api/v1/assessments/{mine['id']}").status_code == 200
    assert [i["id"] for i in ann.get("/api/v1/assessments").json()["items"]] == [mine["id"]]


def test_secret_is_generated_once_and_shared(database_url: str) -> None:
    first = create_app(Settings(database_url=database_url))
    second = create_app(Settings(database_url=database_url))
    assert first.state.spinetriage.secret == second.state.spinetriage.secret
    assert len(first.state.spinetriage.secret) >= 32
    first.state.spinetriage.database.dispose()
    second.state.spinetriage.database.dispose()


def test_login_throttle_counts_failures_per_key_and_window() -> None:
    throttle = LoginThrottle(limit=3, window=60)
    keys = ["user:ann", "client:10.0.0.1"]
    for t in (0.0, 1.0, 2.0):
        assert throttle.retry_after(keys, now=t) == 0
        throttle.failed(keys, now=t)
    assert throttle.retry_after(keys, now=3.0) == 57
    assert throttle.retry_after(["user:bob", "client:10.0.0.2"], now=3.0) == 0
    assert throttle.retry_after(["user:bob", "client:10.0.0.1"], now=3.0) == 57  # same address
    assert throttle.retry_after(keys, now=61.0) == 0  # the oldest failure aged out


def test_a_flood_of_made_up_names_does_not_lift_a_block() -> None:
    throttle = LoginThrottle(limit=3, window=60, max_keys=50)
    guessed = ["user:ann", "client:10.0.0.1"]
    for t in (0.0, 1.0, 2.0):
        throttle.failed(guessed, now=t)
    for i in range(200):  # bots elsewhere try many names, each from its own address
        throttle.failed([f"user:name{i}", f"client:10.1.{i}.1"], now=3.0 + i / 1000)
    assert len(throttle) <= 50  # memory stays bounded...
    assert throttle.retry_after(guessed, now=4.0) > 0  # ...and the name under attack stays blocked


def test_repeated_wrong_passwords_are_throttled(make_client: MakeClient) -> None:
    client = make_client(users=("ann",))
    client.app.state.spinetriage.throttle.limit = 3  # type: ignore[attr-defined]
    for _ in range(3):
        assert login(client, "ann", "wrong password").status_code == 401
    refused = login(client, "ann")  # even the right password, until the window passes
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert client.get("/api/v1/knowledge").status_code == 401


def test_cookies_are_secure_beyond_loopback(make_client: MakeClient) -> None:
    client = make_client(users=("ann",), host="0.0.0.0")
    page = client.get("/login")
    csrf_cookie = next(c for c in page.headers.get_list("set-cookie") if c.startswith("spinetriage_csrf="))
    assert "Secure" in csrf_cookie and "HttpOnly" in csrf_cookie
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    client.cookies.set("spinetriage_csrf", csrf_cookie.split(";")[0].split("=", 1)[1])
    response = client.post(
        "/login", data={"username": "ann", "password": PASSWORD, "csrf_token": token.group(1)}, follow_redirects=False
    )
    assert response.status_code == 303
    session = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "Secure" in session and "HttpOnly" in session and "SameSite=lax" in session
