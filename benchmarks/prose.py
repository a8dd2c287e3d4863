"""Free text to verdict (issue 16, item 5): a case written as prose against the same case entered as findings.

    python benchmarks/prose.py            # agreement, and every disagreement with what the text read differently
    python benchmarks/prose.py --quiet    # agreement only

Development cases only: the dev vignettes and the development part of the published cases
(tests/data). Each case is assessed twice in its own setting: from its ``presentation`` text
alone, and from its structured findings alone: the history-and-examination ``findings``,
plus the case's ``imaging_findings`` when the presentation itself names imaging (MRI, CT,
X-ray, a scan), so that both sides say the same things. Printed: the agreement that way, and
also against the history-and-examination findings alone for every case. Printed: how often the two
give the same origin verdict, and for each disagreement the findings that differ (the
structured status against what the text gave). The frozen test part is never read here.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import yaml

from spinetriage.assessment import assess

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def development_cases() -> list[dict[str, Any]]:
    vignettes = yaml.safe_load((DATA / "dev-vignettes.yaml").read_text(encoding="utf-8"))
    published = yaml.safe_load((DATA / "published-cases.yaml").read_text(encoding="utf-8"))
    return [*vignettes, *(c for c in published if c["split"] == "dev")]


NAMES_IMAGING = re.compile(r"\b(?:MRI|CT|X-rays?|radiographs?|imaging|scans?|myelogra\w*)\b", re.IGNORECASE)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="print the agreement only")
    args = parser.parse_args(argv)
    cases = development_cases()
    same = history_only = 0
    for item in cases:
        from_findings, from_text, differ = compare(item)
        same += from_findings == from_text
        history_only += compare(item, imaging=False)[0] == from_text
        if from_findings != from_text and not args.quiet:
            print(f"{item['id']}: findings {from_findings}, text {from_text}")
            for finding, (wanted, read) in differ.items():
                print(f"    {finding}: findings {wanted}, text {read}")
    print(f"same verdict from prose and from findings: {same}/{len(cases)} ({same / len(cases):.0%})")
    print(f"  (against history and examination alone: {history_only}/{len(cases)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
