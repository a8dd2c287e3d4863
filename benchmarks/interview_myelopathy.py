"""Does the interview find the neck? Patients with myelopathy, with and without the question
about clumsy hands and unsteady walking that is asked of everyone, side by side.

    python benchmarks/interview_myelopathy.py [--n 30] [--seed 11]

Patients are drawn from the causal network with degenerative cervical myelopathy present (the
other conditions at their primary-care prevalence), aged 66, keeping those with back pain. Each
is interviewed in clinician mode (limit 15 after screening) twice: as shipped, and with the
groups asked of everyone (``interview/data/screening.yaml``, ``everyone``) switched off. Printed:
how often the interview's verdict equals the full-information verdict, how many of the patients
whose full-information verdict is cervical or both it finds, and the mean number of questions.
The patients come from the model itself, so this measures the interview, not the model.
"""

from __future__ import annotations

import argparse
import random
from unittest import mock

from spinetriage.assessment import default_model
from spinetriage.engine.sampling import sample_conditions, sample_findings
from spinetriage.interview import engine, simulation
from spinetriage.interview.implications import default_rules
from spinetriage.vocab import Origin, Status

SETTING = "primary_care"


def myelopathy_patients(n: int, seed: int) -> list[simulation.KnownCase]:
    model = default_model()
    kb = model.knowledge
    askable = [f for f, x in kb.findings.items() if x.kind in engine.KINDS["clinician"] and model.parents.get(f)]
    myelopathy = model.conditions.index("degenerative_cervical_myelopathy")
    rng = random.Random(seed)
    rules = default_rules(kb)
    cases: list[simulation.KnownCase] = []
    while len(cases) < n:
        present = sample_conditions(model, SETTING, rng) | {myelopathy}
        drawn = sample_findings(model, present, askable, rng)
        if not drawn.get("low_back_pain"):
            continue
        findings = {f: Status.PRESENT if yes else Status.ABSENT for f, yes in drawn.items()}
        case_id = f"dcm{len(cases) + 1:03d}"
        cases.append(simulation.KnownCase(case_id, simulation.enforce_implications(findings, rules), age=66))
    return cases


def report(label: str, outcomes: list[simulation.Outcome]) -> None:
    neck = [o for o in outcomes if o.full_verdict in (Origin.CERVICAL, Origin.BOTH)]
    agree = sum(o.verdict == o.full_verdict for o in outcomes)
    found = sum(o.verdict == o.full_verdict for o in neck)
    questions = sum(o.questions for o in outcomes) / len(outcomes)
    print(
        f"{label:<34} verdict as with full information {agree}/{len(outcomes)}; "
        f"neck found {found}/{len(neck)}; mean questions {questions:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    cases = myelopathy_patients(args.n, args.seed)
    shipped = [simulation.run_case(c, mode="clinician", setting=SETTING, max_questions=15) for c in cases]
    with mock.patch.object(engine, "asked_of_everyone", lambda kb: []):
        without = [simulation.run_case(c, mode="clinician", setting=SETTING, max_questions=15) for c in cases]
    print(f"{len(cases)} patients with myelopathy and back pain drawn from the network (seed {args.seed}), age 66")
    report("with the hands-and-gait question", shipped)
    report("without it", without)


if __name__ == "__main__":
    main()
