"""The README's Python block runs as written (from the repository root)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_block_runs(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python block"
    code = blocks[0].replace('"scenarios/', f'"{ROOT}/scenarios/').replace('"outputs/', f'"{tmp_path}/')
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert (tmp_path / "what-if" / "plots" / "rebound.svg").exists()
    assert (tmp_path / "what-if" / "summary.json").exists()


def test_readme_first_screen_gives_the_two_commands():
    first = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:15])
    assert 'python -m pip install -e ".[test]" && jevons run scenarios/world-digital.yaml' in first
    assert 'python -m pip install -e ".[test]" && python -m pytest' in first
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'python -m pip install -e ".[test]" && python -m pytest' in ci
