"""Patients drawn from the causal network, for simulations and scale tests.

Ancestral sampling: conditions from their prevalence among presenters, then each
present condition's hidden group expressions, then every finding from its noisy-OR
(leak, causes, inhibitors) given what was drawn. The caller's ``random.Random``
makes it reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Collection

from spinetriage.engine.network import Network, pair_joint


def sample_conditions(network: Network, setting: str, rng: random.Random) -> set[int]:
    """Each condition present with its cited prevalence among presenters in ``setting``: independently,
    except a co-occurring pair, drawn from its joint (the two prevalences and the pair's odds ratio)."""
    target = network.targets[setting]
    present = {d for d, p in enumerate(target) if rng.random() < float(p)}
    for a, b, odds_ratio in network.pairs:
        present -= {a, b}
        p00, p10, p01, _ = (float(x) for x in pair_joint(target[a], target[b], odds_ratio))
        u = rng.random()
        if u >= p00:
            present |= {a} if u < p00 + p10 else {b} if u < p00 + p10 + p01 else {a, b}
    return present


def sample_findings(
    network: Network, present: Collection[int], findings: Collection[str], rng: random.Random
) -> dict[str, bool]:
    """Draw ``findings`` given the conditions ``present`` (indices into ``network.conditions``)."""
    expressed = {
        (g, d) for d in sorted(present) for g in range(len(network.groups)) if rng.random() < network.expression[g, d]
    }
    out: dict[str, bool] = {}
    for finding in findings:
        f = network.index.get(finding)
        if f is None:
            continue
        q = 1.0 - float(network.leak[f])
        r = 1.0
        for d in sorted(present):
            r *= float(network.inhibit[f, d])
            p = float(network.strength[f, d])
            g = int(network.via[f, d])
            if p > 0 and (g < 0 or (g, d) in expressed):
                q *= 1.0 - p
        out[finding] = rng.random() < r * (1.0 - q)
    return out
