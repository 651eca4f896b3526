"""The short summary of a benchmark run, for a newcomer: the speed ladder in
plain units, the gates by status, the key ratios.

Shared by the end-of-run summary that ``pytest benchmarks`` prints
(:mod:`benchmarks.conftest`) and by ``python -m benchmarks.report`` (the
report's first section and the README figures).  Everything here reads the
``extra_info`` dictionaries the benchmarks wrote (a live run's or a saved
pytest-benchmark JSON file's) and returns lines of text; nothing is timed.

Units: MB/s is megabytes (10^6 bytes of UTF-8 text) per CPU-second, the
median of interleaved rounds; ``2.5x`` after it is the speed relative to
``ftfy.fix_text`` on the same text in the same run (ftfy time / its time:
above 1, faster than ftfy).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .gates import SPEED_KEY, Verdict
from .ladder import RUNGS

__all__ = [
    "LADDER_KEY",
    "CORPUS_TITLES",
    "gate_lines",
    "key_ratios",
    "ladder_markdown",
    "ladder_text",
    "ladders_in",
    "mb_s",
    "size_label",
    "summary_lines",
    "times",
]

#: the key of ``extra_info`` that holds a ladder (benchmarks/test_bench_speed.py)
LADDER_KEY = "ladder"
CORPUS_ORDER = ("news", "zh", "en")
CORPUS_TITLES = {"news": "Chinese news", "zh": "Chinese, damaged", "en": "English, damaged"}
#: gate statuses worth a line, most urgent first
NOTABLE = {"regressed": 0, "below-limit": 0, "below-floor": 0, "known-failure": 1, "advisory": 1, "improved": 2}
#: lines per notable status that did not fail (failures are all listed)
MAX_LINES = 8
#: per-rule ratios of the throughput tables (every rule at every size): not key ratios
_PER_RULE = re.compile(r"^speed\.[^.]+-(?:\d+[KM]B|whole)\.(?!pipeline(?:_notypo)?\.vs_ftfy$)")


def mb_s(x: float | None) -> str:
    """A throughput with as many digits as it deserves.

    >>> [mb_s(x) for x in (596.06, 14.03, 1.6638, 0.3422, 0.4, 0.04567, None)]
    ['596', '14.0', '1.66', '0.34', '0.40', '0.046', '-']
    """
    if x is None:
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 0.1:
        return f"{x:.2f}"
    return f"{x:.2g}"


def times(x: float | None) -> str:
    """A ratio to a reference: ``0.21x``, ``1x``, ``358x``.

    >>> [times(x) for x in (0.2056, 1.0, 4.04, 358.24, None)]
    ['0.21x', '1x', '4x', '358x', '-']
    """
    if x is None:
        return "-"
    if x >= 10:
        return f"{x:,.0f}x"
    return f"{float(f'{x:.2g}'):g}x"


def ladders_in(infos: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """corpus -> its ladder, from benchmarks' ``extra_info`` (news, zh, en first).

    >>> list(ladders_in([{"ladder": {"corpus": "en", "rungs": {}}}, {}, {"ladder": {"corpus": "zh", "rungs": {}}}]))
    ['zh', 'en']
    """
    found = {lad["corpus"]: dict(lad) for info in infos if isinstance(lad := info.get(LADDER_KEY), Mapping) and "corpus" in lad}
    order = sorted(found, key=lambda c: (CORPUS_ORDER.index(c) if c in CORPUS_ORDER else len(CORPUS_ORDER), c))
    return {c: found[c] for c in order}


def _rung_keys(ladders: Mapping[str, Mapping[str, Any]]) -> list[str]:
    keys = {k for lad in ladders.values() for k in lad.get("rungs", {})}
    return [k for k in RUNGS if k in keys] + sorted(keys - set(RUNGS))


def size_label(n: int) -> str:
    """A corpus size, rounded as a person would say it.

    >>> size_label(999_870), size_label(102_400)
    ('1.0 MB', '102 KB')
    """
    return f"{n / 1e6:.1f} MB" if n >= 950_000 else f"{n / 1e3:.0f} KB"


def _cell(rung: Mapping[str, Any] | None, *, unit: str) -> str:
    if not rung:
        return ""
    text = mb_s(rung.get("mb_per_cpu_s")) + unit
    ratio = rung.get("vs_ftfy")
    return text if ratio is None else f"{text} ({times(ratio)})"


def ladder_markdown(ladders: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The ladder as a Markdown table: a row per rung, a column per corpus.

    >>> lad = {"corpus": "zh", "size_bytes": 100_000, "documents": 1, "rounds": 5,
    ...        "rungs": {"ftfy": {"label": "ftfy.fix_text", "mb_per_cpu_s": 1.66, "vs_ftfy": 1.0},
    ...                  "default": {"label": "pipeline (default)", "mb_per_cpu_s": 0.342, "vs_ftfy": 0.2056}}}
    >>> print("\\n".join(ladder_markdown({"zh": lad})))
    | MB per CPU-second (x ftfy) | Chinese, damaged (100 KB) |
    |---|---|
    | ftfy.fix_text | 1.66 MB/s (1x) |
    | pipeline (default) | **0.34 MB/s (0.21x)** |
    """
    if not ladders:
        return []
    header = ["MB per CPU-second (x ftfy)"] + [f"{CORPUS_TITLES.get(c, c)} ({size_label(int(lad.get('size_bytes', 0)))})" for c, lad in ladders.items()]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for key in _rung_keys(ladders):
        label = next((lad["rungs"][key].get("label", key) for lad in ladders.values() if key in lad.get("rungs", {})), key)
        cells = []
        for lad in ladders.values():
            rung = lad.get("rungs", {}).get(key)
            cell = _cell(rung, unit=" MB/s")
            cells.append(f"**{cell}**" if cell and key == "default" else cell)
        lines.append("| " + " | ".join([label, *cells]) + " |")
    return lines


def ladder_text(ladders: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The ladder as a fixed-width table for the terminal.

    >>> lad = {"corpus": "en", "size_bytes": 100_000, "rounds": 5,
    ...        "rungs": {"ftfy": {"label": "ftfy.fix_text", "mb_per_cpu_s": 4.1, "vs_ftfy": 1.0}}}
    >>> for line in ladder_text({"en": lad}): print(line)
    speed ladder: MB per CPU-second (x ftfy.fix_text), median of 5 interleaved rounds
    step                      en 100 KB
    ftfy.fix_text             4.10 (1x)
    """
    if not ladders:
        return []
    rounds = sorted({int(lad.get("rounds", 0)) for lad in ladders.values()})
    out = [f"speed ladder: MB per CPU-second (x ftfy.fix_text), median of {'/'.join(map(str, rounds))} interleaved rounds"]
    width = 26
    out.append(f"{'step':{width}}" + "".join(f"{c + ' ' + size_label(int(lad.get('size_bytes', 0))):18}" for c, lad in ladders.items()).rstrip())
    for key in _rung_keys(ladders):
        label = next((lad["rungs"][key].get("label", key) for lad in ladders.values() if key in lad.get("rungs", {})), key)
        cells = []
        for lad in ladders.values():
            cells.append(f"{_cell(lad.get('rungs', {}).get(key), unit=''):18}")
        out.append((f"{label:{width}}" + "".join(cells)).rstrip())
    return out


def key_ratios(infos: Iterable[Mapping[str, Any]], ladders: Iterable[str] = ()) -> list[tuple[str, float | None, str]]:
    """(name, ratio, status) of the speed ratios worth a line: all measured
    ones but the per-rule throughput ratios, the scaling ratios, and the
    ladder's own (its table shows them).

    >>> infos = [{"speed_ratios": {"speed.zh-100KB.width.vs_ftfy": {"ratio": 9.0, "status": "ok"},
    ...                            "speed.zh-100KB.pipeline.vs_ftfy": {"ratio": 0.3, "status": "ok"},
    ...                            "scaling.zh.width": {"ratio": 1.0, "status": "ok"},
    ...                            "speed.zh.default.vs_ftfy": {"ratio": 0.2, "status": "advisory"}}}]
    >>> key_ratios(infos, ["zh"])
    [('speed.zh-100KB.pipeline.vs_ftfy', 0.3, 'ok')]
    """
    corpora = tuple(ladders)
    out = []
    for info in infos:
        for name, entry in (info.get(SPEED_KEY) or {}).items():
            if name.startswith("scaling.") or name.endswith(".vs_plain") or _PER_RULE.match(name):
                continue
            if any(name.startswith(f"speed.{c}.") for c in corpora) or entry.get("ratio") is None:
                continue  # in the ladder's table, or not measured (the gates line names those)
            out.append((name, entry.get("ratio"), str(entry.get("status", ""))))
    return sorted(out)


def gate_lines(verdicts: Sequence[Verdict], *, width: int = 200) -> list[str]:
    """The count per status, then a line per notable verdict (failures first),
    each cut to ``width`` characters; the figures without a baseline or not
    measured are named on one line each.

    >>> v = [Verdict("a", "ok", "a ok"), Verdict("b", "advisory", "b = 0.3x ftfy fell below the floor 1x"),
    ...      Verdict("c", "no-baseline", "c has none"), Verdict("d", "below-floor", "d = 0.01x ftfy fell below the floor 1x")]
    >>> for line in gate_lines(v): print(line)
    gates: 1 advisory, 1 below-floor, 1 no-baseline, 1 ok
    below-floor    d = 0.01x ftfy fell below the floor 1x
    advisory       b = 0.3x ftfy fell below the floor 1x
    no-baseline    c (python -m benchmarks.gates update)
    """
    if not verdicts:
        return []
    counts = Counter(v.status for v in verdicts)
    out = ["gates: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))]
    shown: Counter[str] = Counter()
    for v in sorted((v for v in verdicts if v.status in NOTABLE), key=lambda v: (NOTABLE[v.status], v.name)):
        shown[v.status] += 1
        if not v.failed and shown[v.status] > MAX_LINES:
            if shown[v.status] == MAX_LINES + 1:
                out.append(f"{v.status:14} and {counts[v.status] - MAX_LINES} more (python -m benchmarks.report FILE --out DIR lists them)")
            continue
        message = v.message.replace("\n", " ")
        out.append(f"{v.status:14} {message if v.failed or len(message) <= width else message[: width - 3] + '...'}")
    for status, hint in (("no-baseline", "python -m benchmarks.gates update"), ("not-measured", "--benchmark-enable or --quick")):
        names = sorted(v.name for v in verdicts if v.status == status)
        if names:
            more = f" and {len(names) - 5} more" if len(names) > 5 else ""
            out.append(f"{status:14} {', '.join(names[:5])}{more} ({hint})")
    return out


_VS = re.compile(r"^speed\.(?P<group>[^.]+)\.(?P<target>[^.]+)\.vs_(?P<ref>[a-z]+)$")


def _ratio_item(name: str, ratio: float | None, status: str) -> str:
    """``zh-100KB pipeline 0.2x ftfy`` for a ratio to a reference, else ``name 1.8x``.

    >>> _ratio_item("speed.zh-100KB.pipeline.vs_ftfy", 0.2, "ok"), _ratio_item("speed.command.jobs2_over_jobs1", 1.83, "advisory")
    ('zh-100KB pipeline 0.2x ftfy', 'speed.command.jobs2_over_jobs1 1.8x (advisory)')
    """
    m = _VS.match(name)
    text = f"{m['group']} {m['target']} {times(ratio)} {m['ref']}" if m else f"{name} {times(ratio)}"
    return text if status in ("ok", "") else f"{text} ({status})"


def _wrap(items: Sequence[str], *, first: str, width: int) -> list[str]:
    """Items joined by commas into lines of at most ``width`` characters
    (an item is never cut), the lines after the first indented.

    >>> _wrap(["aaa 1x", "bb 2x", "c 3x"], first="r: ", width=16)
    ['r: aaa 1x,', '    bb 2x, c 3x']
    """
    lines: list[str] = []
    line = first
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        bare = line in (first, "    ")
        if not bare and len(line) + 1 + len(piece) > width:
            lines.append(line)
            line, bare = "    ", True
        line += piece if bare else " " + piece
    return [*lines, line]


def summary_lines(infos: Sequence[Mapping[str, Any]], verdicts: Sequence[Verdict], *, width: int = 200) -> list[str]:
    """The short summary of a run: the ladder, the key ratios, the gates.

    >>> infos = [{"speed_ratios": {"speed.command.jobs2_over_jobs1": {"ratio": 1.83, "status": "ok"}}}]
    >>> summary_lines(infos, [Verdict("speed.command.jobs2_over_jobs1", "ok", "fine")])
    ['key ratios: speed.command.jobs2_over_jobs1 1.8x', 'gates: 1 ok']
    """
    ladders = ladders_in(infos)
    lines = ladder_text(ladders)
    ratios = key_ratios(infos, ladders)
    if ratios:
        lines += _wrap([_ratio_item(n, r, st) for n, r, st in ratios], first="key ratios: ", width=120)
    return lines + gate_lines(verdicts, width=width)
