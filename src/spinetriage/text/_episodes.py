"""A past episode named without its finding is an earlier episode of the note's complaint.

"He had a similar episode on the left in 2012", "Prev episode 2017, settled" and "I had the same on
the right years ago" say that the complaint the note is about happened before: that complaint,
historical. The complaint is the first radiating pain said present before the episode (notes count
episodes of sciatica and of radicular arm pain), else the first listed complaint said present
before it (cues.yaml, ``episodes``). An episode that names its own finding in its sentence ("a
similar episode of sciatica") is read as that finding; one that belongs to a relative or is
conditional ("if a similar episode occurs") adds nothing.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, field_validator

from ._model import Mention, MentionStatus

if TYPE_CHECKING:
    from ._document import Document

__all__ = ["Episodes", "PastEpisodes", "add_past_episodes", "compile_episodes"]


class Episodes(BaseModel):
    """cues.yaml, ``episodes``: the complaints an episode can stand for, and how one is said."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    radiating: list[str]
    complaints: list[str]
    patterns: list[str]
    relatives: list[str]
    conditional: list[str]

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for i, pattern in enumerate(patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"patterns.{i} is not a valid regular expression: {exc}") from exc
        return patterns


@dataclass(frozen=True, slots=True)
class PastEpisodes:
    """:class:`Episodes` compiled once."""

    episode: re.Pattern[str]
    relatives: re.Pattern[str]
    conditional: re.Pattern[str]
    radiating: frozenset[str]
    complaints: frozenset[str]


def _words(items: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(w) for w in items) + r")(?![a-z])")


def compile_episodes(spec: Episodes) -> PastEpisodes:
    """The patterns as one alternation, and the relative and conditional words as whole-word searches."""
    return PastEpisodes(
        episode=re.compile("|".join(f"(?:{p})" for p in spec.patterns)),
        relatives=_words(spec.relatives),
        conditional=_words(spec.conditional),
        radiating=frozenset(spec.radiating),
        complaints=frozenset(spec.complaints),
    )


def add_past_episodes(doc: Document, mentions: list[Mention], episodes: PastEpisodes | None) -> list[Mention]:
    """``mentions`` with the historical complaint of each past episode named without its finding (its
    sentence is the document's: :attr:`Document.hard`)."""
    if episodes is None or not mentions:
        return mentions
    low, hard = doc.low, doc.hard
    said = {(m.finding, m.status) for m in mentions}
    out = list(mentions)
    for match in episodes.episode.finditer(low):
        start, end = match.span()
        sid, last = doc.sentence(start), doc.sentence(end)
        begins = hard[sid - 1] + 1 if sid > 0 else 0
        ends = hard[last] if last < len(hard) else len(low)
        before = low[begins:start]
        if episodes.relatives.search(before) or episodes.conditional.search(before):
            continue
        if any(m.end > start and m.start < ends for m in mentions):
            continue  # the episode names its own finding, or overlaps one
        earlier = [m for m in mentions if m.end <= start and m.status is MentionStatus.PRESENT]
        complaint = next((m for m in earlier if m.finding in episodes.radiating), None) or next(
            (m for m in earlier if m.finding in episodes.complaints), None
        )
        if complaint is None or (complaint.finding, MentionStatus.HISTORICAL) in said:
            continue
        said.add((complaint.finding, MentionStatus.HISTORICAL))
        out.append(
            dataclasses.replace(
                complaint, status=MentionStatus.HISTORICAL, start=start, end=end, side=None, levels=(), severity=None
            )
        )
    return out
