"""The assessment contract (DESIGN.md): what ``assess`` returns and ``--json`` prints.

Field names here are a public contract; add fields, never rename them.
"""

from __future__ import annotations

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


class ConditionOut(_Out):
    id: str
    label: str
    prior: float
    probability: float
    contributions: list[ContributionOut]


class OriginOut(_Out):
    verdict: Origin
    probabilities: dict[str, float]
    explanation: str


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
    if_present: dict[str, float]
    if_absent: dict[str, float]


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
    workup: list[RecommendationOut]
    treatment: list[RecommendationOut]
    next_questions: list[QuestionOut]
    findings_used: dict[str, str]
    from_text: list[TextFindingOut] = []
    conflicts: list[ConflictOut] = []
    references: list[ReferenceOut]
    disclaimer: str
