"""Issue 13 (items 3, 5, 6): bodies with a key given twice, deep nesting, NUL characters and
values that must not come back in the answer."""

from __future__ import annotations


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
