"""spinetriage: where does this lower back pain come from, and what next?"""

from spinetriage._version import __version__
from spinetriage.assessment import Assessment, assess
from spinetriage.case import Case
from spinetriage.errors import InputError, KnowledgeError, SpinetriageError
from spinetriage.knowledge import KnowledgeBase, load_knowledge

__all__ = [
    "Assessment",
    "Case",
    "InputError",
    "KnowledgeBase",
    "KnowledgeError",
    "SpinetriageError",
    "__version__",
    "assess",
    "load_knowledge",
]
