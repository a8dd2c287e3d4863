"""``create_app``: the web app and REST API over one database.

Startup migrates the database (Alembic), finds out whether users exist (which decides
local mode), refuses an address other machines can reach when nobody could log in,
and loads the cookie-signing secret.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.routing import Route

from spinetriage._version import __version__
from spinetriage.assessment import assess
from spinetriage.case import Case
from spinetriage.web import api, login, problems
from spinetriage.web.auth import Accounts, server_secret
from spinetriage.web.db import Database
from spinetriage.web.deps import AppState, app_state
from spinetriage.web.security import SecurityMiddleware
from spinetriage.web.sessions import LoginSessions
from spinetriage.web.settings import Settings, check_can_serve, settings_from_env
from spinetriage.web.store import Store

if TYPE_CHECKING:
    from spinetriage.web.async_statements import AsyncStatements

DESCRIPTION = """Decision support for clinicians, not a diagnosis: is this lower back pain lumbar, or from the neck?

Authentication: none in local mode (loopback, no users); otherwise `Authorization: Bearer TOKEN`
(`spinetriage tokens create USER`) or the session cookie of the web pages. Errors are RFC 9457
problem details (`application/problem+json`) whose `errors` name each field at fault."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for ``settings`` (default: loopback, SQLite file ``spinetriage.db`` in the current directory)."""
    settings = settings or Settings()
    database = Database(settings.database_url)
    try:
        if settings.run_migrations:
            database.upgrade()
        async_statements = _async_statements(database)
        accounts = Accounts(database, async_statements=async_statements)
        settings = settings.model_copy(update={"users_configured": accounts.has_users()})
        check_can_serve(settings)
        assess(Case())  # compile the model now, not during the first request
        secret = server_secret(database, settings.secret_key)
        state = AppState(
            settings=settings,
            database=database,
            store=Store(database, async_statements=async_statements),
            accounts=accounts,
            sessions=LoginSessions(database, secret, settings.session_max_age),
            secret=secret,
        )
        cds = _cds_app(state)
    except BaseException:
        database.dispose()
        raise

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if async_statements is not None:
            await async_statements.open()
        try:
            yield
        finally:
            if async_statements is not None:
                await async_statements.close()
            database.dispose()

    app = FastAPI(
        title="spinetriage",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the bundled Swagger UI loads scripts from a CDN; the server needs no network
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.spinetriage = state
    app.add_middleware(SecurityMiddleware, settings=settings)
    problems.install(app)
    app.include_router(api.router, prefix="/api/v1")
    app.include_router(login.router)
    pages = _pages_module()
    if pages is not None:
        app.include_router(pages.router)
    from spinetriage.cds._service import WithoutSlash

    app.router.routes.append(Route("/cds-services", WithoutSlash(cds, "/cds-services"), include_in_schema=False))
    app.mount("/cds-services", cds)
    app.mount(
        "/static",
        StaticFiles(directory=str(resources.files("spinetriage.web") / "static"), check_dir=False),
        name="static",
    )

    @app.get("/healthz", include_in_schema=False)
    async def healthz(request: Request) -> dict[str, str]:
        database = app_state(request).database
        await run_in_threadpool(_ping, database)
        return {"status": "ok", "version": __version__, "database": database.engine.dialect.name}

    return app


def _async_statements(database: Database) -> AsyncStatements | None:
    """On PostgreSQL, connections for the event loop (stored assessments skip the thread hop)."""
    if database.engine.dialect.name != "postgresql":
        return None
    from spinetriage.web.async_statements import AsyncStatements  # psycopg: only with PostgreSQL

    return AsyncStatements(database.engine)


def _cds_app(state: AppState) -> FastAPI:
    """CDS Hooks at /cds-services: assessments it makes are stored for the local user and linked from the card;
    calls are verified against the trusted issuers when there are any (docs/fhir.md)."""
    from spinetriage.cds import CdsState, create_cds_app
    from spinetriage.cds._trust import Verifier, parse_issuers
    from spinetriage.web.auth import LOCAL_USER

    settings = state.settings
    issuers = parse_issuers(settings.cds_issuers)
    verifier = Verifier(issuers, state.database) if issuers else None
    cds = CdsState(
        database=state.database,
        store=state.store if settings.local_mode else None,  # a stored assessment needs a user who can open it
        owner=LOCAL_USER,
        open_access=settings.local_mode,
        verifier=verifier,
    )
    return create_cds_app(cds)


def _ping(database: Database) -> None:
    with database.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _pages_module() -> Any:
    """The HTML pages (spinetriage.web.pages), when that module is present."""
    try:
        return importlib.import_module("spinetriage.web.pages")
    except ModuleNotFoundError as error:
        if error.name != "spinetriage.web.pages":
            raise
        return None


def app_from_env() -> FastAPI:
    """The app ``spinetriage serve`` starts in each worker (settings from SPINETRIAGE_* variables).

    Everything loaded at start (the knowledge base, the compiled model, the routes) lives as long as
    the worker, so ``gc.freeze()`` takes it out of the cyclic garbage collector's reach: a full
    collection then walks only what requests made, instead of stalling every request of the worker
    for 50 ms or more (seen as 100-200 ms tail latencies under load).
    """
    app = create_app(settings_from_env())
    gc.collect()
    gc.freeze()
    return app
