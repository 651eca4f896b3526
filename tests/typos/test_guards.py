"""Guards against the false positives of a word-frequency model."""

from __future__ import annotations

import pytest

from cleaner import clean, explain
from cleaner.typos import confusion_rule, guards
from cleaner.typos.confusion_rule import default_neighbours
from cleaner.typos.model import model


@pytest.mark.parametrize(
    "run, k",
    [
        ("敢闯敢干", 1),  # X?X
        ("敢闯敢干", 3),  # X?X? at the second ?
        ("清清楚楚", 2),  # doubled character
        ("有声有色有味", 3),
        ("山山水水", 0),
    ],
)
def test_parallel_frames(run, k):
    assert guards.parallel(run, k)


@pytest.mark.parametrize("run, k", [("敢于创新", 1), ("越来赴", 2), ("碰拴", 1)])
def test_not_parallel(run, k):
    assert not guards.parallel(run, k)


def test_person_names():
    m = model()
    assert guards.name("李建国说", 2, "图", m)  # a name in jieba's dictionary
    assert guards.name("会见了刘德明", 5, "朋", m)  # surname + two characters
    assert guards.name("欧阳修文", 3, "X", m) or guards.name("欧阳修文", 2, "X", m)
    assert not guards.name("越来赴", 2, "越", m)
    assert not guards.name("王国的未来", 3, "末", m)  # 王 is in the word 王国, not a surname


@pytest.mark.parametrize("text", ["潘跃", "记者 潘跃\n", "摄影：潘跃", "欧阳跃"])
def test_a_name_standing_alone_keeps_its_surname(text):
    # a byline or a list of names: a surname and one or two characters alone
    # between non-Han characters; 潘 looks like 活, and 活跃 is a common word
    assert explain(text).text == text
    assert guards.name(text.strip().split("：")[-1].split()[-1], 0, "活", model())


def test_a_surname_inside_running_text_is_not_a_name_on_its_own():
    m = model()
    assert not guards.name("潘跃起来", 0, "活", m)  # a run of four: no name standing alone


def test_a_numeral_is_not_read_as_another():
    m = model()
    assert guards.vetoed("产值翻了四番", 4, "一", m) == "number"
    assert guards.vetoed("工作己经完成", 2, "已", m) != "number"


def test_a_model_that_writes_another_number_only_suggests_it():
    # the corpus writes 翻了一番 and 三省区 only: the text's own number stays
    from cleaner.config import Config
    from cleaner.typos.charmodel import learn

    cm = learn(["今年产值翻了一番。", "收入翻了一番多。", "规模翻了一番以上。", "西北三省区的人口。", "东北三省的经济。"] * 30, keep_repeats=True)
    for text, at, other in (("去年产值翻了四番。", 6, "一"), ("西北五省区的人口。", 2, "三")):
        r = explain(text, config=Config(model=cm))
        assert r.text == text
        assert [(s.start, s.after) for s in r.suggestions if "number guard" in s.note] == [(at, other)]


def test_a_web_listed_name_of_a_surname_that_is_also_a_word():
    m = model()
    # 武 is a surname and a word (武器); 武磊 is in the web word lists, 磊 is
    # a given name in jieba's dictionary: a name, not a misspelling of 武器
    assert guards.reads_as_name("武磊", m) and m.is_word("武磊")
    assert not guards.reads_as_name("周未", m)  # 未 is no given name: 周末's misspelling
    assert not confusion_rule._misspelling("武磊", m, default_neighbours())
    assert confusion_rule._misspelling("周未", m, default_neighbours())
    assert guards.name("谈论武磊", 3, "器", m)
    for text in ("昨晚武磊替补登场。", "球迷都在谈论武磊。"):
        assert clean(text, only=["ocr_confusion"]) == text


def test_proper_nouns_and_suffixes():
    m = model()
    assert guards.proper("来到北京", 2, "化", m)  # 北京 is a place in the dictionary
    assert guards.proper("来到桃溪镇", 3, "林", m)  # just before a place suffix
    assert guards.proper("在科尔达公司", 2, "X", m)
    assert not guards.proper("越来赴", 2, "越", m)


def test_document_repeats():
    assert guards.document_repeats("万象堂开业。万象堂很好。", 1, 2)
    assert not guards.document_repeats("越来赴赖人了", 2, 3)


def test_traditional_context_is_left_to_the_script_rule():
    m = model()
    assert guards.vetoed("我們來聊天", 1, "们", m) == "script"
    assert "這" in guards.traditional_chars() and "这" not in guards.traditional_chars()


def test_vetoed_names_the_guard():
    m = model()
    assert guards.vetoed("敢闯敢干", 1, "想", m) == "parallel"
    assert guards.vetoed("越来赴", 2, "越", m) is None
    assert guards.vetoed("腰酸腿疼", 3, "痛", m) == "word"  # 腿疼 is a word already


def test_word_lists_load():
    lists = guards.word_lists()
    assert {"surnames", "titles", "proper_suffixes"} <= set(lists)
    assert "张" in lists["surnames"] and "公司" in lists["proper_suffixes"]



def test_damaged_context():
    m = model()
    # 介 and 预 form no word pair with a neighbour and are rare words alone
    assert guards.damaged_context("那介发型预在那的农服", {8: "衣"}, 8, m)
    assert not guards.damaged_context("有的时候那个农服", {6: "衣"}, 6, m)
    # the changed character itself is not read, and a change that is made
    # counts as made
    assert not guards.damaged_context("天气越来痘好了", {4: "越"}, 4, m)
    assert guards.damaged_context("天气越来痘好了", {}, 3, m)
    # nor is a character beyond CONTEXT_WIDTH or past the end of the sentence
    pad = "好" * (guards.CONTEXT_WIDTH - 1)
    assert guards.damaged_context("痘" + pad + "越来越好", {}, guards.CONTEXT_WIDTH, m)
    assert not guards.damaged_context("痘好" + pad + "越来越好", {}, guards.CONTEXT_WIDTH + 1, m)
    assert not guards.damaged_context("这个痘。天气越来越好了", {}, 8, m)


@pytest.mark.parametrize(
    "doc",
    ["滂陀大雨中的街道、昏暗的燈光。", "他走在滂陀大雨中的街道，路燈很暗。"],
)
def test_ocr_confusion_leaves_a_traditional_sentence_alone(doc: str) -> None:
    # the run around 陀 has no Traditional character, the sentence has:
    # the Simplified word model cannot read it (issue 11.1)
    r = explain(doc, only=["ocr_confusion"])
    assert r.text == doc and not r.edits
    assert any(s.after == "沱" and "context" in s.note for s in r.suggestions)


def test_ocr_confusion_still_mends_the_simplified_sentence() -> None:
    assert clean("他走在滂陀大雨中的街道，路灯很暗。", only=["ocr_confusion"]) == "他走在滂沱大雨中的街道，路灯很暗。"


def test_simplified_keeps_positions() -> None:
    from cleaner.typos.guards import simplified

    text = "美國總統說：乾淨的水。abc"
    out = simplified(text)
    assert len(out) == len(text) and out.startswith("美国总统说") and out.endswith("。abc")
    assert simplified("没有繁体字") == "没有繁体字"


def _simplified_by_lines(text: str) -> str:
    """guards.simplified by its definition: every line (str.splitlines) with
    more Traditional than Simplified characters, converted with t2s."""
    trad, simp = guards.traditional_chars(), guards.simplified_chars()
    pairs = guards._t2s_pairs()
    out = []
    for line in text.splitlines(keepends=True):
        t = sum(ch in trad for ch in line)
        s = sum(ch in simp for ch in line)
        out.append("".join(pairs.get(ch, ch) for ch in line) if t > s else line)
    return "".join(out)


def test_simplified_converts_exactly_the_traditional_lines_whatever_ends_them():
    import random

    rng = random.Random(12)
    alphabet = "國国這这總总發发暗乾a 。\n\r\x0b\x0c\x1c\x85\u2028\u2029"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 16)))
        assert guards.simplified(text) == _simplified_by_lines(text), repr(text)
        trad = sum(ch in guards.traditional_chars() for ch in text)
        simp = sum(ch in guards.simplified_chars() for ch in text)
        assert guards.traditional_majority(text) == (trad > simp), repr(text)


@pytest.mark.parametrize(
    "text, i, after, made",
    [
        ("有法不依，有法难依，执法不严", 7, "不", True),  # the clause before
        ("有法难依，有法不依", 2, "不", True),  # the clause after
        ("有法不依，有法难依", 7, "可", True),  # the frame: 难 is where the two differ on purpose
        ("有法不依；有法难依", 7, "不", True),
        ("有法不依，但是有法难依", 9, "不", False),  # clauses of other lengths
        ("这是一个很长很长很长很长很长的句子写得不好，这是一个很长很长很长很长很长的句子写得不错", 40, "好", False),  # longer than CLAUSE_WIDTH
    ],
)
def test_parallel_clause(text: str, i: int, after: str, made: bool) -> None:
    assert guards.parallel_clause(text, i, after) is made


@pytest.mark.parametrize(
    "text, i, guarded",
    [
        ("工人在车间工作。（千禾摄）", 9, True),
        ("工人在车间工作。（千禾摄）", 10, True),
        ("（新华社记者韩晓华摄）", 6, True),
        ("（新华社记者韩晓华摄）", 5, False),  # 记者: the words before the name
        ("(王明供图)", 2, True),
        ("（千禾）", 1, False),  # no credit mark
        ("千禾摄影展开幕", 1, False),  # no bracket
        ("（千禾摄）他说", 6, False),  # after the bracket
    ],
)
def test_in_credit(text: str, i: int, guarded: bool) -> None:
    assert guards.in_credit(text, i) is guarded


@pytest.mark.parametrize(
    "text, i, after, frame",
    [
        ("讲真话、讲实话", 4, "说", True),  # 讲 of 讲实话 answers 讲 of 讲真话
        ("讲真话、讲实话", 5, "诚", True),  # where the two differ: the contrast the writer chose
        ("他说真话、讲实话", 5, "说", False),  # clauses of other lengths
        ("今天很好，我们很忙", 7, "太", False),  # 很 in both, but they agree in under half their characters
    ],
)
def test_parallel_clause_keeps_a_frame_whole(text: str, i: int, after: str, frame: bool) -> None:
    assert guards.parallel_clause(text, i, after) is frame
