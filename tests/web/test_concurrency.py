"""The record under load: concurrent writers lose and duplicate nothing, and a server killed
mid-write leaves a consistent database. A real server process over loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from spinetriage.assessment import Assessment
from spinetriage.case import parse_case
from spinetriage.knowledge import default_knowledge
from spinetriage.web.db import AssessmentRow, Database

from .server import running_server

pytestmark = pytest.mark.slow
CLIENTS = 8
PER_CLIENT = 200
FINDINGS = ["hand_clumsiness", "gait_disturbance", "sciatica", "neck_pain", "hoffmann_sign", "falls"]


def case_for(client: int, n: int) -> dict[str, Any]:
    """A different case per request, so a result stored under the wrong label would show."""
    status = "present" if (client + n) % 2 else "absent"
    return {"age": 30 + (n % 60), "findings": {FINDINGS[n % len(FINDINGS)]: status}}


def rows(database_url: str) -> list[AssessmentRow]:
    db = Database(database_url)
    try:
        with db.sessions() as session:
            return list(session.scalars(select(AssessmentRow)))
    finally:
        db.dispose()


def test_concurrent_clients_lose_and_duplicate_nothing(database_url: str, tmp_path: Path) -> None:
    errors: list[str] = []

    def client(index: int, url: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            for n in range(PER_CLIENT):
                label = f"c{index}-{n}"
                response = http.post("/api/v1/assessments", json=case_for(index, n), params={"label": label})
                if response.status_code != 201 or response.json()["label"] != label:
                    errors.append(f"{label}: {response.status_code}")

    with running_server(database_url, tmp_path / "server.log", workers=2, access_log=False) as server:
        threads = [threading.Thread(target=client, args=(i, server.url)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    stored = rows(database_url)
    assert len(stored) == CLIENTS * PER_CLIENT
    assert len({r.id for r in stored}) == len(stored)
    labels = {r.label for r in stored}
    assert labels == {f"c{i}-{n}" for i in range(CLIENTS) for n in range(PER_CLIENT)}
    for r in stored[::97]:
        i, n = (int(x) for x in r.label[1:].split("-"))
        assert r.case == case_for(i, n)


def test_server_killed_mid_write_leaves_a_consistent_database(database_url: str, backend: str, tmp_path: Path) -> None:
    acknowledged: set[str] = set()
    in_flight: set[str] = set()
    lock = threading.Lock()
    stop = threading.Event()
    failures: list[str] = []

    def client(index: int, url: str) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            n = 0
            while not stop.is_set():
                label = f"k{index}-{n}"
                n += 1
                with lock:
                    in_flight.add(label)
                try:
                    response = http.post("/api/v1/assessments", json=case_for(index, n), params={"label": label})
                except httpx.TransportError:
                    return  # the server is gone; this request may or may not have been stored
                if response.status_code != 201:
                    failures.append(f"{label}: {response.status_code}")
                    return
                with lock:
                    in_flight.discard(label)
                    acknowledged.add(label)

    with running_server(database_url, tmp_path / "server.log", workers=1, access_log=False) as server:
        threads = [threading.Thread(target=client, args=(i, server.url)) for i in range(6)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 120
        while len(acknowledged) < 150 and time.monotonic() < deadline and not failures:
            time.sleep(0.02)
        server.kill()
        stop.set()
        for t in threads:
            t.join()

    assert failures == []
    assert len(in_flight) <= 6  # at most one unanswered request per client
    assert len(acknowledged) >= 150, "the clients were still writing when the server was killed"
    db = Database(database_url)
    try:
        if backend == "sqlite":
            with db.engine.connect() as connection:
                assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        db.dispose()
    stored = rows(database_url)
    labels = {r.label for r in stored}
    assert len(labels) == len(stored)
    assert acknowledged <= labels, "an acknowledged write was lost"
    assert labels <= acknowledged | in_flight, "a row appeared that no client sent"
    assert len(acknowledged) <= len(stored) <= len(acknowledged) + len(in_flight)
    kb = default_knowledge()
    for r in stored:
        case = parse_case(r.case, kb)
        result = Assessment.model_validate(r.result)
        assert result.knowledge_version == r.knowledge_version == kb.version
        assert r.engine_version and r.owner == "local" and r.created_at is not None
        assert case.age == result.age
