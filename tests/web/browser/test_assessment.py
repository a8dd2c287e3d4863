"""The clinician fills the form for a myelopathy case and reads a cervical verdict with a cervical MRI."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser.helpers import Console, fill_myelopathy_case, finding_group, screenshot

pytestmark = pytest.mark.browser


def test_myelopathy_case_gives_cervical_verdict_and_cervical_mri(page: Any, console: Console) -> None:
    fill_myelopathy_case(page)
    screenshot(page, "result")
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "cervical"
    workup = page.locator("#workup")
    assert workup.get_by_text("MRI of the cervical spine").is_visible()
    # the "why" chart explains the top condition, with the finding that drove it
    why = page.locator("#why-degenerative_cervical_myelopathy")
    assert why.get_by_role("rowheader", name="Hand clumsiness = present").is_visible()
    # every source cited on the page resolves to an entry in the references section
    for href in page.locator("a[href^='#ref-']").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        assert page.locator(href).count() == 1, href
    assert console.errors == []


def test_form_is_keyboard_operable(page: Any) -> None:
    page.goto("/assess")
    group = finding_group(page, "Hand clumsiness")
    not_examined = group.get_by_role("radio", name="Not asked")  # a history item is asked (issue 13)
    assert not_examined.is_checked()  # unknown is the default: nothing is scored as normal
    not_examined.focus()
    page.keyboard.press("ArrowLeft")  # radio groups move with the arrow keys
    assert group.get_by_role("radio", name="Absent").is_checked()
    page.keyboard.press("ArrowLeft")
    assert group.get_by_role("radio", name="Present").is_checked()


def test_bad_age_is_named_and_answers_kept(page: Any) -> None:
    page.goto("/assess")
    page.get_by_label("Age").fill("7")
    finding_group(page, "Hand clumsiness").locator("label", has_text="Present").click()
    page.get_by_role("button", name="Assess and save").click()
    summary = page.locator("#error-summary")
    assert "age" in summary.inner_text()
    assert finding_group(page, "Hand clumsiness").get_by_role("radio", name="Present").is_checked()


def test_text_findings_are_quoted(page: Any) -> None:
    page.goto("/assess")
    page.get_by_label("Free text").fill("Unsteady broad-based gait. Positive Hoffmann sign on the right.")
    page.get_by_role("button", name="Assess and save").click()
    page.wait_for_url("**/assessments/*")
    table = page.locator("#from-text table")
    assert "Hoffmann" in table.inner_text()
    assert page.locator("#from-text q").count() >= 1


def test_rerun_from_history_is_identical(page: Any) -> None:
    fill_myelopathy_case(page)
    page.goto("/history?q=browser+myelopathy")
    page.locator("table.history-table tbody tr").first.get_by_role("button", name="Re-run").click()
    banner = page.locator("#rerun-result")
    assert "identical" in banner.inner_text()
    assert "different" not in banner.inner_text().lower()


def test_on_a_phone_the_work_up_follows_the_probabilities_and_no_link_is_cut_off(page: Any) -> None:
    """#13 item 13: on a phone the imaging advice was 3,900 px down and the navigation scrolled
    out of sight with no sign that it did."""
    fill_myelopathy_case(page)
    page.set_viewport_size({"width": 390, "height": 844})
    box = {name: page.locator(f"#{name}").bounding_box() for name in ("probabilities", "workup", "findings-used")}
    assert box["probabilities"]["y"] < box["workup"]["y"] < box["findings-used"]["y"]  # type: ignore[index]
    # the work-up comes straight after the probabilities: less than one card's gap between them
    gap = box["workup"]["y"] - (box["probabilities"]["y"] + box["probabilities"]["height"])  # type: ignore[index]
    assert gap < 40, gap
    width = page.evaluate("document.documentElement.clientWidth")
    for link in page.locator(".site-nav a").all():
        right = link.bounding_box()["x"] + link.bounding_box()["width"]  # type: ignore[index]
        assert right <= width + 0.5, link.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the phone


def test_times_are_shown_in_the_readers_time_zone(browser: Any, base_url: str) -> None:
    """#13 item 13: the history showed UTC times; the reader's zone is the one they think in."""
    from datetime import datetime, timedelta

    context = browser.new_context(
        base_url=base_url, timezone_id="Asia/Tokyo", locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        fill_myelopathy_case(page)
        page.goto("/history")
        cell = page.locator("table time[data-local]").first
        utc = datetime.strptime(cell.get_attribute("title") or "", "%Y-%m-%d %H:%M UTC")
        shown = cell.inner_text()
        tokyo = utc + timedelta(hours=9)
        assert "UTC" not in shown
        assert f"{tokyo:%H}:{tokyo:%M}" in shown and str(tokyo.day) in shown, (shown, utc)
    finally:
        context.close()
