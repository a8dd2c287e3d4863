"""The Spark engine gives, row by row, what the local engine gives; and it resumes.

Spark runs in a child process (local mode, one SparkSession for every Spark run of this
module) so that its JVM and threads never share a process with the tests that fork
worker processes. Java is required: CI installs it (.ci/run); elsewhere these tests are
skipped when there is no ``java``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from spinetriage.screening import rejects_path, screen
from spinetriage.screening.synthetic import generate

pytestmark = pytest.mark.spark

if shutil.which("java") is None and not os.environ.get("CI"):
    pytest.skip("no Java runtime (CI installs default-jre-headless)", allow_module_level=True)

_RUNS = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from spinetriage.screening import screen

    inputs = [Path(p) for p in sys.argv[2:]]
    out = Path(sys.argv[1])
    full = screen(inputs, out / "spark.parquet", engine="spark", workers=2, part_size=3)

    def interrupt(index):
        raise KeyboardInterrupt

    try:
        screen(inputs, out / "resumed.parquet", engine="spark", workers=2, part_size=3, on_part=interrupt)
    except KeyboardInterrupt:
        pass
    resumed = screen(inputs, out / "resumed.parquet", engine="spark", workers=2, part_size=3)
    print(json.dumps({"full_patients": full.patients, "resumed_parts": resumed.parts_resumed}))
    """
)


def table(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], dict[str, Any]]:
    """Generated notes, structured findings, malformed rows; screened by Spark in one child process."""
    root = tmp_path_factory.mktemp("spark")
    notes = root / "notes.jsonl"
    lines = [json.dumps(n) for p in generate(10, seed=11, myelopathy_share=0.3) for n in p.notes]
    lines.insert(3, "{not json")
    lines.append(json.dumps({"patient_id": "P0011-00000002", "date": "2026-13-40", "text": "x"}))
    notes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    findings = root / "findings.csv"
    findings.write_text(
        "patient_id,date,finding,status\n"
        "P0011-00000001,2027-01-01,hoffmann_sign,present\n"
        "P0011-00000001,2027-01-01,hofman,present\n"
        "Z-structured-only,2027-01-01,clonus,absent\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    done = subprocess.run(
        [sys.executable, "-c", _RUNS, str(root), str(notes), str(findings)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return root, [notes, findings], json.loads(done.stdout.strip().splitlines()[-1])


def test_spark_rows_equal_local_rows(population: tuple[Path, list[Path], dict[str, Any]]) -> None:
    root, inputs, _ = population
    screen(inputs, root / "local.parquet", engine="local", workers=2, part_size=3)
    local, spark = table(root / "local.parquet"), table(root / "spark.parquet")
    assert len(local) == 11
    assert [r["patient_id"] for r in spark] == [r["patient_id"] for r in local]
    for mine, theirs in zip(local, spark, strict=True):
        assert mine == theirs
    assert rejects_path(root / "local.parquet").read_text() == rejects_path(root / "spark.parquet").read_text()


def test_spark_reports_the_malformed_rows(population: tuple[Path, list[Path], dict[str, Any]]) -> None:
    root, _, _ = population
    listed = [json.loads(line) for line in rejects_path(root / "spark.parquet").read_text().splitlines()]
    assert [(r["location"], r["field"]) for r in listed] == [
        ("notes.jsonl line 4", "line"),
        (listed[1]["location"], "date"),
        ("findings.csv line 3", "finding"),
    ]


def test_spark_resumes_to_the_uninterrupted_result(population: tuple[Path, list[Path], dict[str, Any]]) -> None:
    root, _, counts = population
    assert counts["resumed_parts"] == 1
    assert table(root / "resumed.parquet") == table(root / "spark.parquet")
