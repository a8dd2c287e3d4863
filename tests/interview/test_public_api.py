"""The interview package exports a small, deliberate API (what the web and HTTP layers call)."""

import spinetriage.interview


def test_exported_members() -> None:
    exported = spinetriage.interview.__all__
    assert exported == sorted(exported)
    assert set(exported) == {
        "Implied",
        "KnownCase",
        "Outcome",
        "Question",
        "Step",
        "build_case",
        "next_step",
        "sample_cases",
        "simulate",
        "summarize",
        "vignette_cases",
    }
    for name in exported:
        assert hasattr(spinetriage.interview, name)
