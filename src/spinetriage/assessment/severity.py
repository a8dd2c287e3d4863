"""The case's instruments in the answer: myelopathy grade, mJOA change, scored entries.

An mJOA entered with a case grades the myelopathy by the published bands (severe
0-11, moderate 12-14, mild 15-17; Tetreault 2017) and the grade selects the AO
Spine/CSRS treatment direction (knowledge ``treatment`` items with a ``severity``
indication). Two mJOA scores are compared with the MCID (2 points, Tetreault 2015);
a clinically important fall fires the knowledge base's instrument rule, which sets
urgency like a red flag. The clinician mJOA is preferred to the patient-completed
P-mJOA when both are given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from spinetriage.assessment.models import ChangeOut, InstrumentOut, RecommendationOut, SeverityOut
from spinetriage.assessment.recommend import NO_GRADING, Grading
from spinetriage.instruments import CaseInstrument, Change, get, mjoa_change
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.knowledge.schema import InstrumentRule

#: Current and earlier entries compared for change, in order of preference.
PAIRS = (("mjoa", "mjoa_previous"), ("p_mjoa", "p_mjoa_previous"))


@dataclass(frozen=True, slots=True)
class Instruments:
    """Everything the case's instruments add to the assessment."""

    grading: Grading
    current: CaseInstrument | None
    change: Change | None
    before: CaseInstrument | None
    after: CaseInstrument | None
    rules: tuple[InstrumentRule, ...]


def read_instruments(kb: KnowledgeBase, scored: Mapping[str, CaseInstrument]) -> Instruments:
    """Grade, change and fired instrument rules from the case's scored instruments."""
    current = scored.get("mjoa") or scored.get("p_mjoa")
    change: Change | None = None
    before = after = None
    for now, earlier in PAIRS:
        if now in scored and earlier in scored:
            after, before = scored[now], scored[earlier]
            change = mjoa_change(before.total, after.total, instrument=now)
            break
    worsened = change is not None and change.urgent
    rules = tuple(r for r in kb.instrument_rules.values() if r.when == "mjoa_worsened" and worsened)
    if current is None and not worsened:
        return Instruments(NO_GRADING, None, None, None, None, ())
    change_text = None
    if change is not None:
        change_text = f"{_name(change.instrument)} {change.before} -> {change.after} (MCID {change.mcid})"
    grading = Grading(
        grade=current.band if current else None,
        score=current.total if current else None,
        instrument=current.instrument if current else "mjoa",
        worsened=worsened,
        change=change_text,
    )
    return Instruments(grading, current, change, before, after, rules)


def _name(instrument: str) -> str:
    return "P-mJOA" if instrument == "p_mjoa" else "mJOA"


def instrument_outputs(scored: Mapping[str, CaseInstrument]) -> list[InstrumentOut]:
    out = []
    for key, entry in scored.items():
        spec = get(entry.instrument)
        band = next((b for b in spec.bands if b.id == entry.band), None)
        if entry.score is not None:
            interpretation = entry.score.interpretation
            items = {t.item: t.points for t in entry.score.items}
        else:
            interpretation = band.interpretation if band else f"total {entry.total}"
            items = {}
        out.append(
            InstrumentOut(
                key=key,
                instrument=entry.instrument,
                name=spec.name,
                previous=entry.previous,
                date=entry.date.isoformat() if entry.date else None,
                total=entry.total,
                band=entry.band,
                band_label=band.label if band else None,
                interpretation=interpretation,
                items=items,
                sources=[r.id for r in spec.references],
            )
        )
    return out


def severity_output(
    state: Instruments,
    probability_dcm: float,
    treatment: Iterable[RecommendationOut],
    graded_ids: set[str],
    both_given: bool,
) -> SeverityOut | None:
    current = state.current
    if current is None or current.band is None:
        return None
    spec = get(current.instrument)
    band = next(b for b in spec.bands if b.id == current.band)
    name = _name(current.instrument)
    directed = [t.label for t in treatment if t.id in graded_ids]
    text = f"{name} {current.total}: {band.label.lower()} ({band.minimum}-{band.maximum})."
    if directed:
        text += " Treatment direction for this grade (AO Spine/CSRS): " + "; ".join(directed) + "."
    elif current.band != "normal":
        text += (
            " The grade directs treatment once degenerative cervical myelopathy is the working diagnosis "
            f"(50% or more; now {probability_dcm:.0%}): a low {name} can also come from lumbar stenosis or "
            "neuropathy, so confirm the cervical source first."
        )
    else:
        text += " A full score does not exclude cord compression or early myelopathic signs."
    if current.instrument == "p_mjoa":
        text += " Patient-completed: the mJOA bands are applied on its reported agreement with the clinician mJOA."
    elif both_given:
        text += " The clinician mJOA is used; a P-mJOA was also given."
    return SeverityOut(
        instrument=current.instrument,
        score=current.total,
        grade=current.band,
        label=band.label,
        date=current.date.isoformat() if current.date else None,
        directs_treatment=bool(directed),
        explanation=text,
        sources=list(band.references),
    )


def change_output(state: Instruments) -> ChangeOut | None:
    change = state.change
    if change is None or state.before is None or state.after is None:
        return None
    rule = state.rules[0] if state.rules else None
    return ChangeOut(
        instrument=change.instrument,
        before=change.before,
        after=change.after,
        before_date=state.before.date.isoformat() if state.before.date else None,
        after_date=state.after.date.isoformat() if state.after.date else None,
        difference=change.difference,
        direction=change.direction,
        mcid=change.mcid,
        clinically_important=change.clinically_important,
        worsened=change.urgent,
        urgency=rule.urgency if rule else None,
        rule=rule.id if rule else None,
        explanation=change.interpretation,
        sources=sorted({r.id for r in change.references} | set(rule.sources if rule else ())),
    )
