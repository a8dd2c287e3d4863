"""Start-up time of the command line against a plain ``python -c pass``. Not run in CI.

    python benchmarks/startup.py [--repeats 7]

Each command runs in a fresh process, ``--repeats`` times; the best wall-clock time and the
best CPU time (user + system of the child) are printed with their ratio to ``python -c pass``
in the same run. The machine is shared, so the load average is printed too; the CPU-time
ratio is the steadier of the two when other work is running.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

CLI = [sys.executable, "-c", "from spinetriage.cli import main; main()"]
COMMANDS: list[tuple[str, list[str]]] = [
    ("python -c pass (reference)", [sys.executable, "-c", "pass"]),
    ("import spinetriage", [sys.executable, "-c", "import spinetriage"]),
    ("import spinetriage.cli", [sys.executable, "-c", "import spinetriage.cli"]),
    ("spinetriage --help", [*CLI, "--help"]),
    (
        "spinetriage assess --help",
        [*CLI, "assess", "--help"],
    ),
    ("spinetriage serve --help", [*CLI, "serve", "--help"]),
]


def measure(argv: list[str], repeats: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``argv`` over ``repeats`` fresh processes."""
    walls, cpus = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "80"})
        walls.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = [(name, *measure(argv, args.repeats)) for name, argv in COMMANDS]
    _, reference_wall, reference_cpu = results[0]
    print(f"{'command':32} {'wall s':>8} {'x pass':>7} {'cpu s':>8} {'x pass':>7}")
    for name, wall, cpu in results:
        print(f"{name:32} {wall:8.3f} {wall / reference_wall:7.1f} {cpu:8.3f} {cpu / reference_cpu:7.1f}")


if __name__ == "__main__":
    main()
