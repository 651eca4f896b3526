"""Rule `consistency`: a term garbled once in a document that spells it right."""

from __future__ import annotations

import pytest

from cleaner import apply_edits, clean, explain
from cleaner.typos.consistency import find
from tests.conftest import evaldata
from tests.typos.conftest import small_table

DOC = "区长赵明远主持会议。赵明远说，要抓落实。赵明远强调，要重实效。会后赵明运看望了群众。"


def test_the_rare_variant_takes_the_documents_spelling():
    edits = list(find(DOC, neighbours=small_table))
    assert apply_edits(DOC, edits) == DOC.replace("赵明运", "赵明远")
    (e,) = edits
    assert e.rule == "consistency" and e.before == "运" and e.after == "远" and e.score == 3.0
    assert "赵明远" in e.note


@pytest.mark.parametrize("table", [small_table, None])
def test_positions_hold_after_characters_outside_the_bmp(table) -> None:
    # two UTF-16 units each (the rule reads the text as UTF-16), and a lone surrogate
    doc = "😀𠀀" + DOC.replace("。会后", "。\ud800会后")
    (e,) = find(doc, neighbours=table)
    assert (doc[e.start : e.end], e.after) == ("运", "远")
    assert apply_edits(doc, [e]) == doc.replace("赵明运", "赵明远")


def test_with_the_shipped_table():
    assert clean(DOC, only=["consistency"]) == DOC.replace("赵明运", "赵明远")


@pytest.mark.parametrize(
    "doc",
    [
        DOC.replace("会后赵明运", "会后赵明远"),  # all spelled the same
        "赵明远主持会议。赵明远说要落实。会后赵明运看望了群众。",  # used only twice
        "科技产业是重点。发展科技产业。壮大科技产业。培育科技企业。",  # the variant is a word
        "赵明远主持。赵明远讲话。赵明远强调。赵明运主持。赵明运讲话。",  # variant not rare enough
    ],
)
def test_leaves_alone(doc):
    assert list(find(doc, neighbours=small_table)) == []


def test_real_prose_is_left_alone():
    for name in ("prose/icwb2_pku_test.utf8.txt", "prose/icwb2_msr_test.utf8.txt"):
        text = evaldata(name).read_text(encoding="utf-8")
        assert list(find(text)) == []


@pytest.mark.parametrize("name", ["trad/icwb2_as_test.utf8.txt", "trad/icwb2_cityu_test.utf8.txt"])
def test_real_traditional_prose_is_left_alone(name: str) -> None:
    # issue 11.1: 301 and 59 edits (英國 -> 美國) when judged as Simplified
    text = evaldata(name).read_text(encoding="utf-8")
    assert [(e.before, e.after, e.note) for e in find(text)] == []


def test_simplified_prose_written_in_traditional_is_left_alone() -> None:
    import opencc

    text = evaldata("prose/icwb2_pku_test.utf8.txt").read_text(encoding="utf-8")
    assert [(e.before, e.after, e.note) for e in find(opencc.OpenCC("s2t").convert(text))] == []


def test_edits_replay():
    r = explain(DOC, only=["consistency"])
    assert apply_edits(DOC, r.edits) == r.text


@pytest.mark.parametrize(
    "text", ["天天天向上，天天向上。", "中国abc中国\n中中国国", "", "没有汉字 at all", "😀中国\ud800中国𠀀国", "中"]
)
@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("scanned", [1 << 18, 0])  # by str.find, by packed keys
def test_positions_match_a_plain_scan(text: str, n: int, scanned: int, monkeypatch) -> None:
    from cleaner.typos import consistency
    from cleaner.typos.consistency import _positions

    monkeypatch.setattr(consistency, "_SCANNED", scanned)
    wanted = {"天天", "中国", "向上", "国国", "不在", "天天天", "中国中", "国中国", "c中", "c中国"}
    plain: dict[str, list[int]] = {}
    for i in range(len(text) - n + 1):
        if text[i : i + n] in wanted and text[i] != "c":  # (Han strings only)
            plain.setdefault(text[i : i + n], []).append(i)
    assert _positions(text, n, wanted) == plain


def test_packed_keys_round_trip() -> None:
    from cleaner.typos.consistency import _pack, _unpack, _unpack_all

    words = ["天天", "中国", "龥一", "一龥"]
    assert _unpack_all([_pack(w) for w in words], 2) == words == [_unpack(_pack(w), 2) for w in words]
    assert _unpack_all([], 3) == []


# ---------------------------------------------------------------------------
# issue 11.1: never turn one valid word into another, Traditional included

US_TRAD = "美國國務卿昨天抵達東京。美國大使到機場迎接。美國記者隨行採訪。英國外交大臣也在場。"


@pytest.mark.parametrize(
    "doc",
    [
        US_TRAD,  # 英國 and 美國 are both words: the Traditional text is judged as Simplified
        US_TRAD.replace("英國", "英国"),  # mixed scripts
        "工人在铺贴地板。铺贴要平整。铺贴完成后验收。铺贴费用另算。院子里有人在铺砖。",  # 铺|砖: two words
        # 皓 belongs to a name the document repeats, not to the repeated 浩表示
        "吴耀浩表示，反对。他说了很多。吴耀浩表示，要再议。大家都听。吴耀浩表示，会后再谈。"
        "周文皓回忆往事。周文皓表示，同意。周文皓说，好的。",
    ],
)
def test_a_valid_word_is_not_turned_into_another(doc: str) -> None:
    assert list(find(doc)) == []
    assert clean(doc, only=["consistency"]) == doc


def test_traditional_gets_the_same_verdicts_as_simplified() -> None:
    from cleaner.typos.guards import simplified

    assert list(find(US_TRAD)) == list(find(simplified(US_TRAD))) == []


def test_traditional_term_is_corrected_in_its_own_script() -> None:
    doc = "區長劉建遠主持會議。劉建遠說，要抓落實。劉建遠強調，要重實效。會後劉建運看望了群眾。"
    r = explain(doc, only=["consistency"])
    assert r.text == doc.replace("劉建運", "劉建遠")
    (e,) = r.edits
    assert (e.before, e.after) == ("運", "遠") and "劉建遠" in e.note


def test_a_stray_traditional_look_alike_in_simplified_text_is_still_mended() -> None:
    # a Simplified line keeps its characters: 興 (not 兴) is the misreading of 典
    doc = "金昭典同志主持会议。金昭典同志说，要抓落实。金昭典同志强调，要重实效。会后金昭興同志看望了群众。"
    assert clean(doc, only=["consistency"]) == doc.replace("金昭興", "金昭典")


def test_the_dictionary_reads_only_terms_with_a_variant(monkeypatch) -> None:
    # the term's dictionary reading is taken after its variants are found,
    # for those terms only, and still vetoes: a term the dictionary explains
    # gets no correction
    from cleaner.typos import consistency

    real = consistency._some_reading
    read: list[str] = []

    def counting(term, m):
        read.append(term)
        return real(term, m)

    monkeypatch.setattr(consistency, "_some_reading", counting)
    assert len(list(find(DOC))) == 1 and 0 < len(read) <= 2 and "赵明远" in read  # 3 before: 赵明 too
    monkeypatch.setattr(consistency, "_some_reading", lambda term, m: 0.0)
    assert list(find(DOC)) == []


# ---------------------------------------------------------------------------
# issue 12: the paths taken for long texts give what the short path gives

# (document, edits): a name written three times and garbled once, two such
# names, a word that is not a name beside one, a Traditional line beside one
# (no edit: two terms claim the variant 运)
LONG_PATH_DOCS = [
    (DOC, 1),
    (DOC + "副区长周文斌到会。周文斌说，要抓落实。周文斌强调，要重实效。会后局文斌看望了群众。", 2),
    ("科技产业是重点。发展科技产业。壮大科技产业。培育科技企业。" + DOC, 1),
    ("區長劉建遠主持會議。劉建遠說，要抓落實。劉建遠強調，要重實效。會後劉建運看望了群眾。\n" + DOC, 0),
]


@pytest.mark.parametrize(("doc", "edits"), LONG_PATH_DOCS)
def test_the_long_text_paths_agree_with_the_short_one(doc: str, edits: int, monkeypatch) -> None:
    from cleaner.typos import consistency

    short = [repr(e) for e in find(doc)]
    assert len(short) == edits
    # one length at a time, blocks of two strings, one hash table for them,
    # the hash filter before every search, only lanes with look-alikes,
    # positions by packed keys
    for name, value in [("_SLICE", 8), ("_BLOCK", 2), ("_FILTERED", 0), ("_COMPACT", 0), ("_SCANNED", 0)]:
        monkeypatch.setattr(consistency, name, value)
    assert [repr(e) for e in find(doc)] == short


def test_counts_are_those_of_np_unique() -> None:
    import numpy as np

    from cleaner.typos.consistency import _counts

    rng = np.random.default_rng(12)
    for size in [0, 1, 2, 5, 100, 1000]:
        keys = np.sort(rng.integers(0, max(1, size // 3), size).astype(np.uint64))
        distinct, counts = _counts(keys)
        expected, expected_counts = np.unique(keys, return_counts=True)
        assert distinct.tolist() == expected.tolist() and counts.tolist() == expected_counts.tolist()


@pytest.mark.parametrize("text", ["天天天向上，天天向上。", "中国abc中国\n中中国国", "😀中国\ud800中国𠀀国人民", "", "中"])
def test_sorted_keys_of_several_lengths_are_those_of_each(text: str) -> None:
    import numpy as np

    from cleaner.typos.consistency import _ngram_keys, _sorted_keys, _windows

    windows = _windows(text)
    each = np.sort(np.concatenate([_ngram_keys(windows, n, compact=True) for n in (2, 3, 4)]))
    assert _sorted_keys(windows, range(2, 5)).tolist() == each.tolist()
    assert _sorted_keys(windows, (3,)).tolist() == np.sort(_ngram_keys(windows, 3, compact=True)).tolist()


def test_the_hash_filter_keeps_every_member() -> None:
    import numpy as np

    from cleaner.typos.consistency import _hash_table, _held, may_hold

    rng = np.random.default_rng(12)
    members = rng.integers(0, 1 << 63, 500).astype(np.uint64)
    keys = np.concatenate([members, rng.integers(0, 1 << 63, 5000).astype(np.uint64)])
    held = may_hold(keys, members)
    assert held[: len(members)].all() and not held.all()  # no member missed, most others refused
    assert (_held(keys, _hash_table(members)) == held).all()


def test_a_short_text_without_a_repeated_pair_has_no_repeated_string() -> None:
    # the Python test that spares a short text the numpy work agrees with it
    import random

    from cleaner.typos.consistency import MIN_TERM_COUNT, _counts, _repeats_a_pair, _sorted_keys, _windows

    rng = random.Random(12)
    alphabet = "天向上中国人民，。 a😀\ud800"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet[: rng.randint(2, len(alphabet))]) for _ in range(rng.randint(0, 40)))
        _, counts = _counts(_sorted_keys(_windows(text), range(2, 5)))
        assert _repeats_a_pair(text) == bool((counts >= MIN_TERM_COUNT).any()), text
