"""The printable report: print media hides navigation and forms, and the PDF is one to two pages."""

from __future__ import annotations

from typing import Any

import pytest

from spinetriage.web.assess_form import examples
from tests.web.browser.helpers import fill_myelopathy_case, finding_group, pdf_pages, screenshot

pytestmark = pytest.mark.browser


def test_print_view_hides_navigation_and_fits_two_pages(page: Any) -> None:
    fill_myelopathy_case(page)
    assert page.locator("nav.site-nav").is_visible()
    page.emulate_media(media="print")
    screenshot(page, "result-print")
    assert not page.locator("nav.site-nav").is_visible()
    assert not page.get_by_role("button", name="Re-run").is_visible()
    assert page.locator("#verdict").is_visible()
    assert page.locator("#references").is_visible()
    pages = pdf_pages(page.pdf(format="A4", print_background=True))
    assert 1 <= pages <= 2, f"the printed report has {pages} pages"


def test_busy_report_still_fits_two_pages(page: Any) -> None:
    """Red flags, a myelopathy picture, a note with quotes and a conflict: still one or two pages."""
    page.goto("/assess")
    page.get_by_label("Age").fill("72")
    present = ["Low back pain", "Saddle anaesthesia", "Urinary retention", "Sciatica", "Fever", "History of cancer"]
    for label in [*present, "Hand clumsiness", "Gait disturbance", "Hoffmann sign"]:
        finding_group(page, label).locator("label", has_text="Present").click()
    page.get_by_label("Free text").fill(
        "72F, 6 months of low back pain and unsteady gait. Clumsy hands. No fever. Broad-based gait, "
        "positive Romberg, brisk knee jerks, upgoing plantars. Numbness in both legs; walking brings on leg pain "
        "relieved by sitting. MRI: C5-6 disc herniation with cord compression and T2 signal change; "
        "L4-5 canal stenosis and grade 1 spondylolisthesis."
    )
    page.get_by_role("button", name="Assess and save").click()
    page.wait_for_url("**/assessments/*")
    assert page.locator("#red-flags").is_visible()
    assert page.locator("#conflicts").is_visible()  # the note says no fever; the form says fever
    screenshot(page, "result-busy")
    page.emulate_media(media="print")
    pages = pdf_pages(page.pdf(format="A4", print_background=True))
    assert 1 <= pages <= 2, f"the printed report has {pages} pages"


@pytest.mark.parametrize("name", sorted(examples()))
def test_every_example_prints_on_one_or_two_pages(page: Any, name: str) -> None:
    page.goto(f"/assess?example={name}")
    page.get_by_role("button", name="Assess and save").click()
    page.wait_for_url("**/assessments/*")
    screenshot(page, f"example-{name}")
    page.emulate_media(media="print")
    pages = pdf_pages(page.pdf(format="A4", print_background=True))
    assert 1 <= pages <= 2, f"the printed report of {name} has {pages} pages"


def test_printed_references_stay_inside_their_columns(page: Any) -> None:
    """#13 item 13: long references ran into the next column on paper."""
    fill_myelopathy_case(page)
    page.emulate_media(media="print")
    overflowing = page.evaluate(
        "() => [...document.querySelectorAll('#references li')]"
        ".filter(li => li.scrollWidth > li.clientWidth + 1).map(li => li.textContent.slice(0, 60))"
    )
    assert page.locator("#references li").count() > 5
    assert overflowing == []
