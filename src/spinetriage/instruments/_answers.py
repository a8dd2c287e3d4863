"""Turn raw answers (from Python, a YAML/JSON file or a prompt) into item points.

Strict on purpose: a level must be a number (``"3"`` is rejected, not coerced), a
boolean item takes yes/no words or ``True``/``False``, and nothing missing is ever
read as normal. Every problem in one answer set is reported at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from spinetriage.errors import InputError, InputErrors, key_name
from spinetriage.instruments._schema import Instrument, Item, item_points

Answer = int | str | bool | None

YES_WORDS = frozenset({"yes", "y", "true", "present", "positive"})
NO_WORDS = frozenset({"no", "n", "false", "absent", "negative"})
UNKNOWN_WORDS = frozenset({"unknown", "not_done", "not done", "?"})
#: Plausible ages in years for an age item given as a number (a bound, not evidence).
AGE_LIMITS = (0, 120)


def _allowed(item: Item) -> str:
    if item.kind == "levels":
        return ", ".join(f"{lv.points} ({lv.label})" for lv in sorted(item.levels, key=lambda lv: lv.points))
    if item.kind == "boolean":
        words = "yes/no (true/false, present/absent)"
        if item.age_above is not None:
            words += f", or the age in years ({AGE_LIMITS[0]}-{AGE_LIMITS[1]})"
        return words
    return f"an integer {item.minimum}-{item.maximum}" + (f" ({item.unit})" if item.unit else "")


def _is_unknown(value: Answer) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in UNKNOWN_WORDS)


def parse_item(instrument: Instrument, item: Item, value: Answer) -> int | None:
    """Points for one answer, None when it is explicitly unknown; InputError if invalid."""
    field = f"{instrument.id}.{item.id}"
    if _is_unknown(value):
        return None
    if item.kind == "boolean":
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, str):
            word = value.strip().lower()
            if word in YES_WORDS:
                return 1
            if word in NO_WORDS:
                return 0
            raise InputError(field, "the text is not a yes/no answer", _allowed(item))
        if isinstance(value, int) and item.age_above is not None:
            low, high = AGE_LIMITS
            if not low <= value <= high:
                raise InputError(field, f"the age is outside {low}-{high} years", _allowed(item))
            return int(value > item.age_above)
        raise InputError(field, "a number was given where yes/no is needed", _allowed(item))
    # levels and count items need a number
    if isinstance(value, bool):
        raise InputError(field, "yes/no was given where a number is needed", _allowed(item))
    if isinstance(value, str):
        raise InputError(field, "level given as text where a number is needed", _allowed(item))
    if not isinstance(value, int):
        raise InputError(field, "not a whole number", _allowed(item))
    if value not in item_points(item):
        raise InputError(field, "out of range", _allowed(item))
    return value


def parse_answers(instrument: Instrument, answers: Mapping[str, Answer]) -> dict[str, int | None]:
    """Points per item id (None = unknown or not given); raises every problem at once."""
    errors: list[InputError] = []
    ids = [item.id for item in instrument.items]
    for key in answers:
        if key not in ids:
            close = difflib.get_close_matches(str(key)[:64], ids, n=1)
            hint = "unknown item" + (f"; did you mean {close[0]!r}?" if close else "")
            errors.append(InputError(f"{instrument.id}.{key_name(key, ids)}", hint, ", ".join(ids)))
    points: dict[str, int | None] = {}
    bad: set[str] = set()
    for item in instrument.items:
        try:
            points[item.id] = parse_item(instrument, item, answers.get(item.id))
        except InputError as exc:
            errors.append(exc)
            bad.add(item.id)
    missing = [i for i in ids if i not in bad and points.get(i) is None]
    if missing and instrument.missing_items == "error":
        errors.append(
            InputError(
                f"{instrument.id}.{missing[0]}" if len(missing) == 1 else instrument.id,
                f"missing item(s): {', '.join(missing)}; {instrument.id} defines no score with missing items",
                "an answer for every item: " + ", ".join(ids),
            )
        )
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)
    return points
