"""The synthetic population: reproducible by seed, any size, notes that read back as the truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spinetriage.cli import app
from spinetriage.errors import InputError
from spinetriage.screening import screen_patient
from spinetriage.screening._inputs import StagedRow
from spinetriage.screening.synthetic import generate


def test_the_same_seed_gives_the_same_patients_at_any_size() -> None:
    small = list(generate(5, seed=7))
    large = list(generate(20, seed=7))
    assert small == large[:5]
    assert list(generate(5, seed=7, start=15)) == large[15:]
    assert list(generate(5, seed=8)) != small


def test_myelopathy_share_sets_how_many_have_it() -> None:
    patients = list(generate(400, seed=1, myelopathy_share=0.5))
    share = sum(p.myelopathy for p in patients) / len(patients)
    assert 0.4 < share < 0.6  # binomial(400, 0.5): outside this band has probability < 1e-4
    assert not any(p.myelopathy for p in generate(100, seed=1, myelopathy_share=0.0))


@settings(max_examples=4, deadline=None)  # rich sampled patients take seconds each to assess exactly
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10**6))
def test_notes_read_back_as_the_written_findings(seed: int, start: int) -> None:
    """Combined (later notes win), a patient's notes say exactly what the generator wrote."""
    for patient in generate(3, seed=seed, start=start, myelopathy_share=0.3):
        rows = [
            StagedRow(patient.patient_id, n["date"], n["note_id"], "note", n["text"], None, None, 0, i)
            for i, n in enumerate(patient.notes)
        ]
        out, rejects = screen_patient(patient.patient_id, rows, "primary_care")
        assert rejects == []
        assert {e["finding"]: e["status"] for e in out["evidence"]} == {f: s.value for f, s in patient.written.items()}
        assert all(patient.findings[f] is s for f, s in patient.written.items())
        assert out["cervical_imaging_on_record"] is (
            patient.cervical_imaging and any("CERVICAL" in n["text"] for n in patient.notes)
        )


def test_bad_share_names_the_option() -> None:
    with pytest.raises(InputError, match="--myelopathy-share"):
        list(generate(1, myelopathy_share=1.5))


def test_command_writes_notes_and_truth(tmp_path: Path) -> None:
    notes, truth = tmp_path / "notes.jsonl", tmp_path / "truth.jsonl"
    result = CliRunner().invoke(
        app, ["generate-population", "--patients", "6", "--seed", "2", "--out", str(notes), "--truth", str(truth)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in notes.read_text().splitlines()]
    truths = [json.loads(line) for line in truth.read_text().splitlines()]
    assert len(truths) == 6
    assert {r["patient_id"] for r in rows} <= {t["patient_id"] for t in truths}
    assert set(rows[0]) == {"patient_id", "note_id", "date", "text"}
