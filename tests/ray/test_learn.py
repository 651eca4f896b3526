"""``cleaner learn --engine ray``: n-grams counted per byte range in Ray
tasks and added up give the local model, array for array (and the command
writes the same file byte for byte), repeated sentences left out as the
local learner leaves them out wherever their first print is; a bad record
stops both engines with the same message; over the size budget the model
stays within it.

The usage errors need no Ray; the rest starts one local Ray (2 CPUs) for
the module and skips when the extra (``pip install 'cleaner[ray]'``) is not
installed.  The corpus is the redistributable text shipped with the project
(``samples/golden/source``, see its README for attribution)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleaner.cli import main
from cleaner.errors import InputError
from cleaner.typos.charmodel import CharModel, learn, load
from tests.typos.test_charmodel import as_learned, corpus_lines

def write_jsonl(path: Path, texts: list[str]) -> None:
    """Records with the texts in ``body``, and some that give no text: blank,
    white space only, a blank line."""
    rows = []
    for i, t in enumerate(texts):
        rows.append(json.dumps({"id": i, "body": t}, ensure_ascii=False) + "\n")
        if i % 50 == 0:
            rows.append('{"id": "x", "body": "  "}\n\n')
    path.write_text("".join(rows), encoding="utf-8")


def same(a: CharModel, b: CharModel) -> bool:
    return a.vocab == b.vocab and a.stats == b.stats and a.keys.tobytes() == b.keys.tobytes() and a.counts.tobytes() == b.counts.tobytes()


# -- usage, without Ray ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["--engine", "ray", "IN"], "--engine ray learns from JSON Lines (--jsonl)"),
        (["--engine", "ray", "--jsonl", "--encoding", "gb18030", "IN"], "drop --encoding"),
        (["--engine", "ray", "--jsonl", "-"], "not stdin"),
        (["--engine", "ray", "--jsonl", "GZ"], "plain JSON Lines files"),
        (["--ray-address", "auto", "--jsonl", "IN"], "--ray-address goes with --engine ray"),
    ],
)
def test_ray_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    src, gz = tmp_path / "in.jsonl", tmp_path / "in.jsonl.gz"
    write_jsonl(src, corpus_lines()[:3])
    gz.write_bytes(b"")
    argv = [str(src) if a == "IN" else str(gz) if a == "GZ" else a for a in args]
    assert main(["learn", *argv, "-o", str(tmp_path / "m.npz")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()


# -- on Ray ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_session() -> Iterator[Any]:
    pytest.importorskip("ray.data")
    from cleaner import ray as ray_engine

    with ray_engine.session(num_cpus=2, partitions=4):
        yield ray_engine.require_ray()


@pytest.mark.parametrize("chunk_bytes, window", [(None, None), (4096, 2)])
def test_ray_learns_the_local_model(ray_session: Any, tmp_path: Path, chunk_bytes: int | None, window: int | None) -> None:
    from cleaner.ray.learn import learn_jsonl_files

    texts = corpus_lines()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(a, texts[:200])
    write_jsonl(b, texts[200:])
    local = learn(texts, min_count=2, keep_repeats=True)
    model = learn_jsonl_files([str(a), str(b)], field="body", min_count=2, chunk_bytes=chunk_bytes, window=window, keep_repeats=True)
    assert same(model, local)
    assert model.stats["documents"] == len(texts)


@pytest.mark.parametrize("chunk_bytes, window", [(None, None), (4096, 2), (1500, 3)])
def test_ray_leaves_out_the_repeats_the_local_learner_leaves_out(ray_session: Any, tmp_path: Path, chunk_bytes: int | None, window: int | None) -> None:
    """A sentence the corpus gave before is left out wherever its first
    print is: copies and near copies (a character changed) of the first
    texts at the end, in other byte ranges and another file, give the local
    model, array for array."""
    from cleaner.ray.learn import learn_jsonl_files

    texts = corpus_lines()
    near = [t.replace("的", "之", 1) for t in texts[:60] if "的" in t]
    corpus = texts + texts[:30] + near
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(a, corpus[:150])
    write_jsonl(b, corpus[150:])
    local = learn(corpus, min_count=2)
    model = learn_jsonl_files([str(a), str(b)], field="body", min_count=2, chunk_bytes=chunk_bytes, window=window)
    assert same(model, local)
    assert int(model.stats["repeated_sentences"]) > int(learn(texts).stats["repeated_sentences"]) + 30  # type: ignore[call-overload]


def test_ray_remembers_the_sentences_the_local_learner_remembers(ray_session: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its memory the local learner finds the repeats of the first
    sentences, and the others within a piece only; the Ray engine finds
    the same ones (here pieces of about 1,000 characters, room for 40
    sentences, ranges of 3,000 bytes: fewer repeats than with room for all)."""
    from cleaner.ray.learn import learn_jsonl_files
    from cleaner.typos import charmodel

    lines = corpus_lines()
    corpus = lines[:60] + lines[35:45] + lines[60:] + lines[::3] + lines[::2]  # (copies 2,000 characters on, past the memory: in the first piece, of 5,000)
    src = tmp_path / "c.jsonl"
    write_jsonl(src, corpus)
    unlimited = learn(corpus, min_count=2)
    monkeypatch.setattr(charmodel, "VOCAB_SAMPLE", 5000)
    monkeypatch.setattr(charmodel, "CHUNK_CHARS", 997)
    monkeypatch.setattr(charmodel, "REPEAT_MEMORY", 40)
    local = learn(corpus, min_count=2)
    model = learn_jsonl_files([str(src)], field="body", min_count=2, chunk_bytes=3000)
    assert same(model, local)
    assert 0 < int(local.stats["repeated_sentences"]) < int(unlimited.stats["repeated_sentences"])  # type: ignore[call-overload]


def test_a_bad_record_stops_both_engines_alike(ray_session: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cleaner.ray.learn import learn_jsonl_files

    src = tmp_path / "c.jsonl"
    write_jsonl(src, corpus_lines()[:120])
    lines = src.read_text(encoding="utf-8").split("\n")
    lines.insert(60, "{not json")  # the first bad record, in an early byte range; another in the last
    src.write_text("\n".join(lines) + '{"body": 3}\n', encoding="utf-8")
    assert main(["learn", "--jsonl", "--field", "body", str(src), "-o", str(tmp_path / "m.npz")]) == 1
    local = capsys.readouterr().err.strip().removeprefix("cleaner: error: ")
    with pytest.raises(InputError) as exc:
        learn_jsonl_files([str(src)], field="body", chunk_bytes=2048)
    assert str(exc.value) in local and f"{src}: line 61: invalid JSON" in str(exc.value)


def test_over_the_budget_the_model_stays_within_it(ray_session: Any, tmp_path: Path) -> None:
    from cleaner.ray.learn import learn_jsonl_files

    src = tmp_path / "c.jsonl"
    write_jsonl(src, corpus_lines())
    model = learn_jsonl_files([str(src)], field="body", max_ngrams=20_000, chunk_bytes=8192, keep_repeats=True)
    assert len(model.keys) <= 20_000 and int(model.stats["prune_below"]) >= 2  # type: ignore[call-overload]
    assert model.stats["chars"] == learn(corpus_lines(), keep_repeats=True).stats["chars"]


def test_the_command_writes_the_local_file_byte_for_byte(ray_session: Any, tmp_path: Path) -> None:
    src = tmp_path / "c.jsonl"
    write_jsonl(src, corpus_lines())
    for engine in ("local", "ray"):
        assert main(["learn", "--jsonl", "--field", "body", str(src), "-o", str(tmp_path / f"{engine}.npz"), "--engine", engine, "-q", "--keep-repeats"]) == 0
    assert (tmp_path / "ray.npz").read_bytes() == (tmp_path / "local.npz").read_bytes()
    assert load(tmp_path / "ray.npz").stats["documents"] == len(corpus_lines())


def test_learning_ranges_stay_within_a_quarter_of_the_budget(ray_session: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """By default a learning task reads at most a quarter of the n-gram
    budget in bytes (:func:`cleaner.ray.learn.range_bytes`), so that it need
    not prune its own part, which drops n-grams the sum would keep."""
    from cleaner.ray import learn as ray_learn

    asked: list[int] = []
    real = ray_learn.plan_chunks

    def spy(files: Any, chunk_bytes: Any, **kwargs: Any) -> Any:
        asked.append(kwargs["most_bytes"])
        return real(files, chunk_bytes, **kwargs)

    monkeypatch.setattr(ray_learn, "plan_chunks", spy)
    src = tmp_path / "c.jsonl"
    write_jsonl(src, corpus_lines())
    model = ray_learn.learn_jsonl_files([str(src)], field="body", max_ngrams=8_000_000)
    assert asked == [2_000_000] and ray_learn.range_bytes(None) == 64 << 20 and ray_learn.range_bytes(1000) == 1 << 20
    assert same(model, learn(corpus_lines()))
