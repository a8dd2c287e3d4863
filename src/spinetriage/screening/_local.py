"""The local engine: DuckDB orders the staged rows by patient, a process pool screens them.

DuckDB reads the staging Parquet file and streams it back sorted by (patient_id, date,
source, row), spilling to the work directory when it outgrows memory; consecutive
patients are cut into parts of ``part_size`` patients, numbered in that order, so the
same input always gives the same parts. Parts already on disk (an earlier, interrupted
run) are skipped; the others go to worker processes, at most ``2 * workers`` at a time,
and each finished part is written atomically by this process.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from ._inputs import Reject, StagedRow
from ._patient import output_schema, screen_patient
from ._run import Listener, WorkDir, patient_groups, require

__all__ = ["count_patients", "run_local", "screen_part", "sorted_parts"]

_FETCH_ROWS = 2048
_PR_SET_PDEATHSIG = 1

Part = list[tuple[str, list[StagedRow]]]


def sorted_parts(work: WorkDir, part_size: int) -> Iterator[tuple[int, Part]]:
    """The staged rows as numbered parts of ``part_size`` patients, in patient_id order."""
    duckdb = require("duckdb", "screen", "local")
    con = duckdb.connect(config={"temp_directory": str(work.root / "duckdb.tmp")})
    try:
        reader = con.sql(
            "SELECT patient_id, date, note_id, kind, text, finding, status, source, row "
            "FROM read_parquet($staging) ORDER BY patient_id, date, source, row",
            params={"staging": str(work.staging)},
        ).to_arrow_reader(_FETCH_ROWS)

        def records() -> Iterator[dict[str, Any]]:
            for batch in reader:
                yield from batch.to_pylist()

        index = 0
        part: Part = []
        for group in patient_groups(records()):
            part.append(group)
            if len(part) >= part_size:
                yield index, part
                index, part = index + 1, []
        if part:
            yield index, part
    finally:
        con.close()


def count_patients(work: WorkDir) -> int:
    """How many patients the staged rows hold (the progress bar's total)."""
    duckdb = require("duckdb", "screen", "local")
    con = duckdb.connect()
    try:
        found = con.execute("SELECT count(DISTINCT patient_id) FROM read_parquet(?)", [str(work.staging)]).fetchone()
    finally:
        con.close()
    return int(found[0]) if found else 0


def screen_part(part: Part, setting: str) -> tuple[list[dict[str, Any]], list[Reject]]:
    """Every patient of one part: output rows in patient order, and the unreadable notes."""
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for patient_id, patient_rows in part:
        row, bad = screen_patient(patient_id, patient_rows, setting)
        rows.append(row)
        rejects.extend(bad)
    return rows, rejects


def _die_with_parent(parent: int) -> None:
    """Worker initializer: a worker never outlives the run (after kill -9 it would wait forever).

    Linux delivers SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); elsewhere a thread
    notices the worker has been re-parented and exits.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="spinetriage-parent-watch", daemon=True).start()


def _warm(_: int) -> None:
    """Make a worker compile the model before any part arrives."""
    screen_patient("warm-up", [], "primary_care")


def run_local(
    work: WorkDir,
    setting: str,
    part_size: int,
    workers: int,
    listener: Listener | None,
    on_part: Callable[[int], None] | None,
) -> int:
    """Screen every part not yet on disk; returns how many parts the input makes."""
    schema = output_schema()
    done = work.done_parts()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    n_parts = 0

    def begin() -> None:
        if listener is not None:
            listener.started(count_patients(work), work.patients_in_parts(done))

    def finish(index: int, size: int, result: tuple[list[dict[str, Any]], list[Reject]]) -> None:
        rows, rejects = result
        work.write_part(index, rows, rejects, schema)
        if listener is not None:
            listener.advanced(size)
        if on_part is not None:
            on_part(index)

    if workers == 1:
        begin()
        for index, part in sorted_parts(work, part_size):
            n_parts = index + 1
            if index not in done:
                finish(index, len(part), screen_part(part, setting))
        return n_parts

    # The pool forks every worker before DuckDB starts its threads (forking next to
    # running threads is unsafe), and each worker compiles the model once.
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),)
    )
    with pool:
        for future in [pool.submit(_warm, i) for i in range(workers)]:
            future.result()
        begin()
        pending: dict[Future[tuple[list[dict[str, Any]], list[Reject]]], tuple[int, int]] = {}

        def drain(block_until: int) -> None:
            while len(pending) > block_until:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=lambda f: pending[f][0]):
                    index, size = pending.pop(future)
                    finish(index, size, future.result())

        try:
            for index, part in sorted_parts(work, part_size):
                n_parts = index + 1
                if index in done:
                    continue
                pending[pool.submit(screen_part, part, setting)] = (index, len(part))
                drain(2 * workers)
            drain(0)
        except BaseException:  # Ctrl-C or a failure: what is on disk stays; nothing more is started
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return n_parts
