"""Quality metrics: cleaned output scored against the gold text.

Every figure is computed from the output text and the gold text, never from
what a rule says it did:

* **per-artifact recall**: the share of injections of a class whose gold span
  reappears intact in the output.  The output is aligned to the gold text
  (rapidfuzz Indel opcodes); the span's image, with up to ``context``
  characters either side and any text inserted at its edges, must equal the
  gold text there.  A stutter left in place or a page break not rejoined
  leaves inserted text at or inside its span.  A duplicate paragraph is
  judged on paragraphs instead, because an alignment may as well place the
  copy before the paragraph it copies: the paragraph and the copy must occur
  in the output as often as in the gold text (the copy of a near duplicate
  not at all).
* **paragraph precision and recall**: paragraphs are the non-empty lines
  (a whitespace-only line counts, as the artifact it is); a paragraph of the
  output is correct when the gold text has the identical paragraph
  (multiset match).  Precision = correct / output paragraphs, recall =
  correct / gold paragraphs.  A hard wrap not rejoined, a paragraph wrongly
  joined to the next, a duplicate kept or a false edit all cost.
* **character error rate** before and after: Levenshtein distance of the
  damaged text and of the output to the gold text, over the gold length.
* **control change rate**: the share of documents without injections (clean
  control documents) that came back different.  It must be 0.

>>> from benchmarks.inject import Document, Injection
>>> doc = Document("d", "zh", "blank", "甲乙丙，丁戊。\\n", "甲乙丙,丁戊。\\n",
...                (Injection("ascii_punct", 3, 4, ",", 3, 4, "，"),))
>>> s = score([doc], ["甲乙丙，丁戊。\\n"])
>>> s.classes["ascii_punct"].recall, s.paragraph_precision, s.cer_before, s.cer_after
(1.0, 1.0, 0.125, 0.0)
>>> score([doc], [doc.text]).classes["ascii_punct"].recall
0.0
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz.distance import Indel, Levenshtein

from .inject import DUPLICATE_CLASSES, Document, Injection

__all__ = [
    "ClassScore", "Score", "SpanMap", "TypoEdit", "duplicate_removed", "line_documents", "paragraphs", "score",
    "score_document", "repaired", "typo_edits",
]

_LINE_BREAK = re.compile(r"\r\n|\n|\r")
#: characters of unchanged text either side of a span that must also come back
CONTEXT = 3
#: how many unrepaired injections a score keeps as examples
MAX_MISSES = 40


def paragraphs(text: str) -> list[str]:
    """The non-empty lines of ``text`` (whitespace-only lines included).

    >>> paragraphs("甲\\n\\n乙\\n \\n")
    ['甲', '乙', ' ']
    """
    return [ln for ln in _LINE_BREAK.split(text) if ln]


class SpanMap:
    """Where each gold position lands in the output, from an alignment.

    ``left[p]`` is the output position of gold position ``p`` before any text
    the output inserts there, ``right[p]`` after it.
    """

    __slots__ = ("left", "right")

    def __init__(self, gold: str, output: str) -> None:
        n = len(gold)
        left = np.full(n + 1, -1, dtype=np.int64)
        right = np.zeros(n + 1, dtype=np.int64)
        for op in Indel.opcodes(gold, output):
            i1, i2, j1, j2 = op.src_start, op.src_end, op.dest_start, op.dest_end
            if op.tag == "equal":
                pos = np.arange(j1, j2 + 1, dtype=np.int64)
                seg = left[i1 : i2 + 1]
                unset = seg < 0
                seg[unset] = pos[unset]
                right[i1 : i2 + 1] = pos
            elif op.tag == "delete":
                seg = left[i1 : i2 + 1]
                seg[seg < 0] = j1
                right[i1 : i2 + 1] = j1
            else:  # insert: i1 == i2
                if left[i1] < 0:
                    left[i1] = j1
                right[i1] = j2
        if n == 0 or left[0] < 0:
            left[0] = 0
        self.left = left
        self.right = right

    def image(self, start: int, end: int) -> tuple[int, int]:
        """The output span of gold ``[start, end)``, text inserted at its edges included."""
        return int(self.left[start]), int(self.right[end])


def repaired(inj: Injection, gold: str, output: str, spans: SpanMap, lo: int, hi: int, context: int = CONTEXT) -> bool:
    """Whether the output holds the gold text of ``inj``'s span, with up to
    ``context`` characters either side but never beyond ``[lo, hi]`` (the
    neighbouring injections' spans)."""
    gs = max(lo, inj.gold_start - context)
    ge = min(hi, inj.gold_end + context)
    os_, oe = spans.image(gs, ge)
    return output[os_:oe] == gold[gs:ge]


def duplicate_removed(inj: Injection, gold: str, gold_count: Counter[str], out_count: Counter[str]) -> bool:
    """Whether the output holds the copied paragraph as often as the gold
    text does, and the edited copy of a near duplicate no more often."""
    if inj.ref is None:
        raise ValueError(f"{inj.cls} at {inj.start} records no copied paragraph")
    source = gold[inj.ref[0] : inj.ref[1]]
    sep = inj.original
    copy = inj.injected[len(sep) : len(inj.injected) - len(sep)]
    ok = out_count[source] == gold_count[source]
    if copy != source:
        ok = ok and out_count[copy] == gold_count[copy]
    return ok


@dataclass(slots=True)
class ClassScore:
    injected: int = 0
    repaired: int = 0

    @property
    def recall(self) -> float:
        return self.repaired / self.injected if self.injected else 0.0


@dataclass(slots=True)
class Score:
    """Figures for a set of documents; scores add up with :meth:`add`."""

    documents: int = 0
    classes: dict[str, ClassScore] = field(default_factory=dict)
    gold_paragraphs: int = 0
    output_paragraphs: int = 0
    matched_paragraphs: int = 0
    gold_chars: int = 0
    errors_before: int = 0
    errors_after: int = 0
    controls: int = 0
    changed_controls: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def paragraph_precision(self) -> float:
        return self.matched_paragraphs / self.output_paragraphs if self.output_paragraphs else 1.0

    @property
    def paragraph_recall(self) -> float:
        return self.matched_paragraphs / self.gold_paragraphs if self.gold_paragraphs else 1.0

    @property
    def cer_before(self) -> float:
        return self.errors_before / self.gold_chars if self.gold_chars else 0.0

    @property
    def cer_after(self) -> float:
        return self.errors_after / self.gold_chars if self.gold_chars else 0.0

    @property
    def change_rate(self) -> float:
        return self.changed_controls / self.controls if self.controls else 0.0

    @property
    def injections(self) -> int:
        return sum(c.injected for c in self.classes.values())

    def add(self, other: Score) -> None:
        self.documents += other.documents
        for name, c in other.classes.items():
            mine = self.classes.setdefault(name, ClassScore())
            mine.injected += c.injected
            mine.repaired += c.repaired
        self.gold_paragraphs += other.gold_paragraphs
        self.output_paragraphs += other.output_paragraphs
        self.matched_paragraphs += other.matched_paragraphs
        self.gold_chars += other.gold_chars
        self.errors_before += other.errors_before
        self.errors_after += other.errors_after
        self.controls += other.controls
        self.changed_controls += other.changed_controls
        room = MAX_MISSES - len(self.misses)
        if room > 0:
            self.misses.extend(other.misses[:room])

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "injections": self.injections,
            "recall": {k: {"injected": v.injected, "repaired": v.repaired, "recall": round(v.recall, 4)} for k, v in sorted(self.classes.items())},
            "paragraph_precision": round(self.paragraph_precision, 4),
            "paragraph_recall": round(self.paragraph_recall, 4),
            "gold_paragraphs": self.gold_paragraphs,
            "output_paragraphs": self.output_paragraphs,
            "cer_before": round(self.cer_before, 5),
            "cer_after": round(self.cer_after, 5),
            "controls": self.controls,
            "changed_controls": self.changed_controls,
            "change_rate": round(self.change_rate, 4),
        }


def _excerpt(text: str, start: int, end: int, pad: int = 12) -> str:
    return text[max(0, start - pad) : end + pad]


def score_document(doc: Document, output: str) -> Score:
    """Score one cleaned document against its gold text."""
    s = Score(documents=1)
    gold = doc.gold
    gold_pars = paragraphs(gold)
    out_pars = paragraphs(output)
    s.gold_paragraphs = len(gold_pars)
    s.output_paragraphs = len(out_pars)
    s.matched_paragraphs = sum((Counter(gold_pars) & Counter(out_pars)).values())
    s.gold_chars = len(gold)
    s.errors_before = Levenshtein.distance(doc.text, gold)
    s.errors_after = s.errors_before if output == doc.text else Levenshtein.distance(output, gold)
    if not doc.injections:
        s.controls = 1
        s.changed_controls = int(output != doc.text)
        if output != doc.text:
            ops = [op for op in Indel.opcodes(doc.text, output) if op.tag != "equal"]
            op = ops[0]
            s.misses.append(
                {"document": doc.id, "class": "control", "at": op.src_start,
                 "input": _excerpt(doc.text, op.src_start, op.src_end), "output": _excerpt(output, op.dest_start, op.dest_end)}
            )
        return s
    spans = SpanMap(gold, output)
    gold_count = Counter(gold_pars)
    out_count = Counter(out_pars)
    injs = doc.injections
    for k, inj in enumerate(injs):
        lo = injs[k - 1].gold_end if k else 0
        hi = injs[k + 1].gold_start - 1 if k + 1 < len(injs) else len(gold)
        if inj.cls in DUPLICATE_CLASSES:
            ok = duplicate_removed(inj, gold, gold_count, out_count)
        else:
            ok = repaired(inj, gold, output, spans, lo, hi)
        c = s.classes.setdefault(inj.cls, ClassScore())
        c.injected += 1
        c.repaired += ok
        if not ok and len(s.misses) < MAX_MISSES:
            os_, oe = spans.image(inj.gold_start, inj.gold_end)
            s.misses.append(
                {"document": doc.id, "class": inj.cls, "at": inj.start, "gold": inj.original,
                 "input": inj.injected, "output": output[os_:oe], "note": inj.note}
            )
    return s


def score(docs: Sequence[Document], outputs: Iterable[str]) -> Score:
    """Score cleaned ``outputs`` (one per document, in order)."""
    total = Score()
    outs = list(outputs)
    if len(outs) != len(docs):
        raise ValueError(f"{len(docs)} documents but {len(outs)} outputs")
    for doc, out in zip(docs, outs):
        total.add(score_document(doc, out))
    return total


# --------------------------------------------------------------------------
# typo controls: real prose that no typo rule may change


def line_documents(text: str, lines: int) -> list[str]:
    """``text`` cut into documents of ``lines`` lines each (the last may be
    shorter), each ending with its line break: many documents of a real
    corpus that keeps one sentence or clause a line.

    >>> line_documents("a\\nb\\nc\\n", 2)
    ['a\\nb\\n', 'c\\n']
    """
    rows = text.splitlines(keepends=True)
    return ["".join(rows[i : i + lines]) for i in range(0, len(rows), lines)]


@dataclass(frozen=True, slots=True)
class TypoEdit:
    """An edit a typo rule applied to a control document, with its context."""

    document: int
    rule: str
    before: str
    after: str
    context: str
    note: str


def typo_edits(texts: Sequence[str], explanations: Iterable[Any], rules: Iterable[str]) -> list[TypoEdit]:
    """The edits of ``rules`` among the explanations (``cleaner.explain``
    results, one per text, in order; edit spans are on the input): on clean
    prose, each is harm.

    >>> from cleaner import Edit
    >>> class R: edits = (Edit("consistency", 1, 2, "英", "美", note="n"), Edit("width", 0, 1, "Ａ", "A"))
    >>> typo_edits(["x英國y"], [R()], ("consistency",))
    [TypoEdit(document=0, rule='consistency', before='英', after='美', context='x英國y', note='n')]
    """
    wanted = frozenset(rules)
    out = []
    for k, (text, r) in enumerate(zip(texts, explanations, strict=True)):
        for e in r.edits:
            for rule in sorted(wanted.intersection(e.rules)):  # a merged edit counts for each of its rules
                out.append(TypoEdit(k, rule, e.before, e.after, _excerpt(text, e.start, e.end, pad=8), e.note or ""))
    return out
