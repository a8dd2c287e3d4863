"""The stateless interview: answers so far in, the next question (or the end) out.

Order of questions:

1. Red-flag screening. Every history finding named in a red-flag clause is asked
   first, in the order of ``red_flags.yaml``. A clause's findings are skipped once
   the flag can no longer fire (an earlier clause of that flag has every finding
   answered and none present) or the clause is already satisfied by a present
   finding: their answers could not change whether that flag fires. Screening is
   a safety step, so it is always completed and is not counted against
   ``max_questions``.
2. Then, by impact: the unanswered finding whose answer could move the origin
   distribution most (:func:`rank_unknown_findings`, the engine's own ranking),
   restricted to history items in patient mode and history plus exam signs in
   clinician mode.

Stopping (judgement): the interview stops when ``max_questions`` impact-chosen
questions have been asked, when no candidate is left, or when the best remaining
answer could move the origin probabilities by less than ``MIN_IMPACT`` (2
percentage points of total variation). Two points is below the resolution at which
the report's percentages and the verdict threshold are meaningful, so such a
question is not worth a patient's or clinician's time.

``unknown`` ("don't know") counts as asked: it is never asked again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from spinetriage.assessment.assess import DEFAULT_SETTING, assess, default_model
from spinetriage.assessment.models import Assessment
from spinetriage.assessment.questions import rank_unknown_findings
from spinetriage.assessment.red_flags import fired_red_flags
from spinetriage.case import Case
from spinetriage.engine.posterior import Patient, condition_state, explain
from spinetriage.errors import InputError
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import FindingKind, Sex, Status, Urgency

Mode = Literal["patient", "clinician"]
MIN_IMPACT = 0.02
DEFAULT_MAX_QUESTIONS = 15
KINDS: dict[str, frozenset[FindingKind]] = {
    "patient": frozenset({FindingKind.HISTORY}),
    "clinician": frozenset({FindingKind.HISTORY, FindingKind.EXAM}),
}
URGENT_ADVICE = {
    Urgency.EMERGENCY: (
        "One of your answers can be a sign of a serious problem. Please get medical help now: "
        "go to an emergency department or call emergency services today."
    ),
    Urgency.URGENT: (
        "One of your answers means a doctor should see you soon. Please contact a doctor today, "
        "or go to urgent care if you cannot reach one."
    ),
}


@dataclass(frozen=True, slots=True)
class Question:
    finding: str
    text: str
    reason: str
    red_flag_screening: bool


@dataclass(frozen=True, slots=True)
class Step:
    question: Question | None
    done: bool
    stop_reason: str
    asked: int
    urgent_advice: str | None = None
    assessment: Assessment | None = None


def red_flag_screening(kb: KnowledgeBase) -> list[str]:
    """History findings named in red-flag clauses, in file order, each once."""
    seen: list[str] = []
    for flag in kb.red_flags.values():
        for clause in flag.when:
            for finding in clause.any_present:
                if finding not in seen and kb.findings[finding].kind is FindingKind.HISTORY:
                    seen.append(finding)
    return seen


def _screening_needed(kb: KnowledgeBase, answers: Mapping[str, Status]) -> list[tuple[str, str]]:
    """Unanswered screening findings whose answer could still decide a flag, with that flag."""
    needed: list[tuple[str, str]] = []
    listed: set[str] = set()
    for flag in kb.red_flags.values():
        for clause in flag.when:
            if any(answers.get(f) is Status.PRESENT for f in clause.any_present):
                continue
            history = [f for f in clause.any_present if kb.findings[f].kind is FindingKind.HISTORY]
            open_ = [f for f in history if f not in answers]
            for finding in open_:
                if finding not in listed:
                    listed.add(finding)
                    needed.append((finding, flag.label))
            if not open_ and len(history) == len(clause.any_present):
                break  # this clause can no longer be met, so the flag cannot fire
    order = {f: i for i, f in enumerate(red_flag_screening(kb))}
    needed.sort(key=lambda item: order[item[0]])
    return needed


def _question_text(kb: KnowledgeBase, finding: str, mode: Mode) -> str:
    f = kb.findings[finding]
    if mode == "patient":
        return f.patient_question or f.label
    how = f.elicitation or f.patient_question
    return f"{f.label}: {how}" if how else f.label


def urgent_advice(kb: KnowledgeBase, answers: Mapping[str, Status]) -> str | None:
    """General advice to seek care when an answer fires a red flag; no diagnosis."""
    flags = fired_red_flags(kb, answers)
    if not flags:
        return None
    return URGENT_ADVICE.get(flags[0][0].urgency, URGENT_ADVICE[Urgency.URGENT])


def parse_answers(kb: KnowledgeBase, answers: Mapping[str, str | Status]) -> dict[str, Status]:
    parsed: dict[str, Status] = {}
    for finding, value in answers.items():
        if finding not in kb.findings:
            raise InputError(f"answers.{finding}", "unknown finding identifier")
        try:
            parsed[finding] = Status(value)
        except ValueError:
            raise InputError(f"answers.{finding}", "status not in the vocabulary", "present, absent, unknown") from None
    return parsed


def build_case(
    answers: Mapping[str, str | Status],
    *,
    age: int | None = None,
    sex: str | None = None,
    setting: str = DEFAULT_SETTING,
) -> Case:
    """The case an interview's answers amount to (what ``--save`` writes)."""
    kb = default_model().knowledge
    return Case(
        age=age,
        sex=Sex(sex) if sex is not None else None,
        setting=setting,
        findings=parse_answers(kb, answers),
    )


def next_step(
    answers: Mapping[str, str],
    *,
    mode: Mode,
    age: int | None = None,
    sex: str | None = None,
    setting: str = DEFAULT_SETTING,
    max_questions: int = DEFAULT_MAX_QUESTIONS,
) -> Step:
    """The next question given the answers so far, or the end with the reason it stopped."""
    if mode not in KINDS:
        raise InputError("mode", f"unknown mode '{mode}'", "patient, clinician")
    model = default_model()
    kb = model.knowledge
    if setting not in kb.settings:
        raise InputError("setting", f"unknown setting '{setting}'", ", ".join(kb.settings))
    given = parse_answers(kb, answers)
    advice = urgent_advice(kb, given) if mode == "patient" else None
    screening = set(red_flag_screening(kb))
    asked_by_impact = sum(1 for f in given if f not in screening)

    def step(question: Question | None, reason: str) -> Step:
        assessment = None
        if question is None and mode == "clinician":
            assessment = assess(build_case(given, age=age, sex=sex, setting=setting))
        return Step(question, question is None, reason, len(given), advice, assessment)

    needed = _screening_needed(kb, given)
    if needed:
        finding, flag = needed[0]
        reason = f"red-flag screening ({flag})"
        return step(Question(finding, _question_text(kb, finding, mode), reason, True), "")

    if asked_by_impact >= max_questions:
        return step(None, f"question limit reached ({max_questions} questions after red-flag screening)")
    known = {f: s for f, s in given.items() if s is not Status.UNKNOWN}
    patient = Patient(evidence=known, setting=setting, age=age, sex=Sex(sex) if sex is not None else None)
    probabilities = {cm.condition: explain(model, cm, patient).probability for cm in model.conditions}
    states = tuple(condition_state(cm, patient) for cm in model.conditions)
    kinds = KINDS[mode]
    candidates = [
        imp
        for imp in rank_unknown_findings(model, patient, states, probabilities)
        if imp.finding not in given and kb.findings[imp.finding].kind in kinds
    ]
    if not candidates:
        return step(None, "no question left to ask")
    best = candidates[0]
    if best.impact < MIN_IMPACT:
        return step(
            None,
            f"no remaining question could move the origin probabilities by {MIN_IMPACT:.0%} or more "
            f"(best: {best.finding}, {best.impact:.1%})",
        )
    reason = f"could move the origin probabilities by up to {best.impact:.0%}"
    return step(Question(best.finding, _question_text(kb, best.finding, mode), reason, False), "")
