"""Score the dev vignettes: share whose origin verdict matches the published diagnosis.

Usage: python scripts/vignettes.py [--setting primary_care|spine_clinic] [PATH]
Runs each vignette from its structured findings (history, examination, imaging).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from spinetriage import assess

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "dev-vignettes.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--setting", default=None, help="run every vignette in this setting (default: both)")
    args = parser.parse_args()
    vignettes = yaml.safe_load(args.path.read_text(encoding="utf-8"))
    for setting in [args.setting] if args.setting else ["primary_care", "spine_clinic"]:
        hits = flags_ok = clustered = 0
        print(f"\n== setting: {setting}")
        for v in vignettes:
            findings = {**v["findings"], **(v.get("imaging_findings") or {})}
            result = assess({"age": v["age"], "sex": v["sex"], "findings": findings}, setting=setting)
            got = result.origin.verdict.value
            hit = got == v["expected_origin"]
            flag_hit = sorted({f.condition for f in result.red_flags}) == sorted(v["expected_red_flags"])
            hits += hit
            flags_ok += flag_hit
            clustered += any(c.status == "applied" for c in result.clusters)
            probs = " ".join(f"{k[:4]}={p:.2f}" for k, p in result.origin.probabilities.items())
            print(f"{v['id']}  expected {v['expected_origin']:9} got {got:12} {'ok ' if hit else 'MISS'}  {probs}")
        n = len(vignettes)
        print(f"origin verdict matches: {hits}/{n} ({hits / n:.0%}); red flags match: {flags_ok}/{n}")
        print(f"a validated cluster (Cook 2010/2011) applied in {clustered}/{n} (needs every item known)")


if __name__ == "__main__":
    main()
