"""Rule `script`: stray characters of the minority script, never whole documents."""

from __future__ import annotations

import json

import opencc
import pytest

from cleaner import clean, explain
from cleaner.rules.script import script_counts
from tests.conftest import ROOT, evaldata


def only(text: str, **kw) -> str:
    return clean(text, only=["script"], **kw)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我们在這里开会，讨论头髮问题。", "我们在这里开会，讨论头发问题。"),  # phrase converts as a phrase
        ("今天天气很好，我們一起去公园散步吧。", "今天天气很好，我们一起去公园散步吧。"),
        ("我們在這裡開會，讨論問題。", "我們在這裡開會，討論問題。"),  # Traditional document, stray Simplified
    ],
)
def test_converts_stray_characters(text, expected):
    assert only(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我們在這裡開會，討論頭髮問題。",  # all Traditional: never converted unless asked
        "我们在这里开会，讨论头发问题。",
        "王丙乾同志出席了会议并讲话。",  # 乾 is a valid Simplified character (a name)
        "乾隆皇帝的著作很多，影响显著。",
        "台灣的天氣很好，我們去臺北。",  # 台 and 臺 are both Traditional usage
        "如逃脫法網而在他州被尋獲時，應予交出。",  # Taiwan forms
        "如逃脱法網而在他州被尋獲時，應予交出，並繳納税款。",  # Hong Kong forms (脱, 税) are not strays
        "Hello world, no Chinese at all.",
        "这一段是简体中文，讨论经济发展问题。\n這一段是繁體中文的引文，討論經濟發展問題。\n",  # a quoted paragraph
    ],
)
def test_leaves_consistent_documents_alone(text):
    assert only(text) == text


def test_forced_modes_convert_everything():
    assert only("我們在這裡開會。", script="simplified") == "我们在这里开会。"
    assert only("我们在这里开会。", script="traditional") == "我們在這裡開會。"
    assert only("我們在这里", script="keep") == "我們在这里"


def test_counts():
    assert script_counts("這個") == (2, 0)
    assert script_counts("这个") == (0, 2)


def test_edits_name_the_rule_and_span():
    text = "我们在這里开会。"
    r = explain(text, only=["script"])
    assert [(e.rule, text[e.start:e.end], e.after) for e in r.edits] == [("script", "這", "这")]


def _opencc_cases():
    with open(ROOT / "tests" / "data" / "opencc_cases.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.mark.parametrize("case", [c for c in _opencc_cases() if c["config"] in ("t2s", "tw2s", "hk2s")], ids=lambda c: c["id"])
def test_opencc_cases_forced_simplified(case):
    """OpenCC's hand-written cases (Apache-2.0): forced simplification agrees with OpenCC's t2s."""
    expected = opencc.OpenCC("t2s").convert(case["input"])
    assert only(case["input"], script="simplified") == expected


@pytest.mark.parametrize(
    "case", [c for c in _opencc_cases() if c["config"] == "t2s" and script_counts(c["expected"])[0] == 0], ids=lambda c: c["id"]
)
def test_opencc_expected_simplified_text_is_left_alone(case):
    """A correct Simplified sentence is clean: auto mode must not touch it.
    (Left out: cases whose Simplified text keeps rare Traditional-only
    characters in names, 年釐 or 林甦; they read as Traditional evidence.)"""
    assert only(case["expected"]) == case["expected"]


def test_real_traditional_text_is_not_changed():
    """Real Taiwan and Hong Kong text (icwb2, read from ../shared, never copied)."""
    for rel in ("trad/icwb2_as_test.utf8.txt", "trad/icwb2_cityu_test.utf8.txt"):
        text = evaldata(rel).read_text(encoding="utf-8")[:60000]
        out = only(text)
        changed = sum(a != b for a, b in zip(text, out))
        assert changed <= len(text) * 0.0005, (rel, changed)


def test_real_simplified_text_is_not_changed():
    text = evaldata("prose/icwb2_pku_test.utf8.txt").read_text(encoding="utf-8")
    assert only(text) == text


def test_a_document_without_a_clear_majority_is_left_alone():
    # about as many Traditional-only as Simplified-only characters: "auto"
    # cannot tell which script the strays stray from (found by fuzzing: once
    # dedup dropped a repeated Traditional paragraph, a second clean flipped)
    trad = "我們合眾國人民，為建立一個更完善的聯邦，樹立正義，保障國內安寧。"
    simp = "本作电影内容同样为作者监修的原创故事，並表示这部电影版可以说是结局了。"
    text = f"{trad}\n\n{simp}\n"
    assert clean(text, only=["script"]) == text
    # doubled, the Traditional paragraph outweighs the Simplified one; once
    # dedup drops the copy, it no longer does
    simp2 = simp + "观众们议论纷纷。"
    assert script_counts(trad)[0] < script_counts(simp2)[1] < 2 * script_counts(trad)[0]
    doubled = f"{trad}\n\n{trad}\n\n{simp2}\n"
    once = clean(doubled)
    assert once == f"{trad}\n\n{simp2}\n"
    assert clean(once) == once


def test_windows_of_strays_never_overlap():
    # clauses longer than the 20-character window: the window of a later
    # stray reached back over an earlier one (found by hypothesis: the same
    # edit twice, then a crash)
    text = "专並亲000000000一一一专並亲一一一专並亲"
    r = explain(text, only=["script"])
    assert r.text == text.replace("並", "并")
    starts = [e.start for e in r.edits]
    assert starts == sorted(set(starts))


SIMPLIFIED_DOC = [
    "会议要求各部门加强协调配合，落实责任，认真做好年底前的收尾工作。",
    "新建的体育公园设有足球场、篮球场和环形跑道，预计明年对市民开放。",
    "专家提醒，近期气温变化较大，老人和孩子要注意添衣保暖。",
]


def test_a_paragraph_wholly_in_traditional_in_a_simplified_document_is_converted():
    trad = "這個縣的經濟發展緩慢。"  # 7 Traditional against 24 Simplified characters
    text = "\n".join(SIMPLIFIED_DOC[:2] + [trad] + SIMPLIFIED_DOC[2:]) + "\n"
    r = explain(text, only=["script"])
    assert r.text == text.replace(trad, "这个县的经济发展缓慢。")
    assert all("wholly in Traditional" in e.note for e in r.edits)
    assert only(text, script="keep") == text  # the escape for who quotes


def test_a_whole_paragraph_in_a_document_not_clearly_one_script_is_only_suggested():
    # 2 Simplified paragraphs against 1 Traditional one: a clear majority, but under three to one
    trad = "這個縣的經濟發展緩慢，農業人口佔多數，當地政府正在尋找對策。"
    text = "\n".join(SIMPLIFIED_DOC[:1] + [trad]) + "\n"
    r = explain(text, only=["script"])
    assert r.text == text
    assert r.suggestions and all(s.rule == "script" for s in r.suggestions)


def test_a_simplified_paragraph_in_a_traditional_document_is_only_suggested():
    trad_doc = ["我們在這裡開會，討論頭髮問題。", "這個縣的經濟發展緩慢，農業人口佔多數。", "專家提醒，近期氣溫變化較大，老人和孩子要注意添衣保暖。"]
    text = "\n".join(trad_doc + ["会议要求各部门加强协调配合，落实责任。"]) + "\n"
    r = explain(text, only=["script"])
    assert r.text == text
    assert r.suggestions


def test_a_long_traditional_paragraph_among_several_simplified_ones_is_converted():
    # the paragraph holds more than a quarter of the script-specific characters,
    # but every other paragraph is Simplified
    trad = "這個縣的經濟發展緩慢，農業人口佔多數，當地正在尋找對策。"  # 14 against 24
    text = "\n".join(SIMPLIFIED_DOC[:2] + [trad] + SIMPLIFIED_DOC[2:]) + "\n"
    assert only(text) == text.replace(trad, "这个县的经济发展缓慢，农业人口占多数，当地正在寻找对策。")


def _regex_lines(text):
    # the lines with their line ends as the regex finds them (the oracle)
    from cleaner.rules.script import _LINE_END

    ends = [m.end() for m in _LINE_END.finditer(text)]
    ends += [len(text)] if len(text) > (ends[-1] if ends else 0) else []
    return list(zip([0] + ends, ends))


@pytest.mark.parametrize("chunk", [None, 7, 1])
def test_script_kinds_count_what_the_regexes_count_in_each_paragraph(monkeypatch, chunk):
    # the numpy look-up must count what script_counts' regexes count, line by
    # line (also when the text is read a few characters at a time: a CRLF
    # split between two windows is one line end)
    import random

    from cleaner.rules import script
    from cleaner.rules.script import _paragraph_ends, script_counts, script_kinds

    if chunk is not None:
        monkeypatch.setattr(script, "_COUNT_CHUNK", chunk)

    rng = random.Random(6)
    dense = "這是简体我們们讨論论發发头髮中文\n\r\fa𠀀\ud800"
    sparse = "abcdefghijklmnopqrstuvwxyz .,\n" * 3 + "這简中"  # (Latin text: only its few Han characters are looked up)
    for _ in range(2000):
        alphabet = rng.choice((dense, sparse))
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        kinds = script_kinds(text)
        lines = _regex_lines(text)
        assert [e for _, e in lines] == _paragraph_ends(text).tolist(), repr(text)
        counts = [(int((kinds[a:b] == 1).sum()), int((kinds[a:b] == 2).sum())) for a, b in lines]
        assert [script_counts(text[a:b]) for a, b in lines] == counts, repr(text)


@pytest.mark.parametrize("chunk", [None, 3])
def test_line_ends_are_those_the_line_end_regex_finds(monkeypatch, chunk):
    import random

    from cleaner.rules import script
    from cleaner.rules.script import _paragraph_ends

    if chunk is not None:
        monkeypatch.setattr(script, "_COUNT_CHUNK", chunk)
    rng = random.Random(5)
    for alphabet in ("中\n", "中\n\r\f"):
        for _ in range(5000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
            assert _paragraph_ends(text).tolist() == [e for _, e in _regex_lines(text)], repr(text)


def test_a_long_text_takes_the_numpy_gate_to_the_same_edits(monkeypatch):
    # texts from _NUMPY_GATE characters on are tested for both scripts by the
    # numpy look-up instead of the regexes: the same edits either way
    from cleaner.rules import script

    text = "\n".join(SIMPLIFIED_DOC) + "\n我们在這里开会，讨论头髮问题。\nEnglish only line\n"
    before = only(text)
    monkeypatch.setattr(script, "_NUMPY_GATE", 0)
    assert only(text) == before != text
    assert only("\n".join(SIMPLIFIED_DOC)) == "\n".join(SIMPLIFIED_DOC)
    assert only("Latin text only, no Han.") == "Latin text only, no Han."
