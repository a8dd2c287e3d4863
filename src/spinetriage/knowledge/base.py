"""The validated knowledge base: one immutable object the engine reasons over."""

from __future__ import annotations

from dataclasses import dataclass, field

from spinetriage.knowledge.schema import (
    AgeEvidence,
    Condition,
    EvidenceGroup,
    Finding,
    InstrumentRule,
    Likelihood,
    NetworkStructure,
    NotRecommended,
    Prior,
    Recommendation,
    RecordedOnly,
    RedFlag,
    Reference,
    Setting,
    SexEvidence,
    SuspectedUrgency,
    Threshold,
)


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything spinetriage knows, indexed by identifier.

    ``version`` is a content hash of the data files: an assessment that carries it
    can be reproduced from exactly this knowledge.
    """

    version: str
    references: dict[str, Reference]
    settings: dict[str, Setting]
    conditions: dict[str, Condition]
    findings: dict[str, Finding]
    priors: dict[tuple[str, str], Prior]
    likelihoods: dict[tuple[str, str], Likelihood]
    age: dict[str, AgeEvidence]
    sex: dict[str, SexEvidence]
    groups: dict[str, EvidenceGroup]
    red_flags: dict[str, RedFlag]
    workup: dict[str, Recommendation]
    treatment: dict[str, Recommendation]
    not_recommended: dict[str, NotRecommended]
    thresholds: dict[str, Threshold]
    suspected: dict[str, SuspectedUrgency] = field(default_factory=dict)
    """Per condition, how soon it must be seen once suspected (recommendations.yaml)."""
    group_of: dict[str, str] = field(default_factory=dict)
    instrument_rules: dict[str, InstrumentRule] = field(default_factory=dict)
    structure: NetworkStructure = field(default_factory=lambda: NetworkStructure(complaints=["low_back_pain"]))
    """The causal network's structure beyond the likelihood table (network.yaml)."""
    recorded_only: dict[str, RecordedOnly] = field(default_factory=dict)

    def prior(self, setting: str, condition: str) -> Prior:
        return self.priors[(setting, condition)]

    def threshold(self, threshold_id: str) -> float:
        return self.thresholds[threshold_id].value

    def links_for(self, condition: str) -> list[Likelihood]:
        """The findings that bear on ``condition``, in file order."""
        return [lk for (c, _), lk in self.likelihoods.items() if c == condition]
