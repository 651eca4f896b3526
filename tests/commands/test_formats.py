"""Formats through the command (``cleaner.cli.main``, and a real subprocess
where the process matters): compressed inputs and outputs by extension,
Parquet in and out, folders as inputs with outputs mirroring the tree."""

from __future__ import annotations

import bz2
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard

from cleaner.cli import main
from tests.commands.test_clean import DIRTY, run
from tests.commands.test_identity import A, B, C

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

RECORDS = '{"id": 1, "text": "今天,天气很好。"}\n{"id": 2, "n": 1e5, "text": "干净的文本。"}\n'
REPEATED = "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作。"
COMPRESS = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "zst": lambda b: zstandard.ZstdCompressor().compress(b),
}
DECOMPRESS = {
    "gz": gzip.decompress,
    "bz2": bz2.decompress,
    "zst": lambda b: zstandard.ZstdDecompressor().decompressobj().decompress(b),
}


def cli(*args: str | Path) -> int:
    return main([str(a) for a in args])


def _files(folder: Path) -> list[str]:
    """Every name under ``folder``, temporary and hidden files included."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# -- compressed files -------------------------------------------------------------


@pytest.mark.parametrize("ext", sorted(COMPRESS))
def test_clean_jsonl_compressed_in_and_out_gives_the_plain_runs_bytes(tmp_path, ext):
    (tmp_path / "in.jsonl").write_text(RECORDS, encoding="utf-8")
    (tmp_path / f"in.jsonl.{ext}").write_bytes(COMPRESS[ext](RECORDS.encode()))
    assert cli("clean", "-q", "-j", "1", "--jsonl", tmp_path / "in.jsonl", "-o", tmp_path / "plain.jsonl", "--report", tmp_path / "r.jsonl") == 0
    out, report = tmp_path / f"out.jsonl.{ext}", tmp_path / f"r2.jsonl.{ext}"
    assert cli("clean", "-q", "-j", "1", "--jsonl", tmp_path / f"in.jsonl.{ext}", "-o", out, "--report", report) == 0
    assert DECOMPRESS[ext](out.read_bytes()) == (tmp_path / "plain.jsonl").read_bytes()
    assert b'"n": 1e5' in DECOMPRESS[ext](out.read_bytes())  # the unchanged record, byte for byte
    rows = [json.loads(line) for line in DECOMPRESS[ext](report.read_bytes()).decode().splitlines()]
    assert rows and rows[0]["document"] == f"{tmp_path / f'in.jsonl.{ext}'}:1" and rows[0]["rule"] == "width"


@pytest.mark.parametrize("ext", sorted(COMPRESS))
def test_clean_text_and_dedup_read_and_write_compressed(tmp_path, ext):
    (tmp_path / f"a.txt.{ext}").write_bytes(COMPRESS[ext](DIRTY.encode()))
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    assert cli("clean", "-q", "-j", "1", tmp_path / "a.txt", "-o", tmp_path / "plain.txt") == 0
    assert cli("clean", "-q", "-j", "1", tmp_path / f"a.txt.{ext}", "-o", tmp_path / f"c.txt.{ext}") == 0
    assert DECOMPRESS[ext]((tmp_path / f"c.txt.{ext}").read_bytes()) == (tmp_path / "plain.txt").read_bytes()
    doc = f"{REPEATED}\n\n{REPEATED}\n"
    (tmp_path / f"d.jsonl.{ext}").write_bytes(COMPRESS[ext](json.dumps({"text": doc}, ensure_ascii=False).encode() + b"\n"))
    clusters = tmp_path / f"c.jsonl.{ext}"
    assert cli("dedup", "-q", "-j", "1", "--jsonl", tmp_path / f"d.jsonl.{ext}", "-o", tmp_path / f"u.jsonl.{ext}", "--clusters", clusters) == 0
    assert json.loads(DECOMPRESS[ext]((tmp_path / f"u.jsonl.{ext}").read_bytes()))["text"] == f"{REPEATED}\n"
    assert json.loads(DECOMPRESS[ext](clusters.read_bytes()))["members"][1]["paragraph"] == 1


def test_in_place_keeps_a_file_compressed(tmp_path):
    path = tmp_path / "a.txt.gz"
    path.write_bytes(gzip.compress(DIRTY.encode()))
    assert cli("clean", "-q", "-j", "1", "--in-place", path) == 0
    assert "2023年5月9日，市委" in gzip.decompress(path.read_bytes()).decode()


def test_mismatched_or_damaged_input_is_exit_1_and_leaves_nothing(tmp_path, capsys):
    (tmp_path / "plain.jsonl.gz").write_text(RECORDS, encoding="utf-8")
    (tmp_path / "packed.jsonl").write_bytes(gzip.compress(RECORDS.encode()))
    (tmp_path / "cut.jsonl.zst").write_bytes(COMPRESS["zst"](RECORDS.encode() * 50)[:-5])
    before = _files(tmp_path)
    for name, message in [
        ("plain.jsonl.gz", "plain.jsonl.gz: named .gz but it is not gzip data"),
        ("packed.jsonl", "packed.jsonl: holds gzip-compressed data; name it"),
        ("cut.jsonl.zst", "cut.jsonl.zst: line 1: the zstd data is damaged or cut short"),
    ]:
        assert cli("clean", "-q", "-j", "1", "--jsonl", tmp_path / name, "-o", tmp_path / "out.jsonl.gz", "--report", tmp_path / "r.gz") == 1
        assert message in capsys.readouterr().err
    assert _files(tmp_path) == before  # no partial .gz, no temporary file


def test_a_bad_record_in_compressed_input_names_its_line_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "in.jsonl.bz2").write_bytes(bz2.compress((RECORDS + "{oops\n").encode()))
    assert cli("clean", "-q", "-j", "1", "--jsonl", tmp_path / "in.jsonl.bz2", "-o", tmp_path / "out.jsonl.bz2") == 1
    assert "in.jsonl.bz2: line 3: invalid JSON" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl.bz2").exists() and _files(tmp_path) == ["in.jsonl.bz2"]
    quarantine = tmp_path / "bad.jsonl.gz"
    assert cli("clean", "-q", "-j", "1", "--jsonl", tmp_path / "in.jsonl.bz2", "-o", tmp_path / "out.jsonl.bz2", "--on-error", "quarantine", quarantine) == 0
    row = json.loads(gzip.decompress(quarantine.read_bytes()))
    assert (row["line"], row["raw"]) == (3, "{oops")


def test_review_reads_a_compressed_report(tmp_path):
    (tmp_path / "in.jsonl.zst").write_bytes(COMPRESS["zst"](RECORDS.encode()))
    report, page = tmp_path / "r.jsonl.gz", tmp_path / "page.html"
    assert cli("clean", "-q", "-j", "1", "--jsonl", tmp_path / "in.jsonl.zst", "-o", tmp_path / "o.jsonl", "--report", report) == 0
    assert cli("review", "-q", "--jsonl", tmp_path / "in.jsonl.zst", "--report", report, "-o", page) == 0
    assert "今天" in page.read_text(encoding="utf-8")


def test_stdin_and_stdout_stay_plain(tmp_path):
    (tmp_path / "in.jsonl.gz").write_bytes(gzip.compress(RECORDS.encode()))
    p = run("clean", "-q", "-j", "1", "--jsonl", str(tmp_path / "in.jsonl.gz"))
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode().startswith('{"id": 1, "text": "今天，天气很好。"}\n')
    p = run("clean", "-q", "--jsonl", stdin=gzip.compress(RECORDS.encode()))
    assert p.returncode == 1 and b"<stdin>: holds gzip-compressed data; decompress it first" in p.stderr


def test_ray_refuses_compressed_input_before_starting(tmp_path, capsys):
    (tmp_path / "in.jsonl.gz").write_bytes(gzip.compress(RECORDS.encode()))
    assert cli("clean", "--engine", "ray", "--jsonl", tmp_path / "in.jsonl.gz", "-o", tmp_path / "o.jsonl") == 2
    assert "--engine ray reads plain JSON Lines files" in capsys.readouterr().err


def test_an_output_link_is_replaced_not_written_through(tmp_path):
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "elsewhere.gz").write_bytes(b"keep")
    (tmp_path / "out.txt.gz").symlink_to("elsewhere.gz")
    assert cli("clean", "-q", "-j", "1", tmp_path / "a.txt", "-o", tmp_path / "out.txt.gz") == 0
    assert (tmp_path / "elsewhere.gz").read_bytes() == b"keep" and not (tmp_path / "out.txt.gz").is_symlink()
    assert "市委" in gzip.decompress((tmp_path / "out.txt.gz").read_bytes()).decode()


# -- Parquet ------------------------------------------------------------------------


def _table(texts: list[str | None], first_id: int = 1):
    ids = list(range(first_id, first_id + len(texts)))
    return pa.table({"id": ids, "text": pa.array(texts, pa.large_string()), "meta": [{"k": i} for i in ids]}).replace_schema_metadata({b"src": b"t"})


def _parquet(path: Path, texts: list[str | None], first_id: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(_table(texts, first_id), path, row_group_size=2, compression="zstd")
    return path


def test_clean_parquet_keeps_other_columns_schema_and_row_groups(tmp_path):
    src = _parquet(tmp_path / "t.parquet", ["今天,天气很好。", None, "干净的文本。"])
    out, report = tmp_path / "o.parquet", tmp_path / "r.jsonl.gz"
    assert cli("clean", "-q", "-j", "1", src, "-o", out, "--report", report) == 0
    before, after = pq.ParquetFile(src), pq.ParquetFile(out)
    assert after.schema_arrow.equals(before.schema_arrow, check_metadata=True)
    assert after.metadata.num_row_groups == 2 and after.metadata.row_group(0).column(0).compression == "ZSTD"
    t = after.read()
    assert t.column("text").to_pylist() == ["今天，天气很好。", None, "干净的文本。"]
    assert t.drop_columns(["text"]).equals(before.read().drop_columns(["text"]))
    rows = [json.loads(line) for line in gzip.decompress(report.read_bytes()).decode().splitlines()]
    assert [(r["document"], r["rule"]) for r in rows] == [(f"{src}:1", "width")]  # rows count from 1


def test_clean_parquet_output_dir_in_place_and_concatenation(tmp_path):
    a = _parquet(tmp_path / "a" / "x.parquet", ["今天,天气很好。"])
    b = _parquet(tmp_path / "b" / "x.parquet", ["明天,下雨。", "干净。"], first_id=10)
    assert cli("clean", "-q", "-j", "1", a, b, "--output-dir", tmp_path / "out") == 0
    assert pq.read_table(tmp_path / "out" / "b" / "x.parquet").column("id").to_pylist() == [10, 11]
    assert cli("clean", "-q", "-j", "1", a, b, "-o", tmp_path / "all.parquet") == 0
    assert pq.read_table(tmp_path / "all.parquet").column("text").to_pylist() == ["今天，天气很好。", "明天，下雨。", "干净。"]
    assert cli("clean", "-q", "-j", "1", "--in-place", b) == 0
    assert pq.read_table(b).column("text").to_pylist() == ["明天，下雨。", "干净。"]


def test_dedup_parquet_drops_paragraphs_and_rows(tmp_path):
    intro, outro = "前言：本报告介绍今年的主要工作和明年的计划安排。", "后记：感谢各位同事在这一年里的辛勤付出和支持。"
    src = _parquet(tmp_path / "t.parquet", [f"{REPEATED}\n\n{intro}", None, f"{REPEATED}\n\n{outro}", f"{REPEATED}\n\n{intro}"])
    out, clusters, report = tmp_path / "o.parquet", tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    assert cli("dedup", "-q", "-j", "1", src, "-o", out, "--clusters", clusters, "--report", report) == 0
    t = pq.read_table(out)
    assert t.column("text").to_pylist() == [f"{REPEATED}\n\n{intro}", None, outro, ""]
    assert t.column("meta").to_pylist() == [{"k": i} for i in range(1, 5)]
    kept = json.loads(clusters.read_text(encoding="utf-8").splitlines()[0])["kept"]
    assert kept["document"] == f"{src}:1"
    assert {json.loads(r)["document"] for r in report.read_text(encoding="utf-8").splitlines()} == {f"{src}:3", f"{src}:4"}
    assert cli("dedup", "-q", "-j", "1", "--level", "document", src, "-o", out) == 0
    assert pq.read_table(out).column("id").to_pylist() == [1, 2, 3]  # row 4 repeats row 1: left out; the null stays


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["clean", "t.parquet"], 2, "Parquet output goes to files, not stdout"),
        (["clean", "t.parquet", "-o", "o.jsonl"], 2, "name the output FILE.parquet"),
        (["clean", "--jsonl", "t.parquet", "-o", "o.parquet"], 2, "drop --jsonl"),
        (["dedup", "t.parquet", "in.jsonl", "-o", "o.parquet"], 2, "Parquet files and other inputs in one run"),
        (["clean", "--jsonl", "in.jsonl", "-o", "o.parquet"], 2, "Parquet output needs Parquet input"),
        (["clean", "t.parquet.gz", "-o", "o.parquet"], 2, "Parquet compresses its own columns"),
        (["clean", "--engine", "ray", "t.parquet", "-o", "o.parquet"], 2, "--engine ray reads plain JSON Lines files"),
        (["clean", "t.parquet", "-o", "o.parquet", "--field", "id"], 1, "t.parquet: column 'id' holds int64, not strings"),
        (["dedup", "t.parquet", "-o", "o.parquet", "--field", "body"], 1, "t.parquet: no column 'body' (columns: id, text, meta)"),
        (["clean", "fake.parquet", "-o", "o.parquet"], 1, "fake.parquet: not a readable Parquet file"),
        (["clean", "t.parquet", "u.parquet", "-o", "o.parquet"], 1, "u.parquet: its columns differ from those of t.parquet"),
        (["clean", "t.parquet", "-o", "o.parquet", "--id-field", "text"], 2, "--id-field text is also --field"),
        (["dedup", "t.parquet", "-o", "o.parquet", "--id-field", "url"], 1, "t.parquet: no column 'url' (columns: id, text, meta); --id-field names"),
        (["clean", "t.parquet", "-o", "o.parquet", "--id-field", "meta"], 1, "t.parquet: column 'meta' holds struct<k: int64>, not strings or integers"),
    ],
)
def test_parquet_usage_and_input_errors(tmp_path, args, code, message, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _parquet(tmp_path / "t.parquet", ["今天,天气很好。"])
    pq.write_table(pa.table({"text": ["x"]}), tmp_path / "u.parquet")
    (tmp_path / "t.parquet.gz").write_bytes(gzip.compress((tmp_path / "t.parquet").read_bytes()))
    (tmp_path / "fake.parquet").write_text(RECORDS, encoding="utf-8")
    (tmp_path / "in.jsonl").write_text(RECORDS, encoding="utf-8")
    before = _files(tmp_path)
    assert cli(*args) == code
    assert message in capsys.readouterr().err
    assert _files(tmp_path) == before


def _same_records(folder: Path, records: list[dict]) -> tuple[Path, Path]:
    """``records`` as JSON Lines and as Parquet (row groups of 2)."""
    jsonl, parquet = folder / "in.jsonl", folder / "in.parquet"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(records).replace_schema_metadata({b"src": b"t"}), parquet, row_group_size=2)
    return jsonl, parquet


@pytest.mark.parametrize("ids", [["u/1", "u/2", "u/3", "u/4"], [10, 20, 30, 40], None])
def test_parquet_reports_and_clusters_name_rows_as_json_lines_names_records(tmp_path, monkeypatch, ids):
    monkeypatch.chdir(tmp_path)
    texts = [f"{A}\n\n{B}", f"今天,我们去公园。\n\n{A}", f"{C}\n\n{B}", "明天,我们去图书馆。"]
    _same_records(tmp_path, [{"id": i, "text": t} for i, t in zip(ids or range(4), texts)])
    by_id = ["--id-field", "id"] if ids else []
    out: dict[str, dict[str, str]] = {}
    for ext, flags in (("jsonl", ["--jsonl"]), ("parquet", [])):
        assert cli("clean", "-q", "-j", "1", *flags, *by_id, f"in.{ext}", "-o", f"c.{ext}", "--report", f"cr.{ext}.jsonl") == 0
        assert cli("dedup", "-q", "-j", "1", *flags, *by_id, f"in.{ext}", "-o", f"d.{ext}", "--report", f"dr.{ext}.jsonl", "--clusters", f"dc.{ext}.jsonl") == 0
        out[ext] = {what: Path(f"{what}.{ext}.jsonl").read_text(encoding="utf-8") for what in ("cr", "dr", "dc")}
    for what in ("cr", "dr", "dc"):  # the same rows, notes included, but for the file name
        assert out["jsonl"][what] and out["jsonl"][what].replace("in.jsonl", "in.parquet") == out["parquet"][what]
    if ids:
        assert "in.parquet" not in "".join(out["parquet"].values())
        assert {json.loads(r)["document"] for r in out["parquet"]["cr"].splitlines()} == {str(ids[1]), str(ids[3])}
        clusters = [json.loads(r) for r in out["parquet"]["dc"].splitlines()]  # A and B, both first in row 1
        assert [c["kept"] for c in clusters] == [{"document": str(ids[0]), "paragraph": 0}, {"document": str(ids[0]), "paragraph": 1}]
    else:
        assert json.loads(out["parquet"]["cr"].splitlines()[0])["document"] == "in.parquet:2"
    assert pq.read_table("d.parquet").column("id").to_pylist() == (ids or list(range(4)))


@pytest.mark.parametrize("ids", [["a", "b", "c", "d", "e"], [1, 2, 3, 4, 5]])
def test_dedup_parquet_drop_empty_leaves_out_emptied_rows_whole(tmp_path, monkeypatch, ids):
    monkeypatch.chdir(tmp_path)
    texts = [f"{A}\n\n{B}", f"{A}\n\n{B}！", f"{C}\n\n{A}", "", f"{B}"]
    records = [{"id": i, "text": t, "meta": {"k": n, "tag": f"标签{n}"}} for n, (i, t) in enumerate(zip(ids, texts))]
    _, parquet = _same_records(tmp_path, records)
    for ext, flags in (("jsonl", ["--jsonl"]), ("parquet", [])):
        assert cli("dedup", "-q", "-j", "1", *flags, "--id-field", "id", "--drop-empty", f"in.{ext}", "-o", f"o.{ext}", "--report", f"r.{ext}.jsonl") == 0
    report = Path("r.parquet.jsonl").read_text(encoding="utf-8")
    assert report == Path("r.jsonl.jsonl").read_text(encoding="utf-8")
    left_out = [json.loads(r) for r in report.splitlines() if '"dropped"' in r]
    assert [(r["document"], r["dropped"], r["level"]) for r in left_out] == [(str(ids[1]), "empty", "document"), (str(ids[4]), "empty", "document")]
    # rows 2 and 5 lost every paragraph: gone with their other columns; row 3
    # keeps one; row 4 was empty before dedup and stays; the schema is kept
    t = pq.read_table("o.parquet")
    assert t.schema.equals(pq.read_schema(parquet), check_metadata=True)
    expected = [dict(records[0]), dict(records[2], text=C), dict(records[3])]
    assert t.to_pylist() == expected == [json.loads(line) for line in Path("o.jsonl").read_text(encoding="utf-8").splitlines()]
    # without --drop-empty the emptied rows stay, with an empty text
    assert cli("dedup", "-q", "-j", "1", "--id-field", "id", "in.parquet", "-o", "kept.parquet") == 0
    assert pq.read_table("kept.parquet").column("text").to_pylist() == [texts[0], "", C, "", ""]


@pytest.mark.parametrize(
    "ids, texts, message",
    [
        ([1, None, 3], ["x", "y", "z"], "t.parquet:2: id field 'id' is null; every record needs a string or integer id (--id-field)"),
        (["a", "b", ""], ["x", "y", "z"], "t.parquet:3: id field 'id' is an empty string"),
    ],
)
@pytest.mark.parametrize("command", ["clean", "dedup"])
def test_a_parquet_row_without_an_id_is_exit_1_naming_its_row(tmp_path, monkeypatch, capsys, command, ids, texts, message):
    monkeypatch.chdir(tmp_path)
    pq.write_table(pa.table({"id": ids, "text": texts}), "t.parquet", row_group_size=2)
    assert cli(command, "-q", "-j", "1", "--id-field", "id", "t.parquet", "-o", "o.parquet", "--report", "r.jsonl") == 1
    assert message in capsys.readouterr().err
    assert _files(tmp_path) == ["t.parquet"]
    # a row whose text is null is not a document: it needs no id
    pq.write_table(pa.table({"id": [1, None], "text": ["今天,天气很好。", None]}), "t.parquet")
    assert cli(command, "-q", "-j", "1", "--id-field", "id", "t.parquet", "-o", "o.parquet") == 0
    assert pq.read_table("o.parquet").column("id").to_pylist() == [1, None]


def test_dedup_refuses_a_parquet_id_used_twice_naming_both_rows(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    pq.write_table(pa.table({"id": ["x", "y"], "text": [A, B]}), "a.parquet")
    pq.write_table(pa.table({"id": ["z", "x"], "text": [C, B]}), "b.parquet")
    assert cli("dedup", "-q", "-j", "1", "--id-field", "id", "a.parquet", "b.parquet", "-o", "o.parquet") == 1
    assert "b.parquet: row 2: id 'x' (--id-field id) is also the id of a.parquet:1; ids must be unique" in capsys.readouterr().err
    assert not Path("o.parquet").exists()
    assert cli("clean", "-q", "-j", "1", "--id-field", "id", "a.parquet", "b.parquet", "-o", "o.parquet") == 0  # cleaning names, never matches


def test_without_pyarrow_parquet_says_what_to_install(tmp_path):
    blocker = tmp_path / "blocker" / "pyarrow"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('no pyarrow here')\n")
    _parquet(tmp_path / "t.parquet", ["x"])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path / "blocker"), str(Path(__file__).resolve().parents[2])]))
    p = subprocess.run(
        [sys.executable, "-m", "cleaner.cli", "clean", str(tmp_path / "t.parquet"), "-o", str(tmp_path / "o.parquet")],
        capture_output=True, env=env, timeout=120,
    )
    assert p.returncode == 2 and b"pip install 'cleaner[parquet]'" in p.stderr
    assert b"Traceback" not in p.stderr and not (tmp_path / "o.parquet").exists()


# -- folders ------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for rel in ("2021/a.txt", "2021/b.txt", "2022/a.txt", "2022/deep/c.txt.gz", ".hidden/x.txt", "2022/.y.txt", "notes.md"):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = DIRTY.encode()
        path.write_bytes(gzip.compress(data) if rel.endswith(".gz") else data)
    return root


def test_a_folder_is_read_recursively_and_mirrored(tree, tmp_path):
    out = tmp_path / "out"
    assert cli("clean", "-q", "-j", "1", tree, "--output-dir", out, "--glob", "*.txt*") == 0
    assert _files(out) == ["2021", "2021/a.txt", "2021/b.txt", "2022", "2022/a.txt", "2022/deep", "2022/deep/c.txt.gz"]
    assert "市委" in gzip.decompress((out / "2022" / "deep" / "c.txt.gz").read_bytes()).decode()


def test_same_names_in_different_folders_are_kept_apart(tree, tmp_path):
    out = tmp_path / "out"
    assert cli("dedup", "-q", "-j", "1", tree / "2021" / "a.txt", tree / "2022" / "a.txt", "--output-dir", out) == 0
    assert _files(out) == ["2021", "2021/a.txt", "2022", "2022/a.txt"]
    assert cli("clean", "-q", "-j", "1", tree / "2021" / "a.txt", tree / "2021" / "b.txt", "--output-dir", tmp_path / "flat") == 0
    assert _files(tmp_path / "flat") == ["a.txt", "b.txt"]  # files of one folder: as before


def test_jsonl_folder_concatenates_in_path_order(tmp_path):
    for name, i in (("b/2.jsonl", 2), ("a/1.jsonl.gz", 1), ("a/3.jsonl", 3)):
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        line = f'{{"id": {i}, "text": "第{i}条。"}}\n'.encode()
        path.write_bytes(gzip.compress(line) if name.endswith(".gz") else line)
    assert cli("clean", "-q", "-j", "1", "--jsonl", tmp_path / "in", "-o", tmp_path / "all.jsonl.zst") == 0
    ids = [json.loads(line)["id"] for line in DECOMPRESS["zst"]((tmp_path / "all.jsonl.zst").read_bytes()).splitlines()]
    assert ids == [1, 3, 2]


def test_parquet_folder_with_glob(tmp_path):
    _parquet(tmp_path / "in" / "p1" / "part.parquet", ["今天,天气很好。"])
    _parquet(tmp_path / "in" / "p2" / "part.parquet", ["明天,下雨。"])
    (tmp_path / "in" / "README.txt").write_text("不是数据。", encoding="utf-8")
    assert cli("clean", "-q", "-j", "1", tmp_path / "in", "--glob", "*.parquet", "--output-dir", tmp_path / "out") == 0
    assert pq.read_table(tmp_path / "out" / "p2" / "part.parquet").column("text").to_pylist() == ["明天，下雨。"]


def test_folder_errors(tree, tmp_path, capsys):
    assert cli("clean", "-q", tree, "--glob", "*.csv", "--output-dir", tmp_path / "o") == 1
    assert f"{tree}: no file in this folder whose name matches '*.csv'" in capsys.readouterr().err
    # the same file twice (in its folder and by name, or by two spellings): two outputs on one path
    assert cli("clean", "-q", tree / "2021", tree / "2021" / "a.txt", "--output-dir", tmp_path / "o") == 2
    assert "a.txt are the same file: give each output its own path" in capsys.readouterr().err
    assert cli("clean", "-q", tree / "2021" / "a.txt", f"{tree}/2022/../2021/a.txt", "--output-dir", tmp_path / "o") == 2
    assert "2022/../2021/a.txt would both be written to" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_failed_folder_run_leaves_no_output_and_no_new_folder(tree, tmp_path, capsys):
    (tree / "2022" / "deep" / "z.bin").write_bytes(b"\x00\x01binary")
    out = tmp_path / "out"
    assert cli("clean", "-q", "-j", "1", tree, "--output-dir", out) == 1
    assert "z.bin: line 1: NUL byte" in capsys.readouterr().err
    assert _files(out) == []


def test_the_output_folder_inside_the_input_is_not_read(tree):
    out = tree / "clean"
    assert cli("clean", "-q", "-j", "1", tree, "--glob", "*.txt", "--output-dir", out) == 0
    assert cli("clean", "-q", "-j", "1", tree, "--glob", "*.txt", "--output-dir", out) == 0  # again: not its own input
    assert not (out / "clean").exists() and (out / "2021" / "a.txt").exists()


# -- --field names a field of JSON Lines or a Parquet column -------------------------


@pytest.mark.parametrize(
    "command, out",
    [("clean", ["-o", "out.jsonl"]), ("dedup", ["-o", "out.jsonl"]), ("learn", ["-o", "out.bin"]), ("review", ["-o", "out.html"])],
)
def test_field_without_jsonl_on_text_input_is_a_usage_error(tmp_path, capsys, command, out):
    """A JSON Lines file read as text (no --jsonl) would be cleaned or
    learned whole, keys and all, while --field said which field: the
    option must not be ignored silently."""
    (tmp_path / "in.jsonl").write_text(json.dumps({"title": "标题,一", "text": A}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert cli(command, "-q", "--field", "text", tmp_path / "in.jsonl", *[str(tmp_path / o) if "." in o else o for o in out]) == 2
    err = capsys.readouterr().err
    assert "--field text names a field of JSON Lines records: add --jsonl" in err
    assert not (tmp_path / out[1]).exists()
    assert cli(command, "-q", "--jsonl", "--field", "text", tmp_path / "in.jsonl", "-o", tmp_path / out[1]) == 0  # with --jsonl: read as records
    assert (tmp_path / out[1]).exists()


def test_field_is_text_unless_given(tmp_path):
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": DIRTY}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert cli("clean", "-q", "--jsonl", tmp_path / "in.jsonl", "-o", tmp_path / "out.jsonl") == 0
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["text"] != DIRTY  # the default field, cleaned
    (tmp_path / "plain.txt").write_text(DIRTY, encoding="utf-8")
    assert cli("clean", "-q", tmp_path / "plain.txt", "-o", tmp_path / "plain.out") == 0  # text files need no --field
