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
        "apply_answer",
        "build_case",
        "next_step",
        "sample_cases",
        "simulate",
        "summarize",
        "vignette_cases",
    }
    for name in exported:
        assert hasattr(spinetriage.interview, name)


def _private_imports(path: Path, own: str) -> list[str]:
    """``from spinetriage.X import _name`` (or from a private module) where X is not ``own``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("spinetriage."):
            module = node.module or ""
            if own and (module == own or module.startswith(own + ".")):
                continue
            found += [f"{path.name}: {module}.{a.name}" for a in node.names if a.name.startswith("_")]
            found += [f"{path.name}: {module}" for part in module.split(".") if part.startswith("_")]
    return found


def test_no_private_names_imported_from_other_packages() -> None:
    """The interview uses other packages only through their public names (as selection.py uses
    ``assessment.decide_urgency``), so their internals can change without breaking it; its
    benchmark uses only public names, the interview's own included."""
    package = Path(spinetriage.interview.__file__).parent
    private = [p for path in sorted(package.glob("*.py")) for p in _private_imports(path, "spinetriage.interview")]
    benchmark = Path(__file__).resolve().parents[2] / "benchmarks" / "interview.py"
    private += _private_imports(benchmark, "")
    assert private == []
