"""The local engine's two paths (text documents, JSON Lines records) count
alike and batch alike: one counting method and one batcher under both."""

from __future__ import annotations

import json

from cleaner import make_config
from cleaner.records import Document
from cleaner.runner import Stats, clean_documents, clean_lines

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
