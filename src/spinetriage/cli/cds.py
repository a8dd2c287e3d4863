"""``spinetriage cds serve`` (the CDS Hooks service alone) and ``spinetriage cds services``."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Annotated

import typer

from spinetriage.cli.web import CdsIssuers, DatabaseUrl, log_config
from spinetriage.errors import InputError
from spinetriage.web.settings import ENV_CDS_ISSUERS, ENV_DATABASE_URL, Settings, is_loopback

if TYPE_CHECKING:
    from spinetriage.cds._trust import Issuer

cds_app = typer.Typer(help="CDS Hooks 2.0: spinetriage inside the EHR (docs/fhir.md).", no_args_is_help=True)
DEFAULT_PORT = 8010


def chosen_issuers(values: list[str] | None) -> tuple[str, ...]:
    """The issuers given by option, else by the environment variable; checked (raises InputError)."""
    from spinetriage.cds._trust import parse_issuers

    chosen = tuple(values) if values else tuple(os.environ.get(ENV_CDS_ISSUERS, "").split())
    parse_issuers(chosen)
    return chosen


@cds_app.command("serve")
def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but loopback requires trusted issuers.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = DEFAULT_PORT,
    database_url: DatabaseUrl = None,
    access_log: Annotated[bool, typer.Option(help="Log method, path, status and time of each request.")] = True,
    cds_issuer: CdsIssuers = None,
) -> None:
    """Run the CDS Hooks service alone: discovery at http://127.0.0.1:8010/cds-services."""
    from spinetriage.cli._guard import guarded

    def prepare() -> Settings:
        issuers = chosen_issuers(cds_issuer)
        if not is_loopback(host) and not issuers:
            raise InputError(
                "--host",
                f"'{host}' is reachable from other machines, which requires verified callers, but no trusted "
                "issuers are configured; add --cds-issuer ISSUER=JWKS, or bind to 127.0.0.1",
            )
        extra = {"database_url": database_url} if database_url else {}
        return Settings(host=host, port=port, cds_issuers=issuers, **extra)

    settings = guarded(prepare)
    import uvicorn

    os.environ["SPINETRIAGE_HOST"] = settings.host
    os.environ["SPINETRIAGE_PORT"] = str(settings.port)
    os.environ[ENV_DATABASE_URL] = settings.database_url
    os.environ[ENV_CDS_ISSUERS] = " ".join(settings.cds_issuers)
    typer.echo(f"spinetriage CDS Hooks on http://{settings.host}:{settings.port}/cds-services", err=True)
    uvicorn.run(
        "spinetriage.cds._standalone:standalone_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        access_log=False,
        server_header=False,
        log_config=log_config(access_log),
    )


@cds_app.command("services")
def services_command() -> None:
    """Print the discovery document (the services, their hooks and prefetch templates)."""
    from spinetriage.cds._service import SERVICES
    from spinetriage.cds._shapes import Discovery

    typer.echo(json.dumps(Discovery(services=list(SERVICES.values())).model_dump(exclude_none=True), indent=2))


@cds_app.command("issuers")
def issuers_command(cds_issuer: CdsIssuers = None) -> None:
    """List the trusted issuers (from --cds-issuer or the environment) and the key ids of their JWKS files."""
    from spinetriage.cds._trust import parse_issuers
    from spinetriage.cli._guard import guarded

    issuers = guarded(lambda: parse_issuers(chosen_issuers(cds_issuer)))
    if not issuers:
        typer.echo("no trusted issuers: CDS Hooks calls are answered in local mode only", err=True)
    for issuer in issuers:
        keys = "fetched when first needed" if issuer.remote else ", ".join(_key_ids(issuer))
        typer.echo(f"{issuer.issuer}\t{issuer.jwks}\tkeys: {keys}")


def _key_ids(issuer: Issuer) -> list[str]:
    from spinetriage.cds._trust import _KeySet
    from spinetriage.cli._guard import guarded

    return list(guarded(lambda: _KeySet(issuer)).keys)


def register(app: typer.Typer) -> None:
    app.add_typer(cds_app, name="cds")
