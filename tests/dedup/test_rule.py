"""Rules `dedup` and `page_headers`: what must go, what must stay, and the report."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import apply_edits, clean, explain
from cleaner.records import Document, Result
from cleaner.runner import Stats
from tests.conftest import SAMPLES

P1 = "图书馆今年完成了老馆改造，新增阅览座位三百个，加快老旧管网改造，延长了周末的开放时间。"
P2 = "新建的体育公园占地约八十亩，总投资约三亿元，设有足球场、篮球场和环形跑道，年底前开放。"
P3 = "春节前后，各地气温起伏较大，专家提醒老人和孩子注意添衣保暖，外出时做好防护。"


def dedup(text: str, **options) -> str:
    return clean(text, only=["dedup"], **options)


def test_exact_repeat_is_dropped_and_explained():
    text = f"{P2}\n\n{P1}\n\n{P1}\n"
    r = explain(text, only=["dedup"])
    assert r.text == f"{P2}\n\n{P1}\n"
    (e,) = r.edits
    assert (e.rule, e.before, e.after, e.score) == ("dedup", f"\n\n{P1}", "", 100.0)
    assert text[e.ref[0] : e.ref[1]] == P1
    assert "paragraph 1" in e.note  # counted from 0, as ref_paragraph
    assert apply_edits(text, r.edits) == r.text


def test_near_repeat_with_ocr_differences_is_dropped():
    ocr = P1.replace("阅览", "阅揽").replace("，", ",")  # one confusion, ASCII commas
    r = explain(f"{P1}\n\n{ocr}\n\n{P2}\n", only=["dedup"])
    assert r.text == f"{P1}\n\n{P2}\n"
    assert 90 <= r.edits[0].score < 100


def test_traditional_and_fullwidth_copy_is_a_duplicate():
    trad = "圖書館今年完成了老館改造，新增閱覽座位三百個，加快老舊管網改造，延長了週末的開放時間。"
    assert dedup(f"{P1}\n\n{trad}\n") == f"{P1}\n"


def test_keep_longest_keeps_the_longer_copy():
    longer = P1[:-1] + "，欢迎广大读者前来借阅。"
    r = explain(f"{P1}\n\n{longer}\n\n{P2}\n", only=["dedup"], dedup_keep="longest", dedup_threshold=85)
    assert r.text == f"{longer}\n\n{P2}\n"
    assert r.edits[0].before == f"{P1}\n\n"  # the first paragraph goes with the separator after it


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        P1,  # one paragraph
        f"{P1}\n",
        f"{P1}\n\n{P2}\n\n{P3}\n",  # no repeats
        "本报记者 王小明\n\n正文第一段，内容很长。\n\n本报记者 王小明\n",  # short lines repeat legitimately
        "2023年5月9日\n\n2023年5月11日\n",  # date lines
        "## 第一部分 总体要求和主要目标任务\n\n正文。\n\n## 第一部分 总体要求和主要目标任务\n",  # headings
        # a long shared phrase is not a duplicate paragraph
        "会议指出，要坚持以人民为中心的发展思想，统筹推进经济社会发展，今年全区生产总值增长百分之五。\n\n"
        "会议指出，要坚持以人民为中心的发展思想，扎实做好民生保障工作，新建学校三所、医院两所。\n",
        # a template with different numbers
        "第一季度，全区实现地区生产总值45.2亿元，同比增长5.2%，规模以上工业增加值增长6.1%。\n\n"
        "第二季度，全区实现地区生产总值47.9亿元，同比增长5.6%，规模以上工业增加值增长6.3%。\n",
        "The committee approved the annual budget after a long debate on Monday.\n\n"
        "The committee rejected the annual budget after a long debate on Friday.\n",
        # repeats that are not immediate are real prose: contents and chapters,
        # an amendment quoting the article, a closing sentence under each item
        "第一章 总则和适用范围的具体规定\n第二章 基本条件和培训的具体规定\n\n## 第一章\n\n第一章 总则和适用范围的具体规定\n",
        f"第五条 {P1}\n\n{P2}\n\n三、第五条修改为：“{P1}”\n",
        "1. 二〇二〇年发行的记账式一期债券，于今年到期。\n该期债券为贴现债券，期限一年，按票面金额偿还。\n"
        "2. 二〇二〇年发行的记账式四期债券，于今年到期。\n该期债券为贴现债券，期限一年，按票面金额偿还。\n",
        # a heading between two copies keeps both
        f"## 上篇\n\n{P1}\n\n## 下篇\n\n{P1}\n",
    ],
)
def test_text_without_duplicates_comes_back_unchanged(text):
    assert dedup(text) == text


def test_latin_paragraphs():
    a = "The committee approved the annual budget after a long debate on Monday evening."
    b = "The committee approved the annual budget after a long debate on Monday evening!"
    c = "The commitee approved the anual budget after a long debate on Monday evening."
    assert dedup(f"{a}\n\n{b}\n\n{c}\n") == f"{a}\n"


def test_short_lines_between_copies_do_not_hide_the_repeat():
    assert dedup(f"{P1}\n\n- 12 -\n\n{P1}\n\n{P2}\n") == f"{P1}\n\n- 12 -\n\n{P2}\n"


def test_a_block_repeated_right_after_itself_is_dropped():
    text = f"{P1}\n\n{P2}\n\n{P3}\n\n{P1}\n\n{P2}\n\n{P3}\n\n结束语，这一段只出现一次，并不重复。\n"
    r = explain(text, only=["dedup"])
    assert r.text == f"{P1}\n\n{P2}\n\n{P3}\n\n结束语，这一段只出现一次，并不重复。\n"
    assert [e.ref for e in r.edits] == [(0, len(P1)), (len(P1) + 2, len(P1) + 2 + len(P2)), (len(P1) + len(P2) + 4, len(P1) + len(P2) + len(P3) + 4)]


@pytest.mark.parametrize("keep", ["first", "longest"])
def test_a_block_made_adjacent_by_a_drop_goes_in_the_same_clean(keep):
    # P1 P2 P3 P3' P1 P2 P3: dropping P3' leaves P1 P2 P3 repeated right
    # after itself (found by fuzzing real paragraphs: a second clean dropped it)
    near = P3.replace("老人", "老年人")
    text = "\n\n".join([P1, P2, P3, near, P1, P2, P3]) + "\n"
    r = explain(text, only=["dedup"], dedup_keep=keep)
    assert apply_edits(text, r.edits) == r.text
    assert r.text.count(P1) == r.text.count(P2) == 1
    assert dedup(r.text, dedup_keep=keep) == r.text
    assert all(e.ref is not None and e.score >= 90 for e in r.edits)


def test_min_chars_zero_collapses_identical_short_paragraphs_only():
    text = "正文的内容，很长很长的一段话。\n\n扫描二维码\n\n扫描二维码\n\n扫描二维吗\n"
    assert dedup(text) == text
    assert dedup(text, dedup_min_chars=0) == "正文的内容，很长很长的一段话。\n\n扫描二维码\n\n扫描二维吗\n"


def test_one_paragraph_per_line_documents():
    text = f"{P1}\n{P1}\n{P2}\n{P3}\n{P1}\n"
    assert dedup(text) == f"{P1}\n{P2}\n{P3}\n{P1}\n"


def test_chains_do_not_drop_beyond_the_threshold():
    # B is near A and C is near B, but C is not near A: only B goes.
    a = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
    b = a[:18] + "天地"
    c = b[:16] + "玄黄" + b[18:]
    r = explain(f"{a}\n\n{b}\n\n{c}\n", only=["dedup"], dedup_threshold=88)
    assert r.text == f"{a}\n\n{c}\n"


def test_many_paragraphs_use_lsh_and_agree_with_all_pairs():
    import random

    rng = random.Random(3)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    paras = ["".join(rng.choice(chars) for _ in range(rng.randint(30, 60))) + "。" for _ in range(400)]
    with_copies = []
    for i, p in enumerate(paras):
        with_copies.append(p)
        if i % 10 == 0:
            with_copies.append(p[:10] + rng.choice(chars) + p[11:])
    text = "\n\n".join(with_copies) + "\n"
    r = explain(text, only=["dedup"])
    assert r.text == "\n\n".join(paras) + "\n"
    assert len(r.edits) == 40


OTHERS = [
    "今年以来，全区上下坚持稳中求进工作总基调，经济运行总体平稳、稳中有进。",
    "全年新建改建农村公路一百二十公里，完成危房改造三百余户，群众生活明显改善。",
    "下一步，将继续深化改革开放，加快创新驱动，全力以赴做好各项工作。",
]


@settings(max_examples=25, deadline=None)
@given(st.permutations([P1, P2, P3] + OTHERS), st.integers(0, 5), st.sampled_from(["first", "longest"]))
def test_order_independence(paras, at, keep):
    """Wherever a repeat sits and whatever the other paragraphs' order, it is
    found, the same member stays for keep="longest", and nothing else changes."""
    copy = paras[at].replace("，", ",", 1) + "另"
    doc = paras[: at + 1] + [copy] + paras[at + 1 :]
    out = dedup("\n\n".join(doc) + "\n", dedup_keep=keep).rstrip("\n").split("\n\n")
    expected = paras[:at] + [paras[at] if keep == "first" else copy] + paras[at + 1 :]
    assert out == expected


def test_stats_count_dropped_paragraphs():
    text = f"{P1}\n\n{P2}\n\n{P1}\n\n{P2}\n"
    r = explain(text)
    stats = Stats()
    stats.add(Result(Document("x", text), r.text, r.edits, r.suggestions))
    assert stats.dropped_paragraphs == 2


def test_sample_repeated_section_comes_out_once():
    text = (SAMPLES / "yibin-2021-12.txt").read_text(encoding="utf-8")
    r = explain(text)
    drops = [e for e in r.edits if "dedup" in e.rules]
    assert len(drops) == 2
    for e in drops:
        kept = text[e.ref[0] : e.ref[1]]
        assert len(kept) > 100 and e.score >= 90
        assert kept[:4] == e.before.strip()[:4]
    # the section that was printed three times is in the output once
    marker = drops[0].before.strip()[:12]
    assert marker not in r.text or r.text.count(marker) == 1
    assert apply_edits(text, r.edits) == r.text


def test_page_headers_rule_is_off_by_default_and_drops_repeats():
    page = "年度工作报告 第{}页\n\n第{}页正文，内容足够长，不是页眉。\n\n"
    text = "".join(page.format(i, i) for i in range(1, 5))
    r = explain(text, only=["page_headers"])
    assert r.text.count("年度工作报告") == 1
    assert all(e.rule == "page_headers" and e.ref == (0, 10) for e in r.edits)
    assert "page_headers" not in [n for n in explain(text).counts()]


def test_page_headers_leaves_repeated_captions_and_prose():
    text = "图1\n\n正文，很长。\n\n图2\n\n正文，很长。\n\n图3\n\n正文，很长。\n"
    assert clean(text, only=["page_headers"]) == text


def test_page_header_inside_a_paragraph_lets_it_rejoin():
    a = "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，认"
    b = "真做好年底前的收尾工作，确保各项任务按期完成。"
    text = f"机关工作简报\n{P1}\f机关工作简报\n{P2}\f机关工作简报\n{a}\f机关工作简报\n\n{b}\n"
    out = clean(text, only=["page_headers", "whitespace", "paragraphs"])
    assert out.count("机关工作简报") == 1
    assert a + b in out


def test_document_scope_drops_a_repeat_that_is_not_adjacent():
    text = f"{P1}\n\n{P2}\n\n{P1}\n"
    assert dedup(text) == text  # default: only immediate repeats
    r = explain(text, only=["dedup"], dedup_scope="document")
    assert r.text == f"{P1}\n\n{P2}\n"
    (e,) = r.edits
    assert e.ref == (0, len(P1)) and e.score == 100.0


LONG = "市政府常务会议研究部署了今冬明春的供暖保障工作，要求各供热企业提前检修管网设备，确保居民室内温度不低于十八摄氏度。"


@pytest.mark.parametrize("between", [1, 2, 3])
def test_a_long_paragraph_repeated_a_few_paragraphs_later_is_dropped(between):
    others = [P2, P3, OTHERS[0]][:between]
    text = "\n\n".join([LONG, *others, LONG]) + "\n"
    r = explain(text, only=["dedup"])
    assert r.text == "\n\n".join([LONG, *others]) + "\n"
    (e,) = r.edits
    assert text[e.ref[0] : e.ref[1]] == LONG


def test_a_near_repeat_a_few_paragraphs_later_is_dropped():
    near = LONG.replace("检修", "检查").replace("居民", "居")
    text = f"{LONG}\n{P2}\n{P3}\n{near}\n"
    assert dedup(text) == f"{LONG}\n{P2}\n{P3}\n"


@pytest.mark.parametrize(
    "text",
    [
        # beyond the window
        "\n\n".join([LONG, P1, P2, P3, OTHERS[0], LONG]) + "\n",
        # too short to be unmistakable (a notice repeated on purpose)
        f"{OTHERS[2]}\n{P1}\n{OTHERS[2]}\n",
        # a quotation of the paragraph, a heading between the copies
        f"{LONG}\n\n{P2}\n\n有代表指出：“{LONG}”\n",
        f"{LONG}\n\n## 附件\n\n{LONG}\n",
    ],
)
def test_repeats_that_are_not_damage_stay(text):
    assert dedup(text) == text


def test_a_short_repeat_within_the_window_is_only_suggested():
    notice = OTHERS[2]  # 28 key characters: long enough to notice, too short to be sure
    text = f"{notice}\n{P1}\n{notice}\n"
    r = explain(text, only=["dedup"])
    assert r.text == text
    (s,) = r.suggestions
    assert (s.rule, s.before, s.after) == ("dedup", notice, "") and text[s.ref[0] : s.ref[1]] == notice


def _adjacent_by_definition(seq, rep, verified, max_group=200):
    """adjacent_repeats as its docstring defines it, pair by pair (the oracle)."""
    pos = {u: p for p, u in enumerate(seq)}
    members = {}
    for u in seq:
        if rep[u] >= 0:
            members.setdefault(rep[u], []).append(pos[u])
    match = {}
    for g in members.values():
        pairs = [(a, b) for i, a in enumerate(g) for b in g[i + 1 :]] if len(g) <= max_group else list(zip(g, g[1:]))
        match.update(dict.fromkeys(pairs, 100.0))
    for (r1, r2), s in verified.items():
        g1, g2 = members.get(r1, []), members.get(r2, [])
        if rep[r1] == r1 and rep[r2] == r2 and len(g1) * len(g2) <= max_group * max_group:
            match.update({(min(a, b), max(a, b)): s for a in g1 for b in g2})
    region = {}
    for a, b in match:
        k = 0
        while (a + k, b + k) in match:
            k += 1
        if (a - 1, b - 1) not in match and k >= b - a:
            for p in range(a, b + k):
                region.setdefault(p, []).append((a, b + k))
    # stretches that overlap form one region
    def root(p):
        return min(s for s, _ in _closure(region, p))
    out = sorted(((seq[a], seq[b]), s) for (a, b), s in match.items() if a in region and b in region and root(a) == root(b))
    return [p for p, _ in out], [s for _, s in out]


def _closure(region, p):
    seen, todo = set(), list(region[p])
    while todo:
        s, e = todo.pop()
        if (s, e) in seen:
            continue
        seen.add((s, e))
        for q in range(s, e):
            todo.extend(region.get(q, []))
    return seen


def _random_units(rng, *, size, labels, links, ordered):
    """A random case for the searches: ``n`` units, each one's exact-group
    representative (-1 for one in ten), a few verified pairs of
    representatives (``ordered``: smaller first) and the units that count."""
    n = rng.randint(1, size)
    label = [rng.randrange(rng.randint(1, labels)) if rng.random() < 0.9 else -1 for _ in range(n)]
    first: dict[int, int] = {}
    rep = [-1 if lab < 0 else first.setdefault(lab, u) for u, lab in enumerate(label)]
    reps = sorted({r for r in rep if r >= 0})
    verified = {}
    for _ in range(rng.randint(0, links)):
        if len(reps) >= 2:
            pair = rng.sample(reps, 2)
            verified[tuple(sorted(pair)) if ordered else tuple(pair)] = rng.choice([91.0, 95.5])
    seq = sorted(rng.sample(range(n), rng.randint(0, n)))
    return n, rep, verified, seq


@pytest.mark.parametrize("few", [0, 32])  # (the tries with arrays, and one at a time)
def test_adjacent_repeats_are_the_diagonal_runs_of_the_definition(monkeypatch, few):
    import random

    from cleaner.dedup import rule
    from cleaner.dedup.rule import adjacent_repeats

    monkeypatch.setattr(rule, "FEW_UNITS", few)

    rng = random.Random(5)
    found = 0
    for _ in range(3000):
        n, rep, verified, seq = _random_units(rng, size=24, labels=8, links=5, ordered=True)
        max_group = rng.choice([2, 200])
        got = adjacent_repeats(seq, rep, verified, max_group=max_group)
        assert got == _adjacent_by_definition(seq, rep, verified, max_group), (seq, rep, verified)
        found += bool(got[0])
    assert found > 300


def test_a_long_document_finds_near_and_block_repeats_without_lsh():
    # over ALL_PAIRS_BELOW paragraphs, only neighbours and the diagonals of
    # exact copies are compared: a near copy and a repeated block still go
    from cleaner.dedup.match import ALL_PAIRS_BELOW

    paras = [f"第{i}段：这是一段足够长的正文内容，讲述编号为{i}的事项和它的来龙去脉。" for i in range(ALL_PAIRS_BELOW + 20)]
    near_copy = paras[100].replace("来龙去脉", "来龙去向")
    block = paras[200:212]
    block_copy = block[:-1] + [block[-1].replace("来龙去脉", "来龙去向")]
    doc = paras[:101] + [near_copy] + paras[101:212] + block_copy + paras[212:]
    r = explain("\n\n".join(doc) + "\n", only=["dedup"])
    assert r.text == "\n\n".join(paras) + "\n"
    assert len(r.edits) >= 2


def _window_by_definition(seq, rep, verified, long, frame, barrier, window=3):
    """window_repeats as its docstring defines it, pair by pair (the oracle)."""
    pos = {u: p for p, u in enumerate(seq)}
    out = {}
    for u in seq:
        for v in seq[pos[u] + 1 : pos[u] + window + 2]:
            if not (long[u] and long[v] and rep[u] >= 0 and rep[v] >= 0) or frame[u] != frame[v]:
                continue
            if any(barrier[x] for x in seq[pos[u] + 1 : pos[v]]):
                continue
            if rep[u] == rep[v]:
                out[(u, v)] = 100.0
            elif (rep[u], rep[v]) in verified or (rep[v], rep[u]) in verified:
                first = next(k for k in verified if set(k) == {rep[u], rep[v]})  # (the first of two orders counts)
                out[(u, v)] = verified[first]
    return out


def test_window_repeats_are_the_near_pairs_of_the_definition():
    import random

    from cleaner.dedup.rule import window_repeats

    rng = random.Random(7)
    found = 0
    for _ in range(3000):
        n, rep, verified, seq = _random_units(rng, size=20, labels=6, links=4, ordered=False)
        long = [rng.random() < 0.8 for _ in range(n)]
        frame = [int(rng.random() < 0.15) for _ in range(n)]
        barrier = [rng.random() < 0.1 for _ in range(n)]
        got = window_repeats(seq, rep, verified, long, frame=frame, barrier=barrier)
        assert got == _window_by_definition(seq, rep, verified, long, frame, barrier), (seq, rep, verified)
        found += bool(got)
    assert found > 300


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_may_match_on_arrays_is_the_plain_test(data) -> None:
    import numpy as np

    from cleaner.dedup import rule as dedup_rule_module

    n = data.draw(st.integers(0, 120))
    if data.draw(st.booleans()):  # (copies likely)
        rep = data.draw(st.lists(st.integers(-1, max(0, n - 1)), min_size=n, max_size=n))
    else:  # (each unit its own representative, or none)
        rep = [u if keep else -1 for u, keep in enumerate(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))]
    seq = [u for u, keep in enumerate(data.draw(st.lists(st.booleans(), min_size=n, max_size=n))) if keep]
    take = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    verified = {p: 95.0 for p in data.draw(st.lists(st.tuples(st.integers(0, 130), st.integers(0, 130)), max_size=2))}
    for t in (None, take):
        present = [rep[u] for u in seq if rep[u] >= 0 and (t is None or t[u])]
        seen = set(present)
        plain = len(seen) < len(present) or any(a in seen and b in seen for a, b in verified)
        assert dedup_rule_module._may_match(seq, rep, verified, t) == plain
        assert dedup_rule_module._may_match(seq, np.asarray(rep, dtype=np.int64), verified, None if t is None else np.asarray(t, dtype=bool)) == plain
