"""The regression benchmark suite of `cleaner`: speed and quality, guarded
across versions.

* :mod:`benchmarks.inject` builds seeded corpora from clean paragraphs that
  the project may redistribute, injects known artifacts and records every
  injection (class, span, original text).
* :mod:`benchmarks.quality` scores cleaned output against the gold text:
  per-artifact recall, paragraph precision and recall, character error rate
  before and after, change rate on clean control documents.
* :mod:`benchmarks.gates` holds the committed baseline (``baseline.json``)
  and judges figures against it; speed is judged as a ratio against a
  reference measured in the same run, never as an absolute time.
* :mod:`benchmarks.report` turns a pytest-benchmark JSON file into a Markdown
  table and a PNG chart.

See ``benchmarks/README.md`` for the commands.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

__all__ = ["ROOT", "SAMPLES", "GOLDEN", "SOURCES", "EVALDATA", "evaldata_path", "REFERENCES", "plain_pass", "ftfy_alone"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLDEN = SAMPLES / "golden"
#: clean text the project may redistribute (see samples/golden/README.md)
SOURCES = GOLDEN / "source"
#: research-only evaluation data, read at run time and never copied
EVALDATA = Path(os.environ.get("CLEANER_EVALDATA", ROOT.parent / "shared" / "evaldata"))


def evaldata_path(relative: str) -> Path | None:
    """Path of a file under the evaluation data folder, or None when absent."""
    path = EVALDATA / relative
    return path if path.exists() else None


def plain_pass(text: str) -> str:
    """The plain-Python reference: split into lines, strip each line's
    trailing blanks, join.  What any line-oriented cleaner costs at least.

    >>> plain_pass("a  \\nb")
    'a\\nb'
    """
    return "\n".join([line.rstrip() for line in text.split("\n")])


def ftfy_alone(text: str) -> str:
    """The ftfy reference: ``ftfy.fix_text`` with its defaults."""
    import ftfy

    return ftfy.fix_text(text)


#: speed references, measured in the same run as the targets they judge
REFERENCES: dict[str, Callable[[str], str]] = {"ftfy": ftfy_alone, "plain": plain_pass}
