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


def test_no_function_hides_a_module_of_the_same_name() -> None:
    """``spinetriage.assessment.assess`` is the function, and no module answers to that name (#13 item 17)."""
    import importlib
    import pkgutil

    import pytest

    import spinetriage.assessment

    assert callable(spinetriage.assessment.assess)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("spinetriage.assessment.assess")
    for package in pkgutil.walk_packages(spinetriage.__path__, "spinetriage."):
        parent, _, name = package.name.rpartition(".")
        attribute = getattr(importlib.import_module(parent), name, None)
        assert attribute is None or getattr(attribute, "__name__", "") == package.name, package.name


def test_one_limit_on_the_length_of_a_text() -> None:
    """The text reader, case files, the API and screening share one limit (#13 item 17)."""
    from spinetriage import documents, text
    from spinetriage.case import parse_case
    from spinetriage.errors import InputError
    from spinetriage.knowledge import default_knowledge

    assert text.MAX_TEXT_CHARS == documents.MAX_TEXT_CHARS
    kb = default_knowledge()
    longest = "Back pain. " * (documents.MAX_TEXT_CHARS // 11)
    assert parse_case({"text": longest}, kb).text == longest  # a text the reader accepts, a case accepts
    try:
        parse_case({"text": "x" * (documents.MAX_TEXT_CHARS + 1)}, kb)
    except InputError as error:
        assert "text" in str(error)
    else:
        raise AssertionError("a text over the limit was accepted")
