"""Issue 13, item 1: simultaneous sign-ins cannot get past the throttle, and password checks
(about 64 MiB each with argon2) run a few at a time however many arrive together."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI

from spinetriage.web import create_app
from spinetriage.web.auth import Accounts, LoginThrottle
from spinetriage.web.db import Database
from spinetriage.web.settings import Settings

from .conftest import BASE_URL, PASSWORD

T = TypeVar("T")
ATTEMPTS = 60
LIMIT = 10


def run_in_new_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture
def app(database_url: str) -> Iterator[FastAPI]:
    database = Database(database_url)
    database.upgrade()
    Accounts(database).add_user("ann", PASSWORD)
    database.dispose()
    app = create_app(Settings(database_url=database_url))
    app.state.spinetriage.throttle.limit = LIMIT
    yield app
    app.state.spinetriage.database.dispose()


class GatedVerify:
    """Stands in for ``Accounts.verify_password``: counts the checks and holds each one until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.gate = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, name: str, password: str) -> bool:
        with self._lock:
            self.calls += 1
        self.gate.wait(timeout=30)
        return password == PASSWORD


async def attempt_together(app: FastAPI, forms: list[dict[str, str]], verify: GatedVerify) -> list[int]:
    """Post every form at once; release the password checks when more than ``LIMIT`` have started
    (the throttle was bypassed) or when every attempt not checked has been answered."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        page = await client.get("/login")
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match
        answered: list[int] = []

        async def post(form: dict[str, str]) -> int:
            response = await client.post("/login", data={**form, "csrf_token": match.group(1)})
            answered.append(response.status_code)
            return response.status_code

        tasks = [asyncio.create_task(post(form)) for form in forms]
        deadline = time.monotonic() + 30  # only against a hang; nothing is asserted about time
        while verify.calls <= LIMIT and len(answered) < len(forms) - LIMIT and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        verify.gate.set()
        return list(await asyncio.gather(*tasks))


@pytest.mark.parametrize(
    "make_form",
    [
        pytest.param(lambda i: {"username": "ann", "password": f"wrong {i:04d}"}, id="one-user"),
        pytest.param(lambda i: {"username": f"user{i}", "password": f"wrong {i:04d}"}, id="one-address"),
    ],
)
def test_simultaneous_attempts_are_counted_before_the_password_is_checked(
    app: FastAPI, make_form: Callable[[int], dict[str, str]]
) -> None:
    verify = GatedVerify()
    app.state.spinetriage.accounts.verify_password = verify
    forms = [make_form(i) for i in range(ATTEMPTS - 1)] + [{"username": "ann", "password": PASSWORD}]
    statuses = run_in_new_loop(attempt_together(app, forms, verify))
    assert verify.calls == LIMIT  # 60 at once: only as many checked as the throttle allows
    assert statuses.count(429) == ATTEMPTS - LIMIT
    assert statuses.count(303) <= 1


def test_password_checks_run_a_few_at_a_time(app: FastAPI) -> None:
    app.state.spinetriage.throttle.limit = 1000
    inside = 0
    most = 0
    lock = threading.Lock()

    def verify(name: str, password: str) -> bool:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.02)  # long enough for the others to arrive; the assertion is on a count
        with lock:
            inside -= 1
        return False

    app.state.spinetriage.accounts.verify_password = verify
    forms = [{"username": f"user{i}", "password": "wrong password"} for i in range(24)]
    never = GatedVerify()
    never.gate.set()
    statuses = run_in_new_loop(attempt_together(app, forms, never))
    assert statuses == [401] * 24
    assert most <= app.state.spinetriage.verifications.total


def test_a_right_password_takes_back_only_its_own_count_on_the_address() -> None:
    throttle = LoginThrottle(limit=3, window=60)
    throttle.failed(["user:bob", "client:10.0.0.1"], now=0.0)
    wait, stamp = throttle.attempt(["user:ann", "client:10.0.0.1"], now=1.0)
    assert wait == 0
    throttle.succeeded(["user:ann", "client:10.0.0.1"], stamp)
    throttle.failed(["user:eve", "client:10.0.0.1"], now=2.0)
    assert throttle.retry_after(["client:10.0.0.1"], now=2.5) == 0  # bob's and eve's failures only
    throttle.failed(["user:eve", "client:10.0.0.1"], now=3.0)
    assert throttle.retry_after(["client:10.0.0.1"], now=3.5) == 57
