"""The database: engine, sessions, ORM tables and migrations.

SQLite (the default) runs in WAL mode with foreign keys on and a busy timeout, so several
server processes can write one file safely. ``synchronous=NORMAL`` (SQLite's advice for
WAL): an acknowledged write survives a crash or kill of the server; a power cut can roll
back the last transactions but never corrupts the file. ``sqlite:///PATH?synchronous=full``
makes every commit reach the disk (an fsync each, about 3 ms here). PostgreSQL is reached through psycopg 3
(``postgresql+psycopg://``). The schema is created and upgraded by the Alembic
migrations in ``web/migrations``; nothing calls ``create_all``.

Round trips are what a PostgreSQL request pays for (a thread waiting on the socket, the
server woken up), so a statement that stands alone runs in autocommit (:attr:`Database.single`,
:attr:`Database.reads`): PostgreSQL makes it its own transaction, as durable as
``BEGIN``/``COMMIT`` around it and two round trips cheaper. A pooled connection is checked
without a round trip (:func:`_check_alive`) instead of with SQLAlchemy's ``pool_pre_ping``.
"""

from __future__ import annotations

import json
import select
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, String, Text, create_engine, event, false
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from spinetriage.errors import InputError

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_SYNCHRONOUS = ("normal", "full")


class RawJson(str):
    """JSON text made already (by pydantic, much faster than ``json.dumps`` of its dict), stored as it is."""

    __slots__ = ()


def _json_serializer(value: Any) -> str:
    """The engine's JSON encoder: :class:`RawJson` as it is, anything else with ``json.dumps``."""
    return value if isinstance(value, RawJson) else json.dumps(value)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class AssessmentRow(Base):
    """One stored assessment: the case as given, the result, and the versions that made it."""

    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_owner_created", "owner", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    owner: Mapped[str] = mapped_column(String(64), nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    case: Mapped[Any] = mapped_column(JSON, nullable=False)
    result: Mapped[Any] = mapped_column(JSON, nullable=True)
    knowledge_version: Mapped[str] = mapped_column(String(64), nullable=False)
    engine_version: Mapped[str] = mapped_column(String(64), nullable=False)


class UserRow(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class ApiTokenRow(Base):
    """An API token, stored only as its SHA-256 (tokens are random, so a fast hash suffices)."""

    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(
        String(64), ForeignKey("users.username", ondelete="CASCADE"), nullable=False, index=True
    )
    label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class LoginSessionRow(Base):
    """A signed-in browser, so that signing out ends the session on the server and not only in that browser.

    Keyed by the SHA-256 of the random session id the cookie carries (a copy of the table opens no
    session). Rows past ``expires_at`` are refused, and purged at the next sign-in.
    """

    __tablename__ = "login_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(
        String(64), ForeignKey("users.username", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    kiosk: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())
    """A kiosk left for patients: it opens the questionnaire only, filed under ``username``."""


class SecretRow(Base):
    """Server secrets generated once (the cookie-signing key) and shared by every worker."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class CdsFeedbackRow(Base):
    """What a clinician did with a CDS Hooks card (accepted a suggestion, or overrode it and why).

    Keyed by a hash of the service, card, outcome, accepted suggestions and outcome time, so an
    EHR that sends the same feedback twice stores it once.
    """

    __tablename__ = "cds_feedback"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    service: Mapped[str] = mapped_column(String(64), nullable=False)
    card: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    accepted_suggestions: Mapped[Any] = mapped_column(JSON, nullable=False)
    override_reason: Mapped[Any] = mapped_column(JSON, nullable=True)
    outcome_timestamp: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class CdsJtiRow(Base):
    """A CDS Hooks token id already used (hashed with its issuer), kept until the token expires: a replay is refused."""

    __tablename__ = "cds_jti"

    jti_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, index=True)


def _sqlite_pragmas(synchronous: str) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    return on_connect


def socket_readable(fileno: int) -> bool:
    """Whether a socket has something to read (or was closed by its peer), without waiting."""
    if not hasattr(select, "poll"):  # Windows; select() there has no limit on descriptor numbers
        return bool(select.select([fileno], [], [], 0)[0])
    poller = select.poll()  # unlike select(), any descriptor number (a busy server has more than 1024)
    poller.register(fileno, select.POLLIN)
    return bool(poller.poll(0))


def _check_alive(engine: Engine) -> Any:
    """A pool checkout check that costs no round trip while the connection is sound.

    An idle PostgreSQL connection receives nothing unless the server is closing it (a restart,
    ``pg_terminate_backend``, an idle timeout): then its socket is readable. Only then is the
    connection pinged (``pool_pre_ping`` would ping every checkout); if the ping fails, the pool
    replaces the connection, so no request fails because the server restarted.
    """

    def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if not socket_readable(dbapi_connection.fileno()):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error:
            raise DisconnectionError("the server closed the pooled connection") from None

    return on_checkout


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url`` (sqlite:///FILE or postgresql+psycopg://...)."""
    try:
        url = make_url(database_url)
    except Exception:
        raise InputError(
            "--database-url", "not a database URL", "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise InputError("--database-url", "an in-memory SQLite database would lose the record", "sqlite:///PATH")
        synchronous = str(url.query.get("synchronous", "normal")).lower()
        if synchronous not in SQLITE_SYNCHRONOUS:
            raise InputError("--database-url", "unknown synchronous setting", ", ".join(SQLITE_SYNCHRONOUS))
        url = url.difference_update_query(["synchronous"])
        if set(url.query):
            raise InputError("--database-url", "unknown SQLite URL parameter", "synchronous")
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            json_serializer=_json_serializer,
        )
        event.listen(engine, "connect", _sqlite_pragmas(synchronous.upper()))
        return engine
    if backend == "postgresql":
        if url.get_driver_name() != "psycopg":
            url = url.set(drivername="postgresql+psycopg")
        engine = create_engine(url, pool_size=10, max_overflow=10, json_serializer=_json_serializer)
        event.listen(engine, "checkout", _check_alive(engine))
        return engine
    raise InputError("--database-url", f"unsupported database '{backend}'", "sqlite, postgresql")


def migrations_dir() -> str:
    return str(resources.files("spinetriage.web") / "migrations")


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", migrations_dir())
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """An engine and its session factory."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = make_engine(database_url)
        self.sessions: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)
        self.single: Engine = self.engine
        """For one statement that needs no transaction around it: autocommit on PostgreSQL (one round
        trip instead of three); on SQLite the engine itself (a local BEGIN costs nothing)."""
        if self.engine.dialect.name == "postgresql":
            self.single = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.reads: sessionmaker[Session] = sessionmaker(self.single, expire_on_commit=False)
        """Sessions that only read, one statement each (see :attr:`single`)."""

    def upgrade(self) -> None:
        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def utcnow() -> datetime:
    return datetime.now(UTC)
