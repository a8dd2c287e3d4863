"""``extract``: findings from a clinical note or MRI report.

The text is read in two steps: :class:`._document.Document` finds sections, sentence
ends, clause commas and every target, trigger and cue word; :class:`._resolve.Resolver`
decides each target's status (ConText scope), side, severity, levels and finding ids;
:func:`._thresholds.apply_thresholds` then lets numbers decide ("3 beats of clonus").
Both are linear in the length of the text, or in the number of matches within one
sentence.
"""

from __future__ import annotations

import dataclasses

from spinetriage.documents import MAX_TEXT_CHARS
from spinetriage.errors import InputError

from ._document import Document, flatten, lower
from ._episodes import add_past_episodes
from ._model import Extraction, Mention, MentionStatus, Side
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
    mentions = add_past_episodes(doc, mentions, rules.episodes)
    return Extraction(mentions=_both_sides(mentions, rules.both_sides), imaging_findings=rules.imaging_findings)


def _both_sides(mentions: list[Mention], implied: dict[str, str]) -> list[Mention]:
    """Add the finding a bilateral mention implies ("BLE weakness": symptoms in both legs), once per span.

    Not for a denial: no weakness in both legs says nothing of numbness or pain in them."""
    said = {(m.finding, m.start, m.end) for m in mentions}
    out: list[Mention] = []
    for m in mentions:
        out.append(m)
        also = implied.get(m.finding)
        if (
            also is not None
            and m.side is Side.BILATERAL
            and m.status is not MentionStatus.ABSENT
            and (also, m.start, m.end) not in said
        ):
            out.append(dataclasses.replace(m, finding=also))
            said.add((also, m.start, m.end))
    return out
