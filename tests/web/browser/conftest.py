"""Browser tests: the real app under uvicorn on a free loopback port, driven by Debian's Chromium.

Chromium comes from the system (``/usr/bin/chromium``; ``.ci/run`` installs it), never
from ``playwright install``. Without it the tests are skipped locally with the reason,
but fail in CI (``CI`` set), so they cannot silently stop running there.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from spinetriage.web import create_app
from spinetriage.web.auth import Accounts
from spinetriage.web.db import Database
from spinetriage.web.settings import Settings
from tests.web.browser.helpers import Console
from tests.web.server import free_port

CHROMIUM = Path("/usr/bin/chromium")
USER = "clinician"
PASSWORD = "a long test password"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the web pages in Chromium (runs in CI)")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium), as .ci/run does"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


def _serve(database: Path, users: tuple[str, ...] = ()) -> Iterator[str]:
    """The real app on a free loopback port, served by uvicorn in a thread, until the generator closes."""
    url = f"sqlite:///{database}"
    if users:
        db = Database(url)
        db.upgrade()
        accounts = Accounts(db)
        for name in users:
            accounts.add_user(name, PASSWORD)
        db.dispose()
    port = free_port()
    app = create_app(Settings(host="127.0.0.1", port=port, database_url=url))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the app did not start under uvicorn")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[str]:
    """The app in local mode (no users) on a temporary SQLite database."""
    yield from _serve(tmp_path_factory.mktemp("browser") / "record.db")


@pytest.fixture(scope="session")
def users_base_url(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[str]:
    """The app with users (login required), on its own temporary SQLite database."""
    yield from _serve(tmp_path_factory.mktemp("browser-users") / "record.db", users=(USER,))


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def console() -> Console:
    return Console()


def new_page(browser: Any, base_url: str, console: Console) -> Iterator[Any]:
    """A page in a fresh browser context (its own cookies) on ``base_url``, reporting to ``console``."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", console)
    yield page
    context.close()


@pytest.fixture
def page(browser: Any, base_url: str, console: Console) -> Iterator[Any]:
    yield from new_page(browser, base_url, console)


@pytest.fixture
def users_page(browser: Any, users_base_url: str, console: Console) -> Iterator[Any]:
    """A page on the app with users (signed out)."""
    yield from new_page(browser, users_base_url, console)
