"""The command at scale: JSON Lines throughput at 1 and 2 jobs, and peak memory.

Runs ``cleaner clean --jsonl`` in a subprocess on a generated corpus of
Chinese documents (injected artifacts, seeded) and measures, in the same run:

* ``speed.command.jobs1.vs_plain`` / ``jobs2``: throughput against a plain
  pass over the same file (a Python process that parses and re-dumps every
  record, the least any JSON Lines step does);
* ``speed.command.jobs2_over_jobs1``: the speed-up of two worker processes,
  advisory when the rest of the machine did not leave two cores free;
* ``peak_rss_mb`` (reported, not gated): the peak resident memory of the
  whole process tree (parent and workers), read from /proc while it runs
  (Linux only; pages shared by the processes count once per process).

Quick mode uses about 2 MB of input; the full run about 20 MB
(``CLEANER_BENCH_FULL=1``: 200 MB).

:func:`test_command_vs_library` and :func:`test_command_jobs2_wall`
measure issue 12's two command targets on THUCNews articles as JSON Lines
(``../shared/evaldata``; the seeded text above when it is absent), typo
rules off (the fastest pipeline, where the command's own share is
largest), medians of three interleaved rounds, with the package's bytecode
cached (as installed):

* ``speed.command.jobs1.vs_library``: the CPU time (user + system of the
  whole process tree, from ``wait4``, so that other work on a shared
  machine does not count) of a Python loop over the same file
  (``json.loads``, :func:`cleaner.clean`, ``json.dumps``) over that of
  ``cleaner clean --jsonl --jobs 1``; both processes load the same models;
  gated at 0.9 ("within 10 %").  Beside it, ``per_record_vs_library``
  leaves out both starts (each measured on a one-record file): the
  command's own cost per record, imports aside;
* ``speed.command.jobs2_over_jobs1.wall``: gated at 1.7 in a full run
  (48 MB) only when the other processes on the machine left two cores
  free during every run (read from /proc/stat), else advisory, with
  ``jobs2_over_jobs1_cpu_estimate`` beside it: an upper bound on what two
  free cores would give, from the CPU times (it reads high: 1.84-1.88 in
  runs whose measured wall ratio was 1.71-1.74).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from benchmarks import evaldata_path
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


def _run(args: list[str], others: list[float] | None = None) -> tuple[float, int]:
    """Wall time and peak tree RSS (kB) of a command; appends to ``others``
    the cores the rest of the machine kept busy meanwhile (see :func:`_cores_busy`)."""
    busy, ours = _busy_jiffies(), _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        if sys.platform.startswith("linux"):
            peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    assert proc.returncode == 0, err
    wall = time.perf_counter() - start
    if others is not None:
        others.append(_cores_busy(busy, wall, _children_cpu() - ours))
    return wall, peak


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

    others: list[float] = []

    def runs() -> dict[str, Any]:
        t_plain, _ = _run([sys.executable, "-c", PLAIN, str(src), str(out)])
        t1, rss1 = _run([*CMD, "--jobs", "1", str(src), "-o", str(out)], others)
        one = out.read_bytes()
        t2, rss2 = _run([*CMD, "--jobs", "2", str(src), "-o", str(out)], others)
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
    free = _free_cores(others)
    gate.info("cores_free_during_runs", round(free, 2))
    if free >= 1.9:
        # two workers on two free cores: a real speed-up (the start, which
        # loads the models, is serial); quick runs are too short to judge
        gate.speed("speed.command.jobs2_over_jobs1", r["jobs1"] / r["jobs2"], floor=0.0 if quick else 1.1, reference="--jobs 1")
    else:  # other processes took the second core: wall time says nothing
        note = f"advisory: only {free:.1f} cores were free"
        gate.speed("speed.command.jobs2_over_jobs1", r["jobs1"] / r["jobs2"], floor=0.0, reference="--jobs 1", note=note, regression_tolerance=None)
    # Peak memory is reported, not gated: it depends on the machine's page
    # sharing and allocator more than on the code (see tests/test_reliability.py
    # for the behaviour that keeps it flat: streaming in bounded batches).
    if not quick:
        assert r["jobs2"] > 0


LIBRARY = (
    "import json, sys, cleaner\n"
    "config = cleaner.make_config(**json.loads(sys.argv[3]))\n"
    "with open(sys.argv[1], encoding='utf-8') as f, open(sys.argv[2], 'w', encoding='utf-8') as o:\n"
    "    for line in f:\n"
    "        rec = json.loads(line)\n"
    "        rec['text'] = cleaner.clean(rec['text'], config=config)\n"
    "        o.write(json.dumps(rec, ensure_ascii=False) + '\\n')\n"
)
TYPOS_OFF = ["ocr_confusion", "consistency"]


def _thucnews(path: Path, megabytes: float) -> int:
    """THUCNews articles as JSON Lines (id, label, text), in file order,
    repeated when ``megabytes`` asks for more than the 2.9 MB there are;
    the seeded text of :func:`_corpus` when evaldata is absent."""
    tsv = evaldata_path("prose/thucnews_cnews_val_1000.tsv")
    if tsv is None:
        return _corpus(path, megabytes)
    rows = [line.rstrip("\n").split("\t", 1) for line in tsv.read_text(encoding="utf-8").splitlines() if "\t" in line]
    size = n = 0
    with open(path, "w", encoding="utf-8") as fh:
        while size < megabytes * (1 << 20):
            label, text = rows[n % len(rows)]
            line = json.dumps({"id": n, "label": label, "text": text}, ensure_ascii=False) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    return size


def _busy_jiffies() -> tuple[int, int]:
    """(busy, all) CPU jiffies of the whole machine so far (Linux), else (0, 0)."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            v = [int(x) for x in fh.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    return sum(v) - v[3] - v[4], sum(v)


def _children_cpu() -> float:
    """CPU seconds of the child processes this one has waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cores_busy(before: tuple[int, int], wall: float, ours: float) -> float:
    """Cores the rest of the machine kept busy on average since ``before``
    (:func:`_busy_jiffies`), leaving out ``ours`` (CPU seconds of the run);
    NaN where /proc/stat cannot be read."""
    after = _busy_jiffies()
    if not after[1] or wall <= 0:
        return float("nan")
    return max(0.0, (after[0] - before[0]) / os.sysconf("SC_CLK_TCK") - ours) / wall


def _free_cores(others: list[float]) -> float:
    """The cores the runs had to themselves: all, less the most the rest of
    the machine kept busy during one of them (0 when not known)."""
    worst = max(others, default=float("nan"))
    return (os.cpu_count() or 1) - worst if worst == worst else 0.0


def _bytecode_env(folder: Path) -> dict[str, str]:
    """The environment of a measured run: this tree's package, its compiled
    bytecode cached in ``folder`` as an installed package has it (where
    ``PYTHONDONTWRITEBYTECODE`` is set, as in some sandboxes, every run
    would compile the package's source again: about 0.1 s of each start)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(folder))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _cpu_run(args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """CPU seconds (user + system, with the workers it waited for), wall
    seconds, and the cores the rest of the machine kept busy meanwhile."""
    env = env or dict(os.environ, PYTHONPATH=str(ROOT))
    busy = _busy_jiffies()
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    assert proc.returncode == 0, err
    cpu = usage.ru_utime + usage.ru_stime
    return {"cpu": cpu, "wall": wall, "others": _cores_busy(busy, wall, cpu)}


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _interleaved(kinds: dict[str, list[str]], rounds: int, env: dict[str, str]) -> dict[str, list[dict[str, float]]]:
    """Each command ``rounds`` times, interleaved so that a load spike hits
    every kind; one untimed run of each first (it fills the bytecode cache)."""
    for args in kinds.values():
        _cpu_run(args, env)
    r: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    for _ in range(rounds):
        for k, args in kinds.items():
            r[k].append(_cpu_run(args, env))
    return r


def test_command_vs_library(benchmark: Any, gate: Any, quick: bool, tmp_path: Path) -> None:
    mb = 1.0 if quick else 12.0
    src, one, out = tmp_path / "in.jsonl", tmp_path / "one.jsonl", tmp_path / "out.jsonl"
    size = _thucnews(src, mb)
    one.write_bytes(src.read_bytes().split(b"\n", 1)[0] + b"\n")
    library = [sys.executable, "-c", LIBRARY]
    options = json.dumps({"disable": TYPOS_OFF})
    command = [*CMD, "--disable", ",".join(TYPOS_OFF), "-o", str(out)]
    kinds = {
        "library": [*library, str(src), str(out), options],
        "jobs1": [*command, "--jobs", "1", str(src)],
        "library_start": [*library, str(one), str(out), options],
        "start": [*command, "--jobs", "1", str(one)],
    }
    r = benchmark.pedantic(_interleaved, args=(kinds, 3, _bytecode_env(tmp_path / "pyc")), rounds=1, iterations=1)
    mbs = size / (1 << 20)
    cpu = {k: _median(v, "cpu") for k, v in r.items()}
    details = {
        "input_mb": round(mbs, 2),
        "mb_per_cpu_s": {k: round(mbs / cpu[k], 3) for k in ("library", "jobs1")},
        "start_cpu_s": {"library": round(cpu["library_start"], 3), "command": round(cpu["start"], 3)},
        # the per-record cost alone, starts (imports, models) left out
        "per_record_vs_library": round((cpu["library"] - cpu["library_start"]) / (cpu["jobs1"] - cpu["start"]), 3),
    }
    for k, v in details.items():
        gate.info(k, v)
    print(f"\ncommand vs library on {mbs:.1f} MB: " + json.dumps(details))
    gate.speed("speed.command.jobs1.vs_library", cpu["library"] / cpu["jobs1"], floor=0.9, reference="the library in a Python loop (CPU time)")


#: a speed-up of two processes is a throughput figure: the input must be
#: large enough that the start (imports, and the tables the rules load on
#: first use: about 0.4 s of CPU, serial, in --jobs 1 and 2 alike) is a
#: small part of the run (at 12 MB it is a quarter of --jobs 1 and caps
#: the ratio near 1.5)
WALL_MB = 48.0


def test_command_jobs2_wall(benchmark: Any, gate: Any, quick: bool, tmp_path: Path) -> None:
    """``speed.command.jobs2_over_jobs1.wall`` (issue 12: at least 1.7 when
    two cores are free), on THUCNews articles, typo rules off, medians of
    three interleaved rounds.  Judged only in a full run (:data:`WALL_MB`)
    when the other processes on the machine left two cores free during
    every run; else advisory, with ``jobs2_over_jobs1_cpu_estimate``
    beside it: what two free cores would give at best, from the CPU times
    (the serial start, measured as the CPU time of a one-record run, plus
    half of the rest).  It is an upper bound, not a prediction: it takes
    all the work after the start as shared evenly by two cores, while the
    parent's reading, decoding and writing runs beside the two workers
    (three processes on two cores) and the workers finish unevenly; on a
    quiet machine it read 1.84-1.88 where the wall ratio was 1.71-1.74
    (2026-12-03).  A quick run (1 MB: the start is most of it) only
    reports it."""
    mb = 1.0 if quick else WALL_MB
    src, one, out = tmp_path / "in.jsonl", tmp_path / "one.jsonl", tmp_path / "out.jsonl"
    size = _thucnews(src, mb)
    one.write_bytes(src.read_bytes().split(b"\n", 1)[0] + b"\n")
    command = [*CMD, "--disable", ",".join(TYPOS_OFF), "-o", str(out)]
    kinds = {"jobs1": [*command, "--jobs", "1", str(src)], "jobs2": [*command, "--jobs", "2", str(src)], "start": [*command, "--jobs", "1", str(one)]}
    r = benchmark.pedantic(_interleaved, args=(kinds, 3, _bytecode_env(tmp_path / "pyc")), rounds=1, iterations=1)
    cpu = {k: _median(v, "cpu") for k, v in r.items()}
    estimate = cpu["jobs1"] / (cpu["start"] + max(0.0, cpu["jobs2"] - cpu["start"]) / 2)
    free = _free_cores([x["others"] for k in ("jobs1", "jobs2") for x in r[k]])
    wall = _median(r["jobs1"], "wall") / _median(r["jobs2"], "wall")
    details = {
        "input_mb": round(size / (1 << 20), 2),
        "wall_s": {k: round(_median(r[k], "wall"), 3) for k in ("jobs1", "jobs2")},
        "cpu_s": {k: round(v, 3) for k, v in cpu.items()},
        "jobs2_over_jobs1_cpu_estimate": round(estimate, 3),
        "cores_free_during_runs": round(free, 2),
    }
    for k, v in details.items():
        gate.info(k, v)
    print(f"\n--jobs 2 over --jobs 1: wall {wall:.3f}x; " + json.dumps(details))
    name, reference = "speed.command.jobs2_over_jobs1.wall", "--jobs 1 (wall time)"
    if quick:
        note = f"quick run: {mb:g} MB is mostly the start; judged in full runs ({WALL_MB:g} MB)"
        gate.speed(name, wall, floor=0.0, reference=reference, note=note, regression_tolerance=None)
    elif free >= 1.9:
        gate.speed(name, wall, floor=1.7, reference=f"{reference}, two free cores", regression_tolerance=None)
    else:  # other processes took a core: wall time says nothing
        note = f"advisory: only {free:.1f} cores were free; CPU estimate {estimate:.2f}"
        gate.speed(name, wall, floor=0.0, reference=reference, note=note, regression_tolerance=None)
