"""axe-core on every page: no serious or critical accessibility violation."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.browser.helpers import fill_myelopathy_case, finding_group, screenshot

pytestmark = pytest.mark.browser
BLOCKING = {"serious", "critical"}


def _scan(page: Any, name: str) -> list[str]:
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [
        f"{name}: {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_no_serious_violations_on_any_page(page: Any) -> None:
    problems: list[str] = []
    for path, name in [
        ("/", "home"),
        ("/assess", "assess"),
        ("/interview", "interview-start"),
        ("/questionnaire", "questionnaire-start"),
        ("/knowledge", "knowledge"),
    ]:
        page.goto(path)
        screenshot(page, name)
        problems += _scan(page, name)

    fill_myelopathy_case(page)
    problems += _scan(page, "result")
    page.goto("/history")
    problems += _scan(page, "history")

    page.goto("/interview")
    page.get_by_role("button", name="Start the interview").click()
    problems += _scan(page, "interview-step")

    page.goto("/questionnaire")
    page.get_by_role("button", name="Start the questions").click()
    problems += _scan(page, "questionnaire-step")
    before = page.locator("#question").inner_text()
    page.get_by_role("button", name="Yes", exact=True).click()  # yes to the grouped red-flag question,
    page.wait_for_function("b => document.getElementById('question').textContent !== b", arg=before)
    page.get_by_role("button", name="Yes", exact=True).click()  # then to its first member: the advice shows
    page.locator("#urgent-advice").wait_for()
    problems += _scan(page, "questionnaire-advice")

    # the end of the questionnaire: review, then the patient's thank-you with the advice
    while page.locator("#finish").count() == 0:
        before = page.locator("#question").inner_text()
        page.get_by_role("button", name="No", exact=True).click()
        page.wait_for_function("b => document.getElementById('question').textContent !== b", arg=before)
    problems += _scan(page, "questionnaire-review")
    page.locator("#finish").click()
    page.wait_for_url("**/questionnaire/thanks/*")
    problems += _scan(page, "questionnaire-thanks")

    # a report with red flags, a note, quotes and a conflict
    page.goto("/assess")
    for label in ["Low back pain", "Saddle anaesthesia", "Fever"]:
        finding_group(page, label).locator("label", has_text="Present").click()
    page.get_by_label("Free text").fill("No fever. Positive Hoffmann sign. MRI: C5-6 cord compression.")
    page.get_by_role("button", name="Assess and save").click()
    page.wait_for_url("**/assessments/*")
    page.locator("details").evaluate_all("els => els.forEach(e => e.open = true)")  # scan the disclosed text too
    problems += _scan(page, "result-red-flags")
    page.goto("/assessments/not-an-id")
    problems += _scan(page, "not-found")
    page.goto("/assess")  # a form whose CSRF token no longer matches: the "please try again" page
    page.locator("input[name=csrf_token]").first.evaluate("e => e.value = 'stale'")
    page.get_by_role("button", name="Assess and save").click()
    page.locator("#form-expired").wait_for()
    problems += _scan(page, "form-expired")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/assess")
    screenshot(page, "assess-phone", full_page=False)
    problems += _scan(page, "assess-phone")
    assert problems == []


def test_the_scan_would_catch_a_violation(page: Any) -> None:
    """Guard against a vacuous pass: an image without alt text and an unnamed button are reported."""
    page.goto("/")
    page.evaluate(
        """() => {
            const img = document.createElement('img'); img.src = '/static/favicon.svg';
            const button = document.createElement('button');
            document.querySelector('main').append(img, button);
        }"""
    )
    found = " ".join(_scan(page, "broken"))
    assert "image-alt" in found and "button-name" in found
