"""Feedback is stored once however often it is sent (SQLite and PostgreSQL), and CORS lets browser EHRs call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spinetriage.cds._feedback import feedback_for_card
from spinetriage.web import create_app
from spinetriage.web.settings import Settings
from tests.fhir.records import myelopathy_record, prefetch_for
from tests.web.conftest import BASE_URL, fresh_database_url

from .hooks import PATIENT_VIEW, checked_cards, request

FEEDBACK = "/cds-services/spinetriage-patient-view/feedback"


@pytest.fixture(params=["sqlite", "postgres"])
def any_client(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[TestClient]:
    for url in fresh_database_url(str(request.param), tmp_path):
        with TestClient(create_app(Settings(database_url=url)), base_url=BASE_URL) as c:
            yield c


def overridden(card: str, when: str = "2026-12-06T02:00:00Z") -> dict[str, Any]:
    return {
        "card": card,
        "outcome": "overridden",
        "overrideReason": {
            "reason": {"system": "urn:spinetriage:cds-override", "code": "cervical-imaging-done"},
            "userComment": "MRI done elsewhere",
        },
        "outcomeTimestamp": when,
    }


def test_feedback_sent_twice_is_stored_once(any_client: TestClient) -> None:
    response = any_client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch_for(myelopathy_record("p1"))))
    [card] = checked_cards(response.json())
    suggestion = card["suggestions"][0]["uuid"]
    accepted = {
        "card": card["uuid"],
        "outcome": "accepted",
        "acceptedSuggestions": [{"id": suggestion}],
        "outcomeTimestamp": "2026-12-06T02:00:00Z",
    }
    first = any_client.post(FEEDBACK, json={"feedback": [accepted]})
    assert first.status_code == 200 and first.json() == {"stored": 1, "duplicates": 0}
    again = any_client.post(FEEDBACK, json={"feedback": [accepted]})
    assert again.status_code == 200 and again.json() == {"stored": 0, "duplicates": 1}
    state = any_client.app.state.spinetriage  # type: ignore[attr-defined]
    [row] = feedback_for_card(state.database, card["uuid"])
    assert (row.outcome, row.accepted_suggestions) == ("accepted", [suggestion])


def test_a_later_outcome_for_the_same_card_is_a_new_item(any_client: TestClient) -> None:
    assert any_client.post(FEEDBACK, json={"feedback": [overridden("card-1")]}).json()["stored"] == 1
    later = overridden("card-1", "2026-12-06T02:05:00Z")
    assert any_client.post(FEEDBACK, json={"feedback": [later, overridden("card-1")]}).json() == {
        "stored": 1,
        "duplicates": 1,
    }
    state = any_client.app.state.spinetriage  # type: ignore[attr-defined]
    rows = feedback_for_card(state.database, "card-1")
    assert len(rows) == 2
    assert rows[0].override_reason["reason"]["code"] == "cervical-imaging-done"


def test_bad_feedback_names_the_field(client: TestClient) -> None:
    response = client.post(FEEDBACK, json={"feedback": [{"card": "c", "outcome": "ignored"}]})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"feedback.0.outcome", "feedback.0.outcomeTimestamp"}
    assert client.post(FEEDBACK, json={"feedback": []}).status_code == 422


def test_cors_preflight_and_answers_allow_browser_ehrs(client: TestClient) -> None:
    origin = "http://sandbox.example"
    preflight = client.options(
        PATIENT_VIEW,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    for path in ("/cds-services", "/cds-services/"):
        discovery = client.get(path, headers={"Origin": origin}, follow_redirects=False)
        assert discovery.status_code == 200 and discovery.headers["access-control-allow-origin"] == "*"
        preflight = client.options(
            path,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
    call = client.post(
        PATIENT_VIEW,
        json=request("patient-view", "p1", prefetch_for(myelopathy_record("p1"))),
        headers={"Origin": origin},
    )
    assert call.headers["access-control-allow-origin"] == "*"


def test_the_rest_of_the_app_is_not_opened_to_other_origins(client: TestClient) -> None:
    response = client.get("/healthz", headers={"Origin": "http://sandbox.example"})
    assert "access-control-allow-origin" not in response.headers
