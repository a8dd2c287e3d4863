"""The strength of one finding for one condition, in every form clinicians read it: likelihood
ratios and sensitivity and specificity (given or derived from the other pair), for the CLI's
evidence panel and the web knowledge page alike; and how a likelihood ratio is written."""

from __future__ import annotations

from dataclasses import dataclass

from spinetriage.knowledge.schema import Likelihood


@dataclass(frozen=True)
class Strength:
    lr_present: str
    lr_absent: str
    sensitivity: str
    specificity: str


def strength(link: Likelihood) -> Strength:
    lr_absent = link.lr_absent
    if lr_absent is None:
        assert link.sensitivity is not None and link.specificity is not None
        lr_absent = (1.0 - link.sensitivity) / link.specificity
    return Strength(
        lr_present=f"{link.ratio_present:.2g}",
        lr_absent=f"{lr_absent:.2g}",
        sensitivity=f"{link.p_present_given_condition:.0%}",
        specificity=f"{1.0 - link.p_present_without_condition:.0%}",
    )


DECISIVE = 1e12
"""A likelihood ratio this far from 1 (either way) decides the condition: no measured ratio comes near it."""


def ratio_text(ratio: float) -> str:
    """A likelihood ratio for reading: two decimals in the usual range, powers of ten outside it.

    A finding that all but decides a condition (back pain for non-specific back pain, whose
    share is the complaint itself) has a ratio near e**690; written out in full it was 300
    digits wide and pushed the page sideways; as "5.9e+298" it read as a number someone had
    measured. Beyond a million-million either way the ratio says only that the condition cannot be
    there without the finding (or with it): it is written as such."""
    if ratio >= DECISIVE:
        return "decisive"
    if ratio <= 1.0 / DECISIVE:
        return "excludes"
    if 0.01 <= ratio < 1000.0:
        return f"{ratio:.2f}"
    return f"{ratio:.1e}"
