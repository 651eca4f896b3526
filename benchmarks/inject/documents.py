"""Documents: gold text, damaged text and the injections between them, and
how one is built from clean paragraphs.

A :class:`Document` holds the gold text (clean paragraphs), the damaged text
and one :class:`Injection` per artifact: its class, its span in the damaged
text, its span in the gold text, the original and the injected text.  Outside
the injected spans the damaged text equals the gold text, so replacing every
injected span by its original gives the gold text back exactly
(:meth:`Document.restore`, checked for every document that is built).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .artifacts import Context, Gap, Site, Swap
from .registry import ARTIFACTS, LANGS, Local, Separator, Wrap, check_class
from .sources import OcrTable

__all__ = ["Injection", "Document", "inject_paragraphs", "wrap_document"]

#: the class of :func:`wrap_document`
_HARD_WRAP = "hard_wrap"


@dataclass(frozen=True, slots=True)
class Injection:
    """One artifact: ``text[start:end] == injected`` replaced
    ``gold[gold_start:gold_end] == original``."""

    cls: str
    start: int
    end: int
    injected: str
    gold_start: int
    gold_end: int
    original: str
    note: str = ""
    #: for a duplicate paragraph: the gold span of the paragraph it copies
    ref: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.ref is None:
            del d["ref"]
        else:
            d["ref"] = list(self.ref)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Injection:
        d = dict(d)
        if d.get("ref") is not None:
            d["ref"] = tuple(d["ref"])
        return cls(**d)


@dataclass(frozen=True, slots=True)
class Document:
    """A damaged document, its gold text and the injections between them.

    >>> d = Document("d", "zh", "blank", "甲，乙。\\n", "甲,乙。\\n", (Injection("ascii_punct", 1, 2, ",", 1, 2, "，"),))
    >>> d.restore() == d.gold
    True
    """

    id: str
    lang: str
    layout: str  # "blank": paragraphs separated by a blank line; "lines": one per line
    gold: str
    text: str
    injections: tuple[Injection, ...] = ()

    def restore(self) -> str:
        """The damaged text with every injected span replaced by its original."""
        out: list[str] = []
        pos = 0
        for inj in self.injections:
            out.append(self.text[pos : inj.start])
            out.append(inj.original)
            pos = inj.end
        out.append(self.text[pos:])
        return "".join(out)

    def check(self) -> None:
        """Raise ValueError unless the injections are recorded exactly: spans in
        order, apart from each other, holding what they say, and restoring the
        gold text."""
        prev_end = prev_gold_end = -1
        for inj in self.injections:
            where = f"{self.id}: {inj.cls} at {inj.start}"
            art = ARTIFACTS.get(inj.cls)
            if art is None:
                raise ValueError(f"{self.id}: unknown class {inj.cls!r}")
            if self.text[inj.start : inj.end] != inj.injected or self.gold[inj.gold_start : inj.gold_end] != inj.original:
                raise ValueError(f"{where} does not hold what it records")
            if inj.start <= prev_end or inj.gold_start <= prev_gold_end:
                raise ValueError(f"{where} touches or overlaps the previous injection")
            if inj.injected == inj.original:
                raise ValueError(f"{where} changes nothing")
            if isinstance(art, Separator) and art.copies and not self._copies(inj, exact=art.copies == "exact"):
                raise ValueError(f"{where} does not copy the paragraph it refers to")
            prev_end, prev_gold_end = inj.end, inj.gold_end
        if self.restore() != self.gold:
            raise ValueError(f"{self.id}: restoring the injections does not give the gold text")

    def _copies(self, inj: Injection, *, exact: bool) -> bool:
        """Whether a duplicate injection holds a copy (``exact`` or edited) of
        the one-line paragraph its ``ref`` names."""
        src = self.gold[inj.ref[0] : inj.ref[1]] if inj.ref else ""
        copy = inj.injected[len(inj.original) : len(inj.injected) - len(inj.original)]
        return bool(src) and "\n" not in src and exact == (copy == src)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["injections"] = [i.to_dict() for i in self.injections]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        return cls(
            id=d["id"],
            lang=d["lang"],
            layout=d["layout"],
            gold=d["gold"],
            text=d["text"],
            injections=tuple(Injection.from_dict(i) for i in d["injections"]),
        )


class _Builder:
    """Assembles gold and damaged text side by side, recording offsets."""

    def __init__(self) -> None:
        self.gold: list[str] = []
        self.text: list[str] = []
        self.g = 0
        self.d = 0
        self.injections: list[Injection] = []

    def plain(self, s: str) -> None:
        self.gold.append(s)
        self.text.append(s)
        self.g += len(s)
        self.d += len(s)

    def swap(self, cls: str, original: str, injected: str, note: str = "", ref: tuple[int, int] | None = None) -> None:
        self.injections.append(
            Injection(cls, self.d, self.d + len(injected), injected, self.g, self.g + len(original), original, note, ref)
        )
        self.gold.append(original)
        self.text.append(injected)
        self.g += len(original)
        self.d += len(injected)

    def local(self, cls: str, sw: Swap) -> None:
        self.plain(sw.prefix)
        self.swap(cls, sw.original, sw.injected, sw.note)
        self.plain(sw.suffix)

    def document(self, doc_id: str, lang: str, layout: str) -> Document:
        doc = Document(doc_id, lang, layout, "".join(self.gold), "".join(self.text), tuple(self.injections))
        doc.check()
        return doc


def _layout_sep(layout: str) -> str:
    if layout not in ("blank", "lines"):
        raise ValueError(f"layout must be 'blank' or 'lines', not {layout!r}")
    return "\n\n" if layout == "blank" else "\n"


def _attempt(cls: str, site: Site, rng: random.Random, ctx: Context) -> Swap | Gap | None:
    """The injection of ``cls`` at ``site`` (paragraph ``site.i`` or the
    separator after it), or None when the class cannot go there."""
    art = ARTIFACTS.get(cls)
    if isinstance(art, Separator):
        if site.i >= len(site.paragraphs) - 1:
            return None  # the last paragraph has no separator after it
        return art.inject(site, rng, ctx)
    if isinstance(art, Local) and ctx.lang in art.inject:
        return art.inject[ctx.lang](site.paragraphs[site.i], rng, ctx)
    return None


def _draw(queue: deque[str], site: Site, rng: random.Random, ctx: Context) -> tuple[str, Swap | Gap] | None:
    """The first class in ``queue`` that applies at ``site``, with its
    injection; that class then goes to the back of the queue."""
    for cls in list(queue):
        made = _attempt(cls, site, rng, ctx)
        if made is not None:
            queue.remove(cls)
            queue.append(cls)
            return cls, made
    return None


def inject_paragraphs(
    paragraphs: Sequence[str],
    *,
    lang: str,
    classes: Iterable[str],
    rng: random.Random,
    layout: str = "blank",
    rate: float = 0.6,
    doc_id: str = "doc",
    queue: deque[str] | None = None,
    ocr: OcrTable | None = None,
) -> Document:
    """A document of ``paragraphs`` with artifacts injected.

    Each paragraph, with probability ``rate``, gets one artifact; the class is
    the first applicable one in ``queue`` (a rotating queue of ``classes``,
    shared across the documents of a corpus so that the classes come out
    balanced).  Separator classes (whitespace lines, duplicate paragraphs)
    go after the paragraph.  Injected spans never touch each other: a
    separator artifact leaves both neighbouring paragraphs undamaged.

    >>> doc = inject_paragraphs(["第一段，内容完整。", "第二段，内容也完整。"], lang="zh",
    ...     classes=["ascii_punct"], rng=random.Random(1), rate=1.0)
    >>> doc.text, [(i.cls, i.original, i.injected) for i in doc.injections]
    ('第一段,内容完整。\\n\\n第二段,内容也完整。\\n', [('ascii_punct', '，', ','), ('ascii_punct', '，', ',')])
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    sep = _layout_sep(layout)
    classes = list(classes)
    for c in classes:
        check_class(c)
    if queue is None:
        queue = deque(c for c in classes if not isinstance(ARTIFACTS[c], Wrap))
    return _assemble(paragraphs, sep, layout, queue, rng, rate, Context(lang, ocr)).document(doc_id, lang, layout)


def _assemble(
    paragraphs: Sequence[str], sep: str, layout: str, queue: deque[str], rng: random.Random, rate: float, ctx: Context
) -> _Builder:
    """Gold and damaged text of :func:`inject_paragraphs`, paragraph by paragraph."""
    n = len(paragraphs)
    b = _Builder()
    damaged = [False] * n  # paragraph i carries an injection, or is copied by one
    blocked = [False] * n  # the separator before paragraph i carries one
    starts: list[int] = []  # gold offset of each paragraph
    for i, p in enumerate(paragraphs):
        cls, made = "", None
        if queue and not blocked[i] and rng.random() < rate:
            cls, made = _draw(queue, Site(paragraphs, i, damaged, sep, layout), rng, ctx) or ("", None)
        starts.append(b.g)
        if isinstance(made, Swap):
            damaged[i] = True
            b.local(cls, made)
        else:
            b.plain(p)
        if i == n - 1:
            b.plain("\n")
        elif isinstance(made, Gap):
            blocked[i + 1] = True  # the next paragraph stays intact: spans never touch
            ref = None
            if made.copied >= 0:
                j = made.copied
                damaged[j] = True  # copied once at most, and never damaged
                ref = (starts[j], starts[j] + len(paragraphs[j]))
            b.swap(cls, sep, made.injected, made.note, ref)
        else:
            b.plain(sep)
    return b


def wrap_document(paragraphs: Sequence[str], *, lang: str, width: int, layout: str, doc_id: str) -> Document:
    """Every paragraph hard-wrapped at ``width`` columns (a CJK character is
    two); each paragraph that wrapping changed is one ``hard_wrap``
    injection.

    >>> d = wrap_document(["会议要求各部门加强协调配合，落实责任。"], lang="zh", width=20, layout="blank", doc_id="w")
    >>> d.text
    '会议要求各部门加强协\\n调配合，落实责任。\\n'
    """
    art = ARTIFACTS[_HARD_WRAP]
    assert isinstance(art, Wrap)
    if lang not in art.inject:
        raise ValueError(f"lang must be one of {', '.join(art.inject)}, not {lang!r}")
    sep = _layout_sep(layout)
    wrap = art.inject[lang]
    b = _Builder()
    for i, p in enumerate(paragraphs):
        wrapped = wrap(p, width)
        if wrapped != p:
            b.swap(_HARD_WRAP, p, wrapped, f"width {width}")
        else:
            b.plain(p)
        b.plain("\n" if i == len(paragraphs) - 1 else sep)
    return b.document(doc_id, lang, layout)
