"""The command, through a real subprocess: exit codes, outputs, reports, encodings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, evaldata

DIRTY = "2023年5月9日,市委召开会议。\n \n\n\n会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，切\n\n实做好年底前的收尾工作。\n"


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "cleaner.cli", *args], input=stdin, capture_output=True, cwd=cwd, env=env, timeout=120
    )


def test_stdin_to_stdout():
    p = run("clean", "-q", stdin=DIRTY.encode())
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert "2023年5月9日，市委" in out and "切实做好" in out and "\n \n" not in out


def test_files_and_report(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(DIRTY, encoding="utf-8")
    out = tmp_path / "out.txt"
    report = tmp_path / "edits.jsonl"
    p = run("clean", str(src), "-o", str(out), "--report", str(report))
    assert p.returncode == 0, p.stderr
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert {r["rule"] for r in rows} >= {"width", "whitespace", "paragraphs"}
    # every reported edit replays on the input to give the output
    text = DIRTY
    for r in sorted(rows, key=lambda r: r["start"], reverse=True):
        assert text[r["start"] : r["end"]] == r["before"]
        text = text[: r["start"]] + r["after"] + text[r["end"] :]
    assert text == out.read_text(encoding="utf-8")
    assert all(r["document"] == str(src) for r in rows)
    assert "cleaner: 1 document, " in p.stderr.decode()  # the summary line, in the singular for one


def test_sample_runs(tmp_path):
    p = run("clean", "-q", str(SAMPLES / "yibin-2021-12.txt"))
    assert p.returncode == 0, p.stderr
    assert len(p.stdout) > 1000


def test_output_dir_and_in_place(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(DIRTY, encoding="utf-8")
    b.write_text("干净的文本。\n", encoding="utf-8")
    out = tmp_path / "out"
    p = run("clean", "-q", str(a), str(b), "--output-dir", str(out))
    assert p.returncode == 0, p.stderr
    assert (out / "b.txt").read_text(encoding="utf-8") == "干净的文本。\n"
    assert "切实" in (out / "a.txt").read_text(encoding="utf-8")
    p = run("clean", "-q", "--in-place", str(a))
    assert p.returncode == 0
    assert "切实" in a.read_text(encoding="utf-8")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.txt", "b.txt", "out"]  # no temp files left


def test_jsonl_keeps_other_fields_and_order(tmp_path):
    records = [{"id": i, "content": f"第{i}条,内容。", "meta": {"k": i}} for i in range(5)]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    p = run("clean", "-q", "--jsonl", "--field", "content", stdin=data)
    assert p.returncode == 0, p.stderr
    out = [json.loads(line) for line in p.stdout.decode().splitlines()]
    assert [r["id"] for r in out] == list(range(5))
    assert out[3] == {"id": 3, "content": "第3条，内容。", "meta": {"k": 3}}


@pytest.mark.parametrize(
    "data, message",
    [
        (b'{"text": "ok"}\n{"text": broken\n', "line 2: invalid JSON"),
        (b'{"text": "ok"}\n{"other": "x"}\n', "line 2: no field 'text'"),
        (b'{"text": 3}\n', "line 1: field 'text' is a int"),
        (b'{"text": "\xff"}\n', "line 1: invalid UTF-8"),
    ],
)
def test_bad_jsonl_exits_1_naming_the_line_and_writes_nothing(tmp_path, data, message):
    src = tmp_path / "in.jsonl"
    src.write_bytes(data)
    out = tmp_path / "out.jsonl"
    p = run("clean", "--jsonl", str(src), "-o", str(out))
    assert p.returncode == 1
    assert message in p.stderr.decode() and str(src) in p.stderr.decode()
    assert not out.exists()
    assert sorted(x.name for x in tmp_path.iterdir()) == ["in.jsonl"]


def test_bad_input_files(tmp_path):
    p = run("clean", str(tmp_path / "missing.txt"))
    assert p.returncode == 1 and "missing.txt: no such file" in p.stderr.decode()
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    p = run("clean", str(binary))
    assert p.returncode == 1 and "x.bin: line" in p.stderr.decode() and "binary" in p.stderr.decode()
    assert p.stdout == b""


def test_undecodable_with_forced_encoding(tmp_path):
    src = tmp_path / "x.txt"
    src.write_bytes("第一行\n第二行".encode("gb18030"))
    p = run("clean", "--encoding", "utf-8", str(src))
    assert p.returncode == 1 and "x.txt: line 1" in p.stderr.decode()


def test_usage_errors_exit_2(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("x", encoding="utf-8")
    assert run("clean", "--only", "nosuchrule", str(src)).returncode == 2
    assert run("clean", "--frobnicate").returncode == 2
    p = run("clean", str(src), "-o", str(src))
    assert p.returncode == 2 and "overwrite" in p.stderr.decode()
    assert src.read_text(encoding="utf-8") == "x"
    assert run("clean", "--in-place").returncode == 2


def test_rules_lists_every_rule():
    import cleaner

    p = run("rules")
    assert p.returncode == 0
    listed = [line.split()[0] for line in p.stdout.decode().splitlines()]
    assert listed == list(cleaner.RULES)


def test_help_teaches():
    p = run("clean", "--help")
    assert p.returncode == 0
    assert b"examples:" in p.stdout and b"--report" in p.stdout


@pytest.mark.parametrize(
    "encoding, text",
    [
        ("utf-8-sig", "带BOM的UTF-8文本，测试编码识别。\n"),
        ("utf-16", "UTF-16文本，带字节顺序标记。\n"),
        ("gb18030", "这是一段用GBK编码保存的中文文本，用来测试编码识别是否正确。\n" * 3),
        ("big5", "這是一段用Big5編碼保存的繁體中文文本，用來測試編碼識別是否正確。\n" * 3),
    ],
)
def test_encodings_are_detected(tmp_path, encoding, text):
    src = tmp_path / "x.txt"
    src.write_bytes(text.encode(encoding))
    p = run("clean", "-q", "--only", "unicode", str(src))
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode("utf-8") == text


def test_real_legacy_encoded_files_are_detected():
    """Real GBK and Big5 files (icwb2, read from ../shared): detection gives the
    same text as the UTF-8 twin."""
    from cleaner.textio import decode

    for legacy, twin in [
        ("encoding/icwb2_legacy/pku_test.txt", "prose/icwb2_pku_test.utf8.txt"),
        ("encoding/icwb2_legacy/as_test.txt", "trad/icwb2_as_test.utf8.txt"),
    ]:
        data = evaldata(legacy).read_bytes()
        text, _ = decode(data, legacy)
        expected = evaldata(twin).read_text(encoding="utf-8")
        assert text.replace("\r\n", "\n") == expected.replace("\r\n", "\n")


def test_chardet_legacy_pages_are_detected():
    """chardet's real GB2312 and Big5 web pages (LGPL, read from ../shared):
    every one decodes in its family.  (EUC-TW has no Python codec.)"""
    import csv

    from cleaner.textio import decode

    root = evaldata("encoding/chardet_cjk")
    rows = list(csv.reader(open(root / "MANIFEST.tsv", encoding="utf-8"), delimiter="\t"))[1:]
    wrong = []
    for label, name, _ in rows:
        if label == "EUC-TW":
            continue
        _, enc = decode((root / label / name).read_bytes(), name)
        family = {"GB2312": ("gb18030", "utf-8"), "Big5": ("cp950", "big5hkscs", "utf-8")}[label]
        if enc not in family:
            wrong.append((label, name, enc))
    assert wrong == []


def test_an_unknown_encoding_is_a_usage_error(tmp_path):
    """--encoding naming no codec is bad usage (exit 2), for clean and dedup."""
    src = tmp_path / "x.txt"
    src.write_text("文本\n", encoding="utf-8")
    for command in ("clean", "dedup"):
        p = run(command, "--encoding", "no-such-codec", str(src))
        assert p.returncode == 2, (command, p.stderr)
        assert "no-such-codec" in p.stderr.decode() and "Traceback" not in p.stderr.decode()


def test_output_dir_keeps_inputs_that_share_a_file_name_apart(tmp_path):
    # issue 15.2: once refused (exit 2); now the outputs mirror the folders
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "x.txt").write_text(f"文本{sub}\n", encoding="utf-8")
    p = run("clean", "a/x.txt", "b/x.txt", "--output-dir", "out", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert [(tmp_path / "out" / sub / "x.txt").read_text(encoding="utf-8") for sub in ("a", "b")] == ["文本a\n", "文本b\n"]


@pytest.mark.parametrize("content", [b"garbage\n", b"PK\x03\x04 cut short", b"\x93NUMPY pickled"], ids=["text", "cut-zip", "npy"])
def test_a_damaged_model_is_one_line_before_any_output(tmp_path, capsys, content):
    from cleaner.cli import main

    model = tmp_path / "m.npz"
    model.write_bytes(content)
    src = tmp_path / "in.txt"
    src.write_text("工作己经完成了。\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    assert main(["clean", "--model", str(model), str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cleaner: error: {model} is not a character model made by `cleaner learn`") and err.count("\n") == 1, err
    assert "Traceback" not in err and "unsafely" not in err
    assert not out.exists()


def test_a_model_saved_as_a_pickle_is_refused_without_advice_to_load_it_unsafely(tmp_path, capsys):
    import numpy as np

    from cleaner.cli import main

    model = tmp_path / "m.npz"
    np.savez(model, meta=np.array([{"format": 1}], dtype=object))
    src = tmp_path / "in.txt"
    src.write_text("中文\n", encoding="utf-8")
    assert main(["clean", "--model", str(model), str(src)]) == 1
    err = capsys.readouterr().err
    assert "holds pickled objects" in err and "unsafely" not in err and "Traceback" not in err
