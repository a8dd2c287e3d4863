"""Findings from clinical text: notes, letters and MRI reports.

    >>> from spinetriage.text import extract
    >>> extract("No clonus, Hoffmann positive on the right.").findings
    {'clonus': 'absent', 'hoffmann_sign': 'present'}

Rules (target phrases, ConText triggers, section headers, cue words) are data in
``spinetriage/text/data/*.yaml``; see docs/text.md.
"""

from __future__ import annotations

from ._extract import MAX_TEXT_CHARS, extract
from ._model import Extraction, Mention, MentionStatus, Section, Severity, Side

__all__ = ["MAX_TEXT_CHARS", "Extraction", "Mention", "MentionStatus", "Section", "Severity", "Side", "extract"]
