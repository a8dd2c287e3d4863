"""The REST API under ``/api/v1``: assess and store cases, the record, the interview,
text extraction, instruments and the knowledge base with its references.

Every route needs a user (see :func:`spinetriage.web.deps.current_user`); every error
is a problem document naming the field (:mod:`spinetriage.web.problems`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from spinetriage.assessment import DEFAULT_SETTING
from spinetriage.case import CASE_FIELDS, MAX_AGE, MIN_AGE, Case, parse_case
from spinetriage.documents import NotParsable, load_json
from spinetriage.errors import InputError
from spinetriage.instruments import Instrument, Score, registry, score
from spinetriage.instruments import get as get_instrument
from spinetriage.interview import next_step
from spinetriage.interview.engine import DEFAULT_MAX_QUESTIONS, StopCode
from spinetriage.knowledge.schema import Condition, Finding, Likelihood, Reference
from spinetriage.text import MAX_TEXT_CHARS, extract
from spinetriage.web.deps import current_user_async, get_store
from spinetriage.web.problems import BodyRefused, FieldError, Problem, ProblemDetails
from spinetriage.web.store import MAX_LABEL, MAX_LIMIT, MAX_QUERY, Store, StoredAssessment

_bearer = HTTPBearer(
    auto_error=False,
    description="`spinetriage tokens create USER`; not needed in local mode (loopback, no users)",
)


async def _user(request: Request, _token: Annotated[object, Depends(_bearer)]) -> str:
    """:func:`current_user_async`: no thread hop in local mode, nor for an API token on PostgreSQL.
    ``_token`` only declares the Bearer scheme in the OpenAPI document."""
    return await current_user_async(request)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _same_origin(request: Request) -> None:
    """Refuse a change that a browser sent from another site. Browsers name the page's origin on
    every cross-origin POST; API clients (curl, integrations) send no ``Origin`` and are unaffected.
    Without this, a form on another site (or a sibling subdomain, which SameSite cookies count as
    the same site) could post to a route that needs no body, such as ``/reviewed``, with the
    user's session cookie, or with none at all in local mode."""
    origin = request.headers.get("origin")
    if request.method in SAFE_METHODS or origin is None:
        return
    if urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower():
        raise Problem(
            403,
            "Forbidden",
            [FieldError(field="origin", problem="a page on another site may not send this request")],
        )


async def _store(request: Request) -> Store:
    return get_store(request)


User = Annotated[str, Depends(_user)]
StoreDep = Annotated[Store, Depends(_store)]
AssessmentId = Annotated[str, Path(max_length=64, description="the id returned when the assessment was stored")]

_PROBLEM = {"model": ProblemDetails, "content": {"application/problem+json": {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The request could not be read (e.g. a body that is not JSON)", **_PROBLEM},
    401: {"description": "Not logged in, or no valid API token", **_PROBLEM},
    403: {"description": "Sent by a browser from a page on another site (field `origin`)", **_PROBLEM},
    413: {"description": "Request body too large", **_PROBLEM},
    422: {"description": "Invalid input; `errors` names each field", **_PROBLEM},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such assessment for this user", **_PROBLEM}}
BAD_BODY: dict[int | str, dict[str, Any]] = {
    415: {"description": "The body is not application/json", **_PROBLEM},
}


class _StrictJsonRequest(Request):
    """JSON bodies read by :func:`spinetriage.documents.load_json`: a repeated key or deep nesting is refused."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            try:
                known = _body_keys() | _case_keys(self.app.state.spinetriage.store)
                self._json = load_json(await self.body(), "body", "the body", known=known)
            except NotParsable as error:
                raise StarletteHTTPException(400, error.problem.removeprefix("the body: ")) from None
            except InputError as error:
                raise BodyRefused(error) from None
        return self._json


class _StrictJsonRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(_StrictJsonRequest(request.scope, request.receive))

        return strict


# On SQLite a case is assessed on the event loop (cheaper than a thread hop) unless its note is
# longer than this: reading a 1,000,000-character note took 0.4 s, during which every other
# request, the health check included, waited.
LONG_TEXT_ON_LOOP = 20_000

router = APIRouter(responses=ERRORS, dependencies=[Depends(_same_origin)], route_class=_StrictJsonRoute)

EXAMPLE_CASE = {
    "age": 67,
    "sex": "female",
    "findings": {
        "low_back_pain": "present",
        "hand_clumsiness": "present",
        "gait_disturbance": "present",
        "hoffmann_sign": "present",
        "straight_leg_raise_positive": "absent",
    },
    "text": "MRI: C5-6 disc herniation with cord compression.",
}


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema with its ``$defs`` inlined, to embed in the OpenAPI document."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    result: dict[str, Any] = walk(schema)
    return result


CASE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": _inline_refs(Case.model_json_schema()),
                "examples": {"myelopathy": {"summary": "A case pointing to the neck", "value": EXAMPLE_CASE}},
            }
        },
    }
}


async def _case_body(request: Request, store: Store) -> Case:
    """The request body parsed as a case (the same rules as the CLI: every bad field named)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise Problem(
            415,
            "Unsupported media type",
            [FieldError(field="content-type", problem="must be JSON", allowed="application/json")],
        )
    raw = await request.body()
    try:
        data = load_json(raw, "body", "the body", known=_case_keys(store))
    except NotParsable as error:
        problem = error.problem.removeprefix("the body: ")
        raise Problem(400, "Bad request", [FieldError(field="body", problem=problem)]) from None
    return parse_case(data, store.knowledge)


def _case_keys(store: Store) -> frozenset[str]:
    return frozenset(CASE_FIELDS) | frozenset(store.knowledge.findings)


class StoredOut(BaseModel):
    """A stored assessment: the case as given, the result, and the versions that made it."""

    id: str
    created_at: datetime
    owner: str
    source: str
    status: str
    label: str
    knowledge_version: str
    engine_version: str
    case: dict[str, Any]
    result: dict[str, Any] | None = Field(description="the assessment, as `spinetriage assess --json` prints it")


class StoredSummary(BaseModel):
    id: str
    created_at: datetime
    source: str
    status: str
    label: str
    verdict: str | None
    urgency: str | None
    knowledge_version: str
    engine_version: str


class StoredList(BaseModel):
    items: list[StoredSummary]
    limit: int
    offset: int


class Versions(BaseModel):
    knowledge_version: str
    engine_version: str


class RerunOut(BaseModel):
    id: str
    same_versions: bool = Field(description="the stored versions equal the running ones")
    identical: bool = Field(description="the new result equals the stored one")
    stored: Versions
    current: Versions
    result: dict[str, Any]


def _out(stored: StoredAssessment) -> StoredOut:
    return StoredOut.model_validate(stored.to_json())


def _summary(stored: StoredAssessment) -> StoredSummary:
    result = stored.result or {}
    origin = result.get("origin")
    return StoredSummary(
        id=stored.id,
        created_at=stored.created_at,
        source=stored.source,
        status=stored.status,
        label=stored.label,
        verdict=origin.get("verdict") if isinstance(origin, dict) else None,
        urgency=result.get("urgency"),
        knowledge_version=stored.knowledge_version,
        engine_version=stored.engine_version,
    )


@router.post(
    "/assessments",
    status_code=201,
    response_model=StoredOut,
    openapi_extra=CASE_BODY,
    responses=BAD_BODY,
    summary="Assess a case and store it",
    tags=["assessments"],
)
async def create_assessment(
    request: Request,
    user: User,
    store: StoreDep,
    label: Annotated[str, Query(max_length=MAX_LABEL, description="a short searchable label (no patient names)")] = "",
) -> Response:
    """Body: a case (`{"age", "sex", "setting", "findings", "text"}`). The result is stored with the
    case as given, the knowledge and engine versions, the owner and the time."""
    case = await _case_body(request, store)
    long_note = len(case.text or "") > LONG_TEXT_ON_LOOP
    if store.database.engine.dialect.name == "sqlite" and not long_note:
        # SQLite takes one writer at a time and a local commit is short: a thread hop would only add CPU.
        stored = store.save(case, owner=user, source="api", label=label)
    elif store.inserts_on_loop():
        # PostgreSQL: assess here (CPU, as a thread would under the GIL), then await the INSERT on the loop.
        if long_note:
            stored = await run_in_threadpool(store.prepare, case, owner=user, source="api", label=label)
        else:
            stored = store.prepare(case, owner=user, source="api", label=label)
        await store.insert_async(stored)
    else:  # a long note (reading it takes long enough to stall every other request), or no lifespan
        stored = await run_in_threadpool(store.save, case, owner=user, source="api", label=label)
    location = {"Location": f"/api/v1/assessments/{stored.id}"}
    # already the StoredOut shape, and the result's JSON text is the one stored: no second encoding
    return Response(stored.json_bytes(), status_code=201, headers=location, media_type="application/json")


@router.get(
    "/assessments", response_model=StoredList, summary="List or search stored assessments", tags=["assessments"]
)
def list_assessments(
    user: User,
    store: StoreDep,
    q: Annotated[str, Query(max_length=MAX_QUERY, description="matches the label, or the start of the id")] = "",
    status: Literal["complete", "awaiting_clinician"] | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> StoredList:
    """The caller's assessments, newest first."""
    items = store.search(owner=user, query=q, status=status, limit=limit, offset=offset)
    return StoredList(items=[_summary(s) for s in items], limit=limit, offset=offset)


@router.get(
    "/assessments/{assessment_id}",
    response_model=StoredOut,
    responses=NOT_FOUND,
    summary="Fetch a stored assessment",
    tags=["assessments"],
)
def get_assessment(assessment_id: AssessmentId, user: User, store: StoreDep) -> StoredOut:
    return _out(store.get(assessment_id, owner=user))


@router.post(
    "/assessments/{assessment_id}/rerun",
    response_model=RerunOut,
    responses=NOT_FOUND,
    summary="Re-run a stored case and compare",
    tags=["assessments"],
)
def rerun_assessment(assessment_id: AssessmentId, user: User, store: StoreDep) -> RerunOut:
    """Assess the stored case again with the running engine and knowledge. On the same versions the
    result is identical; on newer versions the difference is the change the update made."""
    stored = store.get(assessment_id, owner=user)
    result = store.reassess(stored).model_dump(mode="json")
    current = Versions(knowledge_version=result["knowledge_version"], engine_version=result["engine_version"])
    before = Versions(knowledge_version=stored.knowledge_version, engine_version=stored.engine_version)
    return RerunOut(
        id=stored.id,
        same_versions=current == before,
        identical=result == stored.result,
        stored=before,
        current=current,
        result=result,
    )


@router.post(
    "/assessments/{assessment_id}/reviewed",
    response_model=StoredOut,
    responses=NOT_FOUND,
    summary="Mark a questionnaire as reviewed",
    tags=["assessments"],
)
def mark_reviewed(assessment_id: AssessmentId, user: User, store: StoreDep) -> StoredOut:
    """A patient questionnaire (status `awaiting_clinician`) the clinician has seen becomes `complete`."""
    return _out(store.mark_reviewed(assessment_id, owner=user))


class InterviewIn(BaseModel):
    """The answers so far; the server keeps no interview state."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"answers": {"saddle_anesthesia": "absent", "hand_clumsiness": "present"}, "mode": "clinician"}
            ]
        },
    )

    answers: dict[str, Literal["present", "absent", "unknown"]] = Field(default_factory=dict, max_length=500)
    mode: Literal["patient", "clinician"] = "clinician"
    age: Annotated[int, Field(ge=MIN_AGE, le=MAX_AGE)] | None = None
    sex: Literal["female", "male"] | None = None
    setting: Annotated[str, Field(max_length=64)] = DEFAULT_SETTING
    max_questions: Annotated[int, Field(ge=1, le=200)] = DEFAULT_MAX_QUESTIONS


class InterviewQuestionOut(BaseModel):
    """The interview's next question (not an assessment's suggested question, ``assessment.models.QuestionOut``)."""

    finding: str = Field(description="the key to answer under: a finding, or a grouped screening question's key")
    text: str
    reason: str
    red_flag_screening: bool
    findings: list[str] = Field(description="the findings this question covers (several for a grouped screening)")
    group: str | None = Field(
        description="grouped red-flag screening: 'absent' settles every finding; 'present' or 'unknown' asks each"
    )
    kind: Literal["ask", "examine"] = Field(
        description="'examine': an examination sign for the clinician to perform and record, not a question"
    )


class ImpliedOut(BaseModel):
    """A finding an answer settled with certainty, so it is not asked."""

    finding: str
    status: Literal["present", "absent"]
    because: str = Field(description="the answered finding that settles it")
    reason: str


class InterviewOut(BaseModel):
    done: bool
    stop: StopCode | None = Field(description="why the interview ended, as a code (null while it goes on)")
    stop_reason: str
    asked: int
    question: InterviewQuestionOut | None
    implied: list[ImpliedOut] = Field(description="findings settled by the answers, applied and never asked")
    examine_next: list[InterviewQuestionOut] = Field(
        description="clinician mode: examination signs worth doing now, best first (offered, not asked)"
    )
    urgent_advice: str | None = Field(
        description="patient mode: general advice to seek care when an answer is a red flag"
    )
    assessment: dict[str, Any] | None = Field(description="clinician mode, when the interview is done")


@router.post("/interview/next", response_model=InterviewOut, summary="The next interview question", tags=["interview"])
def interview_next(body: InterviewIn, user: User) -> InterviewOut:
    """Stateless: send every answer so far and get the next question, or the end and why it stopped.
    Patient mode asks plain-language history questions and never returns an assessment."""
    step = next_step(
        dict(body.answers),
        mode=body.mode,
        age=body.age,
        sex=body.sex,
        setting=body.setting,
        max_questions=body.max_questions,
    )
    document = step.to_dict()
    if body.mode != "clinician":
        document["assessment"] = None
    return InterviewOut.model_validate(document)


class ExtractIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"text": "Positive Hoffmann on the right. No clonus. MRI: C5-6 cord compression."}]
        },
    )

    text: Annotated[str, Field(max_length=MAX_TEXT_CHARS)]


class MentionOut(BaseModel):
    finding: str
    status: str
    start: int
    end: int
    section: str
    side: str | None
    levels: list[str]
    severity: str | None


class ExtractOut(BaseModel):
    findings: dict[str, str] = Field(description="finding id -> present/absent, for reasoning")
    mentions: list[MentionOut]


@router.post("/extract", response_model=ExtractOut, summary="Read findings from a note or MRI report", tags=["text"])
def extract_text(body: ExtractIn, user: User) -> ExtractOut:
    return ExtractOut.model_validate(extract(body.text).to_dict())


class InstrumentSummary(BaseModel):
    id: str
    name: str
    version: str
    purpose: str


class ScoreIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "answers": {
                        "upper_limb_motor": 4,
                        "lower_limb_motor": 5,
                        "upper_limb_sensation": 2,
                        "micturition": 3,
                    }
                }
            ]
        },
    )

    answers: dict[str, int | bool | str | None] = Field(max_length=200)


@router.get("/instruments", response_model=list[InstrumentSummary], summary="List instruments", tags=["instruments"])
def list_instruments(user: User) -> list[InstrumentSummary]:
    return [
        InstrumentSummary(id=i.id, name=i.name, version=i.version, purpose=i.purpose)
        for i in sorted(registry().values(), key=lambda i: i.id)
    ]


@router.get("/instruments/{instrument}", response_model=Instrument, summary="One instrument", tags=["instruments"])
def instrument_detail(instrument: Annotated[str, Path(max_length=64)], user: User) -> Instrument:
    """Items, published levels and points, bands, likelihood ratios and references."""
    return get_instrument(instrument)


@router.post(
    "/instruments/{instrument}/score", response_model=Score, summary="Score an instrument", tags=["instruments"]
)
def score_instrument(instrument: Annotated[str, Path(max_length=64)], body: ScoreIn, user: User) -> Score:
    """A whole total with its band, or the range the unknown items allow; a missing item is never scored as normal."""
    return score(instrument, body.answers)


class KnowledgeSummary(BaseModel):
    version: str = Field(description="content hash of the knowledge files; every assessment carries it")
    conditions: int
    findings: int
    references: int
    red_flags: int
    settings: list[str]


class ConditionDetail(BaseModel):
    condition: Condition
    likelihoods: list[Likelihood] = Field(description="the findings that bear on this condition, with their sources")
    references: list[Reference]


@router.get("/knowledge", response_model=KnowledgeSummary, summary="The knowledge base", tags=["knowledge"])
def knowledge(user: User, store: StoreDep) -> KnowledgeSummary:
    kb = store.knowledge
    return KnowledgeSummary(
        version=kb.version,
        conditions=len(kb.conditions),
        findings=len(kb.findings),
        references=len(kb.references),
        red_flags=len(kb.red_flags),
        settings=list(kb.settings),
    )


@router.get("/knowledge/conditions", response_model=list[Condition], tags=["knowledge"])
def knowledge_conditions(user: User, store: StoreDep) -> list[Condition]:
    return list(store.knowledge.conditions.values())


def _unknown(field: str, allowed: str) -> Problem:
    return Problem(404, "Not found", [FieldError(field=field, problem="unknown identifier", allowed=allowed)])


@router.get(
    "/knowledge/conditions/{condition}",
    response_model=ConditionDetail,
    responses={404: {"description": "Unknown condition", **_PROBLEM}},
    tags=["knowledge"],
)
def knowledge_condition(condition: Annotated[str, Path(max_length=64)], user: User, store: StoreDep) -> ConditionDetail:
    """One condition, each finding's likelihood ratios for it, and the references behind them."""
    kb = store.knowledge
    if condition not in kb.conditions:
        raise _unknown("condition", ", ".join(kb.conditions))
    links = kb.links_for(condition)
    cited = sorted({s for link in links for s in link.sources})
    return ConditionDetail(
        condition=kb.conditions[condition],
        likelihoods=links,
        references=[kb.references[r] for r in cited if r in kb.references],
    )


@router.get("/knowledge/findings", response_model=list[Finding], tags=["knowledge"])
def knowledge_findings(user: User, store: StoreDep) -> list[Finding]:
    return list(store.knowledge.findings.values())


@router.get("/knowledge/references", response_model=list[Reference], tags=["knowledge"])
def knowledge_references(user: User, store: StoreDep) -> list[Reference]:
    return list(store.knowledge.references.values())


@router.get(
    "/knowledge/references/{reference}",
    response_model=Reference,
    responses={404: {"description": "Unknown reference", **_PROBLEM}},
    tags=["knowledge"],
)
def knowledge_reference(reference: Annotated[str, Path(max_length=64)], user: User, store: StoreDep) -> Reference:
    kb = store.knowledge
    if reference not in kb.references:
        raise _unknown("reference", "see GET /api/v1/knowledge/references")
    return kb.references[reference]


@functools.cache
def _body_keys() -> frozenset[str]:
    """Words a JSON body may use as keys besides a case's: safe to name in an error."""
    items = {item.id for instrument in registry().values() for item in instrument.items}
    return (
        frozenset(InterviewIn.model_fields)
        | frozenset(ExtractIn.model_fields)
        | frozenset(ScoreIn.model_fields)
        | items
    )
