"""Load every instrument file shipped in ``instruments/data/`` into a registry by id.

Files are read with :mod:`importlib.resources`, parsed strictly and checked for meaning;
every problem in every file is reported at once as a :class:`KnowledgeError`.
"""

from __future__ import annotations

import difflib
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import ValidationError

from spinetriage.errors import InputError, KnowledgeError
from spinetriage.instruments._schema import Instrument, check_instrument
from spinetriage.yaml_reader import load_yaml

_DATA_PACKAGE = "spinetriage.instruments.data"


def _load_all() -> dict[str, Instrument]:
    problems: list[str] = []
    found: dict[str, Instrument] = {}
    files = sorted(
        (f for f in resources.files(_DATA_PACKAGE).iterdir() if f.name.endswith(".yaml")),
        key=lambda f: f.name,
    )
    for file in files:
        try:
            raw: Any = load_yaml(file.read_text(encoding="utf-8"))
            spec = Instrument.model_validate(raw)
        except yaml.YAMLError as exc:
            problems.append(f"{file.name}: not valid YAML ({exc})")
            continue
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                problems.append(f"{file.name}: {loc}: {err['msg']}")
            continue
        if f"{spec.id}.yaml" != file.name:
            problems.append(f"{file.name}: id {spec.id!r} must match the file name")
        if spec.id in found:
            problems.append(f"{file.name}: duplicate instrument id {spec.id!r}")
        problems.extend(check_instrument(spec))
        found[spec.id] = spec
    if problems:
        raise KnowledgeError(problems)
    return found


@cache
def _registry() -> MappingProxyType[str, Instrument]:
    return MappingProxyType(_load_all())


def registry() -> dict[str, Instrument]:
    """Every shipped instrument by id (a fresh dict; the instruments are immutable)."""
    return dict(_registry())


def get(name: str) -> Instrument:
    """One instrument by id, or an :class:`InputError` suggesting the closest id."""
    instruments = _registry()
    if name in instruments:
        return instruments[name]
    close = difflib.get_close_matches(name, list(instruments), n=1)
    hint = f"unknown instrument {name!r}" + (f"; did you mean {close[0]!r}?" if close else "")
    raise InputError(field="instrument", problem=hint, allowed=", ".join(sorted(instruments)))
