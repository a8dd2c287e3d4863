"""Issue 13 (items 3, 5, 6): bodies with a key given twice, deep nesting, NUL characters and
values that must not come back in the answer."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from .test_errors import problem

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("path", "body", "key"),
    [
        ("/api/v1/assessments", '{"age": 30, "age": 90, "findings": {}}', "age"),
        ("/api/v1/assessments", '{"findings": {"clonus": "absent", "clonus": "present"}}', "clonus"),
        ("/api/v1/interview/next", '{"answers": {"clonus": "absent", "clonus": "present"}}', "clonus"),
        ("/api/v1/extract", '{"text": "no clonus", "text": "clonus"}', "text"),
        ("/api/v1/instruments/mjoa/score", '{"answers": {"micturition": 3, "micturition": 1}}', "micturition"),
    ],
)
def test_a_key_given_twice_is_refused_by_name(client: TestClient, path: str, body: str, key: str) -> None:
    answer = problem(client.post(path, content=body, headers=JSON), 422)
    assert answer["errors"][0]["field"] == "body"
    assert f"'{key}' appears twice" in answer["errors"][0]["problem"]


@pytest.mark.parametrize("path", ["/api/v1/assessments", "/api/v1/interview/next", "/api/v1/extract"])
def test_deeply_nested_bodies_are_refused(client: TestClient, path: str) -> None:
    answer = problem(client.post(path, content='{"answers": ' + "[" * 50_000 + "]" * 50_000 + "}", headers=JSON), 400)
    assert "nested deeper than" in (answer["detail"] or "")


def test_a_body_that_is_not_json_is_still_a_400(client: TestClient) -> None:
    problem(client.post("/api/v1/interview/next", content="{nope", headers=JSON), 400)
    problem(client.post("/api/v1/assessments", content="{nope", headers=JSON), 400)


NUL_REQUESTS = [
    ("get", "/api/v1/assessments/a%00b"),
    ("get", "/api/v1/assessments?q=a%00b"),
    ("post", "/api/v1/assessments/a%00b/rerun"),
    ("post", "/api/v1/assessments/a%00b/reviewed"),
    ("get", "/assessments/a%00b"),
    ("get", "/assess?from=a%00b"),
    ("get", "/questionnaire/thanks/a%00b"),
]


@pytest.mark.parametrize(("method", "path"), NUL_REQUESTS)
def test_a_nul_character_in_an_id_or_a_search_is_a_client_error(client: TestClient, method: str, path: str) -> None:
    """PostgreSQL refuses NUL in text: these were 500s there (issue 13, item 3)."""
    page = not path.startswith("/api/")
    response = getattr(client, method)(path, headers={"accept": "text/html"} if page else {})
    assert 400 <= response.status_code < 500, response.text
    if page:
        assert response.headers["content-type"].startswith("text/html")


def test_a_nul_character_in_a_label_is_named(client: TestClient) -> None:
    answer = problem(client.post("/api/v1/assessments?label=a%00b", json={"findings": {}}), 422)
    assert answer["errors"][0]["field"] == "label"
    page = client.get("/history?q=a%00b", headers={"accept": "text/html"})
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")


def test_an_unexpected_error_on_a_page_answers_with_a_page(client: TestClient) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("patient Jane Doe")

    client.app.state.spinetriage.store.search = broken  # type: ignore[attr-defined]
    quiet = TestClient(client.app, base_url=str(client.base_url), raise_server_exceptions=False)  # no second lifespan
    page = quiet.get("/history", headers={"accept": "text/html"})
    api = quiet.get("/api/v1/assessments")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "nothing was saved" in page.text and "Jane" not in page.text
    assert api.status_code == 500 and api.headers["content-type"].startswith("application/problem+json")


def _form(client: TestClient, fields: list[tuple[str, str]]) -> Any:
    page = client.get("/assess")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    body = urlencode([*fields, ("csrf_token", match.group(1))])
    headers = {"content-type": "application/x-www-form-urlencoded", "accept": "text/html"}
    return client.post("/assess", content=body, headers=headers, follow_redirects=False)


@pytest.mark.parametrize("age", ["6_4", "٦٤", "６４", "9" * 5000, " 6 4"])
def test_the_form_takes_an_age_only_in_the_digits_0_to_9(client: TestClient, age: str) -> None:
    response = _form(client, [("age", age), ("f.low_back_pain", "present")])
    assert response.status_code == 422
    assert "<strong>age</strong>" in response.text
    assert "digits 0-9" in response.text


def test_a_form_field_sent_twice_is_refused_by_name(client: TestClient) -> None:
    response = _form(client, [("age", "30"), ("age", "90"), ("f.clonus", "absent"), ("f.clonus", "present")])
    assert response.status_code == 422
    assert "<strong>age</strong>: sent more than once" in response.text
    assert "<strong>findings.clonus</strong>: sent more than once" in response.text


PATIENT = "Jane Doe, 12 High Street"


@pytest.mark.parametrize(
    "case",
    [
        {"findings": {PATIENT: "present"}},
        {"findings": {"jane_doe_12_high_street": "present"}},
        {"findings": {PATIENT: "maybe"}},
        {PATIENT: 1, "findings": {}},
        {"findings": {}, "instruments": {PATIENT: {}}},
        {"findings": {}, "instruments": {"mjoa": {PATIENT: 1}}},
        {"findings": {}, "instruments": {"mjoa_previous": {"total": 1234567}}},
        {"findings": {}, "instruments": {"mjoa": {"upper_limb_motor": 1234567}}},
    ],
)
def test_values_and_unknown_keys_are_never_echoed(client: TestClient, case: dict[str, Any]) -> None:
    response = client.post("/api/v1/assessments", json=case)
    assert response.status_code == 422
    for secret in ("Jane", "jane", "1234567"):
        assert secret not in response.text


def test_a_typo_of_a_finding_is_still_named(client: TestClient) -> None:
    response = client.post("/api/v1/assessments", json={"findings": {"hofman_sign": "present"}})
    assert problem(response, 422)["errors"][0]["field"] == "findings.hofman_sign"


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.mark.parametrize(("text", "on_loop"), [("Positive Hoffmann.", True), ("No clonus. " * 90_000, False)])
def test_a_long_note_is_read_off_the_event_loop(client: TestClient, text: str, on_loop: bool) -> None:
    """Issue 13, item 9: reading a 1,000,000-character note on the event loop stalled every other request
    (the health check waited 0.8 s); a short case is still assessed there, which is cheaper than a thread hop."""
    store = client.app.state.spinetriage.store  # type: ignore[attr-defined]
    seen: list[bool] = []
    for name in ("save", "prepare"):
        original = getattr(store, name)

        def recorded(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            seen.append(_on_event_loop())
            return _original(*args, **kwargs)

        setattr(store, name, recorded)
    response = client.post("/api/v1/assessments", json={"findings": {}, "text": text})
    assert response.status_code == 201
    assert seen[0] is on_loop
