"""The optional C modules and the one test that decides whether one is used.

``cleaner`` builds two optional top-level C modules when a C compiler
works: ``_cleaner_speedups`` (``cleaner/typos/speedups.c``: the word and
character models' inner loops) and ``_cleaner_paragraphs``
(``cleaner/rules/paragraphs_walk.c``: the paragraphs rule's walk).  Each is
bit-identical to the Python code beside it, which stays the reference and
runs whenever :func:`compiled` returns None.  They are top-level modules
because the checkout's ``cleaner`` package, first on ``sys.path`` in tests,
would hide a ``cleaner._x`` that pip built.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["compiled", "pure_python"]


def pure_python() -> bool:
    """Whether the environment variable ``CLEANER_PURE_PYTHON`` asks for the
    Python code alone (set, and not to ``0`` or empty)."""
    return os.environ.get("CLEANER_PURE_PYTHON", "") not in ("", "0")


def compiled(name: str, expected: Mapping[str, object], *, read: Callable[[Any], Mapping[str, object]] | None = None) -> Any:
    """The C module ``name``, or None: when it is not built, when
    :func:`pure_python` says so, or when it is a stale build: one of the
    ``expected`` attributes (its ``ABI`` and the constants it was compiled
    with) differs from this code's.  ``read``: what to compare instead of
    the module's attributes (a module that exports its constants as one
    mapping).

    >>> compiled("_no_such_cleaner_module", {"ABI": 1}) is None
    True
    >>> import math
    >>> compiled("math", {"pi": math.pi}) is math, compiled("math", {"pi": 3}) is None
    (True, True)
    """
    if pure_python():
        return None
    try:
        mod = importlib.import_module(name)
    except ImportError:
        return None
    found = read(mod) if read is not None else {key: getattr(mod, key, None) for key in expected}
    if any(found.get(key) != value for key, value in expected.items()):
        return None
    return mod
