"""The HTML report: charts inline, counts that match the result, nothing fetched, no note text."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from spinetriage.cli import app
from spinetriage.screening._report import THRESHOLDS, read_report_data

from .conftest import MYELOPATHY, NotesWriter, small_population


def test_command_writes_a_self_contained_report(write_jsonl: NotesWriter, tmp_path: Path) -> None:
    source = write_jsonl([*small_population(9), {"patient_id": "bad"}], "notes.jsonl")
    out, report = tmp_path / "r.parquet", tmp_path / "r.html"
    result = CliRunner().invoke(
        app, ["screen", str(source), "--out", str(out), "--workers", "1", "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") >= 4
    assert set(re.findall(r"(?:https?:)?//[\w.\-/]+", page)) <= {"http://www.w3.org/2000/svg"}
    assert "<script" not in page
    assert "dropping things" not in page and MYELOPATHY[:30] not in page
    assert "notes.jsonl line 19" in page  # the skipped row, by location


def test_threshold_counts_match_the_result(write_jsonl: NotesWriter, tmp_path: Path) -> None:
    from spinetriage.screening import screen

    source = write_jsonl(small_population(9), "notes.jsonl")
    screen([source], tmp_path / "r.parquet", workers=1)
    rows = pq.read_table(tmp_path / "r.parquet").to_pylist()
    data = read_report_data(tmp_path / "r.parquet")
    assert data.patients == 9 == sum(data.histogram)
    for t in THRESHOLDS:
        assert data.flagged[t] == sum(r["p_cervical_origin"] >= t for r in rows)
        assert data.flagged_missed[t] <= data.flagged[t]
    assert sum(data.verdicts.values()) == 9
