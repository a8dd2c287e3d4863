"""Hypothesis strategies for random patients over the shipped knowledge base."""

from __future__ import annotations

from hypothesis import strategies as st

from spinetriage.engine.posterior import Patient
from spinetriage.knowledge import default_knowledge
from spinetriage.vocab import Sex, Status

KB = default_knowledge()
LINKED = sorted({f for (_, f) in KB.likelihoods})
KNOWN = st.sampled_from([Status.PRESENT, Status.ABSENT])


def patients(max_findings: int = 20) -> st.SearchStrategy[Patient]:
    return st.builds(
        Patient,
        evidence=st.dictionaries(st.sampled_from(LINKED), KNOWN, max_size=max_findings),
        setting=st.sampled_from(sorted(KB.settings)),
        age=st.none() | st.integers(min_value=18, max_value=120),
        sex=st.none() | st.sampled_from(list(Sex)),
    )
