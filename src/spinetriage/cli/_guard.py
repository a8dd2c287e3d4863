"""Our errors on the command line: a clear message and exit code 2, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.text import Text

from spinetriage.errors import KnowledgeError, SpinetriageError

EXIT_BAD_INPUT = 2
T = TypeVar("T")


def guarded(action: Callable[[], T]) -> T:
    """Run ``action``; our errors become a clear message and exit code 2, never a traceback."""
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    try:
        return action()
    except KnowledgeError as error:
        err.print(Text.assemble(("knowledge base invalid: ", "bold red"), str(error)))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except SpinetriageError as error:
        err.print(Text.assemble(("error: ", "bold red"), str(error)))
        raise typer.Exit(EXIT_BAD_INPUT) from None
