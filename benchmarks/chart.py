"""The benchmark chart (PNG, matplotlib): few lines per panel, plain units.

Rows, each drawn only when the run holds its figures:

1. the speed ladder, one panel per corpus: a bar per rung (plain
   read/write, one regex pass, ftfy, the pipeline without and with the typo
   rules) in MB per CPU-second on a log scale, each labelled with its value
   and its ratio to ftfy;
2. throughput against input size (``test_bench_rules.py``), one panel per
   corpus series, with only the two pipelines, the two references and the
   three slowest rules at the largest size;
3. recall per artifact class, one bar per language, each labelled with
   ``repaired/injected``; a class nothing was repaired of is labelled in
   red, so a 0 stands out (under a tenth repaired: in bold orange).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .gates import FIGURES_KEY, DETAILS_KEY, run_mode
from .inject import CLASSES, REPAIRED_BY
from .summary import CORPUS_TITLES, ladders_in, mb_s, size_label, times

__all__ = ["chart", "pooled_recall", "throughput_lines"]

#: throughput series of test_bench_rules.py
SERIES = ("zh", "en", "zh-longpara")
SERIES_TITLES = {"zh": "Chinese documents", "en": "English documents", "zh-longpara": "one long Chinese paragraph"}
REFERENCE_LABELS = {"ftfy": "ftfy.fix_text (ref)", "plain": "plain pass (ref)"}
#: the lines of a throughput panel besides the slowest rules
ALWAYS = ("pipeline", "pipeline_notypo", "ftfy", "plain")
SLOWEST = 3
RUNG_COLOURS = {"read_write": "0.7", "regex": "0.55", "ftfy": "black", "notypo": "tab:blue", "default": "tab:red"}
LANG_NAMES = {"zh": "Chinese", "en": "English"}
#: recall below this share: its count label is bold (orange; red when 0)
LOW_RECALL = 0.1


def _infos(results: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [b.get("extra_info") or {} for b in results.get("benchmarks", [])]


def _ladder_axes(ax: Any, corpus: str, ladder: Mapping[str, Any], xlim: tuple[float, float]) -> None:
    """One bar per rung, cheapest at the top, labelled with MB/s and x ftfy;
    a dashed line at ftfy's speed (a bar past it is faster than ftfy)."""
    from matplotlib.ticker import FuncFormatter

    rungs = list(ladder.get("rungs", {}).items())
    ys = list(range(len(rungs)))
    values = [max(r.get("mb_per_cpu_s") or 0.0, 1e-6) for _, r in rungs]
    ax.barh(ys, values, color=[RUNG_COLOURS.get(k, "tab:green") for k, _ in rungs])
    for y, (_, r), v in zip(ys, rungs, values):
        ratio = r.get("vs_ftfy")
        ax.text(v * 1.1, y, f"{mb_s(v)} MB/s" + ("" if ratio is None else f" ({times(ratio)} ftfy)"), va="center", fontsize=9,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1, "alpha": 0.8})
    ftfy = ladder.get("rungs", {}).get("ftfy", {}).get("mb_per_cpu_s")
    if ftfy:
        ax.axvline(ftfy, color="black", linestyle="--", linewidth=1, alpha=0.6, zorder=0)
    ax.set_yticks(ys)
    ax.set_yticklabels([r.get("label", k) for k, r in rungs], fontsize=9)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(*xlim)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel("MB of text per CPU-second (log scale)")
    ax.set_title(f"Speed ladder: {CORPUS_TITLES.get(corpus, corpus)} ({size_label(int(ladder.get('size_bytes', 0)))})", fontsize=10)
    ax.grid(True, axis="x", which="major", alpha=0.3)


def _ladder_xlim(ladders: Mapping[str, Mapping[str, Any]]) -> tuple[float, float]:
    """One scale for every ladder panel, with room for the labels."""
    values = [r.get("mb_per_cpu_s") or 1.0 for lad in ladders.values() for r in lad.get("rungs", {}).values()] or [1.0]
    return max(min(values), 1e-6) / 2, max(values) * 200


def throughput_lines(points: Mapping[str, Sequence[tuple[int, float]]]) -> list[str]:
    """The targets a throughput panel draws: the pipelines and references it
    has, then the :data:`SLOWEST` slowest other targets at their largest size.

    >>> throughput_lines({"pipeline": [(1, 0.5)], "ftfy": [(1, 1.0)], "a": [(1, 9.0)], "b": [(1, 2.0)],
    ...                   "c": [(1, 50.0)], "d": [(1, 3.0)]})
    ['pipeline', 'ftfy', 'b', 'd', 'a']
    """
    fixed = [t for t in ALWAYS if t in points]
    others = sorted((t for t in points if t not in ALWAYS), key=lambda t: max(points[t])[1])
    return fixed + others[:SLOWEST]


def _throughput_axes(ax: Any, series: str, rows: Sequence[Any]) -> None:
    """Throughput against input size of a few targets on one corpus series."""
    pts: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for r in rows:
        if r.corpus == series and r.size_bytes and not math.isnan(r.mb_s):
            pts[r.target].append((r.size_bytes, r.mb_s))
    for i, t in enumerate(throughput_lines(pts)):
        xs, ys = zip(*sorted(pts[t]))
        style = {"ftfy": ("black", "--"), "plain": ("grey", "--"), "pipeline": ("tab:red", "-"), "pipeline_notypo": ("tab:blue", "-")}
        colour, line = style.get(t, (f"C{2 + i}", ":"))
        ax.plot(xs, ys, marker="o", linestyle=line, linewidth=2.5 if t in style else 1.4, color=colour, label=REFERENCE_LABELS.get(t, t))
    from matplotlib.ticker import FuncFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e6:g} MB" if v >= 1e6 else f"{v / 1e3:g} KB"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel("input size (UTF-8)")
    ax.set_ylabel("MB/s (median)")
    ax.set_title(f"Throughput: {SERIES_TITLES.get(series, series)}\n(pipelines, references, the {SLOWEST} slowest rules)", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    if pts:
        ax.legend(fontsize=7, loc="best")
    else:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)


def pooled_recall(results: Mapping[str, Any]) -> tuple[dict[str, dict[str, list[int]]], set[str]]:
    """lang -> class -> [repaired, injected] over the injected corpora of the
    language, and the classes whose figures were not gated (rule not active)."""
    pooled: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    inactive: set[str] = set()
    figures: dict[str, Any] = {}
    details: dict[str, Any] = {}
    for info in _infos(results):
        figures.update(info.get(FIGURES_KEY, {}))
        details.update(info.get(DETAILS_KEY, {}))
    for key, score in details.items():
        if not (key.startswith("quality.") and key.endswith(".score") and score.get("injections")):
            continue
        corpus = key.split(".")[1]
        for cls, r in score["recall"].items():
            pooled[corpus.split("-")[0]][cls][0] += r["repaired"]
            pooled[corpus.split("-")[0]][cls][1] += r["injected"]
            if not figures.get(f"quality.{corpus}.recall.{cls}", {}).get("gated", True):
                inactive.add(cls)
    return pooled, inactive


def _recall_axes(ax: Any, results: Mapping[str, Any]) -> None:
    """Bars of recall per artifact class, labelled repaired/injected; a 0 in red."""
    pooled, inactive = pooled_recall(results)
    langs = sorted(pooled, key=lambda x: ("zh", "en").index(x) if x in ("zh", "en") else 9)
    classes = [c for c in CLASSES if any(c in pooled[lang] for lang in langs)]
    width = 0.8 / max(1, len(langs))
    zero_classes = set()
    for k, lang in enumerate(langs):
        counts = [(i, *pooled[lang][cls]) for i, cls in enumerate(classes) if cls in pooled[lang]]
        xs = [i - 0.4 + width * (k + 0.5) for i, _, _ in counts]
        ys = [rep / inj if inj else 0.0 for _, rep, inj in counts]
        ax.bar(xs, ys, width=width, color=("tab:red", "tab:blue", "tab:green")[k % 3], alpha=0.85, label=LANG_NAMES.get(lang, lang))
        for x, y, (i, rep, inj) in zip(xs, ys, counts):
            zero, low = inj > 0 and rep == 0, inj > 0 and rep < LOW_RECALL * inj
            if zero:
                zero_classes.add(classes[i])
            ax.text(x, y + 0.015, f"{rep}/{inj}", ha="center", va="bottom", rotation=90, fontsize=9 if low else 7,
                    color="red" if zero else ("darkorange" if low else "black"), fontweight="bold" if low else "normal")
    ax.set_xticks(range(len(classes)))
    labels = ax.set_xticklabels([f"{c} ({REPAIRED_BY[c]}{', not active' if c in inactive else ''})" for c in classes], rotation=50, ha="right", fontsize=8)
    for label, cls in zip(labels, classes):
        if cls in zero_classes:
            label.set_color("red")
    ax.set_ylim(0, 1.25)
    ax.set_ylabel("recall (repaired / injected)")
    ax.set_title("Quality: recall per artifact class, labelled repaired/injected (a class with 0 repaired in red)", fontsize=10)
    ax.grid(True, axis="y", alpha=0.3)
    if langs:
        ax.legend(fontsize=8, loc="upper right", ncol=len(langs))
    else:
        ax.text(0.5, 0.5, "no quality data", ha="center", va="center", transform=ax.transAxes)


def chart(results: Mapping[str, Any], rows: Sequence[Any], path: Path) -> None:
    """Write the chart of a run (``rows``: its throughput rows) to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ladders = ladders_in(_infos(results))
    series = [s for s in SERIES if any(r.corpus == s for r in rows)]
    recall = bool(pooled_recall(results)[0])
    plan = [p for p, present in (("ladder", ladders), ("throughput", series), ("recall", recall)) if present] or ["recall"]
    fig = plt.figure(figsize=(17, 5.2 * len(plan)))
    grid = fig.add_gridspec(len(plan), 3)
    for row, part in enumerate(plan):
        if part == "ladder":
            for col, (corpus, ladder) in enumerate(list(ladders.items())[:3]):
                _ladder_axes(fig.add_subplot(grid[row, col]), corpus, ladder, _ladder_xlim(ladders))
        elif part == "throughput":
            for col, s in enumerate(series):
                _throughput_axes(fig.add_subplot(grid[row, col]), s, rows)
        else:
            _recall_axes(fig.add_subplot(grid[row, :]), results)
    version = next((i["cleaner_version"] for i in _infos(results) if "cleaner_version" in i), "?")
    fig.suptitle(f"cleaner {version} benchmarks ({run_mode(results)} run, {str(results.get('datetime', ''))[:10]})")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=100)
    plt.close(fig)
