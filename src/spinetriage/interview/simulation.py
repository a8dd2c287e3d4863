"""Run the interview against cases whose findings are known, and compare with full information.

Each case answers a question with the status it knows and "don't know" otherwise;
a grouped screening question (:mod:`spinetriage.interview.screening`) is answered
"yes" when a member is known present, "no" when every member is known absent, and
"don't know" otherwise (its members are then asked one by one). A grouped question
counts as one question.
The interview's final verdict and urgency are compared with ``assess`` on every
finding of the case the interview could have asked in that mode (history in patient
mode, history and examination in clinician mode; imaging and tests are never asked),
with implied findings added the same way.

Cases come from two places:

* the dev vignettes (``tests/data/dev-vignettes.yaml``): history and examination
  findings plus age and sex;
* the causal network itself (:func:`sample_cases`): each condition present with its
  prevalence for the setting, independently; then every finding the network links to a
  condition, drawn from its noisy-OR given the conditions drawn
  (:mod:`spinetriage.engine.sampling`). The implication rules are then enforced (a
  sampled clonus makes the leg reflexes brisk). Findings with no link have no number in
  the knowledge base, so they are left unknown; age and sex are left out for the same
  reason. The same seed gives the same cases.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from spinetriage.assessment import DEFAULT_SETTING, assess, default_model
from spinetriage.case import Case
from spinetriage.documents import load_yaml
from spinetriage.engine.sampling import sample_conditions, sample_findings
from spinetriage.errors import InputError
from spinetriage.interview.engine import (
    KINDS,
    Mode,
    Order,
    Question,
    StopCode,
    apply_answer,
    build_case,
    model_for,
    next_step,
    screening_findings,
)
from spinetriage.interview.implications import Rule, apply_implications, default_rules
from spinetriage.interview.screening import Screening, group_answer, screening_groups
from spinetriage.vocab import Origin, Sex, Status, Urgency

DEFAULT_N = 1000
DEFAULT_SEED = 0


@dataclass(frozen=True, slots=True)
class KnownCase:
    """A case with known findings: what it would answer if asked."""

    id: str
    findings: dict[str, Status]
    age: int | None = None
    sex: Sex | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """One simulated interview against its full-information assessment."""

    case: str
    questions: int
    screening_questions: int
    stop: StopCode
    verdict: Origin
    full_verdict: Origin
    urgency: Urgency
    full_urgency: Urgency

    @property
    def verdict_matches(self) -> bool:
        return self.verdict is self.full_verdict

    @property
    def urgency_matches(self) -> bool:
        return self.urgency is self.full_urgency

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "questions": self.questions,
            "screening_questions": self.screening_questions,
            "stop": self.stop,
            "verdict": self.verdict.value,
            "full_verdict": self.full_verdict.value,
            "verdict_matches": self.verdict_matches,
            "urgency": self.urgency.value,
            "full_urgency": self.full_urgency.value,
            "urgency_matches": self.urgency_matches,
        }


@dataclass(frozen=True, slots=True)
class Summary:
    cases: int
    mean_questions: float
    mean_after_screening: float
    verdict_match: float
    urgency_match: float
    both_match: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def vignette_cases(path: Path) -> list[KnownCase]:
    """The dev vignettes as known cases (their history and examination findings)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError("vignettes", f"cannot read the file ({error.strerror})", "a readable YAML file") from None
    data = load_yaml(text, "vignettes", path.name)
    if not isinstance(data, list):
        raise InputError("vignettes", "expected a list of vignettes", "a YAML list of vignettes")
    kb = default_model().knowledge
    cases = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("findings"), dict):
            raise InputError(f"vignettes[{index}].findings", "missing or not a mapping", "finding: status")
        findings: dict[str, Status] = {}
        for finding, value in item["findings"].items():
            if finding not in kb.findings:
                raise InputError(f"vignettes[{index}].findings.{finding}", "unknown finding identifier")
            try:
                findings[finding] = Status(value)
            except ValueError:
                raise InputError(
                    f"vignettes[{index}].findings.{finding}", "status not in the vocabulary", "present, absent, unknown"
                ) from None
        sex = item.get("sex")
        cases.append(
            KnownCase(
                id=str(item.get("id", f"vignette{index + 1}")),
                findings=findings,
                age=item.get("age"),
                sex=Sex(sex) if sex in {s.value for s in Sex} else None,
            )
        )
    return cases


def sample_cases(n: int = DEFAULT_N, *, seed: int = DEFAULT_SEED, setting: str = DEFAULT_SETTING) -> list[KnownCase]:
    """``n`` cases drawn from the model's priors and likelihoods; the same seed gives the same cases."""
    if n < 0:
        raise InputError("n", "must not be negative", "0 or more")
    model = model_for(setting)
    kb = model.knowledge
    askable = [f for f, x in kb.findings.items() if x.kind in KINDS["clinician"] and model.parents.get(f)]
    rules = default_rules(kb)
    rng = random.Random(seed)
    cases = []
    for number in range(n):
        present = sample_conditions(model, setting, rng)
        drawn = sample_findings(model, present, askable, rng)
        findings = {f: Status.PRESENT if is_present else Status.ABSENT for f, is_present in drawn.items()}
        cases.append(KnownCase(id=f"sample{number + 1:04d}", findings=enforce_implications(findings, rules)))
    return cases


def enforce_implications(findings: Mapping[str, Status], rules: Iterable[Rule]) -> dict[str, Status]:
    """Make a sampled case logically consistent: each rule, in file order, overrides its consequent."""
    out = dict(findings)
    ordered = list(rules)
    for _ in range(len(ordered) + 1):
        changed = False
        for rule in ordered:
            if out.get(rule.when.finding) is rule.when.status and out.get(rule.then.finding) is not rule.then.status:
                out[rule.then.finding] = rule.then.status
                changed = True
        if not changed:
            break
    return out


def full_information(case: KnownCase, mode: Mode, setting: str) -> Case:
    """What the case amounts to when every question the mode allows is answered."""
    kb = default_model().knowledge
    askable = {f: s for f, s in case.findings.items() if kb.findings[f].kind in KINDS[mode]}
    evidence, _ = apply_implications(askable, default_rules(kb))
    return Case(age=case.age, sex=case.sex, setting=setting, findings=evidence)


def case_answer(case: KnownCase, question: Question) -> Status:
    """What ``case`` answers to ``question``: the status it knows (a group's as in the module docstring)."""
    if question.group is not None:
        return group_answer(question.findings, case.findings)
    return case.findings.get(question.finding, Status.UNKNOWN)


def run_case(
    case: KnownCase,
    *,
    mode: Mode = "clinician",
    setting: str = DEFAULT_SETTING,
    max_questions: int | None = None,
    order: Order = "adaptive",
    screening: Screening = "grouped",
) -> Outcome:
    """Interview one case to the end and compare with its full-information assessment."""
    kb = default_model().knowledge
    sex = case.sex.value if case.sex else None
    limit = {} if max_questions is None else {"max_questions": max_questions}
    answers: dict[str, str] = {}
    while True:
        step = next_step(
            answers, mode=mode, age=case.age, sex=sex, setting=setting, order=order, screening=screening, **limit
        )
        if step.question is None:
            break
        answers = apply_answer(step, case_answer(case, step.question), answers)
    assert step.stop is not None
    final = step.assessment or assess(build_case(answers, age=case.age, sex=sex, setting=setting))
    full = assess(full_information(case, mode, setting))
    screened = set(screening_findings(kb)) | set(screening_groups(kb))
    return Outcome(
        case=case.id,
        questions=len(answers),
        screening_questions=sum(1 for f in answers if f in screened),
        stop=step.stop,
        verdict=final.origin.verdict,
        full_verdict=full.origin.verdict,
        urgency=final.urgency,
        full_urgency=full.urgency,
    )


def simulate(
    cases: Iterable[KnownCase],
    *,
    mode: Mode = "clinician",
    setting: str = DEFAULT_SETTING,
    max_questions: int | None = None,
    order: Order = "adaptive",
    screening: Screening = "grouped",
    progress: Callable[[], None] | None = None,
) -> list[Outcome]:
    """Interview every case; ``progress`` is called once per case finished."""
    outcomes = []
    for case in cases:
        outcomes.append(
            run_case(case, mode=mode, setting=setting, max_questions=max_questions, order=order, screening=screening)
        )
        if progress is not None:
            progress()
    return outcomes


def summarize(outcomes: list[Outcome]) -> Summary:
    if not outcomes:
        return Summary(0, 0.0, 0.0, 0.0, 0.0, 0.0)
    n = len(outcomes)
    return Summary(
        cases=n,
        mean_questions=statistics.fmean(o.questions for o in outcomes),
        mean_after_screening=statistics.fmean(o.questions - o.screening_questions for o in outcomes),
        verdict_match=sum(o.verdict_matches for o in outcomes) / n,
        urgency_match=sum(o.urgency_matches for o in outcomes) / n,
        both_match=sum(o.verdict_matches and o.urgency_matches for o in outcomes) / n,
    )
