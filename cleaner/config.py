"""The one frozen configuration object that carries every option.

Options are keyword-only and validated when the object is made; an unknown
option or rule name raises ValueError listing the valid ones.  Variants come
from :meth:`Config.replace`.  :data:`OPTIONS` says, for every option, what a
front end needs to offer it (help, type, choices, command-line flag).

>>> cfg = Config(script="keep", disable=("paragraphs",))
>>> cfg.script, "paragraphs" in cfg.active_rules()
('keep', False)
>>> make_config(scrpit="keep")
Traceback (most recent call last):
...
ValueError: unknown option 'scrpit'; valid options: ...
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any, TypeVar

__all__ = [
    "Config",
    "make_config",
    "Option",
    "OPTIONS",
    "SELECTION",
    "SCRIPTS",
    "KEEP",
    "SCOPES",
    "check_threshold",
    "check_min_chars",
    "check_keep",
    "check_model",
    "rule_table",
    "model_rules",
]

SCRIPTS = ("auto", "simplified", "traditional", "keep")
KEEP = ("first", "longest")
SCOPES = ("adjacent", "document")
#: the options that choose which rules run (every other option is read by a rule)
SELECTION = ("only", "disable", "enable")

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """What a front end needs to offer one :class:`Config` field.

    ``kind`` is ``"value"`` (one value of ``type``), ``"list"`` (values
    separated by commas, each one of ``choices``) or ``"lines"`` (a text
    file of values, one per line; lines that start with ``#`` are comments).
    ``flag`` is the command-line flag, or None when the option is offered by
    the Python API only.

    >>> OPTIONS["dedup_keep"].flag, OPTIONS["dedup_keep"].choices
    ('--keep', ('first', 'longest'))

    A command line offers them so (a ``"lines"`` option names a file that
    the command reads; an option not given stays at Config's default):

    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> for o in OPTIONS.values():
    ...     if o.flag:
    ...         one_of = o.choices if o.kind == "value" and o.choices else None
    ...         _ = parser.add_argument(o.flag, dest=o.name, type=o.type, choices=one_of, metavar=o.metavar, help=o.help)
    >>> args = parser.parse_args(["--keep", "longest", "--only", "width,script"])
    >>> config = make_config(**{k: v for k, v in vars(args).items() if v is not None})
    >>> config.dedup_keep, config.active_rules()
    ('longest', ('script', 'width'))
    """

    name: str
    help: str
    default: Any
    type: Callable[[str], Any] = str
    choices: tuple[str, ...] = ()
    kind: str = "value"
    flag: str | None = None
    metavar: str | None = None


def _option(default: _T, help: str, **spec: Any) -> _T:
    """A dataclass field whose metadata describes the option (see :class:`Option`)."""
    return field(default=default, metadata={"option": {"help": help, **spec}})  # type: ignore[no-any-return]


def _names(value: Iterable[str] | str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    return tuple(v.strip() for v in value if v.strip())


@functools.cache
def rule_table() -> tuple[tuple[str, bool], ...]:
    """Every rule's name and whether it runs by default, in pipeline order,
    from ``cleaner/data/rules.txt`` (the config reads names from this table,
    not from :mod:`cleaner.registry`, which imports every rule; the registry
    checks on import that its rules match it).

    >>> rule_table()[0], dict(rule_table())["page_headers"]
    (('unicode', True), False)
    """
    return tuple((name, state == "on") for name, state, _ in _table_rows())


def word_model_rules() -> frozenset[str]:
    """The rules that load the typo rules' word model on first use (marked
    ``word-model`` in ``cleaner/data/rules.txt``; tests/test_runner.py checks
    the mark against what each rule loads).

    >>> sorted(word_model_rules())[:2]
    ['consistency', 'ocr_confusion']
    """
    return frozenset(name for name, _, flags in _table_rows() if "word-model" in flags)


@functools.cache
def _table_rows() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The rows of ``cleaner/data/rules.txt``: name, on/off, further marks."""
    text = resources.files("cleaner").joinpath("data/rules.txt").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, state, *flags = line.split()
            rows.append((name, state, tuple(flags)))
    return tuple(rows)


_RULE_NAMES = tuple(name for name, _ in rule_table())


def model_rules() -> frozenset[str]:
    """The rules off by default that run by default when a character model
    is given (``Config.model``; marked ``with-model`` in
    ``cleaner/data/rules.txt``): ``phrase_consistency``, whose corpus then
    stands in for the document's second copy of a phrase.

    >>> sorted(model_rules())
    ['phrase_consistency']
    """
    return frozenset(name for name, _, flags in _table_rows() if "with-model" in flags)


@dataclass(frozen=True, kw_only=True, slots=True)
class Config:
    """All options of the pipeline.

    Rule selection
        only: run just these rules (names from :func:`cleaner.list_rules`).
        disable: run the default rules except these.
        enable: also run these rules that are off by default (``page_headers``).
    Script
        script: ``"auto"`` converts stray characters of the minority script
        to the document's majority script; ``"simplified"`` or
        ``"traditional"`` convert everything; ``"keep"`` leaves the script.
    Paragraph dedup (rule ``dedup``)
        dedup_threshold: rapidfuzz ratio (0-100) on the matching key at or
        above which two paragraphs are duplicates (default 90).
        dedup_min_chars: paragraphs whose key is shorter are never compared
        (headings, bylines, date lines); set to 0 to collapse identical short
        paragraphs too.
        dedup_keep: ``"first"`` or ``"longest"`` member of a group is kept.
        dedup_scope: ``"adjacent"`` (default) drops a paragraph or block that
        repeats the one right before it, as OCR and extraction repeat a
        section; ``"document"`` drops every later near-duplicate in the
        document (real prose repeats on purpose: a table of contents, a law
        quoted by its amendment; use it for scraped pages).
    Typo repair (rules ``stutter``, ``ocr_confusion``, ``consistency``, ``lexicon``)
        typo_threshold: score gain (in natural-log units of the segmentation
        model) an OCR confusion fix must clear to be applied; smaller gains at
        or above ``suggest_threshold`` are reported as suggestions.
        lexicon: domain terms (names, places, organisations) for the
        ``lexicon`` rule.
        model: a character model (the path of a file made by ``cleaner
        learn``, or a loaded :class:`cleaner.typos.charmodel.CharModel`) that
        lets ``ocr_confusion`` read context and turns ``phrase_consistency``
        on (:func:`model_rules`; ``disable`` turns it off again), where its
        corpus may stand in for the document's second copy of a phrase;
        None (default) for none.

    Which rule reads which option: ``Rule.options`` in :mod:`cleaner.registry`.
    """

    only: tuple[str, ...] | None = _option(
        None, "run only these rules (see `cleaner rules`)", kind="list", choices=_RULE_NAMES, flag="--only", metavar="RULE,..."
    )
    disable: tuple[str, ...] = _option(
        (), "run the default rules except these", kind="list", choices=_RULE_NAMES, flag="--disable", metavar="RULE,..."
    )
    enable: tuple[str, ...] = _option(
        (),
        "also run these rules that are off by default (page_headers, phrase_consistency)",
        kind="list",
        choices=_RULE_NAMES,
        flag="--enable",
        metavar="RULE,...",
    )
    script: str = _option(
        "auto",
        "auto (default): convert stray characters of the minority script; "
        "simplified/traditional: convert everything; keep: leave the script alone",
        choices=SCRIPTS,
        flag="--script",
    )
    dedup_threshold: float = _option(
        90.0, "similarity (0-100) at which paragraphs are duplicates (default 90)", type=float, flag="--dedup-threshold", metavar="RATIO"
    )
    dedup_min_chars: int = _option(
        12, "paragraphs shorter than N characters are never deduplicated (default 12)", type=int, flag="--min-chars", metavar="N"
    )
    dedup_keep: str = _option("first", "which paragraph of a duplicate group stays (default first)", choices=KEEP, flag="--keep")
    dedup_scope: str = _option(
        "adjacent",
        "adjacent (default): drop a paragraph or block repeated right after itself; "
        "document: drop every later near-duplicate in the document",
        choices=SCOPES,
        flag="--dedup-scope",
    )
    typo_threshold: float = _option(
        6.0, "score gain at which a typo fix is applied (default 6)", type=float, flag="--typo-threshold", metavar="SCORE"
    )
    suggest_threshold: float = _option(
        3.0, "score gain at which a typo fix is only suggested (default 3)", type=float, flag="--suggest-threshold", metavar="SCORE"
    )
    lexicon: tuple[str, ...] = _option(
        (), "domain terms, one per line, for the lexicon rule", kind="lines", flag="--lexicon", metavar="FILE"
    )
    model: Any = _option(
        None,
        "a character model made by `cleaner learn`: ocr_confusion reads context from it, and phrase_consistency runs "
        "(its corpus confirms a phrase the document writes once more)",
        flag="--model",
        metavar="MODEL",
    )
    confusions: tuple[str, ...] = _option(
        (),
        "your OCR engine's own misreadings, one per line: the character it wrote, the right one and how often "
        "(`cleaner confusions OCR.txt FIXED.txt -o PAIRS` counts them from lines you corrected); read with a model "
        "only: ocr_confusion weighs them in context beside the look-alikes",
        kind="lines",
        flag="--confusions",
        metavar="FILE",
    )
    _active: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        for opt in OPTIONS.values():
            if opt.kind != "value":  # names separated by commas, or given one by one
                value = _names(getattr(self, opt.name))
                object.__setattr__(self, opt.name, opt.default if value is None else value)
        only, disable, enable = self.only, self.disable, self.enable
        for name in (only or ()) + disable + enable:
            if name not in _RULE_NAMES:
                raise ValueError(f"unknown rule {name!r}; valid rules: {', '.join(_RULE_NAMES)}")
        if only is not None and (disable or enable):
            raise ValueError("give only= alone, or disable= and enable=; not both")
        if self.confusions:
            from .confusion import engine_pairs

            engine_pairs(self.confusions)  # (a ValueError naming the line)
        if set(disable) & set(enable):
            raise ValueError(f"rules both enabled and disabled: {', '.join(sorted(set(disable) & set(enable)))}")
        for opt in OPTIONS.values():
            if opt.kind == "value" and opt.choices:
                _check_choice(getattr(self, opt.name), opt.choices, name=opt.name)
        check_threshold(self.dedup_threshold, name="dedup_threshold")
        check_min_chars(self.dedup_min_chars, name="dedup_min_chars")
        if self.suggest_threshold > self.typo_threshold:
            raise ValueError("suggest_threshold must not exceed typo_threshold")
        check_model(self.model)
        if only is not None:
            active = tuple(n for n in _RULE_NAMES if n in only)
        else:
            with_model = model_rules() if self.model is not None else frozenset()
            active = tuple(n for n, on in rule_table() if (on or n in enable or n in with_model) and n not in disable)
        object.__setattr__(self, "_active", active)

    def active_rules(self) -> tuple[str, ...]:
        """Names of the rules that run, in pipeline order."""
        return self._active

    def replace(self, **changes: Any) -> Config:
        """A copy with some options changed (validated like the constructor)."""
        return make_config(base=self, **changes)


def _check_choice(value: str, choices: tuple[str, ...], *, name: str) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def check_threshold(value: float, *, name: str = "threshold") -> float:
    """A duplicate threshold: a rapidfuzz ratio in (0, 100].

    >>> check_threshold(90.0)
    90.0
    >>> check_threshold(0, name="dedup_threshold")
    Traceback (most recent call last):
    ...
    ValueError: dedup_threshold is a rapidfuzz ratio in (0, 100], not 0
    """
    if not 0 < value <= 100:
        raise ValueError(f"{name} is a rapidfuzz ratio in (0, 100], not {value!r}")
    return value


def check_min_chars(value: int, *, name: str = "min_chars") -> int:
    """The shortest key (in characters) that dedup compares: 0 or more.

    >>> check_min_chars(-1)
    Traceback (most recent call last):
    ...
    ValueError: min_chars must be 0 or more, not -1
    """
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, not {value!r}")
    return value


def check_keep(value: str, *, name: str = "keep") -> str:
    """Which member of a duplicate group stays: ``"first"`` or ``"longest"``.

    >>> check_keep("最长")
    Traceback (most recent call last):
    ...
    ValueError: keep must be one of first, longest, not '最长'
    """
    return _check_choice(value, KEEP, name=name)


def _options() -> MappingProxyType[str, Option]:
    out = {}
    for f in dataclasses.fields(Config):
        if "option" in f.metadata:
            out[f.name] = Option(name=f.name, default=f.default, **f.metadata["option"])
    return MappingProxyType(out)


#: every option of :class:`Config` by its field name, in field order
OPTIONS: Mapping[str, Option] = _options()


def check_model(model: Any) -> None:
    """A context model: None, the path of an existing file, or a loaded model."""
    import os

    if model is None:
        return
    if isinstance(model, (str, os.PathLike)):
        if not os.path.isfile(model):
            raise ValueError(f"model file not found: {os.fspath(model)}: give the path of a file made by `cleaner learn`")
        return
    from .typos.charmodel import CharModel

    if not isinstance(model, CharModel):
        raise ValueError(f"model must be the path of a file made by `cleaner learn` or a CharModel, not {type(model).__name__}")


def option_names() -> list[str]:
    """The names of the options of :class:`Config`, in field order."""
    return list(OPTIONS)


def make_config(*, base: Config | None = None, **options: Any) -> Config:
    """Build a :class:`Config` from keyword options, rejecting unknown ones."""
    valid = option_names()
    for key in options:
        if key not in valid:
            raise ValueError(f"unknown option {key!r}; valid options: {', '.join(valid)}")
    if base is None:
        return Config(**options)
    current = {k: getattr(base, k) for k in valid}
    current.update(options)
    return Config(**current)
