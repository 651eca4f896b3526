"""Corpus dedup: across documents, deterministic, nothing dropped without a trace."""

from __future__ import annotations

import random

import pytest

from cleaner.dedup.corpus import EDGES_PER_UNIT, DedupOptions, dedup_corpus

A = "图书馆今年完成了老馆改造，新增阅览座位三百个，加快老旧管网改造，延长了周末的开放时间。"
B = "新建的体育公园占地约八十亩，总投资约三亿元，设有足球场、篮球场和环形跑道，年底前开放。"
C = "春节前后，各地气温起伏较大，专家提醒老人和孩子注意添衣保暖，外出时做好防护。"
LATIN = "The committee approved the annual budget after a long debate on Monday evening."


def run(docs, **options):
    res = dedup_corpus(docs, options=DedupOptions(**options))
    try:
        outs = [res.output(i, text) for i, (_, text) in enumerate(docs)]
        return res, outs, list(res.clusters())
    finally:
        res.close()


def test_paragraphs_repeated_across_documents_are_dropped_once():
    docs = [("d1", f"{A}\n\n{B}\n"), ("d2", f"{C}\n\n{A.replace('重大', '重点')}\n"), ("d3", f"{B}\n")]
    res, outs, clusters = run(docs)
    assert outs == [f"{A}\n\n{B}\n", f"{C}\n", ""]
    dropped = sorted((u.document, u.paragraph, u.ref_document, u.ref_paragraph) for u in res.dropped())
    assert dropped == [("d2", 1, "d1", 0), ("d3", 0, "d1", 1)]
    assert len(clusters) == 2
    for c in clusters:
        assert c["members"][0] | {"score": 100.0} == {**c["kept"], "score": 100.0}
        for a, b, s in c["pairs"]:
            assert 0 <= a < b < len(c["members"]) and s >= 90


def test_empty_and_one_paragraph_documents():
    docs = [("e", ""), ("w", "\n \n"), ("one", A), ("two", A + "\n")]
    res, outs, _ = run(docs)
    assert outs == ["", "\n \n", A, ""]


def test_latin_and_mixed():
    docs = [("en", LATIN + "\n\n" + A), ("en2", LATIN.replace("Monday", "monday") + "\n\n" + LATIN.replace("debate", "debat"))]
    res, outs, _ = run(docs)
    assert outs == [LATIN + "\n\n" + A, ""]


def test_no_false_merge_on_a_long_shared_phrase():
    phrase = "会议指出，要坚持以人民为中心的发展思想，统筹推进经济社会发展和民生保障工作"
    docs = [
        ("x", phrase + "，今年全区生产总值增长百分之五，固定资产投资增长百分之十五。"),
        ("y", phrase + "，新建学校三所、医院两所，新增城镇就业岗位一万二千个。"),
        ("z", "本报讯，" + phrase + "。"),
    ]
    res, outs, clusters = run(docs)
    assert outs == [t for _, t in docs]
    assert clusters == []


def test_level_document():
    docs = [("a", f"{A}\n\n{B}"), ("b", f"{A}\n\n{C}"), ("c", f"{A}！\n\n{B}。")]
    res, outs, clusters = run(docs, level="document")
    assert outs == [docs[0][1], docs[1][1], None]
    assert clusters[0]["kept"] == {"document": "a", "paragraph": None}


def test_keep_longest_across_documents():
    longer = A[:-1] + "，欢迎广大读者前来借阅。"
    docs = [("a", A), ("b", longer)]
    res, outs, clusters = run(docs, dedup_keep="longest", dedup_threshold=85)
    assert outs == ["", longer]
    assert clusters[0]["kept"]["document"] == "b"


def _corpus(seed: int, n: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 2000)]
    base = ["".join(rng.choice(chars) for _ in range(rng.randint(20, 80))) for _ in range(n)]
    docs = []
    for i in range(n):
        paras = [base[i]]
        if i and rng.random() < 0.4:
            src = base[rng.randrange(i)]
            k = rng.randrange(len(src))
            paras.append(src[:k] + rng.choice(chars) + src[k + 1 :])
        docs.append((f"doc{i}", "\n\n".join(paras)))
    return docs


def test_deterministic_across_jobs_and_batches():
    docs = _corpus(1, 300)
    r1, o1, c1 = run(docs, jobs=1, batch=64)
    r2, o2, c2 = run(docs, jobs=2, batch=8)
    assert o1 == o2 and c1 == c2
    assert sum(1 for _ in r1.dropped()) > 50


def test_order_independence_of_the_groups():
    docs = _corpus(2, 200)
    _, _, c1 = run(docs)
    shuffled = docs[:]
    random.Random(5).shuffle(shuffled)
    _, _, c2 = run(shuffled)
    groups = lambda cs: sorted(sorted((m["document"], m["paragraph"]) for m in c["members"]) for c in cs)  # noqa: E731
    assert groups(c1) == groups(c2)


def test_options_are_validated():
    with pytest.raises(ValueError, match="level"):
        DedupOptions(level="sentence")
    with pytest.raises(ValueError, match="threshold"):
        DedupOptions(dedup_threshold=0)


def _near_copies(n: int, seed: int = 3) -> list[tuple[str, str]]:
    """``n`` distinct near copies of one paragraph (one or two characters
    changed): a clique that fills one bucket of every band."""
    rng = random.Random(seed)
    base = A + B
    docs, seen = [], set()
    while len(docs) < n:
        chars = list(base)
        for _ in range(rng.randint(1, 2)):
            chars[rng.randrange(len(chars))] = rng.choice("的一是了在人有这中大来上")
        text = "".join(chars)
        if text not in seen:
            seen.add(text)
            docs.append((f"d{len(docs)}", text))
    return docs


def test_a_hot_bucket_of_near_copies_gives_linear_candidates():
    """Issue 11.20: near copies of one paragraph form a clique; a bucket
    above the cap linked every member to the 99 that follow it in every
    band, and a redundant corpus grew without bound.  Now each member meets
    the bucket's head and a few followers, and every copy is still found."""
    docs = _near_copies(400)
    res, outs, _ = run(docs)
    assert outs[0] == docs[0][1] and all(o == "" for o in outs[1:])  # the window missed 3
    assert res.candidates < 50 * len(docs)  # the window gave 125 per copy
    # beyond max_pairs verified edges, each copy keeps its best-ranked ones: same drops
    tight, outs_tight, _ = run(docs, max_pairs=1000)
    assert outs_tight == outs and tight.ref.tolist() == res.ref.tolist()
    assert len(tight.pairs) <= EDGES_PER_UNIT * len(docs) < len(res.pairs)


def test_spilled_candidates_give_the_same_result(tmp_path):
    """Candidates beyond max_pairs go to temporary files: same candidates, same drops."""
    docs = _near_copies(250) + [(f"x{i}", t) for i, (_, t) in enumerate(_near_copies(60, seed=9))]
    small = dedup_corpus(docs, options=DedupOptions(max_pairs=500), workdir=str(tmp_path))
    whole = dedup_corpus(docs, options=DedupOptions())
    try:
        assert small.candidates == whole.candidates > 500
        assert small.ref.tolist() == whole.ref.tolist()
        assert set(map(tuple, small.pairs.tolist())) <= set(map(tuple, whole.pairs.tolist()))  # edges pruned too
    finally:
        small.close()
        whole.close()
    assert list(tmp_path.iterdir()) == []


def test_dedup_options_share_names_defaults_and_checks_with_config():
    """One set of option names: DedupOptions' dedup options are Config's, with
    the same defaults and the same messages."""
    import dataclasses

    from cleaner import Config

    config = {f.name: f.default for f in dataclasses.fields(Config)}
    shared = [f for f in dataclasses.fields(DedupOptions) if f.name.startswith("dedup_")]
    assert [f.name for f in shared] == ["dedup_threshold", "dedup_min_chars", "dedup_keep"]
    for f in shared:
        assert config[f.name] == f.default, f.name
    for bad in ({"dedup_threshold": 0}, {"dedup_min_chars": -1}, {"dedup_keep": "最长"}):
        with pytest.raises(ValueError) as a:
            DedupOptions(**bad)
        with pytest.raises(ValueError) as b:
            Config(**bad)
        assert str(a.value) == str(b.value)
