"""From probabilities to an answer: origin, red flags, urgency, work-up, treatment."""

from spinetriage.assessment._assess import DEFAULT_SETTING, assess, decide_urgency, default_model
from spinetriage.assessment.models import Assessment

__all__ = ["DEFAULT_SETTING", "Assessment", "assess", "decide_urgency", "default_model"]
