"""From probabilities to an answer: origin, red flags, urgency, work-up, treatment."""

from spinetriage.assessment.assess import assess
from spinetriage.assessment.models import Assessment

__all__ = ["Assessment", "assess"]
