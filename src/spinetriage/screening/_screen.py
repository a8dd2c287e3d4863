"""``screen(inputs, out)``: every patient in the inputs, screened, into one Parquet file."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from spinetriage.assessment import DEFAULT_SETTING, default_model
from spinetriage.errors import InputError
from spinetriage.text.batch import available_cores

from ._inputs import input_format
from ._patient import output_schema
from ._run import MAX_REJECTS_SHOWN, Listener, ScreenSummary, WorkDir, ingest, merge_parts, rejects_path

__all__ = ["DEFAULT_PART_SIZE", "Engine", "screen"]

Engine = Literal["local", "spark"]
DEFAULT_PART_SIZE = 200


def screen(
    inputs: Sequence[Path],
    out: Path,
    *,
    engine: Engine = "local",
    workers: int | None = None,
    setting: str = DEFAULT_SETTING,
    part_size: int = DEFAULT_PART_SIZE,
    restart: bool = False,
    listener: Listener | None = None,
    on_part: Callable[[int], None] | None = None,
    spark_master: str | None = None,
) -> ScreenSummary:
    """Screen every patient in ``inputs`` (notes and structured findings) into ``out``.

    Resumes an interrupted run of the same inputs and settings from its work directory
    (``out`` + ``.work``) unless ``restart``. ``on_part(index)`` is called after each part
    is safely on disk. Malformed rows are skipped and listed in ``RESULT.rejects.jsonl``.
    """
    started = time.perf_counter()
    if not inputs:
        raise InputError("INPUT", "no input given", "one or more .jsonl, .ndjson, .csv or .parquet files")
    for path in inputs:
        input_format(path)
        if not path.is_file():
            raise InputError("INPUT", f"'{path.name}' is not a file", "an existing .jsonl, .csv or .parquet file")
    if out.suffix.lower() not in (".parquet", ".pq"):
        raise InputError("--out", f"'{out.name}' is not a Parquet file name", "a path ending in .parquet")
    kb = default_model().knowledge
    if setting not in kb.settings:
        raise InputError("--setting", f"unknown setting '{setting}'", ", ".join(kb.settings))
    if part_size < 1:
        raise InputError("--part-size", f"{part_size} is too small", "1 or more patients a part")
    n_workers = available_cores() if workers is None else workers
    if n_workers < 1:
        raise InputError("--workers", f"{n_workers} is not a number of processes", "1 or more")
    if engine not in ("local", "spark"):
        raise InputError("--engine", f"unknown engine '{engine}'", "local, spark")
    if not out.parent.is_dir():
        raise InputError("--out", f"folder '{out.parent}' does not exist", "a path in an existing folder")

    work = WorkDir(out, inputs, setting, part_size)
    if not work.prepare(restart):
        try:
            ingest(inputs, work)
        except BaseException:  # an unreadable file or an interruption: keep nothing half-written
            work.remove()
            raise
    counts = work.counts()
    resumed = work.done_parts()
    if engine == "local":
        from ._local import run_local

        n_parts = run_local(work, setting, part_size, n_workers, listener, on_part)
    else:
        from ._spark import run_spark

        n_parts = run_spark(work, setting, part_size, n_workers, listener, on_part, spark_master)
    schema = output_schema()
    rejects = merge_parts(work, n_parts, out, schema)
    patients = work.patients_in_parts(set(range(n_parts)))
    work.remove()
    return ScreenSummary(
        engine=engine,
        workers=n_workers,
        patients=patients,
        notes=counts["notes"],
        structured_findings=counts["structured_findings"],
        rejects=len(rejects),
        reject_sample=rejects[:MAX_REJECTS_SHOWN],
        parts=n_parts,
        parts_resumed=len(resumed),
        seconds=time.perf_counter() - started,
        output=out,
        rejects_file=rejects_path(out),
    )
