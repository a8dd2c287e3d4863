"""Pure, deterministic reasoning over the knowledge base: a causal network solved exactly.

The public boundary is :mod:`spinetriage.engine.reasoner`; no I/O, no globals beyond a
cache of compiled networks keyed by knowledge version.
"""

from spinetriage.engine.network import Network, compile_network
from spinetriage.engine.reasoner import (
    Contribution,
    Patient,
    Reasoning,
    contributions,
    explained_by,
    network_for,
    reason,
    verdict,
    what_if,
)

__all__ = [
    "Contribution",
    "Network",
    "Patient",
    "Reasoning",
    "compile_network",
    "contributions",
    "explained_by",
    "network_for",
    "reason",
    "verdict",
    "what_if",
]
