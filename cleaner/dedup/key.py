"""The matching key: what two paragraphs are compared on, never what is emitted.

The key folds what does not matter for "is this the same paragraph":

* compatibility forms (NFKC: full-width ``ＡＢＣ１２３`` -> ``ABC123``, ``①`` -> ``1``),
* script (OpenCC ``t2s``: Traditional -> Simplified),
* case (``str.casefold``),
* punctuation, symbols and whitespace (dropped; between two Latin words or
  numbers a single space stays, so ``"New York"`` and ``"Newyork"`` differ).

>>> matching_key("這是一個「測試」，ＡＢＣ　１２３！")
'这是一个测试abc 123'
>>> matching_key("Hello,   World!") == matching_key("hello world")
True
>>> matching_key("……") == ""
True

:func:`shingle_text` turns a key into the string that MinHash shingles: every
Latin word or number becomes one private-use character (a stable 17-bit hash
of the word), so character n-grams of it are character n-grams for Chinese
and word n-grams for Latin.

>>> len(shingle_text("the quick brown fox")), shingle_text("中文abc") [:2]
(4, '中文')
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..chars import HAN, KANA, class_table, script_chars

if TYPE_CHECKING:
    import opencc

__all__ = ["matching_key", "matching_keys", "recent_keys", "recent_verdicts", "recent_numbers", "forget_recent_keys", "shingle_text"]

# A run of letters, digits or ideographs: what is left when everything else
# (punctuation, symbols, whitespace, the underscore) goes.
_KEEP = re.compile(r"[^\W_]+")
# A space left next to a CJK character separates nothing (the pattern
# begins with the space, so that the regex engine scans for it: about 2x
# faster than `` (?=X)|(?<=X) ``, with the same matches).
_CJK_SPACE = re.compile(f" (?:(?=[{HAN}{KANA}])|(?<=[{HAN}{KANA}] ))")
# What a space must stand next to for _CJK_SPACE to remove it (a scan for it
# costs less than the substitution's look around every space of Latin text).
_CJK_CHAR = re.compile(f"[{HAN}{KANA}]")
# A run of non-CJK word characters: a Latin (Cyrillic, Greek...) word or a number.
_WORD = re.compile(f"[^\\W_{HAN}{KANA}]+")
# Latin words map into the supplementary private use planes 15 and 16.
_PUA_BASE = 0xF0000
_PUA_SIZE = 2 * 65534
# Latin text is squeezed as UTF-8 bytes: ASCII letters, digits and every
# byte of a non-ASCII character stay, any other ASCII byte becomes a space
# (the non-ASCII characters that are no letter or digit go one by one).
_LATIN_KEEP = bytes(c if 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c >= 128 else 32 for c in range(256))
_ASCII_BYTES = bytes(range(128))


@functools.cache
def _t2s() -> opencc.OpenCC:
    import opencc

    return opencc.OpenCC("t2s")


#: the OpenCC release whose ``t2s`` dictionaries :data:`PHRASE_ONLY` was read
#: from (with another release, every key that is not ASCII goes to OpenCC)
OPENCC_RELEASE = "1.4.2"
#: the characters of the basic CJK block that OpenCC ``t2s`` changes inside
#: a phrase (沈默 -> 沉默, 瞭解 -> 了解, 反覆 -> 反复) but not alone, read from
#: its phrase dictionary (TSPhrases: every character a phrase changes is one
#: of these or one that changes alone); tests/dedup/test_key.py checks them
#: against the dictionary when OpenCC's ``opencc_dict`` tool is installed
PHRASE_ONLY = "么俱哩坏彷沈甦瞭藉衹覆"


@functools.cache
def _t2s_marks() -> Any:
    """A numpy table by code point, True for the characters whose presence
    lets OpenCC ``t2s`` change a text: in the basic CJK block (U+4E00 to
    U+9FFF) those it changes alone (``script_chars("t2s")``, built from
    OpenCC) and :data:`PHRASE_ONLY`; every character of the other blocks
    its dictionaries reach (extension A, the compatibility ideographs,
    everything beyond the BMP: the table's last entry).  None when the
    installed OpenCC is not :data:`OPENCC_RELEASE`.  A text without any of
    them comes out of OpenCC as it went in: each segment OpenCC converts is
    a character that does not change alone or a phrase that changes none
    of its characters."""
    import numpy as np
    import opencc

    if getattr(opencc, "__version__", None) != OPENCC_RELEASE:
        return None
    table = np.zeros(0x10001, dtype=bool)
    table[0x3400:0x4E00] = True
    table[0xF900:0xFB00] = True
    table[-1] = True
    table[[ord(c) for c in script_chars("t2s")[::2] + PHRASE_ONLY]] = True
    table.flags.writeable = False
    return table


def _squeeze(text: str) -> str:
    """The runs of letters, digits and ideographs of ``text``, one space
    between each two: ``re.sub(r"[\\W_]+", " ", text)`` without the spaces at
    the ends (which the key strips), about twice as fast on Latin text.

    >>> _squeeze("“你好”，world_2!")
    '你好 world 2'
    >>> _squeeze("Don’t  stop — café_au_lait!")
    'Don t stop café au lait'
    """
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > len(text) + (len(text) >> 3):  # (mostly CJK: many runs, few spaces)
        return " ".join(_KEEP.findall(text))
    return _squeeze_latin(text, data)


#: :func:`_squeeze_latin` takes text with at most this many distinct
#: non-ASCII characters
LATIN_MAX_OTHERS = 32


def _squeeze_latin(text: str, data: bytes) -> str:
    """:func:`_squeeze` of mostly Latin ``text`` (``data``: its UTF-8) on
    bytes: no object per word (about 2x faster on English).  UTF-8 is
    self-synchronising, so replacing the bytes of a character never
    touches another one."""
    out = data.translate(_LATIN_KEEP)
    if len(data) != len(text):  # (non-ASCII characters: each one that is no letter or digit separates too)
        rare = set(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
        if len(rare) > LATIN_MAX_OTHERS:  # (one pass over the text for each: the regex costs less)
            return " ".join(_KEEP.findall(text))
        for ch in rare:
            if not ch.isalnum():  # (what ``\w`` matches, but "_", which is ASCII)
                out = out.replace(ch.encode("utf-8", "surrogatepass"), b" ")
    while b"  " in out:
        out = out.replace(b"  ", b" ")
    return out.strip(b" ").decode("utf-8", "surrogatepass")


def _fold(text: str) -> str:
    """NFKC and case folding, punctuation and whitespace out (script not yet).

    Punctuation goes first (full-width ``，。`` would otherwise make almost
    every Chinese text fail NFKC's quick check), then NFKC -- skipped when
    the rest is already normalised -- then anything NFKC turned into
    punctuation (``⑴`` -> ``(1)``) goes too.
    """
    return _finish(_squeeze(text))


def _finish(s: str) -> str:
    """:func:`_fold` of text that :func:`_squeeze` gave ``s``."""
    if not unicodedata.is_normalized("NFKC", s):
        s = _squeeze(unicodedata.normalize("NFKC", s))
    s = s.casefold()
    if " " not in s or s.isascii() or not _CJK_CHAR.search(s):  # (no space, or no CJK character for one to stand next to)
        return s.strip()
    return _CJK_SPACE.sub("", s).strip()


#: :func:`_fold_all` squeezes the mostly Latin texts together when they
#: hold at least this many UTF-8 bytes in all (fewer: one by one, without
#: importing numpy)...
BATCH_MIN_BYTES = 1 << 14
#: ...and at most this many at a time
BATCH_MAX_BYTES = 1 << 23
# the byte that joins the texts of a batch: it never occurs in UTF-8
_JOIN = b"\xff"


def _fold_all(texts: Sequence[str]) -> list[str]:
    """Exactly ``[_fold(t) for t in texts]``.  The mostly Latin texts (those
    :func:`_squeeze` reads as bytes) are squeezed together, as arrays
    (:func:`_squeeze_batch`): one text at a time, each character that is no
    letter or digit costs a pass over the text (3x on 1 MB of English).

    >>> _fold_all(["Hello,  World!", "這是「測試」", ""])
    ['hello world', '這是測試', '']
    """
    return _fold_marked(texts)[0]


def _fold_marked(texts: Sequence[str]) -> tuple[list[str], list[bool]]:
    """:func:`_fold_all`, and for each key whether OpenCC ``t2s`` may change
    it: False for an ASCII key, and for a key of a mostly CJK text that
    :func:`_fold_cjk_marked` found to hold no character of
    :func:`_t2s_marks`.

    >>> _fold_marked(["Hello", "這是「測試」", "这是测试"])
    (['hello', '這是測試', '这是测试'], [False, True, True])
    >>> _fold_marked(["這是「測試」" * 1000, "这是测试" * 1000])[1]
    [True, False]
    """
    keys: list[str | None] = [None] * len(texts)
    maybe: list[bool] = [False] * len(texts)
    latin: list[int] = []
    data: list[bytes] = []
    cjk: list[int] = []
    for i, t in enumerate(texts):
        b = t.encode("utf-8", "surrogatepass")
        if len(b) > len(t) + (len(t) >> 3):  # (mostly CJK: as _squeeze does)
            cjk.append(i)
        else:
            latin.append(i)
            data.append(b)
    folded, marked = _fold_cjk_marked([texts[i] for i in cjk])
    for i, k, m in zip(cjk, folded, marked):
        keys[i] = k
        maybe[i] = m and not k.isascii()
    lo = 0
    while lo < len(data):
        hi, size = lo, 0
        while hi < len(data) and (hi == lo or size + len(data[hi]) < BATCH_MAX_BYTES):
            size += len(data[hi]) + 1
            hi += 1
        if size < BATCH_MIN_BYTES:
            folded = [_finish(_squeeze_latin(texts[i], b)) for i, b in zip(latin[lo:hi], data[lo:hi])]
        else:
            folded = _fold_batch(data[lo:hi])
        for i, k in zip(latin[lo:hi], folded):
            keys[i] = k
            maybe[i] = not k.isascii()
        lo = hi
    return keys, maybe  # type: ignore[return-value]


#: :func:`_fold_cjk` folds texts of fewer characters in all one by one
#: (the arrays cost about 0.1 ms more, and its tables some 7 ms once)
CJK_BATCH_MIN_CHARS = 1 << 13


@functools.cache
def _bmp_word() -> Any:
    """A numpy table over the Basic Multilingual Plane, True for the
    characters that :data:`_KEEP` keeps (letters, digits, ideographs), read
    from the regex itself so that the two never disagree (built once)."""
    import numpy as np

    runs = np.asarray([m.span() for m in _KEEP.finditer("".join(map(chr, range(0x10000))))], dtype=np.int64).reshape(-1, 2)
    edges = np.zeros(0x10001, dtype=np.int64)  # (some 400 runs: +1 where one starts, -1 past its end)
    edges[runs[:, 0]] += 1
    edges[runs[:, 1]] -= 1
    table = np.cumsum(edges[:-1]) > 0
    table.flags.writeable = False
    return table


@functools.cache
def _cjk_table() -> Any:
    """:func:`~cleaner.chars.class_table` of what :data:`_CJK_CHAR` matches."""
    return class_table(_CJK_CHAR.pattern)


def _fold_cjk(texts: Sequence[str]) -> list[str]:
    """Exactly ``[_finish(" ".join(_KEEP.findall(t))) for t in texts]``
    (see :func:`_fold_cjk_marked`).

    >>> _fold_cjk(["這是「測試」， ＡＢＣ　１２３！", "中_文 abc", "①②", "。", "𠀀 𝄞 x"])
    ['這是測試abc 123', '中文abc', '12', '', '𠀀x']
    >>> _fold_cjk(["中文，測試"] * 2000)[-1]
    '中文測試'
    """
    return _fold_cjk_marked(texts)[0]


def _fold_cjk_marked(texts: Sequence[str]) -> tuple[list[str], list[bool]]:
    """Exactly ``[_finish(" ".join(_KEEP.findall(t))) for t in texts]``
    (the keys of mostly CJK texts), computed as arrays over the texts
    joined by a NUL: one text at a time, ``findall`` makes an object of
    each run between two punctuation marks, and the regex passes read each
    character in Python's slow Unicode class tests (about 12 ms on 1 MB of
    Chinese, the arrays about a fifth of it).  Texts with a NUL or a lone
    surrogate, and a batch that NFKC would change, go one by one.

    With each key, whether OpenCC ``t2s`` may change it: read off the same
    arrays, a key that holds no character of :func:`_t2s_marks` (case
    folding brings none in: tests/dedup/test_key.py) needs no conversion.
    On 1 MB of damaged Chinese (449 distinct paragraphs, 145,000 key
    characters; the ``script`` rule converted its Traditional characters
    before) 428 keys need none, and OpenCC's 2.1 ms become 0.16 ms, for
    0.17 ms here.  (True for every key the arrays do not read.)
    """
    if len(texts) < 2 or sum(map(len, texts)) < CJK_BATCH_MIN_CHARS:
        return [_finish(" ".join(_KEEP.findall(t))) for t in texts], [True] * len(texts)
    import numpy as np  # (as the rest of the in-document path)

    joined = "\x00".join(texts)
    try:
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # (a lone surrogate)
        codes = None
    if codes is None or joined.count("\x00") != len(texts) - 1:
        return [_finish(" ".join(_KEEP.findall(t))) for t in texts], [True] * len(texts)
    word = np.take(_bmp_word(), codes, mode="clip")
    beyond = codes >= 0x10000
    if beyond.any():  # (few: each distinct one asks the regex)
        where = np.flatnonzero(beyond)
        distinct, which = np.unique(codes[where], return_inverse=True)
        word[where] = np.asarray([_KEEP.match(chr(c)) is not None for c in distinct.tolist()], dtype=bool)[which.reshape(-1)]
    word |= codes == 0  # (the joints stay)
    # every other character becomes a space, and only the first of a run stays
    keep = word.copy()
    keep[0] = True
    keep[1:] |= word[:-1]
    squeezed = np.where(word, codes, np.uint32(32))[keep]
    text = squeezed.tobytes().decode("utf-32-le")
    if not unicodedata.is_normalized("NFKC", text):  # (rare: NFKC can bring punctuation back: one by one then)
        return [_finish(p.strip(" ")) for p in text.split("\x00")], [True] * len(texts)
    marked = _marked(squeezed, len(texts))
    # a space next to a CJK character goes (as _CJK_SPACE does; case folding changes neither)
    space = squeezed == 32
    if space.any():
        cjk = np.take(_cjk_table(), squeezed, mode="clip")
        near = np.zeros(len(squeezed), dtype=bool)
        near[:-1] |= cjk[1:]
        near[1:] |= cjk[:-1]
        gone = space & near
        if gone.any():
            text = squeezed[~gone].tobytes().decode("utf-32-le")
    return [p.strip() for p in text.casefold().split("\x00")], marked


def _marked(codes: Any, n: int) -> list[bool]:
    """For each of the ``n`` texts whose code points ``codes`` holds one
    after the other, joined by NULs, whether it holds a character of
    :func:`_t2s_marks` (all True when there is no table)."""
    import numpy as np

    marks = _t2s_marks()
    if marks is None:
        return [True] * n
    out = [False] * n
    hit = np.flatnonzero(np.take(marks, codes, mode="clip"))
    if len(hit):
        for j in np.unique(np.searchsorted(np.flatnonzero(codes == 0), hit)).tolist():
            out[j] = True
    return out


def _fold_batch(data: Sequence[bytes]) -> list[str]:
    """:func:`_fold` of the texts whose UTF-8 is ``data``, squeezed
    together: the texts joined by a byte that UTF-8 never holds, ASCII
    bytes mapped as :func:`_squeeze_latin` maps them, then, as arrays, every
    other character that is no letter or digit turned into spaces (found
    by its lead byte, its code point decoded) and each run of spaces made
    one.  What is left of each text is finished one by one; one that NFKC
    leaves alone, that holds no CJK character and whose other characters
    have no case gives its key by lowering the ASCII letters of its bytes."""
    import numpy as np  # (as the rest of the in-document path)

    if not data:
        return []
    joined = _JOIN.join(data)
    arr = np.frombuffer(joined.translate(_LATIN_KEEP), dtype=np.uint8).copy()
    lead = np.flatnonzero((arr >= 0xC0) & (arr != _JOIN[0]))  # (every character beyond ASCII starts with one)
    others: list[str] = []
    if len(lead):
        b0 = arr[lead].astype(np.int64)
        width = 2 + (b0 >= 0xE0) + (b0 >= 0xF0)
        tail = np.append(arr, np.zeros(3, dtype=np.uint8)).astype(np.int64) & 0x3F
        b1, b2, b3 = tail[lead + 1], tail[lead + 2], tail[lead + 3]
        code = np.where(
            width == 2, ((b0 & 0x1F) << 6) | b1, np.where(width == 3, ((b0 & 0x0F) << 12) | (b1 << 6) | b2, ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3)
        )
        distinct, which = np.unique(code, return_inverse=True)
        others = [chr(c) for c in distinct.tolist()]
        gone = ~np.asarray([ch.isalnum() for ch in others], dtype=bool)[which.reshape(-1)]
        if gone.any():
            at, n = lead[gone], width[gone]
            arr[np.repeat(at, n) + (np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n))] = 32
    space = arr == 32
    keep = np.ones(len(arr), dtype=bool)
    keep[1:] = ~(space[1:] & space[:-1])
    pieces = arr[keep].tobytes().split(_JOIN)
    plain = not _CJK_CHAR.search("".join(others)) and all(ch.casefold() == ch for ch in others if ch.isalnum())
    keys = []
    for piece in pieces:
        piece = piece.strip(b" ")
        s = piece.decode("utf-8", "surrogatepass")
        if plain and unicodedata.is_normalized("NFKC", s):  # (casefold is lower for ASCII: ``_finish`` without the searches)
            keys.append(piece.lower().decode("utf-8", "surrogatepass") if not s.isascii() else s.lower())
        else:
            keys.append(_finish(s))
    return keys


def matching_key(text: str) -> str:
    """The key of one paragraph (see the module docstring)."""
    return _fold(_t2s().convert(_fold(text)))


def matching_keys(texts: Sequence[str]) -> list[str]:
    """Keys of many paragraphs at once: one OpenCC call for the whole batch.

    Gives exactly ``[matching_key(t) for t in texts]``, faster.

    >>> matching_keys(["資料庫", "", "Ｗｏｒｌｄ"])
    ['资料库', '', 'world']
    """
    if not texts:
        return []
    keys, maybe = _fold_marked(texts)
    # OpenCC leaves ASCII alone: only the other keys go to it, less those
    # found to hold no character it may change.  A folded key holds no line
    # break, so one joins the batch safely.
    todo = [i for i, m in enumerate(maybe) if m]
    if not todo:
        return keys
    folded = [keys[i] for i in todo]
    converted = _t2s().convert("\n".join(folded)).split("\n")
    if len(converted) != len(folded):  # pragma: no cover - OpenCC kept every line so far
        converted = [_t2s().convert(f) for f in folded]
    for i, c, f in zip(todo, converted, folded):
        if c != f:
            keys[i] = _fold(c)
    return keys


#: :func:`recent_keys` remembers the keys of paragraphs of at most this
#: many characters in all (paragraph and key: about 16 MB at most)...
RECENT_CHARS = 4_000_000
#: ...and of no paragraph longer than this
RECENT_MAX_CHARS = RECENT_CHARS // 16


class _Recent:
    """A bounded memo of :func:`matching_key` (a pure function of the text):
    the oldest entries go first when it is full."""

    def __init__(self, chars: int) -> None:
        self.chars = chars
        self.used = 0
        self.keys: dict[str, str] = {}

    def lookup(self, texts: Sequence[str]) -> list[str]:
        memo = self.keys
        missing = [t for t in dict.fromkeys(texts) if t not in memo]
        fresh = dict(zip(missing, matching_keys(missing)))
        known = memo.get
        out = [k if (k := known(t)) is not None else fresh[t] for t in texts]
        for t, k in fresh.items():
            if len(t) > RECENT_MAX_CHARS:
                continue
            self.used += len(t) + len(k)
            memo[t] = k
            while self.used > self.chars and memo:
                old = next(iter(memo))
                self.used -= len(old) + len(memo.pop(old))
        return out


_LOCAL = threading.local()  # (one memo per thread: no locking needed)


def forget_recent_keys() -> None:
    """Forget what :func:`recent_keys`, :func:`recent_verdicts` and
    :func:`recent_numbers` remember for this thread (the pipeline calls it when it is done with a document)."""
    _LOCAL.__dict__.pop("recent", None)
    _LOCAL.__dict__.pop("verdicts", None)
    _LOCAL.__dict__.pop("numbers", None)


#: :func:`recent_verdicts` holds at most this many verdicts (then starts afresh)
RECENT_VERDICTS = 200_000
#: a verdict by (threshold, numbers guard, key, key): the score, or None below
Verdicts = dict[tuple[float, bool, str, str], "float | None"]


def recent_verdicts() -> Verdicts:
    """This thread's memo of duplicate verdicts by key pair, kept like
    :func:`recent_keys` until :func:`forget_recent_keys` (the in-document
    path of :mod:`cleaner.dedup.match` fills it: after a drop the rule
    compares mostly the same pairs of keys again).

    >>> recent_verdicts() is recent_verdicts()
    True
    """
    memo: Verdicts | None = getattr(_LOCAL, "verdicts", None)
    if memo is None or len(memo) > RECENT_VERDICTS:
        memo = _LOCAL.verdicts = {}
    return memo


def recent_numbers() -> dict[str, list[str] | None]:
    """This thread's memo of the numbers of keys, as the numbers guard of
    :mod:`cleaner.dedup.match` reads them cheaply (None: not cheap to
    read), kept like :func:`recent_verdicts` (the rule's second reading of
    a document asks about mostly the same keys).

    >>> recent_numbers() is recent_numbers()
    True
    """
    memo: dict[str, list[str] | None] | None = getattr(_LOCAL, "numbers", None)
    if memo is None or len(memo) > RECENT_VERDICTS:
        memo = _LOCAL.numbers = {}
    return memo


def recent_keys(texts: Sequence[str]) -> list[str]:
    """Exactly :func:`matching_keys`, remembering the keys of the paragraphs
    seen since :func:`forget_recent_keys`: the in-document ``dedup`` rule
    reads a document again after it dropped paragraphs, and all but the
    seam are as before.

    >>> recent_keys(["資料庫", "Ｗｏｒｌｄ"]) == matching_keys(["資料庫", "Ｗｏｒｌｄ"])
    True
    """
    recent = getattr(_LOCAL, "recent", None)
    if recent is None:
        recent = _LOCAL.recent = _Recent(RECENT_CHARS)
    return recent.lookup(texts)


def _word_char(match: re.Match[str]) -> str:
    word = match.group(0)
    return chr(_PUA_BASE + zlib.crc32(word.encode("utf-8")) % _PUA_SIZE)


def shingle_text(key: str) -> str:
    """The key with each Latin word or number replaced by one character and
    spaces removed: its character n-grams are the shingles."""
    return _WORD.sub(_word_char, key).replace(" ", "")


def shingle_texts(keys: Iterable[str]) -> list[str]:
    """:func:`shingle_text` of each key."""
    return [shingle_text(k) for k in keys]
