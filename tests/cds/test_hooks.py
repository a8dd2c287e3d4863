"""The CDS Hooks service through the web app: discovery, each hook, cards only when they matter.

Clinical assertions hold for correct reasoning, not for one engine's numbers: a textbook
myelopathy record (clumsy hands, Hoffmann, broad-based gait, hyperreflexia) gets a card, plain
mechanical back pain gets none; card presence is decided by the documented thresholds in
spinetriage.cds._concern.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from spinetriage.cds._shapes import Discovery
from tests.fhir.records import (
    b64,
    mechanical_record,
    myelopathy_record,
    note,
    patient,
    prefetch_for,
)

from .hooks import (
    CERVICAL_MRI,
    LUMBAR_MRI,
    ORDER_SELECT,
    ORDER_SIGN,
    PATIENT_VIEW,
    checked_cards,
    draft_orders,
    request,
    service_request,
)


def test_discovery_lists_the_three_hooks_with_prefetch_templates(client: TestClient) -> None:
    response = client.get("/cds-services", follow_redirects=False)
    assert response.status_code == 200
    assert client.get("/cds-services/", follow_redirects=False).json() == response.json()
    discovery = Discovery.model_validate(response.json())
    assert {s.hook for s in discovery.services} == {"patient-view", "order-select", "order-sign"}
    for service in discovery.services:
        assert service.prefetch is not None
        assert service.prefetch["patient"] == "Patient/{{context.patientId}}"
        assert all("{{context.patientId}}" in template for template in service.prefetch.values())


def test_patient_view_of_a_myelopathy_record_gets_one_card_naming_the_neck(client: TestClient) -> None:
    response = client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch_for(myelopathy_record("p1"))))
    assert response.status_code == 200
    [card] = checked_cards(response.json())
    # "from the neck" or, should the engine find both regions at fault, "from the neck and the lower back"
    assert card["summary"].startswith("Back pain may come from the neck")
    assert "cervical myelopathy" in card["summary"] and "%" in card["summary"]
    detail = card["detail"]
    assert "DocumentReference/n1" in detail and "Observation/o1" in detail and "Condition/c1" in detail
    assert "hoffmann sign: present" in detail
    assert "Degenerative cervical myelopathy" in detail
    assert "**References**" in detail
    assert {r["code"] for r in card["overrideReasons"]} >= {"myelopathy-excluded", "cervical-imaging-done"}


def test_the_card_suggests_a_draft_cervical_mri_when_the_work_up_recommends_it(client: TestClient) -> None:
    response = client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch_for(myelopathy_record("p1"))))
    [card] = checked_cards(response.json())
    [suggestion] = card["suggestions"]
    [action] = suggestion["actions"]
    assert action["type"] == "create"
    order = action["resource"]
    assert (order["resourceType"], order["status"]) == ("ServiceRequest", "draft")
    assert order["code"]["coding"][0]["code"] == CERVICAL_MRI["code"]
    assert order["subject"] == {"reference": "Patient/p1"}


def test_the_card_links_to_the_stored_assessment(client: TestClient) -> None:
    response = client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch_for(myelopathy_record("p1"))))
    [card] = checked_cards(response.json())
    [link] = card["links"]
    assert link["type"] == "absolute" and "/assessments/" in link["url"]
    stored = client.get("/api/v1/assessments/" + link["url"].rsplit("/", 1)[1])
    assert stored.status_code == 200
    assert stored.json()["case"]["findings"]["hoffmann_sign"] == "present"


def test_plain_mechanical_back_pain_gets_no_card(client: TestClient) -> None:
    response = client.post(PATIENT_VIEW, json=request("patient-view", "p2", prefetch_for(mechanical_record("p2"))))
    assert response.status_code == 200
    assert checked_cards(response.json()) == []


CAUDA_EQUINA = "Low back pain since yesterday with numbness in the saddle area."


def test_a_red_flag_alone_gets_a_critical_card_on_patient_view(client: TestClient) -> None:
    record = [patient("p5", "1970-01-01", "male"), note("n5", CAUDA_EQUINA, "p5")]
    [card] = checked_cards(client.post(PATIENT_VIEW, json=request("patient-view", "p5", prefetch_for(record))).json())
    assert card["summary"].startswith("Red flag:") and "cauda equina" in card["summary"].lower()
    assert card["indicator"] == "critical"
    assert "**Red flags**" in card["detail"]


def test_a_lumbar_mri_for_a_red_flag_without_a_neck_problem_gets_no_order_card(client: TestClient) -> None:
    """Emergency lumbar MRI is exactly right for suspected cauda equina: the order hook stays silent."""
    record = [patient("p5", "1970-01-01", "male"), note("n5", CAUDA_EQUINA, "p5")]
    orders = draft_orders(service_request("sr5", "p5", {"coding": [LUMBAR_MRI]}))
    body = request("order-sign", "p5", prefetch_for(record), context={"draftOrders": orders})
    assert checked_cards(client.post(ORDER_SIGN, json=body).json()) == []


def test_a_child_gets_no_card(client: TestClient) -> None:
    record = [patient("kid", "2016-01-01"), *myelopathy_record("kid")[1:]]
    response = client.post(PATIENT_VIEW, json=request("patient-view", "kid", prefetch_for(record)))
    assert checked_cards(response.json()) == []


@pytest.mark.parametrize(("hook", "path"), [("order-select", ORDER_SELECT), ("order-sign", ORDER_SIGN)])
def test_a_lumbar_mri_order_for_a_myelopathic_patient_gets_a_cervical_mri_suggestion(
    client: TestClient, hook: str, path: str
) -> None:
    orders = draft_orders(service_request("sr1", "p1", {"coding": [LUMBAR_MRI]}))
    context: dict[str, Any] = {"draftOrders": orders}
    if hook == "order-select":
        context["selections"] = ["ServiceRequest/sr1"]
    body = request(hook, "p1", prefetch_for(myelopathy_record("p1")), context=context)
    [card] = checked_cards(client.post(path, json=body).json())
    assert "lumbar MRI" in card["summary"] and "neck" in card["summary"]
    add, replace = card["suggestions"]
    assert [a["type"] for a in add["actions"]] == ["create"]
    assert [a["type"] for a in replace["actions"]] == ["delete", "create"]
    assert replace["actions"][0]["resourceId"] == "ServiceRequest/sr1"
    assert replace["actions"][1]["resource"]["code"]["coding"][0]["code"] == CERVICAL_MRI["code"]
    assert card["overrideReasons"]


@pytest.mark.parametrize(("hook", "path"), [("order-select", ORDER_SELECT), ("order-sign", ORDER_SIGN)])
def test_the_same_order_for_plain_mechanical_back_pain_gets_no_card(client: TestClient, hook: str, path: str) -> None:
    orders = draft_orders(service_request("sr2", "p2", {"coding": [LUMBAR_MRI]}))
    context: dict[str, Any] = {"draftOrders": orders}
    if hook == "order-select":
        context["selections"] = ["ServiceRequest/sr2"]
    body = request(hook, "p2", prefetch_for(mechanical_record("p2")), context=context)
    assert checked_cards(client.post(path, json=body).json()) == []


def test_the_issue_example_notes_alone_with_a_text_only_lumbar_order(client: TestClient) -> None:
    """Issue 14: notes saying "broad-based gait, Hoffmann positive, hands clumsy" and an order named only in text."""
    record = [patient("p3", "1958-01-01", "male"), *myelopathy_record("p3")[2:3]]
    record[1]["content"][0]["attachment"]["data"] = b64(
        "Low back pain. Broad-based gait, Hoffmann positive, hands clumsy."
    )
    orders = draft_orders(service_request("sr3", "p3", {"text": "MRI lumbar spine without contrast"}))
    body = request("order-sign", "p3", prefetch_for(record), context={"draftOrders": orders})
    [card] = checked_cards(client.post(ORDER_SIGN, json=body).json())
    assert card["suggestions"][1]["actions"][0]["resourceId"] == "ServiceRequest/sr3"


def test_a_draft_order_without_an_id_can_be_added_to_but_not_replaced(client: TestClient) -> None:
    order = service_request("sr1", "p1", {"coding": [LUMBAR_MRI]})
    del order["id"]
    body = request(
        "order-sign", "p1", prefetch_for(myelopathy_record("p1")), context={"draftOrders": draft_orders(order)}
    )
    [card] = checked_cards(client.post(ORDER_SIGN, json=body).json())
    assert [s["label"] for s in card["suggestions"]] == ["Add MRI of the cervical spine"]


def test_order_select_ignores_a_lumbar_order_that_is_not_selected(client: TestClient) -> None:
    orders = draft_orders(service_request("sr1", "p1", {"coding": [LUMBAR_MRI]}))
    context = {"draftOrders": orders, "selections": ["ServiceRequest/other"]}
    body = request("order-select", "p1", prefetch_for(myelopathy_record("p1")), context=context)
    assert checked_cards(client.post(ORDER_SELECT, json=body).json()) == []


def test_no_suggestion_when_a_cervical_mri_is_already_being_ordered(client: TestClient) -> None:
    orders = draft_orders(
        service_request("sr1", "p1", {"coding": [LUMBAR_MRI]}),
        service_request("sr2", "p1", {"coding": [CERVICAL_MRI]}),
    )
    body = request("order-sign", "p1", prefetch_for(myelopathy_record("p1")), context={"draftOrders": orders})
    assert checked_cards(client.post(ORDER_SIGN, json=body).json()) == []


def test_the_card_detail_makes_record_text_inert_markdown(client: TestClient) -> None:
    record = myelopathy_record("p1")
    record[3]["code"]["text"] = "Hoffmann sign [click](http://evil.example) <b>"
    response = client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch_for(record)))
    [card] = checked_cards(response.json())
    assert "](http" not in card["detail"] and "<b>" not in card["detail"]
