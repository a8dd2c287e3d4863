"""``spinetriage serve``, ``users add``, ``tokens create`` and ``db upgrade``."""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from spinetriage.cli._guard import guarded
from spinetriage.errors import InputError
from spinetriage.web.environment import (
    ENV_ALLOWED_HOSTS,
    ENV_CDS_ISSUERS,
    ENV_DATABASE_URL,
    ENV_HOST,
    ENV_PORT,
    ENV_SECURE_COOKIES,
)

if TYPE_CHECKING:
    from spinetriage.web.auth import Accounts
    from spinetriage.web.settings import Settings

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

users_app = typer.Typer(help="Users who may log in (required to serve beyond loopback).", no_args_is_help=True)
tokens_app = typer.Typer(
    help="API tokens for integrations (sent as `Authorization: Bearer TOKEN`).", no_args_is_help=True
)
db_app = typer.Typer(help="The assessment record's database.", no_args_is_help=True)


def _settings(database_url: str | None, **extra: Any) -> Settings:
    from spinetriage.web.settings import Settings

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
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed "
            "(comma-separated, e.g. 127.0.0.1). Default: none; every request is taken from the address it came from.",
        ),
    ] = None,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Send cookies with Secure and set Strict-Transport-Security (behind a TLS proxy, also on this "
            "machine). Default: on unless bound to loopback.",
        ),
    ] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            help="A host name the server answers to (repeat for several; name or name:port). Requests naming "
            "another host are refused. Default: any (only loopback names in local mode).",
        ),
    ] = None,
    cds_issuer: CdsIssuers = None,
) -> None:
    """Run the web app and REST API (http://127.0.0.1:8000; API under /api/v1; CDS Hooks under /cds-services)."""
    from spinetriage.cli.cds import chosen_issuers

    hosts = tuple(allowed_host or ())

    def prepare() -> Settings:
        if any(not h or "," in h or any(c.isspace() for c in h) for h in hosts):
            raise InputError("--allowed-host", "not a host name", "a name or name:port, one per option")
        settings = _settings(
            database_url,
            host=host,
            port=port,
            secure_cookies=secure_cookies,
            allowed_hosts=hosts,
            cds_issuers=chosen_issuers(cds_issuer),
        )
        users = _with_accounts(database_url, lambda accounts: accounts.has_users())
        settings = settings.model_copy(update={"users_configured": users})
        from spinetriage.web.settings import check_can_serve

        check_can_serve(settings)
        return settings

    settings = guarded(prepare)
    import uvicorn

    os.environ[ENV_HOST] = settings.host
    os.environ[ENV_PORT] = str(settings.port)
    os.environ[ENV_DATABASE_URL] = settings.database_url
    os.environ[ENV_SECURE_COOKIES] = "" if secure_cookies is None else str(int(secure_cookies))
    os.environ[ENV_ALLOWED_HOSTS] = ",".join(hosts)
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
        proxy_headers=forwarded_allow_ips is not None,  # uvicorn would believe 127.0.0.1 by default
        forwarded_allow_ips=forwarded_allow_ips or "",
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
    from spinetriage.web.auth import check_username

    guarded(lambda: check_username(name))
    password = _read_password(password_stdin)

    guarded(lambda: _with_accounts(database_url, lambda accounts: accounts.add_user(name, password)))
    typer.echo(f"user '{name}' added", err=True)
    typer.echo(
        "note: a server already running in local mode (no login) goes on answering without login "
        "until it is restarted; restart it now",
        err=True,
    )


@tokens_app.command("create")
def tokens_create(
    user: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str, typer.Option(help="What the token is for (shown nowhere else).")] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Create an API token and print it once (only its hash is stored)."""

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
    revoke_tokens: Annotated[
        bool, typer.Option("--revoke-tokens", help="Also revoke the user's API tokens (after a suspected leak).")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Change a user's password; their sessions end. API tokens are kept unless --revoke-tokens."""

    password = _read_password(password_stdin)

    def change(accounts: Accounts) -> int:
        return accounts.set_password(name, password, revoke_tokens=revoke_tokens)

    kept = guarded(lambda: _with_accounts(database_url, change))
    typer.echo(f"password of '{name}' changed; their sessions ended", err=True)
    if kept:
        typer.echo(
            f"{kept} API token(s) of '{name}' still work; `spinetriage tokens list {name}` shows them, "
            "`--revoke-tokens` revokes them with the password",
            err=True,
        )


@users_app.command("remove")
def users_remove(
    name: Annotated[str, typer.Argument(help="The user to remove (their tokens go too; their assessments stay).")],
    database_url: DatabaseUrl = None,
) -> None:
    """Remove a user: they can no longer log in, and their API tokens stop working."""

    guarded(lambda: _with_accounts(database_url, lambda accounts: accounts.remove_user(name)))
    typer.echo(f"user '{name}' removed", err=True)


@tokens_app.command("revoke")
def tokens_revoke(
    token: Annotated[str, typer.Argument(help="The token to revoke: in full, or its id from `tokens list`.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke an API token at once."""

    user = guarded(lambda: _with_accounts(database_url, lambda accounts: accounts.revoke_token(token)))
    typer.echo(f"token of '{user}' revoked", err=True)


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str, typer.Argument(help="Whose tokens.")],
    database_url: DatabaseUrl = None,
) -> None:
    """List a user's tokens (id, created, label); `tokens revoke ID` revokes one. Tokens cannot be shown again."""

    for prefix, label, created in guarded(lambda: _with_accounts(database_url, lambda a: a.tokens(user))):
        typer.echo(f"{prefix}  {created}  {label}")


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Create the database or bring it to the newest schema (also done at every start)."""

    database = guarded(lambda: _database(database_url))
    database.dispose()
    typer.echo("database is at the newest schema", err=True)


def register(app: typer.Typer) -> None:
    """Add the web commands to a Typer app."""
    app.command("serve")(serve_command)
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.add_typer(db_app, name="db")
