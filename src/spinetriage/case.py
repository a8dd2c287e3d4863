"""A case: what is known about one patient, in the shape every interface accepts.

{"age": 67, "sex": "female",
 "findings": {"hand_clumsiness": "present", "hoffmann_sign": "absent"},
 "text": "optional free-text note or MRI report",
 "instruments": {"mjoa": {"upper_limb_motor": 4, "lower_limb_motor": 5,
                          "upper_limb_sensation": 2, "micturition": 3}}}

``instruments`` is optional (docs/instruments.md, "In a case file"): validated
instrument answers, scored with the instruments' own scorers when the case is read.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from spinetriage.documents import MAX_TEXT_CHARS
from spinetriage.errors import InputError, InputErrors, key_name
from spinetriage.instruments import CaseInstrument, case_instrument_names, score_case_instruments
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import Sex, Status

MIN_AGE = 18
MAX_AGE = 120


class Case(BaseModel):
    """One patient. Unknown findings may be omitted or given as ``unknown``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    age: Annotated[int, Field(ge=MIN_AGE, le=MAX_AGE, strict=True)] | None = None
    sex: Sex | None = None
    setting: str | None = Field(default=None, description="pre-test population; overrides the default")
    findings: dict[str, Status] = Field(default_factory=dict)
    text: Annotated[str, Field(max_length=MAX_TEXT_CHARS)] | None = None
    instruments: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="instrument id -> item answers (docs/instruments.md)"
    )
    _scored: dict[str, CaseInstrument] = PrivateAttr(default_factory=dict)

    @field_validator("instruments")
    @classmethod
    def _dates_as_text(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """YAML reads ``2026-05-04`` as a date, JSON as text: keep text so every form round-trips."""
        return {
            key: {
                k: v.isoformat() if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else v
                for k, v in entry.items()
            }
            for key, entry in value.items()
        }

    @model_validator(mode="after")
    def _instruments_score(self) -> Case:
        """A case never holds instrument answers its scorer rejects (raises InputError); the scores are kept."""
        if self.instruments:
            self._scored = score_case_instruments(self.instruments)
        return self

    def scored_instruments(self) -> dict[str, CaseInstrument]:
        """The instruments scored when the case was read, by entry key."""
        return dict(self._scored)

    def known_findings(self) -> dict[str, Status]:
        """Findings with a status the engine reasons over (present or absent)."""
        return {f: s for f, s in self.findings.items() if s is not Status.UNKNOWN}


_ALLOWED = {
    "age": f"a whole number of years from {MIN_AGE} to {MAX_AGE}",
    "sex": ", ".join(s.value for s in Sex),
    "status": ", ".join(s.value for s in Status),
}


def _allowed(field: str) -> str:
    """What a field allows; the instrument names are read when first needed (they load instrument files)."""
    if field == "instruments":
        return "a mapping of instrument id -> item answers: " + ", ".join(case_instrument_names())
    return _ALLOWED[field]


CASE_FIELDS = ("age", "sex", "setting", "findings", "text", "instruments")
_FIELDS = ", ".join(CASE_FIELDS)


def parse_case(data: Any, kb: KnowledgeBase) -> Case:
    """Validate raw data into a :class:`Case`, with every problem named by field."""
    if not isinstance(data, Mapping):
        raise InputError("case", f"must be a mapping (object), got {type(data).__name__}", _FIELDS)
    errors: list[InputError] = []
    raw_findings = data.get("findings")
    if isinstance(raw_findings, Mapping):
        errors.extend(_unknown_findings([str(f) for f in raw_findings], kb))
    raw_instruments = data.get("instruments")
    if isinstance(raw_instruments, Mapping) and all(isinstance(v, Mapping) for v in raw_instruments.values()):
        try:
            score_case_instruments(raw_instruments)
        except InputErrors as many:
            errors.extend(many.errors)
        except InputError as error:
            errors.append(error)
    try:
        case = Case.model_validate(dict(data))
    except ValidationError as error:
        errors.extend(_from_pydantic(detail, kb.findings) for detail in error.errors())
        raise InputErrors(errors) from None
    except InputError:  # the instruments' errors, already collected above
        raise InputErrors(errors) from None
    errors.extend(check_setting(case, kb))
    if errors:
        raise InputErrors(errors)
    return case


def check_setting(case: Case, kb: KnowledgeBase) -> list[InputError]:
    if case.setting is not None and case.setting not in kb.settings:
        return [InputError("setting", "unknown setting", ", ".join(kb.settings))]
    return []


def _unknown_findings(findings: list[str], kb: KnowledgeBase) -> list[InputError]:
    errors = []
    for finding in findings:
        if finding not in kb.findings:
            close = difflib.get_close_matches(finding[:64], list(kb.findings), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "see `spinetriage knowledge findings`"
            field = f"findings.{key_name(finding, kb.findings)}"
            errors.append(InputError(field, f"unknown finding identifier; {hint}"))
    return errors


def _from_pydantic(detail: Mapping[str, Any], findings: Mapping[str, Any]) -> InputError:
    loc = [str(p) for p in detail["loc"]]
    kind = detail.get("type", "")
    if kind == "extra_forbidden" and len(loc) == 1:
        return InputError(f"case.{key_name(loc[0], CASE_FIELDS)}", "is not a case field", _FIELDS)
    field = ".".join(_safe(p) for p in loc) or "case"
    if loc and loc[0] == "findings" and len(loc) == 2:
        field = f"findings.{key_name(loc[1], findings)}"
        return InputError(field, "status not in the vocabulary", _ALLOWED["status"])
    if loc and loc[0] == "age":
        return InputError(field, _AGE_PROBLEMS.get(kind, "not a whole number of years"), _ALLOWED["age"])
    problem = _plain(kind, detail)
    if loc and (loc[0] in _ALLOWED or loc[0] == "instruments"):
        return InputError(field, problem, _allowed(loc[0]))
    return InputError(field, problem)


def _plain(kind: str, detail: Mapping[str, Any]) -> str:
    """The problem in words a clinician reads, not the validator's ("Input should be ...")."""
    limit = (detail.get("ctx") or {}).get("max_length")
    if kind == "string_too_long" and isinstance(limit, int):
        return f"too long (at most {limit:,} characters)"
    words = {"string_type": "not text", "int_parsing": "not a whole number", "int_type": "not a whole number"}
    return words.get(kind, str(detail["msg"]))


_AGE_PROBLEMS = {
    "greater_than_equal": f"younger than {MIN_AGE}: spinetriage is for adults",
    "less_than_equal": f"older than {MAX_AGE}",
}


def _safe(value: str, limit: int = 60) -> str:
    """Echo an identifier-like value safely: printable, bounded; never free text."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in value)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
