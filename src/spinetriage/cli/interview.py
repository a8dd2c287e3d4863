"""``spinetriage interview`` and ``spinetriage simulate``: the adaptive interview in the terminal."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.prompt import Prompt
from rich.table import Table
from rich.text import Text

from spinetriage.cli._guard import guarded
from spinetriage.vocab import Status

if TYPE_CHECKING:  # the reasoning loads when a command runs, not for --help
    from spinetriage.interview.engine import Step
    from spinetriage.interview.implications import Implied
    from spinetriage.interview.simulation import KnownCase, Outcome

# Option defaults, written out so that --help needs no reasoning loaded; a test checks each
# equals the constant it stands for (assessment DEFAULT_SETTING, interview DEFAULT_MAX_QUESTIONS,
# simulate DEFAULT_N and DEFAULT_SEED).
DEFAULT_SETTING = "primary_care"
DEFAULT_MAX_QUESTIONS = 15
DEFAULT_N = 1000
DEFAULT_SEED = 0

ANSWERS = {"y": Status.PRESENT, "n": Status.ABSENT, "?": Status.UNKNOWN}
WORDS = {Status.PRESENT: "yes", Status.ABSENT: "no", Status.UNKNOWN: "don't know"}
DEV_VIGNETTES = Path(__file__).resolve().parents[3] / "tests" / "data" / "dev-vignettes.yaml"


class Mode(StrEnum):
    patient = "patient"
    clinician = "clinician"


class Order(StrEnum):
    adaptive = "adaptive"
    textbook = "textbook"


class Screening(StrEnum):
    grouped = "grouped"
    single = "single"


def summary(answers: dict[str, Status], implied: tuple[Implied, ...] = ()) -> str:
    counts = {s: sum(1 for v in answers.values() if v is s) for s in WORDS}
    parts = ", ".join(f"{WORDS[s]} {n}" for s, n in counts.items())
    extra = f"; {len(implied)} implied by your answers" if implied else ""
    return f"{len(answers)} answered ({parts}){extra}"


def case_document(answers: dict[str, Status], age: int | None, sex: str | None, setting: str) -> dict[str, object]:
    from spinetriage.interview.engine import build_case

    case = build_case(answers, age=age, sex=sex, setting=setting)
    return case.model_dump(mode="json", exclude_none=True)


def _show_implied(console: Console, step: Step, shown: set[str], mode: Mode) -> None:
    """Print each finding the answers settle, once; patients see the question, not the clinical reason."""
    from spinetriage.assessment import default_model

    kb = default_model().knowledge
    for item in step.implied:
        if item.finding in shown:
            continue
        shown.add(item.finding)
        f = kb.findings[item.finding]
        if mode is Mode.patient:
            text = f"Already answered by an earlier answer: {f.patient_question or f.label} -> {WORDS[item.status]}"
        else:
            because = kb.findings[item.because].label
            text = f"Implied, not asked: {f.label} -> {WORDS[item.status]} (from {because}: {item.reason})"
        console.print(Text(text, style="dim"))


def run_interview(
    console: Console, mode: Mode, setting: str, age: int | None, sex: str | None, max_questions: int
) -> tuple[dict[str, Status], Step]:
    from spinetriage.interview.engine import apply_answer, next_step

    answers: dict[str, Status] = {}
    shown_advice: str | None = None
    shown_implied: set[str] = set()
    while True:
        step = next_step(
            {f: s.value for f, s in answers.items()},
            mode=mode.value,
            age=age,
            sex=sex,
            setting=setting,
            max_questions=max_questions,
        )
        shown_implied &= {i.finding for i in step.implied}  # going back can undo an implication
        _show_implied(console, step, shown_implied, mode)
        if step.urgent_advice and step.urgent_advice != shown_advice:
            console.print(Text(step.urgent_advice, style="bold red"))
        shown_advice = step.urgent_advice
        if step.question is None:
            return answers, step
        console.print(Text(summary(answers, step.implied), style="dim"))
        if mode is Mode.clinician:
            console.print(Text(step.question.reason, style="dim italic"))
            if step.examine_next and step.question.kind == "ask":
                console.print(Text("Examine next: " + "; ".join(q.text for q in step.examine_next), style="dim"))
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
        given = apply_answer(step, ANSWERS[choice], answers)
        answers = {f: Status(s) for f, s in given.items()}


STOP_SHORT = {
    "question_limit": "limit",
    "no_question_left": "none left",
    "verdict_confident": "confident",
    "nothing_to_change": "settled",
}


def _versus(got: str, full: str) -> Text:
    return Text(got, style="green") if got == full else Text(f"{got} (full: {full})", style="bold red")


def _outcome_table(outcomes: list[Outcome], title: str) -> Table:
    table = Table(
        title=title, caption="asked: all questions; +RF: after red-flag screening; (full: ...) = differs from assess"
    )
    table.add_column("case", no_wrap=True)
    table.add_column("asked", justify="right")
    table.add_column("+RF", justify="right")
    table.add_column("stop", no_wrap=True)
    table.add_column("verdict")
    table.add_column("urgency")
    for o in outcomes:
        table.add_row(
            o.case,
            str(o.questions),
            str(o.questions - o.screening_questions),
            STOP_SHORT[o.stop],
            _versus(o.verdict.value, o.full_verdict.value),
            _versus(o.urgency.value, o.full_urgency.value),
        )
    return table


def register(app: typer.Typer) -> None:
    @app.command("interview")
    def interview_command(
        mode: Annotated[Mode, typer.Option(help="patient: plain questions, no diagnosis; clinician: exam too.")] = (
            Mode.clinician
        ),
        save: Annotated[
            Path | None,
            typer.Option("--save", help="Write the answers as a case file (YAML); without it they are printed."),
        ] = None,
        setting: Annotated[str, typer.Option(help="Pre-test population.")] = DEFAULT_SETTING,
        age: Annotated[int | None, typer.Option(help="Age in years.")] = None,
        sex: Annotated[str | None, typer.Option(help="female or male.")] = None,
        max_questions: Annotated[int, typer.Option(help="Limit after red-flag screening.")] = DEFAULT_MAX_QUESTIONS,
    ) -> None:
        """Adaptive interview: red-flag screening first, then the questions that matter most."""
        from spinetriage.cli.report import render

        console = Console()
        console.print("Answer y (yes), n (no), ? (don't know) or b (back: change the last answer).")
        answers, step = guarded(lambda: run_interview(console, mode, setting, age, sex, max_questions))
        console.print(Text(summary(answers, step.implied), style="dim"))
        document = guarded(lambda: case_document(answers, age, sex, setting))
        saved = yaml.safe_dump(document, sort_keys=False)
        if save is not None:
            save.write_text(saved, encoding="utf-8")
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
        else:  # never thrown away: printed as a case file (`spinetriage assess` reads it back)
            console.print(Text("Your answers, as a case file (keep them with --save FILE next time):", style="bold"))
            typer.echo(saved, nl=False)

    @app.command("simulate")
    def simulate_command(
        mode: Annotated[Mode, typer.Option(help="Which interview to run.")] = Mode.clinician,
        n: Annotated[int, typer.Option("--n", help="Cases to sample from the model.")] = DEFAULT_N,
        seed: Annotated[int, typer.Option(help="Seed for the sampled cases.")] = DEFAULT_SEED,
        setting: Annotated[str, typer.Option(help="Pre-test population (priors for sampling and reasoning).")] = (
            DEFAULT_SETTING
        ),
        max_questions: Annotated[int, typer.Option(help="Limit after red-flag screening.")] = DEFAULT_MAX_QUESTIONS,
        order: Annotated[Order, typer.Option(help="adaptive, or the fixed textbook order to compare.")] = (
            Order.adaptive
        ),
        screening: Annotated[
            Screening, typer.Option(help="Red-flag screening: one question per red-flag clause, or per finding.")
        ] = Screening.grouped,
        vignettes: Annotated[
            Path | None, typer.Option(help="Vignette file (default: the dev vignettes of a source checkout).")
        ] = None,
        no_vignettes: Annotated[bool, typer.Option("--no-vignettes", help="Sampled cases only.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Every case and the summaries as JSON.")] = False,
        show_all: Annotated[bool, typer.Option("--all", help="List every sampled case, not only mismatches.")] = False,
    ) -> None:
        """Run the interview against cases with known findings and compare with full information."""
        from spinetriage.interview.simulation import sample_cases, simulate, summarize, vignette_cases

        console = Console()
        path = vignettes if vignettes is not None else (DEV_VIGNETTES if DEV_VIGNETTES.is_file() else None)
        known: list[KnownCase] = []
        if path is not None and not no_vignettes:
            known = guarded(lambda: vignette_cases(path))
        sampled = guarded(lambda: sample_cases(n, seed=seed, setting=setting))
        groups = {"vignettes": known, "sampled": sampled}
        results: dict[str, list[Outcome]] = {}
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
            disable=as_json or len(known) + len(sampled) < 50,
        ) as bar:
            for name, cases in groups.items():
                task = bar.add_task(f"interviewing {name}", total=len(cases))
                results[name] = guarded(
                    lambda cases=cases, task=task: simulate(  # type: ignore[misc]
                        cases,
                        mode=mode.value,
                        setting=setting,
                        max_questions=max_questions,
                        order=order.value,
                        screening=screening.value,
                        progress=lambda: bar.advance(task),
                    )
                )
        summaries = {name: summarize(outcomes) for name, outcomes in results.items()}
        if as_json:
            document = {
                "mode": mode.value,
                "order": order.value,
                "screening": screening.value,
                "setting": setting,
                "seed": seed,
                "max_questions": max_questions,
                "vignettes": str(path) if path is not None and not no_vignettes else None,
                "summary": {name: s.to_dict() for name, s in summaries.items()},
                "cases": [o.to_dict() for outcomes in results.values() for o in outcomes],
            }
            typer.echo(json.dumps(document, indent=2))
            return
        if results["vignettes"]:
            console.print(_outcome_table(results["vignettes"], "Dev vignettes"))
        shown = [o for o in results["sampled"] if show_all or not (o.verdict_matches and o.urgency_matches)]
        if shown:
            title = "Sampled cases" if show_all else "Sampled cases whose verdict or urgency differs"
            console.print(_outcome_table(shown, title))
        table = Table(
            title=f"Summary ({mode.value} mode, {order.value} order, {screening.value} screening, seed {seed})"
        )
        for column in ("cases", "n", "asked", "+RF", "verdict ok", "urgency ok", "both ok"):
            table.add_column(column, justify="left" if column == "cases" else "right")
        for name, s in summaries.items():
            if s.cases:
                table.add_row(
                    name,
                    str(s.cases),
                    f"{s.mean_questions:.1f}",
                    f"{s.mean_after_screening:.1f}",
                    f"{s.verdict_match:.1%}",
                    f"{s.urgency_match:.1%}",
                    f"{s.both_match:.1%}",
                )
        console.print(table)
