"""Layout and repeats on real documents (issue 14): a held-out evaluation.

Real clean prose from the evaluation data (``../shared/evaldata``, read at
run time, never copied; see its ``SOURCES.md`` for the licences) is laid out
as documents, each artifact of issue 14 is injected into its own suite and
recorded as an :class:`~benchmarks.inject.Injection`, and the output of the
default pipeline is scored with :func:`benchmarks.quality.score`.

Sources (news and encyclopaedia, Simplified and Traditional):

=========  ==========================================================  ======
pool       what                                                        script
=========  ==========================================================  ======
``pku``    People's Daily (icwb2 PKU test), one paragraph a line       zh-CN
``msr``    MSRA news (icwb2 MSR test), one sentence or paragraph a line zh-CN
``thuc``   THUCNews articles (Sina news), whose paragraph breaks the   zh-CN
           corpus removed: cut here into paragraphs of whole sentences
           (:data:`THUC_PARAGRAPH` characters or more)
``wiki``   the zh-Wikipedia sample, prose lines                        zh-CN
``cityu``  Hong Kong news (icwb2 CityU test), one paragraph a line      zh-HK
``as``     Taiwan text (icwb2 AS test; its clause-per-line layout      zh-TW
           joined back into sentences)
=========  ==========================================================  ======

A paragraph is used when :func:`benchmarks.inject.is_clean_zh` accepts it
(for Traditional text: accepts its OpenCC ``t2s`` form), so that the gold text
is clean by the same definition as the rest of the suite.

**Split** (a fixed rule, never tuned): each pool's clean paragraphs, in
source order, are cut in half: the first half builds the ``dev`` documents
(tune on them), the second half the ``test`` documents (held out; only
measured).  A document is a run of consecutive paragraphs of one pool, so a
document reads as the source does.

**Suites** (one artifact each; :data:`SUITES`):

============  =====================  =============================================
suite         class (inject.CLASSES)  injection
============  =====================  =============================================
wrap          hard_wrap              every paragraph wrapped at 36-80 display
                                     columns (digits and Latin are 1, a CJK
                                     character 2): lines end in ，、：；, lines
                                     start with ”）》, lines hold digit runs;
                                     paragraphs separated by one line break
                                     (3 documents in 4) or a blank line
page_break    page_break_in_word     a blank line (or a line break) inside a
                                     jieba word
repeat        exact_/near_duplicate  a paragraph of :data:`REPEAT_MIN_CHARS` or
              _paragraph             more repeated after 1-3 other paragraphs,
                                     exactly or with 1-3 Han characters changed
traditional   stray_traditional      one whole paragraph converted with OpenCC
                                     ``s2t`` in a Simplified document
spaced        space_in_cjk           a paragraph (or a clause) spaced out: a
                                     space between every two CJK characters
ascii         ascii_punct            a paragraph typed with ASCII ``,;:?!()``,
                                     or one mark after a number or a unit
                                     (``6000t;``)
stutter       stutter                2-4 characters across a word boundary
                                     printed twice (建设进度 -> 建设进设进度)
control       (none)                 clean documents of every pool, both
                                     layouts: must come back unchanged
============  =====================  =============================================

**Headlines** (:func:`headline_joins`): the page-break and wrap evidence
must not glue a real headline to its body.  The raw lines of PKU, MSR,
CityU and the zh-Wikipedia sample (headlines, captions, datelines, section
titles and all, split in halves like the pools) are cut into runs of 4-10
lines that hold a line not ending a sentence, each laid out three ways: a
line per paragraph, a blank line after each such line (a headline set off
from its body), and blank lines everywhere.  The ``paragraphs`` rule runs
alone; a join after a line that ends with neither sentence nor clause
punctuation is a headline joined to its body.

``python -m benchmarks.layout [--split dev|test] [--suite NAME] [--misses] [--headlines]``
prints the figures.

>>> docs = build_suite("repeat", "dev", n_docs=3)  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from . import evaldata_path
from .inject import DUPLICATE_CLASSES, Document, Injection, MissingData, is_clean_zh, wrap_document, zh_paragraphs
from .quality import Score, SpanMap, duplicate_removed, paragraphs, repaired, score

__all__ = [
    "POOLS",
    "SUITES",
    "SPLITS",
    "SuiteResult",
    "pool_paragraphs",
    "build_suite",
    "run_suite",
    "run_all",
    "headline",
    "HEADLINE_POOLS",
    "headline_documents",
    "headline_joins",
    "main",
]

SEED = 20231114
SPLITS = ("dev", "test")
#: the pools and the evaluation-data file each is read from
POOLS: dict[str, str] = {
    "pku": "prose/icwb2_pku_test.utf8.txt",
    "msr": "prose/icwb2_msr_test.utf8.txt",
    "thuc": "prose/thucnews_cnews_val_1000.tsv",
    "wiki": "prose/wiki_zh_200.txt",
    "cityu": "trad/icwb2_cityu_test.utf8.txt",
    "as": "trad/icwb2_as_test.utf8.txt",
}
SIMPLIFIED_POOLS = ("pku", "msr", "thuc", "wiki")
TRADITIONAL_POOLS = ("cityu", "as")
#: a THUCNews paragraph collects whole sentences up to at least this many characters
THUC_PARAGRAPH = 80
#: a repeated paragraph is at least this long (a long paragraph: issue 14)
REPEAT_MIN_CHARS = 50
_SENTENCE = re.compile(r"[^。！？]*[。！？]+[”’」』）》]*")


@functools.cache
def _opencc(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def _read(pool: str) -> str:
    path = evaldata_path(POOLS[pool])
    if path is None:
        raise MissingData(f"pool {pool} needs {POOLS[pool]} under the evaluation data folder")
    return path.read_text(encoding="utf-8-sig")


def _raw_paragraphs(pool: str) -> Iterator[str]:
    text = _read(pool)
    if pool == "thuc":
        for row in text.split("\n"):
            if "\t" not in row:
                continue
            cur = ""
            for m in _SENTENCE.finditer(row.split("\t", 1)[1]):
                cur += m.group()
                if len(cur) >= THUC_PARAGRAPH:
                    yield cur
                    cur = ""
    elif pool == "as":
        cur = ""
        for line in text.split("\n"):
            cur += line.strip()
            if cur.endswith(("。", "！", "？", "」")) or not line.strip():
                if cur:
                    yield cur
                cur = ""
    else:
        yield from (ln.strip() for ln in text.split("\n"))


@functools.cache
def pool_paragraphs(pool: str) -> tuple[str, ...]:
    """The clean paragraphs of a pool, in source order (repeats left out)."""
    trad = pool in TRADITIONAL_POOLS
    t2s = _opencc("t2s")
    seen: set[str] = set()
    out = []
    for p in _raw_paragraphs(pool):
        if p in seen:
            continue
        seen.add(p)
        if is_clean_zh(t2s.convert(p) if trad else p) and (not trad or t2s.convert(p) != p):
            out.append(p)
    return tuple(out)


def _split(pool: str, split: str) -> tuple[str, ...]:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    paras = pool_paragraphs(pool)
    half = len(paras) // 2
    return paras[:half] if split == "dev" else paras[half:]


def _runs(pools: Sequence[str], split: str, rng: random.Random, sizes: tuple[int, int], n_docs: int) -> list[tuple[str, list[str]]]:
    """``n_docs`` runs of consecutive paragraphs, taking the pools in turn and
    each pool from its start (wrapping around when a pool runs out)."""
    srcs = {p: _split(p, split) for p in pools}
    pos = dict.fromkeys(pools, 0)
    out = []
    for k in range(n_docs):
        pool = pools[k % len(pools)]
        src = srcs[pool]
        n = min(rng.randint(*sizes), len(src))
        if pos[pool] + n > len(src):
            pos[pool] = 0
        out.append((pool, list(src[pos[pool] : pos[pool] + n])))
        pos[pool] += n
    return out


# --------------------------------------------------------------------------
# Building documents


class _Doc:
    """Gold and damaged text side by side, with the injections between them."""

    def __init__(self) -> None:
        self.gold: list[str] = []
        self.text: list[str] = []
        self.g = self.d = 0
        self.injections: list[Injection] = []

    def plain(self, s: str) -> None:
        self.gold.append(s)
        self.text.append(s)
        self.g += len(s)
        self.d += len(s)

    def swap(self, cls: str, original: str, injected: str, note: str = "", ref: tuple[int, int] | None = None) -> None:
        if injected == original:
            self.plain(original)
            return
        self.injections.append(Injection(cls, self.d, self.d + len(injected), injected, self.g, self.g + len(original), original, note, ref))
        self.gold.append(original)
        self.text.append(injected)
        self.g += len(original)
        self.d += len(injected)

    def done(self, doc_id: str, layout: str) -> Document:
        doc = Document(doc_id, "zh", layout, "".join(self.gold), "".join(self.text), tuple(self.injections))
        doc.check()
        return doc


_HAN = re.compile(r"[\u4e00-\u9fff]")
_CJK = re.compile(r"[\u3001-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’—…·]")
_TO_ASCII = {"，": ",", "；": ";", "：": ":", "？": "?", "！": "!", "（": "(", "）": ")"}
_AFTER_ALNUM = re.compile(r"(?<=[0-9A-Za-z%])[，；：]|(?<=[0-9][\u4e00-\u9fff])[，；：]")


def _words(p: str) -> list[tuple[int, str]]:
    from cleaner.segment import words

    out, pos = [], 0
    for w in words(p):
        out.append((pos, w))
        pos += len(w)
    return out


def _spaced(p: str, rng: random.Random) -> tuple[str, str, str, str] | None:
    """(prefix, original, injected, suffix): the paragraph or one clause spaced out."""
    if rng.random() < 0.5:
        lo, hi = 0, len(p)
        note = "paragraph"
    else:
        clauses = [m.span() for m in re.finditer(r"[^，。；：！？]{6,}[，。；：！？]", p)]
        if not clauses:
            return None
        lo, hi = rng.choice(clauses)
        note = "clause"
    seg = p[lo:hi]
    out = [seg[0]]
    for a, b in zip(seg, seg[1:]):
        if _CJK.match(a) and _CJK.match(b):
            out.append(" ")
        out.append(b)
    return p[:lo], seg, "".join(out), p[hi:] + "\0" + note


def _ascii(p: str, rng: random.Random) -> tuple[str, str, str, str] | None:
    spots = list(_AFTER_ALNUM.finditer(p))
    if spots and rng.random() < 0.5:
        m = rng.choice(spots)
        return p[: m.start()], m.group(), _TO_ASCII[m.group()], p[m.end() :] + "\0after a number or unit"
    if not any(c in _TO_ASCII for c in p):
        return None
    return "", p, "".join(_TO_ASCII.get(c, c) for c in p), "\0paragraph"


def _stutter(p: str, rng: random.Random) -> tuple[str, str, str, str] | None:
    ws = _words(p)
    spots = []
    for (i, a), (j, b) in zip(ws, ws[1:]):
        if len(a) >= 2 and _HAN.fullmatch(a[-1]) and _HAN.match(b):
            for k in (1, 2):
                for m in (1, 2):
                    if k < len(a) and m <= len(b) and all(_HAN.match(c) for c in p[j - k : j + m]):
                        spots.append((j - k, j + m))
    if not spots:
        return None
    s, e = rng.choice(spots)
    span = p[s:e]
    if p[e : e + len(span)] == span or p[s - len(span) : s] == span:
        return None
    return p[:s], span, span + span, p[e:] + "\0across a word boundary"


def _traditional(p: str, rng: random.Random) -> tuple[str, str, str, str] | None:
    t = _opencc("s2t").convert(p)
    if t == p or _opencc("t2s").convert(t) != p:
        return None
    return "", p, t, "\0whole paragraph s2t"


def _page_break(p: str, rng: random.Random) -> tuple[str, str, str, str] | None:
    ws = [(i, w) for i, w in _words(p) if 2 <= len(w) <= 8 and _HAN.fullmatch(w[0]) and _HAN.fullmatch(w[-1]) and 0 < i and i + len(w) < len(p) - 1]
    if not ws:
        return None
    i, w = rng.choice(ws)
    k = rng.randint(1, len(w) - 1)
    brk = "\n\n" if rng.random() < 0.75 else "\n"
    return p[:i], w, w[:k] + brk + w[k:], p[i + len(w) :] + f"\0break {brk!r} after {w[:k]!r}"


_LOCAL: dict[str, tuple[str, Callable[[str, random.Random], tuple[str, str, str, str] | None]]] = {
    "spaced": ("space_in_cjk", _spaced),
    "ascii": ("ascii_punct", _ascii),
    "stutter": ("stutter", _stutter),
    "traditional": ("stray_traditional", _traditional),
    "page_break": ("page_break_in_word", _page_break),
}


def _local_doc(paras: list[str], suite: str, rng: random.Random, layout: str, doc_id: str) -> Document:
    cls, inject = _LOCAL[suite]
    sep = "\n\n" if layout == "blank" else "\n"
    if suite == "traditional":
        # one paragraph: the rest of the document is clearly Simplified
        targets = {rng.randrange(len(paras))}
    else:
        # at most every other paragraph, so that injected spans never touch
        targets = {i for i in range(0, len(paras), 2) if rng.random() < 0.6} or {0}
    b = _Doc()
    for i, p in enumerate(paras):
        sw = inject(p, rng) if i in targets else None
        if sw is None:
            b.plain(p)
        else:
            prefix, original, injected, rest = sw
            suffix, note = rest.split("\0")
            b.plain(prefix)
            b.swap(cls, original, injected, note)
            b.plain(suffix)
        b.plain("\n" if i == len(paras) - 1 else sep)
    return b.done(doc_id, layout)


def _near_copy(p: str, rng: random.Random) -> str:
    """``p`` with 1-3 Han characters substituted or deleted (numbers kept)."""
    chars = list(p)
    han = [c for c in p if _HAN.match(c)]
    for _ in range(rng.randint(1, 3)):
        spots = [i for i, c in enumerate(chars) if _HAN.match(c)]
        i = rng.choice(spots)
        if rng.random() < 0.7:
            chars[i] = rng.choice([c for c in han if c != chars[i]] or han)
        else:
            del chars[i]
    copy = "".join(chars)
    return copy if copy != p else copy[:-1] + "，" + copy[-1]


def _repeat_doc(paras: list[str], rng: random.Random, layout: str, doc_id: str) -> Document | None:
    sep = "\n\n" if layout == "blank" else "\n"
    n = len(paras)
    choices = [(i, gap) for i in range(n) for gap in (1, 2, 3) if len(paras[i]) >= REPEAT_MIN_CHARS and i + gap < n]
    if not choices:
        return None
    i, gap = rng.choice(choices)
    after = i + gap  # the copy goes after this paragraph
    exact = rng.random() < 0.5
    copy = paras[i] if exact else _near_copy(paras[i], rng)
    b = _Doc()
    start_i = 0
    for k, p in enumerate(paras):
        if k == i:
            start_i = b.g
        b.plain(p)
        if k == after and k < n - 1:
            cls = "exact_duplicate_paragraph" if exact else "near_duplicate_paragraph"
            b.swap(cls, sep, sep + copy + sep, f"copy of paragraph {i} after {gap} paragraphs", (start_i, start_i + len(p) if k == i else start_i + len(paras[i])))
        else:
            b.plain("\n" if k == n - 1 else sep)
    return b.done(doc_id, layout) if b.injections else None


#: suite -> (pools, documents per split, paragraphs per document)
SUITES: dict[str, tuple[tuple[str, ...], int, tuple[int, int]]] = {
    "wrap": (SIMPLIFIED_POOLS, 80, (4, 8)),
    "page_break": (SIMPLIFIED_POOLS, 80, (4, 8)),
    "repeat": (SIMPLIFIED_POOLS, 120, (5, 9)),
    "traditional": (SIMPLIFIED_POOLS, 80, (5, 9)),
    "spaced": (SIMPLIFIED_POOLS, 80, (4, 8)),
    "ascii": (SIMPLIFIED_POOLS, 80, (4, 8)),
    "stutter": (SIMPLIFIED_POOLS, 80, (4, 8)),
    "control": (SIMPLIFIED_POOLS + TRADITIONAL_POOLS, 330, (3, 8)),
}
_WRAP_WIDTHS = (36, 40, 50, 60, 64, 70, 80)


def build_suite(suite: str, split: str, *, n_docs: int | None = None, seed: int = SEED) -> list[Document]:
    """The documents of a suite and split, the same for the same seed."""
    if suite not in SUITES:
        raise ValueError(f"unknown suite {suite!r}; valid suites: {', '.join(SUITES)}")
    pools, default_n, sizes = SUITES[suite]
    rng = random.Random(f"{seed}:{suite}:{split}")
    docs: list[Document] = []
    for k, (pool, paras) in enumerate(_runs(pools, split, rng, sizes, n_docs or default_n)):
        doc_id = f"{suite}-{split}-{k:03d}-{pool}"
        layout = "lines" if rng.random() < 0.75 else "blank"
        if suite == "wrap":
            docs.append(wrap_document(paras, lang="zh", width=rng.choice(_WRAP_WIDTHS), layout=layout, doc_id=doc_id))
        elif suite == "control":
            layout = rng.choice(("lines", "blank"))
            sep = "\n\n" if layout == "blank" else "\n"
            text = sep.join(paras) + "\n"
            docs.append(Document(doc_id, "zh", layout, text, text, ()))
        elif suite == "repeat":
            d = _repeat_doc(paras, rng, layout, doc_id)
            if d is not None:
                docs.append(d)
        else:
            d = _local_doc(paras, suite, rng, layout, doc_id)
            if d.injections:
                docs.append(d)
    return docs


# --------------------------------------------------------------------------
# Scoring


@dataclass(frozen=True, slots=True)
class SuiteResult:
    suite: str
    split: str
    score: Score
    #: share of injections repaired (the suite's artifact; 1.0 for controls)
    recall: float
    #: share of damaged documents that come back equal to the gold text
    documents_whole: float
    #: recall by injection note (paragraph / clause, exact / near...)
    by_note: dict[str, tuple[int, int]]

    def to_dict(self) -> dict[str, Any]:
        d = self.score.to_dict()
        d.update(suite=self.suite, split=self.split, recall_all=round(self.recall, 4), documents_whole=round(self.documents_whole, 4),
                 by_note={k: f"{r}/{n}" for k, (r, n) in sorted(self.by_note.items())})
        return d


def _note_key(inj: Injection) -> str:
    note = inj.note
    if note.startswith("copy of"):
        return ("exact " if inj.cls.startswith("exact") else "near ") + note.split(" after ")[-1]
    if note.startswith("break"):
        return "blank line" if "\\n\\n" in note else "line break"
    if note.startswith("width"):
        return "hard wrap"
    return note


def _verdicts(doc: Document, output: str) -> list[bool]:
    """Whether each injection of ``doc`` is repaired in ``output`` (as
    :func:`benchmarks.quality.score_document` judges it)."""
    gold = doc.gold
    spans = SpanMap(gold, output)
    gold_count, out_count = Counter(paragraphs(gold)), Counter(paragraphs(output))
    injs = doc.injections
    out = []
    for k, inj in enumerate(injs):
        lo = injs[k - 1].gold_end if k else 0
        hi = injs[k + 1].gold_start - 1 if k + 1 < len(injs) else len(gold)
        if inj.cls in DUPLICATE_CLASSES:
            out.append(duplicate_removed(inj, gold, gold_count, out_count))
        else:
            out.append(repaired(inj, gold, output, spans, lo, hi))
    return out


def run_suite(suite: str, split: str, *, clean: Callable[[str], str] | None = None, n_docs: int | None = None) -> SuiteResult:
    """Clean the suite's documents (default pipeline unless ``clean`` is given) and score them."""
    import cleaner

    if clean is None:
        cfg = cleaner.make_config()
        clean = functools.partial(cleaner.clean, config=cfg)
    docs = build_suite(suite, split, n_docs=n_docs)
    outs = [clean(d.text) for d in docs]
    s = score(docs, outs)
    by_note: dict[str, list[int]] = {}
    for d, o in zip(docs, outs):
        for inj, ok in zip(d.injections, _verdicts(d, o)):
            v = by_note.setdefault(_note_key(inj), [0, 0])
            v[0] += ok
            v[1] += 1
    injected = sum(c.injected for c in s.classes.values())
    repaired = sum(c.repaired for c in s.classes.values())
    damaged = [(d, o) for d, o in zip(docs, outs) if d.injections]
    whole = sum(o == d.gold for d, o in damaged) / len(damaged) if damaged else 1.0
    return SuiteResult(suite, split, s, repaired / injected if injected else 1.0, whole, {k: (v[0], v[1]) for k, v in by_note.items()})


def headline(r: SuiteResult) -> float:
    """The suite's headline figure (issue 14's targets): paragraphs whole for
    hard-wrapped documents, the share of injections repaired for the others,
    1 - change rate for the controls."""
    if r.suite == "wrap":
        return r.score.paragraph_recall
    if r.suite == "control":
        return 1.0 - r.score.change_rate
    return r.recall


def run_all(split: str, suites: Sequence[str] = tuple(SUITES)) -> dict[str, SuiteResult]:
    return {s: run_suite(s, split) for s in suites}


#: the raw files whose headlines, captions and section titles are kept
HEADLINE_POOLS = ("pku", "msr", "cityu", "wiki")
HEADLINE_LAYOUTS = ("lines", "title_blank", "blank")


def headline_documents(split: str) -> Iterator[tuple[str, str]]:
    """(document id, text) of the headline documents of a split (see the
    module docstring), the same on every run."""
    from cleaner.rules.paragraphs import ends_sentence

    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    for pool in HEADLINE_POOLS:
        raw = [ln.strip() for ln in _read(pool).split("\n") if ln.strip()]
        half = len(raw) // 2
        raw = raw[:half] if split == "dev" else raw[half:]
        rng = random.Random(f"{SEED}:headline:{pool}:{split}")
        k = 0
        while k < len(raw):
            chunk = raw[k : k + rng.randint(4, 10)]
            k += len(chunk)
            if all(ends_sentence(c) for c in chunk):
                continue
            for layout in HEADLINE_LAYOUTS:
                if layout == "lines":
                    text = "\n".join(chunk) + "\n"
                elif layout == "blank":
                    text = "\n\n".join(chunk) + "\n"
                else:
                    text = "".join(c + ("\n" if ends_sentence(c) else "\n\n") for c in chunk)
                yield f"headline-{split}-{pool}-{k:05d}-{layout}", text


def headline_joins(split: str) -> tuple[int, int, list[dict[str, str]]]:
    """(documents, joins the ``paragraphs`` rule makes, the joins after a
    line that ends with neither sentence nor clause punctuation: a headline
    glued to its body)."""
    import cleaner
    from cleaner.rules.paragraphs import ends_sentence

    cfg = cleaner.make_config(only=["paragraphs"])
    n = joins = 0
    glued: list[dict[str, str]] = []
    for doc_id, text in headline_documents(split):
        n += 1
        for e in cleaner.explain(text, config=cfg).edits:
            joins += 1
            line = text[text.rfind("\n", 0, e.start) + 1 : e.start]
            norm = unicodedata.normalize("NFKC", line.rstrip())  # ﹔ is ;
            if norm and not ends_sentence(norm) and norm[-1] not in "，、；：,;:":
                glued.append({"document": doc_id, "line": line[-30:], "next": text[e.end : e.end + 20].split("\n")[0]})
    return n, joins, glued


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.layout", description="Layout and repeats on real documents (issue 14).")
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--suite", action="append", choices=list(SUITES))
    parser.add_argument("--misses", action="store_true", help="print the unrepaired injections")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--headlines", action="store_true", help="count headlines joined to their body instead")
    args = parser.parse_args(argv)
    if args.headlines:
        try:
            n, joins, glued = headline_joins(args.split)
        except MissingData as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"headline documents ({args.split}): {n}; joins: {joins}; headlines joined to their body: {len(glued)}")
        for g in glued:
            print(json.dumps(g, ensure_ascii=False))
        return 0
    try:
        results = run_all(args.split, args.suite or tuple(SUITES))
    except MissingData as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({k: v.to_dict() for k, v in results.items()}, ensure_ascii=False, indent=1))
        return 0
    print(f"| suite ({args.split}) | docs | injections | headline | recall | paragraphs whole | docs whole | controls changed | by note |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        s = r.score
        notes = ", ".join(f"{k}: {a}/{n}" for k, (a, n) in sorted(r.by_note.items()))
        print(f"| {name} | {s.documents} | {s.injections} | {headline(r):.3f} | {r.recall:.3f} | {s.paragraph_recall:.3f} | {r.documents_whole:.3f} | {s.changed_controls}/{s.controls} | {notes} |")
    if args.misses:
        for name, r in results.items():
            for m in r.score.misses:
                print(name, json.dumps(m, ensure_ascii=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
