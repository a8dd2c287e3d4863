"""Issue 3: severity-directed treatment items and instrument rules are data, validated at load."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from pydantic import ValidationError

from spinetriage.errors import KnowledgeError
from spinetriage.knowledge import KnowledgeBase, load_knowledge
from spinetriage.knowledge.loader import FILES
from spinetriage.knowledge.schema import Indication
from spinetriage.vocab import Urgency


def _copy_data(tmp_path: Path) -> Path:
    source = resources.files("spinetriage.knowledge") / "data"
    for name in FILES:
        (tmp_path / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_each_grade_has_a_cited_guideline_direction(kb: KnowledgeBase) -> None:
    by_grade: dict[str, set[str]] = {}
    for rec in kb.treatment.values():
        for ind in rec.indications:
            if ind.severity is not None:
                by_grade.setdefault(ind.severity, set()).add(rec.id)
                assert "fehlings2017" in rec.sources, rec.id
    assert by_grade == {
        "severe": {"dcm_surgery_moderate_severe"},
        "moderate": {"dcm_surgery_moderate_severe"},
        "mild": {"dcm_mild_surgery_or_rehabilitation"},
        "normal": {"cord_compression_without_myelopathy", "cord_compression_with_radiculopathy"},
    }


def test_the_mjoa_worsening_rule_is_loaded_and_cited(kb: KnowledgeBase) -> None:
    rule = kb.instrument_rules["mjoa_worsening"]
    assert (rule.when, rule.urgency, rule.condition) == (
        "mjoa_worsened",
        Urgency.URGENT,
        "degenerative_cervical_myelopathy",
    )
    assert set(rule.sources) <= set(kb.references) and "tetreault2015" in rule.sources


@pytest.mark.parametrize(
    "raw",
    [
        {"unless_known": ["hoffmann_sign"]},  # no trigger at all
        {"condition": "degenerative_cervical_myelopathy"},  # condition without its probability
        {"severity": "very_bad"},  # not a grade
    ],
)
def test_an_indication_needs_a_valid_trigger(raw: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Indication.model_validate(raw)


def test_unknown_findings_in_qualifiers_are_named(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "recommendations.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "all_present: [cervical_cord_compression]", "all_present: [cervical_cord_compresion]"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="cervical_cord_compresion"):
        load_knowledge(data)


def test_an_instrument_rule_with_an_unknown_reference_fails(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "red_flags.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("sources: [tetreault2015, fehlings2017]", "sources: [nosuch]"),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data)
    assert any("mjoa_worsening" in p and "nosuch" in p for p in caught.value.problems)
