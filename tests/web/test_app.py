"""The app each ``spinetriage serve`` worker runs."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from spinetriage.web.app import app_from_env
from spinetriage.web.settings import ENV_DATABASE_URL


def test_a_worker_takes_what_it_loaded_at_start_out_of_the_garbage_collectors_walk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Otherwise each full collection walks the knowledge base and the model again, stalling the worker."""
    monkeypatch.setenv(ENV_DATABASE_URL, f"sqlite:///{tmp_path / 'worker.db'}")
    gc.unfreeze()
    try:
        app = app_from_env()
        assert gc.get_freeze_count() > 10_000
        app.state.spinetriage.database.dispose()
    finally:
        gc.unfreeze()
