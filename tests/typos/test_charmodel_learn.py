"""``cleaner clean --learn``: a model learned from the input files first
(issue 16), and ``learn(min_count=)`` that it relies on."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

from cleaner import explain
from cleaner.cli import main
from cleaner.typos.charmodel import count_texts, from_counts, learn, merge_counts, vocabulary_of

from .test_charmodel import CONSTITUTION_TYPOS, FILES, SOURCE, corpus_lines


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
    without = (out / "corpus.txt").read_text(encoding="utf-8")  # (the source prints a dash for 一 twice: repaired)
    capsys.readouterr()
    assert main(["clean", "--learn", "--only", "ocr_confusion", "--output-dir", str(out), str(corpus), str(page)]) == 0
    assert (out / "page.txt").read_text(encoding="utf-8") == right + "\n"
    assert (out / "corpus.txt").read_text(encoding="utf-8") == without  # the model changes nothing more there
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


def _corpus_and_page() -> tuple[list[str], str, str]:
    """Lines of a real corpus, and a damaged line whose repair needs a model of it."""
    lines = [line for name in FILES[:2] for line in (SOURCE / name).read_text(encoding="utf-8").split("\n") if line.strip()]
    damaged, right = CONSTITUTION_TYPOS[1]
    return lines, damaged, right


def test_clean_learn_learns_from_parquet_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The refusal of Parquet is lifted: the model is learned from the column --field."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    lines, damaged, right = _corpus_and_page()
    src = tmp_path / "t.parquet"
    pq.write_table(pa.table({"body": [*lines, damaged], "n": list(range(len(lines) + 1))}), src)
    out = tmp_path / "o.parquet"
    assert main(["clean", "--only", "ocr_confusion", "--field", "body", str(src), "-o", str(out)]) == 0
    assert pq.read_table(out).column("body").to_pylist()[-1] == damaged  # no model: no context
    capsys.readouterr()
    assert main(["clean", "--learn", "--only", "ocr_confusion", "--field", "body", str(src), "-o", str(out)]) == 0
    assert "cleaner: learned" in capsys.readouterr().err
    table = pq.read_table(out)
    # the other lines change only as they do without a model (a dash printed for 一 there)
    without = [explain(line, only=["ocr_confusion"]).text for line in lines]
    assert table.column("body").to_pylist() == [*without, right] and table.column("n").to_pylist() == list(range(len(lines) + 1))
    assert main(["clean", "--learn", "--field", "missing", str(src), "-o", str(tmp_path / "x.parquet")]) == 1
    assert "missing" in capsys.readouterr().err and not (tmp_path / "x.parquet").exists()


def _jsonl_with_a_bad_record(tmp_path: Path) -> tuple[Path, str, str]:
    lines, damaged, right = _corpus_and_page()
    src = tmp_path / "in.jsonl"
    records = [json.dumps({"text": line}, ensure_ascii=False) for line in lines]
    records.insert(3, '{"text": 12}')  # line 4: not a string
    src.write_text("\n".join([*records, json.dumps({"text": damaged}, ensure_ascii=False)]) + "\n", encoding="utf-8")
    return src, damaged, right


def test_clean_learn_follows_on_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad record stops learning with --on-error stop (exit 1, file and line
    named, nothing written); with skip or quarantine learning leaves it out and
    the cleaning pass skips or quarantines it once."""
    src, damaged, right = _jsonl_with_a_bad_record(tmp_path)
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--learn", "--jsonl", "--only", "ocr_confusion", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{src}: line 4" in err and not out.exists()
    assert main(["clean", "--learn", "--jsonl", "--on-error", "skip", "--only", "ocr_confusion", str(src), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[-1]["text"] == right and {"text": 12} not in rows
    assert "cleaner: learned" in err
    bad = tmp_path / "bad.jsonl"
    argv = ["clean", "--learn", "--jsonl", "--on-error", "quarantine", str(bad), "--only", "ocr_confusion", str(src), "-o", str(out)]
    assert main(argv) == 0
    quarantined = bad.read_text(encoding="utf-8").splitlines()
    assert len(quarantined) == 1 and json.loads(quarantined[0])["line"] == 4 and json.loads(quarantined[0])["raw"] == '{"text": 12}'
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == rows


def test_clean_learn_reads_a_folder_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Learning reads the files a folder input resolves to (--glob), not the folder."""
    lines, damaged, right = _corpus_and_page()
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "corpus.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "page.txt").write_text(damaged + "\n", encoding="utf-8")
    (corpus / "notes.md").write_text(damaged + "\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["clean", "--learn", "--only", "ocr_confusion", "--glob", "*.txt", "--output-dir", str(out), str(corpus)]
    assert main(argv) == 0
    assert "of 2 input file(s)" in capsys.readouterr().err
    assert (out / "page.txt").read_text(encoding="utf-8") == right + "\n" and not (out / "notes.md").exists()


# -- counts of parts of a corpus (what Ray tasks return) --------------------------------------


@pytest.mark.parametrize("cuts", [1, 3, 17])
def test_counts_of_parts_add_up_to_the_model_of_the_whole(cuts: int) -> None:
    """Cut anywhere between documents (blank and one-character texts
    included), counted apart and merged: the local model, array for array."""
    texts = corpus_lines() + ["", "一", "\n", "天气"]
    random.Random(cuts).shuffle(texts)
    whole = learn(texts, min_count=2)
    vocab = vocabulary_of(iter(texts))
    bounds = sorted(random.Random(cuts).sample(range(1, len(texts)), cuts - 1)) if cuts > 1 else []
    parts = [texts[a:b] for a, b in zip([0, *bounds], [*bounds, len(texts)])]
    model = from_counts(vocab, merge_counts(count_texts(p, vocab) for p in parts), min_count=2)
    assert model.vocab == whole.vocab and model.stats == whole.stats
    assert model.keys.tobytes() == whole.keys.tobytes() and model.counts.tobytes() == whole.counts.tobytes()


def test_counts_over_the_budget_are_pruned_and_say_so() -> None:
    texts = corpus_lines()
    vocab = vocabulary_of(texts)
    parts = [count_texts(texts[i::2], vocab, max_ngrams=20_000) for i in range(2)]
    assert all(len(p.keys) <= 20_000 and p.floor > 1 for p in parts)
    model = from_counts(vocab, merge_counts(parts, max_ngrams=20_000), max_ngrams=20_000)
    assert len(model.keys) <= 20_000 and int(model.stats["prune_below"]) >= max(p.floor for p in parts)  # type: ignore[call-overload]
    assert model.stats["chars"] == sum(map(len, texts))
