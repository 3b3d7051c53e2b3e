"""Every source the repository cites can be looked up from a clone.

Scenario comments, the READMEs and the docs cite a source as ``[key]``, and docs/references.md
defines each key once (``- **[key]** Author (year). Title ...``). A user with only a clone
must be able to find every source: so every key cited is defined there, no key is defined
twice, and no text names a file the clone does not have — the notes the scenarios were first
built from (``REFERENCE-DATA.md``), an absolute path of the machine they were written on
(``/work/``), or a relative path that leaves the repository or, in the documentation, leads
nowhere.

Where citations are looked for: in YAML, comments and quoted strings (a flow sequence such
as ``services: [video]`` is data, not a citation); in Markdown, the prose outside code; in
Python, docstrings and comments, and there only year-style keys (``[ericsson2015nov]``),
because ``x[k]`` is code.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = ROOT / "docs" / "references.md"

DEFINITION = re.compile(r"^- \*\*\[([^\]\n]+)\]\*\*", re.MULTILINE)
KEY_FORMAT = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")  # lowercase letters and digits, at least one letter
CITATION = re.compile(r"\[([a-z0-9]*[a-z][a-z0-9]*)\](?!\()")  # [key], not a Markdown link [text](url)
YEAR_CITATION = re.compile(r"\[([a-z]+[0-9]{4}[a-z]*)\]")  # [author2015b]: the only form looked for in Python
PARENT_PATH = re.compile(r"(?<![\w.])(?:\.\./)+[^\s'\"`()\[\]<>,;|]*")
MARKDOWN_FILE = re.compile(r"[\w./-]*\.md\b")
FENCE = re.compile(r"^\s*```")
INLINE_CODE = re.compile(r"`[^`\n]*`")

#: Folders and files of the repository that hold text worth checking (outputs/ and build products are not).
TEXT_ROOTS = ("README.md", "pyproject.toml", ".ci", "benchmarks", "docs", "scenarios", "simulator", "tests")
BINARY_SUFFIXES = {".png", ".svg", ".pdf", ".parquet", ".pyc", ".gz", ".zip", ".ico", ".woff", ".woff2"}
THIS_FILE = Path(__file__).resolve()


def _documentation() -> list[Path]:
    """The files whose citations a reader follows: READMEs, docs and scenarios."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "scenarios").iterdir())]


def _text_files() -> list[Path]:
    """Every text file of the repository (this one excepted: it names what it forbids)."""
    found = []
    for name in TEXT_ROOTS:
        top = ROOT / name
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in paths:
            if "__pycache__" in path.parts or path.suffix in BINARY_SUFFIXES or path.resolve() == THIS_FILE:
                continue
            try:
                path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            found.append(path)
    return found


def _yaml_prose(line: str) -> str:
    """The comment and the quoted strings of one YAML line: where a citation can be."""
    strings, quote, start = [], None, 0
    for i, char in enumerate(line):
        if quote:
            if char == quote and not (quote == '"' and line[i - 1] == "\\"):
                strings.append(line[start:i])
                quote = None
        elif char in "\"'" and (i == 0 or line[i - 1] in " \t[{,:"):
            quote, start = char, i + 1
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            strings.append(line[i + 1:])
            break
    return " ".join(strings)


def _markdown_prose(lines: list[str]) -> list[str]:
    """Each line of a Markdown file with code (fenced blocks, inline spans) blanked out."""
    prose, in_fence = [], False
    for line in lines:
        if FENCE.match(line):
            in_fence = not in_fence
            prose.append("")
        else:
            prose.append("" if in_fence else INLINE_CODE.sub("", line))
    return prose


def _python_prose(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every docstring and comment of a Python file."""
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                found.append((node.body[0].lineno, docstring))
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found.append((token.start[0], token.string))
    return found


def _citations() -> dict[str, list[str]]:
    """Every key cited in the repository → where ("file:line")."""
    cited: dict[str, list[str]] = defaultdict(list)

    def note(path: Path, number: int, text: str, pattern: re.Pattern = CITATION) -> None:
        for key in pattern.findall(text):
            cited[key].append(f"{path.relative_to(ROOT)}:{number}")

    for path in _documentation():
        lines = path.read_text(encoding="utf-8").splitlines()
        if path.suffix == ".md":
            for number, line in enumerate(_markdown_prose(lines), start=1):
                note(path, number, DEFINITION.sub("", line))
        elif path.suffix in (".yaml", ".yml"):
            for number, line in enumerate(lines, start=1):
                note(path, number, _yaml_prose(line))
    for path in sorted((ROOT / "simulator").rglob("*.py")) + sorted((ROOT / "tests").glob("*.py")):
        if path.resolve() != THIS_FILE:
            for number, text in _python_prose(path):
                note(path, number, text, YEAR_CITATION)
    return cited


def _defined() -> list[str]:
    return DEFINITION.findall(REFERENCES.read_text(encoding="utf-8"))


def test_every_cited_key_is_defined_in_the_references():
    defined = set(_defined())
    cited = _citations()
    assert len(cited) > 20, f"only {len(cited)} keys found cited: is the scan broken?"
    missing = {key: places for key, places in cited.items() if key not in defined}
    assert not missing, "cited but not defined in docs/references.md:\n" + "\n".join(
        f"  [{key}] at {', '.join(places)}" for key, places in sorted(missing.items()))


def test_no_key_is_defined_twice_and_every_key_has_the_key_format():
    keys = _defined()
    assert keys, "docs/references.md defines no key"
    twice = sorted(key for key, count in Counter(keys).items() if count > 1)
    assert not twice, f"defined more than once in docs/references.md: {twice}"
    malformed = [key for key in keys if not KEY_FORMAT.fullmatch(key)]
    assert not malformed, f"keys must be lowercase letters and digits (author + year + letter): {malformed}"


def test_every_entry_of_the_references_is_a_definition_under_a_heading():
    """An entry line that does not parse as ``- **[key]** ...`` would define nothing, silently."""
    text = REFERENCES.read_text(encoding="utf-8")
    entries = [line for line in text.splitlines() if line.startswith("- **")]
    assert entries and all(DEFINITION.match(line) for line in entries), [
        line for line in entries if not DEFINITION.match(line)]
    assert text.index("\n## ") < text.index(entries[0]), "the first entry comes before any ## heading"


def _lines(paths):
    """(path, path relative to the root, line number, line) of every line of ``paths``."""
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            yield path, path.relative_to(ROOT), number, line


def test_no_file_points_outside_the_repository():
    problems = []
    for path, where, number, line in _lines(_text_files()):
        if "REFERENCE-DATA" in line:
            problems.append(f"{where}:{number}: names the project's private notes (cite a key instead)")
        if "/work/" in line:
            problems.append(f"{where}:{number}: names an absolute path of the development machine")
        for name in PARENT_PATH.findall(line):
            if not Path(os.path.normpath(path.parent / name)).is_relative_to(ROOT):
                problems.append(f"{where}:{number}: {name!r} leaves the repository")
    assert not problems, "\n".join(problems)


def test_documentation_names_only_files_the_clone_has():
    """A path a reader of the docs would follow (``../x``, ``x.md``) must exist, from the file or the root."""
    problems = []
    for path, where, number, line in _lines(_documentation()):
        if "shared/" in line:
            problems.append(f"{where}:{number}: names a folder outside the repository")
        for name in PARENT_PATH.findall(line) + MARKDOWN_FILE.findall(line):
            here, there = path.parent / name, ROOT / name
            if not (here.exists() or (not name.startswith("../") and there.exists())):
                problems.append(f"{where}:{number}: {name!r} is not a file of the repository")
    assert not problems, "\n".join(problems)


def test_the_scanners_find_citations_where_they_are_and_only_there():
    """The checks above are only as good as these: a flow sequence or code is not a citation."""
    assert CITATION.findall(_yaml_prose('  services: [video]  # assumption [dewenter2007] [E]')) == ["dewenter2007"]
    assert CITATION.findall(_yaml_prose('  source: "PTS [pts2013], #3"  # [A]')) == ["pts2013"]
    prose = _markdown_prose(["```", "x[video]", "```", "see `[code]` and [ember2024], [a link](x.md)"])
    assert [CITATION.findall(line) for line in prose] == [[], [], [], ["ember2024"]]
    assert YEAR_CITATION.findall("values[k] and [auer2011]") == ["auer2011"]
    assert PARENT_PATH.findall("see ../shared/REFERENCE-DATA.md, or (../docs/references.md)") == [
        "../shared/REFERENCE-DATA.md", "../docs/references.md"]
