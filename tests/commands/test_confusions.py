"""``cleaner confusions OCR FIXED`` and ``cleaner clean --confusions PAIRS``:
an OCR engine's own misreadings, counted from lines corrected by hand and
read by the context pass beside the look-alikes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.confusion import engine_pairs

#: the engine wrote 炮 for 见 twice and 结 for 情 once; the third line's
#: correction added a character, so it is not compared
OCR = ["我们明天炮面吧。", "心结很好，", "少了字", "他们炮面了。"]
FIXED = ["我们明天见面吧。", "心情很好。", "少了个字", "他们见面了。"]
#: a corpus that writes 见面 often and never 炮面
CORPUS = ["我们明天见面吧。", "他们在车站见面。", "两人约好见面。", "我们下周见面谈。"] * 20 + ["炮火连天。", "放鞭炮。"] * 10


def _write(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        return int(exc.code or 0)


def test_the_pairs_are_counted_from_lines_that_kept_their_length(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pairs.tsv"
    assert run(["confusions", _write(tmp_path / "o.txt", OCR), _write(tmp_path / "f.txt", FIXED), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if not line.startswith("#")] == ["炮\t见\t2", "结\t情\t1"]
    assert "3 of 4 lines compared" in text
    assert dict(engine_pairs(text.splitlines())) == {"炮": ("见",), "结": ("情",)}
    assert "2 pairs (3 misreadings) from 3 of 4 lines" in capsys.readouterr().err
    assert run(["confusions", str(tmp_path / "o.txt"), str(tmp_path / "f.txt"), "--min-count", "2", "-q"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "炮\t见\t2"


def test_one_line_is_counted_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pairs.tsv"
    assert run(["confusions", _write(tmp_path / "o.txt", OCR[:1]), _write(tmp_path / "f.txt", FIXED[:1]), "-o", str(out)]) == 0
    assert "1 of 1 line compared" in out.read_text(encoding="utf-8")
    assert "1 pair (1 misreading) from 1 of 1 line" in capsys.readouterr().err


def test_bad_inputs_and_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ocr, fixed = _write(tmp_path / "o.txt", OCR), _write(tmp_path / "f.txt", FIXED[:2])
    out = tmp_path / "pairs.tsv"
    assert run(["confusions", ocr, fixed, "-o", str(out)]) == 1
    assert "f.txt: 2 lines, where" in capsys.readouterr().err and not out.exists()  # nothing half-written
    assert run(["confusions", ocr, str(tmp_path / "missing.txt")]) == 1
    assert run(["confusions", ocr, "-"]) == 2
    assert run(["confusions", ocr, ocr, "--min-count", "0"]) == 2
    assert run(["confusions", ocr, fixed, "-o", ocr]) == 2  # an output that would overwrite an input


def test_clean_reads_the_pairs_with_a_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "m.npz"
    assert run(["learn", _write(tmp_path / "corpus.txt", CORPUS), "-o", str(model), "-q", "--keep-repeats"]) == 0
    pairs = tmp_path / "pairs.tsv"
    assert run(["confusions", _write(tmp_path / "o.txt", OCR), _write(tmp_path / "f.txt", FIXED), "-o", str(pairs), "-q"]) == 0
    doc = _write(tmp_path / "doc.txt", ["我们明天炮面吧，再商量。"])
    capsys.readouterr()
    assert run(["clean", "-q", "--model", str(model), doc]) == 0
    assert capsys.readouterr().out == "我们明天炮面吧，再商量。\n"  # 见 does not look like 炮
    assert run(["clean", "-q", "--model", str(model), "--confusions", str(pairs), doc]) == 0
    assert capsys.readouterr().out == "我们明天见面吧，再商量。\n"


def test_clean_refuses_pairs_without_a_model_and_a_bad_pairs_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _write(tmp_path / "doc.txt", ["我们明天炮面吧。"])
    pairs = _write(tmp_path / "pairs.tsv", ["# mine", "炮 见 2"])
    assert run(["clean", "--confusions", pairs, doc]) == 2
    assert "add --model MODEL" in capsys.readouterr().err
    bad = _write(tmp_path / "bad.tsv", ["# mine", "炮 见 2", "炮见"])
    assert run(["clean", "--learn", "--confusions", bad, doc]) == 1
    assert "bad.tsv line 3: expected WRITTEN RIGHT [COUNT]" in capsys.readouterr().err


def test_review_refuses_pairs_without_a_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _write(tmp_path / "doc.txt", ["我们明天炮面吧。"])
    pairs = _write(tmp_path / "pairs.tsv", ["炮 见 2"])
    assert run(["review", "--confusions", pairs, doc, "-o", str(tmp_path / "r.html")]) == 2
    assert "add --model MODEL" in capsys.readouterr().err and not (tmp_path / "r.html").exists()
