"""The clinician's assessment form: findings grouped as an examination is done, mJOA, examples.

Reading the form keeps "not examined" out of the case (unknown stays unknown) and
collects every problem at once, each named by the field the case would use
(``age``, ``findings.fever``, ``instruments.mjoa.micturition``), so the page can show
them all and keep what the clinician entered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from starlette.datastructures import FormData

from spinetriage.case import MAX_AGE, MIN_AGE
from spinetriage.errors import InputError, key_name
from spinetriage.instruments import get as get_instrument
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import ExamSection, FindingKind
from spinetriage.yaml_reader import load_yaml

FINDING_FIELD = "f."
STATUS_WORDS = {"present": "Present", "absent": "Absent", "unknown": "Not examined"}
# "Unknown" in the words of how a finding is obtained: a history item is asked, a sign examined,
# a test or an image done.
UNKNOWN_WORDS = {"history": "Not asked", "exam": "Not examined", "imaging": "Not done", "test": "Not done"}
MJOA = "mjoa"
MJOA_PREVIOUS = "mjoa_previous"
SECTIONS: list[tuple[str, str, str, tuple[ExamSection, ...]]] = [
    ("history", "History", "What the patient tells you about the back pain.", (ExamSection.HISTORY,)),
    ("neck_and_arms", "Neck and arms", "Neck symptoms, arm pain, numbness and hand function.",
     (ExamSection.NECK_AND_ARMS,)),
    ("gait_and_balance", "Gait and balance", "How the patient walks, turns and stands.",
     (ExamSection.GAIT_AND_BALANCE,)),
    ("reflexes_long_tract", "Reflexes and long-tract signs", "Upper motor neuron signs of a compressed cord.",
     (ExamSection.REFLEXES_LONG_TRACT,)),
    ("lumbar_and_legs", "Lumbar spine and legs", "Leg symptoms, claudication and root signs.",
     (ExamSection.LUMBAR_AND_LEGS,)),
    ("red_flags", "Red flags", "Cauda equina, infection, cancer and fracture screen.", (ExamSection.RED_FLAGS,)),
    ("imaging", "Imaging and tests", "Only what has been done; leave the rest not examined.",
     (ExamSection.IMAGING, ExamSection.TESTS)),
]  # fmt: skip


@dataclass(frozen=True)
class FormFinding:
    id: str
    label: str
    kind: str
    hint: str | None
    value: str


@dataclass(frozen=True)
class FormItem:
    """One mJOA item with its published levels, as select options."""

    id: str
    label: str
    prompt: str
    levels: list[tuple[int, str]]
    value: str


def form_sections(kb: KnowledgeBase, values: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every finding of the knowledge base, in examination order, with the status to show."""

    def item(f: Any) -> FormFinding:
        hint = f.elicitation if f.kind is FindingKind.EXAM else None
        return FormFinding(f.id, f.label, f.kind.value, hint, values.get(f.id, "unknown"))

    placed: set[str] = set()
    sections: list[dict[str, Any]] = []
    for key, title, intro, members in SECTIONS:
        items = [item(f) for f in kb.findings.values() if f.section in members]
        placed.update(i.id for i in items)
        sections.append({"key": key, "title": title, "intro": intro, "findings": items})
    rest = [item(f) for f in kb.findings.values() if f.id not in placed]
    if rest:  # a section added to the vocabulary later still reaches the form
        sections[-1]["findings"] = [*sections[-1]["findings"], *rest]
    return sections


def mjoa_items(values: Mapping[str, str]) -> list[FormItem]:
    spec = get_instrument(MJOA)
    return [
        FormItem(i.id, i.label, i.prompt, [(lv.points, lv.label) for lv in i.levels], values.get(i.id, ""))
        for i in spec.items
    ]


def _text(form: FormData, name: str, *, strip: bool = True) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    return value.strip() if strip else value


def _whole(field: str, text: str, allowed: str, errors: list[InputError]) -> int | None:
    """A whole number written with the digits 0-9 only: Python's ``int`` would also take ``6_4`` and
    other scripts' digits (``٦٤``) as 64, and spend seconds on thousands of digits."""
    if not _DIGITS.fullmatch(text):
        errors.append(InputError(field, "must be a whole number written with the digits 0-9", allowed))
        return None
    return int(text)


_DIGITS = re.compile(r"-?[0-9]{1,6}")


def read_form(form: FormData, kb: KnowledgeBase) -> tuple[dict[str, Any], dict[str, Any], list[InputError]]:
    """The case the form describes, the values to show again, and the problems the form itself has."""
    errors: list[InputError] = _repeated_fields(form, kb)
    case: dict[str, Any] = {}
    values: dict[str, Any] = {"findings": {}, "mjoa": {}}
    values["age"] = age = _text(form, "age")
    if age:
        number = _whole("age", age, f"{MIN_AGE} to {MAX_AGE}", errors)
        if number is not None:
            case["age"] = number
    for name in ("sex", "setting"):
        values[name] = value = _text(form, name)
        if value:
            case[name] = value
    values["text"] = text = _text(form, "text", strip=False)
    if text.strip():
        case["text"] = text
    values["label"] = _text(form, "label")
    findings: dict[str, str] = {}
    for key in form:
        if not key.startswith(FINDING_FIELD):
            continue
        finding, status = key[len(FINDING_FIELD) :], _text(form, key)
        if finding not in kb.findings:
            errors.append(InputError(f"findings.{key_name(finding, kb.findings)}", "unknown finding identifier"))
            continue
        values["findings"][finding] = status
        if status not in STATUS_WORDS:
            errors.append(InputError(f"findings.{finding}", "status not in the vocabulary", "present, absent, unknown"))
        elif status != "unknown":
            findings[finding] = status
    case["findings"] = findings
    instruments = _read_mjoa(form, values, errors)
    if instruments:
        case["instruments"] = instruments
    return case, values, errors


def _repeated_fields(form: FormData, kb: KnowledgeBase) -> list[InputError]:
    """A field sent twice (a crafted post, a form of two versions) would otherwise be read as its last
    value: the record must not guess which one was meant."""
    counts: dict[str, int] = {}
    for key, _ in form.multi_items():
        counts[key] = counts.get(key, 0) + 1
    return [InputError(_field_name(key, kb), "sent more than once") for key, n in counts.items() if n > 1]


def _field_name(key: str, kb: KnowledgeBase) -> str:
    if key.startswith(FINDING_FIELD):
        return f"findings.{key_name(key[len(FINDING_FIELD) :], kb.findings)}"
    items = [f"{MJOA}.{i.id}" for i in get_instrument(MJOA).items]
    fixed = (
        "age",
        "sex",
        "setting",
        "text",
        "label",
        f"{MJOA}.date",
        f"{MJOA_PREVIOUS}.total",
        f"{MJOA_PREVIOUS}.date",
    )
    return key_name(key, (*fixed, *items))


def _read_mjoa(form: FormData, values: dict[str, Any], errors: list[InputError]) -> dict[str, Any]:
    """mJOA this visit (item by item) and at an earlier visit (total), both optional."""
    instruments: dict[str, Any] = {}
    current: dict[str, Any] = {}
    for item in get_instrument(MJOA).items:
        values["mjoa"][item.id] = raw = _text(form, f"{MJOA}.{item.id}")
        if raw:
            number = _whole(f"instruments.{MJOA}.{item.id}", raw, "one of the listed levels", errors)
            if number is not None:
                current[item.id] = number
    values["mjoa_date"] = date = _text(form, f"{MJOA}.date")
    if current:
        instruments[MJOA] = {**current, **({"date": date} if date else {})}
    values["mjoa_previous_total"] = total = _text(form, f"{MJOA_PREVIOUS}.total")
    values["mjoa_previous_date"] = previous_date = _text(form, f"{MJOA_PREVIOUS}.date")
    if total:
        number = _whole(f"instruments.{MJOA_PREVIOUS}.total", total, "0 to 18", errors)
        if number is not None:
            instruments[MJOA_PREVIOUS] = {"total": number, **({"date": previous_date} if previous_date else {})}
    return instruments


def examples() -> dict[str, str]:
    """The example cases shipped with spinetriage, by name (the same ones ``spinetriage examples`` lists)."""
    root = resources.files("spinetriage") / "examples"
    return {
        p.name.removesuffix(".yaml"): p.read_text(encoding="utf-8") for p in root.iterdir() if p.name.endswith(".yaml")
    }


def example_values(name: str) -> dict[str, Any]:
    """Form values that reproduce a shipped example case."""
    texts = examples()
    if name not in texts:
        raise InputError("example", "unknown example", ", ".join(sorted(texts)))
    return case_values(load_yaml(texts[name]) or {}, f"example: {name}")


def case_values(data: Mapping[str, Any], label: str) -> dict[str, Any]:
    """Form values for a case in its JSON form (a shipped example, or a stored questionnaire to complete)."""
    instruments = data.get("instruments") or {}
    current = instruments.get(MJOA) or {}
    previous = instruments.get(MJOA_PREVIOUS) or {}
    return {
        "age": str(data["age"]) if data.get("age") is not None else "",
        "sex": data.get("sex") or "",
        "setting": data.get("setting") or "",
        "text": data.get("text") or "",
        "label": label,
        "findings": {str(k): str(v) for k, v in (data.get("findings") or {}).items()},
        "mjoa": {str(k): str(v) for k, v in current.items() if k != "date"},
        "mjoa_date": str(current.get("date", "")),
        "mjoa_previous_total": str(previous.get("total", "")),
        "mjoa_previous_date": str(previous.get("date", "")),
    }
