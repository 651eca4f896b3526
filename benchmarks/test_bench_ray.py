"""Local engine versus Ray (``--engine ray``) on the same data: throughput,
start-up and peak memory of ``cleaner clean`` and ``cleaner dedup``.

Ray costs a start and a warm-up, so these benchmarks run only when asked:

    CLEANER_BENCH_RAY=1 python -m pytest benchmarks/test_bench_ray.py --benchmark-enable -s
    CLEANER_BENCH_FULL=1 python -m pytest benchmarks/test_bench_ray.py --benchmark-enable -s

``CLEANER_BENCH_RAY=1`` (about a minute on 2 cores): Ray's start-up, clean
on 1,000 documents and dedup on 2,000 documents (10,000 paragraphs);
``CLEANER_BENCH_FULL=1`` adds clean on 10,000 documents and dedup on 20,000
and 100,000 documents (100k and 500k paragraphs), several minutes.  They
skip when the extra is not installed (``pip install '.[ray]'``).

Each run is the command end to end in a child process, JSON Lines in and
out, both engines on all the cores of the machine (the local one with
``--jobs 0``; Ray starting a local instance): wall time, documents per
second, and peak memory: the peak of the summed proportional set size
(PSS: a page shared by k processes counts 1/k in each) of the child and
every process under it -- the local engine's worker processes; Ray's
raylet, GCS, workers and object store -- sampled every 0.1 s.
Ray's start-up is timed on its own (``init`` and ``shutdown`` in a child).
Outputs of both engines are compared byte for byte.  The data is
synthetic and seeded (Chinese-like paragraphs of about 50 characters, five
per document, 10 % exact copies and 10 % near copies), built here.
Figures go into ``benchmark.extra_info`` and are printed; the README's
"On a Ray cluster" gives them, with where Ray starts to pay off and why it
does not on 2 cores.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

FULL = os.environ.get("CLEANER_BENCH_FULL", "") not in ("", "0")
ASKED = FULL or os.environ.get("CLEANER_BENCH_RAY", "") not in ("", "0")

pytestmark = [
    pytest.mark.skipif(not ASKED, reason="Ray benchmarks run with CLEANER_BENCH_RAY=1 (or CLEANER_BENCH_FULL=1)"),
]

CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学"
    "法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天"
)


def corpus(n_docs: int, seed: int = 1) -> list[str]:
    """Documents of five paragraphs of about 50 characters; a tenth of the
    paragraphs copy an earlier one, a tenth copy one with two characters changed."""
    rng = random.Random(seed)
    seen: list[str] = []
    docs = []
    for _ in range(n_docs):
        paras = []
        for _ in range(5):
            r = rng.random()
            if seen and r < 0.1:
                p = rng.choice(seen)
            elif seen and r < 0.2:
                s = list(rng.choice(seen))
                for _ in range(2):
                    s[rng.randrange(len(s) - 1)] = rng.choice(CHARS)
                p = "".join(s)
            else:
                n = rng.randint(35, 65)
                p = "".join(rng.choice(CHARS) if i % 12 else "，" for i in range(1, n)) + "。"
                seen.append(p)
            paras.append(p)
        docs.append("\n\n".join(paras))
    return docs


def write(path: Path, docs: list[str]) -> int:
    data = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(docs))
    path.write_text(data, encoding="utf-8")
    return len(data.encode("utf-8"))


# -- memory of a process tree (Linux /proc) ----------------------------------------------


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(name))
    return kids


def _pss_kb(pid: int) -> int:
    """Proportional set size: a page shared by k processes counts 1/k in each."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kb(root: int) -> int:
    kids = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo += kids.get(pid, [])
    return total


def run(argv: list[str]) -> dict[str, Any]:
    """A ``cleaner`` command in a child process: seconds, and peak memory in
    MB: the peak of the summed proportional set size of the child and every
    process under it (local worker processes; Ray's raylet, GCS and
    workers), sampled every 0.1 s, or the child's own peak (VmHWM) when
    that is higher."""
    code = (
        "import re, sys, time; from cleaner.cli import main; t = time.perf_counter(); rc = main(sys.argv[1:]); "
        "dt = time.perf_counter() - t\n"
        "kb = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
        "print(dt, kb, file=sys.stderr); sys.exit(rc)"
    )
    p = subprocess.Popen([sys.executable, "-c", code, *argv, "-q"], stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.1):
            peak = max(peak, tree_pss_kb(p.pid))

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = p.communicate()
    done.set()
    t.join()
    assert p.returncode == 0, err
    seconds, own = err.split()[-2:]
    return {"seconds": round(float(seconds), 2), "peak_mb": round(max(peak, int(own)) / 1024)}


def ray_startup() -> float:
    code = (
        "import time; t = time.perf_counter(); from cleaner import ray as ray_engine; s = ray_engine.init(quiet=True); "
        "dt = time.perf_counter() - t; import ray; ray.shutdown(); print(dt)"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return round(float(p.stdout.split()[-1]), 1)


@pytest.fixture(scope="module")
def startup() -> float:
    pytest.importorskip("ray.data")
    pytest.importorskip("polars")
    return ray_startup()


def compare(benchmark: Any, tmp_path: Path, command: str, sizes: list[int], extra: list[str], startup: float) -> dict[str, Any]:
    info: dict[str, Any] = {"ray_startup_s": startup, "cores": os.cpu_count()}
    for n in sizes:
        src = tmp_path / f"in{n}.jsonl"
        size = write(src, corpus(n))
        row: dict[str, Any] = {"documents": n, "input_mb": round(size / 1e6, 1)}
        outs = {}
        for engine in ("local", "ray"):
            out = tmp_path / f"{engine}{n}"
            out.mkdir()
            argv = [command, "--jsonl", str(src), "-o", str(out / "out.jsonl"), *[str(out / a) if a.endswith(".jsonl") else a for a in extra]]
            argv += ["--engine", engine] + (["--jobs", "0"] if engine == "local" else [])
            r = run(argv)
            r["docs_per_s"] = round(n / r["seconds"])
            row[engine] = r
            outs[engine] = {p.name: p.read_bytes() for p in out.iterdir()}
        assert outs["ray"] == outs["local"], "the engines disagree"
        row["ray_over_local"] = round(row["ray"]["seconds"] / row["local"]["seconds"], 1)
        row["ray_without_startup_over_local"] = round((row["ray"]["seconds"] - startup) / row["local"]["seconds"], 1)
        info[str(n)] = row
        src.unlink()
    print(f"\n{command}: local vs Ray (Ray start-up {startup} s)")
    for k, v in info.items():
        print(f"  {k}: {v}")
    benchmark.extra_info[command] = info
    return info


def test_clean_local_vs_ray(benchmark: Any, tmp_path: Path, startup: float) -> None:
    sizes = [1_000] + ([10_000] if FULL else [])
    info = benchmark.pedantic(compare, args=(benchmark, tmp_path, "clean", sizes, ["--report", "report.jsonl"], startup), rounds=1, iterations=1)
    assert all(info[str(n)]["local"]["seconds"] > 0 for n in sizes)


def test_dedup_local_vs_ray(benchmark: Any, tmp_path: Path, startup: float) -> None:
    sizes = [2_000] + ([20_000, 100_000] if FULL else [])
    info = benchmark.pedantic(
        compare, args=(benchmark, tmp_path, "dedup", sizes, ["--clusters", "clusters.jsonl", "--report", "report.jsonl"], startup), rounds=1, iterations=1
    )
    assert all(info[str(n)]["local"]["seconds"] > 0 for n in sizes)
