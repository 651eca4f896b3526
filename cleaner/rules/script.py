"""Rule ``script``: Traditional and Simplified Chinese, with OpenCC.

``script="auto"`` (the default) counts the characters that exist only in
Traditional and only in Simplified writing (character sets from CC-CEDICT,
via the ``zhon`` package).  The document's majority script decides the
direction, when it is a clear one (at least :data:`DOCUMENT_MAJORITY` of the
script-specific characters: a document half in each script is left alone,
and dropping a few repeated paragraphs cannot flip the decision); in each paragraph where that script dominates (the other makes up
at most a third of the script-specific characters), each stray character of the minority
script is converted, using OpenCC on its clause so that phrases convert as
phrases (``頭髮`` becomes ``头发``).  A character valid in both scripts is
never converted on its own (``乾`` in a name stays), only together with a
stray neighbour in the same phrase.  A document written in one script is
never converted to the other unless asked: ``script="simplified"`` or
``script="traditional"`` (Taiwan standard, OpenCC ``s2tw``) convert all of it;
``script="keep"`` does nothing.

A paragraph wholly in the other script inside a clearly one-script document
is converted too when the document is Simplified (at least three to one,
and nine to one without that paragraph); otherwise it is left alone and
reported as a suggestion (see :func:`whole_paragraph` for why).

>>> from cleaner import clean
>>> clean("我们在這里开会，讨论头髮问题。", only=["script"])
'我们在这里开会，讨论头发问题。'
>>> clean("我們在這裡開會，讨論問題。", only=["script"])
'我們在這裡開會，討論問題。'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..chars import script_chars
from ..edits import Edit, Suggestion
from ..rule import Rule

if TYPE_CHECKING:
    import opencc

    from ..config import Config

NAME = "script"
MINORITY_MAX = 0.34  # largest minority share of script-specific characters in a paragraph for "auto" to act
#: smallest share of the script-specific characters of the document that its
#: majority script needs for "auto" to act at all
DOCUMENT_MAJORITY = 0.6


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    import opencc  # on first use: most text holds no script-specific character

    return opencc.OpenCC(config)


@functools.cache
def _only() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes of Traditional-only and Simplified-only characters."""
    trad_only, simp_only = _only_chars()
    return re.compile(f"[{re.escape(trad_only)}]"), re.compile(f"[{re.escape(simp_only)}]")


def _only_chars() -> tuple[str, str]:
    """The Traditional-only and the Simplified-only characters: CC-CEDICT's
    sets, less the characters that CC-CEDICT lists only as Simplified but
    that OpenCC's Hong Kong or Taiwan conversion leaves as they are (脱, 税,
    温 are Hong Kong standard forms).  Precomputed in
    ``cleaner/data/script_chars.txt`` (scripts/build_script_chars.py).
    """
    return script_chars("traditional_only"), script_chars("simplified_only")


@functools.cache
def _kinds() -> Any:
    """A table by code point: 1 for a Traditional-only character, 2 for a
    Simplified-only one, 0 for anything else (the last entry stands for
    every code point beyond the table)."""
    import numpy as np

    trad_only, simp_only = _only_chars()
    table = np.zeros(max(map(ord, trad_only + simp_only)) + 2, dtype=np.uint8)
    table[[ord(c) for c in trad_only]] = 1
    table[[ord(c) for c in simp_only]] = 2
    return table


#: characters read at a time by :func:`script_kinds` and :func:`_paragraph_ends` (4 bytes each)
_COUNT_CHUNK = 1 << 20
#: a text this long or longer is tested for both scripts by the numpy
#: look-up (:func:`script_kinds`); a shorter one by two regex searches,
#: which stop at their first match but scan all of a text without one
_NUMPY_GATE = 1 << 16
#: see :func:`script_kinds`
_SPARSE = 8


@functools.cache
def _lowest_script_char() -> int:
    """The lowest code point of a Traditional-only or Simplified-only character."""
    trad_only, simp_only = _only_chars()
    return min(map(ord, trad_only + simp_only))


def _paragraph_ends(text: str) -> Any:
    """The end of each line of ``text`` with its line end (:data:`_LINE_END`:
    CRLF, LF, CR or form feed; the last line may have none), as a numpy
    array, :data:`_COUNT_CHUNK` characters at a time.

    >>> _paragraph_ends("甲\\n乙\\r\\n丙").tolist(), _paragraph_ends("甲\\r\\r\\f").tolist(), _paragraph_ends("").tolist()
    ([2, 5, 6], [2, 3, 4], [])
    """
    import numpy as np

    n = len(text)
    out: list[Any] = []
    for base in range(0, n, _COUNT_CHUNK):
        stop = min(base + _COUNT_CHUNK, n)
        # (one character more: whether a CR at the window's end ends its line)
        codes = np.frombuffer(text[base : stop + 1].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ends = codes == 10
        # (asked of the window, not of the text: "\r" in text scans all of
        # a text with a character beyond the BMP four bytes at a time)
        if np.count_nonzero(codes == 13) or np.count_nonzero(codes == 12):
            lone_cr = codes == 13
            lone_cr[:-1] &= ~ends[1:]  # (a CR before a LF: the LF ends that line)
            ends |= lone_cr | (codes == 12)
        out.append(np.flatnonzero(ends[: stop - base]) + (base + 1))
    ends = np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
    if n and (not len(ends) or ends[-1] != n):
        ends = np.append(ends, n)
    return ends


def script_counts(text: str) -> tuple[int, int]:
    """(Traditional-only, Simplified-only) character counts.

    >>> script_counts("這是简体")
    (1, 2)
    """
    trad, simp = _only()
    return _count(trad, text), _count(simp, text)


def _count(pattern: re.Pattern[str], text: str, chunk: int = 1 << 20) -> int:
    # findall on a chunk at a time: on a 100 MB line one list of every match
    # would hold millions of one-character strings at once.
    return sum(len(pattern.findall(text, i, i + chunk)) for i in range(0, len(text), chunk))


def _traditional_config(text: str) -> str:
    # Hong Kong writing uses 説/衞/温; Taiwan (the default) uses 說/衛/溫.
    hk = sum(text.count(c) for c in "説衞温户税")
    tw = sum(text.count(c) for c in "說衛溫戶稅")
    return "s2hk" if hk > tw else "s2tw"


def _runs(before: str, after: str) -> Iterator[tuple[int, int]]:
    """Maximal runs [i, j) where two strings of equal length differ."""
    n = len(before)
    i = 0
    while i < n:
        if before[i] == after[i]:
            i += 1
            continue
        j = i
        while j < n and before[j] != after[j]:
            j += 1
        yield i, j
        i = j


def _convert_all(text: str, config: str) -> Iterator[Edit]:
    conv = _converter(config)
    pos = 0
    for line in text.splitlines(keepends=True):
        out = conv.convert(line)
        if out != line:
            if len(out) == len(line):
                for i, j in _runs(line, out):
                    yield Edit(NAME, pos + i, pos + j, line[i:j], out[i:j])
            else:  # a phrase changed length: one edit for the line
                yield Edit(NAME, pos, pos + len(line), line, out)
        pos += len(line)


_STOP = frozenset("\n\r\f\v\t ，。、；：！？,.;:!?“”‘’「」『』（）()《》　")


def _convert_strays(text: str, stray: re.Pattern[str], config: str, *, with_neighbours: bool) -> Iterator[Edit]:
    """Convert each stray character in its clause.  With ``with_neighbours``,
    characters that the phrase converted together with a stray one (頭髮 ->
    头发 for the stray 髮) are converted too."""
    conv = _converter(config)
    done_until = 0
    for m in stray.finditer(text):
        if m.start() < done_until:
            continue
        start = m.start()
        # (not back into the previous window: its strays are converted)
        while start > done_until and start > m.start() - 20 and text[start - 1] not in _STOP:
            start -= 1
        end = m.end()
        while end < len(text) and end < m.end() + 20 and text[end] not in _STOP:
            end += 1
        window = text[start:end]
        out = conv.convert(window)
        done_until = end
        if len(out) != len(window) or out == window:
            continue
        for i, j in _runs(window, out):
            strays = [k for k in range(i, j) if stray.match(window, k)]
            if not strays:
                continue
            if with_neighbours:
                yield Edit(NAME, start + i, start + j, window[i:j], out[i:j])
            else:
                for k in strays:
                    yield Edit(NAME, start + k, start + k + 1, window[k], out[k])


#: line ends as the whitespace rule reads them (it turns \f into \n)
_LINE_END = re.compile(r"\r\n|[\n\r\f]")


def script_rule(text: str, config: Config) -> Iterator[Edit | Suggestion]:
    """Edits that convert script (see the module docstring for the modes)."""
    mode = config.script
    if mode == "keep":
        return
    if mode == "simplified":
        yield from _convert_all(text, "t2s")
        return
    if mode == "traditional":
        yield from _convert_all(text, "s2tw")
        return
    trad_re, simp_re = _only()
    # (one search each, and none of the counting, for a short text in one script)
    if len(text) < _NUMPY_GATE and (not simp_re.search(text) or not trad_re.search(text)):
        return
    import numpy as np

    kinds = script_kinds(text)
    trad, simp = int(np.count_nonzero(kinds == 1)), int(np.count_nonzero(kinds == 2))
    if not trad or not simp:
        return  # one script only
    if max(trad, simp) < DOCUMENT_MAJORITY * (trad + simp):
        return  # no clear majority: "auto" leaves the document alone
    simplified_doc = simp > trad
    stray_re = trad_re if simplified_doc else simp_re
    config_name = "t2s" if simplified_doc else _traditional_config(text)
    # Decide paragraph by paragraph: strays inside paragraphs of the
    # majority script are converted; a paragraph wholly in the other script
    # is converted when the rest of the document is clearly in one script
    # (see whole_paragraph); anything between is left alone.  Only the
    # paragraphs with a character of the minority script can change, and
    # only they are counted (the majority's characters, tens of thousands
    # in a long document, are not placed one by one).
    ends = _paragraph_ends(text)
    minority_at = np.flatnonzero(kinds == (1 if simplified_doc else 2))
    evidenced = -1  # paragraphs with script-specific characters (counted when needed)
    for k in np.unique(np.searchsorted(ends, minority_at, side="right")).tolist():
        start, end = (int(ends[k - 1]) if k else 0), int(ends[k])
        own = kinds[start:end]
        t, s_ = int(np.count_nonzero(own == 1)), int(np.count_nonzero(own == 2))
        para = text[start:end]
        majority, minority = (s_, t) if simplified_doc else (t, s_)
        if minority > MINORITY_MAX * (majority + minority):
            if evidenced < 0:
                evidenced = _evidenced(kinds, ends)
            others = evidenced - (t + s_ > 0)
            sure = max(trad, simp) >= WHOLE_DOCUMENT_MAJORITY * (trad + simp) or (
                others >= SURE_OTHER_PARAGRAPHS and trad + simp - t - s_ >= SURE_MIN_CHARS
            )
            yield from whole_paragraph(para, start, (trad - t, simp - s_), sure=sure)
        else:
            for e in _convert_strays(para, stray_re, config_name, with_neighbours=simplified_doc):
                yield Edit(e.rule, e.start + start, e.end + start, e.before, e.after)


def script_kinds(text: str) -> Any:
    """For each character of ``text``, its :func:`_kinds` entry (numpy
    uint8: 1 Traditional-only, 2 Simplified-only, 0 any other), from one
    look-up per character, :data:`_COUNT_CHUNK` characters at a time; in a
    window where fewer than one character in :data:`_SPARSE` is as high as
    the lowest of them (Latin text), only those are looked up.  One byte a
    character: the rule counts and places only the paragraphs of the
    minority script's characters from it, not each of the tens of thousands
    of the majority's in a long document (1 MB of damaged Chinese: 4.1 ->
    2.2 ms a run).

    >>> script_kinds("這是简体，我們").tolist()
    [1, 0, 2, 2, 0, 0, 1]
    """
    import numpy as np

    table = _kinds()
    lowest = _lowest_script_char()
    out = np.zeros(len(text), dtype=np.uint8)
    for base in range(0, len(text), _COUNT_CHUNK):
        codes = np.frombuffer(text[base : base + _COUNT_CHUNK].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        is_high = codes >= lowest
        if np.count_nonzero(is_high) * _SPARSE < len(codes):
            high = np.flatnonzero(is_high)
            out[base + high] = np.take(table, codes[high], mode="clip")
        else:
            out[base : base + len(codes)] = np.take(table, codes, mode="clip")
    return out


def _evidenced(kinds: Any, ends: Any) -> int:
    """How many of the paragraphs that end at ``ends`` hold a
    script-specific character (``kinds``: :func:`script_kinds`).

    >>> _evidenced(script_kinds("這\\nab\\n简"), _paragraph_ends("這\\nab\\n简"))
    2
    """
    import numpy as np

    return len(np.unique(np.searchsorted(ends, np.flatnonzero(kinds != 0), side="right")))


#: a paragraph wholly in the other script: at least this many characters of
#: that script, and at most :data:`WHOLE_OWN_MAX` of its script-specific
#: characters in the document's script
WHOLE_MIN_CHARS = 3
WHOLE_OWN_MAX = 0.1
#: the rest of the document must hold this share of one script (among at
#: least :data:`CLEAR_MIN_CHARS` script-specific characters) for such a
#: paragraph to be converted: a clearly one-script document
CLEAR_MAJORITY = 0.9
CLEAR_MIN_CHARS = 10
#: and the whole document, that paragraph included, at least this share
#: (three to one) for the conversion to be applied; between
#: DOCUMENT_MAJORITY and this it is only suggested
WHOLE_DOCUMENT_MAJORITY = 0.75
#: or the rest of the document is at least this many paragraphs (with
#: script-specific characters) and this many script-specific characters,
#: nine to one in one script: a long reprinted paragraph in a document of
#: several (benchmarks/layout.py, dev: 7 of 80 such paragraphs made the
#: document less than three to one, each with a rest wholly Simplified);
#: one paragraph in each script stays a suggestion
SURE_OTHER_PARAGRAPHS = 2
SURE_MIN_CHARS = 20
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff]")


def whole_paragraph(para: str, start: int, rest: tuple[int, int], *, sure: bool = True) -> Iterator[Edit | Suggestion]:
    """A paragraph wholly in Traditional inside a clearly Simplified
    document (``rest``: the Traditional-only and Simplified-only counts of
    the rest of the document) is converted to Simplified; one wholly in
    Simplified inside a clearly Traditional document is only suggested.

    Why (issue 14): in a document whose script is clear, a paragraph in the
    other script is most often a reprint or the OCR of a mixed source, and
    who builds a one-script corpus expects it converted; ``--script keep``
    is there for those who quote.  In the clean corpora (PKU, MSR and the
    zh-Wikipedia sample in documents of 20 lines or articles; CityU and AS
    likewise) no paragraph is wholly in the other script, so the decision
    changes no clean document.  Traditional to Simplified is nearly
    one-to-one; Simplified to Traditional is not (发 is 發 or 髮), so that
    direction is a suggestion, and so is a conversion in a document whose
    majority is clear but under three to one (``sure=False``): a short
    document of two paragraphs, one in each script, reads as a quotation as
    much as a reprint.  Japanese (kana) is never converted.

    >>> doc = "会议要求各部门加强协调配合，认真做好年底前的收尾工作。这项工作关系到全区发展。"
    >>> [(e.before, e.after) for e in whole_paragraph("經濟發展很快。", 0, script_counts(doc))]
    [('經濟發', '经济发')]
    """
    t, s_ = script_counts(para)
    rt, rs = rest
    if rt + rs < CLEAR_MIN_CHARS or max(rt, rs) < CLEAR_MAJORITY * (rt + rs) or _KANA.search(para):
        return
    simplified_doc = rs > rt
    other, own = (t, s_) if simplified_doc else (s_, t)
    if other < WHOLE_MIN_CHARS or own > WHOLE_OWN_MAX * (other + own):
        return
    if simplified_doc and sure:
        for e in _convert_all(para, "t2s"):
            yield Edit(NAME, e.start + start, e.end + start, e.before, e.after, note="a paragraph wholly in Traditional in a Simplified document")
        return
    config = "t2s" if simplified_doc else _traditional_config(para)
    what = "Traditional in a Simplified" if simplified_doc else "Simplified in a Traditional"
    for e in _convert_all(para, config):
        yield Suggestion(NAME, e.start + start, e.end + start, e.before, e.after, score=0.5, note=f"a paragraph wholly in {what} document")


RULE = Rule(
    name=NAME,
    func=script_rule,
    summary="convert stray Traditional/Simplified characters, and a Traditional paragraph in a clearly Simplified document, to the document's script (OpenCC)",
    stage="prepare",
    options=("script",),
    idempotent=False,
)
