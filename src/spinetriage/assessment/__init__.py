"""From probabilities to an answer: origin, red flags, urgency, work-up, treatment."""

from spinetriage.assessment.assess import assess, decide_urgency
from spinetriage.assessment.models import Assessment

__all__ = ["Assessment", "assess", "decide_urgency"]
