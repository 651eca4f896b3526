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
