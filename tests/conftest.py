"""Shared test helpers: where the third-party evaluation data lives (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
# Research-only evaluation data is read from ../shared/evaldata (never copied);
# CLEANER_EVALDATA points elsewhere.
EVALDATA = Path(os.environ.get("CLEANER_EVALDATA", ROOT.parent / "shared" / "evaldata"))


def evaldata(relative: str) -> Path:
    """Path of an evaluation file, or skip the test when it is not here."""
    path = EVALDATA / relative
    if not path.exists():
        pytest.skip(f"evaluation data not present: {path}")
    return path


def pytest_sessionstart(session: pytest.Session) -> None:
    """Build the typo rules' caches once, before any test, on a machine that
    has none (a fresh CI runner): otherwise whichever command test runs
    first pays 10-20 s and prints the one-time build notice on its stderr,
    which tests that read the command's stderr do not expect."""
    from cleaner.cache import cache_dir

    if not any(cache_dir().glob("typo-model-*.bin")) or not any(cache_dir().glob("typo-misspellings-*.txt")):
        from cleaner.typos.confusion_rule import _default_misspellings

        _default_misspellings()
