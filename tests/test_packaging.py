"""What the package imports is what it declares: `pip install -e .` must be enough to run it.

numpy was once listed only among the test extras, so the README's first command failed on a
fresh machine (`No module named 'numpy'`) while every test passed.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "spinetriage"
THROUGH_A_DEPENDENCY = {"anyio"}
"""Modules a declared dependency guarantees (anyio comes with starlette and httpx)."""


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s\[=<>!~;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def _top_level_imports() -> dict[str, Path]:
    """Every top-level module the package imports (its own and the standard library's excluded)."""
    found: dict[str, Path] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "spinetriage" and top not in sys.stdlib_module_names:
                    found.setdefault(top, path)
    return found


def test_every_imported_distribution_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    required = _requirement_names(project["dependencies"])
    optional = {
        extra: _requirement_names(reqs) for extra, reqs in project["optional-dependencies"].items() if extra != "test"
    }
    declared_somewhere = required.union(*optional.values())
    distributions = packages_distributions()
    missing = []
    for module, path in _top_level_imports().items():
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
        if not names & declared_somewhere and module not in THROUGH_A_DEPENDENCY:
            missing.append(f"{module} (imported in {path.relative_to(ROOT)}, distribution {sorted(names)})")
    assert not missing, missing
