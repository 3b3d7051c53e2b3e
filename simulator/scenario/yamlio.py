"""Read YAML safely and remember where every key came from.

PyYAML's ``compose`` gives each node a line and column; we walk the node tree
once to build a map from key path to location, refuse duplicate keys (PyYAML
would silently keep the last one), and refuse documents whose aliases expand
beyond a fixed size (the "billion laughs" attack) before anything is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ScenarioError

#: Largest scenario file read, in bytes: scenarios are hand-written text.
MAX_FILE_BYTES = 2_000_000
#: Largest number of YAML nodes a document may expand to, counting aliases.
MAX_NODES = 200_000

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """Where a key was written: file, 1-based line and column."""

    file: str
    line: int | None = None
    column: int | None = None


@dataclass
class Document:
    """A parsed YAML file: its data and a map from key path to location."""

    data: Any
    marks: dict[KeyPath, Mark]
    file: str


def _problem(file: str, message: str, mark: Any = None) -> Problem:
    if mark is None:
        return Problem(message, file=file)
    return Problem(message, file=file, line=mark.line + 1, column=mark.column + 1)


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int = 0) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = MAX_NODES + 1  # a node that refers to itself is too large
    if depth > 200:
        return memo[key]
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo, depth + 1)
            if size > MAX_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1)
            if size > MAX_NODES:
                break
    memo[key] = size
    return size


def _walk(
    node: yaml.Node, path: KeyPath, file: str, marks: dict[KeyPath, Mark], problems: list[Problem]
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(_problem(file, "a key must be a plain name", key_node.start_mark))
                continue
            key = key_node.value
            if key == "<<":
                continue
            child = (*path, key)
            if key in seen:
                first = seen[key].start_mark.line + 1
                problems.append(
                    Problem(
                        f"duplicate key {key!r} (first given on line {first}); "
                        "YAML would silently keep only the last one",
                        path=".".join(str(p) for p in child),
                        file=file,
                        line=key_node.start_mark.line + 1,
                        column=key_node.start_mark.column + 1,
                    )
                )
                continue
            seen[key] = key_node
            marks[child] = Mark(file, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(value_node, child, file, marks, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            marks[child] = Mark(file, item.start_mark.line + 1, item.start_mark.column + 1)
            _walk(item, child, file, marks, problems)


def parse_yaml(text: str, file: str) -> Document:
    """Parse one YAML document with the safe loader, returning data and marks."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError([_problem(file, f"file is larger than {MAX_FILE_BYTES} bytes")])
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            reason = exc.problem or exc.context or "invalid YAML"
            if "found character '\\t'" in str(exc):
                reason = "a tab character; YAML indents with spaces only"
            raise ScenarioError([_problem(file, f"invalid YAML: {reason}", mark)]) from None
        except yaml.YAMLError as exc:
            raise ScenarioError([_problem(file, f"invalid YAML: {exc}")]) from None
        if node is None:
            raise ScenarioError([_problem(file, "the file is empty; expected a scenario mapping")])
        if _expanded_size(node, {}) > MAX_NODES:
            raise ScenarioError(
                [
                    _problem(
                        file,
                        f"the document expands to more than {MAX_NODES} nodes "
                        "(aliases used as a 'billion laughs' bomb?); refused",
                        node.start_mark,
                    )
                ]
            )
        marks: dict[KeyPath, Mark] = {(): Mark(file, node.start_mark.line + 1, 1)}
        problems: list[Problem] = []
        _walk(node, (), file, marks, problems)
        if problems:
            raise ScenarioError(problems)
        try:
            data = loader.construct_document(node)
        except yaml.constructor.ConstructorError as exc:
            mark = exc.problem_mark or exc.context_mark
            reason = exc.problem or "cannot be read"
            if "could not determine a constructor" in reason:
                reason = "tag refused: only plain YAML is read (safe loader), " + reason
            raise ScenarioError([_problem(file, f"invalid YAML: {reason}", mark)]) from None
        except yaml.YAMLError as exc:
            raise ScenarioError([_problem(file, f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ScenarioError(
            [_problem(file, f"found a {type(data).__name__}, expected a mapping of keys to values", node.start_mark)]
        )
    return Document(data, marks, file)


def read_yaml(path: Path) -> Document:
    """Read and parse a scenario file; any I/O or encoding trouble is a ScenarioError."""
    file = str(path)
    if path.is_dir():
        raise ScenarioError([Problem("is a directory, expected a scenario YAML file", file=file)])
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem("no such file", file=file)]) from None
    except OSError as exc:
        raise ScenarioError([Problem(f"cannot be read: {exc.strerror}", file=file)]) from None
    if b"\x00" in raw[:8192]:
        raise ScenarioError([Problem("is a binary file, expected a scenario YAML text file", file=file)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            [Problem(f"is not UTF-8 text (byte {raw[exc.start]:#x} at offset {exc.start})", file=file, line=line)]
        ) from None
    return parse_yaml(text, file)
