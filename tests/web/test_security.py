"""Security headers on every response, and no patient details in the logs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from .server import running_server

SECRET_TEXT = "Mrs Zanzibarova of 12 Quillfeather Lane reports clumsy hands"
CASE = {
    "age": 71,
    "sex": "female",
    "findings": {"hoffmann_sign": "present", "lhermitte_sign": "absent"},
    "text": SECRET_TEXT,
}
LABEL = "Quillfeather-ward-bed-9"
PATIENT_DETAILS = ["Zanzibarova", "Quillfeather", "hoffmann", "lhermitte", "clumsy"]
CLIENT_LOGGERS = ("httpx", "httpcore", "httpx2")  # the test's own HTTP client, not the server


@pytest.mark.parametrize("path", ["/api/v1/knowledge", "/api/v1/nothing", "/login", "/healthz"])
def test_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path, follow_redirects=False).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"


SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "permissions-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
)


def test_security_headers_on_every_kind_of_response(client: TestClient) -> None:
    """Not only the ordinary routes: static files, HTML error pages, and the middleware's own refusals."""
    responses = {
        "static": client.get("/static/app.css"),
        "html 404": client.get("/no-such-page", headers={"accept": "text/html"}),
        "422": client.post("/api/v1/assessments", json={"age": "old"}),
        "413": client.post("/api/v1/extract", content=b"{}", headers={"content-length": str(10**9)}),
        "421": client.get("/", headers={"host": "evil.example"}),
    }
    assert [r.status_code for r in responses.values()] == [200, 404, 422, 413, 421]
    for name, response in responses.items():
        missing = [h for h in SECURITY_HEADERS if h not in response.headers]
        assert missing == [], name
    assert responses["static"].headers.get("cache-control") != "no-store"  # static files may be cached


def test_hsts_only_when_cookies_are_secure(client: TestClient, make_client: Callable[..., TestClient]) -> None:
    assert "strict-transport-security" not in client.get("/healthz").headers
    deployed = make_client(users=("ann",), host="0.0.0.0")
    assert deployed.get("/healthz").headers["strict-transport-security"].startswith("max-age=")


def test_assess_request_logs_no_patient_details(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        response = client.post("/api/v1/assessments", json=CASE, params={"label": LABEL})
        assert response.status_code == 201
        client.get(f"/api/v1/assessments/{response.json()['id']}")
        client.post("/api/v1/assessments", json={**CASE, "age": "Zanzibarova"})  # an error too
    server_log = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(CLIENT_LOGGERS))
    assert '"POST /api/v1/assessments" 201' in server_log  # the access log is there...
    for detail in PATIENT_DETAILS:
        assert detail.lower() not in server_log.lower()  # ...without the case


def test_server_log_holds_no_patient_details(database_url: str, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with running_server(database_url, log, workers=1) as server:
        created = httpx.post(f"{server.url}/api/v1/assessments", json=CASE, params={"label": LABEL})
        assert created.status_code == 201
        httpx.get(f"{server.url}/api/v1/assessments", params={"q": "Quillfeather"})
        httpx.post(f"{server.url}/api/v1/extract", json={"text": SECRET_TEXT})
        bad = httpx.post(f"{server.url}/api/v1/assessments", json={**CASE, "findings": {"Zanzibarova": "present"}})
        assert bad.status_code == 422
    text = log.read_text()
    assert '"POST /api/v1/assessments" 201' in text
    for detail in PATIENT_DETAILS:
        assert detail.lower() not in text.lower()


@pytest.mark.parametrize(
    "raw", ["/a%0d%0a127.0.0.1%20%22GET%20/admin%22%20200", "/a%00b", "/a%1b%5b31mred", "/a%e2%80%a8b"]
)
def test_control_characters_in_a_path_are_escaped_in_the_access_log(
    client: TestClient, caplog: pytest.LogCaptureFixture, raw: str
) -> None:
    """Issue 13, item 8: CR/LF and NUL were written raw, so a path could forge a log line."""
    with caplog.at_level(logging.INFO, logger="spinetriage.web.access"):
        client.get(raw)
    lines = [r.getMessage() for r in caplog.records if r.name == "spinetriage.web.access"]
    assert len(lines) == 1
    line = lines[0]
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F or ch in "\u2028\u2029" for ch in line)
    assert line.count('"') == 2  # the request's quotes are the only ones
