"""The command at scale: JSON Lines throughput at 1 and 2 jobs, and peak memory.

Runs ``cleaner clean --jsonl`` in a subprocess on a generated corpus of
Chinese documents (injected artifacts, seeded) and measures, in the same run:

* ``speed.command.jobs1.vs_plain`` / ``jobs2``: throughput against a plain
  pass over the same file (a Python process that parses and re-dumps every
  record, the least any JSON Lines step does);
* ``speed.command.jobs2_over_jobs1``: the speed-up of two worker processes
  (machines with one core skip it);
* ``peak_rss_mb`` (reported, not gated): the peak resident memory of the
  whole process tree (parent and workers), read from /proc while it runs
  (Linux only; pages shared by the processes count once per process).

Quick mode uses about 2 MB of input; the full run about 20 MB
(``CLEANER_BENCH_FULL=1``: 200 MB).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from benchmarks.inject import throughput_text

ROOT = Path(__file__).resolve().parent.parent
CMD = [sys.executable, "-m", "cleaner", "clean", "--jsonl", "-q"]


def _corpus(path: Path, megabytes: float) -> int:
    """Documents of about 2-8 KB cut from the seeded Chinese benchmark text."""
    text = throughput_text("zh", 1 << 20)
    paras = [p for p in text.split("\n\n") if p.strip()]
    size = 0
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        while size < megabytes * (1 << 20):
            k = 3 + n % 6
            doc = "\n\n".join(paras[(n * 7 + i) % len(paras)] for i in range(k))
            line = json.dumps({"id": n, "text": doc}, ensure_ascii=False) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    return size


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and its descendants (kB), from /proc."""
    total = 0
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
        stack.extend(children.get(p, []))
    return total


def _run(args: list[str]) -> tuple[float, int]:
    """Wall time and peak tree RSS (kB) of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        if sys.platform.startswith("linux"):
            peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    assert proc.returncode == 0, err
    return time.perf_counter() - start, peak


PLAIN = (
    "import json, sys\n"
    "with open(sys.argv[1], encoding='utf-8') as f, open(sys.argv[2], 'w', encoding='utf-8') as o:\n"
    "    for line in f:\n"
    "        o.write(json.dumps(json.loads(line), ensure_ascii=False) + '\\n')\n"
)


def test_command_jobs(benchmark: Any, gate: Any, quick: bool, tmp_path: Path) -> None:
    mb = 2.0 if quick else (200.0 if os.environ.get("CLEANER_BENCH_FULL") == "1" else 20.0)
    src = tmp_path / "in.jsonl"
    size = _corpus(src, mb)
    out = tmp_path / "out.jsonl"

    def runs() -> dict[str, Any]:
        t_plain, _ = _run([sys.executable, "-c", PLAIN, str(src), str(out)])
        t1, rss1 = _run([*CMD, "--jobs", "1", str(src), "-o", str(out)])
        one = out.read_bytes()
        t2, rss2 = _run([*CMD, "--jobs", "2", str(src), "-o", str(out)])
        assert out.read_bytes() == one  # the same output, in the same order
        return {"plain": t_plain, "jobs1": t1, "jobs2": t2, "rss1_kb": rss1, "rss2_kb": rss2}

    r = benchmark.pedantic(runs, rounds=1, iterations=1)
    mbs = size / (1 << 20)
    details = {
        "input_mb": round(mbs, 2),
        "mb_per_s": {k: round(mbs / r[k], 3) for k in ("plain", "jobs1", "jobs2")},
        "peak_rss_mb": {"jobs1": round(r["rss1_kb"] / 1024), "jobs2": round(r["rss2_kb"] / 1024)},
    }
    for k, v in details.items():
        gate.info(k, v)
    print(f"\ncommand on {mbs:.1f} MB: " + json.dumps(details))
    gate.speed("speed.command.jobs1.vs_plain", r["plain"] / r["jobs1"], floor=0.0, reference="plain JSON Lines pass")
    if (os.cpu_count() or 1) >= 2:
        # two workers on two cores: a real speed-up (the input is read and
        # written by the parent, so not 2x); quick runs are too short to judge
        gate.speed(
            "speed.command.jobs2_over_jobs1", r["jobs1"] / r["jobs2"], floor=0.0 if quick else 1.1, reference="--jobs 1"
        )
    # Peak memory is reported, not gated: it depends on the machine's page
    # sharing and allocator more than on the code (see tests/test_reliability.py
    # for the behaviour that keeps it flat: streaming in bounded batches).
    if not quick:
        assert r["jobs2"] > 0
