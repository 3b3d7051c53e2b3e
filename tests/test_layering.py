"""The code's layering (issue 17): one direction of data flow, and no module reading another's private names.

Stages, in the order data flows (a module may import its own stage and earlier ones only):
infrastructure (version, errors, units, inputs, interrupts, output folders) → scenario → graph → model →
the run (the engine and the results it returns, with the rebound measures and decomposition computed
from them) → comparison →
outputs (words and colours, plots, exports, the live page, ensembles) → the report (one document of them all) →
the command line and the package's public API.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "simulator"
STAGES = [
    ("version", "errors", "units", "inputs", "interrupts", "output_folder"),
    ("scenario",),
    ("graph",),
    ("model",),
    ("engine", "results", "rebound", "decomposition", "indicators"),
    ("compare", "attribution"),
    ("display", "plots", "export", "serve", "ensemble", "calibrate"),
    ("reporting",),
    ("cli", "__main__", "__init__"),
]
#: Private names still read across modules: none since ensembles and single runs compile the same way.
KNOWN_PRIVATE: set[tuple[str, str]] = set()


def _stage(parts: tuple[str, ...]) -> int:
    head = parts[0].removesuffix(".py")
    for rank, names in enumerate(STAGES):
        if head in names:
            return rank
    raise AssertionError(f"simulator/{'/'.join(parts)} belongs to no stage: add it to STAGES")


def _imports(path: Path):
    """(imported module as a path under simulator/, names) for every import of a simulator module."""
    here = path.relative_to(PACKAGE).parent.parts
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - node.level + 1] if node.level > 1 else here
                target = (*base, *(node.module or "").split(".")) if node.module else base
            elif (node.module or "").startswith("simulator"):
                target = tuple(node.module.split(".")[1:])
            else:
                continue
            names = [a.name for a in node.names]
            if not node.module or not target:  # from . import x: x is a module of the package
                for name in names:
                    yield (*target, name), []
            else:
                yield tuple(t for t in target if t), names
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("simulator."):
                    yield tuple(alias.name.split(".")[1:]), []


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_no_stage_imports_a_later_one():
    wrong = []
    for path in _modules():
        mine = path.relative_to(PACKAGE).parts
        for target, _ in _imports(path):
            if target and _stage(target) > _stage(mine):
                wrong.append(f"simulator/{'/'.join(mine)} imports simulator/{'/'.join(target)}")
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_another_modules_private_names():
    found = set()
    for path in _modules():
        mine = path.relative_to(PACKAGE).as_posix()
        for _, names in _imports(path):
            found |= {(mine, n) for n in names if n.startswith("_") and not n.startswith("__")}
    assert found <= KNOWN_PRIVATE, f"new private imports: {sorted(found - KNOWN_PRIVATE)}"


def test_the_live_page_does_not_load_matplotlib():
    import subprocess
    import sys

    code = "import sys, simulator.serve.app; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=PACKAGE.parent)
    assert done.stdout.strip() == "False", "simulator.serve.app imports matplotlib"


def test_the_scanner_sees_imports():
    """The checks above cannot pass by finding nothing."""
    cli = list(_imports(PACKAGE / "cli.py"))
    assert (("output_folder",), ["claim"]) in cli
    assert any(target[0] == "model" for path in _modules() if path.parent.name == "ensemble"
               for target, _ in _imports(path))
