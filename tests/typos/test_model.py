"""The word model: merged word frequencies, segmentation, tags, cache."""

from __future__ import annotations

import marshal
import re

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


PROSE = (
    "我们要敢闯敢干，一往无前。这个城市的经济发展很快，人们的生活水平不断提高，越来越多的年轻人回到家乡工作。"
    "中华人民共和国国务院总理在北京人民大会堂会见了来访的外国代表团。这位博土毕业于北京大学，工作己经完成了。"
)


def test_vectorised_logprobs_are_the_scalar_floats():
    m = model()
    runs = re.findall(r"[\u4e00-\u9fff]+", PROSE)
    windows = [r[a:b] for r in runs for a in range(len(r)) for b in range(a, min(len(r), a + 12) + 1)]
    windows += ["abc", "中a文", "中" * 70, ""]
    for banned in (frozenset(), frozenset({"经济", "人民", "国务院", "中华人民共和国"})):
        assert m.logprobs(windows, banned) == [m.logprob(w, banned) for w in windows]


def test_variants_are_the_scalar_floats():
    m = model()
    text = "大力发展旅游业基础"
    banned = frozenset({"旅游"})
    for pos in range(len(text)):
        base, new = m.logprob_variants(text, pos, "业游展力士", banned)
        assert base == m.logprob(text, banned)
        assert new == [m.logprob(text[:pos] + c + text[pos + 1 :], banned) for c in "业游展力士"]


def test_variant_logprobs_are_the_scalar_floats():
    # every window of up to 12 characters of the prose (idioms and long
    # names: words of five to eight characters), each position, look-alikes
    # that make or break words, with and without banned words
    import numpy as np

    m = model()
    index = model_mod.word_index(m)
    han = model_mod.han_codes(model_mod.code_points(PROSE))
    runs = [(r.start(), len(r.group())) for r in re.finditer(r"[\u4e00-\u9fff]+", PROSE)]
    spans = [(s + a, b - a, p) for s, n in runs for a in range(n) for b in range(a + 1, min(n, a + 12) + 1) for p in range(b - a)]
    starts, lens, pos = (np.array(x) for x in zip(*spans))
    alikes = "士已共国人来越业的"
    rows = np.repeat(np.arange(len(spans)), len(alikes))
    alts = np.array([ord(c) for c in alikes] * len(spans))
    for banned in (frozenset(), frozenset({"经济", "人民", "国务院", "中华人民共和国", "共和"})):
        base, new = index.variant_logprobs(PROSE, han, starts, lens, pos, rows, alts, banned, m)
        want = [m.logprob_variants(PROSE[a : a + n], p, alikes, banned) for a, n, p in zip(starts.tolist(), lens.tolist(), pos.tolist())]
        assert base.tolist() == [b for b, _ in want]
        assert new.tolist() == [x for _, news in want for x in news]
    assert len(spans) > 3000 and any(n > 8 for n in lens.tolist())


def test_index_lookups_agree_with_the_model():
    import numpy as np

    m = model()
    index = model_mod.word_index(m)
    pairs = ["经济", "济发", "发展", "赴赖", "a中"]
    cp = np.array([[ord(p[0]), ord(p[1])] for p in pairs])
    keys = model_mod.pair_keys(cp.ravel())[0::2]
    found = index.pair_lps_of(keys).tolist()
    assert [None if f != f else f for f in found] == [m.bigrams.get(p) for p in pairs]
    chars = "的经赴a\u9fa5"
    assert index.char_lps(model_mod.code_points(chars)).tolist() == [m.char_logp(c) for c in chars]
