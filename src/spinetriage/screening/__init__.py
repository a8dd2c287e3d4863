"""Population screening: every patient's notes and findings, screened for a neck being missed.

    >>> from spinetriage.screening import screen
    >>> summary = screen([Path("notes.jsonl")], Path("result.parquet"), workers=2)

Inputs (notes and structured findings; JSONL, CSV or Parquet) are streamed and
validated into a staging table; a patient's rows are combined (later wins, conflicts
reported) and assessed with :func:`spinetriage.assess`; the result is one Parquet row
per patient. The local engine uses DuckDB and a process pool; the Spark engine runs the
same per-patient function on a Spark cluster. See docs/screening.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._inputs import Reject
    from ._patient import output_schema, screen_patient
    from ._run import Listener, ScreenSummary, rejects_path
    from ._screen import DEFAULT_PART_SIZE, Engine, screen

_HOME = {
    "Reject": "_inputs",
    "output_schema": "_patient",
    "screen_patient": "_patient",
    "Listener": "_run",
    "ScreenSummary": "_run",
    "rejects_path": "_run",
    "DEFAULT_PART_SIZE": "_screen",
    "Engine": "_screen",
    "screen": "_screen",
}


def __getattr__(name: str) -> Any:
    """Load the public names on first use: ``spinetriage --help`` must not load the reasoning."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)


__all__ = [
    "DEFAULT_PART_SIZE",
    "Engine",
    "Listener",
    "Reject",
    "ScreenSummary",
    "output_schema",
    "rejects_path",
    "screen",
    "screen_patient",
]
