"""Batch extraction: inputs, outputs, bad rows, workers, order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]
import pytest

from spinetriage.errors import InputError
from spinetriage.text import MAX_TEXT_CHARS, extract
from spinetriage.text.batch import (
    Note,
    count_notes,
    extract_records,
    output_format,
    read_notes,
    read_parquet_records,
    run_batch,
    write_records,
)

from .scoring import load_jsonl

SECRET = "Mrs Zebedee Quixote-Smith"  # must never reach a record's error or the summary


@pytest.fixture(scope="module")
def gold_notes() -> list[dict[str, Any]]:
    return [{"id": f"note-{i}", "text": row["text"]} for i, row in enumerate(load_jsonl("notes.jsonl"))]


def _jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def _expected(text: str) -> dict[str, Any]:
    return extract(text).to_dict()


def test_jsonl_round_trip_keeps_ids_and_mentions(tmp_path: Path, gold_notes: list[dict[str, Any]]) -> None:
    src = _jsonl(tmp_path / "in.jsonl", gold_notes)
    out = tmp_path / "out.jsonl"
    summary = run_batch(src, out, "jsonl", workers=1)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [n["id"] for n in gold_notes]
    for record, note in zip(records, gold_notes, strict=True):
        assert record["ok"] and record["error"] is None
        expected = _expected(note["text"])
        assert record["mentions"] == expected["mentions"] and record["findings"] == expected["findings"]
    assert summary.notes == summary.ok == len(gold_notes) and summary.errors == 0
    assert summary.mentions == sum(len(r["mentions"]) for r in records)
    assert sum(summary.by_status.values()) == summary.mentions


def test_parquet_round_trip_keeps_ids_and_mentions(tmp_path: Path, gold_notes: list[dict[str, Any]]) -> None:
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(gold_notes), src)
    out = tmp_path / "out.parquet"
    run_batch(src, out, "parquet", workers=2, chunk_size=4)  # several chunks: the process pool runs
    records = read_parquet_records(out)
    assert [r["id"] for r in records] == [n["id"] for n in gold_notes]
    for record, note in zip(records, gold_notes, strict=True):
        expected = _expected(note["text"])
        assert record["mentions"] == expected["mentions"] and record["findings"] == expected["findings"]


def test_folder_of_text_files(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("No clonus. Hoffmann positive.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Severe canal stenosis at C5-6.", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"\xff\xfe" + SECRET.encode("latin-1") + b"\xe9")
    (tmp_path / "ignored.md").write_text("fever", encoding="utf-8")
    records = list(extract_records(read_notes(tmp_path), workers=1))
    assert [r["id"] for r in records] == ["a.txt", "b.txt", "c.txt"]
    assert records[1]["findings"] == {"clonus": "absent", "hoffmann_sign": "present"}
    assert not records[2]["ok"] and "UTF-8" in records[2]["error"]
    assert count_notes(tmp_path) == 3


def test_bad_rows_are_reported_with_their_id_and_never_stop_the_batch(tmp_path: Path) -> None:
    rows: list[Any] = [
        {"id": "ok-1", "text": "No fever."},
        {"id": "no-text", "note": SECRET},
        {"id": "number", "text": 42},
        {"id": "too-long", "text": SECRET + "x" * MAX_TEXT_CHARS},
        "not json " + SECRET,
        ["a", "list"],
        {"id": "ok-2", "text": "Fever."},
    ]
    src = _jsonl(tmp_path / "in.jsonl", rows)
    records = list(extract_records(read_notes(src), workers=2, chunk_size=2))
    assert [r["id"] for r in records] == ["ok-1", "no-text", "number", "too-long", "5", "6", "ok-2"]
    assert [r["ok"] for r in records] == [True, False, False, False, False, False, True]
    errors = {r["id"]: r["error"] for r in records if not r["ok"]}
    assert errors["no-text"].startswith("text: missing")
    assert errors["number"].startswith("text: is int")
    assert "too long" in errors["too-long"]
    assert errors["5"].startswith("line 5: not valid JSON")
    assert errors["6"].startswith("line 6: not a JSON object")
    assert all(SECRET not in e for e in errors.values())
    assert records[-1]["findings"] == {"fever": "present"}


def test_parquet_without_text_column_reports_every_row(tmp_path: Path) -> None:
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["x", "y"], "body": [SECRET, "fever"]}), src)
    records = list(extract_records(read_notes(src), workers=1))
    assert [(r["id"], r["ok"]) for r in records] == [("x", False), ("y", False)]
    assert records[0]["error"].startswith("text: no such column") and SECRET not in records[0]["error"]
    named = list(extract_records(read_notes(src, text_column="body"), workers=1))
    assert named[1]["findings"] == {"fever": "present"}


def test_parquet_non_string_and_null_text(tmp_path: Path) -> None:
    src = tmp_path / "ints.parquet"
    pq.write_table(pa.table({"text": [1, 2]}), src)
    records = list(extract_records(read_notes(src), workers=1))
    assert [r["id"] for r in records] == ["1", "2"] and "not text" in records[0]["error"]
    nulls = tmp_path / "nulls.parquet"
    pq.write_table(pa.table({"id": [7, 8], "text": [None, "no fever"]}), nulls)
    records = list(extract_records(read_notes(nulls), workers=1))
    assert [(r["id"], r["ok"]) for r in records] == [("7", False), ("8", True)]


def test_one_worker_and_two_give_identical_output_in_order(tmp_path: Path, gold_notes: list[dict[str, Any]]) -> None:
    notes = [Note(f"{i}-{n['id']}", n["text"]) for i, n in enumerate(gold_notes * 5)]
    one = list(extract_records(notes, workers=1, chunk_size=3))
    two = list(extract_records(notes, workers=2, chunk_size=3))
    assert one == two
    assert [r["id"] for r in two] == [n.id for n in notes]


def test_output_format_from_suffix_or_flag() -> None:
    assert output_format(Path("x.parquet"), None) == "parquet"
    assert output_format(Path("x.jsonl"), None) == "jsonl"
    assert output_format(None, None) == "jsonl"
    assert output_format(Path("x.out"), "parquet") == "parquet"
    with pytest.raises(InputError) as info:
        output_format(Path("x.csv"), None)
    assert info.value.field == "--output"
    with pytest.raises(InputError):
        output_format(None, "csv")


def test_source_errors_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_notes(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet")
    with pytest.raises(InputError) as info:
        list(read_notes(bad))
    assert info.value.field == "source"
    with pytest.raises(InputError):
        list(extract_records([], workers=0))


def test_parquet_to_stdout_is_refused(tmp_path: Path) -> None:
    import io

    with pytest.raises(InputError):
        write_records([], io.StringIO(), "parquet")


def test_jsonl_batch_is_byte_identical_with_one_or_two_workers(
    tmp_path: Path, gold_notes: list[dict[str, Any]]
) -> None:
    src = _jsonl(tmp_path / "in.jsonl", [*gold_notes, {"id": "bad"}] * 3)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    s1 = run_batch(src, one, "jsonl", workers=1, chunk_size=4)
    s2 = run_batch(src, two, "jsonl", workers=2, chunk_size=4)
    assert one.read_bytes() == two.read_bytes()
    assert (s1.notes, s1.ok, s1.errors, s1.mentions, s1.by_status) == (
        s2.notes,
        s2.ok,
        s2.errors,
        s2.mentions,
        s2.by_status,
    )
    assert s1.errors == 3 and s1.error_ids == ["bad", "bad", "bad"]


def test_a_broken_or_deeply_nested_row_is_reported_and_the_batch_goes_on_issue_13(tmp_path: Path) -> None:
    """Issue 13, item 4: these rows stopped a batch with a traceback; each is now its own error."""
    lines = [
        '{"id": "a\\ud800b", "text": "No fever."}',  # an unpaired surrogate in the id
        '{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"id": "ok", "text": "Fever."}',
        '{"id": "twice", "text": "No fever.", "text": "Fever."}',
        '{"id": "broken-text", "text": "x\\udc00y fever"}',
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = list(extract_records(read_notes(src), workers=1))
    assert [r["ok"] for r in records] == [False, False, True, False, False]
    assert [r["id"] for r in records] == ["1", "2", "ok", "4", "broken-text"]
    assert "unpaired surrogate" in records[0]["error"] and records[0]["error"].startswith("id:")
    assert "nested deeper than" in records[1]["error"]
    assert "'text' appears twice" in records[3]["error"]
    assert records[4]["error"].startswith("text: holds an unpaired surrogate")
    out = tmp_path / "out.jsonl"
    write_records(records, out, "jsonl")  # every record can be written
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
