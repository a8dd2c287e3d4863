"""Red flags: rules on findings, evaluated apart from the probabilities.

A red flag fires when each of its clauses has at least one present finding. No
probability is consulted, so no probability can outweigh one.
"""

from __future__ import annotations

from collections.abc import Mapping

from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.schema import RedFlag
from spinetriage.vocab import Status


def fired_red_flags(kb: KnowledgeBase, evidence: Mapping[str, Status]) -> list[tuple[RedFlag, list[str]]]:
    """Each red flag that fires with the present findings that raised it, most urgent first."""
    fired = []
    for flag in kb.red_flags.values():
        raised: list[str] = []
        for clause in flag.when:
            present = [f for f in clause.any_present if evidence.get(f) is Status.PRESENT]
            if not present:
                break
            raised.extend(f for f in present if f not in raised)
        else:
            fired.append((flag, raised))
    fired.sort(key=lambda item: item[0].urgency.rank)
    return fired
