"""cleaner: clean text from OCR, PDF extraction and scraping (Chinese first).

>>> import cleaner
>>> cleaner.clean("Ningboï¼ŒChina")
'Ningbo，China'

The names below are loaded on first use, so that importing one module of the
package (``cleaner.rules.width``, ``cleaner.edits``) does not load every rule.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import Config, make_config
    from .edits import Edit, Suggestion, apply_edits
    from .pipeline import Explanation, clean, explain
    from .registry import RULES
    from .rule import Rule
    from .streams import clean_records, dedup_records

__version__ = "0.1.0"

__all__ = [
    "Config",
    "Edit",
    "Explanation",
    "RULES",
    "Rule",
    "Suggestion",
    "apply_edits",
    "clean",
    "clean_records",
    "dedup_records",
    "explain",
    "list_rules",
    "make_config",
    "__version__",
]

#: each public name and the module that defines it
_HOMES = {
    "Config": "config",
    "make_config": "config",
    "Edit": "edits",
    "Suggestion": "edits",
    "apply_edits": "edits",
    "Explanation": "pipeline",
    "clean": "pipeline",
    "explain": "pipeline",
    "RULES": "registry",
    "Rule": "rule",
    "clean_records": "streams",
    "dedup_records": "streams",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value  # (PEP 562: the next access finds it without a call)
        return value
    if not name.startswith("_"):  # a submodule not imported yet: cleaner.registry
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))


def list_rules() -> list[tuple[str, str, bool]]:
    """(name, summary, on by default) for every registered rule, in pipeline order.

    >>> list_rules()[3]
    ('width', 'full-width letters and digits to ASCII; ASCII , ; : ? ! ( ) in Chinese to full-width; O/o read for 〇 among Chinese digits', True)
    """
    from .registry import RULES

    return [(r.name, r.summary, r.default) for r in RULES.values()]
