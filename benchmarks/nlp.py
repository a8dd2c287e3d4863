"""spinetriage.text vs medspaCy on the same corpus, in one run. Not run in CI.

    python benchmarks/nlp.py [--notes 1000]

medspaCy 1.3.1 needs spaCy 3.7 and numpy<2, so it runs in its own virtual
environment (benchmarks/.venv-medspacy, created on first run with pip) through a
subprocess. medspaCy is configured with the same target phrases (targets.yaml), its
default ConText rules, and spaCy's `sentencizer` in place of PyRuSH (its fastest
faithful configuration). Prints F1 on the gold sentences, notes/s on one core, and ratios.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import venv
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "text"))
from scoring import load_jsonl, score_sentences  # noqa: E402

from spinetriage.text import extract  # noqa: E402

VENV = ROOT / "benchmarks" / ".venv-medspacy"

WORKER = r"""
import json, sys, time
import medspacy
from medspacy.ner import TargetRule
payload = json.load(sys.stdin)
nlp = medspacy.load(medspacy_enable=["medspacy_target_matcher", "medspacy_context"])
nlp.add_pipe("sentencizer", first=True)
nlp.get_pipe("medspacy_target_matcher").add([TargetRule(p, c) for p, c in payload["rules"]])
def status(e):
    if e._.is_family: return "family"
    if e._.is_hypothetical: return "hypothetical"
    if e._.is_negated: return "absent"
    if e._.is_uncertain: return "possible"
    if e._.is_historical: return "historical"
    return "present"
preds = [[{"finding": e.label_, "status": status(e), "side": None, "levels": []} for e in nlp(t).ents]
         for t in payload["sentences"]]
t0 = time.perf_counter()
for d in nlp.pipe(payload["notes"]):
    pass
dt = time.perf_counter() - t0
print(json.dumps({"preds": preds, "notes_per_s": len(payload["notes"]) / dt}))
"""


def ensure_venv() -> Path:
    py = VENV / "bin" / "python"
    if not py.exists():
        venv.create(VENV, with_pip=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "medspacy==1.3.1", "numpy<2"], check=True)
    return py


def target_rules() -> list[tuple[str, str]]:
    data = yaml.safe_load((ROOT / "src/spinetriage/text/data/targets.yaml").read_text(encoding="utf-8"))
    rules = []
    for t in data["targets"]:
        ids = t["findings"] or [v[0] for v in (t.get("by_region") or {}).values() if v][:1]
        if ids and t.get("polarity", "affirmed") == "affirmed":
            rules += [(p, ids[0]) for p in t.get("phrases", [])]
    return rules


def corpus(n: int) -> list[str]:
    notes = [r["text"] for r in load_jsonl("notes.jsonl")]
    sents = [r["text"] for r in load_jsonl("sentences.jsonl")]
    out, i = [], 0
    while len(out) < n:  # ~200-word notes: a gold note padded with gold sentences
        words, parts = 0, [notes[i % len(notes)]]
        words = len(parts[0].split())
        j = i
        while words < 200:
            s = sents[j % len(sents)]
            parts.append(s)
            words += len(s.split())
            j += 7
        out.append("\n".join(parts))
        i += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=1000)
    args = ap.parse_args()
    items = load_jsonl("sentences.jsonl")
    notes = corpus(args.notes)
    words = sum(len(n.split()) for n in notes) / len(notes)

    ours = score_sentences(items, lambda t: [m.to_dict() for m in extract(t).mentions])
    extract("warm up")
    t0 = time.perf_counter()
    for n in notes:
        extract(n)
    ours_rate = len(notes) / (time.perf_counter() - t0)

    py = ensure_venv()
    payload = json.dumps({"rules": target_rules(), "sentences": [r["text"] for r in items], "notes": notes})
    proc = subprocess.run([str(py), "-c", WORKER], input=payload, capture_output=True, text=True, check=True)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    preds = iter(res["preds"])
    theirs = score_sentences(items, lambda _t: next(preds))

    print(f"corpus: {len(notes)} notes, {words:.0f} words each on average; gold: {len(items)} sentences")
    print(f"{'':14}{'F1 (finding+status)':>22}{'notes/s':>12}")
    print(f"{'spinetriage':14}{ours['overall'].f1:>22.3f}{ours_rate:>12.0f}")
    print(f"{'medspaCy':14}{theirs['overall'].f1:>22.3f}{res['notes_per_s']:>12.0f}")
    print(
        f"ratios: F1 {ours['overall'].f1 / max(theirs['overall'].f1, 1e-9):.2f}x, "
        f"throughput {ours_rate / res['notes_per_s']:.1f}x"
    )
    for key in sorted(k for k in ours if k.startswith("status:")):
        print(f"  {key:22} spinetriage F1 {ours[key].f1:.3f}   medspaCy F1 {theirs.get(key, ours[key]).f1:.3f}")


if __name__ == "__main__":
    main()
