"""Engine speed against pgmpy exact inference on the same network, measured side by side.

Prints the median latency of one full assessment (posteriors, origin, contributions,
what explains each finding, and the ranked next questions), of the network's posterior
step alone, and of pgmpy's VariableElimination on the identical network (built as in
tests/engine/test_pgmpy_crosscheck.py), with the ratio and the largest difference.

    python benchmarks/engine.py [--cases 100]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.engine.test_pgmpy_crosscheck import _pgmpy_posteriors

from spinetriage import assess
from spinetriage.assessment import default_model
from spinetriage.engine.reasoner import Patient, complaint_of, reason
from spinetriage.vocab import Sex, Status


def random_patients(n: int, seed: int = 7) -> list[Patient]:
    network = default_model()
    linked = sorted(f for f in network.findings if network.parents.get(f))
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        chosen = rnd.sample(linked, rnd.randint(3, 12))
        findings = {f: rnd.choice([Status.PRESENT, Status.ABSENT]) for f in chosen}
        out.append(Patient(findings, "primary_care", rnd.randint(18, 95), rnd.choice(list(Sex))))
    return out


def median_seconds(fn: Callable[[Patient], object], items: list[Patient]) -> float:
    samples = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100)
    args = parser.parse_args()
    network = default_model()
    patients = random_patients(args.cases)

    def as_case(p: Patient) -> dict[str, object]:
        return {
            "age": p.age,
            "sex": p.sex.value if p.sex else None,
            "findings": {f: s.value for f, s in p.evidence.items()},
        }

    def pgmpy(p: Patient) -> dict[str, float]:
        known = {f: s is Status.PRESENT for f, s in p.evidence.items()}
        complaint = complaint_of(network, p.evidence)
        if complaint is not None:
            known[complaint] = True  # back pain not stated is taken as present only when it is the complaint
        return _pgmpy_posteriors(network, known, reason(network, p).log_odds)

    for p in patients[:10]:
        assess(as_case(p))  # warm up
    full = median_seconds(lambda p: assess(as_case(p)), patients)
    brief = median_seconds(lambda p: assess(as_case(p), explain=False), patients)
    posterior = median_seconds(lambda p: reason(network, p), patients)
    subset = patients[: min(30, len(patients))]
    reference = median_seconds(pgmpy, subset)
    worst = max(abs(pgmpy(p)[c] - reason(network, p).probabilities[c]) for p in subset[:10] for c in network.conditions)
    print(f"full assessment, median:         {full * 1000:8.2f} ms")
    print(f"assessment without explanations: {brief * 1000:8.2f} ms (what screening runs)")
    print(f"network posterior + origin:      {posterior * 1000:8.2f} ms")
    print(f"pgmpy VariableElimination:       {reference * 1000:8.2f} ms (posteriors only, same network)")
    print(f"ratio pgmpy / network posterior: {reference / posterior:8.1f}x")
    print(f"ratio pgmpy / full assessment:   {reference / full:8.1f}x")
    print(f"ratio pgmpy / screening assessment: {reference / brief:5.1f}x")
    print(f"largest difference from pgmpy:   {worst:.2e}")


if __name__ == "__main__":
    main()
