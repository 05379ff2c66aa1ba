"""The house rules of the core, checked on its import graph (the layers themselves: `make lint`)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2] / "segmentation"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("segmentation", cache_dir=None)


def _cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """One import circle among the core's modules, or None (depth-first search, three colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for nxt in sorted(graph.find_modules_directly_imported_by(module)):
            if not nxt.startswith("segmentation"):
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(graph.modules):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_no_import_circle(graph: grimp.ImportGraph) -> None:
    # a package's __init__ importing its own modules is not a circle of the code's logic
    for module in list(graph.modules):
        for child in graph.find_children(module):
            if graph.direct_import_exists(importer=module, imported=child):
                graph.remove_import(importer=module, imported=child)
    assert _cycle(graph) is None


def test_no_private_name_imported_across_modules() -> None:
    offenders = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("segmentation"):
                offenders += [f"{path.name}: {a.name}" for a in node.names if a.name.startswith("_")]
    assert offenders == []


def test_subpackages_show_the_pipeline() -> None:
    top = sorted(p.name for p in ROOT.glob("*.py"))
    assert len(top) <= 10, top
    for package in ("intake", "features", "segmenters", "explain", "outputs", "samples"):
        init = ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
        assert any(isinstance(n, ast.Assign) and n.targets[0].id == "__all__" for n in init.body), package  # type: ignore[attr-defined]


#: The longest a file of the core may be: past this a module holds more than one idea and is split.
MAX_LINES = 400


def test_no_file_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in sorted(ROOT.rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_outside_code_imports_only_public_names() -> None:
    """ui/, pages/ and other subpackages use a subpackage through its ``__init__``, never a module inside."""
    project = ROOT.parent
    offenders = []
    for path in [*ROOT.rglob("*.py"), *(project / "ui").glob("*.py"), *(project / "pages").glob("*.py")]:
        own = path.relative_to(project).parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").count(".") >= 2:
                parts = node.module.split(".")  # type: ignore[union-attr]
                if parts[0] == "segmentation" and tuple(own[:2]) != ("segmentation", parts[1]):
                    offenders.append(f"{'/'.join(own)}: {node.module}")
    assert offenders == []
