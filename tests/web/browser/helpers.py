"""Helpers for the browser tests: filling the forms the way a user does, console capture, screenshots.

Set ``SPINETRIAGE_SCREENSHOTS=/some/dir`` to keep a screenshot of each page the tests look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

SCREENSHOTS_ENV = "SPINETRIAGE_SCREENSHOTS"
MYELOPATHY_PRESENT = [
    "Low back pain",
    "Hand clumsiness",
    "Gait disturbance",
    "Arm or hand numbness or tingling",
    "Hoffmann sign",
    "Broad-based gait",
]
MYELOPATHY_ABSENT = ["Sciatica", "Saddle anaesthesia", "Fever"]


class Console:
    """Errors the page reported (a blocked script or style shows up here as a CSP violation)."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def __call__(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)


def screenshot(page: Any, name: str, *, full_page: bool = True) -> None:
    """Keep a screenshot when SPINETRIAGE_SCREENSHOTS names a directory (never committed)."""
    directory = os.environ.get(SCREENSHOTS_ENV)
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=full_page)


def finding_group(page: Any, label: str) -> Any:
    """The radio group of one finding, found by its legend as a screen reader would."""
    name = re.compile(rf"^{re.escape(label)}( (exam|imaging|test))?$")
    return page.get_by_role("group", name=name)


def fill_myelopathy_case(page: Any) -> None:
    """A 64-year-old man with back pain, clumsy hands, an unsteady gait and a Hoffmann sign, then submit."""
    page.goto("/assess")
    page.get_by_label("Age").fill("64")
    page.get_by_role("radio", name="Male", exact=True).check()
    for label in MYELOPATHY_PRESENT:
        finding_group(page, label).locator("label", has_text="Present").click()
    for label in MYELOPATHY_ABSENT:
        finding_group(page, label).locator("label", has_text="Absent").click()
    page.get_by_label("Short label").fill("browser myelopathy")
    page.get_by_role("button", name="Assess and save").click()
    page.wait_for_url("**/assessments/*")


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF that Chromium wrote (each page object is typed /Page)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
