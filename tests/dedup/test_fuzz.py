"""Fuzzing ``cleaner dedup`` the way ``clean`` is fuzzed (issue 11.8).

Small corpora are generated with exact and near copies of paragraphs,
identical documents, whitespace-only lines, trailing blanks, CRLF and one
paragraph per line.  For every corpus: no crash; every dropped paragraph
has exactly one edit, and that edit names what it duplicated; a document
that loses nothing comes out byte for byte; the edits replayed on the input
give the output; no edit touches a kept paragraph.  The in-process fuzzer
runs many corpora through :func:`dedup_corpus`; the command fuzzer runs a
few through the real command (text files and JSON Lines, with
``--report``).  ``CLEANER_FUZZ_DEDUP=N`` runs N more corpora of each from a
random start.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.dedup.corpus import DedupOptions, dedup_corpus
from cleaner.dedup.split import split_paragraphs
from cleaner.edits import apply_edits

_PARAS = [
    "图书馆今年完成了老馆改造，新增阅览座位三百个，延长了周末的开放时间。",
    "新建的体育公园占地约八十亩，设有足球场、篮球场和环形跑道，年底前开放。",
    "春节前后，各地气温起伏较大，专家提醒老人和孩子注意添衣保暖。",
    "The first paragraph is long enough to take part in the comparison.",
    "A second paragraph, written in English, with a few more words in it.",
    "市政府召开常务会议，研究部署下一阶段的重点工作任务。",
    "這是一段繁體中文的段落，用來檢查字形不同的重複段落。",
]
_SHORT = ["x", "第一章", "Page 2", "——", "目录"]
_EXTRA = int(os.environ.get("CLEANER_FUZZ_DEDUP", "0") or 0)


def _near(rng: random.Random, p: str) -> str:
    """A copy of ``p`` with one character changed, added or removed (or the same)."""
    i = rng.randrange(len(p))
    return rng.choice([p, p[:i] + "的" + p[i + 1 :], p[:i] + "了" + p[i:], p[:i] + p[i + 1 :], p.replace("，", ",")])


def _document(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(1, 7)):
        r = rng.random()
        p = rng.choice(_SHORT) if r < 0.2 else _near(rng, rng.choice(_PARAS)) if r < 0.5 else rng.choice(_PARAS)
        p = rng.choice(["", " ", "\u3000\u3000"]) + p + rng.choice(["", "", " ", "  ", "\t", "\u3000"])
        parts.append(p)
    if rng.random() < 0.3:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice([" ", "\t", "\u3000", ""]))
    sep = rng.choice(["\n", "\n", "\n\n", "\n \n", "\n\n\n"])
    text = rng.choice(["", "\n", " \n"]) + sep.join(parts) + rng.choice(["", "\n", "\n\n", " "])
    return text.replace("\n", "\r\n") if rng.random() < 0.3 else text


def corpus(seed: int) -> list[tuple[str, str]]:
    """A small corpus of documents named ``d0.txt``, ``d1.txt``...; some are identical."""
    rng = random.Random(seed)
    docs: list[str] = []
    for _ in range(rng.randint(2, 6)):
        docs.append(rng.choice(docs) if docs and rng.random() < 0.25 else _document(rng))
    return [(f"d{i}.txt", t) for i, t in enumerate(docs)]


def check_corpus(docs: list[tuple[str, str]]) -> int:
    """Run the corpus through dedup_corpus and check every document; the number of drops."""
    res = dedup_corpus(docs, options=DedupOptions(batch=3))
    try:
        dropped = 0
        for d, (name, text) in enumerate(docs):
            spans = split_paragraphs(text)
            drops = res.drops(d)
            edits = res.edits(d, text)
            out = res.output(d, text)
            assert out is not None
            if not drops:
                assert edits == [] and out == text, name
                continue
            assert apply_edits(text, edits) == out, name
            assert len(edits) == len(drops), (name, edits, drops)
            for p, (s, e) in enumerate(spans):
                covering = [x for x in edits if x.start <= s and e <= x.end]
                touching = [x for x in edits if x.start < e and s < x.end]
                if p in drops:
                    (x,) = covering
                    assert touching == covering, (name, p, touching)
                    assert x.note.startswith("duplicate of ") and "similarity" in x.note, x.note
                    ref, _ = drops[p]
                    rdoc, rpara, _ = res._name(ref)
                    assert rdoc in x.note or rdoc == name, (x.note, rdoc)
                    assert f"paragraph {rpara or 0}" in x.note, (x.note, rpara)
                else:
                    assert not touching, (name, p, touching)
                    assert text[s:e] in out
            dropped += len(drops)
        return dropped
    finally:
        res.close()


#: 136 of these 300 corpora crashed or lost a paragraph's edit before 11.8 was fixed
_SEEDS = list(range(300))
if _EXTRA:
    _start = random.randrange(10**6)
    _SEEDS += list(range(_start, _start + _EXTRA))


def test_fuzz_dedup_corpus():
    """Many corpora in one test (each takes milliseconds); the failing seed is named."""
    total = 0
    for seed in _SEEDS:
        try:
            total += check_corpus(corpus(seed))
        except Exception as exc:  # pragma: no cover - the message names the seed to replay
            raise AssertionError(f"corpus seed {seed}: {exc!r}") from exc
    assert total > len(_SEEDS)  # the corpora do drop paragraphs


# -- through the command ----------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cleaner.cli", "dedup", "-q", *args], capture_output=True, cwd=cwd, env=env, timeout=120)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _check_report(docs: list[tuple[str, str]], outputs: dict[str, str], report: list[dict]) -> None:
    by_doc: dict[str, list[dict]] = {}
    for row in report:
        by_doc.setdefault(row["document"], []).append(row)
    for name, text in docs:
        rows = by_doc.get(name, [])
        out = outputs[name]
        if not rows:
            assert out == text, name
            continue
        pos, parts = 0, []
        for row in rows:
            assert row["start"] >= pos and text[row["start"] : row["end"]] == row["before"] and row["after"] == ""
            assert row["ref_document"] and row["ref_paragraph"] is not None and row["note"].startswith("duplicate of ")
            parts.append(text[pos : row["start"]])
            pos = row["end"]
        parts.append(text[pos:])
        assert "".join(parts) == out, name
        assert len({r["paragraph"] for r in rows}) == len(rows), name


def check_command(docs: list[tuple[str, str]], tmp: Path) -> None:
    """Text files with --output-dir, and the same documents as JSON Lines records."""
    for name, text in docs:
        (tmp / name).write_bytes(text.encode("utf-8"))
    p = run(*[n for n, _ in docs], "--output-dir", "out", "--report", "r.jsonl", cwd=tmp)
    assert p.returncode == 0, p.stderr.decode()
    outputs = {n: (tmp / "out" / n).read_bytes().decode("utf-8") for n, _ in docs}
    _check_report(docs, outputs, _rows(tmp / "r.jsonl"))
    lines = "".join(json.dumps({"id": n, "text": t}, ensure_ascii=False) + "\n" for n, t in docs)
    (tmp / "c.jsonl").write_text(lines, encoding="utf-8")
    p = run("--jsonl", "c.jsonl", "-o", "o.jsonl", "--report", "rj.jsonl", cwd=tmp)
    assert p.returncode == 0, p.stderr.decode()
    records = _rows(tmp / "o.jsonl")
    assert [r["text"] for r in records] == [outputs[n] for n, _ in docs]


def test_trailing_blank_between_two_dropped_lines(tmp_path):
    """Issue 11.8: the command crashed with 'edit dedup [36, 70) overlaps an
    earlier edit' and had already written the first output."""
    text = "x\nThe first paragraph is long enough \nThe second paragraph is long too\n"
    (tmp_path / "e1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "e2.txt").write_text(text, encoding="utf-8")
    p = run("e1.txt", "e2.txt", "--output-dir", "o", "--report", "r.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr.decode()
    assert (tmp_path / "o" / "e1.txt").read_text(encoding="utf-8") == text
    assert (tmp_path / "o" / "e2.txt").read_text(encoding="utf-8") == "x\n"
    rows = _rows(tmp_path / "r.jsonl")
    assert [(r["paragraph"], r["ref_document"], r["ref_paragraph"]) for r in rows] == [(1, "e1.txt", 1), (2, "e1.txt", 2)]


def test_identical_jsonl_records(tmp_path):
    """Issue 11.8: two identical records crashed the command the same way."""
    rec = json.dumps({"text": "x\nThe first paragraph is long enough \nThe second paragraph is long too"}) + "\n"
    (tmp_path / "in.jsonl").write_text(rec + rec, encoding="utf-8")
    p = run("--jsonl", "in.jsonl", "-o", "out.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr.decode()
    assert [r["text"] for r in _rows(tmp_path / "out.jsonl")] == [json.loads(rec)["text"], "x"]


#: a few corpora through the real command (each costs a second or two)
_COMMAND_SEEDS = [0, 1, 2, 3] + (list(range(10**5, 10**5 + _EXTRA // 20)) if _EXTRA else [])


@pytest.mark.parametrize("seed", _COMMAND_SEEDS)
def test_fuzz_dedup_command(seed, tmp_path):
    check_command(corpus(seed), tmp_path)
