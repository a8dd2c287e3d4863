"""``spinetriage interview`` through the real command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from spinetriage.assessment import assess
from spinetriage.case_io import load_case
from spinetriage.cli import app
from spinetriage.knowledge import KnowledgeBase

runner = CliRunner()


def test_clinician_interview_saves_a_case_assess_accepts(tmp_path: Path, kb: KnowledgeBase) -> None:
    out = tmp_path / "case.yaml"
    result = runner.invoke(app, ["interview", "--mode", "clinician", "--save", str(out)], input="n\n" * 80)
    assert result.exit_code == 0, result.output
    assert "Origin:" in result.output and "Interview finished" in result.output
    case = load_case(str(out), kb)
    assert case.findings and all(s.value == "absent" for s in case.findings.values())
    again = runner.invoke(app, ["assess", str(out)])
    assert again.exit_code == 0, again.output
    assert assess(case).origin.verdict.value.upper() in result.output


def test_patient_mode_shows_no_diagnosis_but_urgent_advice() -> None:
    result = runner.invoke(app, ["interview", "--mode", "patient"], input="y\n" + "n\n" * 80)
    assert result.exit_code == 0, result.output
    assert "Thank you" in result.output and "emergency" in result.output
    assert "Origin:" not in result.output and "%" not in result.output


def test_back_and_dont_know(tmp_path: Path, kb: KnowledgeBase) -> None:
    out = tmp_path / "case.yaml"
    # yes to the first question, then back, then don't know, then no throughout
    keys = "y\nb\n?\n" + "n\n" * 80
    result = runner.invoke(app, ["interview", "--mode", "patient", "--save", str(out)], input=keys)
    assert result.exit_code == 0, result.output
    case = load_case(str(out), kb)
    assert case.findings["saddle_anesthesia"].value == "unknown"
    assert "don't know 1" in result.output


def test_bad_setting_is_a_clear_error() -> None:
    result = runner.invoke(app, ["interview", "--setting", "moon"], input="")
    assert result.exit_code == 2
