"""Population screening: throughput of the local engine, AUC on a population with known
truth, resumption after kill -9, and (with --spark) Spark local-mode scaling.

    python benchmarks/screen.py [--patients 5000] [--seed 1] [--workers N] [--spark] [--spark-cores 1,2]

Prints:

* notes/s and patients/s of ``spinetriage screen`` (local engine, wall clock, including
  ingest, starting the workers and writing the result), and the ratio against the
  target the issue names: 1 million notes in 10 minutes (1,667 notes/s) on 2 cores;
* the AUC of ``p_cervical_origin`` for degenerative cervical myelopathy (the chance a
  patient with myelopathy is ranked above one without; ties count a half) on the
  generated population, whose truth is known;
* that a run killed with SIGKILL half-way and run again gives the same file as an
  uninterrupted run (--no-resume-check to skip);
* with --spark: the Spark engine in local mode on 1..N cores, the speed-up over 1 core
  and the efficiency (speed-up / cores), after one warm-up run.

The machine may be shared: the load average is printed with the figures, and the CPU
time of the run (this process and its workers), which is steadier than the wall clock
when other work is running.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from spinetriage.screening import screen
from spinetriage.screening.synthetic import write_population
from spinetriage.text.batch import available_cores

TARGET_NOTES_PER_SECOND = 1_000_000 / 600


def auc(scores: dict[str, float], truth: dict[str, bool]) -> tuple[float, int, int]:
    """Mann-Whitney AUC; patients with no output row (no notes) score 0."""
    positives = [scores.get(p, 0.0) for p, t in truth.items() if t]
    negatives = sorted(scores.get(p, 0.0) for p, t in truth.items() if not t)
    if not positives or not negatives:
        return float("nan"), len(positives), len(negatives)
    total = 0.0
    for s in positives:
        below = bisect.bisect_left(negatives, s)
        ties = bisect.bisect_right(negatives, s) - below
        total += below + 0.5 * ties
    return total / (len(positives) * len(negatives)), len(positives), len(negatives)


def _cpu_seconds() -> float:
    """User + system CPU time of this process and of its finished children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def read_scores(path: Path) -> dict[str, float]:
    table = pq.read_table(path, columns=["patient_id", "p_cervical_origin"]).to_pydict()
    return dict(zip(table["patient_id"], table["p_cervical_origin"], strict=True))


_KILL_HALF_WAY = """
import os, signal, sys
from pathlib import Path
from spinetriage.screening import screen
half = int(sys.argv[4])
def on_part(index):
    if len(list(Path(sys.argv[2] + ".work/parts").glob("part-*.parquet"))) >= half:
        os.kill(os.getpid(), signal.SIGKILL)
screen([Path(sys.argv[1])], Path(sys.argv[2]), workers=int(sys.argv[3]), on_part=on_part)
"""


def resume_check(notes: Path, reference: Path, root: Path, workers: int, parts: int) -> str:
    out = root / "killed.parquet"
    killed = subprocess.run(
        [sys.executable, "-c", _KILL_HALF_WAY, str(notes), str(out), str(workers), str(max(1, parts // 2))],
        capture_output=True,
        check=False,
    )
    if killed.returncode != -signal.SIGKILL:
        return f"not checked (the run ended with {killed.returncode} before it could be killed)"
    summary = screen([notes], out, workers=workers)
    same = pq.read_table(out).equals(pq.read_table(reference))
    verdict = "identical to" if same else "DIFFERENT from"
    return (
        f"killed after {summary.parts_resumed} of {summary.parts} parts; resumed output {verdict} an uninterrupted run"
    )


def spark_scaling(notes: Path, root: Path, cores: list[int]) -> None:
    from pyspark.sql import SparkSession

    times: dict[int, float] = {}
    for k in [cores[0], *cores]:  # the first run warms the JVM and the Python workers up
        active = SparkSession.getActiveSession()
        if active is not None:
            active.stop()  # a new session on k cores
        started = time.perf_counter()
        screen([notes], root / f"spark-{k}.parquet", engine="spark", workers=k, restart=True)
        times[k] = time.perf_counter() - started
    base = times[cores[0]] * cores[0]
    print("\nSpark local mode (same population, result equal to the local engine's:", end=" ")
    print(pq.read_table(root / f"spark-{cores[-1]}.parquet").equals(pq.read_table(root / "local.parquet")), end=")\n")
    for k in cores:
        speedup = base / times[k]
        print(f"  {k} core(s): {times[k]:7.1f} s   speed-up {speedup:4.2f}   efficiency {speedup / k:4.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--myelopathy-share", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=available_cores())
    parser.add_argument("--no-resume-check", action="store_true")
    parser.add_argument("--spark", action="store_true", help="also measure Spark local-mode scaling")
    parser.add_argument("--spark-cores", default=None, help="comma-separated core counts (default 1..workers)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="spinetriage-screen-bench-") as tmp:
        root = Path(tmp)
        notes, truth_file = root / "notes.jsonl", root / "truth.jsonl"
        started = time.perf_counter()
        n_patients, n_notes = write_population(
            args.patients, notes, truth_file, seed=args.seed, myelopathy_share=args.myelopathy_share
        )
        print(f"generated {n_patients} patients, {n_notes} notes in {time.perf_counter() - started:.1f} s")
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {args.workers} worker(s)")

        cpu_before = _cpu_seconds()
        summary = screen([notes], root / "local.parquet", workers=args.workers)
        cpu = _cpu_seconds() - cpu_before
        rate = summary.notes_per_second
        print(f"\nlocal engine: {summary.patients} patients, {summary.notes} notes in {summary.seconds:.1f} s")
        print(f"  {rate:,.0f} notes/s, {summary.patients_per_second:,.0f} patients/s (wall clock)")
        print(
            f"  {summary.notes / cpu:,.0f} notes per CPU-second ({cpu:.1f} CPU-s, this process and its workers): "
            f"{2 * summary.notes / cpu:,.0f} notes/s on 2 unshared cores, "
            f"ratio to the target {2 * summary.notes / cpu / TARGET_NOTES_PER_SECOND:.2f}"
        )
        print(
            f"  1 million notes would take {1_000_000 / rate / 60:.1f} min; "
            f"ratio to the target (1,667 notes/s): {rate / TARGET_NOTES_PER_SECOND:.2f}"
        )

        truth = {}
        with truth_file.open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                truth[record["patient_id"]] = bool(record["myelopathy"])
        value, pos, neg = auc(read_scores(root / "local.parquet"), truth)
        print(f"\nAUC of p_cervical_origin for myelopathy: {value:.3f} ({pos} with myelopathy, {neg} without)")

        if not args.no_resume_check:
            print(
                "\nresume after kill -9: "
                + resume_check(notes, root / "local.parquet", root, args.workers, summary.parts)
            )

        if args.spark:
            cores = (
                [int(c) for c in args.spark_cores.split(",")] if args.spark_cores else list(range(1, args.workers + 1))
            )
            spark_scaling(notes, root, cores)


if __name__ == "__main__":
    main()
