"""What both engines share: the work directory, ingest, parts on disk, the final merge.

The work directory (``RESULT.parquet.work/`` next to the output) holds everything a run
needs to resume::

    ingest.json            what was read (input fingerprints, settings) and the counts;
                           written last, so its presence means ingest is complete
    staging.parquet        every valid row, normalised (patient_id, date, note_id, kind,
                           text, finding, status, source, row)
    rejects.jsonl          rows skipped at ingest: location, field, problem (no text)
    parts/part-NNNNNN.parquet          output rows of one part (a run of patients in
                                       patient_id order); present means done
    parts/part-NNNNNN.rejects.jsonl    notes of that part that could not be read

Every file is written to a temporary name and renamed into place (atomic on POSIX), so
a run killed at any moment leaves only whole files; the next run with the same inputs
and settings skips the parts already present. A work directory from other inputs or
settings is discarded.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from spinetriage._version import __version__
from spinetriage.assessment import default_model
from spinetriage.errors import InputError

from ._inputs import Reject, StagedRow, input_format, read_rows

__all__ = [
    "Listener",
    "ScreenSummary",
    "WorkDir",
    "ingest",
    "merge_parts",
    "rejects_path",
    "require",
    "staging_schema",
]

_FORMAT_VERSION = 1
_STAGING_BATCH_ROWS = 4096
MAX_REJECTS_SHOWN = 20


class Listener(Protocol):
    """Progress of a run (the command line draws a bar from it)."""

    def started(self, total_patients: int, already_done: int) -> None: ...

    def advanced(self, patients: int) -> None: ...


@dataclass(slots=True)
class ScreenSummary:
    """What a run did: counts and locations only, never text."""

    engine: str
    workers: int
    patients: int = 0
    notes: int = 0
    structured_findings: int = 0
    rejects: int = 0
    reject_sample: list[Reject] = field(default_factory=list)
    parts: int = 0
    parts_resumed: int = 0
    seconds: float = 0.0
    output: Path | None = None
    rejects_file: Path | None = None

    @property
    def patients_per_second(self) -> float:
        return self.patients / self.seconds if self.seconds > 0 else 0.0

    @property
    def notes_per_second(self) -> float:
        return self.notes / self.seconds if self.seconds > 0 else 0.0


def require(module: str, extra: str, engine: str) -> ModuleType:
    """Import an optional dependency, or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(
            "--engine",
            f"the {engine} engine needs {module}, which is not installed",
            f"pip install 'spinetriage[{extra}]'",
        ) from None


def rejects_path(out: Path) -> Path:
    """Where the skipped rows of a run writing ``out`` are listed: ``RESULT.rejects.jsonl``."""
    return out.with_name(out.stem + ".rejects.jsonl")


def staging_schema() -> Any:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    return pa.schema(
        [
            ("patient_id", pa.string()),
            ("date", pa.string()),
            ("note_id", pa.string()),
            ("kind", pa.string()),
            ("text", pa.string()),
            ("finding", pa.string()),
            ("status", pa.string()),
            ("source", pa.int64()),
            ("row", pa.int64()),
        ]
    )


def row_from_record(record: dict[str, Any]) -> StagedRow:
    return StagedRow(
        record["patient_id"],
        record["date"],
        record["note_id"],
        record["kind"],
        record["text"],
        record["finding"],
        record["status"],
        int(record["source"]),
        int(record["row"]),
    )


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _rejects_text(rejects: Iterable[Reject]) -> str:
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in rejects)


class WorkDir:
    """The work directory of one output file (see the module docstring)."""

    def __init__(self, out: Path, inputs: Sequence[Path], setting: str, part_size: int) -> None:
        self.root = out.with_name(out.name + ".work")
        self.parts = self.root / "parts"
        self.staging = self.root / "staging.parquet"
        self.rejects = self.root / "rejects.jsonl"
        self.manifest = self.root / "ingest.json"
        self.fingerprint = {
            "format": _FORMAT_VERSION,
            "engine_version": __version__,
            "knowledge_version": default_model().knowledge.version,
            "setting": setting,
            "part_size": part_size,
            "inputs": [_file_fingerprint(p) for p in inputs],
        }

    def prepare(self, restart: bool) -> bool:
        """Make the directory ready; True if it holds a finished ingest of the same run."""
        if self.root.exists():
            same = False
            try:
                same = json.loads(self.manifest.read_text(encoding="utf-8"))["fingerprint"] == self.fingerprint
            except (OSError, ValueError, KeyError, TypeError):
                same = False
            if same and not restart:
                return True
            shutil.rmtree(self.root)
        self.parts.mkdir(parents=True)
        return False

    def counts(self) -> dict[str, int]:
        data: dict[str, int] = json.loads(self.manifest.read_text(encoding="utf-8"))["counts"]
        return data

    def part_file(self, index: int) -> Path:
        return self.parts / f"part-{index:06d}.parquet"

    def done_parts(self) -> set[int]:
        return {
            int(p.name[5:11])
            for p in self.parts.glob("part-*.parquet")
            if len(p.name) == len("part-000000.parquet") and p.name[5:11].isdigit()
        }

    def patients_in_parts(self, indexes: set[int]) -> int:
        """How many patients the finished parts ``indexes`` hold (from their Parquet metadata)."""
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

        return sum(int(pq.ParquetFile(self.part_file(i)).metadata.num_rows) for i in sorted(indexes))

    def write_part(self, index: int, rows: list[dict[str, Any]], rejects: list[Reject], schema: Any) -> None:
        """Rejects first, then the rows: the part's Parquet file appearing marks it done."""
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

        _write_atomic(self.parts / f"part-{index:06d}.rejects.jsonl", _rejects_text(rejects))
        final = self.part_file(index)
        tmp = final.with_name(final.name + ".tmp")
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)

    def part_rejects(self, index: int) -> list[Reject]:
        path = self.parts / f"part-{index:06d}.rejects.jsonl"
        return [Reject(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _file_fingerprint(path: Path) -> dict[str, Any]:
    try:
        stat = path.stat()
    except OSError:
        raise InputError("INPUT", f"'{path.name}' cannot be read", "an existing file") from None
    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return {"path": name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def ingest(inputs: Sequence[Path], work: WorkDir) -> dict[str, int]:
    """Read every input once into the staging table; rejects listed; counts in the manifest."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    findings = frozenset(default_model().knowledge.findings)
    for path in inputs:
        input_format(path)  # fail on an unreadable kind of file before reading anything
    schema = staging_schema()
    counts = {"rows": 0, "notes": 0, "structured_findings": 0, "rejects": 0}
    staging_tmp = work.staging.with_name(work.staging.name + ".tmp")
    rejects_tmp = work.rejects.with_name(work.rejects.name + ".tmp")
    with pq.ParquetWriter(staging_tmp, schema) as writer, rejects_tmp.open("w", encoding="utf-8") as rejects:
        batch: list[dict[str, Any]] = []
        for source, path in enumerate(inputs):
            for item in read_rows(path, source, findings):
                if isinstance(item, Reject):
                    counts["rejects"] += 1
                    rejects.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
                    continue
                counts["rows"] += 1
                counts["notes" if item.kind == "note" else "structured_findings"] += 1
                batch.append(
                    {
                        "patient_id": item.patient_id,
                        "date": item.date,
                        "note_id": item.note_id,
                        "kind": item.kind,
                        "text": item.text,
                        "finding": item.finding,
                        "status": item.status,
                        "source": item.source,
                        "row": item.row,
                    }
                )
                if len(batch) >= _STAGING_BATCH_ROWS:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    batch = []
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    os.replace(staging_tmp, work.staging)
    os.replace(rejects_tmp, work.rejects)
    _write_atomic(work.manifest, json.dumps({"fingerprint": work.fingerprint, "counts": counts}))
    return counts


def merge_parts(work: WorkDir, n_parts: int, out: Path, schema: Any) -> list[Reject]:
    """Every part, in order, into ``out`` (atomically); the rejects of ingest and of every part."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    tmp = out.with_name(out.name + ".tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        for index in range(n_parts):
            writer.write_table(pq.read_table(work.part_file(index), schema=schema))
    os.replace(tmp, out)
    rejects = [Reject(**json.loads(line)) for line in work.rejects.read_text(encoding="utf-8").splitlines() if line]
    for index in range(n_parts):
        rejects.extend(work.part_rejects(index))
    _write_atomic(rejects_path(out), _rejects_text(rejects))
    return rejects


def patient_groups(records: Iterator[dict[str, Any]]) -> Iterator[tuple[str, list[StagedRow]]]:
    """Consecutive staged records of one patient (records sorted by patient_id) as groups."""
    current: str | None = None
    rows: list[StagedRow] = []
    for record in records:
        row = row_from_record(record)
        if row.patient_id != current:
            if current is not None:
                yield current, rows
            current, rows = row.patient_id, []
        rows.append(row)
    if current is not None:
        yield current, rows
