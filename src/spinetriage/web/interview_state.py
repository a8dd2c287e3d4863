"""Interview state carried in hidden form fields: the answers so far, in order, and the patient details.

The interview engine is stateless (answers in, next question out), so each page posts
back everything it was given. The state lives in the form body, never in the URL, because
URLs end up in server and proxy logs. Whatever comes back is checked again: a tampered
field is an error naming it, never a silent default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.datastructures import FormData

from spinetriage.assessment import DEFAULT_SETTING
from spinetriage.case import MAX_AGE, MIN_AGE
from spinetriage.errors import InputError
from spinetriage.interview.engine import KINDS, question_text
from spinetriage.interview.screening import screening_groups
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.web.assess_form import STATUS_WORDS
from spinetriage.web.store import check_label

ANSWER_FIELD = "a"
INTERVIEW_WORDS = {"present": "Yes", "absent": "No", "unknown": "Don't know"}
PATIENT_WORDS = {"present": "Yes", "absent": "No", "unknown": "Not sure"}


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True)
class InterviewState:
    """Everything an interview step needs, read back from the hidden fields of the last page.

    ``wording`` is the interview engine's mode: ``clinician`` (history and exam, clinical
    terms) or ``patient`` (history only, plain language). The questionnaire is always
    ``patient``; the clinician's interview may use either.
    """

    answers: dict[str, str]
    age: int | None
    sex: str | None
    setting: str
    label: str
    wording: str

    def hidden(self) -> list[tuple[str, str]]:
        fields = [(ANSWER_FIELD, f"{f}={s}") for f, s in self.answers.items()]
        fields += [("age", "" if self.age is None else str(self.age)), ("sex", self.sex or "")]
        fields += [("setting", self.setting), ("label", self.label), ("wording", self.wording)]
        return fields


WORDINGS = ("clinician", "patient")


def check_answerable(kb: KnowledgeBase, finding: str, wording: str) -> None:
    """A finding this interview could have asked: known, and in plain wording (the patient answering)
    a history item, so a tampered questionnaire cannot record an examination sign or an MRI finding.
    A grouped red-flag screening question's key is answerable too (its members are history items)."""
    if finding in screening_groups(kb):
        return
    if finding not in kb.findings:
        raise InputError(f"answers.{finding[:60]}", "unknown finding identifier")
    if kb.findings[finding].kind not in KINDS[wording]:
        kinds = " and ".join(sorted(k.value for k in KINDS[wording]))
        raise InputError(f"answers.{finding}", "not asked in this interview", f"{kinds} findings only")


def read_state(form: FormData, kb: KnowledgeBase, questionnaire: bool) -> InterviewState:
    wording = "patient" if questionnaire else (_text(form, "wording") or "clinician")
    if wording not in WORDINGS:
        raise InputError("wording", "not an allowed value", ", ".join(WORDINGS))
    answers: dict[str, str] = {}
    for raw in form.getlist(ANSWER_FIELD):
        finding, _, status = str(raw).partition("=")
        check_answerable(kb, finding, wording)
        if status not in STATUS_WORDS:
            raise InputError(f"answers.{finding}", "status not in the vocabulary", "present, absent, unknown")
        answers[finding] = status
    age_text = _text(form, "age")
    age: int | None = None
    if age_text:
        try:
            age = int(age_text)
        except ValueError:
            raise InputError("age", "must be a whole number of years", f"{MIN_AGE} to {MAX_AGE}") from None
        if not MIN_AGE <= age <= MAX_AGE:
            raise InputError("age", "out of range", f"{MIN_AGE} to {MAX_AGE}")
    sex = _text(form, "sex") or None
    if sex not in (None, "female", "male"):
        raise InputError("sex", "not an allowed value", "female, male")
    setting = _text(form, "setting") or DEFAULT_SETTING
    if setting not in kb.settings:
        raise InputError("setting", "unknown setting", ", ".join(kb.settings))
    label = _text(form, "label")
    check_label(label)
    return InterviewState(answers, age, sex, setting, label, wording)


def summary(kb: KnowledgeBase, answers: Mapping[str, str], plain: bool) -> list[tuple[str, str, str]]:
    words = PATIENT_WORDS if plain else INTERVIEW_WORDS
    rows = []
    for finding, status in answers.items():
        if finding in screening_groups(kb):  # a grouped screening question: its own words
            text = question_text(kb, finding, "patient" if plain else "clinician")
        else:
            f = kb.findings[finding]
            text = (f.patient_question or f.label) if plain else f.label
        rows.append((text, words[status], status))
    return rows
