"""spinetriage.text vs medspaCy on the same corpus, in one run. Not run in CI.

    python benchmarks/nlp.py [--notes 1000] [--repeats 3] [--batch-notes 4000] [--scaling]

medspaCy 1.3.1 needs spaCy 3.7 and numpy<2, so it runs in its own virtual
environment (benchmarks/.venv-medspacy, created on first run with pip) through a
subprocess. medspaCy is configured with the same target phrases (targets.yaml, lexicon.yaml and the
HPO synonyms), its
default ConText rules, and spaCy's `sentencizer` in place of PyRuSH (its fastest
faithful configuration).

Prints, for the side-by-side comparison (one process each, best of --repeats):
F1 on the gold sentences, notes/s by the wall clock and by CPU time, and the ratios.
The machine is shared, so the load average is printed too; the CPU-time ratio is the
steadier of the two when other work is running.

Then, as a separate figure that is NOT part of the side-by-side ratio: our batch
throughput with 2 worker processes (spinetriage.text.batch.run_batch, JSONL in and out,
wall clock, including starting the workers). With --scaling: time on hostile input at growing sizes (the
ratio between sizes should stay near 2 if time is linear).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "text"))
from scoring import load_jsonl, score_sentences  # noqa: E402

from spinetriage.text import extract  # noqa: E402
from spinetriage.text._rules import load_rules  # noqa: E402
from spinetriage.text.batch import run_batch  # noqa: E402

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
walls, cpus = [], []
for _ in range(payload["repeats"]):
    t0, c0 = time.perf_counter(), time.process_time()
    for d in nlp.pipe(payload["notes"]):
        pass
    walls.append(time.perf_counter() - t0)
    cpus.append(time.process_time() - c0)
n = len(payload["notes"])
print(json.dumps({"preds": preds, "notes_per_s": n / min(walls), "notes_per_cpu_s": n / min(cpus)}))
"""


def ensure_venv() -> Path:
    py = VENV / "bin" / "python"
    if not py.exists():
        venv.create(VENV, with_pip=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "medspacy==1.3.1", "numpy<2"], check=True)
    return py


def target_rules() -> list[tuple[str, str]]:
    """Our target phrases for medspaCy's TargetMatcher: targets.yaml, lexicon.yaml and the HPO synonyms
    (as loaded by spinetriage; regex patterns, negated phrases and blockers have no medspaCy equivalent)."""
    rules = []
    for t in load_rules().targets:
        ids = t.findings or [v[0] for v in (t.by_region or {}).values() if v][:1]
        if ids and t.polarity == "affirmed":
            rules += [(p, ids[0]) for p in t.phrases]
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


def best_rate(notes: list[str], repeats: int) -> tuple[float, float]:
    """Notes per second by the wall clock and by CPU time, best of ``repeats`` passes."""
    walls, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        for n in notes:
            extract(n)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return len(notes) / min(walls), len(notes) / min(cpus)


def batch_rate(notes: list[str], workers: int) -> float:
    """End to end as the CLI runs it: a JSONL of notes in, a JSONL of records out."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "notes.jsonl", Path(tmp) / "records.jsonl"
        src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(notes)), encoding="utf-8")
        summary = run_batch(src, out, "jsonl", workers=workers)
    return summary.notes_per_second


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


SCALING: dict[str, Callable[[int], str]] = {
    "dense run-on sentences": _repeat("no clonus, hoffmann or babinski " * 120 + ". "),
    "negation then many findings": _repeat("no clonus hoffmann babinski fever "),
    "long list": _repeat("fever, chills, "),
    "nested brackets": lambda n: "(" * (n // 2 - 3) + "clonus" + ")" * (n // 2 - 3),
    "levels": _repeat("C5-6 and C6-7 stenosis, T2 signal; "),
    "levels in other sentences": _repeat("C5-6 x. canal stenosis. "),
    "symbols": _repeat("+ (+) [x] : = 3+ biceps "),
    "control characters": _repeat("\x00\x01\x1b[31m hoffmann \x7f"),
    "one 2M-char word": lambda n: "a" * n,
}


def scaling() -> None:
    sizes = (250_000, 500_000, 1_000_000, 2_000_000)
    print(f"\nscaling (CPU seconds at {', '.join(f'{s // 1000}k' for s in sizes)} characters; x2 size -> ~x2 time):")
    for name, make in SCALING.items():
        times = []
        for size in sizes:
            text = make(size)
            c0 = time.process_time()
            extract(text)
            times.append(time.process_time() - c0)
        ratio = times[-1] / max(times[-2], 1e-9)
        print(f"  {name:30}" + "".join(f"{t:8.2f}" for t in times) + f"   last ratio {ratio:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch-notes", type=int, default=4000)
    ap.add_argument("--scaling", action="store_true")
    args = ap.parse_args()
    items = load_jsonl("sentences.jsonl")
    notes = corpus(args.notes)
    words = sum(len(n.split()) for n in notes) / len(notes)
    load = os.getloadavg()[0]

    ours = score_sentences(items, lambda t: [m.to_dict() for m in extract(t).mentions])
    extract("warm up")
    ours_wall, ours_cpu = best_rate(notes, args.repeats)

    py = ensure_venv()
    payload = json.dumps(
        {"rules": target_rules(), "sentences": [r["text"] for r in items], "notes": notes, "repeats": args.repeats}
    )
    proc = subprocess.run([str(py), "-c", WORKER], input=payload, capture_output=True, text=True, check=True)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    preds = iter(res["preds"])
    theirs = score_sentences(items, lambda _t: next(preds))

    print(f"corpus: {len(notes)} notes, {words:.0f} words each on average; gold: {len(items)} sentences")
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f} at start; best of {args.repeats} passes")
    print(f"{'single process':16}{'F1 (finding+status)':>22}{'notes/s':>10}{'notes/CPU-s':>13}")
    print(f"{'spinetriage':16}{ours['overall'].f1:>22.3f}{ours_wall:>10.0f}{ours_cpu:>13.0f}")
    print(f"{'medspaCy':16}{theirs['overall'].f1:>22.3f}{res['notes_per_s']:>10.0f}{res['notes_per_cpu_s']:>13.0f}")
    print(
        f"ratios: F1 {ours['overall'].f1 / max(theirs['overall'].f1, 1e-9):.2f}x, "
        f"throughput {ours_wall / res['notes_per_s']:.1f}x (wall clock), "
        f"{ours_cpu / res['notes_per_cpu_s']:.1f}x (CPU time)"
    )
    for key in sorted(k for k in ours if k.startswith("status:")):
        print(f"  {key:22} spinetriage F1 {ours[key].f1:.3f}   medspaCy F1 {theirs.get(key, ours[key]).f1:.3f}")

    batch_notes = corpus(args.batch_notes)
    rate = batch_rate(batch_notes, workers=2)
    print(
        f"\nseparate figure, not part of the ratio above: spinetriage batch, 2 worker processes, "
        f"{len(batch_notes)} notes, JSONL in and out: {rate:.0f} notes/s (wall clock, including starting the workers)"
    )
    if args.scaling:
        scaling()


if __name__ == "__main__":
    main()
