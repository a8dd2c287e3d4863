"""The readable Rich report of an assessment."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spinetriage.assessment.models import Assessment, ConditionOut
from spinetriage.vocab import Urgency

URGENCY_STYLE = {
    Urgency.EMERGENCY: "bold white on red",
    Urgency.URGENT: "bold red",
    Urgency.SOON: "bold yellow",
    Urgency.ROUTINE: "green",
}
BAR_WIDTH = 24
WHY_LIMIT = 6


def bar(probability: float, width: int = BAR_WIDTH) -> str:
    filled = round(probability * width)
    return "█" * filled + "░" * (width - filled)


def render(assessment: Assessment, console: Console, *, show_all: bool = False) -> None:
    a = assessment
    verdict = Text.assemble(
        ("Origin: ", "bold"),
        (a.origin.verdict.value.upper(), "bold cyan"),
        "   ",
        ("Urgency: ", "bold"),
        (a.urgency.value.upper(), URGENCY_STYLE[a.urgency]),
    )
    probs = "  ".join(f"{k} {v:.0%}" for k, v in a.origin.probabilities.items())
    console.print(Panel(Group(verdict, Text(a.origin.explanation), Text(probs, style="dim")), title="spinetriage"))

    if a.red_flags:
        flags = Table.grid(padding=(0, 1))
        for flag in a.red_flags:
            flags.add_row(
                Text(flag.urgency.value.upper(), style=URGENCY_STYLE[flag.urgency]),
                Text(flag.label, style="bold"),
                Text("from: " + ", ".join(flag.findings)),
            )
            flags.add_row("", Text(flag.action, style="italic"), "")
        console.print(Panel(flags, title="RED FLAGS", border_style="red"))

    table = Table(title="Conditions", show_lines=False, expand=False)
    table.add_column("condition")
    table.add_column("probability", justify="right")
    table.add_column("")
    table.add_column("prior", justify="right", style="dim")
    shown = [c for c in a.conditions if show_all or c.probability >= 0.01 or c.probability > c.prior]
    for c in shown:
        table.add_row(c.label, f"{c.probability:.1%}", bar(c.probability), f"{c.prior:.1%}")
    console.print(table)

    for c in a.conditions[:3]:
        _render_why(c, console)

    if a.workup:
        work = Table(title="Work-up", show_header=False)
        work.add_column("kind", style="dim")
        work.add_column("step")
        work.add_column("why", style="dim")
        for item in a.workup:
            label = Text(item.label, style="strike dim" if item.kind == "not_recommended" else "")
            work.add_row(item.kind.replace("_", " "), label, item.reason)
        console.print(work)
    if a.treatment:
        tx = Table(title="Treatment direction", show_header=False)
        tx.add_column("step")
        tx.add_column("source", style="dim")
        for item in a.treatment:
            tx.add_row(Text.assemble((item.label, "bold"), "\n", item.detail), ", ".join(item.sources))
        console.print(tx)
    if a.from_text:
        quoted = "; ".join(f'{t.finding}={t.status} ("{t.quote}")' for t in a.from_text)
        console.print(Text("From the text: ", style="bold") + Text(quoted))
    for conflict in a.conflicts:
        console.print(
            Text(
                f"Conflict: {conflict.finding} is {conflict.structured} in the case but {conflict.text} in the text; "
                f"the structured answer ({conflict.used}) is used.",
                style="yellow",
            )
        )
    if a.next_questions:
        console.print(
            Text("Ask next: ", style="bold") + Text("; ".join(q.question or q.label for q in a.next_questions))
        )
    refs = Table(title="References", show_header=False, box=None)
    for r in a.references:
        refs.add_row(Text(r.id, style="cyan"), r.citation)
    console.print(refs)
    console.print(
        Text(f"knowledge {a.knowledge_version} · engine {a.engine_version} · setting {a.setting}", style="dim")
    )
    console.print(Text(a.disclaimer, style="dim italic"))


def _render_why(c: ConditionOut, console: Console) -> None:
    why = Table(title=f"Why: {c.label} {c.probability:.1%} (prior {c.prior:.1%})", title_justify="left")
    why.add_column("evidence")
    why.add_column("LR", justify="right")
    why.add_column("effect")
    why.add_column("basis", style="dim")
    why.add_column("source", style="dim")
    for contribution in c.contributions[:WHY_LIMIT]:
        effect = "▲" if contribution.log_odds > 0 else ("▼" if contribution.log_odds < 0 else "·")
        style = "" if contribution.counted else "dim"
        label = f"{contribution.finding} = {contribution.status}"
        if contribution.note:
            label += f"\n  ({contribution.note})"
        why.add_row(
            Text(label, style=style),
            f"{contribution.likelihood_ratio:.2f}",
            effect,
            contribution.basis.value,
            ", ".join(contribution.sources),
        )
    if c.contributions:
        console.print(why)
