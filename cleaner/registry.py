"""The rule registry: every rule by its stable name, in pipeline order.

Each rule module declares its rule once (its ``RULE`` constant, a
:class:`cleaner.rule.Rule`); this module lists them in the order the
pipeline runs them.  A new rule goes into a module of :mod:`cleaner.rules`
(or :mod:`cleaner.typos`) and into the list below.

>>> list(RULES)[:3]
['unicode', 'html_entities', 'script']
>>> RULES["width"].stage
'normalize'
"""

from __future__ import annotations

from types import MappingProxyType

from .dedup import rule as dedup
from .rule import Rule
from .rules import boilerplate, html_entities, page_numbers, paragraphs, script, unicode, whitespace, width
from .typos import confusion_rule, consistency, lexicon, phrases, stutter

__all__ = ["RULES"]

_ORDER: tuple[Rule, ...] = (
    unicode.RULE,
    html_entities.RULE,
    script.RULE,
    width.RULE,
    whitespace.RULE,
    page_numbers.RULE,
    paragraphs.RULE,
    boilerplate.RULE,
    dedup.RULE,
    dedup.HEADERS_RULE,
    lexicon.RULE,
    stutter.RULE,
    confusion_rule.RULE,
    consistency.RULE,
    phrases.RULE,
)

#: every rule by its name, in pipeline order
RULES: MappingProxyType[str, Rule] = MappingProxyType({r.name: r for r in _ORDER})
