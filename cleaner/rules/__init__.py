"""The rule registry: every rule by its stable name, in pipeline order.

A rule is a small pure function ``(text, config) -> Iterable[Edit | Suggestion]``
whose edits are on the text it was given; :func:`cleaner.explain` runs the
active rules in the order below and maps every edit back to the input.

>>> list(RULES)[:3]
['unicode', 'html_entities', 'script']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Union

from ..edits import Edit, Suggestion

if TYPE_CHECKING:
    from ..config import Config

RuleFunc = Callable[[str, "Config"], Iterable[Union[Edit, Suggestion]]]

__all__ = ["Rule", "RULES", "RuleFunc"]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule: its stable name, function, one-line summary, whether
    it is on by default, and its stage.

    ``"prepare"`` rules (Unicode repair, script conversion) run once each,
    first: OpenCC is not idempotent (杨联陞 -> 杨联陞 -> 杨联升), so script
    conversion must not repeat.  Rules of the ``"normalize"`` stage then run
    in order, again and again until a
    round changes nothing (a join of two lines can put a comma in Chinese
    context that was not before), so the output is a fixed point and cleaning
    twice gives what cleaning once gives.  ``"final"`` rules (deduplication,
    typo repair) then run once each, those that drop paragraphs first; script
    conversion ("auto") decides once more on the text they leave.
    """

    name: str
    func: RuleFunc
    summary: str
    default: bool = True
    stage: str = "normalize"
    #: a "prepare" rule that is idempotent also takes part in the normalize
    #: rounds (a join of two lines can form a new mojibake-looking sequence)
    idempotent: bool = True
    #: a "final" rule that drops whole paragraphs: it runs before the other
    #: final rules, and script "auto" decides again on what it leaves
    removes_paragraphs: bool = False


def _registry() -> MappingProxyType[str, Rule]:
    from . import boilerplate, html_entities, page_numbers, paragraphs, script, unicode, whitespace, width
    from ..dedup import rule as dedup
    from .. import typos

    rules = [
        Rule("unicode", unicode.unicode_rule, "repair mojibake (ftfy, GBK) and remove control and zero-width characters", stage="prepare"),
        Rule("html_entities", html_entities.html_entities_rule, "decode HTML character references (&amp; &quot; &nbsp; &#39;); &lt; &gt; and lines with a < stay", stage="prepare"),
        Rule("script", script.script_rule, "convert stray Traditional/Simplified characters to the document's script (OpenCC)", stage="prepare", idempotent=False),
        Rule("width", width.width_rule, "full-width letters and digits to ASCII; ASCII , ; : ? ! ( ) in Chinese to full-width"),
        Rule("whitespace", whitespace.whitespace_rule, "remove whitespace-only lines, trailing blanks and spaces inside Chinese; collapse blank lines"),
        Rule("page_numbers", page_numbers.page_numbers_rule, "drop page-number lines (— 3 —, 第3页, Page 3 of 12) that run up page by page through the document"),
        Rule("paragraphs", paragraphs.paragraphs_rule, "rejoin paragraphs split by page breaks and hard wraps; dehyphenate Latin words"),
        Rule("boilerplate", boilerplate.boilerplate_rule, "drop a trailing promotional footer (scan the QR code, follow our account)", stage="final", removes_paragraphs=True),
        Rule("dedup", dedup.dedup_rule, "drop a paragraph or block repeated right after itself, exactly or nearly (rapidfuzz on a folded key); each drop names the kept one", stage="final", removes_paragraphs=True),
        Rule("page_headers", dedup.page_headers_rule, "drop a short line repeated at the top of many pages or sections", default=False, stage="prepare"),
        Rule("lexicon", typos.lexicon_rule, "correct near misses (one edit) of the terms given with --lexicon FILE", stage="final"),
        Rule("stutter", typos.stutter_rule, "remove a word printed twice by accident (a repeat across a line or page break); keep reduplication", stage="final"),
        Rule("ocr_confusion", typos.ocr_confusion_rule, "replace a character misread as a look-alike when the word model's gain clears typo_threshold", stage="final"),
        Rule("consistency", typos.consistency_rule, "correct a rare variant, one look-alike away, of a term the document repeats", stage="final"),
    ]
    return MappingProxyType({r.name: r for r in rules})


RULES: MappingProxyType[str, Rule] = _registry()
