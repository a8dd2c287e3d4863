"""FHIR R4 in: each resource type read into findings that name the resource they came from."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from spinetriage.errors import InputErrors
from spinetriage.fhir import read_resources
from spinetriage.vocab import Status

from .records import (
    CERVICAL_MRI_REPORT,
    MYELOPATHY_NOTE,
    b64,
    bundle,
    low_back_pain_condition,
    myelopathy_record,
    note,
    patient,
    report,
    text_observation,
)

TODAY = dt.date(2026, 12, 6)


def read(*resources: dict[str, Any]) -> Any:
    return read_resources(list(resources), today=TODAY)


def test_patient_gives_age_and_sex() -> None:
    fhir_case = read(patient("p1", "1959-12-07", "female"))
    assert (fhir_case.case.age, fhir_case.case.sex.value, fhir_case.patient_id) == (66, "female", "p1")
    assert fhir_case.adult is True


@pytest.mark.parametrize(("birth", "age"), [("1959", 66), ("1959-12", 66), ("1959-11", 67)])
def test_a_partial_birth_date_gives_the_youngest_possible_age(birth: str, age: int) -> None:
    assert read(patient("p1", birth)).case.age == age


def test_a_child_is_not_an_adult_and_gets_no_age() -> None:
    fhir_case = read(patient("kid", "2015-01-01"))
    assert fhir_case.adult is False and fhir_case.case.age is None


def test_other_gender_leaves_sex_unknown() -> None:
    assert read(patient("p1", gender="other")).case.sex is None


def test_a_coded_condition_names_its_finding_and_resource() -> None:
    fhir_case = read(low_back_pain_condition("c9"))
    assert fhir_case.case.findings == {"low_back_pain": Status.PRESENT}
    [source] = fhir_case.sources["low_back_pain"]
    assert (source.reference, source.how) == ("Condition/c9", "code")


def test_a_refuted_condition_is_absent_and_a_resolved_one_is_not_read() -> None:
    refuted = low_back_pain_condition("c1")
    refuted["verificationStatus"] = {
        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "refuted"}]
    }
    assert read(refuted).case.findings == {"low_back_pain": Status.ABSENT}
    resolved = low_back_pain_condition("c2")
    resolved["clinicalStatus"]["coding"][0]["code"] = "resolved"
    fhir_case = read(resolved)
    assert fhir_case.case.findings == {}
    assert [s.reference for s in fhir_case.skipped] == ["Condition/c2"]


def test_an_observation_with_only_code_text_is_read_with_the_text_extractor() -> None:
    fhir_case = read(text_observation("o1", "Hoffmann sign", "positive"))
    assert fhir_case.case.findings == {"hoffmann_sign": Status.PRESENT}
    [source] = fhir_case.sources["hoffmann_sign"]
    assert (source.reference, source.how, source.quote) == ("Observation/o1", "text", "Hoffmann sign")


def test_an_observation_named_in_text_and_answered_false_is_absent() -> None:
    observation = text_observation("o1", "Hoffmann sign")
    observation["valueBoolean"] = False
    assert read(observation).case.findings == {"hoffmann_sign": Status.ABSENT}


def test_a_coded_observation_answered_no_is_absent_and_data_absent_stays_unknown() -> None:
    coded = {
        "resourceType": "Observation",
        "id": "o2",
        "status": "final",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "386661006"}]},
        "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "373067005"}]},
    }
    assert read(coded).case.findings == {"fever": Status.ABSENT}
    unknown = dict(coded, id="o3", dataAbsentReason={"text": "not asked"})
    del unknown["valueCodeableConcept"]
    assert read(unknown).case.findings == {}


def test_an_entered_in_error_observation_is_not_read() -> None:
    observation = text_observation("o1", "Hoffmann sign", "positive")
    observation["status"] = "entered-in-error"
    assert read(observation).case.findings == {}


def test_questionnaire_items_named_by_finding_id() -> None:
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": "q1",
        "status": "completed",
        "item": [
            {"linkId": "hand_clumsiness", "text": "Are your hands clumsy?", "answer": [{"valueBoolean": True}]},
            {
                "linkId": "section",
                "item": [
                    {
                        "linkId": "falls",
                        "answer": [{"valueCoding": {"system": "http://snomed.info/sct", "code": "373067005"}}],
                    }
                ],
            },
            {"linkId": "favourite_colour", "answer": [{"valueString": "blue"}]},
        ],
    }
    fhir_case = read(response)
    assert fhir_case.case.findings == {"falls": Status.ABSENT, "hand_clumsiness": Status.PRESENT}
    assert fhir_case.sources["hand_clumsiness"][0].reference == "QuestionnaireResponse/q1#hand_clumsiness"


def test_an_unfinished_questionnaire_is_not_read() -> None:
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": "q1",
        "status": "in-progress",
        "item": [{"linkId": "hand_clumsiness", "answer": [{"valueBoolean": True}]}],
    }
    assert read(response).case.findings == {}


def test_a_note_is_read_with_quotes_from_its_document() -> None:
    fhir_case = read(note("n1", MYELOPATHY_NOTE))
    findings = fhir_case.case.findings
    for finding in ("hand_clumsiness", "broad_based_gait", "hoffmann_sign"):
        assert findings[finding] is Status.PRESENT
        assert fhir_case.sources[finding][0].reference == "DocumentReference/n1"
    assert findings["straight_leg_raise_positive"] is Status.ABSENT
    assert fhir_case.sources["hoffmann_sign"][0].quote == "Hoffmann"


def test_an_mri_report_gives_region_specific_imaging_findings() -> None:
    fhir_case = read(report("r1", CERVICAL_MRI_REPORT))
    assert fhir_case.case.findings["cervical_cord_compression"] is Status.PRESENT
    assert "lumbar_canal_stenosis" not in fhir_case.case.findings


def test_a_report_attachment_is_read_and_a_linked_one_is_skipped() -> None:
    document = note("n1", "Hoffmann positive.")
    document["content"].append({"attachment": {"contentType": "application/pdf", "url": "Binary/1"}})
    fhir_case = read(document)
    assert fhir_case.case.findings == {"hoffmann_sign": Status.PRESENT}
    assert [s.reference for s in fhir_case.skipped] == ["DocumentReference/n1"]
    presented = report("r2", "")
    presented.pop("conclusion")
    presented["presentedForm"] = [{"contentType": "text/plain; charset=utf-8", "data": b64("Clonus present.")}]
    assert read(presented).case.findings == {"clonus": Status.PRESENT}


def test_a_coded_statement_outweighs_text_and_the_conflict_is_reported() -> None:
    refuted = low_back_pain_condition("c1")
    refuted["verificationStatus"] = {"coding": [{"code": "refuted"}]}
    fhir_case = read(refuted, note("n1", "Low back pain for years."))
    assert fhir_case.case.findings["low_back_pain"] is Status.ABSENT
    assert fhir_case.conflicts == ["low_back_pain"]
    assert [s.reference for s in fhir_case.used_sources("low_back_pain")] == ["Condition/c1"]


def test_present_in_one_note_outweighs_absent_in_another() -> None:
    fhir_case = read(note("n1", "Hoffmann negative."), note("n2", "Hoffmann positive on the right."))
    assert fhir_case.case.findings["hoffmann_sign"] is Status.PRESENT
    assert [s.reference for s in fhir_case.used_sources("hoffmann_sign")] == ["DocumentReference/n2"]


def test_bundles_are_opened_and_other_types_are_skipped() -> None:
    fhir_case = read(bundle(*myelopathy_record()), {"resourceType": "Encounter", "id": "e1", "status": "finished"})
    assert fhir_case.case.findings["hoffmann_sign"] is Status.PRESENT
    assert fhir_case.case.age is not None


def test_an_invalid_resource_names_its_field_without_echoing_values() -> None:
    bad = text_observation("o1", "Hoffmann sign", "positive")
    del bad["status"]
    worse = patient("p1", "not-a-date-SECRET")
    with pytest.raises(InputErrors) as raised:
        read_resources([bundle(bad), worse], where=["prefetch.observations", "prefetch.patient"])
    fields = [e.field for e in raised.value.errors]
    assert "prefetch.observations.entry[0].resource.status" in fields
    assert any(f.startswith("prefetch.patient.birthDate") for f in fields)
    assert "SECRET" not in str(raised.value)


def test_a_resource_without_resource_type_is_an_error() -> None:
    with pytest.raises(InputErrors, match=r"resources\[0\]\.resourceType"):
        read_resources([{"id": "x"}])
