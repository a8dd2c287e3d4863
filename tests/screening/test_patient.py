"""One patient's rows combined: later wins, conflicts reported, order of the input irrelevant."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.screening import output_schema, screen_patient
from spinetriage.screening._inputs import StagedRow


def note(note_id: str, date: str, text: str, row: int) -> StagedRow:
    return StagedRow("p", date, note_id, "note", text, None, None, 0, row)


def finding(note_id: str, date: str, finding_id: str, status: str, row: int) -> StagedRow:
    return StagedRow("p", date, note_id, "finding", None, finding_id, status, 0, row)


def test_later_note_wins_and_the_conflict_is_reported() -> None:
    rows = [
        note("late", "2026-03-01", "Hoffmann sign negative.", 1),
        note("early", "2026-01-01", "Hoffmann sign positive.", 2),
    ]
    out, rejects = screen_patient("p", rows, "primary_care")
    assert rejects == []
    (used,) = [e for e in out["evidence"] if e["finding"] == "hoffmann_sign"]
    assert (used["status"], used["note_id"], used["source"]) == ("absent", "late", "text")
    assert out["conflicts"] == [
        {
            "finding": "hoffmann_sign",
            "earlier_status": "present",
            "earlier_note_id": "early",
            "earlier_date": "2026-01-01",
            "later_status": "absent",
            "later_note_id": "late",
            "later_date": "2026-03-01",
        }
    ]


def test_same_date_later_in_the_input_wins() -> None:
    rows = [finding("a", "2026-01-01", "clonus", "present", 1), finding("b", "2026-01-01", "clonus", "absent", 2)]
    out, _ = screen_patient("p", rows, "primary_care")
    assert [(e["status"], e["note_id"]) for e in out["evidence"]] == [("absent", "b")]


def test_unknown_structured_status_changes_nothing() -> None:
    rows = [finding("a", "2026-01-01", "clonus", "present", 1), finding("b", "2026-02-01", "clonus", "unknown", 2)]
    out, _ = screen_patient("p", rows, "primary_care")
    assert [(e["status"], e["note_id"]) for e in out["evidence"]] == [("present", "a")]
    assert out["conflicts"] == []


def test_cervical_imaging_on_record_from_a_report_even_when_normal() -> None:
    rows = [note("mri", "2026-01-01", "MRI cervical spine: no cord compression at C5-6.", 1)]
    out, _ = screen_patient("p", rows, "primary_care")
    assert out["cervical_imaging_on_record"] is True
    out, _ = screen_patient("p", [note("gp", "2026-01-01", "Low back pain.", 1)], "primary_care")
    assert out["cervical_imaging_on_record"] is False


def test_row_matches_the_schema_and_the_probability_laws() -> None:
    import pyarrow as pa

    rows = [note("a", "2026-01-01", "Low back pain. Clumsy hands. Hoffmann positive.", 1)]
    out, _ = screen_patient("p", rows, "primary_care")
    pa.Table.from_pylist([out], schema=output_schema())  # raises if a field does not fit
    origin = dict(out["origin_probabilities"])
    assert math.isclose(out["p_cervical_origin"], origin["cervical"] + origin["both"])
    assert 0.0 <= out["p_cervical_origin"] <= 1.0
    conditions = [v for k, v in out.items() if k.startswith("p_") and k != "p_cervical_origin"]
    assert conditions and all(0.0 <= v <= 1.0 for v in conditions)
    assert out["verdict"] in {"cervical", "lumbar", "both", "other", "undetermined"}
    assert out["urgency"] in {"emergency", "urgent", "soon", "routine"}


TEXTS = [
    "Low back pain. Hoffmann sign positive.",
    "No Hoffmann sign. Gait normal.",
    "Clumsy hands and dropping things.",
    "Straight leg raise positive on the right.",
    "Denies saddle anaesthesia. Urinary retention.",
]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(TEXTS), st.sampled_from(["2026-01-01", "2026-02-01"])), min_size=1, max_size=5),
    st.randoms(use_true_random=False),
)
def test_the_order_rows_arrive_in_does_not_matter(notes: list[tuple[str, str]], rng: object) -> None:
    """Engines group rows in any order; the result depends only on (date, place in the input)."""
    rows = [note(f"n{i}", date, text, i) for i, (text, date) in enumerate(notes)]
    shuffled = list(rows)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert screen_patient("p", rows, "primary_care") == screen_patient("p", shuffled, "primary_care")
