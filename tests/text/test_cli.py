from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from spinetriage.text.cli import register


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


def test_bad_batch_line_is_a_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "notes.jsonl"
    src.write_text("not json\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["extract", str(src), "--batch"])
    assert result.exit_code == 2
