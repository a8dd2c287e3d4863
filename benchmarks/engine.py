"""Engine speed against pgmpy exact inference on the same model, measured side by side.

Prints: median latency of one full assessment in-process, batch throughput on one
core, the posterior step alone, and pgmpy's VariableElimination on the identical
network (built by tests/engine/test_pgmpy_crosscheck.py) as a ratio.

    python benchmarks/engine.py [--cases 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.engine.test_pgmpy_crosscheck import reference_posteriors

from spinetriage import assess
from spinetriage.assessment.assess import default_model
from spinetriage.case import Case
from spinetriage.engine.posterior import Patient, infer
from spinetriage.vocab import Sex, Status


def random_cases(n: int, seed: int = 7) -> list[Case]:
    model = default_model()
    linked = sorted(model.conditions_of_finding)
    rnd = random.Random(seed)
    cases = []
    for _ in range(n):
        chosen = rnd.sample(linked, rnd.randint(3, 15))
        findings = {f: rnd.choice([Status.PRESENT, Status.ABSENT]) for f in chosen}
        cases.append(Case(age=rnd.randint(18, 95), sex=rnd.choice(list(Sex)), findings=findings))
    return cases


def median_seconds(fn: object, items: list[Case], repeat: int = 1) -> float:
    samples = []
    for item in items:
        start = time.perf_counter()
        for _ in range(repeat):
            fn(item)  # type: ignore[operator]
        samples.append((time.perf_counter() - start) / repeat)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    model = default_model()
    kb = model.knowledge
    cases = random_cases(args.cases)
    for case in cases[:20]:
        assess(case)  # warm up

    def patient(case: Case) -> Patient:
        return Patient(case.known_findings(), "primary_care", case.age, case.sex)

    full = median_seconds(assess, cases, repeat=5)
    posterior = median_seconds(lambda c: infer(model, patient(c)), cases, repeat=5)
    start = time.perf_counter()
    for case in cases * 5:
        assess(case)
    throughput = len(cases) * 5 / (time.perf_counter() - start)
    subset = cases[: min(60, len(cases))]
    pgmpy = median_seconds(lambda c: reference_posteriors(kb, patient(c)), subset)
    graded = _graded_cases(len(cases))
    with_instruments = median_seconds(assess, graded, repeat=5)
    worst = max(
        abs(reference_posteriors(kb, patient(c))[r.condition] - r.probability)
        for c in subset[:20]
        for r in infer(model, patient(c))
    )

    print(f"cases: {len(cases)} random (3-15 known findings each), knowledge {kb.version}")
    print(
        f"full assessment (posteriors + verdict + red flags + work-up + ranked questions): median {full * 1e3:.3f} ms"
    )
    print(f"posteriors with explanations only:                               median {posterior * 1e3:.3f} ms")
    print(f"batch throughput, one core: {throughput:,.0f} assessments/s")
    print(f"pgmpy VariableElimination, same network and evidence:            median {pgmpy * 1e3:.3f} ms")
    print(f"ratio pgmpy / spinetriage posteriors: {pgmpy / posterior:,.0f}x")
    print(f"ratio pgmpy / spinetriage full assessment: {pgmpy / full:,.0f}x")
    print(f"largest posterior difference vs pgmpy on 20 cases: {worst:.2e}")
    print(
        f"with instruments (complete Cook 2010 cluster, mJOA and previous mJOA): median {with_instruments * 1e3:.3f} ms"
    )


def _graded_cases(n: int, seed: int = 11) -> list[Case]:
    """Random complete Cook 2010 clusters with a current and a previous mJOA (issue 3 paths)."""
    rnd = random.Random(seed)
    items = ["broad_based_gait", "gait_disturbance", "hoffmann_sign", "inverted_supinator", "babinski_sign"]
    cases = []
    for _ in range(n):
        findings = {f: rnd.choice([Status.PRESENT, Status.ABSENT]) for f in items}
        mjoa = {"upper_limb_motor": rnd.randint(2, 5), "lower_limb_motor": rnd.randint(3, 7)}
        mjoa |= {"upper_limb_sensation": rnd.randint(1, 3), "micturition": rnd.randint(2, 3)}
        instruments = {"mjoa": mjoa, "mjoa_previous": {"total": rnd.randint(10, 18)}}
        cases.append(Case(age=rnd.randint(40, 90), findings=findings, instruments=instruments))
    return cases


if __name__ == "__main__":
    main()
