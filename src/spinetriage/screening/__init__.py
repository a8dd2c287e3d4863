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

from ._inputs import Reject
from ._patient import output_schema, screen_patient
from ._run import Listener, ScreenSummary, rejects_path
from ._screen import DEFAULT_PART_SIZE, Engine, screen

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
