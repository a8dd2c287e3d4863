"""Hypothesis strategies for random patients over the shipped knowledge base."""

from __future__ import annotations

from hypothesis import strategies as st

from spinetriage.engine.reasoner import Patient
from spinetriage.instruments import clusters, get
from spinetriage.knowledge import default_knowledge
from spinetriage.vocab import Sex, Status

KB = default_knowledge()
LINKED = sorted({f for (_, f) in KB.likelihoods})
KNOWN = st.sampled_from([Status.PRESENT, Status.ABSENT])


#: Every finding a validated cluster reads (from the instrument data, not the engine).
CLUSTER_FINDINGS = sorted(
    {f for name in clusters() for item in get(name).items if item.link is not None for f in item.link.findings}
)


def patients(max_findings: int = 20) -> st.SearchStrategy[Patient]:
    return st.builds(
        Patient,
        evidence=st.dictionaries(st.sampled_from(LINKED), KNOWN, max_size=max_findings),
        setting=st.sampled_from(sorted(KB.settings)),
        age=st.none() | st.integers(min_value=18, max_value=120),
        sex=st.none() | st.sampled_from(list(Sex)),
    )


@st.composite
def cluster_patients(draw: st.DrawFn, max_findings: int = 15) -> Patient:
    """Patients whose Cook 2010 and Cook 2011 items are all known, plus random other findings."""
    items = draw(st.fixed_dictionaries({f: KNOWN for f in CLUSTER_FINDINGS}))
    others = draw(st.dictionaries(st.sampled_from(LINKED), KNOWN, max_size=max_findings))
    setting = draw(st.sampled_from(sorted(KB.settings)))
    age = draw(st.integers(min_value=18, max_value=120))
    sex = draw(st.none() | st.sampled_from(list(Sex)))
    return Patient({**others, **items}, setting, age, sex)
