"""axe-core on every page: no serious or critical accessibility violation."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.browser.helpers import fill_myelopathy_case, screenshot

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
    page.get_by_role("button", name="Yes", exact=True).click()  # a red-flag answer: the advice banner shows
    page.locator("#urgent-advice").wait_for()
    problems += _scan(page, "questionnaire-advice")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/assess")
    screenshot(page, "assess-phone", full_page=False)
    problems += _scan(page, "assess-phone")
    assert problems == []
