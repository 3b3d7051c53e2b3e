"""Read the files a user names, bounded and typed: the one place such a file is opened.

A path on the command line (or in ``extends:``) may be anything: a missing file,
a folder, a symbolic-link loop, a name too long for the file system, ``/dev/zero``,
a named pipe that blocks until someone writes to it, a sparse file of 150 MB. Each
is refused with a :class:`~simulator.errors.ScenarioError` naming the file, before a
byte is read where possible: the path is checked with ``stat`` first and only a
regular file is opened (non-blocking, checked again once open, in case the path
was swapped in between); at most ``limit + 1`` bytes are read; the text must be
UTF-8. JSON is also checked for what would break the code that reads it after
parsing (nesting deeper than :data:`MAX_JSON_DEPTH`, integers longer than
:data:`MAX_INT_DIGITS` digits, NaN and Infinity) by one linear scan, so that no
input can end in a ``RecursionError`` or an internal error.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from .errors import Problem, ScenarioError

#: Largest manifest.json read, in bytes. A manifest holds resolved scenarios (the largest
#: shipped one, 36 kB of YAML, resolves to 13 kB of JSON) plus a few lines of versions: 2 MB
#: holds a comparison of a hundred such scenarios, and any file this size is read and
#: checked in well under a second.
MAX_MANIFEST_BYTES = 2_000_000
#: Deepest nesting of JSON arrays and objects. A scenario nests at most 50 levels (the YAML
#: reader's limit) and a manifest wraps it in 3 more; deeper input would exhaust Python's
#: recursion limit (1,000 frames) in the code that copies and validates the data.
MAX_JSON_DEPTH = 64
#: Longest JSON integer, in digits. Years, counts and seeds (a 128-bit seed has 39 digits)
#: are far shorter; an integer of more than 308 digits overflows a float, and Python refuses
#: to parse one of more than 4,300 digits.
MAX_INT_DIGITS = 100
#: Bytes read per system call.
_CHUNK = 1 << 16

_TYPES = [
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), which could block the program"),
    (stat.S_ISCHR, "is a character device"),
    (stat.S_ISBLK, "is a block device"),
    (stat.S_ISSOCK, "is a socket"),
]
_OS_ERRORS = {
    errno.ENOENT: "no such file",
    errno.ENOTDIR: "a part of the path before the file name is not a folder",
    errno.ELOOP: "symbolic links in this path loop (too many levels of symbolic links)",
    errno.ENAMETOOLONG: "the file name is too long for the file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


class UnreadableFile(ScenarioError):
    """A path that cannot be opened as a regular file (missing, a folder, a pipe, a loop...).

    ``reason`` is the message without the file name; ``code`` the ``errno`` behind it
    (``errno.EISDIR`` for a folder, None for a pipe, device or socket), so that a caller
    can say it in its own words (``extends:`` does, at the line that names the file).
    """

    def __init__(self, path: str | Path, reason: str, code: int | None):
        self.path, self.reason, self.code = str(path), reason, code
        super().__init__([Problem(reason, file=str(path))])


def _opened(path: str | Path, what: str) -> int:
    """A file descriptor on ``path``, which must be a regular file: nothing else is opened."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _os_error(path, exc, what) from None
    except ValueError:  # a NUL character in the name
        raise UnreadableFile(path, f"the file name holds a NUL character; expected {what}", None) from None
    _check_regular(path, info, what)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _os_error(path, exc, what) from None
    try:
        _check_regular(path, os.fstat(fd), what)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _os_error(path: str | Path, exc: OSError, what: str) -> UnreadableFile:
    reason = _OS_ERRORS.get(exc.errno or 0) or f"cannot be read ({exc.strerror or exc})"
    return UnreadableFile(path, f"{reason}; expected {what}", exc.errno)


def _check_regular(path: str | Path, info: os.stat_result, what: str) -> None:
    if stat.S_ISREG(info.st_mode):
        return
    found = next((text for test, text in _TYPES if test(info.st_mode)), "is not a regular file")
    code = errno.EISDIR if stat.S_ISDIR(info.st_mode) else None
    raise UnreadableFile(path, f"{found}, expected {what}; refused without reading it", code)


def _too_large(limit: int, what: str, size: int | None = None) -> str:
    if size is None:
        return f"found a file of more than {limit:,} bytes, expected {what}; refused"
    return f"found a file of more than {limit:,} bytes ({size:,}), expected {what}; refused without reading it"


def read_bytes(path: str | Path, *, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is a ScenarioError.

    ``what`` says what the file should be ("a scenario YAML file"); it ends each message.
    """
    file = str(path)
    fd = _opened(path, what)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise ScenarioError([Problem(_too_large(limit, what, size), file=file)])
        chunks, total = [], 0
        while total <= limit:
            try:
                chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            except OSError as exc:
                raise _os_error(path, exc, what) from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > limit:  # the file grew, or does not tell its size (/proc)
        raise ScenarioError([Problem(_too_large(limit, what), file=file)])
    return b"".join(chunks)


def read_text(path: str | Path, *, limit: int, what: str) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes; anything else is a ScenarioError.

    Refused, with the file named: a missing file, a folder, a pipe or device (never opened, so
    a pipe cannot block), a loop of symbolic links, a name too long, no permission, more than
    ``limit`` bytes, a NUL byte (a binary file) or bytes that are not UTF-8 (both located).
    """
    file = str(path)
    raw = read_bytes(path, limit=limit, what=what)
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _byte_position(raw, nul)
        raise ScenarioError([Problem(f"is a binary file (a NUL byte at offset {nul}), expected {what}", file=file,
                                     line=line, column=column)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        raise ScenarioError([Problem(
            f"is not UTF-8 text (byte {raw[exc.start]:#x} at offset {exc.start}), expected {what}; "
            "save it as UTF-8", file=file, line=line, column=column)]) from None


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[start:offset].decode("utf-8", errors="replace")) + 1


#: What the JSON scan looks at: strings (skipped whole), an unterminated string (the scan stops:
#: the parser reports it), brackets, numbers and the constants JSON does not allow.
_JSON_TOKENS = re.compile(
    r'"[^"\\]*(?:\\.[^"\\]*)*"|(?P<quote>")|(?P<open>[\[{])|(?P<close>[\]}])'
    r"|(?P<number>-?\d+(?P<fraction>(?:\.\d+)?(?:[eE][-+]?\d+)?))|(?P<constant>NaN|-?Infinity)"
)


def _where(text: str, pos: int) -> tuple[int, int]:
    return text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)


def _json_problem(text: str, what: str) -> tuple[str, int] | None:
    """The first thing in ``text`` that JSON allows but reading it must not meet, and where."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return f"found arrays or objects nested more than {MAX_JSON_DEPTH} deep, expected {what}; " \
                       "refused", match.start()
        elif kind == "close":
            depth -= 1
        elif kind == "number" and not match["fraction"]:
            digits = len(match["number"].lstrip("-"))
            if digits > MAX_INT_DIGITS:
                return f"found an integer of {digits:,} digits, expected at most {MAX_INT_DIGITS}; " \
                       "refused", match.start()
        elif kind == "constant":
            return f"found {match[0]}, expected a finite number (JSON has no NaN or Infinity)", match.start()
        elif kind == "quote":
            return None
    return None


class _Refused(ValueError):
    """Raised by a parser hook; the scan above finds where."""


def _refuse_constant(name: str) -> Any:
    raise _Refused(f"found {name}, expected a finite number (JSON has no NaN or Infinity)")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"found an integer of more than {MAX_INT_DIGITS} digits; refused")
    return int(digits)


def read_json(path: str | Path, *, limit: int, what: str) -> Any:
    """The JSON data of a regular file of at most ``limit`` bytes, as :func:`read_text` reads it.

    Also refused, located at line and column: invalid JSON, nesting deeper than
    :data:`MAX_JSON_DEPTH`, integers longer than :data:`MAX_INT_DIGITS` digits, NaN and Infinity.
    """
    file = str(path)
    text = read_text(path, limit=limit, what=what)
    found = _json_problem(text, what)
    if found is not None:
        message, pos = found
        line, column = _where(text, pos)
        raise ScenarioError([Problem(message, file=file, line=line, column=column)])
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        reason = re.sub(" at$", " here", exc.msg)  # "Unterminated string starting at" (the line and column)
        raise ScenarioError([Problem(f"invalid JSON: {reason}; expected {what}", file=file, line=exc.lineno,
                                     column=exc.colno)]) from None
    except (_Refused, RecursionError, ValueError) as exc:  # the scan above should have found it first
        raise ScenarioError([Problem(f"cannot be read as JSON ({exc}), expected {what}", file=file)]) from None


__all__ = ["MAX_INT_DIGITS", "MAX_JSON_DEPTH", "MAX_MANIFEST_BYTES", "UnreadableFile", "read_bytes", "read_json",
           "read_text"]
