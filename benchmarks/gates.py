"""Gates: quality figures against the committed baseline, speed ratios against floors.

A benchmark declares what it measured through a :class:`Gate`:

* ``gate.quality(name, value, higher_is_better=..., tolerance=...)``: a
  quality figure.  It is judged against its entry in ``baseline.json``
  (value, direction, tolerance): it fails when it is worse than the baseline
  value by more than the tolerance.  A figure without a baseline entry is
  reported (``no-baseline``) and not gated until someone adds it with
  ``python -m benchmarks.gates update``; a figure declared with
  ``gated=False`` (for instance the recall of an artifact class whose rule
  does not exist yet) is only reported and never enters the baseline.
  ``limit=`` adds an absolute bound that holds whatever the baseline says
  (the change rate on clean control documents: ``limit=0``).
* ``gate.speed(name, ratio, floor=..., regression_tolerance=0.5)``: a speed
  ratio against a reference measured in the same run (ftfy alone, a plain
  Python pass, the same target at a smaller size).  It fails below its
  floor (a claim the code makes, e.g. "at least 0.3x ftfy's speed"), and,
  when the baseline holds a ratio for it (written from a full run), when it
  falls below that ratio by more than the relative tolerance (0.5: half as
  fast relative to the reference).  Absolute times are never gated:
  machines differ.  ``confirm=`` (a function returning a re-measured
  ratio) is called when the first measure fails, and the verdict is taken
  from the second, better measure (the reference and the target called in
  turn, so that a load spike hits both): one noisy median does not fail a
  run, a real slowdown fails it twice.  ``Gate(..., speed_slack=0.75)``
  widens every baseline tolerance to at least 0.75 (quick mode: a few
  rounds, on whatever machine CI has, catch a fourfold slowdown, not a
  twofold one; full runs on the baseline's machine keep 0.5).
  ``Gate(..., speed_advisory=0.1)`` (quick mode) turns a failed speed
  verdict into ``advisory`` (reported, not failing) unless the ratio is
  below that fraction of the bound it missed: a few rounds on a loaded
  shared machine can be several times slower than the reference from noise
  alone, so quick mode fails only on a tenfold slowdown (an accidental
  quadratic loop), never on noise; quality gates stay strict in both modes.

Everything declared is written into the benchmark's ``extra_info`` (so it is
in the pytest-benchmark JSON and in saved runs), and the test fails with a
message that names every figure that regressed.

``baseline.json`` also lists ``known_failures``: figures that are wrong in
the current version and reported upstream, with the reason.  They are
judged against their baseline value (they must not get worse) but their
``limit`` is not enforced until they are fixed.

>>> b = Baseline({"q.recall": Expected(0.9, "higher", 0.01)})
>>> b.judge(Figure("q.recall", 0.95)).status, b.judge(Figure("q.recall", 0.85)).status
('improved', 'regressed')
>>> print(b.judge(Figure("q.recall", 0.85)).message)
q.recall = 0.85 fell below the baseline 0.9 by more than the tolerance 0.01 (higher is better)
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "BASELINE_PATH",
    "DETAILS_KEY",
    "FIGURES_KEY",
    "SPEED_KEY",
    "Baseline",
    "Expected",
    "Figure",
    "Gate",
    "GateFailure",
    "SpeedRatio",
    "Verdict",
    "compare_results",
    "figures_in_results",
    "judge_speed",
    "load_results",
    "run_mode",
    "main",
    "speeds_in_results",
    "update_baseline",
]

BASELINE_PATH = Path(__file__).with_name("baseline.json")
#: keys of a benchmark's extra_info that a Gate writes (and the report reads)
FIGURES_KEY = "quality_figures"
SPEED_KEY = "speed_ratios"
DETAILS_KEY = "details"
DIRECTIONS = ("higher", "lower")
FAILED = frozenset({"regressed", "below-limit", "below-floor"})


class GateFailure(AssertionError):
    """A gated figure regressed; the message names each one."""


@dataclass(frozen=True, slots=True)
class Figure:
    """A measured quality figure and how to judge it."""

    name: str
    value: float
    direction: str = "higher"
    tolerance: float = 0.0
    gated: bool = True
    limit: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction of {self.name} must be 'higher' or 'lower', not {self.direction!r}")
        if self.tolerance < 0 or not math.isfinite(self.value):
            raise ValueError(f"{self.name}: tolerance must be >= 0 and the value finite")


@dataclass(frozen=True, slots=True)
class Expected:
    """A baseline entry."""

    value: float
    direction: str
    tolerance: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"value": self.value, "direction": self.direction, "tolerance": self.tolerance}
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True, slots=True)
class SpeedRatio:
    """``ratio`` = reference time / target time (above 1: the target is faster).

    ``regression_tolerance``: relative drop from the baseline ratio that
    fails (None: judged against the floor only)."""

    name: str
    ratio: float | None
    floor: float
    reference: str
    note: str = ""
    regression_tolerance: float | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    name: str
    status: str  # ok, improved, regressed, below-limit, known-failure, no-baseline, report-only, below-floor, not-measured
    message: str
    value: float | None = None
    baseline: float | None = None

    @property
    def failed(self) -> bool:
        return self.status in FAILED


def _fmt(x: float) -> str:
    return f"{x:.4g}"


#: figures are stored with 6 decimals: differences below half a unit of the last one are equal
_EPS = 5e-7


def _worse(value: float, base: float, direction: str, tolerance: float) -> bool:
    if direction == "higher":
        return value < base - tolerance - _EPS
    return value > base + tolerance + _EPS


def _better(value: float, base: float, direction: str) -> bool:
    return value > base + _EPS if direction == "higher" else value < base - _EPS


@dataclass(slots=True)
class Baseline:
    """The committed baseline: expected figures and known failures."""

    figures: dict[str, Expected] = field(default_factory=dict)
    known_failures: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    comment: str = ""
    #: speed ratios from a full run; ``tolerance`` is relative
    speed: dict[str, Expected] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = BASELINE_PATH) -> Baseline:
        if not path.exists():
            return cls(path=path)
        data = json.loads(path.read_text(encoding="utf-8"))
        figures = {}
        for name, e in data.get("figures", {}).items():
            if e.get("direction") not in DIRECTIONS:
                raise ValueError(f"{path}: figure {name} has no valid direction (higher or lower)")
            figures[name] = Expected(float(e["value"]), e["direction"], float(e.get("tolerance", 0.0)), e.get("note", ""))
        speed = {n: Expected(float(e["value"]), "higher", float(e["tolerance"]), e.get("note", "")) for n, e in data.get("speed", {}).items()}
        return cls(figures, dict(data.get("known_failures", {})), path, data.get("comment", ""), speed)

    def save(self, path: Path | None = None) -> None:
        path = path or self.path or BASELINE_PATH
        def block(entries: Mapping[str, Any]) -> str:
            if not entries:
                return "{}"
            rows = [f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}" for k, v in sorted(entries.items())]
            return "{\n" + ",\n".join(rows) + "\n }"

        text = (
            "{\n"
            f' "comment": {json.dumps(self.comment, ensure_ascii=False)},\n'
            f' "known_failures": {block(self.known_failures)},\n'
            f' "figures": {block({k: v.to_dict() for k, v in self.figures.items()})},\n'
            f' "speed": {block({k: {"value": v.value, "tolerance": v.tolerance} for k, v in self.speed.items()})}\n'
            "}\n"
        )
        json.loads(text)  # one entry per line, and still JSON
        path.write_text(text, encoding="utf-8")

    def judge(self, fig: Figure) -> Verdict:
        """The verdict on one figure (see the module docstring)."""
        v, name = fig.value, fig.name
        arrow = "higher is better" if fig.direction == "higher" else "lower is better"
        known = self.known_failures.get(name)
        if fig.limit is not None and not known and _worse(v, fig.limit, fig.direction, 0.0):
            bound = "at least" if fig.direction == "higher" else "at most"
            return Verdict(name, "below-limit", f"{name} = {_fmt(v)} must be {bound} {_fmt(fig.limit)} whatever the baseline ({fig.note or arrow})", v)
        if not fig.gated:
            return Verdict(name, "report-only", f"{name} = {_fmt(v)} (reported, not gated{': ' + fig.note if fig.note else ''})", v)
        base = self.figures.get(name)
        if base is None:
            return Verdict(name, "no-baseline", f"{name} = {_fmt(v)} has no baseline yet (not gated; add it with `python -m benchmarks.gates update`)", v)
        if base.direction != fig.direction:
            return Verdict(
                name, "regressed",
                f"{name}: the benchmark says {fig.direction} is better but the baseline says {base.direction}; fix one of them", v, base.value,
            )
        if _worse(v, base.value, base.direction, base.tolerance):
            below = "below" if base.direction == "higher" else "above"
            return Verdict(
                name, "regressed",
                f"{name} = {_fmt(v)} fell {below} the baseline {_fmt(base.value)} by more than the tolerance {_fmt(base.tolerance)} ({arrow})",
                v, base.value,
            )
        if _better(v, base.value, base.direction):
            todo = f"a known failure ({known}): remove it from known_failures when fixed, and" if known else ""
            return Verdict(name, "improved", f"{name} = {_fmt(v)} improved on the baseline {_fmt(base.value)} ({todo} update the baseline to keep it)".replace("( ", "("), v, base.value)
        if known:
            return Verdict(name, "known-failure", f"{name} = {_fmt(v)}: known failure ({known})", v, base.value)
        return Verdict(name, "ok", f"{name} = {_fmt(v)} (baseline {_fmt(base.value)})", v, base.value)


def judge_speed(s: SpeedRatio, baseline: Baseline | None = None, *, slack: float = 0.0) -> Verdict:
    """A speed ratio against its floor and, when the baseline has it and the
    ratio declares a regression tolerance, against the baseline ratio (with
    the baseline's tolerance widened to at least ``slack``);
    ``ratio=None`` means timing was off.

    >>> judge_speed(SpeedRatio("s.vs_ftfy", 0.4, 0.5, "ftfy")).message
    's.vs_ftfy = 0.4x ftfy fell below the floor 0.5x'
    >>> b = Baseline(speed={"s.vs_ftfy": Expected(2.0, "higher", 0.5)})
    >>> judge_speed(SpeedRatio("s.vs_ftfy", 0.9, 0.5, "ftfy", regression_tolerance=0.5), b).status
    'regressed'
    >>> judge_speed(SpeedRatio("s.vs_ftfy", 0.9, 0.5, "ftfy", regression_tolerance=0.5), b, slack=0.75).status
    'ok'
    """
    if s.ratio is None:
        return Verdict(s.name, "not-measured", f"{s.name}: not measured (benchmarks disabled: run with --benchmark-enable)")
    known = baseline.known_failures.get(s.name) if baseline is not None else None
    if s.ratio < s.floor and known:
        return Verdict(s.name, "known-failure", f"{s.name} = {s.ratio:.3g}x {s.reference}, below the floor {s.floor:g}x: known failure ({known})", s.ratio, s.floor)
    if s.ratio < s.floor:
        return Verdict(
            s.name, "below-floor",
            f"{s.name} = {s.ratio:.3g}x {s.reference} fell below the floor {s.floor:g}x"
            f"{' (' + s.note + ')' if s.note else ''}",
            s.ratio, s.floor,
        )
    base = baseline.speed.get(s.name) if baseline is not None and s.regression_tolerance is not None else None
    if base is not None:
        tolerance = max(base.tolerance, slack)
        least = base.value * (1 - tolerance)
        if s.ratio < least:
            return Verdict(
                s.name, "regressed",
                f"{s.name} = {s.ratio:.3g}x {s.reference} fell below the baseline {base.value:.3g}x "
                f"by more than {tolerance:.0%} (a slowdown relative to the reference measured in the same run)",
                s.ratio, base.value,
            )
        return Verdict(s.name, "ok", f"{s.name} = {s.ratio:.3g}x {s.reference} (floor {s.floor:g}x, baseline {base.value:.3g}x)", s.ratio, base.value)
    return Verdict(s.name, "ok", f"{s.name} = {s.ratio:.3g}x {s.reference} (floor {s.floor:g}x)", s.ratio, s.floor)


class Gate:
    """What one benchmark measured, recorded into its ``extra_info`` and judged.

    >>> info = {}
    >>> g = Gate(Baseline({"x.precision": Expected(0.9, "higher", 0.0)}), info)
    >>> _ = g.quality("x.precision", 0.5)
    >>> _ = g.speed("x.vs_ftfy", 2.0, floor=1.0, reference="ftfy")
    >>> info["quality_figures"]["x.precision"]["status"], info["speed_ratios"]["x.vs_ftfy"]["status"]
    ('regressed', 'ok')
    >>> g.check()
    Traceback (most recent call last):
    ...
    benchmarks.gates.GateFailure: 1 gate(s) failed:
      x.precision = 0.5 fell below the baseline 0.9 by more than the tolerance 0 (higher is better)
    """

    def __init__(
        self, baseline: Baseline, extra_info: dict[str, Any], *, speed_slack: float = 0.0, speed_advisory: float | None = None
    ) -> None:
        if not 0.0 <= speed_slack < 1.0:
            raise ValueError(f"speed_slack must be in [0, 1), got {speed_slack!r}")
        if speed_advisory is not None and not 0.0 < speed_advisory < 1.0:
            raise ValueError(f"speed_advisory must be None or in (0, 1), got {speed_advisory!r}")
        self.baseline = baseline
        self.extra_info = extra_info
        self.speed_slack = speed_slack
        self.speed_advisory = speed_advisory
        self.verdicts: list[Verdict] = []

    def quality(
        self,
        name: str,
        value: float,
        *,
        higher_is_better: bool = True,
        tolerance: float = 0.0,
        gated: bool = True,
        limit: float | None = None,
        note: str = "",
    ) -> Verdict:
        fig = Figure(name, round(float(value), 6), "higher" if higher_is_better else "lower", tolerance, gated, limit, note)
        verdict = self.baseline.judge(fig)
        entry: dict[str, Any] = {
            "value": round(fig.value, 6),
            "direction": fig.direction,
            "tolerance": fig.tolerance,
            "gated": fig.gated,
            "status": verdict.status,
        }
        if fig.limit is not None:
            entry["limit"] = fig.limit
        if verdict.baseline is not None:
            entry["baseline"] = verdict.baseline
        if note:
            entry["note"] = note
        self.extra_info.setdefault(FIGURES_KEY, {})[name] = entry
        self.verdicts.append(verdict)
        return verdict

    def speed(
        self,
        name: str,
        ratio: float | None,
        *,
        floor: float,
        reference: str,
        note: str = "",
        regression_tolerance: float | None = 0.5,
        confirm: Callable[[], float] | None = None,
    ) -> Verdict:
        """Judge a speed ratio; when it fails and ``confirm`` is given, judge
        the ratio ``confirm()`` re-measures instead (both are recorded).

        >>> g = Gate(Baseline(), {})
        >>> g.speed("x.vs_ftfy", 0.2, floor=1.0, reference="ftfy", confirm=lambda: 1.5).status
        'ok'
        >>> g.extra_info["speed_ratios"]["x.vs_ftfy"]["first_ratio"]
        0.2

        In quick mode (``speed_advisory=0.1``) a miss is advisory unless it
        is tenfold:

        >>> q = Gate(Baseline(), {}, speed_advisory=0.1)
        >>> q.speed("x.vs_ftfy", 0.3, floor=1.0, reference="ftfy").status
        'advisory'
        >>> q.speed("x.vs_ftfy", 0.05, floor=1.0, reference="ftfy").status
        'below-floor'
        >>> q.failures()[0].name
        'x.vs_ftfy'
        """
        def judge(r: float | None) -> Verdict:
            return judge_speed(SpeedRatio(name, r, floor, reference, note, regression_tolerance), self.baseline, slack=self.speed_slack)

        verdict = judge(ratio)
        first = None
        if verdict.failed and confirm is not None and ratio is not None:
            first, ratio = ratio, confirm()
            verdict = judge(ratio)
            if verdict.failed:
                verdict = Verdict(
                    verdict.name, verdict.status,
                    f"{verdict.message}; confirmed by a paired re-measurement (first measure {first:.3g}x)",
                    verdict.value, verdict.baseline,
                )
        if verdict.failed and self.speed_advisory is not None and ratio is not None:
            bound = verdict.baseline if verdict.status == "regressed" and verdict.baseline is not None else floor
            if ratio >= bound * self.speed_advisory:
                verdict = Verdict(
                    verdict.name, "advisory",
                    f"{verdict.message} [quick mode: advisory, fails only below {self.speed_advisory:g} of the bound; "
                    "confirm with a full run]",
                    verdict.value, verdict.baseline,
                )
        self.extra_info.setdefault(SPEED_KEY, {})[name] = {
            "ratio": None if ratio is None else round(ratio, 6),
            **({"first_ratio": round(first, 6)} if first is not None else {}),
            "floor": floor,
            "reference": reference,
            "status": verdict.status,
            "regression_tolerance": regression_tolerance,
            **({"baseline": verdict.baseline} if verdict.baseline is not None and regression_tolerance is not None else {}),
            **({"note": note} if note else {}),
        }
        self.verdicts.append(verdict)
        return verdict

    def info(self, name: str, value: Any) -> None:
        """Record a figure that is neither judged nor gated (sizes, counts)."""
        self.extra_info.setdefault(DETAILS_KEY, {})[name] = value

    def failures(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.failed]

    def check(self) -> None:
        """Raise :class:`GateFailure` naming every figure that failed."""
        __tracebackhide__ = True
        bad = self.failures()
        if bad:
            raise GateFailure(f"{len(bad)} gate(s) failed:\n" + "\n".join(f"  {v.message}" for v in bad))


# --------------------------------------------------------------------------
# pytest-benchmark JSON


def load_results(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "benchmarks" not in data:
        raise ValueError(f"{path} is not a pytest-benchmark JSON file (no 'benchmarks')")
    return data


def figures_in_results(results: Mapping[str, Any]) -> dict[str, Figure]:
    """Every quality figure declared in a pytest-benchmark JSON file."""
    out: dict[str, Figure] = {}
    for bench in results.get("benchmarks", []):
        for name, e in (bench.get("extra_info") or {}).get(FIGURES_KEY, {}).items():
            if not isinstance(e, dict) or "value" not in e or e.get("direction") not in DIRECTIONS:
                continue
            out[name] = Figure(name, float(e["value"]), e["direction"], float(e.get("tolerance", 0.0)), bool(e.get("gated", True)), e.get("limit"), e.get("note", ""))
    return out


def speeds_in_results(results: Mapping[str, Any]) -> dict[str, SpeedRatio]:
    out: dict[str, SpeedRatio] = {}
    for bench in results.get("benchmarks", []):
        for name, e in (bench.get("extra_info") or {}).get(SPEED_KEY, {}).items():
            if not isinstance(e, dict) or "floor" not in e:
                continue
            out[name] = SpeedRatio(name, e.get("ratio"), float(e["floor"]), e.get("reference", ""), e.get("note", ""), e.get("regression_tolerance"))
    return out


def run_mode(results: Mapping[str, Any]) -> str:
    """"quick", "full" or "mixed", from the benchmarks' extra_info."""
    modes = {str(m) for b in results.get("benchmarks", []) if (m := (b.get("extra_info") or {}).get("mode"))}
    return modes.pop() if len(modes) == 1 else "mixed"


def check_results(results: Mapping[str, Any], baseline: Baseline) -> list[Verdict]:
    """Judge a saved run against a baseline (figures, speed floors and ratios)."""
    verdicts = [baseline.judge(f) for f in figures_in_results(results).values()]
    verdicts += [judge_speed(s, baseline) for s in speeds_in_results(results).values()]
    return verdicts


def update_baseline(baseline: Baseline, results: Mapping[str, Any], only: Sequence[str] = (), *, speed: bool = True) -> list[str]:
    """Set baseline entries from a run's gated figures and, from a full run,
    its speed ratios that declare a regression tolerance (names starting
    with one of ``only``, or all).  Returns a line per change."""
    changes: list[str] = []
    if speed and run_mode(results) == "full":
        for name, sp in sorted(speeds_in_results(results).items()):
            if only and not any(name.startswith(p) for p in only):
                continue
            if sp.regression_tolerance is None:
                if name in baseline.speed:  # no longer held to a baseline
                    del baseline.speed[name]
                    changes.append(f"dropped speed {name}: not gated in this run")
                continue
            if sp.ratio is None:
                continue
            new = Expected(round(sp.ratio, 6), "higher", sp.regression_tolerance)
            if baseline.speed.get(name) != new:
                old = baseline.speed.get(name)
                changes.append(f"{'set' if old is None else 'changed'} speed {name}: {old.value if old else '-'} -> {new.value}")
                baseline.speed[name] = new
    elif speed:
        changes.append("speed ratios not written: they are taken from a full run only (this one is quick or mixed)")
    for name, fig in sorted(figures_in_results(results).items()):
        if only and not any(name.startswith(p) for p in only):
            continue
        if not fig.gated:
            if name in baseline.figures:
                changes.append(f"kept {name}: reported only in this run")
            continue
        new = Expected(round(fig.value, 6), fig.direction, fig.tolerance, baseline.figures[name].note if name in baseline.figures else "")
        old = baseline.figures.get(name)
        if old != new:
            changes.append(f"{'set' if old is None else 'changed'} {name}: {old.value if old else '-'} -> {new.value}")
            baseline.figures[name] = new
    return changes


def compare_results(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Verdict]:
    """Quality figures of a new run judged against an old run (the old values
    serve as the baseline, with the new run's directions and tolerances)."""
    old_figs = figures_in_results(old)
    base = Baseline({n: Expected(f.value, f.direction, f.tolerance) for n, f in old_figs.items()})
    verdicts = []
    for name, fig in sorted(figures_in_results(new).items()):
        if name not in old_figs:
            verdicts.append(Verdict(name, "no-baseline", f"{name} = {_fmt(fig.value)} is new in this run", fig.value))
            continue
        verdicts.append(base.judge(Figure(name, fig.value, fig.direction, fig.tolerance, True, None, fig.note)))
    old_speed = speeds_in_results(old)
    speed_base = Baseline(speed={n: Expected(o.ratio, "higher", o.regression_tolerance) for n, o in old_speed.items()
                                 if o.ratio and o.regression_tolerance is not None})
    for name, s in sorted(speeds_in_results(new).items()):
        o = old_speed.get(name)
        if o is not None and o.ratio and s.ratio is not None:
            v = judge_speed(s, speed_base)
            if v.status == "ok":
                v = Verdict(name, "info", f"{name}: {o.ratio:.3g}x -> {s.ratio:.3g}x {s.reference}", s.ratio, o.ratio)
            verdicts.append(v)
    return verdicts


def _print(verdicts: Iterable[Verdict], *, quiet: bool) -> None:
    order = {"regressed": 0, "below-limit": 0, "below-floor": 0, "known-failure": 1, "advisory": 1, "improved": 2, "no-baseline": 3}
    for v in sorted(verdicts, key=lambda v: (order.get(v.status, 4), v.name)):
        if quiet and v.status in ("ok", "info", "report-only"):
            continue
        print(f"{v.status:14} {v.message}")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.gates check|update|compare``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gates", description="Quality gates against benchmarks/baseline.json.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="judge a pytest-benchmark JSON run against the baseline; exit 1 naming what regressed")
    p.add_argument("results", type=Path)
    p.add_argument("--baseline", type=Path, default=BASELINE_PATH)
    p.add_argument("--quiet", action="store_true", help="print only what is not plainly ok")
    p = sub.add_parser("update", help="write the run's gated figures into the baseline")
    p.add_argument("results", type=Path)
    p.add_argument("--baseline", type=Path, default=BASELINE_PATH)
    p.add_argument("--only", action="append", default=[], metavar="PREFIX", help="only figures whose name starts with PREFIX (repeatable)")
    p.add_argument("--no-speed", action="store_true", help="leave the speed ratios of the baseline alone")
    p = sub.add_parser("compare", help="judge a new run's quality figures against an old run's; exit 1 naming what regressed")
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            verdicts = check_results(load_results(args.results), Baseline.load(args.baseline))
            _print(verdicts, quiet=args.quiet)
        elif args.command == "compare":
            verdicts = compare_results(load_results(args.old), load_results(args.new))
            _print(verdicts, quiet=args.quiet)
        else:
            baseline = Baseline.load(args.baseline)
            changes = update_baseline(baseline, load_results(args.results), args.only, speed=not args.no_speed)
            baseline.save(args.baseline)
            for line in changes:
                print(line)
            print(f"{len(changes)} change(s) written to {args.baseline}")
            return 0
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bad = [v for v in verdicts if v.failed]
    if bad:
        print(f"\n{len(bad)} gate(s) failed: " + ", ".join(v.name for v in bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
