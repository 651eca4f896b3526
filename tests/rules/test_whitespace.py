"""Rule `whitespace`."""

from __future__ import annotations

import re

import pytest

from cleaner import clean


def only(text: str) -> str:
    return clean(text, only=["whitespace"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("第一段。\n   \n第二段。\n", "第一段。\n\n第二段。\n"),  # whitespace-only line
        ("第一段。\n\n\n\n第二段。", "第一段。\n\n第二段。"),  # blank runs collapse
        ("\n\n\n标题\n", "标题\n"),  # leading blank lines
        ("正文。\n\n\n", "正文。\n"),  # trailing blank lines
        ("行尾有空格。   \n下一行。\t\n", "行尾有空格。\n下一行。\n"),
        ("图书馆 馆长走进社区，了解读者需求。", "图书馆馆长走进社区，了解读者需求。"),
        ("中 华 人 民 共 和 国", "中华人民共和国"),  # spaced-out characters
        ("第一段。\r\n \r\n\r\n第二段。\r\n", "第一段。\r\n\r\n第二段。\r\n"),  # CRLF kept
        ("上一页\f下一页", "上一页\n下一页"),  # form feed (page break)
        # a stray space in prose goes, also next to a separator that stays
        ("数据显示，该基金今年 以来收益率已达21.01%。", "数据显示，该基金今年以来收益率已达21.01%。"),
        ("生产、加工、销售四位 一体的工程。", "生产、加工、销售四位一体的工程。"),
        ("开心10倍 小拜膝伤，图书馆 馆长走进社区。", "开心10倍 小拜膝伤，图书馆馆长走进社区。"),
    ],
)
def test_changes(text, expected):
    assert only(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "# 春风送暖 百花盛开 游人如织\n",  # heading
        "新起点 新梦想 新辉煌\n",  # title segments
        "出席会议的有：张三 李四 王五 赵六。",  # a list of names
        "使用 Python 开发，用 Rust 加速。",  # CJK next to Latin
        "ヒーローズ：ライジング　ノベライズ",  # a title with a colon is not prose
        "　　首行缩进的段落，保持原样。",  # ideographic-space indent
        "第一段。\n\n第二段。\n",
        "no trailing newline",
        "Latin  double  spaces stay.",
    ],
)
def test_leaves_alone(text):
    assert only(text) == text


@pytest.mark.parametrize(
    "text",
    [
        # a headline glued to the text: the space after a number separates its parts
        "湖人消息比赢球开心10倍 小拜膝伤无碍季后赛复出新浪体育讯北京时间4月12日，在和马刺的比赛中。",
        "强势中端单反 佳能7D完美套机，售价不足万元。",  # before a Latin word with a digit
        "本报记者 李良 王妮娜记者从基金公司获悉，该产品获批。",  # a byline: several spaces in one clause
        "成交量居前的项目有A花园 (论坛 相册 户型 样板间)，均已售罄。",  # a list in brackets
        "本报讯 (记者 吴倩) 股市大热，基金赚钱效应显现。",  # a byline in short brackets
        "新时代，新征程 新作为",  # a short line that ends no sentence is a title
    ],
)
def test_keeps_separators_in_prose_lines(text):
    assert only(text) == text


@pytest.mark.parametrize(
    "text, expected",
    [
        # spaced-out OCR: quotation marks and numbers glued to a character are glyphs too
        ("基 金 公 司 第 二 轮 “ 差 异 化 ” 已 经 初 现 端 倪 。", "基金公司第二轮“差异化”已经初现端倪。"),
        ("去 年10月 份 财 政 部 发 文 规 定 ， 对 个 人 首 次 购 房 减 税 。", "去年10月份财政部发文规定，对个人首次购房减税。"),
        ("打 油 、 挑 水 … … 春 末 ， 她 就 为 老 人 吊 好 蚊 帐 。", "打油、挑水……春末，她就为老人吊好蚊帐。"),
        ("年金计划。” 当 基 金 公 司 越 来 越 像 个 资 产 管 理 公 司 时 ，公募仅是基石。", "年金计划。”当基金公司越来越像个资产管理公司时，公募仅是基石。"),
        # Latin words keep their spaces
        ("《 厨 师 到 我 家 》 （Take Home Chef） 是 一 个 美 食 节 目 。", "《厨师到我家》（Take Home Chef）是一个美食节目。"),
    ],
)
def test_spaced_out_text_is_closed_up(text, expected):
    assert only(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "使用 Python 开发 Web 应用。",  # words, not glyphs
        "A B C D 四个选项中选一个。",
        "本报记者 李良 王妮娜 报道。",
    ],
)
def test_word_spaces_are_not_spaced_out_text(text):
    assert only(text) == text


def _random_texts(alphabet: str, n: int = 3000, length: int = 30) -> list[str]:
    import random

    rng = random.Random(7)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, length))) for _ in range(n)]


def test_gaps_between_cjk_characters_are_what_the_lookaround_regex_finds():
    import re

    from cleaner.chars import CJK
    from cleaner.rules.whitespace import _cjk_gaps

    lookaround = re.compile(f"(?<=[{CJK}])[ \t\u3000]+(?=[{CJK}])")
    for body in _random_texts("中文，a1 \t\u3000\v“"):
        assert _cjk_gaps(body) == [m.span() for m in lookaround.finditer(body)], body


def test_spaced_out_text_always_holds_what_the_prefilter_looks_for():
    # the prefilter may skip the spaced-out search only where it finds nothing
    from cleaner.rules.whitespace import _SPACED_OUT, _SPACED_SINGLE, _spaced_gaps

    hits = 0
    for body in _random_texts("中文年“…a1  \u3000", n=6000, length=16):
        if _SPACED_OUT.search(body) or list(_spaced_gaps(body)):
            hits += 1
            assert _SPACED_SINGLE.search(body), body
    assert hits > 50  # (the search did run into spaced-out text)


def test_lines_are_what_the_line_regex_finds():
    # text without CR or form feed is split in C; the lines must be the regex's
    import random

    from cleaner.rules.whitespace import _LINE, _lines

    rng = random.Random(3)
    for alphabet in ("中 \n", "中 \r\n\f"):
        for _ in range(3000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
            expected = []
            for m in _LINE.finditer(text):
                if m.start() == len(text) and not m.group(0):
                    break
                expected.append((m.start(), m.group(1), m.group(2)))
            assert _lines(text) == expected, repr(text)


def test_an_ascii_line_loses_what_the_full_line_path_removes():
    # an ASCII line skips the CJK checks: it must lose what they would remove
    import random

    from cleaner.config import make_config
    from cleaner.edits import until_stable
    from cleaner.rules.whitespace import _inner_edits, whitespace_rule

    rng = random.Random(7)
    for _ in range(3000):
        line = "".join(rng.choice("a1 ,.#\t\v") for _ in range(rng.randint(1, 14)))
        if not line.strip(" \t\u3000\v"):
            continue  # a blank line takes the other path
        assert list(whitespace_rule(line, make_config())) == until_stable(lambda b: _inner_edits(b, 0), line), repr(line)


def test_short_items_are_what_the_one_pattern_finds():
    # the pattern's two branches run apart; the spans must be its finditer's
    import random

    from cleaner.rules.whitespace import _SHORT_ITEMS, _short_items

    rng = random.Random(8)
    for _ in range(5000):
        body = "".join(rng.choice("张三李 \u3000，a") for _ in range(rng.randint(0, 20)))
        assert _short_items(body) == [m.span() for m in re.compile(_SHORT_ITEMS).finditer(body)], repr(body)


def test_sparse_blanks_read_blank_by_blank_give_what_the_regexes_find():
    # a line with few blanks is read at its blanks (C string searches): the
    # gaps, the short items and the spaced-out prefilter must be the regexes'
    import random
    import re

    from cleaner.chars import CJK
    from cleaner.rules.whitespace import _SHORT_ITEMS, _SPACED_SINGLE, _blanks, _cjk_gaps, _short_items, _spaced_single

    lookaround = re.compile(f"(?<=[{CJK}])[ \t\u3000]+(?=[{CJK}])")
    rng = random.Random(9)
    letters = "张三李四王中文，。a1“" * 6
    sparse = 0
    for _ in range(4000):
        body = "".join(rng.choice(letters + " \u3000\t") for _ in range(rng.randint(20, 120)))
        sparse += _blanks(body, " \t\u3000") is not None
        assert _cjk_gaps(body) == [m.span() for m in lookaround.finditer(body)], repr(body)
        assert _short_items(body) == [m.span() for m in re.compile(_SHORT_ITEMS).finditer(body)], repr(body)
        assert _spaced_single(body) == (_SPACED_SINGLE.search(body) is not None), repr(body)
    assert sparse > 1000  # (the blank-by-blank path did run)


def test_no_cjk_character_is_below_the_floor():
    # a line without a character at or above the floor skips the CJK patterns
    from cleaner.chars import CJK
    from cleaner.rules.whitespace import _CJK_FLOOR

    below = "".join(map(chr, range(ord(_CJK_FLOOR))))
    assert not re.search(f"[{CJK}]", below)
    assert re.fullmatch(f"[{CJK}]", _CJK_FLOOR)


def test_a_line_the_prefilter_skips_loses_only_its_trailing_blanks():
    # where _changes_inside says no, the full line path removes only the trailing blanks
    from cleaner.edits import until_stable
    from cleaner.rules.whitespace import _changes_inside, _inner_candidate, _inner_edits

    skipped = 0
    for line in _random_texts("中文年“”—…·a1é,， \u3000\t\v", n=8000, length=14):
        if not line.strip(" \t\u3000\v") or _changes_inside(line, _inner_candidate()):
            continue
        skipped += 1
        kept = len(line.rstrip(" \t\u3000\v"))
        trailing = [(kept, len(line), line[kept:])] if kept < len(line) else []
        edits = until_stable(lambda b: _inner_edits(b, 0), line)
        assert [(e.start, e.end, e.before) for e in edits] == trailing, repr(line)
    assert skipped > 1000


def test_the_rule_reads_every_line_the_way_it_reads_it_alone():
    # only some lines are read; the edits must be those of a reading of every line
    import random

    from cleaner.config import make_config
    from cleaner.edits import Edit, until_stable
    from cleaner.rules.whitespace import _BLANK, _inner_edits, _lines, whitespace_rule

    def every_line(text):
        lines = _lines(text)
        blank = [not body.strip(_BLANK) for _, body, _ in lines]
        content = [i for i, b in enumerate(blank) if not b]
        first, last = (content[0], content[-1]) if content else (len(lines), -1)
        out, i = [], 0
        while i < len(lines):
            start, body, ending = lines[i]
            if not blank[i]:
                out += [e._replace(start=e.start + start, end=e.end + start) for e in until_stable(lambda b: _inner_edits(b, 0), body)]
                if ending == "\f":
                    out.append(Edit("whitespace", start + len(body), start + len(body) + 1, "\f", "\n"))
                i += 1
                continue
            j = i
            while j < len(lines) and blank[j]:
                j += 1
            end = lines[j - 1][0] + len(lines[j - 1][1]) + len(lines[j - 1][2])
            keep = "" if i < first or j > last + 1 else {"\r\n": "\r\n", "\r": "\r"}.get(lines[i - 1][2], "\n")
            if text[start:end] != keep:
                out.append(Edit("whitespace", start, end, text[start:end], keep))
            i = j
        return out

    rng = random.Random(11)
    cjk = ["中", "文", "年", "a", "1", "“", "—", "é", "，", "。", " ", " ", "\u3000", "\t", "\v", "\n", "\n", "\r\n", "\r", "\f"]
    quotes = ["“", "”", "—", "…", "·", "a", "é", " ", " ", " ", "\n"]  # (spaced-out marks without CJK)
    changed = 0
    for pieces in (cjk, quotes):
        for _ in range(4000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
            edits = list(whitespace_rule(text, make_config()))
            assert edits == every_line(text), repr(text)
            changed += pieces is quotes and any(e.before == " " and text[e.end : e.end + 1] not in "\n " for e in edits)
    assert changed > 10  # (spaces between marks did go, not only trailing ones)


def test_single_tokens_counted_in_c_are_the_tokens_of_one_character():
    # the count of one-character tokens in a run must be the split's
    import random

    from cleaner.rules.whitespace import _SINGLE, _single_token

    rng = random.Random(12)
    for _ in range(6000):
        tokens = [rng.choice(["中", "“", "—", "a", "é", "1", "文字", "ab", "年10", "1a", "“中"]) for _ in range(rng.randint(1, 8))]
        run = "".join(t + rng.choice(" \u3000") for t in tokens)[:-1]  # (one separator between two tokens)
        assert len(_single_token().findall(run)) == sum(len(t) == 1 and bool(_SINGLE.match(t)) for t in tokens), repr(run)


def test_acts_is_false_only_where_the_rule_changes_nothing():
    # the pipeline skips a range where whitespace_acts is False: the rule
    # must find nothing there (random lines of CJK, Latin, blanks, quotes)
    import random

    from cleaner.config import make_config
    from cleaner.rules.whitespace import whitespace_acts, whitespace_rule

    cfg = make_config()
    rng = random.Random(12)
    pieces = ["中", "文", "，", "。", "a", "b", "1", " ", " ", "\t", "\u3000", "\v", "“", "”", "—", "\n", "\n", "\n\n", "\r\n", "\f", "Hello world.", "基 金 公 司"]
    silent = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if not whitespace_acts(text):
            silent += 1
            assert list(whitespace_rule(text, cfg)) == [], repr(text)
    assert silent > 1000  # (the test reaches texts the rule skips)


@pytest.mark.parametrize("window", [None, 1, 2, 7])
def test_the_numpy_path_gives_the_edits_of_the_line_by_line_one(monkeypatch, window):
    # a long LF-only text is read with numpy, the lines that can change found
    # at once (also a window at a time): the same edits as line by line
    import random

    from cleaner.config import make_config
    from cleaner.rules import whitespace
    from cleaner.rules.whitespace import whitespace_rule

    cfg = make_config()
    rng = random.Random(15)
    pieces = ["中", "文", "，", "。", "a", "b", "1", " ", " ", "\t", "\u3000", "\v", "“", "”", "—", "·", "\n", "\n", "\n\n", "\n\n\n", "Hello world.", "基 金 公 司", "张三 李四 王五，", "𠀀"]
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        monkeypatch.setattr(whitespace, "_NUMPY_MIN", 1 << 30)
        before = list(whitespace_rule(text, cfg))
        monkeypatch.setattr(whitespace, "_NUMPY_MIN", 0)
        monkeypatch.setattr(whitespace, "_WINDOW", window)
        assert list(whitespace_rule(text, cfg)) == before, repr(text)
