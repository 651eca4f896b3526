#!/usr/bin/env python
"""Build ``cleaner/data/ftfy_triggers.txt``: the characters from which ftfy
can start a change, for the installed ftfy.

The unicode rule calls ftfy only on text that holds one of them (or is not
in NFC).  The set is read from ftfy's own regexes and tables
(:func:`cleaner.rules.unicode.ftfy_trigger_class`), which needs ftfy
imported (0.05-0.08 s per process); the file holds the result with a digest
of the ftfy sources it came from, and the rule uses it only while the
installed ftfy's sources have that digest (otherwise it derives the set
again).  tests/rules/test_unicode.py checks the file against a fresh build.

Usage::

    python scripts/build_ftfy_triggers.py --out cleaner/data/ftfy_triggers.txt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cleaner.rules.unicode import ftfy_source_digest, ftfy_trigger_class


def render() -> str:
    """The whole file."""
    import ftfy

    digest, cls = ftfy_source_digest(), ftfy_trigger_class()
    if digest is None or cls is None:
        raise SystemExit("this ftfy's steps are not the ones the trigger set is derived from: nothing to write")
    return "\n".join(
        [
            "# Characters from which ftfy (as cleaner/rules/unicode.py configures it) can start a change:",
            "# text without any of them, in NFC, comes back from ftfy unchanged.",
            f"# Source: derived from ftfy {ftfy.__version__} (Apache-2.0, by Robyn Speer): its badness regex,",
            "# terminal-escape regex, ligature and control-character tables, C1 controls and surrogates.",
            "# Licence: Apache-2.0, like ftfy and cleaner.",
            "# Regenerate: python scripts/build_ftfy_triggers.py --out cleaner/data/ftfy_triggers.txt",
            "# Format: a line \"ftfy-sha256 DIGEST\" (the digest of the ftfy sources this was derived from;",
            "# another ftfy makes the rule derive the set itself), then the set as one regex class.",
            f"ftfy-sha256 {digest}",
            cls,
        ]
    ) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="write the file here")
    args = parser.parse_args(argv)
    args.out.write_text(render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
