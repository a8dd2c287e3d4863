"""Reading JSON and YAML that users send: case files, answer files, request bodies, batch rows.

Three things the standard parsers allow are refused, each with an :class:`InputError` that
says where, never what the value was:

- **YAML aliases** (``*name``): a few hundred bytes of nested aliases expand to gigabytes
  ("billion laughs"). A case is short and written out in full, so no alias is needed.
- **Nesting deeper than** :data:`MAX_DEPTH` levels (a case is three or four deep): deeper
  input would exhaust Python's recursion limit somewhere down the line.
- **A key given twice in one mapping**: JSON and YAML parsers keep the last one silently, so
  ``{"age": 30, "age": 90}`` would be read as 90. A clinical record must not guess.

A key is named in a message only when the caller lists it as vocabulary (``known``), since
an unknown key may be anything a user typed, a patient's name included; otherwise the message
gives the position (YAML) or the path of the mapping that holds it (JSON).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

from spinetriage.errors import InputError

MAX_DEPTH = 32
MAX_TEXT_CHARS = 2_000_000
"""The longest free text read as one document (a note, an MRI report, a case's ``text``):
the one limit for the text reader, case files, the API and screening."""


class NotParsable(InputError):
    """The text is not JSON (or YAML) at all, as opposed to parsed but refused."""


class _Refused(Exception):
    def __init__(self, problem: str, key: object = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.key = key


def _key_text(key: object, known: Collection[str]) -> str:
    return f"'{key}'" if isinstance(key, str) and key in known else "a key"


def load_json(text: str | bytes, field: str, name: str = "the JSON", known: Collection[str] = ()) -> Any:
    """Parse JSON; raises :class:`InputError` for ``field`` on a syntax error, a repeated key or deep nesting."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise _Refused("appears twice in one object (which one is meant?)", key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except _Refused as refused:
        raise InputError(field, f"{name}: {_key_text(refused.key, known)} {refused.problem}") from None
    except RecursionError:
        raise NotParsable(field, f"{name}: nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise NotParsable(field, f"{name}: invalid JSON at {where}: {error.msg}") from None
    except ValueError:  # bytes that are not UTF-8, a number too long to convert
        raise NotParsable(field, f"{name}: not valid JSON text (UTF-8, numbers under 4300 digits)") from None
    if _too_deep(data):
        raise NotParsable(field, f"{name}: nested deeper than {MAX_DEPTH} levels")
    return data


def _too_deep(data: Any) -> bool:
    """Whether ``data`` nests deeper than MAX_DEPTH (iteratively: deep data must not recurse here either)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children: Iterator[Any] | list[Any] = (
            iter(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
        )
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases, repeated keys or deep nesting."""

    known: Collection[str] = ()

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise ComposerError(None, None, "aliases (*name) are not allowed; write the value out in full", mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    repeated = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key: the base constructor names the problem
                    break
                if repeated:
                    raise ConstructorError(
                        None,
                        None,
                        f"{_key_text(key, self.known)} appears twice in one mapping (which one is meant?)",
                        key_node.start_mark,
                    )
        return super().construct_mapping(node, deep=deep)


def _readable(kind: str, allowed: str) -> Callable[[Any, Any], Any]:
    """The safe constructor for ``kind`` with a value it cannot build (month 13, an offset of 99 hours,
    5,000 digits) reported at its place instead of raised as a bare ValueError."""
    construct = getattr(yaml.SafeLoader, f"construct_yaml_{kind}")

    def strict(loader: Any, node: Any) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            raise ConstructorError(None, None, f"not a valid {allowed}", node.start_mark) from None

    return strict


for _kind, _allowed in (("int", "number (at most 4300 digits)"), ("timestamp", "date or time (YYYY-MM-DD)")):
    _StrictLoader.add_constructor(f"tag:yaml.org,2002:{_kind}", _readable(_kind, _allowed))


def load_yaml(text: str, field: str, name: str = "the YAML", known: Collection[str] = ()) -> Any:
    """Parse YAML strictly (see the module's docstring); errors give line and column."""
    loader_class = type("_Loader", (_StrictLoader,), {"known": known})
    loader = loader_class(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "syntax error"
        raise InputError(
            field, f"{name}: invalid YAML{_where(getattr(error, 'problem_mark', None), text)}: {problem}"
        ) from None
    except RecursionError:
        raise InputError(field, f"{name}: nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


def _where(mark: Any, text: str) -> str:
    """Line and column of a YAML error; the end of the input is reported on its last line, not the one after."""
    if mark is None:
        return ""
    lines = text.splitlines()
    if mark.line >= len(lines):
        return f" at the end (line {max(len(lines), 1)})"
    return f" at line {mark.line + 1}, column {mark.column + 1}"
