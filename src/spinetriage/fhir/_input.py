"""FHIR R4 in: Patient, Condition, Observation, QuestionnaireResponse, DiagnosticReport and
DocumentReference resources read into a :class:`~spinetriage.case.Case` whose every finding
names the resource it came from.

How each resource is read (docs/fhir.md has the full table):

- **Patient**: age from ``birthDate`` (on ``today``), sex from ``gender`` (male/female).
- **Condition**: a code in the code table names the finding; present unless
  ``verificationStatus`` is ``refuted`` (absent); inactive, resolved and in-remission
  conditions and ``entered-in-error`` are not read (a past problem is history, not a sign now).
- **Observation**: a code in the code table names the finding; the value says present or
  absent (``valueBoolean``, a Yes/No/Present/Absent code, interpretation POS/NEG), no value
  means present, ``dataAbsentReason`` means unknown.
- An Observation or Condition **without a code in the table** is read with the text
  extractor: its ``code.text`` (else the codings' display), with an Observation's
  ``valueString`` or value text after it ("Hoffmann sign: positive").
- **QuestionnaireResponse** (completed or amended): items whose ``linkId`` is a finding id,
  answered with a boolean, a Yes/No/Present/Absent code, or ``present``/``absent``.
- **DiagnosticReport** and **DocumentReference**: ``conclusion`` and ``text/plain``
  attachments (inline ``data``) are read with the text extractor; a mapped
  ``conclusionCode`` names a present finding.

Coded statements outweigh text: when a coded resource and a text disagree about a finding,
the coded one is used and the disagreement reported. Among resources of one kind, present
outweighs absent (one examiner who saw a Hoffmann sign is not cancelled by another who did not).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from spinetriage.case import MAX_AGE, MIN_AGE, Case
from spinetriage.errors import InputError, InputErrors
from spinetriage.fhir._codes import CodeTable, code_table
from spinetriage.knowledge.loader import default_knowledge
from spinetriage.text import Extraction, extract
from spinetriage.vocab import Status

READ_TYPES = (
    "Patient",
    "Condition",
    "Observation",
    "QuestionnaireResponse",
    "DiagnosticReport",
    "DocumentReference",
)
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
_INTERPRETED = {"POS": Status.PRESENT, "NEG": Status.ABSENT}
_NOT_READ_CONDITION = {"inactive", "resolved", "remission"}
_OBSERVATION_READ = {"final", "amended", "corrected", "preliminary"}
_REPORT_READ = {"final", "amended", "corrected", "appended", "preliminary"}
_ANSWER_WORDS = {"present": Status.PRESENT, "yes": Status.PRESENT, "absent": Status.ABSENT, "no": Status.ABSENT}

SHORT_TEXT = 200
"""Texts up to this long (code texts, short values) are cached once read; notes are not."""

How = Literal["code", "text", "answer"]


@dataclass(frozen=True)
class Source:
    """Where one finding was read: the resource (``Observation/123``), how, and the words for text."""

    reference: str
    how: How
    status: str
    quote: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"reference": self.reference, "how": self.how, "status": self.status, "quote": self.quote}


@dataclass(frozen=True)
class Skipped:
    """A resource that was not read, and why (no patient details: the reason is ours)."""

    reference: str
    reason: str


@dataclass(frozen=True)
class FhirCase:
    """A case read from FHIR, with the sources of each finding."""

    case: Case
    sources: dict[str, list[Source]]
    skipped: list[Skipped] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    """Findings on which a coded resource and a text disagree (the coded one is used)."""
    patient_id: str | None = None
    adult: bool | None = None
    """False when the Patient is younger than 18 (spinetriage reasons about adults only); None if unknown."""

    def used_sources(self, finding: str) -> list[Source]:
        """The sources whose status is the one used for ``finding``."""
        status = self.case.findings.get(finding)
        return [s for s in self.sources.get(finding, []) if status is not None and s.status == status.value]


@dataclass
class _Reading:
    coded: dict[str, list[Source]] = field(default_factory=dict)
    text: dict[str, list[Source]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)

    def add(self, finding: str, source: Source) -> None:
        target = self.text if source.how == "text" else self.coded
        target.setdefault(finding, []).append(source)


def read_resources(
    resources: Iterable[Mapping[str, Any]],
    *,
    today: dt.date | None = None,
    where: Sequence[str] | None = None,
    setting: str | None = None,
) -> FhirCase:
    """Read FHIR R4 resources (JSON objects; Bundles are opened) into a :class:`FhirCase`.

    Each resource is validated with the ``fhir.resources`` R4B models (R4B is R4 for these
    resources); a resource that fails names its field, prefixed with ``where[i]`` (default
    ``resources[i]``), in :class:`~spinetriage.errors.InputErrors`.
    """
    today = today or dt.date.today()
    table = code_table()
    items = list(resources)
    labels = list(where) if where is not None else [f"resources[{i}]" for i in range(len(items))]
    reading = _Reading()
    errors: list[InputError] = []
    age: int | None = None
    sex: str | None = None
    patient_id: str | None = None
    adult: bool | None = None
    for label, raw in _flatten(items, labels):
        try:
            resource = _model(raw, label)
        except InputError as error:
            errors.extend(error.errors if isinstance(error, InputErrors) else [error])
            continue
        if resource is None:
            continue
        kind = resource.get_resource_type()
        ref = f"{kind}/{resource.id}" if resource.id else f"{kind} at {label}"
        if kind == "Patient":
            patient_id = resource.id
            years = _age(resource.birthDate, today)
            if years is not None:
                adult = years >= MIN_AGE
                age = years if MIN_AGE <= years <= MAX_AGE else None
            if resource.gender in ("male", "female"):
                sex = resource.gender
        elif kind == "Condition":
            _condition(resource, ref, table, reading)
        elif kind == "Observation":
            _observation(resource, ref, table, reading)
        elif kind == "QuestionnaireResponse":
            _questionnaire(resource, ref, table, reading)
        elif kind in ("DiagnosticReport", "DocumentReference"):
            _report(resource, ref, table, reading)
        else:
            reading.skipped.append(Skipped(ref, f"{kind} is not read"))
    if errors:
        raise InputErrors(errors)
    findings, sources, conflicts = _merge(reading)
    case = Case.model_validate({"age": age, "sex": sex, "findings": findings, "setting": setting})
    return FhirCase(
        case=case,
        sources=sources,
        skipped=reading.skipped,
        conflicts=conflicts,
        patient_id=patient_id,
        adult=adult,
    )


def _flatten(items: list[Mapping[str, Any]], labels: list[str]) -> Iterable[tuple[str, Any]]:
    """Each resource with its label; a Bundle gives its entries' resources."""
    for label, raw in zip(labels, items, strict=True):
        if isinstance(raw, Mapping) and raw.get("resourceType") == "Bundle":
            entries = raw.get("entry") or []
            if not isinstance(entries, list):
                raise InputError(f"{label}.entry", "must be a list of entries")
            for index, entry in enumerate(entries):
                if isinstance(entry, Mapping) and "resource" in entry:
                    yield f"{label}.entry[{index}].resource", entry["resource"]
        else:
            yield label, raw


def _model(raw: Any, label: str) -> Any:
    """The fhir.resources model of one resource (None for a type we do not read, recorded as skipped)."""
    if not isinstance(raw, Mapping):
        raise InputError(label, "must be a FHIR resource (a JSON object)")
    kind = raw.get("resourceType")
    if not isinstance(kind, str):
        raise InputError(f"{label}.resourceType", "missing", ", ".join(READ_TYPES))
    if kind not in READ_TYPES:
        return None
    try:
        return get_fhir_model_class(kind).model_validate(dict(raw))
    except ValidationError as error:
        raise InputErrors(
            [
                InputError(f"{label}.{'.'.join(str(p) for p in e['loc'])}".rstrip("."), _problem(e))
                for e in error.errors()
            ]
        ) from None


def _problem(error: Mapping[str, Any]) -> str:
    """pydantic's message without the input value (which may be patient data)."""
    message = str(error.get("msg", "invalid"))
    return message.split(" [type=")[0]


def _age(birth: Any, today: dt.date) -> int | None:
    """Whole years on ``today``; a birthDate of year (or year-month) only gives the lower bound."""
    if birth is None:
        return None
    if isinstance(birth, dt.datetime):
        birth = birth.date()
    if isinstance(birth, dt.date):
        return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    parts = str(birth).split("-")
    if not parts[0].isdigit():
        return None
    year = int(parts[0])
    if len(parts) >= 2 and parts[1].isdigit():
        return today.year - year - (today.month <= int(parts[1]))
    return today.year - year - 1


def _codes(concept: Any) -> list[tuple[str, str]]:
    if concept is None or not concept.coding:
        return []
    return [(c.system or "", c.code or "") for c in concept.coding]


def _words(concept: Any) -> str | None:
    """A CodeableConcept's text, else its codings' displays."""
    if concept is None:
        return None
    if concept.text:
        return str(concept.text)
    displays = [str(c.display) for c in (concept.coding or []) if c.display]
    return "; ".join(displays) or None


def _first_code(concept: Any) -> str | None:
    codes = [code for _, code in _codes(concept)]
    return codes[0] if codes else None


def _mapped(concept: Any, table: CodeTable) -> str | None:
    for key in _codes(concept):
        entry = table.findings.get(key)
        if entry is not None:
            return entry.finding
    return None


@lru_cache(maxsize=4096)
def _extract_short(text: str) -> Extraction:
    """Code texts repeat across a chart ("Systolic BP" forty times): each is read once."""
    return extract(text)


def _read_text(text: str, ref: str, reading: _Reading, flip: bool = False) -> None:
    """Findings read from ``text``; ``flip`` turns present into absent (a "No" answer to a named sign)."""
    extraction = _extract_short(text) if len(text) <= SHORT_TEXT else extract(text)
    for finding, status_text in extraction.findings.items():
        status = Status(status_text)
        if flip and status is Status.PRESENT:
            status = Status.ABSENT
        mention = next((m for m in extraction.mentions if m.finding == finding), None)
        quote = text[mention.start : mention.end] if mention is not None else None
        reading.add(finding, Source(ref, "text", status.value, quote))


def _condition(resource: Any, ref: str, table: CodeTable, reading: _Reading) -> None:
    verification = _first_code(resource.verificationStatus)
    clinical = _first_code(resource.clinicalStatus)
    if verification == "entered-in-error":
        reading.skipped.append(Skipped(ref, "entered in error"))
        return
    if clinical in _NOT_READ_CONDITION:
        reading.skipped.append(Skipped(ref, f"clinical status {clinical}: a past problem is not read as a sign now"))
        return
    refuted = verification == "refuted"
    status = Status.ABSENT if refuted else Status.PRESENT
    finding = _mapped(resource.code, table)
    if finding is not None:
        reading.add(finding, Source(ref, "code", status.value, _words(resource.code)))
        return
    words = _words(resource.code)
    if words:
        _read_text(words, ref, reading, flip=refuted)
    else:
        reading.skipped.append(Skipped(ref, "no code in the code table and no text"))


def _value_status(resource: Any, table: CodeTable) -> Status | None:
    if resource.valueBoolean is not None:
        return Status.PRESENT if resource.valueBoolean else Status.ABSENT
    for key in _codes(resource.valueCodeableConcept):
        answer = table.answers.get(key)
        if answer is not None:
            return Status(answer.status)
    for concept in resource.interpretation or []:
        for system, code in _codes(concept):
            if system == INTERPRETATION and code in _INTERPRETED:
                return _INTERPRETED[code]
    return None


def _observation(resource: Any, ref: str, table: CodeTable, reading: _Reading) -> None:
    if resource.status not in _OBSERVATION_READ:
        reading.skipped.append(Skipped(ref, f"status {resource.status}"))
        return
    if resource.dataAbsentReason is not None:
        reading.skipped.append(Skipped(ref, "data absent: the finding stays unknown"))
        return
    explicit = _value_status(resource, table)
    finding = _mapped(resource.code, table)
    if finding is not None:
        status = explicit or Status.PRESENT
        reading.add(finding, Source(ref, "code", status.value, _words(resource.code)))
        return
    words = _words(resource.code)
    value_words = resource.valueString or (
        _words(resource.valueCodeableConcept) if explicit is None and resource.valueCodeableConcept else None
    )
    if words and value_words:
        words = f"{words}: {value_words}"
    elif value_words:
        words = str(value_words)
    if words:
        _read_text(words, ref, reading, flip=explicit is Status.ABSENT)
    else:
        reading.skipped.append(Skipped(ref, "no code in the code table and no text"))


def _questionnaire(resource: Any, ref: str, table: CodeTable, reading: _Reading) -> None:
    if resource.status not in ("completed", "amended"):
        reading.skipped.append(Skipped(ref, f"status {resource.status}"))
        return
    findings = default_knowledge().findings
    stack = list(resource.item or [])
    while stack:
        item = stack.pop(0)
        stack.extend(item.item or [])
        for answer in item.answer or []:
            stack.extend(answer.item or [])
        if item.linkId not in findings or not item.answer:
            continue
        status = _answer_status(item.answer[0], table)
        if status is not None:
            reading.add(item.linkId, Source(f"{ref}#{item.linkId}", "answer", status.value, item.text))


def _answer_status(answer: Any, table: CodeTable) -> Status | None:
    if answer.valueBoolean is not None:
        return Status.PRESENT if answer.valueBoolean else Status.ABSENT
    if answer.valueCoding is not None:
        coded = table.answers.get((answer.valueCoding.system or "", answer.valueCoding.code or ""))
        if coded is not None:
            return Status(coded.status)
        return _ANSWER_WORDS.get(str(answer.valueCoding.code or "").lower())
    if answer.valueString is not None:
        return _ANSWER_WORDS.get(answer.valueString.strip().lower())
    return None


def _report(resource: Any, ref: str, table: CodeTable, reading: _Reading) -> None:
    kind = resource.get_resource_type()
    if kind == "DiagnosticReport":
        if resource.status not in _REPORT_READ:
            reading.skipped.append(Skipped(ref, f"status {resource.status}"))
            return
        for concept in resource.conclusionCode or []:
            finding = _mapped(concept, table)
            if finding is not None:
                reading.add(finding, Source(ref, "code", Status.PRESENT.value, _words(concept)))
        texts = [str(resource.conclusion)] if resource.conclusion else []
        attachments = list(resource.presentedForm or [])
    else:
        if resource.status != "current" or resource.docStatus == "entered-in-error":
            reading.skipped.append(Skipped(ref, f"status {resource.status}"))
            return
        texts = []
        attachments = [c.attachment for c in resource.content or []]
    for attachment in attachments:
        text = _attachment_text(attachment)
        if text is None:
            reading.skipped.append(Skipped(ref, "an attachment that is not inline text/plain was not read"))
        else:
            texts.append(text)
    for text in texts:
        _read_text(text, ref, reading)


def _attachment_text(attachment: Any) -> str | None:
    content_type = str(attachment.contentType or "").split(";")[0].strip().lower()
    if content_type != "text/plain" or attachment.data is None:
        return None
    data = attachment.data
    raw = data if isinstance(data, bytes) else base64.b64decode(str(data))
    return raw.decode("utf-8", errors="replace")


def _merge(reading: _Reading) -> tuple[dict[str, Status], dict[str, list[Source]], list[str]]:
    findings: dict[str, Status] = {}
    sources: dict[str, list[Source]] = {}
    conflicts: list[str] = []
    for finding in sorted(set(reading.coded) | set(reading.text)):
        coded = reading.coded.get(finding, [])
        texts = reading.text.get(finding, [])
        chosen = coded or texts
        status = Status.PRESENT if any(s.status == "present" for s in chosen) else Status.ABSENT
        if coded and texts and any(s.status != status.value for s in texts):
            conflicts.append(finding)
        findings[finding] = status
        sources[finding] = [*coded, *texts]
    return findings, sources, conflicts
