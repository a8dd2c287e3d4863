"""Konno SSHQ: each branch of the decision rule and the edges around it."""

from __future__ import annotations

import pytest

from spinetriage.errors import InputError
from spinetriage.instruments import score

CORE = ("q1", "q2", "q3", "q4")
ASSOCIATED = ("q5", "q6", "q7", "q8", "q9", "q10")


def _answers(core_yes: int, associated_yes: int) -> dict[str, bool]:
    answers = {q: i < core_yes for i, q in enumerate(CORE)}
    answers.update({q: i < associated_yes for i, q in enumerate(ASSOCIATED)})
    return answers


@pytest.mark.parametrize(
    ("core", "associated", "band", "branch"),
    [
        (4, 0, "positive", "all_core"),  # branch 1 alone
        (4, 6, "positive", "all_core"),
        (2, 3, "positive", "core_and_associated"),  # branch 2 at both edges
        (3, 6, "positive", "core_and_associated"),
        (1, 6, "negative", None),  # core "more than 1" fails
        (3, 2, "negative", None),  # associated "more than 2" fails
        (2, 2, "negative", None),
        (0, 0, "negative", None),
    ],
)
def test_decision_rule_branches(core: int, associated: int, band: str, branch: str | None) -> None:
    result = score("konno_sshq", _answers(core, associated))
    assert result.band == band
    assert result.rule_branch == branch
    assert result.subtotals == {"core": core, "associated": associated}
    assert result.total == core + associated


def test_konno_missing_item_is_named() -> None:
    answers: dict[str, bool] = _answers(4, 0)
    del answers["q7"]
    with pytest.raises(InputError) as info:
        score("konno_sshq", answers)
    assert info.value.field == "konno_sshq.q7"


def test_konno_rejects_unknown_answers_rather_than_guessing() -> None:
    answers: dict[str, bool | str] = {**_answers(4, 0), "q1": "unknown"}
    with pytest.raises(InputError) as info:
        score("konno_sshq", answers)
    assert "q1" in info.value.problem
