"""Reading screening inputs row by row: notes and structured findings, validated.

An input is a JSONL (``.jsonl``/``.ndjson``), CSV or Parquet file. Each row is one of

* a **note**: ``patient_id``, ``date``, ``text``, optional ``note_id``;
* a **structured finding**: ``patient_id``, ``date``, ``finding`` (a finding id),
  ``status`` (present, absent, unknown), optional ``note_id`` (where it was recorded).

A row with a non-empty ``finding`` is a structured finding; otherwise it is a note.
A JSONL line with a ``resourceType`` is a FHIR Bulk Data resource (see :mod:`._fhir_bulk`).
Rows are streamed (never a whole file in memory). A row that cannot be used becomes a
:class:`Reject` with its location (file and line or row number), the field at fault and
what is allowed; it never stops the run and never carries the row's text.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spinetriage.errors import InputError
from spinetriage.text import MAX_TEXT_CHARS

__all__ = ["MAX_ID_CHARS", "Reject", "StagedRow", "read_rows"]

MAX_ID_CHARS = 128
_MAX_LINE_BYTES = 4 * MAX_TEXT_CHARS + 64 * 1024
_PARQUET_BATCH_ROWS = 2048
_STATUSES = ("present", "absent", "unknown")
_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


@dataclass(frozen=True, slots=True)
class Reject:
    """A row that was skipped: where it is, which field, what is wrong. Never its text."""

    location: str
    field: str
    problem: str

    def to_dict(self) -> dict[str, str]:
        return {"location": self.location, "field": self.field, "problem": self.problem}


@dataclass(frozen=True, slots=True)
class StagedRow:
    """A valid row, normalised. ``source``/``row`` are its place in the input (the tie-break
    between rows of one patient with the same date: later in the input wins)."""

    patient_id: str
    date: str
    note_id: str
    kind: str  # "note" | "finding"
    text: str | None
    finding: str | None
    status: str | None
    source: int
    row: int


def input_format(path: Path) -> str:
    """jsonl, csv or parquet from the file suffix; InputError for anything else."""
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        raise InputError(
            "INPUT", f"cannot read '{path.suffix or path.name}' files", "a .jsonl, .ndjson, .csv or .parquet file"
        ) from None


def read_rows(path: Path, source: int, findings: frozenset[str]) -> Iterator[StagedRow | Reject]:
    """Every row of ``path`` in order, each either a :class:`StagedRow` or a :class:`Reject`.

    ``findings`` are the finding ids a structured row may name. Raises InputError only
    when the file itself cannot be read (missing, not Parquet, no ``patient_id`` column).
    """
    fmt = input_format(path)
    if not path.is_file():
        raise InputError("INPUT", f"'{path.name}' is not a file", "a .jsonl, .ndjson, .csv or .parquet file")
    if fmt == "jsonl":
        return _from_jsonl(path, source, findings)
    if fmt == "csv":
        return _from_csv(path, source, findings)
    return _from_parquet(path, source, findings)


# ---------------------------------------------------------------- one row


def _row(
    obj: Mapping[str, Any], location: str, name: str, source: int, row: int, findings: frozenset[str]
) -> StagedRow | Reject:
    patient = _identifier(obj.get("patient_id"))
    if patient is None:
        return Reject(
            location, "patient_id", f"missing or not an identifier (allowed: text of 1-{MAX_ID_CHARS} characters)"
        )
    date = _date(obj.get("date"))
    if date is None:
        return Reject(
            location, "date", "missing or not a date (allowed: ISO 8601, e.g. 2026-03-01 or 2026-03-01T09:30)"
        )
    raw_note = obj.get("note_id")
    note_id = _identifier(raw_note) if raw_note not in (None, "") else f"{name}:{row}"
    if note_id is None:
        return Reject(location, "note_id", f"not an identifier (allowed: text of 1-{MAX_ID_CHARS} characters)")
    finding = obj.get("finding")
    text = obj.get("text")
    if finding not in (None, ""):
        if text not in (None, ""):
            return Reject(location, "finding", "a row holds a note (text) or a finding, not both")
        if not isinstance(finding, str) or finding not in findings:
            hint = ""
            if isinstance(finding, str):
                close = difflib.get_close_matches(finding, list(findings), n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
            return Reject(
                location, "finding", f"unknown finding identifier{hint} (see `spinetriage knowledge findings`)"
            )
        status = obj.get("status")
        if not isinstance(status, str) or status.strip().lower() not in _STATUSES:
            return Reject(location, "status", f"missing or not in the vocabulary (allowed: {', '.join(_STATUSES)})")
        return StagedRow(patient, date, note_id, "finding", None, finding, status.strip().lower(), source, row)
    if text is None:
        return Reject(location, "text", "missing or null (allowed: the note's text, or a finding and status)")
    if not isinstance(text, str):
        return Reject(location, "text", f"is {type(text).__name__}, not text (allowed: a string)")
    if len(text) > MAX_TEXT_CHARS:
        return Reject(location, "text", f"{len(text)} characters is too long (allowed: at most {MAX_TEXT_CHARS})")
    return StagedRow(patient, date, note_id, "note", text, None, None, source, row)


def _identifier(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_ID_CHARS or not value.isprintable():
        return None
    return value


def _date(value: object) -> str | None:
    """An ISO 8601 date or date-time as sortable text (time zones converted to UTC)."""
    if isinstance(value, dt.datetime):
        parsed: dt.date = value
    elif isinstance(value, dt.date):
        return value.isoformat()
    elif isinstance(value, str):
        text = value.strip()
        try:
            parsed = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        if not isinstance(parsed, dt.datetime):
            return parsed.isoformat()
    else:
        return None
    assert isinstance(parsed, dt.datetime)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed.isoformat(timespec="seconds")


# ---------------------------------------------------------------- formats


def _from_jsonl(path: Path, source: int, findings: frozenset[str]) -> Iterator[StagedRow | Reject]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            location = f"{path.name} line {n}"
            if len(raw) > _MAX_LINE_BYTES:
                yield Reject(
                    location,
                    "line",
                    f"{len(raw)} bytes is too long (allowed: one note of at most {MAX_TEXT_CHARS} characters)",
                )
                continue
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                yield Reject(location, "line", "not valid JSON (allowed: one JSON object a line)")
                continue
            if not isinstance(obj, dict):
                yield Reject(location, "line", "not a JSON object (allowed: one JSON object a line)")
                continue
            if "resourceType" in obj:  # a FHIR Bulk Data export line
                from ._fhir_bulk import fhir_row

                converted = fhir_row(obj, location)
                if isinstance(converted, Reject):
                    yield converted
                    continue
                obj = converted
            yield _row(obj, location, path.name, source, n, findings)


def _from_csv(path: Path, source: int, findings: frozenset[str]) -> Iterator[StagedRow | Reject]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        fh = path.open("r", encoding="utf-8", newline="")
        with fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                return
            header = [h.strip() for h in header]
            if "patient_id" not in header:
                raise InputError(
                    f"{path.name} header", "no 'patient_id' column", "patient_id, date, text or finding/status, note_id"
                )
            n = 0
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    break
                except csv.Error:
                    n += 1
                    yield Reject(
                        f"{path.name} line {reader.line_num}", "line", "not valid CSV (allowed: RFC 4180 quoting)"
                    )
                    continue
                n += 1
                location = f"{path.name} line {reader.line_num}"
                if not values:
                    continue
                if len(values) != len(header):
                    yield Reject(location, "line", f"{len(values)} fields where the header has {len(header)}")
                    continue
                yield _row(dict(zip(header, values, strict=True)), location, path.name, source, n, findings)
    except UnicodeDecodeError:
        yield Reject(f"{path.name}", "file", "not UTF-8 text past this point; the rest of the file was skipped")


def _from_parquet(path: Path, source: int, findings: frozenset[str]) -> Iterator[StagedRow | Reject]:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError("INPUT", f"'{path.name}' is not a readable Parquet file ({type(exc).__name__})") from None
    names = set(parquet.schema_arrow.names)
    if "patient_id" not in names:
        raise InputError(
            f"{path.name} columns", "no 'patient_id' column", "patient_id, date, text or finding/status, note_id"
        )
    columns = [c for c in ("patient_id", "date", "note_id", "text", "finding", "status") if c in names]
    n = 0
    with parquet:
        for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=columns):
            data = {c: batch.column(c).to_pylist() for c in columns}
            for i in range(batch.num_rows):
                n += 1
                yield _row({c: data[c][i] for c in columns}, f"{path.name} row {n}", path.name, source, n, findings)
