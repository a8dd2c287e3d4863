"""The code table: shipped file valid; typos and contradictions fail at load with every problem named."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import pytest
import yaml

from spinetriage.errors import KnowledgeError
from spinetriage.fhir import code_table
from spinetriage.fhir._codes import check
from spinetriage.knowledge import default_knowledge


def shipped() -> dict[str, Any]:
    text = (resources.files("spinetriage.fhir") / "data" / "codes.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_the_shipped_table_loads_with_versions_and_a_source_for_every_code() -> None:
    table = code_table()
    assert {"snomed", "loinc"} <= set(table.systems)
    assert all(system.version and system.version_note for system in table.systems.values())
    entries = [*table.findings.values(), *table.answers.values(), *table.imaging.values()]
    assert entries and all(e.source.strip() for e in entries)
    assert table.findings[("http://snomed.info/sct", "279039007")].finding == "low_back_pain"
    assert table.imaging[("http://loinc.org", "24935-9")].study == "cervical_mri"


def test_every_problem_is_reported_at_once_with_its_entry() -> None:
    data = copy.deepcopy(shipped())
    data["findings"][0]["finding"] = "low_bak_pain"
    data["findings"][1]["system"] = "icd99"
    data["imaging"].append(dict(data["imaging"][0]))
    with pytest.raises(KnowledgeError) as raised:
        check(data, default_knowledge())
    text = "\n".join(raised.value.problems)
    assert "unknown finding 'low_bak_pain'" in text
    assert "unknown code system" in text and "icd99" in text
    assert "code mapped twice" in text
    assert len(raised.value.problems) == 3


def test_an_unknown_key_fails_at_load() -> None:
    data = copy.deepcopy(shipped())
    data["findings"][0]["dispaly"] = "typo"
    with pytest.raises(KnowledgeError, match=r"findings\.0\.dispaly"):
        check(data, default_knowledge())
