"""Other ways notes write a target phrase's words: spelling, abbreviations and the plural.

``variants.yaml`` holds the rules (see its header); :func:`variant_phrases` applies them to the
phrases of one rule. Each variant changes one kind of word (every occurrence of it) and keeps at
least one word of the phrase whole, so that a single abbreviation ("ca", "sx") is never a target
alone. Applied once, at load: extraction sees only more literals in the automaton.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Abbreviation", "Plurals", "Spellings", "VariantsFile", "plural", "screens", "variant_phrases"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Spellings(_Strict):
    min_stem: int = Field(gt=0)
    starts: list[tuple[str, str]]
    ends: list[tuple[str, str]]
    ends_back: list[tuple[str, str]]


class Abbreviation(_Strict):
    word: str = Field(min_length=1)
    short: list[str] = Field(min_length=1)
    source: str = Field(min_length=3)


class Plurals(_Strict):
    """The regular English plural of a phrase's last word ("disc prolapse" -> "disc prolapses")."""

    min_length: int = Field(gt=0)
    not_after: list[str]
    """Endings of words that are not count nouns (adjectives, participles): never made plural."""
    source: str = Field(min_length=3)


class VariantsFile(_Strict):
    version: int
    spellings: Spellings
    abbreviations: list[Abbreviation]
    plurals: Plurals


def plural(word: str, rule: Plurals) -> str | None:
    """The regular plural of ``word`` (-s, -es after a sibilant, -ies after a consonant and y), or None
    for a word the rule leaves alone (short, not alphabetic, or with an ending of ``not_after``)."""
    if len(word) < rule.min_length or not word.isalpha() or word.endswith(tuple(rule.not_after)):
        return None
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _spelled(word: str, spellings: Spellings) -> Iterator[str]:
    for a, b in spellings.starts:
        for x, y in ((a, b), (b, a)):
            if word.startswith(x) and len(word) > len(x):
                yield y + word[len(x) :]
    for x, y in (*spellings.ends, *spellings.ends_back):
        if word.endswith(x) and len(word) - len(x) >= spellings.min_stem:
            yield word[: -len(x)] + y


def screens(spec: VariantsFile) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes that find, in one pass, whether a phrase has a word a rule could change (most have none)."""
    sp = spec.spellings
    starts = sorted({x for pair in sp.starts for x in pair}, key=len, reverse=True)
    ends = sorted({x for pair in (*sp.ends, *sp.ends_back) for x in pair}, key=len, reverse=True)
    words = sorted({a.word for a in spec.abbreviations}, key=len, reverse=True)
    spelling = re.compile(
        rf"(?<![\w])(?:{'|'.join(map(re.escape, starts))})|(?:{'|'.join(map(re.escape, ends))})(?![\w])"
    )
    abbreviation = re.compile(rf"(?<![^ ])(?:{'|'.join(map(re.escape, words))})(?![^ ])")
    return spelling, abbreviation


def variant_phrases(
    phrases: Iterable[str], spec: VariantsFile, prepared: tuple[re.Pattern[str], re.Pattern[str]] | None = None
) -> list[str]:
    """Every variant of ``phrases`` (lower case, words single-spaced), in a stable order, none repeated.

    ``prepared``: :func:`screens` of ``spec``, when the caller asks for many phrases one at a time."""
    out: dict[str, None] = {}
    spelling, abbreviation = prepared if prepared is not None else screens(spec)
    for phrase in phrases:
        words = " ".join(phrase.lower().split()).split(" ")
        joined = " ".join(words)
        many = plural(words[-1], spec.plurals)
        if many is not None:
            out[" ".join((*words[:-1], many))] = None
        if spelling.search(joined):
            for i, w in enumerate(words):
                for v in _spelled(w, spec.spellings):
                    out[" ".join((*words[:i], v, *words[i + 1 :]))] = None
        if not abbreviation.search(joined):
            continue
        text = " " + joined + " "
        for abbr in spec.abbreviations:
            key = f" {abbr.word} "
            if key not in text:
                continue
            kept = text.replace(key, " ").split()  # the words left whole
            if not kept:
                continue
            for short in abbr.short:
                out[re.sub(rf"(?<= ){re.escape(abbr.word)}(?= )", short, text).strip()] = None
    for phrase in phrases:
        out.pop(" ".join(phrase.lower().split()), None)
    return list(out)
