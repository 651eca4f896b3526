"""cleaner.clean_records and cleaner.dedup_records: records in, records out."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

import cleaner
from cleaner import apply_edits, explain
from cleaner.dedup.corpus import dedup_corpus

ROOT = Path(__file__).resolve().parent.parent

DIRTY = "今天,我们去公园。"
CLEAN = "这是一段干净的中文。"
P1 = "第一段的内容足够长，不会被跳过。"
P2 = "第二段的内容也够长，同样参与比较。"
P3 = "第三段是新的内容，应当保留下来。"


# -- clean_records ----------------------------------------------------------------


def test_the_field_is_cleaned_and_the_other_keys_kept() -> None:
    recs = [{"id": 1, "text": DIRTY, "meta": {"url": "a.cn"}}, {"id": 2, "text": CLEAN}]
    out = list(cleaner.clean_records(recs))
    assert out == [{"id": 1, "text": explain(DIRTY).text, "meta": {"url": "a.cn"}}, {"id": 2, "text": CLEAN}]
    assert out[0]["text"] != DIRTY


def test_an_unchanged_record_is_the_same_object_and_no_input_is_modified() -> None:
    recs = [{"text": DIRTY}, {"text": CLEAN}]
    out = list(cleaner.clean_records(recs))
    assert out[1] is recs[1]
    assert out[0] is not recs[0] and recs[0] == {"text": DIRTY}


def test_any_mapping_comes_out_as_a_dict() -> None:
    out = list(cleaner.clean_records([MappingProxyType({"body": CLEAN, "n": 1})], field="body"))
    assert out == [{"body": CLEAN, "n": 1}] and type(out[0]) is dict


def test_it_is_lazy_on_an_endless_stream() -> None:
    endless = ({"n": i, "text": DIRTY} for i in itertools.count())
    out = list(itertools.islice(cleaner.clean_records(endless, only=["width"]), 3))
    assert [r["n"] for r in out] == [0, 1, 2] and out[0]["text"] == "今天，我们去公园。"


def test_with_edits_the_edits_replay_and_name_the_record() -> None:
    recs = [{"url": "a.cn/1", "text": DIRTY + "\n\n" + "博土毕业于北京大学。"}]
    [(rec, res)] = cleaner.clean_records(recs, id_field="url", with_edits=True)
    assert rec is not None and res.document.id == "a.cn/1"
    assert apply_edits(recs[0]["text"], res.edits) == res.text == rec["text"]
    assert res.edits and {e.rule for e in res.edits} >= {"width"}


def test_options_and_config_are_those_of_explain() -> None:
    cfg = cleaner.make_config(only=["width", "whitespace"])
    text = "今天,我们 去公园。"
    [a] = cleaner.clean_records([{"text": text}], config=cfg)
    [b] = cleaner.clean_records([{"text": text}], config=cfg, only=["whitespace"])
    assert a["text"] == explain(text, config=cfg).text == "今天，我们去公园。"
    assert b["text"] == explain(text, only=["whitespace"]).text == "今天,我们去公园。"


def test_drop_empty_leaves_out_what_cleaning_emptied() -> None:
    recs = [{"text": "\u200b\u200b"}, {"text": CLEAN}, {"text": "   "}]
    assert list(cleaner.clean_records(recs)) == [{"text": ""}, {"text": CLEAN}, {"text": ""}]
    # a text of blanks only had nothing to lose: it stays, cleaned
    assert list(cleaner.clean_records(recs, drop_empty=True)) == [{"text": CLEAN}, {"text": ""}]
    outcomes = list(cleaner.clean_records(recs, drop_empty=True, with_edits=True))
    assert [rec is None for rec, _ in outcomes] == [True, False, False]
    assert outcomes[0][1].text == "" and [e.before for e in outcomes[0][1].edits] == ["\u200b\u200b"]


def test_bad_options_and_bad_records_are_refused_with_what_to_do() -> None:
    with pytest.raises(ValueError, match="unknown"):
        cleaner.clean_records([], no_such_option=1)  # before any record is read
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        cleaner.clean_records([], jobs=0)
    with pytest.raises(ValueError, match=r"record 1 has no field 'text' .*field="):
        list(cleaner.clean_records([{"text": CLEAN}, {"content": CLEAN}]))
    with pytest.raises(ValueError, match="field 'text' is a int, not a string"):
        list(cleaner.clean_records([{"text": 3}]))
    with pytest.raises(TypeError, match="not a mapping"):
        list(cleaner.clean_records(["今天"]))  # type: ignore[list-item]
    with pytest.raises(ValueError, match="no id field 'id'"):
        list(cleaner.clean_records([{"text": CLEAN}], id_field="id"))


def test_worker_processes_give_the_same_records_in_order() -> None:
    recs = [{"n": i, "text": (DIRTY if i % 3 else CLEAN) + "。" * (i % 2)} for i in range(40)]
    one = list(cleaner.clean_records(recs, with_edits=True))
    two = list(cleaner.clean_records(recs, jobs=2, with_edits=True))
    assert [r for r, _ in one] == [r for r, _ in two]
    assert [x.to_dict() for _, x in one] == [x.to_dict() for _, x in two]


# -- dedup_records ----------------------------------------------------------------


def _corpus() -> list[dict[str, Any]]:
    return [
        {"id": "a", "text": f"{P1}\n\n{P2}", "lang": "zh"},
        {"id": "b", "text": f"{P3}\n\n{P2.replace('，', '！')}", "lang": "zh"},
        {"id": "c", "text": P1, "lang": "zh"},
        {"id": "d", "text": CLEAN, "lang": "zh"},
    ]


def test_dedup_drops_the_paragraphs_dedup_corpus_drops() -> None:
    recs = _corpus()
    out = list(cleaner.dedup_records(recs))
    res = dedup_corpus([(r["id"], r["text"]) for r in recs])
    try:
        expected = [res.output(i, r["text"]) for i, r in enumerate(recs)]
    finally:
        res.close()
    assert [r["text"] for r in out] == expected == [f"{P1}\n\n{P2}", P3, "", CLEAN]
    assert [{k: v for k, v in r.items() if k != "text"} for r in out] == [{"id": k, "lang": "zh"} for k in "abcd"]
    assert out[0] == recs[0] and out[3] == recs[3]


def test_dedup_gives_what_the_dedup_command_writes(tmp_path: Path) -> None:
    recs = _corpus()
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "cleaner", "dedup", "--jsonl", "-q", "-j", "1", str(src), "-o", str(tmp_path / "out.jsonl")], check=True, env=env, cwd=ROOT)
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert list(cleaner.dedup_records(recs)) == written


def test_dedup_with_edits_names_what_each_drop_repeats_and_replays() -> None:
    recs = _corpus()
    outcomes = list(cleaner.dedup_records(recs, id_field="id", with_edits=True))
    notes = [[e.note for e in res.edits] for _, res in outcomes]
    # paragraphs count from 0 in notes too (README: "What the reports hold")
    assert notes == [[], ["duplicate of paragraph 1 of a (similarity 100.0)"], ["duplicate of paragraph 0 of a (similarity 100.0)"], []]
    for r, (rec, res) in zip(recs, outcomes):
        assert rec is not None and apply_edits(r["text"], res.edits) == res.text == rec["text"]
        assert res.document.id == r["id"]


def test_dedup_drop_empty_and_document_level_leave_records_out() -> None:
    recs = _corpus()
    assert [r["id"] for r in cleaner.dedup_records(recs, drop_empty=True)] == ["a", "b", "d"]
    docs = recs + [{"id": "e", "text": f"{P1}\n\n{P2}", "lang": "zh"}]
    assert [r["id"] for r in cleaner.dedup_records(docs, level="document")] == ["a", "b", "c", "d"]
    outcomes = list(cleaner.dedup_records(docs, level="document", id_field="id", with_edits=True))
    rec, res = outcomes[-1]
    assert rec is None and res.text == "" and [e.note for e in res.edits] == ["duplicate of a (similarity 100.0)"]
    assert apply_edits(docs[-1]["text"], res.edits) == ""


def test_dedup_options_are_checked_before_reading(tmp_path: Path) -> None:
    def never() -> Iterator[dict[str, Any]]:
        raise AssertionError("read")
        yield {}

    with pytest.raises(ValueError, match="dedup_threshold"):
        cleaner.dedup_records(never(), dedup_threshold=0)
    with pytest.raises(ValueError, match="level must be one of"):
        cleaner.dedup_records(never(), level="sentence")
    with pytest.raises(ValueError, match="record 0 has no field 'body'"):
        list(cleaner.dedup_records([{"text": P1}], field="body", workdir=str(tmp_path)))
    assert os.listdir(tmp_path) == []  # the temporary folder went with the error


def test_dedup_leaves_no_temporary_file_when_done_or_closed(tmp_path: Path) -> None:
    out = list(cleaner.dedup_records(_corpus(), workdir=str(tmp_path)))
    assert len(out) == 4 and os.listdir(tmp_path) == []
    gen = cleaner.dedup_records(_corpus(), workdir=str(tmp_path))
    next(gen)
    assert os.listdir(tmp_path)  # the spool is there while the records come out
    gen.close()
    assert os.listdir(tmp_path) == []


def test_dedup_holds_the_records_on_disk_not_in_the_generator() -> None:
    """The records go through a pickle spool: what comes out is an equal copy."""
    recs = _corpus()
    out = list(cleaner.dedup_records(recs))
    assert out[3] == recs[3] and out[3] is not recs[3]


# -- dedup_records with an index of earlier runs ---------------------------------------


def test_an_index_carries_what_one_run_kept_to_the_next(tmp_path: Path) -> None:
    index = tmp_path / "seen.db"
    day1 = [{"id": "d1", "text": f"{P1}\n\n{P2}"}]
    assert list(cleaner.dedup_records(day1, id_field="id", index=index)) == day1
    day2 = [{"id": "d2", "text": f"{P3}\n\n{P2.replace('，', '！')}"}]
    [(rec, res)] = cleaner.dedup_records(day2, id_field="id", index=str(index), with_edits=True)
    assert rec == {"id": "d2", "text": P3}
    assert [e.note for e in res.edits] == ["duplicate of paragraph 1 of d1 (index run 1) (similarity 100.0)"]
    # run 2 added P3: a third run drops it too
    assert [r["text"] for r in cleaner.dedup_records([{"text": f"{P3}\n\n{CLEAN}"}], index=index)] == [CLEAN]


def test_a_stream_closed_before_its_end_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    index = tmp_path / "seen.db"
    stream = cleaner.dedup_records([{"text": P1}, {"text": P2}], index=index)
    next(stream)
    stream.close()
    assert list(cleaner.dedup_records([{"text": P1}], index=index)) == [{"text": P1}]  # P1 was not remembered
    assert list(cleaner.dedup_records([{"text": P1}], index=index)) == [{"text": ""}]  # the full run was


def test_the_index_is_the_dedup_commands(tmp_path: Path) -> None:
    """An index the command wrote drops paragraphs in dedup_records, at the document level too."""
    src = tmp_path / "day1.jsonl"
    src.write_text(json.dumps({"id": "x", "text": P2}, ensure_ascii=False) + "\n", encoding="utf-8")
    index = tmp_path / "seen.db"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for level in ("paragraph", "document"):
        cmd = ["dedup", "--jsonl", "-q", "--level", level, "--index", str(index), str(src), "-o", str(tmp_path / "out.jsonl")]
        subprocess.run([sys.executable, "-m", "cleaner", *cmd], check=True, env=env, cwd=ROOT)
    out = list(cleaner.dedup_records([{"text": f"{P1}\n\n{P2}"}], index=index))
    assert out == [{"text": P1}]
    [(rec, res)] = cleaner.dedup_records([{"text": P2}], index=index, level="document", with_edits=True)
    assert rec is None and [e.note for e in res.edits] == ["duplicate of " + str(src) + ":1 (index run 2) (similarity 100.0)"]


def test_an_index_in_use_is_refused(tmp_path: Path) -> None:
    from cleaner.errors import InputError

    index = tmp_path / "seen.db"
    first = cleaner.dedup_records([{"text": P1}], index=index)
    next(first)
    with pytest.raises(InputError, match="in use by another run"):
        list(cleaner.dedup_records([{"text": P1}], index=index))
    first.close()
