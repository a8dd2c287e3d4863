"""The assessment record: every stored case with its result and the versions that produced it.

A stored assessment keeps the case as given, the result, the knowledge version and the
engine version, its owner and when it was made, so that re-running it on the same
versions gives the identical result. Each owner sees only their own assessments: an
id that belongs to someone else is reported exactly like one that does not exist.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, get_args

from sqlalchemy import func, insert, or_, select

from spinetriage.assessment import Assessment, assess
from spinetriage.case import Case, parse_case
from spinetriage.errors import InputError, SpinetriageError
from spinetriage.knowledge import KnowledgeBase, default_knowledge
from spinetriage.web.db import AssessmentRow, Database, RawJson, utcnow

if TYPE_CHECKING:  # psycopg is needed only with PostgreSQL
    from spinetriage.web.async_statements import AsyncStatements

Source = Literal["clinician", "api", "interview", "questionnaire"]
AssessmentStatus = Literal["complete", "awaiting_clinician"]
SOURCES: tuple[str, ...] = get_args(Source)
STATUSES: tuple[str, ...] = get_args(AssessmentStatus)
MAX_LABEL = 200
MAX_LIMIT = 200
MAX_QUERY = 200


class NotFound(SpinetriageError):
    """No assessment with this id is visible to this owner."""

    def __init__(self, assessment_id: str) -> None:
        self.assessment_id = assessment_id
        super().__init__("no stored assessment with this id")


@dataclass(frozen=True)
class StoredAssessment:
    id: str
    created_at: datetime
    owner: str
    source: str
    status: str
    case: dict[str, Any]
    result: dict[str, Any] | None
    knowledge_version: str
    engine_version: str
    label: str
    result_json: str | None = field(default=None, repr=False, compare=False)
    """``result`` as JSON text, when it was made already (a new assessment): encoded once, used twice."""

    def to_json(self) -> dict[str, Any]:
        """The API form: every field, ``created_at`` in ISO 8601 UTC."""
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
            "owner": self.owner,
            "source": self.source,
            "status": self.status,
            "label": self.label,
            "knowledge_version": self.knowledge_version,
            "engine_version": self.engine_version,
            "case": self.case,
            "result": self.result,
        }

    def json_bytes(self) -> bytes:
        """:meth:`to_json` as compact UTF-8 JSON, with ``result`` spliced in from :attr:`result_json`
        when there is one rather than encoded again (it is most of the bytes)."""
        if self.result_json is None:
            return _dumps(self.to_json()).encode()
        head = self.to_json()
        del head["result"]
        return f'{_dumps(head)[:-1]},"result":{self.result_json}}}'.encode()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _stored(row: AssessmentRow) -> StoredAssessment:
    return StoredAssessment(
        id=row.id,
        created_at=row.created_at,
        owner=row.owner,
        source=row.source,
        status=row.status,
        case=row.case,
        result=row.result,
        knowledge_version=row.knowledge_version,
        engine_version=row.engine_version,
        label=row.label,
    )


_INSERT = insert(AssessmentRow)


def _row(stored: StoredAssessment) -> dict[str, Any]:
    """The row for ``stored``; a result already encoded is stored as that text."""
    return {
        "id": stored.id,
        "created_at": stored.created_at,
        "owner": stored.owner,
        "source": stored.source,
        "status": stored.status,
        "label": stored.label,
        "case": stored.case,
        "result": stored.result if stored.result_json is None else RawJson(stored.result_json),
        "knowledge_version": stored.knowledge_version,
        "engine_version": stored.engine_version,
    }


def case_as_given(case: Case) -> dict[str, Any]:
    """The case in its JSON form, keeping only the fields that were set."""
    return case.model_dump(mode="json", exclude_unset=True)


_ID = re.compile(r"^[0-9a-fA-F-]{1,36}$")


def _known_id(assessment_id: str) -> bool:
    """Whether ``assessment_id`` could be one this store gave out (a UUID's text): anything else, a NUL
    character included (which PostgreSQL refuses to compare), is not found without asking the database."""
    return bool(_ID.match(assessment_id))


def _check_text(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise InputError(field, f"longer than {limit} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InputError(field, "contains a control character (a line break, a tab or NUL)", "one line of text")


def check_label(label: str) -> None:
    """A label is one line of at most MAX_LABEL characters (InputError otherwise)."""
    _check_text("label", label, MAX_LABEL)


def _check_choice(field: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InputError(field, "not an allowed value", ", ".join(allowed))


class Store:
    """Save, fetch, search and re-run assessments in one database."""

    def __init__(
        self,
        database: Database,
        knowledge: KnowledgeBase | None = None,
        async_statements: AsyncStatements | None = None,
    ) -> None:
        self.database = database
        self.knowledge = knowledge or default_knowledge()
        self.async_statements = async_statements

    def save(
        self, case: Case, *, owner: str, source: str, label: str = "", status: str = "complete"
    ) -> StoredAssessment:
        """Assess ``case`` and store the case, the result and the versions (:meth:`prepare`, :meth:`insert`)."""
        stored = self.prepare(case, owner=owner, source=source, label=label, status=status)
        self.insert(stored)
        return stored

    def prepare(
        self, case: Case, *, owner: str, source: str, label: str = "", status: str = "complete"
    ) -> StoredAssessment:
        """Assess ``case`` into the record to store, without touching the database (all CPU, no waiting)."""
        _check_choice("source", source, SOURCES)
        _check_choice("status", status, STATUSES)
        check_label(label)
        result = assess(case, knowledge=None if self.knowledge is default_knowledge() else self.knowledge)
        return StoredAssessment(
            id=str(uuid.uuid4()),
            created_at=utcnow(),
            owner=owner,
            source=source,
            status=status,
            case=case_as_given(case),
            result=result.model_dump(mode="json"),
            knowledge_version=result.knowledge_version,
            engine_version=result.engine_version,
            label=label,
            result_json=result.model_dump_json(),
        )

    def insert(self, stored: StoredAssessment) -> None:
        """Store a prepared assessment: one INSERT, a transaction of its own (autocommit on PostgreSQL)."""
        with self.database.single.begin() as connection:  # a Core insert: a third of the ORM's cost
            connection.execute(_INSERT, [_row(stored)])

    def inserts_on_loop(self) -> bool:
        """Whether :meth:`insert_async` can run here (PostgreSQL, inside the app's event loop)."""
        return self.async_statements is not None and self.async_statements.usable()

    async def insert_async(self, stored: StoredAssessment) -> None:
        """:meth:`insert` sent from the event loop: no thread hop (see :mod:`spinetriage.web.async_statements`)."""
        if self.async_statements is None:
            raise RuntimeError("this store has no asynchronous connections")
        await self.async_statements.execute(_INSERT, _row(stored))

    def get(self, assessment_id: str, *, owner: str) -> StoredAssessment:
        with self.database.reads() as session:
            row = session.get(AssessmentRow, assessment_id) if _known_id(assessment_id) else None
            if row is None or row.owner != owner:
                raise NotFound(assessment_id)
            return _stored(row)

    def search(
        self, *, owner: str, query: str = "", status: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[StoredAssessment]:
        """The owner's assessments, newest first; ``query`` matches the label (any case) or the id's start."""
        if status is not None:
            _check_choice("status", status, STATUSES)
        if not 1 <= limit <= MAX_LIMIT:
            raise InputError("limit", "out of range", f"1 to {MAX_LIMIT}")
        if offset < 0:
            raise InputError("offset", "must not be negative")
        _check_text("q", query, MAX_QUERY)
        stmt = select(AssessmentRow).where(AssessmentRow.owner == owner)
        if status is not None:
            stmt = stmt.where(AssessmentRow.status == status)
        if query:
            pattern = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(
                or_(
                    func.lower(AssessmentRow.label).like(f"%{pattern}%", escape="\\"),
                    AssessmentRow.id.like(f"{pattern}%", escape="\\"),
                )
            )
        stmt = stmt.order_by(AssessmentRow.created_at.desc(), AssessmentRow.id.desc()).limit(limit).offset(offset)
        with self.database.reads() as session:
            return [_stored(row) for row in session.scalars(stmt)]

    def count(self, *, owner: str, status: str | None = None) -> int:
        """How many assessments the owner has (with this status, when given)."""
        stmt = select(func.count()).select_from(AssessmentRow).where(AssessmentRow.owner == owner)
        if status is not None:
            _check_choice("status", status, STATUSES)
            stmt = stmt.where(AssessmentRow.status == status)
        with self.database.reads() as session:
            return session.scalar(stmt) or 0

    def rerun(self, assessment_id: str, *, owner: str) -> Assessment:
        """Assess the stored case again with the current engine and knowledge."""
        return self.reassess(self.get(assessment_id, owner=owner))

    def reassess(self, stored: StoredAssessment) -> Assessment:
        """:meth:`rerun` for a record already fetched (to compare with it), without reading it again.
        The stored case is parsed again exactly as the API parses a new one."""
        case = parse_case(stored.case, self.knowledge)
        return assess(case, knowledge=None if self.knowledge is default_knowledge() else self.knowledge)

    def mark_reviewed(self, assessment_id: str, *, owner: str) -> StoredAssessment:
        """A questionnaire the clinician has seen becomes a complete assessment."""
        with self.database.sessions.begin() as session:
            row = session.get(AssessmentRow, assessment_id) if _known_id(assessment_id) else None
            if row is None or row.owner != owner:
                raise NotFound(assessment_id)
            row.status = "complete"
            return _stored(row)
