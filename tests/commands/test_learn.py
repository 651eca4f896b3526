"""``cleaner learn`` reads what ``cleaner clean`` reads (issue 15.2): folders
(``--glob``), compressed files and Parquet (``--field`` names the column)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.typos.charmodel import load

TEXTS = ["今天天气很好，我们去公园散步。", "他在北京工作了三年。", "这本书写得很好。"]


def learned(capsys: pytest.CaptureFixture[str], *argv: str) -> int:
    """The number of texts ``cleaner learn`` reports having learned."""
    assert main(["learn", *argv]) == 0
    err = capsys.readouterr().err
    return int(err.split(" characters of ")[1].split(" texts")[0].replace(",", ""))


def test_a_folder_is_read_recursively_with_glob(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "2021").mkdir(parents=True)
    (corpus / "a.txt").write_text(TEXTS[0] + "\n", encoding="utf-8")
    (corpus / "2021" / "b.txt").write_text(TEXTS[1] + "\n", encoding="utf-8")
    (corpus / "2021" / "notes.md").write_text(TEXTS[2] + "\n", encoding="utf-8")
    (corpus / ".hidden.txt").write_text(TEXTS[2] + "\n", encoding="utf-8")
    out = tmp_path / "m.npz"
    assert learned(capsys, str(corpus), "-o", str(out)) == 3
    assert learned(capsys, str(corpus), "--glob", "*.txt", "-o", str(out)) == 2
    assert load(out).stats["chars"] == len(TEXTS[0]) + len(TEXTS[1])
    assert main(["learn", str(corpus), "--glob", "*.jsonl", "-o", str(out)]) == 1
    assert "no file in this folder whose name matches '*.jsonl'" in capsys.readouterr().err


def test_compressed_json_lines_and_a_bad_record_named_by_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "c.jsonl.gz"
    src.write_bytes(gzip.compress("".join(json.dumps({"body": t}, ensure_ascii=False) + "\n" for t in TEXTS).encode()))
    out = tmp_path / "m.npz"
    assert learned(capsys, "--jsonl", "--field", "body", str(src), "-o", str(out)) == 3
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"body": TEXTS[0]}, ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    assert main(["learn", "--jsonl", "--field", "body", str(bad), "-o", str(tmp_path / "x.npz")]) == 1
    assert f"{bad}: line 2: invalid JSON" in capsys.readouterr().err
    assert not (tmp_path / "x.npz").exists()


def test_parquet_is_learned_from_the_field_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "c.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3, 4], "content": [*TEXTS, None]}), src)
    out = tmp_path / "m.npz"
    assert learned(capsys, "--field", "content", str(src), "-o", str(out)) == 3  # a null row is no text
    assert load(out).stats["chars"] == sum(map(len, TEXTS))
    assert main(["learn", str(src), "-o", str(tmp_path / "x.npz")]) == 1  # no column 'text'
    assert str(src) in capsys.readouterr().err and not (tmp_path / "x.npz").exists()


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "a.txt"
    src.write_text(TEXTS[0] + "\n", encoding="utf-8")
    assert main(["learn", "--encoding", "no-such-codec", str(src), "-o", str(tmp_path / "m.npz")]) == 2
    assert "unknown encoding" in capsys.readouterr().err
    assert main(["learn", "-", "-", "-o", str(tmp_path / "m.npz")]) == 2
    assert "once" in capsys.readouterr().err


def test_learn_says_what_its_ray_engine_does(capsys: pytest.CaptureFixture[str]) -> None:
    """learn's Ray engine adds counts (the same model only within the
    n-gram budget): its help must not promise clean's byte-for-byte output."""
    with pytest.raises(SystemExit):
        main(["learn", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Ray tasks count the n-grams" in text and "byte for byte" not in text


def test_the_model_never_overwrites_its_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "corpus.txt"
    src.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    before = src.read_bytes()
    assert main(["learn", str(src), "-o", str(src)]) == 2
    assert "would overwrite the input" in capsys.readouterr().err
    link = tmp_path / "model.npz"
    link.symlink_to(src)  # the corpus again, through a link
    assert main(["learn", str(src), "-o", str(link)]) == 2
    assert src.read_bytes() == before and link.is_symlink()


def test_an_output_folder_that_does_not_exist_fails_before_learning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "corpus.txt"
    src.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    target = tmp_path / "missing" / "m.npz"
    assert main(["learn", str(src), "-o", str(target)]) == 74
    err = capsys.readouterr().err
    assert str(target) in err and "learned" not in err and len(err.strip().splitlines()) == 1


def test_the_model_file_is_written_as_every_output_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import stat

    src = tmp_path / "corpus.txt"
    src.write_text("\n".join(TEXTS * 20) + "\n", encoding="utf-8")
    old = os.umask(0o022)
    try:
        assert main(["learn", str(src), "-o", str(tmp_path / "m.npz")]) == 0
        assert main(["learn", str(src), "-o", str(tmp_path / "m.npz.gz")]) == 0
    finally:
        os.umask(old)
    capsys.readouterr()
    assert stat.S_IMODE((tmp_path / "m.npz").stat().st_mode) == 0o644  # the umask's mode, as other outputs
    plain, packed = load(tmp_path / "m.npz"), load(tmp_path / "m.npz.gz")  # .gz: compressed once more, read back
    assert (tmp_path / "m.npz.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert plain.stats == packed.stats and (plain.keys == packed.keys).all()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_the_model_goes_to_standard_output_with_dash(tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    src = tmp_path / "corpus.txt"
    src.write_text("\n".join(TEXTS * 20) + "\n", encoding="utf-8")
    assert main(["learn", str(src), "-o", "-"]) == 0
    out = capfdbinary.readouterr().out
    (tmp_path / "from-stdout.npz").write_bytes(out)
    stats = load(tmp_path / "from-stdout.npz").stats
    assert out[:2] == b"PK" and (stats["documents"], stats["repeated_sentences"]) == (3, 57)  # each text learned once
    assert not (tmp_path / "-").exists() and not (Path.cwd() / "-").exists()
