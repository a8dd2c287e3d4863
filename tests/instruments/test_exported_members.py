"""The public API is exactly what ``__all__`` lists, sorted."""

from __future__ import annotations

import spinetriage.instruments as instruments


def test_all_is_sorted_and_complete() -> None:
    assert instruments.__all__ == sorted(instruments.__all__)
    public = {name for name in dir(instruments) if not name.startswith("_")} - {"annotations", "cli", "data"}
    assert public == set(instruments.__all__)
