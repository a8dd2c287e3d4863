"""``spinetriage extract FILE|-``: findings from a note, or a batch of notes.

A folder (of ``.txt``), a ``.jsonl`` or a ``.parquet`` file is read as a batch (or any
FILE with ``--batch``); see :mod:`spinetriage.text.batch`. Wire into the main CLI
with ``register(app)``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from spinetriage.errors import InputError

if TYPE_CHECKING:
    from spinetriage.text.batch import BatchSummary

__all__ = ["register"]

_BATCH_SUFFIXES = (".jsonl", ".ndjson", ".parquet", ".pq")


def extract_command(
    file: Annotated[str, typer.Argument(help="A note (text file), '-' for standard input, or a batch (see --batch)")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
    batch: Annotated[
        bool,
        typer.Option(
            "--batch", help="FILE is a batch: a folder of .txt notes, a JSONL or a Parquet file (automatic for those)"
        ),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Batch: write records here (.jsonl or .parquet)")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="Batch output format: jsonl or parquet (default: from -o)")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Batch: worker processes (default: every available core)")
    ] = None,
    text_column: Annotated[str, typer.Option("--text-column", help="Batch: column or key holding the text")] = "text",
    id_column: Annotated[str, typer.Option("--id-column", help="Batch: column or key holding the note id")] = "id",
) -> None:
    """Read findings (with status, side, levels and span) from a clinical note or MRI report."""
    from spinetriage.text import extract  # loaded here: `spinetriage --help` need not compile the rules

    err = Console(stderr=True, highlight=False)
    try:
        path = Path(file)
        if batch or (file != "-" and (path.is_dir() or path.suffix.lower() in _BATCH_SUFFIXES)):
            _batch(path, output, fmt, workers, text_column, id_column, err)
            return
        text = sys.stdin.read() if file == "-" else path.read_text(encoding="utf-8", errors="replace")
        result = extract(text)
    except InputError as exc:
        err.print(Text.assemble(("error: ", "bold red"), str(exc)))
        raise typer.Exit(2) from None
    except OSError as exc:
        err.print(
            Text.assemble(("error: ", "bold red"), f"cannot read '{file}' ({exc.strerror or type(exc).__name__})")
        )
        raise typer.Exit(2) from None
    if json_out:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    table = Table(title="Findings from text")
    for col in ("finding", "status", "side", "levels", "severity", "section", "text"):
        table.add_column(col)
    for m in result.mentions:
        table.add_row(
            m.finding,
            m.status.value,
            m.side or "",
            ", ".join(m.levels),
            m.severity or "",
            m.section.value,
            Text(text[m.start : m.end]),
        )
    Console().print(table)


def _batch(
    source: Path,
    output: Path | None,
    fmt: str | None,
    workers: int | None,
    text_column: str,
    id_column: str,
    err: Console,
) -> None:
    from spinetriage.text.batch import available_cores, count_notes, output_format, run_batch

    chosen = output_format(output, fmt)
    n_workers = available_cores() if workers is None else workers
    if n_workers < 1:
        raise InputError("--workers", f"{n_workers} is not a number of processes", "1 or more")
    if chosen == "parquet" and output is None:
        raise InputError("--output", "Parquet cannot go to standard output", "-o out.parquet")
    # No refresh thread: worker processes are forked, and forking next to a thread is unsafe.
    with Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        auto_refresh=False,
    ) as progress:
        task = progress.add_task("extracting", total=count_notes(source))

        def advance(n: int) -> None:
            progress.advance(task, n)
            progress.refresh()

        summary = run_batch(
            source,
            output if output is not None else sys.stdout,
            chosen,
            workers=n_workers,
            text_column=text_column,
            id_column=id_column,
            on_chunk=advance,
        )
    _print_summary(summary, n_workers, output, err)


def _print_summary(summary: BatchSummary, workers: int, output: Path | None, err: Console) -> None:
    statuses = ", ".join(f"{status} {n}" for status, n in sorted(summary.by_status.items())) or "none"
    lines = [
        f"{summary.notes} notes ({summary.ok} read, {summary.errors} with errors), {summary.mentions} mentions",
        f"mentions by status: {statuses}",
        f"{summary.notes_per_second:.0f} notes/s with up to {workers} worker(s), {summary.seconds:.2f} s",
    ]
    if summary.errors:
        shown = ", ".join(summary.error_ids)
        more = (
            "" if summary.errors <= len(summary.error_ids) else f" and {summary.errors - len(summary.error_ids)} more"
        )
        lines.append(f"rows with errors (see their 'error' field): {shown}{more}")
    if output is not None:
        lines.append(f"written to {output}")
    for line in lines:
        err.print(Text(line))


def register(app: typer.Typer) -> None:
    """Add the ``extract`` command to a Typer app."""
    app.command("extract")(extract_command)
