"""Bad calls get problem details naming the field; nothing from the record reaches the log."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from tests.fhir.records import MYELOPATHY_NOTE, myelopathy_record, prefetch_for

from .hooks import ORDER_SELECT, PATIENT_VIEW, request


def fields(response_json: dict[str, object]) -> list[str]:
    return [e["field"] for e in response_json["errors"]]  # type: ignore[attr-defined,index]


def test_an_unknown_service_is_404_naming_the_services(client: TestClient) -> None:
    response = client.post("/cds-services/nope", json=request("patient-view", "p1"))
    assert response.status_code == 404
    [error] = response.json()["errors"]
    assert error["field"] == "service" and "spinetriage-patient-view" in error["allowed"]


def test_a_hook_sent_to_the_wrong_service_is_422(client: TestClient) -> None:
    response = client.post(PATIENT_VIEW, json=request("order-select", "p1", prefetch_for(myelopathy_record("p1"))))
    assert response.status_code == 422
    assert fields(response.json()) == ["hook"]


def test_a_malformed_patient_id_or_a_missing_context_field_is_422(client: TestClient) -> None:
    response = client.post(PATIENT_VIEW, json=request("patient-view", "p1/../x", prefetch_for(myelopathy_record())))
    assert response.status_code == 422 and fields(response.json()) == ["context.patientId"]
    response = client.post(ORDER_SELECT, json=request("order-select", "p1", prefetch_for(myelopathy_record())))
    assert response.status_code == 422
    assert set(fields(response.json())) == {"context.draftOrders", "context.selections"}


def test_a_request_without_hook_instance_is_422(client: TestClient) -> None:
    body = request("patient-view", "p1")
    del body["hookInstance"]
    response = client.post(PATIENT_VIEW, json=body)
    assert response.status_code == 422 and fields(response.json()) == ["hookInstance"]


def test_an_invalid_prefetched_resource_is_422_naming_it(client: TestClient) -> None:
    prefetch = prefetch_for(myelopathy_record("p1"))
    del prefetch["observations"]["entry"][0]["resource"]["status"]
    response = client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch))
    assert response.status_code == 422
    assert "prefetch.observations.entry[0].resource.status" in fields(response.json())


def test_nothing_from_the_record_is_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    prefetch = prefetch_for(myelopathy_record("p1"))
    client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch))
    prefetch["documentReferences"] = None
    client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "clumsy" not in logged and "Hoffmann" not in logged and MYELOPATHY_NOTE[:30] not in logged


def test_outside_local_mode_discovery_answers_but_hooks_and_feedback_are_refused(client_with_users: TestClient) -> None:
    client = client_with_users
    assert client.get("/cds-services").status_code == 200
    response = client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch_for(myelopathy_record("p1"))))
    assert response.status_code == 401
    assert "local mode" in response.json()["detail"]
    feedback = {"feedback": [{"card": "c", "outcome": "accepted", "outcomeTimestamp": "2026-12-06T02:00:00Z"}]}
    assert client.post("/cds-services/spinetriage-patient-view/feedback", json=feedback).status_code == 401
