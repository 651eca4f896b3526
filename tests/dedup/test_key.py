"""The matching key folds what does not matter, and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup.key import matching_key, matching_keys, shingle_text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("今天，我们去公园。", "今天,我们去公园."),  # punctuation, width
        ("今天 我们 去公园", "今天我们去公园"),  # whitespace
        ("這是資料庫的測試", "这是资料库的测试"),  # script
        ("ＡＢＣ１２３", "abc123"),  # full width, case
        ("Hello,   World!", "hello world"),
    ],
)
def test_folded_variants_share_a_key(a, b):
    assert matching_key(a) == matching_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("New York", "Newyork"),  # a word boundary in Latin stays
        ("2021年", "2022年"),
        ("今天去公园", "明天去公园"),
    ],
)
def test_different_text_keeps_different_keys(a, b):
    assert matching_key(a) != matching_key(b)


def test_punctuation_only_has_an_empty_key():
    assert matching_key("……——！！") == ""
    assert matching_key("") == ""


@given(st.lists(st.text(max_size=30), max_size=8))
def test_batched_keys_equal_single_keys(texts):
    assert matching_keys(texts) == [matching_key(t) for t in texts]


def test_shingle_text_makes_latin_words_single_characters():
    s = shingle_text(matching_key("The quick brown fox 跳过了 lazy dogs"))
    assert "跳过了" in s
    assert len(s) == 4 + 3 + 2
    assert shingle_text("fox") == shingle_text("fox")  # stable, not Python's salted hash
    assert shingle_text("fox") != shingle_text("fix")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="中文あa1 b", max_size=16))
def test_cjk_space_pattern_removes_the_spaces_next_to_cjk(s):
    """The space-first pattern (issue 12: 2x faster) matches what
    `` (?=X)|(?<=X) `` does: every space next to a CJK character."""
    import re

    from cleaner.chars import HAN, KANA
    from cleaner.dedup.key import _CJK_SPACE

    plain = re.compile(f" (?=[{HAN}{KANA}])|(?<=[{HAN}{KANA}]) ")
    assert _CJK_SPACE.sub("", s) == plain.sub("", s)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="中文あaB1 ,_！\u3000Ｘ⑴İß\u0301ﬁ", max_size=24))
def test_fold_skips_the_cjk_space_pass_only_where_it_cannot_match(s):
    """An ASCII string holds no CJK character, so ``_fold`` may skip the
    space pass there, and it joins the runs of letters instead of
    substituting the runs between them: the same key as the full
    computation (every run of other characters a space) everywhere."""
    import re
    import unicodedata

    from cleaner.dedup.key import _CJK_SPACE, _fold

    drop = re.compile(r"[\W_]+")
    full = drop.sub(" ", s)
    if not unicodedata.is_normalized("NFKC", full):
        full = drop.sub(" ", unicodedata.normalize("NFKC", full))
    full = _CJK_SPACE.sub("", full.casefold()).strip()
    assert _fold(s) == full


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["資料庫", "Ｗｏｒｌｄ", "", "New York", "这是一个测试。", "x" * 1200]), max_size=12))
def test_recent_keys_are_the_matching_keys_however_often_asked(texts):
    from cleaner.dedup.key import recent_keys

    assert recent_keys(texts) == matching_keys(texts)
    assert recent_keys(texts) == matching_keys(texts)  # (now from the memo)


def test_the_recent_key_memo_stays_within_its_bounds():
    from cleaner.dedup.key import RECENT_MAX_CHARS, _Recent

    texts = [f"第{i}段，內容" for i in range(10)] + ["長" * (RECENT_MAX_CHARS + 1)]
    memo = _Recent(3 * (6 + 5))  # (room for three of them and their keys)
    assert memo.lookup(texts) == matching_keys(texts)
    assert list(memo.keys) == texts[7:10]  # the newest short ones only
    assert memo.used == 3 * (6 + 5)
    assert memo.lookup(texts[::-1]) == matching_keys(texts[::-1])
    assert memo.used <= memo.chars and len(memo.keys) == 3


def test_a_paragraph_larger_than_the_memo_passes_through():
    from cleaner.dedup.key import _Recent

    memo = _Recent(4)
    assert memo.lookup(["这是一段比较长的文字。"]) == ["这是一段比较长的文字"]
    assert memo.keys == {} and memo.used == 0


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="中文aB1 _,。！\u3000\n-", max_size=20))
def test_squeeze_is_the_plain_substitution_without_the_spaces_at_the_ends(s):
    import re

    from cleaner.dedup.key import _squeeze

    assert _squeeze(s) == re.sub(r"[\W_]+", " ", s).strip(" ")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_squeeze_is_the_plain_substitution_on_any_text(s):
    import re

    from cleaner.dedup.key import _squeeze

    assert _squeeze(s) == re.sub(r"[\W_]+", " ", s).strip(" ")


def test_the_byte_squeeze_of_latin_text_agrees_with_the_regex_on_each_code_point():
    # each character between two ASCII letters, in mostly ASCII text: the
    # byte path (a non-ASCII letter or digit stays, anything else separates,
    # a lone surrogate included)
    import re

    from cleaner.dedup.key import _squeeze, _squeeze_latin

    from cleaner.dedup.key import LATIN_MAX_OTHERS, _squeeze, _squeeze_latin

    points = [*range(0x10000), *range(0x10000, 0x110000, 61)]  # (the BMP, and a sample of the other planes)
    for k in range(0, len(points), LATIN_MAX_OTHERS):
        text = "".join(f"a{chr(c)}b_, " for c in points[k : k + LATIN_MAX_OTHERS])
        expected = re.sub(r"[\W_]+", " ", text).strip(" ")
        assert _squeeze_latin(text, text.encode("utf-8", "surrogatepass")) == expected
        assert _squeeze(text) == expected
    many = "".join(f"x{chr(c)}" for c in range(0x2000, 0x2000 + 4 * LATIN_MAX_OTHERS))  # (too many kinds: the regex)
    assert _squeeze_latin(many, many.encode()) == re.sub(r"[\W_]+", " ", many).strip(" ")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=60) | st.text(alphabet="abcXYZ019 ,.!-_\t\néÉßſﬃ①ⅣΣς’—€\xa0\u3000\u0301中國は，Ａꭰ가\ud800", max_size=60), max_size=12))
def test_the_batch_fold_is_the_fold_of_each_text(texts):
    from cleaner.dedup.key import _fold, _fold_all, _fold_batch

    expected = [_fold(t) for t in texts]
    assert _fold_batch([t.encode("utf-8", "surrogatepass") for t in texts]) == expected
    assert _fold_all(texts) == expected


def test_the_batch_fold_agrees_with_the_fold_on_each_code_point():
    # every character between two ASCII letters, all texts squeezed together
    from cleaner.dedup.key import _fold, _fold_batch

    points = [*range(0x10000), *range(0x10000, 0x110000, 61)]  # (the BMP, and a sample of the other planes)
    texts = ["".join(f"a{chr(c)}B_, " for c in points[k : k + 64]) for k in range(0, len(points), 64)]
    assert _fold_batch([t.encode("utf-8", "surrogatepass") for t in texts]) == [_fold(t) for t in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=60) | st.text(alphabet="中國語ばか𠀀𝄞，。「」 \u3000_ＡＢＣ１２３abcßİ①⑴\u0301\x00\ud800\n", max_size=60), max_size=12))
def test_the_cjk_fold_is_the_fold_of_each_text(texts):
    from cleaner.dedup.key import _KEEP, CJK_BATCH_MIN_CHARS, _finish, _fold_cjk

    texts = [*texts, "中，文" * CJK_BATCH_MIN_CHARS]  # (long enough for the arrays)
    assert _fold_cjk(texts) == [_finish(" ".join(_KEEP.findall(t))) for t in texts]


def test_the_cjk_fold_agrees_with_the_fold_on_each_code_point():
    # every character between two ideographs, then between two Latin letters
    from cleaner.dedup.key import _KEEP, CJK_BATCH_MIN_CHARS, _finish, _fold_cjk

    pad = "文，字" * CJK_BATCH_MIN_CHARS  # (long enough for the arrays)
    points = [c for c in (*range(1, 0x10000), *range(0x10000, 0x110000, 61)) if not 0xD800 <= c < 0xE000]
    for left, right in (("中", "文"), ("a", "B")):
        texts = ["".join(f"{left}{chr(c)}{right} ，" for c in points[k : k + 16]) for k in range(0, len(points), 16)]
        for k in range(0, len(texts), 8):  # (small batches: most hold nothing NFKC changes, so the arrays fold them)
            batch = [*texts[k : k + 8], pad]
            assert _fold_cjk(batch) == [_finish(" ".join(_KEEP.findall(t))) for t in batch]


def _opencc_dictionary(name: str) -> list[tuple[str, str]] | None:
    """OpenCC's dictionary ``name`` as (key, first value) pairs, dumped with
    its ``opencc_dict`` tool (None when the tool or the file is absent)."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    opencc = pytest.importorskip("opencc")
    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc" / f"{name}.ocd2"
    tool = shutil.which("opencc_dict") or str(Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict")
    if not share.is_file() or not Path(tool).is_file():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dict.txt"
        subprocess.run([tool, "-i", str(share), "-o", str(out), "-f", "ocd2", "-t", "text"], check=True, capture_output=True)
        rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines() if line]
    return [(k, v.split(" ")[0]) for k, v in rows]


def test_the_t2s_marks_hold_every_character_opencc_changes():
    """A key without a marked character skips OpenCC (issue 12), so every
    character that t2s changes -- alone (its character dictionaries) or
    inside a phrase -- is marked; case folding, which comes after the marks
    are read, brings in no marked character."""
    from cleaner.dedup.key import OPENCC_RELEASE, PHRASE_ONLY, _t2s, _t2s_marks

    opencc = pytest.importorskip("opencc")
    if opencc.__version__ != OPENCC_RELEASE:
        assert _t2s_marks() is None  # (another release: every key is converted)
        return
    marks = _t2s_marks()
    marked = lambda ch: bool(marks[min(ord(ch), len(marks) - 1)])  # noqa: E731
    block = "".join(map(chr, range(0x4E00, 0xA000)))
    alone = {c for c, t in zip(block, _t2s().convert("\n".join(block)).split("\n")) if c != t}
    assert alone <= {c for c in block if marked(c)}
    assert {c for c in block if marked(c)} == alone | set(PHRASE_ONLY)
    assert not any(marked(chr(c)) for c in range(0x3400))
    for c in range(0x110000):
        if not 0xD800 <= c < 0xE000 and not marked(chr(c)):
            assert not any(marked(x) for x in chr(c).casefold()), hex(c)
    phrases = _opencc_dictionary("TSPhrases")
    if phrases is None:
        pytest.skip("OpenCC's opencc_dict tool or its TSPhrases dictionary is absent")
    for key, value in phrases:
        if key != value:
            changed = [a for a, b in zip(key, value) if a != b] if len(key) == len(value) else list(key)
            assert any(marked(c) for c in changed), key
    for name in ("TSCharacters", "TSCharactersExt", "CJK_Compatibility_Ideographs"):
        for key, value in _opencc_dictionary(name) or []:
            assert key == value or marked(key), (name, key)


@pytest.mark.parametrize("phrase", ["深沈", "瞭解", "反覆", "藉口", "甦醒", "衹得", "英哩", "毛坏", "彷彿", "俱樂部", "什麼", "這是"])
def test_keys_of_a_long_batch_are_converted_like_one_key(phrase):
    """The batch skips OpenCC for keys without a marked character (issue
    12): keys that OpenCC changes only through a phrase are still converted."""
    texts = ["今天天气很好，我们去公园玩了一整天。" * 20] * 30 + [f"他说，{phrase}，就这样吧。" * 3]
    assert matching_keys(texts) == [matching_key(t) for t in texts]
