"""Read YAML safely and remember where every key came from.

PyYAML's ``compose`` gives each node a line and column; we walk the node tree
once to build a map from key path to location, refuse duplicate keys (PyYAML
would silently keep the last one), and refuse hostile documents before anything
is built: files over :data:`MAX_FILE_BYTES`, nesting deeper than
:data:`MAX_DEPTH` (the composer is recursive), more than :data:`MAX_NODES`
nodes, and documents whose aliases expand beyond :data:`MAX_NODES` (the
"billion laughs" attack). Each limit is checked while reading, so a refused
document costs well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ScenarioError
from ..inputs import read_text
from ..units import describe

#: Largest scenario file read, in bytes. Scenarios are hand-written (the largest
#: shipped one is about 30 kB); a larger file is refused without being parsed.
MAX_FILE_BYTES = 256_000
#: Largest number of YAML nodes (mappings, lists and scalars) a document may hold,
#: counting each use of an alias as a copy of its anchor. The largest shipped
#: scenario has 500; 5,000 parse in half a second at worst.
MAX_NODES = 5_000
#: Deepest nesting of mappings and lists (a scenario needs 5).
MAX_DEPTH = 50

KeyPath = tuple[Any, ...]

_HINTS = {
    "mapping values are not allowed here": "a value that contains ': ' must be quoted, "
    "or this line is indented wrongly",
    "expected <block end>": "check the indentation of this line against the lines above",
    "that cannot start any token": "quote the value",
    "found undefined alias": "an alias *name needs an anchor &name before it",
}


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
    #: Problems that do not stop reading (duplicate keys), reported with those found later.
    problems: list[Problem] = field(default_factory=list)


class _Refused(Exception):
    """Raised while composing a document that is too deep or too large."""

    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.message, self.mark = message, mark


class _GuardedLoader(yaml.SafeLoader):
    """The safe loader, with the nesting depth and number of nodes bounded while composing."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        self._nodes += 1
        try:
            if self._nodes > MAX_NODES:
                raise _Refused(f"found more than {MAX_NODES:,} values (mappings, lists and scalars), expected "
                               "a hand-written scenario; refused", self.peek_event().start_mark)
            if self._depth > MAX_DEPTH:
                raise _Refused(f"found mappings or lists nested more than {MAX_DEPTH} deep, expected a "
                               "scenario (5 levels at most); refused", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def dotted(path: Sequence[Any]) -> str:
    """A key path as shown in messages: ``generations.5G.launch``; odd keys are quoted."""
    return ".".join(_shown(p) for p in path)


def _shown(key: Any) -> str:
    text = str(key)
    return text if text and text.isprintable() and text.strip() == text else repr(text)


def _problem(file: str, message: str, mark: Any = None) -> Problem:
    if mark is None:
        return Problem(message, file=file)
    return Problem(message, file=file, line=mark.line + 1, column=mark.column + 1)


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int = 0) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = MAX_NODES + 1  # a node that refers to itself is too large
    if depth > MAX_DEPTH:
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


_INT, _FLOAT, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("int", "float", "null"))
_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_DIGITS_FIRST = re.compile(r"[0-9]+(?:[eE][-+]?[0-9]+)?(?:\s|$)")


def _misread_number(node: yaml.ScalarNode, value: Any) -> str | None:
    """Why a plain scalar YAML 1.1 reads as a number the writer did not mean, or None.

    ``010`` is octal (8) and ``1:30`` base 60 (90) to YAML 1.1; nobody writes a
    scenario value that way on purpose.
    """
    if node.style is not None or node.tag not in (_INT, _FLOAT):
        return None
    text = node.value
    if ":" in text:
        return (f"found {text}, which YAML reads as the base-60 number {value:g}, expected a number: "
                "write it in decimal, or quote it if it is text")
    if node.tag == _INT and _OCTAL.fullmatch(text):
        plain = text.replace("_", "").lstrip("+-").lstrip("0") or "0"
        return (f"found {text}, which YAML reads as the octal number {value}, expected a number: "
                f"write {'-' if text.startswith('-') else ''}{plain} (no leading zero), or quote it if it is a name")
    return None


def _split_by_comma(before: yaml.Node, key: yaml.Node, value: yaml.Node) -> str | None:
    """What to say when ``{usage: 0,85}`` was read as ``{usage: 0, 85: null}``, or None.

    In a ``{...}`` mapping the comma separates entries, so a decimal comma
    splits a number into a value and a key without a value.
    """
    plain = all(isinstance(n, yaml.ScalarNode) and n.style is None for n in (before, key, value))
    digits = key.tag == _INT or (isinstance(key, yaml.ScalarNode) and _DIGITS_FIRST.match(key.value) is not None)
    if not plain or before.tag not in (_INT, _FLOAT) or not digits or value.tag != _NULL or value.value:
        return None
    between = key.start_mark.buffer[before.end_mark.index:key.start_mark.index] if key.start_mark.buffer else ""
    if between != ",":
        return None
    written = f"{before.value}.{key.value}" if key.tag == _INT else f'"{before.value}.{key.value}"'
    return (f"found {before.value},{key.value} in a {{...}} mapping, where a comma separates entries: "
            f"a decimal comma, expected a decimal point: write {written}")


def _glued_in_list(before: yaml.Node, after: yaml.Node) -> str | None:
    """What to say when ``[0,5, 1,5]`` may be decimal commas read as four items, or None.

    In a ``[...]`` list the comma separates items, so ``0,5`` is two numbers; written with no space
    after the comma it is as likely a French decimal comma: refused, with both fixes."""
    plain = all(isinstance(n, yaml.ScalarNode) and n.style is None and n.tag in (_INT, _FLOAT)
                for n in (before, after))
    between = after.start_mark.buffer[before.end_mark.index:after.start_mark.index] if after.start_mark.buffer else ""
    if not plain or between != ",":
        return None
    return (f"found {before.value},{after.value} in a [...] list, where a comma separates items: for the "
            f"number {before.value}.{after.value} write a decimal point; for two items write a space after the "
            f"comma: [{before.value}, {after.value}]")


def _scalar(loader: yaml.SafeLoader, node: yaml.ScalarNode, file: str, problems: list[Problem],
            path: KeyPath | None = None) -> Any:
    """Construct one scalar now, so that a value its tag cannot read is reported where it is written
    (at ``path``, the key holding it, if given)."""
    try:
        value = loader.construct_object(node, deep=True)
        misread = _misread_number(node, value)
        if misread is not None:
            mark = node.start_mark
            problems.append(Problem(misread, dotted(path or ()), file, mark.line + 1, mark.column + 1))
        return value
    except yaml.constructor.ConstructorError:
        loader.recursive_objects.pop(node, None)
        return node.value  # an unknown tag: refused with its location when the document is built
    except Exception:  # e.g. 2010-13-45 (read as a date), !!int abc, !!bool maybe
        loader.recursive_objects.pop(node, None)
        tag = node.tag.removeprefix("tag:yaml.org,2002:")
        problems.append(_problem(file, f"invalid YAML value: found {node.value!r}, which is not a valid {tag}; "
                                       "quote it to read it as text", node.start_mark))
        return node.value


def _key(loader: yaml.SafeLoader, node: yaml.ScalarNode, file: str, problems: list[Problem]) -> Any:
    """The Python value of a scalar key, as in the constructed data (``2010`` is an int)."""
    value = _scalar(loader, node, file, problems)
    try:
        hash(value)
    except TypeError:
        return node.value
    return value


def _walk(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: KeyPath,
    file: str,
    marks: dict[KeyPath, Mark],
    problems: list[Problem],
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, yaml.Node] = {}
        pairs = zip(node.value, node.value[1:], strict=False) if node.flow_style else ()
        for (named, before), (key_node, value_node) in pairs:
            split = _split_by_comma(before, key_node, value_node)
            if split is not None:
                at = before.start_mark
                problems.append(Problem(split, dotted((*path, named.value)), file, at.line + 1, at.column + 1))
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
                problems.append(_problem(file, f"found a {kind} as a key, expected a plain name",
                                         key_node.start_mark))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = _key(loader, key_node, file, problems)
            child = (*path, key)
            if key in seen:
                first = seen[key].start_mark
                problems.append(
                    Problem(
                        f"duplicate key {key_node.value!r} (first given on line {first.line + 1}, column "
                        f"{first.column + 1}); "
                        "YAML would silently keep only the last one",
                        path=dotted(child),
                        file=file,
                        line=key_node.start_mark.line + 1,
                        column=key_node.start_mark.column + 1,
                    )
                )
            seen[key] = key_node  # the data keeps the last one: so do the marks
            marks[child] = Mark(file, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(loader, value_node, child, file, marks, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, (before, after) in enumerate(zip(node.value, node.value[1:], strict=False)):
            glued = _glued_in_list(before, after) if node.flow_style else None
            if glued is not None:
                at = before.start_mark
                problems.append(Problem(glued, dotted((*path, index)), file, at.line + 1, at.column + 1))
        for index, item in enumerate(node.value):
            child = (*path, index)
            marks[child] = Mark(file, item.start_mark.line + 1, item.start_mark.column + 1)
            _walk(loader, item, child, file, marks, problems)
    elif isinstance(node, yaml.ScalarNode):
        _scalar(loader, node, file, problems, path)


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    reason = exc.problem or exc.context or "invalid YAML"
    if "found character '\\t'" in str(exc):
        return _problem(file, "invalid YAML: a tab character; YAML indents with spaces only", mark)
    if exc.context == "expected a single document in the stream":
        return _problem(file, "invalid YAML: found a second document (after '---'), expected a single scenario", mark)
    if exc.context and exc.context_mark is not None and exc.problem_mark is not None:
        context = exc.context.removeprefix("while ").replace("scanning", "reading").replace("parsing", "reading")
        where = exc.context_mark
        if exc.context.endswith("first occurrence"):  # duplicate anchor
            reason = f"{exc.context} on line {where.line + 1}, {exc.problem}"
        else:
            reason += f" (while {context} that starts at line {where.line + 1}, column {where.column + 1})"
    hint = next((h for k, h in _HINTS.items() if k in str(exc)), None)
    return _problem(file, f"invalid YAML: {reason}" + (f"; hint: {hint}" if hint else ""), mark)


def _compose(text: str, file: str) -> tuple[_GuardedLoader, yaml.Node]:
    try:
        loader = _GuardedLoader(text)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise ScenarioError([Problem(
            f"invalid YAML: found the control character #x{exc.character:02x}, expected printable "
            'text (write it as an escape such as "\\t" inside double quotes)', file=file, line=line,
            column=column)]) from None
    try:
        node = loader.get_single_node()
    except _Refused as exc:
        loader.dispose()
        raise ScenarioError([_problem(file, exc.message, exc.mark)]) from None
    except yaml.MarkedYAMLError as exc:
        loader.dispose()
        raise ScenarioError([_syntax_problem(file, exc)]) from None
    except yaml.YAMLError as exc:
        loader.dispose()
        raise ScenarioError([_problem(file, f"invalid YAML: {exc}")]) from None
    return loader, node


def parse_yaml(text: str, file: str) -> Document:
    """Parse one YAML document with the safe loader, returning data and marks."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise ScenarioError([_problem(file, f"found a file of {size:,} bytes, expected at most "
                                            f"{MAX_FILE_BYTES:,} (a hand-written scenario); refused")])
    loader, node = _compose(text, file)
    try:
        if node is None:
            raise ScenarioError([_problem(file, "the file is empty; expected a scenario mapping")])
        if _expanded_size(node, {}) > MAX_NODES:
            raise ScenarioError(
                [
                    _problem(
                        file,
                        f"the document expands to more than {MAX_NODES:,} values through its "
                        "aliases (a 'billion laughs' bomb?), expected a hand-written scenario; refused",
                        node.start_mark,
                    )
                ]
            )
        marks: dict[KeyPath, Mark] = {(): Mark(file, node.start_mark.line + 1, 1)}
        problems: list[Problem] = []
        _walk(loader, node, (), file, marks, problems)
        if any(not p.message.startswith("duplicate key") for p in problems):
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
        except Exception as exc:  # pragma: no cover - scalars were built one by one above
            raise ScenarioError([_problem(file, f"invalid YAML value: {exc}", node.start_mark)]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ScenarioError(
            [_problem(file, f"found {describe(data)}, expected a mapping of keys to values "
                            "(name:, time:, demand:, generations: ...)", node.start_mark)]
        )
    return Document(data, marks, file, problems)


def parse_value(text: str) -> Any:
    """Read one ``--set`` value as YAML with the same limits as a file; raises YAMLError."""
    loader = _GuardedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}) > MAX_NODES:
            raise yaml.YAMLError(f"expands to more than {MAX_NODES:,} values through its aliases")
        return loader.construct_document(node)
    except _Refused as exc:
        raise yaml.YAMLError(exc.message) from None
    except yaml.YAMLError:
        raise
    except Exception as exc:  # a value its tag cannot read: 2010-13-45, !!int abc
        raise yaml.YAMLError(str(exc)) from None
    finally:
        loader.dispose()


def value_problems(text: str) -> list[tuple[str, str]]:
    """What a ``--set`` value would be misread as, as a file's value is checked (a decimal comma splitting
    ``{usage: 1,5 GB/month}`` into two entries, ``[0,5, 1,5]``, a base-60 or octal number), or nothing.
    Each as (dotted path inside the value, message); text that is not YAML says nothing here."""
    try:
        loader = _GuardedLoader(text)
    except yaml.YAMLError:
        return []
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node, {}) <= MAX_NODES:  # larger: parse_value refuses it
            _walk(loader, node, (), "--set", {}, problems)
    except (yaml.YAMLError, _Refused):
        return []
    finally:
        loader.dispose()
    return [(p.path, p.message) for p in problems]


def read_yaml(path: Path) -> Document:
    """Read and parse a scenario file; any I/O or encoding trouble is a ScenarioError naming it.

    The file is read by :func:`simulator.inputs.read_text`: a folder, a pipe, a device, a
    missing or unreadable path and a file over :data:`MAX_FILE_BYTES` are refused unread.
    """
    return parse_yaml(read_text(path, limit=MAX_FILE_BYTES, what="a hand-written scenario YAML file"), str(path))
