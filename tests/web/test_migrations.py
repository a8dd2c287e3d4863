"""The schema comes from the Alembic migrations, and they match the ORM tables."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from spinetriage.web.auth import Accounts
from spinetriage.web.db import Base, Database, migrations_dir
from spinetriage.web.migrations.versions.r0003_lz4_json import lz4_available
from spinetriage.web.sessions import LoginSessions

from .postgres import only_postgres


def test_upgrade_creates_every_table_and_is_idempotent(database: Database) -> None:
    database.upgrade()  # a second run changes nothing
    tables = set(inspect(database.engine).get_table_names())
    assert {"assessments", "users", "api_tokens", "app_secrets", "login_sessions", "alembic_version"} <= tables


def test_a_database_from_the_first_release_gains_login_sessions_and_keeps_its_users(database_url: str) -> None:
    db = Database(database_url)
    config = Config()
    config.set_main_option("script_location", migrations_dir())
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "r0001")
    assert "login_sessions" not in inspect(db.engine).get_table_names()
    Accounts(db).add_user("ann", "correct horse battery")
    db.upgrade()
    assert "login_sessions" in inspect(db.engine).get_table_names()
    assert Accounts(db).verify_password("ann", "correct horse battery")
    cookie = LoginSessions(db, b"k" * 32, 60).start("ann")
    assert LoginSessions(db, b"k" * 32, 60).user(cookie) == "ann"
    db.dispose()


def test_migrations_match_the_orm(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_sqlite_runs_in_wal_mode(tmp_path: object) -> None:
    db = Database(f"sqlite:///{tmp_path}/wal.db")
    db.upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    db.dispose()
    full = Database(f"sqlite:///{tmp_path}/full.db?synchronous=full")
    with full.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    full.dispose()


@only_postgres  # TOAST compression is PostgreSQL's
def test_on_postgresql_the_stored_json_is_compressed_with_lz4(database: Database) -> None:
    """lz4 halves the CPU PostgreSQL spends compressing each ~18 kB result (r0003); downgrading restores the default."""

    def compression() -> dict[str, str]:
        with database.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT attname, attcompression FROM pg_attribute"
                    " WHERE attrelid = 'assessments'::regclass AND attname IN ('case', 'result')"
                )
            ).all()
        return {name: str(method) for name, method in rows}

    with database.engine.connect() as connection:
        if not lz4_available(connection):
            pytest.skip("this PostgreSQL was built without lz4")
    assert compression() == {"case": "l", "result": "l"}
    config = Config()
    config.set_main_option("script_location", migrations_dir())
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "r0002")
    assert compression() == {"case": "", "result": ""}
