"""ConText scope, qualifiers and levels for the targets of one document.

For each target: which trigger categories reach it (negation, hedging, history,
family, hypothetical: the nearest existence trigger wins), its side, limb and severity
cues (each cue goes to the nearest target in its clause), its spinal levels and region,
and so its status and finding ids. Sentence and clause numbers are computed once per
match; scope walks outwards from each target and stops where a scope closes.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from typing import Any

from ._document import Document, Match
from ._levels import level_matches, parse_level, region_of
from ._model import Mention, MentionBuilder, MentionStatus, Section, Side
from ._rules import CATEGORY_BIT, LEN_SPAN, LIMB, OTHER_BITS, REGION, SEVERITY, SIDE, Category, TargetGroup

__all__ = ["Resolver"]

_POSSIBLE_BIT = CATEGORY_BIT[Category.POSSIBLE_EXISTENCE]
_HEADINGS = (":", " - ")
"""A doubt said before a colon or a spaced dash is about the diagnosis it heads, not the findings listed
after it: "?DCM - clumsy hands", "Functional gait disorder suspected: give-way leg weakness"."""

_MAX_MENTIONS_PER_SENTENCE = 400  # a "sentence" with more targets than this is a list dump: no scope
_MAX_TRIGGERS_EACH_SIDE = 32  # a trigger further away than this many others does not reach a target

_COPULA = re.compile(
    r"(?<![a-z])(?:is|are|was|were|has|have|had|appears|seems|shows|showed|demonstrates|reveals)(?![a-z])"
)
_FILLER = re.compile(
    r"[\s,:/&+\-().'\"*]*(?:(?:and|or|nor|the|a|an|any|sign|signs|reflex|reflexes|test|tests|of|in|to|at|"
    r"new|recent|significant|unexplained|further|focal|obvious|acute|other|either|s|also|associated|"
    r"symptoms|history)(?![a-z])[\s,:/&+\-().'\"*]*)*"
)
_PLAIN_WORD = r"(?!(?:he|she|they|it|i|we|but|then|which|who|otherwise|patient|pt)(?![a-z]))[a-z][a-z'/-]*"
_SHORT_ITEM = re.compile(rf"\s*{_PLAIN_WORD}(?:\s+{_PLAIN_WORD}){{0,3}}\s*")
"""A list item that names no finding ("denied slurred speech, confusion, head, neck or back pain"):
at most four plain words, no pronoun or clause word. A forward scope crosses its comma."""
_OPENS_ITEM = re.compile(r"(?<![a-z])(?:and|with|plus)\s+$")
"""A backward trigger right after one of these words opens the next item ("stocking sensory loss
and absent vibration sense"): it says nothing of the finding before the conjunction."""
_LEVEL_GAP = re.compile(
    r"[\s,:\-]*(?:(?:at|of|from|in|on|involving|affecting|the|level|levels|worst|most|pronounced|"
    r"greatest|maximal|especially|particularly|and)(?![a-z])[\s,:\-]*)*"
)
_RUN_JOIN = re.compile(r"[\s,]*(?:(?:and|&|or|through|to)(?![a-z]))?[\s,]*")
_LABEL_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:[-*•]+[ \t]*)?(?:level[ \t]*)?$")
_LABEL_AFTER = re.compile(r"[ \t]*(?::|-(?=\s)|\.(?=\s)|\n)")
_BILATERAL_SIDES = {Side.LEFT, Side.RIGHT, Side.BILATERAL}
_NO_LIMBS: frozenset[str] = frozenset()

_SEGMENTS: dict[str, tuple[str, ...]] = {}  # level text ("c5-6") -> segments; bounded below
_SEGMENTS_CACHE_SIZE = 4096


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LABEL_INDENT = 40  # a label opens its line: at most this much indent, bullet or "level" before it


class _Runs:
    """Adjacent level mentions read as one ("C4-5 and C5-6", "C3 through C6"), as parallel lists.

    A run that opens a line and is followed by ":", " -", ". " or the line's end is a
    *label* ("C5-6: disc bulge. No canal stenosis."): it gives its levels to every
    sentence of its line, and a label alone on its line (a heading) to the lines below it
    up to a blank line or the next label. Labels never overlap, so the last one before a
    target is the only one that can cover it. Separately, the text's first run is a label
    for the rest of its section when it opens the text ("C5-6: ...").
    """

    __slots__ = ("_labels", "ends", "first_label", "levels", "low", "sids", "starts")

    def __init__(self, doc: Document) -> None:
        flat, low, hard = doc.flat, doc.low, doc.hard
        starts: list[int] = []
        ends: list[int] = []
        levels: list[tuple[str, ...]] = []
        cache = _SEGMENTS
        first_match = True
        first_label = False
        for m in level_matches(flat, doc.level_starts):
            could_label, first_match = first_match, False
            key = m.group()
            segs = cache.get(key)
            if segs is None:
                segs = parse_level(m)
                if len(cache) < _SEGMENTS_CACHE_SIZE:
                    cache[key] = segs
            if not segs:
                continue
            start, end = m.span()
            if starts:
                a = ends[-1]
                if _RUN_JOIN.fullmatch(flat, a, start) and bisect_left(hard, a) == bisect_left(hard, max(a, start - 1)):
                    ends[-1] = end
                    last = levels[-1]
                    levels[-1] = last + tuple(s for s in segs if s not in last)
                    continue
            else:
                first_newline = low.find("\n")
                first_label = start == 0 or (
                    could_label
                    and (first_newline == -1 or first_newline >= start)
                    and _LABEL_BEFORE.match(low, 0, start) is not None
                )
            starts.append(start)
            ends.append(end)
            levels.append(segs)
        self.starts, self.ends, self.levels, self.low = starts, ends, levels, low
        self.first_label = first_label and _LABEL_AFTER.match(low, ends[0]) is not None
        self.sids = [bisect_left(hard, s) for s in starts]
        self._labels: tuple[list[int], list[int], list[tuple[str, ...]]] | None = None

    def labels(self) -> tuple[list[int], list[int], list[tuple[str, ...]]]:
        """Each label's start, the end of what it covers, and its levels (found on first use)."""
        if self._labels is None:
            self._labels = self._find_labels()
        return self._labels

    def _find_labels(self) -> tuple[list[int], list[int], list[tuple[str, ...]]]:
        low, ends = self.low, self.ends
        labels: list[int] = []
        if "\n" in low:  # one line: only the text's first level can open it (``first_label``)
            reach = _LABEL_INDENT + 1
            for k, start in enumerate(self.starts):
                newline = low.rfind("\n", max(0, start - reach), start)  # a bounded look back
                if newline == -1 and start >= reach:
                    continue
                if (
                    _LABEL_BEFORE.match(low, max(newline, 0), start) is not None
                    and _LABEL_AFTER.match(low, ends[k]) is not None
                ):
                    labels.append(k)
        starts = [self.starts[k] for k in labels]
        covers: list[int] = []
        for n, k in enumerate(labels):
            limit = starts[n + 1] if n + 1 < len(labels) else len(low)
            line_end = low.find("\n", ends[k], limit)
            if line_end == -1:
                covers.append(limit)
            elif low[ends[k] : line_end].strip(" \t:-.") == "":  # a heading: down to a blank line
                blank = _BLANK_LINE.search(low, line_end, limit)
                covers.append(blank.start() if blank else limit)
            else:
                covers.append(line_end)
        return starts, covers, [self.levels[k] for k in labels]


_Sentence = tuple[list[tuple[int, int, Any, Any, int]], list[int], list[int], list[int]]
"""Triggers of one sentence that open a scope, as (start, end, forward scopes, backward scopes,
clause number); their starts; the starts and ends of its terminators."""


class Resolver:
    """ConText scope, cues and levels for every target of one document."""

    def __init__(
        self, doc: Document, targets: list[Match], triggers: list[Match], cues: dict[int, list[tuple[int, int, Any]]]
    ) -> None:
        self.doc = doc
        self.cues = cues
        self.starts = starts = [t[1] for t in targets]
        self.ends = [t[2] for t in targets]
        self.groups: list[TargetGroup] = [t[3] for t in targets]
        hard, commas = doc.hard, doc.commas
        self.sid = [bisect_left(hard, s) for s in starts]
        sentences: dict[int, _Sentence] = {}
        crossing: set[int] = set()
        current_sid = -1
        sentence: _Sentence = ([], [], [], [])
        for _, start, end, (forward, backward, active, terminates, crosses) in triggers:  # in order: sentences too
            if active or terminates:
                sid = bisect_left(hard, start)
                if sid != current_sid:
                    current_sid = sid
                    sentence = sentences[sid] = ([], [], [], [])
                if active:
                    sentence[0].append((start, end, forward, backward, bisect_left(commas, start)))
                    sentence[1].append(start)
                    if crosses:
                        crossing.add(sid)
                if terminates:
                    sentence[2].append(start)
                    sentence[3].append(end)
        self.sentences = sentences
        self.crossing = crossing
        """Sentences with a forward scope that crosses commas (elsewhere a closing comma ends the walk)."""
        self._comma_memo: dict[int, bool] = {}
        self._runs: _Runs | None = None
        self._region_starts: list[int] | None = None
        self._region_sids: list[int] = []

    def mentions(self) -> list[Mention]:
        doc, rules = self.doc, self.doc.rules
        starts, ends, sids, groups = self.starts, self.ends, self.sid, self.groups
        n = len(starts)
        sides, severities, limb_sets = self._attach_cues()
        crowded = Counter(sids) if n > _MAX_MENTIONS_PER_SENTENCE else None
        out: list[Mention] = []
        append = out.append
        with_levels = rules.findings_with_levels
        sentences, crossing = self.sentences, self.crossing
        flat, commas = doc.flat, doc.commas
        comma_closes, comma_memo, pure = self._comma_closes, self._comma_memo, self._pure
        header_ends, header_sections = doc.header_ends, doc.header_sections
        n_headers, next_header, section = len(header_ends), 0, Section.OTHER
        next_header_end = header_ends[0] if n_headers else LEN_SPAN
        family, family_status = Section.FAMILY_HISTORY, MentionStatus.FAMILY
        builder, mention = MentionBuilder, Mention
        current_sid, sentence = -1, None
        unplaced: set[tuple[int, int]] = set()  # spans of limb findings said without a limb (limb_of_the_note)
        triggers: list[tuple[int, int, Any, Any, int]] = []
        trigger_starts: list[int] = []
        term_starts: list[int] = []
        term_ends: list[int] = []
        for ti in range(n):
            start = starts[ti]
            while next_header_end <= start:
                section = header_sections[next_header]
                next_header += 1
                next_header_end = header_ends[next_header] if next_header < n_headers else LEN_SPAN
            sid = sids[ti]
            if sid != current_sid:
                current_sid = sid
                sentence = sentences.get(sid)
                if sentence is not None:
                    if crowded is not None and crowded[sid] > _MAX_MENTIONS_PER_SENTENCE:
                        sentence = None
                    else:
                        triggers, trigger_starts, term_starts, term_ends = sentence
            bits = 0
            if sentence is not None and section is not family:
                # ConText (inlined: once per target): the category bits of the triggers that reach
                # this target; for existence, the nearest. Triggers are visited outwards on each
                # side. A terminator closes the scope for every trigger further away, so the walk
                # stops there; beyond a comma that closes the clause (one that does not open a list
                # item) only the scopes that cross commas still reach. The walk also stops once the
                # nearest existence trigger and every other category are found, and after
                # _MAX_TRIGGERS_EACH_SIDE triggers.
                t_end = ends[ti]
                seg_t = bisect_left(commas, start)  # its clause number
                split = bisect_left(trigger_starts, t_end)
                best_bit = 0
                best_far = False
                best_dist = 0
                # Forward triggers, before the target: nearest first.
                hi = start
                comma_hi = seg_t  # commas before the target
                over_comma = False  # beyond a comma that closes the clause: only scopes that cross it
                for j in range(split - 1, max(split - _MAX_TRIGGERS_EACH_SIDE, 0) - 1, -1):
                    _, lo, scopes, _, s_seg = triggers[j]
                    if term_starts:  # a terminator wholly inside [lo, hi] closes the scope
                        k = bisect_left(term_starts, lo)
                        if k < len(term_starts) and term_ends[k] <= hi:
                            break
                    if comma_hi and not over_comma:
                        comma_lo = bisect_left(commas, lo)
                        if comma_lo < comma_hi:
                            for c in commas[comma_lo:comma_hi]:
                                closes = comma_memo.get(c)
                                if closes is None:
                                    closes = comma_closes(c)
                                if closes:
                                    over_comma = True
                                    break
                            if over_comma and sid not in crossing:
                                break
                        comma_hi = comma_lo
                    for max_scope, existence, bit, crosses in scopes:
                        if over_comma and not crosses:
                            continue
                        if max_scope is not None and flat.count(" ", lo, hi) > max_scope:
                            continue
                        if bit == _POSSIBLE_BIT and any(flat.find(h, lo, hi) >= 0 for h in _HEADINGS):
                            continue
                        if not existence:
                            bits |= bit
                        elif not best_bit:
                            best_far, best_dist, best_bit = s_seg != seg_t, hi - lo, bit
                    if best_bit and bits == OTHER_BITS:
                        break
                forward_far, forward_dist, forward_bit = best_far, best_dist, best_bit
                best_bit = 0
                # Backward triggers, after the target: nearest first.
                lo = t_end
                if split < len(triggers):
                    seg_lo = bisect_left(commas, lo) if commas else 0
                    t_seg_start = -1
                    past_comma = False  # beyond a comma that closes the clause: only scopes that cross it
                    for j in range(split, min(split + _MAX_TRIGGERS_EACH_SIDE, len(triggers))):
                        hi, _, _, scopes, s_seg = triggers[j]
                        if term_starts:
                            k = bisect_left(term_starts, lo)
                            if k < len(term_starts) and term_ends[k] <= hi:
                                break
                        if not past_comma and commas and seg_lo != bisect_left(commas, hi):
                            if t_seg_start < 0:
                                t_seg_start = _seg_start(doc, start)
                            past_comma = not pure(t_seg_start, _seg_start(doc, hi))
                        if past_comma and ti + 1 < n and starts[ti + 1] < hi:
                            break  # over a comma, an ending belongs to the nearest finding named before it
                        if _OPENS_ITEM.search(flat, lo, hi):  # "... and absent vibration sense": forward only
                            continue
                        for max_scope, existence, bit, crosses in scopes:
                            if past_comma and not crosses:
                                continue
                            if max_scope is not None and flat.count(" ", lo, hi) > max_scope:
                                continue
                            if not existence:
                                bits |= bit
                            elif not best_bit:
                                best_far, best_dist, best_bit = s_seg != seg_t, hi - lo, bit
                        if best_bit and bits == OTHER_BITS:
                            break
                if forward_bit and (not best_bit or not (best_far, best_dist) < (forward_far, forward_dist)):
                    best_bit = forward_bit
                bits |= best_bit
            single, statuses, only_status, plans = groups[ti]
            if single is not None:  # one finding, no region, limb or level: the common case
                status = family_status if section is family else statuses[bits]
                if only_status is None or status in only_status:
                    m = builder(single, status, start, ends[ti], section, sides[ti], (), severities[ti])
                    m.__class__ = mention  # type: ignore[assignment]  # new_mention(...), inlined: once per mention
                    append(m)  # type: ignore[arg-type]
                continue
            end, side, severity = ends[ti], sides[ti], severities[ti]
            limbs = limb_sets[ti]
            levels: tuple[str, ...] | None = None
            region: str | None = None
            seen: set[str] | None = set() if len(plans) > 1 else None
            for plan in plans:
                status = family_status if section is family else plan.statuses[bits]
                if plan.only_status is not None and status not in plan.only_status:
                    continue
                ids = plan.findings
                if plan.by_region is not None:
                    if levels is None:
                        levels, region = self._levels_and_region(ti, section)
                    if region is not None and region in plan.by_region:
                        ids = plan.by_region[region]
                if plan.by_limb is not None and limbs:
                    ids = tuple(f for limb in sorted(limbs) for f in plan.by_limb.get(limb, ()))
                elif plan.limb_of_the_note:
                    unplaced.add((start, end))
                if seen is None and len(ids) > 1:
                    seen = set()
                for fid in ids:
                    if seen is not None:
                        if fid in seen:
                            continue
                        seen.add(fid)
                    if fid in with_levels:
                        if levels is None:
                            levels, region = self._levels_and_region(ti, section)
                        keep = levels
                    else:
                        keep = ()
                    m = builder(fid, status, start, end, section, side, keep, severity)
                    m.__class__ = mention  # type: ignore[assignment]
                    append(m)  # type: ignore[arg-type]
        return _placed_by_the_note(out, unplaced, rules.limb_of) if unplaced else out

    def _levels_and_region(self, ti: int, section: Section) -> tuple[tuple[str, ...], str | None]:
        """The levels a target names, and its spinal region (from them, else from region words)."""
        levels = self._levels_for(ti, section)
        region = region_of(levels)
        if region is None and self.cues[REGION]:
            region_cues = self.cues[REGION]
            if self._region_starts is None:
                self._region_starts = [c[0] for c in region_cues]
                self._region_sids = [self.doc.sentence(c[0]) for c in region_cues]
            region = self._region_near(ti, region_cues, self._region_starts, self._region_sids)
        return levels, region

    def _region_near(
        self, ti: int, region_cues: list[tuple[int, int, Any]], region_starts: list[int], region_sids: list[int]
    ) -> str | None:
        """A region word in the same sentence (after, then before), else the last one named before."""
        i = bisect_right(region_starts, self.starts[ti])
        sid = self.sid[ti]
        for j in (i, i - 1):
            if 0 <= j < len(region_cues) and region_sids[j] == sid:
                return str(region_cues[j][2])
        return str(region_cues[i - 1][2]) if i > 0 else None

    def _attach_cues(self) -> tuple[list[Any], list[Any], list[set[Any] | None]]:
        """Give each side/limb/severity cue to the nearest target in its clause.

        Returns, per target, its side, its severity, and the limbs named (None if none).
        """
        doc = self.doc
        starts, ends = self.starts, self.ends
        n = len(starts)
        sides: list[Any] = [None] * n
        severities: list[Any] = [None] * n
        limbs: list[set[Any] | None] = [None] * n
        if not n:
            return sides, severities, limbs
        hard, commas = doc.hard, doc.commas
        n_hard, n_commas = len(hard), len(commas)
        owned: dict[int, dict[int, list[tuple[int, Any]]]] = {SIDE: {}, LIMB: {}, SEVERITY: {}}
        for kind in (SIDE, LIMB, SEVERITY):
            by_target = owned[kind]
            for cs, ce, value in self.cues[kind]:
                # The cue and its target must lie in one clause: after the sentence end and comma
                # before the cue's start, and up to the ones after it (bisect once, then compare).
                c_sid = bisect_left(hard, cs)
                c_seg = bisect_left(commas, cs)
                clause_end = hard[c_sid] if c_sid < n_hard else LEN_SPAN
                if c_seg < n_commas and commas[c_seg] < clause_end:
                    clause_end = commas[c_seg]
                if clause_end < ce - 1:
                    continue
                clause_start = hard[c_sid - 1] if c_sid else -1
                if c_seg and commas[c_seg - 1] > clause_start:
                    clause_start = commas[c_seg - 1]
                # The nearest target in the clause, within 30 characters. Targets do not overlap and
                # are in order, so only the last one starting at or before the cue (i - 1) and the
                # first one after it (i) can be nearest; the one before i - 1 only when i - 1 runs
                # past the clause. Ties go to i - 1, then i.
                i = bisect_right(starts, cs)
                best_dist = best_j = -1
                j = i - 1
                while j >= 0:
                    ts, te = starts[j], ends[j]
                    if ts <= clause_start:
                        break
                    if clause_end < te - 1:
                        if j == i - 1:
                            j -= 1
                            continue
                        break
                    dist = cs - te if ce > te else 0
                    if dist <= 30:
                        best_dist, best_j = (dist if dist > 0 else 0), j
                    break
                if i < n and best_dist != 0:  # a cue within or touching i - 1 stays with it
                    ts, te = starts[i], ends[i]
                    if clause_end >= te - 1:
                        dist = ts - ce if ce <= ts else 0
                        if dist <= 30 and (best_j < 0 or dist < best_dist or (best_j < i - 1 and dist == best_dist)):
                            best_dist, best_j = dist, i
                if best_j >= 0:
                    if best_j in by_target:
                        by_target[best_j].append((best_dist, value))
                    else:
                        by_target[best_j] = [(best_dist, value)]
        for j, items in owned[SIDE].items():
            sides[j] = items[0][1] if len(items) == 1 else _pick(items)
        for j, items in owned[SEVERITY].items():
            severities[j] = items[0][1] if len(items) == 1 else _pick(items)
        for j, items in owned[LIMB].items():
            limbs[j] = {v for _, v in items}
        return sides, severities, limbs

    def _levels_for(self, ti: int, section: Section) -> tuple[str, ...]:
        runs = self._runs
        if runs is None:
            runs = self._runs = _Runs(self.doc)
        run_starts = runs.starts
        if not run_starts:
            return ()
        run_ends, run_sids, run_levels = runs.ends, runs.sids, runs.levels
        start, end, sid = self.starts[ti], self.ends[ti], self.sid[ti]
        i = bisect_left(run_starts, end)
        after = i < len(run_starts) and run_sids[i] == sid
        if after and _LEVEL_GAP.fullmatch(self.doc.flat, end, run_starts[i]):
            return run_levels[i]
        for j in range(i - 1, -1, -1):
            if run_sids[j] != sid:
                break
            if run_ends[j] <= start:
                return run_levels[j]
        label_starts, label_ends, label_levels = runs.labels()
        if label_starts:
            k = bisect_left(label_starts, start) - 1
            if k >= 0 and start < label_ends[k] and self.doc.section(label_starts[k]) == section:
                return label_levels[k]
        if after:
            return run_levels[i]
        if runs.first_label and run_ends[0] <= start:  # the level opening the text labels the rest of its section
            return run_levels[0] if self.doc.section(run_starts[0]) == section else ()
        return ()

    def _comma_closes(self, c: int) -> bool:
        """Whether a forward scope stops at the comma at ``c`` (it does unless a list item follows)."""
        closes = self._comma_memo.get(c)
        if closes is None:
            closes = self._comma_memo[c] = not self._forward_commas(c, c + 1)
        return closes

    def _pure(self, lo: int, hi: int) -> bool:
        """True when flat[lo:hi] holds nothing but targets and filler words (a list item)."""
        flat, starts, ends = self.doc.flat, self.starts, self.ends
        pos = lo
        i = bisect_left(starts, lo)
        while i < len(starts) and starts[i] < hi:
            if not _FILLER.fullmatch(flat, pos, starts[i]):
                return False
            pos = max(pos, ends[i])
            i += 1
        return bool(_FILLER.fullmatch(flat, pos, hi)) if pos < hi else True

    def _forward_commas(self, lo: int, hi: int) -> bool:
        """A forward scope crosses a comma only into a list item: "no fever, chills or weight loss"."""
        doc = self.doc
        commas, flat, starts = doc.commas, doc.flat, self.starts
        i = bisect_left(commas, lo)
        while i < len(commas) and commas[i] < hi:
            c = commas[i]
            nxt = commas[i + 1] if i + 1 < len(commas) else len(flat)
            sc = doc.sentence(c)
            seg_end = min(nxt, doc.hard[sc] if sc < len(doc.hard) else len(flat))
            if _COPULA.search(flat, c, seg_end):
                return False
            j = bisect_left(starts, c)
            led_by_target = j < len(starts) and starts[j] < seg_end and _FILLER.fullmatch(flat, c + 1, starts[j])
            if not led_by_target and not _SHORT_ITEM.fullmatch(flat, c + 1, seg_end):
                return False
            i += 1
        return True


def _placed_by_the_note(
    mentions: list[Mention], unplaced: set[tuple[int, int]], limb_of: dict[str, str]
) -> list[Mention]:
    """A limb finding said without a limb ("power 5/5", "normal strength") is read in the limb every other limb
    finding the note affirms is in ("L sciatica. Power 5/5.": the legs), or, when it affirms none, every one it
    names; in neither when those are in both limbs or there are none."""
    placed = [m for m in mentions if (m.start, m.end) not in unplaced and m.finding in limb_of]
    present = [m for m in placed if m.status is MentionStatus.PRESENT]
    named = {limb_of[m.finding] for m in present or placed}  # where the note's complaints are, else what it asks
    limb = next(iter(named)) if len(named) == 1 else None
    return [m for m in mentions if (m.start, m.end) not in unplaced or limb_of.get(m.finding) == limb]


def _seg_start(doc: Document, pos: int) -> int:
    i = bisect_left(doc.commas, pos) - 1
    return doc.commas[i] + 1 if i >= 0 else 0


def _pick(items: list[tuple[int, Any]] | None) -> Any:
    if not items:
        return None
    if len(items) > 1:
        values = {v for _, v in items}
        if len(values) > 1 and values <= _BILATERAL_SIDES:
            return Side.BILATERAL
    return min(items)[1]
