#!/usr/bin/env python
"""Build ``cleaner/data/cjk_radicals.tsv``: radical code points and the ideograph each stands for.

PDF extraction often writes a Chinese character as the radical code point
that a font maps the same glyph to (``⼈⺠`` for ``人民``, ``⼯作`` for
``工作``): the text looks right and matches nothing.  The ``unicode`` rule
maps them back (:mod:`cleaner.rules.unicode`) with this table:

1. Kangxi Radicals (U+2F00..U+2FD5): Unicode's own compatibility mapping
   (NFKC), all 214.
2. CJK Radicals Supplement (U+2E80..U+2EF3): only two have a compatibility
   mapping (⺟, ⻳).  The others are matched by glyph: each is rendered as
   ``scripts/build_confusion.py`` renders characters (four Noto CJK faces,
   two blurs) and compared with the common characters of the visual table;
   the best match is kept when the glyphs are all but identical (score
   >= ``--threshold``: ⺠ -> 民, ⻅ -> 见, ⻓ -> 长), so a component form
   (⺅, ⺡, ⻌) that writes no character of its own is left out.

Run ``python scripts/build_radicals.py`` (a few seconds; needs
``apt-get install fonts-noto-cjk``).  The output is ``#`` header lines,
then ``radical<TAB>ideograph`` lines in code point order.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_confusion as bc  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "cleaner" / "data" / "cjk_radicals.tsv"
KANGXI = range(0x2F00, 0x2FD6)
SUPPLEMENT = range(0x2E80, 0x2EF4)


def kangxi() -> dict[str, str]:
    """Every Kangxi radical and its NFKC ideograph."""
    return {chr(o): unicodedata.normalize("NFKC", chr(o)) for o in KANGXI}


def supplement(threshold: float) -> tuple[dict[str, str], dict[str, float]]:
    """The supplement's radicals with a compatibility mapping, and those
    whose glyph is all but identical to a common character's."""
    table = bc.read_table(bc.DEFAULT_OUT)
    common = sorted({n for row in table.values() for n in row})  # the rare characters' rows are one-way: no row lists them
    radicals = [chr(o) for o in SUPPLEMENT if unicodedata.name(chr(o), "")]
    p = bc.Params(5000, tuple(bc.FACES), 32, 4, (1.0, 3.0), 10, 20, 0.5, 40, True)
    for face in p.faces:
        drawn = set(bc.drawable(radicals, face, p.size, p.pad))
        radicals = [r for r in radicals if r in drawn]
    sim = bc.features(radicals, p) @ bc.features(common, p).T
    out: dict[str, str] = {}
    scores: dict[str, float] = {}
    for i, r in enumerate(radicals):
        nfkc = unicodedata.normalize("NFKC", r)
        if nfkc != r:
            out[r], scores[r] = nfkc, 1.0
            continue
        j = int(np.argmax(sim[i]))
        if sim[i, j] >= threshold:
            out[r], scores[r] = common[j], float(sim[i, j])
    return out, scores


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="build_radicals.py", description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the table to write ('-' for stdout)")
    ap.add_argument("--threshold", type=float, default=0.975, help="smallest glyph score for a supplement radical")
    args = ap.parse_args(argv)
    sup, scores = supplement(args.threshold)
    rows = {**kangxi(), **sup}
    header = [
        "cleaner CJK radicals table: radical code points (which PDF extraction writes for a character) and the ideograph.",
        "Format: radical<TAB>ideograph, in code point order.",
        f"Regenerate: python scripts/build_radicals.py{'' if args.threshold == 0.975 else f' --threshold {args.threshold}'} (needs apt-get install fonts-noto-cjk)",
        f"Kangxi Radicals U+2F00..U+2FD5: {len(KANGXI)} rows, Unicode's compatibility mapping (NFKC, Python {sys.version.split()[0]}, Unicode {unicodedata.unidata_version}).",
        f"CJK Radicals Supplement U+2E80..U+2EF3: {len(sup)} rows: its compatibility mappings, and the common character of",
        f"  cleaner/data/visual_confusion.tsv whose rendered glyph scores >= {args.threshold} against the radical's (mean Pearson",
        "  correlation of blurred Noto CJK images, as scripts/build_confusion.py computes it); component forms map to nothing.",
        f"Sources and licences: Unicode Character Database (Unicode licence) through Python's unicodedata; Noto Serif/Sans CJK",
        f"  (SIL OFL-1.1, used only at build time); Pillow {importlib.metadata.version('pillow')}, numpy {importlib.metadata.version('numpy')}.",
        "Licence: derived data of the cleaner project, Apache-2.0.",
    ]
    text = "\n".join(["# " + h for h in header] + [f"{r}\t{c}" for r, c in sorted(rows.items())]) + "\n"
    if str(args.out) == "-":
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    print(f"{len(rows)} rows; supplement: " + " ".join(f"{r}{c}{scores[r]:.3f}" for r, c in sup.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
