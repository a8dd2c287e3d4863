"""Other ways notes write a target phrase's words: British and American spelling, and abbreviations.

``variants.yaml`` holds the rules (see its header); :func:`variant_phrases` applies them to the
phrases of one rule. Each variant changes one kind of word (every occurrence of it) and keeps at
least one word of the phrase whole, so that a single abbreviation ("ca", "sx") is never a target
alone. Applied once, at load: extraction sees only more literals in the automaton.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Abbreviation", "Spellings", "VariantsFile", "variant_phrases"]


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


class VariantsFile(_Strict):
    version: int
    spellings: Spellings
    abbreviations: list[Abbreviation]


def _spelled(word: str, spellings: Spellings) -> Iterator[str]:
    for a, b in spellings.starts:
        for x, y in ((a, b), (b, a)):
            if word.startswith(x) and len(word) > len(x):
                yield y + word[len(x) :]
    for x, y in (*spellings.ends, *spellings.ends_back):
        if word.endswith(x) and len(word) - len(x) >= spellings.min_stem:
            yield word[: -len(x)] + y


def variant_phrases(phrases: Iterable[str], spec: VariantsFile) -> list[str]:
    """Every variant of ``phrases`` (lower case, words single-spaced), in a stable order, none repeated."""
    out: dict[str, None] = {}
    for phrase in phrases:
        words = " ".join(phrase.lower().split()).split(" ")
        for i, w in enumerate(words):
            for v in _spelled(w, spec.spellings):
                out[" ".join((*words[:i], v, *words[i + 1 :]))] = None
        text = " " + " ".join(words) + " "
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
