"""The typo rules' on-disk caches, through the real command: a first run says
what it builds (issue 11.24), a damaged cache is rebuilt rather than crashing
every later run (issue 11.11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TEXT = "这个城市的经济发展很快，人们的生活水平不断提高，越来越多的年轻人回到家乡工作。\n".encode()


def clean(cache: Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, CLEANER_CACHE_DIR=str(cache), PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "cleaner.cli", "clean", "-q"], input=TEXT, capture_output=True, env=env, timeout=300
    )


def test_first_run_announces_the_build_and_a_damaged_table_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = clean(cache)
    assert first.returncode == 0, first.stderr
    assert b"building the word model" in first.stderr, first.stderr
    assert first.stdout == TEXT

    second = clean(cache)
    assert second.returncode == 0 and b"building" not in second.stderr, second.stderr

    tables = sorted(cache.glob("typo-misspellings-*.txt"))
    assert len(tables) == 1, sorted(p.name for p in cache.iterdir())
    tables[0].write_bytes(os.urandom(4096))
    third = clean(cache)
    assert third.returncode == 0, third.stderr
    assert b"building the typo repair's misspelling table" in third.stderr, third.stderr
    assert third.stdout == TEXT
    fourth = clean(cache)  # rebuilt: the next run reads it without a notice
    assert fourth.returncode == 0 and b"building" not in fourth.stderr, fourth.stderr

