"""The readable Rich report of an assessment."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spinetriage.assessment.models import Assessment, ConditionOut
from spinetriage.assessment.origin import ASSUMED_NOTE, SHARE_NAMES
from spinetriage.strength import ratio_text
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
    if a.urgency_provisional:
        verdict.append(" (provisional: red-flag questions not yet answered)", style="yellow")
    lines = [verdict, Text(a.origin.explanation)]
    if not a.complaint_assumed():  # else the shares are the assumed back pain's
        probs = "  ".join(f"{SHARE_NAMES.get(k, k)} {v:.0%}" for k, v in a.origin.probabilities.items())
        lines.append(Text(probs, style="dim"))
    console.print(Panel(Group(*lines), title="spinetriage"))

    _render_instruments(a, console)

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
    flagged = a.flagged_conditions()
    ordered = a.conditions_flagged_first()
    shown = [c for c in ordered if show_all or c.probability >= 0.01 or c.probability > c.prior or c.id in flagged]
    for c in shown:
        label = Text(c.label)
        if c.id in flagged:  # the flag's rule decides, not this probability among all presenters
            label.append(" (red flag)", style="bold red")
        elif a.shown_as_prior_only(c):
            label.append(" (prior only)", style="dim")
        table.add_row(label, f"{c.probability:.1%}", bar(c.probability), f"{c.prior:.1%}")
    console.print(table)
    if a.complaint_assumed():
        console.print(Text(ASSUMED_NOTE, style="dim"))
    if any(a.shown_as_prior_only(c) for c in shown):
        console.print(
            Text(
                "(prior only): nothing recorded bears on the condition; its probability is the setting's prior, "
                "moved at most by age and sex.",
                style="dim",
            )
        )
    if flagged & {c.id for c in shown}:
        console.print(
            Text(
                "A condition marked (red flag) is named by a raised red flag and listed first: the flag's rule "
                "decides, not its probability here, which is among all presenters in the setting.",
                style="dim",
            )
        )

    for c in ordered[:3]:
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
    for recorded in a.recorded_only:
        console.print(
            Text(f"Recorded, not counted in the probabilities: {recorded.label} ({recorded.status}). ", style="bold")
            + Text(recorded.reason, style="dim")
        )
    if a.red_flag_screen:  # before the other questions: the guidelines screen every presenter first
        console.print(
            Text("Red flags not yet asked: ", style="bold")
            + Text("; ".join(s.label for s in a.red_flag_screen))
            + Text(" (a yes could raise a red flag; screen every presenter, NICE NG59)", style="dim")
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
            ratio_text(contribution.likelihood_ratio),
            effect,
            contribution.basis.value,
            ", ".join(contribution.sources),
        )
    if c.contributions:
        console.print(why)


def _render_instruments(a: Assessment, console: Console) -> None:
    """Severity grade, mJOA change and the validated clusters read beside the network."""
    rows = Table.grid(padding=(0, 1))
    rows.add_column(style="bold", no_wrap=True)
    rows.add_column()

    def add(title: str, headline: Text, explanation: str, sources: list[str]) -> None:
        rows.add_row(title, headline)
        rows.add_row("", Text.assemble(explanation, (f"  [{', '.join(sources)}]" if sources else "", "dim")))

    if a.severity is not None:
        s = a.severity
        name = "P-mJOA" if s.instrument == "p_mjoa" else "mJOA"
        add("Severity", Text(f"{s.label} ({name} {s.score})", style="bold"), s.explanation, s.sources)
    if a.mjoa_change is not None:
        c = a.mjoa_change
        when = f" ({c.before_date} -> {c.after_date})" if c.before_date and c.after_date else ""
        headline = Text(f"{c.before} -> {c.after}: {c.difference:+d}, MCID {c.mcid}{when}")
        if c.urgency is not None:
            headline.append(f"  {c.urgency.value.upper()}", style=URGENCY_STYLE[c.urgency])
        add("mJOA change", headline, c.explanation, c.sources)
    for cl in a.clusters:
        if cl.status == "not_scored" and cl.known_signs == 0:
            continue  # none of its signs known: not worth a line
        status = {"applied": "used", "not_applied": "scored (shown beside the network)", "not_scored": "not scored"}[
            cl.status
        ]
        headline = Text.assemble(f"{cl.name}: ", (status, "bold" if cl.status == "applied" else "dim"))
        add("Cluster", headline, cl.explanation, cl.sources)
    for inst in a.instruments:
        if inst.key in {"mjoa", "p_mjoa", "mjoa_previous", "p_mjoa_previous"}:
            continue  # shown above as severity and change
        label = inst.band_label or inst.band or ""
        add("Instrument", Text(f"{inst.name}: {inst.total} {label}".strip()), inst.interpretation, inst.sources)
    if rows.row_count:
        console.print(Panel(rows, title="Instruments"))
