"""YAML read with libyaml's safe loader when PyYAML was built with it (eight times faster).

The knowledge base, the text rules and the instruments are read at every start of the CLI, of
each screening worker and of the web app; the pure-Python loader took most of that start-up.
Both loaders are safe and give the same objects (tested on every shipped file).
"""

from __future__ import annotations

from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """What ``yaml.safe_load(text)`` gives, read by libyaml when available."""
    return yaml.load(text, Loader=_Loader)  # the loader is CSafeLoader or SafeLoader


__all__ = ["load_yaml"]
