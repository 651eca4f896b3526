"""Rule `phrase_consistency`: a phrase garbled once in a document that writes it right."""

from __future__ import annotations

import random

import pytest

from cleaner import Suggestion, apply_edits, clean, explain, list_rules
from cleaner.edits import Edit
from cleaner.typos.phrases import NAME, find
from tests.conftest import evaldata

# documents written for these tests (People's Daily style, no corpus text)
CAR = "全市新能源汽车销量增长较快。新能源汽车产业链不断完善。"
SCHOOL = "今年全市义务教育阶段学校新增学位三千个。义务教育阶段学生人数稳步增长。"
RESEARCH = "公司将加大科技研发投入力度。科技研发投入占营业收入的比重逐年提高。"


def run(text: str) -> list[Edit | Suggestion]:
    return list(find(text, 6.0, 3.0))


def edits(text: str) -> list[Edit]:
    return [e for e in run(text) if isinstance(e, Edit)]


@pytest.mark.parametrize(
    ("doc", "fixed"),
    [
        (CAR + "明年将继续扶持新能源汽车汽车产业。", CAR + "明年将继续扶持新能源汽车产业。"),  # a word written twice
        (RESEARCH + "科技研发研发投入持续增加。", RESEARCH + "科技研发投入持续增加。"),
        (CAR + "明年将继续扶持新能源汽汽车产业。", CAR + "明年将继续扶持新能源汽车产业。"),  # a character written twice
        (SCHOOL + "下一步要继续办好义务教阶段学校。", SCHOOL + "下一步要继续办好义务教育阶段学校。"),  # a character dropped
    ],
)
def test_the_garbled_copy_takes_the_documents_form(doc: str, fixed: str) -> None:
    found = edits(doc)
    assert apply_edits(doc, found) == fixed
    (e,) = found
    assert e.rule == NAME and e.score is not None and e.score >= 6.0
    assert "2 times" in e.note


def test_through_the_pipeline_only_when_enabled() -> None:
    doc = CAR + "明年将继续扶持新能源汽车汽车产业。"
    assert clean(doc, only=[NAME]) == CAR + "明年将继续扶持新能源汽车产业。"
    assert NAME in [r[0] for r in list_rules()]
    assert all(NAME not in e.rules for e in explain(doc).edits)  # off by default
    assert clean(doc, enable=[NAME]) == CAR + "明年将继续扶持新能源汽车产业。"


@pytest.mark.parametrize(
    "doc",
    [
        CAR + "明年将继续扶持新能源汽车产业。",  # nothing garbled
        "全市新能源汽车销量增长较快。明年将继续扶持新能源汽车汽车产业。",  # the phrase is written right only once
        "第一季度营业收入增长。第二季度营业收入增长。第三季度营业收入增长。",  # a paradigm, not a copy
        "公司发展经济的思路清晰。公司发展经济的思路明确。公司发展的经济思路。",  # 的 moved: grammar
        "上海市政府召开会议。上海市政府发布通知。上海政府部门回应。",  # a shorter form that reads as words
        "这个方案非常好的一点是简单。那个方案非常好的一点是便宜。这个方案非常非常好的一点是快。",  # emphasis
        "冯绍峰主演的电影上映。冯绍峰主演的电视剧热播。绍峰主演的话剧开演。",  # a name without its surname
    ],
)
def test_leaves_alone(doc: str) -> None:
    assert edits(doc) == []


def test_two_phrases_meeting_on_a_word_are_only_suggested() -> None:
    # a heading run into the text: the phrase ends its clause where the copy runs on
    doc = "央行宣布下调存款利率，市场反应平稳。央行宣布下调存款利率，各银行随即跟进。央行宣布下调存款利率利率调整影响几何"
    (s,) = run(doc)
    assert isinstance(s, Suggestion) and s.before == "利率" and "clause boundary" in s.note


@pytest.mark.parametrize("name", ["prose/icwb2_pku_test.utf8.txt", "prose/icwb2_msr_test.utf8.txt"])
def test_a_whole_corpus_as_one_document_is_left_alone(name: str) -> None:
    # PKU's headlines include one run into the next (降低关税|关税再降...)
    text = evaldata(name).read_text(encoding="utf-8")
    assert [(e.before, e.after, e.note) for e in edits(text)] == []


def test_an_added_word_is_not_even_suggested() -> None:
    doc = "会议研究了基金收益率问题。基金收益率保持稳定。两只基金年化收益率均较高。"
    assert run(doc) == []


def test_a_doubtful_repair_is_a_suggestion() -> None:
    # a character inserted that may be a word the copy adds: reported, not made
    doc = "市里扶持汽车产业。扶持汽车产业是重点。全年扶持汽车旅产业。"
    (s,) = run(doc)
    assert isinstance(s, Suggestion) and s.before == "旅" and s.after == "" and "kept:" in s.note


def test_traditional_text_is_left_alone() -> None:
    doc = "全市新能源汽車銷量增長較快。新能源汽車產業鏈不斷完善。明年將繼續扶持新能源汽車汽車產業。"
    assert run(doc) == []


def test_edits_replay_and_a_second_run_changes_nothing() -> None:
    doc = CAR + "明年将继续扶持新能源汽车汽车产业。" + SCHOOL + "下一步要继续办好义务教阶段学校。"
    r = explain(doc, only=[NAME])
    assert apply_edits(doc, r.edits) == r.text
    assert len(r.edits) == 2
    assert not explain(r.text, only=[NAME]).edits


def test_short_and_latin_texts() -> None:
    for doc in ("", "短", "新能源汽车", "abc abc abc abd", "a" * 50):
        assert run(doc) == []


@pytest.mark.parametrize("name", ["prose/icwb2_pku_test.utf8.txt", "prose/icwb2_msr_test.utf8.txt"])
def test_real_news_is_left_alone(name: str) -> None:
    lines = evaldata(name).read_text(encoding="utf-8").splitlines()
    docs = ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    assert [(e.before, e.after, e.note) for d in docs for e in edits(d)] == []


def test_real_traditional_prose_is_left_alone() -> None:
    text = evaldata("trad/icwb2_cityu_test.utf8.txt").read_text(encoding="utf-8")
    assert [(e.before, e.after) for e in edits(text)] == []


def test_injected_damage_is_repaired_on_news() -> None:
    # benchmarks.inject.phrases on THUCNews: the repairs made are right
    from benchmarks.inject.phrases import KINDS, damage

    tsv = evaldata("prose/thucnews_cnews_val_1000.tsv").read_text(encoding="utf-8")
    arts = [line.split("\t", 1)[1] for line in tsv.splitlines()[:120] if "\t" in line]
    made = right = 0
    for i, art in enumerate(arts):
        for kind in KINDS:
            case = damage(art, random.Random(f"{i}:{kind}"), kind=kind)
            if case is None:
                continue
            found = edits(case.damaged)
            made += bool(found)
            right += apply_edits(case.damaged, found) == case.clean if found else 0
    assert made >= 20 and right == made


def _screen_by_hand(text: str) -> list[tuple[int, int, int]]:
    """The screen of :func:`cleaner.typos.phrases._candidates`, by its
    definition, with strings: the quads, the repeated ones, the gapped
    quads, the places (a slow reference for texts without the
    :data:`~cleaner.typos.phrases.MAX_ANCHOR` limit)."""
    from collections import Counter

    def han(i: int) -> bool:
        return i < len(text) and "\u4e00" <= text[i] <= "\u9fff"

    padded, n = text + "\0\0", len(text) - 3
    plain = [text[t : t + 4] if all(han(t + k) for k in range(4)) else "" for t in range(n)]
    g1 = [padded[t : t + 2] + padded[t + 3 : t + 5] for t in range(n)]
    g2 = [padded[t : t + 2] + padded[t + 4 : t + 6] for t in range(n)]
    written = {q for q, c in Counter(plain).items() if c > 1 and q}
    at = [q in written for q in plain] + [True, True]
    w12 = {q for q, c in Counter([g1[t] for t in range(n) if at[t]] + [g2[t] for t in range(n) if at[t]]).items() if c > 1}
    out = []
    for t in range(n):
        fresh = not at[t] and han(t + 2)
        bits = (
            ((1, 0), g1[t] in written and fresh),
            ((2, 0), g2[t] in written and (fresh or not at[t + 2]) and han(t + 3)),
            ((0, 1), plain[t] in w12 and not at[t]),
            ((0, 2), plain[t] in w12 and not at[t]),
            ((1, 1), g1[t] in w12 and fresh),
        )
        out.extend((t + 2, ins, dele) for (ins, dele), ok in bits if ok)
    return out


def _near_copies(rng: random.Random) -> str:
    """Three phrases written once to three times, and a few copies of them
    with a character dropped, added, doubled or changed (sometimes to a
    comma or a letter, which breaks the run of Han), in a random order."""
    alphabet = "汽车产业发展义务教育阶段"
    phrases = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(4, 8))) for _ in range(3)]
    parts = [p for p in phrases for _ in range(rng.randrange(1, 4))]
    for _ in range(rng.randrange(1, 5)):
        chars = list(rng.choice(phrases))
        k, op, other = rng.randrange(len(chars)), rng.randrange(4), rng.choice(alphabet + "，a")
        if op == 0:
            del chars[k]
        elif op == 1:
            chars.insert(k, other)
        elif op == 2:
            chars[k] = other
        else:
            chars.insert(k, chars[k])
        parts.append("".join(chars))
    rng.shuffle(parts)
    return "".join(rng.choice(("", "", "，", "a")) + p for p in parts)


@pytest.mark.parametrize("seed", range(60))
def test_the_numpy_screen_finds_what_its_definition_says(seed: int) -> None:
    from cleaner.typos.phrases import _candidates

    text = _near_copies(random.Random(seed))
    assert _candidates(text) == _screen_by_hand(text)


def test_the_screen_on_a_document() -> None:
    from cleaner.typos.phrases import _candidates

    for text in (CAR + "明年将继续扶持新能源汽车汽车产业。", SCHOOL + "下一步要继续办好义务教阶段学校。", RESEARCH * 3 + "科技研发研发投入。"):
        found = _candidates(text)
        assert found and found == _screen_by_hand(text)


def test_characters_outside_the_bmp_keep_the_positions() -> None:
    """An emoji or a rare Han character (two UTF-16 units) before the copy
    does not shift the edit: the screen reads one unit for it."""
    doc = CAR.replace("。", "😀。", 1) + "明年将继续扶持新能源汽车汽车产业𠀀。"
    (edit,) = edits(doc)
    assert doc[edit.start : edit.end] == edit.before == "汽车"
    assert apply_edits(doc, [edit]) == CAR.replace("。", "😀。", 1) + "明年将继续扶持新能源汽车产业𠀀。"


@pytest.mark.parametrize("seed", range(20))
def test_the_hashed_look_up_finds_the_members_exactly(seed: int) -> None:
    """:func:`cleaner.typos.phrases._member` on many keys (the hashed
    table, with members written twice and slots shared by several) agrees
    with a plain set look-up."""
    import numpy as np

    from cleaner.typos.phrases import _FILTERED, _member

    rng = np.random.default_rng(seed)
    pool = rng.integers(1, 2**64 - 1, size=rng.integers(1, 3000), dtype=np.uint64)
    members = np.sort(np.concatenate((pool, pool[: len(pool) // 3])))
    keys = np.concatenate((rng.choice(pool, _FILTERED), rng.integers(0, 2**64 - 1, size=_FILTERED, dtype=np.uint64), np.zeros(3, dtype=np.uint64)))
    expected = np.isin(keys, members)
    assert expected.any() and not expected.all()
    assert (_member(keys, members) == expected).all()


def test_a_name_written_again_before_a_colon_is_only_suggested() -> None:
    # a transcript flattened into one line: the speaker's label after the sentence naming them
    doc = "商业联合会副会长高波出席。商业联合会副会长高波讲话。商业联合会副会长高波高波：各位同仁好。"
    (s,) = run(doc)
    assert isinstance(s, Suggestion) and s.before == "高波" and "speaker's label" in s.note
    assert [e.before for e in edits(doc.replace("高波：", "高波致辞："))] == ["高波"]
