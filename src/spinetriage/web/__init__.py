"""The web app and REST API (``spinetriage serve``) and the assessment record behind them.

``create_app`` loads on first use, so the commands that only manage users or the database
(and every ``--help``) start without importing FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spinetriage.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from spinetriage.web.app import create_app

        return create_app
    raise AttributeError(f"module 'spinetriage.web' has no attribute {name!r}")
