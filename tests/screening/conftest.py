"""Small populations written to disk for the screening tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

MYELOPATHY = (
    "Low back pain for a year. Clumsy hands, dropping things, difficulty with buttons. "
    "Unsteady broad-based gait. Exam: Hoffmann sign positive bilaterally, brisk reflexes in the legs."
)
LUMBAR = "Low back pain radiating below the knee. Straight leg raise positive on the left. No clumsiness."

NotesWriter = Callable[[list[dict[str, object]], str], Path]


@pytest.fixture
def write_jsonl(tmp_path: Path) -> NotesWriter:
    def write(rows: list[dict[str, object]], name: str = "notes.jsonl") -> Path:
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        return path

    return write


def small_population(n: int) -> list[dict[str, object]]:
    """``n`` patients, two notes each, alternating myelopathy-like and lumbar-like notes."""
    rows: list[dict[str, object]] = []
    for i in range(n):
        text = MYELOPATHY if i % 3 == 0 else LUMBAR
        rows.append({"patient_id": f"p{i:04d}", "date": "2026-01-01", "note_id": f"n{i}a", "text": text})
        rows.append(
            {"patient_id": f"p{i:04d}", "date": "2026-02-01", "note_id": f"n{i}b", "text": "Follow-up. No fever."}
        )
    return rows
