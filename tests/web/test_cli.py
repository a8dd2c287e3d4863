"""``spinetriage serve / users add / tokens create / db upgrade``: clear errors with exit code 2."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from spinetriage.cli import app
from spinetriage.web.auth import Accounts
from spinetriage.web.db import Database

runner = CliRunner()


def test_serve_refuses_an_open_address_without_users(database_url: str) -> None:
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--database-url", database_url])
    assert result.exit_code == 2
    assert "--host" in result.output and "spinetriage users add" in result.output


def test_db_upgrade_creates_the_schema(database_url: str) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    db = Database(database_url)
    assert "assessments" in inspect(db.engine).get_table_names()
    db.dispose()


def test_users_add_from_stdin_then_tokens_create(database_url: str) -> None:
    added = runner.invoke(app, ["users", "add", "ann", "--password-stdin", "--database-url", database_url],
                          input="a long enough password\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    db = Database(database_url)
    accounts = Accounts(db)
    assert accounts.verify_password("ann", "a long enough password")
    token_run = runner.invoke(app, ["tokens", "create", "ann", "--database-url", database_url])
    assert token_run.exit_code == 0, token_run.output
    token = next(line for line in token_run.output.splitlines() if line.startswith("st_"))
    assert accounts.user_for_token(token) == "ann"
    db.dispose()


def test_users_add_twice_or_badly_is_an_input_error(database_url: str) -> None:
    args = ["--password-stdin", "--database-url", database_url]
    assert runner.invoke(app, ["users", "add", "ann", *args], input="a long enough password\n").exit_code == 0
    again = runner.invoke(app, ["users", "add", "ann", *args], input="a long enough password\n")
    assert again.exit_code == 2 and "already exists" in again.output
    short = runner.invoke(app, ["users", "add", "bob", *args], input="short\n")
    assert short.exit_code == 2 and "password" in short.output
    bad_name = runner.invoke(app, ["users", "add", "Bob Smith", *args], input="a long enough password\n")
    assert bad_name.exit_code == 2 and "username" in bad_name.output


def test_token_for_unknown_user(database_url: str) -> None:
    result = runner.invoke(app, ["tokens", "create", "nobody", "--database-url", database_url])
    assert result.exit_code == 2 and "users add nobody" in result.output


@pytest.mark.parametrize(
    "url", ["mysql://localhost/db", "not a url", "sqlite://", "sqlite:///x.db?synchronous=off", "sqlite:///x.db?a=b"]
)
def test_bad_database_url(url: str) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--database-url", url])
    assert result.exit_code == 2
    assert "--database-url" in result.output


def test_tokens_list_revoke_and_users_remove(database_url: str) -> None:
    args = ["--database-url", database_url]
    assert (
        runner.invoke(app, ["users", "add", "ann", "--password-stdin", *args], input="a long password\n").exit_code == 0
    )
    token = runner.invoke(app, ["tokens", "create", "ann", "--label", "lab system", *args]).output.splitlines()[0]
    second = runner.invoke(app, ["tokens", "create", "ann", *args]).output.splitlines()[0]
    listed = runner.invoke(app, ["tokens", "list", "ann", *args])
    assert listed.exit_code == 0 and "lab system" in listed.output
    assert token not in listed.output and len(listed.output.strip().splitlines()) == 2
    assert runner.invoke(app, ["tokens", "revoke", token, *args]).exit_code == 0
    again = runner.invoke(app, ["tokens", "revoke", token, *args])
    assert again.exit_code == 2 and "TOKEN" in again.output
    db = Database(database_url)
    accounts = Accounts(db)
    assert accounts.user_for_token(token) is None
    assert accounts.user_for_token(second) == "ann"
    assert runner.invoke(app, ["users", "remove", "ann", *args]).exit_code == 0
    assert accounts.user_for_token(second) is None and not accounts.user_exists("ann")
    db.dispose()
    assert runner.invoke(app, ["users", "remove", "ann", *args]).exit_code == 2


def test_users_password_changes_it(database_url: str) -> None:
    args = ["--password-stdin", "--database-url", database_url]
    assert runner.invoke(app, ["users", "add", "ann", *args], input="the first password\n").exit_code == 0
    changed = runner.invoke(app, ["users", "password", "ann", *args], input="the second password\n")
    assert changed.exit_code == 0, changed.output
    db = Database(database_url)
    accounts = Accounts(db)
    assert accounts.verify_password("ann", "the second password")
    assert not accounts.verify_password("ann", "the first password")
    db.dispose()
    assert runner.invoke(app, ["users", "password", "nobody", *args], input="the second password\n").exit_code == 2


def _add_ann(database_url: str) -> None:
    args = ["users", "add", "ann", "--password-stdin", "--database-url", database_url]
    added = runner.invoke(app, args, input="a long enough password\n")
    assert added.exit_code == 0, added.output


def test_a_password_of_spaces_is_refused_issue_13(database_url: str) -> None:
    args = ["users", "add", "ann", "--password-stdin", "--database-url", database_url]
    spaces = runner.invoke(app, args, input=" " * 8 + "\n")
    assert spaces.exit_code == 2 and "not spaces" in spaces.output


def test_users_add_warns_that_a_local_mode_server_needs_a_restart_issue_13(database_url: str) -> None:
    args = ["users", "add", "ann", "--password-stdin", "--database-url", database_url]
    added = runner.invoke(app, args, input="a long enough password\n")
    assert "local mode" in added.output and "restart" in added.output


def test_a_token_is_revoked_by_the_id_tokens_list_shows_issue_13(database_url: str) -> None:
    _add_ann(database_url)
    created = runner.invoke(app, ["tokens", "create", "ann", "--database-url", database_url])
    token = next(line for line in created.output.splitlines() if line.startswith("st_"))
    listed = runner.invoke(app, ["tokens", "list", "ann", "--database-url", database_url])
    token_id = listed.output.split()[0]
    assert token not in listed.output
    revoked = runner.invoke(app, ["tokens", "revoke", token_id, "--database-url", database_url])
    assert revoked.exit_code == 0, revoked.output
    db = Database(database_url)
    assert Accounts(db).user_for_token(token) is None
    db.dispose()
    again = runner.invoke(app, ["tokens", "revoke", token_id, "--database-url", database_url])
    assert again.exit_code == 2 and "no such token" in again.output


def test_a_password_change_keeps_tokens_unless_told_issue_13(database_url: str) -> None:
    """Decided: a routine password change ends sessions but keeps integrations' tokens (and says so);
    ``--revoke-tokens`` revokes them too, for a suspected leak."""
    _add_ann(database_url)
    created = runner.invoke(app, ["tokens", "create", "ann", "--database-url", database_url])
    token = next(line for line in created.output.splitlines() if line.startswith("st_"))
    args = ["users", "password", "ann", "--password-stdin", "--database-url", database_url]
    kept = runner.invoke(app, args, input="another long password\n")
    assert kept.exit_code == 0, kept.output
    assert "1 API token(s) of 'ann' still work" in kept.output
    db = Database(database_url)
    assert Accounts(db).user_for_token(token) == "ann"
    revoked = runner.invoke(app, [*args, "--revoke-tokens"], input="a third long password\n")
    assert revoked.exit_code == 0, revoked.output
    assert Accounts(db).user_for_token(token) is None
    db.dispose()
