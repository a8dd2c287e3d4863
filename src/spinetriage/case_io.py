"""Reading case files (JSON or YAML, a path or stdin) with errors that point at the spot."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from spinetriage.case import Case, parse_case
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


def parse_document(text: str, name: str) -> Any:
    """Parse JSON or YAML; syntax errors report line and column."""
    if len(text) > MAX_FILE_BYTES:
        raise InputError("CASE", f"{name} is larger than {MAX_FILE_BYTES} bytes")
    if not text.strip():
        raise InputError("CASE", f"{name} is empty", "a JSON or YAML case with at least a 'findings' mapping")
    if text.lstrip().startswith(("{", "[")) or name.endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(
                "CASE", f"{name}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "syntax error"
        raise InputError("CASE", f"{name}: invalid YAML{where}: {problem}") from None


def load_case(source: str, kb: KnowledgeBase) -> Case:
    """Read, parse and validate a case from a path or ``-``."""
    text, name = read_case_text(source)
    return parse_case(parse_document(text, name), kb)
