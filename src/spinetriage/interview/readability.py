"""Is a patient question plain enough? Flesch-Kincaid grade and a jargon list.

The Flesch-Kincaid grade level estimates the US school grade needed to read a text:

    0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59

Health-literacy guidance (NIH, AMA) asks for patient material at grade 6 to 8.
Syllables are counted with the usual heuristic (groups of vowels, a silent final
"e" dropped, at least one per word), which is what readability tools such as
``textstat`` do too; it is an estimate, good enough to flag a hard sentence, not to
rank two easy ones.
"""

from __future__ import annotations

import re

JARGON = (
    "ataxia",
    "babinski",
    "cervical",
    "claudication",
    "clonus",
    "corticosteroid",
    "dermatom",
    "hoffmann",
    "hyperreflexia",
    "immunosuppress",
    "incontinence",
    "intravenous",
    "lhermitte",
    "lumbar",
    "myelopathy",
    "neurogenic",
    "paraesthesia",
    "perineum",
    "radicular",
    "radiculopathy",
    "romberg",
    "saddle",
    "sciatica",
    "spasticity",
    "stenosis",
)
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Estimated syllables in one word (at least 1)."""
    w = word.lower().removesuffix("'s")
    count = len(_VOWEL_GROUPS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade level of ``text`` (a text with no sentence end counts as one sentence)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    total = sum(syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59


def jargon_in(text: str) -> list[str]:
    """The jargon stems found in ``text``, in list order."""
    lowered = text.lower()
    return [term for term in JARGON if term in lowered]
