"""Issue 13, item 7: proxy headers believed only when configured, Secure cookies and HSTS on
request, and a Host header the server does not answer to is refused (no reflected redirects)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from spinetriage.cli import app
from spinetriage.web.settings import (
    ENV_ALLOWED_HOSTS,
    ENV_DATABASE_URL,
    ENV_HOST,
    ENV_PORT,
    ENV_SECURE_COOKIES,
    settings_from_env,
)

runner = CliRunner()
MakeClient = Callable[..., TestClient]


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """``uvicorn.run`` recorded instead of started; the variables serve sets are restored afterwards."""
    import uvicorn

    for name in (ENV_HOST, ENV_PORT, ENV_DATABASE_URL, ENV_SECURE_COOKIES, ENV_ALLOWED_HOSTS):
        monkeypatch.setenv(name, "")
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    return calls


def test_serve_believes_no_proxy_headers_unless_told(database_url: str, uvicorn_calls: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["serve", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert uvicorn_calls[-1]["proxy_headers"] is False  # uvicorn's default believes 127.0.0.1
    result = runner.invoke(app, ["serve", "--database-url", database_url, "--forwarded-allow-ips", "127.0.0.1"])
    assert result.exit_code == 0, result.output
    assert uvicorn_calls[-1]["proxy_headers"] is True
    assert uvicorn_calls[-1]["forwarded_allow_ips"] == "127.0.0.1"


def test_serve_hands_secure_cookies_and_allowed_hosts_to_the_workers(
    database_url: str, uvicorn_calls: list[dict[str, Any]]
) -> None:
    args = ["serve", "--database-url", database_url, "--secure-cookies", "--allowed-host", "triage.example.org"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    settings = settings_from_env()
    assert settings.loopback and settings.cookie_secure
    assert settings.allowed_hosts == ("triage.example.org",)


def test_secure_cookies_and_hsts_on_loopback_behind_a_tls_proxy(make_client: MakeClient) -> None:
    client = make_client(users=("ann",), secure_cookies=True)
    page = client.get("/login")
    assert page.headers["strict-transport-security"].startswith("max-age=")
    csrf_cookie = next(c for c in page.headers.get_list("set-cookie") if c.startswith("spinetriage_csrf="))
    assert "Secure" in csrf_cookie


def test_a_host_the_server_does_not_answer_to_is_refused(make_client: MakeClient) -> None:
    client = make_client(users=("ann",), allowed_hosts=("triage.example.org",))
    forged = client.get("/history/", headers={"host": "evil.example"}, follow_redirects=False)
    assert forged.status_code == 421
    assert "evil.example" not in forged.headers.get("location", "") + forged.text
    good = client.get("/login", headers={"host": "triage.example.org"})
    assert good.status_code == 200
    assert re.search(r'name="csrf_token"', good.text)
    assert client.get("/login", headers={"host": "triage.example.org:8443"}).status_code == 200
