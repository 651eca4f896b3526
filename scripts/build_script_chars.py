#!/usr/bin/env python
"""Build ``cleaner/data/script_chars.txt``: which characters mark Traditional
and Simplified writing.

Every process used to derive these sets on its first Chinese text, converting
each CC-CEDICT character and the whole basic CJK block with OpenCC (about
0.2 s of CPU); the file holds the result, so the rules only read it.

Sections (every step deterministic):

* ``traditional_only``: characters CC-CEDICT lists as Traditional and never as
  Simplified (the ``zhon.cedict`` sets).
* ``simplified_only``: characters CC-CEDICT lists as Simplified and never as
  Traditional, that OpenCC ``s2hk`` and ``s2tw`` both change (脱, 税, 温 are
  Hong Kong standard forms, so they are not counted).
  These two drive ``script="auto"`` (cleaner/rules/script.py).
* ``t2s``: each character of the basic CJK block (U+4E00..U+9FFF) that OpenCC
  ``t2s`` changes, with what it becomes, as pairs "繁简".
* ``block_simplified``: the characters of that block that OpenCC ``s2t``
  changes and ``t2s`` does not (总, 经; not 暗).
  These two are the typo guards' script tables (cleaner/typos/guards.py).

Usage::

    python scripts/build_script_chars.py --out cleaner/data/script_chars.txt
    python scripts/build_script_chars.py --check cleaner/data/script_chars.txt

tests/test_script_chars.py regenerates the sets and checks the shipped file
holds exactly them (skipped when OpenCC or zhon is missing).
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

#: characters per line in the file (pairs per line: half of it)
WIDTH = 64


def cedict_only() -> tuple[str, str]:
    """The Traditional-only and the Simplified-only characters, sorted."""
    import opencc
    from zhon import cedict

    trad, simp = set(cedict.traditional), set(cedict.simplified)
    hk, tw = opencc.OpenCC("s2hk"), opencc.OpenCC("s2tw")
    simp_only = {c for c in simp - trad if hk.convert(c) != c and tw.convert(c) != c}
    return "".join(sorted(trad - simp)), "".join(sorted(simp_only))


def block_changes(config: str) -> dict[str, str]:
    """Each character of the basic CJK block that OpenCC ``config`` changes,
    with what it becomes (one character for one)."""
    import opencc

    block = "".join(chr(c) for c in range(0x4E00, 0xA000))
    converted = opencc.OpenCC(config).convert(block)
    if len(converted) != len(block):  # never seen; fall back to one by one
        cc = opencc.OpenCC(config)
        pairs = ((ch, cc.convert(ch)) for ch in block)
        return {a: b for a, b in pairs if a != b and len(b) == 1}
    return {a: b for a, b in zip(block, converted) if a != b}


def sections() -> dict[str, list[str]]:
    """The file's sections, each as its items (characters, or pairs)."""
    trad_only, simp_only = cedict_only()
    t2s = block_changes("t2s")
    block_simp = sorted(set(block_changes("s2t")).difference(t2s))
    return {
        "traditional_only": list(trad_only),
        "simplified_only": list(simp_only),
        "t2s": [a + b for a, b in t2s.items()],
        "block_simplified": block_simp,
    }


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def render() -> str:
    """The whole file."""
    out = [
        "# Characters that mark Traditional and Simplified writing, for the script rule",
        "# (cleaner/rules/script.py) and the typo guards (cleaner/typos/guards.py).",
        f"# Sources: CC-CEDICT's character sets as the zhon package {_version('zhon')} ships them (zhon: MIT;",
        "# CC-CEDICT: CC BY-SA 4.0), and conversions by OpenCC",
        f"# {_version('OpenCC')} (code and dictionaries: Apache-2.0).",
        "# Licence: derived from CC-CEDICT, so CC BY-SA 4.0 (attribution: CC-CEDICT, MDBG).",
        "# Regenerate: python scripts/build_script_chars.py --out cleaner/data/script_chars.txt",
        "# (its docstring says how each section is made; tests/test_script_chars.py checks",
        "# this file against a fresh build).",
        "# Format: a line \"[section]\" starts a section; other lines hold its items, separated",
        "# by spaces in [t2s] (pairs: Traditional, then Simplified) and not separated elsewhere.",
    ]
    for name, items in sections().items():
        out.append(f"[{name}]")
        if name == "t2s":
            per = WIDTH // 2
            out.extend(" ".join(items[i : i + per]) for i in range(0, len(items), per))
        else:
            text = "".join(items)
            out.extend(text[i : i + WIDTH] for i in range(0, len(text), WIDTH))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=Path, help="write the file here")
    group.add_argument("--check", type=Path, help="exit 1 if this file differs from a fresh build")
    args = parser.parse_args(argv)
    text = render()
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        return 0
    if args.check.read_text(encoding="utf-8") != text:
        print(f"{args.check} is stale: regenerate it with --out", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
