"""Rule ``unicode``: mojibake and broken Unicode, without harming Chinese.

* ftfy repairs UTF-8 that was read as Windows-1252 or Latin-1, terminal
  escapes, ligatures and C1 controls.  It runs with
  ``fix_character_width=False`` and ``uncurl_quotes=False`` (its defaults fold
  ``，（`` to ASCII and ``“”`` to ``""``, which is wrong for Chinese),
  ``fix_line_breaks=False`` (line endings are the document's own) and
  ``unescape_html=False``: HTML entities are the ``html_entities`` rule's,
  which reports its edits under its own name (the rule runs after this one,
  and this one again after it: ``10Î&frac14;s`` -> ``10Î¼s`` -> ``10μs``).
* UTF-8 that was read as GBK (``涓枃`` for ``中文``) and GBK that was read
  as Latin-1 (``ÖÐÎÄ``) are repaired when the re-decoded text is made of
  common characters (the first level of GB 2312) and the damaged text is not.
* A soft hyphen (U+00AD, left by PDF extraction) after an ASCII letter and
  before a letter is removed: inside a line it is invisible (after a
  non-ASCII letter it can be a byte of mojibake, and stays).  At a line end
  it stays, for ``paragraphs`` to join the word.
* Between CJK characters a segment keeps ftfy's repair only when the repair
  reads as text there: what it brings in is CJK, Hangul, punctuation,
  symbols or digits, a Latin or Greek letter next to ASCII letters or
  digits (``CafÃ©`` -> ``Café``, ``10Î¼s`` -> ``10μs``), or a word of at
  least three letters of one script (``Ð¿Ñ€Ð¸`` -> ``при``).  A lone letter
  from nowhere (``南洋É¬林`` -> ``南洋ɬ林``) is a chance decode of two stray
  bytes, and the segment is left as it is.
* A radical code point that PDF extraction writes for a character (a font
  maps the glyph of 人 to the Kangxi radical ⼈, of 民 to ⺠) becomes the
  character, where a Han character or another such radical stands beside
  it (``中华⼈⺠共和国``); a radical alone between other text (a list of
  radicals, ``部首：⼈``) stays.  The table (``cleaner/data/cjk_radicals.tsv``,
  ``scripts/build_radicals.py``) is Unicode's compatibility mapping for the
  Kangxi radicals and glyph identity for the supplement's (⻅ 见, ⻓ 长).
* A CJK compatibility ideograph (U+F900..U+FAFF: Big5 and KS X 1001
  conversions and PDF fonts leave them; 例 U+F9B5 looks like 例 U+4F8B and
  matches nothing written with it) becomes the unified ideograph it is
  canonically equivalent to (NFC), where a Han character stands beside it;
  the twelve unified ideographs of that block have no equivalent and stay.
* Control characters, byte-order marks and zero-width characters are removed;
  a lone surrogate (JSON can carry one) becomes U+FFFD, so output is UTF-8.
  Zero-width joiners stay between two non-CJK characters (emoji sequences,
  Indic and Arabic scripts need them).  U+2028/U+2029 become line breaks.

ftfy is slow on clean text, so it only sees lines that contain a character
it could act on; plain Chinese text never reaches it.

>>> from cleaner import clean
>>> clean("Ningboï¼ŒChina", only=["unicode"])
'Ningbo，China'
>>> clean("“引号”与（括号）保持不变", only=["unicode"])
'“引号”与（括号）保持不变'
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..chars import CODE_WINDOW, HAN, HAN_BLOCK, class_table, code_windows, is_cjk, is_han
from ..edits import Edit, apply_edits, until_stable
from ..rule import Rule, lines_around

if TYPE_CHECKING:
    from ..config import Config

NAME = "unicode"



@functools.cache
def _ftfy() -> tuple[Callable[..., str], Any]:
    """ftfy's ``fix_text`` and our configuration of it, imported on first
    use (ftfy is heavy to import, and most text never needs it)."""
    import ftfy

    return ftfy.fix_text, ftfy.TextFixerConfig(
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        unescape_html=False,
        explain=False,
    )

def _needed(items: Any) -> frozenset[str] | None:
    """Characters of which every match of the parsed regex ``items`` (a
    sequence, as ``re._parser.parse`` gives it) holds at least one; None
    when that cannot be told (an item that may match nothing, a category,
    a negated class...).  Of the items that every match goes through, the
    one with the fewest ASCII characters, then letters, is chosen (what
    text is mostly made of).

    >>> sorted(_needed(_parse("a[bc]|x(?:y中)+")))  # (中 rather than x or y)
    ['a', '中']
    >>> _needed(_parse(r"\\w+")) is None
    True
    """
    c = importlib.import_module("re._constants")  # (the regex parser's opcodes)
    best: frozenset[str] | None = None
    for op, av in items:
        found: frozenset[str] | None = None
        if op is c.LITERAL:
            found = frozenset(chr(av))
        elif op is c.IN and all(o in (c.LITERAL, c.RANGE) for o, _ in av) and sum(v[1] - v[0] + 1 if o is c.RANGE else 1 for o, v in av) < 0x3000:
            found = frozenset(chr(v) if o is c.LITERAL else chr(x) for o, v in av for x in ((v,) if o is c.LITERAL else range(v[0], v[1] + 1)))
        elif op is c.BRANCH:
            parts = [_needed(b) for b in av[1]]
            found = None if any(x is None for x in parts) else frozenset().union(*parts)  # type: ignore[arg-type]
        elif op is c.SUBPATTERN and not av[1] & re.IGNORECASE:
            found = _needed(av[3])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _needed(av[2])
        if found is not None and (best is None or _cost(found) < _cost(best)):
            best = found
    return best


def _cost(chars: frozenset[str]) -> tuple[int, int, int]:
    """ASCII first, then letters: what text is mostly made of."""
    return (sum(ch.isascii() for ch in chars), sum(ch.isalpha() for ch in chars), len(chars))


def _parse(pattern: str, flags: int = 0) -> Any:
    return importlib.import_module("re._parser").parse(pattern, flags)


def _char_class(chars: set[str]) -> str:
    """A regex character class of ``chars``, as ranges of escaped code points."""
    cps = sorted(ord(ch) for ch in chars)
    parts = []
    k = 0
    while k < len(cps):
        j = k
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\U{cps[k]:08x}-\\U{cps[j]:08x}")
        k = j + 1
    return "[" + "".join(parts) + "]"


@functools.cache
def _ftfy_triggers() -> re.Pattern[str] | None:
    """A text that holds none of these characters and is in NFC comes back
    from ftfy (as :func:`_ftfy` configures it) unchanged (see
    :func:`ftfy_trigger_class`).  Read from ``cleaner/data/ftfy_triggers.txt``
    when the installed ftfy's source is the one that file was derived from
    (no import of ftfy, about 0.05-0.08 s, for text ftfy cannot change);
    derived from the installed ftfy otherwise."""
    shipped = _shipped_triggers()
    if shipped is not None and shipped[0] == ftfy_source_digest():
        return re.compile(shipped[1])
    cls = ftfy_trigger_class()
    return None if cls is None else re.compile(cls)


def _shipped_triggers() -> tuple[str, str] | None:
    """(ftfy source digest, trigger class) from ``cleaner/data/ftfy_triggers.txt``."""
    from importlib import resources

    text = resources.files("cleaner").joinpath("data/ftfy_triggers.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    if len(lines) != 2 or not lines[0].startswith("ftfy-sha256 ") or not lines[1].startswith("["):
        return None
    return lines[0].split(" ", 1)[1], lines[1]


def ftfy_source_digest() -> str | None:
    """SHA-256 of the installed ftfy package's Python sources (found, not
    imported), or None when there is no ftfy to read."""
    import hashlib
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("ftfy")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def ftfy_trigger_class() -> str | None:
    """The characters from which ftfy (as :func:`_ftfy` configures it) can
    start a change, as a regex class: its encoding fix starts only from text
    its badness regex matches, and its other fixes (C1 controls, ligatures,
    surrogates, terminal escapes, control characters) only from their own
    characters.  Read from ftfy's own regexes and tables (:func:`_needed`);
    None (call ftfy every time) for an ftfy whose steps this was not
    derived from.  scripts/build_ftfy_triggers.py writes it to
    ``cleaner/data/ftfy_triggers.txt``."""
    import ftfy
    from ftfy import badness, chardata, fixes

    if not ftfy.__version__.startswith("6.") or badness.BADNESS_RE.flags & re.IGNORECASE:
        return None
    bad = _needed(_parse(badness.BADNESS_RE.pattern, badness.BADNESS_RE.flags))
    ansi = _needed(_parse(fixes.ANSI_RE.pattern, fixes.ANSI_RE.flags))
    if bad is None or ansi is None:
        return None
    chars = set(bad) | set(ansi) | {chr(c) for c in chardata.LIGATURES} | {chr(c) for c in chardata.CONTROL_CHARS}
    chars |= {chr(c) for c in range(0x80, 0xA0)} | {chr(c) for c in range(0xD800, 0xE000)}
    return _char_class(chars)


def _ftfy_may_act(text: str) -> bool:
    """Whether ftfy can change ``text`` (False only where it cannot: see
    :func:`_ftfy_triggers`).

    >>> _ftfy_may_act("São Paulo, Montréal"), _ftfy_may_act("SÃ£o Paulo")
    (False, True)
    """
    triggers = _ftfy_triggers()
    return triggers is None or triggers.search(text) is not None or not unicodedata.is_normalized("NFC", text)


# Characters that ftfy (or our own removal) could act on.
_NEEDS_FTFY = re.compile(
    # Anything from DEL to the end of the general-symbols blocks, except the
    # typography that clean Chinese text uses every day (· – — ‘ ’ “ ” …),
    # plus surrogates, ligatures, BOM, interlinear annotation, U+FFFD.
    r"[\x00-\x08\x0b\x0e-\x1f\x7f-\u00b6\u00b8-\u2012\u2016\u2017\u201a\u201b\u201e-\u2025\u2027-\u2fff"
    r"\ud800-\udfff\ufb00-\ufb06\ufeff\ufff9-\ufffd]"
)
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060"
_REMOVE_ALWAYS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f\ufeff]")
_LINE_SEP = re.compile(r"[\u2028\u2029]")
# A soft hyphen after an ASCII letter, before a letter: never mojibake (in
# UTF-8 read as a legacy code page, U+00AD is a byte after a non-ASCII lead
# character: antÃ\xadgeno, tĹ\x99etĂ\xadho, Р\xad).
_SOFT_HYPHEN = re.compile(r"(?<=[A-Za-z])\u00ad+(?=[^\W\d_])")
# A surrogate that ftfy could not pair up (JSON can carry "\ud800"): no
# UTF-8 can encode it, so it becomes the replacement character.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SUSPECT = re.compile(
    _NEEDS_FTFY.pattern + r"|[\u200b-\u200d\u2060\u2028\u2029]"
)
# (_SUSPECT or four Latin-1 letters: one character class first, which the
# regex engine scans for quickly; \xb7 is the one Latin-1 letter _SUSPECT
# leaves out, so the same positions match as with _SUSPECT|[\xa1-\xff]{4}.
# The class holds \xb7 too, and the lookbehinds tell the two apart: a
# pattern that opens with one class, not with alternatives, lets the engine
# skip to its candidates instead of trying every position)
_SUSPECT_ALL = re.compile(_SUSPECT.pattern[:-1].replace("]|[", "") + r"\xb7](?:(?<=\xb7)[\xa1-\xff]{3}|(?<!\xb7))")
_CJK_OR_SPACE = re.compile(rf"[{HAN}\u3000-\u303f\uff00-\uffef\s]")
_MAX_CHUNK = 4096


@functools.cache
def _level1() -> frozenset[str]:
    """The 3,755 first-level (most common) characters of GB 2312, from the codec."""
    chars = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


@functools.cache
def _rare_pair() -> re.Pattern[str]:
    """Two adjacent Han characters outside GB 2312's first level: UTF-8 read as
    GBK is made of such characters (``涓枃``), real text seldom is."""
    common = sorted(ord(c) for c in _level1())
    # (the characters themselves, not \u escapes: none is special in a
    # class, and the regex parser reads them five times faster)
    ranges = []
    lo = 0x4E00
    for cp in common:
        if cp > lo:
            ranges.append(f"{chr(lo)}-{chr(cp - 1)}" if cp - 1 > lo else chr(lo))
        lo = max(lo, cp + 1)
    ranges.append(f"{chr(lo)}-\u9fff")
    rare = "".join(ranges)
    return re.compile(f"[{rare}][{rare}]")  # (not {2}: a class first lets the engine skip to it)


#: the block of :func:`_rare_pair`'s characters: a regex of one range scans
#: text for it much faster than one of thousands (a gate: Latin text has none)


def _rare_pairs(text: str) -> Iterator[re.Match[str]]:
    """``_rare_pair().finditer(text)``, from the first character of their
    block (none before: no match before).

    >>> [m.group() for m in _rare_pairs("abc 涓枃 中文")]
    ['涓枃']
    """
    gate = HAN_BLOCK.search(text)
    return _rare_pair().finditer(text, gate.start()) if gate else iter(())


#: a text this long or longer is scanned for the starts of
#: :data:`_SUSPECT_ALL` and :func:`_rare_pair` by a look-up per character
#: (numpy, :func:`_match_starts`); a shorter one by the regexes
_NUMPY_MIN = 1 << 14
#: characters read at a time by :func:`_match_starts` (None: chars.CODE_WINDOW)
_SCAN_WINDOW: int | None = None
def _match_starts(text: str) -> tuple[list[int], list[int]]:
    """Where :data:`_SUSPECT_ALL` and :func:`_rare_pair` match in ``text``,
    as their ``finditer`` finds them (one match ends before the next
    starts), from one look-up per character (numpy) instead of a regex scan
    (one character at a time through a class of thousands).

    >>> _match_starts("涓枃涓 a\u200b·Ã©Ã©")
    ([5, 6, 10], [0])
    """
    import numpy as np

    table = _scan_table()
    singles: list[Any] = []
    pairs: list[Any] = []
    # (three characters more: a pair or a run of four across a window's end)
    window = _SCAN_WINDOW or CODE_WINDOW
    for base, codes in code_windows(text, 3, window):
        size = min(window, len(text) - base)
        # Every character of both is a control character or above ASCII:
        # in Latin text only those are looked up ((code - 0x20) wraps below
        # 0x20); in Chinese text, where nearly all are, every one is (the
        # index of each would cost more than the look-up it saves).
        is_high = codes - 0x20 >= 0x5F
        if np.count_nonzero(is_high) * _SPARSE < len(codes):
            high = np.flatnonzero(is_high)
            kinds = np.take(table, codes[high], mode="clip")
            found = high[(kinds & _SUSPECT_BIT) != 0]
            rare_at = high[(kinds & _RARE_BIT) != 0]
            firsts = rare_at[:-1][np.diff(rare_at) == 1]
        else:
            kinds = np.take(table, codes, mode="clip")
            # (a test to bool first: flatnonzero reads bools seven times faster than bytes)
            found = np.flatnonzero((kinds & _SUSPECT_BIT) != 0)
            rare = (kinds & _RARE_BIT) != 0
            firsts = np.flatnonzero(rare[:-1] & rare[1:])
        singles.append(found[found < size] + base)
        pairs.append(firsts[firsts < size] + base)
    suspects: list[int] = []
    end = 0  # (where the last match ended: finditer resumes there)
    for i in np.concatenate(singles).tolist() if singles else ():
        if i < end:
            continue
        if text[i] == "\xb7":  # (a middle dot begins a match only before three Latin-1 letters)
            if _LATIN1_AFTER_DOT.match(text, i + 1) is None:
                continue
            end = i + 4
        else:
            end = i + 1
        suspects.append(i)
    rare_pairs: list[int] = []
    end = 0
    for i in np.concatenate(pairs).tolist() if pairs else ():
        if i >= end:
            rare_pairs.append(i)
            end = i + 2
    return suspects, rare_pairs


_LATIN1_AFTER_DOT = re.compile(r"[\xa1-\xff]{3}")

#: the bits of :func:`_scan_table`
_SUSPECT_BIT, _RARE_BIT = 1, 2
#: see :func:`_match_starts`: fewer than one character in this many above
#: ASCII (Latin text), and only those are looked up
_SPARSE = 4


@functools.cache
def _scan_table() -> Any:
    """A table by code point for :func:`_match_starts`: bit 1 for a character
    of :data:`_SUSPECT` or the middle dot (which begins a match of
    :data:`_SUSPECT_ALL` before three Latin-1 letters), bit 2 for a character
    of :func:`_rare_pair`; one look-up per character for both (the last
    entry, 0, stands for every code point beyond)."""
    import numpy as np

    suspect = class_table(_SUSPECT.pattern)
    rare = class_table(_rare_pair().pattern[: len(_rare_pair().pattern) // 2])
    table = np.zeros(max(len(suspect), len(rare)), dtype=np.uint8)
    table[: len(suspect)] |= suspect * np.uint8(_SUSPECT_BIT)
    table[0xB7] |= _SUSPECT_BIT
    table[: len(rare)] |= rare * np.uint8(_RARE_BIT)
    return table


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f\s]{2,}")
#: what ends such a run (``\s`` is what str.isspace tells)
_ASCII_OR_SPACE = re.compile(r"[\x00-\x7f\s]")
#: characters :func:`_NON_ASCII_RUN_AT` reads back at once
_LOOK_BACK = 64
_LATIN1_RUN = re.compile(r"[\xa1-\xff]{4,}")
_HIGH_LATIN1 = re.compile(r"[\xa1-\xff]{4}")
_BEYOND_LATIN1 = re.compile(r"[^\x00-\xff]")


def _common_share(text: str) -> float:
    han = [c for c in text if c > "\u3000"]
    if not han:
        return 0.0
    level1 = _level1()
    return sum(c in level1 for c in han) / len(han)


def _regbk(run: str) -> str | None:
    """UTF-8 bytes that were decoded as GBK, decoded back; None if not that."""
    try:
        fixed = run.encode("gbk").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    if _common_share(fixed) >= 0.8 and _common_share(run) <= 0.3:
        return fixed
    return None


def _relatin1(run: str) -> str | None:
    """GBK bytes that were decoded as Latin-1, decoded back; None if not that."""
    try:
        raw = run.encode("latin-1")
        fixed = raw.decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    try:
        raw.decode("utf-8")
        return None  # UTF-8 read as Latin-1: ftfy's job
    except UnicodeDecodeError:
        pass
    if len(fixed) >= 2 and _common_share(fixed) >= 0.9 and all(c > "\u3000" for c in fixed):
        return fixed
    return None


#: runs up to this long are remembered by :func:`_fix_run` (a longer one,
#: a paragraph of Chinese with no ASCII character, is seldom read twice)
_CACHED_RUN = 1024


def _fix_run(run: str) -> str:
    """Re-decode a run of characters, or the tail of it that starts at its
    first rare character (mojibake glued to real text: 标题：姘旇薄...).

    Memoised (as :func:`fix_segment` is): a run that is no mojibake (rare
    characters of a name) costs up to twenty re-decodings that fail, and
    the rule reads it again on each line the later rules change (on 1 MB
    of damaged Chinese, 219 runs read of which 44 differ: 4.1 -> 1.2 ms).

    >>> _fix_run("标题：澶╂皵棰勬姤")
    '标题：天气预报'
    """
    return _fix_run_cached(run) if len(run) <= _CACHED_RUN else _decode_run(run)


@functools.lru_cache(maxsize=1024)
def _fix_run_cached(run: str) -> str:
    return _decode_run(run)


def _decode_run(run: str) -> str:
    """:func:`_fix_run` without the memo."""
    m = _rare_pair().search(run)
    if not m:
        return run
    fixed = _regbk(run)
    if fixed is not None:
        return fixed
    # Trim a few characters at either end: real text before the
    # damage, or a last character whose bytes were cut (shown as U+FFFD).
    for start in range(m.start(), max(m.start() - 3, -1), -1):
        for end in range(len(run), max(len(run) - 5, start + 1), -1):
            fixed = _regbk(run[start:end])
            if fixed is not None:
                return run[:start] + fixed + run[end:]
    return run


_ZW_RUN = re.compile(f"[{_ZERO_WIDTH}]+")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
# Letters that a Latin word or a unit brings along: Latin-1, Latin
# Extended-A and -B (not the IPA extensions after them), Greek.
_LATIN_OR_GREEK = re.compile(r"[\u00c0-\u024f\u0370-\u03ff]")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_NON_ASCII_WORD = re.compile(r"[^\W\d_\x00-\x7f]{3,}")


def _script(ch: str) -> str:
    """The first word of a character's Unicode name: LATIN, GREEK, CYRILLIC..."""
    return unicodedata.name(ch, "").partition(" ")[0]


def _reads_as_text(seg: str, repaired: str, before: str, after: str) -> bool:
    """Whether ftfy's repair of ``seg`` (``repaired``) fits where the segment
    stands: anywhere but next to a CJK character it does; there, each
    character the repair brings in must be one that text around Chinese is
    made of (see the module docstring)."""
    if not (before and is_cjk(before)) and not (after and is_cjk(after)):
        return True
    alnum_context = _ASCII_ALNUM.search(seg) is not None
    word_scripts: set[str] = set()
    for m in _NON_ASCII_WORD.finditer(repaired):
        scripts = {_script(c) for c in m.group()}
        if len(scripts) == 1:
            word_scripts |= scripts
    for ch in set(repaired) - set(seg):
        if ch.isascii() or is_cjk(ch) or _HANGUL.match(ch) or unicodedata.category(ch)[0] in "PSNZ":
            continue
        if alnum_context and _LATIN_OR_GREEK.match(ch):
            continue
        if unicodedata.category(ch)[0] == "L" and _script(ch) in word_scripts:
            continue
        return False
    return True


def _drop_zero_width(seg: str, before: str = "", after: str = "") -> str:
    """Remove zero-width characters; joiners (ZWJ, ZWNJ) stay between two
    characters of scripts that use them (not CJK, not spaces, not two ASCII).
    ``before`` and ``after`` are the characters around ``seg`` in the text."""
    if not any(z in seg for z in _ZERO_WIDTH):
        return seg
    line = before + seg + after
    lo, hi = len(before), len(before) + len(seg)

    def fix(m: re.Match[str]) -> str:
        if not (lo <= m.start() and m.end() <= hi):
            return m.group()
        prev = line[m.start() - 1] if m.start() else ""
        nxt = line[m.end()] if m.end() < len(line) else ""
        keep = (
            prev
            and nxt
            and not _CJK_OR_SPACE.match(prev)
            and not _CJK_OR_SPACE.match(nxt)
            and not (prev.isascii() and nxt.isascii())
        )
        return "".join(c for c in m.group() if c in "\u200c\u200d") if keep else ""

    out = _ZW_RUN.sub(fix, line)
    return out[len(before) : len(out) - len(after)]


_RADICAL = re.compile("[\u2e80-\u2fdf]")


@functools.cache
def radical_table() -> dict[str, str]:
    """Radical code point -> the ideograph it stands for
    (``cleaner/data/cjk_radicals.tsv``), read once.

    >>> radical_table()["⼈"], radical_table()["⺠"], "⺅" in radical_table()
    ('人', '民', False)
    """
    from importlib import resources

    text = resources.files("cleaner").joinpath("data/cjk_radicals.tsv").read_text(encoding="utf-8")
    return dict(line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))


def radicals_to_ideographs(seg: str, before: str = "", after: str = "") -> str:
    """``seg`` with each radical of :func:`radical_table` that has a Han
    character or another such radical beside it (``before`` and ``after``:
    the characters around ``seg`` in the text) replaced by its ideograph.

    >>> radicals_to_ideographs("⼈⺠", "华", "共"), radicals_to_ideographs("⼈", "：", "")
    ('人民', '⼈')
    """
    if _RADICAL.search(seg) is None:
        return seg
    table = radical_table()
    line = before + seg + after

    def beside(j: int) -> bool:
        return 0 <= j < len(line) and (is_han(line[j]) or line[j] in table)

    out = list(seg)
    for k, ch in enumerate(seg):
        i = len(before) + k
        if ch in table and (beside(i - 1) or beside(i + 1)):
            out[k] = table[ch]
    return "".join(out)


_COMPAT = re.compile("[\uf900-\ufaff]")


def compatibility_ideographs(text: str) -> Iterator[tuple[int, str, str]]:
    """``(position, character, unified)`` for each CJK compatibility
    ideograph of ``text`` that NFC maps to a unified one and that has a Han
    character beside it.

    >>> [(p, hex(ord(c)), hex(ord(u))) for p, c, u in compatibility_ideographs("举\\uf9b5说明")]
    [(1, '0xf9b5', '0x4f8b')]
    >>> list(compatibility_ideographs("\\uf9b5")), list(compatibility_ideographs("中文\\ufa0e字"))
    ([], [])
    """
    for m in _COMPAT.finditer(text):
        i, ch = m.start(), m.group()
        to = unicodedata.normalize("NFC", ch)
        if to != ch and ((i > 0 and is_han(text[i - 1])) or (i + 1 < len(text) and is_han(text[i + 1]))):
            yield i, ch, to


@functools.lru_cache(maxsize=4096)
def fix_segment(seg: str, before: str = "", after: str = "") -> str:
    """Repair a piece of text without CJK characters or line breaks (mojibake
    of CJK text is made of Latin-1 and Windows-1252 characters, so the CJK
    characters around it are never part of it); ``before`` and ``after``
    are its neighbours in the text, for the zero-width rule.  Memoised: the
    normalize rounds see the same clean segments again.

    >>> fix_segment("ç®€ä½“ä¸\xadæ–‡")
    '简体中文'
    >>> fix_segment("\u200b", "零", "宽")
    ''
    >>> fix_segment("infor\xadmation")
    'information'
    >>> fix_segment("⼈⺠", "华", "共")
    '人民'
    """
    for _ in range(4):
        fixed = seg
        if _HIGH_LATIN1.search(fixed) and not _BEYOND_LATIN1.search(fixed):
            # GBK read as Latin-1 gives Latin-1 characters only; a segment
            # with Windows-1252 extras (‰ Ž ” ˜) is UTF-8 read as cp1252,
            # ftfy's case, whose runs can decode as GBK by accident.
            fixed = _LATIN1_RUN.sub(lambda m: _relatin1(m.group()) or m.group(), fixed)
        if _NEEDS_FTFY.search(fixed) and _ftfy_may_act(fixed):
            fix_text, options = _ftfy()
            repaired = fix_text(fixed, options)
            if _reads_as_text(fixed, repaired, before, after):
                fixed = repaired
        post = _REMOVE_ALWAYS.sub("", fixed)
        post = _LONE_SURROGATE.sub("\ufffd", post)
        post = _drop_zero_width(post, before, after)
        if "\u00ad" in post:
            post = _SOFT_HYPHEN.sub("", post)
        post = _LINE_SEP.sub("\n", post)
        post = radicals_to_ideographs(post, before, after)
        if post == seg:
            return post  # stable: a second clean changes nothing
        # Removing a control character (ftfy does too) can leave a sequence
        # that reads as mojibake again (°¡\x1f°¡): repeat until stable.
        seg = post
    return seg


def fix_line(line: str) -> str:
    """Repair one line (no line breaks inside): its runs of non-CJK text, and
    its runs of UTF-8 that was read as GBK.

    >>> fix_line("前文ç®€ä½“ä¸\xadæ–‡后文")
    '前文简体中文后文'
    >>> fix_line("零\u200b宽")
    '零宽'
    """
    return apply_edits(line, list(_line_edits(line, 0)))


def _chunks(line: str, size: int = _MAX_CHUNK) -> Iterator[tuple[int, str]]:
    """Split a long line at spaces or CJK punctuation so diffs stay cheap."""
    start = 0
    n = len(line)
    while n - start > size:
        cut = start + size
        m = None
        window = line[start + size // 2 : cut]
        for m in re.finditer(r"[\s，。、；！？]", window):
            pass
        if m is not None:
            cut = start + size // 2 + m.end()
        yield start, line[start:cut]
        start = cut
    yield start, line[start:]


def _diff_edits(offset: int, before: str, after: str) -> Iterator[Edit]:
    """Edits that turn ``before`` into ``after``, adjacent changes merged."""
    if before == after:
        return
    from rapidfuzz.distance import Indel

    ops = [op for op in Indel.opcodes(before, after) if op.tag != "equal"]
    i = 0
    while i < len(ops):
        s1, e1, s2, e2 = ops[i].src_start, ops[i].src_end, ops[i].dest_start, ops[i].dest_end
        j = i + 1
        # merge ops that touch or are separated by at most one unchanged character
        while j < len(ops) and ops[j].src_start <= e1 + 1 and ops[j].dest_start <= e2 + 1:
            e1, e2 = ops[j].src_end, ops[j].dest_end
            j += 1
        yield Edit(NAME, offset + s1, offset + e1, before[s1:e1], after[s2:e2])
        i = j


_CJK_SEGMENT_BREAK = "\n\u3000-\u303f\uff01-\uffef" + HAN + "\u3040-\u30ff"
_OTHER_RUN_END = re.compile(f"[{_CJK_SEGMENT_BREAK}]")


def _segment_around(text: str, pos: int, floor: int) -> tuple[int, int]:
    """The run of non-CJK characters on one line that holds ``pos`` (not
    reaching back before ``floor``)."""
    start = pos
    if pos > floor:
        # the nearest run end before pos: the first in the text read backwards
        # from there (a copy and a search in C, not a step per character), in
        # the last _LOOK_BACK characters first, then in sixteen times more
        # before those, and so on (the run is most often short, and floor,
        # the last segment's end, far: no copy of all that lies between)
        end, size = pos, _LOOK_BACK
        while True:
            low = max(floor, end - size)
            m = _OTHER_RUN_END.search(text[low:end][::-1])
            if m is not None or low == floor:
                break
            end, size = low, size * 16
        start = end - m.start() if m else floor
    m = _OTHER_RUN_END.search(text, pos)
    return start, (m.start() if m else len(text))


def _line_edits(text: str, offset: int) -> Iterator[Edit]:
    """Edits for ``text`` (any length); spans are shifted by ``offset``."""
    edits: list[Edit] = []
    done: list[tuple[int, int]] = []
    # UTF-8 read as GBK: runs of uncommon Han characters
    if len(text) < _NUMPY_MIN:
        rare_starts: Iterable[int] = (m.start() for m in _rare_pairs(text))
        suspect_starts: Iterable[int] = (m.start() for m in _SUSPECT_ALL.finditer(text))
    else:
        suspect_starts, rare_starts = _match_starts(text)
    last_run_end = -1
    for at in rare_starts:
        if at < last_run_end:
            continue
        run = _NON_ASCII_RUN_AT(text, at, max(last_run_end, 0))
        last_run_end = run[1]
        chunk = text[run[0] : run[1]]
        fixed = _fix_run(chunk)
        if fixed != chunk:
            done.append(run)
            edits.extend(_diff_edits(offset + run[0], chunk, fixed))
    # everything else: the non-CJK runs that hold a suspicious character
    seg_end = -1
    for at in suspect_starts:
        if at < seg_end:
            continue
        start, end = _segment_around(text, at, max(seg_end, 0))
        seg_end = end
        if done and any(a < end and start < b for a, b in done):
            continue
        segment = text[start:end]
        # (a segment is most often shorter than a chunk: no generator for it)
        for off, chunk in ((0, segment),) if end - start <= _MAX_CHUNK else _chunks(segment):
            before = text[start + off - 1] if start + off > 0 else ""
            after = text[start + off + len(chunk)] if start + off + len(chunk) < len(text) else ""
            fixed = fix_segment(chunk, before, after)
            if fixed != chunk:
                edits.extend(_diff_edits(offset + start + off, chunk, fixed))
    for i, ch, to in compatibility_ideographs(text):
        if not any(a <= i < b for a, b in done):
            edits.append(Edit(NAME, offset + i, offset + i + 1, ch, to))
    edits = [_with_code_points(e) for e in edits]
    edits.sort(key=lambda e: e.start)
    return iter(edits)


def _with_code_points(edit: Edit) -> Edit:
    """``edit`` with a note naming the code points where it swaps a radical
    or a compatibility ideograph for the character that looks the same (a
    report would otherwise show the same glyph before and after).

    >>> _with_code_points(Edit(NAME, 0, 2, "⼈⺠", "人民")).note
    'same glyph, another code point: U+2F08 -> U+4EBA, U+2EA0 -> U+6C11'
    """
    if (_RADICAL.search(edit.before) is None and _COMPAT.search(edit.before) is None) or len(edit.before) != len(edit.after):
        return edit
    swaps = [f"U+{ord(a):04X} -> U+{ord(b):04X}" for a, b in zip(edit.before, edit.after) if a != b]
    return edit._replace(note="same glyph, another code point: " + ", ".join(swaps)) if swaps else edit


def _NON_ASCII_RUN_AT(text: str, pos: int, floor: int = 0) -> tuple[int, int]:  # noqa: N802
    """The run of non-ASCII, non-space characters around ``pos``, looked for
    back to ``floor`` or :data:`_LOOK_BACK` characters first (a place the
    run cannot begin before, the end of the last run: any place gives the
    same run, sooner when close).

    >>> _NON_ASCII_RUN_AT("ab 标题涓枃 c", 5), _NON_ASCII_RUN_AT("ab 标题涓枃 c", 5, 4)
    ((3, 7), (3, 7))
    """
    # the nearest ASCII or space character before pos: the first in the
    # text read backwards from there (one copy and one search in C, not a
    # step per character through a paragraph of Chinese)
    low = max(floor, pos - _LOOK_BACK)
    m = _ASCII_OR_SPACE.search(text[low:pos][::-1])
    start = pos - m.start() if m else low
    while start > 0 and not (text[start - 1] <= "\x7f" or text[start - 1].isspace()):
        start -= 1
    m = _NON_ASCII_RUN.match(text, start)
    return start, (m.end() if m else pos + 1)


def unicode_rule(text: str, config: Config) -> Iterator[Edit]:
    """Edits that repair mojibake and remove invisible characters.

    A repair can change where the next one applies (ftfy reads a C1 control
    as Windows-1252 and the result, no longer glued to what follows, reads
    as mojibake of its own; a new CJK character splits a segment), so the
    rule runs again on its own output until it changes nothing, and returns
    the composed edits: applying it twice gives what applying it once gives.
    """
    return iter(until_stable(lambda t: _line_edits(t, 0), text, local=lines_around))


def unicode_acts(text: str) -> bool:
    """Whether :func:`unicode_rule` can change anything in ``text``: it holds
    two adjacent uncommon Han characters or a suspicious character (what
    every repair starts from).

    >>> unicode_acts("这是干净的中文。"), unicode_acts("æ–‡å­—"), unicode_acts("零\u200b宽")
    (False, True, True)
    """
    if _SUSPECT_ALL.search(text) is not None or _COMPAT.search(text) is not None:
        return True
    gate = HAN_BLOCK.search(text)
    return gate is not None and _rare_pair().search(text, gate.start()) is not None


RULE = Rule(
    name=NAME,
    func=unicode_rule,
    acts=unicode_acts,
    summary="repair mojibake (ftfy, GBK) and remove control and zero-width characters",
    stage="prepare",
    # (line by line: a repair reads no further than the line it is on)
    reach=lines_around,
)
