"""``spinetriage score``: score an instrument from prompts or an answers file.

Wire it into the main CLI with ``register(app)``. Bad input prints one line per
problem naming the field and the allowed values, and exits with code 2 (no traceback).

    spinetriage score --list
    spinetriage score mjoa                       # interactive Rich prompts
    spinetriage score mjoa --answers visit.yaml --json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.prompt import IntPrompt, Prompt
from rich.table import Table
from rich.text import Text

from spinetriage.documents import load_json, load_yaml
from spinetriage.errors import InputError, InputErrors

if TYPE_CHECKING:  # the instruments load when a command runs, not for --help
    from spinetriage.instruments._answers import Answer
    from spinetriage.instruments._schema import Instrument, Item
    from spinetriage.instruments._score import Score

EXIT_BAD_INPUT = 2


def _fail(err: Console, message: str) -> typer.Exit:
    err.print(message, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code=EXIT_BAD_INPUT)


def _read_answers(path: Path, instrument: Instrument) -> dict[str, Answer]:
    """Item answers from a YAML or JSON mapping; InputError when unreadable or wrong shape."""
    field = f"--answers {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(field, f"cannot read the file ({exc.strerror})", "a readable YAML or JSON file") from None
    item_ids = [item.id for item in instrument.items]
    load = load_json if text.lstrip().startswith("{") or path.suffix == ".json" else load_yaml
    data: Any = load(text, field, "the answers", known=item_ids)
    ids = ", ".join(item_ids)
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        example = instrument.items[0].id
        raise InputError(field, "must be a mapping of item id to answer", f"e.g. {{{example}: ...}}; items: {ids}")
    answers: dict[str, Answer] = {}
    for key, value in data.items():
        if value is not None and not isinstance(value, int | str | bool):
            where = key if key in item_ids else "an item"
            raise InputError(
                f"{field}: {where}", f"a {type(value).__name__} is not a single answer", "a number, yes/no, or unknown"
            )
        answers[key] = value
    return answers


def _ask(err: Console, instrument: Instrument, item: Item) -> Answer:
    unknown_ok = instrument.missing_items == "range"
    err.print(f"\n[bold]{item.label}[/bold]: {item.prompt}")
    if item.kind == "levels":
        for level in sorted(item.levels, key=lambda lv: lv.points):
            err.print(f"  {level.points}  {level.label}", markup=False, highlight=False)
        choices = [str(lv.points) for lv in sorted(item.levels, key=lambda lv: lv.points)]
        return int(Prompt.ask("Level", choices=choices, console=err))
    if item.kind == "boolean":
        choices = ["yes", "no", *(["unknown"] if unknown_ok else [])]
        return Prompt.ask("Answer", choices=choices, console=err)
    while True:
        value = IntPrompt.ask(f"{item.unit or 'Value'} ({item.minimum}-{item.maximum})", console=err)
        assert item.minimum is not None and item.maximum is not None
        if item.minimum <= value <= item.maximum:
            return value
        err.print(f"Enter a whole number from {item.minimum} to {item.maximum}.")


def _render(out: Console, result: Score) -> None:
    table = Table(title=f"{result.name}  [{result.version}]")
    for column in ("Item", "Answer", "Points", "Level"):
        table.add_column(column)
    for trace in result.items:
        level = (trace.level or "unknown") + ("" if trace.wording_seen else " *")
        table.add_row(trace.label, str(trace.answer), "?" if trace.points is None else str(trace.points), level)
    out.print(table)
    if result.total is not None:
        out.print(f"Total: {result.total} (scale {result.scale_min}-{result.scale_max})", markup=False)
    else:
        out.print(f"Total: not determined; possible range {result.total_min}-{result.total_max}", markup=False)
    if result.band_label:
        out.print(f"Result: {result.band_label}", markup=False)
    out.print(result.interpretation, markup=False)
    if result.likelihood_ratio is not None:
        lr = result.likelihood_ratio
        status = "published" if lr.published else "not published; uninformative by judgement"
        out.print(f"Likelihood ratio: {lr.value} ({lr.basis}, {status}). {lr.note}", markup=False)
    if any(not t.wording_seen for t in result.items):
        out.print("* level wording not seen verbatim in a source; see the instrument notes", markup=False)
    for note in result.notes:
        out.print(f"Note: {note}", markup=False)
    for ref in result.references:
        out.print(f"[{ref.id}] {ref.citation}" + (f" PMID {ref.pmid}" if ref.pmid else ""), markup=False)


def _list(out: Console, as_json: bool) -> None:
    from spinetriage.instruments import registry

    instruments = registry()
    if as_json:
        payload = [
            {
                "id": spec.id,
                "name": spec.name,
                "version": spec.version,
                "purpose": spec.purpose,
                "references": [ref.model_dump(exclude_none=True) for ref in spec.references],
            }
            for spec in instruments.values()
        ]
        typer.echo(json.dumps(payload, indent=2))
        return
    table = Table(title="Instruments", caption="`spinetriage score ID --list`: purpose, items and references")
    table.add_column("Id", no_wrap=True)
    table.add_column("Instrument")
    table.add_column("Items", justify="right")
    for spec in instruments.values():
        table.add_row(spec.id, spec.name, str(len(spec.items)))
    out.print(table)


def _details(out: Console, spec: Instrument) -> None:
    """One instrument in full: what it is for, its items, its references."""
    out.print(Text(f"{spec.name} ({spec.id}, {spec.version})", style="bold"))
    out.print(spec.purpose, markup=False, highlight=False)
    out.print(Text("Items", style="bold"))
    for item in spec.items:
        out.print(f"  {item.id}: {item.label}", markup=False, highlight=False)
    out.print(Text("References", style="bold"))
    for ref in spec.references:
        out.print(f"  [{ref.id}] {ref.citation}" + (f" PMID {ref.pmid}" if ref.pmid else ""), markup=False)


def score_command(
    name: Annotated[str | None, typer.Argument(help="Instrument id, e.g. mjoa (see --list).")] = None,
    list_: Annotated[
        bool, typer.Option("--list", help="List the instruments; with NAME, one instrument's items and references.")
    ] = False,
    answers: Annotated[
        Path | None, typer.Option("--answers", help="YAML or JSON file mapping item id to answer.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Score a validated instrument (mJOA, Nurick, Cook clusters, Konno SSHQ, grip and release)."""
    from spinetriage.instruments import get, registry
    from spinetriage.instruments._score import score_instrument

    out = Console()
    err = Console(stderr=True)
    if list_ and name is not None and not as_json:
        try:
            spec = get(name)
        except InputError as exc:
            raise _fail(err, str(exc)) from None
        _details(out, spec)
        return
    if list_:
        _list(out, as_json)
        return
    if name is None:
        raise _fail(err, "NAME: an instrument id is required (allowed: " + ", ".join(sorted(registry())) + ")")
    try:
        instrument = get(name)
        given = (
            _read_answers(answers, instrument)
            if answers is not None
            else {i.id: _ask(err, instrument, i) for i in instrument.items}
        )
        result = score_instrument(instrument, given)
    except InputErrors as exc:
        raise _fail(err, "\n".join(str(e) for e in exc.errors)) from None
    except InputError as exc:
        raise _fail(err, str(exc)) from None
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        _render(out, result)


def register(app: typer.Typer) -> None:
    """Add the ``score`` command to ``app``."""
    app.command("score")(score_command)
