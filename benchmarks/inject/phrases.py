"""Phrase-level damage for the ``phrase_consistency`` rule: one copy of a
phrase that a document writes three times or more is garbled, so that the
document still writes the phrase at least twice as it should.

Kinds (one per case, drawn in turn):

* ``doubled_word``: a two-character word of the phrase is written a second
  time inside it, right after itself or before a later word;
* ``drop``: one character of the phrase is dropped;
* ``insert``: one character is inserted (the one before it, doubled, or
  another character of the same document);
* ``substitute``: one character is replaced by a real OCR misreading of it
  (FASPell's train split) or, where there is none, by another character of
  the document.

Every change leaves at least two characters of the phrase on either side
of it (damage at an edge makes another phrase, not a garbled copy).
A :class:`PhraseCase` holds the clean text, the damaged text and the
kind; replacing ``damaged`` by ``clean`` is the repair.

>>> import random
>>> text = "全市扶持新能源汽车产业。新能源汽车产业发展迅速。做强新能源汽车产业。"
>>> case = damage(text, random.Random(1), kind="drop")
>>> case.kind, len(case.damaged) == len(text) - 1, case.clean == text
('drop', True, True)
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .sources import ocr_confusions

__all__ = ["PhraseCase", "KINDS", "repeated_phrases", "damage"]

KINDS = ("doubled_word", "drop", "insert", "substitute")
#: phrases of this many Han characters are damaged
MIN_LEN, MAX_LEN = 4, 12
#: the phrase is written at least this often in the clean text
MIN_COUNT = 3
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True, slots=True)
class PhraseCase:
    clean: str
    damaged: str
    kind: str
    phrase: str
    start: int  # where the damaged copy starts (in both texts)


def repeated_phrases(text: str) -> list[str]:
    """Runs of :data:`MIN_LEN` to :data:`MAX_LEN` Han characters written at
    least :data:`MIN_COUNT` times, none inside a longer one written as often.

    >>> repeated_phrases("扶持汽车产业。扶持汽车产业，扶持汽车产业。")
    ['扶持汽车产业']
    """
    found: list[tuple[str, int]] = []
    for n in range(MAX_LEN, MIN_LEN - 1, -1):
        seen: set[str] = set()
        for run in _HAN_RUN.findall(text):
            for i in range(len(run) - n + 1):
                s = run[i : i + n]
                if s in seen:
                    continue
                seen.add(s)
                c = text.count(s)
                if c >= MIN_COUNT and not any(s in f and c == fc for f, fc in found):
                    found.append((s, c))
    return sorted(s for s, _ in found)


def _words(phrase: str) -> list[str]:
    from cleaner.typos.model import model

    return model().segment(phrase)


def _garble(phrase: str, kind: str, rng: random.Random, pool: str) -> str | None:
    """``phrase`` with one change of ``kind`` at least two characters from
    either edge, or None when it has no place for it."""
    n = len(phrase)
    if kind == "doubled_word":
        words = _words(phrase)
        bounds = [sum(len(w) for w in words[:i]) for i in range(len(words) + 1)]
        picks = [(w, b) for w, a in zip(words, bounds) if len(w) == 2 for b in bounds if 2 <= b <= n - 2 and b != a]
        if not picks:
            return None
        w, b = rng.choice(picks)
        return phrase[:b] + w + phrase[b:]
    if kind == "drop":
        if n < 5:
            return None
        j = rng.randrange(2, n - 2)
        return phrase[:j] + phrase[j + 1 :]
    if kind == "insert":
        j = rng.randrange(2, n - 1)
        ch = phrase[j - 1] if rng.random() < 0.5 else rng.choice(pool)
        return phrase[:j] + ch + phrase[j:]
    if n < 5:
        return None
    j = rng.randrange(2, n - 2)
    table = ocr_confusions() or {}
    choices = table.get(phrase[j])
    if choices:
        wrong = rng.choices([w for w, _ in choices], weights=[c for _, c in choices])[0]
    else:
        wrong = rng.choice(pool)
    return None if wrong == phrase[j] else phrase[:j] + wrong + phrase[j + 1 :]


def damage(text: str, rng: random.Random, *, kind: str) -> PhraseCase | None:
    """One copy of a repeated phrase of ``text`` garbled by ``kind``, or None
    when ``text`` repeats no phrase that the kind can garble."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    phrases = repeated_phrases(text)
    rng.shuffle(phrases)
    pool = "".join(_HAN_RUN.findall(text))
    for phrase in phrases:
        garbled = _garble(phrase, kind, rng, pool)
        if garbled is None or garbled in text:
            continue
        starts = [m.start() for m in re.finditer(re.escape(phrase), text)]
        s = rng.choice(starts)
        return PhraseCase(text, text[:s] + garbled + text[s + len(phrase) :], kind, phrase, s)
    return None
