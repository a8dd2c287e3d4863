"""``spinetriage interview`` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from spinetriage.assessment import assess
from spinetriage.case_io import load_case
from spinetriage.cli import app
from spinetriage.interview import apply_answer, next_step
from spinetriage.knowledge import KnowledgeBase

runner = CliRunner()


def screening_questions() -> int:
    """How many questions red-flag screening takes in clinician mode when every answer is no
    (after the presenting complaint, back pain, answered yes)."""
    answers: dict[str, str] = {"low_back_pain": "present"}
    while (step := next_step(answers, mode="clinician")).question and step.question.red_flag_screening:
        answers = apply_answer(step, "absent", answers)
    return len(answers) - 1


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
    # yes to the grouped first question, then yes to its first member (numbness around the bottom)
    result = runner.invoke(app, ["interview", "--mode", "patient"], input="y\ny\n" + "n\n" * 80)
    assert result.exit_code == 0, result.output
    assert "Thank you" in result.output and "emergency" in result.output
    assert "Origin:" not in result.output and "%" not in result.output


def test_back_and_dont_know(tmp_path: Path, kb: KnowledgeBase) -> None:
    out = tmp_path / "case.yaml"
    # yes to the grouped first question, then back, then don't know to it and to its first
    # member, then no throughout
    keys = "y\nb\n?\n?\n" + "n\n" * 80
    result = runner.invoke(app, ["interview", "--mode", "patient", "--save", str(out)], input=keys)
    assert result.exit_code == 0, result.output
    case = load_case(str(out), kb)
    assert case.findings["saddle_anesthesia"].value == "unknown"
    assert case.findings["urinary_retention"].value == "absent"
    assert "don't know 2" in result.output


def test_back_over_a_grouped_no_unsettles_its_members(tmp_path: Path, kb: KnowledgeBase) -> None:
    out = tmp_path / "case.yaml"
    # no to the grouped first question, back, then yes to it and yes to its first member
    keys = "n\nb\ny\ny\n" + "n\n" * 80
    # screening only: after it, every finding now bears on some condition (issue 12) and may be asked
    result = runner.invoke(
        app, ["interview", "--mode", "patient", "--save", str(out), "--max-questions", "0"], input=keys
    )
    assert result.exit_code == 0, result.output
    case = load_case(str(out), kb)
    assert case.findings["saddle_anesthesia"].value == "present"
    # the clause is met, so its other members are not asked; the earlier "no" no longer settles them
    assert "urinary_retention" not in case.findings and "bowel_dysfunction" not in case.findings
    assert "emergency" in result.output


def test_bad_setting_is_a_clear_error() -> None:
    result = runner.invoke(app, ["interview", "--setting", "moon"], input="")
    assert result.exit_code == 2
    assert "setting" in result.output and "primary_care" in result.output  # the field and what is allowed
    assert "Traceback" not in result.output


def test_simulate_json_reports_every_case_and_summaries() -> None:
    result = runner.invoke(
        app, ["simulate", "--n", "3", "--seed", "2", "--max-questions", "3", "--no-vignettes", "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    sampled = [c for c in document["cases"] if c["case"].startswith("sample")]
    assert len(sampled) == 3
    assert document["summary"]["sampled"]["cases"] == 3
    for c in document["cases"]:
        assert c["verdict_matches"] == (c["verdict"] == c["full_verdict"])
        assert c["questions"] - c["screening_questions"] <= 3
    again = runner.invoke(
        app, ["simulate", "--n", "3", "--seed", "2", "--max-questions", "3", "--no-vignettes", "--json"]
    )
    assert json.loads(again.output) == document


def test_simulate_table_and_textbook_order() -> None:
    result = runner.invoke(app, ["simulate", "--n", "2", "--no-vignettes", "--order", "textbook", "--all"])
    assert result.exit_code == 0, result.output
    assert "Summary" in result.output and "textbook" in result.output and "sample0002" in result.output
    assert "dev01" not in result.output


def test_simulate_bad_input_exits_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["simulate", "--n", "2", "--setting", "moon"]).exit_code == 2
    missing = runner.invoke(app, ["simulate", "--n", "2", "--vignettes", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "vignettes" in missing.output
    assert "Traceback" not in missing.output


def test_interview_shows_implied_answers_and_saves_them(tmp_path: Path, kb: KnowledgeBase) -> None:
    out = tmp_path / "case.yaml"
    # Back pain with the hand, arm, neck and gait symptoms of myelopathy, a Hoffmann sign and brisk arm
    # reflexes, so the examination goes on to the legs; normal leg reflexes imply no clonus
    # (implications.yaml). The keys follow the interview's own questions.
    yes = {"low_back_pain", "hand_clumsiness", "fine_motor_difficulty", "imbalance", "arm_numbness_tingling"}
    yes |= {"neck_pain", "gait_disturbance", "hoffmann_sign", "hyperreflexia_upper"}
    answers: dict[str, str] = {}
    keys = []
    asked = []
    options = {"mode": "clinician", "max_questions": 100, "setting": "spine_clinic"}
    while (step := next_step(answers, **options)).question:  # type: ignore[arg-type]
        asked.append(step.question.finding)
        key = "y" if set(step.question.findings) & yes else "n"
        keys.append(key)
        answers = apply_answer(step, "present" if key == "y" else "absent", answers)
    assert "hyperreflexia_lower" in asked and "clonus" not in asked
    result = runner.invoke(
        app,
        ["interview", "--save", str(out), "--max-questions", "100", "--setting", "spine_clinic"],
        input="".join(f"{k}\n" for k in keys),
    )
    assert result.exit_code == 0, result.output
    case = load_case(str(out), kb)
    assert case.findings["hyperreflexia_lower"].value == "absent"
    assert case.findings["clonus"].value == "absent"  # implied, saved, never asked
    assert "Implied, not asked" in result.output


def test_simulate_screening_option() -> None:
    options = ["simulate", "--n", "3", "--no-vignettes", "--max-questions", "2", "--json"]
    single = runner.invoke(app, [*options, "--screening", "single"])
    grouped = runner.invoke(app, options)
    assert single.exit_code == 0 and grouped.exit_code == 0, single.output + grouped.output
    one, many = json.loads(single.output), json.loads(grouped.output)
    assert (one["screening"], many["screening"]) == ("single", "grouped")
    assert [c["screening_questions"] for c in one["cases"]] != [c["screening_questions"] for c in many["cases"]]
    assert runner.invoke(app, ["simulate", "--n", "1", "--screening", "some"]).exit_code == 2


def test_answers_are_kept_without_save_issue_13(tmp_path: Path, kb: KnowledgeBase) -> None:
    """Issue 13, item 10: without --save the patient's answers were thrown away; they are printed as a
    case file that ``assess`` reads back."""
    result = runner.invoke(app, ["interview", "--mode", "patient"], input="n\n" * 80)
    assert result.exit_code == 0, result.output
    document = result.output[result.output.index("findings:") :]
    case_file = tmp_path / "printed.yaml"
    case_file.write_text(document, encoding="utf-8")
    case = load_case(str(case_file), kb)
    assert case.findings and all(s.value == "absent" for s in case.findings.values())
