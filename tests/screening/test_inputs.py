"""Reading inputs: every format, every malformed row reported with its location, never its text."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinetriage.errors import InputError
from spinetriage.screening._inputs import Reject, StagedRow, read_rows

FINDINGS = frozenset({"hand_clumsiness", "hoffmann_sign"})


def rows_of(path: Path) -> list[StagedRow | Reject]:
    return list(read_rows(path, 0, FINDINGS))


def test_jsonl_notes_and_findings(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"patient_id": "a", "date": "2026-01-02", "text": "note", "note_id": "n1"}\n'
        "\n"
        '{"patient_id": 7, "date": "2026-01-02T10:00:00+02:00", "finding": "hoffmann_sign", "status": "Present"}\n',
        encoding="utf-8",
    )
    note, finding = rows_of(path)
    assert note == StagedRow("a", "2026-01-02", "n1", "note", "note", None, None, 0, 1)
    assert finding == StagedRow(
        "7", "2026-01-02T08:00:00", "in.jsonl:3", "finding", None, "hoffmann_sign", "present", 0, 3
    )


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("not json", "line"),
        ("[1, 2]", "line"),
        ('{"date": "2026-01-01", "text": "secret words"}', "patient_id"),
        ('{"patient_id": "", "date": "2026-01-01", "text": "secret words"}', "patient_id"),
        ('{"patient_id": "a", "date": "last week", "text": "secret words"}', "date"),
        ('{"patient_id": "a", "date": "2026-01-01"}', "text"),
        ('{"patient_id": "a", "date": "2026-01-01", "text": 12}', "text"),
        ('{"patient_id": "a", "date": "2026-01-01", "finding": "hofman_sign", "status": "present"}', "finding"),
        ('{"patient_id": "a", "date": "2026-01-01", "finding": "hoffmann_sign", "status": "yes"}', "status"),
        (
            '{"patient_id": "a", "date": "2026-01-01", "finding": "hoffmann_sign", "status": "present", "text": "x"}',
            "finding",
        ),
        ('{"patient_id": "a", "date": "2026-01-01", "note_id": ["x"], "text": "secret words"}', "note_id"),
    ],
)
def test_malformed_jsonl_rows_are_rejected_with_location(tmp_path: Path, line: str, field: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"patient_id": "ok", "date": "2026-01-01", "text": "fine"}\n' + line + "\n", encoding="utf-8")
    good, bad = rows_of(path)
    assert isinstance(good, StagedRow)
    assert isinstance(bad, Reject)
    assert bad.location == "in.jsonl line 2"
    assert bad.field == field
    assert "secret" not in json.dumps(bad.to_dict())


def test_unknown_finding_suggests_the_closest(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"patient_id": "a", "date": "2026-01-01", "finding": "hofmann_sign", "status": "present"}\n')
    (bad,) = rows_of(path)
    assert isinstance(bad, Reject) and "hoffmann_sign" in bad.problem


def test_csv_rows_and_a_short_row(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        'patient_id,date,note_id,text\na,2026-01-01,n1,"multi\nline note, with comma"\n'
        "b,2026-01-01\nc,2026-01-03,,ok\n",
        encoding="utf-8",
    )
    first, short, third = rows_of(path)
    assert isinstance(first, StagedRow) and first.text == "multi\nline note, with comma"
    assert isinstance(short, Reject) and short.location == "in.csv line 4" and short.field == "line"
    assert isinstance(third, StagedRow) and third.note_id == "in.csv:3"


def test_csv_without_patient_id_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,text\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="patient_id"):
        rows_of(path)


def test_parquet_rows_with_typed_dates(tmp_path: Path) -> None:
    import datetime as dt

    path = tmp_path / "in.parquet"
    table = pa.table(
        {
            "patient_id": ["a", None],
            "date": [dt.date(2026, 1, 2), dt.date(2026, 1, 3)],
            "text": ["note", "other"],
        }
    )
    pq.write_table(table, path)
    good, bad = rows_of(path)
    assert isinstance(good, StagedRow) and good.date == "2026-01-02" and good.note_id == "in.parquet:1"
    assert isinstance(bad, Reject) and bad.location == "in.parquet row 2" and bad.field == "patient_id"


def test_unknown_suffix_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("x")
    with pytest.raises(InputError, match="INPUT"):
        rows_of(path)


@given(st.lists(st.one_of(st.text(max_size=30), st.integers(), st.none(), st.booleans()), min_size=3, max_size=3))
def test_any_row_is_either_staged_or_rejected(values: list[object]) -> None:
    """Whatever the values, reading a row never raises and a reject never echoes them."""
    from spinetriage.screening._inputs import _row

    patient, date, text = values
    out = _row({"patient_id": patient, "date": date, "text": text}, "f line 1", "f", 0, 1, FINDINGS)
    if isinstance(out, Reject):
        assert out.location == "f line 1"
        assert out.field in {"patient_id", "date", "text"}
    else:
        assert out.patient_id.strip() == out.patient_id and out.patient_id
        assert isinstance(out.text, str)


def _document(patient: str, text: str, **extra: object) -> dict[str, object]:
    import base64

    data = base64.b64encode(text.encode()).decode()
    return {
        "resourceType": "DocumentReference",
        "id": "doc1",
        "subject": {"reference": f"Patient/{patient}"},
        "content": [{"attachment": {"contentType": "text/plain; charset=utf-8", "data": data}}],
        **extra,
    }


def test_fhir_bulk_document_reference_is_a_note(tmp_path: Path) -> None:
    path = tmp_path / "DocumentReference.ndjson"
    lines = [
        _document("123", "Hoffmann sign positive.", date="2026-02-03T10:00:00Z"),
        _document("124", "x", context={"period": {"start": "2026-02-04"}}),
        {"resourceType": "Observation", "id": "o1"},
        {**_document("125", "x", date="2026-02-04"), "subject": {"reference": "Group/1"}},
        {
            **_document("126", "x", date="2026-02-04"),
            "content": [{"attachment": {"contentType": "text/plain", "data": "%%"}}],
        },
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    first, second, observation, group, bad_data = rows_of(path)
    assert first == StagedRow("123", "2026-02-03T10:00:00", "doc1", "note", "Hoffmann sign positive.", None, None, 0, 1)
    assert isinstance(second, StagedRow) and second.date == "2026-02-04"
    assert (
        isinstance(observation, Reject) and observation.field == "resourceType" and "Observation" in observation.problem
    )
    assert isinstance(group, Reject) and group.field == "subject.reference"
    assert isinstance(bad_data, Reject) and bad_data.field == "content.attachment.data"
    assert bad_data.location == "DocumentReference.ndjson line 5"
