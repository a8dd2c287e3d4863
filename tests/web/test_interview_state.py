"""The interview state in hidden fields round-trips, and tampering is named, never defaulted."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from spinetriage.errors import InputError
from spinetriage.knowledge import KnowledgeBase
from spinetriage.web.interview_state import InterviewState, read_state, summary


def test_hidden_fields_round_trip_in_order(kb: KnowledgeBase) -> None:
    state = InterviewState(
        {"saddle_anesthesia": "absent", "hand_clumsiness": "present", "falls": "unknown"},
        age=67,
        sex="female",
        setting="spine_clinic",
        label="clinic ref 12",
        wording="patient",
    )
    again = read_state(FormData(state.hidden()), kb, questionnaire=False)
    assert again == state
    assert list(again.answers) == list(state.answers)  # "go back" removes the last answer given


def test_the_questionnaire_is_always_in_plain_wording(kb: KnowledgeBase) -> None:
    assert read_state(FormData([("wording", "clinician")]), kb, questionnaire=True).wording == "patient"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ([("a", "hand_clumsines=present")], "answers.hand_clumsines"),
        ([("a", "hand_clumsiness=yes")], "answers.hand_clumsiness"),
        ([("age", "17")], "age"),
        ([("age", "sixty")], "age"),
        ([("sex", "other")], "sex"),
        ([("setting", "moon_base")], "setting"),
        ([("label", "x" * 201)], "label"),
        ([("wording", "shouting")], "wording"),
    ],
)
def test_tampered_state_names_the_field(kb: KnowledgeBase, fields: list[tuple[str, str]], field: str) -> None:
    with pytest.raises(InputError) as error:
        read_state(FormData(fields), kb, questionnaire=False)
    assert error.value.field == field


@pytest.mark.parametrize(
    ("fields", "questionnaire"),
    [
        ([("a", "hoffmann_sign=present")], True),  # an examination sign, from the patient
        ([("a", "hoffmann_sign=present"), ("wording", "patient")], False),
        ([("a", "cervical_cord_compression=present")], False),  # imaging is never asked in an interview
    ],
)
def test_answers_the_interview_could_not_have_asked_are_refused(
    kb: KnowledgeBase, fields: list[tuple[str, str]], questionnaire: bool
) -> None:
    with pytest.raises(InputError) as error:
        read_state(FormData(fields), kb, questionnaire=questionnaire)
    assert error.value.field == f"answers.{fields[0][1].partition('=')[0]}"
    assert "history" in str(error.value.allowed)


def test_a_clinician_interview_may_record_examination_signs(kb: KnowledgeBase) -> None:
    state = read_state(FormData([("a", "hoffmann_sign=present")]), kb, questionnaire=False)
    assert state.answers == {"hoffmann_sign": "present"}


def test_a_grouped_screening_answer_is_state_in_both_wordings(kb: KnowledgeBase) -> None:
    for questionnaire in (True, False):
        fields = [("a", "screen_cauda_equina_syndrome_1=absent"), ("a", "fever=present")]
        state = read_state(FormData(fields), kb, questionnaire=questionnaire)
        assert list(state.answers) == ["screen_cauda_equina_syndrome_1", "fever"]
        assert read_state(FormData(state.hidden()), kb, questionnaire=questionnaire) == state
    with pytest.raises(InputError) as error:
        read_state(FormData([("a", "screen_no_such_flag_1=absent")]), kb, questionnaire=False)
    assert error.value.field == "answers.screen_no_such_flag_1"
    rows = summary(kb, {"screen_cauda_equina_syndrome_1": "absent"}, plain=True)
    assert rows[0][1:] == ("No", "absent") and "bottom" in rows[0][0]
