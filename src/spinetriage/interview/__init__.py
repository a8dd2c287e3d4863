"""Adaptive interview: the next best question, one answer at a time, and its simulation."""

from spinetriage.interview.engine import Question, Step, apply_answer, build_case, next_step
from spinetriage.interview.implications import Implied
from spinetriage.interview.simulation import KnownCase, Outcome, sample_cases, simulate, summarize, vignette_cases

__all__ = [
    "Implied",
    "KnownCase",
    "Outcome",
    "Question",
    "Step",
    "apply_answer",
    "build_case",
    "next_step",
    "sample_cases",
    "simulate",
    "summarize",
    "vignette_cases",
]
