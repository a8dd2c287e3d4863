"""What extraction returns: mentions of findings, and their verdict for reasoning."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Extraction", "Mention", "MentionBuilder", "MentionStatus", "Section", "Severity", "Side", "new_mention"]


class MentionStatus(StrEnum):
    """What the text says about a finding at one place."""

    PRESENT = "present"
    ABSENT = "absent"
    POSSIBLE = "possible"
    HISTORICAL = "historical"
    FAMILY = "family"
    HYPOTHETICAL = "hypothetical"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class Section(StrEnum):
    """The part of a note a mention sits in (from its headers)."""

    HISTORY = "history"
    FAMILY_HISTORY = "family_history"
    EXAM = "exam"
    IMAGING = "imaging"
    IMPRESSION = "impression"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Mention:
    """One finding named in the text.

    ``text[start:end]`` is the phrase that named it ("Hoffmann", "C5-6 disc herniation"
    gives the span of "disc herniation"); ``levels`` are motion segments ("C5-C6") or
    single vertebrae ("L1").
    """

    finding: str
    status: MentionStatus
    start: int
    end: int
    section: Section
    side: Side | None = None
    levels: tuple[str, ...] = ()
    severity: Severity | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (built directly: ``dataclasses.asdict`` deep-copies, 20x slower)."""
        return {
            "finding": self.finding,
            "status": self.status.value,
            "start": self.start,
            "end": self.end,
            "section": self.section.value,
            "side": self.side.value if self.side else None,
            "levels": list(self.levels),
            "severity": self.severity.value if self.severity else None,
        }


_NEW_MENTION_FIELDS = ("finding", "status", "start", "end", "section", "side", "levels", "severity")


class MentionBuilder:
    """A not-frozen twin of :class:`Mention` (same slots, same order, same base): extraction
    builds one with plain attribute stores, then makes it a Mention by setting its class.

    CPython allows ``__class__`` assignment between classes of one memory layout; the
    result is the object ``Mention(...)`` would give (equal, hashable, frozen), at two
    thirds of the cost of the frozen ``__init__``'s per-field ``object.__setattr__``.
    """

    __slots__ = _NEW_MENTION_FIELDS

    def __init__(
        self,
        finding: str,
        status: MentionStatus,
        start: int,
        end: int,
        section: Section,
        side: Side | None,
        levels: tuple[str, ...],
        severity: Severity | None,
    ) -> None:
        self.finding = finding
        self.status = status
        self.start = start
        self.end = end
        self.section = section
        self.side = side
        self.levels = levels
        self.severity = severity


def new_mention(
    finding: str,
    status: MentionStatus,
    start: int,
    end: int,
    section: Section,
    side: Side | None,
    levels: tuple[str, ...],
    severity: Severity | None,
) -> Mention:
    """``Mention(...)``, built through :class:`MentionBuilder` (extraction's innermost loop inlines this)."""
    m = MentionBuilder(finding, status, start, end, section, side, levels, severity)
    m.__class__ = Mention  # type: ignore[assignment]
    return m  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Extraction:
    """Every mention found in one text, in order of position."""

    mentions: list[Mention] = field(default_factory=list)
    imaging_findings: frozenset[str] = frozenset()

    @property
    def findings(self) -> dict[str, str]:
        """Finding id -> ``"present"`` or ``"absent"``, for reasoning.

        Rules: a finding is present if any mention is present; absent only if some
        mention is absent and none is present. For imaging findings the impression
        outweighs the rest of the report: when the impression speaks of a finding,
        only its mentions count. ``possible``, ``historical``, ``family`` and
        ``hypothetical`` mentions count as neither.
        """
        by_finding: dict[str, list[Mention]] = {}
        for m in self.mentions:
            if m.status in (MentionStatus.PRESENT, MentionStatus.ABSENT):
                by_finding.setdefault(m.finding, []).append(m)
        out: dict[str, str] = {}
        for finding, mentions in by_finding.items():
            if finding in self.imaging_findings:
                in_impression = [m for m in mentions if m.section is Section.IMPRESSION]
                if in_impression:
                    mentions = in_impression
            present = any(m.status is MentionStatus.PRESENT for m in mentions)
            out[finding] = "present" if present else "absent"
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        return {"mentions": [m.to_dict() for m in self.mentions], "findings": self.findings}
