"""Rule `paragraphs`: rejoin what page breaks and hard wraps split, and nothing else."""

from __future__ import annotations

import pytest

from cleaner import clean, explain

LONG_A = "图书馆今年完成了老馆的改造，新增阅览座位三百个，延长了周末开放时间，馆长在座谈会上请读者认"
LONG_B = "真填写意见卡，说说还需要哪些服务。"


def only(text: str) -> str:
    return clean(text, only=["paragraphs"])


def test_page_break_inside_a_word_is_rejoined():
    assert only(LONG_A + "\n\n" + LONG_B) == LONG_A + LONG_B


def test_page_break_mid_sentence_without_a_word_across_is_rejoined():
    a = "校长在开学典礼上说，新学期要继续办好兴趣小组，各年级的老师要加强沟通，后勤部门要"
    b = "提前检修教室里的灯具和空调，保证学生有一个舒适的环境。"
    assert only(a + "\n\n" + b) == a + b


def test_hard_wrapped_chinese_is_rejoined():
    para = "这是一个很长的段落，用来测试固定宽度的硬换行是否能够被正确地重新连接起来，而不会破坏原有的段落结构，也不会误连标题。" * 2
    width = 20
    wrapped = "\n".join(para[i : i + width] for i in range(0, len(para), width))
    text = "标题\n\n" + wrapped + "\n\n" + wrapped + "\n"
    assert only(text) == "标题\n\n" + para + "\n\n" + para + "\n"


def test_hard_wrapped_lines_ending_in_a_bracket_or_a_number_are_rejoined():
    lines = [
        "这位旅行家生于江南，少年时便立志远游，在公元17",  # a number cut by the wrap
        "87年的春天从秦州城里出发，先到西北的河州城（",  # ends with an opening bracket
        "今甘肃省临夏市）访友，经过白土津，沿着黄河向西",
        "，历时三个多月才到达目的地，途中写下大量的诗文",  # starts with a comma
        "和笔记，后人整理成书，流传至今，影响十分深远。",
    ]
    body = "\n".join(lines)
    joined = "".join(lines)
    assert only("标题\n\n" + body + "\n\n" + body + "\n") == "标题\n\n" + joined + "\n\n" + joined + "\n"


def test_a_soft_hyphen_at_a_line_end_always_goes():
    # PDF extraction leaves U+00AD where the typesetter broke a word; the
    # break was discretionary, so even two common words join without it
    text = "The committee reviewed the every\xad\nthing that the agency had published.\n"
    assert only(text) == "The committee reviewed the everything that the agency had published.\n"


def test_hard_wrapped_latin_dehyphenates_words_and_keeps_compounds():
    text = (
        "The committee reviewed the infor-\n"
        "mation that a well-\n"
        "known agency had published, and it\n"
        "decided to publish the report in full.\n"
    )
    assert only(text) == (
        "The committee reviewed the information that a well-known agency had published, "
        "and it decided to publish the report in full.\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "床前明月光，\n疑是地上霜。\n举头望明月，\n低头思故乡。\n",  # poetry
        "床前明月光，\n\n疑是地上霜。\n",
        "## 春季植树活动圆满结束\n\n正文第一段，内容很长很长很长很长很长很长很长。\n",  # heading
        LONG_A[:-1] + "。\n\n" + LONG_B,  # a sentence ends: a real paragraph break
        "欢迎来信\n\n编辑部地址\n",  # short lines stand alone
        "本报记者 王小明\n\n3月5日，区里召开春耕生产动员会，部署备耕工作。\n",  # byline
        "要点如下：\n- 第一项内容比较长，需要详细说明一下情况\n- 第二项\n",  # list items
        "（一）总体要求\n（二）主要任务\n",
        "```\ncode line one that is long enough, really\ncontinues here\n```\n",
        "Title Of The Report\n\nThe first paragraph starts here and ends here.\n",
        "He walked home.\nShe stayed.\n",
        "| a | b |\n| c | d |\n",
    ],
)
def test_leaves_alone(text):
    assert only(text) == text


def test_join_edit_has_a_score_and_the_break_as_before():
    r = explain(LONG_A + "\n\n" + LONG_B, only=["paragraphs"])
    (e,) = r.edits
    assert e.rule == "paragraphs" and e.before == "\n\n" and e.after == "" and e.score >= 4


def test_joins_converge_in_one_clean():
    # Form feeds cut a list of names in three; once two pieces are joined the
    # third piece is no longer a short line on its own (found by fuzzing real
    # zh-Wikipedia paragraphs: a second clean joined it)
    text = (
        "（P625）面积P2046，位于法国勃艮第-弗朗什-孔泰大区索恩-卢瓦尔省，该省份为法国中部省份，北起顺时针与科多尔省"
        "\f、汝拉省、安省、\n罗讷省、卢瓦\f尔省、阿列省和涅夫勒省接壤。\n"
    )
    once = clean(text)
    assert "\n" not in once.rstrip("\n")
    assert clean(once) == once


def test_a_rejoined_document_is_not_taken_for_one_wrapped_at_its_paragraph_length():
    # The benchmark's English text: hard-wrapped paragraphs, one per line or
    # separated by blank lines.  Once its wraps are joined, its lines are
    # whole paragraphs of similar length; a later pass must not read that
    # length as a wrap width and join the paragraphs that end a sentence
    # (it joined 145 of them in 100 KB before MAX_WRAP_WIDTH).
    from benchmarks.inject import throughput_text
    from cleaner.config import make_config
    from cleaner.rules import paragraphs as P

    text = throughput_text("en", 100_000)
    cfg = make_config()
    first = list(P._joins(text, {}, P._LineCache(), []))  # one pass
    assert len(first) > 300
    assert len(list(P.paragraphs_rule(text, cfg))) <= len(first) * 1.02


# -- running headers (issue 11.4) ------------------------------------------

#: an English manual extracted from a PDF: each page opens with the running
#: header, and sentences run on from one page to the next
MANUAL_PAGES = [
    "Before you install the controller, read every section of this manual and keep it\n"
    "near the machine so that anyone who operates it can check the safety rules\nwhen they are unsure about a setting or a",
    "warning light. The controller must be mounted on a dry wall, away from heat\n"
    "sources, and connected to an earthed socket that a qualified electrician has\ntested; the installer records the test in the log book and signs",
    "the entry with the date. Clean the filters once a month and replace them\n"
    "every year, or sooner when the pressure gauge shows a drop of more than ten\npercent against the value measured on the day of installation.",
]


def _manual(header: str, page_end: str, pages: int = len(MANUAL_PAGES)) -> str:
    """The pages, each under ``header`` and ended by ``page_end`` ({n}: page number)."""
    return "".join(f"{header}\n{p}\n{page_end.format(n=n)}" for n, p in enumerate(MANUAL_PAGES[:pages], 1))


def _header_lines(text: str, header: str) -> list[str]:
    return [line for line in text.splitlines() if header in line]


@pytest.mark.parametrize("page_end", ["\f", "\n", "", "\n{n}\n\n", "\n- {n} -\n\f"])
@pytest.mark.parametrize("header", ["WIDGET CONTROLLER OPERATING MANUAL", "Widget Controller Operating Manual"])
@pytest.mark.parametrize("enable", [[], ["page_headers"]])
@pytest.mark.parametrize("pages", [2, 3])
def test_a_running_header_is_never_glued_into_a_sentence(header, page_end, enable, pages):
    text = _manual(header, page_end, pages)
    out = clean(text, enable=enable)
    # every header left in the text stands alone on its line
    assert _header_lines(out, header) and all(line == header for line in _header_lines(out, header)), out
    # the wrapped lines of each page are still rejoined
    assert "keep it near the machine" in out and "away from heat sources" in out
    assert clean(out, enable=enable) == out


@pytest.mark.parametrize("page", ["{h}\n{p}\n", "{h}\n{p}\n\f", "{h}\n\n{p}\n\n"])
def test_a_chinese_running_header_is_never_glued_into_a_sentence(page):
    header = "滨江区年度工作报告"
    report = (
        "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，做好年底前的收尾工作，各单位要认真总结全年的经验，"
        "查找不足，提出明年的工作思路，确保各项任务按时完成。图书馆今年完成了老馆的改造，新增阅览座位三百个，"
        "延长了周末开放时间，馆长在座谈会上请读者认真填写意见卡，说说还需要哪些服务，后勤部门要提前检修教室里的灯具。"
    )
    lines = [report[i : i + 24] for i in range(0, len(report), 24)]  # hard-wrapped, three lines a page
    text = "".join(page.format(h=header, p="\n".join(lines[i : i + 3])) for i in range(0, len(lines), 3))
    out = clean(text)
    assert [line for line in out.splitlines() if header in line] == [header] * 3, out
    assert lines[0] + lines[1] in out  # the wrapped lines of a page are rejoined


def test_a_line_in_capitals_does_not_run_on_into_lower_case():
    text = "GNU GENERAL PUBLIC LICENSE\nto everyone who receives a copy, on the terms below.\n"
    assert only(text) == text


def test_a_title_that_appears_once_still_joins_a_broken_sentence():
    # one occurrence is no running header: the evidence decides as before
    a = "The committee reviewed the annual figures and agreed that the library should open longer"
    assert only(a + "\n\non weekends and holidays.") == a + " on weekends and holidays."


def _wrap(paragraph: str, width: int) -> list[str]:
    """``paragraph`` cut into lines of at most ``width`` display columns."""
    from cleaner.chars import display_width

    lines, cur = [], ""
    for c in paragraph:
        if cur and display_width(cur + c) > width:
            lines.append(cur)
            cur = ""
        cur += c
    return lines + [cur]


def _wrapped_document(paragraphs: list[str], width: int) -> str:
    """Paragraphs hard-wrapped at ``width``, separated by single line breaks."""
    return "\n".join("\n".join(_wrap(p, width)) for p in paragraphs) + "\n"


WRAP_PARAS = [
    "全市今年新建改建农村公路一百二十公里，完成危房改造三百余户，群众生活明显改善，各项社会事业协调发展。",
    "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，认真做好年底前的收尾工作，确保各项任务按期完成。",
]


def test_a_line_never_starts_a_paragraph_with_a_closing_mark():
    a = "他在会上说：“今年全区要继续办好十件民生实事，让群众得到实惠。"
    text = f"{a}\n”他说完，会场响起了掌声。\n"
    assert only(text) == f"{a}”他说完，会场响起了掌声。\n"


@pytest.mark.parametrize("mark", ["；", "："])
def test_a_full_wrapped_line_ending_with_a_clause_mark_continues(mark):
    middle = "全区今年农业工作的重点任务一共有三大项" + mark + "一是加强农田水利建设，二是加快推广优良品种，三是做好病虫害防治。"
    paras = [WRAP_PARAS[0], middle, WRAP_PARAS[1]]
    lines = [ln for p in paras for ln in _wrap(p, 40)]
    assert any(ln.endswith(mark) for ln in lines)  # the wrap falls after the mark
    assert only(_wrapped_document(paras, 40)) == "\n".join(paras) + "\n"


def test_a_wrapped_numbered_article_is_not_a_heading():
    article = "第二条人民解放军现役军官（以下简称军官）是被任命为排级以上职务或者初级以上专业技术职务，并被授予相应军衔的现役军人。"
    paras = [WRAP_PARAS[0], article, WRAP_PARAS[1]]
    assert only(_wrapped_document(paras, 50)) == "\n".join(paras) + "\n"


def test_a_line_with_digits_is_measured_in_display_columns():
    # 2023年5月16日 is narrower than as many ideographs: the line is full
    para = "2023年5月16日上午，记者来到市科技馆，了解展馆建设情况。截至目前，科技馆主体工程已完成百分之八十，预计明年开馆。"
    paras = [WRAP_PARAS[0], para, WRAP_PARAS[1]]
    assert "2023年5月16日上午，记者来到市科技馆，" in _wrap(para, 38)
    assert only(_wrapped_document(paras, 38)) == "\n".join(paras) + "\n"


def test_a_page_break_inside_a_word_in_a_line_per_paragraph_document():
    paras = [WRAP_PARAS[0], "中银基金投研团", "队将在参考借鉴国外一流投研机构的研究分析方法的基础上，建立自己的研究体系。", *WRAP_PARAS, LONG_A + LONG_B, *WRAP_PARAS]
    text = "\n".join(paras[:2]) + "\n\n" + "\n".join(paras[2:]) + "\n"
    out = only(text)
    assert "中银基金投研团队将在参考借鉴" in out and out.count("\n") == text.count("\n") - 2


def test_a_short_first_line_joins_when_a_word_runs_across():
    text = f"{WRAP_PARAS[0]}\n\n记者在莱太花\n\n卉一条街随机采访了一位正在买蜡烛的消费者，她说价格比去年便宜。\n\n{WRAP_PARAS[1]}\n"
    out = only(text)
    assert "记者在莱太花卉一条街随机采访了" in out


@pytest.mark.parametrize("title", ["图书馆新馆开放", "防堵网络黄害", "计算方式的变革"])
def test_a_short_title_stays_above_its_paragraph(title):
    text = f"{title}\n\n{LONG_A}{LONG_B}\n\n{WRAP_PARAS[1]}\n"
    assert only(text) == text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a word runs across the break, though the segmentation gain is small
        ("其实，外在的困难并不可怕，可怕的是在这", "一阶段放松了努力，我们要保持清醒的头脑。"),
        ("我们应该正确地认识自己的能力，理智地分析各种主", "客观因素，制订切实可行的计划。"),
        ("家里只有年迈的父母，你没有兄弟姐妹，你就", "是家中的顶梁柱，你应该意识到这一点。"),
    ],
)
@pytest.mark.parametrize("brk", ["\n", "\n\n"])
def test_a_page_break_mid_clause_joins_when_a_word_runs_across(a, b, brk):
    text = f"{WRAP_PARAS[0]}{brk}{a}{brk}{b}{brk}{WRAP_PARAS[1]}\n"
    assert only(text) == f"{WRAP_PARAS[0]}{brk}{a}{b}{brk}{WRAP_PARAS[1]}\n"


@pytest.mark.parametrize(("a", "b"), [("“要不是今", "年他打得非常好，我们不会有机会进入决赛，”他说。"), ("我们要看", "到美好的前景，用积极的行动解除消极的意念。")])
def test_a_short_line_at_a_page_end_joins_when_a_word_runs_across(a, b):
    text = f"{WRAP_PARAS[0]}\n\n{a}\n\n{b}\n\n{WRAP_PARAS[1]}\n"
    assert only(text) == f"{WRAP_PARAS[0]}\n\n{a}{b}\n\n{WRAP_PARAS[1]}\n"


@pytest.mark.parametrize("title", ["加强协调配合，落实工作责任", "元旦，藏族空姐上蓝天", "科技进步，管理创新，生产提速"])
@pytest.mark.parametrize("brk", ["\n", "\n\n"])
def test_a_headline_with_commas_stays_above_its_body(title, brk):
    text = f"{WRAP_PARAS[0]}{brk}{title}{brk}本报北京1月1日讯记者王小明报道：{LONG_A}{LONG_B}{brk}{WRAP_PARAS[1]}\n"
    assert only(text) == text


#: a line without end punctuation wide enough to read as prose (a headline
#: or a list's lead-in) ...
LEAD_IN = "今年的工作要突出重点，抓住农业、林业、水利、乡镇企业和农民收入四个重点"
HEADLINE = "见义勇为：救人不留名，拒绝收下酬谢；围观的路人：顺手牵走提包，至今没有下落"


@pytest.mark.parametrize(
    ("above", "opening"),
    [
        # a CJK bullet is often followed by no space: the item still opens a paragraph
        (LEAD_IN, "●一九九七年，林业建设取得了新的成绩，造林面积继续扩大。"),
        (LEAD_IN, "■ 全年粮食产量再创新高，农民收入稳步增长。"),
        # ... and so does a date with a time of day
        (HEADLINE, "2023年5月9日上午，在市中心的一家商场门口，一名男子抢走了路人的提包。"),
        (HEADLINE, "１９９７年１０月２９日晚，在市中心的一家商场门口，一名男子抢走了路人的提包。"),
    ],
)
def test_a_new_paragraph_opening_stays_below_a_line_without_end_punctuation(above, opening):
    text = f"{WRAP_PARAS[0]}\n{above}\n{opening}\n{WRAP_PARAS[1]}\n"
    assert only(text) == text


@pytest.mark.parametrize("brk", ["\n", "\n\n"])
def test_a_line_opening_with_an_elided_year_is_a_new_paragraph(brk):
    # ’97 (U+2019 and two digits) elides a century, it closes no quotation
    text = f"{WRAP_PARAS[0]}{brk}各国朋友参加了这一隆重而特别的仪式。{brk}’９７中国旅游年是一次国家级的旅游活动，吸引了大批游客。{brk}{WRAP_PARAS[1]}\n"
    assert only(text) == text
    quoted = f"{WRAP_PARAS[0]}{brk}他说：“我们一定会回来的。{brk}’他笑着挥了挥手。{brk}{WRAP_PARAS[1]}\n"
    assert only(quoted) != quoted  # a closing mark still continues the line above


def test_a_break_where_a_word_may_run_across_is_suggested_not_joined():
    text = f"{WRAP_PARAS[0]}\n但在看\n过医生的报告后，教练乐观地宣称，他可以在季后赛复出。\n{WRAP_PARAS[1]}\n"
    r = explain(text, only=["paragraphs"])
    assert r.text == text
    cut = text.index("看\n") + 1
    assert [(s.start, s.end, s.before, s.after) for s in r.suggestions] == [(cut, cut + 1, "\n", "")]
    assert not explain(f"{WRAP_PARAS[0]}\n防堵网络黄害\n{LONG_A}{LONG_B}\n", only=["paragraphs"]).suggestions


def test_verdicts_remembered_for_the_document_are_the_fresh_ones():
    """The rule remembers its verdicts per layout across its calls on one
    document (issue 12: the run after a dedup drop); they are the verdicts
    a fresh call gives, and the pipeline forgets them after the document."""
    from cleaner.config import make_config
    from cleaner.rules.paragraphs import _recent, forget_layouts, paragraphs_rule

    text = "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，认\n\n真做好年底前的收尾工作。\n" * 3 + "但在看\n过拜纳姆的伤情报告后，禅师乐观地宣称。\n"
    cfg = make_config()
    forget_layouts()
    fresh = list(paragraphs_rule(text, cfg))
    assert _recent()  # (the layouts it saw)
    assert list(paragraphs_rule(text, cfg)) == fresh  # from the memo
    forget_layouts()
    assert not _recent()
    explain(text)
    assert not _recent()  # the pipeline forgot the document


def test_the_layout_memo_stays_within_its_bounds(monkeypatch):
    from cleaner.rules import paragraphs as P

    memo = P._RecentLayouts()
    stats = [P._DocStats(wrap_width=w, tolerance=0, blank_paragraphs=False, indents=False) for w in range(5)]
    for st_ in stats:
        memo.setdefault(st_)[("a" * 10, "a" * 10, "b" * 10, False)] = None
    memo.setdefault(stats[2])  # (used again: now the newest)
    memo.trim()
    assert list(memo) == [stats[3], stats[4], stats[2]][-P.RECENT_LAYOUTS :]
    monkeypatch.setattr(P, "RECENT_CHARS", 60)
    memo.trim()
    assert list(memo) == [stats[4], stats[2]]  # (30 characters a layout)


def test_the_line_cache_is_renewed_when_it_grows_too_large(monkeypatch):
    from cleaner.rules import paragraphs as P

    P.forget_layouts()
    cache = P._line_cache()
    assert P._line_cache() is cache  # (kept for the document)
    cache.widths(["一行字"])
    cache.header_keys(["一行字"])
    monkeypatch.setattr(P, "RECENT_LINES", 1)
    assert len(cache) == 2 and P._line_cache() is not cache
    P.forget_layouts()


def _damaged_documents() -> list[str]:
    from benchmarks.inject import throughput_text

    return [throughput_text(lang, size, seed=seed) for lang in ("zh", "en") for size in (6_000, 40_000) for seed in (1, 2)]


def test_resuming_after_other_rules_gives_what_the_whole_rule_gives(monkeypatch):
    """After dedup drops a paragraph (and the normalizers tidy the seam),
    the pipeline resumes ``paragraphs`` on the changed spans: the result,
    edits and suggestions, is the one of running the rule on the whole text
    again, and the resumption does happen (without falling back)."""
    import dataclasses

    from cleaner.registry import RULES
    from cleaner.rules import paragraphs

    texts = _damaged_documents()
    notypo = ("ocr_confusion", "consistency", "stutter", "lexicon")
    calls = {"resume": 0, "whole": 0}
    resume, whole = paragraphs.paragraphs_resume, paragraphs.paragraphs_rule

    def counted_resume(text, config, spans):
        calls["resume"] += 1
        return resume(text, config, spans)

    def counted_whole(text, config):
        calls["whole"] += 1
        return whole(text, config)

    rule = RULES["paragraphs"]
    monkeypatch.setattr(paragraphs, "paragraphs_rule", counted_whole)  # (what resume falls back to)
    registry = dict(RULES)
    registry["paragraphs"] = dataclasses.replace(rule, func=counted_whole, resume=counted_resume)
    from cleaner import pipeline

    monkeypatch.setattr(pipeline, "RULES", registry)
    resumed = [explain(t, disable=notypo) for t in texts]
    assert calls["resume"] >= 4 and calls["whole"] < len(texts) + calls["resume"]  # (resumed without the whole rule)
    registry["paragraphs"] = dataclasses.replace(rule, resume=None)
    assert [explain(t, disable=notypo) for t in texts] == resumed


def test_resume_runs_the_whole_rule_on_a_text_it_did_not_return():
    from cleaner.config import make_config
    from cleaner.rules.paragraphs import forget_layouts, paragraphs_resume, paragraphs_rule

    cfg = make_config()
    text = "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，认\n\n真做好年底前的收尾工作。\n"
    try:
        list(paragraphs_rule("另一篇文章。\n第二行\n", cfg))
        assert list(paragraphs_resume(text, cfg, [(3, 4)])) == list(paragraphs_rule(text, cfg))
    finally:
        forget_layouts()


def test_the_walk_passes_by_only_breaks_that_decide_would_keep_and_never_doubt():
    # The walk skips a break after a line that ends a sentence (or with ；)
    # when the break is no wrap and line B opens with no closing or clause
    # mark; every such break must be one _decide keeps apart and _doubt_at
    # reports nothing for, with the paragraph as the walk would have it.
    from cleaner.rules import paragraphs as P

    seen = 0
    for text in _damaged_documents():
        lines = P._lines(text)
        stats = P._stats(lines)
        para = ""
        n = len(lines.bodies)
        for i in range(n - 1):
            a = lines.bodies[i]
            if lines.blanks[i]:
                para = ""
                continue
            para = para or a
            j = i + 1
            while j < n and lines.blanks[j]:
                j += 1
            if j >= n or j - i - 1 > 1:
                para = ""
                continue
            b = lines.bodies[j]
            if a[-1:] in P._CLOSED and (j > i + 1 or not stats.wrap_width) and b.lstrip(" \t\u3000")[:1] not in P.NEVER_STARTS:
                seen += 1
                # (the paragraph before the break: the line alone, or the line after a longer paragraph)
                for before in (a, "会议要求各部门加强协调配合，" + a):
                    assert P._decide(a, before, b, j == i + 2, stats) is None, (a, b)
                    assert P._doubt_at(text, (lines.starts[i], a, lines.starts[j], b, before)) is None
            verdict = P._decide(a, para, b, j == i + 2, stats)
            para = para + b if verdict is not None and verdict[0] >= P.JOIN_SCORE else ""
    assert seen > 100


def test_verdicts_carried_over_from_a_layout_with_other_headers_are_the_fresh_ones():
    # A layout that differs from a remembered one only in its running
    # headers starts with that one's verdicts, less the breaks next to a line
    # whose header status changed: every verdict it holds is the fresh one.
    import dataclasses

    from cleaner.rules import paragraphs as P

    seen = 0
    for text in _damaged_documents():
        lines = P._lines(text)
        stats = P._stats(lines)
        memo = P._RecentLayouts()
        list(P._walk(text, lines, stats, memo.setdefault(stats), P._fenced(lines, text), [], 0, len(lines.bodies)))
        header = next((body.strip() for body, empty in zip(lines.bodies, lines.blanks) if not empty and body.strip() not in stats.headers), "")
        for other in (stats.headers | {header}, frozenset(list(stats.headers)[1:])):
            moved = dataclasses.replace(stats, headers=other)
            carried = P._layout_verdicts(memo, moved)
            assert carried and len(carried) <= len(memo[stats]), (len(carried), len(memo[stats]))
            for key, verdict in carried.items():
                assert verdict == P._decide(*key, moved), key
            seen += len(carried)
            del memo[moved]
        assert P._layout_verdicts(memo, dataclasses.replace(stats, wrap_width=stats.wrap_width + 1)) == {}  # (another layout)
    assert seen > 100


def test_resuming_where_a_drop_changed_the_running_headers_gives_what_the_whole_rule_gives():
    # Removing one of the two copies of a repeated short line changes the
    # running headers; the resumption judges the breaks next to it again.
    from cleaner.config import make_config
    from cleaner.rules.paragraphs import _LOCAL, forget_layouts, paragraphs_resume, paragraphs_rule

    cfg = make_config()
    body = "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，做好年底前的收尾工作。"
    cases = [
        ("滨江区年度工作报告", f"{LONG_A}\n真做好年底前的收尾工作。"),
        ("Widget Controller Manual", f"{LONG_A}\nand more text follows here."),
        ("图书馆今年完成了老馆的改造新增阅览座位请读者认", LONG_B),  # (no header any more: it joins)
    ]
    for header, tail in cases:
        before = f"{header}\n{body}\n\n{body}\n{header}\n{tail}\n\n{body}\n"
        try:
            settled = explain(before, only=["paragraphs"]).text
            forget_layouts()
            list(paragraphs_rule(settled, cfg))
            assert _LOCAL.settled is not None and header in _LOCAL.settled.stats.headers
            after = settled[len(header) + 1 :]  # (the copy at the top goes)
            resumed = list(paragraphs_resume(after, cfg, [(0, 0)]))
            forget_layouts()
            whole = list(paragraphs_rule(after, cfg))
            assert [e for e in resumed if e in whole] == resumed
            assert [e for e in whole if type(e).__name__ == "Edit"] == [e for e in resumed if type(e).__name__ == "Edit"]
        finally:
            forget_layouts()


def test_resuming_past_a_join_gives_the_edits_of_the_whole_rule():
    # A line break put into a settled paragraph (as another rule might
    # leave one) joins again; the resumption carries the passes on from the
    # spans and gives the edits of the whole rule, and only suggestions the
    # whole rule gives.
    import random

    from cleaner.config import make_config
    from cleaner.rules.paragraphs import _LOCAL, forget_layouts, paragraphs_resume, paragraphs_rule

    cfg = make_config()
    rng = random.Random(12)
    resumed_joins = 0
    for text in _damaged_documents():
        settled = explain(text, only=["paragraphs"]).text
        cuts = sorted(rng.sample([k for k, ch in enumerate(settled) if ch in "，,"], 3))
        broken = "".join(settled[a + 1 : b + 1] + "\n" for a, b in zip([-1, *cuts], cuts)) + settled[cuts[-1] + 1 :]
        spans = [(c + 1 + n, c + 2 + n) for n, c in enumerate(cuts)]  # (each line break put in)
        try:
            forget_layouts()
            list(paragraphs_rule(settled, cfg))
            resumed = list(paragraphs_resume(broken, cfg, spans))
            after = _LOCAL.settled
            forget_layouts()
            whole = list(paragraphs_rule(broken, cfg))
            assert [e for e in resumed if type(e).__name__ == "Edit"] == [e for e in whole if type(e).__name__ == "Edit"]
            assert [e for e in resumed if e in whole] == resumed
            assert after is not None and after == _LOCAL.settled
            resumed_joins += any(type(e).__name__ == "Edit" for e in resumed)
        finally:
            forget_layouts()
    assert resumed_joins >= 4


def test_counting_again_where_joins_changed_the_lines_gives_the_full_count():
    # _retallied (the lines and counts of a text once edits are made, from
    # the lines the edits touch) gives what counting the whole text gives,
    # or None; on random texts of prose, blank, indented and header-like
    # lines, with random edits around line breaks.
    import random

    from cleaner.edits import Edit, apply_edits
    from cleaner.rules import paragraphs as P

    rng = random.Random(5)
    pool = ["", " ", "\u3000", "第三章 经济发展", "Page 3", "Page 4", "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，认",
            "真做好年底前的收尾工作。", "The quick brown fox jumps over the lazy dog and keeps", "  indented para start here and more",
            "这是一个很长的中文句子没有标点符号一直写到行尾为止", "short", "x"]  # fmt: skip
    counted = 0
    for _ in range(1500):
        lines = [rng.choice(pool) if rng.random() < 0.7 else "".join(rng.choice("ab 中文，。\t") for _ in range(rng.randint(0, 50))) for _ in range(rng.randint(1, 20))]
        text = "\n".join(lines) + ("\n" if rng.random() < 0.5 else "")
        breaks = [k for k, ch in enumerate(text) if ch == "\n"]
        if not breaks:
            continue
        edits: list[Edit] = []
        for k in sorted(rng.sample(breaks, min(len(breaks), rng.randint(1, 4)))):
            start = max(k - rng.randint(0, 2), edits[-1].end + 1 if edits else 0)
            end = min(k + 1 + rng.randint(0, 3), len(text))
            if start < end:
                edits.append(Edit("x", start, end, text[start:end], rng.choice(["", " ", "\n", "-", "\n\n"])))
        lines_before = P._lines(text)
        after = apply_edits(text, edits)
        got = P._retallied(lines_before, P._tally(lines_before, P._LineCache()), edits, after, P._LineCache())
        if got is None:
            continue
        assert got[0] == P._lines(after)
        assert got[1] == P._tally(got[0], P._LineCache())
        assert P._layout(got[1]) == P._stats(P._lines(after))
        counted += 1
    assert counted >= 300


def test_passes_after_few_joins_give_what_passes_over_every_break_give(monkeypatch):
    # A pass after one that joined few breaks judges only the breaks next to
    # them: the rule gives the same edits and suggestions as when every pass
    # reads every break (FEW_JOINS that large: never few), and as when every
    # pass after the first reads only the breaks next to the joins (FEW_JOINS
    # = 1: always few).
    from cleaner.rules import paragraphs as P

    from benchmarks.inject import throughput_text

    near = []
    for text in [*_damaged_documents(), *(throughput_text("zh", 120_000, seed=seed) for seed in (2, 3))]:  # (joins few in pass 3)
        P.forget_layouts()
        fast = explain(text, only=["paragraphs"])
        for few in (10**9, 1):
            with monkeypatch.context() as m:
                m.setattr(P, "FEW_JOINS", few)
                P.forget_layouts()
                other = explain(text, only=["paragraphs"])
            assert (fast.text, fast.edits, fast.suggestions) == (other.text, other.edits, other.suggestions)
        P.forget_layouts()
        near.append(fast.text != text)
        assert fast.suggestions or len(text) < 100_000  # (the breaks kept from the pass before)
    assert sum(near) >= 4


def test_counting_a_resumed_text_from_the_one_returned_gives_the_full_count():
    # _realigned (the counts of a text's lines from those of the text it was,
    # given the spans that changed) gives what counting the whole text gives,
    # or None; running headers made and unmade included.
    import random

    from cleaner.edits import Edit, apply_edits, spans_after
    from cleaner.rules import paragraphs as P

    rng = random.Random(9)
    pool = ["", " ", "第三章 经济发展", "Page 3", "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，认", "真做好年底前的收尾工作。", "  indented para start here and more", "x"]
    counted = 0
    for _ in range(1500):
        lines = [rng.choice(pool) if rng.random() < 0.7 else "".join(rng.choice("ab 中文，。\t") for _ in range(rng.randint(0, 50))) for _ in range(rng.randint(1, 20))]
        text = "\n".join(lines) + ("\n" if rng.random() < 0.5 else "")
        edits: list[Edit] = []
        for _ in range(rng.randint(1, 4)):
            start = rng.randint(0, len(text))
            end = min(len(text), start + rng.randint(0, 12))
            if not edits or start > edits[-1].end:
                edits.append(Edit("x", start, end, text[start:end], rng.choice(["", " ", "\n", "Page 5", "\n\n第三章 经济发展\n"])))
        after = P._lines(apply_edits(text, edits))
        got = P._realigned(P._measured(text, P._LineCache()), after, spans_after(edits), P._LineCache())
        if got is not None:
            assert got == P._tally(after, P._LineCache())
            counted += 1
    assert counted >= 1000


def test_batch_widths_measure_as_display_width_on_every_code_point_and_random_lines():
    # the numpy table must count wide exactly the characters the regex of
    # display_width does, surrogates and planes beyond the BMP included
    import random

    from cleaner.chars import display_width
    from cleaner.rules.paragraphs import _batch_widths

    chars = [chr(code) for code in range(0x110000)]
    texts = [c + "中" for c in chars] + [c + "a" for c in chars]
    assert _batch_widths(texts) == [display_width(t) for t in texts]
    rng = random.Random(3)
    alphabet = "中文，。abcé—“”😀\ud800한가\u3000ｗ\x00𠀀 \t"
    lines = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    assert _batch_widths(lines) == [display_width(t) for t in lines]
    assert _batch_widths([]) == []


def test_holds_three_agrees_with_a_search_for_three_past_the_marks_read_one_by_one():
    import random

    from cleaner.rules.paragraphs import FEW_MARKS, _holds_three

    rng = random.Random(4)
    for _ in range(20000):
        n = rng.choice([5, 40, 4 * FEW_MARKS])
        text = "".join(rng.choice("~~`中a\n") for _ in range(rng.randint(0, n)))
        for mark in "~`":
            assert _holds_three(mark, text) == (mark * 3 in text), repr(text)
    many = "~中" * (3 * FEW_MARKS)
    assert not _holds_three("~", many) and _holds_three("~", many + "~~~") and _holds_three("~", many[:-1] + "~~")


def test_lines_blank_exactly_when_strip_leaves_nothing_for_every_code_point():
    from cleaner.rules.paragraphs import _lines

    chars = [chr(code) for code in range(0x110000) if chr(code) not in "\n\r"]
    bodies = [c for c in chars] + [c + " " for c in chars] + ["", " \u3000\t"]
    lines = _lines("\n".join(bodies))
    assert lines.bodies == bodies
    assert lines.blanks == [not body.strip() for body in lines.bodies]


@pytest.mark.parametrize("pure", ["1", "0"])
def test_two_short_lines_stay_apart_whatever_word_runs_across(pure, monkeypatch):
    # a byline over a list of captions: 画|面 reads as 画面 across the break
    monkeypatch.setenv("CLEANER_PURE_PYTHON", pure)
    text = f"{WRAP_PARAS[0]}\n春节庙会即景\n王小明／画\n面人\n拉洋片\n茶汤\n{WRAP_PARAS[1]}\n"
    assert only(text) == text
    # a short start of a paragraph before its long rest still joins
    broken = f"{WRAP_PARAS[0]}\n\n我们要看\n\n到美好的前景，用积极的行动解除消极的意念。\n\n{WRAP_PARAS[1]}\n"
    assert "我们要看到美好的前景" in only(broken)
