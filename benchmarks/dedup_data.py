"""Data for the dedup benchmarks, built at run time from real third-party text.

Nothing here is copied into the repository: the paragraphs are read from
``../shared/evaldata`` (or ``$CLEANER_EVALDATA``), whose licences (some are
research-only) are listed in its SOURCES.md.

* :func:`real_paragraphs`: real Chinese news paragraphs.  People's Daily and
  MSRA lines (icwb2, one paragraph per line), THUCNews articles (Sina news,
  10 categories; the corpus removed paragraph breaks, so consecutive
  sentences are regrouped into paragraphs of 40-240 characters) and
  zh-Wikipedia lines.
* :func:`labelled_set`: a labelled near-duplicate set.  Each group is a real
  paragraph and one variant of it -- an exact copy, a copy with k random
  character edits, a copy with real OCR substitutions (character confusions
  observed in FASPell's OCR pairs), the Traditional-script copy (OpenCC
  s2t/s2twp) -- among unrelated paragraphs of the same categories and
  pairs of unrelated paragraphs that share one long real sentence (hard
  negatives).  A variant's similarity is ``100 * (1 - k / n)`` for k edits
  in a paragraph of n letters and ideographs (punctuation not counted), by
  construction, not by any method under test.  The pool of real paragraphs
  is first cleared of paragraphs that share a 12-character run with an
  earlier one (quotes, boilerplate and the corpora's own repeats), so that
  "unrelated" is true.
* :func:`speed_corpus`: N paragraphs for the speed runs: real sentences
  regrouped into paragraphs (so each real sentence recurs in several
  different paragraphs, as boilerplate does), with a share of planted exact
  and near copies.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = [
    "EVALDATA",
    "have_evaldata",
    "real_paragraphs",
    "sentences",
    "ocr_confusions",
    "Item",
    "LabelledSet",
    "labelled_set",
    "speed_corpus",
    "clauses",
    "sohu_pairs",
]

ROOT = Path(__file__).resolve().parent.parent
EVALDATA = Path(os.environ.get("CLEANER_EVALDATA", ROOT.parent / "shared" / "evaldata"))

_SENT = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』）)]*|[^。！？!?]+$")


def have_evaldata() -> bool:
    return (EVALDATA / "prose" / "thucnews_cnews_val_1000.tsv").exists()


def _lines(rel: str) -> Iterator[str]:
    with open(EVALDATA / rel, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield line


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.findall(text) if s.strip()]


@cache
def real_paragraphs(min_chars: int = 30, max_chars: int = 400) -> tuple[tuple[str, str], ...]:
    """(category, paragraph) pairs of real Chinese prose, deduplicated exactly."""
    out: list[tuple[str, str]] = []
    for rel, cat in (("prose/icwb2_pku_test.utf8.txt", "pku"), ("prose/icwb2_msr_test.utf8.txt", "msr"), ("prose/wiki_zh_200.txt", "wiki")):
        for line in _lines(rel):
            if min_chars <= len(line) <= max_chars:
                out.append((cat, line))
    for line in _lines("prose/thucnews_cnews_val_1000.tsv"):
        label, _, article = line.partition("\t")
        para: list[str] = []
        size = 0
        target = 40
        rng = random.Random(len(article))
        for s in split_sentences(article):
            para.append(s)
            size += len(s)
            if size >= target:
                text = "".join(para)
                if min_chars <= len(text) <= max_chars:
                    out.append((label, text))
                para, size, target = [], 0, rng.randint(40, 240)
    seen: set[str] = set()
    unique = []
    for cat, text in out:
        if text not in seen:
            seen.add(text)
            unique.append((cat, text))
    return tuple(unique)


@cache
def sentences() -> tuple[str, ...]:
    """Every distinct real sentence of at least 8 characters in the prose files."""
    seen: dict[str, None] = {}
    for _, para in real_paragraphs(min_chars=8, max_chars=100_000):
        for s in split_sentences(para):
            if len(s) >= 8:
                seen.setdefault(s, None)
    return tuple(seen)


@cache
def ocr_confusions() -> dict[str, tuple[str, ...]]:
    """Real OCR confusions: correct character -> characters OCR read instead
    (FASPell's OCR pairs of video subtitles)."""
    conf: dict[str, set[str]] = {}
    for rel in ("csc/faspell_ocr_train_3575.jsonl", "csc/faspell_ocr_test_1000.jsonl"):
        for line in _lines(rel):
            row = json.loads(line)
            src, tgt = row["src"], row["tgt"]
            if len(src) != len(tgt):
                continue
            for i in row["pos"]:
                if "\u4e00" <= tgt[i] <= "\u9fff" and "\u4e00" <= src[i] <= "\u9fff":
                    conf.setdefault(tgt[i], set()).add(src[i])
    return {k: tuple(sorted(v)) for k, v in conf.items()}


def _random_edits(text: str, k: int, rng: random.Random, alphabet: str) -> str:
    chars = list(text)
    for _ in range(k):
        op = rng.random()
        i = rng.randrange(len(chars) + 1) if op < 1 / 3 else rng.randrange(len(chars))
        if op < 1 / 3:
            chars.insert(i, rng.choice(alphabet))
        elif op < 2 / 3 and len(chars) > 1:
            del chars[i]
        else:
            chars[i] = rng.choice(alphabet)
    return "".join(chars)


def _ocr_subs(text: str, k: int, rng: random.Random) -> tuple[str, int]:
    conf = ocr_confusions()
    spots = [i for i, c in enumerate(text) if c in conf]
    rng.shuffle(spots)
    chars = list(text)
    for i in spots[:k]:
        chars[i] = rng.choice(conf[chars[i]])
    return "".join(chars), min(k, len(spots))


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    text: str
    group: int  # items of one group are copies of one paragraph; -1: unique
    kind: str  # "base", "exact", "edits", "ocr", "traditional", "phrase", "unrelated"
    similarity: float  # to the group's base, by construction (100 for base/unrelated)


@dataclass(frozen=True, slots=True)
class LabelledSet:
    items: tuple[Item, ...]
    positives: frozenset[tuple[int, int]]  # true duplicate pairs, similarity >= cut
    hard: frozenset[tuple[int, int]]  # true copies below the cut (not scored in F1)
    cut: float

    def texts(self) -> list[str]:
        return [it.text for it in self.items]


def _content(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _disjoint_pool(paras: list[tuple[str, str]], run: int = 12) -> list[tuple[str, str]]:
    """Paragraphs that share no ``run``-character stretch (letters and
    ideographs only) with an earlier one."""
    seen: set[str] = set()
    out = []
    for cat, text in paras:
        c = _content(text)
        grams = {c[i : i + run] for i in range(max(1, len(c) - run + 1))}
        if grams & seen:
            continue
        seen |= grams
        out.append((cat, text))
    return out


def labelled_set(groups: int = 1500, unrelated: int = 3000, *, seed: int = 7, cut: float = 85.0) -> LabelledSet:
    """The labelled near-duplicate set (see the module docstring).

    Variant similarity is spread over 70-100; pairs at or above ``cut`` are
    the positives, those below are reported separately as hard.
    """
    import opencc

    rng = random.Random(seed)
    paras = list(real_paragraphs())
    rng.shuffle(paras)
    paras = _disjoint_pool(paras)
    by_cat: dict[str, list[str]] = {}
    for cat, text in paras:
        by_cat.setdefault(cat, []).append(text)
    alphabet = "".join(sorted({c for _, t in paras[:2000] for c in t if "\u4e00" <= c <= "\u9fff"}))
    s2t, s2twp = opencc.OpenCC("s2t"), opencc.OpenCC("s2twp")
    items: list[Item] = []
    positives: set[tuple[int, int]] = set()
    hard: set[tuple[int, int]] = set()
    pool = iter(paras)
    kinds = ("exact", "edits", "edits", "edits", "ocr", "ocr", "traditional", "phrase")

    def add(text: str, group: int, kind: str, sim: float) -> int:
        items.append(Item(len(items), text, group, kind, sim))
        return len(items) - 1

    for g in range(groups):
        cat, base = next(pool)
        kind = kinds[g % len(kinds)]
        b = add(base, g, "base", 100.0)
        if kind == "exact":
            v, sim = base, 100.0
        elif kind == "edits":
            n = len(_content(base))
            k = max(1, round(rng.uniform(0.0, 0.30) * n))
            v, sim = _random_edits(base, k, rng, alphabet), 100.0 * (1 - k / n)
        elif kind == "ocr":
            n = len(_content(base))
            k = max(1, round(rng.uniform(0.0, 0.30) * n))
            v, done = _ocr_subs(base, k, rng)
            sim = 100.0 * (1 - done / n)
        elif kind == "traditional":
            v, sim = (s2t if g % 2 else s2twp).convert(base), 100.0
        else:  # two unrelated paragraphs sharing one long real sentence
            _, other = next(pool)
            _, donor = next(pool)
            sents = [x for x in split_sentences(donor) if 15 <= len(x) <= min(len(base), len(other))]
            if not sents:
                continue
            phrase = max(sents, key=len)
            for host in (base, other):
                at = rng.randrange(len(host) + 1)
                add(host[:at] + phrase + host[at:], -1, "phrase", 0.0)
            items.pop(b)  # the base itself is not in the set: only the two hosts
            items[b:] = [Item(i + b, it.text, it.group, it.kind, it.similarity) for i, it in enumerate(items[b:])]
            continue
        vi = add(v, g, kind, sim)
        (positives if sim >= cut else hard).add((b, vi))
    for _ in range(unrelated):
        cat, text = next(pool)
        add(text, -1, "unrelated", 100.0)
    return LabelledSet(tuple(items), frozenset(positives), frozenset(hard), cut)


def sohu_pairs() -> list[tuple[str, str, int]]:
    """The SOHU 2021 pairs: (text1, text2, label 0 unrelated / 3 same topic / 5 same event)."""
    out = []
    for line in _lines("neardup/sohu2021_dd_test.jsonl"):
        row = json.loads(line)
        out.append((row["sentence1"], row["sentence2"], int(row["label"])))
    return out


_CLAUSE = re.compile(r"[^，。；！？：,;!?]+")


@cache
def clauses() -> tuple[str, ...]:
    """Every distinct real clause (text between Chinese punctuation) of 4-40 characters."""
    seen: dict[str, None] = {}
    for _, para in real_paragraphs(min_chars=8, max_chars=100_000):
        for c in _CLAUSE.findall(para):
            c = c.strip()
            if 4 <= len(c) <= 40:
                seen.setdefault(c, None)
    return tuple(seen)


def _spliced_clause(sents: tuple[str, ...], rng: random.Random) -> str:
    a = sents[rng.randrange(len(sents))]
    b = sents[rng.randrange(len(sents))]
    return a[: rng.randint(2, max(2, len(a) - 2))] + b[rng.randint(2, max(2, len(b) - 2)) :]


def speed_corpus(n: int, *, seed: int = 11, dup_share: float = 0.1, sources: list[int] | None = None) -> Iterator[str]:
    """``n`` paragraphs of 2-5 clauses joined with ``，`` (about 50
    characters, 150 bytes of UTF-8, a paragraph).  Each clause is the head
    of one real clause spliced to the tail of another, so the text has the
    character statistics of real news while a clause recurs about as often
    at 1M paragraphs as at 10k (whole real clauses would recur 46 times
    each at 1M, making the candidate count grow with the square of N by
    construction).  A ``dup_share`` of the paragraphs are exact copies, or
    copies with 1-10 % random character edits, of an earlier paragraph.
    ``sources``, when given, receives one entry per paragraph: the index of
    the paragraph it copies, or -1 (the labels of a recall measure)."""
    rng = random.Random(seed)
    sents = clauses()
    alphabet = "".join(sorted({c for s in sents[:5000] for c in s if "\u4e00" <= c <= "\u9fff"}))
    recent: list[tuple[int, str]] = []
    for i in range(n):
        if recent and rng.random() < dup_share:
            at, src = recent[rng.randrange(len(recent))]
            if sources is not None:
                sources.append(at)
            if rng.random() < 0.5:
                yield src
            else:
                yield _random_edits(src, max(1, round(len(src) * rng.uniform(0.01, 0.10))), rng, alphabet)
            continue
        para = "，".join(_spliced_clause(sents, rng) for _ in range(rng.randint(2, 5))) + "。"
        if len(recent) < 10_000:
            recent.append((i, para))
        else:
            recent[rng.randrange(len(recent))] = (i, para)
        if sources is not None:
            sources.append(-1)
        yield para
