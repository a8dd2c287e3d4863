"""Login sessions live on the server: signing out, a new password or a removed user ends them for every copy
of the cookie, and expired ones are refused and purged."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from spinetriage.web.auth import Accounts
from spinetriage.web.db import Database, LoginSessionRow
from spinetriage.web.sessions import KIOSK_COOKIE, SESSION_COOKIE, LoginSessions

from .conftest import BASE_URL, PASSWORD
from .test_auth import csrf_from, login

MakeClient = Callable[..., TestClient]
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _rows(database: Database) -> list[LoginSessionRow]:
    with database.sessions() as session:
        return list(session.scalars(select(LoginSessionRow)))


def _copy_of_session(client: TestClient) -> TestClient:
    """Another browser holding a copy of ``client``'s session cookie (as a thief or a shared computer would)."""
    copy = TestClient(client.app, base_url=BASE_URL)
    copy.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    return copy


def test_a_copied_cookie_is_refused_after_sign_out(make_client: MakeClient) -> None:
    browser = make_client(users=("ann",))
    login(browser, "ann")
    copy = _copy_of_session(browser)
    assert copy.get("/api/v1/knowledge").status_code == 200  # the copy worked while the session lasted
    assert copy.get("/history", follow_redirects=False).status_code == 200
    signed_out = browser.post("/logout", data={"csrf_token": csrf_from(browser, "/")}, follow_redirects=False)
    assert signed_out.status_code == 303
    api = copy.get("/api/v1/knowledge")
    assert api.status_code == 401
    assert api.headers["www-authenticate"] == "Bearer"
    page = copy.get("/history", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/history"


def test_signing_out_leaves_the_users_other_sessions_alone(make_client: MakeClient) -> None:
    desk = make_client(users=("ann",))
    ward = make_client()
    login(desk, "ann")
    login(ward, "ann")
    assert desk.cookies[SESSION_COOKIE] != ward.cookies[SESSION_COOKIE]
    desk.post("/logout", data={"csrf_token": csrf_from(desk, "/")})
    assert desk.get("/api/v1/knowledge").status_code == 401
    assert ward.get("/api/v1/knowledge").status_code == 200
    assert ward.post("/api/v1/assessments", json={"age": 50}).json()["owner"] == "ann"


def test_signing_in_again_ends_the_session_the_browser_held(make_client: MakeClient) -> None:
    browser = make_client(users=("ann",))
    login(browser, "ann")
    copy = _copy_of_session(browser)
    login(browser, "ann")
    assert browser.get("/api/v1/knowledge").status_code == 200
    assert copy.get("/api/v1/knowledge").status_code == 401


def test_a_new_password_ends_every_copy_of_the_users_sessions(database_url: str, make_client: MakeClient) -> None:
    browser = make_client(users=("ann", "bob"))
    other = make_client()
    login(browser, "ann")
    login(other, "bob")
    copy = _copy_of_session(browser)
    db = Database(database_url)
    Accounts(db).set_password("ann", "a brand new password")
    assert [r.username for r in _rows(db)] == ["bob"]  # ann's rows went with the old password, bob's stayed
    db.dispose()
    assert copy.get("/api/v1/knowledge").status_code == 401
    assert other.get("/api/v1/knowledge").status_code == 200


def test_sign_out_without_a_session_is_harmless(make_client: MakeClient) -> None:
    browser = make_client(users=("ann",))
    browser.cookies.set(SESSION_COOKIE, "not.a-session")
    response = browser.post("/logout", data={"csrf_token": csrf_from(browser)}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_local_mode_has_no_sessions(client: TestClient) -> None:
    assert client.get("/api/v1/knowledge").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_from(client, "/assess")}).status_code == 200  # home
    assert client.get("/api/v1/knowledge").status_code == 200
    state = client.app.state.spinetriage  # type: ignore[attr-defined]
    assert _rows(state.database) == []


def test_a_session_lasts_max_age_and_then_is_refused(database: Database) -> None:
    Accounts(database).add_user("ann", PASSWORD)
    sessions = LoginSessions(database, b"k" * 32, max_age=60)
    cookie = sessions.start("ann", now=T0)
    assert sessions.user(cookie, now=T0 + timedelta(seconds=59)) == "ann"
    assert sessions.user(cookie, now=T0 + timedelta(seconds=60)) is None


def test_a_cookie_is_refused_when_tampered_or_signed_with_another_key(database: Database) -> None:
    Accounts(database).add_user("ann", PASSWORD)
    sessions = LoginSessions(database, b"k" * 32, max_age=60)
    cookie = sessions.start("ann", now=T0)
    session_id, _, mac = cookie.rpartition(".")
    later = T0 + timedelta(seconds=1)
    assert sessions.user(cookie, now=later) == "ann"
    assert sessions.user(f"{session_id}x.{mac}", now=later) is None
    assert sessions.user(f"{session_id}.{mac[:-1]}", now=later) is None
    assert sessions.user(session_id, now=later) is None
    assert sessions.user(cookie * 10, now=later) is None
    assert LoginSessions(database, b"x" * 32, max_age=60).user(cookie, now=later) is None


def test_only_a_hash_of_the_session_id_is_stored(database: Database) -> None:
    Accounts(database).add_user("ann", PASSWORD)
    cookie = LoginSessions(database, b"k" * 32, max_age=60).start("ann", now=T0)
    session_id = cookie.rpartition(".")[0]
    [row] = _rows(database)
    assert row.id_hash == hashlib.sha256(session_id.encode()).hexdigest()
    assert session_id not in (row.id_hash, row.username)
    assert (row.created_at, row.expires_at) == (T0, T0 + timedelta(seconds=60))


def test_expired_sessions_are_purged_at_the_next_sign_in(database: Database) -> None:
    accounts = Accounts(database)
    accounts.add_user("ann", PASSWORD)
    accounts.add_user("bob", PASSWORD)
    sessions = LoginSessions(database, b"k" * 32, max_age=60)
    old = [sessions.start("ann", now=T0), sessions.start("bob", now=T0 + timedelta(seconds=30))]
    assert len(_rows(database)) == 2
    fresh = sessions.start("bob", now=T0 + timedelta(seconds=61))  # ann's first session has expired
    assert sorted(r.created_at for r in _rows(database)) == [T0 + timedelta(seconds=30), T0 + timedelta(seconds=61)]
    sessions.start("ann", now=T0 + timedelta(seconds=200))  # now both earlier ones have
    assert len(_rows(database)) == 1
    assert sessions.user(fresh, now=T0 + timedelta(seconds=200)) is None
    assert all(sessions.user(c, now=T0 + timedelta(seconds=200)) is None for c in old)


def test_removing_a_user_removes_their_sessions(database: Database) -> None:
    accounts = Accounts(database)
    accounts.add_user("ann", PASSWORD)
    sessions = LoginSessions(database, b"k" * 32, max_age=60)
    cookie = sessions.start("ann", now=T0)
    accounts.remove_user("ann")
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(LoginSessionRow)) == 0
    assert sessions.user(cookie, now=T0) is None


def _hand_over(browser: TestClient) -> None:
    page = browser.get("/questionnaire")
    assert 'id="hand-over"' in page.text, "a signed-in clinician is offered the kiosk"
    token = csrf_from(browser, "/questionnaire")
    locked = browser.post("/questionnaire/kiosk", data={"csrf_token": token}, follow_redirects=False)
    assert locked.status_code == 303 and locked.headers["location"] == "/questionnaire"


def _kiosk_cookie(browser: TestClient) -> str | None:
    return next((c.value for c in browser.cookies.jar if c.name == KIOSK_COOKIE), None)


def test_a_device_handed_to_a_patient_opens_the_questionnaire_and_nothing_else(make_client: MakeClient) -> None:
    """#13 item 9: the questionnaire no longer runs on the clinician's signed-in session."""
    browser = make_client(users=("ann",))
    login(browser, "ann")
    _hand_over(browser)
    assert SESSION_COOKIE not in browser.cookies and _kiosk_cookie(browser)
    for closed in ("/history", "/", "/assess", "/interview"):
        page = browser.get(closed, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login"), closed
    assert browser.get("/api/v1/assessments").status_code == 401
    start = browser.get("/questionnaire")
    assert start.status_code == 200 and 'id="hand-over"' not in start.text  # the patient sees no clinician box
    token = csrf_from(browser, "/questionnaire")
    first = browser.post("/questionnaire/step", data={"csrf_token": token, "label": "KIOSK-1"})
    assert first.status_code == 200 and 'name="finding"' in first.text
    finished = browser.post(
        "/questionnaire/finish", data={"csrf_token": token, "label": "KIOSK-1", "a": "low_back_pain=present"}
    )
    assert finished.status_code == 200 and "Thank you" in finished.text  # filed, and the patient is thanked
    clinician = make_client()
    login(clinician, "ann")
    waiting = clinician.get("/api/v1/assessments").json()["items"]
    assert any(item["label"] == "KIOSK-1" and item["status"] == "awaiting_clinician" for item in waiting)


def test_a_kiosk_cookie_is_never_a_sign_in(make_client: MakeClient) -> None:
    browser = make_client(users=("ann",))
    login(browser, "ann")
    _hand_over(browser)
    forged = TestClient(browser.app, base_url=BASE_URL)
    forged.cookies.set(SESSION_COOKIE, _kiosk_cookie(browser) or "")  # the kiosk's cookie offered as a sign-in
    assert forged.get("/api/v1/knowledge").status_code == 401
    assert forged.get("/history", follow_redirects=False).status_code == 303


def test_a_new_password_ends_the_users_kiosks(make_client: MakeClient, database_url: str) -> None:
    browser = make_client(users=("ann",))
    login(browser, "ann")
    _hand_over(browser)
    assert browser.get("/questionnaire").status_code == 200
    database = Database(database_url)
    Accounts(database).set_password("ann", "a new long password")
    database.dispose()
    assert browser.get("/questionnaire", follow_redirects=False).status_code == 303  # locked out: sign in


def test_signing_in_again_unlocks_the_device(make_client: MakeClient) -> None:
    browser = make_client(users=("ann",))
    login(browser, "ann")
    _hand_over(browser)
    assert login(browser, "ann").status_code == 303
    assert _kiosk_cookie(browser) is None
    assert browser.get("/history", follow_redirects=False).status_code == 200
