"""The scoring model of typo repair: a word-unigram segmentation score.

Built at first use from what two PyPI packages ship, nothing downloaded:

* jieba's ``dict.txt`` (MIT): 349k words with counts and part-of-speech tags
  (``nr`` person name, ``ns`` place, ``nt`` organisation, ``nz`` other
  proper noun);
* wordfreq's Chinese ``large`` list (data CC-BY-SA 4.0), read with
  ``wordfreq.get_frequency_dict("zh", "large")``: 297k Chinese words from
  subtitles, Wikipedia, news and the web.

A word's probability is the mean of its two relative frequencies (a word in
one list only gets half of that one), so either list alone can vouch for a
word.  Only words of Han characters are kept.  The merged table is written
once to the cache folder of :func:`cleaner.cache.cache_dir` (like jieba's
own cache) and loaded from there afterwards.  Building it takes 10-20 s
once per machine; a one-line notice on stderr says so while it happens.

:meth:`WordModel.logprob` is the natural-log probability of the best
segmentation of a string (Viterbi over the word lattice); a character that is
no word on its own costs :data:`UNKNOWN_LOGP`.  Typo rules compare it on a
short window around a candidate change: the *gain* of a change is
``logprob(after) - logprob(before)``.

>>> m = model()
>>> m.logprob("越来越") > m.logprob("越来赴") + 6
True
>>> m.tag("北京"), m.tag("大北京")
('ns', '')
"""

from __future__ import annotations

import array
import functools
import math
import marshal
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..cache import usable_cache_dir

__all__ = ["WordModel", "model", "cache_path", "UNKNOWN_LOGP", "is_han_run"]

#: version of the cached table's layout; bump when the build changes
_VERSION = 8
#: the part-of-speech tags the guards read (names, places, organisations,
#: other proper nouns); the others are not kept
KEPT_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})
#: log probability of a character that is no word in either list
UNKNOWN_LOGP = -21.0
#: longest word considered (characters); longer dictionary entries are dropped
MAX_WORD = 8
#: bigrams inside words at least this probable form :attr:`WordModel.bigrams`
BIGRAM_FLOOR = 1e-7


def is_han_run(s: str) -> bool:
    """Whether every character of ``s`` is a CJK unified ideograph (basic block)."""
    return bool(s) and all("\u4e00" <= c <= "\u9fff" for c in s)


@dataclass(frozen=True, slots=True)
class WordModel:
    """Word log probabilities, prefixes for the lattice, POS tags, and the
    character bigrams that occur inside words.

    ``table`` maps a word to its log probability and a proper prefix of a word
    to ``None`` (so that one lookup both finds words and tells when to stop
    extending).  ``tags`` holds jieba's POS tag of words that have one.
    ``bigrams`` maps each adjacent character pair that occurs inside a word
    of probability at least :data:`BIGRAM_FLOOR` (one in ten million words)
    to the log probability of the most probable such word: a character that
    forms no pair with either neighbour stands alone in its context, as two
    OCR misreadings in three do and one character in eight of normal prose;
    a look-alike that forms one is worth scoring.
    ``web_only`` holds the two-character words that only wordfreq lists (not
    jieba's edited dictionary): web text carries common misspellings
    (周未, 己经), so typo rules treat such a word with a far more frequent
    look-alike as a misspelling, not a word.
    """

    table: dict[str, float | None]
    tags: dict[str, str]
    bigrams: dict[str, float]
    web_only: frozenset[str] = frozenset()

    def word_logp(self, word: str) -> float | None:
        """Log probability of ``word`` as one word, or None when it is no word."""
        return self.table.get(word)

    def is_word(self, word: str) -> bool:
        return self.table.get(word) is not None

    def tag(self, word: str) -> str:
        """jieba's part-of-speech tag of ``word`` ('' when it has none)."""
        return self.tags.get(word, "")

    def char_logp(self, ch: str) -> float:
        """Log probability of ``ch`` as a one-character word."""
        lp = self.table.get(ch)
        return UNKNOWN_LOGP if lp is None else lp

    def segment(self, text: str) -> list[str]:
        """The best segmentation of ``text`` (a run of Han characters).

        >>> model().segment("大力发展旅游业")
        ['大力发展', '旅游业']
        """
        n = len(text)
        route = self._route(text)
        out: list[str] = []
        i = 0
        while i < n:
            j = route[i][1]
            out.append(text[i:j])
            i = j
        return out

    def logprob(self, text: str, banned: frozenset[str] = frozenset()) -> float:
        """Natural-log probability of the best segmentation of ``text``
        (words in ``banned`` do not count as words)."""
        if not text:
            return 0.0
        return self._route(text, banned)[0][0]

    def _route(self, text: str, banned: frozenset[str] = frozenset()) -> list[tuple[float, int]]:
        table = self.table
        n = len(text)
        route: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
        for i in range(n - 1, -1, -1):
            lp = table.get(text[i])
            best = ((UNKNOWN_LOGP if lp is None else lp) + route[i + 1][0], i + 1)
            stop = min(n, i + MAX_WORD)
            j = i + 2
            while j <= stop:
                w = text[i:j]
                if w not in table:
                    break
                lp = table[w]
                if lp is not None and not (banned and w in banned):
                    s = lp + route[j][0]
                    if s > best[0]:
                        best = (s, j)
                j += 1
            route[i] = best
        return route

    def in_common_word(self, text: str, pos: int, *, context: int = 3, floor: float = -15.0) -> bool:
        """Whether the character at ``pos`` is in a word of log probability at
        least ``floor`` where it stands, reading ``context`` characters either
        side (东湖科技园: 园 is in 科技园).

        >>> model().in_common_word("东湖科技园", 4), model().in_common_word("越来赴赖", 2)
        (True, False)
        """
        a = max(0, pos - context)
        window = text[a : pos + context + 1]
        for s, e in self.covering_words(window, pos - a):
            lp = self.word_logp(window[s:e])
            if lp is not None and lp >= floor:
                return True
        return False

    def covering_words(self, text: str, i: int, min_len: int = 2) -> Iterable[tuple[int, int]]:
        """Spans ``(a, b)`` of dictionary words in ``text`` that contain
        position ``i`` and have at least ``min_len`` characters."""
        table = self.table
        n = len(text)
        for a in range(max(0, i - MAX_WORD + 1), i + 1):
            b = a + 1
            while b <= min(n, a + MAX_WORD):
                w = text[a:b]
                if w not in table and b - a > 1:
                    break
                if b > i and b - a >= min_len and table.get(w) is not None:
                    yield (a, b)
                b += 1


def _jieba_dict() -> Path:
    import jieba

    return Path(jieba.__file__).parent / "dict.txt"


def _build() -> tuple[dict[str, float | None], dict[str, str], dict[str, float], list[str]]:
    from wordfreq import get_frequency_dict

    counts: dict[str, int] = {}
    tags: dict[str, str] = {}
    with open(_jieba_dict(), encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2 or not is_han_run(parts[0]) or len(parts[0]) > MAX_WORD:
                continue
            counts[parts[0]] = counts.get(parts[0], 0) + int(parts[1])
            if len(parts) > 2 and parts[2] in KEPT_TAGS:
                tags[parts[0]] = parts[2]
    total = float(sum(counts.values()))
    probs: dict[str, float] = {w: 0.5 * c / total for w, c in counts.items() if c > 0}
    web_only: list[str] = []
    for w, p in get_frequency_dict("zh", "large").items():
        if is_han_run(w) and len(w) <= MAX_WORD:
            if len(w) == 2 and w not in probs:
                web_only.append(w)
            probs[w] = probs.get(w, 0.0) + 0.5 * p
    table: dict[str, float | None] = {w: math.log(p) for w, p in probs.items()}
    bigrams: dict[str, float] = {}
    for w, p in probs.items():
        for k in range(1, len(w)):
            pre = w[:k]
            if pre not in table:
                table[pre] = None
        if p >= BIGRAM_FLOOR:
            lp = math.log(p)
            for k in range(len(w) - 1):
                pair = w[k : k + 2]
                if lp > bigrams.get(pair, -math.inf):
                    bigrams[pair] = lp
    return table, tags, dict(sorted(bigrams.items())), sorted(web_only)


def cache_path() -> Path:
    """Where the word model is cached: a name that changes with its sources' versions."""
    from importlib.metadata import version

    versions = f"v{_VERSION}-jieba{version('jieba')}-wordfreq{version('wordfreq')}"
    return usable_cache_dir() / f"typo-model-{versions}.bin"


def _pack(
    table: dict[str, float | None], tags: dict[str, str], bigrams: dict[str, float], web_only: list[str]
) -> tuple[str, bytes, str, str, bytes, str]:
    # Joined strings and a float array load several times faster than a
    # marshalled dict of half a million entries.
    values = array.array("d", [math.nan if v is None else v for v in table.values()])
    tag_lines = "\n".join(f"{w}\t{t}" for w, t in tags.items())
    pair_values = array.array("d", bigrams.values())
    return ("\n".join(table), values.tobytes(), tag_lines, "\n".join(bigrams), pair_values.tobytes(), "\n".join(web_only))


def _unpack(data: object) -> WordModel | None:
    if not (isinstance(data, tuple) and len(data) == 6):
        return None
    keys, raw, tag_lines, pair_keys, pair_raw, web_only = data
    values = array.array("d")
    values.frombytes(raw)
    words = keys.split("\n")
    if len(words) != len(values):
        return None
    table: dict[str, float | None] = {w: (None if v != v else v) for w, v in zip(words, values.tolist())}
    tags = dict(line.split("\t", 1) for line in tag_lines.split("\n") if line)
    pair_values = array.array("d")
    pair_values.frombytes(pair_raw)
    pairs = pair_keys.split("\n")
    if len(pairs) != len(pair_values):
        return None
    return WordModel(table, tags, dict(zip(pairs, pair_values.tolist())), frozenset(web_only.split("\n")))


def announce_build(what: str, path: Path) -> None:
    """One line on stderr before a slow one-time build, so that a first run
    does not look hung (the word model takes 10-20 s)."""
    try:
        sys.stderr.write(f"cleaner: building {what} (once per machine, cached in {path.parent})\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # no usable stderr (closed, None): say nothing
        pass


@functools.cache
def model() -> WordModel:
    """The word model, built on first use and cached on disk (see module doc)."""
    path = cache_path()
    try:
        with open(path, "rb") as fh:
            cached = _unpack(marshal.load(fh))
        if cached is not None:
            return cached
    except (OSError, EOFError, ValueError, TypeError):
        pass
    announce_build("the word model for typo repair", path)
    data = _pack(*_build())
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".typo-model-")
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(data, fh)
        os.replace(tmp, path)
    except OSError:
        pass
    built = _unpack(data)
    assert built is not None
    return built
