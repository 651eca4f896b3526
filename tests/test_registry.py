"""The rule registry: each rule declared once in its module, named once in the
package, reading only the options it declares; every option has a reader."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner.config import OPTIONS, SELECTION, Config, make_config
from cleaner.registry import RULES
from cleaner.rule import Rule

PACKAGE = Path(cleaner.__file__).resolve().parent
FIELDS = {f.name for f in dataclasses.fields(Config) if not f.name.startswith("_")}

#: string literals equal to a rule name that mean something else, or that
#: another layer still writes (file relative to the package, name): why
OTHER_USES = {
    ("typos/guards.py", "script"): "the name of the guard that vetoes a change in a Traditional run",
    ("typos/context/indels.py", "script"): "the name of the guard that vetoes a change in a Traditional run",
    ("typos/context/vetoes.py", "script"): "the name of the guard that vetoes a change in a Traditional run",
    ("commands/dedup.py", "dedup"): "the subcommand's name and its progress label",
    ("commands/settings.py", "dedup"): "the subcommand's name: its table in a --config file",
    ("commands/catalog.py", "dedup"): "the subcommand's name and its module, listed without importing it",
    ("dedup/split.py", "dedup"): "drop_edits' default rule (dedup.rule passes NAME)",
}


def _module_rules() -> dict[str, list[Rule]]:
    """The rules each module declares as module constants, by module name."""
    out: dict[str, list[Rule]] = {}
    for rule in RULES.values():
        out.setdefault(rule.func.__module__, []).append(rule)
    return out


def test_every_registered_rule_is_the_one_its_module_declares() -> None:
    assert len(RULES) == len({r.name for r in RULES.values()})
    for module_name, rules in _module_rules().items():
        module = importlib.import_module(module_name)
        declared = [v for v in vars(module).values() if isinstance(v, Rule)]
        assert sorted(r.name for r in declared) == sorted(r.name for r in rules), module_name
        assert all(any(d is r for d in declared) for r in rules), module_name


def _config_reads(path: Path) -> set[str]:
    """The Config fields a module reads as ``config.<field>`` or ``cfg.<field>``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("config", "cfg")
        and node.attr in FIELDS
    }


@pytest.mark.parametrize("module_name", sorted(_module_rules()))
def test_a_rule_module_reads_the_options_its_rules_declare(module_name: str) -> None:
    rules = _module_rules()[module_name]
    path = Path(importlib.import_module(module_name).__file__ or "")
    declared = {o for r in rules for o in r.options}
    assert _config_reads(path) == declared, f"{module_name}: declare in RULE.options exactly the Config fields it reads"


class _Recording:
    """A Config that records which fields are read."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        self.read.add(name)
        return getattr(self._config, name)


#: texts that take each rule through the branches that read options: repeated
#: paragraphs and page headers, a Traditional character, a misread and a
#: stutter, a near miss of a lexicon term
_TEXTS = (
    "图书馆今年完成了老馆改造，新增阅览座位三百个，延长了周末的开放时间。\n\n"
    "图书馆今年完成了老馆改造，新增阅览座位三百个，延长了周末的开放时间。\n\n"
    "第三段很短。\n",
    "季度报告 第1页\n正文第1页的内容，很长很长的一段话。\f季度报告 第2页\n正文第2页的内容，很长很长的一段话。\f"
    "季度报告 第3页\n正文第3页的内容，很长很长的一段话。\f",
    "这位博土毕业于北京大学，大力发展旅游旅游业。我們的會議由赵明运主持。\n",
)


@pytest.mark.parametrize("name", list(RULES))
def test_a_rule_reads_no_option_it_does_not_declare(name: str) -> None:
    rule = RULES[name]
    recorder = _Recording(make_config(lexicon=("赵明远",), dedup_scope="document"))
    for text in _TEXTS:
        list(rule.func(text, recorder))  # type: ignore[arg-type]
    assert recorder.read & FIELDS <= set(rule.options), f"{name} reads {sorted(recorder.read)}; declares {rule.options}"


def test_every_option_is_read_by_a_rule_or_selects_rules() -> None:
    read = {o for r in RULES.values() for o in r.options}
    assert read <= FIELDS
    assert not set(SELECTION) & read
    assert FIELDS == read | set(SELECTION)
    assert set(OPTIONS) == FIELDS


def _rule_name_literals() -> Counter[tuple[str, str]]:
    found: Counter[tuple[str, str]] = Counter()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # a rule's options are Config fields, some named after the rule they control
        options = {id(n) for k in ast.walk(tree) if isinstance(k, ast.keyword) and k.arg == "options" for n in ast.walk(k.value)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in RULES and id(node) not in options:
                found[(path.relative_to(PACKAGE).as_posix(), node.value)] += 1
    return found


def test_each_rule_name_is_written_once_in_the_package() -> None:
    found = _rule_name_literals()
    where: dict[str, list[str]] = {}
    for (path, name), count in found.items():
        if (path, name) not in OTHER_USES:
            where.setdefault(name, []).extend([path] * count)
    assert {n: w for n, w in where.items() if len(w) != 1} == {}
    assert set(where) == set(RULES)


def test_a_rule_module_loads_no_other_rule() -> None:
    code = "import sys, cleaner.rules.width; print(' '.join(m for m in sys.modules if m.startswith('cleaner')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "cleaner.rules.width" in out
    assert not {"cleaner.registry", "cleaner.config", "cleaner.rules.script", "cleaner.typos"} & set(out), out


def test_the_rules_package_is_not_shadowed() -> None:
    import cleaner.rules

    assert cleaner.registry.RULES is RULES
    assert cleaner.list_rules()[0] == ("unicode", RULES["unicode"].summary, True)


def test_every_option_says_how_to_offer_it() -> None:
    for name, opt in OPTIONS.items():
        assert opt.name == name and opt.help
        assert opt.kind in ("value", "list", "lines")
        assert opt.default == getattr(Config(), name)
        assert opt.flag is None or opt.flag.startswith("--")
        for choice in opt.choices:  # every choice is accepted ...
            make_config(**{name: [choice] if opt.kind == "list" else choice})
    with pytest.raises(ValueError, match="dedup_keep must be one of first, longest"):
        make_config(dedup_keep="最长")  # ... and nothing else
    assert OPTIONS["only"].choices == tuple(RULES)


_ACTS_ALPHABET = list("ab Z1.,;:?!()é中文，。、（）\u3000\t\n\r\f\v“”…`@/\u200b\u00ad") + [
    "\n\n", "\r\n", "中 文", "  \n", "ＡＢ", "０", "http://", "a,b,c", "æ–‡", "涓枃", "Ã©", "\ufeff",
]


@pytest.mark.parametrize("name", [name for name, rule in RULES.items() if rule.acts is not None])
def test_where_a_rule_does_not_act_it_finds_nothing(name):
    """``acts`` false means the rule finds nothing in the text: the pipeline
    skips the call there (on random texts of the characters that matter)."""
    import random

    from cleaner.config import make_config

    rule, cfg = RULES[name], make_config()
    rng = random.Random(name)
    left_alone = 0
    for _ in range(20_000):
        text = "".join(rng.choice(_ACTS_ALPHABET) for _ in range(rng.randint(0, 12)))
        if not rule.acts(text):
            left_alone += 1
            assert list(rule.func(text, cfg)) == [], repr(text)
    assert left_alone > 1_000  # (the scan does leave texts alone)


def test_config_reads_the_rule_table_without_importing_the_rules() -> None:
    """cleaner.config validates rule names from cleaner/data/rules.txt, so it
    does not import cleaner.registry (which imports every rule, and every rule
    names Config in its types: an import cycle once)."""
    code = "import sys, cleaner.config as c\nprint('cleaner.registry' in sys.modules, c.Config(disable=['stutter']).active_rules()[-1])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "consistency"]


def test_the_rule_table_agrees_with_the_registry() -> None:
    from cleaner.config import rule_table
    from cleaner.registry import RULES, check_table

    assert rule_table() == tuple((name, r.default) for name, r in RULES.items())
    with pytest.raises(RuntimeError, match="make them agree"):
        check_table(tuple(RULES.values()), rule_table()[::-1])
