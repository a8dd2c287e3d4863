"""``spinetriage serve``, ``users add``, ``tokens create`` and ``db upgrade``."""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from spinetriage.errors import InputError
from spinetriage.web.settings import ENV_CDS_ISSUERS, ENV_DATABASE_URL, Settings, check_can_serve

if TYPE_CHECKING:
    from spinetriage.web.auth import Accounts

T = TypeVar("T")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help=f"sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DB (default: ${ENV_DATABASE_URL}, "
        "else spinetriage.db in the current directory).",
    ),
]
CdsIssuers = Annotated[
    list[str] | None,
    typer.Option(
        "--cds-issuer",
        help=f"A trusted CDS Hooks client as ISSUER=JWKS (a file or an https URL); repeatable. Default: "
        f"${ENV_CDS_ISSUERS} (ISSUER=JWKS words separated by spaces).",
    ),
]
ENV_HOST = "SPINETRIAGE_HOST"
ENV_PORT = "SPINETRIAGE_PORT"

users_app = typer.Typer(help="Users who may log in (required to serve beyond loopback).", no_args_is_help=True)
tokens_app = typer.Typer(
    help="API tokens for integrations (sent as `Authorization: Bearer TOKEN`).", no_args_is_help=True
)
db_app = typer.Typer(help="The assessment record's database.", no_args_is_help=True)


def _settings(database_url: str | None, **extra: Any) -> Settings:
    if database_url:
        extra["database_url"] = database_url
    return Settings(**extra)


def _database(database_url: str | None) -> Any:
    from spinetriage.web.db import Database

    database = Database(_settings(database_url).database_url)
    database.upgrade()
    return database


def _with_accounts(database_url: str | None, action: Callable[[Accounts], T]) -> T:
    """Run ``action`` on the users and tokens of the (migrated) database, then close it."""
    from spinetriage.web.auth import Accounts

    database = _database(database_url)
    try:
        return action(Accounts(database))
    finally:
        database.dispose()


def log_config(access_log: bool) -> dict[str, Any]:
    """uvicorn's logging, plus our access log (method, path, status, time: never bodies or query strings)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["spinetriage.web"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["spinetriage.web.access"] = {
        "handlers": ["default"] if access_log else [],
        "level": "INFO" if access_log else "WARNING",
        "propagate": False,
    }
    # httpx logs each request's URL at INFO; a FHIR search URL names the patient (CDS Hooks fetches)
    config["loggers"]["httpx"] = {"handlers": ["default"], "level": "WARNING", "propagate": False}
    return config


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but loopback requires users.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    database_url: DatabaseUrl = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes (they share the database).")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log method, path, status and time of each request.")] = True,
    cds_issuer: CdsIssuers = None,
) -> None:
    """Run the web app and REST API (http://127.0.0.1:8000; API under /api/v1; CDS Hooks under /cds-services)."""
    from spinetriage.cds.cli import chosen_issuers
    from spinetriage.cli import guarded

    def prepare() -> Settings:
        settings = _settings(database_url, host=host, port=port, cds_issuers=chosen_issuers(cds_issuer))
        users = _with_accounts(database_url, lambda accounts: accounts.has_users())
        settings = settings.model_copy(update={"users_configured": users})
        check_can_serve(settings)
        return settings

    settings = guarded(prepare)
    import uvicorn

    os.environ[ENV_HOST] = settings.host
    os.environ[ENV_PORT] = str(settings.port)
    os.environ[ENV_DATABASE_URL] = settings.database_url
    os.environ[ENV_CDS_ISSUERS] = " ".join(settings.cds_issuers)
    mode = "local mode, no login" if settings.local_mode else "login required"
    typer.echo(f"spinetriage on http://{settings.host}:{settings.port} ({mode}); API under /api/v1", err=True)
    uvicorn.run(
        "spinetriage.web.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        access_log=False,
        server_header=False,
        log_config=log_config(access_log),
    )


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name: a-z, 0-9, _ . -")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input instead of prompting.")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a user (the password is stored as an argon2 hash)."""
    from spinetriage.cli import guarded
    from spinetriage.web.auth import check_username

    guarded(lambda: check_username(name))
    password = _read_password(password_stdin)

    guarded(lambda: _with_accounts(database_url, lambda accounts: accounts.add_user(name, password)))
    typer.echo(f"user '{name}' added", err=True)


@tokens_app.command("create")
def tokens_create(
    user: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str, typer.Option(help="What the token is for (shown nowhere else).")] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Create an API token and print it once (only its hash is stored)."""
    from spinetriage.cli import guarded

    def create() -> str:
        if len(label) > 200:
            raise InputError("--label", "longer than 200 characters")
        return _with_accounts(database_url, lambda accounts: accounts.create_token(user, label))

    token = guarded(create)
    typer.echo(token)
    typer.echo("store this token now: it cannot be shown again", err=True)


@users_app.command("password")
def users_password(
    name: Annotated[str, typer.Argument(help="The user whose password changes.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input instead of prompting.")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Change a user's password; their existing sessions end."""
    from spinetriage.cli import guarded

    password = _read_password(password_stdin)

    guarded(lambda: _with_accounts(database_url, lambda accounts: accounts.set_password(name, password)))
    typer.echo(f"password of '{name}' changed", err=True)


@users_app.command("remove")
def users_remove(
    name: Annotated[str, typer.Argument(help="The user to remove (their tokens go too; their assessments stay).")],
    database_url: DatabaseUrl = None,
) -> None:
    """Remove a user: they can no longer log in, and their API tokens stop working."""
    from spinetriage.cli import guarded

    guarded(lambda: _with_accounts(database_url, lambda accounts: accounts.remove_user(name)))
    typer.echo(f"user '{name}' removed", err=True)


@tokens_app.command("revoke")
def tokens_revoke(
    token: Annotated[str, typer.Argument(help="The token to revoke, as it was shown.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke an API token at once."""
    from spinetriage.cli import guarded

    user = guarded(lambda: _with_accounts(database_url, lambda accounts: accounts.revoke_token(token)))
    typer.echo(f"token of '{user}' revoked", err=True)


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str, typer.Argument(help="Whose tokens.")],
    database_url: DatabaseUrl = None,
) -> None:
    """List a user's tokens (hash prefix, label, created); tokens themselves cannot be shown again."""
    from spinetriage.cli import guarded

    for prefix, label, created in guarded(lambda: _with_accounts(database_url, lambda a: a.tokens(user))):
        typer.echo(f"{prefix}  {created}  {label}")


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Create the database or bring it to the newest schema (also done at every start)."""
    from spinetriage.cli import guarded

    database = guarded(lambda: _database(database_url))
    database.dispose()
    typer.echo("database is at the newest schema", err=True)


def register(app: typer.Typer) -> None:
    """Add the web commands to a Typer app."""
    app.command("serve")(serve_command)
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.add_typer(db_app, name="db")
