"""The CDS Hooks service alone: ``/cds-services`` and ``/healthz`` over the same database as the
web app (feedback is stored there), behind the same security middleware (size limits, headers,
an access log without patient details, local-mode host check)."""

from __future__ import annotations

import os

from fastapi import FastAPI
from starlette.routing import Route

from spinetriage._version import __version__
from spinetriage.assessment import assess
from spinetriage.case import Case
from spinetriage.cds._service import CdsState, WithoutSlash, create_cds_app
from spinetriage.cds._trust import Verifier, parse_issuers
from spinetriage.errors import InputError
from spinetriage.web import problems
from spinetriage.web.auth import LOCAL_USER
from spinetriage.web.db import Database
from spinetriage.web.security import SecurityMiddleware
from spinetriage.web.settings import Settings

MOUNT = "/cds-services"


def create_standalone_app(settings: Settings | None = None) -> FastAPI:
    """The service alone (default: loopback, the database of ``SPINETRIAGE_DATABASE_URL`` or spinetriage.db)."""
    settings = settings or Settings()
    issuers = parse_issuers(settings.cds_issuers)
    if not settings.loopback and not issuers:
        raise InputError(
            "--host",
            f"'{settings.host}' is reachable from other machines, which requires verified callers, but no trusted "
            "issuers are configured; add --cds-issuer ISSUER=JWKS, or bind to 127.0.0.1",
        )
    database = Database(settings.database_url)
    if settings.run_migrations:
        database.upgrade()
    assess(Case())  # compile the model now, not during the first call
    app = FastAPI(title="spinetriage CDS Hooks", version=__version__, openapi_url=None, docs_url=None, redoc_url=None)
    app.add_middleware(SecurityMiddleware, settings=settings)
    problems.install(app)
    state = CdsState(
        database=database,
        store=None,
        owner=LOCAL_USER,
        open_access=settings.local_mode,
        verifier=Verifier(issuers, database) if issuers else None,
    )
    cds = create_cds_app(state)
    app.router.routes.append(Route(MOUNT, WithoutSlash(cds, MOUNT), include_in_schema=False))
    app.mount(MOUNT, cds)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app


def standalone_from_env() -> FastAPI:
    """The app ``spinetriage cds serve`` starts in each worker (SPINETRIAGE_* variables)."""
    return create_standalone_app(
        Settings(
            host=os.environ.get("SPINETRIAGE_HOST", "127.0.0.1"),
            port=int(os.environ.get("SPINETRIAGE_PORT", "8010")),
        )
    )
