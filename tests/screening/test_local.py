"""The local engine end to end: same result on 1 or N workers, malformed rows reported,
resumption after kill -9 and Ctrl-C gives the uninterrupted result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from spinetriage.cli import app
from spinetriage.errors import InputError
from spinetriage.screening import rejects_path, screen

from .conftest import NotesWriter, small_population


def table(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def test_one_row_per_patient_in_patient_order(write_jsonl: NotesWriter, tmp_path: Path) -> None:
    source = write_jsonl(small_population(7), "notes.jsonl")
    summary = screen([source], tmp_path / "out.parquet", workers=1, part_size=3)
    rows = table(tmp_path / "out.parquet")
    assert [r["patient_id"] for r in rows] == [f"p{i:04d}" for i in range(7)]
    assert all(r["notes"] == 2 for r in rows)
    assert (summary.patients, summary.notes, summary.parts, summary.rejects) == (7, 14, 3, 0)
    assert not (tmp_path / "out.parquet.work").exists()


def test_many_workers_give_the_same_rows_as_one(write_jsonl: NotesWriter, tmp_path: Path) -> None:
    source = write_jsonl(small_population(12), "notes.jsonl")
    screen([source], tmp_path / "one.parquet", workers=1, part_size=5)
    screen([source], tmp_path / "two.parquet", workers=2, part_size=2)
    assert table(tmp_path / "one.parquet") == table(tmp_path / "two.parquet")


def test_notes_and_structured_findings_from_separate_files(write_jsonl: NotesWriter, tmp_path: Path) -> None:
    notes = write_jsonl([{"patient_id": "a", "date": "2026-01-01", "text": "Low back pain."}], "notes.jsonl")
    found = tmp_path / "findings.csv"
    found.write_text("patient_id,date,finding,status\na,2026-02-01,hoffmann_sign,present\nb,2026-02-01,clonus,absent\n")
    screen([notes, found], tmp_path / "out.parquet", workers=1)
    a, b = table(tmp_path / "out.parquet")
    assert {e["finding"]: e["source"] for e in a["evidence"]} == {
        "low_back_pain": "text",
        "hoffmann_sign": "structured",
    }
    assert (a["notes"], a["structured_findings"], b["notes"], b["structured_findings"]) == (1, 1, 0, 1)


def test_malformed_rows_are_skipped_and_listed(write_jsonl: NotesWriter, tmp_path: Path) -> None:
    rows: list[Any] = small_population(2)
    rows.insert(1, {"patient_id": "p0000", "date": "soon", "text": "private words"})
    source = write_jsonl(rows, "notes.jsonl")
    with source.open("a") as fh:
        fh.write("{broken\n")
    summary = screen([source], tmp_path / "out.parquet", workers=1)
    assert summary.patients == 2 and summary.rejects == 2
    listed = [json.loads(line) for line in rejects_path(tmp_path / "out.parquet").read_text().splitlines()]
    assert listed == [
        {"location": "notes.jsonl line 2", "field": "date", "problem": listed[0]["problem"]},
        {
            "location": "notes.jsonl line 6",
            "field": "line",
            "problem": "not valid JSON (allowed: one JSON object a line)",
        },
    ]
    assert "private" not in json.dumps(listed)


def test_command_reports_rejects_and_exits_zero(write_jsonl: NotesWriter, tmp_path: Path) -> None:
    source = write_jsonl([*small_population(2), {"patient_id": "x", "date": "2026-01-01"}], "notes.jsonl")
    result = CliRunner().invoke(app, ["screen", str(source), "--out", str(tmp_path / "r.parquet"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "notes.jsonl line 5: text: missing or null" in result.output
    assert "2 patients screened" in result.output


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--out", "r.csv"], "--out"),
        (["--out", "r.parquet", "--workers", "0"], "--workers"),
        (["--out", "r.parquet", "--setting", "mars"], "--setting"),
        (["--out", "r.parquet", "--part-size", "0"], "--part-size"),
    ],
)
def test_bad_options_name_the_option(write_jsonl: NotesWriter, tmp_path: Path, args: list[str], field: str) -> None:
    source = write_jsonl(small_population(1), "notes.jsonl")
    args = [a if not a.startswith("r.") else str(tmp_path / a) for a in args]
    result = CliRunner().invoke(app, ["screen", str(source), *args])
    assert result.exit_code == 2
    assert f"error: {field}:" in result.output


def test_missing_input_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="INPUT"):
        screen([tmp_path / "none.jsonl"], tmp_path / "out.parquet")


_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from spinetriage.screening import screen

    def on_part(index):
        if len(list(Path(sys.argv[2] + ".work/parts").glob("part-*.parquet"))) >= 2:
            os.kill(os.getpid(), signal.SIGKILL)

    screen([Path(sys.argv[1])], Path(sys.argv[2]), workers=int(sys.argv[3]), part_size=2, on_part=on_part)
    """
)


@pytest.mark.parametrize("workers", [1, 2])
def test_resume_after_kill_9_equals_an_uninterrupted_run(
    write_jsonl: NotesWriter, tmp_path: Path, workers: int
) -> None:
    source = write_jsonl(small_population(11), "notes.jsonl")
    out = tmp_path / "out.parquet"
    killed = subprocess.run(
        [sys.executable, "-c", _KILLER, str(source), str(out), str(workers)],
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=False,
    )
    assert killed.returncode == -9, killed.stderr.decode()
    assert not out.exists()
    assert len(list((tmp_path / "out.parquet.work" / "parts").glob("part-*.parquet"))) >= 2

    resumed = screen([source], out, workers=workers, part_size=2)
    assert resumed.parts_resumed >= 2
    screen([source], tmp_path / "clean.parquet", workers=workers, part_size=2)
    assert table(out) == table(tmp_path / "clean.parquet")
    ids = [r["patient_id"] for r in table(out)]
    assert ids == sorted(set(ids)) and len(ids) == 11  # none lost, none twice


def test_resume_after_ctrl_c(write_jsonl: NotesWriter, tmp_path: Path) -> None:
    source = write_jsonl(small_population(6), "notes.jsonl")
    out = tmp_path / "out.parquet"

    def interrupt(index: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        screen([source], out, workers=1, part_size=2, on_part=interrupt)
    resumed = screen([source], out, workers=1, part_size=2)
    assert resumed.parts_resumed == 1
    screen([source], tmp_path / "clean.parquet", workers=1, part_size=2)
    assert table(out) == table(tmp_path / "clean.parquet")


def test_work_of_other_inputs_is_discarded(write_jsonl: NotesWriter, tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    first = write_jsonl(small_population(4), "notes.jsonl")

    def interrupt(index: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        screen([first], out, workers=1, part_size=2, on_part=interrupt)
    changed = write_jsonl(small_population(3), "notes.jsonl")
    os.utime(changed, ns=(1, 1))
    summary = screen([changed], out, workers=1, part_size=2)
    assert summary.parts_resumed == 0
    assert [r["patient_id"] for r in table(out)] == ["p0000", "p0001", "p0002"]


def test_an_unreadable_input_leaves_no_work_behind(write_jsonl: NotesWriter, tmp_path: Path) -> None:
    notes = write_jsonl(small_population(2), "notes.jsonl")
    headless = tmp_path / "findings.csv"
    headless.write_text("id,finding\n1,clonus\n", encoding="utf-8")
    with pytest.raises(InputError, match="patient_id"):
        screen([notes, headless], tmp_path / "out.parquet", workers=1)
    assert not (tmp_path / "out.parquet.work").exists()
    assert not (tmp_path / "out.parquet").exists()
