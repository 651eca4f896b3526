"""Rule `phrase_consistency` with a character model: the corpus stands in for
the document's second copy of a phrase (issue 16)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from cleaner import Config, clean, explain
from cleaner.edits import Edit
from cleaner.typos.charmodel import CharModel, learn
from cleaner.typos import phrases
from cleaner.typos.phrases import NAME, find

# sentences written for these tests (no corpus text): a corpus that writes
# 推进农村公路改造 four times, and a document that writes it once and once
# with the verb 改造 written again before its object
CORPUS = ["各乡镇加快推进农村公路改造。", "推进农村公路改造是一项民生工程。", "县里推进农村公路改造的进度较快。", "要统筹推进农村公路改造和日常养护。"]
RIGHT = "今年全县着力推进农村公路改造，完成里程超过预期。"
DOC = RIGHT + "下半年将继续推进改造农村公路改造，确保年底前全部完工。"
FIXED = RIGHT + "下半年将继续推进农村公路改造，确保年底前全部完工。"


@pytest.fixture
def speedups() -> Any:
    """The C module the phrase rule uses (skip when it is not built, or CLEANER_PURE_PYTHON)."""
    if phrases._SPEEDUPS is None:
        pytest.skip("C module not built (or CLEANER_PURE_PYTHON)")
    return phrases._SPEEDUPS


@pytest.fixture(scope="module")
def corpus() -> CharModel:
    return learn(CORPUS)


def edits(text: str, model: CharModel | None) -> list[Edit]:
    return [e for e in find(text, 6.0, 3.0, corpus=model) if isinstance(e, Edit)]


def test_a_verb_written_again_before_its_object_is_repaired_with_the_corpus(corpus: CharModel) -> None:
    assert edits(DOC, None) == []  # the document alone writes the phrase once: not enough
    (e,) = edits(DOC, corpus)
    assert (e.rule, e.before, e.after) == (NAME, "改造", "")
    assert e.score is not None and e.score >= 6.0
    assert "writes 推进农村公路改造 once" in e.note and "4 times" in e.note
    assert DOC[: e.start] + e.after + DOC[e.end :] == FIXED


# the same document with a character of the phrase dropped from the copy
DROPPED = RIGHT + "下半年将继续推进农村公改造，确保年底前全部完工。"
UNRELATED = ["今年粮食产量稳定增长。", "全县新建学校三所。"] * 3


def test_a_corpus_that_does_not_write_the_phrase_confirms_nothing() -> None:
    assert edits(DROPPED, learn(CORPUS)) != []
    assert edits(DROPPED, learn(UNRELATED)) == []


def test_a_pair_written_twice_needs_only_a_corpus_that_never_writes_the_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    # 改造 written again before its object: the doubled pair is the evidence,
    # a corpus that knows nothing of the phrase does (CORPUS_PAIRS) ...
    (e,) = edits(DOC, learn(UNRELATED))
    assert (e.before, e.after) == ("改造", "") and "a pair of it twice" in e.note
    # ... unless it writes the copy's form across the change
    assert edits(DOC, learn(UNRELATED + ["要推进改造农村危房。"])) == []
    monkeypatch.setattr(phrases, "CORPUS_PAIRS", False)
    assert edits(DOC, learn(UNRELATED)) == []
    assert len(edits(DOC, learn(CORPUS))) == 1  # the counts confirm it as before


def test_a_look_alike_in_the_copy_needs_only_a_corpus_that_never_writes_the_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    right = "今年全县着力推进义务教育阶段学校建设，完成投资超过预期。"
    misread = right + "下半年将继续推进义务教青阶段学校建设，确保年底前全部完工。"  # 青 looks like 育
    unlike = right + "下半年将继续推进义务教林阶段学校建设，确保年底前全部完工。"  # 林 does not
    (e,) = edits(misread, learn(UNRELATED))
    assert (e.before, e.after) == ("青", "育") and "a look-alike of its 育" in e.note
    assert edits(unlike, learn(UNRELATED)) == []
    monkeypatch.setattr(phrases, "CORPUS_LOOK_ALIKES", False)
    assert edits(misread, learn(UNRELATED)) == []


def test_a_pair_whose_two_copies_meet_on_a_word_is_not_a_doubling() -> None:
    from cleaner.typos.model import model

    # 时计 written twice side by side, and 计时 (its second character, then
    # its first) is a word: 计时计分 is two words, not a doubling
    assert not phrases._doubled_pair("电子赛时计时计分", phrases.Copy(3, 2, "", 1, 3, 2), model())
    assert phrases._doubled_pair("推进汽车汽车产业", phrases.Copy(4, 2, "", 1, 4, 2), model())


@pytest.mark.parametrize(
    "document",
    [
        # parallel wording around a coordinator: 阅读能力和写作能力 beside 阅读和写作能力
        "学校重视培养阅读和写作能力，课程安排合理。家长希望提高阅读能力和写作能力，老师表示赞同。",
        # one copy of the pair inside a longer word: 代表大会 and 代表 are two words
        "会议听取了人民代表大会选举的筹备情况。随后举行人民代表大会代表选举会议，议程顺利完成。",
    ],
)
def test_parallel_wording_is_no_pair_written_twice(document: str) -> None:
    # a corpus of another source never writes these forms: the pair alone
    # must not be taken for a doubling
    assert edits(document, learn(UNRELATED)) == []


def test_a_corpus_that_writes_the_copys_form_too_confirms_nothing() -> None:
    # 推进改造农村危房 is prose: the copy's form across the change is written
    assert edits(DOC, learn(CORPUS + ["要推进改造农村危房。"])) == []


def test_the_corpus_must_write_the_repaired_form_often_enough() -> None:
    # 推进农村 (a 4-gram across the change) twice, no 5-gram across it: too rare
    # (the copy drops a character: its pair is not the evidence)
    grid = ["城区公路改造。", "国道公路改造有序开展。", "今年山区公路改造。"]
    assert edits(DROPPED, learn(grid[:2])) == []
    assert len(edits(DROPPED, learn(grid))) == 1  # CORPUS_MIN = 3 times
    assert len(edits(DROPPED, learn(CORPUS[:1]))) == 1  # or a 5-gram across it once


def test_the_document_still_decides_what_is_a_copy(corpus: CharModel) -> None:
    # the phrase is nowhere else in the document: the corpus alone changes nothing
    alone = "下半年将继续推进改造农村公路改造，确保年底前全部完工。"
    assert edits(alone, corpus) == []
    # and the guards stay: a name is not repaired to another one
    names = "张志强主持会议并讲话。会后张强主持座谈。"
    assert edits(names, learn(["张志强主持会议。"] * 5, keep_repeats=True)) == []


def test_a_model_turns_the_rule_on_and_disable_turns_it_off(corpus: CharModel) -> None:
    assert NAME not in Config().active_rules()
    assert NAME in Config(model=corpus).active_rules()
    assert NAME not in Config(model=corpus, disable=[NAME]).active_rules()
    assert Config(model=corpus, only=["width"]).active_rules() == ("width",)
    assert clean(DOC, model=corpus) == FIXED
    assert clean(DOC, model=corpus, disable=[NAME]) == clean(DOC) == DOC
    assert [NAME] in [list(e.rules) for e in explain(DOC, model=corpus).edits]


def _once_by_hand(text: str) -> set[tuple[int, int, int]]:
    """The places of :func:`cleaner.typos.phrases._once_places` by their
    definition, with strings: a quad of Han characters at ``u`` that the
    copy at ``t`` writes with one or two characters more after its first
    two (its own quad written once, unless two more), or that the copy
    lacks (written once), or a quad with one character skipped that two
    places write with another character there (each written once)."""

    def han(i: int, k: int) -> bool:
        return i + k <= len(text) and all("\u4e00" <= c <= "\u9fff" for c in text[i : i + k])

    quads = [text[t : t + 4] if han(t, 4) else "" for t in range(len(text) - 3)]
    once = {q for q in quads if q and quads.count(q) == 1}
    out = set()
    for t in range(len(quads)):
        for u in range(len(quads)):
            if not quads[u] or t == u:
                continue
            for k in (1, 2):
                if han(t, 4 + k) and text[t : t + 2] + text[t + 2 + k : t + 4 + k] == quads[u]:
                    if k == 2 or quads[t] in once:
                        out.add((t, k, 0))
                    if quads[u] in once:
                        out.add((u, 0, k))
            if han(t, 5) and han(u, 5) and quads[t] != quads[u] and text[t : t + 2] + text[t + 3 : t + 5] == text[u : u + 2] + text[u + 3 : u + 5]:
                if quads[t] in once:
                    out.add((t, 1, 1))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_the_screen_finds_what_its_definition_says(seed: int) -> None:
    from cleaner.typos.phrases import _once_places, _quads

    rng = random.Random(seed)
    alphabet = "汽车产业发展义务教育"
    text = "".join(rng.choice(alphabet + "，") for _ in range(rng.randrange(8, 60)))
    if len(text) < 8:
        return
    found = _once_places(text, _quads(text))
    for t, ins, dele, u in found:  # each names a place that agrees
        assert text[t : t + 2] == text[u : u + 2] and text[t + 2 + ins : t + 4 + ins] == text[u + 2 + dele : u + 4 + dele]
    assert {p[:3] for p in found} == _once_by_hand(text)


@pytest.mark.parametrize("seed", range(30))
def test_the_screen_in_python_names_the_pairs_of_the_screen_in_numpy_in_its_order(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # a small alphabet: many runs of equal keys, whose order in the sort
    # decides which place a pair names and the order of the pairs
    from cleaner.typos.phrases import _once_places, _quads

    rng = random.Random(seed)
    text = "".join(rng.choice("汽车产业发展教育，") for _ in range(rng.randrange(8, 160)))
    quads = _quads(text)
    monkeypatch.setattr(phrases, "FEW_EQUAL", 10**9)
    in_python = _once_places(text, quads)
    monkeypatch.setattr(phrases, "FEW_EQUAL", -1)
    assert in_python == _once_places(text, quads)


@pytest.mark.parametrize("seed", range(30))
def test_the_quads_in_c_are_those_in_numpy(seed: int, speedups: Any) -> None:
    # Han characters, others, the edges of the Han block and a character
    # outside the BMP (one unit: U+FFFF)
    from cleaner.typos.phrases import _py_quads, _quads

    rng = random.Random(seed)
    text = "".join(rng.choice("汽车产业发展，a\u4e00\u9fff\u4dff\ua000\U00020000") for _ in range(rng.randrange(4, 120)))
    raw = (text.replace("\U00020000", "\uffff") + "\0\0").encode("utf-16-le")
    in_c, in_numpy = _quads(text), _py_quads(raw, len(text) - 3)
    assert [a.dtype for a in in_c] == [a.dtype for a in in_numpy]
    assert all(a.tolist() == b.tolist() for a, b in zip(in_c, in_numpy))


@pytest.mark.parametrize("seed", range(40))
def test_the_candidate_places_in_c_are_those_in_numpy(seed: int, speedups: Any) -> None:
    # a small alphabet (many repeated quads, every shape), other characters
    # and, for a few seeds, a text long enough for the hashed membership
    from cleaner.typos.phrases import _py_candidate_places, _quads

    rng = random.Random(seed)
    size = rng.randrange(4, 400) if seed % 10 else rng.randrange(5000, 9000)
    alphabet = "汽车产业" * 4 + "，a\U00020000" if seed % 2 else "汽车产业发展教育义务改造公路"
    text = "".join(rng.choice(alphabet) for _ in range(size))
    if seed % 3 == 0:  # a phrase written three times, once with a character more, once with one less, once with another
        text += "推进农村公路改造，推进农村公路路改造，推进农公路改造，推进农村道路改造"
    plain, g1, g2, han = _quads(text)
    assert speedups.candidate_places(plain, g1, g2, han) == _py_candidate_places(text, plain, g1, g2)
    assert speedups.candidate_places(plain, g1, g2, han[:-1]) is NotImplemented


@pytest.mark.parametrize("seed", range(30))
def test_the_keys_and_their_runs_in_c_are_those_in_numpy(seed: int, speedups: Any) -> None:
    import numpy as np

    from cleaner.typos.phrases import _py_once_keys, _quads

    rng = random.Random(seed)
    text = "".join(rng.choice("汽车产业发展，a\U00020000") for _ in range(rng.randrange(4, 300)))
    quads = _quads(text)
    n = len(quads[0])
    at, keys = np.empty(3 * n, dtype=np.int64), np.empty(3 * n, dtype="<u8")
    m = speedups.once_keys(*quads, at, keys)
    want_at, want_keys = _py_once_keys(*quads)
    assert at[:m].tolist() == want_at.tolist() and keys[:m].tolist() == want_keys.tolist()
    order = np.argsort(want_keys)
    ranked = want_keys[order]
    dup = np.empty(m, dtype=np.int64)
    found = speedups.sorted_dups(want_keys, order, dup)
    assert dup[:found].tolist() == np.flatnonzero(ranked[1:] == ranked[:-1]).tolist()
    assert speedups.once_keys(*quads, at[:-1], keys) is NotImplemented
    if m:
        assert speedups.sorted_dups(want_keys, order + m, dup) is NotImplemented


@pytest.mark.parametrize("seed", range(30))
def test_the_runs_in_c_name_the_pairs_of_the_runs_in_python_in_their_order(seed: int, speedups: Any) -> None:
    # the C module's paired_few against the Python reference, on the runs of
    # equal keys of a small alphabet (many runs, long ones) and of text
    # with characters outside the Han block
    import numpy as np

    from cleaner.typos.phrases import _py_paired_few, _quads

    rng = random.Random(seed)
    text = "".join(rng.choice("汽车产业发展教育，a") for _ in range(rng.randrange(8, 200)))
    plain, g1, g2, han = _quads(text)
    n = len(plain)
    quad_han = plain != 0
    han5 = quad_han & han[4 : n + 4]
    at = np.flatnonzero(np.concatenate((quad_han, han5, han5 & han[5 : n + 5])))
    keys = np.concatenate((plain, g1, g2))[at]
    order = np.argsort(keys)
    ranked = keys[order]
    dup = np.flatnonzero(ranked[1:] == ranked[:-1])
    assert speedups.paired_few(dup, at, order, n) == _py_paired_few(dup.tolist(), at, order, n)
    # a shuffled order (any permutation: the runs' order of places decides) and a place out of range
    shuffled = order.copy()
    np.random.default_rng(seed).shuffle(shuffled)
    assert speedups.paired_few(dup, at, shuffled, n) == _py_paired_few(dup.tolist(), at, shuffled, n)
    if len(dup):
        assert speedups.paired_few(dup + len(at), at, order, n) is NotImplemented
    assert speedups.paired_few(dup.astype(np.int32), at, order, n) is NotImplemented


@pytest.mark.parametrize("seed", range(10))
def test_the_corpus_counts_in_python_are_those_in_numpy(seed: int) -> None:
    # places anywhere in a text of the corpus's own sentences, one of them
    # with a character dropped: most n-grams asked are known to the corpus
    from cleaner.typos.phrases import _counted, _counted_few

    corpus = learn(CORPUS)
    rng = random.Random(seed)
    sentences = rng.sample(CORPUS, 4)
    cut = rng.randrange(1, len(sentences[0]) - 1)
    text = sentences[0][:cut] + sentences[0][cut + 1 :] + "".join(sentences[1:])
    shapes = ((1, 0), (2, 0), (0, 1), (0, 2), (1, 1))
    places = [(t, *rng.choice(shapes), rng.randrange(len(text) - 8)) for t in rng.sample(range(len(text) - 8), 12)]
    few = _counted_few(corpus, text, places)
    assert few == _counted(corpus, text, places)
    assert any(c for part in few[:3] for row in part for c in row)  # known n-grams were asked


@pytest.mark.parametrize("seed", range(6))
def test_the_quad_index_of_a_long_text_answers_as_the_string_searches_do(seed: int) -> None:
    # a small alphabet and runs of one character: many repeated and
    # overlapping 4-grams, and a few non-Han characters between them
    rng = random.Random(seed)
    text = "".join(rng.choice("甲乙丙丁戊甲甲甲，a") for _ in range(3000))
    quads = phrases._quads(text)
    index = phrases._QuadIndex(text, quads)
    for t in range(0, len(text) - 6, 7):
        assert index.once(t) == (text.count(text[t : t + 4]) == 1)
        for n in (4, 5, 6):
            assert index.more_than_once(t, t + n) == (text.count(text[t : t + n]) > 1)
    for t in range(2, len(text) - 8, 11):
        head, tail = text[t : t + 2], text[t + 3 : t + 5]
        if all("\u4e00" <= c <= "\u9fff" for c in head + tail):
            assert index.around(head, tail, 1) == [p for p in phrases._heads(text, head) if text[p + 3 : p + 5] == tail]
        for ins in (0, 1, 2):
            for dele in (0, 1, 2):
                assert phrases._copy(text, t + 2, ins, dele, min_count=1, index=index) == phrases._copy(text, t + 2, ins, dele, min_count=1)


def test_a_word_heading_each_part_of_a_coordination_is_only_suggested() -> None:
    # 特区政府和特区人民: the word before each part of "A和B" is grammar, even
    # where the document and the corpus also write the shorter 特区政府和人民
    cm = learn(["特区政府和人民都很满意。", "中央政府和人民的关心。", "特区政府和人民团结一致。", "设备和仪器。"] * 20, keep_repeats=True)
    text = "特区政府和人民团结一致，共渡难关。他说，中央放心，特区政府和特区人民也放心。"
    r = explain(text, config=Config(model=cm))
    assert r.text == text
    (s,) = [s for s in r.suggestions if s.rule == NAME]
    assert (s.before, s.after) == ("特区", "") and "coordination" in s.note
