"""The rule registry: every rule by its stable name, in pipeline order.

Each rule module declares its rule once (its ``RULE`` constant, a
:class:`cleaner.rule.Rule`); this module lists them in the order the
pipeline runs them.  A new rule goes into a module of :mod:`cleaner.rules`
(or :mod:`cleaner.typos`), into the list below and into
``cleaner/data/rules.txt`` (the table :mod:`cleaner.config` reads; this
module checks on import that the two agree).

>>> list(RULES)[:3]
['unicode', 'html_entities', 'script']
>>> RULES["width"].stage
'normalize'
"""

from __future__ import annotations

from types import MappingProxyType

from .config import rule_table
from .dedup import rule as dedup
from .rule import Rule
from .rules import boilerplate, html_entities, page_numbers, paragraphs, script, unicode, whitespace, width
from .typos import confusion_rule, consistency, lexicon, phrases, stutter

__all__ = ["RULES", "check_table"]

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


def check_table(rules: tuple[Rule, ...], table: tuple[tuple[str, bool], ...]) -> None:
    """Raise RuntimeError unless ``table`` (``cleaner/data/rules.txt``) lists
    exactly ``rules``' names, in their order, with their defaults.

    >>> check_table(_ORDER[:1], (("unicode", False),))
    Traceback (most recent call last):
    ...
    RuntimeError: cleaner/data/rules.txt does not match the registry: it says [('unicode', False)], the rules say [('unicode', True)]; make them agree
    """
    found = [(r.name, r.default) for r in rules]
    if found != list(table):
        raise RuntimeError(f"cleaner/data/rules.txt does not match the registry: it says {list(table)}, the rules say {found}; make them agree")


check_table(_ORDER, rule_table())
