"""Typo repair, measured: CSC quality on real data and throughput, in one run.

Run: ``pytest benchmarks/test_bench_typos.py -s -p no:cacheprovider``
(``-s`` prints the figures; each test also stores them in
``benchmark.extra_info``).  ``CLEANER_BENCH_FULL=1`` adds the slower sets
(ECSpell).

Data are read from ../shared/evaldata at run time (research-only sets are
never copied): FASPell's real OCR errors (the 3,575-sentence train split was
used to choose the constants; the 1,000-sentence test split only measures),
the SIGHAN-2013/14/15 test sets, and LEMON news and car (natural typos).

Metrics (the standard sentence-level CSC metrics, as in the SIGHAN and
FASPell evaluations):

* detection: a changed sentence counts as right when the set of changed
  positions equals the set of wrong positions;
* correction: a changed sentence counts as right when it equals the gold;
* precision = right / sentences changed, recall = right / sentences with errors;
* char precision: the share of changed characters that now match the gold
  (a right fix in a sentence with a second, unfixed error is a sentence-level
  miss but no harm);
* false-positive rate: the share of gold (clean) sentences that the rules change.

Throughput: the default pipeline with and without the typo rules, and the
typo stage alone, on People's Daily prose read at benchmark time.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cleaner import Config, explain
from cleaner.typos import consistency_rule, lexicon_rule, ocr_confusion_rule, stutter_rule

ROOT = Path(__file__).resolve().parent.parent
EVALDATA = Path(os.environ.get("CLEANER_EVALDATA", ROOT.parent / "shared" / "evaldata"))
FULL = os.environ.get("CLEANER_BENCH_FULL") == "1"
TYPO_RULES = ("lexicon", "stutter", "ocr_confusion", "consistency")


def _data(relative: str) -> Path:
    path = EVALDATA / relative
    if not path.exists():
        pytest.skip(f"evaluation data not present: {path}")
    return path


def _rows(relative: str) -> list[dict[str, Any]]:
    with _data(relative).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def csc_metrics(rows: list[dict[str, Any]], correct: Callable[[str], str]) -> dict[str, float]:
    """Sentence-level detection and correction P/R, char precision, and the
    false-positive rate on the gold sentences."""
    changed = targets = det_hit = cor_hit = 0
    char_right = char_changed = 0
    clean_changed = 0
    for row in rows:
        src, tgt = row["src"], row["tgt"]
        out = correct(src)
        wrong = src != tgt
        targets += wrong
        if out != src:
            changed += 1
            if len(out) == len(src) == len(tgt):
                positions = {i for i, (a, b) in enumerate(zip(src, out)) if a != b}
                det_hit += wrong and positions == set(row["pos"])
                char_changed += len(positions)
                char_right += sum(out[i] == tgt[i] for i in positions)
            else:
                char_changed += 1
            cor_hit += wrong and out == tgt
        clean_changed += correct(tgt) != tgt
    return {
        "sentences": len(rows),
        "with_errors": targets,
        "changed": changed,
        "detection_precision": det_hit / changed if changed else 0.0,
        "detection_recall": det_hit / targets if targets else 0.0,
        "correction_precision": cor_hit / changed if changed else 0.0,
        "correction_recall": cor_hit / targets if targets else 0.0,
        "char_precision": char_right / char_changed if char_changed else 0.0,
        "false_positive_rate": clean_changed / len(rows),
    }


def _corrector(config: Config) -> Callable[[str], str]:
    return lambda text: explain(text, config=config).text


def _report(benchmark: Any, name: str, metrics: dict[str, float]) -> None:
    benchmark.extra_info[name] = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}
    print(f"\n{name}: " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items()))


#: (file, run by default, OCR errors): the OCR sets must keep nine in ten
#: changed characters right; every set at most 0.5 % of clean sentences changed
FASPELL_TEST = "csc/faspell_ocr_test_1000.jsonl"
CSC_SETS = [
    (FASPELL_TEST, True, True),
    ("csc/sighan_test15_simplified.jsonl", True, False),
    # SIGHAN-13 and -14 (Simplified): issue 16 asks sentence precision 0.95
    # without a model; on 2026-12-05 (nineteenth session) 0.83 (24 of 29)
    # and 0.50 (3 of 6), but of the 8 sentences counted wrong, 6 hold a
    # right change beside another error left alone and 2 a change the gold
    # leaves out (己经 -> 已经, 兄弟姐姊 -> 兄弟姐妹); char precision 0.97
    # and 0.83 (on 2026-12-04 0.85, 22 of 26)
    ("csc/sighan_test13_simplified.jsonl", True, False),
    ("csc/sighan_test14_simplified.jsonl", True, False),
    ("csc/faspell_ocr_train_3575.jsonl", True, True),
    ("csc/ecspell_law_test.jsonl", FULL, False),
    ("csc/ecspell_med_test.jsonl", FULL, False),
    ("csc/ecspell_odw_test.jsonl", FULL, False),
    # LEMON news and car (natural typos, mostly homophones): in every run
    # since 2026-12-04, when their mistakes showed two harms (a web-listed
    # name taken for a misspelling, emphasis taken for a stutter)
    ("csc/lemon_new.jsonl", True, False),
    ("csc/lemon_car.jsonl", True, False),
]


@pytest.mark.parametrize("relative, enabled, ocr", CSC_SETS, ids=[Path(r).stem for r, _, _ in CSC_SETS])
def test_csc_quality(benchmark: Any, relative: str, enabled: bool, ocr: bool) -> None:
    if not enabled:
        pytest.skip("set CLEANER_BENCH_FULL=1 for this set")
    rows = _rows(relative)
    config = Config(only=TYPO_RULES)
    metrics = benchmark.pedantic(csc_metrics, args=(rows, _corrector(config)), rounds=1, iterations=1)
    _report(benchmark, Path(relative).stem, metrics)
    assert metrics["false_positive_rate"] <= 0.005
    if ocr:
        assert metrics["char_precision"] >= 0.9 and metrics["changed"] > 0
    if relative == FASPELL_TEST:
        # the target: sentence-level precision of 0.95 on real OCR
        assert metrics["correction_precision"] >= 0.95


def test_threshold_sweep_on_train(benchmark: Any) -> None:
    """How the applied-change threshold trades precision for recall on the
    train split (where the constants were chosen)."""
    rows = _rows("csc/faspell_ocr_train_3575.jsonl")

    def sweep() -> dict[str, dict[str, float]]:
        out = {}
        for threshold in (3.0, 4.5, 6.0, 7.5, 9.0):
            config = Config(only=("ocr_confusion",), typo_threshold=threshold, suggest_threshold=3.0)
            out[f"typo_threshold={threshold}"] = csc_metrics(rows, _corrector(config))
        return out

    table = benchmark.pedantic(sweep, rounds=1, iterations=1)
    for name, metrics in table.items():
        _report(benchmark, name, metrics)
    precisions = [m["char_precision"] for m in table.values()]
    recalls = [m["correction_recall"] for m in table.values()]
    assert recalls == sorted(recalls, reverse=True)  # a higher bar applies fewer changes
    assert precisions[-1] >= precisions[0]


def test_context_guard_on_train(benchmark: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the ``context`` guard buys on the train split (where its
    constants were chosen): the same rules with and without it."""
    from cleaner.typos import guards

    rows = _rows("csc/faspell_ocr_train_3575.jsonl")
    config = Config(only=TYPO_RULES)

    def both() -> dict[str, dict[str, float]]:
        out = {"context_guard_on": csc_metrics(rows, _corrector(config))}
        with monkeypatch.context() as mp:
            mp.setattr(guards, "damaged_context", lambda *args: False)
            out["context_guard_off"] = csc_metrics(rows, _corrector(config))
        return out

    table = benchmark.pedantic(both, rounds=1, iterations=1)
    for name, metrics in table.items():
        _report(benchmark, name, metrics)
    on, off = table["context_guard_on"], table["context_guard_off"]
    assert on["correction_precision"] > off["correction_precision"]
    assert on["false_positive_rate"] <= off["false_positive_rate"]


def _prose() -> str:
    return _data("prose/icwb2_pku_test.utf8.txt").read_text(encoding="utf-8")


def _best_rate(chars: int, run: Callable[[], object], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t)
    return chars / best


def test_throughput(benchmark: Any) -> None:
    """Characters per second: the pipeline with typo repair on, off, and the
    typo stage alone, on the same text in the same run (models loaded first)."""
    text = _prose()
    on = Config()
    off = Config(disable=TYPO_RULES)
    # Load the word model, the table, jieba, and the look-alike pair index
    # (built lazily, character by character: about 1.5 s once per process).
    explain(text, config=on)
    stage_input = explain(text, config=off).text

    def stage() -> None:
        for rule in (lexicon_rule, stutter_rule, ocr_confusion_rule, consistency_rule):
            for _ in rule(stage_input, on):
                pass

    rate_on = benchmark.pedantic(lambda: _best_rate(len(text), lambda: explain(text, config=on)), rounds=1, iterations=1)
    rate_off = _best_rate(len(text), lambda: explain(text, config=off))
    rate_stage = _best_rate(len(stage_input), stage)
    figures = {"pipeline_with_typos": rate_on, "pipeline_without_typos": rate_off, "typo_stage_alone": rate_stage, "chars": len(text)}
    benchmark.extra_info["chars_per_second"] = {k: round(v) for k, v in figures.items()}
    print("\nthroughput (chars/s): " + ", ".join(f"{k} {v:,.0f}" for k, v in figures.items()))
    assert rate_on > 0 and rate_off > 0 and rate_stage > 0
