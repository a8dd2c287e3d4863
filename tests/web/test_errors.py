"""Every bad input gets a 4xx problem document (RFC 9457) that names the field."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient

from spinetriage.web.deps import verify_csrf
from spinetriage.web.sessions import SESSION_COOKIE

from .conftest import PASSWORD

PROBLEM = "application/problem+json"


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    return body


def fields(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body["errors"]}


@pytest.mark.parametrize(
    ("case", "field", "allowed"),
    [
        ({"findings": {"hofman_sign": "present"}}, "findings.hofman_sign", None),
        ({"findings": {"hoffmann_sign": "yes"}}, "findings.hoffmann_sign", "present, absent, unknown"),
        ({"age": "sixty"}, "age", "a whole number of years from 18 to 120"),
        ({"age": 12}, "age", "a whole number of years from 18 to 120"),
        ({"age": 67.5}, "age", "a whole number of years from 18 to 120"),
        ({"sex": "x"}, "sex", "female, male"),
        ({"setting": "moon_base"}, "setting", None),
        ({"name": "Jane Doe"}, "case.<key>", None),  # issue 13: an unknown key is not echoed
        ({"findings": ["hoffmann_sign"]}, "findings", None),
        ([1, 2], "case", None),
        ("a string", "case", None),
    ],
)
def test_bad_case_names_the_field(client: TestClient, case: Any, field: str, allowed: str | None) -> None:
    body = problem(client.post("/api/v1/assessments", json=case), 422)
    errors = {e["field"]: e for e in body["errors"]}
    assert field in errors
    if allowed is not None:
        assert errors[field]["allowed"] == allowed


def test_every_problem_is_reported_at_once(client: TestClient) -> None:
    body = problem(client.post("/api/v1/assessments", json={"age": 5, "findings": {"nope_sign": "present"}}), 422)
    assert fields(body) == {"age", "findings.<key>"}


def test_problem_never_echoes_the_input(client: TestClient) -> None:
    body = problem(client.post("/api/v1/assessments", json={"age": "Jane Doe, 12 Elm St"}), 422)
    assert "Jane" not in str(body)


def test_invalid_json(client: TestClient) -> None:
    response = client.post("/api/v1/assessments", content=b"{not json", headers={"content-type": "application/json"})
    assert fields(problem(response, 400)) == {"body"}


def test_deeply_nested_json_is_a_client_error(client: TestClient) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    response = client.post("/api/v1/assessments", content=deep, headers={"content-type": "application/json"})
    assert fields(problem(response, 400)) == {"body"}


def test_wrong_media_type(client: TestClient) -> None:
    response = client.post("/api/v1/assessments", content=b'{"age": 60}', headers={"content-type": "text/plain"})
    assert fields(problem(response, 415)) == {"content-type"}


def test_body_over_the_limit_is_refused(client: TestClient) -> None:
    big = {"text": "x" * (3 * 1024 * 1024)}
    problem(client.post("/api/v1/assessments", json=big), 413)


def test_streamed_body_over_the_limit_is_refused(client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b" " * 100_000

    response = client.post("/api/v1/extract", content=chunks(), headers={"content-type": "application/json"})
    problem(response, 413)


def test_unknown_label_length(client: TestClient) -> None:
    response = client.post("/api/v1/assessments", json={}, params={"label": "x" * 201})
    assert fields(problem(response, 422)) == {"label"}


def test_unknown_assessment_is_404_naming_the_id(client: TestClient) -> None:
    assert fields(problem(client.get("/api/v1/assessments/does-not-exist"), 404)) == {"id"}
    assert fields(problem(client.post("/api/v1/assessments/does-not-exist/rerun"), 404)) == {"id"}
    assert fields(problem(client.post("/api/v1/assessments/does-not-exist/reviewed"), 404)) == {"id"}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"offset": -1}, "offset"), ({"status": "x"}, "status")],
)
def test_bad_list_parameters(client: TestClient, params: dict[str, Any], field: str) -> None:
    assert field in fields(problem(client.get("/api/v1/assessments", params=params), 422))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": {"hofman_sign": "present"}}, "answers.hofman_sign"),
        ({"answers": {"hoffmann_sign": "yes"}}, "answers.hoffmann_sign"),
        ({"mode": "doctor"}, "mode"),
        ({"setting": "moon_base"}, "setting"),
        ({"age": 3}, "age"),
        ({"max_questions": 0}, "max_questions"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_interview_input(client: TestClient, body: dict[str, Any], field: str) -> None:
    assert field in fields(problem(client.post("/api/v1/interview/next", json=body), 422))


def test_bad_extract_input(client: TestClient) -> None:
    assert "text" in fields(problem(client.post("/api/v1/extract", json={}), 422))
    assert "text" in fields(problem(client.post("/api/v1/extract", json={"text": 5}), 422))


def test_unknown_instrument(client: TestClient) -> None:
    body = problem(client.post("/api/v1/instruments/mjao/score", json={"answers": {}}), 422)
    assert fields(body) == {"instrument"}
    assert "mjoa" in body["errors"][0]["problem"]
    assert fields(problem(client.get("/api/v1/instruments/nope"), 422)) == {"instrument"}


def test_bad_instrument_answer_names_the_item(client: TestClient) -> None:
    answers = {"upper_limb_motor": 9, "lower_limb_motor": 5, "upper_limb_sensation": 2, "micturition": 3}
    body = problem(client.post("/api/v1/instruments/mjoa/score", json={"answers": answers}), 422)
    assert any("upper_limb_motor" in f for f in fields(body))


def test_unknown_knowledge_ids(client: TestClient) -> None:
    assert fields(problem(client.get("/api/v1/knowledge/conditions/nope"), 404)) == {"condition"}
    assert fields(problem(client.get("/api/v1/knowledge/references/nope"), 404)) == {"reference"}


def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    problem(client.get("/api/v1/nothing-here"), 404)
    problem(client.delete("/api/v1/assessments"), 405)


def test_a_browser_asking_for_an_unknown_page_gets_an_html_page(client: TestClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "There is no page at this address" in response.text


def test_an_api_client_asking_for_an_unknown_path_gets_a_problem_document(client: TestClient) -> None:
    problem(client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"}), 404)
    problem(client.get("/no-such-page", headers={"Accept": "application/json"}), 404)


def test_a_browser_sending_a_malformed_page_address_gets_an_html_page_naming_the_field(client: TestClient) -> None:
    response = client.get("/history?page=Quillfeather", headers={"Accept": "text/html"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "page: " in response.text and "Quillfeather" not in response.text
    problem(client.get("/api/v1/assessments?limit=Quillfeather", headers={"Accept": "text/html"}), 422)


# A form whose CSRF token no longer matches: one handler, a page for a page and a problem for the API.


def _token(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


def test_a_stale_form_gets_a_page_outside_the_api_and_a_problem_inside(client: TestClient) -> None:
    app: Any = client.app

    @app.post("/api/v1/probe-csrf", dependencies=[Depends(verify_csrf)])
    @app.post("/probe-csrf", dependencies=[Depends(verify_csrf)])
    def probe() -> str:
        return "done"

    client.get("/assess")  # the browser holds the CSRF cookie
    api = problem(client.post("/api/v1/probe-csrf", data={"csrf_token": "stale"}), 403)
    assert fields(api) == {"csrf_token"}
    page = client.post("/probe-csrf", data={"csrf_token": "stale"}, headers={"Accept": "application/json"})
    assert page.status_code == 403
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="form-expired"' in page.text and "reload the page" in page.text
    assert client.post("/probe-csrf", data={"csrf_token": _token(client, "/assess")}).json() == "done"


def test_a_stale_questionnaire_speaks_to_the_patient(client: TestClient) -> None:
    client.get("/questionnaire")
    response = client.post("/questionnaire/step", data={"csrf_token": "stale", "age": "70"})
    assert response.status_code == 403
    assert "Start the questions again" in response.text
    assert 'aria-label="Main"' not in response.text  # no clinician menu on the patient's page
    clinician = client.post("/interview/step", data={"csrf_token": "stale"})
    assert "Start the questions again" not in clinician.text and 'aria-label="Main"' in clinician.text


def test_a_stale_sign_in_form_comes_back_fresh_and_keeps_where_it_was_going(
    make_client: Callable[..., TestClient],
) -> None:
    browser = make_client(users=("ann",))
    browser.get("/login")
    data = {"username": "ann", "password": PASSWORD, "csrf_token": "stale", "next": "/history"}
    response = browser.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "The sign-in form had expired" in response.text
    assert 'name="next" value="/history"' in response.text
    assert SESSION_COOKIE not in browser.cookies
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert fresh and fresh.group(1) != "stale"
    retried = browser.post("/login", data={**data, "csrf_token": fresh.group(1)}, follow_redirects=False)
    assert (retried.status_code, retried.headers["location"]) == (303, "/history")
    for target in ("https://evil.example/", "/x" * 1001):  # never another site; nothing overlong
        again = browser.post("/login", data={**data, "next": target}, follow_redirects=False)
        assert 'name="next" value="/"' in again.text


def test_a_stale_sign_out_form_gets_the_page_and_the_session_goes_on(make_client: Callable[..., TestClient]) -> None:
    browser = make_client(users=("ann",))
    token = _token(browser, "/login")
    browser.post("/login", data={"username": "ann", "password": PASSWORD, "csrf_token": token})
    response = browser.post("/logout", data={"csrf_token": "stale"}, follow_redirects=False)
    assert response.status_code == 403
    assert 'id="form-expired"' in response.text
    assert browser.get("/api/v1/knowledge").status_code == 200  # still signed in: reload and sign out again
