"""Gold-set scores. Floors are set a little under the honest measurement (see docs/text.md)."""

from __future__ import annotations

import pytest

from spinetriage.text import extract

from .scoring import load_jsonl, score_notes, score_sentences

SENTENCE_FLOORS = {
    "overall": 0.97,
    "finding": 0.97,
    "side": 0.93,
    "level": 0.95,
    "status:present": 0.97,
    "status:absent": 0.95,
    "status:possible": 0.90,
    "status:historical": 0.90,
    "status:family": 0.90,
    "status:hypothetical": 0.90,
}


@pytest.fixture(scope="module")
def sentence_scores() -> dict[str, object]:
    items = load_jsonl("sentences.jsonl")
    assert len(items) >= 300
    return score_sentences(items, lambda t: [m.to_dict() for m in extract(t).mentions])


@pytest.mark.parametrize("key", sorted(SENTENCE_FLOORS))
def test_sentence_f1_floor(sentence_scores: dict[str, object], key: str) -> None:
    prf = sentence_scores[key]
    assert prf.f1 >= SENTENCE_FLOORS[key], f"{key}: {prf}"  # type: ignore[attr-defined]


def test_notes_f1_floor() -> None:
    items = load_jsonl("notes.jsonl")
    assert len(items) >= 20
    prf = score_notes(items, lambda t: extract(t).findings)
    assert prf.f1 >= 0.94, str(prf)


def test_labelled_report_lines_f1_floor() -> None:
    """Reports that label each line with its level ("C5-C6: ... ."): measured 0.947 overall, 1.0 for levels."""
    items = load_jsonl("level_labels.jsonl")
    assert len(items) >= 8
    scores = score_sentences(items, lambda t: [m.to_dict() for m in extract(t).mentions])
    assert scores["overall"].f1 >= 0.92, str(scores["overall"])
    assert scores["level"].f1 >= 0.95, str(scores["level"])
