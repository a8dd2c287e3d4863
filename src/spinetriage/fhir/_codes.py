"""The code table (``fhir/data/codes.yaml``): SNOMED CT, LOINC and CPT codes for findings and orders.

Parsed into strict schemas and checked for meaning at load (known finding ids, known
code systems, no code mapped twice), every problem reported at once as
:class:`spinetriage.errors.KnowledgeError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from spinetriage.errors import KnowledgeError
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.loader import default_knowledge
from spinetriage.yaml_reader import load_yaml

Study = Literal["cervical_mri", "lumbar_mri", "lumbar_ct", "lumbar_xray"]
LUMBAR_STUDIES: frozenset[str] = frozenset({"lumbar_mri", "lumbar_ct", "lumbar_xray"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CodeSystem(_Strict):
    uri: str
    name: str
    version: str
    version_note: str


class _Entry(_Strict):
    system: str
    code: str
    display: str
    source: str
    note: str | None = None


class FindingCode(_Entry):
    finding: str


class AnswerCode(_Entry):
    status: Literal["present", "absent"]


class ImagingCode(_Entry):
    study: Study


class _File(_Strict):
    version: str
    code_systems: dict[str, CodeSystem]
    findings: list[FindingCode]
    answers: list[AnswerCode]
    imaging: list[ImagingCode]


class CodeTable:
    """Look-ups by (system URI, code), built once from the checked file."""

    def __init__(self, data: _File) -> None:
        self.version = data.version
        self.systems = data.code_systems
        uri = {key: system.uri for key, system in data.code_systems.items()}
        self.findings: dict[tuple[str, str], FindingCode] = {(uri[e.system], e.code): e for e in data.findings}
        self.answers: dict[tuple[str, str], AnswerCode] = {(uri[e.system], e.code): e for e in data.answers}
        self.imaging: dict[tuple[str, str], ImagingCode] = {(uri[e.system], e.code): e for e in data.imaging}

    def uri(self, system: str) -> str:
        return self.systems[system].uri

    def first_imaging(self, study: Study, system: str) -> ImagingCode:
        return next(e for e in self.imaging.values() if e.study == study and e.system == system)

    def finding_code(self, finding: str) -> FindingCode | None:
        return next((e for e in self.findings.values() if e.finding == finding), None)


def check(raw: Any, kb: KnowledgeBase) -> CodeTable:
    """Validate the table's shape and meaning; raise KnowledgeError listing every problem."""
    if not isinstance(raw, Mapping):
        raise KnowledgeError(["fhir/data/codes.yaml: must be a mapping"])
    try:
        data = _File.model_validate(raw)
    except ValidationError as error:
        raise KnowledgeError(
            [f"fhir/data/codes.yaml: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
        ) from None
    problems: list[str] = []
    for table_name in ("findings", "answers", "imaging"):
        seen: set[tuple[str, str]] = set()
        for index, entry in enumerate(getattr(data, table_name)):
            where = f"fhir/data/codes.yaml: {table_name}[{index}] ({entry.system} {entry.code})"
            if entry.system not in data.code_systems:
                problems.append(f"{where}: unknown code system; allowed: {', '.join(data.code_systems)}")
            if (entry.system, entry.code) in seen:
                problems.append(f"{where}: code mapped twice")
            seen.add((entry.system, entry.code))
            if isinstance(entry, FindingCode) and entry.finding not in kb.findings:
                problems.append(f"{where}: unknown finding '{entry.finding}'")
            if not entry.source.strip():
                problems.append(f"{where}: no source")
    if problems:
        raise KnowledgeError(problems)
    return CodeTable(data)


@cache
def code_table() -> CodeTable:
    """The shipped table, checked against the shipped knowledge base."""
    text = (resources.files("spinetriage.fhir") / "data" / "codes.yaml").read_text(encoding="utf-8")
    return check(load_yaml(text), default_knowledge())
