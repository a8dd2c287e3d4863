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
from ._levels import LEVEL_RE, parse_level, region_of
from ._model import Mention, MentionStatus, Section, Side, new_mention
from ._rules import LIMB, REGION, SEVERITY, SIDE, Category, TargetPlan, TriggerInfo

__all__ = ["Resolver"]

_MAX_MENTIONS_PER_SENTENCE = 400  # a "sentence" with more targets than this is a list dump: no scope
_MAX_TRIGGERS_EACH_SIDE = 32  # a trigger further away than this many others does not reach a target
_OTHER_CATEGORIES = 3  # HISTORICAL, HYPOTHETICAL, FAMILY: any trigger of these that reaches counts

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
_BILATERAL_SIDES = {Side.LEFT, Side.RIGHT, Side.BILATERAL}
_NO_LIMBS: frozenset[str] = frozenset()

_SEGMENTS: dict[str, tuple[str, ...]] = {}  # level text ("c5-6") -> segments; bounded below
_SEGMENTS_CACHE_SIZE = 4096

# A trigger in resolution: (start, end, the rules that open a scope, clause number).
_TriggerMatch = tuple[int, int, tuple[TriggerInfo, ...], int]


class _Run:
    """Adjacent level mentions read as one: "C4-5 and C5-6", "C3 through C6"."""

    __slots__ = ("end", "label", "levels", "sid", "start")

    def __init__(self, start: int, end: int, levels: tuple[str, ...], label: bool) -> None:
        self.start, self.end, self.levels, self.label, self.sid = start, end, levels, label, 0


def _level_runs(doc: Document) -> list[_Run]:
    flat, low = doc.flat, doc.low
    runs: list[_Run] = []
    first_newline = low.find("\n")
    first = True
    hard = doc.hard
    cache = _SEGMENTS
    for m in LEVEL_RE.finditer(flat):
        # Only the first level of the first line can be a label ("C5-6: ..." opening the text):
        # later ones have a level before them on their line, or no "^" at their line start.
        could_label, first = first, False
        key = m.group()
        segs = cache.get(key)
        if segs is None:
            segs = parse_level(m)
            if len(cache) < _SEGMENTS_CACHE_SIZE:
                cache[key] = segs
        if not segs:
            continue
        if runs:
            last = runs[-1]
            a, b = last.end, m.start()
            if _RUN_JOIN.fullmatch(flat, a, b) and bisect_left(hard, a) == bisect_left(hard, max(a, b - 1)):
                last.end = m.end()
                last.levels = last.levels + tuple(s for s in segs if s not in last.levels)
                continue
        start = m.start()
        label = start == 0 or (
            could_label
            and (first_newline == -1 or first_newline >= start)
            and _LABEL_BEFORE.match(low, 0, start) is not None
        )
        runs.append(_Run(start, m.end(), segs, label))
    for r in runs:
        if r.label and not _LABEL_AFTER.match(low, r.end):
            r.label = False
        r.sid = bisect_left(hard, r.start)
    return runs


def _trigger_plan(info: tuple[TriggerInfo, ...], idx: tuple[int, ...]) -> tuple[tuple[TriggerInfo, ...], bool]:
    """The rules of one trigger match that open a scope, and whether it closes scopes."""
    infos = [info[i] for i in idx]
    active = tuple(x for x in infos if x.category is not Category.TERMINATE and x.category is not Category.PSEUDO)
    return active, any(x.category is Category.TERMINATE for x in infos)


class Resolver:
    """ConText scope, cues and levels for every target of one document."""

    def __init__(
        self, doc: Document, targets: list[Match], triggers: list[Match], cues: dict[int, list[tuple[int, int, Any]]]
    ) -> None:
        self.doc = doc
        self.cues = cues
        self.starts = [t[1] for t in targets]
        self.ends = [t[2] for t in targets]
        self.rules_of = [t[3] for t in targets]
        hard, commas = doc.hard, doc.commas
        self.sid = [bisect_left(hard, s) for s in self.starts]
        self.seg = [bisect_left(commas, s) for s in self.starts] if commas else [0] * len(self.starts)
        memo = doc.rules.trigger_memo
        by_sentence: dict[int, list[_TriggerMatch]] = {}
        terminators: dict[int, list[tuple[int, int]]] = {}
        for _, start, end, idx in triggers:
            plan = memo.get(idx)
            if plan is None:
                plan = memo[idx] = _trigger_plan(doc.rules.trigger_info, idx)
            active, terminates = plan
            sid = bisect_left(hard, start)
            if active:
                by_sentence.setdefault(sid, []).append((start, end, active, bisect_left(commas, start)))
            if terminates:
                terminators.setdefault(sid, []).append((start, end))
        self.by_sentence = by_sentence
        self.trigger_starts = {sid: [t[0] for t in trigs] for sid, trigs in by_sentence.items()}
        self.terminators = terminators
        self.terminator_starts = {sid: [a for a, _ in spans] for sid, spans in terminators.items()}
        self._comma_memo: dict[int, bool] = {}
        self._runs: list[_Run] | None = None
        self._region_starts: list[int] | None = None
        self._region_sids: list[int] = []
        self.run_starts: list[int] = []

    @property
    def runs(self) -> list[_Run]:
        if self._runs is None:
            self._runs = _level_runs(self.doc)
            self.run_starts = [r.start for r in self._runs]
        return self._runs

    def mentions(self) -> list[Mention]:
        doc, rules = self.doc, self.doc.rules
        starts, ends, sids, rules_of = self.starts, self.ends, self.sid, self.rules_of
        target_count = Counter(sids)
        owner = self._attach_cues()
        out: list[Mention] = []
        with_levels = rules.findings_with_levels
        plans = rules.target_plans
        by_sentence, trigger_starts = self.by_sentence, self.trigger_starts
        header_ends, header_sections = doc.header_ends, doc.header_sections
        n_headers, next_header, section = len(header_ends), 0, Section.OTHER
        family = Section.FAMILY_HISTORY
        for ti in range(len(starts)):
            start, end, sid = starts[ti], ends[ti], sids[ti]
            while next_header < n_headers and header_ends[next_header] <= start:
                section = header_sections[next_header]
                next_header += 1
            trigs = by_sentence.get(sid)
            cats = (
                self._modifiers(ti, trigs, trigger_starts[sid])
                if trigs and target_count[sid] <= _MAX_MENTIONS_PER_SENTENCE
                else None
            )
            owned = owner.get(ti)
            side = severity = None
            limbs: frozenset[str] | set[str] = _NO_LIMBS
            if owned is not None:
                side = _pick(owned.get(SIDE))
                severity = _pick(owned.get(SEVERITY))
                if LIMB in owned:
                    limbs = {v for _, v in owned[LIMB]}
            target_rules = rules_of[ti]
            if len(target_rules) == 1:
                plan = plans[target_rules[0]]
                if plan.single is not None:  # one finding, no region, limb or level: the common case
                    status = (
                        plan.plain_status if cats is None and section is not family else _status(cats, plan, section)
                    )
                    if plan.only_status is None or status in plan.only_status:
                        out.append(new_mention(plan.single, status, start, end, section, side, (), severity))
                    continue
            levels: tuple[str, ...] | None = None
            region: str | None = None
            seen: set[str] | None = set() if len(target_rules) > 1 else None
            for ri in target_rules:
                plan = plans[ri]
                status = plan.plain_status if cats is None and section is not family else _status(cats, plan, section)
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
                    out.append(new_mention(fid, status, start, end, section, side, keep, severity))
        return out

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

    def _attach_cues(self) -> dict[int, dict[int, list[tuple[int, Any]]]]:
        """Give each side/limb/severity cue to the nearest target in its clause."""
        doc = self.doc
        owner: dict[int, dict[int, list[tuple[int, Any]]]] = {}
        starts, ends, sid, seg = self.starts, self.ends, self.sid, self.seg
        n = len(starts)
        if not n:
            return owner
        hard, commas = doc.hard, doc.commas
        for kind in (SIDE, LIMB, SEVERITY):
            for cs, ce, value in self.cues[kind]:
                c_sid = bisect_left(hard, cs)
                if c_sid != bisect_left(hard, ce - 1):
                    continue
                c_seg = bisect_left(commas, cs)
                if c_seg != bisect_left(commas, ce - 1):
                    continue
                i = bisect_right(starts, cs)
                best: tuple[int, int] | None = None
                for j in (i - 1, i, i - 2, i + 1):
                    if j < 0 or j >= n:
                        continue
                    if sid[j] != c_sid or seg[j] != c_seg:
                        continue
                    ts, te = starts[j], ends[j]
                    if bisect_left(hard, te - 1) != c_sid or (commas and bisect_left(commas, te - 1) != c_seg):
                        continue
                    if ts <= cs and ce <= te:
                        dist = 0
                    else:
                        dist = ts - ce if ce <= ts else cs - te
                        if dist < 0:
                            dist = 0
                    if dist > 30:
                        continue
                    if best is None or dist < best[0]:
                        best = (dist, j)
                if best is not None:
                    owner.setdefault(best[1], {}).setdefault(kind, []).append((best[0], value))
        return owner

    def _levels_for(self, ti: int, section: Section) -> tuple[str, ...]:
        runs = self.runs
        if not runs:
            return ()
        doc = self.doc
        start, end, sid = self.starts[ti], self.ends[ti], self.sid[ti]
        i = bisect_left(self.run_starts, end)
        if i < len(runs) and runs[i].sid == sid and _LEVEL_GAP.fullmatch(doc.flat, end, runs[i].start):
            return runs[i].levels
        for j in range(i - 1, -1, -1):
            r = runs[j]
            if r.end <= start and r.sid == sid:
                return r.levels
            if r.sid != sid:
                break
        if i < len(runs) and runs[i].sid == sid:
            return runs[i].levels
        first = runs[0]  # only the text's first level can be a label (see _level_runs): no scan back
        if first.label and first.end <= start:
            return first.levels if doc.section(first.start) == section else ()
        return ()

    def _modifiers(self, ti: int, triggers: list[_TriggerMatch], trigger_starts: list[int]) -> dict[Category, bool]:
        """ConText: which trigger categories reach this target (existence: the nearest one).

        Triggers are visited outwards from the target on each side. A scope that is
        closed (a terminator, a comma that does not open a list item, a clause that is
        not a list) stays closed for every trigger further away, so the walk stops
        there; it also stops once the nearest existence trigger and every other
        category are found, and after _MAX_TRIGGERS_EACH_SIDE triggers.
        """
        doc = self.doc
        found: dict[Category, bool] = {}
        t_start, t_end, seg_t, sid = self.starts[ti], self.ends[ti], self.seg[ti], self.sid[ti]
        flat, commas = doc.flat, doc.commas
        split = bisect_left(trigger_starts, t_end)
        best: tuple[bool, int, Category] | None = None
        term_starts = self.terminator_starts.get(sid)
        term_spans = self.terminators.get(sid, [])
        # Forward triggers, before the target: nearest first.
        hi = t_start
        comma_hi = bisect_left(commas, hi) if commas else 0
        for j in range(split - 1, max(split - _MAX_TRIGGERS_EACH_SIDE, 0) - 1, -1):
            _, lo, infos, s_seg = triggers[j]
            if term_starts:  # a terminator wholly inside [lo, hi] closes the scope
                k = bisect_left(term_starts, lo)
                if k < len(term_starts) and term_spans[k][1] <= hi:
                    break
            if comma_hi:
                comma_lo = bisect_left(commas, lo)
                closed = False
                for c in commas[comma_lo:comma_hi]:
                    if self._comma_closes(c):
                        closed = True
                        break
                if closed:
                    break
                comma_hi = comma_lo
            for info in infos:
                if not info.forward or (info.max_scope is not None and flat.count(" ", lo, hi) > info.max_scope):
                    continue
                if not info.existence:
                    found[info.category] = True
                elif best is None:
                    best = (s_seg != seg_t, hi - lo, info.category)
            if best is not None and len(found) == _OTHER_CATEGORIES:
                break
        forward_best, best = best, None
        # Backward triggers, after the target: nearest first.
        lo = t_end
        if split < len(triggers):
            seg_lo = bisect_left(commas, lo) if commas else 0
            t_seg_start = -1
            for j in range(split, min(split + _MAX_TRIGGERS_EACH_SIDE, len(triggers))):
                hi, _, infos, s_seg = triggers[j]
                if term_starts:
                    k = bisect_left(term_starts, lo)
                    if k < len(term_starts) and term_spans[k][1] <= hi:
                        break
                if commas and seg_lo != bisect_left(commas, hi):
                    if t_seg_start < 0:
                        t_seg_start = _seg_start(doc, t_start)
                    if not self._pure(t_seg_start, _seg_start(doc, hi)):
                        break
                for info in infos:
                    if not info.backward or (info.max_scope is not None and flat.count(" ", lo, hi) > info.max_scope):
                        continue
                    if not info.existence:
                        found[info.category] = True
                    elif best is None:
                        best = (s_seg != seg_t, hi - lo, info.category)
                if best is not None and len(found) == _OTHER_CATEGORIES:
                    break
        if forward_best is not None and (best is None or not best[:2] < forward_best[:2]):
            best = forward_best
        if best is not None:
            found[best[2]] = True
        return found

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
            j = bisect_left(starts, c)
            if j >= len(starts) or starts[j] >= seg_end:
                return False
            if not _FILLER.fullmatch(flat, c + 1, starts[j]):
                return False
            if _COPULA.search(flat, c, seg_end):
                return False
            i += 1
        return True


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


def _status(cats: dict[Category, bool] | None, plan: TargetPlan, section: Section) -> MentionStatus:
    if section is Section.FAMILY_HISTORY:
        return MentionStatus.FAMILY
    if not cats:
        return MentionStatus.ABSENT if plan.negated else MentionStatus.PRESENT
    if plan.family and cats.get(Category.FAMILY):
        return MentionStatus.FAMILY
    if plan.hypothetical and cats.get(Category.HYPOTHETICAL):
        return MentionStatus.HYPOTHETICAL
    if plan.negated:
        if cats.get(Category.POSSIBLE_EXISTENCE):
            return MentionStatus.POSSIBLE
        return MentionStatus.ABSENT
    if cats.get(Category.NEGATED_EXISTENCE):
        return MentionStatus.ABSENT
    if cats.get(Category.POSSIBLE_EXISTENCE):
        return MentionStatus.POSSIBLE
    if plan.historical and cats.get(Category.HISTORICAL):
        return MentionStatus.HISTORICAL
    return MentionStatus.PRESENT
