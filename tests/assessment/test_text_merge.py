"""A case's free text is read and merged: structured answers win, conflicts are reported."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from spinetriage import assess
from spinetriage.cli import app

NOTE = "Exam: Hoffmann positive on the right, no clonus. MRI C-spine: cord compression at C5-C6."


def test_text_findings_are_quoted_and_structured_answers_win() -> None:
    result = assess({"age": 66, "findings": {"clonus": "present"}, "text": NOTE})
    quoted = {t.finding: t for t in result.from_text}
    assert NOTE[quoted["hoffmann_sign"].start : quoted["hoffmann_sign"].end] == quoted["hoffmann_sign"].quote
    assert result.findings_used["hoffmann_sign"] == "present"
    assert result.findings_used["clonus"] == "present"  # structured wins
    assert [(c.finding, c.structured, c.text) for c in result.conflicts] == [("clonus", "present", "absent")]


def test_text_moves_the_answer_like_the_same_structured_findings() -> None:
    from_text = assess({"age": 66, "text": NOTE})
    structured = assess({"age": 66, "findings": dict(from_text.findings_used)})
    assert from_text.conditions == structured.conditions


def test_cli_text_option(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("age: 66\nfindings:\n  low_back_pain: present\n", encoding="utf-8")
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", str(case), "--text", str(note)])
    assert result.exit_code == 0, result.output
    assert "From the text" in result.output and "Hoffmann" in result.output
