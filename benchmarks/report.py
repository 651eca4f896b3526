"""``python -m benchmarks.report RESULTS.json --out DIR``: a Markdown table and
a PNG chart from a pytest-benchmark JSON file.

``DIR/report.md`` holds: throughput per rule and input size with the speed
ratio to ftfy measured in the same run, cost growth (scaling), per-artifact
recall, paragraph precision and recall, character error rate before and
after, the change rate on clean controls, golden cases, and every gate with
its status against ``benchmarks/baseline.json``.  ``DIR/chart.png`` plots
throughput against input size per rule (Chinese, English, one long Chinese
paragraph) and recall per artifact class.  Benchmarks of other modules
(dedup, typo repair) are listed generically, with their figures.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .gates import BASELINE_PATH, DETAILS_KEY, FIGURES_KEY, SPEED_KEY, Baseline, Verdict, check_results, load_results, run_mode
from .inject import CLASSES, REPAIRED_BY

__all__ = ["Row", "collect", "markdown", "chart", "main"]

SIZE_ORDER = {"10KB": 0, "100KB": 1, "1MB": 2, "whole": 3}
SERIES = ("zh", "en", "zh-longpara")
SERIES_TITLES = {"zh": "Chinese documents", "en": "English documents", "zh-longpara": "one long Chinese paragraph"}
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


def _header(results: Mapping[str, Any]) -> list[str]:
    """Title, version, mode, commit and machine of the run, and how speed is judged."""
    first = _first_info(results)
    machine = results.get("machine_info", {})
    commit = results.get("commit_info", {})
    return [
        "# cleaner benchmark report",
        "",
        f"cleaner {first.get('cleaner_version', '?')}, {run_mode(results)} run, {results.get('datetime', '')[:19]}, "
        f"commit {str(commit.get('id', '?'))[:10]}{' (dirty)' if commit.get('dirty') else ''}, "
        f"Python {machine.get('python_version', '?')} on {machine.get('cpu', {}).get('brand_raw', machine.get('machine', '?'))}",
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


def markdown(results: Mapping[str, Any], verdicts: Sequence[Verdict]) -> str:
    """The report: one section per kind of figure the run holds."""
    rows, others = collect(results)
    figures = _all_figures(results)
    injected = _injected_scores(results)
    lines = _header(results)
    if rows:
        lines += _throughput(rows) + _cost_growth(results)
    if injected:
        lines += _recall(injected) + _paragraphs_and_characters(injected)
    lines += _controls(figures) + _golden(figures, _all_info(results)) + _other_benchmarks(others) + _gates(verdicts)
    return "\n".join(lines) + "\n"


def _throughput_axes(ax: Any, series: str, rows: Sequence[Row], targets: Sequence[str], colours: Mapping[str, Any]) -> None:
    """Throughput against input size of every target on one corpus series."""
    pts: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for r in rows:
        if r.corpus == series and r.size_bytes and not math.isnan(r.mb_s):
            pts[r.target].append((r.size_bytes, r.mb_s))
    for t in targets:
        if t not in pts:
            continue
        xs, ys = zip(*sorted(pts[t]))
        ref = t in REFERENCE_LABELS
        pipe = t.startswith("pipeline")
        ax.plot(xs, ys, marker="o", linestyle="--" if ref else "-", linewidth=3 if (pipe or ref) else 1.4,
                color="black" if t == "ftfy" else ("grey" if t == "plain" else colours[t]), label=REFERENCE_LABELS.get(t, t))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("input size (bytes, UTF-8)")
    ax.set_ylabel("throughput (MB/s, median)")
    title = f"Throughput: {SERIES_TITLES[series]}"
    if "plain" in pts:
        # above a few times the plain pass a target does next to nothing: keep the scale readable
        top = 5 * max(y for _, y in pts["plain"])
        off = sorted(t for t, p in pts.items() if max(y for _, y in p) > top)
        low = min(y for p in pts.values() for _, y in p)
        ax.set_ylim(low / 2, top)
        if off:
            title += f"\n(off scale, above {top:.3g} MB/s: {', '.join(off)})"
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    if not pts:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)


def _pooled_recall(results: Mapping[str, Any]) -> tuple[dict[str, dict[str, list[int]]], set[str]]:
    """lang -> class -> [repaired, injected] over the corpora of the language,
    and the classes whose figures were not gated (rule not active)."""
    figures = _all_figures(results)
    pooled: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    inactive: set[str] = set()
    for corpus, sc in _injected_scores(results).items():
        lang = corpus.split("-")[0]
        for cls, r in sc["recall"].items():
            pooled[lang][cls][0] += r["repaired"]
            pooled[lang][cls][1] += r["injected"]
            if not figures.get(f"quality.{corpus}.recall.{cls}", {}).get("gated", True):
                inactive.add(cls)
    return pooled, inactive


def _recall_axes(ax: Any, results: Mapping[str, Any]) -> None:
    """Bars of recall per artifact class (registry order), one colour per language."""
    pooled, inactive = _pooled_recall(results)
    langs = sorted(pooled, key=lambda x: ("zh", "en").index(x) if x in ("zh", "en") else 9)
    classes = [c for c in CLASSES if any(c in pooled[lang] for lang in langs)]
    width = 0.8 / max(1, len(langs))
    lang_names = {"zh": "Chinese", "en": "English"}
    for k, lang in enumerate(langs):
        bar_x: list[float] = []
        bar_y: list[float] = []
        bar_labels: list[str] = []
        for i, cls in enumerate(classes):
            if cls in pooled[lang]:
                rep, inj = pooled[lang][cls]
                bar_x.append(i - 0.4 + width * (k + 0.5))
                bar_y.append(rep / inj if inj else 0.0)
                bar_labels.append(f"{rep}/{inj}")
        bars = ax.bar(bar_x, bar_y, width=width, label=lang_names.get(lang, lang), color=("tab:red", "tab:blue", "tab:green")[k % 3], alpha=0.85)
        for bar, cls_label, y in zip(bars, bar_labels, bar_y):
            ax.text(bar.get_x() + bar.get_width() / 2, y + 0.01, cls_label, ha="center", va="bottom", fontsize=6, rotation=90)
    ax.set_xticks(range(len(classes)))
    ax.set_xticklabels([f"{c} ({REPAIRED_BY[c]}{', not active' if c in inactive else ''})" for c in classes], rotation=55, ha="right", fontsize=7)
    ax.set_ylim(0, 1.18)
    ax.set_ylabel("recall (repaired / injected)")
    ax.set_title("Quality: recall per artifact class (repairing rule in brackets)")
    ax.grid(True, axis="y", alpha=0.3)
    if langs:
        ax.legend(fontsize=8, loc="upper right", ncol=len(langs))
    else:
        ax.text(0.5, 0.5, "no quality data", ha="center", va="center", transform=ax.transAxes)


def chart(results: Mapping[str, Any], path: Path) -> None:
    """Throughput against input size per rule, and recall per artifact class."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, _ = collect(results)
    fig, axes = plt.subplots(2, 2, figsize=(15, 11))
    targets = _target_order(r.target for r in rows)
    cmap = plt.get_cmap("tab20")
    colours = {t: cmap(i % 20) for i, t in enumerate(targets)}
    for ax, series in zip((axes[0][0], axes[0][1], axes[1][0]), SERIES):
        _throughput_axes(ax, series, rows, targets, colours)
    handles, labels = axes[0][0].get_legend_handles_labels()
    if handles:
        axes[0][1].legend(handles, labels, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, title="target")
    _recall_axes(axes[1][1], results)
    first = _first_info(results)
    fig.suptitle(f"cleaner {first.get('cleaner_version', '?')} benchmarks ({run_mode(results)} run, {results.get('datetime', '')[:10]})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description="Markdown table and PNG chart from a pytest-benchmark JSON file.")
    parser.add_argument("results", type=Path, help="a file written by pytest --benchmark-json (or saved with --benchmark-save)")
    parser.add_argument("--out", type=Path, required=True, help="folder for report.md and chart.png")
    parser.add_argument("--baseline", type=Path, default=BASELINE_PATH)
    args = parser.parse_args(argv)
    try:
        results = load_results(args.results)
        baseline = Baseline.load(args.baseline)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    verdicts = check_results(results, baseline)
    (args.out / "report.md").write_text(markdown(results, verdicts), encoding="utf-8")
    chart(results, args.out / "chart.png")
    print(f"wrote {args.out / 'report.md'} and {args.out / 'chart.png'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
