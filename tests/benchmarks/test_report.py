"""benchmarks/report.py, summary.py and chart.py: the summary comes first in
plain units, the README figures are rewritten from a results file between
their markers, the chart has a panel per ladder and labels zero recall."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.chart import pooled_recall
from benchmarks.gates import Verdict
from benchmarks.report import figure_blocks, main as report_main, markdown, replace_blocks
from benchmarks.summary import gate_lines, key_ratios, ladder_text, ladders_in


def _ladder(corpus: str, ftfy: float, default: float) -> dict[str, Any]:
    mb = {"read_write": 400.0, "regex": 90.0, "ftfy": ftfy, "notypo": 2 * default, "default": default}
    labels = {"read_write": "plain read/write", "regex": "one regex pass", "ftfy": "ftfy.fix_text",
              "notypo": "pipeline, typo rules off", "default": "pipeline (default)"}
    return {"corpus": corpus, "size_bytes": 100_000, "documents": 1, "rounds": 5, "clock": "process_time",
            "rungs": {k: {"label": labels[k], "median_cpu_s": 0.1 / v, "mb_per_cpu_s": v, "vs_ftfy": v / ftfy} for k, v in mb.items()}}


def _run(mode: str = "quick") -> dict[str, Any]:
    benches: list[dict[str, Any]] = []
    for corpus, ftfy, default in (("en", 1.1, 0.37), ("zh", 1.34, 0.22)):
        status = "advisory" if corpus == "zh" else "ok"
        benches.append({
            "name": f"test_ladder[{corpus}]", "group": None, "params": {"corpus": corpus}, "stats": {"median": 0.5},
            "extra_info": {"mode": mode, "cleaner_version": "9.9", "rules": ["width"], "ladder": _ladder(corpus, ftfy, default),
                           "speed_ratios": {f"speed.{corpus}.default.vs_ftfy": {"ratio": default / ftfy, "floor": 0.3, "reference": "ftfy.fix_text",
                                                                                "status": status, "regression_tolerance": None}}},
        })
    score = {"documents": 3, "injections": 7, "recall": {"ascii_punct": {"injected": 5, "repaired": 5, "recall": 1.0},
                                                         "stutter": {"injected": 2, "repaired": 0, "recall": 0.0}},
             "paragraph_precision": 0.9, "paragraph_recall": 0.95, "cer_before": 0.1, "cer_after": 0.01}
    benches.append({"name": "test_injected[zh-mixed]", "group": "quality", "params": {"name": "zh-mixed"}, "stats": {"median": 0.1},
                    "extra_info": {"mode": mode, "details": {"quality.zh-mixed.score": score},
                                   "quality_figures": {"quality.zh-control.change_rate": {"value": 0.0, "direction": "lower", "tolerance": 0.0,
                                                                                          "gated": True, "limit": 0.0, "status": "ok"}}}})
    return {"datetime": "2026-12-03T10:00:00", "machine_info": {"python_version": "3.11"}, "commit_info": {"id": "feedbeef"}, "benchmarks": benches}


def test_ladders_come_in_corpus_order_with_plain_units() -> None:
    ladders = ladders_in(b["extra_info"] for b in _run()["benchmarks"])
    assert list(ladders) == ["zh", "en"]
    text = "\n".join(ladder_text(ladders))
    assert "MB per CPU-second" in text and "median of 5 interleaved rounds" in text
    assert "pipeline (default)        0.22 (0.16x)      0.37 (0.34x)" in text


def test_the_report_starts_with_the_summary() -> None:
    md = markdown(_run(), [Verdict("speed.zh.default.vs_ftfy", "advisory", "speed.zh.default.vs_ftfy = 0.16x ftfy fell below the floor 0.3x")])
    assert md.index("## Summary") < md.index("## Per-artifact recall") < md.index("## Gates")
    summary = md[md.index("## Summary"):md.index("## Per-artifact recall")]
    assert "| MB per CPU-second (x ftfy) | Chinese, damaged (100 KB) | English, damaged (100 KB) |" in summary
    assert "| pipeline (default) | **0.22 MB/s (0.16x)** | **0.37 MB/s (0.34x)** |" in summary
    assert "| plain read/write | 400 MB/s (299x) | 400 MB/s (364x) |" in summary
    assert "gates: 1 advisory" in summary and "advisory       speed.zh.default.vs_ftfy" in summary
    assert "| zh-mixed | 7 | 0.900 | 0.950 | 0.1000 -> 0.0100 | **stutter** |" in summary
    assert "Clean controls: 1 sets, none changed." in summary
    assert "test_ladder" not in md  # not repeated under "Other benchmarks"


def test_key_ratios_leave_out_per_rule_and_ladder_ratios() -> None:
    infos = [{"speed_ratios": {"speed.zh-10KB.width.vs_ftfy": {"ratio": 30.0}, "speed.zh-10KB.pipeline_notypo.vs_ftfy": {"ratio": 0.6},
                               "speed.zh-10KB.width.vs_plain": {"ratio": 0.1}, "scaling.zh.width": {"ratio": 1.0},
                               "speed.command.jobs1.vs_plain": {"ratio": 0.2}, "speed.zh.default.vs_ftfy": {"ratio": 0.2},
                               "speed.command.jobs2_over_jobs1": {"ratio": 1.8, "status": "ok"}}}]
    assert [n for n, _, _ in key_ratios(infos, ["zh"])] == ["speed.command.jobs2_over_jobs1", "speed.zh-10KB.pipeline_notypo.vs_ftfy"]


def test_replace_blocks_rewrites_only_between_markers_and_is_idempotent() -> None:
    text = "intro 0.5x\n<!-- figures:speed -->\nold 0.1x\n<!-- /figures -->\nmiddle\n<!-- figures:quality -->\nold q\n<!-- /figures -->\nend\n"
    new, done, left = replace_blocks(text, {"speed": "| new | 2x |"})
    assert (done, left) == (["speed"], ["quality"])
    assert new == "intro 0.5x\n<!-- figures:speed -->\n\n| new | 2x |\n\n<!-- /figures -->\nmiddle\n<!-- figures:quality -->\nold q\n<!-- /figures -->\nend\n"
    assert replace_blocks(new, {"speed": "| new | 2x |"})[0] == new


@pytest.mark.parametrize("text", [
    "<!-- figures:speed -->\nno end\n",
    "<!-- figures:speed -->\n<!-- figures:quality -->\nx\n<!-- /figures -->\n",
])
def test_an_unclosed_block_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="no <!-- /figures -->"):
        replace_blocks(text, {"speed": "x", "quality": "y"})


def test_figure_blocks_name_their_run() -> None:
    blocks = figure_blocks(_run(), "benchmarks/results/quick.json", [Verdict("speed.zh.default.vs_ftfy", "advisory", "speed.zh.default.vs_ftfy = 0.16x ftfy fell below the floor 0.3x")])
    assert set(blocks) == {"speed", "quality", "summary"}
    assert blocks["summary"].startswith("```\nspeed ladder: MB per CPU-second") and "advisory       speed.zh.default.vs_ftfy" in blocks["summary"]
    assert "Measured by `benchmarks/results/quick.json`: cleaner 9.9, quick run of 2026-12-03 10:00, commit feedbeef" in blocks["speed"]
    assert "**0.22 MB/s (0.16x)**" in blocks["speed"]
    no_quality = {**_run(), "benchmarks": _run()["benchmarks"][:2]}
    assert set(figure_blocks(no_quality, "x.json")) == {"speed", "summary"}


def test_update_readme_rewrites_the_figures_from_the_results_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    results = tmp_path / "run.json"
    results.write_text(json.dumps(_run()), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- figures:speed -->\nstale 9 MB/s\n<!-- /figures -->\n\n<!-- figures:other -->\nkept\n<!-- /figures -->\n", encoding="utf-8")
    chart = tmp_path / "docs" / "chart.png"
    assert report_main([str(results), "--update-readme", "--readme", str(readme), "--chart", str(chart)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert "stale" not in text and "| pipeline (default) | **0.22 MB/s (0.16x)** | **0.37 MB/s (0.34x)** |" in text
    assert "<!-- figures:other -->\nkept\n<!-- /figures -->" in text
    assert "rewrote speed; kept (no figures in this run): other" in capsys.readouterr().out
    with Image.open(chart) as img:
        assert img.size[1] >= 2 * 500  # a row of ladders and a row of recall bars


def test_the_command_wants_something_to_write(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        report_main([str(tmp_path / "run.json")])
    assert exc.value.code == 2


def test_quick_advisories_stay_advisory_in_the_report(tmp_path: Path) -> None:
    results = tmp_path / "run.json"
    results.write_text(json.dumps(_run()), encoding="utf-8")
    assert report_main([str(results), "--out", str(tmp_path / "out"), "--baseline", str(tmp_path / "none.json")]) == 0
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "advisory       speed.zh.default.vs_ftfy" in md and "below-floor" not in md


def test_pooled_recall_counts_repaired_and_injected() -> None:
    pooled, inactive = pooled_recall(_run())
    assert {c: list(v) for c, v in pooled["zh"].items()} == {"ascii_punct": [5, 5], "stutter": [0, 2]}
    assert inactive == set()


def test_the_summary_lists_every_failure_but_caps_the_other_statuses() -> None:
    verdicts = [Verdict(f"q.{i}", "improved", f"q.{i} improved") for i in range(20)]
    verdicts += [Verdict(f"f.{i}", "regressed", f"f.{i} regressed " + "x" * 300) for i in range(12)]
    lines = gate_lines(verdicts)
    assert lines[0] == "gates: 20 improved, 12 regressed"
    assert sum(line.startswith("regressed") for line in lines) == 12 and all(len(line) > 300 for line in lines if line.startswith("regressed"))
    assert sum(line.startswith("improved") for line in lines) == 9 and "and 12 more" in lines[-1]


def test_no_file_is_written_when_one_has_a_broken_block(tmp_path: Path) -> None:
    from benchmarks.report import update_readmes

    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text("<!-- figures:speed -->\nold\n<!-- /figures -->\n", encoding="utf-8")
    bad.write_text("<!-- figures:speed -->\nnever closed\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.md"):
        update_readmes([good, bad], {"speed": "new"})
    assert "old" in good.read_text(encoding="utf-8")


def test_without_a_results_file_the_newest_is_read(tmp_path: Path) -> None:
    import os

    from benchmarks.report import newest_results

    with pytest.raises(ValueError, match="--benchmark-json"):
        newest_results(tmp_path)
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    for i, path in enumerate((old, new)):
        path.write_text("{}", encoding="utf-8")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    assert newest_results(tmp_path) == new


def _dedup_run() -> dict[str, Any]:
    row = {"cpu": 43.4, "recall": 0.9943, "dropped_originals": 0, "candidates": 741_564}
    rensa = {"1000000": {"cleaner": row, "rensa": {"cpu": 52.9, "recall": 0.8723, "dropped_originals": 80_383}}, "growth_1M_over_100k": 8.9}
    return {"datetime": "2026-12-03T12:47:00", "machine_info": {}, "commit_info": {"id": "feedbeef"},
            "benchmarks": [{"name": "test_speed_against_rensa", "group": None, "stats": {"median": 78.0}, "extra_info": {"mode": "full", "rensa": rensa}}]}


def _update_from_dedup_run(tmp_path: Path, readme_text: str, *options: str) -> tuple[str, Path]:
    """Run --update-readme on a dedup-only run; the README's new text and the chart's path."""
    results = tmp_path / "dedup.json"
    results.write_text(json.dumps(_dedup_run()), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(readme_text, encoding="utf-8")
    chart = tmp_path / "chart.png"
    assert report_main([str(results), "--update-readme", *options, "--readme", str(readme), "--chart", str(chart)]) == 0
    return readme.read_text(encoding="utf-8"), chart


def test_a_dedup_run_fills_only_the_dedup_block_and_keeps_the_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = "<!-- figures:dedup -->\nold\n<!-- /figures -->\n<!-- figures:summary -->\nkept\n<!-- /figures -->\n"
    text, chart = _update_from_dedup_run(tmp_path, blocks, "--block", "dedup")
    assert "| 1,000,000 | 43.4 | 52.9 | 0.82x | 0.9943 | 0.8723 | 0 | 80383 | 741,564 |" in text
    assert "over 100k: 8.9." in text and "<!-- figures:summary -->\nkept\n" in text
    assert not chart.exists() and "only dedup asked for" in capsys.readouterr().out


def test_a_run_without_a_ladder_does_not_redraw_the_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, chart = _update_from_dedup_run(tmp_path, "<!-- figures:dedup -->\nstale figures\n<!-- /figures -->\n")
    assert "stale figures" not in text and not chart.exists() and "no speed ladder in this run" in capsys.readouterr().out
