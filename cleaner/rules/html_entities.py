"""Rule ``html_entities``: character references left in scraped text.

* A named or numeric character reference that ends with ``;`` becomes its
  character: ``&amp;`` -> ``&``, ``&quot;`` -> ``"``, ``&nbsp;`` -> U+00A0,
  ``&#39;`` and ``&#x27;`` -> ``'``, ``&mdash;`` -> ``—``.  A reference
  escaped more than once (``&amp;amp;``) is decoded all the way at once.
* Left as written: ``&lt;`` and ``&gt;`` and any reference to ``<`` or
  ``>`` (``&lt;3`` is text, ``<3`` would read as markup); references to
  control, format and invalid characters (``&#0;``, ``&NewLine;``,
  ``&zwj;``, ``&shy;``); a name without ``;`` (``AT&T``, ``?a=1&copy=2``);
  every reference on a line that holds a ``<`` (markup, or text about it:
  there the references are meant literally); and a reference whose character
  would make a new reference with the text around it (``&#38;amp;``), so
  that a second clean finds nothing more to decode.

>>> from cleaner import clean
>>> clean("Tom &amp; Jerry &quot;2&quot; &lt;3", only=["html_entities"])
'Tom & Jerry "2" &lt;3'
>>> clean("x < y &amp;&amp; z", only=["html_entities"])
'x < y &amp;&amp; z'
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from html.entities import html5
from typing import TYPE_CHECKING

from ..edits import Edit
from ..rule import Rule

if TYPE_CHECKING:
    from ..config import Config

NAME = "html_entities"

# A reference, with the ``amp;`` levels of any extra escaping before its name.
_REFERENCE = re.compile(r"&((?:amp;)*)(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
# An unfinished reference: a character of a name or ``;`` after it would make one.
_OPEN_AMPERSAND = re.compile(r"&#?[A-Za-z0-9]*$")
_NAME_START = re.compile(r"[#A-Za-z0-9;]")
_WHOLE_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_CONTEXT = 40  # characters of output kept to judge the next reference


def decode(name: str) -> str | None:
    """The text that the reference ``&name;`` stands for, or None when it is
    left as written (unknown, markup, or not a printable character).

    >>> decode("amp"), decode("#x27"), decode("lt"), decode("#0"), decode("bogus")
    ('&', "'", None, None, None)
    """
    if not name.startswith("#") and name + ";" not in html5:
        return None
    text = html.unescape(f"&{name};")
    if text == f"&{name};" or "<" in text or ">" in text or "\ufffd" in text:
        return None
    if any(unicodedata.category(c)[0] == "C" for c in text):
        return None
    return text


def _markup_lines(text: str) -> list[tuple[int, int]]:
    """The spans of the lines that hold a ``<``."""
    spans: list[tuple[int, int]] = []
    for m in re.finditer("<", text):
        start = text.rfind("\n", 0, m.start()) + 1
        if spans and start < spans[-1][1]:
            continue
        end = text.find("\n", m.start())
        spans.append((start, len(text) if end < 0 else end))
    return spans


def html_entities_rule(text: str, config: Config) -> Iterator[Edit]:
    """Edits that decode the character references of ``text``."""
    if "&" not in text:
        return
    markup = _markup_lines(text)
    k = 0
    out_tail = ""  # the end of the text as decoded so far
    pos = 0
    for m in _REFERENCE.finditer(text):
        while k < len(markup) and markup[k][1] <= m.start():
            k += 1
        out_tail = (out_tail + text[pos : m.start()])[-_CONTEXT:]
        pos = m.end()
        after = decode(m.group(2))
        if (
            after is None
            or (k < len(markup) and markup[k][0] <= m.start())
            or (_OPEN_AMPERSAND.search(out_tail) and _NAME_START.match(after))
            or ("&" in after and _WHOLE_REFERENCE.match(after[after.rindex("&") :] + text[pos : pos + _CONTEXT]))
        ):
            out_tail += m.group()
            continue
        out_tail += after
        yield Edit(NAME, m.start(), m.end(), m.group(), after)


RULE = Rule(
    name=NAME,
    func=html_entities_rule,
    summary="decode HTML character references (&amp; &quot; &nbsp; &#39;); &lt; &gt; and lines with a < stay",
    stage="prepare",
)
