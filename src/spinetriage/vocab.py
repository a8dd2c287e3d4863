"""Closed vocabularies shared by every part of spinetriage.

Clinical terms are types, not free strings: a typo in a status or an urgency fails
at the boundary instead of silently meaning "unknown".
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Status of a finding for reasoning. Unknown findings change nothing."""

    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


class Origin(StrEnum):
    """Where the presenting (lower back) complaint comes from."""

    CERVICAL = "cervical"
    LUMBAR = "lumbar"
    BOTH = "both"
    OTHER = "other"
    UNDETERMINED = "undetermined"


class Urgency(StrEnum):
    """How soon the patient must be seen, most urgent first."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SOON = "soon"
    ROUTINE = "routine"

    @property
    def rank(self) -> int:
        """0 for the most urgent level; lower ranks win when levels are combined."""
        return list(Urgency).index(self)


class FindingKind(StrEnum):
    """How a finding is obtained: asked, examined, or measured."""

    HISTORY = "history"
    EXAM = "exam"
    IMAGING = "imaging"
    TEST = "test"


class Region(StrEnum):
    """Body region a finding belongs to."""

    NECK = "neck"
    UPPER_LIMB = "upper_limb"
    LOW_BACK = "low_back"
    LOWER_LIMB = "lower_limb"
    GAIT_BALANCE = "gait_balance"
    PELVIC = "pelvic"
    SYSTEMIC = "systemic"
    BRAIN = "brain"
    SPINE = "spine"
    CERVICAL_SPINE = "cervical_spine"
    LUMBAR_SPINE = "lumbar_spine"
    HIP = "hip"


class ExamSection(StrEnum):
    """Where a finding sits in a clinician's work-through of the patient."""

    HISTORY = "history"
    NECK_AND_ARMS = "neck_and_arms"
    GAIT_AND_BALANCE = "gait_and_balance"
    REFLEXES_LONG_TRACT = "reflexes_long_tract"
    LUMBAR_AND_LEGS = "lumbar_and_legs"
    RED_FLAGS = "red_flags"
    IMAGING = "imaging"
    TESTS = "tests"


class Basis(StrEnum):
    """Where a number comes from.

    reported: printed by the cited source. calculated: derived here from reported
    figures (LR from sensitivity/specificity). judgement: chosen by the authors of this
    knowledge base where the literature is silent; always carries a reason.
    """

    REPORTED = "reported"
    CALCULATED = "calculated"
    JUDGEMENT = "judgement"


class OriginFamily(StrEnum):
    """Which origin a condition speaks for when the verdict is formed."""

    CERVICAL = "cervical"
    LUMBAR_SPECIFIC = "lumbar_specific"
    LUMBAR_NONSPECIFIC = "lumbar_nonspecific"
    OTHER = "other"
    SERIOUS = "serious"
    NONE = "none"
