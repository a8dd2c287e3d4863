"""The clinician interview: one question at a time, announced to screen readers, back, and the stored result."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser.helpers import Console, screenshot

pytestmark = pytest.mark.browser


def test_interview_steps_back_and_stores_the_assessment(page: Any, console: Console) -> None:
    page.goto("/interview")
    page.get_by_role("spinbutton", name="Age").fill("70")
    page.get_by_role("button", name="Start the interview").click()
    first = page.locator("#question").inner_text()
    page.get_by_role("button", name="No", exact=True).click()
    page.wait_for_function("q => document.getElementById('question').textContent !== q", arg=first)
    second = page.locator("#question").inner_text()
    # the new question is announced through the live region and has the focus
    assert second in page.locator("#step-live").inner_text()
    assert page.evaluate("document.activeElement.id") == "question"
    assert page.locator("#summary li").count() == 1
    screenshot(page, "interview-step")

    page.get_by_role("button", name="Go back").click()
    page.wait_for_function("q => document.getElementById('question').textContent === q", arg=first)
    assert page.locator("#summary li").count() == 0

    page.keyboard.press("Tab")  # keyboard only: Tab to the first answer and press Enter
    page.keyboard.press("Enter")
    page.wait_for_function("q => document.getElementById('question').textContent !== q", arg=first)
    page.get_by_role("button", name="Stop and review").click()
    page.get_by_role("button", name="Save and see the assessment").click()
    page.wait_for_url("**/assessments/*")
    assert page.locator("[data-verdict]").count() == 1
    assert console.errors == []


def test_interview_works_without_javascript(browser: Any, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/interview")
        page.get_by_role("button", name="Start the interview").click()
        first = page.locator("#question").inner_text()
        page.get_by_role("button", name="Yes", exact=True).click()
        assert page.locator("#question").inner_text() != first
        assert page.locator("#summary li").count() == 1
    finally:
        context.close()
