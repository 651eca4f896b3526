"""The speed ladder: what each step of text processing costs on one corpus,
from reading and writing the bytes to the full pipeline, measured side by
side in one run (issue 12, issue 15.6).

The rungs, cheapest first (:data:`RUNGS`):

``read_write``
    decode the documents' UTF-8 bytes and encode them again: the least any
    cleaner does;
``regex``
    one ``re.sub`` over each document (runs of two or more blanks other
    than a line break become one space): what a one-rule cleaner costs;
``ftfy``
    ``ftfy.fix_text`` with its defaults, the reference every speed gate of
    the suite is a ratio to;
``notypo``
    ``cleaner.explain`` with the typo rules off (:data:`TYPO_RULES`);
``default``
    ``cleaner.explain`` with the default configuration.

:class:`Interleaved` times the rungs in turn, round after round (the order
rotates each round), on the process's CPU clock, and keeps the median per
rung: a load spike on a shared machine slows every rung of the same round,
and CPU time does not count the time another process held the core.
:func:`figures` turns the medians into MB per CPU-second and into ratios to
ftfy (ftfy time / rung time: above 1, faster than ftfy).
"""

from __future__ import annotations

import gc
import math
import re
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["RUNGS", "TYPO_RULES", "Interleaved", "figures", "rungs"]

#: rung key -> label, cheapest first
RUNGS: dict[str, str] = {
    "read_write": "plain read/write",
    "regex": "one regex pass",
    "ftfy": "ftfy.fix_text",
    "notypo": "pipeline, typo rules off",
    "default": "pipeline (default)",
}
#: the rules of typo repair, off in the ``notypo`` rung
TYPO_RULES = ("ocr_confusion", "consistency", "stutter", "lexicon")
#: the ``regex`` rung: runs of two or more blanks other than a line break
BLANKS = re.compile(r"[^\S\n]{2,}")


def rungs(docs: Sequence[str]) -> dict[str, Callable[[], list[Any]]]:
    """One function per rung over the same documents (each returns its outputs).

    >>> out = rungs(["天气  很好。"])
    >>> list(out) == list(RUNGS), out["regex"](), out["read_write"]()
    (True, ['天气 很好。'], [b'\\xe5\\xa4\\xa9\\xe6\\xb0\\x94  \\xe5\\xbe\\x88\\xe5\\xa5\\xbd\\xe3\\x80\\x82'])
    """
    import cleaner
    from benchmarks import ftfy_alone

    blobs = [d.encode("utf-8") for d in docs]
    notypo = cleaner.make_config(disable=[r for r in TYPO_RULES if r in cleaner.RULES])
    default = cleaner.make_config()
    return {
        "read_write": lambda: [b.decode("utf-8").encode("utf-8") for b in blobs],
        "regex": lambda: [BLANKS.sub(" ", d) for d in docs],
        "ftfy": lambda: [ftfy_alone(d) for d in docs],
        "notypo": lambda: [cleaner.explain(d, config=notypo) for d in docs],
        "default": lambda: [cleaner.explain(d, config=default) for d in docs],
    }


class Interleaved:
    """Times functions in turn, round after round, on one clock.

    A function faster than ``min_sample`` seconds is called several times
    per sample (the count is chosen at warm-up), so that the clock's
    resolution does not decide its median.

    Before each sample (untimed) the garbage collector runs a full
    collection (``collect``, on by default), so a sample pays for the
    collections its own allocations set off and not for one that the
    previous rung's garbage had made due: on 1 MB of Chinese, one full
    collection of about 13-18 ms fell in whichever rung came next, and a
    change elsewhere moved it from the ``default`` rung into ``notypo`` in
    4 of 5 rounds (2026-12-03, seventh session).  The collector stays on
    while timing: the pipeline's own collections are part of its cost.

    >>> ticks = iter(range(1000))
    >>> timer = Interleaved({"a": lambda: 1, "b": lambda: 2}, clock=lambda: next(ticks), min_sample=0)
    >>> timer.warm_up(), timer.first
    (2.0, {'a': 1, 'b': 2})
    >>> timer.round(); timer.round(); timer.medians()
    {'a': 1.0, 'b': 1.0}
    """

    def __init__(
        self,
        fns: Mapping[str, Callable[[], Any]],
        *,
        clock: Callable[[], float] = time.process_time,
        min_sample: float = 0.005,
        max_repeat: int = 1000,
        collect: bool = True,
    ) -> None:
        if not fns:
            raise ValueError("Interleaved needs at least one function to time")
        self.fns = dict(fns)
        self.clock = clock
        self.min_sample = min_sample
        self.max_repeat = max_repeat
        self.collect = collect
        self.repeat = {k: 1 for k in self.fns}
        self.samples: dict[str, list[float]] = {k: [] for k in self.fns}
        self.first: dict[str, Any] = {}
        self.rounds = 0

    def warm_up(self) -> float:
        """Call each function once (caches, dictionaries; the results are kept
        in ``first``), choose its calls per sample, and return the clock time
        one round will take."""
        total = 0.0
        for key, fn in self.fns.items():
            t0 = self.clock()
            self.first[key] = fn()
            one = self.clock() - t0
            wanted = math.ceil(self.min_sample / one) if one > 0 else self.max_repeat
            self.repeat[key] = max(1, min(self.max_repeat, wanted))
            total += one * self.repeat[key]
        return total

    def round(self) -> None:
        """One sample of each function, starting one later than last round."""
        keys = list(self.fns)
        shift = self.rounds % len(keys)
        for key in keys[shift:] + keys[:shift]:
            fn, n = self.fns[key], self.repeat[key]
            if self.collect:
                gc.collect()  # (untimed: see the class's docstring)
            t0 = self.clock()
            for _ in range(n):
                fn()
            self.samples[key].append((self.clock() - t0) / n)
        self.rounds += 1

    def medians(self) -> dict[str, float]:
        """Median clock time of one call, per function (after at least one round)."""
        if not self.rounds:
            raise ValueError("no round was timed: call round() first")
        return {k: statistics.median(v) for k, v in self.samples.items()}


def figures(medians: Mapping[str, float], size_bytes: int) -> dict[str, dict[str, Any]]:
    """Per rung: its label, median CPU seconds, MB per CPU-second and ratio
    to ftfy (None without an ftfy rung), in :data:`RUNGS` order.

    >>> f = figures({"ftfy": 0.5, "default": 1.0, "read_write": 0.001}, 1_000_000)
    >>> [(k, v["mb_per_cpu_s"], v["vs_ftfy"]) for k, v in f.items()]
    [('read_write', 1000.0, 500.0), ('ftfy', 2.0, 1.0), ('default', 1.0, 0.5)]
    """
    if size_bytes <= 0:
        raise ValueError(f"size_bytes must be positive, got {size_bytes}")
    ftfy = medians.get("ftfy")
    order = [k for k in RUNGS if k in medians] + sorted(k for k in medians if k not in RUNGS)
    out: dict[str, dict[str, Any]] = {}
    for key in order:
        cpu = max(medians[key], 1e-9)
        out[key] = {
            "label": RUNGS.get(key, key),
            "median_cpu_s": round(medians[key], 9),
            "mb_per_cpu_s": round(size_bytes / cpu / 1e6, 4),
            "vs_ftfy": None if ftfy is None else round(ftfy / cpu, 4),
        }
    return out
