"""The service alone: ``create_standalone_app``, ``spinetriage cds serve`` as a real process, the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from spinetriage.cds import create_standalone_app
from spinetriage.cli import app
from spinetriage.web.settings import Settings
from tests.fhir.records import myelopathy_record, prefetch_for
from tests.web.conftest import BASE_URL
from tests.web.server import SERVE, free_port

from .fhir_server import FhirServer
from .hooks import PATIENT_VIEW, checked_cards, request

runner = CliRunner()


def test_the_standalone_app_answers_hooks_and_stores_feedback(database_url: str) -> None:
    with TestClient(create_standalone_app(Settings(database_url=database_url)), base_url=BASE_URL) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        assert len(client.get("/cds-services").json()["services"]) == 3
        response = client.post(PATIENT_VIEW, json=request("patient-view", "p1", prefetch_for(myelopathy_record("p1"))))
        [card] = checked_cards(response.json())
        assert "links" not in card  # no pages to link to when the service runs alone
        feedback = {
            "feedback": [{"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-12-06T02:00:00Z"}]
        }
        assert client.post(PATIENT_VIEW + "/feedback", json=feedback).json() == {"stored": 1, "duplicates": 0}
        assert client.get("/api/v1/assessments").status_code == 404  # only CDS Hooks here


def test_serve_refuses_an_address_other_machines_can_reach() -> None:
    result = runner.invoke(app, ["cds", "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--host" in result.output and "--cds-issuer" in result.output


def test_services_prints_the_discovery_document() -> None:
    result = runner.invoke(app, ["cds", "services"])
    assert result.exit_code == 0
    services = json.loads(result.output)["services"]
    assert [s["hook"] for s in services] == ["patient-view", "order-select", "order-sign"]


def test_a_real_server_fetches_from_a_real_fhir_server(
    database_url: str, fhir_server: FhirServer, tmp_path: Path
) -> None:
    """End to end over sockets: the CDS service as a process, the record in a FHIR server, nothing prefetched."""
    port = free_port()
    command = [sys.executable, "-c", SERVE, "cds", "serve", "--port", str(port), "--database-url", database_url]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPINETRIAGE_")}
    log = tmp_path / "cds.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        sick = httpx.post(
            base + PATIENT_VIEW, json=request("patient-view", "p1", fhirServer=fhir_server.url), timeout=30
        )
        [card] = checked_cards(sick.json())
        assert "DocumentReference/n1" in card["detail"]
        well = httpx.post(
            base + PATIENT_VIEW, json=request("patient-view", "p2", fhirServer=fhir_server.url), timeout=30
        )
        assert checked_cards(well.json()) == []
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    logged = log.read_text()
    assert "clumsy" not in logged  # the access log holds no record text
    assert "patient=p1" not in logged  # nor the FHIR search URLs (httpx logs them at INFO)
