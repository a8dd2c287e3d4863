"""FHIR R4 out: every resource validates with the fhir.resources models and round-trips."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from spinetriage import assess
from spinetriage.fhir import (
    assessment_resources,
    cervical_mri_request,
    instrument_observations,
    read_resources,
    risk_assessment,
)
from spinetriage.fhir._output import CONDITION_SYSTEM, ORIGIN_SYSTEM

from .records import mechanical_record, myelopathy_record

TODAY = dt.date(2026, 12, 6)


def round_trip(resource: dict[str, Any]) -> dict[str, Any]:
    """Parse with the resource's own R4B model and dump again, as an EHR would read it."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    again: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return again


@pytest.mark.parametrize("record", [myelopathy_record(), myelopathy_record(with_mri=True), mechanical_record()])
def test_every_resource_validates_and_round_trips(record: list[dict[str, Any]]) -> None:
    fhir_case = read_resources(record, today=TODAY)
    resources = assessment_resources(assess(fhir_case.case), fhir_case, subject="Patient/p1")
    assert resources[0]["resourceType"] == "RiskAssessment"
    for resource in resources:
        assert round_trip(resource) == resource
        assert round_trip(round_trip(resource)) == resource


def test_the_risk_assessment_holds_the_origin_and_every_condition_with_its_basis() -> None:
    fhir_case = read_resources(myelopathy_record(with_mri=True), today=TODAY)
    assessment = assess(fhir_case.case)
    resource = risk_assessment(assessment, fhir_case, subject="Patient/p1")
    by_outcome = {
        (p["outcome"]["coding"][0]["system"], p["outcome"]["coding"][0]["code"]): p["probabilityDecimal"]
        for p in resource["prediction"]
    }
    for origin, probability in assessment.origin.probabilities.items():
        assert by_outcome[(ORIGIN_SYSTEM, origin)] == pytest.approx(probability, abs=1e-4)
    for condition in assessment.conditions:
        assert by_outcome[(CONDITION_SYSTEM, condition.id)] == pytest.approx(condition.probability, abs=1e-4)
    basis = {b["reference"] for b in resource["basis"]}
    assert {"Condition/c1", "DocumentReference/n1", "DiagnosticReport/r1"} <= basis
    assert resource["subject"] == {"reference": "Patient/p1"}
    assert assessment.knowledge_version in resource["method"]["text"]


def test_findings_read_from_text_become_observations_derived_from_their_resource() -> None:
    fhir_case = read_resources(myelopathy_record(), today=TODAY)
    resources = assessment_resources(assess(fhir_case.case), fhir_case, subject="Patient/p1")
    observations = {o["code"]["coding"][-1]["code"]: o for o in resources if o["resourceType"] == "Observation"}
    hoffmann = observations["hoffmann_sign"]
    assert {d["reference"] for d in hoffmann["derivedFrom"]} == {"Observation/o1", "DocumentReference/n1"}
    assert hoffmann["valueCodeableConcept"]["coding"][0]["code"] == "52101004"  # Present
    assert "low_back_pain" not in observations  # the coded Condition already says it


def test_the_cervical_mri_draft_is_a_valid_unsigned_order() -> None:
    request = cervical_mri_request(subject="Patient/p1", reason="Suspected degenerative cervical myelopathy")
    assert round_trip(request) == request
    assert (request["status"], request["intent"]) == ("draft", "proposal")
    loinc = {"system": "http://loinc.org", "code": "24935-9", "display": "MR Cervical spine"}
    assert request["code"]["coding"][0] == loinc


def test_instrument_scores_become_observations() -> None:
    case = {
        "age": 67,
        "findings": {"hand_clumsiness": "present"},
        "instruments": {
            "mjoa": {"upper_limb_motor": 3, "lower_limb_motor": 4, "upper_limb_sensation": 2, "micturition": 3},
            "mjoa_previous": {"total": 16, "date": "2026-05-01"},
        },
    }
    observations = instrument_observations(assess(case), subject="Patient/p1")
    assert sorted(o["valueInteger"] for o in observations) == [12, 16]
    assert any(o.get("effectiveDateTime") == "2026-05-01" for o in observations)
    for observation in observations:
        assert round_trip(observation) == observation


def test_mechanical_back_pain_gets_no_imaging_order() -> None:
    fhir_case = read_resources(mechanical_record(), today=TODAY)
    resources = assessment_resources(assess(fhir_case.case), fhir_case, subject="Patient/p2")
    assert "ServiceRequest" not in {r["resourceType"] for r in resources}
