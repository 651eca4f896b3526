"""Rule `ocr_confusion`: look-alike misreadings, and the text it must not touch."""

from __future__ import annotations

import json

import pytest

from cleaner import Config, Edit, Suggestion, apply_edits, clean, explain
from cleaner.typos import confusion_rule, guards
from cleaner.typos.confusion_rule import candidates, find
from cleaner.typos.model import word_gain_bound
from tests.conftest import evaldata
from tests.typos.conftest import small_table


def fix(text: str, threshold: float = 6.0) -> str:
    items = [i for i in find(text, threshold, 3.0, neighbours=small_table) if isinstance(i, Edit)]
    return apply_edits(text, items)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("天气现在越来赴好了。", "天气现在越来越好了。"),
        ("包括材质的一些碰拴啊。", "包括材质的一些碰撞啊。"),
    ],
)
def test_fixes_with_an_injected_table(text, expected):
    assert fix(text) == expected


def test_context_guard_leaves_a_damaged_sentence_for_review():
    # 痘 and 赖 form no word pair with a neighbour and are rare words alone:
    # to the model the sentence has more damage than one change mends, so
    # the change is a suggestion that names the guard.
    text = "我这个痘现在越来赴赖人了。"
    items = list(find(text, 6.0, 3.0, neighbours=small_table))
    assert [type(i) for i in items] == [Suggestion]
    assert (items[0].before, items[0].after) == ("赴", "越")
    assert "context guard" in items[0].note and items[0].score >= 6
    assert fix(text) == text


def test_context_guard_reads_only_the_sentence():
    assert fix("这个痘赖人了。现在越来赴好了。") == "这个痘赖人了。现在越来越好了。"
    assert fix("这个痘赖人了\n现在越来赴好了") == "这个痘赖人了\n现在越来越好了"


def test_changes_in_one_sentence_read_each_other_as_made():
    # 己 is a rare word alone and 7 characters from 赴: each change is
    # judged with the other one made, so both are.
    assert fix("工作己经好了，越来赴好了。") == "工作已经好了，越来越好了。"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("这位博土毕业于北京大学。", "这位博士毕业于北京大学。"),  # 土/士
        ("工作己经完成了。", "工作已经完成了。"),  # 己/已 (己经 is a misspelling the web lists carry)
        ("他休息了一会儿，身休好多了。", "他休息了一会儿，身体好多了。"),  # 休/体
    ],
)
def test_fixes_with_the_shipped_table(text, expected):
    r = explain(text, only=["ocr_confusion"])
    assert r.text == expected
    assert all(e.rule == "ocr_confusion" and e.score is not None and e.score >= 6 for e in r.edits)


HARD_NEGATIVES = [
    "我们要敢闯敢干，一往无前。",  # parallel idiom (敢想敢干 is in the dictionary)
    "出席会议的有李建国、刘德明、王秀英、陈晓峰等同志。",  # names in a list
    "区长刘德明主持会议。",
    "他在科尔达公司工作，家住桃溪镇。",  # brand and place names
    "乌泱乌泱地围上来。",  # doubled frame
    "一定要讲得清清楚楚，认认真真。",
    "沒有，太太都會跟老公說。",  # Traditional: the script rule's business
    "这是一段干净的中文。",
    "他去年在北京大学读完了硕士，今年回到家乡工作。",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives_are_left_alone(text):
    assert clean(text, only=["ocr_confusion"]) == text
    assert fix(text) == text


def test_terms_the_document_repeats_are_kept():
    # 战土 read as a name of the document: it occurs three times
    doc = "战土公司成立。战土公司很大。我们参观了战土公司。"
    assert clean(doc, only=["ocr_confusion"]) == doc


def test_a_frame_of_two_clauses_is_kept_without_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The word model alone reads the first clause of a quoted pair as an
    idiom (夺门而入); the pair is a frame, where the two clauses differ on
    purpose: the clause guard keeps it, as in the context pass."""
    text = "画家常说“寻门而入，破门而出”。"
    r = explain(text, only=["ocr_confusion"])
    assert r.text == text
    assert [s.after for s in r.suggestions if "clause guard" in s.note] == ["夺"]
    monkeypatch.setattr(guards, "parallel_clause", lambda text, i, after: False)
    assert clean(text, only=["ocr_confusion"]) != text  # the guard is what keeps it


def test_one_edit_per_clause():
    text = "越来赴，碰拴"
    items = list(find("越来赴碰拴啊", 6.0, 3.0, neighbours=small_table))
    assert sum(isinstance(i, Edit) for i in items) <= 1
    assert fix(text) == "越来越，碰撞"


def test_below_threshold_is_a_suggestion():
    items = list(find("我这个痘现在越来赴赖人了。", 100.0, 3.0, neighbours=small_table))
    assert items and all(isinstance(i, Suggestion) for i in items)
    assert all(i.score >= 3.0 and i.rule == "ocr_confusion" for i in items)


def test_config_thresholds_are_used():
    text = "这位博土毕业于北京大学。"
    assert clean(text, only=["ocr_confusion"], typo_threshold=99.0, suggest_threshold=3.0) == text
    r = explain(text, only=["ocr_confusion"], typo_threshold=99.0, suggest_threshold=3.0)
    assert any(s.after == "士" for s in r.suggestions)


def test_candidates_carry_their_veto():
    found = candidates("我们要敢闯敢干", neighbours=small_table, floor=-50)
    assert found and all(c.veto == "parallel" for c in found if c.before == "闯")


def test_clean_real_sentences_are_left_alone():
    """Gold sentences of SIGHAN-2015 (read from ../shared, never copied): at
    most one in a hundred may be changed."""
    rows = [json.loads(line) for line in evaldata("csc/sighan_test15_simplified.jsonl").open(encoding="utf-8")]
    cfg = Config(only=("ocr_confusion",))
    changed = [r["tgt"] for r in rows if clean(r["tgt"], config=cfg) != r["tgt"]]
    assert len(changed) <= len(rows) // 100, changed


def test_constants_are_sane():
    assert confusion_rule.CHANNEL_COST > 0 and confusion_rule.CHANNEL_SLOPE > 0 and confusion_rule.WINDOW >= 2


def test_precomputed_misspellings_are_the_rules_verdicts(tmp_path, monkeypatch):
    import random

    from cleaner.typos.model import model

    m = model()
    default = confusion_rule._default_misspellings()
    pairs = random.Random(7).sample(sorted(p for p in m.web_only if len(p) == 2), 400)
    nb = confusion_rule.default_neighbours()
    assert {p for p in pairs if p in default} == {p for p in pairs if confusion_rule._misspelling(p, m, nb)}
    assert "周未" in default or "周未" not in m.web_only
    # decided once, then read back from the cache folder
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    confusion_rule._default_misspellings.cache_clear()
    try:
        built = confusion_rule._default_misspellings()
        (written,) = tmp_path.glob("typo-misspellings-*.txt")
        confusion_rule._default_misspellings.cache_clear()
        assert confusion_rule._default_misspellings() == built == default
        # what a well-formed file says is what is used
        written.write_text(f"{confusion_rule._MISSPELLINGS_MAGIC} {confusion_rule._digest('其他')}\n其他", encoding="utf-8")
        confusion_rule._default_misspellings.cache_clear()
        assert confusion_rule._default_misspellings() == {"其他"}
        written.write_text("其他", encoding="utf-8")  # no header: damaged, decided again
        confusion_rule._default_misspellings.cache_clear()
        assert confusion_rule._default_misspellings() == default
    finally:
        confusion_rule._default_misspellings.cache_clear()


def test_candidates_in_chunks_equal_the_whole(monkeypatch):
    # a huge paragraph is read in chunks with context either side: the same
    # candidates, gains and vetoes as on the whole text
    from benchmarks.inject import zh_paragraphs

    text = "".join(zh_paragraphs()[:60])
    text = text.replace("已", "己").replace("士", "土").replace("末", "未").replace("体", "休")
    whole = candidates(text, floor=-20)
    edits = list(find(text, 6.0, 3.0))
    assert len(whole) > 100 and edits
    monkeypatch.setattr(confusion_rule, "CHUNK", 97)
    assert candidates(text, floor=-20) == whole
    assert list(find(text, 6.0, 3.0)) == edits


def test_batched_scoring_equals_one_window_at_a_time(monkeypatch):
    # many suspects are scored in one vectorised pass, a few one by one:
    # the same candidates and the same floats either way
    from benchmarks.inject import zh_paragraphs

    text = "".join(zh_paragraphs()[:20])
    text = text.replace("已", "己").replace("士", "土").replace("末", "未").replace("体", "休")
    monkeypatch.setattr(confusion_rule, "BATCH", 10**9)
    alone = candidates(text, floor=-20)
    monkeypatch.setattr(confusion_rule, "BATCH", 1)
    assert len(alone) > 50 and candidates(text, floor=-20) == alone


def test_text_without_han_has_no_candidates():
    assert candidates("Version 2.0: the quick brown fox, 3,000 times.", floor=-100) == []


def test_short_texts_are_screened_as_long_ones(monkeypatch):
    # a short text is screened in plain Python, a long one in numpy (with
    # the shipped table and model): the same candidates either way
    from benchmarks.inject import zh_paragraphs

    texts = [p.replace("已", "己").replace("士", "土").replace("末", "未") for p in zh_paragraphs()[:12]]
    texts += ["工作己经完成了", "这位博土毕业于北京大学。", "越来赴碰拴啊", "a", "周未己经到了，" * 3, "“土”字。" + "𠀋土" * 3]
    for floor in (-20.0, 3.0):
        monkeypatch.setattr(confusion_rule, "SHORT", 0)
        long_way = [candidates(t, floor=floor) for t in texts]
        monkeypatch.setattr(confusion_rule, "SHORT", 10**9)
        assert [candidates(t, floor=floor) for t in texts] == long_way
        assert sum(map(len, long_way)) > (20 if floor < 0 else 5)


def test_the_screen_leaves_the_misspelled_pairs_for_the_context_pass():
    # the word pass screens a text just before the context pass asks for
    # its misspelled pairs (_banned_pairs): short and long texts alike leave
    # them behind, the set the pairs make
    import itertools
    import operator

    from benchmarks.inject import zh_paragraphs

    texts = [p.replace("已", "己") for p in zh_paragraphs()[:4]] + ["工作己经完成了", "这是一段没有错字的普通文字，用来对照。"]
    misspellings = confusion_rule._default_misspellings()
    assert any(len(t) >= confusion_rule.SHORT for t in texts)
    for t in texts:
        candidates(t, floor=3.0)
        expected = misspellings.intersection(map(operator.add, t, itertools.islice(t, 1, None)))
        assert confusion_rule._LAST_BANNED.get(t) == expected
        assert confusion_rule._banned_pairs(t) == expected
    assert any(confusion_rule._banned_pairs(t) for t in texts)


def test_another_table_is_screened_as_the_shipped_one():
    # the plain-Python screen with a table of one's own: the same result as
    # the shipped table's numpy screen when the table is the shipped one
    from benchmarks.inject import zh_paragraphs
    from cleaner.confusion import visual_neighbours

    texts = [p.replace("已", "己").replace("士", "土").replace("末", "未") for p in zh_paragraphs()[:6]]
    for t in texts:
        assert candidates(t, floor=-20, neighbours=lambda c: visual_neighbours(c)) == candidates(t, floor=-20)


def test_pair_sets_hold_exactly_the_bigrams_and_misspellings():
    import random

    import numpy as np

    from cleaner.typos.model import code_points, model

    sets = confusion_rule._default_pair_sets()
    m = model()
    bigrams = [p for p in m.bigrams if len(p) == 2]
    wrong = sorted(confusion_rule._default_misspellings())
    rng = random.Random(5)
    chars = "".join(rng.sample(sorted(set("".join(bigrams))), 60)) + "，a𠀋\uffff"
    pairs = rng.sample(bigrams, 300) + rng.sample(wrong, 100) + [a + b for a in chars for b in chars]
    cp = code_points("".join(pairs))
    a, b = sets.ids_of(cp[0::2]), sets.ids_of(cp[1::2])
    assert sets.has(sets.bigrams, a, b).tolist() == [p in m.bigrams for p in pairs]
    assert sets.has(sets.misspelled, a, b).tolist() == [p in wrong for p in pairs]
    inside = np.flatnonzero(sets.has(sets.bigrams, a, b))
    assert sets.bigram_lps(a[inside], b[inside]).tolist() == [m.bigrams[pairs[j]] for j in inside.tolist()]


def _damaged_paragraphs(k: int) -> list[str]:
    from benchmarks.inject import zh_paragraphs

    return [p.replace("已", "己").replace("士", "土").replace("末", "未").replace("体", "休") for p in zh_paragraphs()[:k]]


def test_gain_bound_is_never_below_the_gain():
    # the bound that lets look-alikes skip the Viterbi pass is an upper bound
    # of the real gain, for every window, position and look-alike, with and
    # without banned words
    from cleaner.typos.model import model

    m = model()
    nb_fn = confusion_rule.default_neighbours()
    windows = [p[k : k + 9] for p in _damaged_paragraphs(6) for k in range(0, len(p) - 9, 5)]
    windows = [w for w in windows if all("\u4e00" <= ch <= "\u9fff" for ch in w)]
    checked = tight = 0
    for w in windows:
        for banned in (frozenset(), frozenset({w[3:5], w[4:6]})):
            segs: dict[tuple[int, int], float] = {}
            base = m.logprob(w, banned)
            for nb in [x for x, _ in nb_fn(w[4]) if len(x) == 1 and "\u4e00" <= x <= "\u9fff"][:6]:
                gain = m.logprob(w[:4] + nb + w[5:], banned) - base
                bound = word_gain_bound(w, 4, nb, m, banned, segs)
                assert bound >= gain - 1e-9, (w, nb, bound, gain)
                checked += 1
                tight += abs(bound - gain) < 1e-9
    assert checked > 200 and tight > 10, (checked, tight)


def test_bounded_scoring_equals_scoring_everything(monkeypatch):
    # look-alikes dropped by the bound are exactly those whose gain falls
    # short of the floor: the same candidates, floats and vetoes without it
    texts = ["".join(_damaged_paragraphs(20))] + _damaged_paragraphs(12) + ["工作己经完成了", "这位博土毕业于北京大学。"]
    floors = (-5.0, 0.0, 3.0, 6.0)
    with_bound = [candidates(t, floor=f) for t in texts for f in floors]
    pruned = []
    real = confusion_rule._bounded

    def counting(text, found, spans, m, banned, floor):
        kept, kept_spans = real(text, found, spans, m, banned, floor)
        pruned.append(sum(len(a) for _, _, a in found) - sum(len(a) for _, _, a in kept))
        return kept, kept_spans

    monkeypatch.setattr(confusion_rule, "_bounded", counting)
    assert [candidates(t, floor=f) for t in texts for f in floors] == with_bound
    assert sum(pruned) > 100
    monkeypatch.setattr(confusion_rule, "_bounded", lambda text, found, spans, m, banned, floor: (found, spans))
    assert [candidates(t, floor=f) for t in texts for f in floors] == with_bound
    assert sum(map(len, with_bound)) > 20


def test_side_bounds_pass_every_suspect_the_screen_keeps(monkeypatch):
    # a long text's suspects are screened only where a neighbour pair can
    # keep a look-alike: the screen keeps the same look-alikes as when it
    # reads every suspect, and it reads far fewer
    import numpy as np

    texts = ["".join(_damaged_paragraphs(20))] + _damaged_paragraphs(12)
    real = confusion_rule._screen_arrays
    read: list[int] = []

    def counting(cp, ids, suspects, *rest):
        read.append(len(suspects))
        return real(cp, ids, suspects, *rest)

    monkeypatch.setattr(confusion_rule, "SHORT", 0)
    monkeypatch.setattr(confusion_rule, "_screen_arrays", counting)
    floors = (-5.0, 0.0, 3.0, 6.0)
    screened = [candidates(t, floor=f) for t in texts for f in floors]
    fewer = sum(read)
    everything = np.ones(len(confusion_rule._side_bits(0.0)[0]), dtype=np.uint8) * 255
    monkeypatch.setattr(confusion_rule, "_side_bits", lambda floor: (everything, everything))
    read.clear()
    assert [candidates(t, floor=f) for t in texts for f in floors] == screened
    assert sum(map(len, screened)) > 20 and fewer < sum(read) / 2, (fewer, sum(read))
