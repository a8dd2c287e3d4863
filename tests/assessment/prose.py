"""A development case assessed from its prose and from its structured findings (issue 16, item 5).

Shared by ``test_prose_verdict.py`` and ``benchmarks/prose.py``. Development cases only: the dev
vignettes and the development part of every published-case set whose parts have both been scored
(a set is added here after its first scoring, as its development part then becomes one); the frozen
test parts are never read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from spinetriage.assessment import assess

DATA = Path(__file__).resolve().parents[1] / "data"
NAMES_IMAGING = re.compile(r"\b(?:MRI|CT|X-rays?|radiographs?|imaging|scans?|myelogra\w*)\b", re.IGNORECASE)
"""A presentation that names imaging is compared with the case's imaging findings too."""


PUBLISHED = (
    "published-cases.yaml",
    "published-cases-2.yaml",
    "published-cases-3.yaml",
    "published-cases-4.yaml",
    "published-cases-5.yaml",
    "published-cases-6.yaml",
    "published-cases-7.yaml",
    "published-cases-8.yaml",
    "published-cases-9.yaml",
    "published-cases-10.yaml",
    "published-cases-11.yaml",
    "published-cases-12.yaml",
    "published-cases-13.yaml",
    "published-cases-14.yaml",
    "published-cases-15.yaml",
    "published-cases-16.yaml",
    "published-cases-17.yaml",
    "published-cases-18.yaml",
    "published-cases-19.yaml",
    "published-cases-20.yaml",
    "published-cases-21.yaml",
)


def development_cases() -> list[dict[str, Any]]:
    cases = list(yaml.safe_load((DATA / "dev-vignettes.yaml").read_text(encoding="utf-8")))
    for name in PUBLISHED:
        published = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        cases += [c for c in published if c["split"] == "dev"]
    return cases


def compare(item: dict[str, Any], imaging: bool = True) -> tuple[str, str, dict[str, tuple[str, str]]]:
    """The verdict from the findings, the verdict from the text, and the findings that differ."""
    setting = item.get("setting") or "primary_care"
    demographics = {"age": item.get("age"), "sex": item.get("sex")}
    findings = dict(item.get("findings") or {})
    if imaging and NAMES_IMAGING.search(item["presentation"]):
        findings.update(item.get("imaging_findings") or {})
    structured = assess({**demographics, "findings": findings}, setting=setting, explain=False)
    prose = assess({**demographics, "text": item["presentation"]}, setting=setting, explain=False)
    wanted = {f: str(s) for f, s in findings.items()}
    read = {f: str(s) for f, s in prose.findings_used.items()}
    differ = {f: (wanted.get(f, "-"), read.get(f, "-")) for f in sorted(set(wanted) | set(read))}
    differ = {f: pair for f, pair in differ.items() if pair[0] != pair[1]}
    return structured.origin.verdict.value, prose.origin.verdict.value, differ
