"""assess(case) -> Assessment: the engine's probabilities turned into an answer."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import cache
from typing import Any

from spinetriage._version import __version__
from spinetriage.assessment.clusters import cluster_outputs
from spinetriage.assessment.models import (
    Assessment,
    ConditionOut,
    ConflictOut,
    ContributionOut,
    OriginOut,
    QuestionOut,
    RecommendationOut,
    RecordedOut,
    RedFlagOut,
    ReferenceOut,
    ScreenOut,
    TextFindingOut,
)
from spinetriage.assessment.origin import ORIGINS, OriginValues, region_shares
from spinetriage.assessment.questions import Impact, top_unknown_findings
from spinetriage.assessment.recommend import advised_against, applicable
from spinetriage.assessment.red_flags import fired_red_flags, named_condition, placed_origin, unscreened
from spinetriage.assessment.severity import (
    Instruments,
    change_output,
    instrument_outputs,
    read_instruments,
    severity_output,
)
from spinetriage.case import Case, parse_case
from spinetriage.engine.network import Network
from spinetriage.engine.reasoner import (
    Elsewhere,
    Patient,
    Reasoning,
    complaint_assumed,
    contributions,
    decide,
    explained_by,
    family_share,
    network_for,
    outside_neck_and_back,
    reason,
)
from spinetriage.errors import InputError
from spinetriage.instruments import CaseInstrument, registry
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.loader import default_knowledge
from spinetriage.knowledge.schema import Condition, InstrumentRule, RedFlag
from spinetriage.vocab import FindingKind, Origin, OriginFamily, Status, Urgency

DEFAULT_SETTING = "primary_care"
MAX_QUESTIONS = 5
MAX_EXAM_ITEMS = 5
_SUGGESTED = {FindingKind.EXAM: MAX_EXAM_ITEMS, FindingKind.HISTORY: MAX_QUESTIONS}
"""How many unknown findings of each kind an assessment suggests: exam items (work-up) and questions."""
DISCLAIMER = (
    "Decision support for clinicians, not a diagnosis. Every probability shows its basis; "
    "check the findings, the sources and the judgements before acting. Red flags are rules and "
    "are never outweighed by probabilities."
)


@cache
def default_model() -> Network:
    return network_for(default_knowledge())


def assess(
    case: Case | Mapping[str, Any],
    *,
    setting: str | None = None,
    knowledge: KnowledgeBase | None = None,
    explain: bool = True,
) -> Assessment:
    """Assess one case. ``setting`` overrides the case's own; the default is primary care.

    ``explain=False`` leaves out what only a reader of one assessment needs: each finding's
    contribution, what explains each finding, and the ranked next questions and examination
    items (each an exact what-if). Screening a population does not show them, and they are
    most of an assessment's time.
    """
    model = default_model() if knowledge is None else network_for(knowledge)
    kb = model.knowledge
    if not isinstance(case, Case):
        case = parse_case(case, kb)
    chosen_setting = setting or case.setting or DEFAULT_SETTING
    if chosen_setting not in kb.settings:
        raise InputError("setting", f"unknown setting '{chosen_setting}'", ", ".join(kb.settings))
    evidence = case.known_findings()
    from_text, conflicts = _merge_text(case, evidence)
    patient = Patient(evidence=evidence, setting=chosen_setting, age=case.age, sex=case.sex)
    scored = case.scored_instruments()
    result = _assess_patient(model, patient, scored, explain=explain)
    if from_text or conflicts:
        result = result.model_copy(update={"from_text": from_text, "conflicts": conflicts})
    return result


def _merge_text(case: Case, evidence: dict[str, Status]) -> tuple[list[TextFindingOut], list[ConflictOut]]:
    """Add findings read from the case's text; structured answers win and each conflict is reported."""
    if not case.text:
        return [], []
    from spinetriage.text import extract

    text = case.text
    extraction = extract(text)
    read = extraction.findings
    from_text: list[TextFindingOut] = []
    conflicts: list[ConflictOut] = []
    for finding, status_text in read.items():
        status = Status(status_text)
        given = evidence.get(finding)
        if given is not None:
            if given is not status:
                conflicts.append(
                    ConflictOut(finding=finding, structured=given.value, text=status.value, used=given.value)
                )
            continue
        evidence[finding] = status
        mention = next(m for m in extraction.mentions if m.finding == finding and m.status.value == status.value)
        from_text.append(
            TextFindingOut(
                finding=finding,
                status=status.value,
                quote=text[mention.start : mention.end],
                start=mention.start,
                end=mention.end,
                section=mention.section.value,
            )
        )
    return from_text, conflicts


def _assess_patient(
    model: Network, patient: Patient, scored: Mapping[str, CaseInstrument] | None = None, *, explain: bool = True
) -> Assessment:
    kb = model.knowledge
    scored = scored or {}
    instruments = read_instruments(kb, scored)
    grading = instruments.grading
    reasoning = reason(model, patient)
    probabilities = reasoning.probabilities
    origin = reasoning.origin
    attributed = explained_by(reasoning) if explain else None
    confident, suspected = kb.threshold("verdict_confident"), kb.threshold("myelopathy_suspected")
    the_verdict, elsewhere = decide(reasoning, confident, suspected, attributed)

    flags = fired_red_flags(kb, patient.evidence, age=patient.age, sex=patient.sex)
    flag_ids = {flag.id for flag, _ in flags}
    named = {flag.id: named_condition(flag, probabilities) for flag, _ in flags}
    placed = placed_origin(kb, the_verdict, [flag for flag, _ in flags], probabilities)
    placed_by: list[str] = []
    if placed is not None:
        the_verdict, placed_by = placed
        elsewhere = None
    withheld = {sign for flag, _ in flags for sign in flag.withhold_examination}
    top = top_unknown_findings(reasoning, _SUGGESTED, withheld) if explain else {kind: [] for kind in _SUGGESTED}

    workup_items = applicable(kb, kb.workup.values(), probabilities, patient.evidence, flag_ids, grading)
    recommended_ids = {rec.id for rec, _ in workup_items}
    exams = [_exam_item(kb, imp) for imp in top[FindingKind.EXAM]]
    investigations = [_recommendation(rec, why, "investigation") for rec, why in workup_items]
    # an urgent or emergency flag's investigation decides management and leads the list; otherwise the exam items
    # that would most change the answer come first (a clinician's critique: Hoffmann and Romberg above the
    # lumbosacral MRI and bladder scan of a cancer patient with retention)
    flagged_now = any(flag.urgency.rank <= Urgency.URGENT.rank for flag, _ in flags)
    workup = investigations + exams if flagged_now else exams + investigations
    workup += [
        _recommendation(item, why, "not_recommended")
        for item, why in advised_against(kb, probabilities, patient.evidence, flag_ids, recommended_ids, grading)
    ]
    treatment = [
        _recommendation(rec, why, "treatment")
        for rec, why in applicable(kb, kb.treatment.values(), probabilities, patient.evidence, flag_ids, grading)
    ]
    urgency, urgency_reason = decide_urgency(kb, flags, probabilities, patient.evidence, instruments)
    open_screen = unscreened(kb, patient.evidence, flag_ids, age=patient.age, sex=patient.sex)
    could_raise = [f for f, ids in open_screen if any(kb.red_flags[i].urgency.rank < urgency.rank for i in ids)]
    if could_raise:
        # a routine grade beside seventeen unasked red-flag questions read as a verdict (a clinician's critique)
        s = "s" if len(could_raise) > 1 else ""
        urgency_reason += f"; provisional: {len(could_raise)} red-flag question{s} not yet answered could raise it"
    graded_ids = {r.id for r in kb.treatment.values() if any(i.severity for i in r.indications)} if scored else set()
    severity = severity_output(
        instruments,
        probabilities["degenerative_cervical_myelopathy"],
        treatment,
        graded_ids,
        both_given="mjoa" in scored and "p_mjoa" in scored,
    )
    mjoa_trend = change_output(instruments)
    instrument_list = instrument_outputs(scored)
    clusters = cluster_outputs(kb, patient.evidence, patient.age)
    explained = contributions(reasoning) if explain else {c: [] for c in kb.conditions}
    conditions = sorted(
        (
            ConditionOut(
                id=condition,
                label=kb.conditions[condition].label,
                prior=kb.prior(patient.setting, condition).probability,
                probability=probabilities[condition],
                contributions=[
                    ContributionOut(
                        finding=c.evidence,
                        status=c.value,
                        likelihood_ratio=c.likelihood_ratio,
                        log_odds=c.weight,
                        counted=c.counted,
                        note=c.note,
                        group=c.group,
                        basis=c.basis,
                        sources=list(c.sources),
                        kind=c.kind,
                    )
                    for c in explained[condition]
                ],
            )
            for condition in kb.conditions
        ),
        key=lambda c: (-c.probability, c.id),
    )
    cited = _cited(kb, patient.setting, conditions, flags, workup, treatment)
    for part in [*clusters, *instrument_list, *(x for x in (severity, mjoa_trend) if x is not None)]:
        cited.update(part.sources)
    catalogue = _catalogue(model)
    return Assessment(
        knowledge_version=kb.version,
        engine_version=__version__,
        setting=patient.setting,
        age=patient.age,
        sex=patient.sex.value if patient.sex else None,
        origin=OriginOut(
            verdict=the_verdict,
            probabilities={k.value: v for k, v in origin.items()},
            explanation=(
                _placed_explanation(the_verdict, placed_by, origin, kb, reasoning)
                if placed_by
                else _origin_explanation(the_verdict, origin, probabilities, kb, reasoning, set(named.values()))
                if elsewhere is None
                else _elsewhere_explanation(elsewhere, probabilities, kb, reasoning)
            )
            + _flags_lead(flags),
            complaint=reasoning.complaint,
            decided_by=None if elsewhere is None else elsewhere.complaint,
            placed_by=placed_by,
            sources={family: round(family_share(reasoning.sources, family), 6) for family in _SOURCE_NAMES},
        ),
        conditions=conditions,
        red_flags=[
            RedFlagOut(
                id=flag.id,
                label=flag.label,
                condition=named[flag.id],
                urgency=flag.urgency,
                findings=raised,
                action=flag.action,
                sources=list(flag.sources),
            )
            for flag, raised in flags
        ],
        urgency=urgency,
        urgency_reason=urgency_reason,
        urgency_provisional=bool(could_raise),
        workup=workup,
        treatment=treatment,
        next_questions=[_question(kb, imp) for imp in top[FindingKind.HISTORY]],
        findings_used={f: s.value for f, s in sorted(patient.evidence.items())},
        recorded_only=[
            RecordedOut(finding=f, label=kb.findings[f].label, status=status.value, reason=kb.recorded_only[f].reason)
            for f, status in sorted(patient.evidence.items())
            if f in kb.recorded_only  # the evidence holds only what was answered
        ],
        red_flag_screen=_screen(kb, open_screen) if explain else [],
        references=[catalogue[r] for r in sorted(cited) if r in catalogue],
        disclaimer=DISCLAIMER,
        clusters=clusters,
        instruments=instrument_list,
        severity=severity,
        mjoa_change=mjoa_trend,
        explained_by={f: {k: round(v, 6) for k, v in shares} for f, shares in attributed.items()}
        if attributed is not None
        else {},
        explained=explain,
    )


_CATALOGUES: dict[tuple[str, tuple[str, ...]], dict[str, ReferenceOut]] = {}


_SOURCE_NAMES = ("cervical", "lumbar", "mechanical", "serious", "other", "unexplained")


def _catalogue(model: Network) -> dict[str, ReferenceOut]:
    """Every citable reference; the knowledge base's entry wins over an instrument's of the same id.

    Built once per knowledge version; an assessment cites some forty, and a
    ``ReferenceOut`` holds only text and is frozen, so the same instances serve every one.
    """
    key = (model.version, ())
    if key not in _CATALOGUES:
        refs: dict[str, tuple[str, str]] = {}
        for spec in registry().values():
            for r in spec.references:
                refs[r.id] = (r.citation, r.seen)
        for rid, ref in model.knowledge.references.items():
            refs[rid] = (ref.citation, ref.seen)
        _CATALOGUES[key] = {rid: ReferenceOut(id=rid, citation=c, seen=seen) for rid, (c, seen) in refs.items()}
    return _CATALOGUES[key]


_ORIGIN_NAMES = tuple(o.value for o in ORIGINS)


def _origin_dict(values: OriginValues) -> dict[str, float]:
    return dict(zip(_ORIGIN_NAMES, [round(v, 4) for v in values], strict=True))


def _exam_item(kb: KnowledgeBase, imp: Impact) -> RecommendationOut:
    finding = kb.findings[imp.finding]
    return RecommendationOut(
        id=f"examine_{finding.id}",
        label=f"Examine: {finding.label}",
        detail=finding.elicitation or "",
        kind="exam",
        reason=_exam_reason(kb, imp),
        sources=list(_likelihood_sources(kb).get(finding.id, ())),
    )


def _exam_reason(kb: KnowledgeBase, imp: Impact) -> str:
    return f"not yet examined; {_reach_text(kb, imp)}"


def _reach_text(kb: KnowledgeBase, imp: Impact) -> str:
    """What an answer could move: the origin, or the leading condition when it could move that more."""
    origin = f"could move the origin probabilities by up to {imp.impact:.0%}"
    if imp.lead_change <= imp.impact or imp.lead is None:
        return origin
    label = kb.conditions[imp.lead].label.lower()
    lead = f"could move {label} by up to {imp.lead_change:.0%}"
    if round(imp.impact, 2) == 0:
        return f"{lead} (the origin hardly at all)"
    return f"{lead} and the origin probabilities by up to {imp.impact:.0%}"


_LIKELIHOOD_SOURCES: dict[str, dict[str, tuple[str, ...]]] = {}


def _likelihood_sources(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Per finding, the sources of its likelihood ratios for any condition, sorted (once per knowledge version)."""
    if kb.version not in _LIKELIHOOD_SOURCES:
        found: dict[str, set[str]] = {}
        for (_, finding), lk in kb.likelihoods.items():
            found.setdefault(finding, set()).update(lk.sources)
        _LIKELIHOOD_SOURCES[kb.version] = {f: tuple(sorted(sources)) for f, sources in found.items()}
    return _LIKELIHOOD_SOURCES[kb.version]


def _screen(kb: KnowledgeBase, open_: Sequence[tuple[str, list[str]]]) -> list[ScreenOut]:
    return [
        ScreenOut(finding=f, label=kb.findings[f].label, question=kb.findings[f].patient_question, flags=flags)
        for f, flags in open_
    ]


def _question(kb: KnowledgeBase, imp: Impact) -> QuestionOut:
    finding = kb.findings[imp.finding]
    return QuestionOut(
        finding=finding.id,
        label=finding.label,
        question=finding.patient_question,
        elicitation=finding.elicitation,
        impact=round(imp.impact, 6),
        reason=_reach_text(kb, imp),
        if_present=_origin_dict(imp.present),
        if_absent=_origin_dict(imp.absent),
    )


def _recommendation(rec: Any, why: str, kind: str) -> RecommendationOut:
    return RecommendationOut(
        id=rec.id, label=rec.label, detail=rec.detail, kind=kind, reason=why, sources=list(rec.sources)
    )


def decide_urgency(
    kb: KnowledgeBase,
    flags: Sequence[tuple[RedFlag, list[str]]],
    probabilities: Mapping[str, float],
    evidence: Mapping[str, Status],
    instruments: Instruments | None = None,
) -> tuple[Urgency, str]:
    """The most urgent of: red flags, instrument rules (both rules), suspected conditions (recommendations.yaml;
    a suspicion that names findings needs one of them present)."""
    candidates: list[tuple[Urgency, str]] = []
    if flags:
        top = flags[0][0]
        candidates.append((top.urgency, f"red flag: {top.label}"))
    rules: tuple[InstrumentRule, ...] = instruments.rules if instruments else ()
    for rule in rules:
        change = instruments.grading.change if instruments else None
        candidates.append((rule.urgency, f"{rule.label}: {change}" if change else rule.label))
    for suspicion in kb.suspected.values():
        p = probabilities[suspicion.condition]
        shown = not suspicion.any_present or any(evidence.get(f) is Status.PRESENT for f in suspicion.any_present)
        if p >= kb.threshold(suspicion.threshold) and shown:
            candidates.append((suspicion.urgency, f"{suspicion.label} ({p:.0%})"))
    if candidates:
        return min(candidates, key=lambda c: c[0].rank)
    return Urgency.ROUTINE, "no red flag and no condition suspected that needs an earlier assessment"


_FAMILIES_OF = {
    Origin.CERVICAL: {OriginFamily.CERVICAL},
    Origin.BOTH: {OriginFamily.CERVICAL, OriginFamily.LUMBAR_SPECIFIC},
    Origin.LUMBAR: {OriginFamily.LUMBAR_SPECIFIC, OriginFamily.LUMBAR_NONSPECIFIC, OriginFamily.SERIOUS},
    Origin.OTHER: {OriginFamily.OTHER},
}


def _flags_lead(flags: Sequence[tuple[RedFlag, list[str]]]) -> str:
    """The sentence that puts raised red flags before the probabilities in the headline: serious pathology
    leads the answer whatever the origin says (the design contract). Under "lumbar: non-specific back pain 91%" an
    emergency flag for infection seen on imaging read as a contradiction (clinician review)."""
    if not flags:
        return ""
    named = "; ".join(f"{flag.label} ({flag.urgency.value})" for flag, _ in flags)
    return f" Red flag{'s' if len(flags) > 1 else ''} first, whatever these probabilities say: {named}."


def _placed_explanation(
    v: Origin, placed_by: Sequence[str], origin: Mapping[Origin, float], kb: KnowledgeBase, reasoning: Reasoning
) -> str:
    """Why raised red flags set the verdict (:func:`placed_origin`), with what the probabilities alone said."""
    labels = "; ".join(kb.red_flags[f].label for f in placed_by)
    best = max(ORIGINS[:4], key=lambda o: origin[o])
    complaint = kb.findings[reasoning.complaint].label.lower() if reasoning.complaint else "complaint"
    alone = f"the sources of the {complaint} alone would say {best.value} ({origin[best]:.0%})"
    if v is Origin.UNDETERMINED:
        return (
            f"Undetermined: a raised red flag shows a spinal cord lesion whose level is not yet known ({labels}); "
            f"{alone}, which would leave the flag unexplained. The flag's imaging decides the origin."
        )
    where = "in the neck" if v is Origin.CERVICAL else "outside the neck and the lower back"
    return f"{v.value.capitalize()}: a raised red flag places the lesion {where} ({labels}); {alone}."


def _origin_explanation(
    v: Origin,
    origin: Mapping[Origin, float],
    probabilities: Mapping[str, float],
    kb: KnowledgeBase,
    reasoning: Reasoning,
    flagged: Collection[str] = (),
) -> str:
    """Why the verdict is what it is. The mimics named behind it are conditions that can produce the
    complaint (``Network.causes_of``): a hip behind an unexplained gait complaint, or motor neuron disease,
    which argues against numbness, behind unexplained arm numbness, would mislead. Conditions a raised red
    flag names (``flagged``) are named first, as in the list, when at least 1%: "non-specific low back pain 51%,
    spinal infection 37%" headed a report whose emergency flag was an infection seen on imaging (a blind review)."""
    complaint = reasoning.complaint
    if complaint is None:
        return "No presenting complaint is known: say what brought the patient (back pain, leg, gait or arm symptoms)."
    known_label = kb.findings[complaint].label.lower()
    if complaint_assumed(reasoning):
        return (
            f"No presenting complaint is recorded: the probabilities assume {known_label}, as in the setting's "
            "population, but the origin is not named on an assumption. Say what brought the patient (back pain, "
            "leg, gait or arm symptoms)."
        )
    if v is Origin.CERVICAL and not reasoning.informative:  # a complaint local to the neck (reasoner.verdict)
        return (
            f"Cervical: the {known_label} is the neck's own by its definition, but too little is known beyond it "
            "to say which condition of the neck causes it: examine first (see the work-up) and ask the next questions."
        )
    if v is Origin.UNDETERMINED and max(origin[o] for o in ORIGINS[:4]) >= kb.threshold("verdict_confident"):
        return (
            f"Too little is known beyond the complaint ({known_label}) to name its origin: "
            "examine first (see the work-up) and ask the next questions."
        )
    if v is Origin.UNDETERMINED:
        best = max((o for o in origin if o is not Origin.UNDETERMINED), key=lambda o: origin[o])
        unexplained = origin[Origin.UNDETERMINED]
        rest = f", and nothing modelled explains {unexplained:.0%} of it" if unexplained >= 0.005 else ""
        return (
            f"No origin of the {known_label} reaches {kb.threshold('verdict_confident'):.0%}; the most likely "
            f"is {best.value} ({origin[best]:.0%}){rest}. More findings are needed (see next questions and work-up)."
        )
    behind = _behind(kb, probabilities, v, reasoning.network.causes_of(complaint), flagged, spinal_any_cause=True)
    named = ", ".join(f"{c.label} {probabilities[c.id]:.0%}" for c in behind[:2])
    leading: Origin = max(ORIGINS[:4], key=lambda o: origin[o])
    if v is Origin.OTHER and origin[v] < kb.threshold("verdict_confident"):
        neck, back = region_shares(origin)
        return (
            f"Other: the neck and the lower back explain little of the {known_label} (the neck {neck:.0%}, the lower "
            f"back {back:.0%}); a cause elsewhere is likely ({outside_neck_and_back(origin):.0%}): a condition the "
            f"tool models {origin[Origin.OTHER]:.0%} ({named}), and nothing it models "
            f"{origin[Origin.UNDETERMINED]:.0%}. Look beyond the neck and the lower back (see the work-up and next "
            "questions)."
        )
    if v is Origin.BOTH and leading is not Origin.BOTH:
        neck, back = region_shares(origin)
        return (
            f"Both: the neck is among the sources of the {known_label} with {neck:.0%} and the lower back "
            f"with {back:.0%} (together {origin[Origin.BOTH]:.0%}): {named}."
        )
    if v is Origin.CERVICAL and complaint in reasoning.network.local_to_the_neck:
        # the origin is the neck whichever of its conditions is the cause: the origin's share and the
        # conditions' probabilities answer different questions, and the sentence says so
        candidates = [f"{c.label} {probabilities[c.id]:.0%}" for c in behind[:2] if probabilities[c.id] >= 0.01]
        return (
            f"Cervical origin of the {known_label} ({origin[v]:.0%}): it comes from the neck by its definition; "
            f"which condition of the neck causes it is still open: {', '.join([*candidates, 'one not modelled'])}."
        )
    how = ""
    if v in (Origin.CERVICAL, Origin.BOTH) and complaint == reasoning.network.complaints[0]:
        # "cervical origin of the low back pain" read as nonsense to a clinician without the mechanism
        how = " (myelopathy loads the lower back through its gait change)"
    return f"{v.value.capitalize()} origin of the {known_label} is most likely ({origin[v]:.0%}): {named}{how}."


def _behind(
    kb: KnowledgeBase,
    probabilities: Mapping[str, float],
    origin: Origin,
    producing: Collection[str],
    flagged: Collection[str] = (),
    spinal_any_cause: bool = False,
) -> list[Condition]:
    """The conditions of ``origin``'s families that an explanation names behind it, most probable first: those
    that can produce the complaint (``spinal_any_cause``: a spinal condition whether or not it does, a mimic
    only if it does). A flagged condition the sentence would show as 1% or more comes first; one it would show
    as 0% is left in its place (the flag's sentence names it)."""
    chosen = (
        c
        for c in kb.conditions.values()
        if c.origin_family in _FAMILIES_OF[origin]
        and (c.id in producing or (spinal_any_cause and c.origin_family is not OriginFamily.OTHER))
    )
    return sorted(chosen, key=lambda c: (not (c.id in flagged and probabilities[c.id] >= 0.01), -probabilities[c.id]))


def _elsewhere_explanation(
    elsewhere: Elsewhere, probabilities: Mapping[str, float], kb: KnowledgeBase, reasoning: Reasoning
) -> str:
    """Why another complaint than the presenting one names the verdict (:func:`reasoner.decide`)."""
    back = kb.findings[reasoning.network.complaints[0]].label.lower()
    other = kb.findings[elsewhere.complaint].label.lower()
    region = Origin.CERVICAL if elsewhere.origin is Origin.BOTH else elsewhere.origin
    behind = _behind(kb, probabilities, region, reasoning.network.causes_of(elsewhere.complaint))
    named = ", ".join(f"{c.label} {probabilities[c.id]:.0%}" for c in behind[:2] if probabilities[c.id] >= 0.01)
    named = f": {named}" if named else ""
    if elsewhere.origin is Origin.BOTH:
        return (
            f"Both: the {back} comes from the lower back ({elsewhere.back:.0%}) and the {other} from the neck "
            f"({elsewhere.share:.0%}){named}. Each region needs treating."
        )
    where = "the neck" if elsewhere.origin is Origin.CERVICAL else "outside the neck and the lower back"
    return (
        f"{elsewhere.origin.value.capitalize()}: the {back} is non-specific (a mechanical source "
        f"{elsewhere.back:.0%}), and the {other} comes from {where} ({elsewhere.share:.0%}){named}. "
        f"The probabilities shown are those of the {back}."
    )


def _cited(
    kb: KnowledgeBase,
    setting: str,
    conditions: list[ConditionOut],
    flags: list[Any],
    workup: list[RecommendationOut],
    treatment: list[RecommendationOut],
) -> set[str]:
    cited: set[str] = set()
    for condition in conditions:
        cited.update(kb.prior(setting, condition.id).sources)
        for c in condition.contributions:
            cited.update(c.sources)
    for flag, _ in flags:
        cited.update(flag.sources)
    for item in [*workup, *treatment]:
        cited.update(item.sources)
    return cited
