from __future__ import annotations

import pytest
import typer

from spinetriage.cli.instruments import register

MJOA_ITEMS = ("upper_limb_motor", "lower_limb_motor", "upper_limb_sensation", "micturition")
MJOA_MAX = {"upper_limb_motor": 5, "lower_limb_motor": 7, "upper_limb_sensation": 3, "micturition": 3}


@pytest.fixture
def mjoa_normal() -> dict[str, int]:
    """Every mJOA item at its top level (total 18)."""
    return dict(MJOA_MAX)


@pytest.fixture
def app() -> typer.Typer:
    """A Typer app with only the instruments' ``score`` command registered."""
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """Test root so that ``score`` stays a subcommand."""

    return app
