"""Reading case files (JSON or YAML, a path or stdin) with errors that point at the spot."""

from __future__ import annotations

import sys
from collections.abc import Collection
from pathlib import Path
from typing import Any

from spinetriage.case import CASE_FIELDS, Case, parse_case
from spinetriage.documents import load_json, load_yaml
from spinetriage.errors import InputError
from spinetriage.knowledge.base import KnowledgeBase

MAX_FILE_BYTES = 5_000_000


def read_case_text(source: str) -> tuple[str, str]:
    """The text of a case file and a display name; ``-`` reads standard input."""
    if source == "-":
        return sys.stdin.read(MAX_FILE_BYTES + 1), "<stdin>"
    path = Path(source)
    if not path.exists():
        raise InputError("CASE", f"file not found: {source}")
    if not path.is_file():
        raise InputError("CASE", f"not a file: {source}")
    raw = path.read_bytes()[: MAX_FILE_BYTES + 1]
    try:
        return raw.decode("utf-8"), path.name
    except UnicodeDecodeError as error:
        raise InputError("CASE", f"not UTF-8 text (byte {error.start})", "a JSON or YAML file in UTF-8") from None


def parse_document(text: str, name: str, known: Collection[str] = CASE_FIELDS) -> Any:
    """Parse JSON or YAML; syntax errors report line and column. YAML aliases, a key given twice
    and nesting deeper than a case needs are refused (:mod:`spinetriage.documents`); a repeated
    key is named when it is in ``known``."""
    if len(text) > MAX_FILE_BYTES:
        raise InputError("CASE", f"{name} is larger than {MAX_FILE_BYTES} bytes")
    if not text.strip():
        raise InputError("CASE", f"{name} is empty", "a JSON or YAML case with at least a 'findings' mapping")
    if text.lstrip().startswith(("{", "[")) or name.endswith(".json"):
        return load_json(text, "CASE", name, known)
    return load_yaml(text, "CASE", name, known)


def load_case(source: str, kb: KnowledgeBase) -> Case:
    """Read, parse and validate a case from a path or ``-``."""
    text, name = read_case_text(source)
    return parse_case(parse_document(text, name, known_keys(kb)), kb)


def known_keys(kb: KnowledgeBase) -> frozenset[str]:
    """The words a case may use as keys: its fields, finding ids, instrument ids (safe to name in errors)."""
    from spinetriage.instruments import case_instrument_names

    return frozenset(CASE_FIELDS) | frozenset(kb.findings) | frozenset(case_instrument_names())
