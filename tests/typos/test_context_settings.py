"""The context pass's tunable constants live in one module,
:mod:`cleaner.typos.context.settings`, and every other module reads them
there at call time: a benchmark's variant (``opt_in``) or a test sets one
on that module and the whole pass sees it.  The package and its other
modules hold none, so that setting one on the package fails (AttributeError)
instead of silently measuring nothing."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

from benchmarks.test_bench_context import opt_in
from cleaner.typos import context
from cleaner.typos.charmodel import CharModel
from cleaner.typos.context import settings

from .test_context_guard import _kinds, ready  # noqa: F401 (a fixture)

#: the settings: the module's upper-case names
NAMES = frozenset(n for n in vars(settings) if re.fullmatch(r"[A-Z][A-Z0-9_]*", n))


def test_the_settings_are_the_constants_the_benchmarks_vary() -> None:
    assert {"CONTEXT_THRESHOLD", "CONTEXT_CORPUS_COST", "INDEL_APPLY", "CONTEXT_DAMAGED_GUARD", "WINDOW", "SPEEDUPS"} <= NAMES
    assert len(NAMES) >= 50


def test_no_other_module_of_the_package_holds_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``from .settings import X`` would freeze X in the module that reads it."""
    modules = [context] + [importlib.import_module(f"{context.__name__}.{m.name}") for m in pkgutil.iter_modules(context.__path__) if m.name != "settings"]
    for module in modules:
        assert not NAMES & set(vars(module)), module.__name__
    assert not [n for n in dir(context) if n.startswith(("CONTEXT_", "INDEL_", "INSERT_"))]
    with pytest.raises(AttributeError):
        monkeypatch.setattr(context, "CONTEXT_THRESHOLD", 1e9)


def test_a_setting_takes_effect_on_the_settings_module(ready: CharModel, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "大家都准备好丁，出发吧"
    assert _kinds(context.with_model(text, ready, [], rule="ocr_confusion")) == [("Edit", 6, "了")]
    monkeypatch.setattr(settings, "CONTEXT_THRESHOLD", 1e9)
    assert _kinds(context.with_model(text, ready, [], rule="ocr_confusion")) == [("Suggestion", 6, "了")]


def test_a_benchmark_variant_takes_effect_and_is_undone(ready: CharModel) -> None:
    text = "大家都准备好丁，出发吧"
    with opt_in(CONTEXT_THRESHOLD=1e9):
        assert _kinds(context.with_model(text, ready, [], rule="ocr_confusion")) == [("Suggestion", 6, "了")]
    assert _kinds(context.with_model(text, ready, [], rule="ocr_confusion")) == [("Edit", 6, "了")]
    with pytest.raises(AttributeError), opt_in(CONTEXT_NO_SUCH_SETTING=1.0):
        pass
