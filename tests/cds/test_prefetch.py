"""Prefetch present, absent and null; the fallback to a real FHIR server, with and without a token; 412."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.fhir.records import myelopathy_record, prefetch_for

from .fhir_server import FhirServer
from .hooks import PATIENT_VIEW, checked_cards, request

TOKEN = {
    "access_token": "secret-token-123",
    "token_type": "Bearer",
    "expires_in": 300,
    "scope": "patient/*.read",
    "subject": "cds-service",
}


def test_a_full_prefetch_needs_no_fhir_server(client: TestClient, fhir_server: FhirServer) -> None:
    body = request("patient-view", "p1", prefetch_for(myelopathy_record("p1")), fhirServer=fhir_server.url)
    assert len(checked_cards(client.post(PATIENT_VIEW, json=body).json())) == 1
    assert fhir_server.requests == []


@pytest.mark.parametrize("missing", ["absent", "null"])
def test_absent_or_null_keys_are_fetched_from_the_fhir_server_with_the_token(
    client: TestClient, fhir_server: FhirServer, missing: str
) -> None:
    prefetch: dict[str, Any] = prefetch_for(myelopathy_record("p1"))
    for key in ("patient", "documentReferences", "observations"):
        if missing == "absent":
            del prefetch[key]
        else:
            prefetch[key] = None
    body = request("patient-view", "p1", prefetch, fhirServer=fhir_server.url, fhirAuthorization=TOKEN)
    [card] = checked_cards(client.post(PATIENT_VIEW, json=body).json())
    assert "DocumentReference/n1" in card["detail"]  # read from the FHIR server
    paths = sorted(fhir_server.paths())
    assert paths == [
        "/fhir/DocumentReference?patient=p1&status=current",
        "/fhir/Observation?patient=p1",
        "/fhir/Patient/p1",
    ]
    assert {auth for _, auth in fhir_server.requests} == {"Bearer secret-token-123"}


def test_no_prefetch_at_all_fetches_everything_without_authorization_when_none_is_given(
    client: TestClient, fhir_server: FhirServer
) -> None:
    body = request("patient-view", "p1", fhirServer=fhir_server.url)
    [card] = checked_cards(client.post(PATIENT_VIEW, json=body).json())
    assert card["summary"].startswith("Back pain may come from the neck")
    assert len(fhir_server.requests) == 6
    assert {auth for _, auth in fhir_server.requests} == {None}


def test_search_pages_are_followed(client: TestClient, fhir_server: FhirServer) -> None:
    extra = [
        {
            "resourceType": "Observation",
            "id": f"x{i}",
            "status": "final",
            "subject": {"reference": "Patient/p1"},
            "code": {"text": "Blood pressure"},
        }
        for i in range(4)
    ]
    fhir_server.resources.extend(extra)  # 5 observations: three pages of two
    prefetch = prefetch_for(myelopathy_record("p1"))
    del prefetch["observations"]
    body = request("patient-view", "p1", prefetch, fhirServer=fhir_server.url)
    [card] = checked_cards(client.post(PATIENT_VIEW, json=body).json())
    assert "Observation/o1" in card["detail"]
    assert "Not all of the record" not in card["detail"]
    assert len([p for p in fhir_server.paths() if p.startswith("/fhir/Observation")]) == 3


def test_a_search_longer_than_the_page_limit_is_read_in_part_and_the_card_says_so(
    client: TestClient, fhir_server: FhirServer
) -> None:
    extra = [
        {
            "resourceType": "Observation",
            "id": f"x{i}",
            "status": "final",
            "subject": {"reference": "Patient/p1"},
            "code": {"text": "Blood pressure"},
        }
        for i in range(12)
    ]
    fhir_server.resources.extend(extra)  # 13 observations: seven pages of two
    prefetch = prefetch_for(myelopathy_record("p1"))
    del prefetch["observations"]
    body = request("patient-view", "p1", prefetch, fhirServer=fhir_server.url)
    [card] = checked_cards(client.post(PATIENT_VIEW, json=body).json())
    assert "**Not all of the record was read:** observations" in card["detail"]
    assert len([p for p in fhir_server.paths() if p.startswith("/fhir/Observation")]) == 5


@pytest.mark.parametrize("how", ["absent", "OperationOutcome"])
def test_a_key_that_cannot_be_had_without_a_fhir_server_is_412_naming_it(client: TestClient, how: str) -> None:
    prefetch = prefetch_for(myelopathy_record("p1"))
    if how == "absent":
        del prefetch["documentReferences"]
    else:
        prefetch["documentReferences"] = {"resourceType": "OperationOutcome", "issue": []}
    response = client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch))
    assert response.status_code == 412
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "prefetch.documentReferences"


def test_null_without_a_fhir_server_means_the_ehr_has_no_such_data(client: TestClient) -> None:
    """The specification: "If the CDS Client has no data to populate a template prefetch key, the prefetch
    template key MUST have a value of null"."""
    prefetch = prefetch_for(myelopathy_record("p1"))
    for key in ("questionnaireResponses", "diagnosticReports", "conditions"):
        prefetch[key] = None
    [card] = checked_cards(client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch)).json())
    assert "Condition/c1" not in card["detail"] and "DocumentReference/n1" in card["detail"]


def test_an_operation_outcome_in_prefetch_is_fetched_again(client: TestClient, fhir_server: FhirServer) -> None:
    prefetch = prefetch_for(myelopathy_record("p1"))
    prefetch["documentReferences"] = {"resourceType": "OperationOutcome", "issue": []}
    body = request("patient-view", "p1", prefetch, fhirServer=fhir_server.url)
    [card] = checked_cards(client.post(PATIENT_VIEW, json=body).json())
    assert "DocumentReference/n1" in card["detail"]
    assert fhir_server.paths() == ["/fhir/DocumentReference?patient=p1&status=current"]


@pytest.mark.parametrize("status", [401, 500])
def test_a_fhir_server_that_refuses_is_412(client: TestClient, fhir_server: FhirServer, status: int) -> None:
    fhir_server.fail["Observation"] = status
    prefetch = prefetch_for(myelopathy_record("p1"))
    del prefetch["observations"]
    response = client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch, fhirServer=fhir_server.url))
    assert response.status_code == 412
    [error] = response.json()["errors"]
    assert error["field"] == "prefetch.observations" and str(status) in error["problem"]


def test_an_unreachable_fhir_server_is_412(client: TestClient) -> None:
    from tests.web.server import free_port

    body = request("patient-view", "p1", fhirServer=f"http://127.0.0.1:{free_port()}/fhir")
    response = client.post(PATIENT_VIEW, json=body)
    assert response.status_code == 412
    assert response.json()["errors"][0]["field"].startswith("prefetch.")
