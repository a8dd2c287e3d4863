"""Adaptive interview against a fixed textbook order, measured side by side in one run.

Prints:

1. the median (and 95th centile) time for ``next_step`` to choose a question after
   red-flag screening, with the full knowledge base, over the states met while
   interviewing the sampled cases (target: a few milliseconds at most);
2. over the dev vignettes and N cases sampled from the model (default 1,000, seed 0),
   the mean number of questions and how often the final verdict and urgency equal the
   full-information ones, for the adaptive order and for the textbook order, and the
   ratio textbook / adaptive (target: at least 2x, with the same verdict in >= 95%).

The textbook order is ``findings.yaml``'s history items then its examination signs,
in file order; both orders run the same red-flag screening first, consider the same
candidates (findings the model uses) and stop by the same rule, so only the order
differs. Both are run with the default limit (15 questions after screening) and with
no limit, because the textbook order usually reaches the limit. Both use the same
red-flag screening: ``--screening grouped`` (the default, one question per red-flag
clause) or ``--screening single`` (one question per finding).

A case answers "don't know" to what it does not record, and a grouped question "don't
know" unless it knows every member absent (or one present). Sampled cases never record
the red-flag findings the knowledge base has no likelihood for (bowel dysfunction, falls,
osteoporosis, ...), and the vignettes record only what they mention, so most groups are
answered "don't know" and then asked member by member. ``--red-flags-known`` is a
sensitivity analysis, not the headline: every red-flag screening finding a case does not
record is taken as absent (how a case note that does not mention a red flag is usually
read), for both orders and both screenings.

With ``--rules``, it also compares the selection and stopping rules that were
considered (docs/interview.md, "Why expected change in the decision"), on the same
cases with no limit, by swapping the engine's ranking and stopping functions.

    python benchmarks/interview.py [--n 1000] [--seed 0] [--mode clinician] [--screening grouped]
                                   [--red-flags-known] [--rules]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import spinetriage.interview.engine as engine
from spinetriage.assessment import default_model
from spinetriage.assessment.origin import total_variation
from spinetriage.engine.network import Network
from spinetriage.interview import KnownCase, next_step, sample_cases, simulate, summarize, vignette_cases
from spinetriage.interview.engine import DEFAULT_MAX_QUESTIONS, Mode, apply_answer, red_flag_screening
from spinetriage.interview.screening import Screening
from spinetriage.interview.selection import MIN_PROBABILITY, Option, State, score
from spinetriage.interview.simulation import Summary, case_answer
from spinetriage.vocab import Status

VIGNETTES = Path(__file__).resolve().parents[1] / "tests" / "data" / "dev-vignettes.yaml"
NO_LIMIT = 1000


def with_red_flags_known(cases: list[KnownCase]) -> list[KnownCase]:
    """The cases with every red-flag screening finding they do not record taken as absent."""
    absent = dict.fromkeys(red_flag_screening(default_model().knowledge), Status.ABSENT)
    return [replace(c, findings={**absent, **c.findings}) for c in cases]


def choice_latencies(cases: list[KnownCase], mode: Mode, screening: Screening) -> list[float]:
    """Seconds per ``next_step`` call that chose a question by score (not screening)."""
    samples = []
    for case in cases:
        answers: dict[str, str] = {}
        while True:
            start = time.perf_counter()
            step = next_step(answers, mode=mode, screening=screening)
            elapsed = time.perf_counter() - start
            if step.question is None:
                break
            if not step.question.red_flag_screening:
                samples.append(elapsed)
            answers = apply_answer(step, case_answer(case, step.question), answers)
    return samples


@dataclass(frozen=True)
class Scored:
    """An option with its largest movement of the origin (either answer), for the older rule."""

    option: Option
    reach: float

    def __getattr__(self, name: str) -> object:
        return getattr(self.option, name)


def _reach(model: Network, state: State, option: Option) -> float:
    from spinetriage.engine.reasoner import what_if

    yes, no, _ = what_if(state.reasoning, option.finding)
    return max(total_variation(state.origin, yes.origin), total_variation(state.origin, no.origin))


Rank = Callable[[Network, State, Iterable[str]], list[Option]]
Settled = Callable[[Iterable[Option]], bool]


def _ranker(key: Callable[[Scored], tuple[float, ...]]) -> Rank:
    def rank(model: Network, state: State, findings: Iterable[str]) -> list[Option]:
        scored = [Scored(o, _reach(model, state, o)) for o in (score(model, state, f) for f in findings)]
        scored.sort(key=lambda x: (*key(x), x.option.finding))
        return scored  # type: ignore[return-value]  # Scored stands in for Option

    return rank


def _gated(o: Scored) -> float:
    return o.flip if o.flip >= MIN_PROBABILITY else 0.0


RULES: list[tuple[str, Rank, Settled]] = [
    (
        "flip then shift; stop: no flip >= 2%",
        _ranker(lambda o: (-o.flip, -o.shift)),
        lambda os: all(o.flip < MIN_PROBABILITY for o in os),
    ),
    (
        "flip then shift; stop: ... and shift < 1pt",
        _ranker(lambda o: (-o.flip, -o.shift)),
        lambda os: all(o.flip < MIN_PROBABILITY and o.shift < 0.01 for o in os),
    ),
    (
        "max movement; stop: max movement < 2pt",
        _ranker(lambda o: (-o.reach,)),
        lambda os: all(o.reach < 0.02 for o in os),  # type: ignore[attr-defined]
    ),
    (
        "shipped: flip, move, shift; P(move) < 2%",
        engine.rank,
        engine.settled,
    ),
]


def compare_rules(groups: list[tuple[str, list[KnownCase]]], mode: Mode, screening: Screening) -> None:
    print()
    print("selection and stopping rules compared (no limit): asked after screening, verdict and urgency equal")
    original = engine.rank, engine.settled
    try:
        for name, rank, settled in RULES:
            engine.rank, engine.settled = rank, settled
            cells = []
            for label, cases in groups:
                s = summarize(simulate(cases, mode=mode, max_questions=NO_LIMIT, screening=screening))
                cells.append(f"{label}: +RF {s.mean_after_screening:5.2f}  equal {s.both_match:6.1%}")
            print(f"  {name:<44} " + "   ".join(cells))
    finally:
        engine.rank, engine.settled = original


def row(label: str, adaptive: Summary, textbook: Summary) -> str:
    ratio_all = textbook.mean_questions / adaptive.mean_questions if adaptive.mean_questions else float("nan")
    after = adaptive.mean_after_screening
    ratio_after = textbook.mean_after_screening / after if after else float("nan")
    return (
        f"{label:<22} {adaptive.cases:>5}  "
        f"{adaptive.mean_questions:6.1f} {adaptive.mean_after_screening:6.1f} {adaptive.verdict_match:7.1%} "
        f"{adaptive.both_match:7.1%}   "
        f"{textbook.mean_questions:6.1f} {textbook.mean_after_screening:6.1f} {textbook.verdict_match:7.1%} "
        f"{textbook.both_match:7.1%}   {ratio_all:5.2f}x {ratio_after:5.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mode", choices=["patient", "clinician"], default="clinician")
    parser.add_argument(
        "--screening", choices=["grouped", "single"], default="grouped", help="red-flag screening, in both orders"
    )
    parser.add_argument(
        "--red-flags-known", action="store_true", help="sensitivity: unrecorded red-flag findings taken as absent"
    )
    parser.add_argument("--rules", action="store_true", help="also compare the rules that were considered")
    args = parser.parse_args()
    mode: Mode = args.mode
    screening: Screening = args.screening

    vignettes = vignette_cases(VIGNETTES)
    sampled = sample_cases(args.n, seed=args.seed)
    if args.red_flags_known:
        vignettes, sampled = with_red_flags_known(vignettes), with_red_flags_known(sampled)
    next_step({}, mode=mode)  # load and compile once before timing
    latencies = choice_latencies(sampled[:200], mode, screening)
    ms = sorted(x * 1000 for x in latencies)
    print(
        f"interview benchmark: {args.mode} mode, {screening} red-flag screening"
        f"{' (unrecorded red-flag findings taken as absent)' if args.red_flags_known else ''}, "
        f"{args.n} sampled cases (seed {args.seed}), {len(vignettes)} vignettes"
    )
    print(
        f"time to choose the next question (full knowledge base, {len(ms)} choices): "
        f"median {statistics.median(ms):.2f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.2f} ms (target: a few ms)"
    )
    print()
    header = (
        f"{'cases':<22} {'n':>5}  {'adaptive: asked  +RF  verdict  v+urg':<36}   "
        f"{'textbook: asked  +RF  verdict  v+urg':<36}   ratio (all, +RF)"
    )
    print(header)
    for limit, name in ((DEFAULT_MAX_QUESTIONS, f"limit {DEFAULT_MAX_QUESTIONS}"), (NO_LIMIT, "no limit")):
        for label, cases in (("vignettes", vignettes), ("sampled", sampled)):
            results = {
                order: summarize(simulate(cases, mode=mode, max_questions=limit, order=order, screening=screening))
                for order in ("adaptive", "textbook")
            }
            print(row(f"{label}, {name}", results["adaptive"], results["textbook"]))
    print()
    print("asked: mean questions including red-flag screening; +RF: after screening; verdict: final verdict equals")
    print("the full-information verdict; v+urg: verdict and urgency both equal; ratio: textbook / adaptive questions.")
    print("Targets: ratio >= 2x with the verdict equal in >= 95% of cases.")
    if args.rules:
        compare_rules([("vignettes", vignettes), ("sampled", sampled)], mode, screening)


if __name__ == "__main__":
    main()
