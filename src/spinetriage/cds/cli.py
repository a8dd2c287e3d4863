"""``spinetriage cds serve`` (the CDS Hooks service alone) and ``spinetriage cds services``."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

from spinetriage.errors import InputError
from spinetriage.web.cli import DatabaseUrl, log_config
from spinetriage.web.settings import ENV_DATABASE_URL, Settings, is_loopback

cds_app = typer.Typer(help="CDS Hooks 2.0: spinetriage inside the EHR (docs/fhir.md).", no_args_is_help=True)
DEFAULT_PORT = 8010


@cds_app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on: loopback only (see docs/fhir.md).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = DEFAULT_PORT,
    database_url: DatabaseUrl = None,
    access_log: Annotated[bool, typer.Option(help="Log method, path, status and time of each request.")] = True,
) -> None:
    """Run the CDS Hooks service alone: discovery at http://127.0.0.1:8010/cds-services."""
    from spinetriage.cli import guarded

    def prepare() -> Settings:
        if not is_loopback(host):
            raise InputError(
                "--host",
                "the CDS Hooks service does not verify EHR tokens yet, so it listens on loopback only",
                "127.0.0.1, ::1 or localhost",
            )
        return Settings(host=host, port=port, **({"database_url": database_url} if database_url else {}))

    settings = guarded(prepare)
    import uvicorn

    os.environ["SPINETRIAGE_HOST"] = settings.host
    os.environ["SPINETRIAGE_PORT"] = str(settings.port)
    os.environ[ENV_DATABASE_URL] = settings.database_url
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


def register(app: typer.Typer) -> None:
    app.add_typer(cds_app, name="cds")
