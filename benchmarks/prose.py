"""Free text to verdict (issue 16, item 5): a case written as prose against the same case entered as findings.

    python benchmarks/prose.py            # agreement, and every disagreement with what the text read differently
    python benchmarks/prose.py --quiet    # agreement only

Development cases only: the dev vignettes and the development parts of the published sets
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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.assessment.prose import compare, development_cases


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
