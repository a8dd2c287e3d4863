"""The question ranker (spinetriage.assessment.questions)."""

from __future__ import annotations

from spinetriage import assess
from spinetriage.assessment.questions import NEGLIGIBLE_IMPACT

# A patient whose origin is settled: every open question moves it by less than one in a million.
# Before the threshold, "worth asking next" filled up with such questions, shown as 0%, in an order
# set by rounding noise in the sums.
SETTLED = {
    "age": 89,
    "sex": "male",
    "findings": {
        "sciatica": "present",
        "weight_loss": "absent",
        "straight_leg_raise_positive": "present",
        "ataxia": "absent",
        "diminished_pedal_pulses": "present",
        "cognitive_decline": "present",
        "leg_pain_worse_than_back": "absent",
        "elevated_inflammatory_markers": "absent",
    },
}


def test_a_question_that_cannot_move_the_origin_is_not_worth_asking() -> None:
    result = assess(SETTLED)
    assert all(q.impact > NEGLIGIBLE_IMPACT for q in result.next_questions)
    exams = [w for w in result.workup if w.kind == "exam"]
    assert all("0%" not in (w.reason or "") for w in exams)


def test_questions_that_can_move_the_origin_are_still_ranked_largest_first() -> None:
    result = assess({"age": 66, "sex": "male", "findings": {"low_back_pain": "present", "hand_clumsiness": "present"}})
    impacts = [q.impact for q in result.next_questions]
    assert impacts, "an unsettled patient has questions worth asking"
    assert impacts == sorted(impacts, reverse=True)
    assert all(i > NEGLIGIBLE_IMPACT for i in impacts)
