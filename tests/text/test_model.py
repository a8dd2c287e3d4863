from __future__ import annotations

from dataclasses import FrozenInstanceError, fields

import pytest

from spinetriage.text import Mention, MentionStatus, Section, Severity, Side
from spinetriage.text._model import _NEW_MENTION_FIELDS, new_mention


def test_new_mention_is_the_same_object_as_the_constructor() -> None:
    args = ("clonus", MentionStatus.ABSENT, 3, 9, Section.EXAM, Side.LEFT, ("C5-C6",), Severity.MILD)
    fast, slow = new_mention(*args), Mention(*args)
    assert fast == slow and hash(fast) == hash(slow) and fast.to_dict() == slow.to_dict()


def test_new_mention_sets_every_field() -> None:
    assert tuple(f.name for f in fields(Mention)) == _NEW_MENTION_FIELDS


def test_mention_to_dict_has_every_field_as_plain_values() -> None:
    m = Mention("clonus", MentionStatus.ABSENT, 3, 9, Section.EXAM, Side.LEFT, ("C5-C6",), Severity.MILD)
    d = m.to_dict()
    assert list(d) == [f.name for f in fields(Mention)]
    assert d == {
        "finding": "clonus",
        "status": "absent",
        "start": 3,
        "end": 9,
        "section": "exam",
        "side": "left",
        "levels": ["C5-C6"],
        "severity": "mild",
    }
    assert all(type(v) in (str, int, list) for v in d.values())


def test_new_mention_is_a_frozen_mention() -> None:
    m = new_mention("clonus", MentionStatus.PRESENT, 0, 6, Section.OTHER, None, (), None)
    assert type(m) is Mention
    with pytest.raises(FrozenInstanceError):
        m.status = MentionStatus.ABSENT  # type: ignore[misc]
