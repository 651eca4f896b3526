"""``cleaner clean --learn``: a model learned from the input files first
(issue 16), and ``learn(min_count=)`` that it relies on."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.typos.charmodel import learn

from .test_charmodel import CONSTITUTION_TYPOS, FILES, SOURCE


def test_min_count_forgets_what_is_seen_once() -> None:
    texts = ["我们在北京工作。"] * 3 + ["他在北涼。"]
    full, pruned = learn(texts), learn(texts, min_count=2)
    ids = full.ids("在北涼")
    assert full.count(ids[None, :])[0] == 1 and pruned.count(ids[None, :])[0] == 0
    assert pruned.count(full.ids("北涼")[None, :])[0] == 1  # pairs are kept: they find the suspects
    assert pruned.stats["prune_below"] == 2 and full.stats["prune_below"] == 0
    with pytest.raises(ValueError, match="min_count"):
        learn(texts, min_count=0)


def test_clean_learn_repairs_with_a_model_of_its_own_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("".join((SOURCE / name).read_text(encoding="utf-8") for name in FILES[:2]), encoding="utf-8")
    damaged, right = CONSTITUTION_TYPOS[1]
    page = tmp_path / "page.txt"
    page.write_text(damaged + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["clean", "--only", "ocr_confusion", "--output-dir", str(out), str(corpus), str(page)]) == 0
    assert (out / "page.txt").read_text(encoding="utf-8") == damaged + "\n"  # no model: no context
    capsys.readouterr()
    assert main(["clean", "--learn", "--only", "ocr_confusion", "--output-dir", str(out), str(corpus), str(page)]) == 0
    assert (out / "page.txt").read_text(encoding="utf-8") == right + "\n"
    assert (out / "corpus.txt").read_text(encoding="utf-8") == corpus.read_text(encoding="utf-8")
    assert "cleaner: learned" in capsys.readouterr().err


def test_clean_learn_refuses_stdin_and_a_second_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("文本\n".encode())))
    assert main(["clean", "--learn"]) == 2
    assert "not stdin" in capsys.readouterr().err
    page = tmp_path / "page.txt"
    page.write_text("文本\n", encoding="utf-8")
    model = tmp_path / "m.npz"
    learn(["文本"] * 3).save(model)
    assert main(["clean", "--learn", "--model", str(model), str(page)]) == 2
    assert "--learn and --model" in capsys.readouterr().err


def test_texts_shorter_than_the_order_are_learned() -> None:
    m = learn(["文本"] * 3)
    assert m.stats["documents"] == 3 and m.stats["ngrams"]["5"] == 0 and m.stats["ngrams"]["2"] > 0


def test_clean_learn_refuses_parquet_before_reading_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "t.parquet"
    pq.write_table(pa.table({"text": ["今天,天气很好。"]}), src)
    assert main(["clean", "--learn", str(src), "-o", str(tmp_path / "o.parquet")]) == 2
    err = capsys.readouterr().err
    assert "not Parquet" in err and "cleaner: learned" not in err
    assert not (tmp_path / "o.parquet").exists()
