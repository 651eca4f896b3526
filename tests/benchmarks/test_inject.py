"""benchmarks.inject as a package: the registry of artifact classes is
complete (each class injects, is repaired by a registered rule, is scored
and is measured by a corpus), and the names other code imports stay.

The corpora themselves (reproducible, recorded exactly, each injection what
its class says) are tested in tests/test_benchmarks_framework.py.
"""

from __future__ import annotations

import random

import pytest

import cleaner
from benchmarks import inject
from benchmarks.inject import (
    ARTIFACTS,
    CLASSES,
    CORPORA,
    DUPLICATE_CLASSES,
    SEPARATOR_CLASSES,
    Document,
    Injection,
    en_paragraphs,
    inject_paragraphs,
    ocr_confusions,
    wrap_document,
    zh_paragraphs,
)
from benchmarks.inject.registry import LANGS, Local, Separator, Wrap, classes_for, needs_ocr
from benchmarks.quality import score

#: every name other modules and helpers imported from the single-module inject.py
PUBLIC = (
    "CLASSES", "REPAIRED_BY", "SEPARATOR_CLASSES", "DUPLICATE_CLASSES", "ZH_MIXED", "EN_MIXED", "CORPORA",
    "DEFAULT_SEED", "OCR_TRAIN", "CorpusSpec", "Document", "Injection", "MissingData", "build_corpus",
    "inject_paragraphs", "wrap_document", "is_clean_zh", "is_clean_en", "zh_paragraphs", "en_paragraphs",
    "zh_traditional_paragraphs", "wiki_articles", "ocr_confusions", "throughput_text", "main",
)


def test_the_public_names_stay_importable() -> None:
    missing = [n for n in PUBLIC if not hasattr(inject, n)]
    assert not missing
    assert set(PUBLIC) <= set(inject.__all__)


@pytest.mark.parametrize("name", CLASSES)
def test_each_class_is_declared_completely(name: str) -> None:
    art = ARTIFACTS[name]
    assert art.name == name and art.description
    assert art.rule in cleaner.RULES, f"{name}: repairing rule {art.rule!r} is not registered in cleaner.RULES"
    assert art.langs and set(art.langs) <= set(LANGS), name
    if isinstance(art, Separator):
        assert callable(art.inject)
    else:
        assert isinstance(art, (Local, Wrap)), f"{name}: unknown placement {type(art).__name__}"
        assert all(callable(fn) for fn in art.inject.values())
    assert art.scoring in ("span", "paragraphs")
    # benchmarks.quality judges DUPLICATE_CLASSES on paragraphs, every other class on its span
    assert (art.scoring == "paragraphs") == (name in DUPLICATE_CLASSES)
    assert (name in SEPARATOR_CLASSES) == isinstance(art, Separator)


def test_every_class_is_measured_by_a_corpus() -> None:
    wrapped = {n for n, a in ARTIFACTS.items() if isinstance(a, Wrap)}
    measured = {c for spec in CORPORA.values() for c in spec.classes}
    if any(spec.kind == "wrapped" for spec in CORPORA.values()):
        measured |= wrapped
    assert measured == set(CLASSES)
    for spec in CORPORA.values():
        assert all(spec.lang in ARTIFACTS[c].langs for c in spec.classes), spec.name


def _carrying(name: str, lang: str) -> Document:
    """A document of real paragraphs that carries at least one ``name`` injection."""
    art = ARTIFACTS[name]
    pool = zh_paragraphs() if lang == "zh" else en_paragraphs()
    ocr = None
    if needs_ocr([name]):
        ocr = ocr_confusions()
        if ocr is None:
            pytest.skip(f"{name} needs {art.needs}")
    for seed in range(20):
        rng = random.Random(seed)
        paras = rng.sample(pool, 6)
        if isinstance(art, Wrap):
            doc = wrap_document(paras, lang=lang, width=30, layout=rng.choice(("blank", "lines")), doc_id="w")
        else:
            doc = inject_paragraphs(paras, lang=lang, classes=[name], rng=rng, layout="blank", rate=1.0, ocr=ocr)
        if any(i.cls == name for i in doc.injections):
            return doc
    raise AssertionError(f"{name} ({lang}) injected nothing in 20 documents")


@pytest.mark.parametrize(("name", "lang"), [(c, lang) for c in CLASSES for lang in ARTIFACTS[c].langs])
def test_each_class_injects_and_is_scored(name: str, lang: str) -> None:
    """Its injection function damages real text, and the score tells the
    gold text (repaired) from the damaged text (not repaired)."""
    doc = _carrying(name, lang)
    assert {i.cls for i in doc.injections} == {name}
    assert doc.text != doc.gold and doc.restore() == doc.gold
    assert score([doc], [doc.gold]).classes[name].recall == 1.0
    assert score([doc], [doc.text]).classes[name].repaired == 0


def test_input_defaults_to_every_class_of_the_language() -> None:
    assert "stutter" in classes_for("zh") and "stutter" not in classes_for("en")
    assert "hard_wrap" not in classes_for("zh")
    assert set(SEPARATOR_CLASSES) <= set(classes_for("en"))


def test_check_rejects_a_duplicate_that_is_no_copy() -> None:
    gold = "第一段，内容完整。\n第二段，内容也完整。\n"
    copy = "第一段，内容完全。"
    text = "第一段，内容完整。\n" + copy + "\n第二段，内容也完整。\n"
    sep = "\n"
    injected = sep + copy + sep
    end = 9 + len(injected)

    def doc(cls: str, ref: tuple[int, int] | None) -> Document:
        return Document("d", "zh", "lines", gold, text, (Injection(cls, 9, end, injected, 9, 10, sep, ref=ref),))

    doc("near_duplicate_paragraph", (0, 9)).check()
    with pytest.raises(ValueError, match="does not copy"):
        doc("exact_duplicate_paragraph", (0, 9)).check()  # an edited copy is no exact duplicate
    with pytest.raises(ValueError, match="does not copy"):
        doc("near_duplicate_paragraph", None).check()
    with pytest.raises(ValueError, match="unknown class"):
        doc("triplicate_paragraph", (0, 9)).check()


def test_wrap_document_names_its_languages() -> None:
    with pytest.raises(ValueError, match="lang must be one of zh, en"):
        wrap_document(["x"], lang="fr", width=20, layout="blank", doc_id="x")


def test_throughput_text_long_paragraph_is_chinese_only() -> None:
    """A long paragraph is built from Chinese damage classes: Chinese gives
    one line of damaged Chinese, English a ValueError that says what to call
    (it used to fail deep inside a damage class)."""
    from benchmarks.inject.corpora import throughput_text

    text = throughput_text("zh", 20_000, long_paragraph=True)
    assert "\n" not in text and len(text.encode("utf-8")) > 15_000
    with pytest.raises(ValueError, match="Chinese only"):
        throughput_text("en", 20_000, long_paragraph=True)
