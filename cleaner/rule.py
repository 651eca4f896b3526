"""What a rule is: a small pure function and what the pipeline needs to know about it.

A rule is a function ``(text, config) -> Iterable[Edit | Suggestion]`` whose
edits are on the text it was given.  Each rule module declares its rule once,
as a module constant ``RULE``; :mod:`cleaner.registry` lists them in pipeline
order.  This module imports neither the rules nor the configuration, so a
rule module can import it without a cycle.

>>> from cleaner.rules.width import RULE
>>> RULE.name, RULE.stage, RULE.options
('width', 'normalize', ())
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from .edits import Edit, Suggestion

if TYPE_CHECKING:
    from .config import Config

RuleFunc = Callable[[str, "Config"], Iterable[Union[Edit, Suggestion]]]
#: ``reach(text, spans)``: the sorted, disjoint ranges of ``text`` whose
#: edits can depend on what stands in ``spans`` (sorted, disjoint)
Reach = Callable[[str, list[tuple[int, int]]], list[tuple[int, int]]]
#: ``resume(text, config, spans)``: the rule's edits and suggestions on
#: ``text``, the text it returned last with ``spans`` (sorted, disjoint)
#: changed since by other rules
Resume = Callable[[str, "Config", list[tuple[int, int]]], Iterable[Union[Edit, Suggestion]]]

#: the stages of the pipeline, in the order they run (see :class:`Rule`)
STAGES = ("prepare", "normalize", "final")

__all__ = ["Rule", "RuleFunc", "Reach", "Resume", "STAGES", "lines_around"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A rule: its stable name, function, one-line summary, whether it is on
    by default, its stage, and the :class:`~cleaner.Config` fields it reads.

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
    #: the Config fields the function reads (tests/test_registry.py checks it)
    options: tuple[str, ...] = ()
    #: a "prepare" rule that is idempotent also takes part in the normalize
    #: rounds (a join of two lines can form a new mojibake-looking sequence)
    idempotent: bool = True
    #: a "final" rule that drops whole paragraphs: it runs before the other
    #: final rules, and script "auto" decides again on what it leaves
    removes_paragraphs: bool = False
    #: for a rule whose edits depend only on their neighbourhood (a line):
    #: after other rules changed some spans of a text this rule had left as
    #: it found it, the pipeline runs it again only on ``reach(text, spans)``
    #: (each range as a text of its own) instead of on the whole text
    reach: Reach | None = None
    #: for a rule that judges the whole text (a document's layout) but can
    #: pick up where it left off: after other rules changed some spans of
    #: the text it returned, the pipeline calls ``resume(text, config,
    #: spans)`` instead of ``func``; it must give what ``func`` would, but
    #: may leave out the suggestions it gave before
    resume: Resume | None = None
    #: ``acts(text)``: False when ``func`` finds nothing at all in ``text``
    #: (a scan for the characters its every edit and suggestion needs); the
    #: pipeline then leaves a range it reruns locally alone without a call
    #: (after a paragraph join, most ranges hold nothing for most rules)
    acts: Callable[[str], bool] | None = None

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"rule {self.name!r}: stage must be one of {', '.join(STAGES)}, not {self.stage!r}")


def lines_around(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The lines of ``text`` that hold the given (sorted) spans, each with
    the line break before and after it (a rule may read one neighbour of
    what it changes): the :data:`Reach` of a rule whose work is line by line.

    >>> lines_around("ab\\ncd\\nef\\ngh", [(4, 4), (5, 7)])
    [(2, 9)]
    """
    out: list[tuple[int, int]] = []
    # (a reread after a paragraph join asks for thousands of spans: one find
    # each where a span starts on the lines of the range before, else two)
    rfind, find, n = text.rfind, text.find, len(text)
    last = -1  # where the range before ends (a line's end)
    for a, b in spans:
        if b < last:
            continue  # on the lines of the range before (no line break between)
        nl = find("\n", b)
        end = n if nl < 0 else nl + 1
        if a <= last:  # (its line begins at or before the range before ends)
            if end > last:
                out[-1] = (out[-1][0], end)
                last = end
            continue
        start = rfind("\n", 0, a)
        if out and start <= last:
            if end > last:
                out[-1] = (out[-1][0], end)
                last = end
        else:
            out.append((start if start > 0 else 0, end))
            last = end
    return out
