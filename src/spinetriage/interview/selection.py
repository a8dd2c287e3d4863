"""Which question to ask next, and when no question is worth asking.

What matters is the *decision*: the origin verdict and the urgency. For each
candidate finding (linked to a condition, or read by a validated cluster) the
verdict, the urgency and the origin distribution are recomputed as if it were
present and as if it were absent (the engine's cheap what-if, clusters included),
and each answer is weighted by how likely it is
(:mod:`spinetriage.interview.predictive`). Three numbers follow:

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
from spinetriage.assessment.origin import family_probabilities, origin_from_families, total_variation, verdict
from spinetriage.assessment.red_flags import fired_red_flags
from spinetriage.engine.model import CompiledModel
from spinetriage.engine.posterior import ConditionState, Patient, condition_state, log_odds_both_ways, sigmoid
from spinetriage.interview.predictive import finding_models, p_present
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import FindingKind, Origin, Sex, Status, Urgency

MIN_PROBABILITY = 0.02
MIN_MOVE = 0.02
UNMODELLED_P_PRESENT = 0.5
"""Judgement: a finding read only by a validated cluster (Cook 2011's "leg pain worse than
back pain") has no sensitivity in the knowledge base, so its two answers are weighted equally."""


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
    states: tuple[ConditionState, ...]
    probabilities: tuple[float, ...]
    origin: dict[Origin, float]
    decision: Decision


def evaluate(model: CompiledModel, patient: Patient) -> State:
    states = tuple(condition_state(cm, patient) for cm in model.conditions)
    probabilities = tuple(sigmoid(s.log_odds) for s in states)
    origin, decision = decide(model, patient.evidence, probabilities, age=patient.age, sex=patient.sex)
    return State(patient, states, probabilities, origin, decision)


def decide(
    model: CompiledModel,
    evidence: Mapping[str, Status],
    probabilities: tuple[float, ...],
    *,
    age: int | None = None,
    sex: Sex | None = None,
) -> tuple[dict[Origin, float], Decision]:
    """The origin distribution and the decision (verdict, urgency) for these condition probabilities,
    by the same rules as ``assess`` (the benchmark's alternative ranking rules call it too)."""
    kb = model.knowledge
    by_id = {cm.condition: p for cm, p in zip(model.conditions, probabilities, strict=True)}
    origin = origin_from_families(family_probabilities(kb, by_id))
    urgency, _ = decide_urgency(kb, fired_red_flags(kb, evidence, age=age, sex=sex), by_id)
    return origin, Decision(verdict(origin, kb.threshold("verdict_confident")), urgency)


def candidates(model: CompiledModel, evidence: Mapping[str, Status], kinds: Iterable[FindingKind]) -> list[str]:
    """Findings the model uses, of the allowed kinds, neither answered nor implied; in file order."""
    kb = model.knowledge
    allowed = set(kinds)
    used = model.bearing
    return [f for f, finding in kb.findings.items() if f in used and f not in evidence and finding.kind in allowed]


def score(model: CompiledModel, state: State, finding: str) -> Option:
    """The decision and origin if ``finding`` were present or absent, weighted by their chance."""
    fm = finding_models(model).get(finding)
    p = UNMODELLED_P_PRESENT if fm is None else p_present(fm, state.probabilities)
    if_yes, if_no = list(state.probabilities), list(state.probabilities)
    for index in model.bearing[finding]:
        log_odds_yes, log_odds_no = log_odds_both_ways(
            model.conditions[index], state.states[index], state.patient, finding
        )
        if_yes[index], if_no[index] = sigmoid(log_odds_yes), sigmoid(log_odds_no)
    evidence = state.patient.evidence
    age, sex = state.patient.age, state.patient.sex
    origin_yes, yes = decide(model, {**evidence, finding: Status.PRESENT}, tuple(if_yes), age=age, sex=sex)  # may fire
    origin_no, no = decide(model, evidence, tuple(if_no), age=age, sex=sex)  # an absent finding fires no flag
    tv_yes = total_variation(state.origin, origin_yes)
    tv_no = total_variation(state.origin, origin_no)
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


def rank(model: CompiledModel, state: State, findings: Iterable[str]) -> list[Option]:
    """Candidates best first (see the module docstring for the order)."""
    options = [score(model, state, f) for f in findings]
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
