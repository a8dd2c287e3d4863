"""Issue 3 at the command line: severity, cluster and mJOA change shown; bad answers exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from spinetriage.cli import app

runner = CliRunner()
EXAMPLE = "myelopathy_graded_and_worsening"


def test_the_instruments_example_is_listed() -> None:
    result = runner.invoke(app, ["examples"])
    assert result.exit_code == 0 and EXAMPLE in result.output


def test_report_shows_severity_cluster_and_change() -> None:
    result = runner.invoke(app, ["assess", "--example", EXAMPLE], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Instruments" in out and "Moderate myelopathy (mJOA 14)" in out
    assert "16 -> 14: -2, MCID 2 (2025-11-10 -> 2026-05-04)" in out
    assert "Cook 2010 clinical cluster for cervical myelopathy: used" in out
    assert "Urgency: URGENT" in out and "surgical decompression recommended" in out


def test_json_carries_severity_cluster_and_change() -> None:
    result = runner.invoke(app, ["assess", "--example", EXAMPLE, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["severity"]["grade"], data["severity"]["score"]) == ("moderate", 14)
    assert data["mjoa_change"]["worsened"] is True and data["urgency"] == "urgent"
    cook = next(c for c in data["clusters"] if c["instrument"] == "cook2010_dcm_cluster")
    assert (cook["status"], cook["count"], cook["likelihood_ratio"]) == ("applied", 4, 30.9)
    assert "dcm_surgery_moderate_severe" in [t["id"] for t in data["treatment"]]


def test_bad_instrument_answers_exit_2_naming_the_field(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        "age: 60\ninstruments:\n  mjoa: {upper_limb_motor: 7, lower_limb_motor: 5,"
        " upper_limb_sensation: 2, micturition: 3}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["assess", str(case)])
    assert result.exit_code == 2
    assert "instruments.mjoa.upper_limb_motor" in result.output and "out of range" in result.output
    assert "Traceback" not in result.output


def test_answers_are_never_echoed_issue_13(tmp_path: Path) -> None:
    """An unknown item key of 5,000 characters, a mapping given as an answer and an out-of-range
    number must not come back in the message (they may be patient details)."""
    from typer.testing import CliRunner

    from spinetriage.cli import app

    long_key = "Jane" * 1250
    for answers_given, named in (
        ({"upper_limb_motor": {"Jane": "Doe"}}, "upper_limb_motor"),
        ({long_key: 1, "lower_limb_motor": 1234567}, "lower_limb_motor"),
    ):
        answers = tmp_path / "answers.json"
        answers.write_text(json.dumps(answers_given), encoding="utf-8")
        result = CliRunner().invoke(app, ["score", "mjoa", "--answers", str(answers)])
        assert result.exit_code == 2
        assert "Jane" not in result.output and "1234567" not in result.output
        assert named in result.output
