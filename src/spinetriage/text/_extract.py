"""``extract``: findings from a clinical note or MRI report.

The text is read in two steps: :class:`._document.Document` finds sections, sentence
ends, clause commas and every target, trigger and cue word; :class:`._resolve.Resolver`
decides each target's status (ConText scope), side, severity, levels and finding ids;
:func:`._thresholds.apply_thresholds` then lets numbers decide ("3 beats of clonus").
Both are linear in the length of the text, or in the number of matches within one
sentence.
"""

from __future__ import annotations

from spinetriage.documents import MAX_TEXT_CHARS
from spinetriage.errors import InputError

from ._document import Document, flatten, lower
from ._model import Extraction
from ._resolve import Resolver
from ._rules import load_rules
from ._thresholds import apply_thresholds

__all__ = ["MAX_TEXT_CHARS", "extract"]

"""Longest text accepted (characters); longer input is refused with InputError."""


def extract(text: str) -> Extraction:
    """Read findings from a clinical note or MRI report.

    Pure and deterministic: no network, no models. Refuses anything that is not a
    string, and strings longer than :data:`MAX_TEXT_CHARS`, with ``InputError``.
    """
    if not isinstance(text, str):
        raise InputError("text", f"expected text, got {type(text).__name__}", "a str (decode bytes as UTF-8 first)")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            "text", f"{len(text)} characters is too long", f"at most {MAX_TEXT_CHARS} characters; split the document"
        )
    rules = load_rules()
    low = lower(text)
    doc = Document(text, low, flatten(low), rules)
    targets, triggers, cues = doc.scan()
    mentions = apply_thresholds(doc, Resolver(doc, targets, triggers, cues).mentions())
    return Extraction(mentions=mentions, imaging_findings=rules.imaging_findings)
