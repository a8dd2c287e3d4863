"""``spinetriage extract FILE|-``: findings from a note, or a batch of notes.

Wire into the main CLI with ``register(app)``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from spinetriage.errors import InputError

from ._extract import extract

__all__ = ["register"]


def _read_batch(source: Path) -> list[tuple[str, str]]:
    if source.is_dir():
        return [(p.name, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(source.glob("*.txt"))]
    rows: list[tuple[str, str]] = []
    with source.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                rows.append((str(obj.get("id", n)), str(obj["text"])))
            except (json.JSONDecodeError, KeyError, AttributeError) as exc:
                raise InputError(
                    f"{source.name}:{n}", "not a JSON object with a 'text' field", '{"id": ..., "text": ...}'
                ) from exc
    return rows


def extract_command(
    file: Annotated[str, typer.Argument(help="A note (text file), '-' for standard input")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
    batch: Annotated[
        bool, typer.Option("--batch", help="FILE is a folder of .txt notes or a JSONL of {id, text}")
    ] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Batch: write JSONL here")] = None,
) -> None:
    """Read findings (with status, side, levels and span) from a clinical note or MRI report."""
    console = Console()
    try:
        if batch:
            _batch(Path(file), output, console)
            return
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8", errors="replace")
        result = extract(text)
    except (InputError, OSError) as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
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
            text[m.start : m.end],
        )
    console.print(table)


def _batch(source: Path, output: Path | None, console: Console) -> None:
    rows = _read_batch(source)
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    counts: dict[str, int] = {}
    try:
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("extracting", total=len(rows))
            for doc_id, text in rows:
                record: dict[str, Any] = {"id": doc_id, **extract(text).to_dict()}
                for status in record["findings"].values():
                    counts[status] = counts.get(status, 0) + 1
                out.write(json.dumps(record) + "\n")
                progress.advance(task)
    finally:
        if output:
            out.close()
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    Console(stderr=True).print(f"{len(rows)} notes; findings {summary or 'none'}")


def register(app: typer.Typer) -> None:
    """Add the ``extract`` command to a Typer app."""
    app.command("extract")(extract_command)
