"""The structure the README's architecture section promises, checked from the source.

* no import cycle between the package's modules (run-time imports: those under
  ``if TYPE_CHECKING:`` are for type hints and never run);
* no module imports another module's private name (``_name``);
* the layers: nothing below the command layer imports ``cleaner.cli`` or
  ``cleaner.commands``; the kernels (edits, chars, the dedup kernels) import no
  engine; importing ``cleaner.ray`` does not import Ray itself;
* no function longer than 80 lines, outside data tables.

The graph is read with :mod:`ast`, so a violation names the file and line.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cleaner"
MAX_FUNCTION_LINES = 80

#: modules that may import the command layer (they are the command layer)
COMMAND_LAYER = ("cleaner.cli", "cleaner.commands", "cleaner.__main__")
#: kernels: small pure pieces every engine uses; they must not reach up
KERNELS = (
    "cleaner.edits",
    "cleaner.chars",
    "cleaner.native",
    "cleaner.errors",
    "cleaner.dedup.key",
    "cleaner.dedup.minhash",
    "cleaner.dedup.lsh",
    "cleaner.dedup.verify",
    "cleaner.dedup.clusters",
    "cleaner.dedup.components",
)
#: what a kernel may never import
ENGINES = ("cleaner.runner", "cleaner.ray", "cleaner.dedup.corpus", "cleaner.pipeline", "cleaner.registry")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those inside ``if TYPE_CHECKING:`` blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                stack.extend(child.orelse)
                continue
            stack.append(child)


class Import:
    def __init__(self, source: str, target: str, names: tuple[str, ...], where: str) -> None:
        self.source, self.target, self.names, self.where = source, target, names, where


def imports() -> list[Import]:
    """Run-time imports of one package module by another."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    found: list[Import] = []
    for name, path in sorted(modules.items()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_nodes(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if not target.startswith("cleaner"):
                    continue
                names = tuple(a.name for a in node.names)
                submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
                for sub in submodules:
                    found.append(Import(name, sub, (), where))
                rest = tuple(n for n in names if f"{target}.{n}" not in modules)
                if rest and target in modules:
                    found.append(Import(name, target, rest, where))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("cleaner") and alias.name in modules:
                        found.append(Import(name, alias.name, (), where))
    return [i for i in found if i.source != i.target]


def cycles(edges: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan).

    A package's ``__init__`` importing its submodules counts like any other
    import: a submodule that imports from its package's ``__init__`` closes
    a cycle that breaks when the submodule is imported first.
    """
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle() -> None:
    found = cycles(imports())
    assert not found, f"import cycles: {found}"


def test_no_private_name_imported_across_modules() -> None:
    bad = [
        f"{i.where}: {i.source} imports {', '.join(n for n in i.names if n.startswith('_'))} from {i.target}"
        for i in imports()
        if any(n.startswith("_") and not n.startswith("__") for n in i.names)
    ]
    assert not bad, "\n".join(bad)


def _inside(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_only_the_command_layer_imports_the_command_layer() -> None:
    bad = [
        f"{i.where}: {i.source} imports {i.target}"
        for i in imports()
        if _inside(i.target, COMMAND_LAYER) and not _inside(i.source, COMMAND_LAYER)
    ]
    assert not bad, "\n".join(bad)


def test_kernels_import_no_engine() -> None:
    bad = [
        f"{i.where}: {i.source} imports {i.target}"
        for i in imports()
        if _inside(i.source, KERNELS) and _inside(i.target, ENGINES)
    ]
    assert not bad, "\n".join(bad)


def test_the_checks_see_a_cycle_and_a_private_import() -> None:
    """The checks above can fail: a made-up graph with a cycle is caught."""
    edges = [Import("a", "b", (), "a:1"), Import("b", "c", (), "b:1"), Import("c", "a", ("_x",), "c:1")]
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles(edges[:2]) == []
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import cleaner.cli\n")
    assert not any(isinstance(n, ast.Import) and n.names[0].name == "cleaner.cli" for n in _runtime_nodes(tree))


def _is_data_table(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function whose body is one literal (a table built in code) is data."""
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1:
        return False
    value = getattr(body[0], "value", None)
    return isinstance(value, (ast.List, ast.Tuple, ast.Dict, ast.Set))


def long_functions(roots: tuple[Path, ...], limit: int = MAX_FUNCTION_LINES) -> list[str]:
    found = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not _is_data_table(node):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > limit:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_over_80_lines() -> None:
    found = long_functions((PACKAGE, ROOT / "benchmarks"))
    assert not found, "functions over 80 lines (split them):\n" + "\n".join(found)


def test_importing_the_ray_engine_does_not_import_ray() -> None:
    pytest.importorskip("ray")
    code = "import sys, cleaner.ray; assert 'ray' not in sys.modules, 'cleaner.ray imported ray'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
