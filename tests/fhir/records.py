"""FHIR records used by the FHIR and CDS Hooks tests: a textbook myelopathy patient, plain
mechanical back pain, and builders for single resources."""

from __future__ import annotations

import base64
from typing import Any

MYELOPATHY_NOTE = (
    "History: 67-year-old woman with low back pain for a year. Her hands are clumsy: she drops cups and "
    "cannot do up buttons. Walks with a broad-based gait and has fallen twice.\n"
    "Exam: Hoffmann positive bilaterally. Brisk knee jerks (hyperreflexia). Straight leg raise negative."
)
MECHANICAL_NOTE = (
    "History: 45-year-old man with low back pain after lifting boxes two weeks ago. No leg pain, no numbness, "
    "no bladder or bowel problems, no fever, no weight loss. Hands fine.\n"
    "Exam: gait normal. Hoffmann negative. Reflexes normal and symmetric. Straight leg raise negative."
)
CERVICAL_MRI_REPORT = (
    "MRI CERVICAL SPINE\nFindings: C5-6 disc osteophyte complex with severe canal stenosis.\n"
    "Impression: Cervical cord compression at C5-6 with T2 signal change."
)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def patient(pid: str = "p1", birth: str = "1959-02-01", gender: str = "female") -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "birthDate": birth, "gender": gender}


def note(rid: str, text: str, pid: str = "p1") -> dict[str, Any]:
    return {
        "resourceType": "DocumentReference",
        "id": rid,
        "status": "current",
        "subject": {"reference": f"Patient/{pid}"},
        "content": [{"attachment": {"contentType": "text/plain", "data": b64(text)}}],
    }


def report(rid: str, conclusion: str, pid: str = "p1") -> dict[str, Any]:
    return {
        "resourceType": "DiagnosticReport",
        "id": rid,
        "status": "final",
        "subject": {"reference": f"Patient/{pid}"},
        "code": {"text": "MRI cervical spine"},
        "conclusion": conclusion,
    }


def text_observation(rid: str, text: str, value: str | None = None, pid: str = "p1") -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "subject": {"reference": f"Patient/{pid}"},
        "code": {"text": text},
    }
    if value is not None:
        resource["valueString"] = value
    return resource


def low_back_pain_condition(rid: str = "c1", pid: str = "p1") -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": rid,
        "subject": {"reference": f"Patient/{pid}"},
        "clinicalStatus": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]
        },
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "279039007", "display": "Low back pain"}]},
    }


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def myelopathy_record(pid: str = "p1", *, with_mri: bool = False) -> list[dict[str, Any]]:
    """Clumsy hands, Hoffmann, broad-based gait, hyperreflexia (and cord compression on MRI when asked)."""
    out = [
        patient(pid),
        low_back_pain_condition("c1", pid),
        note("n1", MYELOPATHY_NOTE, pid),
        text_observation("o1", "Hoffmann sign", "positive", pid),
    ]
    if with_mri:
        out.append(report("r1", CERVICAL_MRI_REPORT, pid))
    return out


def mechanical_record(pid: str = "p2") -> list[dict[str, Any]]:
    return [
        patient(pid, "1981-06-15", "male"),
        low_back_pain_condition("c2", pid),
        note("n2", MECHANICAL_NOTE, pid),
    ]


def prefetch_for(record: list[dict[str, Any]]) -> dict[str, Any]:
    """The prefetch an EHR would send for a record (one key per template)."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for resource in record:
        by_type.setdefault(resource["resourceType"], []).append(resource)
    return {
        "patient": by_type["Patient"][0],
        "conditions": bundle(*by_type.get("Condition", [])),
        "observations": bundle(*by_type.get("Observation", [])),
        "questionnaireResponses": bundle(*by_type.get("QuestionnaireResponse", [])),
        "diagnosticReports": bundle(*by_type.get("DiagnosticReport", [])),
        "documentReferences": bundle(*by_type.get("DocumentReference", [])),
    }
