"""The artifact classes, each declared once: :data:`ARTIFACTS`.

An entry says what the class is, which `cleaner` rule should repair it,
which injection function makes it in which language, where it goes
(:class:`Local`: inside a paragraph; :class:`Separator`: in place of the
separator after one; :class:`Wrap`: a whole paragraph wrapped), whether the
mixed corpora inject it, which evaluation data it needs and how
:mod:`benchmarks.quality` scores it.  Every other table is derived from
this one, in the registry's order (the rotating queue of a corpus depends
on it: appending a class leaves the existing corpora as they are only if it
goes at the end and no existing corpus draws it).

>>> ARTIFACTS["stutter"].rule, ARTIFACTS["stutter"].langs
('stutter', ('zh',))
>>> [c for c in CLASSES if ARTIFACTS[c].scoring == "paragraphs"]
['exact_duplicate_paragraph', 'near_duplicate_paragraph']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from . import artifacts as a
from .sources import OCR_TRAIN

__all__ = [
    "Artifact", "Local", "Separator", "Wrap", "ARTIFACTS", "CLASSES", "REPAIRED_BY", "SEPARATOR_CLASSES",
    "DUPLICATE_CLASSES", "ZH_MIXED", "EN_MIXED", "LANGS", "LONG_PARAGRAPH_CLASSES", "local_injectors",
    "classes_for", "needs_ocr", "check_class",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Artifact:
    """What every artifact class declares."""

    #: the class name, as recorded in each :class:`~benchmarks.inject.Injection`
    name: str
    #: the `cleaner` rule meant to repair it; its figures are gated only while
    #: that rule is registered (``cleaner.RULES``) and on by default
    rule: str
    #: what the injection does, in a line
    description: str
    #: whether the mixed corpora inject it (False: measured on its own corpus)
    mixed: bool = True
    #: an evaluation-data file the injection needs (see ``sources``)
    needs: str = ""

    @property
    def langs(self) -> tuple[str, ...]:
        """The languages it is injected in."""
        raise NotImplementedError

    @property
    def scoring(self) -> Literal["span", "paragraphs"]:
        """How :func:`benchmarks.quality.score` judges a repair: ``span``, the
        gold span comes back intact; ``paragraphs``, the paragraphs occur as
        often as in the gold text (a copy is judged on paragraphs because an
        alignment may as well place it before the paragraph it copies)."""
        return "span"


@dataclass(frozen=True, slots=True, kw_only=True)
class Local(Artifact):
    """Damage inside one paragraph: ``inject[lang](paragraph, rng, context)``."""

    inject: Mapping[str, a.LocalInjector]
    #: whether the one-long-paragraph throughput text carries it
    long_paragraph: bool = False

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(self.inject)


@dataclass(frozen=True, slots=True, kw_only=True)
class Separator(Artifact):
    """Damage in place of the separator after a paragraph, leaving both
    neighbours intact: ``inject(site, rng, context)``, in every language."""

    inject: a.SeparatorInjector
    #: "exact" or "edited": the damage is a copy of the paragraph before it
    copies: Literal["", "exact", "edited"] = ""

    @property
    def langs(self) -> tuple[str, ...]:
        return LANGS

    @property
    def scoring(self) -> Literal["span", "paragraphs"]:
        return "paragraphs" if self.copies else "span"


@dataclass(frozen=True, slots=True, kw_only=True)
class Wrap(Artifact):
    """Every paragraph of a document wrapped: ``inject[lang](paragraph, width)``
    (see :func:`benchmarks.inject.wrap_document`)."""

    inject: Mapping[str, a.Wrapper]

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(self.inject)


#: the languages a document can be in
LANGS: tuple[str, ...] = ("zh", "en")

_REGISTRY: tuple[Artifact, ...] = (
    Local(name="page_break_in_word", rule="paragraphs", inject={"zh": a.zh_page_break, "en": a.en_page_break},
          description="a blank line or a line break inside a word (Latin: infor- + break + mation)"),
    Wrap(name="hard_wrap", rule="paragraphs", inject={"zh": a.wrap_zh, "en": a.wrap_en}, mixed=False,
         description="every paragraph of a document wrapped at a fixed width (Latin: at spaces)"),
    Separator(name="whitespace_line", rule="whitespace", inject=a.whitespace_line,
              description="a blank line holding spaces, tabs or U+3000"),
    Local(name="space_in_cjk", rule="whitespace", inject={"zh": a.space_in_cjk}, long_paragraph=True,
          description="a space between two Han characters"),
    Local(name="ascii_punct", rule="width", inject={"zh": a.ascii_punct}, long_paragraph=True,
          description="，；：？！ or a （） pair to ASCII"),
    Local(name="fullwidth_alnum", rule="width", inject={"zh": a.fullwidth_alnum, "en": a.fullwidth_alnum}, long_paragraph=True,
          description="an ASCII letter or digit run to full width"),
    Local(name="stray_traditional", rule="script", inject={"zh": a.stray_traditional}, long_paragraph=True,
          description="a word converted with OpenCC s2t"),
    Local(name="mojibake", rule="unicode", inject={"zh": a.mojibake, "en": a.mojibake}, long_paragraph=True,
          description="a span (or a whole paragraph) encoded as UTF-8 and decoded as Windows-1252"),
    Local(name="zero_width", rule="unicode", inject={"zh": a.zero_width, "en": a.zero_width}, long_paragraph=True,
          description="U+200B/200C/200D/2060/FEFF inside a word"),
    Local(name="stutter", rule="stutter", inject={"zh": a.stutter},
          description="a 2-4 character word written twice"),
    Local(name="ocr_confusion", rule="ocr_confusion", inject={"zh": a.ocr_confusion}, mixed=False, needs=OCR_TRAIN,
          description="a character replaced by an OCR misreading observed in FASPell's train split"),
    Separator(name="exact_duplicate_paragraph", rule="dedup", inject=a.exact_duplicate, copies="exact",
              description="a copy of the paragraph just before it"),
    Separator(name="near_duplicate_paragraph", rule="dedup", inject=a.near_duplicate, copies="edited",
              description="such a copy with 1-3 character edits"),
    # (appended: the mixed corpora do not draw them, so those stay as they were)
    Local(name="pdf_radicals", rule="unicode", inject={"zh": a.pdf_radicals}, mixed=False,
          description="the characters of a word written as radical code points, as PDF extraction writes them (人民 -> ⼈⺠)"),
    Local(name="dash_for_one", rule="ocr_confusion", inject={"zh": a.dash_for_one}, mixed=False,
          description="一 inside a word printed as a dash (— － - ─)"),
)

#: name -> artifact class, in registry order
ARTIFACTS: Mapping[str, Artifact] = {c.name: c for c in _REGISTRY}

CLASSES: tuple[str, ...] = tuple(ARTIFACTS)
#: the rule meant to repair each class; a class's figures are gated only
#: while that rule is registered (cleaner.RULES) and on by default
REPAIRED_BY: dict[str, str] = {c.name: c.rule for c in _REGISTRY}
#: classes injected at the separator after a paragraph (not inside one)
SEPARATOR_CLASSES = frozenset(c.name for c in _REGISTRY if isinstance(c, Separator))
#: classes whose injection is a copy of another paragraph (recorded in ``ref``)
DUPLICATE_CLASSES = frozenset(c.name for c in _REGISTRY if isinstance(c, Separator) and c.copies)
#: the classes of the mixed corpora: every class but those measured on their
#: own corpora and, in English, those that only Chinese text has
ZH_MIXED = tuple(c.name for c in _REGISTRY if c.mixed and "zh" in c.langs)
EN_MIXED = tuple(c.name for c in _REGISTRY if c.mixed and "en" in c.langs)
#: the damage of the one-long-paragraph throughput text
LONG_PARAGRAPH_CLASSES = tuple(c.name for c in _REGISTRY if isinstance(c, Local) and c.long_paragraph)


def local_injectors(lang: str) -> dict[str, a.LocalInjector]:
    """The paragraph-local classes of ``lang`` and their injection functions.

    >>> list(local_injectors("en"))
    ['page_break_in_word', 'fullwidth_alnum', 'mojibake', 'zero_width']
    """
    return {c.name: c.inject[lang] for c in _REGISTRY if isinstance(c, Local) and lang in c.inject}


def classes_for(lang: str) -> list[str]:
    """The classes a document of ``lang`` can carry, paragraph by paragraph
    (every local and separator class of the language; not hard wraps)."""
    return [c.name for c in _REGISTRY if not isinstance(c, Wrap) and lang in c.langs]


def needs_ocr(classes: Iterable[str]) -> bool:
    """Whether any of ``classes`` (unknown names ignored) needs the OCR
    confusion table."""
    return any(c in ARTIFACTS and ARTIFACTS[c].needs == OCR_TRAIN for c in classes)


def check_class(name: str) -> None:
    """Raise ValueError naming the valid classes unless ``name`` is one.

    >>> check_class("stuter")
    Traceback (most recent call last):
    ValueError: unknown class 'stuter'; valid classes: page_break_in_word, hard_wrap, whitespace_line, space_in_cjk, ascii_punct, fullwidth_alnum, stray_traditional, mojibake, zero_width, stutter, ocr_confusion, exact_duplicate_paragraph, near_duplicate_paragraph, pdf_radicals, dash_for_one
    """
    if name not in ARTIFACTS:
        raise ValueError(f"unknown class {name!r}; valid classes: {', '.join(CLASSES)}")
