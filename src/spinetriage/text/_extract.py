"""The extraction pipeline: sections, clauses, matches, ConText scope, qualifiers.

One pass of an Aho-Corasick automaton (pyahocorasick) finds every target phrase,
trigger and cue word; a few compiled regular expressions find levels, headers,
sentence ends and the symbolic patterns ("DTRs 3+", "+Hoffmann's"). Every step is
linear in the length of the text, or in the number of matches within one sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from spinetriage.errors import InputError

from ._levels import LEVEL_RE, parse_level, region_of
from ._model import Extraction, Mention, MentionStatus, Section, Severity, Side
from ._rules import LIMB, REGION, SEVERITY, SIDE, TARGET, TRIGGER, Category, CompiledRules, Direction, load_rules

__all__ = ["MAX_TEXT_CHARS", "extract"]

MAX_TEXT_CHARS = 2_000_000
"""Longest text accepted (characters); longer input is refused with InputError."""

_MAX_MENTIONS_PER_SENTENCE = 400  # a "sentence" with more targets than this is a list dump: no scope

_FLATTEN = str.maketrans(
    {
        "\t": " ",
        "\n": " ",
        "\r": " ",
        "\x0b": " ",
        "\x0c": " ",
        "\u2019": "'",
        "\u2018": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
_HARD_BOUNDARY = re.compile(r"[.!?](?=\s|$)|;|\n[ \t]*(?:\r?\n)|\n(?=[ \t]*(?:[-*•#>]|\d+[.)]\s|[A-Z]))|\|")
_COPULA = re.compile(
    r"(?<![a-z])(?:is|are|was|were|has|have|had|appears|seems|shows|showed|demonstrates|reveals)(?![a-z])"
)
_FILLER = re.compile(
    r"[\s,:/&+\-().'\"*]*(?:(?:and|or|nor|the|a|an|any|sign|signs|reflex|reflexes|test|tests|of|in|to|at|"
    r"new|recent|significant|unexplained|further|focal|obvious|acute|other|either|s|also|associated|"
    r"symptoms|history)(?![a-z])[\s,:/&+\-().'\"*]*)*"
)
_LEVEL_GAP = re.compile(
    r"[\s,:\-]*(?:(?:at|of|from|in|on|involving|affecting|the|level|levels|worst|most|pronounced|"
    r"greatest|maximal|especially|particularly|and)(?![a-z])[\s,:\-]*)*"
)
_RUN_JOIN = re.compile(r"[\s,]*(?:(?:and|&|or|through|to)(?![a-z]))?[\s,]*")
_LABEL_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:[-*•]+[ \t]*)?(?:level[ \t]*)?$")
_LABEL_AFTER = re.compile(r"[ \t]*(?::|-(?=\s)|\.(?=\s)|\n)")
_EXISTENCE = (Category.NEGATED_EXISTENCE, Category.POSSIBLE_EXISTENCE, Category.AFFIRMED_EXISTENCE)


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    rules: tuple[int, ...]
    is_target: bool


@dataclass(slots=True)
class _Doc:
    text: str
    low: str
    flat: str
    rules: CompiledRules
    hard: list[int] = field(default_factory=list)
    commas: list[int] = field(default_factory=list)
    headers: list[tuple[int, Section]] = field(default_factory=list)


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


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
    low = _lower(text)
    doc = _Doc(text=text, low=low, flat=low.translate(_FLATTEN), rules=rules)
    return Extraction(mentions=_run(doc), imaging_findings=rules.imaging_findings)


def _run(doc: _Doc) -> list[Mention]:
    rules, low, flat, n = doc.rules, doc.low, doc.flat, len(doc.flat)
    header_spans: list[tuple[int, int]] = []
    for m in rules.header_re.finditer(low):
        name = " ".join(m.group(1).split())
        doc.headers.append((m.end(), rules.header_sections[name]))
        header_spans.append((m.start(1), m.end()))
    hard = {m.end() - 1 for m in _HARD_BOUNDARY.finditer(doc.text)}
    hard.update(end for _, end in header_spans)
    doc.hard = sorted(hard)
    doc.commas = [i for i, c in enumerate(flat) if c == ","] if "," in flat else []
    header_starts = [s for s, _ in header_spans]

    def in_header(start: int, end: int) -> bool:
        i = bisect_right(header_starts, start) - 1
        return i >= 0 and header_spans[i][1] > start

    candidates: list[_Span] = []
    cues: dict[int, list[tuple[int, int, str]]] = {SIDE: [], LIMB: [], SEVERITY: [], REGION: []}
    for end_idx, (length, payloads) in rules.automaton.iter(flat):
        start, end = end_idx - length + 1, end_idx + 1
        if (start > 0 and flat[start].isalnum() and flat[start - 1].isalnum()) or (
            end < n and flat[end - 1].isalnum() and flat[end].isalnum()
        ):
            continue
        targets = tuple(i for kind, i in payloads if kind == TARGET)
        triggers = tuple(i for kind, i in payloads if kind == TRIGGER)
        if (targets or triggers) and not in_header(start, end):
            if targets:
                candidates.append(_Span(start, end, targets, True))
            else:
                candidates.append(_Span(start, end, triggers, False))
        for kind, value in payloads:
            if kind in cues:
                cues[kind].append((start, end, value))
    if rules.target_patterns is not None:
        for m in rules.target_patterns.finditer(flat):
            if m.lastgroup and not in_header(m.start(), m.end()):
                candidates.append(_Span(m.start(), m.end(), (int(m.lastgroup[1:].split("_")[0]),), True))
    if rules.trigger_patterns is not None:
        for m in rules.trigger_patterns.finditer(flat):
            if m.lastgroup and m.end() > m.start() and not in_header(m.start(), m.end()):
                candidates.append(_Span(m.start(), m.end(), (int(m.lastgroup[1:]),), False))
    spans = _leftmost_longest(candidates)
    cue_lists = {kind: _leftmost_longest_cues(items) for kind, items in cues.items()}
    levels = _level_runs(doc)
    return _resolve(doc, spans, cue_lists, levels)


def _leftmost_longest(cands: list[_Span]) -> list[_Span]:
    cands.sort(key=lambda s: (s.start, s.start - s.end, not s.is_target))
    out: list[_Span] = []
    last_end = -1
    for c in cands:
        if c.start >= last_end:
            out.append(c)
            last_end = c.end
    return out


def _leftmost_longest_cues(items: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    items.sort(key=lambda s: (s[0], s[0] - s[1]))
    out: list[tuple[int, int, str]] = []
    last_end = -1
    for it in items:
        if it[0] >= last_end or (out and it[:2] == out[-1][:2]):
            out.append(it)
            last_end = it[1]
    return out


@dataclass(slots=True)
class _Run:
    start: int
    end: int
    levels: tuple[str, ...]
    label: bool


def _level_runs(doc: _Doc) -> list[_Run]:
    flat, low = doc.flat, doc.low
    runs: list[_Run] = []
    for m in LEVEL_RE.finditer(flat):
        segs = parse_level(m)
        if not segs:
            continue
        if runs and _RUN_JOIN.fullmatch(flat, runs[-1].end, m.start()) and _same(doc, runs[-1].end, m.start()):
            last = runs[-1]
            runs[-1] = _Run(
                last.start, m.end(), last.levels + tuple(s for s in segs if s not in last.levels), last.label
            )
            continue
        line_start = low.rfind("\n", 0, m.start()) + 1
        label = bool(_LABEL_BEFORE.search(low, line_start, m.start()) or m.start() == 0)
        runs.append(_Run(m.start(), m.end(), segs, label))
    for r in runs:
        if r.label and not _LABEL_AFTER.match(low, r.end):
            r.label = False
    return runs


def _sentence(doc: _Doc, pos: int) -> int:
    return bisect_left(doc.hard, pos)


def _same(doc: _Doc, a: int, b: int) -> bool:
    return _sentence(doc, a) == _sentence(doc, max(a, b - 1))


def _segment(doc: _Doc, pos: int) -> int:
    return bisect_left(doc.commas, pos)


def _section(doc: _Doc, pos: int) -> Section:
    i = bisect_right(doc.headers, pos, key=lambda h: h[0]) - 1
    return doc.headers[i][1] if i >= 0 else Section.OTHER


def _resolve(
    doc: _Doc, spans: list[_Span], cues: dict[int, list[tuple[int, int, str]]], runs: list[_Run]
) -> list[Mention]:
    rules, flat = doc.rules, doc.flat
    targets = [s for s in spans if s.is_target]
    triggers = [s for s in spans if not s.is_target]
    by_sentence: dict[int, list[_Span]] = {}
    for s in triggers:
        by_sentence.setdefault(_sentence(doc, s.start), []).append(s)
    target_count: dict[int, int] = {}
    for t in targets:
        sid = _sentence(doc, t.start)
        target_count[sid] = target_count.get(sid, 0) + 1
    target_starts = [t.start for t in targets]
    cue_owner = _attach_cues(doc, targets, cues)
    region_cues = cues[REGION]
    region_starts = [c[0] for c in region_cues]
    mentions: list[Mention] = []
    seen: set[tuple[str, int, int]] = set()
    for ti, t in enumerate(targets):
        sid = _sentence(doc, t.start)
        sent_triggers = by_sentence.get(sid, []) if target_count[sid] <= _MAX_MENTIONS_PER_SENTENCE else []
        cats = _modifiers(doc, t, ti, targets, target_starts, sent_triggers)
        section = _section(doc, t.start)
        owned = cue_owner.get(ti, {})
        side = _pick(owned.get(SIDE))
        severity = _pick(owned.get(SEVERITY))
        limbs = {v for _, v in owned.get(LIMB, [])}
        levels = _levels_for(doc, t, runs)
        region = region_of(levels)
        if region is None:
            region = _region_near(doc, t, region_cues, region_starts)
        for ri in t.rules:
            rule = rules.targets[ri]
            status = _status(cats, rule.ignore, rule.polarity, section)
            if rule.only_status is not None and status not in rule.only_status:
                continue
            ids: list[str] = list(rule.findings)
            if rule.by_region is not None and region is not None and region in rule.by_region:
                ids = list(rule.by_region[region])
            if rule.by_limb is not None and limbs:
                ids = [f for limb in sorted(limbs) for f in rule.by_limb.get(limb, [])]  # type: ignore[call-overload]
            for fid in ids:
                key = (fid, t.start, t.end)
                if key in seen:
                    continue
                seen.add(key)
                kind = rules.finding_kinds.get(fid)
                keep_levels = levels if kind == "imaging" or fid == "sensory_level" else ()
                mentions.append(
                    Mention(
                        finding=fid,
                        status=status,
                        start=t.start,
                        end=t.end,
                        section=section,
                        side=Side(side) if side else None,
                        levels=keep_levels,
                        severity=Severity(severity) if severity else None,
                    )
                )
    del flat
    return mentions


def _pick(items: list[tuple[int, str]] | None) -> str | None:
    if not items:
        return None
    values = {v for _, v in items}
    if len(values) > 1 and values <= {"left", "right", "bilateral"}:
        return "bilateral"
    return min(items)[1]


def _attach_cues(
    doc: _Doc, targets: list[_Span], cues: dict[int, list[tuple[int, int, str]]]
) -> dict[int, dict[int, list[tuple[int, str]]]]:
    """Give each side/limb/severity cue to the nearest target in its clause."""
    owner: dict[int, dict[int, list[tuple[int, str]]]] = {}
    starts = [t.start for t in targets]
    for kind in (SIDE, LIMB, SEVERITY):
        for cs, ce, value in cues[kind]:
            i = bisect_right(starts, cs)
            best: tuple[int, int] | None = None
            for j in (i - 1, i, i - 2, i + 1):
                if j < 0 or j >= len(targets):
                    continue
                t = targets[j]
                lo, hi = min(cs, t.start), max(ce, t.end)
                if not _same(doc, lo, hi) or _segment(doc, lo) != _segment(doc, hi - 1):
                    continue
                if t.start <= cs and ce <= t.end:
                    dist = 0
                else:
                    dist = t.start - ce if ce <= t.start else cs - t.end
                    if dist < 0:
                        dist = 0
                if dist > 30:
                    continue
                if best is None or dist < best[0]:
                    best = (dist, j)
            if best is not None:
                owner.setdefault(best[1], {}).setdefault(kind, []).append((best[0], value))
    return owner


def _region_near(doc: _Doc, t: _Span, cues: list[tuple[int, int, str]], starts: list[int]) -> str | None:
    i = bisect_right(starts, t.start)
    sid = _sentence(doc, t.start)
    for j in (i, i - 1):  # a region word in the same sentence, after then before
        if 0 <= j < len(cues) and _sentence(doc, cues[j][0]) == sid:
            return cues[j][2]
    return cues[i - 1][2] if i > 0 else None  # else the last region named before


def _levels_for(doc: _Doc, t: _Span, runs: list[_Run]) -> tuple[str, ...]:
    if not runs:
        return ()
    starts = [r.start for r in runs]
    i = bisect_left(starts, t.end)
    sid = _sentence(doc, t.start)
    if i < len(runs) and _sentence(doc, runs[i].start) == sid and _LEVEL_GAP.fullmatch(doc.flat, t.end, runs[i].start):
        return runs[i].levels
    for j in range(i - 1, -1, -1):
        r = runs[j]
        if r.end <= t.start and _sentence(doc, r.start) == sid:
            return r.levels
        if _sentence(doc, r.start) != sid:
            break
    if i < len(runs) and _sentence(doc, runs[i].start) == sid:
        return runs[i].levels
    section = _section(doc, t.start)
    for j in range(i - 1, -1, -1):
        r = runs[j]
        if r.label and r.end <= t.start:
            return r.levels if _section(doc, r.start) == section else ()
    return ()


def _pure(doc: _Doc, lo: int, hi: int, targets: list[_Span], starts: list[int]) -> bool:
    """True when flat[lo:hi] holds nothing but targets and filler words (a list item)."""
    pos = lo
    i = bisect_left(starts, lo)
    while i < len(targets) and targets[i].start < hi:
        if not _FILLER.fullmatch(doc.flat, pos, targets[i].start):
            return False
        pos = max(pos, targets[i].end)
        i += 1
    return bool(_FILLER.fullmatch(doc.flat, pos, hi)) if pos < hi else True


def _modifiers(
    doc: _Doc, t: _Span, ti: int, targets: list[_Span], starts: list[int], triggers: list[_Span]
) -> dict[Category, bool]:
    """ConText: which trigger categories reach this target (existence: the nearest one)."""
    rules = doc.rules
    found: dict[Category, bool] = {}
    best: tuple[bool, int, Category] | None = None
    terminators = [s for s in triggers if any(rules.triggers[r].category is Category.TERMINATE for r in s.rules)]
    seg_t = _segment(doc, t.start)
    for s in triggers:
        for ri in s.rules:
            rule = rules.triggers[ri]
            cat = rule.category
            if cat in (Category.TERMINATE, Category.PSEUDO):
                continue
            d = rule.direction
            if s.end <= t.start and d in (Direction.FORWARD, Direction.BIDIRECTIONAL):
                lo, hi = s.end, t.start
                if not _reach(doc, lo, hi, rule.max_scope, terminators):
                    continue
                if not _forward_commas(doc, lo, hi, targets, starts):
                    continue
            elif t.end <= s.start and d in (Direction.BACKWARD, Direction.BIDIRECTIONAL):
                lo, hi = t.end, s.start
                if not _reach(doc, lo, hi, rule.max_scope, terminators):
                    continue
                if _segment(doc, lo) != _segment(doc, hi) and not _pure(
                    doc, _seg_start(doc, t.start), _seg_start(doc, s.start), targets, starts
                ):
                    continue
            else:
                continue
            if cat in _EXISTENCE:
                key = (_segment(doc, s.start) != seg_t, hi - lo, cat)
                if best is None or key[:2] < best[:2]:
                    best = key
            else:
                found[cat] = True
    if best is not None:
        found[best[2]] = True
    return found


def _seg_start(doc: _Doc, pos: int) -> int:
    i = bisect_left(doc.commas, pos) - 1
    return doc.commas[i] + 1 if i >= 0 else 0


def _reach(doc: _Doc, lo: int, hi: int, max_scope: int | None, terminators: list[_Span]) -> bool:
    if max_scope is not None and doc.flat.count(" ", lo, hi) > max_scope:
        return False
    return not any(lo <= s.start and s.end <= hi for s in terminators)


def _forward_commas(doc: _Doc, lo: int, hi: int, targets: list[_Span], starts: list[int]) -> bool:
    """A forward scope crosses a comma only into a list item: "no fever, chills or weight loss"."""
    commas = doc.commas
    i = bisect_left(commas, lo)
    while i < len(commas) and commas[i] < hi:
        c = commas[i]
        nxt = commas[i + 1] if i + 1 < len(commas) else len(doc.flat)
        seg_end = min(nxt, doc.hard[_sentence(doc, c)] if _sentence(doc, c) < len(doc.hard) else len(doc.flat))
        j = bisect_left(starts, c)
        if j >= len(targets) or targets[j].start >= seg_end:
            return False
        if not _FILLER.fullmatch(doc.flat, c + 1, targets[j].start):
            return False
        if _COPULA.search(doc.flat, c, seg_end):
            return False
        i += 1
    return True


def _status(cats: dict[Category, bool], ignore: list[Category], polarity: str, section: Section) -> MentionStatus:
    if (cats.get(Category.FAMILY) and Category.FAMILY not in ignore) or section is Section.FAMILY_HISTORY:
        return MentionStatus.FAMILY
    if cats.get(Category.HYPOTHETICAL) and Category.HYPOTHETICAL not in ignore:
        return MentionStatus.HYPOTHETICAL
    if polarity == "negated":
        if cats.get(Category.POSSIBLE_EXISTENCE):
            return MentionStatus.POSSIBLE
        return MentionStatus.ABSENT
    if cats.get(Category.NEGATED_EXISTENCE):
        return MentionStatus.ABSENT
    if cats.get(Category.POSSIBLE_EXISTENCE):
        return MentionStatus.POSSIBLE
    if cats.get(Category.HISTORICAL) and Category.HISTORICAL not in ignore:
        return MentionStatus.HISTORICAL
    return MentionStatus.PRESENT
