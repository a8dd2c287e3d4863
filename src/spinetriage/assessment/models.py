"""The assessment contract (docs/architecture.md, "The contracts"): what ``assess`` returns and ``--json`` prints.

Field names here are a public contract; add fields, never rename them.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict

from spinetriage.vocab import Basis, Origin, Urgency


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ContributionOut(_Out):
    finding: str
    status: str
    likelihood_ratio: float
    log_odds: float
    counted: bool
    note: str | None = None
    group: str | None = None
    basis: Basis
    sources: list[str]
    kind: str = "finding"
    """finding, age, sex, or cluster (a validated cluster's own likelihood ratio)."""


NOTHING_BEARS = math.log(1.25)
"""A recorded finding that moves a condition's odds by less than a quarter either way (display only) does not
count as bearing on it when a report says the condition rests on its prior."""


class ConditionOut(_Out):
    id: str
    label: str
    prior: float
    probability: float
    contributions: list[ContributionOut]

    def rests_on_prior(self) -> bool:
        """Nothing recorded bears on the condition: its probability is the setting's prior, moved at most by age
        and sex. A report says so, lest a prior read as a differential: lumbar radiculopathy at the spine
        clinic's 25% in a patient with arm pain alone (a clinician's critique). Only for an explained
        assessment (a screening one carries no contributions)."""
        if any(c.kind == "finding" and abs(c.log_odds) >= NOTHING_BEARS for c in self.contributions):
            return False
        # findings that each say little may still move it together, or through another condition (tandem
        # stenosis rising with myelopathy): it rests on its prior only if it stayed there (a blind review)
        demographic = sum(c.log_odds for c in self.contributions if c.kind in ("age", "sex"))
        return abs(logit(self.probability) - logit(self.prior) - demographic) < NOTHING_BEARS


def logit(p: float) -> float:
    """Log-odds of a probability, held inside (0, 1) so that a certainty is a large number, not an error."""
    q = min(max(p, 1e-12), 1.0 - 1e-12)
    return math.log(q / (1.0 - q))


class OriginOut(_Out):
    verdict: Origin
    probabilities: dict[str, float]
    explanation: str
    complaint: str | None = None
    """The presenting complaint the origin attributes: low back pain when stated, else the leg, gait or
    arm complaint that brought the patient, else back pain taken as present (docs/reasoning.md)."""
    sources: dict[str, float] = {}
    """P(each family of sources is among those that produced the complaint): cervical, lumbar,
    mechanical, serious, other, unexplained."""
    decided_by: str | None = None
    """Another complaint whose source named the verdict, when the back pain has no specific source (or,
    for ``both``, a lumbar one) and that complaint comes from the neck or from outside the neck and the
    lower back; the probabilities stay those of ``complaint`` (docs/reasoning.md)."""
    placed_by: list[str] = []
    """Raised red flags whose own findings set the verdict against the probabilities' (a cord compressed on
    imaging, motor neuron disease; or a cord lesion of unknown level beside a lumbar verdict); the
    probabilities stay those of ``complaint`` (``red_flags.yaml: origin``)."""


class RedFlagOut(_Out):
    id: str
    label: str
    condition: str
    urgency: Urgency
    findings: list[str]
    action: str
    sources: list[str]


class RecommendationOut(_Out):
    id: str
    label: str
    detail: str
    kind: str
    reason: str
    sources: list[str]


class QuestionOut(_Out):
    finding: str
    label: str
    question: str | None
    elicitation: str | None
    impact: float
    """How far the answer could move the origin probabilities (total variation, either answer)."""
    reason: str = ""
    """Why it is worth asking: the origin, or the leading condition when the answer could move that more."""
    if_present: dict[str, float]
    if_absent: dict[str, float]


class ScreenOut(_Out):
    """A red-flag question not yet answered whose yes could still raise a flag."""

    finding: str
    label: str
    question: str | None
    flags: list[str]
    """The red flags (ids) the answer bears on."""


class RecordedOut(_Out):
    """A finding entered with the case that no probability counts (``recorded_only.yaml``), with the reason."""

    finding: str
    label: str
    status: str
    reason: str


class ReferenceOut(_Out):
    id: str
    citation: str
    seen: str


class TextFindingOut(_Out):
    finding: str
    status: str
    quote: str
    start: int
    end: int
    section: str


class ConflictOut(_Out):
    finding: str
    structured: str
    text: str
    used: str


class ClusterOut(_Out):
    """A validated cluster read from the findings, and whether the engine used it."""

    instrument: str
    name: str
    condition: str
    status: Literal["applied", "not_applied", "not_scored"]
    count: int | None
    of: int
    band: str | None
    likelihood_ratio: float | None
    published: bool | None
    unknown_items: list[str]
    known_signs: int
    """How many of its non-age items are known (present or absent)."""
    explanation: str
    sources: list[str]


class InstrumentOut(_Out):
    """An instrument entered with the case, as scored."""

    key: str
    instrument: str
    name: str
    previous: bool
    date: str | None
    total: int
    band: str | None
    band_label: str | None
    interpretation: str
    items: dict[str, int | None]
    sources: list[str]


class SeverityOut(_Out):
    """The myelopathy grade from the case's mJOA (or P-mJOA) and what it directs."""

    instrument: str
    score: int
    grade: str
    label: str
    date: str | None
    directs_treatment: bool
    explanation: str
    sources: list[str]


class ChangeOut(_Out):
    """Two mJOA scores of the same patient compared with the MCID."""

    instrument: str
    before: int
    after: int
    before_date: str | None
    after_date: str | None
    difference: int
    direction: str
    mcid: int
    clinically_important: bool
    worsened: bool
    urgency: Urgency | None
    rule: str | None
    explanation: str
    sources: list[str]


class Assessment(_Out):
    knowledge_version: str
    engine_version: str
    setting: str
    age: int | None
    sex: str | None
    origin: OriginOut
    conditions: list[ConditionOut]
    red_flags: list[RedFlagOut]
    urgency: Urgency
    urgency_reason: str
    urgency_provisional: bool = False
    """True while a red-flag question not yet answered could raise the urgency: the grade holds only if each is
    answered no (NICE NG59 and ACP/APS 2007 screen every presenter before grading)."""
    workup: list[RecommendationOut]
    treatment: list[RecommendationOut]
    next_questions: list[QuestionOut]
    findings_used: dict[str, str]
    recorded_only: list[RecordedOut] = []
    """Findings entered that change no probability, each with why (they may still drive a red flag or a
    recommendation): a clinician reading the report asked where an entered finding had gone."""
    red_flag_screen: list[ScreenOut] = []
    """Red-flag questions still open, in the order the rules of ``red_flags.yaml`` first ask them: the screen
    the guidelines ask of every presenter, apart from what could move the probabilities (``next_questions``)."""
    from_text: list[TextFindingOut] = []
    conflicts: list[ConflictOut] = []
    references: list[ReferenceOut]
    disclaimer: str
    clusters: list[ClusterOut] = []
    instruments: list[InstrumentOut] = []
    severity: SeverityOut | None = None
    mjoa_change: ChangeOut | None = None
    explained_by: dict[str, dict[str, float]] = {}
    """For every present finding: P(each family of sources produced it), with 'unexplained'."""
    explained: bool = True
    """False for an assessment made without its explanations (population screening): then the
    conditions carry no contributions, ``explained_by``, ``next_questions`` and ``red_flag_screen`` are empty and the
    work-up lists no examination items. Everything else is the same."""

    def flagged_conditions(self) -> set[str]:
        """Conditions a raised red flag names: the flag's rule decides for them, not their probability
        among all presenters (the result page and the CLI report mark them)."""
        return {flag.condition for flag in self.red_flags}

    def conditions_flagged_first(self) -> list[ConditionOut]:
        """The conditions as a report lists them: those a raised red flag names first, then the rest,
        each part by probability. Serious pathology leads the answer whatever the probabilities say
        (the design contract): a spinal infection reported on imaging stood seventh at 0.5%, under non-specific
        back pain at 91%, beneath its own emergency flag (clinician review). ``conditions`` itself
        stays in probability order."""
        flagged = self.flagged_conditions()
        return sorted(self.conditions, key=lambda c: c.id not in flagged)

    def complaint_assumed(self) -> bool:
        """No complaint is recorded: back pain is assumed for the probabilities (the setting's population) and
        the origin is not named. A report then leaves out the origin's shares, which are the assumption's: a
        clinician read "lumbar 99%" and non-specific back pain 75% in a patient with no back pain recorded."""
        complaint = self.origin.complaint
        return complaint is not None and self.findings_used.get(complaint) != "present"

    def shown_as_prior_only(self, condition: ConditionOut) -> bool:
        """Whether a report marks the condition "prior only": not named by a raised flag, and nothing recorded
        bears on it (:meth:`ConditionOut.rests_on_prior`; an assessment without explanations cannot say)."""
        return self.explained and condition.id not in self.flagged_conditions() and condition.rests_on_prior()
