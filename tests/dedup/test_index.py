"""The SQLite index: incremental runs, and interruptions leave it consistent."""

from __future__ import annotations

import pytest

from cleaner.dedup.corpus import DedupOptions, dedup_corpus, new_index_rows
from cleaner.dedup.index import SeenIndex
from cleaner.dedup.lsh import LSHParams
from cleaner.textio import InputError

A = "图书馆今年完成了老馆改造，新增阅览座位三百个，加快老旧管网改造，延长了周末的开放时间。"
B = "新建的体育公园占地约八十亩，总投资约三亿元，设有足球场、篮球场和环形跑道，年底前开放。"
C = "春节前后，各地气温起伏较大，专家提醒老人和孩子注意添衣保暖，外出时做好防护。"


def day(path, docs, *, finish=True):
    opt = DedupOptions()
    with SeenIndex(path, params=opt.params) as index:
        res = dedup_corpus(docs, options=opt, index=index)
        outs = [res.output(i, t) for i, (_, t) in enumerate(docs)]
        index.begin_run()
        index.add(*new_index_rows(res), opt.level)
        if finish:
            index.finish_run()
        res.close()
        return outs, list(res.clusters())


def test_second_run_drops_what_the_first_kept(tmp_path):
    db = tmp_path / "seen.db"
    outs, _ = day(db, [("d1", f"{A}\n\n{B}")])
    assert outs == [f"{A}\n\n{B}"]
    outs, clusters = day(db, [("d2", f"{A.replace('重大', '重点')}\n\n{C}"), ("d3", B)])
    assert outs == [C, ""]
    kept = {c["kept"]["document"] for c in clusters}
    assert kept == {"d1"}
    assert all(c["kept"]["run"] == 1 for c in clusters)
    outs, _ = day(db, [("d4", C)])
    assert outs == [""]  # day 2's kept paragraph is in the index too


def test_an_unfinished_run_is_rolled_back(tmp_path):
    db = tmp_path / "seen.db"
    day(db, [("d1", A)], finish=False)  # as if interrupted before its output was in place
    outs, _ = day(db, [("d2", A)])
    assert outs == [A]  # nothing of the unfinished run survived


def test_other_parameters_are_refused(tmp_path):
    db = tmp_path / "seen.db"
    day(db, [("d1", A)])
    with pytest.raises(InputError, match="other settings"):
        SeenIndex(db, params=LSHParams(bands=10))


def test_one_run_at_a_time(tmp_path):
    db = tmp_path / "seen.db"
    with SeenIndex(db, params=LSHParams()):
        with pytest.raises(InputError, match="in use"):
            SeenIndex(db, params=LSHParams())


def test_not_an_index(tmp_path):
    bad = tmp_path / "x.db"
    bad.write_text("hello, not sqlite at all " * 100)
    with pytest.raises(InputError):
        SeenIndex(bad, params=LSHParams())
