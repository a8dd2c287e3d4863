"""``spinetriage interview``: the adaptive interview in the terminal."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.prompt import Prompt
from rich.text import Text

from spinetriage.assessment.assess import DEFAULT_SETTING
from spinetriage.interview.engine import Step, build_case, next_step
from spinetriage.vocab import Status

ANSWERS = {"y": Status.PRESENT, "n": Status.ABSENT, "?": Status.UNKNOWN}
WORDS = {Status.PRESENT: "yes", Status.ABSENT: "no", Status.UNKNOWN: "don't know"}


class Mode(StrEnum):
    patient = "patient"
    clinician = "clinician"


def summary(answers: dict[str, Status]) -> str:
    counts = {s: sum(1 for v in answers.values() if v is s) for s in WORDS}
    parts = ", ".join(f"{WORDS[s]} {n}" for s, n in counts.items())
    return f"{len(answers)} answered ({parts})"


def case_document(answers: dict[str, Status], age: int | None, sex: str | None, setting: str) -> dict[str, object]:
    case = build_case(answers, age=age, sex=sex, setting=setting)
    return case.model_dump(mode="json", exclude_none=True)


def run_interview(
    console: Console, mode: Mode, setting: str, age: int | None, sex: str | None, max_questions: int
) -> tuple[dict[str, Status], Step]:
    answers: dict[str, Status] = {}
    shown_advice: str | None = None
    while True:
        step = next_step(
            {f: s.value for f, s in answers.items()},
            mode=mode.value,
            age=age,
            sex=sex,
            setting=setting,
            max_questions=max_questions,
        )
        if step.urgent_advice and step.urgent_advice != shown_advice:
            console.print(Text(step.urgent_advice, style="bold red"))
        shown_advice = step.urgent_advice
        if step.question is None:
            return answers, step
        console.print(Text(summary(answers), style="dim"))
        if mode is Mode.clinician:
            console.print(Text(step.question.reason, style="dim italic"))
        choice = Prompt.ask(
            Text.assemble((f"Q{len(answers) + 1}. ", "bold"), step.question.text, " [y/n/?/b]"),
            console=console,
            choices=["y", "n", "?", "b"],
            show_choices=False,
        )
        if choice == "b":
            if answers:
                answers.pop(next(reversed(answers)))
            continue
        answers[step.question.finding] = ANSWERS[choice]


def register(app: typer.Typer) -> None:
    @app.command("interview")
    def interview_command(
        mode: Annotated[Mode, typer.Option(help="patient: plain questions, no diagnosis; clinician: exam too.")] = (
            Mode.clinician
        ),
        save: Annotated[Path | None, typer.Option("--save", help="Write the answers as a case file (YAML).")] = None,
        setting: Annotated[str, typer.Option(help="Pre-test population.")] = DEFAULT_SETTING,
        age: Annotated[int | None, typer.Option(help="Age in years.")] = None,
        sex: Annotated[str | None, typer.Option(help="female or male.")] = None,
        max_questions: Annotated[int, typer.Option(help="Limit after red-flag screening.")] = 15,
    ) -> None:
        """Adaptive interview: red-flag screening first, then the questions that matter most."""
        from spinetriage.cli import guarded
        from spinetriage.cli.report import render

        console = Console()
        console.print("Answer y (yes), n (no), ? (don't know) or b (back: change the last answer).")
        answers, step = guarded(lambda: run_interview(console, mode, setting, age, sex, max_questions))
        console.print(Text(summary(answers), style="dim"))
        if save is not None:
            document = guarded(lambda: case_document(answers, age, sex, setting))
            save.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        if mode is Mode.clinician:
            console.print(Text(f"Interview finished: {step.stop_reason}.", style="dim"))
            assert step.assessment is not None
            render(step.assessment, console)
        else:
            console.print("Thank you. Your answers are ready to share with your doctor or nurse.")
            if step.urgent_advice:
                console.print(Text(step.urgent_advice, style="bold red"))
        if save is not None:
            console.print(f"Answers saved to {save}")
