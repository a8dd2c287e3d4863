"""The patient completes the pre-visit questionnaire; it waits for the clinician, and shows no diagnosis."""

from __future__ import annotations

import re
from typing import Any

import pytest

from spinetriage.knowledge import default_knowledge
from tests.web.browser.helpers import Console, screenshot

pytestmark = pytest.mark.browser
MAX_STEPS = 80


def _assert_no_diagnosis(text: str) -> None:
    lowered = text.lower()
    assert "%" not in text
    assert "probab" not in lowered
    for condition in default_knowledge().conditions.values():
        assert condition.label.lower() not in lowered, condition.label


def _answer_all(page: Any, first: str, rest: str) -> int:
    answered = 0
    while page.locator("#finish").count() == 0:
        assert answered < MAX_STEPS, "the questionnaire did not end"
        before = page.locator("#question").inner_text()
        _assert_no_diagnosis(page.locator("main").inner_text())
        # ``first`` to the grouped first red-flag question and, after a yes, to its first member
        page.get_by_role("button", name=first if answered < 2 else rest, exact=True).click()
        answered += 1
        page.wait_for_function(
            "before => { const q = document.getElementById('question'); return q && q.textContent !== before; }",
            arg=before,
        )
    return answered


def test_questionnaire_ends_waiting_for_the_clinician(page: Any, console: Console) -> None:
    page.goto("/questionnaire")
    _assert_no_diagnosis(page.locator("main").inner_text())
    page.get_by_label("How old are you?").fill("66")
    page.get_by_label("Reference the clinic gave you").fill("Q-BROWSER-1")
    page.get_by_role("button", name="Start the questions").click()
    screenshot(page, "questionnaire-step")
    answered = _answer_all(page, "No", "No")
    assert answered >= 3
    screenshot(page, "questionnaire-review")
    page.get_by_role("button", name="Send my answers to the clinic").click()
    page.wait_for_url("**/questionnaire/thanks/*")
    screenshot(page, "questionnaire-thanks")
    assert page.get_by_role("heading", name="Thank you").is_visible()
    assert page.locator("#urgent-advice").count() == 0  # no red flag answered
    _assert_no_diagnosis(page.locator("body").inner_text())
    assert page.locator("nav.site-nav").count() == 0  # the patient is not offered the clinician's pages

    page.goto("/history")
    row = page.locator("table.history-table tr", has_text="Q-BROWSER-1")
    assert row.count() == 1
    assert "awaiting" in (row.get_attribute("class") or "")
    assert "awaiting clinician" in row.inner_text().lower()
    screenshot(page, "history")
    assert console.errors == []


def test_red_flag_answer_gives_urgent_advice_without_diagnosis(page: Any) -> None:
    page.goto("/questionnaire")
    page.get_by_role("button", name="Start the questions").click()
    _answer_all(page, "Yes", "No")  # the first question is a red-flag screening question
    alert = page.get_by_role("alert")
    assert re.search(r"medical help|emergency|doctor", alert.inner_text(), re.IGNORECASE)
    page.get_by_role("button", name="Send my answers to the clinic").click()
    page.wait_for_url("**/questionnaire/thanks/*")
    screenshot(page, "questionnaire-thanks-urgent")
    assert page.locator("#urgent-advice").is_visible()
    _assert_no_diagnosis(page.locator("body").inner_text())
