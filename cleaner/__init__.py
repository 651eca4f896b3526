"""cleaner: clean text from OCR, PDF extraction and scraping (Chinese first).

>>> import cleaner
>>> cleaner.clean("Ningboï¼ŒChina")
'Ningbo，China'
"""

from __future__ import annotations

from .config import Config, make_config
from .edits import Edit, Suggestion, apply_edits
from .pipeline import Explanation, clean, explain
from .rules import RULES, Rule

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
    "explain",
    "make_config",
    "rules",
    "__version__",
]


def rules() -> list[tuple[str, str, bool]]:
    """(name, summary, on by default) for every registered rule, in pipeline order."""
    return [(r.name, r.summary, r.default) for r in RULES.values()]
