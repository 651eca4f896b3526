"""benchmarks/conftest.py: a quick run ends with a short summary (the speed
ladder, key ratios, gates) instead of pytest-benchmark's timing tables,
which --bench-tables brings back."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CONFTEST = """
import pytest
from benchmarks.conftest import (pytest_addoption, pytest_configure, pytest_runtest_call,
    pytest_terminal_summary, gate, quick, budget, measure, timings, reference_time)
from benchmarks.gates import Baseline

@pytest.fixture(scope="session")
def baseline():
    return Baseline()
"""

TESTS = """
def test_ladder(benchmark, gate):
    benchmark.pedantic(lambda: sum(range(100)), rounds=2, iterations=1)
    rung = lambda label, mb, ratio: {"label": label, "median_cpu_s": 0.1, "mb_per_cpu_s": mb, "vs_ftfy": ratio}
    benchmark.extra_info["ladder"] = {"corpus": "zh", "size_bytes": 100_000, "documents": 1, "rounds": 5, "rungs": {
        "ftfy": rung("ftfy.fix_text", 1.34, 1.0), "default": rung("pipeline (default)", 0.22, 0.164)}}
    gate.speed("speed.zh.default.vs_ftfy", 0.164, floor=0.1, reference="ftfy.fix_text")
    gate.speed("speed.command.jobs2_over_jobs1", 1.8, floor=0.0, reference="--jobs 1")
"""


def _run(tmp_path: Path, *options: str) -> str:
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_demo.py").write_text(textwrap.dedent(TESTS), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--quick", "-o", "addopts=", *options, str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    return out


def test_a_quick_run_prints_the_summary_instead_of_the_tables(tmp_path: Path) -> None:
    out = _run(tmp_path)
    assert "speed ladder: MB per CPU-second (x ftfy.fix_text), median of 5 interleaved rounds" in out, out
    assert "pipeline (default)        0.22 (0.16x)" in out, out
    assert "key ratios: speed.command.jobs2_over_jobs1 1.8x" in out, out
    assert "gates: 2 ok" in out, out
    assert "Name (time in" not in out and "Legend:" not in out, out  # pytest-benchmark's table
    assert "--bench-tables" in out


def test_bench_tables_brings_the_timing_tables_back(tmp_path: Path) -> None:
    out = _run(tmp_path, "--bench-tables")
    assert "Name (time in" in out and "speed ladder" in out, out
