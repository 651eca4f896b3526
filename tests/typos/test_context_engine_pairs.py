"""An OCR engine's own misreadings (``Config.confusions``,
:func:`cleaner.typos.context.alikes.with_engine_pairs`): candidates beside
the visual table's look-alikes, scored in context like them."""

from __future__ import annotations

import random

import pytest

from cleaner import Config, explain
from cleaner.confusion import visual_neighbours
from cleaner.typos.charmodel import CharModel, learn
from cleaner.typos.context.alikes import visual_han_neighbours, with_engine_pairs

from .test_charmodel import FILES, SOURCE

#: the corpus writes 见面 often, 炮 elsewhere; 见 is no look-alike of 炮
MEET = ["我们明天见面吧。", "他们在车站见面。", "两人约好见面。", "我们下周见面谈。"] * 20 + ["炮火连天。", "放鞭炮。"] * 10


@pytest.fixture(scope="module")
def legal() -> CharModel:
    lines = [line for name in FILES[:2] for line in (SOURCE / name).read_text(encoding="utf-8").split("\n") if line.strip()]
    return learn(lines)


def test_a_pair_that_does_not_look_alike_is_repaired_only_with_the_engines_table() -> None:
    cm = learn(MEET, keep_repeats=True)
    text = "我们明天炮面吧，再商量。"
    assert "见" not in dict(visual_neighbours("炮"))
    assert explain(text, config=Config(model=cm)).text == text
    r = explain(text, config=Config(model=cm, confusions=("炮 见 3",)))
    assert r.text == "我们明天见面吧，再商量。"
    (e,) = r.edits
    assert "your engine's pair" in e.note and e.rule == "ocr_confusion"
    assert explain(text, config=Config(confusions=("炮 见 3",))).text == text  # no model: the pairs are not read


def test_pairs_the_visual_table_already_lists_change_nothing(legal: CharModel) -> None:
    """The engine's table is read by the Python proposals (the C ones read
    the visual table only): with pairs that add nothing, every text gets
    the edits and suggestions of the visual table alone."""
    rng = random.Random(5)
    lines = [line for line in (SOURCE / FILES[1]).read_text(encoding="utf-8").split("\n") if len(line) > 20]
    texts = []
    for line in rng.sample(lines, 60):
        spots = [i for i, c in enumerate(line) if visual_han_neighbours(c)]
        i = rng.choice(spots)
        texts.append(line[:i] + visual_han_neighbours(line[i])[0][0] + line[i + 1 :])
    listed = tuple(f"{c} {visual_han_neighbours(c)[0][0]}" for t in texts for c in t if visual_han_neighbours(c))
    plain, paired = Config(model=legal), Config(model=legal, confusions=listed)
    got = [explain(t, config=paired) for t in texts]
    assert [(r.text, r.edits, r.suggestions) for r in got] == [(r.text, r.edits, r.suggestions) for r in (explain(t, config=plain) for t in texts)]
    assert sum(len(r.edits) for r in got) >= 10


def test_one_function_per_table_and_a_bad_line_named() -> None:
    assert with_engine_pairs(("结 情",)) is with_engine_pairs(("结 情",))
    with pytest.raises(ValueError, match="confusions line 2: expected WRITTEN RIGHT"):
        Config(confusions=("结 情", "结情"))


def test_the_c_proposals_read_an_engines_pairs_as_the_python_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """The C proposals read an engine's table through
    :func:`~cleaner.typos.context.alikes.c_tables`: the same lists as the
    Python reference, over texts where the engine's pairs (made of random
    characters: none of them look alike) are written in place of the right
    characters, and with each detection setting."""
    from benchmarks.inject import throughput_text
    from cleaner.typos import context
    from cleaner.typos.model import model, speedups

    if speedups() is None:
        pytest.skip("_cleaner_speedups is not built (or CLEANER_PURE_PYTHON is set)")
    rng = random.Random(16)
    corpus = throughput_text("zh", 60_000)
    cm = learn([corpus[i : i + 2000] for i in range(0, len(corpus), 2000)])
    han = sorted({c for c in corpus if "\u4e00" <= c <= "\u9fff"})
    pairs = tuple(f"{a} {b}" for a, b in (rng.sample(han, 2) for _ in range(400)))
    nb = with_engine_pairs(pairs)
    wrote_for = {b: a for a, b in (p.split() for p in pairs)}
    texts = []
    for _ in range(150):
        start = rng.randrange(len(corpus) - 200)
        chars = list(corpus[start : start + rng.randrange(20, 200)])
        for i in [i for i, c in enumerate(chars) if c in wrote_for][:4]:
            chars[i] = wrote_for[chars[i]]
        texts.append("".join(chars))
    m = model()
    assert context.alikes.c_tables(nb) is not None
    for constants in ({}, {"CONTEXT_DETECT_PAIRS": True}):
        for name, value in constants.items():
            monkeypatch.setattr(context.settings, name, value)
        assert all(context.proposals.c_proposal_buffers(t, cm, nb) is not None for t in texts)
        got = [context.proposals.proposals_of(t, cm, nb, m) for t in texts]
        assert got == [context.proposals._py_proposals(t, cm, nb, m) for t in texts]
        engine = [(t[p], a) for t, g in zip(texts, got) for p, a in zip(g[0], g[1]) if a not in dict(visual_han_neighbours(t[p]))]
        assert sum(f"{w} {r}" in pairs for w, r in engine) > 20  # the engine's pairs are among the candidates
        monkeypatch.undo()
