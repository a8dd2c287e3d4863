"""The layers of docs/architecture.md hold: an import-linter contract checks every import chain."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", *args], cwd=ROOT, capture_output=True, text=True)


def test_the_layers_contract_is_kept() -> None:
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_against_the_layers_is_reported(tmp_path: Path) -> None:
    # The same checker with the engine put above the assessment: the assessment imports the engine,
    # so the contract must break and name the import.
    inverted = tmp_path / "inverted.toml"
    inverted.write_text(
        '[tool.importlinter]\nroot_package = "spinetriage"\n\n'
        '[[tool.importlinter.contracts]]\nname = "inverted"\ntype = "layers"\n'
        'layers = ["spinetriage.engine", "spinetriage.assessment"]\n',
        encoding="utf-8",
    )
    result = _lint("--config", str(inverted))
    assert result.returncode != 0
    assert "spinetriage.assessment is not allowed to import spinetriage.engine" in result.stdout
