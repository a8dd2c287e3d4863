"""One patient: their notes and structured findings combined, assessed, as one output row.

This is the only place a patient is screened; the local and the Spark engines both call
:func:`screen_patient`, which is pure (no I/O), so the two give identical rows.

Combining (later wins): rows are taken in order of date, then of place in the input.
Each note's findings are read with :func:`spinetriage.text.extract`; a structured
finding gives its status directly (``unknown`` changes nothing). When a later row gives
a finding a different status than an earlier one, the later one is used and the
disagreement is reported in ``conflicts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from spinetriage.assessment import assess, default_model
from spinetriage.case import Case
from spinetriage.errors import InputError
from spinetriage.knowledge.base import KnowledgeBase
from spinetriage.text import MentionStatus, extract
from spinetriage.vocab import FindingKind, Region, Status

from ._inputs import Reject, StagedRow

__all__ = ["condition_columns", "output_schema", "screen_patient"]

_IMAGING_STATUSES = frozenset(
    {MentionStatus.PRESENT, MentionStatus.ABSENT, MentionStatus.HISTORICAL, MentionStatus.POSSIBLE}
)
"""Mentions that show a cervical image was read (a report of no stenosis is still a report)."""


@dataclass(frozen=True, slots=True)
class _Source:
    status: str
    note_id: str
    date: str
    kind: str  # "text" | "structured"
    start: int | None
    end: int | None
    section: str | None


def _knowledge() -> KnowledgeBase:
    return default_model().knowledge


@cache
def condition_columns() -> tuple[str, ...]:
    """``p_<condition>`` for every condition in the knowledge base, in its order."""
    return tuple(f"p_{c}" for c in _knowledge().conditions)


@cache
def _cervical_imaging() -> frozenset[str]:
    kb = _knowledge()
    return frozenset(
        f for f, x in kb.findings.items() if x.kind is FindingKind.IMAGING and x.region is Region.CERVICAL_SPINE
    )


def screen_patient(patient_id: str, rows: Sequence[StagedRow], setting: str) -> tuple[dict[str, Any], list[Reject]]:
    """The output row for one patient, and the notes that could not be read.

    ``rows`` are this patient's rows in any order; they are sorted here by (date,
    source, row) so that the result does not depend on how an engine grouped them.
    """
    ordered = sorted(rows, key=lambda r: (r.date, r.source, r.row))
    imaging = _cervical_imaging()
    used: dict[str, _Source] = {}
    conflicts: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    imaging_seen = False
    notes = structured = 0

    def take(finding: str, new: _Source) -> None:
        before = used.get(finding)
        if before is not None and before.status != new.status:
            conflicts.append(
                {
                    "finding": finding,
                    "earlier_status": before.status,
                    "earlier_note_id": before.note_id,
                    "earlier_date": before.date,
                    "later_status": new.status,
                    "later_note_id": new.note_id,
                    "later_date": new.date,
                }
            )
        used[finding] = new

    for row in ordered:
        if row.kind == "finding":
            structured += 1
            assert row.finding is not None and row.status is not None
            if row.finding in imaging and row.status != Status.UNKNOWN.value:
                imaging_seen = True
            if row.status == Status.UNKNOWN.value:
                continue
            take(row.finding, _Source(row.status, row.note_id, row.date, "structured", None, None, None))
            continue
        notes += 1
        try:
            extraction = extract(row.text or "")
        except InputError as exc:
            rejects.append(Reject(f"patient {patient_id} note {row.note_id}", exc.field, exc.problem))
            continue
        except Exception as exc:  # one note must not stop a patient; report the type, never the text
            rejects.append(
                Reject(f"patient {patient_id} note {row.note_id}", "text", f"internal error ({type(exc).__name__})")
            )
            continue
        if not imaging_seen:
            imaging_seen = any(m.finding in imaging and m.status in _IMAGING_STATUSES for m in extraction.mentions)
        for finding, status in extraction.findings.items():
            mention = next(m for m in extraction.mentions if m.finding == finding and m.status.value == status)
            take(
                finding,
                _Source(status, row.note_id, row.date, "text", mention.start, mention.end, mention.section.value),
            )

    case = Case(findings={f: Status(s.status) for f, s in sorted(used.items())}, setting=setting)
    result = assess(case, explain=False)  # the row shows no explanations: skip their what-ifs
    origin = {str(k): float(v) for k, v in result.origin.probabilities.items()}
    probabilities = {c.id: c.probability for c in result.conditions}
    out: dict[str, Any] = {
        "patient_id": patient_id,
        "notes": notes,
        "structured_findings": structured,
        "first_date": ordered[0].date if ordered else None,
        "last_date": ordered[-1].date if ordered else None,
        "verdict": result.origin.verdict.value,
        "p_cervical_origin": origin.get("cervical", 0.0) + origin.get("both", 0.0),
        "origin_probabilities": sorted(origin.items()),
        "low_back_pain": used["low_back_pain"].status if "low_back_pain" in used else Status.UNKNOWN.value,
        "cervical_imaging_on_record": imaging_seen,
        "red_flags": [f.id for f in result.red_flags],
        "urgency": result.urgency.value,
        "evidence": [
            {
                "finding": f,
                "status": s.status,
                "note_id": s.note_id,
                "date": s.date,
                "source": s.kind,
                "start": s.start,
                "end": s.end,
                "section": s.section,
            }
            for f, s in sorted(used.items())
        ],
        "conflicts": conflicts,
        "unreadable_notes": len(rejects),
        "knowledge_version": result.knowledge_version,
        "engine_version": result.engine_version,
    }
    for column in condition_columns():
        out[column] = probabilities.get(column.removeprefix("p_"))
    return out, rejects


def output_schema() -> Any:
    """The Arrow schema of the result Parquet (one row per patient)."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    evidence = pa.struct(
        [
            ("finding", pa.string()),
            ("status", pa.string()),
            ("note_id", pa.string()),
            ("date", pa.string()),
            ("source", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("section", pa.string()),
        ]
    )
    conflict = pa.struct(
        [
            ("finding", pa.string()),
            ("earlier_status", pa.string()),
            ("earlier_note_id", pa.string()),
            ("earlier_date", pa.string()),
            ("later_status", pa.string()),
            ("later_note_id", pa.string()),
            ("later_date", pa.string()),
        ]
    )
    fields = [
        ("patient_id", pa.string()),
        ("notes", pa.int64()),
        ("structured_findings", pa.int64()),
        ("first_date", pa.string()),
        ("last_date", pa.string()),
        ("verdict", pa.string()),
        ("p_cervical_origin", pa.float64()),
        ("origin_probabilities", pa.map_(pa.string(), pa.float64())),
        ("low_back_pain", pa.string()),
        ("cervical_imaging_on_record", pa.bool_()),
        ("red_flags", pa.list_(pa.string())),
        ("urgency", pa.string()),
        ("evidence", pa.list_(evidence)),
        ("conflicts", pa.list_(conflict)),
        ("unreadable_notes", pa.int64()),
        ("knowledge_version", pa.string()),
        ("engine_version", pa.string()),
    ]
    fields += [(c, pa.float64()) for c in condition_columns()]
    return pa.schema(fields)
