"""The exceptions spinetriage raises.

    SpinetriageError                 root: catch this to handle anything of ours
    ├── InputError                   a case or answer file is wrong (names the field)
    └── KnowledgeError               the knowledge base failed validation (lists every problem)

Every message names the field or identifier at fault and what is allowed, and never
echoes free text from the patient record.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
UNNAMED = "<key>"


class SpinetriageError(Exception):
    """Root of every error spinetriage raises on purpose."""


class InputError(SpinetriageError):
    """Bad input: names the field, what was wrong, and what is allowed."""

    def __init__(self, field: str, problem: str, allowed: str | None = None) -> None:
        self.field = field
        self.problem = problem
        self.allowed = allowed
        message = f"{field}: {problem}"
        if allowed:
            message += f" (allowed: {allowed})"
        super().__init__(message)


class InputErrors(InputError):
    """Several input problems found at once."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.field, first.problem, first.allowed)
        self.args = ("\n".join(str(e) for e in errors),)


class KnowledgeError(SpinetriageError):
    """The knowledge base is invalid; ``problems`` lists each one with its identifier."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n" + "\n".join(f"- {p}" for p in problems))


def key_name(key: object, vocabulary: Collection[str]) -> str:
    """How an error may name a key the user sent: the key itself when it is a word of ``vocabulary``
    or a near miss of one (a typo such as ``hofman_sign``), else :data:`UNNAMED`. A key can be anything
    typed, a patient's name or address included, and messages never echo what was sent."""
    if not isinstance(key, str):
        return UNNAMED
    if key in vocabulary:
        return key
    if _IDENTIFIER.match(key) and difflib.get_close_matches(key, list(vocabulary), n=1, cutoff=0.75):
        return key
    return UNNAMED
