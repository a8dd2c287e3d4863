"""The generative model behind expected answers and sampled cases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinetriage.engine.model import CompiledModel
from spinetriage.interview.predictive import finding_models, p_present, p_present_given


def test_one_link_is_the_two_by_two_table(model: CompiledModel) -> None:
    single = [f for f, ix in model.conditions_of_finding.items() if len(ix) == 1]
    assert single
    for finding in single:
        (index,) = model.conditions_of_finding[finding]
        lk = model.conditions[index].links[finding].likelihood
        fm = finding_models(model)[finding]
        assert p_present_given(fm, {index}) == pytest.approx(lk.p_present_given_condition)
        assert p_present_given(fm, set()) == pytest.approx(lk.p_present_without_condition)
        p = [0.0] * len(model.conditions)
        p[index] = 0.3
        expected = 0.3 * lk.p_present_given_condition + 0.7 * lk.p_present_without_condition
        assert p_present(fm, p) == pytest.approx(expected)


def test_each_condition_alone_gives_its_sensitivity_when_it_raises_the_finding(model: CompiledModel) -> None:
    for finding, indices in model.conditions_of_finding.items():
        fm = finding_models(model)[finding]
        for index in indices:
            lk = model.conditions[index].links[finding].likelihood
            if lk.p_present_given_condition >= fm.leak:
                assert p_present_given(fm, {index}) == pytest.approx(lk.p_present_given_condition)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=15, max_size=15))
def test_probabilities_stay_in_range(model: CompiledModel, probabilities: list[float]) -> None:
    probabilities = (probabilities * 2)[: len(model.conditions)]
    for fm in finding_models(model).values():
        assert 0.0 <= p_present(fm, probabilities) <= 1.0
