from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from spinetriage.cli.text import register
from spinetriage.text.batch import read_parquet_records


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def _noop() -> None:  # a second command keeps Typer in multi-command mode
        pass

    return app


def test_extract_json_from_stdin() -> None:
    result = CliRunner().invoke(_app(), ["extract", "-", "--json"], input="No clonus. Hoffmann positive.")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == {"clonus": "absent", "hoffmann_sign": "present"}


def test_extract_table(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Severe canal stenosis at C5-6.", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["extract", str(note)], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "cervical_canal_stenosis" in result.output


def test_batch_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "notes.jsonl"
    src.write_text('{"id": "a", "text": "no fever"}\n{"id": "b", "text": "fever"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(_app(), ["extract", str(src), "--batch", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["findings"] for r in rows] == [{"fever": "absent"}, {"fever": "present"}]


def test_bad_batch_line_is_reported_and_the_batch_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "notes.jsonl"
    src.write_text('not json\n{"id": "b", "text": "fever"}\n', encoding="utf-8")
    result = CliRunner().invoke(_app(), ["extract", str(src), "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(r["id"], r["ok"]) for r in rows] == [("1", False), ("b", True)]
    assert "1 with errors" in result.stderr


def test_batch_folder_to_parquet_with_two_workers(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(5):
        (notes / f"{i}.txt").write_text("Hoffmann positive on the left. No clonus.", encoding="utf-8")
    out = tmp_path / "out.parquet"
    result = CliRunner().invoke(_app(), ["extract", str(notes), "-o", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    records = read_parquet_records(out)
    assert [r["id"] for r in records] == [f"{i}.txt" for i in range(5)]
    assert all(r["findings"] == {"clonus": "absent", "hoffmann_sign": "present"} for r in records)
    assert "5 notes (5 read, 0 with errors), 10 mentions" in result.stderr
    assert "notes/s with up to 2 worker(s)" in result.stderr


def test_batch_with_unknown_output_format_exits_2(tmp_path: Path) -> None:
    src = tmp_path / "notes.jsonl"
    src.write_text('{"id": "a", "text": "fever"}\n', encoding="utf-8")
    result = CliRunner().invoke(_app(), ["extract", str(src), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 2
    assert "--output" in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and "cannot read" in result.stderr
