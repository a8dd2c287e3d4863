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


# The gold set written apart from the rules (issue 16): 631 sentences in six styles, split by a
# hash of each sentence before any rule was written against it. Rules were tuned on the
# development part only; the test part was scored once, at the end (docs/text.md has the
# figures). Floors sit a little under the measurements; a change that lowers them needs a reason.
WILD_DEV_FLOORS = {
    "overall": 0.94,
    "status:present": 0.94,
    "status:absent": 0.93,
    "status:possible": 0.90,
    "status:historical": 0.78,
    "status:family": 0.90,
    "status:hypothetical": 0.92,
}
WILD_TEST_FLOORS = {
    "overall": 0.86,
    "status:present": 0.88,
    "status:absent": 0.88,
    "status:possible": 0.78,
    "status:historical": 0.68,
    "status:family": 0.86,
    "status:hypothetical": 0.68,
}


@pytest.fixture(scope="module")
def wild_scores() -> dict[str, dict[str, object]]:
    out = {}
    for part in ("dev", "test"):
        items = load_jsonl(f"wild_{part}.jsonl")
        assert len(items) >= 290
        assert {i["style"] for i in items} >= {
            "mri_report",
            "clinic_letter",
            "physiotherapy_note",
            "discharge_summary",
            "terse_note",
            "patient_words",
        }
        out[part] = score_sentences(items, lambda t: [m.to_dict() for m in extract(t).mentions])
    return out  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("part", "key"),
    [("dev", k) for k in sorted(WILD_DEV_FLOORS)] + [("test", k) for k in sorted(WILD_TEST_FLOORS)],
)
def test_wild_f1_floor(wild_scores: dict[str, dict[str, object]], part: str, key: str) -> None:
    floor = (WILD_DEV_FLOORS if part == "dev" else WILD_TEST_FLOORS)[key]
    prf = wild_scores[part][key]
    assert prf.f1 >= floor, f"{part} {key}: {prf}"  # type: ignore[attr-defined]


def test_wild_test_recall_floor(wild_scores: dict[str, dict[str, object]]) -> None:
    assert wild_scores["test"]["overall"].recall >= 0.85  # type: ignore[attr-defined]


def test_the_two_parts_do_not_share_a_sentence() -> None:
    dev = {i["text"] for i in load_jsonl("wild_dev.jsonl")}
    test = {i["text"] for i in load_jsonl("wild_test.jsonl")}
    assert not dev & test
