#!/usr/bin/env python
"""Build ``cleaner/data/visual_confusion.tsv``: Chinese characters that look alike.

The table lists, for each common Chinese character, the characters whose
glyphs look most like it, with a similarity score in 0..1.  It is the
candidate set for repairing OCR substitutions (土/士, 未/末, 己/已/巳).

How it is made (every step deterministic):

1. Character set: GB 2312 level 1 (3,755 characters, from Python's
   ``gb2312`` codec), the Han characters of pycorrector's
   ``common_char_set.txt`` (Apache-2.0, read from the pycorrector wheel as a
   zip, never installed), and the N most frequent Han characters of
   wordfreq's large Chinese list (a character's frequency is the sum of the
   frequencies of the words that contain it; data CC-BY-SA 4.0), plus the
   Traditional form of each of them given by OpenCC ``s2t`` and ``s2tw``.
2. Rendering: each character is drawn with Pillow in four faces of the Noto
   CJK fonts (Debian ``fonts-noto-cjk``, OFL-1.1, needed only here) in a
   fixed-size cell, placed on the em box as a line of text places it.  Each
   image is blurred at a fine and a coarse Gaussian radius (the coarse one
   then halved in resolution): the fine blur keeps stroke detail, the
   coarse one forgives the small shifts of a component that OCR confusions
   show.
3. Similarity: each (face, blur) image is centred on its mean and scaled to
   unit length, so the dot product of two images is their Pearson
   correlation; the score of a pair is the mean correlation over all faces
   and blurs.  All pairs are compared with numpy matrix products in blocks;
   each character's best candidates are rescored in float64, so that the
   rounding to 3 decimals does not depend on the BLAS.
4. Neighbours: dense glyphs correlate with each other more than simple ones
   do, so a plain top-k makes a few dense characters neighbours of dozens of
   others.  A character therefore keeps the ``--top-k`` candidates that
   rank best by the hubness-corrected score 2 s(a, b) - h(a) - h(b) (CSLS),
   where h is a character's mean score to its ``--hub-k`` nearest, among
   those whose plain score s reaches ``--threshold``.  The relation is then
   made symmetric (if b is among a's neighbours, a is listed under b with
   the same score).  The score written is s.
5. Second source: the pairs within a group of pycorrector's
   ``same_stroke.txt`` (Apache-2.0, 831 groups of characters that share a
   component, such as 州/洲, 廷/霆) whose score s reaches ``--threshold``
   are added, with their score s (``--no-same-stroke`` leaves them out).
   Whole-glyph similarity misses these; they sort to the end of a row.
6. Component table (``cleaner/data/component_confusion.tsv``, one way):
   for every character of the set, each component of its first split in
   jionlp's character dictionary (Apache-2.0, read from the wheel as a zip,
   never installed) that is in the set, scored as above, kept from
   ``--components-threshold``, unless the part is drawn in a radical's
   other shape there (言 in 说); each part keeps its ``--components-top``
   best wholes.  The pair is written under the part only: OCR that drops
   part of a glyph reads 门 for 们, 水 for 冰.  ``cleaner.confusion`` merges
   it into the visual rows.  ``--no-components`` leaves the file alone.

The output is ``#`` header lines (sources, licences, parameters and the
command that regenerates it), then one line per character::

    char<TAB>neighbour:score<TAB>neighbour:score...

neighbours sorted by score descending, then by code point.

Run ``python scripts/build_confusion.py --out cleaner/data/visual_confusion.tsv``
(about 30 seconds on 2 cores).  It needs ``apt-get install fonts-noto-cjk``
and, unless ``--pycorrector-wheel`` (``--jionlp-wheel``) names a local copy, runs
``pip download pycorrector==1.1.4 --no-deps`` (``jionlp==1.5.31``) into a temporary folder.
``--coverage FILE.jsonl`` instead measures how many substitutions of a
spelling-correction set (``{"src", "tgt", "pos"}`` rows) the table lists.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import importlib.metadata
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
#: name -> (file, family name inside the .ttc); the face index is found by name.
FACES: dict[str, tuple[str, str]] = {
    "serif-sc": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "serif-tc": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK TC"),
    "sans-sc": ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    "sans-tc": ("NotoSansCJK-Regular.ttc", "Noto Sans CJK TC"),
}
PYCORRECTOR = "pycorrector==1.1.4"
PYCORRECTOR_SHA256 = "62fba7a2573ff011b4c57f1fff301a7015cab339c567991aa0bb6ff53248b322"
JIONLP = "jionlp==1.5.31"
JIONLP_SHA256 = "688ba3793c5c0888b166ae1b11aaf6161db661a162019e77ffcf5951427e528f"
#: the character dictionary inside the jionlp wheel (a zip inside the zip)
JIONLP_DICT = ("jionlp/dictionary/chinese_char_dictionary.zip", "chinese_char_dictionary.txt")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "cleaner" / "data" / "visual_confusion.tsv"
DEFAULT_COMPONENTS_OUT = ROOT / "cleaner" / "data" / "component_confusion.tsv"
#: Characters printed by --show without an argument: look-alikes the table must find.
CHECK = "土士 未末 己已巳 体休 日曰 人入 大太犬 刀力 天夭 戊戌戍 贝见"
#: Options that decide the table's content (all but --out, --pycorrector-wheel, --show, --coverage).
CONTENT_OPTIONS = ("wordfreq_top", "faces", "size", "pad", "blur", "top_k", "hub_k", "threshold", "candidates", "no_same_stroke", "rare_top", "rare_threshold")
#: the code points whose other characters get one-way rows: CJK Unified Ideographs as far as GBK
#: (and most OCR engines' output) reaches, U+4E00..U+9FA5
RARE_BLOCKS = ((0x4E00, 0x9FA5),)


class Params(NamedTuple):
    """Everything that decides the table's content (written into its header)."""

    wordfreq_top: int
    faces: tuple[str, ...]
    size: int
    pad: int
    blurs: tuple[float, float]
    top_k: int
    hub_k: int
    threshold: float
    candidates: int
    same_stroke: bool
    rare_top: int = 3
    rare_threshold: float = 0.85


# ---------------------------------------------------------------- character set


def is_han(ch: str) -> bool:
    """Whether ``ch`` is a CJK unified or compatibility ideograph (or 〇)."""
    o = ord(ch)
    return o == 0x3007 or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


def gb2312_level1() -> list[str]:
    """The 3,755 level-1 hanzi of GB 2312 (rows 16-55), from Python's codec."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # row 55 ends at 0xF9
    return out


def wordfreq_top(n: int) -> list[str]:
    """The n most frequent Han characters of wordfreq's large Chinese list."""
    import wordfreq

    counts: collections.Counter[str] = collections.Counter()
    for word, freq in wordfreq.get_frequency_dict("zh", "large").items():
        for ch in word:
            counts[ch] += freq
    ranked = sorted((ch for ch in counts if is_han(ch)), key=lambda ch: (-counts[ch], ch))
    return ranked[:n]


def traditional_forms(chars: Iterable[str]) -> set[str]:
    """Single-character Traditional forms given by OpenCC ``s2t`` and ``s2tw``."""
    import opencc

    out = set()
    for config in ("s2t", "s2tw"):
        cc = opencc.OpenCC(config)
        for ch in chars:
            t = cc.convert(ch)
            if len(t) == 1 and is_han(t):
                out.add(t)
    return out


class Pycorrector(NamedTuple):
    name: str
    sha256: str
    common: list[str]
    same_stroke: list[list[str]]


def wheel_bytes(spec: str, wheel: Path | None, option: str) -> tuple[str, bytes]:
    """The name and bytes of the wheel ``spec`` (``name==version``): the
    file ``wheel`` when given, else ``pip download``-ed into a temporary folder."""
    name = spec.split("==")[0]
    if wheel is None:
        with tempfile.TemporaryDirectory(prefix=f"{name}-") as tmp:
            cmd = [sys.executable, "-m", "pip", "download", spec, "--no-deps", "--only-binary=:all:", "-q", "-d", tmp]
            try:
                subprocess.run(cmd, check=True)
            except (OSError, subprocess.CalledProcessError) as exc:
                sys.exit(f"error: could not download the {name} wheel ({exc}); pass {option} PATH")
            found = sorted(Path(tmp).glob(f"{name}-*.whl"))
            if not found:
                sys.exit(f"error: pip download gave no {name} wheel; pass {option} PATH")
            return found[0].name, found[0].read_bytes()
    if not wheel.is_file():
        sys.exit(f"error: no such file: {wheel} (get it with `pip download {spec} --no-deps`)")
    return wheel.name, wheel.read_bytes()


def load_pycorrector(wheel: Path | None) -> Pycorrector:
    """The two data files of the pycorrector wheel (downloaded when not given)."""
    return _read_wheel(*wheel_bytes(PYCORRECTOR, wheel, "--pycorrector-wheel"))


def _read_wheel(name: str, data: bytes) -> Pycorrector:
    digest = hashlib.sha256(data).hexdigest()
    if digest != PYCORRECTOR_SHA256:
        sys.exit(f"error: {name} has sha256 {digest}, expected {PYCORRECTOR_SHA256} ({PYCORRECTOR}); the table would change")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        common = z.read("pycorrector/data/common_char_set.txt").decode("utf-8").split()
        groups = [line.split() for line in z.read("pycorrector/data/same_stroke.txt").decode("utf-8").splitlines()]
    return Pycorrector(name, digest, [c for c in common if len(c) == 1 and is_han(c)], [g for g in groups if len(g) > 1])


class Jionlp(NamedTuple):
    name: str
    sha256: str
    #: character -> its components (the dictionary's first split: 们 -> 人门, 院 -> 阜完)
    parts: dict[str, str]
    #: character -> its structure code (1 left-right, 2 top-bottom, 3 left-middle-right, ...)
    structure: dict[str, str]


#: Kangxi radicals that take another shape as a component, by where that
#: shape stands (the dictionary splits 说 as 言兑 and 花 as 草化, but the glyph
#: holds 讠 and 艹, not 言 and 草): the first component of a left-right
#: character (亻 扌 氵 忄 讠 钅 饣 纟 犭 礻 衤 ⻊ 王 月 阝 牜), the first of a
#: top-bottom one (艹 ⺮ 罒 耂 爫 ⺶), the last of a left-right one (刂 阝)
VARIANT_FIRST_LEFT = frozenset("人心手水犬示丝糸絲衣言金食足玉肉阜牛")
VARIANT_FIRST_TOP = frozenset("草艸竹网老爪羊")
VARIANT_LAST_RIGHT = frozenset("刀邑")


def drawn_as_variant(part: str, parts: str, structure: str) -> bool:
    """Whether ``part``, a component of a character split as ``parts`` with
    the dictionary's ``structure`` code, is drawn there in a radical's other
    shape (so the character does not contain ``part`` as written).

    >>> drawn_as_variant("言", "言兑", "1"), drawn_as_variant("心", "相心", "2"), drawn_as_variant("刀", "至刀", "1")
    (True, False, True)
    """
    if not parts:
        return False
    if structure in ("1", "3"):
        return (parts[0] == part and part in VARIANT_FIRST_LEFT) or (parts[-1] == part and part in VARIANT_LAST_RIGHT)
    return structure == "2" and parts[0] == part and part in VARIANT_FIRST_TOP


def load_jionlp(wheel: Path | None) -> Jionlp:
    """The decompositions of jionlp's character dictionary (read from the
    wheel as a zip, never installed; downloaded when not given)."""
    name, data = wheel_bytes(JIONLP, wheel, "--jionlp-wheel")
    digest = hashlib.sha256(data).hexdigest()
    if digest != JIONLP_SHA256:
        sys.exit(f"error: {name} has sha256 {digest}, expected {JIONLP_SHA256} ({JIONLP}); the table would change")
    inner, member = JIONLP_DICT
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(io.BytesIO(z.read(inner))) as d:
        text = d.read(member).decode("utf-8")
    parts, structure = {}, {}
    for line in text.splitlines():
        fields = line.split("\t")
        # char, radical, structure, four-corner code, components (拆分), ...
        if len(fields) > 4 and len(fields[0]) == 1:
            parts[fields[0]] = fields[4]
            structure[fields[0]] = fields[2]
    return Jionlp(name, digest, parts, structure)


def character_set(top: int, pyc: Pycorrector) -> tuple[list[str], dict[str, int]]:
    """The sorted character set and how many characters each source gave."""
    gb, wf, pc = gb2312_level1(), wordfreq_top(top), pyc.common
    simplified = set(gb) | set(wf) | set(pc)
    trad = traditional_forms(sorted(simplified))
    chars = sorted(simplified | trad)
    stats = {
        "gb2312_level1": len(gb),
        f"wordfreq_top{top}": len(wf),
        "pycorrector_common": len(pc),
        "simplified_union": len(simplified),
        "traditional_added": len(trad - simplified),
        "total": len(chars),
    }
    return chars, stats


# ---------------------------------------------------------------- rendering


def font_path(file: str) -> Path:
    path = FONT_DIR / file
    if not path.exists():
        sys.exit(f"error: font {path} is missing: run `apt-get install fonts-noto-cjk` (OFL-1.1, needed only to build the table)")
    return path


def load_face(face: str, size: int):  # -> PIL.ImageFont.FreeTypeFont
    """The named face of a .ttc collection, found by its family name."""
    from PIL import ImageFont

    file, family = FACES[face]
    path = font_path(file)
    for index in range(32):
        try:
            font = ImageFont.truetype(str(path), size, index=index)
        except OSError:
            break
        if font.getname()[0] == family:
            return font
    sys.exit(f"error: no face {family!r} in {path}: run `apt-get install fonts-noto-cjk`")


def _drawer(face: str, size: int, pad: int):  # -> Callable[[str], np.ndarray]
    """A function that draws one character of ``face`` as a uint8 image of
    ``size + 2 pad`` pixels square."""
    from PIL import Image, ImageDraw

    font = load_face(face, size)
    cell = size + 2 * pad

    def draw(ch: str) -> np.ndarray:
        im = Image.new("L", (cell, cell), 0)
        # anchor "mm": middle of the advance and of ascender..descender, the
        # same for every glyph of a face, so a glyph keeps its place in the cell.
        ImageDraw.Draw(im).text((cell / 2, cell / 2), ch, fill=255, font=font, anchor="mm")
        return np.asarray(im)

    return draw


def _missing(chars: Sequence[str], glyphs: Iterable[np.ndarray], draw) -> list[str]:  # draw: Callable[[str], np.ndarray]
    """The characters whose glyph is empty or the face's .notdef box (the
    glyph of a private-use code point that no CJK font covers)."""
    tofu = draw("\U000f0000")
    return [ch for ch, g in zip(chars, glyphs) if np.array_equal(g, tofu) or not g.any()]


def render(chars: Sequence[str], face: str, size: int, pad: int) -> np.ndarray:
    """Glyphs as uint8 images, shape (len(chars), size + 2 pad, size + 2 pad)."""
    draw = _drawer(face, size, pad)
    out = np.stack([draw(ch) for ch in chars])
    missing = _missing(chars, out, draw)
    if missing:
        sys.exit(f"error: face {FACES[face][1]} has no glyph for {''.join(missing)!r}")
    return out


def features(chars: Sequence[str], p: Params) -> np.ndarray:
    """Unit-length, mean-centred blurred images, concatenated over faces and blurs.

    The dot product of two rows is the mean Pearson correlation of their images.
    """
    from PIL import Image, ImageFilter

    fine, coarse = p.blurs
    blocks = []
    for face in p.faces:
        glyphs = render(chars, face, p.size, p.pad)
        for radius, scale in ((fine, 1), (coarse, 2)):
            cell = glyphs.shape[1] // scale
            block = np.empty((len(chars), cell * cell), dtype=np.float64)
            for i, g in enumerate(glyphs):
                im = Image.fromarray(g).filter(ImageFilter.GaussianBlur(radius))
                if scale != 1:
                    im = im.resize((cell, cell), Image.Resampling.BOX)
                block[i] = np.asarray(im, dtype=np.float64).ravel()
            block -= block.mean(axis=1, keepdims=True)
            blocks.append(block / np.linalg.norm(block, axis=1, keepdims=True))
    return np.hstack(blocks) / np.sqrt(len(blocks))


# ---------------------------------------------------------------- neighbours


def candidates(feat: np.ndarray, count: int, block: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``count`` most similar other rows and their scores, best first.

    The search runs in float32 (matrix products in blocks); the candidates are
    rescored in float64 and ordered by score, then by index, so that the
    result does not depend on the BLAS.
    """
    f32 = feat.astype(np.float32)
    n = len(feat)
    c = min(count, n - 1)
    index = np.empty((n, c), dtype=np.int64)
    score = np.empty((n, c), dtype=np.float64)
    for start in range(0, n, block):
        sim = f32[start : start + block] @ f32.T
        rows = np.arange(sim.shape[0])
        sim[rows, start + rows] = -np.inf  # never one's own neighbour
        for r, js in enumerate(np.argpartition(-sim, c, axis=1)[:, :c]):
            i = start + r
            js = np.sort(js)
            exact = feat[js] @ feat[i]
            order = np.lexsort((js, -np.round(exact, 9)))
            index[i], score[i] = js[order], exact[order]
    return index, score


def nearest(feat: np.ndarray, p: Params) -> dict[tuple[int, int], float]:
    """Symmetric pairs (i < j) -> score: each character's top-k, in either direction.

    Neighbours are ranked by the hubness-corrected score ``2 s(a, b) - h(a) -
    h(b)`` (CSLS, Conneau et al. 2018), where ``h`` is a character's mean
    score to its ``hub_k`` nearest; the score kept is the plain ``s(a, b)``.
    """
    index, score = candidates(feat, p.candidates)
    hub = score[:, : p.hub_k].mean(axis=1)
    rank = np.round(2 * score - hub[:, None] - hub[index], 6)
    pairs: dict[tuple[int, int], float] = {}
    for i in range(len(feat)):
        for r in np.lexsort((index[i], -rank[i]))[: p.top_k]:
            j, s = int(index[i, r]), _rounded(score[i, r])
            if s >= p.threshold:
                pairs[(min(i, j), max(i, j))] = s
    return pairs


def _rounded(score: float) -> float:
    return float(np.round(np.clip(score, 0.0, 1.0), 3))


def same_stroke_pairs(groups: list[list[str]], index: dict[str, int], feat: np.ndarray, threshold: float) -> dict[tuple[int, int], float]:
    """Pairs within a same_stroke group (both in the set), scored like the others."""
    out: dict[tuple[int, int], float] = {}
    for group in groups:
        members = sorted({index[c] for c in group if c in index})
        for a, i in enumerate(members):
            for j in members[a + 1 :]:
                s = _rounded(feat[i] @ feat[j])
                if s >= threshold:
                    out[(i, j)] = s
    return out


def rare_characters(known: set[str], faces: Sequence[str], size: int, pad: int) -> list[str]:
    """The characters of :data:`RARE_BLOCKS` outside ``known`` that every
    face draws and that OpenCC ``t2s`` leaves as they are (a Traditional
    form is the ``script`` rule's business, not a misreading)."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    out = [chr(o) for lo, hi in RARE_BLOCKS for o in range(lo, hi + 1) if chr(o) not in known]
    out = [ch for ch in out if t2s.convert(ch) == ch]
    for face in faces:
        drawn = set(drawable(out, face, size, pad))
        out = [ch for ch in out if ch in drawn]
    return sorted(out)


def drawable(chars: Sequence[str], face: str, size: int, pad: int) -> list[str]:
    """The characters of ``chars`` that ``face`` has a glyph for."""
    draw = _drawer(face, size, pad)
    missing = set(_missing(chars, (draw(ch) for ch in chars), draw))
    return [ch for ch in chars if ch not in missing]


def rare_rows(rare: Sequence[str], feat_rare: np.ndarray, chars: Sequence[str], feat: np.ndarray, top: int, threshold: float, block: int = 512) -> dict[str, list[tuple[str, float]]]:
    """One-way rows: each rare character's ``top`` most similar characters
    of the set whose score reaches ``threshold`` (float32 search, float64
    rescoring and rounding, as :func:`candidates`).  The set's characters
    do not list the rare ones: a rare character printed where a common one
    belongs is a likely misreading (釆 for 采, 廋 for 瘦), the other way
    round it is not."""
    out: dict[str, list[tuple[str, float]]] = {}
    if top <= 0:
        return out
    f32 = feat.astype(np.float32)
    c = min(top + 8, len(chars) - 1)
    for start in range(0, len(rare), block):
        sim = feat_rare[start : start + block].astype(np.float32) @ f32.T
        for r, js in enumerate(np.argpartition(-sim, c, axis=1)[:, :c]):
            i = start + r
            js = np.sort(js)
            exact = np.array([_rounded(x) for x in feat[js] @ feat_rare[i]])
            order = np.lexsort((js, -exact))[:top]
            row = [(chars[int(js[k])], float(exact[k])) for k in order if exact[k] >= threshold]
            if row:
                out[rare[i]] = sorted(row, key=lambda ns: (-ns[1], ns[0]))
    return out


def component_pairs(jl: Jionlp, chars: Sequence[str], feat: np.ndarray, threshold: float) -> dict[str, dict[str, float]]:
    """part -> {whole: score}: the characters of the set that have ``part``
    as a component (门 -> 们 闷 问 ...: OCR dropped the rest of the glyph),
    scored like the visual pairs, kept from ``threshold`` up.  One way only:
    the other way (们 read for 门) proposes a common part for a rarer whole
    (躬 -> 身, 臻 -> 至), which the context pass takes too readily.  A
    part drawn in a radical's other shape (言 in 说) is left out
    (:func:`drawn_as_variant`)."""
    index = {c: i for i, c in enumerate(chars)}
    out: dict[str, dict[str, float]] = collections.defaultdict(dict)
    for whole in chars:
        i = index[whole]
        split = jl.parts.get(whole, "")
        for part in split:
            j = index.get(part)
            if j is not None and j != i and not drawn_as_variant(part, split, jl.structure.get(whole, "")):
                s = _rounded(feat[i] @ feat[j])
                if s >= threshold:
                    out[part][whole] = s
    return out


def write_components(args: argparse.Namespace, jl: Jionlp, chars: Sequence[str], feat: np.ndarray, visual: dict[str, list[tuple[str, float]]]) -> str:
    """The one-way component table (``component_confusion.tsv``): its text,
    without the pairs the visual table already lists."""
    found = component_pairs(jl, chars, feat, args.components_threshold)
    rows_out = []
    n = 0
    for part in sorted(found):
        listed = {x for x, _ in visual.get(part, [])}
        nb = sorted(((w, sc) for w, sc in found[part].items() if w not in listed), key=lambda ws: (-ws[1], ws[0]))[: args.components_top]
        if nb:
            rows_out.append(part + "".join(f"\t{w}:{sc:.3f}" for w, sc in nb))
            n += len(nb)
    command = "python scripts/build_confusion.py --out cleaner/data/visual_confusion.tsv"
    defaults = parse_args([])
    if args.components_threshold != defaults.components_threshold:
        command += f" --components-threshold {args.components_threshold}"
    if args.components_top != defaults.components_top:
        command += f" --components-top {args.components_top}"
    lines = [
        "cleaner component confusion table: a character and the characters that contain it as a component",
        "  (OCR drops part of a glyph: 门 read for 们, 水 for 冰, 完 for 院, 小 for 少).",
        "Format: part<TAB>whole:score<TAB>...  One way: a row lists the characters that the written character may",
        "  be a part of; score = the visual table's glyph score of the pair (same rendering, see visual_confusion.tsv),",
        "  sorted by score descending, then by code point. Pairs the visual table lists are left out;",
        "  cleaner.confusion merges this table into the visual table's rows when it loads them.",
        f"Regenerate: {command}",
        "  (writes both tables; needs `apt-get install fonts-noto-cjk`; downloads the jionlp wheel unless --jionlp-wheel is given)",
        "Method: for every character of the visual table's set, each component of its first split (拆分) in jionlp's",
        f"  character dictionary that is itself in the set (们 = 人门, 院 = 阜完) with glyph score s >= {args.components_threshold},",
        "  unless the part is drawn there in a radical's other shape (言 in 说 = 言兑, 草 in 花 = 草化; VARIANT_* in the script);",
        f"  each part keeps the {args.components_top} wholes of highest score that the visual table does not list (a common",
        "  part such as 口 or 木 is in hundreds of characters: the typo rules' time grew 12-17 % with all of them);",
        "  the pair is written under the component only (the written part -> the whole: the other way proposes a",
        "  common part for a rarer character, 躬 -> 身, and changed clean text with a character model).",
        f"Counts: {len(rows_out)} rows, {n} one-way pairs.",
        "Sources and licences:",
        f"  jionlp (https://github.com/dongrixinyu/JioNLP, dongrixinyu), Apache-2.0: {jl.name} (sha256 {jl.sha256[:16]}...),",
        "    jionlp/dictionary/chinese_char_dictionary.zip (the components of each character).",
        "  Glyph scores and character set: as visual_confusion.tsv (Noto CJK fonts at build time only).",
        "Licence: the table is derived data computed by the cleaner project and ships under the project's licence",
        "  (Apache-2.0), with the attributions above.",
    ]
    return "\n".join(["# " + line for line in lines] + rows_out) + "\n"


def rows(chars: Sequence[str], pairs: dict[tuple[int, int], float]) -> dict[str, list[tuple[str, float]]]:
    """char -> [(neighbour, score)] by score descending, then code point; chars in order."""
    adj: dict[int, list[tuple[str, float]]] = collections.defaultdict(list)
    for (i, j), s in pairs.items():
        adj[i].append((chars[j], s))
        adj[j].append((chars[i], s))
    return {chars[i]: sorted(adj[i], key=lambda ns: (-ns[1], ns[0])) for i in sorted(adj)}


# ---------------------------------------------------------------- output


def header(p: Params, stats: dict[str, int], pyc: Pycorrector, n_rows: int, n_pairs: int, n_stroke: int, options: Sequence[str]) -> list[str]:
    import PIL.features

    def version(pkg: str) -> str:
        return importlib.metadata.version(pkg)

    try:
        noto = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "fonts-noto-cjk"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        noto = "version unknown"
    command = " ".join(["python scripts/build_confusion.py --out cleaner/data/visual_confusion.tsv", *options])
    fine, coarse = p.blurs
    lines = [
        "cleaner visual confusion table: Chinese characters whose glyphs look alike (OCR substitution candidates).",
        "Format: char<TAB>neighbour:score<TAB>...  score = mean Pearson correlation of the blurred glyph images",
        "  (faces and blurs below), clipped to 0..1, 3 decimals; neighbours sorted by score descending, then by",
        "  code point. Symmetric within the character set below: a lists b iff b lists a, with the same score.",
        "  Simple glyphs (一, 二, 口) score lower than dense ones: compare scores within a row, not across rows.",
        f"Regenerate: {command}",
        "  (needs `apt-get install fonts-noto-cjk`; downloads the pycorrector wheel unless --pycorrector-wheel is given)",
        f"Method: Pillow renders each character at {p.size}px on a {p.size + 2 * p.pad}px cell (anchor mm) in",
        f"  {', '.join(FACES[f][1] for f in p.faces)}; Gaussian blur radius {fine} at full size and",
        f"  radius {coarse} at half size; each (face, blur) image minus its mean, scaled to unit length; score s =",
        "  mean dot product (all pairs by matrix products in blocks, candidates rescored in float64).",
        f"  Each character keeps the top {p.top_k} of its {p.candidates} nearest by the hubness-corrected rank",
        f"  2 s(a,b) - h(a) - h(b) (CSLS; h = mean s to the {p.hub_k} nearest) with s >= {p.threshold}; then every",
        "  pair is added in reverse.",
        (
            f"  Second source: pairs within a group of pycorrector same_stroke.txt with s >= {p.threshold}, scored"
            f" the same way ({n_stroke} pairs come only from it)."
            if p.same_stroke
            else "  pycorrector same_stroke.txt is not merged (--no-same-stroke)."
        ),
        "Characters: " + ", ".join(f"{k} {v}" for k, v in stats.items() if k != "rare_rows") + f"; {n_rows} rows, {n_pairs} pairs.",
        "  Simplified = GB 2312 level 1 (Python's gb2312 codec) | Han characters of pycorrector common_char_set.txt |",
        "  most frequent Han characters of wordfreq get_frequency_dict('zh', 'large') (character frequency = sum",
        "  over the words that contain it); plus the Traditional form of each from OpenCC s2t and s2tw.",
        *(
            [
                f"Rare characters: {stats.get('rare_rows', 0)} one-way rows after the others, for the characters of U+4E00..U+9FA5 (the GBK range)",
                "  outside the set that every face draws and OpenCC t2s leaves as they are: each lists",
                f"  its {p.rare_top} most similar characters of the set with s >= {p.rare_threshold} (no character of the set lists them).",
            ]
            if p.rare_top > 0
            else []
        ),
        "Sources and licences:",
        f"  Noto Serif CJK, Noto Sans CJK (Debian fonts-noto-cjk {noto}), SIL OFL-1.1: used only at build time;",
        "    no glyph data is shipped.",
        f"  pycorrector (https://github.com/shibing624/pycorrector), Apache-2.0: {pyc.name} (sha256 {pyc.sha256[:16]}...),",
        "    common_char_set.txt (character set)" + (" and same_stroke.txt (pairs)." if p.same_stroke else "."),
        f"  wordfreq {version('wordfreq')} (https://github.com/rspeer/wordfreq, Robyn Speer), data CC-BY-SA 4.0:",
        "    used only to choose which characters are included.",
        f"  Tools: OpenCC {version('opencc')} (Apache-2.0), Pillow {version('pillow')} with FreeType {PIL.features.version('freetype2')}, numpy {version('numpy')}.",
        "Licence: the table is derived data computed by the cleaner project and ships under the project's licence",
        "  (Apache-2.0), with the attributions above.",
    ]
    return ["# " + line for line in lines]


def regenerate_options(args: argparse.Namespace) -> list[str]:
    """The content options whose value differs from the default, as command-line words.

    ``--out`` and ``--pycorrector-wheel`` do not change the content, so the
    file is the same wherever it is written.
    """
    defaults = parse_args([])
    out: list[str] = []
    for name in CONTENT_OPTIONS:
        value = getattr(args, name)
        if value != getattr(defaults, name):
            out += ["--" + name.replace("_", "-")] if value is True else ["--" + name.replace("_", "-"), str(value)]
    return out


def build(args: argparse.Namespace) -> int:
    faces = tuple(f.strip() for f in args.faces.split(",") if f.strip())
    unknown = [f for f in faces if f not in FACES]
    if unknown or not faces:
        sys.exit(f"error: unknown face(s) {unknown}; valid: {', '.join(FACES)}")
    blurs = tuple(float(b) for b in args.blur.split(","))
    if len(blurs) != 2:
        sys.exit("error: --blur takes two radii, fine and coarse, e.g. 1.0,3.0")
    if args.candidates <= max(args.top_k, args.hub_k):
        sys.exit("error: --candidates must exceed --top-k and --hub-k")
    p = Params(args.wordfreq_top, faces, args.size, args.pad, (blurs[0], blurs[1]), args.top_k, args.hub_k, args.threshold, args.candidates, not args.no_same_stroke, args.rare_top, args.rare_threshold)
    for f in faces:
        font_path(FACES[f][0])  # fail before the slow steps

    t0 = time.perf_counter()
    pyc = load_pycorrector(args.pycorrector_wheel)
    chars, stats = character_set(p.wordfreq_top, pyc)
    print(f"characters: {stats}", file=sys.stderr)
    feat = features(chars, p)
    print(f"rendered {feat.shape} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    pairs = nearest(feat, p)
    n_stroke = 0
    if p.same_stroke:
        extra = same_stroke_pairs(pyc.same_stroke, {c: i for i, c in enumerate(chars)}, feat, p.threshold)
        n_stroke = len(extra.keys() - pairs.keys())
        pairs = {**extra, **pairs}
    table = rows(chars, pairs)
    n_common = len(table)
    if p.rare_top > 0:
        rare = rare_characters(set(chars), p.faces, p.size, p.pad)
        table.update(rare_rows(rare, features(rare, p), chars, feat, p.rare_top, p.rare_threshold))
        stats["rare_rows"] = len(table) - n_common
        print(f"rare characters: {len(rare)}, {stats['rare_rows']} with a row; {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    if not args.no_components and str(args.components_out) != "":
        ctext = write_components(args, load_jionlp(args.jionlp_wheel), chars, feat, table)
        if str(args.components_out) == "-":
            sys.stdout.write(ctext)
        else:
            args.components_out.write_text(ctext, encoding="utf-8")
        print(f"components: {ctext.count(chr(10)) - ctext.count(chr(10) + '#') - 1} rows written", file=sys.stderr)
    lines = [ch + "".join(f"\t{n}:{s:.3f}" for n, s in nb) for ch, nb in table.items()]
    text = "\n".join(header(p, stats, pyc, len(lines), len(pairs), n_stroke, regenerate_options(args)) + lines) + "\n"
    if str(args.out) == "-":
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    degrees = sorted(len(nb) for nb in table.values())
    print(
        f"{len(lines)} rows, {len(pairs)} pairs ({n_stroke} only from same_stroke), neighbours per row: median "
        f"{degrees[len(degrees) // 2]}, max {degrees[-1]}; {len(text.encode()) / 1e6:.2f} MB; {time.perf_counter() - t0:.1f}s",
        file=sys.stderr,
    )
    if args.show:
        for ch in args.show:
            if not ch.isspace():
                shown = " ".join(f"{n}{s:.2f}" for n, s in table.get(ch, [])[:10])
                print(ch, shown or "(no row)", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- coverage


def read_table(path: Path) -> dict[str, list[str]]:
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            ch, *nb = line.split("\t")
            table[ch] = [x.rsplit(":", 1)[0] for x in nb]
    return table


def same_stroke_table(pyc: Pycorrector) -> dict[str, list[str]]:
    """pycorrector same_stroke.txt alone, as a table (every pair within a group)."""
    out: dict[str, dict[str, None]] = collections.defaultdict(dict)
    for group in pyc.same_stroke:
        for a in group:
            for b in group:
                if a != b:
                    out[a][b] = None
    return {a: list(nb) for a, nb in out.items()}


def coverage(args: argparse.Namespace) -> int:
    """Print the share of substituted (src, tgt) characters the table lists for src."""
    table = read_table(args.out)
    subs: collections.Counter[tuple[str, str]] = collections.Counter()
    for path in args.coverage:
        with open(path, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                if len(row["src"]) == len(row["tgt"]):
                    subs.update((row["src"][i], row["tgt"][i]) for i in row["pos"])
    tables = {args.out.name: table}
    if args.pycorrector_wheel:
        tables["pycorrector same_stroke.txt"] = same_stroke_table(load_pycorrector(args.pycorrector_wheel))
    total = sum(subs.values())
    han = {k: n for k, n in subs.items() if is_han(k[0]) and is_han(k[1])}
    in_set = {k: n for k, n in han.items() if k[0] in table and k[1] in table}
    print(
        f"{total} substituted characters ({len(subs)} distinct pairs); Han->Han {sum(han.values())}; "
        f"both characters in {args.out.name}: {sum(in_set.values())}"
    )
    for name, t in tables.items():
        for label, pool in (("all substitutions", subs), ("Han->Han", han), ("both in the table", in_set)):
            denom = sum(pool.values())
            cells = []
            for k in (1, 5, 10, None):
                hit = sum(n for (a, b), n in pool.items() if b in t.get(a, [])[:k])
                cells.append(f"{'any' if k is None else f'top-{k}'} {hit / denom:.3f}")
            print(f"{name:28} {label:18} " + "  ".join(cells))
    return 0


# ---------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="build_confusion.py",
        description=(
            "Build the visual confusion table of Chinese characters (cleaner/data/visual_confusion.tsv) by "
            "rendering glyphs with the Noto CJK fonts and comparing blurred bitmaps. Deterministic: the same "
            "inputs give a byte-identical file. Needs `apt-get install fonts-noto-cjk` (only to build)."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the table to write ('-' for stdout), or to read with --coverage")
    ap.add_argument("--pycorrector-wheel", type=Path, help=f"a local {PYCORRECTOR} wheel (default: pip download it to a temporary folder)")
    ap.add_argument("--wordfreq-top", type=int, default=5000, help="how many of wordfreq's most frequent Han characters join the set")
    ap.add_argument("--faces", default=",".join(FACES), help=f"comma-separated faces, from: {', '.join(FACES)}")
    ap.add_argument("--size", type=int, default=32, help="font size in pixels")
    ap.add_argument("--pad", type=int, default=4, help="empty margin around the glyph box, in pixels")
    ap.add_argument("--blur", default="1.0,3.0", help="fine and coarse Gaussian blur radii (the coarse image at half size)")
    ap.add_argument("--top-k", type=int, default=10, help="neighbours each character keeps before the relation is made symmetric")
    ap.add_argument("--hub-k", type=int, default=20, help="how many nearest scores measure a character's hubness (CSLS)")
    ap.add_argument("--threshold", type=float, default=0.5, help="smallest score kept")
    ap.add_argument("--candidates", type=int, default=40, help="nearest candidates per character, rescored in float64 and ranked")
    ap.add_argument("--no-same-stroke", action="store_true", help="do not add the pairs of pycorrector's same_stroke.txt")
    ap.add_argument("--rare-top", type=int, default=3, help="one-way rows for the rarer characters of the CJK blocks: each lists this many of its most similar characters of the set (0: none)")
    ap.add_argument("--rare-threshold", type=float, default=0.85, help="smallest score a rare character's neighbour needs")
    ap.add_argument("--jionlp-wheel", type=Path, help=f"a local {JIONLP} wheel (default: pip download it to a temporary folder)")
    ap.add_argument("--no-components", action="store_true", help="do not write the component table (jionlp: one character a component of the other)")
    ap.add_argument("--components-out", type=Path, default=DEFAULT_COMPONENTS_OUT, help="the one-way component table to write ('-' for stdout)")
    ap.add_argument("--components-threshold", type=float, default=0.5, help="smallest glyph score a component pair keeps")
    ap.add_argument("--components-top", type=int, default=10, help="wholes each part keeps in the component table (highest score first)")
    ap.add_argument("--show", nargs="?", const=CHECK, metavar="CHARS", help=f"print these characters' neighbours to stderr; without CHARS: {CHECK}")
    ap.add_argument(
        "--coverage",
        nargs="+",
        type=Path,
        metavar="JSONL",
        help="do not build: measure the table at --out on the substitutions of these {src, tgt, pos} files "
        "(training data only, never a held-out test set); with --pycorrector-wheel also same_stroke.txt alone",
    )
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return coverage(args) if args.coverage else build(args)


if __name__ == "__main__":
    sys.exit(main())
