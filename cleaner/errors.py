"""The kinds of error the command reports, each with its exit code.

They live here, below :mod:`cleaner.commands` and :mod:`cleaner.cli`, so
that every layer (reading, writing, the commands) raises the classes that
``main()`` catches, also under ``python -m cleaner.cli`` (which loads that
module a second time, as ``__main__``).
"""

from __future__ import annotations

__all__ = ["InputError", "StorageError", "UsageError", "EXIT_INPUT", "EXIT_USAGE", "EXIT_IO"]

EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_IO = 74  # EX_IOERR of sysexits.h


class InputError(Exception):
    """Bad input: the message names the file (and line) and says what to do.
    The command exits with 1 and leaves nothing half-written."""


class UsageError(Exception):
    """Bad usage of the command: it prints its usage line and exits with 2."""


class StorageError(Exception):
    """The system could not write (or read) a path: disk full, read-only
    file system, missing folder, permission.  The message is one line naming
    the path and the operating system's error; the command exits with 74."""

    def __init__(self, path: str, exc: OSError | str, *, doing: str = "cannot write") -> None:
        reason = exc if isinstance(exc, str) else (exc.strerror or str(exc))
        super().__init__(f"{path}: {doing}: {reason}")
        self.path = path
        #: the reader of a pipe went away (``| head``): not a failure to report
        self.broken_pipe = isinstance(exc, BrokenPipeError)
