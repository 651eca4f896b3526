"""The character n-gram model: learning, the file format, probabilities.

The corpus is the redistributable clean text shipped with the project
(``samples/golden/source``: zh-Wikipedia articles, CC BY-SA; OpenCC's
Simplified US Constitution, Apache-2.0; paragraphs written for the project;
see ``samples/golden/README.md`` for attribution), about 20,000 characters.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest

from cleaner.typos import charmodel
from cleaner.typos.charmodel import CharModel, learn, load

SOURCE = Path(__file__).resolve().parents[2] / "samples" / "golden" / "source"
FILES = ("wiki_zh_200.txt", "us_constitution_zhs.input.txt", "zh_paragraphs.txt")


def corpus_lines() -> list[str]:
    out: list[str] = []
    for name in FILES:
        out.extend(line for line in (SOURCE / name).read_text(encoding="utf-8").split("\n") if line.strip())
    return out


def as_learned(texts: list[str]) -> tuple[list[str], int, int]:
    """``texts`` as learn() learns them, written apart from charmodel as a
    reference: in a line at least half of whose sentences (up to and with
    their end marks 。！？!?, or the line's tail) of REPEAT_MIN_CHARS or more
    were given before, those are left out, a line break where one or more
    were; a line left with nothing but white space goes, and so does a text
    left with no line.  With the sentences left out and their characters."""
    seen: set[str] = set()
    out: list[str] = []
    gone = gone_chars = 0
    for text in texts:
        lines = []
        for line in text.split("\n"):
            units = re.findall("[^。！？!?]*[。！？!?]+|[^。！？!?]+", line) if len(line) >= charmodel.REPEAT_MIN_CHARS else [line]
            long = [u for u in units if len(u) >= charmodel.REPEAT_MIN_CHARS]
            again = [u in seen or u in long[:k] for k, u in enumerate(long)]
            copy = bool(long) and 2 * sum(again) >= len(long)
            seen.update(long)
            parts: list[str] = []
            gap, k = False, 0
            for unit in units:
                if len(unit) >= charmodel.REPEAT_MIN_CHARS:
                    drop, k = copy and again[k], k + 1
                    if drop:
                        gap = bool(parts)
                        gone, gone_chars = gone + 1, gone_chars + len(unit)
                        continue
                parts += ["\n", unit] if gap else [unit]
                gap = False
            rest = "".join(parts)
            if not copy or rest.strip():
                lines.append(rest)
        if lines:
            out.append("\n".join(lines))
    return out, gone, gone_chars


@pytest.fixture(scope="module")
def shipped() -> CharModel:
    return learn(iter(corpus_lines()))


def test_statistics_describe_the_corpus(shipped: CharModel) -> None:
    lines = corpus_lines()
    learned, gone, gone_chars = as_learned(lines)  # a sentence the corpus gives again is learned once (the golden files repeat some)
    assert shipped.stats["documents"] == len(learned) and shipped.stats["chars"] == sum(map(len, learned))
    assert (shipped.stats["repeated_sentences"], shipped.stats["repeated_chars"]) == (gone, gone_chars) and gone > 0
    again = learn(learned, keep_repeats=True)  # the corpus as the reference leaves it, learned whole: the same model
    assert again.keys.tobytes() == shipped.keys.tobytes() and again.counts.tobytes() == shipped.counts.tobytes()
    ngrams = shipped.stats["ngrams"]
    assert sum(ngrams.values()) == len(shipped.keys)
    assert ngrams["1"] < ngrams["2"] < ngrams["3"]  # type: ignore[operator]
    assert shipped.knows("国") and not shipped.knows("7") and not shipped.knows("a")


def test_keys_are_sorted_and_unique(shipped: CharModel) -> None:
    assert np.all(shipped.keys[1:] > shipped.keys[:-1])
    assert shipped.counts.min() >= 1


def test_counts_do_not_depend_on_how_the_corpus_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charmodel, "VOCAB_SAMPLE", 5000)  # the vocabulary from the first 5,000 characters
    whole = learn(corpus_lines())
    monkeypatch.setattr(charmodel, "CHUNK_CHARS", 997)
    monkeypatch.setattr(charmodel, "PENDING", 5000)  # batches join the main table many times
    cut = learn(corpus_lines())
    assert np.array_equal(cut.keys, whole.keys) and np.array_equal(cut.counts, whole.counts)
    assert cut.stats == whole.stats and cut.vocab == whole.vocab


def test_digits_and_latin_are_folded() -> None:
    m = learn(["第12届", "第345届", "在Paris", "在Rome"] * 3, max_ngrams=None, keep_repeats=True)
    ids = m.ids("第9届在Oslo")
    assert ids[1] == charmodel.DIGIT and set(ids[4:].tolist()) == {charmodel.LATIN}
    # an unseen number reads like the seen ones
    assert m.logprob_at("第9届", [2])[0] > m.logprob_at("第届届", [2])[0]


def test_budget_bounds_the_table_and_says_so() -> None:
    lines = corpus_lines()
    small = learn(lines, max_ngrams=20_000)
    assert len(small.keys) <= 20_000
    assert small.stats["prune_below"] >= 2
    orders = (small.keys >> np.uint64(60)).astype(int)
    # unigrams and bigrams are never pruned
    full = learn(lines, max_ngrams=None)
    assert small.stats["ngrams"]["1"] == full.stats["ngrams"]["1"]
    assert (orders == 2).sum() == full.stats["ngrams"]["2"]
    with pytest.raises(ValueError, match="max_ngrams"):
        learn(lines, max_ngrams=10)


def test_context_prefers_what_the_corpus_writes(shipped: CharModel) -> None:
    # 宪法 is frequent in the constitution; 宪去 is not Chinese
    assert shipped.gains("本宪去规定", [2], ["法"])[0] > 5
    assert shipped.gains("本宪法规定", [2], ["去"])[0] < -5
    # a probability distribution: the scores of every id after a context sum to 1
    ctx = shipped.ids("美国宪")
    rows = np.array([[*ctx, i] for i in range(1 << charmodel.BITS)])
    total = np.exp(shipped.cond_logprob(rows)).sum()
    assert total == pytest.approx(1.0, rel=0.02)


def test_save_and_load_round_trip(tmp_path: Path, shipped: CharModel) -> None:
    path = tmp_path / "m.npz"
    shipped.save(path)
    back = load(path)
    assert back.vocab == shipped.vocab and back.stats == shipped.stats
    assert np.array_equal(back.keys, shipped.keys) and np.array_equal(back.counts, shipped.counts)
    text = "美国国会由参议院和众议院组成。"
    assert np.allclose(back.logprob_at(text, range(len(text))), shipped.logprob_at(text, range(len(text))))
    assert charmodel.cached(str(path)) is charmodel.cached(path)


def test_load_refuses_other_files_with_a_useful_message(tmp_path: Path, shipped: CharModel) -> None:
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="cleaner learn"):
        load(junk)
    with pytest.raises(ValueError, match="not found"):
        charmodel.cached(tmp_path / "missing.npz")
    other = tmp_path / "other.npz"
    meta = json.dumps({"format": "cleaner-charmodel-0", "vocab": "", "stats": {}}).encode()
    np.savez(other, meta=np.frombuffer(meta, dtype=np.uint8), key_deltas=np.zeros(0, np.uint64), counts=np.zeros(0, np.uint32))
    with pytest.raises(ValueError, match="format"):
        load(other)
    good = tmp_path / "good.npz"
    shipped.save(good)
    with zipfile.ZipFile(good) as z, zipfile.ZipFile(tmp_path / "bad.npz", "w") as out:
        for item in z.infolist():
            data = z.read(item)
            if item.filename == "counts.npy":
                data = data[: len(data) // 2]
            out.writestr(item, data)
    with pytest.raises(ValueError):
        load(tmp_path / "bad.npz")


def test_learn_rejects_bytes() -> None:
    with pytest.raises(TypeError, match="decode"):
        learn([b"\xe4\xb8\xad"])  # type: ignore[list-item]


# -- the model in the ocr_confusion rule and the command -----------------------

CONSTITUTION_TYPOS = [
    # (damaged, right): look-alikes the visual table lists, in the register of the corpus
    ("国会可决定各州选出选举人的时间以及他们投票的日期；投票日期全国一津。", "国会可决定各州选出选举人的时间以及他们投票的日期；投票日期全国一律。"),
    ("凡年龄不满二十五岁、成为合众国公民不满七年、且在一州当选时不是该州居民者，干得担任众议员。", "凡年龄不满二十五岁、成为合众国公民不满七年、且在一州当选时不是该州居民者，不得担任众议员。"),
]


@pytest.fixture(scope="module")
def legal() -> CharModel:
    """A model of the Wikipedia articles and the constitution, not of the
    project's own paragraphs (the clean controls)."""
    lines = [line for name in FILES[:2] for line in (SOURCE / name).read_text(encoding="utf-8").split("\n") if line.strip()]
    return learn(lines)


@pytest.mark.parametrize("damaged, right", CONSTITUTION_TYPOS)
def test_the_model_repairs_what_the_word_model_cannot(legal: CharModel, damaged: str, right: str) -> None:
    from cleaner import explain

    assert explain(damaged, only=["ocr_confusion"]).text == damaged  # today: no context, no change
    r = explain(damaged, only=["ocr_confusion"], model=legal)
    assert r.text == right
    (edit,) = r.edits
    assert edit.rule == "ocr_confusion" and edit.score is not None and edit.score >= 9.0
    assert "model (in memory)" in edit.note and "context +" in edit.note


def test_the_model_by_path_is_named_in_the_edit(tmp_path: Path, legal: CharModel) -> None:
    from cleaner import explain

    path = tmp_path / "legal.npz"
    legal.save(path)
    damaged, right = CONSTITUTION_TYPOS[0]
    r = explain(damaged, only=["ocr_confusion"], model=str(path))
    assert r.text == right and "model legal.npz" in r.edits[0].note


def test_clean_text_the_model_never_saw_is_left_alone(legal: CharModel) -> None:
    from cleaner import explain

    controls = [line for line in (SOURCE / "zh_paragraphs.txt").read_text(encoding="utf-8").split("\n") if line.strip()]
    assert len(controls) >= 10
    for text in controls:
        assert explain(text, model=legal).text == text


def test_guards_hold_with_a_model(legal: CharModel) -> None:
    from cleaner import explain

    # parallel idiom, Traditional text, and a term the document repeats
    for text in ("我们要敢闯敢干，一往无前。", "國會可決定各州選出選舉人的時間。", "投票日期全国一津。全国一津是本法的要求。"):
        assert explain(text, only=["ocr_confusion"], model=legal).text == text


def test_without_a_model_the_rule_is_unchanged() -> None:
    from cleaner import Config
    from cleaner.typos.confusion_rule import find, ocr_confusion_rule

    for text, _ in CONSTITUTION_TYPOS + [("这位博土毕业于北京大学。", "")]:
        assert list(ocr_confusion_rule(text, Config())) == list(find(text, 6.0, 3.0))


def test_config_checks_the_model(tmp_path: Path, legal: CharModel) -> None:
    from cleaner import Config

    with pytest.raises(ValueError, match="cleaner learn"):
        Config(model=str(tmp_path / "missing.npz"))
    with pytest.raises(ValueError, match="CharModel"):
        Config(model=42)
    assert Config(model=legal).model is legal


def test_learn_command_writes_a_model_that_clean_uses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cleaner.cli import main

    jsonl = tmp_path / "corpus.jsonl"
    lines = [line for line in (SOURCE / FILES[1]).read_text(encoding="utf-8").split("\n") if line.strip()]
    jsonl.write_text("".join(json.dumps({"body": line}, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "m.npz"
    assert main(["learn", "--jsonl", "--field", "body", str(jsonl), "-o", str(out)]) == 0
    learned, gone, _ = as_learned(lines)
    err = capsys.readouterr().err
    assert f"{len(learned):,} texts" in err and load(out).stats["documents"] == len(learned)
    assert (f"({gone} repeated sentence" in err) == (gone > 0)
    assert main(["learn", "--jsonl", "--field", "missing", str(jsonl), "-o", str(tmp_path / "x.npz")]) == 1
    assert "--field" in capsys.readouterr().err
    damaged, right = CONSTITUTION_TYPOS[1]
    src = tmp_path / "in.txt"
    src.write_text(damaged + "\n", encoding="utf-8")
    dst = tmp_path / "out.txt"
    assert main(["clean", "--model", str(out), "--only", "ocr_confusion", "-q", str(src), "-o", str(dst)]) == 0
    assert dst.read_text(encoding="utf-8") == right + "\n"
    assert main(["clean", "--model", str(tmp_path / "nope.npz"), str(src)]) == 1  # a file that cannot be read, like --lexicon


def test_keys_are_the_ids_packed_twelve_bits_each():
    """_pack (one reduction over the columns) gives the key the table holds:
    the order in the top bits, then the ids, 12 bits each, first id highest
    (the same bits as a key built a column at a time, wider ids too)."""
    rng = np.random.default_rng(12)
    for _ in range(200):
        width = int(rng.integers(1, 8))
        rows = rng.integers(0, 1 << int(rng.integers(1, 16)), (int(rng.integers(0, 20)), width))
        end = int(rng.integers(0, width + 1))
        k = int(rng.integers(0, min(end, charmodel.ORDER) + 1))
        want = []
        for row in rows.tolist():
            key = 0
            for x in row[end - k : end]:
                key = ((key << charmodel.BITS) | x) % (1 << 64)
            want.append(key | k << 60)
        assert charmodel._pack(rows, end, k).tolist() == want
    m = learn(["天气很好。"] * 2, keep_repeats=True)
    assert m.count(m.ids("天气很").reshape(1, 3)).tolist() == [2]
