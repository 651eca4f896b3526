"""``python -m benchmarks.report [RESULTS.json] --out DIR``: a Markdown report
and a PNG chart from a pytest-benchmark JSON file;
``python -m benchmarks.report [RESULTS.json] --update-readme``: the figures
of README.md and benchmarks/README.md rewritten from it.

``DIR/report.md`` starts with a summary a newcomer can read: the speed
ladder of each corpus in MB per CPU-second and as a ratio to ftfy (plain
read/write, one regex pass, ftfy, the pipeline without and with the typo
rules), the gates by status, the key ratios and the quality figures in a
few lines.  The details follow: throughput per rule and input size with the
speed ratio to ftfy measured in the same run, cost growth (scaling),
per-artifact recall, paragraph precision and recall, character error rate
before and after, the change rate on clean controls, golden cases, other
benchmarks (dedup, typo repair) with their figures, and every gate with its
status against ``benchmarks/baseline.json``.  ``DIR/chart.png``: see
:mod:`benchmarks.chart`.

``--update-readme`` rewrites what stands between ``<!-- figures:NAME -->``
and ``<!-- /figures -->`` in each README (``speed``: the ladder table;
``quality``: the quality summary; ``summary``: what the end of the run
printed; ``dedup``: corpus dedup on the labelled pairs and against rensa),
saying which run the figures come from,
and writes the chart to ``docs/benchmarks.png`` (when the run has a speed
ladder).  A block the run has no figures for is left as it is;
``--block NAME`` rewrites only the named blocks (a run of one module).  Without a results file the newest
``benchmarks/results/*.json`` is read.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import ROOT
from .gates import BASELINE_PATH, DETAILS_KEY, FIGURES_KEY, SPEED_KEY, Baseline, Verdict, check_results, load_results, run_mode
from .inject import CLASSES, REPAIRED_BY
from .summary import LADDER_KEY, gate_lines, key_ratios, ladder_markdown, ladders_in, summary_lines, times

__all__ = [
    "Row", "collect", "markdown", "chart", "main", "run_line", "summary_markdown", "quality_summary",
    "figure_blocks", "dedup_markdown", "replace_blocks", "update_readmes", "newest_results", "as_judged_in_run",
]

SIZE_ORDER = {"10KB": 0, "100KB": 1, "1MB": 2, "whole": 3}
SERIES = ("zh", "en", "zh-longpara")
REFERENCE_LABELS = {"ftfy": "ftfy.fix_text (ref)", "plain": "plain pass (ref)"}


class Row:
    """One throughput measurement."""

    __slots__ = ("corpus", "size_label", "target", "size_bytes", "median", "mb_s", "vs_ftfy", "vs_plain", "reference")

    def __init__(self, bench: Mapping[str, Any]) -> None:
        params = bench.get("params") or {}
        info = bench.get("extra_info") or {}
        self.corpus: str = params.get("corpus", info.get("corpus", ""))
        self.size_label: str = params.get("size_label", "")
        self.reference: bool = "reference" in params
        self.target: str = params.get("target") or params.get("reference") or bench.get("name", "")
        self.size_bytes: int = int(info.get("size_bytes") or 0)
        self.median: float = float(bench["stats"]["median"])
        self.mb_s: float = self.size_bytes / self.median / 1e6 if self.median > 0 else math.nan
        speed = info.get(SPEED_KEY, {})
        group = f"{self.corpus}-{self.size_label}"
        self.vs_ftfy = (speed.get(f"speed.{group}.{self.target}.vs_ftfy") or {}).get("ratio")
        self.vs_plain = (speed.get(f"speed.{group}.{self.target}.vs_plain") or {}).get("ratio")


def _is_throughput(bench: Mapping[str, Any]) -> bool:
    params = bench.get("params") or {}
    return "size_label" in params and ("target" in params or "reference" in params)


def collect(results: Mapping[str, Any]) -> tuple[list[Row], list[Mapping[str, Any]]]:
    """Throughput rows, and the other benchmarks."""
    rows: list[Row] = []
    others: list[Mapping[str, Any]] = []
    for bench in results.get("benchmarks", []):
        if _is_throughput(bench) and bench.get("stats"):
            rows.append(Row(bench))
        else:
            others.append(bench)
    return rows, others


def _fmt(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{digits}g}"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _target_order(targets: Iterable[str]) -> list[str]:
    def key(t: str) -> tuple[int, str]:
        if t in REFERENCE_LABELS:
            return (2, t)
        if t.startswith("pipeline"):
            return (0, t)
        return (1, t)

    return sorted(set(targets), key=key)


def _first_info(results: Mapping[str, Any]) -> Mapping[str, Any]:
    """extra_info of the first benchmark that recorded the version and rules."""
    for b in results.get("benchmarks", []):
        info = b.get("extra_info") or {}
        if "cleaner_version" in info:
            return info
    return {}


def _all_figures(results: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for bench in results.get("benchmarks", []):
        out.update((bench.get("extra_info") or {}).get(FIGURES_KEY, {}))
    return out


def _all_info(results: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for bench in results.get("benchmarks", []):
        out.update((bench.get("extra_info") or {}).get(DETAILS_KEY, {}))
    return out


def _all_speed(results: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for bench in results.get("benchmarks", []):
        out.update((bench.get("extra_info") or {}).get(SPEED_KEY, {}))
    return out


def run_line(results: Mapping[str, Any]) -> str:
    """Version, mode, date, commit and machine of a run, in one line.

    >>> run_line({"datetime": "2026-12-03T10:00:00", "commit_info": {"id": "0123456789abc", "dirty": True},
    ...           "machine_info": {"python_version": "3.11.7", "machine": "x86_64"},
    ...           "benchmarks": [{"extra_info": {"mode": "quick", "cleaner_version": "0.1.0"}}]})
    'cleaner 0.1.0, quick run of 2026-12-03 10:00, commit 0123456789 (dirty), Python 3.11.7 on x86_64'
    """
    first = _first_info(results)
    machine = results.get("machine_info", {})
    commit = results.get("commit_info", {})
    return (
        f"cleaner {first.get('cleaner_version', '?')}, {run_mode(results)} run of {str(results.get('datetime', ''))[:16].replace('T', ' ')}, "
        f"commit {str(commit.get('id', '?'))[:10]}{' (dirty)' if commit.get('dirty') else ''}, "
        f"Python {machine.get('python_version', '?')} on {machine.get('cpu', {}).get('brand_raw', machine.get('machine', '?'))}"
    )


def _header(results: Mapping[str, Any]) -> list[str]:
    """Title, version, mode, commit and machine of the run, and how speed is judged."""
    first = _first_info(results)
    return [
        "# cleaner benchmark report",
        "",
        run_line(results),
        "",
        f"Active rules: {', '.join(first.get('rules', [])) or '?'}",
        "",
        "Times are medians.  Speed is judged as a ratio to references measured in the same run "
        "(ftfy.fix_text with its defaults; a plain Python pass that splits, strips and joins lines), "
        "never as an absolute time.",
        "",
    ]


def _series_key(corpus: str) -> int:
    return SERIES.index(corpus) if corpus in SERIES else 9


def _throughput(rows: Sequence[Row]) -> list[str]:
    """MB/s per target and (corpus, size), with the ratios to ftfy and to the plain pass."""
    groups = sorted({(r.corpus, r.size_label) for r in rows}, key=lambda g: (_series_key(g[0]), g[0], SIZE_ORDER.get(g[1], 9)))
    by = {(r.corpus, r.size_label, r.target): r for r in rows}
    lines = ["## Throughput", "", "MB/s (UTF-8 bytes), and in brackets the speed ratio to ftfy.fix_text on the same text (above 1: faster than ftfy).", ""]
    header = ["target"] + [f"{c} {s}" for c, s in groups]
    body = []
    for t in _target_order(r.target for r in rows):
        cells = [REFERENCE_LABELS.get(t, t)]
        for c, s in groups:
            r = by.get((c, s, t))
            if r is None:
                cells.append("")
            elif r.reference:
                cells.append(_fmt(r.mb_s))
            else:
                cells.append(f"{_fmt(r.mb_s)} ({_fmt(r.vs_ftfy, 2)}x)")
        body.append(cells)
    lines += _table(header, body) + [""]
    lines += ["Speed ratio to the plain pass (reference time / target time):", ""]
    body = []
    for t in _target_order(r.target for r in rows if not r.reference):
        body.append([t] + [_fmt(by[(c, s, t)].vs_plain, 2) if (c, s, t) in by else "" for c, s in groups])
    return lines + _table(header, body) + [""]


def _cost_growth(results: Mapping[str, Any]) -> list[str]:
    """The scaling ratio of each target per corpus, when the run measured it."""
    scaling = {k: v for k, v in _all_speed(results).items() if k.startswith("scaling.")}
    if not scaling:
        return []
    lines = ["## Cost growth", "", "Time per byte at the smallest size divided by time per byte at the largest size of the run: "
             "1 is linear, 0.1 is quadratic over a tenfold step (floor "
             f"{_fmt(next(iter(scaling.values()))['floor'])}).", ""]
    corpora = sorted({k.split(".")[1] for k in scaling}, key=_series_key)
    targets = _target_order(k.split(".", 2)[2] for k in scaling)
    body = [[t] + [_fmt((scaling.get(f"scaling.{c}.{t}") or {}).get("ratio"), 2) for c in corpora] for t in targets]
    return lines + _table(["target"] + corpora, body) + [""]


def _recall(injected: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Recall per artifact class (registry order) and injected corpus."""
    lines = ["## Per-artifact recall", "",
             "Share of injected artifacts whose span comes back exactly as the gold text (repaired / injected).  "
             "Classes whose rule is not active are reported, not gated.", ""]
    names = sorted(injected)
    body = []
    for cls in CLASSES:
        found = [injected[n]["recall"].get(cls) for n in names]
        if any(found):
            body.append([cls, REPAIRED_BY[cls]] + [f"{r['recall']:.3f} ({r['repaired']}/{r['injected']})" if r else "" for r in found])
    return lines + _table(["class", "rule", *names], body) + [""]


def _paragraphs_and_characters(injected: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = ["## Paragraphs and characters", "",
             "Paragraph precision and recall against the gold text (identical paragraphs); character error rate "
             "(Levenshtein distance / gold length) of the damaged input and of the cleaned output.", ""]
    body = [[n, str(s["documents"]), str(s["injections"]), f"{s['paragraph_precision']:.4f}", f"{s['paragraph_recall']:.4f}",
             f"{s['cer_before']:.5f}", f"{s['cer_after']:.5f}"] for n, s in sorted(injected.items())]
    return lines + _table(["corpus", "documents", "injections", "paragraph P", "paragraph R", "CER before", "CER after"], body) + [""]


def _controls(figures: Mapping[str, Mapping[str, Any]]) -> list[str]:
    controls = {k.split(".")[1]: v for k, v in figures.items() if k.startswith("quality.") and k.endswith(".change_rate")}
    if not controls:
        return []
    lines = ["## Clean controls", "", "Clean documents that must come back unchanged (change rate 0).", ""]
    body = [[n, _fmt(f["value"]), f["status"], f.get("note", "")[:160].replace("|", "\\|").replace("\n", "\\n")] for n, f in sorted(controls.items())]
    return lines + _table(["corpus", "change rate", "status", "detail"], body) + [""]


def _golden(figures: Mapping[str, Mapping[str, Any]], info: Mapping[str, Any]) -> list[str]:
    if "golden.pass_rate" not in figures:
        return []
    failed = info.get("golden.failed", [])
    lines = ["## Golden cases (samples/golden)", "",
             f"{info.get('golden.cases', '?')} cases, pass rate {figures['golden.pass_rate']['value']:.4f}; "
             f"CER {info.get('golden.cer_before', '?')} before, {figures.get('golden.cer_after', {}).get('value', '?')} after.", ""]
    if failed:
        lines += ["Failing: " + ", ".join(f"`{f}`" for f in failed), ""]
    by_class = info.get("golden.pass_rate_by_class", {})
    if by_class:
        lines += _table(["class", "pass rate"], [[k, f"{v:.3f}"] for k, v in by_class.items()]) + [""]
    return lines


def _other_benchmarks(others: Sequence[Mapping[str, Any]]) -> list[str]:
    """Benchmarks that are not throughput rows: name, group, median, MB/s, figures."""
    others = [b for b in others if LADDER_KEY not in (b.get("extra_info") or {})]  # the summary shows them
    if not others:
        return []
    body = []
    for b in others:
        ei = b.get("extra_info") or {}
        stats = b.get("stats") or {}
        size = ei.get("size_bytes")
        med = stats.get("median")
        mb = _fmt(size / med / 1e6) if size and med else "-"
        n_fig = len(ei.get(FIGURES_KEY, {}))
        body.append([b.get("name", ""), b.get("group") or "", _fmt(med * 1e3 if med else None), mb, str(n_fig)])
    return ["## Other benchmarks", ""] + _table(["benchmark", "group", "median ms", "MB/s", "figures"], body) + [""]


#: the gate statuses worth a row, most urgent first
_NOTABLE = {"regressed": 0, "below-limit": 0, "below-floor": 0, "known-failure": 1, "advisory": 1, "improved": 2, "no-baseline": 3}


def _gates(verdicts: Sequence[Verdict]) -> list[str]:
    if not verdicts:
        return []
    counts: dict[str, int] = defaultdict(int)
    for v in verdicts:
        counts[v.status] += 1
    lines = ["## Gates", "", ", ".join(f"{n} {s}" for s, n in sorted(counts.items())), ""]
    notable = sorted((v for v in verdicts if v.status in _NOTABLE), key=lambda v: (_NOTABLE[v.status], v.name))
    if notable:
        lines += _table(["status", "figure"], [[v.status, v.message.replace("|", "\\|").replace("\n", "\\n")[:300]] for v in notable]) + [""]
    return lines


def _injected_scores(results: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """corpus -> the score of each quality corpus that carried injections."""
    scores = {k.split(".")[1]: v for k, v in _all_info(results).items() if k.startswith("quality.") and k.endswith(".score")}
    return {k: v for k, v in scores.items() if v.get("injections")}


#: how to read the speed figures, under every ladder table
UNITS = (
    "MB/s: megabytes of UTF-8 text per CPU-second (median of interleaved rounds; CPU time, so other work on the "
    "machine does not count). In brackets: the speed relative to `ftfy.fix_text` on the same text in the same run "
    "(2x: twice as fast as ftfy; 0.5x: half as fast). The steps: decoding and encoding the bytes (`plain read/write`), "
    "one `re.sub` over the text, ftfy, then `cleaner.explain` with the typo rules off and with the defaults."
)


def _zero_classes(score: Mapping[str, Any]) -> list[str]:
    return [c for c, r in score.get("recall", {}).items() if r.get("injected") and not r.get("repaired")]


def quality_summary(results: Mapping[str, Any]) -> list[str]:
    """Injected corpora (paragraphs, character error rate, classes nothing was
    repaired of), clean controls and golden cases, in a few lines."""
    injected = _injected_scores(results)
    figures = _all_figures(results)
    lines: list[str] = []
    if injected:
        body = [[n, str(s["injections"]), f"{s['paragraph_precision']:.3f}", f"{s['paragraph_recall']:.3f}",
                 f"{s['cer_before']:.4f} -> {s['cer_after']:.4f}", ", ".join(f"**{c}**" for c in _zero_classes(s)) or "none"]
                for n, s in sorted(injected.items())]
        lines += _table(["injected corpus", "injections", "paragraph precision", "paragraph recall",
                         "character error rate before -> after", "classes with 0 repaired"], body) + [""]
    controls = {k.split(".")[1]: f["value"] for k, f in figures.items() if k.startswith("quality.") and k.endswith(".change_rate")}
    if controls:
        changed = [f"{n} ({v:.3g})" for n, v in sorted(controls.items()) if v > 0]
        lines += [f"Clean controls: {len(controls)} sets, " + (f"**changed: {', '.join(changed)}**" if changed else "none changed") + ".", ""]
    if "golden.pass_rate" in figures:
        lines += [f"Golden cases: pass rate {figures['golden.pass_rate']['value']:.3f}.", ""]
    return lines


def summary_markdown(results: Mapping[str, Any], verdicts: Sequence[Verdict]) -> list[str]:
    """The report's first section: the ladder, the gates, the key ratios, quality."""
    infos = [b.get("extra_info") or {} for b in results.get("benchmarks", [])]
    ladders = ladders_in(infos)
    lines = ["## Summary", ""]
    if ladders:
        lines += ladder_markdown(ladders) + ["", UNITS, ""]
    if verdicts:
        lines += ["```", *gate_lines(verdicts), "```", ""]
    ratios = key_ratios(infos, ladders)
    if ratios:
        lines += ["Key ratios (reference time / target time, same run):", ""]
        lines += _table(["ratio", "value", "status"], [[n, times(r), st] for n, r, st in ratios]) + [""]
    return lines + quality_summary(results)


def dedup_markdown(results: Mapping[str, Any]) -> list[str]:
    r"""Corpus dedup against rensa, from ``test_speed_against_rensa``'s
    figures: CPU seconds per size, the ratio, the planted copies each drops.

    >>> row = {"cpu": 10.0, "recall": 0.99, "dropped_originals": 0, "candidates": 5}
    >>> run = {"benchmarks": [{"extra_info": {"rensa": {"100000": {"rensa": {"cpu": 5.0, "recall": 0.8, "dropped_originals": 9}, "cleaner": row}}}}]}
    >>> print("\n".join(dedup_markdown(run)))
    | paragraphs | cleaner CPU s | rensa CPU s | cleaner / rensa | planted copies dropped: cleaner | rensa | first occurrences dropped: cleaner | rensa | candidate pairs |
    |---|---|---|---|---|---|---|---|---|
    | 100,000 | 10.0 | 5.0 | 2.00x | 0.9900 | 0.8000 | 0 | 9 | 5 |
    """
    rensa: Mapping[str, Any] = {}
    labelled: Mapping[str, Any] = {}
    for bench in results.get("benchmarks", []):
        info = bench.get("extra_info") or {}
        rensa = info.get("rensa") or rensa
        labelled = info if "phrase_false_merges" in info else labelled
    lines = _labelled_dedup(labelled) if labelled else []
    sizes = sorted((k for k in rensa if k.isdigit()), key=int)
    if not sizes:
        return lines
    body = []
    for n in sizes:
        c, r = rensa[n]["cleaner"], rensa[n]["rensa"]
        body.append([f"{int(n):,}", f"{c['cpu']:.1f}", f"{r['cpu']:.1f}", f"{c['cpu'] / r['cpu']:.2f}x", f"{c['recall']:.4f}",
                     f"{r['recall']:.4f}", str(c["dropped_originals"]), str(r["dropped_originals"]), f"{c.get('candidates', 0):,}"])
    lines += _table(["paragraphs", "cleaner CPU s", "rensa CPU s", "cleaner / rensa", "planted copies dropped: cleaner", "rensa",
                    "first occurrences dropped: cleaner", "rensa", "candidate pairs"], body)
    if "growth_1M_over_100k" in rensa:
        lines += ["", f"cleaner's CPU time at 1M paragraphs over 100k: {rensa['growth_1M_over_100k']}."]
    return lines


def figure_blocks(results: Mapping[str, Any], source: str, verdicts: Sequence[Verdict] = ()) -> dict[str, str]:
    """The README blocks a run has figures for: ``speed`` (the ladder),
    ``quality`` and ``summary`` (what the end of the run printed, in a code
    block); each says which run it comes from."""
    caption = f"_Measured by `{source}`: {run_line(results)}._"
    blocks: dict[str, str] = {}
    ladders = ladders_in(b.get("extra_info") or {} for b in results.get("benchmarks", []))
    if ladders:
        blocks["speed"] = "\n".join([*ladder_markdown(ladders), "", UNITS, "", caption])
    summary = summary_lines([b.get("extra_info") or {} for b in results.get("benchmarks", [])], verdicts, width=120)
    if summary:
        blocks["summary"] = "\n".join(["```", *summary, "```", "", caption])
    quality = quality_summary(results)
    if quality:
        blocks["quality"] = "\n".join([*quality, caption])
    dedup = dedup_markdown(results)
    if dedup:
        blocks["dedup"] = "\n".join([*dedup, "", DEDUP_UNITS, "", caption])
    return blocks


def _labelled_dedup(info: Mapping[str, Any]) -> list[str]:
    """Precision, recall and F1 per method on the labelled near-duplicate set."""
    rows = info.get("quality") or {}
    body = [[name, f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}"] for name, r in rows.items()]
    kinds = info.get("recall_by_kind") or {}
    lines = ["Labelled near-duplicate pairs (real news paragraphs; copies with edits, real OCR confusions, Traditional "
             "script; pairs at similarity 85 or more are duplicates):", ""]
    lines += _table(["method", "precision", "recall", "F1"], body) + [""]
    if kinds:
        methods = [m for m in next(iter(kinds.values())) if m != "pairs"]
        lines += _table(["recall by kind of copy", *methods, "pairs"],
                        [[k, *(f"{v[m]:.3f}" for m in methods), str(v["pairs"])] for k, v in kinds.items()]) + [""]
    return lines + [f"Paragraphs sharing only a long phrase merged by cleaner: {info.get('phrase_false_merges', '?')}.", ""]


#: how to read the dedup table, under it
DEDUP_UNITS = (
    "Each method runs in its own process on the same corpus (`benchmarks/dedup_vs_rensa.py`: paragraphs of about 50 "
    "characters, 10 % of them exact or 1-10 % edited copies of an earlier one, five to a document); CPU seconds, "
    "median of 3 at 100k. rensa: character 3-grams, 128-slot MinHash, its LSH at 0.8; cleaner folds script, width and "
    "punctuation and verifies every candidate at ratio 85."
)


#: a block of generated figures in a Markdown file
BLOCK = re.compile(r"<!-- figures:(?P<name>[\w-]+) -->\n(?P<body>.*?)<!-- /figures -->", re.S)
OPENING = re.compile(r"<!-- figures:[\w-]+ -->")


def replace_blocks(text: str, blocks: Mapping[str, str]) -> tuple[str, list[str], list[str]]:
    r"""``text`` with the body of each ``<!-- figures:NAME -->`` ...
    ``<!-- /figures -->`` block rewritten from ``blocks[NAME]``; also the
    names rewritten and the names left alone (no figures in this run).

    >>> text = "a\n<!-- figures:speed -->\nold\n<!-- /figures -->\n<!-- figures:quality -->\nq\n<!-- /figures -->\n"
    >>> new, done, left = replace_blocks(text, {"speed": "| new |"})
    >>> print(new, done, left)
    a
    <!-- figures:speed -->
    <BLANKLINE>
    | new |
    <BLANKLINE>
    <!-- /figures -->
    <!-- figures:quality -->
    q
    <!-- /figures -->
     ['speed'] ['quality']
    """
    done: list[str] = []
    left: list[str] = []

    def rewrite(m: re.Match[str]) -> str:
        name = m["name"]
        if name not in blocks:
            left.append(name)
            return m[0]
        done.append(name)
        return f"<!-- figures:{name} -->\n\n{blocks[name].strip()}\n\n<!-- /figures -->"

    new = BLOCK.sub(rewrite, text)
    if len(OPENING.findall(text)) != len(done) + len(left) or any(OPENING.search(m["body"]) for m in BLOCK.finditer(text)):
        raise ValueError("a <!-- figures:NAME --> marker has no <!-- /figures --> of its own: close each block before the next opens")
    return new, done, left


def update_readmes(paths: Sequence[Path], blocks: Mapping[str, str]) -> list[str]:
    """Rewrite the figure blocks of each file (all are checked before any is
    written); a line per file saying what changed."""
    planned = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            planned.append((path, text, *replace_blocks(text, blocks)))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    out = []
    for path, text, new, done, left in planned:
        if new != text:
            path.write_text(new, encoding="utf-8")
        kept = f"; kept (no figures in this run): {', '.join(left)}" if left else ""
        did = ("rewrote " if new != text else "unchanged: ") + ", ".join(done) if done else "no figure block rewritten"
        out.append(f"{path}: {did}{kept}")
    return out


def markdown(results: Mapping[str, Any], verdicts: Sequence[Verdict]) -> str:
    """The report: one section per kind of figure the run holds."""
    rows, others = collect(results)
    figures = _all_figures(results)
    injected = _injected_scores(results)
    lines = _header(results) + summary_markdown(results, verdicts)
    if rows:
        lines += _throughput(rows) + _cost_growth(results)
    if injected:
        lines += _recall(injected) + _paragraphs_and_characters(injected)
    lines += _controls(figures) + _golden(figures, _all_info(results)) + _other_benchmarks(others) + _gates(verdicts)
    return "\n".join(lines) + "\n"


def chart(results: Mapping[str, Any], path: Path) -> None:
    """The chart of a run (:func:`benchmarks.chart.chart`): the speed ladder,
    throughput against size with few lines per panel, recall per class."""
    from .chart import chart as draw

    draw(results, collect(results)[0], path)


README_PATHS = (ROOT / "README.md", ROOT / "benchmarks" / "README.md")
CHART_PATH = ROOT / "docs" / "benchmarks.png"
RESULTS_DIR = ROOT / "benchmarks" / "results"


def newest_results(folder: Path = RESULTS_DIR) -> Path:
    """The most recently written JSON file of ``folder``."""
    found = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise ValueError(
            f"no results file in {folder}: run `pytest benchmarks --benchmark-enable --benchmark-json={folder.name}/full.json` "
            "first (from benchmarks/), or name a results file"
        )
    return found[-1]


def as_judged_in_run(results: Mapping[str, Any], verdicts: Sequence[Verdict]) -> list[Verdict]:
    """The verdicts, with a speed miss that the run itself judged advisory
    (quick mode, see benchmarks/conftest.py) kept advisory: re-judging a
    saved run knows nothing of its mode.

    >>> run = {"benchmarks": [{"extra_info": {"speed_ratios": {"s": {"status": "advisory"}}}}]}
    >>> [v.status for v in as_judged_in_run(run, [Verdict("s", "below-floor", "s fell"), Verdict("t", "below-floor", "t fell")])]
    ['advisory', 'below-floor']
    """
    recorded = {name: e.get("status") for name, e in _all_speed(results).items()}
    return [
        Verdict(v.name, "advisory", f"{v.message} [advisory in this quick run]", v.value, v.baseline)
        if v.failed and recorded.get(v.name) == "advisory" else v
        for v in verdicts
    ]


def _shown(path: Path) -> str:
    """A results file as the READMEs name it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.report",
        description="Markdown report and PNG chart from a pytest-benchmark JSON file; --update-readme rewrites the figures of the READMEs.",
    )
    parser.add_argument("results", type=Path, nargs="?",
                        help="a file written by pytest --benchmark-json (default: the newest benchmarks/results/*.json)")
    parser.add_argument("--out", type=Path, help="folder for report.md and chart.png")
    parser.add_argument("--update-readme", action="store_true",
                        help="rewrite the <!-- figures:NAME --> blocks of README.md and benchmarks/README.md and the chart they show")
    parser.add_argument("--block", action="append", metavar="NAME",
                        help="rewrite only this figure block (repeatable; e.g. --block dedup for a run of test_bench_dedup.py alone)")
    parser.add_argument("--readme", type=Path, action="append", help="a Markdown file to update instead of the two READMEs (repeatable)")
    parser.add_argument("--chart", type=Path, default=CHART_PATH, help=f"the chart --update-readme writes (default {CHART_PATH.relative_to(ROOT)})")
    parser.add_argument("--baseline", type=Path, default=BASELINE_PATH)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.out is None and not args.update_readme:
        parser.error("say what to write: --out DIR (report.md and chart.png), --update-readme, or both")
    try:
        path = args.results or newest_results()
        results = load_results(path)
        baseline = Baseline.load(args.baseline)
        if args.update_readme:
            verdicts = as_judged_in_run(results, check_results(results, baseline))
            blocks = figure_blocks(results, _shown(path), verdicts)
            if args.block:
                blocks = {name: text for name, text in blocks.items() if name in args.block}
            for line in update_readmes(args.readme or README_PATHS, blocks):
                print(line)
            if args.block and "speed" not in args.block:
                print(f"kept {args.chart} (only {', '.join(args.block)} asked for)")
            elif ladders_in(b.get("extra_info") or {} for b in results.get("benchmarks", [])):
                args.chart.parent.mkdir(parents=True, exist_ok=True)
                chart(results, args.chart)
                print(f"wrote {args.chart}")
            else:  # a run of some benchmarks only: the chart stays as the last full run drew it
                print(f"kept {args.chart} (no speed ladder in this run)")
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        verdicts = as_judged_in_run(results, check_results(results, baseline))
        (args.out / "report.md").write_text(markdown(results, verdicts), encoding="utf-8")
        chart(results, args.out / "chart.png")
        print(f"wrote {args.out / 'report.md'} and {args.out / 'chart.png'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
