"""The ``spinetriage`` command line: thin, it translates, calls, and presents."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from importlib import resources
from typing import Annotated, Any

import typer
import typer.main
from rich.console import Console
from rich.table import Table
from rich.text import Text

from spinetriage._version import __version__
from spinetriage.cli._guard import EXIT_BAD_INPUT as EXIT_BAD_INPUT
from spinetriage.cli._guard import guarded
from spinetriage.errors import InputError

# The knowledge base, the reasoning and the web app are imported inside the commands that use
# them, so that `spinetriage --help` and every command's --help start in a fraction of a second
# (benchmarks/startup.py).

app = typer.Typer(
    name="spinetriage",
    help="Where does this lower back pain come from? Evidence-based triage of lumbar vs cervical (myelopathy) origin.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Setting(StrEnum):
    primary_care = "primary_care"
    spine_clinic = "spine_clinic"


def _examples() -> dict[str, str]:
    root = resources.files("spinetriage") / "examples"
    return {
        p.name.removesuffix(".yaml"): p.read_text(encoding="utf-8") for p in root.iterdir() if p.name.endswith(".yaml")
    }


@app.command("assess")
def assess_command(
    case: Annotated[str | None, typer.Argument(help="Case file (JSON or YAML), or - for standard input.")] = None,
    example: Annotated[
        str | None,
        typer.Option("--example", help="Assess a shipped example case instead (see `spinetriage examples`)."),
    ] = None,
    setting: Annotated[
        Setting | None, typer.Option(help="Pre-test population (default: the case's, else primary care).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the assessment as JSON (the API contract).")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="List every condition, not only the likely ones.")] = False,
    note: Annotated[
        str | None, typer.Option("--text", help="A clinical note or MRI report (file) to read alongside the case.")
    ] = None,
) -> None:
    """Assess a case: origin of the pain, condition probabilities and why, red flags, work-up, treatment."""
    from spinetriage.assessment import assess
    from spinetriage.case import parse_case
    from spinetriage.case_io import load_case, parse_document, read_case_text
    from spinetriage.cli.report import render
    from spinetriage.knowledge import default_knowledge

    kb = guarded(default_knowledge)
    if (case is None) == (example is None):
        guarded(lambda: _raise(InputError("CASE", "give a case file (or -) or --example NAME, not both or neither")))

    def run() -> object:
        if example is not None:
            texts = _examples()
            if example not in texts:
                raise InputError("--example", f"unknown example '{example}'", ", ".join(sorted(texts)))
            parsed = parse_case(parse_document(texts[example], f"{example}.yaml"), kb)
        else:
            assert case is not None
            parsed = load_case(case, kb)
        if note is not None:
            note_text, _ = read_case_text(note)
            joined = "\n\n".join(t for t in (parsed.text, note_text) if t)
            parsed = parsed.model_copy(update={"text": joined})
        return assess(parsed, setting=setting.value if setting else None)

    result = guarded(run)
    from spinetriage.assessment.models import Assessment

    assert isinstance(result, Assessment)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        render(result, Console(), show_all=show_all)


def _raise(error: Exception) -> None:
    raise error


@app.command("examples")
def examples_command() -> None:
    """List the example cases shipped with spinetriage."""
    console = Console()
    for name, text in sorted(_examples().items()):
        console.print(Text.assemble((name, "cyan"), "  ", example_description(text)))


def example_description(text: str) -> str:
    """An example's first sentence, from the comment lines it opens with (which may wrap a sentence)."""
    lines: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    joined = " ".join(lines)
    end = joined.find(". ")
    return joined if end < 0 else joined[: end + 1]


class Topic(StrEnum):
    findings = "findings"
    conditions = "conditions"
    references = "references"
    priors = "priors"
    red_flags = "red-flags"


@app.command("knowledge")
def knowledge_command(
    topic: Annotated[Topic, typer.Argument(help="What to list.")] = Topic.conditions,
    identifier: Annotated[str | None, typer.Argument(help="Show one item (and its evidence) in detail.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print as JSON (with ID: the item and its evidence).")
    ] = False,
) -> None:
    """Browse the knowledge base: findings, conditions, references, priors, red flags.

    With an ID, a finding or condition is shown with the strength of its evidence: likelihood
    ratios, sensitivity and specificity, basis and source."""
    from spinetriage.knowledge import default_knowledge

    kb = guarded(default_knowledge)
    console = Console()
    rows: list[dict[str, object]]
    if topic is Topic.findings:
        rows = [f.model_dump(mode="json") for f in kb.findings.values()]
    elif topic is Topic.conditions:
        rows = [c.model_dump(mode="json") for c in kb.conditions.values()]
    elif topic is Topic.references:
        rows = [r.model_dump(mode="json", exclude_none=True) for r in kb.references.values()]
    elif topic is Topic.priors:
        rows = [p.model_dump(mode="json", exclude_none=True) for p in kb.priors.values()]
    else:
        rows = [r.model_dump(mode="json", exclude_none=True) for r in kb.red_flags.values()]
    if identifier is not None:
        key = "condition" if topic is Topic.priors else "id"
        rows = [r for r in rows if r.get(key) == identifier]
        if not rows:
            guarded(
                lambda: _raise(InputError(topic.value, f"no item '{identifier}'", "see the list without an identifier"))
            )
        if topic in (Topic.findings, Topic.conditions):
            field = "finding" if topic is Topic.findings else "condition"
            links = [
                lk.model_dump(mode="json", exclude_none=True)
                for lk in kb.likelihoods.values()
                if getattr(lk, field) == identifier
            ]
            rows[0] = {**rows[0], "evidence": links}
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    if identifier is not None:
        if topic in (Topic.findings, Topic.conditions):
            from spinetriage.cli.evidence import evidence_panel

            console.print(evidence_panel(kb, topic.value, identifier))
        else:
            console.print_json(json.dumps(rows[0]))
        return
    table = Table(title=f"{topic.value} (knowledge {kb.version})")
    columns = {
        Topic.findings: ["id", "label", "kind", "region"],
        Topic.conditions: ["id", "label", "origin_family"],
        Topic.references: ["id", "citation"],
        Topic.priors: ["setting", "condition", "probability", "basis"],
        Topic.red_flags: ["id", "urgency", "label"],
    }[topic]
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(str(row.get(c, "")) for c in columns))
    console.print(table)


def version_callback(value: bool) -> None:
    if value:
        from spinetriage.knowledge import default_knowledge

        typer.echo(f"spinetriage {__version__} (knowledge {default_knowledge().version})")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """spinetriage: decision support for clinicians, not a diagnosis."""


def _register_subcommands() -> None:
    """Commands that live with their own package (one concept per module)."""
    from spinetriage.cli.cds import register as register_cds
    from spinetriage.cli.instruments import register as register_instruments
    from spinetriage.cli.interview import register as register_interview
    from spinetriage.cli.screening import register as register_screening
    from spinetriage.cli.text import register as register_text
    from spinetriage.cli.web import register as register_web

    register_cds(app)
    register_instruments(app)
    register_interview(app)
    register_screening(app)
    register_text(app)
    register_web(app)


_register_subcommands()


def command() -> Any:
    """The click command ``spinetriage`` runs: the Typer app, with on/off flags shown without a type in
    ``--help`` (Typer would print ``<bool>`` after ``--json``, which takes no value)."""
    root_command = typer.main.get_command(app)
    _plain_flags(root_command)
    return root_command


def _plain_flags(cmd: Any) -> None:
    """Typer's click commands (duck-typed: Typer ships its own copy of click)."""
    for param in cmd.params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    make_help = cmd.get_help_option

    def help_option(ctx: Any) -> Any:
        option = make_help(ctx)
        if option is not None:
            option.metavar = ""
        return option

    cmd.get_help_option = help_option
    for sub in getattr(cmd, "commands", {}).values():
        _plain_flags(sub)


def main() -> None:
    command()(prog_name="spinetriage")
