"""The command line: readable report, JSON contract, and clear errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinetriage.cli import app

runner = CliRunner()
CONTRACT = {
    "origin",
    "conditions",
    "red_flags",
    "urgency",
    "workup",
    "treatment",
    "next_questions",
    "knowledge_version",
}


def test_example_report_shows_verdict_flags_and_references() -> None:
    result = runner.invoke(app, ["assess", "--example", "back_pain_from_the_neck"])
    assert result.exit_code == 0, result.output
    assert "CERVICAL" in result.output
    assert "References" in result.output and "fogarty2018" in result.output


def test_json_output_follows_the_contract(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("age: 70\nfindings:\n  saddle_anesthesia: present\n  low_back_pain: present\n", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(case), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= CONTRACT
    assert data["origin"]["verdict"] in {"cervical", "lumbar", "both", "other", "undetermined"}
    assert data["urgency"] == "emergency"
    assert data["red_flags"][0]["findings"] == ["saddle_anesthesia"]
    first = data["conditions"][0]
    assert {"id", "probability", "contributions"} <= set(first)


def test_stdin_and_setting_option() -> None:
    case = json.dumps({"findings": {"hand_clumsiness": "present"}})
    primary = json.loads(runner.invoke(app, ["assess", "-", "--json"], input=case).output)
    spine = json.loads(runner.invoke(app, ["assess", "-", "--json", "--setting", "spine_clinic"], input=case).output)
    assert spine["setting"] == "spine_clinic" and primary["setting"] == "primary_care"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"findings": {"hofman_sign": "present"}}', "did you mean 'hoffmann_sign'"),
        ('{"findings": {"hoffmann_sign": "yes"}}', "allowed: present, absent, unknown"),
        ('{"age": 250, "findings": {}}', "age"),
        ('{"age": "old", "findings": {}}', "age"),
        ('{"sex": "x", "findings": {}}', "allowed: female, male"),
        ('{"findings": {}, "colour": "red"}', "case.<key>: is not a case field"),  # issue 13: keys not echoed
        ('{"findings": {"a": 1,}', "line 1, column"),
        ("findings:\n  a: [1\n", "at the end (line 2)"),  # issue 13: the last line, not the one after
        ("", "is empty"),
        ("   \n", "is empty"),
        ("[1, 2]", "must be a mapping"),
    ],
)
def test_bad_input_is_named_with_exit_code_2(tmp_path: Path, content: str, expected: str) -> None:
    case = tmp_path / ("case.json" if content.lstrip().startswith(("{", "[")) else "case.yaml")
    case.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["assess", str(case)])
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_missing_file_and_missing_argument() -> None:
    assert runner.invoke(app, ["assess", "/no/such/case.json"]).exit_code == 2
    assert runner.invoke(app, ["assess"]).exit_code == 2
    assert runner.invoke(app, ["assess", "--example", "nope"]).exit_code == 2


def test_binary_file_is_refused(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_bytes(b"\xff\xfe\x00garbage")
    result = runner.invoke(app, ["assess", str(case)])
    assert result.exit_code == 2 and "UTF-8" in result.output


def test_knowledge_browser() -> None:
    listing = runner.invoke(app, ["knowledge", "findings"])
    assert listing.exit_code == 0 and "hoffmann_sign" in listing.output
    one = runner.invoke(app, ["knowledge", "findings", "hoffmann_sign", "--json"])
    data = json.loads(one.output)
    assert data[0]["elicitation"] and data[0]["evidence"][0]["sources"] == ["fogarty2018"]
    refs = json.loads(runner.invoke(app, ["knowledge", "references", "--json"]).output)
    assert any(r["id"] == "suri2010" for r in refs)
    assert runner.invoke(app, ["knowledge", "findings", "nope"]).exit_code == 2


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and "knowledge" in result.output


def _run(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """``spinetriage ARGS`` as the installed command runs it (spinetriage.cli.main), at 80 columns."""
    from spinetriage.cli import command

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERMINAL_WIDTH", "80")
    with pytest.raises(SystemExit) as done:
        command().main(args=args, prog_name="spinetriage")
    assert done.value.code in (0, None)
    return capsys.readouterr().out


@pytest.mark.parametrize("args", [["assess", "--help"], ["users", "password", "--help"], ["extract", "--help"]])
def test_help_shows_no_type_after_flags_issue_13(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _run(args, capsys, monkeypatch)
    assert "--help" in text and "<bool>" not in text


def test_examples_are_described_in_whole_sentences_issue_13() -> None:
    result = runner.invoke(app, ["examples"], env={"COLUMNS": "400"})
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) >= 3
    assert all(line.rstrip().endswith((".", ")")) for line in lines), lines


def test_score_list_is_a_compact_table_with_details_per_instrument_issue_13(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = _run(["score", "--list"], capsys, monkeypatch)
    assert len(listing.splitlines()) <= 30  # was 314 lines at 80 columns
    assert "mjoa" in listing
    details = _run(["score", "mjoa", "--list"], capsys, monkeypatch)
    assert "upper_limb_motor" in details and "benzel1991" in details


def test_knowledge_item_shows_the_evidence_beside_every_number_issue_13() -> None:
    shown = runner.invoke(app, ["knowledge", "findings", "hoffmann_sign"], env={"COLUMNS": "160"})
    assert shown.exit_code == 0, shown.output
    assert not shown.output.lstrip().startswith(("{", "["))  # a readable panel, not raw JSON
    for text in ("Hoffmann sign", "LR+", "2.2", "0.63", "Sens", "52%", "reported: fogarty2018", "Fogarty A"):
        assert text in shown.output
    condition = runner.invoke(
        app, ["knowledge", "conditions", "degenerative_cervical_myelopathy"], env={"COLUMNS": "160"}
    )
    assert "hoffmann_sign" in condition.output and "fogarty2018" in condition.output
    as_json = runner.invoke(app, ["knowledge", "findings", "hoffmann_sign", "--json"])
    assert json.loads(as_json.output)[0]["evidence"][0]["lr_present"] == 2.2


def test_the_report_names_the_unexplained_share_apart_from_the_verdict(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps({"age": 70, "findings": {"gait_disturbance": "present", "cognitive_decline": "present"}})
    )
    result = runner.invoke(app, ["assess", str(case)])
    assert result.exit_code == 0
    assert "Origin: OTHER" in result.output and "unexplained" in result.output
    assert "undetermined" not in result.output


def test_the_report_marks_a_condition_named_by_a_raised_red_flag() -> None:
    """Raised markers after spinal surgery: the infection flag is raised while infection is well under 1%
    among all presenters; the row says so instead of reading as a contradiction."""
    case = json.dumps(
        {
            "findings": {
                "low_back_pain": "present",
                "previous_lumbar_surgery": "present",
                "elevated_inflammatory_markers": "present",
            }
        }
    )
    result = runner.invoke(app, ["assess", "-"], input=case, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.strip("│┃ ").startswith("Spinal infection"))
    assert "(red flag)" in row
    assert "the flag's rule decides" in " ".join(result.output.split())
    assert not any("(red flag)" in line for line in result.output.splitlines() if "Non-specific" in line)
    rows = [line for line in result.output.splitlines() if "%" in line and line.count("│") >= 4]
    assert "Spinal infection" in rows[0]  # listed first, above non-specific back pain


def test_the_report_lists_the_red_flag_questions_not_yet_answered() -> None:
    case = json.dumps(
        {"age": 37, "findings": {"low_back_pain": "present", "leg_weakness": "present", "fever": "absent"}}
    )
    result = runner.invoke(app, ["assess", "-"], input=case, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    line = " ".join(result.output.split()).split("Red flags not yet asked: ")[1]
    assert "History of cancer" in line and "Fever" not in line.split("(a yes")[0]
    assert "Ask next: " in line  # the red-flag screen comes before the other questions
    assert "(provisional: red-flag questions not yet answered)" in " ".join(result.output.split())


def test_the_report_marks_a_condition_resting_on_its_prior() -> None:
    case = json.dumps({"age": 55, "findings": {"radicular_arm_pain": "present"}})
    result = runner.invoke(app, ["assess", "-", "--setting", "spine_clinic"], input=case, env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    lumbar = next(line for line in result.output.splitlines() if "Lumbar radiculopathy" in line)
    cervical = next(line for line in result.output.splitlines() if "Cervical radiculopathy" in line and "%" in line)
    assert "(prior only)" in lumbar and "(prior only)" not in cervical


def test_with_no_complaint_recorded_the_report_leaves_out_the_assumptions_origin_shares() -> None:
    """A clinician read 'lumbar 99%' and non-specific back pain 75% in a claudicant with no back pain recorded:
    the shares are the assumed back pain's, so they are left out and the table says what it assumes."""
    case = json.dumps({"age": 75, "findings": {"claudication_relieved_standing": "present"}})
    result = runner.invoke(app, ["assess", "-"], input=case, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "lumbar 99%" not in text and "unexplained 0%" not in text
    assert "every probability assumes back pain" in text
    stated = json.dumps(
        {"age": 75, "findings": {"low_back_pain": "present", "claudication_relieved_standing": "present"}}
    )
    told = " ".join(runner.invoke(app, ["assess", "-"], input=stated, env={"COLUMNS": "120"}).output.split())
    assert "unexplained" in told and "every probability assumes back pain" not in told


def test_the_report_says_which_entered_findings_change_no_probability() -> None:
    case = json.dumps({"age": 60, "findings": {"low_back_pain": "present", "spondylolisthesis": "present"}})
    result = runner.invoke(app, ["assess", "-"], input=case, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "Recorded, not counted in the probabilities: Spondylolisthesis (present)." in flat
    assert "Kalichman 2009" in flat
