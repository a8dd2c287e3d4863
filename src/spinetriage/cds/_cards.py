"""Cards: what a clinician sees in the EHR, built from an assessment and the FHIR it came from.

Summary under 140 characters naming the origin ("Back pain may come from the neck: cervical
myelopathy 81%"); detail in Markdown with the findings and the resources they came from,
the probabilities, the red flags, the work-up and the references; suggestions carrying a
draft ServiceRequest (never applied automatically: ``isRecommended`` is false and there are
no system actions); override reasons; a link to the full assessment when one is stored.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinetriage.assessment import Assessment
from spinetriage.assessment.origin import SHARE_NAMES
from spinetriage.cds._concern import DCM, Concern
from spinetriage.cds._shapes import SUMMARY_MAX, Action, Card, CardSource, Coding, Link, Suggestion
from spinetriage.fhir import FhirCase, cervical_mri_request, code_table
from spinetriage.fhir._codes import LUMBAR_STUDIES

OVERRIDE_SYSTEM = "urn:spinetriage:cds-override"
TOPIC_SYSTEM = "urn:spinetriage:cds-topic"
OVERRIDE_REASONS = [
    Coding(system=OVERRIDE_SYSTEM, code="cervical-imaging-done", display="The cervical spine has already been imaged"),
    Coding(system=OVERRIDE_SYSTEM, code="myelopathy-excluded", display="Myelopathy excluded on examination"),
    Coding(system=OVERRIDE_SYSTEM, code="lumbar-indication", display="Lumbar imaging is indicated for another reason"),
    Coding(system=OVERRIDE_SYSTEM, code="patient-declined", display="The patient declined"),
]
SOURCE_LABEL = "spinetriage (decision support, not a diagnosis)"
MAX_CONDITIONS = 5
MAX_QUOTE = 80
CERVICAL_MRI_REASON = "Suspected degenerative cervical myelopathy"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_STUDY_WORDS = {"lumbar_mri": "lumbar MRI", "lumbar_ct": "lumbar CT", "lumbar_xray": "lumbar X-ray"}
_LUMBAR_TEXT = re.compile(r"\b(lumbar|lumbosacral|l-?spine|ls[- ]spine)\b", re.IGNORECASE)
_CERVICAL_TEXT = re.compile(r"\b(cervical|c-?spine)\b", re.IGNORECASE)
_MRI_TEXT = re.compile(r"\b(mri?|magnetic resonance)\b", re.IGNORECASE)
_CT_TEXT = re.compile(r"\b(ct|computed tomography)\b", re.IGNORECASE)
_XRAY_TEXT = re.compile(r"\b(x-?ray|xr|radiograph\w*)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DraftOrder:
    """A draft ServiceRequest for spine imaging in the hook's context."""

    reference: str | None
    """``ServiceRequest/id``; None when the draft has no id (it can be added to, not replaced)."""
    study: str


def percent(probability: float) -> str:
    value = probability * 100
    return f"{value:.0f}%" if value >= 1 else "<1%"


def summary(assessment: Assessment, concern: Concern) -> str:
    """Under 140 characters: the origin when the neck is in question (with a red flag after it), else the red flag."""
    dcm = f"cervical myelopathy {percent(concern.dcm_probability)}"
    if not concern.cervical:
        text = f"Red flag: {concern.red_flags[0].label}"
    elif assessment.origin.verdict.value == "both":
        text = f"Back pain may come from the neck and the lower back: {dcm}"
    else:
        text = f"Back pain may come from the neck: {dcm}"
    if concern.cervical and concern.red_flags:
        text += f"; red flag: {concern.red_flags[0].label.lower()}"
    return _bounded(text)


def _bounded(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def indicator(assessment: Assessment, concern: Concern) -> str:
    if assessment.urgency.value == "emergency" or any(f.urgency.value == "emergency" for f in concern.red_flags):
        return "critical"
    return "warning"


def _md(text: str) -> str:
    """Text from the record made inert in Markdown (one line, no markup), and bounded."""
    flat = " ".join(text.split())
    if len(flat) > MAX_QUOTE:
        flat = flat[: MAX_QUOTE - 1] + "…"
    return _MARKDOWN.sub(r"\\\1", flat)


def detail(assessment: Assessment, fhir_case: FhirCase) -> str:
    """The card's Markdown: findings with their resources, probabilities, red flags, work-up, references."""
    kb_labels = {c.id: c.label for c in assessment.conditions}
    origin = ", ".join(f"{SHARE_NAMES.get(k, k)} {percent(v)}" for k, v in assessment.origin.probabilities.items())
    lines = [f"**Origin of the back pain:** {assessment.origin.verdict.value} ({origin})", ""]
    lines.append("**Findings in the record**")
    for finding, status in fhir_case.case.findings.items():
        where = []
        for source in fhir_case.used_sources(finding):
            quote = f' "{_md(source.quote)}"' if source.quote and source.how == "text" else ""
            where.append(f"{_md(source.reference)}{quote}")
        lines.append(f"- {finding.replace('_', ' ')}: {status.value} ({'; '.join(where)})")
    lines += ["", "**Probabilities**"]
    for condition in assessment.conditions[:MAX_CONDITIONS]:
        lines.append(f"- {kb_labels[condition.id]}: {percent(condition.probability)}")
    if assessment.red_flags:
        lines += ["", "**Red flags**"]
        lines += [f"- {f.label} ({', '.join(f.findings)}): {f.action}" for f in assessment.red_flags]
    investigations = [w for w in assessment.workup if w.kind == "investigation"]
    if investigations:
        lines += ["", "**Work-up**"]
        lines += [f"- {w.label}: {w.detail}" for w in investigations]
    cited = _cited(assessment)
    if cited:
        lines += ["", "**References**"]
        lines += [f"- {citation}" for citation in cited]
    lines += ["", f"_{assessment.disclaimer}_"]
    return "\n".join(lines)


def _cited(assessment: Assessment) -> list[str]:
    """The references behind the myelopathy probability, the red flags and the investigations."""
    wanted: list[str] = []
    for condition in assessment.conditions:
        if condition.id == DCM:
            for contribution in condition.contributions:
                if contribution.counted:
                    wanted += contribution.sources
    for flag in assessment.red_flags:
        wanted += flag.sources
    for item in assessment.workup:
        if item.kind == "investigation":
            wanted += item.sources
    by_id = {r.id: r.citation for r in assessment.references}
    return [by_id[i] for i in dict.fromkeys(wanted) if i in by_id]


def _suggestion(label: str, actions: list[Action]) -> Suggestion:
    return Suggestion(label=label, uuid=str(uuid.uuid4()), isRecommended=False, actions=actions)


def _create_mri(subject: str) -> Action:
    return Action(
        type="create",
        description="Draft order: MRI of the cervical spine",
        resource=cervical_mri_request(subject=subject, reason=CERVICAL_MRI_REASON),
    )


def patient_view_card(
    assessment: Assessment, fhir_case: FhirCase, concern: Concern, *, subject: str, link: str | None
) -> Card:
    suggestions = None
    if concern.recommends_cervical_mri:
        suggestions = [_suggestion("Order MRI of the cervical spine", [_create_mri(subject)])]
    return _card(assessment, fhir_case, concern, suggestions, link, topic="patient-view")


def order_card(
    assessment: Assessment,
    fhir_case: FhirCase,
    concern: Concern,
    orders: list[DraftOrder],
    *,
    subject: str,
    link: str | None,
) -> Card:
    """A lumbar imaging order for a patient whose record points at the neck: add, or replace with, cervical MRI."""
    first = orders[0]
    suggestions = [_suggestion("Add MRI of the cervical spine", [_create_mri(subject)])]
    if first.reference is not None:
        suggestions.append(
            _suggestion(
                f"Replace the {_STUDY_WORDS[first.study]} with MRI of the cervical spine",
                [
                    Action(
                        type="delete",
                        description=f"Remove the draft {_STUDY_WORDS[first.study]}",
                        resourceId=first.reference,
                    ),
                    _create_mri(subject),
                ],
            )
        )
    card = _card(assessment, fhir_case, concern, suggestions, link, topic="lumbar-imaging-order")
    return card.model_copy(update={"summary": _order_summary(concern, first)})


def _order_summary(concern: Concern, order: DraftOrder) -> str:
    text = (
        f"Before a {_STUDY_WORDS[order.study]}: back pain may come from the neck "
        f"(cervical myelopathy {percent(concern.dcm_probability)})"
    )
    return _bounded(text)


def _card(
    assessment: Assessment,
    fhir_case: FhirCase,
    concern: Concern,
    suggestions: list[Suggestion] | None,
    link: str | None,
    *,
    topic: str,
) -> Card:
    return Card(
        uuid=str(uuid.uuid4()),
        summary=summary(assessment, concern),
        detail=detail(assessment, fhir_case),
        indicator=indicator(assessment, concern),
        source=CardSource(label=SOURCE_LABEL, topic=Coding(system=TOPIC_SYSTEM, code=topic)),
        suggestions=suggestions,
        selectionBehavior="at-most-one" if suggestions else None,
        overrideReasons=OVERRIDE_REASONS,
        links=[Link(label="Full assessment in spinetriage", url=link, type="absolute")] if link else None,
    )


def spine_imaging_orders(draft_orders: Mapping[str, Any], selections: list[str] | None) -> list[DraftOrder]:
    """Draft ServiceRequests for lumbar imaging (only the selected ones when ``selections`` is given),
    and whether one for cervical MRI is already there (then an empty list: nothing to suggest)."""
    table = code_table()
    lumbar: list[DraftOrder] = []
    cervical = False
    for entry in draft_orders.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or resource.get("resourceType") != "ServiceRequest":
            continue
        rid = resource.get("id")
        reference = f"ServiceRequest/{rid}" if isinstance(rid, str) and rid else None
        study = _study(resource, table)
        if study == "cervical_mri":
            cervical = True
        elif study in LUMBAR_STUDIES and (selections is None or reference in selections):
            lumbar.append(DraftOrder(reference, study))
    return [] if cervical else lumbar


def _study(resource: Mapping[str, Any], table: Any) -> str | None:
    code = resource.get("code")
    if not isinstance(code, Mapping):
        return None
    for coding in code.get("coding") or []:
        if isinstance(coding, Mapping):
            entry = table.imaging.get((str(coding.get("system", "")), str(coding.get("code", ""))))
            if entry is not None:
                return str(entry.study)
    text = str(code.get("text") or "")
    if _CERVICAL_TEXT.search(text) and _MRI_TEXT.search(text):
        return "cervical_mri"
    if not _LUMBAR_TEXT.search(text):
        return None
    if _MRI_TEXT.search(text):
        return "lumbar_mri"
    if _CT_TEXT.search(text):
        return "lumbar_ct"
    return "lumbar_xray" if _XRAY_TEXT.search(text) else None
