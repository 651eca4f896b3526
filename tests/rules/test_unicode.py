"""Rule `unicode`: mojibake repair that leaves Chinese punctuation alone."""

from __future__ import annotations

import json
import re

import pytest

from cleaner import clean, explain
from cleaner.chars import is_han
from cleaner.edits import apply_edits
from tests.conftest import ROOT


def only(text: str) -> str:
    return clean(text, only=["unicode"])


@pytest.mark.parametrize(
    "damaged, fixed",
    [
        ("Ningboï¼ŒChina", "Ningbo，China"),  # UTF-8 read as Windows-1252
        ("ç®€ä½“ä¸\xadæ–‡", "简体中文"),
        ("ﬁnance &amp; co", "finance &amp; co"),  # entities are the html_entities rule's
        ("a\x1b[31mred\x1b[0m", "ared"),
        ("\ufeff开头有BOM", "开头有BOM"),
        ("零\u200b宽\u200c字\u2060符", "零宽字符"),
        ("控制\x07字符\x00", "控制字符"),
        ("C1\x9d控制", "C1控制"),
        ("GBK读成Latin-1：ÖÐÎÄ±àÂë", "GBK读成Latin-1：中文编码"),
        ("行\u2028分隔", "行\n分隔"),
        ("PDF infor\xadmation, Universit\xadät", "PDF information, Universität"),  # soft hyphens inside a word
        # UTF-8 read as GBK, glued to real text, its last character cut short
        ("标题：" + "气象部门提醒市民注意添衣保暖".encode("utf-8").decode("gbk"), "标题：气象部门提醒市民注意添衣保暖"),
    ],
)
def test_repairs(damaged, fixed):
    assert only(damaged) == fixed


@pytest.mark.parametrize("text", ["°¡\x1f°¡", "ÖÐ\x07ÎÄ±àÂë", "ç®€ä½“\x1fä¸\xadæ–‡", "\x9fµ0ï¼Œ"])
def test_removing_a_control_character_that_splits_mojibake_is_idempotent(text):
    # ftfy drops the control character (or reads a C1 control as
    # Windows-1252); the mojibake it split is whole again and must be
    # repaired in the same pass (found by hypothesis)
    r = explain(text, only=["unicode"])
    assert apply_edits(text, r.edits) == r.text
    assert only(r.text) == r.text
    once = clean(text)
    assert clean(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "“中文引号”和‘单引号’，（全角括号）：保持。",
        "Ｆｕｌｌｗｉｄｔｈ stays for the width rule",
        "Café, naïve, résumé — déjà vu…",
        "emoji 👨\u200d👩\u200d👧 family keeps its joiners",
        "हिन्दी\u200dशब्द",
        "keeps\ttabs\r\nand CRLF\r\n",
        "页面\f分页符留给 whitespace 规则",
        "x < y &amp; z",  # looks like HTML: ftfy leaves entities alone
        "infor\xad\nmation",  # a soft hyphen at a line end is the paragraphs rule's
        "хо\xadро",  # after a non-ASCII letter a soft hyphen can be a byte of mojibake (Р\xad)
    ],
)
def test_leaves_correct_text_alone(text):
    assert only(text) == text


@pytest.mark.parametrize(
    "damaged, fixed",
    [
        ("名字叫CafÃ©的店", "名字叫Café的店"),  # a Latin letter in a Latin word
        ("时间10Î¼s内", "时间10μs内"),  # a Greek letter in a unit
        ("温度100Â°C以上", "温度100°C以上"),  # a symbol
        ("俄语Ð¿Ñ€Ð¸Ð²ÐµÑ‚意思", "俄语привет意思"),  # a word of one script
        ("韩语í•œêµ\xadì–´好", "韩语한국어好"),
    ],
)
def test_repairs_between_chinese_what_reads_as_text(damaged, fixed):
    assert only(damaged) == fixed


@pytest.mark.parametrize("text", ["南洋É¬林", "南洋Ã©林", "É¬林"])
def test_leaves_a_chance_decode_between_chinese_alone(text):
    # two stray Latin-1 characters between Han that happen to be valid
    # UTF-8: ftfy's decode (ɬ, é) is no better than what was there
    assert only(text) == text
    assert clean(text) == text


def test_edit_spans_point_into_the_input():
    text = "前文 Ningboï¼ŒChina 后文"
    r = explain(text, only=["unicode"])
    assert [(e.before, e.after) for e in r.edits] == [("ï¼Œ", "，")]
    e = r.edits[0]
    assert text[e.start : e.end] == "ï¼Œ"
    assert apply_edits(text, r.edits) == r.text


def _ftfy_cases():
    path = ROOT / "tests" / "data" / "ftfy_cases.jsonl"
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# Where we differ from ftfy on purpose: C1 control characters that ftfy keeps
# as evidence are removed here (nobody means them in text).
DELIBERATE = {"These control characters \x1a are apparently intentional \x81"}


@pytest.mark.parametrize("case", [c for c in _ftfy_cases() if c["expect"] == "pass"], ids=lambda c: c["label"][:40])
def test_ftfy_test_cases(case):
    """ftfy's own cases (Apache-2.0, tests/data/ftfy_cases.jsonl).  ftfy's expected
    output straightens quotes and folds width, which we do not do to Chinese:
    compare after applying those two folds to our output."""
    from ftfy.fixes import fix_character_width, uncurl_quotes

    # (one case is an HTML entity on top of mojibake: html_entities runs first)
    out = clean(case["original"], only=["html_entities", "unicode"])
    if case["original"] in DELIBERATE:
        assert "\x81" not in out
        return
    assert uncurl_quotes(fix_character_width(out)) == case["fixed"]


def test_suspect_positions_are_those_of_the_alternation_they_replace():
    import random
    import re

    from cleaner.rules.unicode import _SUSPECT, _SUSPECT_ALL

    alternation = re.compile(_SUSPECT.pattern + r"|[\xa1-\xff]{4}")
    rng = random.Random(3)
    alphabet = "a\xb7\xa1\xb6\xb8\xff\u200b\u2029\u4e00 \n\u201c\x80é"
    for _ in range(5000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        assert [m.start() for m in _SUSPECT_ALL.finditer(s)] == [m.start() for m in alternation.finditer(s)], s


def test_fast_patterns_find_what_their_plain_forms_find():
    # _SUSPECT_ALL and the rare pair open with one class (the engine skips to
    # candidates); they must match where their plain forms match
    import random
    import re

    from cleaner.rules.unicode import _SUSPECT, _SUSPECT_ALL, _rare_pair

    suspect = re.compile(_SUSPECT.pattern[:-1].replace("]|[", "") + r"]|\xb7[\xa1-\xff]{3}")  # (as it was written)
    rare = re.compile(_rare_pair().pattern.split("][")[0] + "]{2}")
    rng = random.Random(5)
    alphabet = "\xb7\xa9\xc3\xe4\x80\u200b中涓枃a é"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert [m.span() for m in _SUSPECT_ALL.finditer(text)] == [m.span() for m in suspect.finditer(text)], repr(text)
        assert [m.span() for m in _rare_pair().finditer(text)] == [m.span() for m in rare.finditer(text)], repr(text)


def _screen_texts():
    """ftfy's own cases (damaged and repaired), and random short strings of
    the characters its badness regex is made of, ASCII and typography."""
    import random

    texts = [t for c in _ftfy_cases() for t in (c["original"], c["fixed"])]
    alphabet = [chr(c) for c in range(0x20, 0x250)] + list("–—‘’“”…€™•°±×÷²³µ¶·¸ÂÃÎÐ≈√∂∆▒█╬│ВГРСвβΒΓΞΟā€ØÙ\u00ad\xa0\x1b[m") + [chr(c) for c in range(0x2000, 0x2030)]
    rng = random.Random(11)
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(20000)]
    return texts


def test_text_the_ftfy_screen_passes_over_comes_back_from_ftfy_unchanged():
    """The screen is exact one way: where it says ftfy cannot act, ftfy
    (configured as the rule calls it) changes nothing and its badness
    regex finds nothing; and it passes over most clean accented text."""
    from ftfy.badness import is_bad

    from cleaner.rules.unicode import _ftfy, _ftfy_may_act

    fix_text, options = _ftfy()
    skipped = [t for t in _screen_texts() if t and not _ftfy_may_act(t)]
    assert len(skipped) > 5000
    for t in skipped:
        assert fix_text(t, options) == t and not is_bad(t), repr(t)
    assert not _ftfy_may_act("naïve São Paulo, Montréal, Zürich")
    assert _ftfy_may_act("SÃ£o Paulo") and _ftfy_may_act("ﬁne") and _ftfy_may_act("e\u0301")  # mojibake, ligature, not NFC


def test_needed_characters_of_a_regex():
    from cleaner.rules.unicode import _needed, _parse

    assert _needed(_parse("ab|c[de]")) == frozenset("ac")  # (the fewest letters: "a" of "ab")
    assert _needed(_parse("x?y")) == frozenset("y")
    assert _needed(_parse("(?:a|\\w)z")) == frozenset("z")
    assert _needed(_parse("a|\\w")) is None  # a branch may match any word character
    assert _needed(_parse("[^a]")) is None
    assert _needed(_parse("(?i:a)")) is None  # (case folding: "A" too)


def test_every_rare_han_character_stands_in_the_gate_block():
    # rare pairs are looked for only from the first character of the block on
    import re

    from cleaner.chars import HAN_BLOCK as _HAN_BLOCK
    from cleaner.rules.unicode import _rare_pair, _rare_pairs

    first = re.compile(_rare_pair().pattern.split("][")[0] + "]")
    outside = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF and first.match(chr(cp)) and not _HAN_BLOCK.match(chr(cp))]
    assert outside == []
    text = "Café 中文 涓枃 abc 涓枃涓"
    assert [m.span() for m in _rare_pairs(text)] == [m.span() for m in _rare_pair().finditer(text)]


def test_rare_pair_matches_exactly_two_basic_block_characters_outside_gb2312_level_one():
    from cleaner.rules import unicode as u

    common = u._level1()
    assert len(common) == 3755
    rare = [chr(c) for c in range(0x4E00, 0xA000) if chr(c) not in common]
    pattern = u._rare_pair()
    assert all(pattern.fullmatch(a + b) for a, b in zip(rare, rare[1:] + rare[:1]))
    outside = [chr(c) for c in range(0x4D00, 0x4E00)] + sorted(common)[::7] + [chr(c) for c in range(0xA000, 0xA100)] + list("a，")
    assert not any(pattern.fullmatch(rare[0] + ch) or pattern.fullmatch(ch + rare[-1]) for ch in outside)


def test_shipped_ftfy_triggers_equal_a_fresh_derivation_from_the_installed_ftfy():
    from cleaner.rules import unicode as u

    shipped = u._shipped_triggers()
    assert shipped is not None
    regenerate = "stale: python scripts/build_ftfy_triggers.py --out cleaner/data/ftfy_triggers.txt"
    assert shipped[0] == u.ftfy_source_digest(), regenerate
    assert shipped[1] == u.ftfy_trigger_class(), regenerate


def test_another_ftfy_makes_the_rule_derive_its_triggers(monkeypatch):
    from cleaner.rules import unicode as u

    monkeypatch.setattr(u, "ftfy_source_digest", lambda: "another ftfy")
    u._ftfy_triggers.cache_clear()
    try:
        assert u._ftfy_triggers().pattern == u.ftfy_trigger_class()
    finally:
        u._ftfy_triggers.cache_clear()


def test_text_ftfy_cannot_change_does_not_import_it():
    import subprocess
    import sys

    code = (
        "import sys; from cleaner import explain; "
        "r = explain('São Paulo 的 café，Montréal。', disable=['ocr_confusion', 'consistency', 'stutter', 'lexicon']); "
        "print('ftfy' in sys.modules, r.text == 'São Paulo 的 café，Montréal。'); "
        "print(explain('SÃ£o Paulo').text, 'ftfy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout.split("\n")
    assert out[:2] == ["False True", "São Paulo True"]


@pytest.mark.parametrize("sparse", [None, 0, 1 << 30])
@pytest.mark.parametrize("chunk", [None, 5, 1])
def test_match_starts_are_those_of_the_regexes(monkeypatch, chunk, sparse):
    # the numpy scan of a long text must find what finditer finds (a middle
    # dot before three Latin-1 letters is one match of four characters; a
    # rare pair is one of two), also across the windows it reads, whether
    # it looks up only the characters above ASCII (sparse=0) or all (1 << 30)
    import random

    from cleaner.rules import unicode as mod
    from cleaner.rules.unicode import _SUSPECT_ALL, _match_starts, _rare_pair

    if chunk is not None:
        monkeypatch.setattr(mod, "_SCAN_WINDOW", chunk)
    if sparse is not None:
        monkeypatch.setattr(mod, "_SPARSE", sparse)
    rng = random.Random(8)
    alphabet = ["涓", "枃", "鍚", "中", "文", "a", " ", "\n", "·", "Ã", "©", "é", "\u200b", "\x00", "\x7f", "\x9d", "\ufeff", "\ud800", "𠀀", "，", "\u2028", "ﬁ"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert _match_starts(text) == (
            [m.start() for m in _SUSPECT_ALL.finditer(text)],
            [m.start() for m in _rare_pair().finditer(text)],
        ), repr(text)


def test_the_tables_are_the_classes_and_ascii_text_is_not_looked_up():
    # _match_starts looks code points up in tables read from the classes'
    # parse, and only control characters and those above ASCII
    import numpy as np

    from cleaner.chars import class_table
    from cleaner.rules.unicode import _SUSPECT, _rare_pair

    every = "".join(map(chr, range(0x110000)))
    for pattern in (_SUSPECT.pattern, _rare_pair().pattern[: len(_rare_pair().pattern) // 2]):
        table = class_table(pattern)
        assert np.flatnonzero(table).tolist() == [m.start() for m in re.finditer(pattern, every)]
    assert _SUSPECT.search("".join(map(chr, range(0x20, 0x7F)))) is None


def test_non_ascii_run_is_the_same_from_any_floor(monkeypatch):
    # the run around a position does not depend on where the look back
    # starts, nor on how far it reads at once
    import random

    from cleaner.rules import unicode as mod
    from cleaner.rules.unicode import _NON_ASCII_RUN_AT

    monkeypatch.setattr(mod, "_LOOK_BACK", 3)
    rng = random.Random(9)
    for _ in range(3000):
        text = "".join(rng.choice("涓枃标题 a\n\u3000\u00a0é") for _ in range(rng.randint(2, 30)))
        pos = rng.randrange(len(text))
        if text[pos] <= "\x7f" or text[pos].isspace():
            continue
        start = pos
        while start > 0 and not (text[start - 1] <= "\x7f" or text[start - 1].isspace()):
            start -= 1
        for floor in (0, rng.randint(0, start), start, pos):
            assert _NON_ASCII_RUN_AT(text, pos, floor)[0] == start, (text, pos, floor)


def test_segment_is_the_same_however_far_it_reads_back_at_once(monkeypatch):
    import random

    from cleaner.rules import unicode as mod
    from cleaner.rules.unicode import _OTHER_RUN_END, _segment_around

    rng = random.Random(10)
    texts = ["".join(rng.choices("ab é\n中，\u3000\u200b", k=rng.randint(1, 40))) for _ in range(3000)]
    cases = [(t, pos, rng.randint(0, pos)) for t in texts for pos in [rng.randrange(len(t))]]
    whole = []
    for text, pos, floor in cases:  # (the nearest run end before pos, back to floor)
        m = _OTHER_RUN_END.search(text[floor:pos][::-1])
        end = _OTHER_RUN_END.search(text, pos)
        whole.append((pos - m.start() if m else floor, end.start() if end else len(text)))
    monkeypatch.setattr(mod, "_LOOK_BACK", 3)
    assert [_segment_around(*case) for case in cases] == whole


# ---------------------------------------------------------------- radicals that PDF extraction writes


@pytest.mark.parametrize(
    "damaged, fixed",
    [
        ("中华⼈⺠共和国", "中华人民共和国"),  # a Kangxi radical and a supplement radical
        ("⼀个⼈的⼯作", "一个人的工作"),
        ("⻅⾯会在⻓沙举⾏", "见面会在长沙举行"),
        ("⾨口", "門口"),  # the Kangxi radicals are the Traditional forms; `script` decides the rest
    ],
)
def test_radicals_beside_han_become_their_ideographs(damaged, fixed):
    r = explain(damaged, only=["unicode"])
    assert r.text == fixed and apply_edits(damaged, r.edits) == fixed
    assert all(e.rule == "unicode" and damaged[e.start : e.end] == e.before for e in r.edits)
    assert only(fixed) == fixed  # a second clean changes nothing


@pytest.mark.parametrize("text", ["部首：⼈", "⼈", "偏旁 ⺅ 和 ⺡", "radical ⼈ alone"])
def test_a_radical_with_no_han_beside_it_stays(text):
    assert only(text) == text


def test_the_radical_table_is_unicode_for_kangxi_and_identity_for_the_supplement():
    import unicodedata

    from cleaner.rules.unicode import radical_table

    table = radical_table()
    kangxi = {r: c for r, c in table.items() if 0x2F00 <= ord(r) <= 0x2FD5}
    assert len(kangxi) == 214 and all(unicodedata.normalize("NFKC", r) == c for r, c in kangxi.items())
    supplement = {r: c for r, c in table.items() if 0x2E80 <= ord(r) <= 0x2EF3}
    assert 20 <= len(supplement) <= 60 and all(is_han(c) for c in table.values())
    assert supplement["⺠"] == "民" and supplement["⻓"] == "长" and "⺅" not in supplement  # a component form maps to nothing
    assert set(table) == kangxi.keys() | supplement.keys()
    header = [line for line in (ROOT / "cleaner" / "data" / "cjk_radicals.tsv").read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert any("Regenerate: python scripts/build_radicals.py" in h for h in header) and any("Licence" in h for h in header)


# ---------------------------------------------------------------- compatibility ideographs


def test_compatibility_ideographs_beside_han_become_unified():
    damaged = "举\uf9b5说明，\uf967能\uf9d1"  # 例 不 六 as CJK Compatibility Ideographs
    r = explain(damaged, only=["unicode"])
    assert r.text == "举例说明，不能六" and apply_edits(damaged, r.edits) == r.text
    assert [(e.before, e.after) for e in r.edits] == [("\uf9b5", "例"), ("\uf967", "不"), ("\uf9d1", "六")]
    assert r.edits[0].note == "same glyph, another code point: U+F9B5 -> U+4F8B"  # a report shows the same glyph twice
    assert only(r.text) == r.text


@pytest.mark.parametrize("text", ["\uf9b5", "A\uf9b5B", "中文\ufa0e字"])  # alone; beside no Han; a unified ideograph of the block
def test_compatibility_ideographs_without_han_or_equivalent_stay(text):
    assert only(text) == text


def test_text_with_a_compatibility_ideograph_is_looked_at():
    from cleaner.rules.unicode import unicode_acts

    assert unicode_acts("举\uf9b5说明") and not unicode_acts("举例说明")
