"""The two kinds of error the command reports.

They live here, not in :mod:`cleaner.cli`, so that every subcommand module
raises the same classes that ``main()`` catches (under ``python -m
cleaner.cli`` that module is loaded twice, once as ``__main__``).
"""

from __future__ import annotations

__all__ = ["InputError", "UsageError"]


class InputError(Exception):
    """Bad input: the message names the file (and line) and says what to do.
    The command exits with 1 and leaves nothing half-written."""


class UsageError(Exception):
    """Bad usage of the command: it prints its usage line and exits with 2."""
