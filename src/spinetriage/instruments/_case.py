"""Instrument answers given inside a case file, checked with the instruments' own scorers.

The ``instruments`` block of a case maps an entry name to that instrument's item
answers, so a bad answer is named by its path (``instruments.mjoa.upper_limb_motor``)::

    instruments:
      mjoa: {upper_limb_motor: 4, lower_limb_motor: 5, upper_limb_sensation: 2,
             micturition: 3, date: 2026-05-02}
      mjoa_previous: {total: 16, date: 2025-11-20}

* An entry name is an instrument id (``spinetriage score --list``) other than the
  clusters, which are read from the case's findings instead; or ``mjoa_previous`` /
  ``p_mjoa_previous`` for the same scale at an earlier visit.
* ``date`` (optional, ISO ``YYYY-MM-DD``) may be given in any entry; a previous
  entry must be dated before the current one when both are dated.
* The current visit is answered item by item (versions of the mJOA differ, so the
  levels are kept); an earlier visit may be given as ``total`` alone, since old
  letters often carry only the total.

A partial answer set is an error naming the missing item, exactly as ``score``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from spinetriage.errors import InputError, InputErrors, key_name
from spinetriage.instruments._registry import get, registry
from spinetriage.instruments._schema import Instrument, score_range
from spinetriage.instruments._score import Score, score_instrument

#: Earlier-visit entry names and the instrument each one repeats.
PREVIOUS_OF = {"mjoa_previous": "mjoa", "p_mjoa_previous": "p_mjoa"}
_RESERVED = ("date", "total")


class CaseInstrument(BaseModel):
    """One scored entry of a case's ``instruments`` block."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    instrument: str
    previous: bool
    date: dt.date | None
    total: int
    band: str | None
    score: Score | None


def case_instrument_names() -> tuple[str, ...]:
    """Entry names a case may use, sorted."""
    scored = [name for name, spec in registry().items() if spec.missing_items == "error"]
    return tuple(sorted([*scored, *PREVIOUS_OF]))


def _date(key: str, value: Any) -> dt.date:
    field = f"instruments.{key}.date"
    if isinstance(value, dt.datetime):
        raise InputError(field, "give a date without a time", "YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError(field, "not a date", "YYYY-MM-DD")


def _total_only(key: str, spec: Instrument, value: Any) -> tuple[int, str | None]:
    low, high = score_range(spec)
    field = f"instruments.{key}.total"
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(field, "not a whole-number total", f"{low}-{high}")
    if not low <= value <= high:
        raise InputError(field, "out of range", f"{low}-{high}")
    band = next((b.id for b in spec.bands if b.minimum <= value <= b.maximum), None)
    return value, band


def _renamed(error: InputError, spec: Instrument, key: str) -> InputError:
    """Re-root a scorer error (``mjoa.item``) at the case path (``instruments.<key>.item``)."""
    field = error.field
    if field == spec.id or field.startswith(spec.id + "."):
        field = key + field[len(spec.id) :]
    return InputError(f"instruments.{field}", error.problem, error.allowed)


def _entry(key: str, raw: Any) -> CaseInstrument:
    if key not in case_instrument_names():
        if key in registry():
            raise InputError(
                f"instruments.{key}",
                "a cluster is read from the case's findings (give its signs under findings), not entered here",
                ", ".join(case_instrument_names()),
            )
        name = key_name(key, case_instrument_names())
        raise InputError(f"instruments.{name}", "unknown instrument", ", ".join(case_instrument_names()))
    if not isinstance(raw, Mapping):
        raise InputError(f"instruments.{key}", "must be a mapping of item answers", "item id -> answer")
    spec = get(PREVIOUS_OF.get(key, key))
    date = _date(key, raw["date"]) if raw.get("date") is not None else None
    answers = {str(k): v for k, v in raw.items() if k not in _RESERVED}
    if "total" in raw:
        if key not in PREVIOUS_OF:
            raise InputError(
                f"instruments.{key}.total", "this visit is answered item by item", ", ".join(i.id for i in spec.items)
            )
        if answers:
            raise InputError(f"instruments.{key}", "give either total or the item answers, not both")
        total, band = _total_only(key, spec, raw["total"])
        return CaseInstrument(key=key, instrument=spec.id, previous=True, date=date, total=total, band=band, score=None)
    try:
        result = score_instrument(spec, answers)
    except InputErrors as errors:
        raise InputErrors([_renamed(e, spec, key) for e in errors.errors]) from None
    except InputError as error:
        raise _renamed(error, spec, key) from None
    assert result.total is not None
    return CaseInstrument(
        key=key,
        instrument=spec.id,
        previous=key in PREVIOUS_OF,
        date=date,
        total=result.total,
        band=result.band,
        score=result,
    )


def score_case_instruments(raw: Mapping[str, Any]) -> dict[str, CaseInstrument]:
    """Score every entry of a case's ``instruments`` block; every problem is raised at once."""
    errors: list[InputError] = []
    scored: dict[str, CaseInstrument] = {}
    for key, value in raw.items():
        try:
            scored[str(key)] = _entry(str(key), value)
        except InputErrors as many:
            errors.extend(many.errors)
        except InputError as error:
            errors.append(error)
    for previous, current in PREVIOUS_OF.items():
        before, now = scored.get(previous), scored.get(current)
        if before and now and before.date and now.date and before.date >= now.date:
            errors.append(
                InputError(f"instruments.{previous}.date", f"must be before the {current} date", f"before {now.date}")
            )
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)
    return scored
