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
from cleaner.typos import charmodel
from cleaner.typos.charmodel import Repeats, count_texts, from_counts, learn, merge_counts, sentence_hashes, vocabulary_of

from .test_charmodel import CONSTITUTION_TYPOS, FILES, SOURCE, as_learned, corpus_lines


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
    err = capsys.readouterr().err
    assert "cleaner: learned" in err and "one file alone" not in err  # two files: no note


def test_clean_learn_says_one_text_file_teaches_little(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One text file is one document whose own n-grams are left out: the
    summary says so, and what to do."""
    page = tmp_path / "page.txt"
    page.write_text("".join((SOURCE / name).read_text(encoding="utf-8") for name in FILES[:2]), encoding="utf-8")
    assert main(["clean", "--learn", "--only", "ocr_confusion", "-o", str(tmp_path / "out.txt"), str(page)]) == 0
    err = capsys.readouterr().err
    assert "one file alone teaches little" in err and "--model MODEL" in err
    assert main(["clean", "--learn", "--quiet", "--only", "ocr_confusion", "-o", str(tmp_path / "out2.txt"), str(page)]) == 0
    assert capsys.readouterr().err == ""


def test_clean_learn_refuses_stdin_and_a_second_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("文本\n".encode())))
    assert main(["clean", "--learn"]) == 2
    assert "not stdin" in capsys.readouterr().err
    page = tmp_path / "page.txt"
    page.write_text("文本\n", encoding="utf-8")
    model = tmp_path / "m.npz"
    learn(["文本"] * 3, keep_repeats=True).save(model)
    assert main(["clean", "--learn", "--model", str(model), str(page)]) == 2
    assert "--learn and --model" in capsys.readouterr().err


def test_texts_shorter_than_the_order_are_learned() -> None:
    m = learn(["文本"] * 3, keep_repeats=True)
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
    for keep in (True, False):  # (the corpus repeats sentences: each part leaves out only its own repeats)
        corpus = texts if keep else as_learned(texts)[0]
        whole = learn(corpus, min_count=2, keep_repeats=keep)
        vocab = vocabulary_of(iter(corpus), keep_repeats=keep)
        bounds = sorted(random.Random(cuts).sample(range(1, len(corpus)), cuts - 1)) if cuts > 1 else []
        parts = [corpus[a:b] for a, b in zip([0, *bounds], [*bounds, len(corpus)])]
        model = from_counts(vocab, merge_counts(count_texts(p, vocab, keep_repeats=keep) for p in parts), min_count=2)
        assert model.vocab == whole.vocab and model.stats == whole.stats
        assert model.keys.tobytes() == whole.keys.tobytes() and model.counts.tobytes() == whole.counts.tobytes()


@pytest.mark.parametrize("cuts", [1, 4, 23, 200])
@pytest.mark.parametrize("room", [40, None])
def test_repeats_decided_part_by_part_give_the_local_model(monkeypatch: pytest.MonkeyPatch, cuts: int, room: int | None) -> None:
    """The Ray engine's way: the hashes of each part's sentences, read part
    after part (Repeats), tell each part's count_texts which of its
    sentences the corpus gave before; merged, learn's model array for
    array, wherever the cuts fall, with learn's pieces and memory (pieces
    of about 1,000 characters here; room for 40 sentences or for all),
    while the parts on their own find other repeats."""
    monkeypatch.setattr(charmodel, "VOCAB_SAMPLE", 5000)
    monkeypatch.setattr(charmodel, "CHUNK_CHARS", 997)
    if room is not None:
        monkeypatch.setattr(charmodel, "REPEAT_MEMORY", room)
    lines = corpus_lines()
    corpus = lines[:60] + lines[35:45] + lines[60:] + lines[::3] + ["", "一", "\n"] + lines[::2]  # (copies 2,000 characters on, past the memory: in the first piece, of 5,000)
    whole = learn(corpus, min_count=2)
    vocab = vocabulary_of(corpus)
    bounds = sorted(random.Random(cuts).sample(range(1, len(corpus)), cuts - 1)) if cuts > 1 else []
    parts = [corpus[a:b] for a, b in zip([0, *bounds], [*bounds, len(corpus)])]
    repeats = Repeats()
    seen = [repeats.add(sentence_hashes(p)) for p in parts]
    model = from_counts(vocab, merge_counts(count_texts(p, vocab, seen=s) for p, s in zip(parts, seen)), min_count=2)
    assert model.vocab == whole.vocab and model.stats == whole.stats and int(whole.stats["repeated_sentences"]) > 0  # type: ignore[call-overload]
    assert model.keys.tobytes() == whole.keys.tobytes() and model.counts.tobytes() == whole.counts.tobytes()
    if cuts > 1:
        alone = from_counts(vocab, merge_counts(count_texts(p, vocab) for p in parts), min_count=2)
        assert alone.stats["repeated_sentences"] != whole.stats["repeated_sentences"] and alone.counts.tobytes() != whole.counts.tobytes()


def test_sentence_hashes_are_the_same_in_every_process() -> None:
    """The Ray engine's tasks hash sentences in processes of their own, each
    with its own str hash seed: their hashes must not depend on it."""
    import os
    import subprocess
    import sys

    code = "from cleaner.typos.charmodel import sentence_hashes\nprint(sentence_hashes(['今天天气很好啊。好。', 'Lone \\ud800 surrogate kept.']).hashes.tolist())\n"
    outs = {subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True, cwd=str(SOURCE.parents[2])).stdout for seed in ("1", "2")}
    assert len(outs) == 1 and len(eval(outs.pop())) == 2


def test_a_part_leaves_out_the_lines_it_repeats() -> None:
    """count_texts leaves out the sentences its own texts repeat, as learn
    does, and says how many; one that two parts both give is counted in each."""
    line = "浦东新区今年的建设很快。"
    vocab = vocabulary_of([line])
    one = count_texts([line, "天气。", line, "他说：" + "\n" + line], vocab)
    assert (one.documents, one.repeated_sentences, one.repeated_chars, one.chars) == (3, 2, 2 * len(line), len(line) + 3 + 3)
    assert one.counts.tobytes() == count_texts([line, "天气。", "他说："], vocab).counts.tobytes()
    two = merge_counts([count_texts([line], vocab), count_texts([line], vocab)])
    assert (two.documents, two.repeated_sentences) == (2, 0)


def test_counts_over_the_budget_are_pruned_and_say_so() -> None:
    texts = corpus_lines()
    vocab = vocabulary_of(texts)
    parts = [count_texts(texts[i::2], vocab, max_ngrams=20_000, keep_repeats=True) for i in range(2)]
    assert all(len(p.keys) <= 20_000 and p.floor > 1 for p in parts)
    model = from_counts(vocab, merge_counts(parts, max_ngrams=20_000), max_ngrams=20_000)
    assert len(model.keys) <= 20_000 and int(model.stats["prune_below"]) >= max(p.floor for p in parts)  # type: ignore[call-overload]
    assert model.stats["chars"] == sum(map(len, texts))


# -- repeated sentences ----------------------------------------------------------------------------


def test_a_typo_a_feed_repeats_stays_rare() -> None:
    """A paragraph printed three times with a typo in it (a feed that
    repeats an article) is learned once: with ``min_count=2`` (as
    ``clean --learn`` learns) the typo's trigram is forgotten, as a typo
    seen once is; with ``keep_repeats`` it is counted three times and kept."""
    right = "国务院常务会议研究部署加快推进重大项目建设。"
    damaged = right.replace("项", "顶")
    corpus = corpus_lines() + [damaged] * 3 + [right]
    trigram = "大顶目"
    assert learn(corpus, min_count=2).trigram_seen(trigram)[1] == False  # noqa: E712
    kept = learn(corpus, min_count=2, keep_repeats=True)
    assert kept.trigram_seen(trigram)[1] and kept.stats["repeated_sentences"] == 0


def test_repeats_are_compared_whole_and_from_eight_characters() -> None:
    """Only a sentence of REPEAT_MIN_CHARS or more that is the same,
    character for character, is a repeat: a short line (a heading) and a
    sentence that differs by one character are learned each time; the lines
    of a multi-line text are read one by one, and a text left with no line
    is no document."""
    para = "浦东新区今年的建设很快。"
    m = learn([para, "第一章", "第一章", para.replace("快", "慢"), "标题\n" + para, para + "\n" + para])
    assert (m.stats["repeated_sentences"], m.stats["documents"]) == (3, 5)
    assert m.stats["chars"] == len(para) * 2 + 3 * 2 + 2


def test_a_near_copy_is_learned_for_its_new_sentence_only() -> None:
    """A paragraph printed again with a word changed repeats its other
    sentences: only the changed one is learned, with a line break where
    the repeats were (no n-gram spans the gap)."""
    first = "今年全市经济平稳增长。工业生产稳中有升。消费市场持续回暖。"
    again = first.replace("稳中有升", "稳中有降")
    m = learn([first, again, "天气。"])
    reference = learn([first, "工业生产稳中有降。", "天气。"], keep_repeats=True)
    assert m.keys.tobytes() == reference.keys.tobytes() and m.counts.tobytes() == reference.counts.tobytes()
    assert (m.stats["repeated_sentences"], m.stats["repeated_chars"]) == (2, 20)
    middle = learn([first, "开头不同。" + first.split("。")[1] + "。结尾也不同的。"])  # (a gap inside the line)
    assert middle.stats["repeated_sentences"] == 1 and middle.stats["chars"] == len(first) + len("开头不同。\n结尾也不同的。")


def test_the_sentences_remembered_are_the_first_ones() -> None:
    """Past its limit the filter remembers no new sentence: it leaves out
    the repeats of those it holds and learns the others each time, the same
    in every run (the first ones in the corpus's order, whatever their
    hashes)."""
    from cleaner.typos.charmodel import _Distinct

    lines = [f"第{i}条新闻的正文很长。" for i in range(6)]
    chunk = "\n" + "\n".join(lines) + "\n"
    small = _Distinct(limit=4)
    assert small.filter(chunk, [1] * 6, 66) == (chunk, 6, 66) and small.sentences == 0
    text, docs, chars = small.filter(chunk, [1] * 6, 66)  # the same lines again, in the next piece
    assert text.split("\n")[1:-1] == lines[4:] and (docs, chars, small.sentences, small.chars) == (2, 22, 4, 44)
    twice = _Distinct(limit=4)
    assert twice.filter("\n" + "\n".join(lines + lines) + "\n", [1] * 12, 132)[1:] == (6, 66)  # within a piece, every repeat


def test_learn_command_says_what_it_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The summary counts the repeated sentences left out; --keep-repeats learns every copy."""
    from cleaner.typos.charmodel import load

    para = "浦东新区今年的建设很快。"
    corpus = tmp_path / "feed.txt"
    corpus.write_text(f"{para}\n天气。\n{para}\n{para}\n", encoding="utf-8")
    assert main(["learn", str(corpus), "-o", str(tmp_path / "once.npz")]) == 0
    assert "of 2 texts (2 repeated sentences, 24 characters, learned once)" in capsys.readouterr().err
    assert main(["learn", "--keep-repeats", str(corpus), "-o", str(tmp_path / "all.npz")]) == 0
    assert "of 4 texts:" in capsys.readouterr().err
    assert load(tmp_path / "all.npz").stats["documents"] == 4 and load(tmp_path / "once.npz").stats["repeated_sentences"] == 2
    one = tmp_path / "one.txt"
    one.write_text(f"{para}\n", encoding="utf-8")
    assert main(["learn", str(one), "-o", str(tmp_path / "one.npz")]) == 0
    assert f"learned {len(para)} characters of 1 text:" in capsys.readouterr().err  # the singular for one


def test_clean_learn_keeps_repeats_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``clean --learn --keep-repeats`` learns every copy (the summary names
    no sentence left out); ``--keep-repeats`` without ``--learn`` is a usage
    error, since no model is learned then."""
    para = "浦东新区今年的建设很快。"
    corpus = tmp_path / "feed.txt"
    corpus.write_text(f"{para}\n天气。\n{para}\n{para}\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    assert main(["clean", "--learn", str(corpus), "-o", str(out)]) == 0
    assert "learned 15 characters of 1 input file(s) (2 repeated sentences, 24 characters, learned once)" in capsys.readouterr().err
    assert main(["clean", "--learn", "--keep-repeats", str(corpus), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "cleaner: learned 39 characters of 1 input file(s) in" in err and "repeated" not in err
    assert main(["clean", "--keep-repeats", str(corpus), "-o", str(tmp_path / "none.txt")]) == 2
    assert "--keep-repeats says how --learn learns" in capsys.readouterr().err
    assert not (tmp_path / "none.txt").exists()


def test_the_model_is_the_same_whatever_the_hash_seed() -> None:
    """Python salts str hashes per process; which sentences the filter
    remembers past its limit depends only on the corpus's order, so
    processes with other seeds learn the same model.  Here the corpus comes
    in pieces of about 1,000 characters and the filter has room for 40
    sentences: it finds fewer repeats than with room for all."""
    import os
    import subprocess
    import sys

    code = (
        "import hashlib, sys\n"
        "from cleaner.typos import charmodel\n"
        "from tests.typos.test_charmodel import corpus_lines\n"
        "charmodel.VOCAB_SAMPLE, charmodel.CHUNK_CHARS = 5000, 997\n"
        "charmodel.REPEAT_MEMORY = int(sys.argv[1])\n"
        "lines = corpus_lines()\n"
        "m = charmodel.learn(lines + lines[::3] + lines[::2], max_ngrams=None)\n"
        "print(m.stats['repeated_sentences'], hashlib.sha256(m.keys.tobytes() + m.counts.tobytes()).hexdigest())\n"
    )

    def run(room: int, seed: str) -> tuple[int, str]:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code, str(room)], env=env, capture_output=True, text=True, check=True, cwd=str(SOURCE.parents[2]))
        left_out, digest = done.stdout.split()
        return int(left_out), digest

    small = {run(40, seed) for seed in ("1", "2", "3")}
    assert len(small) == 1, small
    (limited, _), = small
    unlimited, _ = run(1 << 22, "1")
    assert 0 < limited < unlimited


class _Counted:
    """A stand-in for the progress bar: what it was told."""

    def __init__(self) -> None:
        self.nbytes = self.docs = 0

    def update(self, nbytes: int, *, docs: int = 1) -> None:
        self.nbytes += nbytes
        self.docs += docs


def test_learning_reports_its_progress_in_bytes_read(tmp_path: Path) -> None:
    """``cleaner learn`` and ``clean --learn`` show a bar on a terminal: the
    corpus's texts count the bytes of the files they come from (text past
    the sniffed head line by line, JSON Lines record by record) and the
    lines or records, so the bar ends at the files' size."""
    from cleaner.commands.learn import SNIFF, corpus_texts

    big = tmp_path / "big.txt"
    line = "今天天气很好，我们去公园散步。\r\n"
    big.write_text(line * (SNIFF // len(line.encode()) + 500), encoding="utf-8", newline="")
    records = tmp_path / "r.jsonl"
    records.write_text('{"text": "今天"}\n{"text": 1}\n{"text": "天气"}\n', encoding="utf-8")
    counted = _Counted()
    texts = list(corpus_texts([str(big)], progress=counted))  # type: ignore[arg-type]
    assert counted.nbytes == big.stat().st_size and counted.docs >= len(texts) > SNIFF // len(line.encode())
    counted = _Counted()
    assert list(corpus_texts([str(records)], jsonl=True, skip_bad=True, progress=counted)) == ["今天", "天气"]  # type: ignore[arg-type]
    assert (counted.nbytes, counted.docs) == (records.stat().st_size, 3)


def test_parts_summed_past_the_budget_keep_the_local_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counts of parts (what Ray tasks return) summed past the budget are
    pruned at the threshold the local learner reaches, not one higher each
    time a part pushes the sum over it: the threshold already reached
    applies first to what came in since."""
    monkeypatch.setattr(charmodel, "PENDING", 3000)  # the sum prunes as a part comes in, as it does with Ray's large parts
    texts, budget, parts = corpus_lines(), 20_000, 8
    local = learn(texts, max_ngrams=budget)
    vocab = vocabulary_of(texts)
    n = len(texts)
    counts = [count_texts(texts[i * n // parts : (i + 1) * n // parts], vocab, max_ngrams=budget) for i in range(parts)]
    summed = from_counts(vocab, merge_counts(counts, max_ngrams=budget), max_ngrams=budget)
    assert local.stats["prune_below"] == 2  # the budget bites
    assert summed.stats["prune_below"] == local.stats["prune_below"]  # (4 when each prune raised the threshold first)
    assert 0.9 * len(local.keys) <= len(summed.keys) <= budget
