"""The HTML pages: assessment form, result report, interview, patient questionnaire, history.

Server-rendered with Jinja2; every form posts with the CSRF token and every page works
without JavaScript. Interview state travels in hidden form fields (never in the URL,
which servers log), so the interview itself stays stateless like its engine.
The patient questionnaire never shows a probability or a diagnosis: only a thank-you
and, when an answer is a red flag, general advice to seek care now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from spinetriage.assessment import DEFAULT_SETTING
from spinetriage.assessment.models import Assessment
from spinetriage.case import MAX_AGE, MIN_AGE, Case, parse_case
from spinetriage.errors import InputError, InputErrors
from spinetriage.interview.engine import Step, apply_answer, build_case, next_step, urgent_advice
from spinetriage.knowledge import KnowledgeBase, default_knowledge
from spinetriage.knowledge.schema import Clause
from spinetriage.strength import strength
from spinetriage.vocab import Status
from spinetriage.web.assess_form import (
    SECTIONS,
    STATUS_WORDS,
    UNKNOWN_WORDS,
    case_values,
    example_values,
    examples,
    form_sections,
    mjoa_items,
    read_form,
)
from spinetriage.web.deps import (
    app_state,
    current_user,
    get_store,
    questionnaire_owner,
    set_session_cookie,
    signed_in_user,
    templates,
    verify_csrf,
)
from spinetriage.web.interview_state import (
    INTERVIEW_WORDS,
    PATIENT_WORDS,
    InterviewState,
    check_answerable,
    read_state,
    summary,
)
from spinetriage.web.report_view import build_report, finding_label, pct
from spinetriage.web.sessions import KIOSK_COOKIE, SESSION_COOKIE
from spinetriage.web.store import MAX_LABEL, NotFound, Store, StoredAssessment, check_label

router = APIRouter(include_in_schema=False)  # a form with a stale CSRF token: problems.py answers with a page
StoreDep = Annotated[Store, Depends(get_store)]
UserDep = Annotated[str, Depends(current_user)]
OwnerDep = Annotated[str, Depends(questionnaire_owner)]
"""The patient questionnaire's pages: a signed-in clinician, or a kiosk one left."""

PAGE_SIZE = 25
MAX_PAGE = 100_000  # keeps the offset within what every database takes


def _kb() -> KnowledgeBase:
    return default_knowledge()


def _page(request: Request, name: str, context: Mapping[str, Any], status_code: int = 200) -> Response:
    return templates.TemplateResponse(request, name, dict(context), status_code=status_code)


def _not_found(request: Request, user: str) -> Response:
    return _page(request, "not_found.html", {"user": user, "active": ""}, status_code=404)


# ---------------------------------------------------------------- home


@router.get("/")
async def home(request: Request, store: StoreDep, user: UserDep) -> Response:
    awaiting = await run_in_threadpool(store.search, owner=user, status="awaiting_clinician", limit=5)
    recent = await run_in_threadpool(store.search, owner=user, limit=5)
    return _page(
        request,
        "home.html",
        {"user": user, "active": "home", "awaiting": [_row(s) for s in awaiting], "recent": [_row(s) for s in recent]},
    )


# ---------------------------------------------------------------- clinician assessment form


def _form_context(request: Request, user: str, values: Mapping[str, Any], errors: list[InputError]) -> dict[str, Any]:
    kb = _kb()
    return {
        "user": user,
        "active": "assess",
        "values": values,
        "sections": form_sections(kb, values.get("findings", {})),
        "mjoa_items": mjoa_items(values.get("mjoa", {})),
        "examples": sorted(examples()),
        "settings": [(s.id, s.label) for s in kb.settings.values()],
        "default_setting": DEFAULT_SETTING,
        "errors": errors,
        "error_fields": {e.field for e in errors},
        "status_words": STATUS_WORDS,
        "unknown_words": UNKNOWN_WORDS,
        "min_age": MIN_AGE,
        "max_age": MAX_AGE,
        "max_label": MAX_LABEL,
    }


@router.get("/assess")
async def assess_form(
    request: Request,
    store: StoreDep,
    user: UserDep,
    example: str = "",
    start_from: Annotated[str, Query(alias="from", max_length=64)] = "",
) -> Response:
    """The empty form; or filled in with a shipped example (``?example=NAME``) or a stored case (``?from=ID``,
    for example a patient's questionnaire the clinician now completes with the examination)."""
    values: dict[str, Any] = {"setting": DEFAULT_SETTING}
    try:
        if example:
            values = {**values, **example_values(example)}
        elif start_from:
            stored = await run_in_threadpool(store.get, start_from, owner=user)
            values = {**values, **case_values(stored.case, stored.label)}
    except NotFound:
        return _not_found(request, user)
    except InputError as error:
        return _page(request, "assess.html", _form_context(request, user, values, [error]), status_code=422)
    return _page(request, "assess.html", _form_context(request, user, values, []))


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _errors_of(error: InputError) -> list[InputError]:
    return list(error.errors) if isinstance(error, InputErrors) else [error]


@router.post("/assess", dependencies=[Depends(verify_csrf)])
async def assess_submit(request: Request, store: StoreDep, user: UserDep) -> Response:
    kb = _kb()
    form = await request.form()
    data, values, errors = read_form(form, kb)
    case: Case | None = None
    try:
        check_label(values["label"])
    except InputError as error:
        errors.append(error)
    try:  # the case's own checks run even when the form had problems, so every problem shows at once
        case = parse_case(data, kb)
    except InputError as error:
        errors.extend(_errors_of(error))
    if errors or case is None:
        return _page(request, "assess.html", _form_context(request, user, values, errors), status_code=422)
    stored = await run_in_threadpool(store.save, case, owner=user, source="clinician", label=values["label"])
    return RedirectResponse(f"/assessments/{stored.id}", status_code=303)


# ---------------------------------------------------------------- result


def _result_context(
    request: Request, user: str, stored: StoredAssessment, rerun: dict[str, Any] | None
) -> dict[str, Any]:
    kb = _kb()
    assessment: Assessment | None = None
    if stored.result is not None:
        try:
            assessment = Assessment.model_validate(stored.result)
        except ValidationError:  # stored by a version whose result this one cannot read: say so, offer a re-run
            assessment = None
    text = stored.case.get("text") if isinstance(stored.case.get("text"), str) else None
    return {
        "user": user,
        "active": "history",
        "stored": stored,
        "when": stored.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        "when_iso": stored.created_at.isoformat(),
        "report": build_report(assessment, kb, text) if assessment is not None else None,
        "rerun": rerun,
        "source_words": SOURCE_WORDS,
    }


SOURCE_WORDS = {
    "clinician": "Clinician form",
    "api": "API",
    "interview": "Clinician interview",
    "questionnaire": "Patient questionnaire",
}


@router.get("/assessments/{assessment_id}")
async def result_page(request: Request, assessment_id: str, store: StoreDep, user: UserDep) -> Response:
    try:
        stored = await run_in_threadpool(store.get, assessment_id, owner=user)
    except NotFound:
        return _not_found(request, user)
    return _page(request, "result.html", _result_context(request, user, stored, None))


@router.post("/assessments/{assessment_id}/rerun", dependencies=[Depends(verify_csrf)])
async def rerun(request: Request, assessment_id: str, store: StoreDep, user: UserDep) -> Response:
    """Assess the stored case again and show whether the result is identical to the stored one."""
    try:
        stored = await run_in_threadpool(store.get, assessment_id, owner=user)
    except NotFound:
        return _not_found(request, user)
    again = await run_in_threadpool(store.reassess, stored)
    fresh = again.model_dump(mode="json")
    old = stored.result or {}
    differing = sorted(k for k in set(fresh) | set(old) if fresh.get(k) != old.get(k))
    comparison = {
        "identical": not differing,
        "differing": differing,
        "knowledge_version": again.knowledge_version,
        "engine_version": again.engine_version,
    }
    return _page(request, "result.html", _result_context(request, user, stored, comparison))


@router.post("/assessments/{assessment_id}/reviewed", dependencies=[Depends(verify_csrf)])
async def mark_reviewed(request: Request, assessment_id: str, store: StoreDep, user: UserDep) -> Response:
    try:
        await run_in_threadpool(store.mark_reviewed, assessment_id, owner=user)
    except NotFound:
        return _not_found(request, user)
    return RedirectResponse(f"/assessments/{assessment_id}", status_code=303)


# ---------------------------------------------------------------- history


def _leading(result: Mapping[str, Any]) -> str:
    """The most probable condition of a stored result, with its probability ("" when there is none)."""
    conditions = [c for c in result.get("conditions", []) or [] if isinstance(c, dict) and "probability" in c]
    if not conditions:
        return ""
    top = max(conditions, key=lambda c: c["probability"])
    known = _kb().conditions.get(str(top.get("id")))
    return f"{known.label if known else top.get('id')} {pct(float(top['probability']))}"


def _row(s: StoredAssessment) -> dict[str, Any]:
    result = s.result or {}
    origin = result.get("origin", {}) if isinstance(result.get("origin"), dict) else {}
    age = s.case.get("age")
    return {
        "age": age if isinstance(age, int) else None,
        "leading": _leading(result),
        "id": s.id,
        "short_id": s.id[:8],
        "when": s.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        "when_iso": s.created_at.isoformat(),
        "label": s.label,
        "source": SOURCE_WORDS.get(s.source, s.source),
        "status": s.status,
        "verdict": origin.get("verdict", ""),
        "urgency": result.get("urgency", ""),
        "flags": len(result.get("red_flags", []) or []),
    }


@router.get("/history")
async def history(
    request: Request,
    store: StoreDep,
    user: UserDep,
    q: str = "",
    status: str = "",
    page: int = 1,
) -> Response:
    errors: list[InputError] = []
    chosen = status if status in ("awaiting_clinician", "complete") else None
    if status and chosen is None:
        errors.append(InputError("status", "not an allowed value", "awaiting_clinician, complete"))
    if not 1 <= page <= MAX_PAGE:
        errors.append(InputError("page", "out of range", f"1 to {MAX_PAGE}"))
        page = 1
    rows: list[StoredAssessment] = []
    try:
        rows = await run_in_threadpool(
            store.search, owner=user, query=q, status=chosen, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
        )
    except InputError as error:
        errors.append(error)
    awaiting = await run_in_threadpool(store.count, owner=user, status="awaiting_clinician")
    return _page(
        request,
        "history.html",
        {
            "user": user,
            "active": "history",
            "q": q,
            "status": chosen or "",
            "page": page,
            "more": len(rows) > PAGE_SIZE,
            "rows": [_row(s) for s in rows[:PAGE_SIZE]],
            "awaiting_count": awaiting,
            "errors": errors,
        },
        status_code=422 if errors else 200,
    )


# ---------------------------------------------------------------- interview and questionnaire


def _interview_page(request: Request, user: str, questionnaire: bool, state: InterviewState, step: Step) -> Response:
    kb = _kb()
    plain = state.wording == "patient"
    words = PATIENT_WORDS if plain else INTERVIEW_WORDS
    return _page(
        request,
        "interview_step.html",
        {
            "user": user,
            "active": "questionnaire" if questionnaire else "interview",
            "patient": questionnaire,
            "base": "/questionnaire" if questionnaire else "/interview",
            "step": step,
            "number": len(state.answers) + 1,
            "hidden": state.hidden(),
            "summary": summary(kb, state.answers, plain),
            "implied": [
                (
                    finding_label(kb, i.finding),
                    words.get(i.status.value, i.status.value),
                    finding_label(kb, i.because),
                    i.reason,
                )
                for i in step.implied
                if i.finding not in state.answers
            ],
            "words": words,
            "advice": step.urgent_advice,
            "can_go_back": bool(state.answers),
        },
    )


def _start_page(request: Request, user: str, questionnaire: bool, errors: list[InputError]) -> Response:
    kb = _kb()
    context = {
        "user": user,
        "active": "questionnaire" if questionnaire else "interview",
        "patient": questionnaire,
        "settings": [(s.id, s.label) for s in kb.settings.values()],
        "default_setting": DEFAULT_SETTING,
        "errors": errors,
        "min_age": MIN_AGE,
        "max_age": MAX_AGE,
        "max_label": MAX_LABEL,
    }
    if questionnaire:
        context["can_hand_over"] = _signed_in(request)
    template = "questionnaire_start.html" if questionnaire else "interview_start.html"
    return _page(request, template, context, status_code=422 if errors else 200)


def _signed_in(request: Request) -> bool:
    """Whether a clinician (not a kiosk) is signed in on this browser, so that it can be handed over."""
    return not app_state(request).settings.local_mode and signed_in_user(request) is not None


CHANGE = "change-"
"""``action=change-N``: answer question N (from 0) again; the answers after it are asked again too."""


async def _advance(request: Request, user: str, questionnaire: bool) -> Response:
    """Apply the posted action (answer, back, stop) and show the next question or the review."""
    kb = _kb()
    form = await request.form()
    try:
        state = read_state(form, kb, questionnaire)
    except InputError as error:
        return _start_page(request, user, questionnaire, [error])
    answers = dict(state.answers)
    action = _text(form, "action")
    asked = _text(form, "finding")
    ask = partial(
        next_step,
        mode="patient" if state.wording == "patient" else "clinician",
        age=state.age,
        sex=state.sex,
        setting=state.setting,
    )
    if action == "back" and answers:
        answers.pop(next(reversed(answers)))  # one question's answer (a grouped "no" with all it settled)
    elif action.startswith(CHANGE):
        index = action.removeprefix(CHANGE)
        if not index.isdecimal() or not 0 <= int(index) < len(answers):
            problem = InputError("action", "not an answer given so far", f"{CHANGE}0 to {CHANGE}{len(answers) - 1}")
            return _start_page(request, user, questionnaire, [problem])
        # Later questions were chosen in the light of this answer, so they are asked again after it.
        answers = dict(list(answers.items())[: int(index)])
    elif action in STATUS_WORDS and asked:
        try:
            check_answerable(kb, asked, state.wording)
        except InputError as error:
            return _start_page(request, user, questionnaire, [InputError("finding", error.problem, error.allowed)])
        current = await run_in_threadpool(ask, answers)  # the question this page showed, for these answers
        if current.question is None or current.question.finding != asked:
            problem = InputError("finding", "not the question asked after these answers", "the question on the page")
            return _start_page(request, user, questionnaire, [problem])
        answers = apply_answer(current, action, answers)  # the same rule as the terminal and the simulation
    state = InterviewState(answers, state.age, state.sex, state.setting, state.label, state.wording)
    step = await run_in_threadpool(ask, answers)
    if action == "stop" and not questionnaire:
        step = replace(step, question=None, done=True, stop_reason="stopped by the clinician", assessment=None)
    return _interview_page(request, user, questionnaire, state, step)


async def _finish(request: Request, user: str, store: Store, questionnaire: bool) -> Response:
    kb = _kb()
    form = await request.form()
    try:
        state = read_state(form, kb, questionnaire)
        case = build_case(state.answers, age=state.age, sex=state.sex, setting=state.setting)
    except InputError as error:
        return _start_page(request, user, questionnaire, [error])
    if questionnaire:
        label = state.label or "Pre-visit questionnaire"
        stored = await run_in_threadpool(
            store.save, case, owner=user, source="questionnaire", label=label, status="awaiting_clinician"
        )
        return RedirectResponse(f"/questionnaire/thanks/{stored.id}", status_code=303)
    stored = await run_in_threadpool(store.save, case, owner=user, source="interview", label=state.label)
    return RedirectResponse(f"/assessments/{stored.id}", status_code=303)


@router.get("/interview")
async def interview_start(request: Request, user: UserDep) -> Response:
    return _start_page(request, user, False, [])


@router.post("/interview/step", dependencies=[Depends(verify_csrf)])
async def interview_step(request: Request, user: UserDep) -> Response:
    return await _advance(request, user, questionnaire=False)


@router.post("/interview/finish", dependencies=[Depends(verify_csrf)])
async def interview_finish(request: Request, store: StoreDep, user: UserDep) -> Response:
    return await _finish(request, user, store, questionnaire=False)


@router.get("/questionnaire")
async def questionnaire_start(request: Request, user: OwnerDep) -> Response:
    return _start_page(request, user, True, [])


@router.post("/questionnaire/kiosk", dependencies=[Depends(verify_csrf)])
async def questionnaire_kiosk(request: Request, user: UserDep) -> Response:
    """Hand this device to a patient: the clinician's sign-in ends here and a kiosk session opens the
    questionnaire only, filing the answers under the clinician (:mod:`spinetriage.web.sessions`)."""
    state = app_state(request)
    response = RedirectResponse("/questionnaire", status_code=303)
    if state.settings.local_mode:
        return response  # no sign-in to lock: local mode answers to whoever is on this computer
    signed_in = request.cookies.get(SESSION_COOKIE)
    if signed_in:
        await run_in_threadpool(state.sessions.end, signed_in)
    kiosk = await run_in_threadpool(state.sessions.start_kiosk, user)
    response.delete_cookie(SESSION_COOKIE, path="/")
    set_session_cookie(response, request, KIOSK_COOKIE, kiosk, path="/questionnaire")
    return response


@router.post("/questionnaire/step", dependencies=[Depends(verify_csrf)])
async def questionnaire_step(request: Request, user: OwnerDep) -> Response:
    return await _advance(request, user, questionnaire=True)


@router.post("/questionnaire/finish", dependencies=[Depends(verify_csrf)])
async def questionnaire_finish(request: Request, store: StoreDep, user: OwnerDep) -> Response:
    return await _finish(request, user, store, questionnaire=True)


@router.get("/questionnaire/thanks/{assessment_id}")
async def questionnaire_thanks(request: Request, assessment_id: str, store: StoreDep, user: OwnerDep) -> Response:
    """The patient's last page: thanks, and urgent advice if an answer is a red flag; nothing else."""
    try:
        stored = await run_in_threadpool(store.get, assessment_id, owner=user)
    except NotFound:
        return _not_found(request, user)
    kb = _kb()
    raw = stored.case.get("findings", {})
    answers = {f: Status(s) for f, s in raw.items() if f in kb.findings and s in STATUS_WORDS}
    advice = urgent_advice(kb, answers)
    return _page(
        request,
        "questionnaire_thanks.html",
        {"user": user, "active": "questionnaire", "patient": True, "advice": advice},
    )


# ---------------------------------------------------------------- knowledge


@router.get("/knowledge")
async def knowledge_page(request: Request, user: UserDep) -> Response:
    kb = _kb()
    sections = [
        {"title": title, "findings": [f for f in kb.findings.values() if f.section in members]}
        for _key, title, _intro, members in SECTIONS
    ]
    conditions = [
        {
            "condition": c,
            "priors": [
                (kb.settings[s].label, pct(kb.priors[(s, c.id)].probability), kb.priors[(s, c.id)])
                for s in kb.settings
                if (s, c.id) in kb.priors
            ],
        }
        for c in kb.conditions.values()
    ]
    refs = sorted(kb.references.values(), key=lambda r: r.id)
    evidence: dict[str, list[dict[str, Any]]] = {}
    for link in kb.likelihoods.values():
        evidence.setdefault(link.finding, []).append(
            {"condition": kb.conditions[link.condition].label, "strength": strength(link), "link": link}
        )
    return _page(
        request,
        "knowledge.html",
        {
            "user": user,
            "active": "knowledge",
            "kb": kb,
            "sections": sections,
            "evidence": evidence,
            "conditions": conditions,
            "red_flags": [
                {"flag": f, "clauses": [_clause_words(kb, c) for c in f.when]} for f in kb.red_flags.values()
            ],
            "references": refs,
        },
    )


def _clause_words(kb: KnowledgeBase, clause: Clause) -> str:
    """A red-flag clause in words: "any of: fever, chills; none of: Hoffmann sign; age 70 or over"."""
    parts = []
    for word, members in (
        ("any of", clause.any_present),
        ("all of", clause.all_present),
        ("none of", clause.none_present),
    ):
        if members:
            parts.append(f"{word}: " + ", ".join(finding_label(kb, x) for x in members))
    if clause.min_age is not None:
        parts.append(f"age {clause.min_age} or over")
    if clause.max_age is not None:
        parts.append(f"age under {clause.max_age}")
    if clause.sex is not None:
        parts.append(clause.sex.value)
    return "; ".join(parts)
