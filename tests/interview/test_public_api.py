"""The interview package exports a small, deliberate API (what the web and HTTP layers call)."""

import ast
from pathlib import Path

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


def test_no_private_names_imported_from_other_packages() -> None:
    """The interview uses other packages only through their public names (as selection.py uses
    ``assessment.decide_urgency``), so their internals can change without breaking it."""
    package = Path(spinetriage.interview.__file__).parent
    private = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
            if isinstance(node, ast.ImportFrom) and module.startswith("spinetriage.") and ".interview" not in module:
                private += [f"{path.name}: {module}.{a.name}" for a in node.names if a.name.startswith("_")]
                private += [f"{path.name}: {module}" for part in module.split(".") if part.startswith("_")]
    assert private == []
