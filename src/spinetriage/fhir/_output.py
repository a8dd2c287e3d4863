"""FHIR R4 out: an assessment as a RiskAssessment, Observations (findings read from text,
instrument scores) and a draft ServiceRequest for recommended cervical MRI.

Every resource is built as JSON, validated with the ``fhir.resources`` R4B model of its
type (R4B is R4 for these resources), and returned as that model's JSON, so what leaves
spinetriage parses back to itself (:func:`validated`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from spinetriage.assessment import Assessment
from spinetriage.fhir._codes import AnswerCode, code_table
from spinetriage.fhir._input import FhirCase

ORIGIN_SYSTEM = "urn:spinetriage:origin"
CONDITION_SYSTEM = "urn:spinetriage:condition"
FINDING_SYSTEM = "urn:spinetriage:finding"
INSTRUMENT_SYSTEM = "urn:spinetriage:instrument"
"""spinetriage's own identifiers as code systems (docs/fhir.md): stable, snake_case, never renamed."""

ORIGIN_LABELS = {
    "cervical": "Presenting complaint from the neck (cervical)",
    "lumbar": "Presenting complaint from the lower back (lumbar)",
    "both": "Presenting complaint from neck and lower back together (tandem)",
    "other": "Presenting complaint from outside the spine's two regions",
    "undetermined": "Origin undetermined",
}
PROBABILITY_DIGITS = 4
CERVICAL_MRI = "cervical_mri"


def validated(resource: Mapping[str, Any]) -> dict[str, Any]:
    """``resource`` parsed by its fhir.resources R4B model and dumped again (raises pydantic's ValidationError)."""
    model = get_fhir_model_class(str(resource["resourceType"])).model_validate(dict(resource))
    out: dict[str, Any] = json.loads(model.model_dump_json(exclude_none=True))
    return out


def risk_assessment(
    assessment: Assessment, fhir_case: FhirCase | None, *, subject: str, when: dt.datetime | None = None
) -> dict[str, Any]:
    """The origin's and each condition's probability, with the resources the findings came from as basis."""
    when = when or dt.datetime.now(dt.UTC)
    predictions: list[dict[str, Any]] = [
        {
            "outcome": {
                "coding": [{"system": ORIGIN_SYSTEM, "code": origin, "display": ORIGIN_LABELS.get(origin, origin)}],
                "text": ORIGIN_LABELS.get(origin, origin),
            },
            "probabilityDecimal": round(probability, PROBABILITY_DIGITS),
        }
        for origin, probability in assessment.origin.probabilities.items()
    ]
    predictions += [
        {
            "outcome": {
                "coding": [{"system": CONDITION_SYSTEM, "code": c.id, "display": c.label}],
                "text": c.label,
            },
            "probabilityDecimal": round(c.probability, PROBABILITY_DIGITS),
        }
        for c in assessment.conditions
    ]
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "status": "final",
        "subject": {"reference": subject},
        "occurrenceDateTime": when.isoformat(timespec="seconds"),
        "code": {"text": "Origin of the presenting back complaint (spinetriage)"},
        "method": {
            "text": f"spinetriage {assessment.engine_version}, knowledge {assessment.knowledge_version}",
        },
        "prediction": predictions,
        "mitigation": f"Origin: {assessment.origin.verdict}. {assessment.origin.explanation}",
        "note": [{"text": assessment.disclaimer}],
    }
    basis = _basis(fhir_case)
    if basis:
        resource["basis"] = [{"reference": ref} for ref in basis]
    return validated(resource)


def _basis(fhir_case: FhirCase | None) -> list[str]:
    if fhir_case is None:
        return []
    refs: list[str] = []
    for finding in fhir_case.case.findings:
        for source in fhir_case.used_sources(finding):
            ref = source.reference.split("#")[0]
            if "/" in ref and " " not in ref and ref not in refs:
                refs.append(ref)
    return refs


def finding_observations(fhir_case: FhirCase, *, subject: str) -> list[dict[str, Any]]:
    """One Observation per finding read from text (what the extractor found, and where)."""
    table = code_table()
    answer: dict[str, AnswerCode] = {a.status: a for a in table.answers.values() if a.display in ("Present", "Absent")}
    out = []
    for finding, status in fhir_case.case.findings.items():
        used = fhir_case.used_sources(finding)
        texts = [s for s in used if s.how == "text"]
        if not texts or len(texts) < len(used):  # a coded resource already says it
            continue
        coding = [{"system": FINDING_SYSTEM, "code": finding}]
        mapped = table.finding_code(finding)
        if mapped is not None:
            coding.insert(0, {"system": table.uri(mapped.system), "code": mapped.code, "display": mapped.display})
        value = answer[status.value]
        resource = {
            "resourceType": "Observation",
            "status": "preliminary",
            "code": {"coding": coding, "text": finding.replace("_", " ")},
            "subject": {"reference": subject},
            "valueCodeableConcept": {
                "coding": [{"system": table.uri(value.system), "code": value.code, "display": value.display}],
                "text": status.value,
            },
            "method": {"text": "read from clinical text by the spinetriage text extractor"},
            "derivedFrom": [{"reference": s.reference} for s in texts if "/" in s.reference and " " not in s.reference],
            "note": [{"text": f'"{s.quote}" ({s.reference})'} for s in texts if s.quote],
        }
        if not resource["derivedFrom"]:
            del resource["derivedFrom"]
        if not resource["note"]:
            del resource["note"]
        out.append(validated(resource))
    return out


def instrument_observations(assessment: Assessment, *, subject: str) -> list[dict[str, Any]]:
    """One Observation per instrument scored with the case (mJOA, P-mJOA, ...)."""
    out = []
    for instrument in assessment.instruments:
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "code": {
                "coding": [{"system": INSTRUMENT_SYSTEM, "code": instrument.instrument, "display": instrument.name}],
                "text": instrument.name,
            },
            "subject": {"reference": subject},
            "valueInteger": instrument.total,
        }
        if instrument.date:
            resource["effectiveDateTime"] = instrument.date
        if instrument.band_label:
            resource["interpretation"] = [{"text": instrument.band_label}]
        out.append(validated(resource))
    return out


def recommends_cervical_mri(assessment: Assessment) -> bool:
    """Whether the work-up recommends cervical MRI."""
    return any(item.id == CERVICAL_MRI and item.kind == "investigation" for item in assessment.workup)


def cervical_mri_request(*, subject: str, reason: str) -> dict[str, Any]:
    """A draft ServiceRequest for MR of the cervical spine (never active: a clinician signs it or not)."""
    table = code_table()
    code = table.first_imaging("cervical_mri", "loinc")
    return validated(
        {
            "resourceType": "ServiceRequest",
            "status": "draft",
            "intent": "proposal",
            "category": [{"text": "Imaging"}],
            "code": {
                "coding": [{"system": table.uri(code.system), "code": code.code, "display": code.display}],
                "text": "MRI of the cervical spine",
            },
            "subject": {"reference": subject},
            "reasonCode": [{"text": reason}],
            "note": [{"text": "Suggested by spinetriage (decision support, not a diagnosis)."}],
        }
    )


def assessment_resources(
    assessment: Assessment, fhir_case: FhirCase | None = None, *, subject: str
) -> list[dict[str, Any]]:
    """All resources for one assessment: RiskAssessment, Observations, and the cervical MRI draft when recommended."""
    out = [risk_assessment(assessment, fhir_case, subject=subject)]
    if fhir_case is not None:
        out += finding_observations(fhir_case, subject=subject)
    out += instrument_observations(assessment, subject=subject)
    if recommends_cervical_mri(assessment):
        out.append(cervical_mri_request(subject=subject, reason="Suspected degenerative cervical myelopathy"))
    return out
