"""Named, seeded corpora (:data:`CORPORA`) and the texts of the speed runs
(:func:`throughput_text`): the same documents for the same seed."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from .documents import Document, inject_paragraphs, wrap_document
from .registry import EN_MIXED, LONG_PARAGRAPH_CLASSES, ZH_MIXED, needs_ocr
from .sources import OCR_TRAIN, MissingData, en_paragraphs, ocr_confusions, wiki_articles, zh_paragraphs, zh_traditional_paragraphs

__all__ = ["DEFAULT_SEED", "CorpusSpec", "CORPORA", "build_corpus", "throughput_text"]

DEFAULT_SEED = 20211216


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    """A named, seeded corpus.

    ``kind`` is ``"mixed"`` (artifacts of ``classes`` injected at ``rate``),
    ``"wrapped"`` (every document hard-wrapped, nothing else) or
    ``"control"`` (clean documents that must come back unchanged).
    """

    name: str
    lang: str
    kind: str
    n_docs: int
    paragraphs: tuple[int, int]
    classes: tuple[str, ...] = ()
    rate: float = 0.6
    pool: str = ""  # "" = the clean paragraphs of ``lang``; "s2tw" or "s2hk" = zh_traditional_paragraphs(pool)
    needs: str = ""  # an evaluation-data file without which the corpus cannot be built


CORPORA: dict[str, CorpusSpec] = {
    s.name: s
    for s in (
        CorpusSpec("zh-mixed", "zh", "mixed", 80, (6, 12), ZH_MIXED),
        CorpusSpec("zh-wrapped", "zh", "wrapped", 24, (4, 8)),
        CorpusSpec("zh-ocr", "zh", "mixed", 40, (6, 12), ("ocr_confusion",), needs=OCR_TRAIN),
        CorpusSpec("zh-pdf", "zh", "mixed", 24, (6, 12), ("pdf_radicals", "dash_for_one")),
        CorpusSpec("en-mixed", "en", "mixed", 40, (4, 8), EN_MIXED),
        CorpusSpec("en-wrapped", "en", "wrapped", 16, (3, 6)),
        CorpusSpec("zh-control", "zh", "control", 24, (3, 10)),
        CorpusSpec("zh-tw-control", "zh", "control", 8, (3, 8), pool="s2tw"),
        CorpusSpec("zh-hk-control", "zh", "control", 8, (3, 8), pool="s2hk"),
        CorpusSpec("en-control", "en", "control", 12, (2, 6)),
    )
}

_WIDTHS = {"zh": (40, 50, 60, 64, 70, 80), "en": (60, 66, 72, 78)}


def _widths(lang: str) -> tuple[int, ...]:
    return _WIDTHS["zh" if lang == "zh" else "en"]


def _pool(spec: CorpusSpec) -> tuple[str, ...]:
    if spec.pool:
        return zh_traditional_paragraphs(spec.pool)
    return zh_paragraphs() if spec.lang == "zh" else en_paragraphs()


def _spec(spec: CorpusSpec | str) -> CorpusSpec:
    if isinstance(spec, CorpusSpec):
        return spec
    if spec not in CORPORA:
        raise ValueError(f"unknown corpus {spec!r}; valid corpora: {', '.join(CORPORA)}")
    return CORPORA[spec]


def build_corpus(spec: CorpusSpec | str, *, seed: int = DEFAULT_SEED, ocr_path: Path | None = None) -> list[Document]:
    """The documents of a corpus (a name from :data:`CORPORA` or a spec),
    the same for the same seed.  Raises :class:`MissingData` when the corpus
    needs evaluation data that is absent.

    >>> [d.id for d in build_corpus("en-control", seed=1)[:2]]
    ['en-control-000', 'en-control-001']
    """
    spec = _spec(spec)
    ocr = None
    if spec.needs == OCR_TRAIN or needs_ocr(spec.classes):
        ocr = ocr_confusions(ocr_path)
        if ocr is None:
            raise MissingData(f"corpus {spec.name} needs {OCR_TRAIN} under the evaluation data folder")
    rng = random.Random(f"{seed}:{spec.name}")
    pool = _pool(spec)
    queue = deque(rng.sample(spec.classes, len(spec.classes)))
    docs: list[Document] = []
    for k in range(spec.n_docs):
        n = min(len(pool), rng.randint(*spec.paragraphs))
        paras = rng.sample(pool, n)
        layout = rng.choice(("blank", "lines"))
        doc_id = f"{spec.name}-{k:03d}"
        if spec.kind == "wrapped":
            width = rng.choice(_widths(spec.lang))
            docs.append(wrap_document(paras, lang=spec.lang, width=width, layout=layout, doc_id=doc_id))
        elif spec.kind == "control":
            docs.append(inject_paragraphs(paras, lang=spec.lang, classes=(), rng=rng, layout=layout, rate=0.0, doc_id=doc_id))
        else:
            docs.append(
                inject_paragraphs(
                    paras, lang=spec.lang, classes=spec.classes, rng=rng, layout=layout, rate=spec.rate, doc_id=doc_id, queue=queue, ocr=ocr
                )
            )
    return docs


def _long_paragraph(pool: tuple[str, ...], rng: random.Random, queue: deque[str]) -> str:
    """One paragraph of clean paragraphs with the local damage of Chinese,
    line breaks removed."""
    paras = rng.sample(pool, min(8, len(pool)))
    doc = inject_paragraphs(paras, lang="zh", classes=LONG_PARAGRAPH_CLASSES, rng=rng, layout="lines", rate=0.5, queue=queue)
    return doc.text.replace("\n", "")


def _document(lang: str, kind: str, pool: tuple[str, ...], rng: random.Random, queue: deque[str]) -> str:
    """The text of one damaged (``mixed``), ``wrapped`` or real (``article``) document."""
    layout = rng.choice(("blank", "lines"))
    paras = rng.sample(pool, min(rng.randint(4, 8), len(pool)))
    if kind == "article":
        return rng.choice(wiki_articles()) + "\n"
    if kind == "wrapped":
        width = rng.choice(_widths(lang))
        return wrap_document(paras, lang=lang, width=width, layout=layout, doc_id="t").text
    classes = ZH_MIXED if lang == "zh" else EN_MIXED
    return inject_paragraphs(paras, lang=lang, classes=classes, rng=rng, layout=layout, rate=0.6, queue=queue).text


def throughput_text(lang: str, size: int, *, seed: int = DEFAULT_SEED, long_paragraph: bool = False) -> str:
    """About ``size`` bytes (UTF-8) of damaged text for speed runs.

    ``zh``: damaged documents, zh-Wikipedia articles as they are (headings,
    lists, real imperfections) and hard-wrapped documents, in turn, repeated
    with fresh damage until the size is reached; the artifact classes take
    turns too, so that every 10 KB holds each kind of work and a larger size
    differs from a smaller one in quantity, not in kind.  ``en``: the same
    with the English paragraphs (no articles).  ``long_paragraph``: one
    Chinese paragraph without a line break, made of clean paragraphs with
    local damage, to expose cost that grows faster than paragraph length.

    >>> len(throughput_text("zh", 10_000).encode()) <= 10_000
    True
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    if long_paragraph and lang != "zh":
        # (its damage classes are the Chinese ones: on English paragraphs
        # one of them found nothing to damage and failed deep inside)
        raise ValueError("long_paragraph text is Chinese only: call throughput_text('zh', size, long_paragraph=True)")
    rng = random.Random(f"{seed}:throughput:{lang}:{long_paragraph}")
    parts: list[str] = []
    total = 0
    kinds = ("mixed", "article", "wrapped") if lang == "zh" else ("mixed", "wrapped")
    queue = deque(LONG_PARAGRAPH_CLASSES if long_paragraph else ZH_MIXED if lang == "zh" else EN_MIXED)
    pool = zh_paragraphs() if lang == "zh" else en_paragraphs()
    while total < size:
        if long_paragraph:
            text = _long_paragraph(pool, rng, queue)
        else:
            text = _document(lang, kinds[len(parts) % len(kinds)], pool, rng, queue)
            if parts:
                text = "\n" + text  # documents follow each other after a blank line
        parts.append(text)
        total += len(text.encode("utf-8"))
    out = "".join(parts)
    data = out.encode("utf-8")[:size]
    out = data.decode("utf-8", errors="ignore")
    if not long_paragraph:
        cut = out.rfind("\n")
        out = out[: cut + 1] if cut > 0 else out
    return out
