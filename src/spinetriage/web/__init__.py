"""The web app and REST API (``spinetriage serve``) and the assessment record behind them."""

from spinetriage.web.app import create_app

__all__ = ["create_app"]
