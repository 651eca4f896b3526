"""Fixtures and options of the benchmark suite.

Modes
    quick (``--quick`` or ``CLEANER_BENCH_QUICK=1``): every benchmark runs
    with a small time budget (a few rounds, one for the big inputs), the
    largest input sizes are left out, all quality gates are on.  ``--quick``
    also turns pytest-benchmark on (the project's ``addopts`` turn it off)
    and its timing tables off (``--bench-tables`` keeps them): the run ends
    with the short summary of :mod:`benchmarks.summary` instead.
    full (the default): all sizes, about two seconds of rounds per benchmark
    (at least five rounds).  Use ``--benchmark-enable`` and
    ``--benchmark-json`` / ``--benchmark-save`` to keep the results.

Fixtures for benchmark modules
    ``gate``: a :class:`benchmarks.gates.Gate` bound to the test's
    ``benchmark.extra_info``; declare quality figures and speed ratios on
    it.  It is checked when the test function returns: the test fails
    naming every figure that regressed.
    ``measure``: ``measure(fn, size_bytes=N)`` times ``fn`` with
    ``benchmark.pedantic`` under the mode's budget and returns
    ``(result, median seconds or None when timing is off)``; it records
    ``size_bytes`` and the throughput in ``extra_info``.
    ``reference_time``: ``reference_time("ftfy" | "plain", text, key)``,
    the median time of a reference on the same text in this run (measured
    once per key and kept for the session).
    ``quick``: whether the run is in quick mode.
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import cleaner
from benchmarks import REFERENCES
from benchmarks.gates import Baseline, Gate
from benchmarks.summary import summary_lines

QUICK_ENV = "CLEANER_BENCH_QUICK"


@dataclass(frozen=True, slots=True)
class Budget:
    """How long to time one benchmark: rounds = budget / time of one call,
    clamped to [min_rounds, max_rounds]."""

    seconds: float
    min_rounds: int
    max_rounds: int

    def rounds(self, one_call: float) -> int:
        wanted = math.ceil(self.seconds / max(one_call, 1e-6))
        return max(self.min_rounds, min(self.max_rounds, wanted))


QUICK = Budget(seconds=0.25, min_rounds=1, max_rounds=15)
FULL = Budget(seconds=2.0, min_rounds=3, max_rounds=200)
#: a speed ratio that failed is measured again under this budget, per side
CONFIRM = Budget(seconds=1.0, min_rounds=5, max_rounds=100)
#: quick mode judges a speed ratio against its baseline with at least this
#: relative tolerance (a fourfold slowdown fails, a twofold one does not):
#: a few rounds on an unknown CI machine cannot see less.  Full mode uses
#: the baseline's own tolerance (0.5).
QUICK_SPEED_SLACK = 0.75
#: quick mode fails a speed gate only when the ratio is below this fraction of
#: the bound it missed (a tenfold slowdown); smaller misses are reported as
#: ``advisory``: on a loaded shared machine a few rounds can be 2-5x off from
#: noise alone (issue 11.23), and the test command must not go red from that.
QUICK_SPEED_ADVISORY = 0.1

GATES_KEY = pytest.StashKey[list[tuple[str, Gate]]]()
GATE_KEY = pytest.StashKey[Gate]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cleaner benchmarks")
    group.addoption(
        "--quick",
        action="store_true",
        default=False,
        help=f"quick mode: small time budget, largest sizes left out, quality gates on (or {QUICK_ENV}=1); implies --benchmark-enable "
        "and prints a short summary instead of pytest-benchmark's tables",
    )
    group.addoption(
        "--bench-tables",
        action="store_true",
        default=False,
        help="in quick mode, print pytest-benchmark's timing tables too (a full run always prints them)",
    )


def is_quick(config: pytest.Config) -> bool:
    return bool(config.getoption("--quick", default=False)) or os.environ.get(QUICK_ENV, "") not in ("", "0")


def pytest_configure(config: pytest.Config) -> None:
    # runs before pytest-benchmark reads its options (its hook is trylast)
    if is_quick(config) and hasattr(config.option, "benchmark_enable"):
        config.option.benchmark_enable = True
        if not config.getoption("--bench-tables", default=False):
            config.option.benchmark_quiet = True  # the summary below replaces the tables
    config.stash[GATES_KEY] = []


@pytest.fixture(scope="session")
def quick(pytestconfig: pytest.Config) -> bool:
    return is_quick(pytestconfig)


@pytest.fixture(scope="session")
def budget(quick: bool) -> Budget:
    return QUICK if quick else FULL


@pytest.fixture(scope="session")
def baseline() -> Baseline:
    return Baseline.load()


@pytest.fixture
def gate(request: pytest.FixtureRequest, benchmark: Any, baseline: Baseline, quick: bool) -> Gate:
    info = benchmark.extra_info
    info.setdefault("cleaner_version", cleaner.__version__)
    info.setdefault("rules", list(cleaner.make_config().active_rules()))
    info.setdefault("mode", "quick" if quick else "full")
    g = Gate(
        baseline, info,
        speed_slack=QUICK_SPEED_SLACK if quick else 0.0,
        speed_advisory=QUICK_SPEED_ADVISORY if quick else None,
    )
    request.node.stash[GATE_KEY] = g
    request.config.stash.setdefault(GATES_KEY, []).append((request.node.nodeid, g))
    return g


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Check the test's gate when the test function returns, so a regressed
    figure fails the test (not its teardown) and the message names it."""
    __tracebackhide__ = True
    result = yield
    g = item.stash.get(GATE_KEY, None)
    if g is not None:
        g.check()
    return result


@pytest.fixture(scope="session")
def timings() -> dict[str, float]:
    """Median seconds of what this session measured, by key."""
    return {}


def median_time(fn: Callable[[], object], budget: Budget) -> float:
    """Median seconds of ``fn`` over the budget's rounds, after one warm-up call
    (for references and for sizes that did not run as benchmarks)."""
    t0 = time.perf_counter()
    fn()
    one = time.perf_counter() - t0
    samples = []
    for _ in range(budget.rounds(one)):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def paired_ratio(reference: Callable[[], object], target: Callable[[], object], budget: Budget = CONFIRM) -> float:
    """Reference time / target time, the two called in turn (one warm-up
    call each, then rounds of reference-target pairs) and compared by
    median: a load spike on the machine slows both sides of the same pair,
    where two medians taken minutes apart see different machines."""
    t0 = time.perf_counter()
    reference()
    t1 = time.perf_counter()
    target()
    t2 = time.perf_counter()
    rounds = budget.rounds(max(t1 - t0, t2 - t1))
    ref_times, target_times = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        reference()
        t1 = time.perf_counter()
        target()
        t2 = time.perf_counter()
        ref_times.append(t1 - t0)
        target_times.append(t2 - t1)
    return statistics.median(ref_times) / max(statistics.median(target_times), 1e-9)


class Measure:
    """Times a function with ``benchmark.pedantic`` under a budget."""

    def __init__(self, benchmark: Any, budget: Budget, timings: dict[str, float]) -> None:
        self.benchmark = benchmark
        self.budget = budget
        self.timings = timings

    @property
    def enabled(self) -> bool:
        return bool(getattr(self.benchmark, "enabled", False))

    def __call__(
        self, fn: Callable[[], Any], *, size_bytes: int | None = None, key: str | None = None, rounds: int | None = None
    ) -> tuple[Any, float | None]:
        """Time ``fn`` (after one warm-up call, whose result is returned);
        ``rounds`` overrides the budget.  With timing off, ``fn`` runs once."""
        if not self.enabled:
            return self.benchmark.pedantic(fn, rounds=1, iterations=1), None
        t0 = time.perf_counter()
        result = fn()  # warm-up (caches, dictionaries), and the time of one call
        one = time.perf_counter() - t0
        self.benchmark.pedantic(fn, rounds=rounds or self.budget.rounds(one), iterations=1, warmup_rounds=0)
        stats = getattr(self.benchmark, "stats", None)
        median = float(stats.stats.median) if self.enabled and stats is not None else None
        info = self.benchmark.extra_info
        if size_bytes is not None:
            info["size_bytes"] = size_bytes
            if median:
                info["throughput_mb_s"] = round(size_bytes / median / 1e6, 4)
        if median is not None:
            info["median_s"] = median
            if key:
                self.timings[key] = median
        return result, median


@pytest.fixture
def measure(benchmark: Any, budget: Budget, timings: dict[str, float]) -> Measure:
    return Measure(benchmark, budget, timings)


@pytest.fixture(scope="session")
def reference_time(budget: Budget, timings: dict[str, float]) -> Callable[[str, str, str], float]:
    """Median seconds of reference ``kind`` on ``text``, under ``key``: taken
    from this session's reference benchmarks when they ran, else measured."""

    def get(kind: str, text: str, key: str) -> float:
        full_key = f"{key}/{kind}"
        if full_key not in timings:
            fn = REFERENCES[kind]
            timings[full_key] = median_time(lambda: fn(text), budget)
        return timings[full_key]

    return get


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The run in a few lines: the speed ladder in MB per CPU-second and x
    ftfy, the gates by status with what failed or is advisory, the key
    ratios, and where the long tables are."""
    gates = config.stash.get(GATES_KEY, [])
    if not gates:
        return
    tr = terminalreporter
    tr.section("cleaner gates and speed: summary")
    for line in summary_lines([g.extra_info for _, g in gates], [v for _, g in gates for v in g.verdicts]):
        tr.write_line(line)
    if is_quick(config) and not config.getoption("--bench-tables", default=False):
        tr.write_line("timing tables: --bench-tables; report and chart: --benchmark-json=FILE, then python -m benchmarks.report FILE --out DIR")
