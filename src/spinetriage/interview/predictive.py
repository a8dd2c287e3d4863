"""How likely a patient is to answer "yes": one generative model for choosing and for simulating.

The engine scores each condition separately from likelihood ratios, so it has no
single probability that the next answer will be "present". Choosing a question by
its *expected* effect needs one, and so does sampling test cases from the model.
Both use the same model, built from the knowledge base's own numbers:

* the conditions are independent, each present with its probability (the prior when
  sampling; the current posterior when choosing);
* a finding linked to conditions ``c1..ck`` is absent with probability
  ``(1 - leak) * prod(r_c for each present linked condition)``, capped at 1, where
  ``leak`` is the smallest ``1 - specificity`` over its links (the rate in presenters
  without the condition, the closest the data come to "none of them") and
  ``r_c = (1 - sensitivity_c) / (1 - leak)``, so that a patient with ``c`` alone has
  the finding with probability ``sensitivity_c``. A finding that is *rarer* with a
  condition (pain worse sitting in lumbar stenosis) has ``r_c > 1``.

This is a noisy-OR with a leak; with one link it is exactly the 2x2 table the
sensitivity and specificity describe. Sensitivity and specificity come from the
knowledge base (derived from the likelihood-ratio pair where that is what a source
gave). Findings with no link are not modelled: the model has no number for them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from spinetriage.engine.model import CompiledModel


@dataclass(frozen=True, slots=True)
class FindingModel:
    """One finding's noisy-OR: its leak and, per linked condition index, the factor on P(absent)."""

    finding: str
    leak: float
    factors: tuple[tuple[int, float], ...]


_MODELS: dict[str, dict[str, FindingModel]] = {}


def finding_models(model: CompiledModel) -> dict[str, FindingModel]:
    """The generative model of every linked finding (built once per knowledge version)."""
    if model.version not in _MODELS:
        built: dict[str, FindingModel] = {}
        for finding, indices in model.conditions_of_finding.items():
            likelihoods = [model.conditions[i].links[finding].likelihood for i in indices]
            leak = min(lk.p_present_without_condition for lk in likelihoods)
            factors = tuple(
                (i, (1.0 - lk.p_present_given_condition) / (1.0 - leak))
                for i, lk in zip(indices, likelihoods, strict=True)
            )
            built[finding] = FindingModel(finding, leak, factors)
        _MODELS[model.version] = built
    return _MODELS[model.version]


def p_present(fm: FindingModel, probabilities: Sequence[float]) -> float:
    """Chance the finding is present when condition ``i`` is present with ``probabilities[i]``."""
    absent = 1.0 - fm.leak
    for index, factor in fm.factors:
        p = probabilities[index]
        absent *= 1.0 - p + p * factor
    return 1.0 - min(1.0, absent)


def p_present_given(fm: FindingModel, present: Collection[int]) -> float:
    """Chance the finding is present when exactly the conditions in ``present`` are."""
    absent = 1.0 - fm.leak
    for index, factor in fm.factors:
        if index in present:
            absent *= factor
    return 1.0 - min(1.0, absent)
