"""The screening package's public names, and a clear message when an engine's dependency is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import spinetriage.screening
from spinetriage.errors import InputError
from spinetriage.screening import screen

from .conftest import NotesWriter, small_population


def test_exported_members() -> None:
    names = spinetriage.screening.__all__
    assert names == sorted(names)
    assert {"screen", "screen_patient", "ScreenSummary", "Reject", "output_schema"} <= set(names)
    for name in names:
        assert hasattr(spinetriage.screening, name)


def test_missing_duckdb_names_the_extra(
    write_jsonl: NotesWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now raises ImportError
    source = write_jsonl(small_population(1), "notes.jsonl")
    with pytest.raises(InputError, match=r"spinetriage\[screen\]"):
        screen([source], tmp_path / "out.parquet", workers=1)


def test_the_command_line_defaults_agree_with_the_package() -> None:
    from spinetriage.assessment import DEFAULT_SETTING
    from spinetriage.cli import screening as cli
    from spinetriage.screening._screen import DEFAULT_PART_SIZE

    assert (cli.DEFAULT_SETTING, cli.DEFAULT_PART_SIZE) == (DEFAULT_SETTING, DEFAULT_PART_SIZE)
