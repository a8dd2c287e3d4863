"""Patient questions are plain: a reading grade the public can manage and no clinical jargon."""

from __future__ import annotations

import pytest

from spinetriage.interview.readability import JARGON, fk_grade, jargon_in, syllables
from spinetriage.interview.screening import group_text, screening_groups, short_phrase
from spinetriage.knowledge import KnowledgeBase, default_knowledge
from spinetriage.vocab import FindingKind

MAX_GRADE = 8.0  # the upper end of the grade 6-8 that NIH and AMA guidance asks of patient material


@pytest.mark.parametrize(
    ("word", "count"),
    [("pain", 1), ("leg", 1), ("walking", 2), ("numbness", 2), ("table", 2), ("injection", 3), ("radiculopathy", 6)],
)
def test_syllable_estimate(word: str, count: int) -> None:
    assert syllables(word) == count


def test_fk_grade_formula_on_a_worked_sentence() -> None:
    # 8 words, 1 sentence, 9 syllables: 0.39 * 8 + 11.8 * 9 / 8 - 15.59
    assert fk_grade("Do you have pain in your lower back?") == pytest.approx(0.39 * 8 + 11.8 * 9 / 8 - 15.59)
    assert fk_grade("Short words help. Long ones do not.") < fk_grade(
        "Radiculopathy characteristically manifests dermatomal paraesthesia."
    )
    assert fk_grade("") == 0.0


def test_jargon_is_found_in_any_case() -> None:
    assert jargon_in("Is your Babinski sign positive?") == ["babinski"]
    assert jargon_in("Do you have pain in your neck?") == []
    assert all(term == term.lower() for term in JARGON)


def history_questions() -> list[tuple[str, str]]:
    kb = default_knowledge()
    return [(f.id, f.patient_question or "") for f in kb.findings.values() if f.kind is FindingKind.HISTORY]


@pytest.mark.parametrize(("finding", "question"), history_questions())
def test_every_patient_question_is_plain(finding: str, question: str) -> None:
    assert question, f"{finding} has no patient question"
    assert fk_grade(question) <= MAX_GRADE, f"{finding}: grade {fk_grade(question):.1f}: {question}"
    assert jargon_in(question) == [], f"{finding}: jargon {jargon_in(question)}"


def test_patient_mode_asks_only_questions_with_plain_text(kb: KnowledgeBase) -> None:
    from spinetriage.interview import apply_answer, next_step

    answers: dict[str, str] = {}
    grouped = 0
    while (step := next_step(answers, mode="patient")).question is not None:
        question = step.question
        if question.group is None:
            assert question.text == kb.findings[question.finding].patient_question
        else:
            grouped += 1
            assert_plain(question.text)
            assert all(short_phrase(kb, f) in question.text for f in question.findings)
        answers = apply_answer(step, "present" if len(answers) % 3 == 0 else "absent", answers)
    assert grouped


def assert_plain(text: str) -> None:
    assert fk_grade(text) <= MAX_GRADE, f"grade {fk_grade(text):.1f}: {text}"
    assert jargon_in(text) == [], f"jargon {jargon_in(text)}: {text}"


def test_every_grouped_screening_question_is_plain(kb: KnowledgeBase) -> None:
    """Each clause's grouped question, and each shorter group left after some members are answered."""
    groups = screening_groups(kb).values()
    assert groups
    for group in groups:
        for size in range(2, len(group.members) + 1):
            for start in range(len(group.members) - size + 1):
                assert_plain(group_text(kb, group.members[start : start + size], "patient"))
        for member in group.members:
            assert_plain(short_phrase(kb, member))
