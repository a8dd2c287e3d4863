"""When a record supports a concern worth a card: the thresholds, in one place.

A card interrupts a clinician, so it appears only when the assessment gives a reason:

- **a red flag** fired (patient-view only: an order hook is about cervical imaging, and
  a red flag may be exactly why lumbar imaging is ordered); or
- **a cervical concern**: the origin verdict is ``cervical`` or ``both``, or the
  probability of degenerative cervical myelopathy is at least
  :data:`DCM_CARD_PROBABILITY`, or the work-up recommends cervical MRI.

:data:`DCM_CARD_PROBABILITY` is the probability at which the knowledge base's work-up
recommends cervical MRI (``recommendations.yaml``, ``cervical_mri``: 0.1, Fehlings 2017),
so a card appears whenever the scan would be, and also when MRI already showed the cord
compressed (then the work-up no longer asks for it, but the lumbar origin is still in
doubt). Choosing it is a judgement: DCM is missed for years and lost cord function does not
come back, while a card costs a glance; the engine gives plain mechanical back pain well
under 1%.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinetriage.assessment import Assessment
from spinetriage.assessment.models import RedFlagOut
from spinetriage.fhir import recommends_cervical_mri

DCM = "degenerative_cervical_myelopathy"
DCM_CARD_PROBABILITY = 0.10
CERVICAL_VERDICTS = frozenset({"cervical", "both"})


@dataclass(frozen=True)
class Concern:
    """Why a card is shown."""

    cervical: bool
    red_flags: list[RedFlagOut]
    dcm_probability: float
    recommends_cervical_mri: bool


def dcm_probability(assessment: Assessment) -> float:
    return next((c.probability for c in assessment.conditions if c.id == DCM), 0.0)


def concern(assessment: Assessment) -> Concern | None:
    """The concern this assessment supports, or None when no card should appear."""
    probability = dcm_probability(assessment)
    mri = recommends_cervical_mri(assessment)
    cervical = assessment.origin.verdict.value in CERVICAL_VERDICTS or probability >= DCM_CARD_PROBABILITY or mri
    if not cervical and not assessment.red_flags:
        return None
    return Concern(
        cervical=cervical,
        red_flags=list(assessment.red_flags),
        dcm_probability=probability,
        recommends_cervical_mri=mri,
    )
