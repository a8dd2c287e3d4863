"""Case parsing: errors name the field and what is allowed, never the value sent."""

from __future__ import annotations

import pytest

from spinetriage.case import parse_case
from spinetriage.errors import InputError
from spinetriage.knowledge import KnowledgeBase


def test_unknown_setting_is_named_with_the_allowed_settings_but_not_echoed(kb: KnowledgeBase) -> None:
    with pytest.raises(InputError) as info:
        parse_case({"age": 60, "setting": "Mr John Smith"}, kb)
    errors = getattr(info.value, "errors", [info.value])
    assert [e.field for e in errors] == ["setting"]
    assert "primary_care" in (errors[0].allowed or "")
    assert "John" not in str(info.value)


def test_unknown_finding_gets_the_closest_identifier(kb: KnowledgeBase) -> None:
    with pytest.raises(InputError) as info:
        parse_case({"age": 60, "findings": {"hofman_sign": "present"}}, kb)
    errors = getattr(info.value, "errors", [info.value])
    assert [e.field for e in errors] == ["findings.hofman_sign"]
    assert "hoffmann_sign" in errors[0].problem


@pytest.mark.parametrize(
    ("case", "words"),
    [({"text": "x" * 2_000_001}, "too long (at most 2,000,000 characters)"), ({"text": 5}, "not text")],
)
def test_field_problems_are_in_plain_words(case: dict[str, object], words: str, kb: KnowledgeBase) -> None:
    """#13 item 13: the validator's wording ("Input should be ...") reached the clinician."""
    with pytest.raises(InputError) as caught:
        parse_case(case, kb)
    assert words in str(caught.value) and "Input should" not in str(caught.value)
