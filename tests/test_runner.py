"""The local engine's two paths (text documents, JSON Lines records) count
alike and batch alike: one counting method and one batcher under both."""

from __future__ import annotations

import json

from cleaner import make_config
from cleaner.records import Document
from cleaner.runner import Stats, _Pace, clean_documents, clean_lines

TEXTS = [
    "今天天气很好,我們去公园散步。\n\n今天天气很好,我們去公园散步。\n",
    "会议要求各部门认真落实，加快推进各项工作。\n",
    "Ningboï¼ŒChina\n",
    "",
]


def test_text_and_jsonl_paths_count_alike():
    config = make_config()
    text = Stats()
    for r in clean_documents([Document(f"d{i}", t) for i, t in enumerate(TEXTS)], config):
        text.add(r)
    lines = [("in.jsonl", i, (json.dumps({"text": t}, ensure_ascii=False) + "\n").encode()) for i, t in enumerate(TEXTS, 1)]
    records = Stats()
    for c in clean_lines(lines, config):
        records.add_line(c)
    assert text.edits and text.dropped_paragraphs == 1  # the repeated paragraph
    assert (text.documents, text.chars_in, text.chars_out, text.edits, text.suggestions, text.dropped_paragraphs) == (
        records.documents,
        records.chars_in,
        records.chars_out,
        records.edits,
        records.suggestions,
        records.dropped_paragraphs,
    )


def test_batches_of_one_in_workers_keep_the_order():
    config = make_config(only=["unicode", "width"])
    docs = [Document(f"d{i}", t) for i, t in enumerate(TEXTS * 3)]
    alone = [r.text for r in clean_documents(docs, config)]
    assert [r.text for r in clean_documents(docs, config, jobs=2, batch_chars=1)] == alone
    lines = [("in.jsonl", i, (json.dumps({"text": t}, ensure_ascii=False) + "\n").encode()) for i, t in enumerate(TEXTS * 3, 1)]
    assert [c.output for c in clean_lines(lines, config, jobs=2, batch_lines=2)] == [c.output for c in clean_lines(lines, config)]


def test_records_from_workers_are_the_records_of_one_process():
    """Rows, report rows, counts and bad records cross from the workers as
    plain tuples and come back as the same CleanedLine values, in order,
    whatever the batch sizes."""
    config = make_config(only=["unicode", "width", "whitespace", "dedup"])
    raw = [(json.dumps({"id": i, "text": t}, ensure_ascii=i % 2 == 0) + "\n").encode() for i, t in enumerate(TEXTS * 4)]
    raw[3] = b'{"text": 5}\n'
    raw[5] = b"\n"
    lines = [("in.jsonl", i, r) for i, r in enumerate(raw, 1)]
    alone = list(clean_lines(lines, config))
    assert len(alone) == len(raw) - 1 and alone[3].bad and any(c.rules for c in alone)
    assert list(clean_lines(lines, config, jobs=2, batch_bytes=64)) == alone
    assert list(clean_lines(lines, config, jobs=2)) == alone


def test_batches_follow_the_workers_speed():
    """A batch is about a tenth of a second of a worker's time, within its bounds."""
    pace = _Pace(1 << 22)
    assert pace.size == 1 << 14  # small at first, so that every worker starts at once
    pace.took(1 << 20, 1.0)  # 1 MB per CPU-second
    assert pace.size == (1 << 20) // 10
    pace.took(1 << 20, 3.0)  # the speed of all batches so far: 2 MB in 4 s
    assert pace.size == (2 << 20) // 40
    fast = _Pace(1 << 22)
    fast.took(1 << 20, 0.0001)  # far faster: capped
    assert fast.size == 1 << 22
    slow = _Pace(1 << 22)
    slow.took(1000, 10.0)
    assert slow.size == 1 << 14
    lines = [("in.jsonl", i, b"x" * 1000) for i in range(100)]
    assert [len(b) for b in _Pace(1 << 22).batches(lines, max_lines=7)] == [7] * 14 + [2]
    assert [len(b) for b in _Pace(3000).batches(lines, max_lines=1000)] == [3] * 33 + [1]
