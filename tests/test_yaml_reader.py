"""The fast YAML loader reads every shipped file as the pure-Python safe loader does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from spinetriage.yaml_reader import load_yaml

SHIPPED = sorted((Path(__file__).resolve().parents[1] / "src" / "spinetriage").rglob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_same_objects_as_the_safe_loader(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.safe_load(text)


def test_it_stays_safe() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")
