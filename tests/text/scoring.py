"""Precision, recall and F1 of extraction against the gold set (shared by tests and benchmarks/nlp.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"

NEWER_THAN_THE_EARLY_GOLD_SETS = frozenset({"severe_leg_weakness"})
"""Findings added to findings.yaml after the gold sets up to wild16 were written: their writers could not
annotate them, so neither the gold nor the reader's mentions of them are scored there (a foot drop is still
scored as leg weakness)."""
WRITTEN_WITH_EVERY_FINDING = frozenset({"wild17", "wild18", "wild19", "wild20", "wild21", "wild22", "wild23"})
"""Gold sets written with every finding of findings.yaml known: scored on all of them."""


def unscored_for(gold_set: str) -> frozenset[str]:
    """The findings a gold set's writer could not annotate (left out of its scoring)."""
    return frozenset() if gold_set in WRITTEN_WITH_EVERY_FINDING else NEWER_THAN_THE_EARLY_GOLD_SETS


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: set[Any], pred: set[Any]) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} (tp={self.tp} fp={self.fp} fn={self.fn})"


def load_jsonl(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score_sentences(
    items: Iterable[dict[str, Any]],
    predict: Callable[[str], list[dict[str, Any]]],
    unscored: frozenset[str] = NEWER_THAN_THE_EARLY_GOLD_SETS,
) -> dict[str, PRF]:
    """predict(text) -> mentions as dicts with finding, status, side, levels; ``unscored`` findings are left
    out of both sides (:func:`unscored_for`).

    overall: (finding, status) pairs; status:<s>: pairs with that status; side: (finding, side)
    where a side is given; level: (finding, level) pairs.
    """
    scores: dict[str, PRF] = {"overall": PRF(), "finding": PRF(), "side": PRF(), "level": PRF()}
    for item in items:
        pred = [m for m in predict(item["text"]) if m["finding"] not in unscored]
        gold = [e for e in item["expected"] if e["finding"] not in unscored]
        g_pairs = {(e["finding"], e["status"]) for e in gold}
        p_pairs = {(m["finding"], m["status"]) for m in pred}
        scores["overall"].add(g_pairs, p_pairs)
        scores["finding"].add({e["finding"] for e in gold}, {m["finding"] for m in pred})
        for status in {s for _, s in g_pairs | p_pairs}:
            scores.setdefault(f"status:{status}", PRF()).add(
                {p for p in g_pairs if p[1] == status}, {p for p in p_pairs if p[1] == status}
            )
        scores["side"].add(
            {(e["finding"], e["side"]) for e in gold if e["side"]},
            {(m["finding"], m["side"]) for m in pred if m.get("side")},
        )
        scores["level"].add(
            {(e["finding"], lvl) for e in gold for lvl in e["levels"]},
            {(m["finding"], lvl) for m in pred for lvl in m.get("levels") or []},
        )
    return scores


def score_notes(items: Iterable[dict[str, Any]], predict: Callable[[str], dict[str, str]]) -> PRF:
    """predict(text) -> {finding: present|absent}; scored as (finding, verdict) pairs."""
    prf = PRF()
    for item in items:
        read = {f: v for f, v in predict(item["text"]).items() if f not in NEWER_THAN_THE_EARLY_GOLD_SETS}
        prf.add(set(item["findings"].items()), set(read.items()))
    return prf
