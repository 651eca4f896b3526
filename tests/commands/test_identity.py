"""Issue 15.3: records named by their own id (``--id-field``), paragraphs
counted from 0 everywhere, and ``cleaner dedup --drop-empty``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import explain
from cleaner.dedup.corpus import dedup_corpus
from cleaner.dedup.split import split_paragraphs

A = "图书馆今年完成了老馆改造，新增阅览座位三百个，加快老旧管网改造，延长了周末的开放时间。"
B = "新建的体育公园占地约八十亩，总投资约三亿元，设有足球场、篮球场和环形跑道，年底前开放。"
C = "春节前后，各地气温起伏较大，专家提醒老人和孩子注意添衣保暖，外出时做好防护。"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], capture_output=True, cwd=cwd, env=env, timeout=120, text=True)


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- --id-field -------------------------------------------------------------------


def test_clean_report_names_records_by_their_id(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [{"url": "https://例子.cn/1", "text": "今天,我们去公园。"}, {"url": 42, "text": "明天,我们去图书馆。"}])
    p = run("clean", "-q", "--jsonl", "--id-field", "url", "in.jsonl", "-o", "out.jsonl", "--report", "r.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert {r["document"] for r in rows(tmp_path / "r.jsonl")} == {"https://例子.cn/1", "42"}
    # the records themselves are untouched but for the cleaned field
    assert [r["url"] for r in rows(tmp_path / "out.jsonl")] == ["https://例子.cn/1", 42]


def test_without_id_field_records_stay_file_and_line(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [{"url": "u1", "text": "今天,我们去公园。"}])
    p = run("clean", "-q", "--jsonl", "in.jsonl", "--report", "r.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert {r["document"] for r in rows(tmp_path / "r.jsonl")} == {"in.jsonl:1"}


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"text": "今天,我们去公园。"}, "no id field 'url'"),
        ({"url": None, "text": "今天,我们去公园。"}, "id field 'url' is null"),
        ({"url": "", "text": "今天,我们去公园。"}, "id field 'url' is an empty string"),
        ({"url": [1], "text": "今天,我们去公园。"}, "id field 'url' is a list"),
        ({"url": True, "text": "今天,我们去公园。"}, "id field 'url' is a bool"),
    ],
)
@pytest.mark.parametrize("command", ["clean", "dedup"])
def test_a_record_without_an_id_is_bad_input_naming_file_and_line(tmp_path, command, record, reason):
    write_jsonl(tmp_path / "in.jsonl", [{"url": "ok", "text": A}, record])
    p = run(command, "-q", "--jsonl", "--id-field", "url", "in.jsonl", "-o", "out.jsonl", cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    assert f"in.jsonl: line 2: {reason}" in p.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_clean_quarantines_a_record_without_an_id(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [{"url": "ok", "text": "今天,我们去公园。"}, {"text": "x"}])
    p = run("clean", "-q", "--jsonl", "--id-field", "url", "in.jsonl", "-o", "out.jsonl", "--on-error", "quarantine", "bad.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    (bad,) = rows(tmp_path / "bad.jsonl")
    assert bad["line"] == 2 and "no id field 'url'" in bad["reason"]


def test_dedup_clusters_report_and_notes_name_records_by_id(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [{"id": "甲", "text": f"{A}\n\n{B}"}, {"id": 7, "text": f"{C}\n\n{A}"}])
    p = run("dedup", "-q", "--jsonl", "--id-field", "id", "in.jsonl", "-o", "out.jsonl", "--clusters", "c.jsonl", "--report", "r.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    (cluster,) = rows(tmp_path / "c.jsonl")
    assert cluster["kept"] == {"document": "甲", "paragraph": 0}
    assert [(m["document"], m["paragraph"]) for m in cluster["members"]] == [("甲", 0), ("7", 1)]
    (drop,) = rows(tmp_path / "r.jsonl")
    assert (drop["document"], drop["paragraph"], drop["ref_document"], drop["ref_paragraph"]) == ("7", 1, "甲", 0)
    assert "paragraph 0 of 甲" in drop["note"]


def test_dedup_refuses_an_id_used_twice(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"id": 1, "text": A}])
    write_jsonl(tmp_path / "b.jsonl", [{"id": 2, "text": B}, {"id": "1", "text": C}])
    p = run("dedup", "-q", "--jsonl", "--id-field", "id", "a.jsonl", "b.jsonl", "-o", "out.jsonl", cwd=tmp_path)
    assert p.returncode == 1
    assert "b.jsonl: line 2: id '1' (--id-field id) is also the id of a.jsonl:1" in p.stderr
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["in.txt", "--id-field", "id"], "add --jsonl"),
        (["--jsonl", "in.txt", "--id-field", "text"], "is also --field"),
        (["--jsonl", "in.txt", "--id-field", ""], "needs the name of a field"),
    ],
)
@pytest.mark.parametrize("command", ["clean", "dedup"])
def test_id_field_usage_errors(tmp_path, command, args, message):
    (tmp_path / "in.txt").write_text(A, encoding="utf-8")
    p = run(command, *args, cwd=tmp_path)
    assert p.returncode == 2 and message in p.stderr, p.stderr


# -- paragraphs count from 0 ------------------------------------------------------


def test_in_document_dedup_notes_count_paragraphs_from_0():
    text = f"{B}\n\n{A}\n\n{A}\n"
    (e,) = explain(text, only=["dedup"]).edits
    ref_paragraph = [s for s, _ in split_paragraphs(text)].index(e.ref[0])
    assert ref_paragraph == 1 and e.note.startswith("duplicate of paragraph 1 ")


def test_corpus_notes_clusters_and_dropped_units_agree():
    docs = [("a", f"{B}\n\n{A}"), ("b", f"{C}\n\n{A}！\n\n{A}")]
    res = dedup_corpus(docs)
    dropped = sorted((u.paragraph, u.ref_document, u.ref_paragraph) for u in res.dropped())
    assert dropped == [(1, "a", 1), (2, "a", 1)]
    (cluster,) = res.clusters()
    assert cluster["kept"] == {"document": "a", "paragraph": 1}
    notes = [e.note for e in res.edits(1, docs[1][1])]
    assert notes and all("paragraph 1 of a " in n for n in notes), notes


def test_cleaner_dedup_report_numbers_match_its_notes(tmp_path):
    (tmp_path / "a.txt").write_text(f"{B}\n\n{C}\n\n{A}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"{A}\n\n{A}\n", encoding="utf-8")
    p = run("dedup", "-q", "a.txt", "b.txt", "--output-dir", "out", "--report", "r.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    for row in rows(tmp_path / "r.jsonl"):
        assert row["ref_paragraph"] == 2 and f"paragraph {row['ref_paragraph']} of a.txt" in row["note"], row


# -- --drop-empty -------------------------------------------------------------------


def test_drop_empty_leaves_out_emptied_records_and_reports_each(tmp_path):
    records = [{"id": "a", "text": f"{A}\n\n{B}"}, {"id": "b", "text": f"{A}\n\n{B}！"}, {"id": "c", "text": f"{C}\n\n{A}"}, {"id": "d", "text": ""}]
    write_jsonl(tmp_path / "in.jsonl", records)
    p = run("dedup", "--jsonl", "--id-field", "id", "in.jsonl", "-o", "out.jsonl", "--report", "r.jsonl", "--drop-empty", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    # b lost both paragraphs: left out; c keeps one; d was empty before dedup: kept
    assert [(r["id"], r["text"]) for r in rows(tmp_path / "out.jsonl")] == [("a", f"{A}\n\n{B}"), ("c", C), ("d", "")]
    report = rows(tmp_path / "r.jsonl")
    (left_out,) = [r for r in report if r.get("dropped") == "empty"]
    assert left_out["document"] == "b" and "--drop-empty" in left_out["note"]
    assert sorted(r["document"] for r in report if "start" in r) == ["b", "b", "c"]
    assert "1 document left empty and dropped (--drop-empty)" in p.stderr
    # without the option the emptied record stays, with an empty field
    p = run("dedup", "-q", "--jsonl", "in.jsonl", "-o", "kept.jsonl", cwd=tmp_path)
    assert [r["text"] for r in rows(tmp_path / "kept.jsonl")] == [f"{A}\n\n{B}", "", C, ""]


def test_drop_empty_text_files_are_not_written(tmp_path):
    (tmp_path / "a.txt").write_text(f"{A}\n\n{B}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"{B}\n", encoding="utf-8")
    p = run("dedup", "-q", "a.txt", "b.txt", "--output-dir", "out", "--drop-empty", "--report", "r.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert sorted(os.listdir(tmp_path / "out")) == ["a.txt"]
    assert [r["document"] for r in rows(tmp_path / "r.jsonl") if r.get("dropped") == "empty"] == ["b.txt"]


def test_drop_empty_is_for_paragraph_level(tmp_path):
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    p = run("dedup", "--level", "document", "--drop-empty", "a.txt", cwd=tmp_path)
    assert p.returncode == 2 and "--drop-empty is for --level paragraph" in p.stderr


def test_review_reads_a_report_that_names_records_by_id(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [{"url": "u/1", "text": "今天,我们去公园。"}, {"url": "u/2", "text": "明天,我们去图书馆。"}])
    p = run("clean", "-q", "--jsonl", "--id-field", "url", "in.jsonl", "-o", "out.jsonl", "--report", "r.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    p = run("review", "-q", "--jsonl", "--id-field", "url", "in.jsonl", "--report", "r.jsonl", "-o", "page.html", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "u/1" in page and "u/2" in page
    # without --id-field the report's ids match no input: the user is told
    p = run("review", "-q", "--jsonl", "in.jsonl", "--report", "r.jsonl", "-o", "page2.html", cwd=tmp_path)
    assert p.returncode == 1 and "u/1" in p.stderr, p.stderr
