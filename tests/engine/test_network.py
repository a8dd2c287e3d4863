"""The network's arrays from the knowledge base: what the mapping refuses to build."""

from __future__ import annotations

import dataclasses

import pytest

from spinetriage.engine.network import compile_network
from spinetriage.errors import KnowledgeError
from spinetriage.knowledge import KnowledgeBase

GROUP = "upper_motor_neuron_signs"


def _with_expression(kb: KnowledgeBase, condition: str, probability: float) -> KnowledgeBase:
    group = kb.groups[GROUP]
    cited = group.expressions[0].model_copy(update={"condition": condition, "probability": probability})
    groups = {**kb.groups, GROUP: group.model_copy(update={"expressions": [cited]})}
    return dataclasses.replace(kb, groups=groups)


def test_the_cited_expression_is_the_networks(kb: KnowledgeBase) -> None:
    network = compile_network(_with_expression(kb, "degenerative_cervical_myelopathy", 0.9))
    g, d = network.groups.index(GROUP), network.conditions.index("degenerative_cervical_myelopathy")
    assert network.expression[g, d] == 0.9


def test_a_group_expression_below_a_members_own_strength_is_refused(kb: KnowledgeBase) -> None:
    """At least one member appears at least as often as the most common one alone: the Hoffmann sign
    alone has strength 0.50 in myelopathy, so an expression of 0.3 cannot hold."""
    with pytest.raises(KnowledgeError, match=f"expresses {GROUP} with 0.3, below the strength 0.50"):
        compile_network(_with_expression(kb, "degenerative_cervical_myelopathy", 0.3))


def test_a_group_expression_by_a_condition_that_produces_no_member_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(KnowledgeError, match="vascular_claudication is given an expression"):
        compile_network(_with_expression(kb, "vascular_claudication", 0.5))
