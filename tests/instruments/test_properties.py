"""Property tests: totals stay in range, a worse answer never raises a score, a
cluster's range always holds its true count, and more positives never lower its LR."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spinetriage.instruments import registry, score
from tests.instruments.conftest import MJOA_MAX

mjoa_answers = st.fixed_dictionaries({k: st.integers(0, v) for k, v in MJOA_MAX.items()})
BAND_ORDER = ["severe", "moderate", "mild", "normal"]


@given(mjoa_answers)
def test_mjoa_total_is_the_sum_and_in_range(answers: dict[str, int]) -> None:
    result = score("mjoa", answers)
    assert result.total == sum(answers.values())
    assert 0 <= result.total <= 18
    assert result.band in BAND_ORDER


@given(mjoa_answers, st.sampled_from(sorted(MJOA_MAX)), st.integers(1, 7))
def test_a_worse_mjoa_answer_never_raises_total_or_band(answers: dict[str, int], item: str, drop: int) -> None:
    worse = {**answers, item: max(0, answers[item] - drop)}
    before, after = score("mjoa", answers), score("mjoa", worse)
    assert after.total is not None and before.total is not None
    assert after.total <= before.total
    assert BAND_ORDER.index(str(after.band)) <= BAND_ORDER.index(str(before.band))


@given(st.integers(0, 60), st.integers(0, 60))
def test_fewer_grip_release_cycles_never_score_better(a: int, b: int) -> None:
    low, high = sorted((a, b))
    worse = score("grip_release_10s", {"cycles_weaker_hand": low})
    better = score("grip_release_10s", {"cycles_weaker_hand": high})
    assert worse.total is not None and better.total is not None and worse.total <= better.total
    assert worse.likelihood_ratio is not None and better.likelihood_ratio is not None
    assert worse.likelihood_ratio.value >= better.likelihood_ratio.value


CLUSTERS = ("cook2010_dcm_cluster", "cook2011_lss_cluster")
answer_value = st.sampled_from([True, False, None])


@given(
    st.sampled_from(CLUSTERS),
    st.lists(answer_value, min_size=5, max_size=5),
    st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_cluster_range_holds_every_completion_and_lr_only_when_determined(
    name: str, partial: list[bool | None], fill: list[bool]
) -> None:
    ids = [i.id for i in registry()[name].items]
    result = score(name, dict(zip(ids, partial, strict=True)))
    complete = {i: (p if p is not None else f) for i, p, f in zip(ids, partial, fill, strict=True)}
    full = score(name, complete)
    assert full.total is not None
    assert result.total_min <= full.total <= result.total_max
    if result.likelihood_ratio is not None:
        assert full.likelihood_ratio == result.likelihood_ratio
    if None in partial:
        assert result.total is None


@given(st.sampled_from(CLUSTERS), st.lists(st.booleans(), min_size=5, max_size=5), st.integers(0, 4))
def test_one_more_positive_never_lowers_a_cluster_lr(name: str, answers: list[bool], flip: int) -> None:
    ids = [i.id for i in registry()[name].items]
    before = score(name, dict(zip(ids, answers, strict=True)))
    after = score(name, {**dict(zip(ids, answers, strict=True)), ids[flip]: True})
    assert before.likelihood_ratio is not None and after.likelihood_ratio is not None
    assert after.likelihood_ratio.value >= before.likelihood_ratio.value


@given(st.lists(st.booleans(), min_size=10, max_size=10), st.integers(0, 9))
def test_one_more_konno_yes_never_turns_positive_into_negative(answers: list[bool], flip: int) -> None:
    ids = [f"q{i}" for i in range(1, 11)]
    before = score("konno_sshq", dict(zip(ids, answers, strict=True)))
    after = score("konno_sshq", {**dict(zip(ids, answers, strict=True)), ids[flip]: True})
    assert not (before.band == "positive" and after.band == "negative")
