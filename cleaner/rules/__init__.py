"""The text rules, one module each (``cleaner.rules.width``, ...).

Each module declares its rule once as ``RULE`` (a :class:`cleaner.rule.Rule`);
:mod:`cleaner.registry` lists them in pipeline order.  Importing one rule
module does not load the others.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # ``from cleaner.rules import RULES, Rule`` was the registry's old home;
    # kept (loaded on demand) until every caller imports cleaner.registry.
    if name == "RULES":
        from ..registry import RULES

        return RULES
    if name in ("Rule", "RuleFunc"):
        from .. import rule

        return getattr(rule, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
