"""The word model: merged word frequencies, segmentation, tags, cache."""

from __future__ import annotations

import marshal

from cleaner.typos import model as model_mod
from cleaner.typos.model import UNKNOWN_LOGP, model


def test_logprob_prefers_real_words():
    m = model()
    assert m.logprob("越来越") > m.logprob("越来赴") + 6
    assert m.logprob("碰撞") > m.logprob("碰拴") + 6
    assert m.logprob("") == 0.0


def test_segment_covers_the_text():
    m = model()
    for text in ["大力发展旅游业，基础坚实", "研究研究", "我们要敢闯敢干"]:
        assert "".join(m.segment(text)) == text


def test_unknown_character_costs_the_floor():
    m = model()
    assert m.char_logp("\u9fa5") <= UNKNOWN_LOGP + 1e-9 or m.word_logp("\u9fa5") is not None


def test_tags_and_bigrams():
    m = model()
    assert m.tag("北京") == "ns"
    assert m.tag("不是一个词吧") == ""
    assert "越来" in m.bigrams and m.bigrams["越来"] < 0
    assert m.is_word("看看") and not m.is_word("恭喜恭喜")


def test_covering_words():
    m = model()
    spans = list(m.covering_words("越来越好", 1))
    assert (0, 3) in spans or (0, 2) in spans
    assert all(a <= 1 < b and b - a >= 2 for a, b in spans)


def test_cache_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    path = model_mod.cache_path()
    assert path.parent == tmp_path
    data = model_mod._pack({"词语": -10.0, "词": None}, {"词语": "n"}, {"词语": -10.0}, ["词语"])
    with open(path, "wb") as fh:
        marshal.dump(data, fh)
    model_mod.model.cache_clear()
    try:
        m = model_mod.model()
        assert m.word_logp("词语") == -10.0 and m.word_logp("词") is None and m.tag("词语") == "n"
    finally:
        model_mod.model.cache_clear()


def test_unpack_rejects_what_it_did_not_write():
    assert model_mod._unpack(None) is None
    assert model_mod._unpack(("a\nb", b"", "", "", b"", "")) is None  # two words, no values
