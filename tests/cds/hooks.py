"""Building CDS Hooks requests as an EHR sends them, and checking answers against the 2.0 shapes."""

from __future__ import annotations

import uuid
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from spinetriage.cds._shapes import CdsResponse

PATIENT_VIEW = "/cds-services/spinetriage-patient-view"
ORDER_SELECT = "/cds-services/spinetriage-order-select"
ORDER_SIGN = "/cds-services/spinetriage-order-sign"
LUMBAR_MRI = {"system": "http://loinc.org", "code": "24968-0", "display": "MR Lumbar spine"}
CERVICAL_MRI = {"system": "http://loinc.org", "code": "24935-9", "display": "MR Cervical spine"}


def request(hook: str, patient_id: str, prefetch: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"userId": "Practitioner/dr1", "patientId": patient_id}
    context.update(extra.pop("context", {}))
    body: dict[str, Any] = {"hook": hook, "hookInstance": str(uuid.uuid4()), "context": context}
    if prefetch is not None:
        body["prefetch"] = prefetch
    body.update(extra)
    return body


def service_request(rid: str, patient_id: str, code: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "ServiceRequest",
        "id": rid,
        "status": "draft",
        "intent": "order",
        "subject": {"reference": f"Patient/{patient_id}"},
        "code": code,
    }


def draft_orders(*requests: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in requests]}


def checked_cards(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The cards of a hook response, after checking them against the CDS Hooks 2.0 shapes and every
    resource in their suggestions against the FHIR R4 (R4B) models."""
    CdsResponse.model_validate(body)
    cards: list[dict[str, Any]] = body["cards"]
    for card in cards:
        assert len(card["summary"]) < 140
        assert card["indicator"] in ("info", "warning", "critical")
        assert card["source"]["label"]
        if card.get("suggestions"):
            assert card["selectionBehavior"] in ("at-most-one", "any")
        for suggestion in card.get("suggestions", []):
            assert suggestion.get("isRecommended") is not True  # never applied automatically
            for action in suggestion["actions"]:
                if action["type"] in ("create", "update"):
                    resource = action["resource"]
                    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
                    assert model.model_dump(mode="json", exclude_none=True) == resource
                else:
                    assert action["resourceId"].count("/") == 1
    assert "systemActions" not in body
    return cards
