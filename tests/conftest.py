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
