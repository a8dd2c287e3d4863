"""The Spark engine: the same per-patient function, run as a PySpark job.

The staged rows (written by the shared ingest, see :mod:`._run`) are read by Spark,
grouped by patient, screened with :func:`screen_patient` on the executors, sorted by
patient_id, and streamed back to the driver one partition at a time
(``toLocalIterator``), where they are cut into the same numbered parts as the local
engine and written atomically. Because parts are written in patient order, the parts
on disk after an interruption are always a prefix: a resumed run asks Spark only for
the patients after the last one written.

``master`` is a Spark URL (``spark://host:7077``, ``yarn``, ...); by default Spark runs
in local mode on ``workers`` cores. On a cluster the work directory must be on storage
every executor can read (the staging file is read by the executors), and the executors
need spinetriage installed.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

from ._inputs import Reject
from ._patient import output_schema, screen_patient
from ._run import Listener, WorkDir, require, row_from_record

__all__ = ["run_spark", "spark_session"]

_Screened = tuple[str, dict[str, Any], list[Reject]]


def spark_session(master: str | None, workers: int) -> Any:
    """The active SparkSession, or a new one (local mode on ``workers`` cores unless ``master``)."""
    require("pyspark", "spark", "spark")
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if master is None:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode stays on loopback
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.appName("spinetriage-screen")
        .master(master or f"local[{workers}]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(max(2, workers * 2)))
        .config("spark.default.parallelism", str(max(2, workers * 2)))
    )
    if master is None:
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _screen_group(item: tuple[str, Iterable[Any]], setting: str) -> _Screened:
    """Executor side: one patient's staged rows (Spark Rows) to its output row and rejects."""
    patient_id, records = item
    rows = [row_from_record(r.asDict()) for r in records]
    out, rejects = screen_patient(patient_id, rows, setting)
    return patient_id, out, rejects


def run_spark(
    work: WorkDir,
    setting: str,
    part_size: int,
    workers: int,
    listener: Listener | None,
    on_part: Callable[[int], None] | None,
    master: str | None,
) -> int:
    """Screen the patients not yet in a part on disk; returns how many parts the input makes."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    spark = spark_session(master, workers)
    schema = output_schema()
    done = sorted(work.done_parts())
    prefix = 0
    while prefix < len(done) and done[prefix] == prefix:
        prefix += 1
    for index in done[prefix:]:  # cannot happen with in-order writes; never trust a gap
        work.part_file(index).unlink()
    last: str | None = None
    if prefix:
        ids = pq.read_table(work.part_file(prefix - 1), columns=["patient_id"]).column(0).to_pylist()
        last = ids[-1] if ids else None

    frame = spark.read.parquet(str(work.staging))
    if last is not None:
        frame = frame.filter(frame.patient_id > last)
    if listener is not None:
        total = frame.select("patient_id").distinct().count()
        already = work.patients_in_parts(set(range(prefix)))
        listener.started(total + already, already)
    # Sorted before screening: sortByKey samples its input, which would screen twice if it came after.
    screened = (
        frame.rdd.map(lambda r: (r.patient_id, r))
        .groupByKey()
        .sortByKey()
        .map(functools.partial(_screen_group, setting=setting))
    )
    index = prefix
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []

    def flush() -> None:
        nonlocal index, rows, rejects
        work.write_part(index, rows, rejects, schema)
        if listener is not None:
            listener.advanced(len(rows))
        if on_part is not None:
            on_part(index)
        index, rows, rejects = index + 1, [], []

    for _, out, bad in screened.toLocalIterator():
        rows.append(out)
        rejects.extend(bad)
        if len(rows) >= part_size:
            flush()
    if rows:
        flush()
    return index
