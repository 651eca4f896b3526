"""The one frozen configuration object that carries every option.

Options are keyword-only and validated when the object is made; an unknown
option or rule name raises ValueError listing the valid ones.  Variants come
from :meth:`Config.replace`.

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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Config", "make_config", "SCRIPTS", "KEEP", "SCOPES"]

SCRIPTS = ("auto", "simplified", "traditional", "keep")
KEEP = ("first", "longest")
SCOPES = ("adjacent", "document")


def _names(value: Iterable[str] | str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    return tuple(v.strip() for v in value if v.strip())


@dataclass(frozen=True, kw_only=True, slots=True)
class Config:
    """All options of the pipeline.

    Rule selection
        only: run just these rules (names from :func:`cleaner.rules`).
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
        lets ``ocr_confusion`` read context; None (default) for none.
    """

    only: tuple[str, ...] | None = None
    disable: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    script: str = "auto"
    dedup_threshold: float = 90.0
    dedup_min_chars: int = 12
    dedup_keep: str = "first"
    dedup_scope: str = "adjacent"
    typo_threshold: float = 6.0
    suggest_threshold: float = 3.0
    lexicon: tuple[str, ...] = ()
    model: Any = None  # issue 16 (context model): path or CharModel
    _active: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        from .rules import RULES  # the registry imports rule modules that use Config

        only = _names(self.only)
        disable = _names(self.disable) or ()
        enable = _names(self.enable) or ()
        object.__setattr__(self, "only", only)
        object.__setattr__(self, "disable", disable)
        object.__setattr__(self, "enable", enable)
        valid = list(RULES)
        for name in (only or ()) + disable + enable:
            if name not in RULES:
                raise ValueError(f"unknown rule {name!r}; valid rules: {', '.join(valid)}")
        if only is not None and (disable or enable):
            raise ValueError("give only= alone, or disable= and enable=; not both")
        if set(disable) & set(enable):
            raise ValueError(f"rules both enabled and disabled: {', '.join(sorted(set(disable) & set(enable)))}")
        if self.script not in SCRIPTS:
            raise ValueError(f"script must be one of {', '.join(SCRIPTS)}, not {self.script!r}")
        if self.dedup_scope not in SCOPES:
            raise ValueError(f"dedup_scope must be one of {', '.join(SCOPES)}, not {self.dedup_scope!r}")
        if self.dedup_keep not in KEEP:
            raise ValueError(f"dedup_keep must be one of {', '.join(KEEP)}, not {self.dedup_keep!r}")
        if not 0 < self.dedup_threshold <= 100:
            raise ValueError(f"dedup_threshold is a rapidfuzz ratio in (0, 100], not {self.dedup_threshold!r}")
        if self.dedup_min_chars < 0:
            raise ValueError(f"dedup_min_chars must be 0 or more, not {self.dedup_min_chars!r}")
        if self.suggest_threshold > self.typo_threshold:
            raise ValueError("suggest_threshold must not exceed typo_threshold")
        _check_model(self.model)  # issue 16 (context model)
        lex = _names(self.lexicon) or ()
        object.__setattr__(self, "lexicon", lex)
        if only is not None:
            active = tuple(n for n in RULES if n in only)
        else:
            active = tuple(n for n, r in RULES.items() if (r.default or n in enable) and n not in disable)
        object.__setattr__(self, "_active", active)

    def active_rules(self) -> tuple[str, ...]:
        """Names of the rules that run, in pipeline order."""
        return self._active

    def replace(self, **changes: Any) -> Config:
        """A copy with some options changed (validated like the constructor)."""
        return make_config(base=self, **changes)


def _check_model(model: Any) -> None:
    """issue 16 (context model): None, an existing file, or a loaded model."""
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
    return [f.name for f in dataclasses.fields(Config) if not f.name.startswith("_")]


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
