"""The benchmark framework itself: injection, metrics, gates, report.

These tests check that each measurement can fail: an untouched output scores
0, a perfect one 1, a regressed figure fails the gate and the message names
it, and injections are recorded exactly and reproducibly.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import opencc
import pytest
from rapidfuzz.distance import Levenshtein

from benchmarks import ROOT, plain_pass
from benchmarks.gates import (
    Baseline,
    Expected,
    Figure,
    Gate,
    GateFailure,
    SpeedRatio,
    check_results,
    compare_results,
    judge_speed,
    update_baseline,
)
from benchmarks.gates import main as gates_main
from benchmarks.inject import (
    CLASSES,
    CORPORA,
    REPAIRED_BY,
    Document,
    Injection,
    MissingData,
    build_corpus,
    inject_paragraphs,
    is_clean_en,
    is_clean_zh,
    ocr_confusions,
    throughput_text,
    wrap_document,
    zh_paragraphs,
)
from benchmarks.inject import main as inject_main
from benchmarks.quality import SpanMap, paragraphs, score
from benchmarks.report import main as report_main

MIXED = ["zh-mixed", "en-mixed", "zh-wrapped", "en-wrapped"]


@pytest.fixture(scope="module")
def corpora() -> dict[str, list[Document]]:
    return {name: build_corpus(name) for name in MIXED}


# --------------------------------------------------------------------------
# injection


def test_injection_is_reproducible_with_the_seed() -> None:
    a = build_corpus("zh-mixed", seed=11)
    b = build_corpus("zh-mixed", seed=11)
    c = build_corpus("zh-mixed", seed=12)
    assert a == b
    assert [d.text for d in a] != [d.text for d in c]
    assert throughput_text("zh", 20_000, seed=3) == throughput_text("zh", 20_000, seed=3)


@pytest.mark.parametrize("name", MIXED + ["zh-control", "en-control", "zh-tw-control", "zh-hk-control"])
def test_injections_are_recorded_exactly(corpora: dict[str, list[Document]], name: str) -> None:
    docs = corpora.get(name) or build_corpus(name)
    for d in docs:
        d.check()  # spans hold what they record, never touch, restore the gold text
        assert d.restore() == d.gold
        outside_text, outside_gold, pos, gpos = [], [], 0, 0
        for inj in d.injections:
            assert d.text[inj.start : inj.end] == inj.injected
            assert d.gold[inj.gold_start : inj.gold_end] == inj.original
            outside_text.append(d.text[pos : inj.start])
            outside_gold.append(d.gold[gpos : inj.gold_start])
            pos, gpos = inj.end, inj.gold_end
        assert outside_text + [d.text[pos:]] == outside_gold + [d.gold[gpos:]]  # nothing changed unrecorded
        if CORPORA[name].kind == "control":
            assert not d.injections and d.text == d.gold


def test_every_class_of_each_corpus_is_injected(corpora: dict[str, list[Document]]) -> None:
    for name in MIXED:
        spec = CORPORA[name]
        seen = {i.cls for d in corpora[name] for i in d.injections}
        expected = set(spec.classes) if spec.kind == "mixed" else {"hard_wrap"}
        assert seen == expected, name
        if spec.kind == "mixed":
            counts = [sum(i.cls == c for d in corpora[name] for i in d.injections) for c in spec.classes]
            assert min(counts) >= 10, dict(zip(spec.classes, counts))


def test_each_injection_is_what_its_class_says(corpora: dict[str, list[Document]]) -> None:
    import ftfy.bad_codecs  # noqa: F401

    t2s = opencc.OpenCC("t2s")
    fullwidth = {chr(c + 0xFEE0): chr(c) for c in range(0x21, 0x7F)}
    for name in MIXED:
        for d in corpora[name]:
            for inj in d.injections:
                o, x = inj.original, inj.injected
                if inj.cls == "page_break_in_word":
                    assert "\n" in x and x.replace("-\n\n", "").replace("-\n", "").replace("\n", "") == o
                elif inj.cls == "hard_wrap":
                    assert "\n" in x and x.replace("\n", "" if d.lang == "zh" else " ") == o
                elif inj.cls == "whitespace_line":
                    assert o in ("\n\n",) and not x.strip() and x.count("\n") >= 2 and x != o
                elif inj.cls == "space_in_cjk":
                    assert len(o) == 2 and x[0] == o[0] and x[-1] == o[1] and not x[1:-1].strip()
                elif inj.cls == "ascii_punct":
                    assert x.isascii() or set(x) - set(o) <= set(",;:?!()")
                    assert len(x) == len(o) and x != o
                elif inj.cls == "fullwidth_alnum":
                    assert "".join(fullwidth.get(c, c) for c in x) == o and o.isascii()
                elif inj.cls == "stray_traditional":
                    assert t2s.convert(x) == o and x != o
                elif inj.cls == "mojibake":
                    assert x.encode("sloppy-windows-1252").decode("utf-8") == o
                elif inj.cls == "zero_width":
                    assert len(x) == len(o) + 1 and any(z in x for z in "\u200b\u200c\u200d\u2060\ufeff")
                elif inj.cls == "stutter":
                    assert x == o + o and 2 <= len(o) <= 4
                elif inj.cls in ("exact_duplicate_paragraph", "near_duplicate_paragraph"):
                    assert inj.ref is not None
                    source = d.gold[inj.ref[0] : inj.ref[1]]
                    copy = x[len(o) : len(x) - len(o)]
                    assert x.startswith(o) and x.endswith(o)
                    edits = Levenshtein.distance(copy, source)
                    assert edits == 0 if inj.cls == "exact_duplicate_paragraph" else 1 <= edits <= 6
                else:
                    raise AssertionError(f"untested class {inj.cls}")


def test_damaged_paragraphs_fail_the_clean_predicate(corpora: dict[str, list[Document]]) -> None:
    """The predicate that picks gold paragraphs rejects the artifacts it covers."""
    covered = {"space_in_cjk", "ascii_punct", "fullwidth_alnum", "stray_traditional", "mojibake", "zero_width"}
    n = 0
    for d in corpora["zh-mixed"]:
        lines = d.text.split("\n")
        for inj in d.injections:
            if inj.cls in covered:
                line_start = d.text.rfind("\n", 0, inj.start) + 1
                line_end = d.text.find("\n", inj.end)
                assert not is_clean_zh(d.text[line_start:line_end]), inj
                n += 1
        assert all(is_clean_zh(p) for p in paragraphs(d.gold))
        assert lines
    assert n > 100
    assert not is_clean_en("The harbour town grew up around a narrow inlet where fishing boats  could shelter from storms.")


def test_inject_paragraphs_validates_its_arguments() -> None:
    rng = random.Random(1)
    with pytest.raises(ValueError, match="unknown class 'stuter'"):
        inject_paragraphs(["第一段，内容完整。"], lang="zh", classes=["stuter"], rng=rng)
    with pytest.raises(ValueError, match="lang must be"):
        inject_paragraphs(["x"], lang="fr", classes=[], rng=rng)
    with pytest.raises(ValueError, match="layout must be"):
        wrap_document(["x"], lang="zh", width=20, layout="columns", doc_id="x")
    with pytest.raises(ValueError, match="unknown corpus"):
        build_corpus("zh-mixd")


def test_ocr_confusions_come_from_the_train_split_only(tmp_path: Path) -> None:
    rows = [{"src": "我这个痘现在越来赴赖人了", "tgt": "我这个痘现在越来越赖人了", "same_len": True, "pos": [8]},
            {"src": "回(老家)", "tgt": "回（老家)", "same_len": True, "pos": [1]}]
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert ocr_confusions(path) == {"越": (("赴", 1),)}  # ( -> （ is not a Han pair
    with pytest.raises(MissingData):
        build_corpus("zh-ocr", ocr_path=tmp_path / "absent.jsonl")


def test_ocr_corpus_uses_real_pairs_when_present() -> None:
    table = ocr_confusions()
    if table is None:
        pytest.skip("FASPell train split not present")
    docs = build_corpus("zh-ocr")
    injs = [i for d in docs for i in d.injections]
    assert injs and all(i.cls == "ocr_confusion" for i in injs)
    assert all(i.injected in dict(table[i.original]) for i in injs)


def test_inject_command_writes_documents_and_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert inject_main(["en-wrapped", "--out", str(tmp_path / "out")]) == 0
    records = [json.loads(line) for line in (tmp_path / "out" / "injections.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = build_corpus("en-wrapped")
    assert len(records) == sum(len(d.injections) for d in docs)
    first = docs[0]
    assert (tmp_path / "out" / f"{first.id}.txt").read_text(encoding="utf-8") == first.text
    assert (tmp_path / "out" / f"{first.id}.gold.txt").read_text(encoding="utf-8") == first.gold
    assert {"document", "cls", "start", "end", "injected", "gold_start", "gold_end", "original"} <= set(records[0])
    src = tmp_path / "mine.txt"
    src.write_text("\n".join(zh_paragraphs()[:6]) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert inject_main(["--input", str(src), "--classes", "stutter,ascii_punct", "--rate", "1", "--seed", "5"]) == 0
    doc = Document.from_dict(json.loads(capsys.readouterr().out))
    doc.check()
    assert {i.cls for i in doc.injections} == {"stutter", "ascii_punct"}
    assert inject_main(["--input", str(src), "--classes", "nonsense"]) == 2


# --------------------------------------------------------------------------
# metrics


def test_untouched_output_scores_zero_and_gold_scores_one(corpora: dict[str, list[Document]]) -> None:
    for name in MIXED:
        docs = corpora[name]
        untouched = score(docs, [d.text for d in docs])
        perfect = score(docs, [d.gold for d in docs])
        assert all(c.repaired == 0 for c in untouched.classes.values()), name
        assert all(c.recall == 1.0 for c in perfect.classes.values()), name
        assert perfect.paragraph_precision == perfect.paragraph_recall == 1.0
        assert perfect.cer_after == 0.0 < untouched.cer_after == untouched.cer_before


def test_recall_counts_exactly_the_repaired_class(corpora: dict[str, list[Document]]) -> None:
    """Repair only one class (by putting its originals back): that class
    scores 1, every other class 0."""
    docs = corpora["zh-mixed"]
    for cls in ("ascii_punct", "stutter", "page_break_in_word", "exact_duplicate_paragraph", "whitespace_line"):
        outputs = []
        for d in docs:
            out, pos = [], 0
            for inj in d.injections:
                out.append(d.text[pos : inj.start])
                out.append(inj.original if inj.cls == cls else inj.injected)
                pos = inj.end
            out.append(d.text[pos:])
            outputs.append("".join(out))
        s = score(docs, outputs)
        assert s.classes[cls].recall == 1.0, cls
        assert all(c.repaired == 0 for k, c in s.classes.items() if k != cls), cls


def test_span_map_includes_text_inserted_at_the_edges() -> None:
    gold, out = "甲乙丙丁", "甲乙X丙丁"
    m = SpanMap(gold, out)
    assert m.image(2, 4) == (2, 5)  # 丙丁 with X inserted before it
    assert m.image(0, 2) == (0, 3)  # 甲乙 with X inserted after it
    assert m.image(0, 1) == (0, 1)


def test_duplicate_is_judged_on_paragraphs() -> None:
    gold = "第一段，内容完整。\n第二段，内容也完整。\n"
    inj = Injection("exact_duplicate_paragraph", 9, 20, "\n第一段，内容完整。\n", 9, 10, "\n", ref=(0, 9))
    doc = Document("d", "zh", "lines", gold, gold[:9] + inj.injected + gold[10:], (inj,))
    doc.check()
    assert score([doc], [gold]).classes["exact_duplicate_paragraph"].recall == 1.0
    assert score([doc], [doc.text]).classes["exact_duplicate_paragraph"].recall == 0.0
    # dropping the first copy instead of the second gives the same text: repaired
    assert score([doc], ["第一段，内容完整。\n第二段，内容也完整。\n"]).classes["exact_duplicate_paragraph"].recall == 1.0


def test_paragraph_scores_and_change_rate() -> None:
    assert paragraphs("甲\r\n\r\n乙\n \n") == ["甲", "乙", " "]
    clean = [Document(f"c{k}", "zh", "lines", f"第{k}段，内容完整。\n", f"第{k}段，内容完整。\n") for k in range(4)]
    outputs = [d.text for d in clean]
    outputs[2] = "第2段，内容完整\n"
    s = score(clean, outputs)
    assert s.controls == 4 and s.changed_controls == 1 and s.change_rate == 0.25
    assert s.paragraph_precision == s.paragraph_recall == 0.75
    assert s.misses[0]["document"] == "c2"


# --------------------------------------------------------------------------
# gates


def test_a_regressed_figure_fails_and_is_named() -> None:
    base = Baseline({"quality.zh-mixed.recall.stutter": Expected(0.8, "higher", 0.02),
                     "quality.zh-mixed.cer_after": Expected(0.01, "lower", 0.001)})
    info: dict[str, Any] = {}
    g = Gate(base, info)
    g.quality("quality.zh-mixed.recall.stutter", 0.79, tolerance=0.02)  # within tolerance
    g.quality("quality.zh-mixed.cer_after", 0.0105, higher_is_better=False, tolerance=0.001)  # within
    g.check()
    g.quality("quality.zh-mixed.cer_after", 0.02, higher_is_better=False, tolerance=0.001)
    g.quality("quality.zh-mixed.recall.stutter", 0.5, tolerance=0.02)
    with pytest.raises(GateFailure) as exc:
        g.check()
    msg = str(exc.value)
    assert "2 gate(s) failed" in msg
    assert "quality.zh-mixed.recall.stutter = 0.5 fell below the baseline 0.8" in msg
    assert "quality.zh-mixed.cer_after = 0.02 fell above the baseline 0.01" in msg
    assert info["quality_figures"]["quality.zh-mixed.recall.stutter"]["status"] == "regressed"


def test_limits_known_failures_and_ungated_figures() -> None:
    base = Baseline({"c.change_rate": Expected(0.25, "lower", 0.0)}, {"c.change_rate": "reported upstream"})
    assert Baseline().judge(Figure("x.change_rate", 0.1, "lower", 0.0, limit=0.0)).status == "below-limit"
    assert base.judge(Figure("c.change_rate", 0.25, "lower", 0.0, limit=0.0)).status == "known-failure"
    assert base.judge(Figure("c.change_rate", 0.5, "lower", 0.0, limit=0.0)).status == "regressed"  # worse than known
    assert base.judge(Figure("c.change_rate", 0.0, "lower", 0.0, limit=0.0)).status == "improved"
    assert Baseline().judge(Figure("new.figure", 0.1)).status == "no-baseline"
    v = Baseline({"r": Expected(0.9, "higher", 0)}).judge(Figure("r", 0.0, gated=False))
    assert v.status == "report-only" and not v.failed
    assert Baseline({"r": Expected(0.9, "lower", 0)}).judge(Figure("r", 0.9)).status == "regressed"  # direction mismatch
    with pytest.raises(ValueError, match="direction"):
        Figure("r", 1.0, "up")


def test_speed_floor_and_baseline_ratio() -> None:
    assert judge_speed(SpeedRatio("s", None, 1.0, "ftfy")).status == "not-measured"
    assert judge_speed(SpeedRatio("s", 0.9, 1.0, "ftfy")).status == "below-floor"
    base = Baseline(speed={"s": Expected(2.0, "higher", 0.5)}, known_failures={"k": "slow"})
    assert judge_speed(SpeedRatio("s", 1.1, 0.5, "ftfy", regression_tolerance=0.5), base).status == "ok"
    v = judge_speed(SpeedRatio("s", 0.9, 0.5, "ftfy", regression_tolerance=0.5), base)
    assert v.failed and "s = 0.9x ftfy fell below the baseline 2x" in v.message
    assert judge_speed(SpeedRatio("s", 0.9, 0.5, "ftfy", regression_tolerance=None), base).status == "ok"
    assert judge_speed(SpeedRatio("k", 0.1, 0.5, "ftfy"), base).status == "known-failure"


def test_a_failed_speed_ratio_is_judged_on_its_paired_re_measurement() -> None:
    base = Baseline(speed={"s": Expected(2.0, "higher", 0.5)})
    calls: list[int] = []

    def confirm(value: float) -> Any:
        return lambda: calls.append(1) or value

    g = Gate(base, info := {})
    assert g.speed("s", 1.5, floor=0.1, reference="ftfy", confirm=confirm(0.1)).status == "ok"
    assert calls == []  # a ratio that passes is not measured again
    assert g.speed("s", 0.5, floor=0.1, reference="ftfy", confirm=confirm(1.8)).status == "ok"
    assert info["speed_ratios"]["s"] == {**info["speed_ratios"]["s"], "ratio": 1.8, "first_ratio": 0.5}
    v = g.speed("s", 0.5, floor=0.1, reference="ftfy", confirm=confirm(0.6))
    assert v.failed and "confirmed by a paired re-measurement (first measure 0.5x)" in v.message
    assert len(calls) == 2
    # quick mode's slack: a ratio at 30% of its baseline passes, at 20% fails
    quick = Gate(base, {}, speed_slack=0.75)
    assert quick.speed("s", 0.6, floor=0.1, reference="ftfy").status == "ok"
    assert quick.speed("s", 0.4, floor=0.1, reference="ftfy").failed
    with pytest.raises(ValueError, match="speed_slack"):
        Gate(base, {}, speed_slack=1.0)


def test_paired_ratio_calls_both_sides_in_turn() -> None:
    from benchmarks.conftest import Budget, paired_ratio

    order: list[str] = []
    ratio = paired_ratio(lambda: order.append("r"), lambda: order.append("t"), Budget(0.0, 4, 4))
    assert order == ["r", "t"] * 5  # one warm-up pair, then four timed pairs
    assert ratio > 0


def _results(figures: dict[str, dict[str, Any]], speed: dict[str, dict[str, Any]] | None = None, mode: str = "full") -> dict[str, Any]:
    return {"benchmarks": [{"name": "test_x", "group": "g", "params": {}, "stats": {"median": 0.01},
                            "extra_info": {"mode": mode, "quality_figures": figures, "speed_ratios": speed or {},
                                           "speed": {"not": "a gate's"}}}]}


def test_update_compare_and_check_from_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run1 = _results(
        {"a.recall": {"value": 0.9, "direction": "higher", "tolerance": 0.01, "gated": True},
         "b.recall": {"value": 0.0, "direction": "higher", "tolerance": 0.1, "gated": False}},
        {"speed.x.vs_ftfy": {"ratio": 2.0, "floor": 0.5, "reference": "ftfy", "regression_tolerance": 0.5}},
    )
    base = Baseline()
    changes = update_baseline(base, run1)
    assert set(base.figures) == {"a.recall"} and base.speed["speed.x.vs_ftfy"].value == 2.0
    assert any("a.recall" in c for c in changes)
    quick = Baseline()
    update_baseline(quick, _results({}, run1["benchmarks"][0]["extra_info"]["speed_ratios"], mode="quick"))
    assert not quick.speed  # speed baselines come from full runs only
    ungated = _results({}, {"speed.x.vs_ftfy": {"ratio": 9.0, "floor": 0.0, "reference": "ftfy", "regression_tolerance": None}})
    dropped = Baseline(speed=dict(base.speed))
    assert any("dropped speed speed.x.vs_ftfy" in c for c in update_baseline(dropped, ungated))
    assert "speed.x.vs_ftfy" not in dropped.speed  # a ratio no longer gated leaves the baseline
    run2 = _results({"a.recall": {"value": 0.7, "direction": "higher", "tolerance": 0.01, "gated": True}},
                    {"speed.x.vs_ftfy": {"ratio": 0.8, "floor": 0.5, "reference": "ftfy", "regression_tolerance": 0.5}})
    failed = {v.name for v in compare_results(run1, run2) if v.failed}
    assert failed == {"a.recall", "speed.x.vs_ftfy"}
    assert {v.name for v in check_results(run2, base) if v.failed} == {"a.recall", "speed.x.vs_ftfy"}
    path1, path2, bpath = tmp_path / "1.json", tmp_path / "2.json", tmp_path / "baseline.json"
    path1.write_text(json.dumps(run1), encoding="utf-8")
    path2.write_text(json.dumps(run2), encoding="utf-8")
    assert gates_main(["update", str(path1), "--baseline", str(bpath)]) == 0
    assert Baseline.load(bpath).figures["a.recall"] == Expected(0.9, "higher", 0.01)
    capsys.readouterr()
    assert gates_main(["check", str(path2), "--baseline", str(bpath)]) == 1
    captured = capsys.readouterr()
    assert "a.recall = 0.7 fell below the baseline 0.9" in captured.out and "a.recall" in captured.err
    assert gates_main(["compare", str(path1), str(path2)]) == 1
    assert gates_main(["check", str(path1), "--baseline", str(bpath)]) == 0


def test_the_committed_baseline_is_valid() -> None:
    base = Baseline.load()
    assert base.figures, "benchmarks/baseline.json holds no figures"
    for name, e in base.figures.items():
        assert e.direction in ("higher", "lower") and e.tolerance >= 0, name
        assert name.split(".")[0] in {"golden", "quality", "dedup", "typos", "context"}, name
    for cls in CLASSES:
        for name in base.figures:
            if name.endswith(f".recall.{cls}"):
                assert REPAIRED_BY[cls], name
    for name, reason in base.known_failures.items():
        assert reason.strip(), name
    assert all(0 < e.tolerance < 1 for e in base.speed.values())


def _run_quick_suite(tmp_path: Path, baseline: str, tests: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run a throwaway benchmark suite using the real conftest in quick mode."""
    (tmp_path / "conftest.py").write_text(textwrap.dedent(f"""
        import pytest
        from benchmarks.conftest import (pytest_addoption, pytest_configure, pytest_runtest_call,
            pytest_terminal_summary, gate, quick, budget, measure, timings, reference_time)
        from benchmarks.gates import Baseline, Expected

        @pytest.fixture(scope="session")
        def baseline():
            return {baseline}
    """), encoding="utf-8")
    (tmp_path / "test_demo.py").write_text(textwrap.dedent(tests), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--quick", "-o", "addopts=", str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    return proc, proc.stdout + proc.stderr


def test_a_failing_gate_fails_its_pytest_test_and_names_the_figure(tmp_path: Path) -> None:
    """End to end: the conftest checks the gate when the test returns."""
    proc, out = _run_quick_suite(tmp_path, 'Baseline({"demo.recall": Expected(0.9, "higher", 0.01)})', """
        def test_regressed(gate):
            gate.quality("demo.recall", 0.5, tolerance=0.01)

        def test_fine(gate, measure):
            _, median = measure(lambda: sum(range(1000)), size_bytes=1000)
            gate.quality("demo.recall", 0.95, tolerance=0.01)
            gate.speed("demo.speed", None if median is None else 2.0, floor=1.0, reference="itself")
    """)
    assert proc.returncode == 1, out
    assert "1 failed, 1 passed" in out, out
    assert "demo.recall = 0.5 fell below the baseline 0.9" in out, out
    assert "cleaner gates" in out and "improved" in out


def test_quick_mode_speed_misses_are_advisory_unless_tenfold(tmp_path: Path) -> None:
    """Issue 11.23: on a loaded machine a quick run's speed ratio can miss its
    floor several times over from noise alone; quick mode must report such a
    miss (advisory) without failing, fail a tenfold miss, and keep quality
    gates strict."""
    proc, out = _run_quick_suite(tmp_path, "Baseline()", """
        def test_noisy_miss(gate):
            gate.speed("demo.noisy", 0.08, floor=0.2, reference="ftfy", confirm=lambda: 0.09)

        def test_tenfold_miss(gate):
            gate.speed("demo.gross", 0.01, floor=0.2, reference="ftfy", confirm=lambda: 0.01)
    """)
    assert proc.returncode == 1, out
    assert "1 failed, 1 passed" in out, out
    assert "demo.gross = 0.01x ftfy fell below the floor 0.2x" in out, out
    assert "advisory" in out and "demo.noisy" in out, out


def test_the_results_folder_the_readme_writes_to_is_in_the_tree() -> None:
    """Issue 11.22: ``--benchmark-json=benchmarks/results/full.json`` (the
    README's full benchmark command) needs the folder in a fresh clone."""
    assert (ROOT / "benchmarks" / "results").is_dir()
    tracked = subprocess.run(
        ["git", "ls-files", "benchmarks/results"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if tracked.returncode == 0:  # a git checkout (not an sdist): the folder must be committed, not made by a run
        assert tracked.stdout.strip(), "benchmarks/results/ is not tracked: a fresh clone lacks it"


# --------------------------------------------------------------------------
# report


def _fake_run() -> dict[str, Any]:
    benches = []
    for corpus in ("zh", "en", "zh-longpara"):
        for size_label, size in (("10KB", 10_000), ("100KB", 100_000)):
            for target, mb_s in (("pipeline", 0.5), ("width", 20.0), ("ftfy", 1.0), ("plain", 900.0)):
                kind = "reference" if target in ("ftfy", "plain") else "target"
                median = size / (mb_s * 1e6)
                group = f"{corpus}-{size_label}"
                speed = {} if kind == "reference" else {
                    f"speed.{group}.{target}.vs_ftfy": {"ratio": mb_s / 1.0, "floor": 0.0, "reference": "ftfy", "status": "ok"},
                    f"speed.{group}.{target}.vs_plain": {"ratio": mb_s / 900, "floor": 0.0, "reference": "plain", "status": "ok"}}
                if kind == "target" and size_label == "100KB":
                    speed[f"scaling.{corpus}.{target}"] = {"ratio": 0.95, "floor": 0.3, "reference": "itself", "status": "ok"}
                benches.append({"name": f"test_{kind}[{group}-{target}]", "group": group,
                                "params": {"corpus": corpus, "size_label": size_label, kind: target},
                                "stats": {"median": median},
                                "extra_info": {"mode": "full", "cleaner_version": "0.0", "rules": ["width"], "corpus": corpus,
                                               "size_bytes": size, "speed_ratios": speed}})
    score_ = {"documents": 3, "injections": 4, "recall": {"ascii_punct": {"injected": 2, "repaired": 2, "recall": 1.0},
                                                          "stutter": {"injected": 2, "repaired": 0, "recall": 0.0}},
              "paragraph_precision": 0.9, "paragraph_recall": 0.95, "cer_before": 0.1, "cer_after": 0.01}
    benches.append({"name": "test_injected[zh-mixed]", "group": "quality", "params": {"name": "zh-mixed"}, "stats": {"median": 0.1},
                    "extra_info": {"mode": "full", "details": {"quality.zh-mixed.score": score_},
                                   "quality_figures": {"quality.zh-mixed.recall.stutter": {"value": 0.0, "direction": "higher", "tolerance": 0.5,
                                                                                   "gated": False, "status": "report-only"},
                                               "quality.zh-control.change_rate": {"value": 0.0, "direction": "lower", "tolerance": 0.0,
                                                                                  "gated": True, "limit": 0.0, "status": "ok"}}}})
    benches.append({"name": "test_dedup_speed[10k]", "group": "dedup", "params": {"n": "10k"}, "stats": {"median": 0.5},
                    "extra_info": {"size_bytes": 1_000_000, "quality_figures": {"dedup.f1": {"value": 0.97, "direction": "higher",
                                                                                     "tolerance": 0.01, "gated": True, "status": "ok"}}}})
    return {"datetime": "2026-11-25T00:00:00", "machine_info": {"python_version": "3.11"}, "commit_info": {"id": "abc"}, "benchmarks": benches}


def test_report_writes_a_table_and_a_chart(tmp_path: Path) -> None:
    from PIL import Image, ImageStat

    path = tmp_path / "results.json"
    path.write_text(json.dumps(_fake_run()), encoding="utf-8")
    assert report_main([str(path), "--out", str(tmp_path / "out"), "--baseline", str(tmp_path / "none.json")]) == 0
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| pipeline | 0.5 (0.5x) |" in md
    assert "| width | 20 (20x) |" in md
    assert "| ascii_punct | width | 1.000 (2/2) |" in md and "| stutter | stutter | 0.000 (0/2) |" in md
    assert "| zh-mixed | 3 | 4 | 0.9000 | 0.9500 | 0.10000 | 0.01000 |" in md
    assert "test_dedup_speed[10k]" in md and "no-baseline" in md
    with Image.open(tmp_path / "out" / "chart.png") as img:
        assert img.size[0] > 1000 and img.size[1] > 800
        assert max(ImageStat.Stat(img.convert("L")).stddev) > 10  # not a blank image


def test_plain_pass_reference() -> None:
    assert plain_pass("a \nb\t\n") == "a\nb\n"
