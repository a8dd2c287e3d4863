"""The HTML summary of a screening run: one self-contained file, charts as inline SVG.

Read from the result Parquet file in batches (never whole): how the scores are
distributed, how many patients each threshold of ``p_cervical_origin`` flags (all, and
those with back pain and no cervical imaging on record: the neck possibly being
missed), verdicts, urgency, red flags, and the patients to look at first. It carries
patient identifiers and finding identifiers, never note text. No network: no scripts,
fonts or styles are fetched.
"""

from __future__ import annotations

import heapq
import html
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spinetriage.errors import InputError

from ._run import ScreenSummary

__all__ = ["ReportData", "read_report_data", "render_report", "write_report"]

BINS = 20
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))
TOP = 25
_COLUMNS = [
    "patient_id",
    "verdict",
    "p_cervical_origin",
    "low_back_pain",
    "cervical_imaging_on_record",
    "red_flags",
    "urgency",
    "conflicts",
    "unreadable_notes",
    "evidence",
]


@dataclass(slots=True)
class ReportData:
    """Everything the report shows, aggregated from the result file."""

    patients: int = 0
    histogram: list[int] = field(default_factory=lambda: [0] * BINS)
    flagged: dict[float, int] = field(default_factory=lambda: dict.fromkeys(THRESHOLDS, 0))
    flagged_missed: dict[float, int] = field(default_factory=lambda: dict.fromkeys(THRESHOLDS, 0))
    verdicts: Counter[str] = field(default_factory=Counter)
    urgency: Counter[str] = field(default_factory=Counter)
    red_flags: Counter[str] = field(default_factory=Counter)
    back_pain: int = 0
    imaging: int = 0
    with_conflicts: int = 0
    with_unreadable: int = 0
    top: list[tuple[float, tuple[int, ...], dict[str, Any]]] = field(default_factory=list)

    def add(self, row: dict[str, Any]) -> None:
        p = float(row["p_cervical_origin"])
        self.patients += 1
        self.histogram[min(BINS - 1, int(p * BINS))] += 1
        missed = row["low_back_pain"] == "present" and not row["cervical_imaging_on_record"]
        for t in THRESHOLDS:
            if p >= t:
                self.flagged[t] += 1
                if missed:
                    self.flagged_missed[t] += 1
        self.verdicts[row["verdict"]] += 1
        self.urgency[row["urgency"]] += 1
        self.red_flags.update(row["red_flags"] or [])
        self.back_pain += row["low_back_pain"] == "present"
        self.imaging += bool(row["cervical_imaging_on_record"])
        self.with_conflicts += bool(row["conflicts"])
        self.with_unreadable += bool(row["unreadable_notes"])
        if missed:
            present = [e["finding"] for e in row["evidence"] or [] if e["status"] == "present"]
            entry = {
                "patient_id": row["patient_id"],
                "p": p,
                "verdict": row["verdict"],
                "urgency": row["urgency"],
                "present": present,
            }
            # ties broken by patient id (smallest first) so the list is the same on every engine
            key = (p, _neg(row["patient_id"]), entry)
            if len(self.top) < TOP:
                heapq.heappush(self.top, key)
            elif key[:2] > self.top[0][:2]:
                heapq.heapreplace(self.top, key)


def _neg(text: str) -> tuple[int, ...]:
    return tuple(-b for b in text.encode())


def read_report_data(result: Path) -> ReportData:
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    data = ReportData()
    try:
        parquet = pq.ParquetFile(result)
    except OSError:
        raise InputError("RESULT", f"'{result.name}' is not a readable result file", "a .parquet from screen") from None
    with parquet:
        missing = [c for c in _COLUMNS if c not in parquet.schema_arrow.names]
        if missing:
            raise InputError("RESULT", f"no column {', '.join(missing)}", "a .parquet written by spinetriage screen")
        for batch in parquet.iter_batches(batch_size=4096, columns=_COLUMNS):
            for row in batch.to_pylist():
                data.add(row)
    return data


# ---------------------------------------------------------------- charts


def _bars(values: list[int], labels: list[str], title: str, colour: str = "#2b6cb0") -> str:
    """A vertical bar chart as inline SVG, with a title and accessible text."""
    width, height, pad = 640, 220, 30
    top = max(values) if values and max(values) > 0 else 1
    step = (width - 2 * pad) / max(1, len(values))
    parts = [
        f'<svg role="img" aria-label="{html.escape(title)}" viewBox="0 0 {width} {height + 40}" '
        f'width="{width}" height="{height + 40}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{html.escape(title)}</title>",
        f'<line x1="{pad}" y1="{height}" x2="{width - pad}" y2="{height}" stroke="#444"/>',
    ]
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        h = (height - pad) * value / top
        x = pad + i * step
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{height - h:.1f}" width="{max(1.0, step - 2):.1f}" height="{h:.1f}" '
            f'fill="{colour}"><title>{html.escape(label)}: {value}</title></rect>'
        )
        if len(values) <= 12 or i % 2 == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height + 14}" font-size="10" text-anchor="middle">'
                f"{html.escape(label)}</text>"
            )
        if value:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - h - 3:.1f}" font-size="9" '
                f'text-anchor="middle">{value}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_report(data: ReportData, summary: ScreenSummary | None = None) -> str:
    """The report as one HTML document."""
    bins = [f"{i / BINS:.2f}" for i in range(BINS)]
    sections: list[str] = []
    overview = [
        ["patients", str(data.patients)],
        ["low back pain present", str(data.back_pain)],
        ["cervical imaging on record", str(data.imaging)],
        ["patients with conflicting notes", str(data.with_conflicts)],
        ["patients with an unreadable note", str(data.with_unreadable)],
    ]
    if summary is not None:
        overview += [
            ["notes read", str(summary.notes)],
            ["structured findings read", str(summary.structured_findings)],
            ["rows skipped (malformed)", str(summary.rejects)],
            ["engine", f"{summary.engine}, {summary.workers} worker(s)"],
        ]
    sections.append("<h2>Overview</h2>" + _table(["", "count"], overview))
    sections.append(
        "<h2>Distribution of p_cervical_origin</h2>"
        "<p>Probability that the neck is a source of the presenting complaint (origin cervical or both).</p>"
        + _bars(data.histogram, bins, "patients by p_cervical_origin")
    )
    sections.append(
        "<h2>How many patients each threshold flags</h2>"
        "<p>Patients with p_cervical_origin at or above each threshold; in orange, those of them with low back "
        "pain and no cervical imaging on record.</p>"
        + _bars([data.flagged[t] for t in THRESHOLDS], [f"{t:.2f}" for t in THRESHOLDS], "patients flagged")
        + _bars(
            [data.flagged_missed[t] for t in THRESHOLDS],
            [f"{t:.2f}" for t in THRESHOLDS],
            "patients flagged with back pain and no cervical imaging",
            "#dd6b20",
        )
        + _table(
            ["threshold", "flagged", "with back pain, no cervical imaging"],
            [[f"{t:.2f}", str(data.flagged[t]), str(data.flagged_missed[t])] for t in THRESHOLDS],
        )
    )
    verdicts = sorted(data.verdicts.items(), key=lambda kv: (-kv[1], kv[0]))
    urgency = [(u, data.urgency[u]) for u in ("emergency", "urgent", "soon", "routine")]
    sections.append(
        "<h2>Verdicts and urgency</h2>"
        + _bars([n for _, n in verdicts], [v for v, _ in verdicts], "patients by verdict")
        + _bars([n for _, n in urgency], [u for u, _ in urgency], "patients by urgency", "#c53030")
    )
    flags = sorted(data.red_flags.items(), key=lambda kv: (-kv[1], kv[0]))
    sections.append(
        "<h2>Red flags</h2>"
        + (_table(["red flag", "patients"], [[f, str(n)] for f, n in flags]) if flags else "<p>None fired.</p>")
    )
    top = sorted(data.top, reverse=True)
    sections.append(
        f"<h2>First {TOP} to review: back pain, no cervical imaging, highest p_cervical_origin</h2>"
        + _table(
            ["patient", "p_cervical_origin", "verdict", "urgency", "findings present"],
            [
                [e["patient_id"], f"{e['p']:.3f}", e["verdict"], e["urgency"], ", ".join(e["present"])]
                for _, _, e in top
            ],
        )
    )
    if summary is not None and summary.reject_sample:
        sections.append(
            "<h2>Skipped rows</h2>"
            + _table(
                ["location", "field", "problem"], [[r.location, r.field, r.problem] for r in summary.reject_sample]
            )
            + (f"<p>All {summary.rejects} are listed in {html.escape(str(summary.rejects_file))}.</p>")
        )
    style = (
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a202c}"
        "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #cbd5e0;padding:.25rem .5rem;"
        "text-align:left}svg{display:block;margin:.5rem 0}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>spinetriage screening report</title>"
        f"<style>{style}</style></head><body><h1>Population screening: is the neck being missed?</h1>"
        "<p>Decision support for clinicians, not a diagnosis: each flagged patient needs a clinician to read the "
        "evidence (in the result file, with the note each finding came from).</p>"
        + "".join(sections)
        + "</body></html>\n"
    )


def write_report(result: Path, report: Path, summary: ScreenSummary | None = None) -> None:
    """Write the report of ``result`` to ``report`` (atomically)."""
    text = render_report(read_report_data(result), summary)
    tmp = report.with_name(report.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, report)
    except OSError as exc:
        raise InputError("--report", f"cannot write '{report.name}' ({exc.strerror})", "a writable path") from None
