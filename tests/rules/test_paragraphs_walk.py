"""The optional C walk of the ``paragraphs`` rule (``_cleaner_paragraphs``,
cleaner/rules/paragraphs_walk.c) against the Python walk and ``_decide``:
the same joins, kept breaks, verdicts and results, on hard-wrapped Chinese
and English, Markdown, lists, tables, soft hyphens and CRLF text."""

from __future__ import annotations

import random
import textwrap

import pytest

from cleaner import explain
from cleaner.rules import paragraphs as P


@pytest.fixture
def walk_c():
    mod = P.walk_speedups()
    if mod is None:
        pytest.skip("_cleaner_paragraphs is not built (or CLEANER_PURE_PYTHON is set)")
    return mod


_ZH = (
    "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，认真做好年底前的收尾工作。"
    "新华社北京1月2日电 记者从有关部门获悉，今年以来全国农业生产形势总体平稳，粮食产量再创新高。"
    "“我们要继续努力，”他说，“把这件事情做好。”与会代表一致认为，要实施创新驱动战略，"
    "推动经济社会高质量发展；要坚持以人民为中心，不断增进民生福祉。2019年3月8日，公元1787年前后。"
)
_EN = (
    "The committee asked every department to work together on the remaining tasks before the end of the year. "
    "Its members agreed that the information gathered so far was well-known to most of the participants, "
    "and that a thorough review of the infrastructure would be necessary. GNU GENERAL PUBLIC LICENSE "
    "to respect the freedom of users; see the documentation for details: it explains everything."
)
_MARKDOWN = [
    "# Title\n", "## 第二节 方法\n", "```python\nx = 1\n\ny = 2\n```\n", "~~~\ncode\n~~~\n", "- item one\n- item two\n  continues\n",
    "1. first\n2. second\n", "| a | b |\n|---|---|\n| 1 | 2 |\n", "Setext heading\n==============\n", "一、总体要求\n二、主要任务\n",
    "（一）加强领导\n（二）落实责任\n", "  indented  code  block\n    more  text\n", "GNU GENERAL PUBLIC LICENSE\nto respect the freedom\n",
    "人民日报 第3版\n", "”他说。\n", "，接着说\n",
]


def _texts() -> list[str]:
    """Varied inputs: wrapped Chinese (fixed widths, blank lines, indents,
    page headers), wrapped English (hyphens, soft hyphens), Markdown mixes,
    each also with CRLF line ends."""
    rng = random.Random(12)
    out: list[str] = []
    for _ in range(30):
        body = "".join(rng.sample(_ZH, len(_ZH)))
        width = rng.choice([15, 20, 30, 40])
        indent = rng.choice(["", "\u3000\u3000"])
        lines = [(indent if k % 5 == 0 else "") + body[k : k + width] for k in range(0, len(body), width)]
        for k in range(len(lines) - 1, 0, -1):
            r = rng.random()
            if r < 0.1:
                lines.insert(k, "")
            elif r < 0.15:
                lines[k:k] = ["", "人民日报 第3版", ""]
        out.append("\n".join(lines))
    words = _EN.split()
    for _ in range(30):
        lines = textwrap.wrap(" ".join(rng.sample(words, len(words))), rng.choice([60, 70, 80]))
        for k in range(len(lines) - 1):
            head, _, rest = lines[k + 1].partition(" ")
            if rng.random() < 0.3 and len(head) > 6 and head.isalpha():
                lines[k] += " " + head[:3] + rng.choice(["-", "\u00ad"])
                lines[k + 1] = head[3:] + " " + rest
        out.append(rng.choice(["\n", "\n\n"]).join(["\n".join(lines[: len(lines) // 2]), "\n".join(lines[len(lines) // 2 :])]))
    for _ in range(30):
        parts = [rng.choice(_MARKDOWN) if rng.random() < 0.5 else "\n".join(textwrap.wrap(_EN, 72)) + "\n" for _ in range(6)]
        parts += ["\n".join(_ZH[k : k + 30] for k in range(0, 120, 30)) + "\n"]
        rng.shuffle(parts)
        out.append(rng.choice(["", "\n"]).join(parts))
    return out + [text.replace("\n", "\r\n") for text in out[::3]]


def _walked(text: str, join: bool):
    """What one walk over every break of ``text`` returns: the joins, the
    kept breaks and the verdicts it found."""
    lines = P._lines(text)
    stats = P._stats(lines)
    verdicts: dict = {}
    kept: list = []
    stopped: list[int] = []
    joins = list(P._walk(text, lines, stats, verdicts, P._fenced(lines, text), kept, 0, len(lines.bodies), join=join, stopped=stopped))
    return joins, kept, verdicts, stopped


def test_the_c_walk_gives_what_the_python_walk_gives(walk_c, monkeypatch):
    texts = _texts()
    joined = 0
    for text in texts:
        for join in (True, False):
            fast = _walked(text, join)
            with monkeypatch.context() as m:
                m.setattr(P, "_WALK", None)
                slow = _walked(text, join)
            assert fast == slow, text[:200]
            assert [type(e) for e in fast[0]] == [type(e) for e in slow[0]]
            joined += len(fast[0])
    assert joined > 500


def test_the_c_walk_goes_on_past_its_stop_while_it_joins(walk_c, monkeypatch):
    for text in _texts()[:40]:
        lines = P._lines(text)
        stats = P._stats(lines)
        fenced = P._fenced(lines, text)
        for i in range(0, len(lines.bodies), 3):
            results = []
            for mod in (walk_c, None):
                monkeypatch.setattr(P, "_WALK", mod)
                kept: list = []
                stopped: list[int] = []
                joins = list(P._walk(text, lines, stats, {}, fenced, kept, i, min(i + 2, len(lines.bodies)), onward=True, stopped=stopped))
                results.append((joins, kept, stopped))
            assert results[0] == results[1]


def test_the_rule_gives_the_same_results_with_and_without_the_c_walk(walk_c, monkeypatch):
    from benchmarks.inject import throughput_text

    texts = _texts() + [throughput_text(lang, 20_000, seed=3) for lang in ("zh", "en")]
    for text in texts:
        P.forget_layouts()  # (the verdicts are remembered across calls)
        fast = explain(text, only=["paragraphs"])
        P.forget_layouts()
        monkeypatch.setattr(P, "_WALK", None)
        slow = explain(text, only=["paragraphs"])
        monkeypatch.setattr(P, "_WALK", walk_c)
        assert (fast.text, fast.edits, fast.suggestions) == (slow.text, slow.edits, slow.suggestions)
    P.forget_layouts()


def test_the_c_verdicts_are_the_python_verdicts_for_any_first_and_last_character(walk_c):
    # Every 29th code point of the Basic Multilingual Plane (and the blocks
    # the rule reads closely) as the last character of line A and the first
    # of line B, under three layouts.
    D = P._DocStats
    layouts = [D(0, 0, False, False), D(40, 3, True, False, frozenset({"人民日报 第3版"}), True), D(70, 14, False, True)]
    prose = "这是一个很长的句子，没有结束的意思而且还在继续写下去"
    points = sorted(set(range(0, 0x10000, 29)) | set(range(0x2000, 0x2100)) | set(range(0x3000, 0x3100)) | set(range(0xFF00, 0xFF70)) | set(range(128)))
    tails = ["", " ", ".", "1)", "、", "一章", "华社北京1月2日电", "年1月1日，", "x"]
    checked = 0
    for c in map(chr, points):
        keys = [(prose, prose, c + tail, False) for tail in tails]
        keys += [(head + c, head + c, b, blank) for head in ("短", prose[:-1], "The quick brown fox jumps over the lazy dog", "ABCDE FGH") for b, blank in (("下去了", False), ("and then", False), ("Then", True), ("，接着", False))]
        keys += [(c + rest, c + rest, "下去了", False) for rest in ("一二三四五", " 一二三", "|a|b", "# x", "1. 项目")]
        for key in keys:
            if not key[2].strip():
                continue
            for stats in layouts:
                assert walk_c.decide(*key, stats, P._WALK_CONTEXT) == P._decide(*key, stats), (key, stats)
                checked += 1
    assert checked > 150_000


def test_pure_python_is_honoured(monkeypatch):
    monkeypatch.setenv("CLEANER_PURE_PYTHON", "1")
    assert P.walk_speedups() is None
    monkeypatch.setenv("CLEANER_PURE_PYTHON", "0")
    mod = P.walk_speedups()
    assert mod is None or mod.ABI == P.WALK_ABI


def test_a_stale_build_is_not_used(walk_c, monkeypatch):
    monkeypatch.setattr(P, "WALK_ABI", P.WALK_ABI + 1)
    assert P.walk_speedups() is None
    monkeypatch.setattr(P, "WALK_ABI", P.WALK_ABI - 1)
    monkeypatch.setattr(P, "PARA_TAIL", 399)
    assert P.walk_speedups() is None


def test_arguments_of_other_types_fall_back(walk_c):
    lines = P._lines("甲乙\n丙丁")
    stats = P._stats(lines)
    args = ("甲乙\n丙丁", tuple(lines.starts), lines.bodies, lines.blanks, [False, False], {}, [], 0, 2, True, False, stats, P._WALK_CONTEXT)
    assert walk_c.walk(*args) is NotImplemented


def test_the_c_lines_are_the_python_lines(walk_c, monkeypatch):
    texts = ["", "\n", "\n\n", "甲", "甲\n", "甲\n \n乙", " \t\u3000\n\u00a0\nx\n\n", "a\x0bb\x1c\nc\u2028d\n", *_texts()[:20]]
    for text in texts:
        text = text.replace("\r", "")
        fast = P._lines(text)
        monkeypatch.setattr(P, "_WALK", None)
        slow = P._lines(text)
        monkeypatch.setattr(P, "_WALK", walk_c)
        assert fast == slow, text[:100]
