"""Which unanswered findings would move the answer most: the one question ranker.

For every finding the network can use and that is not yet known, the engine gives
the origin exactly as if the finding were present and as if it were absent
(:func:`spinetriage.engine.reasoner.what_if`). Its *impact* is the larger of the two
total-variation distances from the current origin: "how far could this answer move
the verdict?". Ties go to the largest change of any single condition, then to the
identifier. The assessment's lists rank on top of that (:func:`top_unknown_findings`):
questions by how far either answer could move the origin or the leading condition
(:func:`reach_of`), the complaints that would become the presenting one asked once, and
examination signs by how far they are expected to move either (:func:`confirming`). The
interview shares :func:`usable_findings` and ranks by its own rules (``interview.selection``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import NamedTuple

from spinetriage.assessment.origin import OriginValues, values_distance, values_of
from spinetriage.engine.network import Network
from spinetriage.engine.reasoner import Reasoning, complaint_of, what_if, what_ifs
from spinetriage.vocab import FindingKind, Status

NEGLIGIBLE_IMPACT = 0.005
"""An answer that could move neither the origin nor the leading condition by half a percentage point is not
suggested: its reason would read "could move ... by up to 0%" (a clinician's critique asked why such items
were listed). Far above the sums' precision (about 1e-11), so which findings are listed does not depend on
how the what-ifs were batched."""
_RAISED = 1.000001
"""A condition counts as raised above its prior when above it by more than one part in a million, far
above the sums' precision (about 1e-11), so that a condition the evidence did not touch is not
'raised' by rounding."""
_RANK_DIGITS = 9
"""Impacts and condition changes are ranked to nine decimals: closer ones are ties (the sums' own
precision is about 1e-11), broken by the identifier rather than by rounding noise."""


class Impact(NamedTuple):
    """One unknown finding's reach; ``present``/``absent`` are the origin values (``ORIGINS`` order) if it were so."""

    finding: str
    impact: float
    condition_change: float
    present: OriginValues
    absent: OriginValues
    p_present: float = 0.5
    lead_change: float = 0.0
    """The larger change, present or absent, of the leading specific condition (:func:`leading_condition`)."""
    lead: str | None = None
    """That condition."""
    expected_reach: float = 0.0
    """How far the answer is expected to move the origin or the leading condition: each answer's larger
    move, weighted by how likely that answer is (:func:`confirming`)."""


def usable_findings(network: Network) -> list[str]:
    """Findings that can change the answer: those the network links, and risk factors with a ratio."""
    kb = network.knowledge
    linked_risk = {f for (_, f) in kb.likelihoods if f in network.risk_factors}
    return [f for f in kb.findings if network.parents.get(f) or f in linked_risk]


def impact_of(reasoning: Reasoning, finding: str) -> Impact:
    return _impact(reasoning, finding, *what_if(reasoning, finding), lead=leading_condition(reasoning))


def leading_condition(reasoning: Reasoning) -> str | None:
    """The most probable condition, other than non-specific back pain (the complaint left unexplained),
    that this patient's findings, age and sex have made more likely than its prior in the setting; None
    when none has. A condition still at its prior is not suspected: hip osteoarthritis at its 5% prior
    led a patient with weak, wasted hands, whose examination list then began with hip rotation."""
    derived = reasoning.network.derived
    priors = reasoning.priors()
    probabilities = reasoning.probabilities
    raised = [c for c, p in probabilities.items() if c != derived and p > priors[c] * _RAISED]
    return max(raised, key=lambda c: (probabilities[c], c)) if raised else None


def _impact(reasoning: Reasoning, finding: str, yes: Reasoning, no: Reasoning, p: float, lead: str | None) -> Impact:
    now = values_of(reasoning.origin)
    if_present, if_absent = values_of(yes.origin), values_of(no.origin)
    change = max(
        max(abs(yes.probabilities[c] - q), abs(no.probabilities[c] - q)) for c, q in reasoning.probabilities.items()
    )
    moved_yes, moved_no = values_distance(now, if_present), values_distance(now, if_absent)
    lead_yes = lead_no = 0.0
    if lead is not None:
        q = reasoning.probabilities[lead]
        lead_yes, lead_no = abs(yes.probabilities[lead] - q), abs(no.probabilities[lead] - q)
    expected = p * max(moved_yes, lead_yes) + (1.0 - p) * max(moved_no, lead_no)
    return Impact(
        finding, max(moved_yes, moved_no), change, if_present, if_absent, p, max(lead_yes, lead_no), lead, expected
    )


def rank_unknown_findings(reasoning: Reasoning, kinds: Collection[FindingKind] | None = None) -> list[Impact]:
    """Every unknown usable finding (of ``kinds``, default all), most impactful first."""
    kb = reasoning.network.knowledge
    evidence = reasoning.patient.evidence
    open_ = [
        f
        for f in usable_findings(reasoning.network)
        if evidence.get(f, Status.UNKNOWN) is Status.UNKNOWN and (kinds is None or kb.findings[f].kind in kinds)
    ]
    lead = leading_condition(reasoning)
    answers = what_ifs(reasoning, open_)
    rows = [_impact(reasoning, f, *answer, lead=lead) for f, answer in zip(open_, answers, strict=True)]
    rows.sort(key=_rank_order)
    return rows


def top_unknown_findings(
    reasoning: Reasoning, limits: Mapping[FindingKind, int], withheld: Collection[str] = ()
) -> dict[FindingKind, list[Impact]]:
    """Per kind, its first ``limit`` findings of :func:`rank_unknown_findings` with an impact above
    :data:`NEGLIGIBLE_IMPACT`, none of ``withheld`` (signs a raised red flag says not to elicit). Examination
    signs are ranked by what they are expected to confirm: the origin or the leading condition, whichever
    each answer would move more (:func:`confirming`). The complaints that would become the presenting one
    are one question, asked last: ranked by how far they move the origin, they headed every list ("Do you
    have pain in your lower back?" first for a patient with weak, wasted hands; a clinician review of 30
    reports found it first in 10)."""
    ranked = [row for row in rank_unknown_findings(reasoning, set(limits)) if row.finding not in withheld]
    kb = reasoning.network.knowledge
    top: dict[FindingKind, list[Impact]] = {kind: [] for kind in limits}
    switching = switching_complaints(reasoning)

    def reach(row: Impact) -> float:
        if kb.findings[row.finding].kind is FindingKind.EXAM:
            return confirming(row)
        return row.lead_change if row.finding in switching else reach_of(row)

    exam = sorted((r for r in ranked if kb.findings[r.finding].kind is FindingKind.EXAM), key=_confirm_order)
    others = sorted(
        (r for r in ranked if kb.findings[r.finding].kind is not FindingKind.EXAM),
        key=lambda r: _rank_order(r, reach(r)),
    )
    open_ = {r.finding for r in others}
    first_switch = next((c for c in switching if c in open_), None)
    for row in [*exam, *others]:
        if row.finding in switching and row.finding != first_switch:
            continue
        kind = kb.findings[row.finding].kind
        if reach(row) > NEGLIGIBLE_IMPACT and len(top[kind]) < limits[kind]:
            top[kind].append(row)
    # "What else brought you?" is asked last: a complaint that would become the presenting one moves the origin
    # all the way (it answers for another complaint), not because it tells this complaint's source
    switch_row = next((r for r in others if r.finding == first_switch), None)
    if switch_row is not None and reach_of(switch_row) > NEGLIGIBLE_IMPACT:
        asked = top[kb.findings[switch_row.finding].kind]
        if switch_row in asked:
            asked.remove(switch_row)
        elif asked and len(asked) >= limits[kb.findings[switch_row.finding].kind]:
            asked.pop()
        asked.append(switch_row)
    return top


def switching_complaints(reasoning: Reasoning) -> tuple[str, ...]:
    """The open complaints that, answered yes, would become the presenting complaint (``complaint_of``),
    in the complaint order.

    Each moves the origin all the way (it answers for another complaint), so ranked by that move they
    filled the list: a patient with neck and radicular arm pain was asked about sciatica, leg pain below
    the knee, claudication and back pain, and about nothing that could tell which condition of the neck
    it is (a clinician review). They are one question, "what else brought you?": the first is asked."""
    network = reasoning.network
    evidence = reasoning.patient.evidence
    return tuple(
        c
        for c in network.complaints
        if evidence.get(c, Status.UNKNOWN) is Status.UNKNOWN
        and complaint_of(network, {**evidence, c: Status.PRESENT}) == c
    )


def confirming(row: Impact) -> float:
    """How far an examination sign is expected to move the origin or the leading condition: what each
    answer would move, weighted by how likely the answer is. Ranked by the origin alone, the
    upper-motor-neuron signs headed every patient's list (they could move the origin a few per cent even
    in sciatica); ranked by the largest move either answer could make, a Babinski sign that a
    45-year-old with sciatica almost surely lacks still came second, after the straight-leg raise (a
    clinician review). A straight-leg raise for a patient whose leading condition is a lumbar
    radiculopathy, or a Hoffmann sign for one whose leading condition is myelopathy, is likely to
    confirm or refute what is suspected."""
    return row.expected_reach


def reach_of(row: Impact) -> float:
    """How far a question's answer could move the origin or the leading condition. By the origin alone, a
    complaint that is the neck's by definition (radicular arm pain) left nothing worth asking: its origin
    is settled whatever the answer, while which condition of the neck it is was still open."""
    return max(row.impact, row.lead_change)


def _reach_order(row: Impact) -> tuple[float, float, str]:
    return _rank_order(row, reach_of(row))


def _confirm_order(row: Impact) -> tuple[float, float, str]:
    return _rank_order(row, confirming(row))


def _rank_order(row: Impact, reach: float | None = None) -> tuple[float, float, str]:
    """Largest ``reach`` first (the impact on the origin unless given), then the largest change of one
    condition, then by identifier."""
    reach = row.impact if reach is None else reach
    return (-round(reach, _RANK_DIGITS), -round(row.condition_change, _RANK_DIGITS), row.finding)
