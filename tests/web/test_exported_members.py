"""The web package exports only ``create_app``; importing it starts nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import spinetriage.web


def test_exported_members() -> None:
    assert spinetriage.web.__all__ == ["create_app"]
    assert callable(spinetriage.web.create_app)


def test_import_has_no_side_effects(tmp_path: object) -> None:
    code = "import spinetriage.web, logging, os; print(logging.getLogger().handlers, os.listdir('.'))"
    python = os.path.abspath(sys.executable)  # relative when PATH holds a relative .venv/bin; cwd changes below
    out = subprocess.run([python, "-c", code], cwd=str(tmp_path), capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"  # no logging set up, no database file created
