"""Issue 13, items 2, 3 and 5: what users send as JSON or YAML. Aliases ("billion laughs"),
deep nesting and a key given twice are refused with exit code 2, naming where, never the value."""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from spinetriage.cli import app
from spinetriage.documents import MAX_DEPTH, load_json, load_yaml
from spinetriage.errors import InputError

runner = CliRunner()

# 9 ** 9 = 387 million strings once expanded: PyYAML's default loader runs out of memory on it.
LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *[
            f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ],
        "findings: {}",
    ]
)


def test_yaml_aliases_are_refused_before_they_expand() -> None:
    with pytest.raises(InputError, match=r"line 2, column \d+: aliases"):
        load_yaml(LAUGHS, "CASE")


def test_a_case_file_with_aliases_exits_2(tmp_path: Path) -> None:
    case = tmp_path / "laughs.yaml"
    case.write_text(LAUGHS, encoding="utf-8")
    result = runner.invoke(app, ["assess", str(case)])
    assert result.exit_code == 2
    assert "aliases" in result.output and "Traceback" not in result.output


def test_an_answers_file_with_aliases_exits_2(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(LAUGHS.replace("findings: {}", "upper_limb_motor: *i"), encoding="utf-8")
    result = runner.invoke(app, ["score", "mjoa", "--answers", str(answers)])
    assert result.exit_code == 2
    assert "aliases" in result.output and "Traceback" not in result.output


def test_an_anchor_without_an_alias_is_still_fine() -> None:
    assert load_yaml("age: &a 70\nfindings: {}\n", "CASE") == {"age": 70, "findings": {}}


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
    ],
    ids=["list-100k", "object-50k", "just-over-the-limit"],
)
def test_deep_json_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="nested deeper than"):
        load_json(text, "CASE")


@pytest.mark.parametrize(
    "text", ["[" * 100_000, "a:\n" + "".join(" " * i + "- \n" for i in range(1, 3000))], ids=["flow", "block"]
)
def test_deep_yaml_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="nested deeper than"):
        load_yaml(text, "CASE")


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_deeply_nested_case_file_exits_2(tmp_path: Path, suffix: str) -> None:
    case = tmp_path / f"deep{suffix}"
    case.write_text('{"findings": ' + "[" * 50_000 + "]" * 50_000 + "}", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(case)])
    assert result.exit_code == 2
    assert "nested deeper than" in result.output


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("case.json", '{"age": 30, "age": 90, "findings": {}}'),
        ("case.yaml", "age: 30\nage: 90\nfindings: {}\n"),
        ("case.json", '{"findings": {"hoffmann_sign": "absent", "hoffmann_sign": "present"}}'),
        ("case.yaml", "findings:\n  hoffmann_sign: absent\n  hoffmann_sign: present\n"),
    ],
)
def test_a_key_given_twice_in_a_case_file_is_refused_by_name(tmp_path: Path, name: str, text: str) -> None:
    case = tmp_path / name
    case.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["assess", str(case)])
    assert result.exit_code == 2
    key = "age" if "age" in text else "hoffmann_sign"
    assert f"'{key}' appears twice" in result.output


def test_a_repeated_answer_in_an_answers_file_is_refused(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text('{"upper_limb_motor": 4, "upper_limb_motor": 0}', encoding="utf-8")
    result = runner.invoke(app, ["score", "mjoa", "--answers", str(answers)])
    assert result.exit_code == 2
    assert "'upper_limb_motor' appears twice" in result.output


@given(key=st.text(string.ascii_letters + string.digits + " ,.-", min_size=3, max_size=80))
def test_a_repeated_key_outside_the_vocabulary_is_not_quoted(key: str) -> None:
    """A key may be anything a user typed (a patient's name): the message gives the place instead."""

    def message(parse: Callable[..., object], typed: str) -> str:
        text = json.dumps({"findings": {}})[:-1] + f", {json.dumps(typed)}: 1, {json.dumps(typed)}: 2}}"
        with pytest.raises(InputError) as caught:
            parse(text, "CASE", known={"age", "findings"})
        return str(caught.value)

    for parse in (load_json, load_yaml):
        # the same message for a neutral key of the same length: a key that is a piece of its own
        # wording ("the", "JSON", a column number) would be found there whatever the key
        assume(key not in message(parse, "Q" * len(key)))
        said = message(parse, key)
        assert key not in said
        assert "appears twice" in said


def test_yaml_errors_at_the_end_point_at_the_last_line() -> None:
    text = "age: 70\nsex: female\nfindings:\n  hand_clumsiness: present\n  gait_disturbance: present\ntext: 'unclosed\n"
    with pytest.raises(InputError) as caught:
        load_yaml(text, "CASE")
    assert "line 7" not in str(caught.value)
    assert "line 6" in str(caught.value)


def test_nesting_up_to_the_limit_is_read() -> None:
    assert load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "CASE") is not None
