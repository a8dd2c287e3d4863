"""Adaptive interview: the next best question, one answer at a time."""

from spinetriage.interview.engine import Question, Step, next_step

__all__ = ["Question", "Step", "next_step"]
