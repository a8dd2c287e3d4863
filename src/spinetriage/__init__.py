"""spinetriage: where does this lower back pain come from, and what next?

The names below load on first use (PEP 562), so that ``import spinetriage`` and every
command's ``--help`` start without loading the knowledge base and the reasoning engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from spinetriage._version import __version__
from spinetriage.errors import InputError, KnowledgeError, SpinetriageError

if TYPE_CHECKING:
    from spinetriage.assessment import Assessment, assess
    from spinetriage.case import Case
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

_LAZY = {
    "Assessment": "spinetriage.assessment",
    "assess": "spinetriage.assessment",
    "Case": "spinetriage.case",
    "KnowledgeBase": "spinetriage.knowledge",
    "load_knowledge": "spinetriage.knowledge",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'spinetriage' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
