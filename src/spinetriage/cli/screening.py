"""``spinetriage screen INPUT... --out RESULT.parquet``: population screening from the command line.

Wire into the main CLI with ``register(app)``. Exit codes: 0 done (malformed rows are
listed, not fatal), 2 bad input or options, 130 interrupted (run again to resume).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from spinetriage.errors import SpinetriageError

if TYPE_CHECKING:
    from spinetriage.screening._run import ScreenSummary

DEFAULT_SETTING = "primary_care"
DEFAULT_PART_SIZE = 200
"""As ``spinetriage.screening._screen.DEFAULT_PART_SIZE`` (a test checks they agree); kept here so that
``spinetriage --help`` does not load the reasoning."""

__all__ = ["register"]


class EngineChoice(StrEnum):
    local = "local"
    spark = "spark"


class _Rate(ProgressColumn):
    """Patients a second, from Rich's own moving estimate."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("" if speed is None else f"{speed:,.0f} patients/s")


class _Bar:
    """A :class:`~spinetriage.screening.Listener` drawing a Rich progress bar.

    No refresh thread: worker processes are forked, and forking next to a thread is unsafe.
    """

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("screening", total=None)

    def started(self, total_patients: int, already_done: int) -> None:
        self.progress.update(self.task, total=total_patients, completed=already_done)
        self.progress.refresh()

    def advanced(self, patients: int) -> None:
        self.progress.advance(self.task, patients)
        self.progress.refresh()


def screen_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(help="Notes and/or structured findings: .jsonl, .ndjson, .csv or .parquet files."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Result: one row per patient (.parquet).")],
    engine: Annotated[EngineChoice, typer.Option(help="local (DuckDB + every core) or spark.")] = EngineChoice.local,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Worker processes (local) or Spark cores (default: every core).")
    ] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Also write an HTML summary with charts.")] = None,
    setting: Annotated[str, typer.Option(help="Pre-test population: primary_care or spine_clinic.")] = DEFAULT_SETTING,
    part_size: Annotated[
        int, typer.Option("--part-size", help="Patients per unit of work (and of resumption).")
    ] = DEFAULT_PART_SIZE,
    restart: Annotated[
        bool, typer.Option("--restart", help="Ignore an interrupted run's work and start over.")
    ] = False,
    spark_master: Annotated[
        str | None, typer.Option("--spark-master", help="Spark cluster URL (default: local mode on --workers cores).")
    ] = None,
) -> None:
    """Screen a population: who has back pain, myelopathic signs, and no cervical work-up?

    Resumable: after a crash, Ctrl-C or kill, run the same command again and it carries
    on from the last finished part.
    """
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        with Progress(
            TextColumn("screening"),
            BarColumn(),
            MofNCompleteColumn(),
            _Rate(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            auto_refresh=False,
        ) as progress:
            from spinetriage.screening._screen import screen

            summary = screen(
                inputs,
                out,
                engine=engine.value,
                workers=workers,
                setting=setting,
                part_size=part_size,
                restart=restart,
                listener=_Bar(progress),
                spark_master=spark_master,
            )
        if report is not None:
            from spinetriage.screening._report import write_report

            write_report(out, report, summary)
    except SpinetriageError as exc:
        err.print(Text.assemble(("error: ", "bold red"), str(exc)))
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        err.print(Text("interrupted: finished parts are kept; run the same command again to resume"))
        raise typer.Exit(130) from None
    _print_summary(summary, report, err)


def _print_summary(summary: ScreenSummary, report: Path | None, err: Console) -> None:
    lines = [
        f"{summary.patients} patients screened from {summary.notes} notes and "
        f"{summary.structured_findings} structured findings ({summary.engine} engine, {summary.workers} worker(s))",
        f"{summary.patients_per_second:,.1f} patients/s, {summary.notes_per_second:,.1f} notes/s, "
        f"{summary.seconds:.1f} s" + (f"; {summary.parts_resumed} part(s) resumed" if summary.parts_resumed else ""),
    ]
    if summary.rejects:
        lines.append(f"{summary.rejects} row(s) skipped, listed in {summary.rejects_file}:")
        lines += [f"  {r.location}: {r.field}: {r.problem}" for r in summary.reject_sample]
        if summary.rejects > len(summary.reject_sample):
            lines.append(f"  ... and {summary.rejects - len(summary.reject_sample)} more")
    lines.append(f"written to {summary.output}" + (f", report {report}" if report else ""))
    for line in lines:
        err.print(Text(line))


def generate_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Notes to write (.jsonl or .parquet).")],
    patients: Annotated[int, typer.Option("--patients", "-n", help="How many patients.")] = 1000,
    seed: Annotated[int, typer.Option(help="The same seed gives the same patients.")] = 0,
    truth: Annotated[
        Path | None, typer.Option("--truth", help="Also write each patient's conditions and findings (.jsonl).")
    ] = None,
    myelopathy_share: Annotated[
        float | None,
        typer.Option("--myelopathy-share", help="Share of patients with myelopathy (default: the setting's prior)."),
    ] = None,
    setting: Annotated[str, typer.Option(help="Pre-test population the conditions are drawn from.")] = DEFAULT_SETTING,
) -> None:
    """Write a synthetic population: patients sampled from the model, as notes in varied styles, with the truth."""
    from spinetriage.screening.synthetic import write_population

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        n_patients, n_notes = write_population(
            patients, out, truth, seed=seed, setting=setting, myelopathy_share=myelopathy_share
        )
    except SpinetriageError as exc:
        err.print(Text.assemble(("error: ", "bold red"), str(exc)))
        raise typer.Exit(2) from None
    err.print(
        Text(f"{n_patients} patients, {n_notes} notes written to {out}" + (f", truth in {truth}" if truth else ""))
    )


def register(app: typer.Typer) -> None:
    """Add the ``screen`` and ``generate-population`` commands to a Typer app."""
    app.command("screen")(screen_command)
    app.command("generate-population")(generate_command)
