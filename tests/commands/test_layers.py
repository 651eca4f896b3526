"""The command layer sits on top: nothing below it imports it (an engine
renders records with :mod:`cleaner.records`, not a command module), and the
command modules share public names only."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "cleaner"


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(absolute module, names imported from it) of every import in ``path``, nested ones included."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = parts[:-1]  # a module's package; an __init__'s own package
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names = [a.name for a in node.names]
            found.append((module, names))
            found += [(f"{module}.{n}", []) for n in names]  # ``from . import x`` imports a module
    return found


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def test_imports_are_resolved():
    """The scan sees the imports it checks (else the tests below could not fail)."""
    found = dict(_imports(PACKAGE / "commands" / "dedup.py"))
    assert "cleaner.records" in found and "cleaner.commands.common" in found
    assert ("cleaner.commands", ["clean", "dedup"]) in _imports(PACKAGE / "cli.py")


def test_nothing_below_the_commands_imports_them():
    above = {"cleaner.cli", "cleaner.__main__"}
    for name, path in _modules().items():
        if name in above or name == "cleaner.commands" or name.startswith("cleaner.commands."):
            continue
        for module, _ in _imports(path):
            assert not (module == "cleaner.cli" or module.startswith(("cleaner.cli.", "cleaner.commands"))), f"{name} imports {module}"


def test_commands_share_public_names_only():
    for name, path in _modules().items():
        if not (name == "cleaner.cli" or name.startswith("cleaner.commands")):
            continue
        for module, names in _imports(path):
            if module.startswith("cleaner"):
                private = [n for n in names if n.startswith("_") and n != "__version__"]
                assert not private, f"{name} imports private {private} from {module}"
