"""Extraction over many notes: a folder, a JSONL or a Parquet file, on every core.

    >>> from spinetriage.text.batch import read_notes, extract_records
    >>> records = extract_records(read_notes(Path("notes.parquet")), workers=2)

Notes are read as a stream of :class:`Note` rows, cut into chunks, extracted in worker
processes (``concurrent.futures``) and yielded back **in input order**, so one worker
or many give the same output. A bad row (no text column, text that is not a string,
text too long, a line that is not JSON) becomes a record with ``ok: false`` and an
``error`` naming the field and what is allowed; it never stops the batch, and no
record or message ever carries the note's text.

A record is ``{"id", "ok", "error", "mentions", "findings"}`` with ``mentions`` and
``findings`` as in :meth:`Extraction.to_dict`. Records are written as JSONL or
Parquet (:func:`write_records`), the format taken from the file suffix.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

from spinetriage.documents import NotParsable, load_json
from spinetriage.errors import InputError

from ._extract import MAX_TEXT_CHARS, extract

__all__ = [
    "BatchSummary",
    "Note",
    "OutputFormat",
    "available_cores",
    "count_notes",
    "extract_records",
    "output_format",
    "read_notes",
    "read_parquet_records",
    "run_batch",
    "write_records",
]

OutputFormat = Literal["jsonl", "parquet"]
Record = dict[str, Any]
_T = TypeVar("_T")

_MAX_FILE_BYTES = 4 * MAX_TEXT_CHARS  # UTF-8 needs at most 4 bytes a character
_SUFFIXES: dict[str, OutputFormat] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
_PARQUET_BATCH_ROWS = 1024


@dataclass(frozen=True, slots=True)
class Note:
    """One row of input: its id, and either its text or why it cannot be read."""

    id: str
    text: str | None
    problem: str | None = None
    """Why the row cannot be read: an InputError message (field, problem, what is allowed)."""


@dataclass(slots=True)
class BatchSummary:
    """What a batch did: counts only, never text."""

    notes: int = 0
    ok: int = 0
    errors: int = 0
    mentions: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    error_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def notes_per_second(self) -> float:
        return self.notes / self.seconds if self.seconds > 0 else 0.0

    def add(self, record: Record) -> None:
        statuses = Counter(m["status"] for m in record["mentions"])
        self.count(record["id"], record["ok"], len(record["mentions"]), statuses)

    def count(self, note_id: str, ok: bool, mentions: int, by_status: dict[str, int]) -> None:
        self.notes += 1
        if ok:
            self.ok += 1
            self.mentions += mentions
            self.by_status.update(by_status)
        else:
            self.errors += 1
            if len(self.error_ids) < 20:
                self.error_ids.append(note_id)


def available_cores() -> int:
    """Cores this process may run on (the default number of workers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------- reading


def read_notes(source: Path, text_column: str = "text", id_column: str = "id") -> Iterator[Note]:
    """Notes from a folder of ``.txt`` files, a JSONL file or a Parquet file, in order.

    Ids: the file name (folder), the ``id_column`` value, else the line or row number
    (1-based). Raises InputError only when the source itself cannot be read.
    """
    if source.is_dir():
        return _read_folder(source)
    if not source.is_file():
        raise InputError("source", f"'{source.name}' is not a file or folder", "a folder of .txt, .jsonl or .parquet")
    suffix = source.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return _read_parquet(source, text_column, id_column)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return _read_jsonl(source, text_column, id_column)
    raise InputError(
        "source", f"cannot read '{suffix or source.name}' as a batch", "a folder of .txt, a .jsonl or a .parquet"
    )


def count_notes(source: Path) -> int | None:
    """How many rows ``source`` holds (for a progress bar), if cheap to know; None otherwise."""
    try:
        if source.is_dir():
            return sum(1 for p in source.iterdir() if p.suffix.lower() == ".txt" and p.is_file())
        suffix = source.suffix.lower()
        if suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

            return int(pq.ParquetFile(source).metadata.num_rows)
        if suffix in (".jsonl", ".ndjson", ".json"):
            with source.open("rb") as fh:
                return sum(1 for line in fh if line.strip())
    except Exception:  # only a progress total: reading the notes reports the real problem
        return None
    return None


def _too_long(n: int, unit: str) -> str:
    return str(
        InputError("text", f"{n} {unit} is too long", f"at most {MAX_TEXT_CHARS} characters; split the document")
    )


def _read_folder(folder: Path) -> Iterator[Note]:
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt" and p.is_file()):
        name = path.name
        try:
            size = path.stat().st_size
            if size > _MAX_FILE_BYTES:
                yield Note(name, None, _too_long(size, "bytes"))
                continue
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            yield Note(name, None, str(InputError("text", "the file is not UTF-8 text", "UTF-8 text")))
            continue
        except OSError as exc:
            yield Note(name, None, str(InputError("file", f"cannot be read ({exc.strerror or type(exc).__name__})")))
            continue
        yield Note(name, text)


def _row_id(value: object, fallback: int) -> str:
    if value is None or isinstance(value, (dict, list)) or not _encodable(str(value)):
        return str(fallback)  # an id that cannot be written out (an unpaired surrogate) is replaced by the row
    return str(value)


def _encodable(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: JSON's ``\\ud800`` escapes give unpaired surrogates that cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _surrogate(column: str) -> str:
    return str(InputError(column, "holds an unpaired surrogate (a broken \\uD800-\\uDFFF escape)", "UTF-8 text"))


def _text_problem(value: object, text_column: str) -> str | None:
    if value is None:
        return str(InputError(text_column, "missing or null", "a string with the note's text"))
    if not isinstance(value, str):
        return str(InputError(text_column, f"is {type(value).__name__}, not text", "a string with the note's text"))
    if len(value) > MAX_TEXT_CHARS:
        return _too_long(len(value), "characters")
    if not _encodable(value):
        return str(
            InputError(text_column, "holds an unpaired surrogate (a broken \\uD800-\\uDFFF escape)", "UTF-8 text")
        )
    return None


def _read_jsonl(source: Path, text_column: str, id_column: str) -> Iterator[Note]:
    try:
        fh = source.open("rb")
    except OSError as exc:
        raise InputError("source", f"cannot open '{source.name}' ({exc.strerror})") from None
    with fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            if len(raw) > _MAX_FILE_BYTES + 1024:
                yield Note(str(n), None, _too_long(len(raw), "bytes"))
                continue
            try:  # strict: a key given twice or deep nesting is this row's problem, not the batch's
                obj = load_json(raw, f"line {n}", "the row", known=(id_column, text_column))
            except NotParsable as error:
                why = "not valid JSON (" + error.problem.removeprefix("the row: ") + ")"
                yield Note(str(n), None, str(InputError(f"line {n}", why, '{"id": ..., "text": ...}')))
                continue
            except InputError as error:
                yield Note(str(n), None, str(error))
                continue
            if not isinstance(obj, dict):
                yield Note(str(n), None, str(InputError(f"line {n}", "not a JSON object", '{"id": ..., "text": ...}')))
                continue
            note_id = _row_id(obj.get(id_column), n)
            value = obj.get(text_column)
            problem = _text_problem(value, text_column)
            if isinstance(obj.get(id_column), str) and not _encodable(obj[id_column]):
                problem = _surrogate(id_column)  # reported under the row's number
            yield Note(note_id, None if problem else value, problem)


def _read_parquet(source: Path, text_column: str, id_column: str) -> Iterator[Note]:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    try:
        parquet = pq.ParquetFile(source)
    except (OSError, pa.ArrowException) as exc:
        raise InputError("source", f"'{source.name}' is not a readable Parquet file ({type(exc).__name__})") from None
    names = set(parquet.schema_arrow.names)
    columns = [c for c in (id_column, text_column) if c in names]
    text_type = parquet.schema_arrow.field(text_column).type if text_column in names else None
    text_is_string = text_type is not None and (pa.types.is_string(text_type) or pa.types.is_large_string(text_type))
    missing = str(InputError(text_column, "no such column", f"one of: {', '.join(sorted(names))}"))
    wrong_type = str(
        InputError(text_column, f"column is {text_type}, not text", "a string column with the note's text")
    )
    row = 0
    with parquet:
        batches = parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=columns or None)
        for batch in batches:
            ids = batch.column(id_column).to_pylist() if id_column in columns else [None] * batch.num_rows
            texts = batch.column(text_column).to_pylist() if text_column in columns and text_is_string else None
            for i in range(batch.num_rows):
                row += 1
                note_id = _row_id(ids[i], row)
                if text_column not in columns:
                    yield Note(note_id, None, missing)
                elif texts is None:
                    yield Note(note_id, None, wrong_type)
                else:
                    value = texts[i]
                    problem = _text_problem(value, text_column)
                    yield Note(note_id, None if problem else value, problem)


# ---------------------------------------------------------------- extracting


def _record(note: Note) -> Record:
    if note.problem is not None:
        return {"id": note.id, "ok": False, "error": note.problem, "mentions": [], "findings": {}}
    try:
        result = extract(note.text)  # type: ignore[arg-type]
    except InputError as exc:
        return {"id": note.id, "ok": False, "error": str(exc), "mentions": [], "findings": {}}
    except Exception as exc:  # one bad note must not stop a batch; report the type, never the text
        error = f"internal error while reading this note ({type(exc).__name__})"
        return {"id": note.id, "ok": False, "error": error, "mentions": [], "findings": {}}
    return {"id": note.id, "ok": True, "error": None, **result.to_dict()}


def _extract_chunk(chunk: list[Note]) -> list[Record]:
    return [_record(note) for note in chunk]


def _chunks(notes: Iterable[Note], size: int) -> Iterator[list[Note]]:
    chunk: list[Note] = []
    for note in notes:
        chunk.append(note)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def extract_records(
    notes: Iterable[Note],
    workers: int | None = None,
    chunk_size: int = 64,
    on_chunk: Callable[[int], None] | None = None,
) -> Iterator[Record]:
    """One record per note, in input order; ``workers`` processes (default: every core).

    At most ``4 * workers`` chunks are in flight, so memory stays bounded however long
    the input. ``on_chunk(n)`` is called after each chunk of ``n`` notes is done.
    """
    return _run_chunks(_extract_chunk, notes, workers, chunk_size, on_chunk)


_Encoded = tuple[str, str, bool, int, dict[str, int]]
"""A record as its JSON line, with what the summary needs: (line, id, ok, mentions, by status)."""


def _encode_chunk(chunk: list[Note]) -> list[_Encoded]:
    """Records serialised in the worker, so the parent only writes lines (JSONL output)."""
    out: list[_Encoded] = []
    for note in chunk:
        record = _record(note)
        statuses = Counter(m["status"] for m in record["mentions"])
        line = json.dumps(record, ensure_ascii=False)
        out.append((line, record["id"], record["ok"], len(record["mentions"]), dict(statuses)))
    return out


def _run_chunks(
    work: Callable[[list[Note]], list[_T]],
    notes: Iterable[Note],
    workers: int | None,
    chunk_size: int,
    on_chunk: Callable[[int], None] | None,
) -> Iterator[_T]:
    n_workers = available_cores() if workers is None else workers
    if n_workers < 1:
        raise InputError("workers", f"{n_workers} is not a number of processes", "1 or more")
    if chunk_size < 1:
        raise InputError("chunk_size", f"{chunk_size} is too small", "1 or more")
    return _chunked(work, _chunks(notes, chunk_size), n_workers, on_chunk)


def _chunked(
    work: Callable[[list[Note]], list[_T]],
    chunks: Iterator[list[Note]],
    n_workers: int,
    on_chunk: Callable[[int], None] | None,
) -> Iterator[_T]:
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    chunks = itertools.chain([first] if second is None else [first, second], chunks)
    if n_workers == 1 or second is None:  # one chunk: starting processes would cost more than it saves
        for chunk in chunks:
            yield from work(chunk)
            if on_chunk:
                on_chunk(len(chunk))
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=n_workers, mp_context=context) as pool:
        pending: deque[tuple[int, Future[list[_T]]]] = deque()
        for chunk in chunks:
            pending.append((len(chunk), pool.submit(work, chunk)))
            if len(pending) >= 4 * n_workers:
                yield from _finish(pending.popleft(), on_chunk)
        while pending:
            yield from _finish(pending.popleft(), on_chunk)


def _finish(item: tuple[int, Future[list[_T]]], on_chunk: Callable[[int], None] | None) -> list[_T]:
    size, future = item
    done = future.result()
    if on_chunk:
        on_chunk(size)
    return done


# ---------------------------------------------------------------- writing


def output_format(path: Path | None, fmt: str | None) -> OutputFormat:
    """``fmt`` if given, else from the suffix of ``path``; JSONL for standard output."""
    if fmt is not None:
        if fmt not in ("jsonl", "parquet"):
            raise InputError("--format", f"unknown format '{fmt}'", "jsonl, parquet")
        return "jsonl" if fmt == "jsonl" else "parquet"
    if path is None:
        return "jsonl"
    try:
        return _SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise InputError(
            "--output",
            f"cannot tell the format from '{path.suffix or path.name}'",
            "a .jsonl or .parquet file, or --format",
        ) from None


def write_records(records: Iterable[Record], out: Path | IO[str], fmt: OutputFormat) -> None:
    """Write records as JSONL (to a path or an open text stream) or Parquet (to a path)."""
    if fmt == "jsonl":
        if isinstance(out, Path):
            with out.open("w", encoding="utf-8") as fh:
                _write_jsonl(records, fh)
        else:
            _write_jsonl(records, out)
        return
    if not isinstance(out, Path):
        raise InputError("--output", "Parquet cannot go to standard output", "a .parquet file path")
    _write_parquet(records, out)


def _write_jsonl(records: Iterable[Record], fh: IO[str]) -> None:
    for record in records:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def _parquet_schema() -> Any:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    mention = pa.struct(
        [
            ("finding", pa.string()),
            ("status", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("section", pa.string()),
            ("side", pa.string()),
            ("levels", pa.list_(pa.string())),
            ("severity", pa.string()),
        ]
    )
    return pa.schema(
        [
            ("id", pa.string()),
            ("ok", pa.bool_()),
            ("error", pa.string()),
            ("mentions", pa.list_(mention)),
            ("findings", pa.map_(pa.string(), pa.string())),
        ]
    )


def _write_parquet(records: Iterable[Record], path: Path) -> None:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    schema = _parquet_schema()
    with pq.ParquetWriter(path, schema) as writer:
        rows: list[Record] = []
        for record in records:
            rows.append({**record, "findings": list(record["findings"].items())})
            if len(rows) >= _PARQUET_BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))


def read_parquet_records(path: Path) -> list[Record]:
    """Records written by :func:`write_records` as Parquet, back as JSONL-shaped dicts."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    out: list[Record] = pq.read_table(path).to_pylist()
    for record in out:
        record["findings"] = dict(record["findings"] or [])
    return out


# ---------------------------------------------------------------- all together


def run_batch(
    source: Path,
    output: Path | IO[str],
    fmt: OutputFormat,
    workers: int | None = None,
    text_column: str = "text",
    id_column: str = "id",
    on_chunk: Callable[[int], None] | None = None,
    chunk_size: int = 64,
) -> BatchSummary:
    """Read ``source``, extract every note, write the records, and say what happened."""
    summary = BatchSummary()
    started = time.perf_counter()
    notes = read_notes(source, text_column, id_column)
    if fmt == "jsonl":  # serialised in the workers: the parent only writes
        encoded = _run_chunks(_encode_chunk, notes, workers, chunk_size, on_chunk)
        if isinstance(output, Path):
            with output.open("w", encoding="utf-8") as fh:
                _write_encoded(encoded, fh, summary)
        else:
            _write_encoded(encoded, output, summary)
    else:

        def counted() -> Iterator[Record]:
            for record in extract_records(notes, workers=workers, chunk_size=chunk_size, on_chunk=on_chunk):
                summary.add(record)
                yield record

        write_records(counted(), output, fmt)
    summary.seconds = time.perf_counter() - started
    return summary


def _write_encoded(encoded: Iterable[_Encoded], fh: IO[str], summary: BatchSummary) -> None:
    for line, note_id, ok, mentions, statuses in encoded:
        fh.write(line + "\n")
        summary.count(note_id, ok, mentions, statuses)
