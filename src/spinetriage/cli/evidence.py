"""``spinetriage knowledge findings|conditions ID``: one item with the evidence beside every number,
as clinicians expect from a calculator page: likelihood ratios, sensitivity and specificity, the
basis (reported, calculated, judgement) and the source."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.schema import Likelihood
from spinetriage.strength import strength


def _basis(link: Likelihood, kb: KnowledgeBase) -> str:
    sources = ", ".join(link.sources)
    text = link.basis.value + (f": {sources}" if sources else "")
    if link.reason:
        text += f" ({link.reason})"
    if link.note:
        text += f"; {link.note}"
    return text


def evidence_panel(kb: KnowledgeBase, topic: str, identifier: str) -> RenderableType:
    """A finding (its strength for each condition) or a condition (the strength of each finding)."""
    if topic == "findings":
        finding = kb.findings[identifier]
        title = f"{finding.label} ({finding.id})"
        lines = [f"{finding.kind.value}, {finding.region.value}"]
        lines += [text for text in (finding.description, finding.elicitation and f"How: {finding.elicitation}") if text]
        links = [lk for lk in kb.likelihoods.values() if lk.finding == identifier]
        first = "Condition"
    else:
        condition = kb.conditions[identifier]
        title = f"{condition.label} ({condition.id})"
        lines = [condition.origin_family.value]
        links = [lk for lk in kb.likelihoods.values() if lk.condition == identifier]
        first = "Finding"
    table = Table(title="Evidence (LR+: present, LR-: absent; derived values in the same terms)", expand=True)
    table.add_column(first, no_wrap=True)
    for column in ("LR+", "LR-", "Sens", "Spec"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("Basis and source", overflow="fold")
    for link in links:
        name = link.condition if topic == "findings" else link.finding
        shown = strength(link)
        table.add_row(name, shown.lr_present, shown.lr_absent, shown.sensitivity, shown.specificity, _basis(link, kb))
    cited = sorted({source for link in links for source in link.sources})
    references = [f"[{ref}] {kb.references[ref].citation}" for ref in cited if ref in kb.references]
    parts: list[RenderableType] = [Text("\n".join(lines))]
    parts.append(table if links else Text("No likelihood in the knowledge base.", style="dim"))
    if references:
        parts.append(Text("References\n" + "\n".join(references)))
    return Panel(Group(*parts), title=title, title_align="left")
