"""Issue 13, item 17: one class per name among the models the API and the assessment expose, so
the OpenAPI document and a reader never confuse two different shapes."""

from __future__ import annotations

import inspect

from pydantic import BaseModel

from spinetriage.assessment import models
from spinetriage.web import api


def _models(module: object) -> dict[str, type[BaseModel]]:
    return {
        name: value
        for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, BaseModel) and value.__module__ == module.__name__  # type: ignore[attr-defined]
    }


def test_no_two_models_share_a_name() -> None:
    assert set(_models(models)) & set(_models(api)) == set()
