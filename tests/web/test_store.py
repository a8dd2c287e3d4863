"""The record: what a stored assessment keeps, who sees it, and that re-running it reproduces it."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from spinetriage import assess
from spinetriage.case import parse_case
from spinetriage.errors import InputError
from spinetriage.web.db import Database
from spinetriage.web.store import NotFound, Store

RAW = {
    "age": 58,
    "sex": "male",
    "findings": {"hand_clumsiness": "present", "gait_disturbance": "present", "sciatica": "unknown"},
    "text": "Hoffmann positive bilaterally. MRI: C4-5 and C5-6 stenosis with cord compression.",
}


@pytest.fixture
def store(database: Database) -> Store:
    return Store(database)


def test_save_keeps_case_as_given_result_versions_owner_time(store: Store) -> None:
    before = datetime.now(UTC)
    stored = store.save(parse_case(RAW, store.knowledge), owner="ann", source="clinician", label="clinic 3")
    expected = assess(RAW)
    assert stored.case == RAW
    assert stored.result == expected.model_dump(mode="json")
    assert stored.knowledge_version == expected.knowledge_version == store.knowledge.version
    assert stored.engine_version == expected.engine_version
    assert (stored.owner, stored.source, stored.status, stored.label) == ("ann", "clinician", "complete", "clinic 3")
    assert before - timedelta(seconds=1) <= stored.created_at <= datetime.now(UTC)
    assert stored.created_at.tzinfo is not None


def test_get_returns_the_same_record(store: Store) -> None:
    stored = store.save(parse_case(RAW, store.knowledge), owner="ann", source="api")
    again = store.get(stored.id, owner="ann")
    assert again == stored
    # read back from the database (SQLite keeps no zone, PostgreSQL its session's): UTC, aware, same instant
    assert again.created_at.utcoffset() == timedelta(0)
    assert again.created_at == stored.created_at and again.created_at.microsecond == stored.created_at.microsecond
    assert store.search(owner="ann")[0].created_at.utcoffset() == timedelta(0)


def test_the_api_form_is_the_same_whether_the_result_text_is_spliced_in_or_encoded(store: Store) -> None:
    """A new record carries its result's JSON text (stored as is, sent as is); a record read back does not."""
    stored = store.save(parse_case(RAW, store.knowledge), owner="ann", source="api", label="Zimmer 4 – Bett ü")
    read = store.get(stored.id, owner="ann")
    assert stored.result_json is not None and read.result_json is None
    assert json.loads(stored.result_json) == stored.result == read.result
    assert json.loads(stored.json_bytes()) == json.loads(read.json_bytes()) == stored.to_json() == read.to_json()
    assert "Zimmer 4 – Bett ü".encode() in stored.json_bytes()  # UTF-8, not \u escapes


def test_the_result_text_stored_is_the_result(store: Store) -> None:
    """The row gets pydantic's JSON of the result, not ``json.dumps`` of its dict: the same values,
    over cases with every kind of finding, age and sex."""
    rnd = random.Random(11)
    findings = sorted(store.knowledge.findings)
    for _ in range(40):
        raw = {
            "age": rnd.randint(18, 95),
            "sex": rnd.choice(["female", "male"]),
            "findings": {f: rnd.choice(["present", "absent", "unknown"]) for f in rnd.sample(findings, 12)},
        }
        stored = store.prepare(parse_case(raw, store.knowledge), owner="ann", source="api")
        assert stored.result_json is not None
        assert json.loads(stored.result_json) == stored.result


def test_rerun_on_the_same_versions_is_identical(store: Store) -> None:
    """Issue 5: re-running a stored case on the same versions gives the identical result."""
    stored = store.save(parse_case(RAW, store.knowledge), owner="ann", source="api")
    again = store.rerun(stored.id, owner="ann")
    assert (again.knowledge_version, again.engine_version) == (stored.knowledge_version, stored.engine_version)
    assert again.model_dump(mode="json") == stored.result


def test_others_ids_are_not_found(store: Store) -> None:
    stored = store.save(parse_case(RAW, store.knowledge), owner="ann", source="api")
    with pytest.raises(NotFound):
        store.get(stored.id, owner="bob")
    with pytest.raises(NotFound):
        store.rerun(stored.id, owner="bob")
    with pytest.raises(NotFound):
        store.mark_reviewed(stored.id, owner="bob")
    with pytest.raises(NotFound):
        store.get("x" * 500, owner="ann")
    assert store.search(owner="bob") == []


def test_questionnaire_waits_for_the_clinician(store: Store) -> None:
    stored = store.save(
        parse_case(RAW, store.knowledge), owner="ann", source="questionnaire", status="awaiting_clinician"
    )
    assert stored.result is not None  # computed and kept, but the patient is not shown it
    assert [s.id for s in store.search(owner="ann", status="awaiting_clinician")] == [stored.id]
    reviewed = store.mark_reviewed(stored.id, owner="ann")
    assert reviewed.status == "complete"
    assert store.get(stored.id, owner="ann").status == "complete"
    assert store.search(owner="ann", status="awaiting_clinician") == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"source": "fax"}, "source"), ({"status": "done"}, "status"), ({"label": "x" * 201}, "label")],
)
def test_save_rejects_bad_metadata(store: Store, kwargs: dict[str, str], field: str) -> None:
    args = {"owner": "ann", "source": "api", **kwargs}
    with pytest.raises(InputError) as error:
        store.save(parse_case(RAW, store.knowledge), **args)
    assert error.value.field == field
    assert store.search(owner="ann") == []  # nothing half-written is kept


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"limit": 0}, "limit"), ({"offset": -1}, "offset"), ({"status": "x"}, "status"), ({"query": "q" * 201}, "q")],
)
def test_search_rejects_bad_parameters(store: Store, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as error:
        store.search(owner="ann", **kwargs)  # type: ignore[arg-type]
    assert error.value.field == field


def test_search_pages_newest_first(store: Store) -> None:
    ids = [store.save(parse_case(RAW, store.knowledge), owner="ann", source="api", label=f"n{i}").id for i in range(5)]
    assert [s.id for s in store.search(owner="ann")] == ids[::-1]
    assert [s.id for s in store.search(owner="ann", limit=2, offset=1)] == ids[::-1][1:3]
    assert store.count(owner="ann") == 5
    assert (
        store.count(owner="ann", status="complete") == 5 and store.count(owner="ann", status="awaiting_clinician") == 0
    )
    assert store.count(owner="bob") == 0
