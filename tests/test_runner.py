"""The local engine's two paths (text documents, JSON Lines records) count
alike and batch alike: one counting method and one batcher under both."""

from __future__ import annotations

import json

import pytest

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


def _runs_of(items, report: bool = True):
    """Output and report bytes per source, the bad records, and the counts of
    what :func:`clean_line_runs` (or :func:`clean_lines`) gave."""
    from cleaner.runner import LineRun

    out: dict[str, bytes] = {}
    rep: dict[str, bytes] = {}
    bad = []
    stats = Stats()
    for c in items:
        if isinstance(c, LineRun):
            out[c.source] = out.get(c.source, b"") + c.output
            rep[c.source] = rep.get(c.source, b"") + c.report
            stats.add_run(c)
        elif c.bad:
            bad.append(c)
        else:
            out[c.source] = out.get(c.source, b"") + c.output.encode()
            rep[c.source] = rep.get(c.source, b"") + c.report.encode()
            stats.add_line(c)
    return out, rep, bad, stats.to_dict()


def test_runs_from_workers_hold_the_records_of_one_process():
    """At --jobs 2 the good records of a batch come back joined and encoded
    (one LineRun per source between bad records): the same bytes, bad records
    and counts as record by record in one process, whatever the batch sizes."""
    from cleaner.runner import LineRun, clean_line_runs

    config = make_config(only=["unicode", "width", "whitespace", "dedup"])
    raw = [(json.dumps({"id": i, "text": t}, ensure_ascii=i % 2 == 0) + "\n").encode() for i, t in enumerate(TEXTS * 6)]
    raw[3] = b'{"text": 5}\n'
    raw[5] = b"\n"
    raw[9] = b'{"text": "\xff"}\n'
    lines = [(f"part{i // 10}.jsonl", i % 10 + 1, r) for i, r in enumerate(raw)]
    alone = _runs_of(clean_lines(lines, config))
    assert len(alone[2]) == 2 and alone[3]["edits"] and alone[3]["dropped_paragraphs"]
    for batch_bytes in (64, 400, 1 << 20):
        items = list(clean_line_runs(lines, config, jobs=2, batch_bytes=batch_bytes))
        assert any(isinstance(c, LineRun) and c.documents > 1 for c in items)
        assert _runs_of(items) == alone
    # the bad records come where they were: after the run before them
    kinds = [("bad", c.line) if not isinstance(c, LineRun) else ("run", c.source) for c in clean_line_runs(lines, config, jobs=2)]
    assert kinds[:3] == [("run", "part0.jsonl"), ("bad", 4), ("run", "part0.jsonl")]


def test_an_input_of_two_batches_starts_no_workers(monkeypatch):
    """Starting workers for one batch of work costs more than the work: the
    first batch is always done in this process, and the second too when
    nothing follows it."""
    import cleaner.runner as runner

    def no_pool(jobs):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(runner, "_pool", no_pool)
    monkeypatch.setattr(runner, "_share_loaded", lambda: no_pool(0))
    config = make_config(only=["width"])
    lines = [("in.jsonl", i, (json.dumps({"text": t}, ensure_ascii=False) + "\n").encode()) for i, t in enumerate(TEXTS, 1)]
    assert [c.output for c in clean_lines(lines, config, jobs=2)] == [c.output for c in clean_lines(lines, config)]
    assert [c.output for c in clean_lines(lines[:2], config, jobs=2, batch_lines=1)] == [c.output for c in clean_lines(lines[:2], config)]
    docs = [Document(f"d{i}", t) for i, t in enumerate(TEXTS)]
    assert [r.text for r in clean_documents(docs, config, jobs=2)] == [r.text for r in clean_documents(docs, config)]
    assert list(clean_lines([], config, jobs=2)) == []
    with pytest.raises(AssertionError, match="pool"):
        list(clean_lines(lines[:3], config, jobs=2, batch_lines=1))  # three batches: workers
    with pytest.raises(AssertionError, match="pool"):
        list(clean_documents(docs, config, jobs=2, batch_docs=1))


#: a fresh process runs clean_lines and clean_documents at --jobs 2 over the
#: first argument's texts (JSON) with the rules the second names off, and
#: prints what it had loaded when it forked the workers (each time)
_AT_FORK = """
import json, sys
import cleaner.runner as runner
from cleaner import make_config
from cleaner.typos import model
seen = []
pool = runner._pool
runner._pool = lambda jobs: seen.append((model.model.cache_info().currsize, "numpy" in sys.modules)) or pool(jobs)
texts, off = json.loads(sys.argv[1]), sys.argv[2].split(",")
lines = [("in.jsonl", i, (json.dumps({"text": t}, ensure_ascii=False) + "\\n").encode()) for i, t in enumerate(texts, 1)]
out = [c.output for c in runner.clean_lines(lines, make_config(disable=off), jobs=2, batch_lines=1)]
assert out == [c.output for c in runner.clean_lines(lines, make_config(disable=off))]
docs = [runner.Document(f"d{i}", t) for i, t in enumerate(texts)]
out = [r.text for r in runner.clean_documents(docs, make_config(disable=off), jobs=2, batch_docs=1)]
assert out == [r.text for r in runner.clean_documents(docs, make_config(disable=off))]
print(json.dumps(seen))
"""


_ZH = ["今天天气很好,我们去公园散步。", "会议要求各部门认真落实。", "加快推进各项工作。", "确保按时完成任务。"]
_EN = ["The weather is fine today.", "We went to the park.", "The meeting ended at noon.", "Everyone went home."]
_MODEL_RULES_OFF = "paragraphs,stutter,ocr_confusion,consistency"


@pytest.mark.parametrize(
    "texts, off, loaded",
    [
        (_ZH, "paragraphs", [[1, True]] * 2),
        (_ZH, "ocr_confusion,consistency", [[1, False]] * 2),
        (_ZH, _MODEL_RULES_OFF, [[0, False]] * 2),
        (_EN, "ocr_confusion,consistency", [[0, False]] * 2),
    ],
)
def test_workers_start_with_what_the_input_needs(texts, off, loaded):
    """The workers are forked after this process cleaned the input's start
    (the first batch of lines; the start of the first document), with what
    its rules loaded (shared, not loaded again in each worker): typo rules
    on Chinese text load the word model and numpy first.  Chinese text
    gets the word model before the fork whenever a rule that reads it is on
    (the stutter rule reads it at the first word printed twice, which a
    first batch may not hold: each worker would load its own); text that is
    not Chinese, or rules that never read it, leave it unloaded."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=root)
    run = subprocess.run([sys.executable, "-c", _AT_FORK, json.dumps(texts), off], capture_output=True, text=True, env=env, cwd=root, timeout=300)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == loaded


#: a fresh process cleans the texts (JSON) with each rule alone, and prints
#: the rules after which the word model was loaded
_READS_MODEL = """
import json, sys
from cleaner import explain
from cleaner.config import rule_table
from cleaner.typos import model
texts = json.loads(sys.argv[1])
found = []
for name, _ in rule_table():
    model.model.cache_clear()
    for t in texts:
        explain(t, only=[name])
    if model.model.cache_info().currsize:
        found.append(name)
print(json.dumps(found))
"""


def test_the_rules_said_to_read_the_word_model_are_those_that_do():
    """:data:`cleaner.runner._WORD_MODEL_RULES` (what decides whether the
    word model is loaded before the workers fork) are the rules that load
    it on Chinese text (a broken line, a word printed twice); ``lexicon``
    needs a lexicon to load it and is left out."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from cleaner.runner import _WORD_MODEL_RULES

    texts = ["今天天气很好,我们去公园散步。\n会议要求各部门认真落实，加快推\n进各项工作。", "我们研究研究这个问题。"]
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=root)
    run = subprocess.run([sys.executable, "-c", _READS_MODEL, json.dumps(texts)], capture_output=True, text=True, env=env, cwd=root, timeout=300)
    assert run.returncode == 0, run.stderr
    assert set(json.loads(run.stdout)) == _WORD_MODEL_RULES
