"""The stateless interview: answers so far in, the next question (or the end) out.

Order of questions:

1. Red-flag screening. Every history finding named in a red-flag clause is asked
   first, in the order of ``red_flags.yaml``. A clause's findings are skipped once
   the flag can no longer fire (an earlier clause of that flag has every finding
   answered and none present) or the clause is already satisfied by a present
   finding: their answers could not change whether that flag fires. Screening is
   a safety step, so it is always completed and is not counted against
   ``max_questions``. By default (``screening="grouped"``) a clause with two or more
   open findings is asked as one grouped question whose answer key is the group's
   (:mod:`spinetriage.interview.screening`): "no" settles them all absent, "yes" or
   "don't know" asks each in turn. ``screening="single"`` asks each finding on its own.
2. Then the question most likely to change the decision (origin verdict or urgency),
   then most likely to move the origin probabilities meaningfully
   (:mod:`spinetriage.interview.selection`), restricted to history items in patient
   mode and history plus exam signs in clinician mode.

Answers settle other findings through the implication rules
(:mod:`spinetriage.interview.implications`); settled findings are applied to the
evidence, reported in ``Step.implied`` and never asked.

Stopping: at ``max_questions`` questions after screening, when no candidate is left,
or when no remaining question has a 2% chance (``MIN_PROBABILITY``) of changing the
verdict or the urgency or of moving the origin probabilities by 2 points
(``MIN_MOVE``). ``stop`` says which, in a closed vocabulary; ``stop_reason`` says it
in words (in patient mode without any diagnosis or probability). ``unknown`` ("don't know")
counts as asked: it is never asked again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from spinetriage.assessment import DEFAULT_SETTING, assess, default_model
from spinetriage.assessment.models import Assessment
from spinetriage.assessment.origin import region_shares
from spinetriage.assessment.red_flags import fired_red_flags
from spinetriage.case import Case
from spinetriage.engine.network import Network
from spinetriage.engine.reasoner import ORIGINS, Patient, outside_neck_and_back
from spinetriage.errors import InputError
from spinetriage.interview.implications import Implied, apply_implications, default_rules
from spinetriage.interview.screening import (
    CLINICIAN_NOTE,
    Screening,
    asked_of_everyone,
    clause_id,
    group_text,
    screening_groups,
    settle_groups,
)
from spinetriage.interview.selection import (
    MIN_MOVE,
    MIN_PROBABILITY,
    Option,
    candidates,
    evaluate,
    rank,
    settled,
    textbook_order,
)
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.vocab import FindingKind, Origin, Sex, Status, Urgency

Mode = Literal["patient", "clinician"]
Order = Literal["adaptive", "textbook"]
StopCode = Literal["question_limit", "no_question_left", "verdict_confident", "nothing_to_change"]
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
PATIENT_SCREENING_REASON = "asked of everyone, to check for signs that need care quickly"
PATIENT_EVERYONE_REASON = "asked of everyone: your answer helps find where your pain comes from"
PATIENT_REASON = "your answer helps decide what care is right for you"
PATIENT_STOP = {
    "question_limit": "that is all the questions for now",
    "no_question_left": "there are no more questions",
    "verdict_confident": "your answers are enough for your clinician to decide what comes next",
    "nothing_to_change": "your answers are enough for your clinician to decide what comes next",
}


@dataclass(frozen=True, slots=True)
class Question:
    """What to ask. ``finding`` is the answer's key: a finding, or for a grouped screening
    question the group's key (``group``), whose member findings are ``findings``."""

    finding: str
    text: str
    reason: str
    red_flag_screening: bool
    findings: tuple[str, ...] = ()
    group: str | None = None
    kind: Literal["ask", "examine"] = "ask"
    """``examine``: an examination sign for the clinician to perform and record, not a question."""

    def __post_init__(self) -> None:
        if not self.findings:
            object.__setattr__(self, "findings", (self.finding,))


@dataclass(frozen=True, slots=True)
class Step:
    """One turn of the interview. ``to_dict()`` gives the JSON form an HTTP endpoint returns."""

    question: Question | None
    done: bool
    stop_reason: str
    asked: int
    urgent_advice: str | None = None
    assessment: Assessment | None = None
    stop: StopCode | None = None
    implied: tuple[Implied, ...] = field(default=())
    examine_next: tuple[Question, ...] = field(default=())
    """Clinician mode: examination signs not yet recorded that are worth doing now, best first.
    They are offered beside the history questions, not asked; once the history is settled the
    best of them becomes the step (``kind="examine"``) so that its result can be recorded."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": asdict(self.question) if self.question else None,
            "done": self.done,
            "stop": self.stop,
            "stop_reason": self.stop_reason,
            "asked": self.asked,
            "urgent_advice": self.urgent_advice,
            "implied": [
                {"finding": i.finding, "status": i.status.value, "because": i.because, "reason": i.reason}
                for i in self.implied
            ],
            "examine_next": [asdict(q) for q in self.examine_next],
            "assessment": self.assessment.model_dump(mode="json") if self.assessment else None,
        }


def red_flag_screening(kb: KnowledgeBase) -> list[str]:
    """History findings named in red-flag clauses, in file order, each once. A clause that names only
    imaging or tests is never asked, so the clauses after it are not screened (as :func:`_screening_needed`
    reads them): that flag waits for the imaging."""
    seen: list[str] = []
    for flag in kb.red_flags.values():
        for clause in flag.when:
            kinds = {kb.findings[f].kind for f in clause.any_present}
            if clause.any_present and not kinds & {FindingKind.HISTORY, FindingKind.EXAM}:
                break
            for finding in clause.any_present:
                if finding not in seen and kb.findings[finding].kind is FindingKind.HISTORY:
                    seen.append(finding)
    return seen


def screening_findings(kb: KnowledgeBase) -> list[str]:
    """Every finding screened before the adaptive questions: the red flags', then those of the
    groups asked of everyone (:func:`spinetriage.interview.screening.asked_of_everyone`)."""
    seen = red_flag_screening(kb)
    for group in asked_of_everyone(kb):
        seen.extend(f for f in group.members if f not in seen)
    return seen


@dataclass(frozen=True, slots=True)
class _Needed:
    """A clause still to screen: its key, its flag's label and its open findings not listed earlier."""

    clause: str
    flag: str
    findings: tuple[str, ...]


def _screening_needed(kb: KnowledgeBase, answers: Mapping[str, Status]) -> list[_Needed]:
    """Clauses with unanswered findings whose answers could still decide a flag, in file order."""
    needed: list[_Needed] = []
    listed: set[str] = set()
    for flag in kb.red_flags.values():
        for index, clause in enumerate(flag.when):
            if any(answers.get(f) is Status.PRESENT for f in clause.any_present):
                continue
            history = [f for f in clause.any_present if kb.findings[f].kind is FindingKind.HISTORY]
            open_ = [f for f in history if f not in answers]
            new = tuple(f for f in open_ if f not in listed)
            listed.update(new)
            if new:
                needed.append(_Needed(clause_id(flag.id, index), flag.label, new))
            if not open_ and not any(kb.findings[f].kind is FindingKind.EXAM for f in clause.any_present):
                # Its history findings are answered and none is present, and no examination sign may still
                # be found (imaging and tests are never asked): the clause, and so the flag, cannot fire.
                break
    for group in asked_of_everyone(kb):
        if any(answers.get(f) is Status.PRESENT for f in group.members):
            continue  # a "yes" was followed up; a grouped "no" has settled every member already
        new = tuple(f for f in group.members if f not in answers and f not in listed)
        listed.update(new)
        if new:
            needed.append(_Needed(group.id, group.flag, new))
    return needed


def _single_order(kb: KnowledgeBase, needed: list[_Needed]) -> list[tuple[str, _Needed]]:
    """One finding at a time, in the order each is first named in ``red_flags.yaml`` (then the
    groups asked of everyone)."""
    order = {f: i for i, f in enumerate(screening_findings(kb))}
    return sorted(((f, n) for n in needed for f in n.findings), key=lambda item: order[item[0]])


def _screening_reason(kb: KnowledgeBase, needed: _Needed, mode: Mode, grouped: bool) -> str:
    group = screening_groups(kb).get(needed.clause)
    if group is not None and not group.red_flag:
        if mode == "patient":
            return PATIENT_EVERYONE_REASON
        return f"asked of everyone ({needed.flag.lower()}: does the pain come from the neck?)"
    if mode == "patient":
        return PATIENT_SCREENING_REASON
    return f"red-flag screening ({needed.flag}; {CLINICIAN_NOTE})" if grouped else f"red-flag screening ({needed.flag})"


def question_text(kb: KnowledgeBase, key: str, mode: Mode) -> str:
    """The words of the question answered under ``key`` (a finding or a screening group)."""
    groups = screening_groups(kb)
    if key in groups:
        return group_text(kb, groups[key].members, mode)
    return _question_text(kb, key, mode)


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
    """Every answer checked: a finding or a screening group's key, and a status."""
    groups = screening_groups(kb)
    parsed: dict[str, Status] = {}
    for finding, value in answers.items():
        if finding not in kb.findings and finding not in groups:
            raise InputError(f"answers.{_bounded(finding)}", "unknown finding identifier")
        try:
            parsed[finding] = Status(value)
        except ValueError:
            raise InputError(f"answers.{finding}", "status not in the vocabulary", "present, absent, unknown") from None
    return parsed


def _settle(
    kb: KnowledgeBase, parsed: Mapping[str, Status]
) -> tuple[dict[str, Status], dict[str, Status], list[Implied]]:
    """The findings given (grouped "no" answers spread over their open members), the evidence with
    every implied finding added, and the implied findings on their own."""
    groups = screening_groups(kb)
    rules = default_rules(kb)
    given = {f: s for f, s in parsed.items() if f not in groups}
    evidence, implied = apply_implications(given, rules)
    spread = settle_groups(evidence, {g: s for g, s in parsed.items() if g in groups}, groups)
    if spread:
        given = {**given, **spread}
        evidence, implied = apply_implications(given, rules)
    return given, evidence, implied


def apply_answer(asked: Step | Question, status: str | Status, answers: Mapping[str, str | Status]) -> dict[str, str]:
    """The answers with ``status`` given to the question ``asked`` (the one every caller uses).

    The answer is stored under the question's key, last, so "go back" (drop the last answer)
    undoes it whole: for a grouped screening question a "no" settles all its members absent
    and going back un-settles them all.
    """
    question = asked.question if isinstance(asked, Step) else asked
    if question is None:
        raise InputError("question", "the interview has ended, so there is no question to answer")
    try:
        value = Status(status)
    except ValueError:
        raise InputError("answer", "status not in the vocabulary", "present, absent, unknown") from None
    out = {k: v.value if isinstance(v, Status) else v for k, v in answers.items() if k != question.finding}
    out[question.finding] = value.value
    return out


def _bounded(key: str, limit: int = 60) -> str:
    """An unknown key, as far as an error may name it: printable and short (it came from the caller)."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in key)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def settled_answers(kb: KnowledgeBase, answers: Mapping[str, str | Status]) -> tuple[dict[str, Status], list[Implied]]:
    """The answers with every finding they imply added, and the implied findings on their own."""
    _, evidence, implied = _settle(kb, parse_answers(kb, answers))
    return evidence, implied


def build_case(
    answers: Mapping[str, str | Status],
    *,
    age: int | None = None,
    sex: str | None = None,
    setting: str = DEFAULT_SETTING,
) -> Case:
    """The case an interview's answers amount to, implied findings included (what ``--save`` writes)."""
    kb = default_model().knowledge
    evidence, _ = settled_answers(kb, answers)
    return Case(age=age, sex=_sex(sex), setting=setting, findings=evidence)


def _sex(sex: str | None) -> Sex | None:
    if sex is None:
        return None
    try:
        return Sex(sex)
    except ValueError:
        raise InputError("sex", "unknown sex", ", ".join(s.value for s in Sex)) from None


def model_for(setting: str) -> Network:
    """The compiled model, once ``setting`` is known to be one of its pre-test populations."""
    model = default_model()
    if setting not in model.knowledge.settings:
        raise InputError("setting", "unknown setting", ", ".join(model.knowledge.settings))
    return model


def next_step(
    answers: Mapping[str, str],
    *,
    mode: Mode,
    age: int | None = None,
    sex: str | None = None,
    setting: str = DEFAULT_SETTING,
    max_questions: int = DEFAULT_MAX_QUESTIONS,
    order: Order = "adaptive",
    screening: Screening = "grouped",
) -> Step:
    """The next question given the answers so far, or the end with the reason it stopped.

    ``answers`` maps finding identifiers (or a grouped question's key) to ``present``,
    ``absent`` or ``unknown``; :func:`apply_answer` adds one.
    ``order="textbook"`` asks in the fixed textbook order instead (for comparison only);
    ``screening="single"`` screens one finding per question.
    """
    if mode not in KINDS:
        raise InputError("mode", "unknown mode", "patient, clinician")
    if order not in ("adaptive", "textbook"):
        raise InputError("order", "unknown order", "adaptive, textbook")
    if screening not in ("grouped", "single"):
        raise InputError("screening", "unknown screening", "grouped, single")
    if max_questions < 0:
        raise InputError("max_questions", "must not be negative", "0 or more")
    model = model_for(setting)
    kb = model.knowledge
    patient_sex = _sex(sex)
    parsed = parse_answers(kb, answers)
    _, evidence, implied = _settle(kb, parsed)
    advice = urgent_advice(kb, evidence) if mode == "patient" else None
    screened = set(screening_findings(kb))
    groups = screening_groups(kb)
    asked_by_choice = sum(1 for f in parsed if f not in screened and f not in groups)

    def ask(finding: str, reason: str, screening_question: bool) -> Step:
        question = Question(finding, _question_text(kb, finding, mode), reason, screening_question)
        return Step(question, False, "", len(parsed), advice, None, None, tuple(implied))

    def stop(code: StopCode, reason: str) -> Step:
        assessment = None
        if mode == "clinician":
            assessment = assess(Case(age=age, sex=patient_sex, setting=setting, findings=evidence))
        text = PATIENT_STOP[code] if mode == "patient" else reason
        return Step(None, True, text, len(parsed), advice, assessment, code, tuple(implied))

    complaint = model.complaints[0]
    if mode == "clinician" and complaint not in evidence:
        return ask(complaint, "the presenting complaint comes first: what brought the patient", False)

    needed = _screening_needed(kb, evidence)
    if needed:
        if screening == "single":
            finding, first = _single_order(kb, needed)[0]
        else:
            first = needed[0]
            finding = first.findings[0]
            if len(first.findings) > 1 and first.clause in groups and first.clause not in parsed:
                reason = _screening_reason(kb, first, mode, grouped=True)
                text = group_text(kb, first.findings, mode)
                question = Question(first.clause, text, reason, True, first.findings, first.clause)
                return Step(question, False, "", len(parsed), advice, None, None, tuple(implied))
        return ask(finding, _screening_reason(kb, first, mode, grouped=False), True)

    if asked_by_choice >= max_questions:
        return stop("question_limit", f"question limit reached ({max_questions} questions after red-flag screening)")
    known = {f: s for f, s in evidence.items() if s is not Status.UNKNOWN}
    state = evaluate(model, Patient(evidence=known, setting=setting, age=age, sex=patient_sex))
    open_ = candidates(model, evidence, KINDS[mode])
    if not open_:
        return stop("no_question_left", "no question left to ask")
    examine: tuple[Question, ...] = ()
    if mode == "clinician" and order == "adaptive":
        # History before examination: exam signs are offered as "examine next" beside the history
        # questions, and become the step only once no history question is worth asking.
        history = [f for f in open_ if kb.findings[f].kind is FindingKind.HISTORY]
        exam = [f for f in open_ if kb.findings[f].kind is FindingKind.EXAM]
        exam_worth = [o for o in rank(model, state, exam) if _worth(o)]
        examine = tuple(_examine(kb, o) for o in exam_worth[:EXAMINE_NEXT])
        options = rank(model, state, history)
        if settled(options):
            options = exam_worth
    else:
        options = rank(model, state, open_)
    if settled(options):
        return replace(stop(*_settled_reason(kb, state.origin, state.decision.verdict)), examine_next=examine)
    if order == "textbook":
        position = {f: i for i, f in enumerate(textbook_order(kb))}
        best = min(options, key=lambda o: position[o.finding])
    else:
        best = options[0]
    if mode == "clinician" and kb.findings[best.finding].kind is FindingKind.EXAM and order == "adaptive":
        question = next(q for q in examine if q.finding == best.finding)
        return Step(question, False, "", len(parsed), advice, None, None, tuple(implied), examine)
    reason = PATIENT_REASON if mode == "patient" else _option_reason(best)
    return replace(ask(best.finding, reason, False), examine_next=examine)


EXAMINE_NEXT = 5
"""How many examination signs the clinician is offered at a time."""


def _worth(option: Option) -> bool:
    """Whether recording this sign has a meaningful chance of mattering (as :func:`settled` reads it)."""
    return option.move >= MIN_PROBABILITY


def _option_reason(option: Option) -> str:
    if option.flip >= MIN_PROBABILITY:
        return f"{option.flip:.0%} chance that the answer changes the verdict or the urgency"
    return f"{option.move:.0%} chance that the answer moves the origin probabilities by {_points(MIN_MOVE)} or more"


def _examine(kb: KnowledgeBase, option: Option) -> Question:
    finding = kb.findings[option.finding]
    how = f": {finding.elicitation}" if finding.elicitation else ""
    text = f"Examine {finding.label.lower()}{how}"
    return Question(option.finding, text, _option_reason(option), False, kind="examine")


def _points(fraction: float) -> str:
    return f"{fraction * 100:g} points"


def _settled_reason(kb: KnowledgeBase, origin: Mapping[Origin, float], verdict: Origin) -> tuple[StopCode, str]:
    rest = (
        f"no remaining question has a {MIN_PROBABILITY:.0%} chance of changing it or the urgency "
        f"or of moving the origin probabilities by {_points(MIN_MOVE)} or more"
    )
    threshold = kb.threshold("verdict_confident")
    if verdict is Origin.UNDETERMINED:
        return "nothing_to_change", f"no origin reaches {threshold:.0%}, and {rest}"
    leading = max(ORIGINS[:4], key=lambda o: origin[o])
    if verdict is Origin.BOTH and leading is not Origin.BOTH:  # each region a likely source (reasoner.verdict)
        neck, back = region_shares(origin)
        share = f"both: the neck among the sources {neck:.0%}, the lower back {back:.0%}"
    elif verdict is Origin.OTHER and origin[verdict] < threshold:  # neck and back explain little (reasoner.verdict)
        share = f"other: beyond the neck and the lower back {outside_neck_and_back(origin):.0%}"
    else:
        share = f"{verdict.value} {origin[verdict]:.0%}"
    return "verdict_confident", f"the verdict is confident ({share}) and {rest}"
