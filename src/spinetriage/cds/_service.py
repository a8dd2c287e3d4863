"""The CDS Hooks 2.0 service: discovery, patient-view, order-select, order-sign and feedback.

Mounted by the web app at ``/cds-services`` and runnable alone (``spinetriage cds
serve``). Each call reads the FHIR data (prefetch, else the EHR's FHIR server), builds a
case whose findings name their resources, assesses it, and answers with a card only when the
assessment supports a concern (:mod:`spinetriage.cds._concern`).

Errors are RFC 9457 problem details naming the field (``prefetch.observations``,
``context.patientId``); nothing from the record is logged.

Who may call (:mod:`spinetriage.cds._trust`): with trusted issuers configured, every hook and
feedback call must carry a JWT signed by one of them; without, calls are answered only in
local mode (loopback, no users), as a development and sandbox convenience.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from spinetriage.assessment import assess
from spinetriage.cds._cards import order_card, patient_view_card, spine_imaging_orders
from spinetriage.cds._concern import concern
from spinetriage.cds._feedback import store_feedback
from spinetriage.cds._prefetch import (
    FETCH_TIMEOUT_SECONDS,
    MAX_PAGES,
    PREFETCH,
    PrefetchUnavailable,
    resolve,
    tls_context,
)
from spinetriage.cds._shapes import (
    Card,
    CdsResponse,
    Discovery,
    Feedback,
    HookRequest,
    OrderSelectContext,
    OrderSignContext,
    PatientViewContext,
    Service,
)
from spinetriage.cds._trust import Untrusted, Verifier
from spinetriage.errors import InputError, InputErrors
from spinetriage.fhir import FhirCase, code_table, read_resources
from spinetriage.fhir._input import READ_TYPES
from spinetriage.text import extract
from spinetriage.web import problems
from spinetriage.web.db import Database
from spinetriage.web.problems import FieldError, Problem
from spinetriage.web.store import Store

USAGE = "Decision support for clinicians, not a diagnosis. Reads the patient's FHIR record; suggests, never orders."
SERVICES: dict[str, Service] = {
    "spinetriage-patient-view": Service(
        hook="patient-view",
        id="spinetriage-patient-view",
        title="spinetriage: back pain from the neck?",
        description="When a chart is opened, a card if the record suggests the back pain comes from the neck "
        "(degenerative cervical myelopathy) or holds a red flag.",
        prefetch=PREFETCH,
        usageRequirements=USAGE,
    ),
    "spinetriage-order-select": Service(
        hook="order-select",
        id="spinetriage-order-select",
        title="spinetriage: lumbar imaging for a neck problem?",
        description="When lumbar spine imaging is selected for a patient whose record points at cervical "
        "myelopathy, suggests adding or substituting MRI of the cervical spine.",
        prefetch=PREFETCH,
        usageRequirements=USAGE,
    ),
    "spinetriage-order-sign": Service(
        hook="order-sign",
        id="spinetriage-order-sign",
        title="spinetriage: lumbar imaging for a neck problem? (at signing)",
        description="When lumbar spine imaging is about to be signed for a patient whose record points at "
        "cervical myelopathy, suggests adding or substituting MRI of the cervical spine.",
        prefetch=PREFETCH,
        usageRequirements=USAGE,
    ),
}
_CONTEXTS: dict[str, type[PatientViewContext]] = {
    "patient-view": PatientViewContext,
    "order-select": OrderSelectContext,
    "order-sign": OrderSignContext,
}
NOT_VERIFIED = (
    "no trusted CDS Hooks issuers are configured, so calls are answered only in local mode (loopback, no users); "
    "configure them with --cds-issuer ISSUER=JWKS"
)


@dataclass(frozen=True)
class CdsState:
    """What the CDS app needs: the database (feedback), the store (linked assessments) and access."""

    database: Database
    store: Store | None
    owner: str
    open_access: bool
    verifier: Verifier | None = None
    fetch_timeout: float = FETCH_TIMEOUT_SECONDS


def create_cds_app(state: CdsState) -> FastAPI:
    """The CDS Hooks service as an app of its own, to mount at ``/cds-services``."""
    _warm()
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.cds = state
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["authorization", "content-type"],
        max_age=600,
    )
    problems.install(app)

    @app.get("/", include_in_schema=False)
    async def discovery() -> JSONResponse:
        return discovery_response()

    @app.post("/{service_id}", include_in_schema=False, dependencies=[Depends(admit)])
    async def call(service_id: str, body: HookRequest, request: Request) -> JSONResponse:
        cds: CdsState = request.app.state.cds
        service = _service(service_id)
        if body.hook != service.hook:
            raise InputError("hook", f"this service answers '{service.hook}'", service.hook)
        context = _context(service.hook, body.context)
        try:
            prefetched = await resolve(
                body.prefetch,
                patient_id=context.patientId,
                fhir_server=body.fhirServer,
                authorization=body.fhirAuthorization,
                timeout=cds.fetch_timeout,
            )
        except PrefetchUnavailable as missing:
            raise Problem(
                412, "Precondition failed", [FieldError(field=f"prefetch.{missing.key}", problem=missing.reason)]
            ) from None
        base = f"{request.url.scheme}://{request.url.netloc}"
        cards = await run_in_threadpool(_cards, cds, service.hook, context, prefetched.data, base)
        if prefetched.incomplete:
            cards = [_incomplete(card, prefetched.incomplete) for card in cards]
        return JSONResponse(CdsResponse(cards=cards).model_dump(exclude_none=True))

    @app.post("/{service_id}/feedback", include_in_schema=False, dependencies=[Depends(admit)])
    async def feedback(service_id: str, body: Feedback, request: Request) -> JSONResponse:
        cds: CdsState = request.app.state.cds
        _service(service_id)
        stored, duplicates = await run_in_threadpool(store_feedback, cds.database, service_id, body.feedback)
        return JSONResponse({"stored": stored, "duplicates": duplicates})

    return app


def discovery_response() -> JSONResponse:
    return JSONResponse(Discovery(services=list(SERVICES.values())).model_dump(exclude_none=True))


class WithoutSlash:
    """``/cds-services`` itself (no final slash, as EHRs call discovery) handed to the mounted service as
    ``/cds-services/``, with its CORS, instead of a redirect. The mounting app routes that one path here."""

    def __init__(self, app: Any, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        scope = dict(scope)
        scope["root_path"] = scope.get("root_path", "") + self.prefix
        scope["path"] = scope["root_path"] + "/"
        scope["raw_path"] = scope["path"].encode()
        await self.app(scope, receive, send)


async def admit(request: Request) -> None:
    """Let a call in: its JWT verified when trusted issuers are configured, else only in local mode."""
    cds: CdsState = request.app.state.cds
    if cds.verifier is not None:
        audience = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
        try:
            await run_in_threadpool(cds.verifier.verify, request.headers.get("authorization"), audience)
        except Untrusted as refused:
            raise Problem(401, "Authentication required", detail=str(refused)) from None
    elif not cds.open_access:
        raise Problem(401, "Authentication required", detail=NOT_VERIFIED)


def _warm() -> None:
    """Load the code table, the text rules and the FHIR models now, not during the first call."""
    code_table()
    tls_context()
    extract("Hoffmann positive.")
    for kind in (*READ_TYPES, "Bundle", "RiskAssessment", "ServiceRequest"):
        get_fhir_model_class(kind)


def _service(service_id: str) -> Service:
    service = SERVICES.get(service_id)
    if service is None:
        raise Problem(
            404, "Not found", [FieldError(field="service", problem="no such service", allowed=", ".join(SERVICES))]
        )
    return service


def _context(hook: str, raw: dict[str, Any]) -> PatientViewContext:
    model = _CONTEXTS[hook]
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise InputErrors(
            [
                InputError("context." + ".".join(str(p) for p in e["loc"]), str(e["msg"]).split(" [type=")[0])
                for e in error.errors()
            ]
        ) from None


def _cards(cds: CdsState, hook: str, context: PatientViewContext, prefetch: dict[str, Any], base: str) -> list[Card]:
    keys = list(prefetch)
    fhir_case = read_resources([prefetch[k] for k in keys], where=[f"prefetch.{k}" for k in keys])
    if fhir_case.adult is False:
        return []
    assessment = assess(fhir_case.case)
    found = concern(assessment)
    if found is None:
        return []
    subject = f"Patient/{context.patientId}"
    if hook == "patient-view":
        link = _stored_link(cds, fhir_case, base, hook)
        return [patient_view_card(assessment, fhir_case, found, subject=subject, link=link)]
    if not found.cervical:
        return []
    if not isinstance(context, OrderSignContext):
        return []
    selections = context.selections if isinstance(context, OrderSelectContext) else None
    orders = spine_imaging_orders(context.draftOrders, selections)
    if not orders:
        return []
    link = _stored_link(cds, fhir_case, base, hook)
    return [order_card(assessment, fhir_case, found, orders, subject=subject, link=link)]


def _incomplete(card: Card, keys: list[str]) -> Card:
    """Say on the card which parts of the record were not read in full."""
    note = (
        f"\n\n**Not all of the record was read:** {', '.join(keys)} (more than {MAX_PAGES} pages, "
        "or a page on another server); findings there are not counted."
    )
    return card.model_copy(update={"detail": (card.detail or "") + note})


def _stored_link(cds: CdsState, fhir_case: FhirCase, base: str, hook: str) -> str | None:
    """Store the assessment and link to its page (when this app has a store: mounted in the web app)."""
    if cds.store is None:
        return None
    stored = cds.store.save(fhir_case.case, owner=cds.owner, source="api", label=f"CDS Hooks {hook}")
    return f"{base}/assessments/{stored.id}"
