"""Which question to ask next, and when no question is worth asking.

What matters is the *decision*: the origin verdict and the urgency. For each
candidate finding (linked to a condition, or read by a validated cluster) the
verdict, the urgency and the origin distribution are recomputed as if it were
present and as if it were absent (the engine's exact what-if), and each answer is
weighted by its probability given the answers so far, which the causal network gives
exactly. Three numbers follow:

* ``flip``: the probability that the answer changes the verdict or the urgency,
  the expected change in the decision;
* ``move``: the probability of a *meaningful change*: the decision changes, or the
  origin probabilities move by ``MIN_MOVE`` (2 points of total variation) or more;
* ``shift``: the expected total-variation movement of the origin distribution.

Ranking: a question whose ``flip`` reaches ``MIN_PROBABILITY`` comes first (most
likely to change what the clinician does), then by ``move``, then by ``shift``, then
by identifier. Stopping: when no candidate has a meaningful change with probability
``MIN_PROBABILITY`` or more. Why not ``flip`` alone: at the start most presenters
are confidently lumbar, and no single answer changes that, so a stop on ``flip``
alone would never ask about the hands or gait that reveal cervical myelopathy
(docs/interview.md gives the simulation figures behind this choice).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from spinetriage.assessment import decide_urgency
from spinetriage.assessment.origin import total_variation
from spinetriage.assessment.questions import usable_findings
from spinetriage.assessment.red_flags import fired_red_flags, placed_origin
from spinetriage.engine.network import Network
from spinetriage.engine.reasoner import Patient, Reasoning, reason, room_for, verdict, what_if, what_ifs
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import FindingKind, Origin, Status, Urgency

MIN_PROBABILITY = 0.02
MIN_MOVE = 0.02


@dataclass(frozen=True, slots=True)
class Decision:
    """What the clinician would act on: where the pain comes from and how soon to see the patient."""

    verdict: Origin
    urgency: Urgency


@dataclass(frozen=True, slots=True)
class Option:
    """One candidate question, scored."""

    finding: str
    p_present: float
    flip: float
    move: float
    shift: float
    if_present: Decision
    if_absent: Decision


@dataclass(frozen=True, slots=True)
class State:
    """The reasoning state for the answers so far (known findings only)."""

    patient: Patient
    reasoning: Reasoning
    origin: dict[Origin, float]
    decision: Decision


def evaluate(model: Network, patient: Patient) -> State:
    reasoning = reason(model, patient)
    return State(patient, reasoning, reasoning.origin, decide(model, reasoning))


def decide(model: Network, reasoning: Reasoning) -> Decision:
    """The decision (verdict, urgency) for a reasoning, by the same rules as ``assess``."""
    kb = model.knowledge
    patient = reasoning.patient
    flags = fired_red_flags(kb, patient.evidence, age=patient.age, sex=patient.sex)
    urgency, _ = decide_urgency(kb, flags, reasoning.probabilities, patient.evidence)
    the_verdict = verdict(reasoning, kb.threshold("verdict_confident"), kb.threshold("myelopathy_suspected"))
    placed = placed_origin(kb, the_verdict, [flag for flag, _ in flags], reasoning.probabilities)
    return Decision(the_verdict if placed is None else placed[0], urgency)


def candidates(model: Network, evidence: Mapping[str, Status], kinds: Iterable[FindingKind]) -> list[str]:
    """Findings the network uses, of the allowed kinds, neither answered nor implied, and whose answer
    keeps exact reasoning within its limit (:func:`room_for`); in file order."""
    kb = model.knowledge
    allowed = set(kinds)
    used = set(usable_findings(model))
    return [
        f
        for f, finding in kb.findings.items()
        if f in used and f not in evidence and finding.kind in allowed and room_for(model, evidence, f)
    ]


def score(model: Network, state: State, finding: str) -> Option:
    """The decision and origin if ``finding`` were present or absent, weighted by their probability."""
    return _score(model, state, finding, *what_if(state.reasoning, finding))


def _score(
    model: Network, state: State, finding: str, yes_reasoning: Reasoning, no_reasoning: Reasoning, p: float
) -> Option:
    yes, no = decide(model, yes_reasoning), decide(model, no_reasoning)
    tv_yes = total_variation(state.origin, yes_reasoning.origin)
    tv_no = total_variation(state.origin, no_reasoning.origin)
    changes_yes, changes_no = yes != state.decision, no != state.decision
    return Option(
        finding=finding,
        p_present=p,
        flip=p * changes_yes + (1.0 - p) * changes_no,
        move=p * (changes_yes or tv_yes >= MIN_MOVE) + (1.0 - p) * (changes_no or tv_no >= MIN_MOVE),
        shift=p * tv_yes + (1.0 - p) * tv_no,
        if_present=yes,
        if_absent=no,
    )


def rank(model: Network, state: State, findings: Iterable[str]) -> list[Option]:
    """Candidates best first (see the module docstring for the order)."""
    wanted = list(findings)
    options = [_score(model, state, f, *a) for f, a in zip(wanted, what_ifs(state.reasoning, wanted), strict=True)]
    options.sort(
        key=lambda o: (
            -(round(o.flip, 12) if o.flip >= MIN_PROBABILITY else 0.0),
            -round(o.move, 12),
            -round(o.shift, 12),
            o.finding,
        )
    )
    return options


def settled(options: Iterable[Option]) -> bool:
    """True when no option has a meaningful change with meaningful probability."""
    return all(o.move < MIN_PROBABILITY for o in options)


def textbook_order(kb: KnowledgeBase) -> list[str]:
    """The fixed order of a textbook history then examination: ``findings.yaml`` history items, then exam signs."""
    order = [f for f, x in kb.findings.items() if x.kind is FindingKind.HISTORY]
    return order + [f for f, x in kb.findings.items() if x.kind is FindingKind.EXAM]
