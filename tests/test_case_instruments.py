"""Issue 3: instrument answers inside a case file are scored when the case is read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from spinetriage import Case
from spinetriage.case import parse_case
from spinetriage.errors import InputError, InputErrors
from spinetriage.instruments import score_case_instruments
from spinetriage.knowledge import KnowledgeBase

MJOA_13 = {"upper_limb_motor": 4, "lower_limb_motor": 4, "upper_limb_sensation": 2, "micturition": 3}


def errors_of(excinfo: pytest.ExceptionInfo[InputError]) -> dict[str, str]:
    error = excinfo.value
    found = error.errors if isinstance(error, InputErrors) else [error]
    return {e.field: e.problem for e in found}


def test_a_case_without_instruments_still_parses(kb: KnowledgeBase) -> None:
    case = parse_case({"age": 60, "findings": {"hoffmann_sign": "present"}}, kb)
    assert case.instruments == {}


def test_mjoa_in_a_case_is_scored_and_round_trips(kb: KnowledgeBase) -> None:
    case = parse_case(
        {"age": 60, "instruments": {"mjoa": {**MJOA_13, "date": "2026-05-02"}, "mjoa_previous": {"total": 16}}}, kb
    )
    scored = score_case_instruments(case.instruments)
    assert (scored["mjoa"].total, scored["mjoa"].band, scored["mjoa"].date) == (13, "moderate", dt.date(2026, 5, 2))
    assert (scored["mjoa_previous"].total, scored["mjoa_previous"].band, scored["mjoa_previous"].previous) == (
        16,
        "mild",
        True,
    )
    assert Case.model_validate_json(case.model_dump_json()) == case


def test_yaml_dates_are_accepted_and_round_trip(kb: KnowledgeBase) -> None:
    case = parse_case({"instruments": {"nurick": {"grade": 2, "date": dt.date(2026, 1, 5)}}}, kb)
    assert score_case_instruments(case.instruments)["nurick"].date == dt.date(2026, 1, 5)
    assert Case.model_validate_json(case.model_dump_json()) == case


@pytest.mark.parametrize(
    ("instruments", "field", "problem"),
    [
        ({"mjoa": {**MJOA_13, "upper_limb_motor": 6}}, "instruments.mjoa.upper_limb_motor", "out of range"),
        ({"mjoa": {**MJOA_13, "upper_limb_motor": "4"}}, "instruments.mjoa.upper_limb_motor", "text"),
        ({"mjoa": {k: v for k, v in MJOA_13.items() if k != "micturition"}}, "instruments.mjoa.micturition", "missing"),
        ({"mjoa": {**MJOA_13, "walking": 3}}, "instruments.mjoa.<key>", "unknown item"),  # issue 13: not echoed
        ({"mjoa_previous": {"upper_limb_motor": 7}}, "instruments.mjoa_previous.upper_limb_motor", "out of range"),
        ({"mjoa_previous": {"total": 19}}, "instruments.mjoa_previous.total", "out of range"),
        ({"mjoa": {**MJOA_13, "total": 13}}, "instruments.mjoa.total", "item by item"),
        ({"mjoa": {**MJOA_13, "date": "last week"}}, "instruments.mjoa.date", "not a date"),
        ({"mjoaa": MJOA_13}, "instruments.mjoaa", "unknown instrument"),
        ({"cook2010_dcm_cluster": {"hoffmann_sign": True}}, "instruments.cook2010_dcm_cluster", "findings"),
        ({"mjoa": [4, 5, 2, 3]}, "instruments.mjoa", "dictionary"),
        (
            {"mjoa": {**MJOA_13, "date": "2026-01-01"}, "mjoa_previous": {"total": 16, "date": "2026-02-01"}},
            "instruments.mjoa_previous.date",
            "before",
        ),
    ],
)
def test_bad_instrument_answers_name_the_field(
    kb: KnowledgeBase, instruments: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_case({"age": 60, "instruments": instruments}, kb)
    found = errors_of(excinfo)
    assert field in found, found
    assert problem in found[field]


def test_every_problem_is_reported_at_once(kb: KnowledgeBase) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_case({"age": 5, "instruments": {"mjoa": {**MJOA_13, "upper_limb_motor": 9, "micturition": -1}}}, kb)
    assert {"age", "instruments.mjoa.upper_limb_motor", "instruments.mjoa.micturition"} <= set(errors_of(excinfo))


def test_a_case_built_in_python_is_checked_too() -> None:
    with pytest.raises(InputError, match=r"instruments\.mjoa\.micturition"):
        Case(instruments={"mjoa": {**MJOA_13, "micturition": 4}})


def test_free_text_in_an_answer_is_not_echoed_whole(kb: KnowledgeBase) -> None:
    note = "patient reports she cannot button her blouse since her fall in March at her daughter's house"
    with pytest.raises(InputError) as excinfo:
        parse_case({"instruments": {"mjoa": {**MJOA_13, "upper_limb_motor": note}}}, kb)
    problem = errors_of(excinfo)["instruments.mjoa.upper_limb_motor"]
    assert "text" in problem and note not in problem and "daughter" not in problem
