"""Bad input: every error names the field and what is allowed."""

from __future__ import annotations

import pytest

from spinetriage.errors import InputError, InputErrors
from spinetriage.instruments import score


def test_unknown_item_suggests_the_closest(mjoa_normal: dict[str, int]) -> None:
    answers: dict[str, int] = {**mjoa_normal, "micturation": 3}
    with pytest.raises(InputError) as info:
        score("mjoa", answers)
    assert info.value.field == "mjoa.micturation"
    assert "did you mean 'micturition'" in info.value.problem


def test_unknown_instrument_suggests_the_closest() -> None:
    with pytest.raises(InputError) as info:
        score("mjao", {})
    assert info.value.field == "instrument"
    assert "did you mean 'mjoa'" in info.value.problem
    assert info.value.allowed is not None and "nurick" in info.value.allowed


def test_level_given_as_text_is_rejected_not_coerced(mjoa_normal: dict[str, int]) -> None:
    answers: dict[str, int | str] = {**mjoa_normal, "lower_limb_motor": "7"}
    with pytest.raises(InputError) as info:
        score("mjoa", answers)
    assert "text" in info.value.problem
    assert info.value.allowed is not None and "7 (No dysfunction)" in info.value.allowed


@pytest.mark.parametrize("value", [True, 2.5])
def test_level_given_as_bool_or_float_is_rejected(mjoa_normal: dict[str, int], value: object) -> None:
    answers = {**mjoa_normal, "micturition": value}
    with pytest.raises(InputError) as info:
        score("mjoa", answers)  # type: ignore[arg-type]
    assert info.value.field == "mjoa.micturition"


def test_missing_items_are_all_named() -> None:
    with pytest.raises(InputError) as info:
        score("mjoa", {"upper_limb_motor": 5})
    assert "lower_limb_motor, upper_limb_sensation, micturition" in info.value.problem


def test_several_problems_are_reported_at_once() -> None:
    with pytest.raises(InputErrors) as info:
        score("mjoa", {"upper_limb_motor": 9, "lower_limb_motor": "x", "upper_limb_sensation": 3, "micturition": 3})
    fields = [e.field for e in info.value.errors]
    assert fields == ["mjoa.upper_limb_motor", "mjoa.lower_limb_motor"]


@pytest.mark.parametrize("value", ["maybe", 3])
def test_boolean_item_rejects_non_yes_no(value: object) -> None:
    with pytest.raises(InputError) as info:
        score("cook2010_dcm_cluster", {"hoffmann_sign": value})  # type: ignore[dict-item]
    assert info.value.field == "cook2010_dcm_cluster.hoffmann_sign"
    assert info.value.allowed is not None and "yes/no" in info.value.allowed


def test_age_item_rejects_an_implausible_age() -> None:
    with pytest.raises(InputError) as info:
        score("cook2010_dcm_cluster", {"age_over_45": 300})
    assert "age is outside" in info.value.problem
    assert "300" not in info.value.problem  # answers are never echoed: they may be patient details


@pytest.mark.parametrize("word", ["yes", "Present", "TRUE", "positive"])
def test_boolean_words_are_accepted(word: str) -> None:
    assert score("cook2010_dcm_cluster", {"babinski_sign": word}).total_min == 1


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"upper_limb_motor": "Jane Doe"}, "mjoa.upper_limb_motor"),
        ({"upper_limb_motor": 4.5}, "mjoa.upper_limb_motor"),
        ({"upper_limb_motor": True}, "mjoa.upper_limb_motor"),
    ],
)
def test_errors_name_the_item_but_never_echo_the_answer(answers: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        score("mjoa", {"lower_limb_motor": 5, "upper_limb_sensation": 2, "micturition": 3, **answers})
    assert [e.field for e in getattr(info.value, "errors", [info.value])] == [field]
    assert str(answers["upper_limb_motor"]) not in str(info.value)
