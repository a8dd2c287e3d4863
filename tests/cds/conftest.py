"""Fixtures for the CDS Hooks tests: the web app (CDS mounted at /cds-services) on SQLite, and a
real FHIR server on loopback. Feedback tests also run on PostgreSQL (``backend``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spinetriage.web import create_app
from spinetriage.web.auth import Accounts
from spinetriage.web.db import Database
from spinetriage.web.settings import Settings
from tests.fhir.records import mechanical_record, myelopathy_record
from tests.web.conftest import BASE_URL, PASSWORD, fresh_database_url

from .fhir_server import FhirServer, running_fhir_server


@pytest.fixture
def database_url(tmp_path: Any) -> Iterator[str]:
    yield from fresh_database_url("sqlite", tmp_path)


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url)), base_url=BASE_URL) as c:
        yield c


@pytest.fixture
def fhir_server() -> Iterator[FhirServer]:
    with running_fhir_server([*myelopathy_record("p1"), *mechanical_record("p2")]) as server:
        yield server


@pytest.fixture
def client_with_users(database_url: str) -> Iterator[TestClient]:
    """The web app with a user, so not in local mode."""
    database = Database(database_url)
    database.upgrade()
    Accounts(database).add_user("ann", PASSWORD)
    database.dispose()
    with TestClient(create_app(Settings(database_url=database_url)), base_url=BASE_URL) as c:
        yield c
