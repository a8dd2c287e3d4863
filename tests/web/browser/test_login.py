"""With users configured: the restyled sign-in page, signing in and out, and the pages behind it."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.browser.conftest import PASSWORD, USER
from tests.web.browser.helpers import Console, screenshot

pytestmark = pytest.mark.browser


def test_sign_in_reach_the_pages_and_sign_out(users_page: Any, console: Console) -> None:
    page = users_page
    page.goto("/history")
    page.wait_for_url("**/login?next=/history")  # the pages are behind the login
    screenshot(page, "login")
    serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.get_by_label("User name").fill(USER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/history")
    assert USER in page.locator(".site-header .user").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.goto("/assess")
    assert "/login" in page.url
    assert console.errors == []
