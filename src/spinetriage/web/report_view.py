"""What the result page draws: an assessment turned into rows, bars and explanations.

Templates stay simple (no arithmetic, no lookups): every number the page shows is
formatted here together with where it comes from, so each chart row can say why.
Chart geometry is in percent of the chart width so that the bars are inline SVG
(no inline styles, which the content security policy forbids) and print as drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from spinetriage.assessment.models import Assessment, ConditionOut, ContributionOut, RecommendationOut, logit
from spinetriage.assessment.origin import ASSUMED_NOTE
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.strength import ratio_text
from spinetriage.vocab import Origin

WHY_CONDITIONS = 3
#: Conditions below this probability are listed on screen but not printed, so that the
#: printed report stays within two pages as the knowledge base grows.
MINOR_PROBABILITY = 0.01
#: Evidence rows whose weight is below this (log-odds; odds multiplied by less than 1.65) are
#: listed on screen but not printed: with leave-one-out weights every finding moves every
#: condition a little, through the causes they share.
PRINTED_WEIGHT = 0.5
#: The printed page explains the first two conditions (print.css); the screen explains WHY_CONDITIONS.
PRINTED_WHY = 2
ORIGIN_ORDER = [o.value for o in Origin]
ORIGIN_LABELS = {
    "cervical": "Cervical (from the neck)",
    "lumbar": "Lumbar",
    "both": "Both (tandem)",
    "other": "Other cause",
    "undetermined": "Undetermined",
}
#: The origin bar's shares: its "undetermined" share is what nothing the tool models explains, which is
#: not the verdict "undetermined" (a verdict of other can rest on it: docs/reasoning.md, "Beyond the neck
#: and the lower back").
SHARE_LABELS = {**ORIGIN_LABELS, "undetermined": "Nothing modelled explains it"}
KEY_WORKUP = frozenset({"cervical_mri", "emergency_lumbar_mri"})
SHORT_NAMES = {"mjoa": "mJOA", "p_mjoa": "P-mJOA"}


def pct(p: float) -> str:
    """A probability for reading: whole percent, one decimal below 10%, never a false 0% or 100%."""
    if p <= 0.0:
        return "0%"
    if p < 0.001:
        return "<0.1%"
    if p < 0.1:
        return f"{p * 100:.1f}%"
    if p > 0.995:
        return ">99%"
    return f"{p * 100:.0f}%"


def signed(x: float) -> str:
    return f"{x:+.2f}".replace("-", "\u2212")


@dataclass(frozen=True)
class Segment:
    origin: str
    label: str
    probability: str
    x: float
    width: float


@dataclass(frozen=True)
class ConditionRow:
    id: str
    label: str
    probability: str
    prior: str
    bar: float
    prior_x: float
    up: bool
    explanation: str
    has_why: bool
    top: bool
    minor: bool = False  # under MINOR_PROBABILITY: listed on screen, left off the printed page
    flagged: bool = False
    """A raised red flag names this condition: its rule, not this probability among all presenters, decides."""
    prior_only: bool = False
    """Nothing recorded bears on the condition: its probability is the setting's prior (with age and sex)."""


@dataclass(frozen=True)
class WhyRow:
    label: str
    status: str
    ratio: str
    weight: str
    counted: bool
    note: str | None
    basis: str
    reason: str | None
    sources: list[str]
    x: float
    width: float
    up: bool
    neutral: bool = False  # changes the odds by less than PRINTED_WEIGHT: on screen, not on the printed page


@dataclass(frozen=True)
class WhyBlock:
    id: str
    label: str
    probability: str
    prior: str
    prior_sources: list[str]
    summary: str
    rows: list[WhyRow] = field(default_factory=list)
    not_counted: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Action:
    label: str
    detail: str
    reason: str
    kind: str
    sources: list[str]
    key: bool


@dataclass(frozen=True)
class Flag:
    label: str
    urgency: str
    action: str
    raised_by: list[str]
    sources: list[str]


@dataclass(frozen=True)
class TextPiece:
    text: str
    finding: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Reference:
    id: str
    citation: str
    seen: str
    link: str | None
    printed: bool
    link_label: str = "link"


@dataclass(frozen=True)
class Measure:
    """One instrument result or cluster as the page states it: what, the number, what it means, sources."""

    title: str
    value: str
    meaning: str
    sources: list[str]
    alert: bool = False
    printed: bool = True


@dataclass(frozen=True)
class Report:
    verdict: str
    verdict_label: str
    explanation: str
    urgency: str
    urgency_reason: str
    segments: list[Segment]
    """Empty when no complaint is recorded: the shares would be the assumed back pain's."""
    assumed_note: str | None
    conditions: list[ConditionRow]
    why: list[WhyBlock]
    flags: list[Flag]
    workup: list[Action]
    treatment: list[Action]
    present: list[str]
    absent: list[str]
    recorded_only: list[tuple[str, str]]
    """(label, why it changes no probability) for each entered finding that none counts."""
    text_pieces: list[TextPiece]
    from_text: list[tuple[str, str, str]]
    conflicts: list[str]
    next_questions: list[tuple[str, str]]
    red_flag_screen: list[str]
    references: list[Reference]
    measures: list[Measure]
    setting: str
    knowledge_version: str
    engine_version: str
    disclaimer: str


def finding_label(kb: KnowledgeBase, finding: str) -> str:
    if finding in kb.findings:
        return kb.findings[finding].label
    return finding.replace("_", " ").capitalize()


def build_report(a: Assessment, kb: KnowledgeBase, text: str | None) -> Report:
    """Everything the result page shows, from a stored assessment and the knowledge base."""
    setting = kb.settings[a.setting].label if a.setting in kb.settings else a.setting
    ordered = a.conditions_flagged_first()
    shown_why = [c for c in ordered if c.contributions][:WHY_CONDITIONS]
    why_ids = {c.id for c in shown_why}
    why = [_why_block(c, a, kb, setting) for c in shown_why]
    flags = [
        Flag(f.label, f.urgency.value, f.action, [finding_label(kb, x) for x in f.findings], list(f.sources))
        for f in a.red_flags
    ]
    workup = [_action(w) for w in a.workup]
    treatment = [_action(t) for t in a.treatment]
    flagged = a.flagged_conditions()
    measures = _measures(a)
    printed = _printed_sources(why[:PRINTED_WHY], flags, workup, treatment)
    printed |= {x for m in measures if m.printed for x in m.sources}
    return Report(
        verdict=a.origin.verdict.value,
        verdict_label=ORIGIN_LABELS.get(a.origin.verdict.value, a.origin.verdict.value),
        explanation=a.origin.explanation,
        urgency=a.urgency.value,
        urgency_reason=a.urgency_reason,
        segments=[] if a.complaint_assumed() else _segments(a.origin.probabilities),
        assumed_note=ASSUMED_NOTE if a.complaint_assumed() else None,
        conditions=[
            _condition_row(c, a, kb, setting, c.id in why_ids, i == 0, c.id in flagged) for i, c in enumerate(ordered)
        ],
        why=why,
        flags=flags,
        workup=workup,
        treatment=treatment,
        present=[finding_label(kb, f) for f, s in a.findings_used.items() if s == "present"],
        absent=[finding_label(kb, f) for f, s in a.findings_used.items() if s == "absent"],
        recorded_only=[(r.label, r.reason) for r in a.recorded_only],
        text_pieces=_marked(text, a, kb),
        from_text=[(finding_label(kb, t.finding), t.status, t.quote) for t in a.from_text],
        conflicts=[
            f"{finding_label(kb, c.finding)}: {c.structured} in the form, {c.text} in the text; "
            f"the form's answer ({c.used}) is used."
            for c in a.conflicts
        ],
        next_questions=[(q.question or q.label, q.reason) for q in a.next_questions],
        red_flag_screen=[s.question or s.label for s in a.red_flag_screen],
        references=[_reference(r.id, r.citation, r.seen, kb, r.id in printed) for r in a.references],
        measures=measures,
        setting=setting,
        knowledge_version=a.knowledge_version,
        engine_version=a.engine_version,
        disclaimer=a.disclaimer,
    )


def _segments(probabilities: dict[str, float]) -> list[Segment]:
    segments: list[Segment] = []
    x = 0.0
    for origin in ORIGIN_ORDER:
        p = probabilities.get(origin, 0.0)
        segments.append(Segment(origin, SHARE_LABELS[origin], pct(p), round(x * 100, 3), round(p * 100, 3)))
        x += p
    return segments


def _prior_sources(kb: KnowledgeBase, setting: str, condition: str) -> list[str]:
    prior = kb.priors.get((setting, condition))
    return list(prior.sources) if prior is not None else []


def _condition_row(
    c: ConditionOut, a: Assessment, kb: KnowledgeBase, setting: str, has_why: bool, top: bool, flagged: bool
) -> ConditionRow:
    counted = [x for x in c.contributions if x.counted]
    sources = _prior_sources(kb, a.setting, c.id)
    source_text = f" ({', '.join(sources)})" if sources else " (judgement; see the knowledge base)"
    explanation = (
        f"Prior {pct(c.prior)} in {setting.lower()}{source_text}; "
        f"{len(counted)} finding(s) counted move it to {pct(c.probability)}."
    )
    return ConditionRow(
        id=c.id,
        label=c.label,
        probability=pct(c.probability),
        prior=pct(c.prior),
        bar=round(c.probability * 100, 3),
        prior_x=round(c.prior * 100, 3),
        up=c.probability >= c.prior,
        explanation=explanation,
        has_why=has_why,
        top=top,
        minor=c.probability < MINOR_PROBABILITY and not top and not flagged,
        flagged=flagged,
        prior_only=a.shown_as_prior_only(c),
    )


def _reason(kb: KnowledgeBase, condition: str, x: ContributionOut) -> str | None:
    if x.basis.value != "judgement":
        return None
    if x.finding == "age":
        evidence = kb.age.get(condition)
        return evidence.reason if evidence else None
    if x.finding == "sex":
        sex = kb.sex.get(condition)
        return sex.reason if sex else None
    link = kb.likelihoods.get((condition, x.finding))
    return link.reason if link else None


def _why_block(c: ConditionOut, a: Assessment, kb: KnowledgeBase, setting: str) -> WhyBlock:
    weights = [math.log(x.likelihood_ratio) for x in c.contributions]
    scale = max([1.0, *(abs(w) for w in weights)])
    rows = []
    for x, w in zip(c.contributions, weights, strict=True):
        half = round(abs(w) / scale * 50.0, 3)
        up = w >= 0 or half == 0  # a weight too small to draw is no bar, not a bar to the left
        rows.append(
            WhyRow(
                label="Age" if x.finding == "age" else "Sex" if x.finding == "sex" else finding_label(kb, x.finding),
                status=x.status,
                ratio=ratio_text(x.likelihood_ratio),
                weight=signed(x.log_odds) if x.counted else f"0 (would be {signed(w)})",
                counted=x.counted,
                note=x.note,
                basis=x.basis.value,
                reason=_reason(kb, c.id, x),
                sources=list(x.sources),
                x=50.0 if up else round(50.0 - half, 3),
                width=half,
                up=up,
                neutral=abs(w) < PRINTED_WEIGHT,
            )
        )
    summary = (
        f"Prior {pct(c.prior)} in {setting.lower()} (log-odds {signed(logit(c.prior))}); "
        f"with all the evidence, log-odds {signed(logit(c.probability))}: {pct(c.probability)}."
    )
    return WhyBlock(
        id=c.id,
        label=c.label,
        probability=pct(c.probability),
        prior=pct(c.prior),
        prior_sources=_prior_sources(kb, a.setting, c.id),
        summary=summary,
        rows=rows,
        not_counted=[f"{row.label} = {row.status}" for row in rows if not row.counted],
    )


def _action(r: RecommendationOut) -> Action:
    return Action(r.label, r.detail, r.reason, r.kind, list(r.sources), r.id in KEY_WORKUP)


def _marked(text: str | None, a: Assessment, kb: KnowledgeBase) -> list[TextPiece]:
    """The case's text cut into plain pieces and the quoted spans the findings were read from."""
    if not text:
        return []
    spans = sorted(
        {(t.start, t.end, t.finding, t.status) for t in a.from_text if 0 <= t.start < t.end <= len(text)},
    )
    pieces: list[TextPiece] = []
    at = 0
    for start, end, finding, status in spans:
        if start < at:
            continue  # overlapping span: the first one is already marked
        if start > at:
            pieces.append(TextPiece(text[at:start]))
        pieces.append(TextPiece(text[start:end], finding_label(kb, finding), status))
        at = end
    if at < len(text):
        pieces.append(TextPiece(text[at:]))
    return pieces


def _measures(a: Assessment) -> list[Measure]:
    """Severity grade, change since the last visit, scored instruments and clinical clusters, in that order."""
    out: list[Measure] = []
    if a.severity is not None:
        sev = a.severity
        out.append(
            Measure(
                f"Myelopathy severity ({SHORT_NAMES.get(sev.instrument, sev.instrument)})",
                f"{sev.score}: {sev.label}",
                sev.explanation,
                list(sev.sources),
            )
        )
    if a.mjoa_change is not None:
        ch = a.mjoa_change
        when = f" ({ch.before_date} to {ch.after_date})" if ch.before_date and ch.after_date else ""
        value = f"{ch.before} to {ch.after} ({ch.difference:+d}, MCID {ch.mcid})"
        name = SHORT_NAMES.get(ch.instrument, ch.instrument)
        out.append(Measure(f"Change in {name}{when}", value, ch.explanation, list(ch.sources), ch.worsened))
    for ins in a.instruments:
        if a.severity is not None and not ins.previous and ins.instrument == a.severity.instrument:
            continue  # already stated as the severity grade
        when = f", {ins.date}" if ins.date else ""
        title = f"{ins.name}{' (previous visit' + when + ')' if ins.previous else when}"
        value = f"{ins.total}" + (f": {ins.band_label}" if ins.band_label else "")
        # an earlier visit's score prints as part of the change line only
        out.append(Measure(title, value, ins.interpretation, list(ins.sources), printed=not ins.previous))
    for cl in a.clusters:
        if cl.status == "not_scored" and cl.known_signs == 0:
            continue  # nothing of it was examined: saying so adds nothing
        value = f"{cl.count} of {cl.of}" if cl.count is not None else f"not scored ({cl.known_signs} of {cl.of} known)"
        if cl.likelihood_ratio is not None:
            value += f", LR {cl.likelihood_ratio:g}"
        # a cluster not scored changed nothing: the screen says so, the printed report leaves it out
        out.append(Measure(cl.name, value, cl.explanation, list(cl.sources), printed=cl.status != "not_scored"))
    return out


def _printed_sources(why: list[WhyBlock], flags: list[Flag], workup: list[Action], treatment: list[Action]) -> set[str]:
    """Sources cited by what the printed report shows (it leaves out exam hints and other priors' sources)."""
    cited: set[str] = set()
    for block in why:
        cited.update(block.prior_sources)
        for row in block.rows:
            if row.counted and not row.neutral:  # the other rows are left off the printed page
                cited.update(row.sources)
    for flag in flags:
        cited.update(flag.sources)
    for item in [*workup, *treatment]:
        if item.kind != "exam":
            cited.update(item.sources)
    return cited


def _reference(ref_id: str, citation: str, seen: str, kb: KnowledgeBase, printed: bool) -> Reference:
    ref = kb.references.get(ref_id)
    link, label = None, "link"
    if ref is not None:
        if ref.doi:
            link, label = f"https://doi.org/{ref.doi}", "doi"
        elif ref.pmid:
            link, label = f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/", "PubMed"
        elif ref.url:
            link = ref.url
    return Reference(ref_id, citation, seen, link, printed, label)
