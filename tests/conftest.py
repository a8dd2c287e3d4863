"""Shared fixtures: the shipped knowledge base and its compiled model (loaded once)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from spinetriage.assessment import default_model
from spinetriage.engine.network import Network
from spinetriage.knowledge import KnowledgeBase, default_knowledge

VIGNETTES = Path(__file__).resolve().parent / "data" / "dev-vignettes.yaml"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_knowledge()


@pytest.fixture(scope="session")
def model() -> Network:
    return default_model()


def load_vignettes() -> list[dict[str, object]]:
    data = yaml.safe_load(VIGNETTES.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data
