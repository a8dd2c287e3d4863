"""The public API is small and deliberate (httpx's test_exported_members habit)."""

import spinetriage


def test_exported_members() -> None:
    assert spinetriage.__all__ == sorted(spinetriage.__all__)
    assert set(spinetriage.__all__) == {
        "Assessment",
        "Case",
        "InputError",
        "KnowledgeBase",
        "KnowledgeError",
        "SpinetriageError",
        "__version__",
        "assess",
        "load_knowledge",
    }
    for name in spinetriage.__all__:
        assert hasattr(spinetriage, name)


def test_case_round_trip() -> None:
    case = spinetriage.Case(age=60, findings={"hoffmann_sign": "present"})  # type: ignore[dict-item]
    assert spinetriage.Case.model_validate_json(case.model_dump_json()) == case
