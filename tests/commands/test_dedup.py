"""`cleaner dedup` through a real subprocess: files, JSON Lines, index, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

A = "图书馆今年完成了老馆改造，新增阅览座位三百个，加快老旧管网改造，延长了周末的开放时间。"
B = "新建的体育公园占地约八十亩，总投资约三亿元，设有足球场、篮球场和环形跑道，年底前开放。"
C = "春节前后，各地气温起伏较大，专家提醒老人和孩子注意添衣保暖，外出时做好防护。"


def run(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cleaner.cli", "dedup", *args], input=stdin, capture_output=True, cwd=cwd, env=env, timeout=120)


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_text_files_to_output_dir_with_clusters_and_report(tmp_path):
    (tmp_path / "a.txt").write_text(f"{A}\n\n{B}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"{C}\n\n{A.replace('，', ',')}\n", encoding="utf-8")
    p = run("a.txt", "b.txt", "--output-dir", "out", "--clusters", "c.jsonl", "--report", "r.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == f"{A}\n\n{B}\n"
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == f"{C}\n"
    (cluster,) = rows(tmp_path / "c.jsonl")
    assert cluster["kept"] == {"document": "a.txt", "paragraph": 0}
    assert [(m["document"], m["paragraph"]) for m in cluster["members"]] == [("a.txt", 0), ("b.txt", 1)]
    assert cluster["pairs"] == [[0, 1, 100.0]]
    (edit,) = rows(tmp_path / "r.jsonl")
    assert edit["document"] == "b.txt" and edit["ref_document"] == "a.txt" and edit["after"] == ""
    src = (tmp_path / "b.txt").read_text(encoding="utf-8")
    assert src[edit["start"] : edit["end"]] == edit["before"]
    assert "1 dropped" in p.stderr.decode()


def test_jsonl_with_field_and_index_across_days(tmp_path):
    day1 = tmp_path / "day1.jsonl"
    day1.write_text(json.dumps({"id": 1, "body": f"{A}\n\n{B}"}, ensure_ascii=False) + "\n", encoding="utf-8")
    p = run("--jsonl", "--field", "body", "day1.jsonl", "-o", "out1.jsonl", "--index", "seen.db", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert rows(tmp_path / "out1.jsonl") == [{"id": 1, "body": f"{A}\n\n{B}"}]
    day2 = tmp_path / "day2.jsonl"
    day2.write_text(
        json.dumps({"id": 2, "body": f"{C}\n\n{B}"}, ensure_ascii=False) + "\n" + json.dumps({"id": 3, "body": C + "！"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    p = run("--jsonl", "--field", "body", "day2.jsonl", "-o", "out2.jsonl", "--index", "seen.db", "--clusters", "c2.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert rows(tmp_path / "out2.jsonl") == [{"id": 2, "body": C}, {"id": 3, "body": ""}]
    kept = sorted((c["kept"]["document"], c["kept"].get("run")) for c in rows(tmp_path / "c2.jsonl"))
    assert kept == [("day1.jsonl:1", 1), ("day2.jsonl:1", None)]


def test_level_document_drops_whole_records(tmp_path):
    lines = [{"text": f"{A}\n\n{B}"}, {"text": f"{A}。\n\n{B}！"}, {"text": C}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    p = run("--jsonl", "in.jsonl", "--level", "document", "-o", "out.jsonl", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert rows(tmp_path / "out.jsonl") == [lines[0], lines[2]]


def test_bad_record_fails_with_file_and_line_and_writes_nothing(tmp_path):
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": A}, ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    p = run("--jsonl", "in.jsonl", "-o", "out.jsonl", "--clusters", "c.jsonl", "--index", "seen.db", cwd=tmp_path)
    assert p.returncode == 1
    assert "in.jsonl: line 2" in p.stderr.decode()
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "c.jsonl").exists()
    # the index has no trace of the failed run
    p = run("--jsonl", "in.jsonl", "-o", "out.jsonl", "--index", "seen.db", cwd=tmp_path)
    assert p.returncode == 1


def test_usage_errors_exit_2(tmp_path):
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(B, encoding="utf-8")
    assert run("a.txt", "b.txt", cwd=tmp_path).returncode == 2  # several text files need --output-dir
    assert run("a.txt", "--threshold", "0", cwd=tmp_path).returncode == 2
    assert run("a.txt", "--level", "sentence", cwd=tmp_path).returncode == 2


def test_stdin_to_stdout_one_paragraph_per_line(tmp_path):
    p = run(cwd=tmp_path, stdin=f"{A}\n{B}\n{A}\n".encode())
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode() == f"{A}\n{B}\n"


def test_jsonl_with_a_lone_surrogate_is_written_as_valid_utf8(tmp_path):
    """JSON may carry a lone surrogate ("\\ud800"); UTF-8 cannot: it is written
    as an escape, in the output, the clusters and the report."""
    data = (json.dumps({"text": A + "\ud800"}) + "\n" + json.dumps({"text": A + "\ud800"}) + "\n").encode()
    p = run("--jsonl", "-q", "--clusters", "c.jsonl", "--report", "r.jsonl", cwd=tmp_path, stdin=data)
    assert p.returncode == 0, p.stderr
    out = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]
    assert out[0]["text"] == A + "\ud800" and out[1]["text"] == ""
    assert rows(tmp_path / "c.jsonl") and rows(tmp_path / "r.jsonl")


def test_records_come_out_byte_for_byte_but_for_the_field(tmp_path):
    """Issue 11.17 for dedup: a record that loses nothing is its input line;
    one that loses a paragraph changes only in its field's value."""
    kept = b'{"n": 1e5, "big": 12345678901234567890123, "text": "The quick brown fox jumps over the lazy dog again.", "e": "\\u00e9"}\n'
    changed = b'{"n": 1e400 , "text": "Kept paragraph here long enough.\\n\\nThe quick brown fox jumps over the lazy dog again."}\n'
    (tmp_path / "c.jsonl").write_bytes(kept + changed)
    p = run("--jsonl", "c.jsonl", "-q", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    first, second = p.stdout.splitlines(keepends=True)
    assert first == kept
    assert second == b'{"n": 1e400 , "text": "Kept paragraph here long enough."}\n'


def test_named_files_are_read_again_not_spooled(tmp_path, monkeypatch):
    """Issue 11.20: the output phase reads named files again instead of a
    pickled copy of the corpus; only standard input is spooled."""
    import contextlib

    import cleaner.commands.dedup as dcli
    from cleaner.cli import main

    spooled: list[object] = []
    real = dcli.document_spool

    @contextlib.contextmanager
    def counting(directory):
        with real(directory) as (write, read_back):
            yield (lambda i, doc: (spooled.append(doc), write(i, doc))), read_back

    monkeypatch.setattr(dcli, "document_spool", counting)
    text = "The first paragraph is long enough to count.\n\nThe second paragraph is long too, really.\n"
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["dedup", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--output-dir", str(out), "-q"]) == 0
    assert spooled == []
    assert (out / "a.txt").read_text(encoding="utf-8") == text and (out / "b.txt").read_text(encoding="utf-8") == ""


def test_stdin_is_spooled_and_kept_in_order(tmp_path):
    line = b'{"text": "The first paragraph is long enough to count."}\n'
    (tmp_path / "a.jsonl").write_bytes(line)
    p = run("--jsonl", "a.jsonl", "-", "-q", cwd=tmp_path, stdin=line + b'{"text": "Another record, long enough to be kept."}\n')
    assert p.returncode == 0, p.stderr
    assert p.stdout == line + b'{"text": ""}\n' + b'{"text": "Another record, long enough to be kept."}\n'


def test_a_file_that_changes_between_readings_is_bad_input(tmp_path):
    import argparse

    import pytest

    from cleaner.commands.dedup import _documents, _documents_again, _fingerprint
    from cleaner.errors import InputError
    from cleaner.runner import Stats

    f = tmp_path / "a.jsonl"
    f.write_bytes(b'{"text": "one"}\n{"text": "two"}\n')
    args = argparse.Namespace(jsonl=True, field="text", encoding=None)
    prints = [_fingerprint(d) for d in _documents([str(f)], args, Stats())]
    assert [d.text for d in _documents_again([str(f)], args, iter(()), prints)] == ["one", "two"]
    f.write_bytes(b'{"text": "one"}\n{"text": "TWO"}\n')
    with pytest.raises(InputError, match="changed while"):
        list(_documents_again([str(f)], args, iter(()), prints))
    f.write_bytes(b'{"text": "one"}\n')
    with pytest.raises(InputError, match="fewer documents"):
        list(_documents_again([str(f)], args, iter(()), prints))


def test_threshold_flag_is_named_as_in_clean(tmp_path):
    """`--dedup-threshold` is the flag both commands share; `--threshold` stays as its alias."""
    near = A.replace("图书馆", "博物馆")  # a near copy that a strict threshold keeps
    (tmp_path / "a.txt").write_text(f"{A}\n\n{near}\n", encoding="utf-8")
    strict = run("a.txt", "--dedup-threshold", "99.5", cwd=tmp_path)
    loose = run("a.txt", "--dedup-threshold", "80", cwd=tmp_path)
    alias = run("a.txt", "--threshold", "80", cwd=tmp_path)
    assert strict.returncode == loose.returncode == alias.returncode == 0, (strict.stderr, loose.stderr)
    assert strict.stdout.decode() == f"{A}\n\n{near}\n"
    assert loose.stdout.decode() == f"{A}\n" == alias.stdout.decode()
    assert run("a.txt", "--dedup-threshold", "0", cwd=tmp_path).returncode == 2


def test_an_index_keeps_the_settings_it_was_built_with(tmp_path):
    """An index made with other LSH settings (an earlier version's 20 bands of
    3 rows) is read and extended with those settings, not refused."""
    from cleaner.dedup.index import SeenIndex, index_params
    from cleaner.dedup.lsh import LSHParams

    old = LSHParams(bands=20, rows=3)
    SeenIndex(tmp_path / "seen.db", params=old).close()
    assert index_params(tmp_path / "seen.db", default=LSHParams()) == old
    assert index_params(tmp_path / "new.db", default=LSHParams()) == LSHParams()
    (tmp_path / "day1.txt").write_text(f"{A}\n\n{B}\n", encoding="utf-8")
    (tmp_path / "day2.txt").write_text(f"{C}\n\n{A}\n", encoding="utf-8")
    p = run("day1.txt", "--index", "seen.db", "-o", "out1.txt", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    p = run("day2.txt", "--index", "seen.db", "-o", "out2.txt", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "out2.txt").read_text(encoding="utf-8") == f"{C}\n"
