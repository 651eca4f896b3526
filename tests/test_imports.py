"""Importing the package, and the rule modules, loads no heavy library:
ftfy, OpenCC, zhon, numpy and rapidfuzz are imported when a rule first needs them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("ftfy", "opencc", "zhon", "numpy", "rapidfuzz", "jieba")


def _loaded_after(statement: str) -> list[str]:
    code = f"import sys\n{statement}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_import_cleaner_loads_no_heavy_library() -> None:
    assert _loaded_after("import cleaner") == []


def test_rule_modules_load_no_heavy_library() -> None:
    modules = ("unicode", "html_entities", "script", "width", "whitespace", "page_numbers", "boilerplate")
    statement = "\n".join(f"import cleaner.rules.{m}" for m in modules) + "\nimport cleaner.dedup.rule"
    assert _loaded_after(statement) == []


def test_the_rules_load_their_library_when_they_need_it() -> None:
    """Counting Traditional and Simplified characters reads a data file
    (cleaner/data/script_chars.txt); converting them needs OpenCC."""
    counting = "import cleaner.rules.script as s\nprint(s.script_counts('這是简体'))"
    assert "opencc" not in _loaded_after(counting)
    converting = "from cleaner import clean\nprint(clean('這是简体', script='simplified'))"
    assert "opencc" in _loaded_after(converting)


def test_the_library_call_loads_no_heavy_library_before_it_runs() -> None:
    """`from cleaner import clean` builds the registry (every rule module,
    the typo rules included) and loads none of the slow libraries (numpy
    alone took 0.42 s); rapidfuzz, which the lexicon rule imports, takes 15 ms."""
    assert _loaded_after("from cleaner import clean\nimport cleaner.registry") in ([], ["rapidfuzz"])


def test_a_public_name_is_looked_up_once() -> None:
    """PEP 562: after the first access the name is a module attribute, so
    ``cleaner.explain`` in a loop does not call ``import_module`` each time."""
    import cleaner

    first = cleaner.explain
    assert vars(cleaner)["explain"] is first
    from cleaner.pipeline import explain

    assert cleaner.explain is explain
