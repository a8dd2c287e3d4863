"""The rule files under ``text/data`` parsed into strict schemas and compiled once.

    targets.yaml   phrases that name findings (TargetRule)
    lexicon.yaml   more of them, each group with its source: lay words, note abbreviations,
                   word-order and anatomical variants (LexiconRule)
    hpo_map.yaml + hpo_synonyms.yaml
                   names and exact synonyms of Human Phenotype Ontology terms (see _hpo.py)
    variants.yaml  British/American spellings and note abbreviations: every phrase above is also
                   read in those forms (see _variants.py)
    context.yaml   ConText triggers: negation, hedging, history, family... (ContextRule)
    sections.yaml  section headers (SectionRule)
    cues.yaml      side, limb, severity and region words (Cues)

A typo (unknown key, unknown finding id, bad regex) fails at load with every problem
listed, as :class:`spinetriage.errors.KnowledgeError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from itertools import product
from typing import Any, Literal

import ahocorasick  # type: ignore[import-not-found,unused-ignore]
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from spinetriage.errors import KnowledgeError
from spinetriage.yaml_reader import load_yaml

from ._episodes import Episodes, PastEpisodes, compile_episodes
from ._frames import FrameSet, FramesFile, compile_frames
from ._levels import LEVEL_STARTS
from ._model import MentionStatus, Section, Severity, Side
from ._scan import GatedPattern, guard

__all__ = [
    "CATEGORY_BIT",
    "FRAME",
    "LEN_SPAN",
    "OTHER_BITS",
    "Category",
    "CompiledRules",
    "ContextRule",
    "Direction",
    "TargetGroup",
    "TargetPlan",
    "TargetRule",
    "TriggerGroup",
    "TriggerInfo",
    "frame_group",
    "load_rules",
    "wordify",
]


class Category(StrEnum):
    NEGATED_EXISTENCE = "NEGATED_EXISTENCE"
    POSSIBLE_EXISTENCE = "POSSIBLE_EXISTENCE"
    AFFIRMED_EXISTENCE = "AFFIRMED_EXISTENCE"
    HISTORICAL = "HISTORICAL"
    HYPOTHETICAL = "HYPOTHETICAL"
    FAMILY = "FAMILY"
    TERMINATE = "TERMINATE"
    PSEUDO = "PSEUDO"


class Direction(StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"
    BIDIRECTIONAL = "bidirectional"
    TERMINATE = "terminate"
    PSEUDO = "pseudo"


Region = Literal["cervical", "lumbar", "thoracic"]
Limb = Literal["upper", "lower"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetRule(_Strict):
    """Words that name one or more findings (see the header of targets.yaml)."""

    findings: list[str]
    phrases: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    by_region: dict[Region, list[str]] | None = None
    by_limb: dict[Limb, list[str]] | None = None
    limb_of_the_note: bool = False
    """With ``by_limb``: when no limb is named in its clause, the limb of the findings the rest of the note
    affirms, else of those it names ("L sciatica. Power 5/5.": the legs); none if both or neither."""
    polarity: Literal["affirmed", "negated"] = "affirmed"
    only_status: list[MentionStatus] | None = None
    ignore: list[Category] = Field(default_factory=list)
    present_as: Literal["historical", "possible"] | None = None
    """The status a mention gets where ConText finds nothing else ("ex-IVDU" is historical)."""

    @model_validator(mode="after")
    def _the_note_places_only_by_limb(self) -> TargetRule:
        if self.limb_of_the_note and self.by_limb is None:
            raise ValueError("limb_of_the_note needs by_limb: the findings of each limb")
        return self


class LexiconRule(TargetRule):
    """Target phrases added beside targets.yaml, with where they come from."""

    source: str = Field(min_length=3)
    combinations: list[list[list[str]]] = Field(default_factory=list)
    """More phrases, each product one word or phrase from each slot in turn ("" leaves a slot empty):
    [[["his", "her"], ["hand", "hands"], ["became weak"]]] gives "his hand became weak"... A made phrase
    that another rule already names keeps that meaning (it is skipped, not a problem)."""

    def made_phrases(self) -> list[str]:
        out: dict[str, None] = {}
        for slots in self.combinations:
            for combo in product(*slots):
                out.setdefault(" ".join(w for w in combo if w), None)
        return list(out)


class _LexiconFile(_Strict):
    targets: list[LexiconRule]


class ContextRule(_Strict):
    """A ConText trigger: "no" (negation, forward), "is possible" (possible, backward)..."""

    category: Category
    direction: Direction
    literals: list[str] = Field(default_factory=list)
    pattern: str | None = None
    max_scope: int | None = Field(default=None, gt=0)
    crosses_commas: bool = False
    """A scope that reaches over commas: backward, to what was named before an aside (an ending said
    after it: "Hoffmann, positive on admission, was no longer present at discharge"); forward, over the
    items of a list that are clauses of their own (safety-netting: "return if you notice numbness
    between your legs, cannot pass urine or your legs become weak")."""
    combinations: list[list[str]] = Field(default_factory=list)
    """More literals, one word or phrase from each list in turn ("" leaves a slot empty): ["but",
    "which"] x ["it", "this", ""] x ["has settled", "resolved"] gives "but it has settled", "which
    resolved"... (see :meth:`all_literals`)."""

    def all_literals(self) -> list[str]:
        """``literals`` and every phrase ``combinations`` makes, in order, none repeated; each also as patients
        type it, without the apostrophe of a negative contraction ("dont have any", "hasnt had any")."""
        out = dict.fromkeys(self.literals)
        for combo in product(*self.combinations) if self.combinations else ():
            out.setdefault(" ".join(w for w in combo if w), None)
        for literal in list(out):
            if "n't" in literal:
                out.setdefault(literal.replace("n't", "nt"), None)
        return list(out)

    @model_validator(mode="after")
    def _only_one_way_scopes_cross_commas(self) -> ContextRule:
        if self.crosses_commas and self.direction not in (Direction.BACKWARD, Direction.FORWARD):
            raise ValueError("crosses_commas applies to backward or forward rules only, not both ways")
        return self


class SectionRule(_Strict):
    section: Section
    phrases: list[str]


class BothSides(_Strict):
    finding: str
    named_by: list[str]


class Cues(_Strict):
    sides: dict[Side, list[str]]
    limbs: dict[Limb, list[str]]
    severities: dict[Severity, list[str]]
    regions: dict[Region, list[str]]
    both_sides: list[BothSides] = Field(default_factory=list)
    episodes: Episodes | None = None


class _TargetsFile(_Strict):
    targets: list[TargetRule]


class _ContextFile(_Strict):
    rules: list[ContextRule]


class _SectionsFile(_Strict):
    headers: list[SectionRule]


# Payload kinds in the automaton.
TARGET, TRIGGER, SIDE, LIMB, SEVERITY, REGION, FRAME = range(7)

Hit = tuple[str | None, int | None, Any, tuple[tuple[int, Any], ...]]
"""One literal's meaning: (literal to verify or None, sort tail or None, rules, cues as (kind, value)).

The sort tail orders matches at one start: longer first, then targets before triggers;
it is None when the literal is only a cue word. Rules: the TargetGroup if the literal
names a target, else its TriggerGroup (None for a cue word).
"""
LEN_SPAN = 1 << 21  # > any text length accepted (MAX_TEXT_CHARS)


_NON_ALNUM_ASCII = bytes(c if chr(c).isalnum() else 32 for c in range(256))
_NON_ALNUM = re.compile(r"[\W_]")


def wordify(text: str) -> str:
    """``text`` with every non-alphanumeric character replaced by a space (same length).

    Literals that begin and end with a letter or digit are matched against this form,
    padded with a space each side, so that the automaton itself enforces whole words.
    """
    if text.isascii():  # bytes.translate: a table lookup per byte, 3x faster than str.translate
        return text.encode("ascii").translate(_NON_ALNUM_ASCII).decode("ascii")
    return _NON_ALNUM.sub(" ", text)


# ConText categories as bits, so that what reaches a mention is one int (a table index).
CATEGORY_BIT: dict[Category, int] = {
    Category.NEGATED_EXISTENCE: 1,
    Category.POSSIBLE_EXISTENCE: 2,
    Category.AFFIRMED_EXISTENCE: 4,
    Category.HISTORICAL: 8,
    Category.HYPOTHETICAL: 16,
    Category.FAMILY: 32,
}
OTHER_BITS = 8 | 16 | 32
"""HISTORICAL, HYPOTHETICAL, FAMILY: the categories any reaching trigger sets (existence: the nearest)."""
_NEG, _POSS, _HIST, _HYPO, _FAM = 1, 2, 8, 16, 32


@dataclass(frozen=True, slots=True)
class TriggerInfo:
    """A trigger rule reduced to what scope resolution reads in its inner loop."""

    category: Category
    direction: Direction
    max_scope: int | None
    forward: bool
    backward: bool
    existence: bool
    crosses_commas: bool = False


TriggerScope = tuple[int | None, bool, int, bool]
"""One rule of a trigger match as the scope walk reads it: (max_scope, existence, category bit, crosses commas)."""

TriggerGroup = tuple[tuple[TriggerScope, ...], tuple[TriggerScope, ...], bool, bool, bool]
"""The rules of one trigger match: (forward scopes, backward scopes, opens a scope, terminates, a forward
scope crosses commas)."""


def trigger_group(info: tuple[TriggerInfo, ...], idx: tuple[int, ...]) -> TriggerGroup:
    """The rules of one trigger match that open a scope (by direction), and whether it closes scopes."""
    infos = [info[i] for i in idx]
    active = [x for x in infos if x.category is not Category.TERMINATE and x.category is not Category.PSEUDO]
    forward = tuple((x.max_scope, x.existence, CATEGORY_BIT[x.category], x.crosses_commas) for x in active if x.forward)
    backward = tuple(
        (x.max_scope, x.existence, CATEGORY_BIT[x.category], x.crosses_commas) for x in active if x.backward
    )
    terminates = any(x.category is Category.TERMINATE for x in infos)
    return forward, backward, bool(active), terminates, any(scope[3] for scope in forward)


@dataclass(frozen=True, slots=True)
class TargetPlan:
    """A target rule reduced to what the per-mention loop reads (tuples, flags)."""

    findings: tuple[str, ...]
    by_region: dict[str, tuple[str, ...]] | None
    by_limb: dict[str, tuple[str, ...]] | None
    limb_of_the_note: bool
    negated: bool
    only_status: frozenset[MentionStatus] | None
    family: bool
    hypothetical: bool
    historical: bool
    """family/hypothetical/historical: whether that ConText category applies (not ignored)."""
    statuses: tuple[MentionStatus, ...] = ()
    """The status for each set of category bits that reach the mention (outside a family history section)."""
    single: str | None = None
    """The one finding id, when the rule names exactly one with no region, limb or levels."""

    @classmethod
    def of(cls, rule: TargetRule, with_levels: frozenset[str]) -> TargetPlan:
        def groups(d: dict[Any, list[str]] | None) -> dict[str, tuple[str, ...]] | None:
            return None if d is None else {str(k): tuple(v) for k, v in d.items()}

        single = None
        if rule.by_region is None and rule.by_limb is None and len(rule.findings) == 1:
            single = None if rule.findings[0] in with_levels else rule.findings[0]
        negated = rule.polarity == "negated"
        family = Category.FAMILY not in rule.ignore
        hypothetical = Category.HYPOTHETICAL not in rule.ignore
        historical = Category.HISTORICAL not in rule.ignore
        return cls(
            single=single,
            findings=tuple(rule.findings),
            by_region=groups(rule.by_region),
            by_limb=groups(rule.by_limb),
            limb_of_the_note=rule.limb_of_the_note,
            negated=negated,
            only_status=None if rule.only_status is None else frozenset(rule.only_status),
            family=family,
            hypothetical=hypothetical,
            historical=historical,
            statuses=tuple(
                MentionStatus(rule.present_as) if rule.present_as and s is MentionStatus.PRESENT else s
                for s in (_status(bits, negated, family, hypothetical, historical) for bits in range(64))
            ),
        )


def _status(bits: int, negated: bool, family: bool, hypothetical: bool, historical: bool) -> MentionStatus:
    """ConText's verdict from the categories that reach a mention (family, then hypothetical, then existence)."""
    if not bits:
        return MentionStatus.ABSENT if negated else MentionStatus.PRESENT
    if family and bits & _FAM:
        return MentionStatus.FAMILY
    if hypothetical and bits & _HYPO:
        return MentionStatus.HYPOTHETICAL
    if negated:
        return MentionStatus.POSSIBLE if bits & _POSS else MentionStatus.ABSENT
    if bits & _NEG:
        return MentionStatus.ABSENT
    if bits & _POSS:
        return MentionStatus.POSSIBLE
    if historical and bits & _HIST:
        return MentionStatus.HISTORICAL
    return MentionStatus.PRESENT


TargetGroup = tuple[str | None, tuple[MentionStatus, ...], frozenset[MentionStatus] | None, tuple[TargetPlan, ...]]
"""The rules of one target match: (the one finding id when a single plain rule, its statuses, its
only_status, every plan). Built once per distinct set of rules at load."""


def target_group(plans: tuple[TargetPlan, ...], idx: tuple[int, ...]) -> TargetGroup:
    chosen = tuple(plans[i] for i in idx)
    first = chosen[0]
    if len(chosen) == 1 and first.single is not None:
        return first.single, first.statuses, first.only_status, chosen
    return None, first.statuses, first.only_status, chosen


@dataclass(frozen=True, slots=True)
class CompiledRules:
    targets: tuple[TargetRule, ...]
    triggers: tuple[ContextRule, ...]
    trigger_info: tuple[TriggerInfo, ...]
    word_automaton: Any
    """Aho-Corasick over wordify(text) padded: " literal " -> (len(literal) + 1, *Hit, other Hits).

    Several literals can share a whole-word form ("left-sided", "left sided"): the
    first is unpacked, the others follow, each verified against the text."""
    flat_automaton: Any
    """Aho-Corasick over the text for literals that begin or end with punctuation ("(l)", "dtrs 3+"),
    the gate keys of target_patterns and trigger_patterns, and where spinal levels can start."""
    target_patterns: GatedPattern | None
    trigger_patterns: GatedPattern | None
    """Trigger patterns that begin with punctuation (tried where it is)."""
    word_trigger_patterns: GatedPattern | None
    """Trigger patterns that begin with words (tried where those words are)."""
    header_re: re.Pattern[str]
    """Section headers at line starts, run over ``"\\n" + text`` (positions one past the text's)."""
    header_sections: dict[str, Section]
    imaging_findings: frozenset[str]
    target_plans: tuple[TargetPlan, ...]
    pattern_groups: dict[str, Any]
    """Regex group name of a target or trigger pattern -> its TargetGroup or TriggerGroup."""
    findings_with_levels: frozenset[str]
    """Findings whose mentions keep their spinal levels: imaging findings and sensory level."""
    both_sides: dict[str, str]
    """A finding named on both sides -> the finding that says so ("BLE weakness": symptoms in both legs)."""
    limb_of: dict[str, str] = field(default_factory=dict)
    """Each finding of a limb (findings.yaml region upper_limb or lower_limb) -> "upper" or "lower"."""
    episodes: PastEpisodes | None = None
    """A past episode named without its finding (cues.yaml, see _episodes.py)."""
    frames: FrameSet | None = None
    """Body part x symptom word (x walking...) within a few words (frames.yaml, see _frames.py)."""
    frame_cache: dict[tuple[int, frozenset[str]], tuple[Any, Any]] | None = None
    """(id of a target's group or 0, frame findings) -> (that group, the group with them added)."""


def frame_group(rules: CompiledRules, old: TargetGroup | None, found: frozenset[str]) -> TargetGroup | None:
    """The TargetGroup of a frame's symptom word: ``old`` (the target it lies in) with the frame's
    findings added, or a group of its own (``old`` None, or a blocker: "pain" alone names nothing,
    "pain in both legs" does). None when ``old`` says a finding is absent ("legs normal")."""
    cache = rules.frame_cache
    assert cache is not None
    key = (0 if old is None else id(old), found)
    hit = cache.get(key)
    if hit is not None and hit[0] is old:  # the same group, not another that reused its id
        return hit[1]  # type: ignore[no-any-return]
    plan = TargetPlan.of(TargetRule(findings=sorted(found)), rules.findings_with_levels)
    result: TargetGroup | None
    if old is None:
        result = target_group((plan,), (0,))
    else:
        _, statuses, only_status, plans = old
        if any(p.negated for p in plans):
            result = None
        elif not any(p.findings or p.by_region or p.by_limb for p in plans):
            result = target_group((plan,), (0,))  # a word too vague alone ("pain"), made precise by its part
        else:
            result = (None, statuses, only_status, (*plans, plan))
    cache[key] = (old, result)
    return result


def _automata(payloads: dict[str, list[tuple[int, Any]]], group: Any) -> tuple[Any, dict[str, Hit]]:
    """The whole-word automaton, and the literals that begin or end with punctuation (by key).

    A literal's rule indices are stored as their group (``group(is_target, indices)``):
    a TargetGroup or TriggerGroup, so that resolution reads them without lookups."""
    words: dict[str, list[Hit]] = {}
    punct: dict[str, Hit] = {}
    for key, items in payloads.items():
        targets = tuple(i for kind, i in items if kind == TARGET)
        triggers = tuple(i for kind, i in items if kind == TRIGGER)
        tail = None if not (targets or triggers) else (LEN_SPAN - len(key)) * 2 + (0 if targets else 1)
        cues = tuple((kind, v) for kind, v in items if kind not in (TARGET, TRIGGER))
        rules = group(bool(targets), targets or triggers) if tail is not None else None
        if key[0].isalnum() and key[-1].isalnum():
            words.setdefault(f" {wordify(key)} ", []).append((None if key.isalnum() else key, tail, rules, cues))
        else:
            punct[key] = (key, tail, rules, cues)
    automaton = ahocorasick.Automaton()
    for wkey, hits in words.items():
        verify, tail, rules, cues = hits[0]
        automaton.add_word(wkey, (len(wkey) - 1, verify, tail, rules, cues, tuple(hits[1:])))
    automaton.make_automaton()
    return automaton, punct


def _trigger_group(alternatives: list[str], sources: list[str]) -> GatedPattern | None:
    """One gated alternation of trigger patterns (the first alternative, in order, that matches wins)."""
    if not alternatives:
        return None
    return GatedPattern(
        re.compile(guard(sources) + "(?:" + "|".join(alternatives) + ")"), sources, split=("", alternatives, "")
    )


def _flat_automaton(
    punct: dict[str, Hit], gates: list[tuple[tuple[str, Any], ...]], level_starts: tuple[str, ...]
) -> Any:
    """One Aho-Corasick pass over the text for everything not matched as whole words.

    Payload: (length, punctuation literal Hit or None, one value per gated pattern (for its
    gate keys: the alternatives that can begin there, or True), whether a spinal level can
    start here)."""
    keys: dict[str, list[Any]] = {}

    def role(key: str, i: int, value: Any) -> None:
        keys.setdefault(key, [len(key), None, *(False for _ in gates), False])[i] = value

    for key, hit in punct.items():
        role(key, 1, hit)
    for g, gate_keys in enumerate(gates):
        for key, value in gate_keys:
            role(key, 2 + g, value)
    for key in level_starts:
        role(key, 2 + len(gates), True)
    automaton = ahocorasick.Automaton()
    for key, payload in keys.items():
        automaton.add_word(key, tuple(payload))
    automaton.make_automaton()
    return automaton


def _read_yaml(name: str) -> Any:
    return load_yaml(resources.files("spinetriage.text").joinpath("data").joinpath(name).read_text(encoding="utf-8"))


def _finding_kinds_and_limbs() -> tuple[dict[str, str], dict[str, str]]:
    """Each finding's kind, and the limb ("upper" or "lower") of those findings.yaml places in one, from the
    validated knowledge bundle (one source, one version)."""
    from spinetriage.knowledge import default_knowledge

    limbs = {"upper_limb": "upper", "lower_limb": "lower"}
    findings = default_knowledge().findings.items()
    kinds = {f: finding.kind.value for f, finding in findings}
    return kinds, {f: limbs[finding.region.value] for f, finding in findings if finding.region.value in limbs}


def _parse(model: type[BaseModel], name: str, problems: list[str]) -> Any:
    try:
        return model.model_validate(_read_yaml(name))
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            problems.append(f"text/data/{name}: {loc}: {err['msg']}")
        return None


def _key(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _extra_targets(base: list[TargetRule], problems: list[str]) -> tuple[TargetRule, ...]:
    """Rules from lexicon.yaml and the HPO synonym table, less phrases targets.yaml already has.

    targets.yaml stays authoritative: a phrase it names (including its blockers) keeps its
    meaning there; the other sources only add words it does not know. A lexicon phrase that an
    earlier rule already names would never be read, so it is a problem; the generated HPO table
    only fills what is left."""
    from ._hpo import HpoMap, HpoTable

    taken = {_key(p) for t in base for p in t.phrases}
    out: list[TargetRule] = []
    lexicon = _parse(_LexiconFile, "lexicon.yaml", problems)
    hpo_map = _parse(HpoMap, "hpo_map.yaml", problems)
    table = _parse(HpoTable, "hpo_synonyms.yaml", problems)
    if lexicon is not None:
        for i, rule in enumerate(lexicon.targets):
            fresh = []
            for phrase in rule.phrases:
                if _key(phrase) in taken:
                    problems.append(
                        f"text/data/lexicon.yaml: targets.{i}: {phrase!r} is already named by targets.yaml "
                        "or an earlier lexicon rule, so it would never be read"
                    )
                else:
                    fresh.append(phrase)
                    taken.add(_key(phrase))
            for phrase in rule.made_phrases():
                if phrase and _key(phrase) not in taken:
                    fresh.append(phrase)
                    taken.add(_key(phrase))
            if fresh or rule.patterns:
                out.append(rule.model_copy(update={"phrases": fresh, "combinations": []}))
    if hpo_map is None or table is None:
        return tuple(out)
    if not table.hpo_release:
        problems.append(
            "text/data/hpo_synonyms.yaml: hpo_release: missing (rebuild with python -m spinetriage.text._hpo)"
        )
    entries = {e.key: e for e in hpo_map.entries}
    if len(entries) != len(hpo_map.entries):
        problems.append("text/data/hpo_map.yaml: entries: duplicate key")
    for key in sorted(set(table.synonyms) ^ set(entries)):
        problems.append(
            f"text/data/hpo_synonyms.yaml: synonyms.{key}: not the same entries as hpo_map.yaml "
            "(rebuild with python -m spinetriage.text._hpo)"
        )
    for key, entry in entries.items():
        rows = table.synonyms.get(key, [])
        for s in rows:
            if s.term not in entry.terms:
                problems.append(f"text/data/hpo_synonyms.yaml: synonyms.{key}: {s.term} is not a term of this entry")
        fresh = [s.phrase for s in rows if _key(s.phrase) not in taken]
        taken |= {_key(p) for p in fresh}
        if fresh:
            rule = TargetRule(findings=entry.findings, by_limb=entry.by_limb, by_region=entry.by_region, phrases=fresh)
            out.append(rule)
    return tuple(out)


def _variant_targets(rules: tuple[TargetRule, ...], problems: list[str]) -> tuple[TargetRule, ...]:
    """Each rule again with its phrases' spelling and abbreviation variants (variants.yaml, see _variants.py).

    A variant that is already a phrase of any rule keeps that rule's meaning; a variant of a phrase that
    several rules share (they name its findings together) goes to each of them."""
    from ._variants import VariantsFile, screens, variant_phrases

    spec = _parse(VariantsFile, "variants.yaml", problems)
    if spec is None:
        return ()
    named_by: dict[str, list[int]] = {}  # each phrase and the rules that name it (together)
    for i, rule in enumerate(rules):
        for p in rule.phrases:
            named_by.setdefault(_key(p), []).append(i)
    given: dict[int, list[str]] = {}
    claimed: set[str] = set(named_by)
    prepared = screens(spec)
    for phrase, owners in named_by.items():
        for v in variant_phrases([phrase], spec, prepared):
            if v not in claimed:  # the first phrase to give a variant keeps it
                claimed.add(v)
                for i in owners:
                    given.setdefault(i, []).append(v)
    fields = set(TargetRule.model_fields)
    return tuple(
        TargetRule(**{**rules[i].model_dump(include=fields), "phrases": given[i], "patterns": []})
        for i in sorted(given)
    )


@lru_cache(maxsize=1)
def load_rules() -> CompiledRules:
    """Parse, validate and compile every rule file (once per process)."""
    problems: list[str] = []
    targets_file = _parse(_TargetsFile, "targets.yaml", problems)
    context_file = _parse(_ContextFile, "context.yaml", problems)
    sections_file = _parse(_SectionsFile, "sections.yaml", problems)
    cues = _parse(Cues, "cues.yaml", problems)
    frames_file = _parse(FramesFile, "frames.yaml", problems)
    kinds, limb_of = _finding_kinds_and_limbs()
    if problems:
        raise KnowledgeError(problems)
    assert targets_file and context_file and sections_file and cues and frames_file

    targets: tuple[TargetRule, ...] = tuple(targets_file.targets) + _extra_targets(targets_file.targets, problems)
    targets += _variant_targets(targets, problems)
    triggers: tuple[ContextRule, ...] = tuple(context_file.rules)
    for i, t in enumerate(targets):
        ids = list(t.findings)
        for group in (t.by_region or {}).values():
            ids += group
        for group in (t.by_limb or {}).values():
            ids += group
        where = "text/data targets (targets.yaml, lexicon.yaml, hpo_map.yaml)"
        problems += [f"{where}: rule {i}: unknown finding id {f!r}" for f in ids if f not in kinds]
        if not t.phrases and not t.patterns:
            problems.append(f"text/data/targets.yaml: targets.{i}: needs phrases or patterns")
        for p in t.patterns:
            try:
                re.compile(p)
            except re.error as exc:
                problems.append(f"text/data/targets.yaml: targets.{i}: bad pattern {p!r}: {exc}")
    for i, r in enumerate(triggers):
        if not r.literals and not r.combinations and r.pattern is None:
            problems.append(f"text/data/context.yaml: rules.{i}: needs literals or pattern")
        if r.pattern is not None:
            try:
                re.compile(r.pattern)
            except re.error as exc:
                problems.append(f"text/data/context.yaml: rules.{i}: bad pattern {r.pattern!r}: {exc}")
    for kind, classes in (
        ("parts", frames_file.parts),
        ("symptoms", frames_file.symptoms),
        ("tails", frames_file.tails),
    ):
        for c in classes:
            problems += [
                f"text/data/frames.yaml: {kind}.{c.name}: unknown finding id {f!r}"
                for f in c.findings
                if f not in kinds
            ]
    for i, rule in enumerate(cues.both_sides):
        for f in (rule.finding, *rule.named_by):
            if f not in kinds:
                problems.append(f"text/data/cues.yaml: both_sides.{i}: unknown finding id {f!r}")
    if cues.episodes is not None:
        for key in ("radiating", "complaints"):
            problems += [
                f"text/data/cues.yaml: episodes.{key}: unknown finding id {f!r}"
                for f in getattr(cues.episodes, key)
                if f not in kinds
            ]
    if problems:
        raise KnowledgeError(problems)

    payloads: dict[str, list[tuple[int, Any]]] = {}

    def add(literal: str, payload: tuple[int, Any]) -> None:
        key = " ".join(literal.lower().split())
        if key:
            payloads.setdefault(key, []).append(payload)

    for i, t in enumerate(targets):
        for phrase in t.phrases:
            add(phrase, (TARGET, i))
    for i, r in enumerate(triggers):
        for lit in r.all_literals():
            add(lit, (TRIGGER, i))
    for side, words in cues.sides.items():
        for w in words:
            add(w, (SIDE, side))
    for limb, words in cues.limbs.items():
        for w in words:
            add(w, (LIMB, limb))
    for sev, words in cues.severities.items():
        for w in words:
            add(w, (SEVERITY, sev))
    for region, words in cues.regions.items():
        for w in words:
            add(w, (REGION, region))
    frames = compile_frames(frames_file)
    for w in sorted(frames.anchors):
        add(w, (FRAME, frames.frames_of[w]))
    trigger_info = tuple(
        TriggerInfo(
            category=r.category,
            direction=r.direction,
            max_scope=r.max_scope,
            forward=r.direction in (Direction.FORWARD, Direction.BIDIRECTIONAL),
            backward=r.direction in (Direction.BACKWARD, Direction.BIDIRECTIONAL),
            existence=r.category
            in (Category.NEGATED_EXISTENCE, Category.POSSIBLE_EXISTENCE, Category.AFFIRMED_EXISTENCE),
            crosses_commas=r.crosses_commas,
        )
        for r in triggers
    )
    with_levels = frozenset(f for f, k in kinds.items() if k == "imaging") | {"sensory_level"}
    target_plans = tuple(TargetPlan.of(t, with_levels) for t in targets)
    groups: dict[tuple[bool, tuple[int, ...]], Any] = {}

    def group_of(is_target: bool, idx: tuple[int, ...]) -> Any:
        """One shared group object per distinct set of rules."""
        key = (is_target, idx)
        if key not in groups:
            groups[key] = target_group(target_plans, idx) if is_target else trigger_group(trigger_info, idx)
        return groups[key]

    word_automaton, punct = _automata(payloads, group_of)
    target_alts = [f"(?P<t{i}_{j}>{p})" for i, t in enumerate(targets) for j, p in enumerate(t.patterns)]
    trigger_alts = [f"(?P<c{i}>{r.pattern})" for i, r in enumerate(triggers) if r.pattern]
    target_sources = [p for t in targets for p in t.patterns]
    trigger_sources = [r.pattern for r in triggers if r.pattern]
    header_sections: dict[str, Section] = {}
    for rule in sections_file.headers:
        for phrase in rule.phrases:
            header_sections[" ".join(phrase.lower().split())] = rule.section
    names = sorted(header_sections, key=len, reverse=True)
    # Led by a newline (the text is read with one in front) rather than "^": the regex engine
    # then jumps from newline to newline instead of trying every position. Names are grouped
    # by first letter, longest first within a group, so a line is tested against one group;
    # names with different first letters never both match, so the match is the same as with
    # the flat longest-first alternation.
    by_first: dict[str, list[str]] = {}
    for name in names:
        by_first.setdefault(name[0], []).append(re.escape(name[1:]).replace(r"\ ", r"[ \t]+"))
    alternation = "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items())
    header_re = re.compile(
        r"(?m)\n[ \t]*(?:[#*\-•]+[ \t]*)?(" + alternation + r")[ \t]*(?::|-(?=[ \t])|(?=[ \t]*\r?$))"
    )
    pattern_groups: dict[str, Any] = {
        f"t{i}_{j}": group_of(True, (i,)) for i, t in enumerate(targets) for j in range(len(t.patterns))
    }
    pattern_groups.update({f"c{i}": group_of(False, (i,)) for i, r in enumerate(triggers) if r.pattern})
    target_patterns = (
        GatedPattern(
            re.compile(guard(target_sources) + r"(?<![a-z0-9])(?:" + "|".join(target_alts) + r")(?![a-z0-9])"),
            target_sources,
            split=(r"(?<![a-z0-9])", target_alts, r"(?![a-z0-9])"),
        )
        if target_alts
        else None
    )
    # Trigger patterns that begin with words ("if he leans") are tried where those words are; the others
    # where their punctuation is. Together, one pattern beginning with a letter would have every occurrence
    # of that letter tried as a start.
    by_words = [GatedPattern(re.compile(src), [src]).gated_by_words for src in trigger_sources]
    trigger_patterns, word_trigger_patterns = (
        _trigger_group(
            [a for a, w in zip(trigger_alts, by_words, strict=True) if w is words],
            [s for s, w in zip(trigger_sources, by_words, strict=True) if w is words],
        )
        for words in (False, True)
    )
    gates = [
        tuple((key, (p.gate_alts.get(key) or True)) for key in p.gate_keys) if p is not None else ()
        for p in (target_patterns, trigger_patterns, word_trigger_patterns)
    ]
    return CompiledRules(
        targets=targets,
        triggers=triggers,
        trigger_info=trigger_info,
        word_automaton=word_automaton,
        flat_automaton=_flat_automaton(punct, gates, LEVEL_STARTS),
        target_patterns=target_patterns,
        trigger_patterns=trigger_patterns,
        word_trigger_patterns=word_trigger_patterns,
        header_re=header_re,
        header_sections=header_sections,
        imaging_findings=frozenset(f for f, k in kinds.items() if k == "imaging"),
        target_plans=target_plans,
        pattern_groups=pattern_groups,
        findings_with_levels=with_levels,
        both_sides={f: rule.finding for rule in cues.both_sides for f in rule.named_by},
        limb_of=limb_of,
        episodes=compile_episodes(cues.episodes) if cues.episodes is not None else None,
        frames=frames if frames.patterns else None,
        frame_cache={},
    )
