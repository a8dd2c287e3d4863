"""What the text tests read from a sentence: every mention's (finding, status), or each finding's status."""

from __future__ import annotations

from spinetriage.text import extract


def pairs(text: str) -> set[tuple[str, str]]:
    """Every (finding, status) read in ``text``, hypothetical and family mentions included."""
    return {(m.finding, m.status.value) for m in extract(text).mentions}


def statuses(text: str) -> dict[str, str]:
    """Each finding read in ``text`` with its status (the last mention's; unlike Extraction.findings, every
    status counts)."""
    return {m.finding: m.status.value for m in extract(text).mentions}
