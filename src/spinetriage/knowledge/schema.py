"""Schema of the knowledge files: shape here, meaning in ``validate``.

Every model forbids unknown keys, so a misspelt field fails at load. Numbers carry
their sources and a basis (reported / calculated / judgement); a judgement must say
why. Cross-file checks (references resolve, identifiers exist, likelihood ratios are
coherent) live in :mod:`spinetriage.knowledge.validate` and report every problem at
once.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from spinetriage.vocab import Basis, ExamSection, FindingKind, Origin, OriginFamily, Region, Sex, Urgency

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Probability = Annotated[float, Field(gt=0.0, lt=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(_Strict):
    """Anything that carries a number: its sources, basis and, for judgements, a reason."""

    basis: Basis
    sources: list[Identifier] = Field(default_factory=list)
    reason: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _judgement_needs_reason(self) -> Cited:
        if self.basis is Basis.JUDGEMENT and not self.reason:
            raise ValueError("a judgement must give its reason")
        if self.basis is not Basis.JUDGEMENT and not self.sources:
            raise ValueError(f"a {self.basis.value} value must cite at least one source")
        return self


class Reference(_Strict):
    id: Identifier
    citation: Text
    year: int | None = Field(default=None, ge=1900, le=2100)
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    seen: Text = Field(
        description="what was read: full text, abstract, or a secondary summary",
    )


class Setting(_Strict):
    id: Identifier
    label: Text
    description: Text


class Condition(_Strict):
    id: Identifier
    label: Text
    description: Text
    origin_family: OriginFamily


class Finding(_Strict):
    id: Identifier
    label: Text
    kind: FindingKind
    region: Region
    section: ExamSection
    patient_question: Text | None = None
    elicitation: Text | None = None
    description: Text | None = None

    @model_validator(mode="after")
    def _how_to_obtain(self) -> Finding:
        if self.kind is FindingKind.EXAM and not self.elicitation:
            raise ValueError("an exam sign must say how to elicit it (elicitation)")
        if self.kind is FindingKind.HISTORY and not self.patient_question:
            raise ValueError("a history item must have a plain-language patient_question")
        return self


class Prior(Cited):
    condition: Identifier
    setting: Identifier
    probability: Probability


class Likelihood(Cited):
    """Strength of one finding for one condition.

    Given either as sensitivity and specificity or as the two likelihood ratios;
    the loader derives the other pair so that the engine and an independent
    Bayesian network can use the same numbers.
    """

    condition: Identifier
    finding: Identifier
    sensitivity: Probability | None = None
    specificity: Probability | None = None
    lr_present: Annotated[float, Field(gt=0.0)] | None = None
    lr_absent: Annotated[float, Field(gt=0.0)] | None = None

    @model_validator(mode="after")
    def _one_parameterisation(self) -> Likelihood:
        by_accuracy = self.sensitivity is not None and self.specificity is not None
        by_ratio = self.lr_present is not None and self.lr_absent is not None
        partial = {
            "sensitivity": self.sensitivity,
            "specificity": self.specificity,
            "lr_present": self.lr_present,
            "lr_absent": self.lr_absent,
        }
        if by_accuracy == by_ratio:
            given = sorted(k for k, v in partial.items() if v is not None)
            raise ValueError(
                "give exactly one pair: sensitivity+specificity or lr_present+lr_absent "
                f"(given: {', '.join(given) or 'none'})"
            )
        if by_ratio:
            assert self.lr_present is not None and self.lr_absent is not None
            if not _coherent(self.lr_present, self.lr_absent):
                raise ValueError(
                    f"lr_present={self.lr_present} and lr_absent={self.lr_absent} cannot both "
                    "hold: one must be above 1 and the other below (or both equal 1)"
                )
        return self

    @property
    def p_present_given_condition(self) -> float:
        """Sensitivity, derived from the LR pair when that is what was given."""
        if self.sensitivity is not None:
            return self.sensitivity
        return self.p_present_without_condition * self._lrs[0]

    @property
    def p_present_without_condition(self) -> float:
        """1 - specificity, derived from the LR pair when that is what was given."""
        if self.specificity is not None:
            return 1.0 - self.specificity
        lr_pos, lr_neg = self._lrs
        if math.isclose(lr_pos, lr_neg):
            return 0.5
        specificity = (lr_pos - 1.0) / (lr_pos - lr_neg)
        return 1.0 - specificity

    @property
    def ratio_present(self) -> float:
        if self.lr_present is not None:
            return self.lr_present
        assert self.sensitivity is not None and self.specificity is not None
        return self.sensitivity / (1.0 - self.specificity)

    @property
    def ratio_absent(self) -> float:
        if self.lr_absent is not None:
            return self.lr_absent
        assert self.sensitivity is not None and self.specificity is not None
        return (1.0 - self.sensitivity) / self.specificity

    @property
    def _lrs(self) -> tuple[float, float]:
        return self.ratio_present, self.ratio_absent


def _coherent(lr_present: float, lr_absent: float) -> bool:
    if math.isclose(lr_present, 1.0) and math.isclose(lr_absent, 1.0):
        return True
    return (lr_present > 1.0 > lr_absent) or (lr_present < 1.0 < lr_absent)


class RecordedOnly(_Strict):
    """A finding that is recorded (and may drive a rule) but carries no likelihood.

    Every finding either bears on at least one condition through a likelihood or is
    listed here with the reason it changes no probability, so that no answer is
    silently ignored.
    """

    finding: Identifier
    reason: Text


class AgeBand(_Strict):
    """Ages from ``min_age`` (inclusive) up to ``max_age`` (exclusive)."""

    min_age: int = Field(ge=0, le=130)
    max_age: int = Field(ge=1, le=131)
    lr: Annotated[float, Field(gt=0.0)]


class AgeEvidence(Cited):
    condition: Identifier
    bands: list[AgeBand] = Field(min_length=2)


class SexEvidence(Cited):
    condition: Identifier
    lr: dict[Sex, Annotated[float, Field(gt=0.0)]]


class GroupExpression(Cited):
    """How often a condition shows at least one of a group's members, where a study measured it."""

    condition: Identifier
    probability: Annotated[float, Field(gt=0.0, le=1.0)]


class EvidenceGroup(_Strict):
    """Findings that measure one thing: a condition produces them through its expression of the group.

    ``wordings``: the members are one complaint in different words (clumsy hands and difficulty with
    fine tasks). Their links must be identical, and a patient's answers to them are one answer: the
    engine counts one member (a present one before an absent one) and shows the others as counted
    with it, so that a complaint stated twice is not counted as two independent findings.

    ``expressions``: a condition's expression of the group where a figure gives it (the share of
    patients with the condition who show at least one member); otherwise the network takes the
    share the members would give were they independent.
    """

    id: Identifier
    label: Text
    members: list[Identifier] = Field(min_length=2)
    reason: Text
    wordings: bool = False
    expressions: list[GroupExpression] = Field(default_factory=list)


class Clause(_Strict):
    """One condition of a red-flag rule; it holds when every criterion it gives holds.

    ``any_present``: at least one of these findings is present. ``all_present``:
    every one of them is present. ``none_present``: none of them is present (absent
    or not known; it narrows a clause and cannot stand alone). ``min_age`` /
    ``max_age``: the patient's age is at
    least / below the bound (an unknown age never satisfies it). ``sex``: the
    patient's recorded sex. A rule fires when all its clauses hold, so "age 70 or
    over with trauma" is two clauses: ``{any_present: [trauma]}`` and
    ``{min_age: 70}``. Put clauses on patient characteristics after the finding
    clauses: red-flag screening walks the finding clauses in order.
    """

    any_present: list[Identifier] = Field(default_factory=list)
    all_present: list[Identifier] = Field(default_factory=list)
    none_present: list[Identifier] = Field(default_factory=list)
    min_age: int | None = Field(default=None, ge=0, le=130)
    max_age: int | None = Field(default=None, ge=1, le=131)
    sex: Sex | None = None

    @model_validator(mode="after")
    def _a_criterion(self) -> Clause:
        bounds = (self.min_age, self.max_age, self.sex)
        if not (self.any_present or self.all_present) and all(b is None for b in bounds):
            raise ValueError(
                "give at least one criterion: any_present, all_present, min_age, max_age or sex "
                "(none_present only narrows one)"
            )
        if self.min_age is not None and self.max_age is not None and self.max_age <= self.min_age:
            raise ValueError(f"max_age {self.max_age} must be above min_age {self.min_age}")
        return self

    @property
    def findings(self) -> list[Identifier]:
        """Every finding the clause names, in order."""
        named = [*self.any_present, *self.all_present, *self.none_present]
        return [f for i, f in enumerate(named) if f not in named[:i]]


class RedFlag(Cited):
    """A rule on findings alone; no probability can outweigh it."""

    id: Identifier
    label: Text
    condition: Identifier
    or_likelier: list[Identifier] = Field(default_factory=list)
    """Other conditions that produce the same findings: the flag names whichever of ``condition`` and these
    is most probable for the patient (a worsening leg deficit names a cord lesion when one is likelier than
    a root), so that the report does not lead with a cause the evidence argues against."""
    urgency: Urgency
    when: list[Clause] = Field(min_length=1)
    action: Text
    origin: Literal[Origin.CERVICAL, Origin.OTHER, Origin.UNDETERMINED] | None = None
    """What the flag's own findings say of the origin, which no probability outweighs: ``cervical`` or
    ``other`` when they place the lesion (a cord compressed on imaging at that level, a disease outside
    the spine), ``undetermined`` when they show a spinal cord lesion whose level they leave open (a lumbar
    verdict would contradict it). See :func:`spinetriage.assessment.red_flags.placed_origin`."""
    withhold_examination: list[Identifier] = Field(default_factory=list)
    """Examination signs not to be elicited while the flag is raised: those that move a spine that may be
    unstable or make the patient stand and walk (NICE NG41 immobilises a suspected spinal injury)."""
    stands_aside_for: list[Identifier] = Field(default_factory=list)
    """Flags whose assessment includes this one's: while one of them is raised this flag is not, so a report
    does not repeat the same work-up under two headings (back pain after trauma beside the flag for trauma
    with fragile bone)."""


#: Myelopathy grades from the mJOA bands (Tetreault 2017): severe 0-11, moderate
#: 12-14, mild 15-17; "normal" is the maximum score of 18.
MyelopathyGrade = Literal["severe", "moderate", "mild", "normal"]


class Indication(_Strict):
    """When a recommendation applies: every criterion given must hold.

    Triggers (at least one): a condition at or above a probability, a red flag (or
    ``any_red_flag``), the myelopathy grade from an mJOA entered with the case
    (``severity``), an mJOA that fell by at least its MCID between two visits
    (``mjoa_worsened``), or findings that must all be present (``all_present``: what a
    guideline names, such as cord compression on imaging with wasting, whatever the
    probabilities).
    Qualifiers narrow a trigger: findings that must be present (``all_present``), at
    least one of which must be (``any_present``), none of which may be
    (``none_present``) or that must be recorded absent (``all_absent``); other
    conditions that must also reach ``min_probability`` (``also_likely``); findings whose
    being known makes the step moot (``unless_known``); ``unless_graded`` (skip once an mJOA grade is known); and the
    exclusions ``unless_any_red_flag`` (skip while any red flag is raised), ``unless_red_flags``
    (skip while one of these is raised: elective grading beside an emergency decompression), ``unless_emergency``
    (skip while any emergency flag is raised) and
    ``unless_likely`` (skip while any of these conditions reaches
    ``unless_probability``), so that, for example, self-management is never the
    treatment when a serious condition is likely.
    """

    condition: Identifier | None = None
    min_probability: Probability | None = None
    red_flag: Identifier | None = None
    any_red_flag: bool = False
    severity: MyelopathyGrade | None = None
    mjoa_worsened: bool = False
    all_present: list[Identifier] = Field(default_factory=list)
    any_present: list[Identifier] = Field(default_factory=list)
    none_present: list[Identifier] = Field(default_factory=list)
    all_absent: list[Identifier] = Field(default_factory=list)
    """Findings that must be recorded absent: what examination or imaging has excluded."""
    also_likely: list[Identifier] = Field(default_factory=list)
    unless_any_red_flag: bool = False
    unless_red_flags: list[Identifier] = Field(default_factory=list)
    unless_emergency: bool = False
    """Skip while a raised red flag is graded an emergency: elective sequencing ("treat the neck first", a trial of
    rehabilitation) waits while an emergency is handled."""
    unless_likely: list[Identifier] = Field(default_factory=list)
    unless_probability: Probability | None = None
    unless_known: list[Identifier] = Field(
        default_factory=list,
        description="skip when any of these findings already has a known status",
    )
    unless_graded: bool = False

    @model_validator(mode="after")
    def _a_trigger(self) -> Indication:
        if (self.condition is None) != (self.min_probability is None):
            raise ValueError("condition and min_probability go together")
        triggers = (self.condition, self.red_flag, self.severity)
        if all(x is None for x in triggers) and not (self.mjoa_worsened or self.any_red_flag or self.all_present):
            raise ValueError(
                "give a trigger: condition+min_probability, red_flag, any_red_flag, severity, mjoa_worsened"
                " or all_present"
            )
        if self.also_likely and self.condition is None:
            raise ValueError("also_likely needs a condition and min_probability to compare with")
        if bool(self.unless_likely) != (self.unless_probability is not None):
            raise ValueError("unless_likely and unless_probability go together")
        return self


class Recommendation(Cited):
    """A work-up step or a treatment direction, with the guideline it comes from."""

    id: Identifier
    label: Text
    detail: Text
    indications: list[Indication] = Field(min_length=1)
    priority: int = Field(ge=0, le=100, description="lower comes first")


class NotRecommended(Cited):
    """A step the guidelines advise against in this situation (for example routine imaging)."""

    id: Identifier
    label: Text
    detail: Text
    indications: list[Indication] = Field(min_length=1)
    unless_recommended: list[Identifier] = Field(default_factory=list)


class InstrumentRule(Cited):
    """A rule on instrument scores that sets urgency, like a red flag: no probability outweighs it."""

    id: Identifier
    label: Text
    condition: Identifier
    urgency: Urgency
    when: Literal["mjoa_worsened"]
    action: Text


class SuspectedUrgency(Cited):
    """How soon a suspected condition must be seen, though no red flag is raised: a rule like a red
    flag (no probability outweighs it), keyed on the condition's probability reaching a threshold."""

    condition: Identifier
    threshold: Identifier
    urgency: Urgency
    label: Text
    any_present: list[Identifier] = Field(default_factory=list)
    """When given, the condition is suspected only with one of these findings present (a symptom or sign of
    it), not from the priors, age and sex alone."""


class Threshold(Cited):
    id: Identifier
    value: Probability
    meaning: Text


class RiskFactor(_Strict):
    """A finding that causes conditions (a parent in the network), not an effect of one."""

    finding: Identifier
    reason: Text


class Background(Cited):
    """How often a complaint or sign is present with none of the modelled conditions (its leak)."""

    finding: Identifier
    probability: Probability


class ComplaintLink(Cited):
    """How strongly a condition, present, produces a complaint by itself (a causal strength)."""

    condition: Identifier
    finding: Identifier
    probability: Probability
    through_group: Identifier | None = None


class CoOccurrence(Cited):
    """Two conditions that occur together more often than chance (a shared cause), as an odds ratio."""

    conditions: list[Identifier] = Field(min_length=2, max_length=2)
    odds_ratio: float = Field(gt=0.0)


class NetworkStructure(_Strict):
    """What the likelihood table cannot say about the causal network (network.yaml)."""

    risk_factors: list[RiskFactor] = Field(default_factory=list)
    complaints: list[Identifier] = Field(min_length=1)
    referred_from_the_back: list[Identifier] = Field(default_factory=list)
    """Complaints whose leak is the mechanical lumbar source (somatic referred pain) when back pain is
    recorded, not 'unexplained'."""
    lumbar_root_pain: list[Identifier] = Field(default_factory=list)
    """Complaints that are a lumbosacral root's pain by definition: their leak is lumbar."""
    local_to_the_neck: list[Identifier] = Field(default_factory=list)
    """Complaints that are the neck's own by definition: their leak is cervical."""
    nonspecific_in_the_neck: list[Identifier] = Field(default_factory=list)
    """Complaints local to the neck whose leak is the neck's non-specific (mechanical) pain: another
    complaint's source names the verdict only when it is specific (reasoner.decide)."""
    neck_not_ruled_out_by: list[Identifier] = Field(default_factory=list)
    """Imaging findings that keep the neck among the possible sources while recorded (reasoner.complaint_verdict)."""
    backgrounds: list[Background] = Field(default_factory=list)
    complaint_links: list[ComplaintLink] = Field(default_factory=list)
    co_occurrences: list[CoOccurrence] = Field(default_factory=list)
    """Pairs of conditions that are not independent a priori; a condition is in at most one pair."""
