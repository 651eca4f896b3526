"""The user's cache folder, where `cleaner` keeps what it builds once per machine.

The word model of :mod:`cleaner.typos.model` and the misspelling table of
:mod:`cleaner.typos.confusion_rule` are cached in
``$CLEANER_CACHE_DIR``, else ``$XDG_CACHE_HOME/cleaner``, else
``~/.cache/cleaner`` (``%LOCALAPPDATA%\\cleaner`` on Windows) -- never the
working tree.  If that folder cannot be created, a private temporary folder
is used and removed at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "usable_cache_dir"]


def cache_dir() -> Path:
    """The folder where `cleaner` and the libraries it drives keep caches.

    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"CLEANER_CACHE_DIR": "/tmp/缓存"}):
    ...     print(cache_dir().as_posix())
    /tmp/缓存
    """
    env = os.environ.get("CLEANER_CACHE_DIR")
    if env:
        base = Path(env)
    elif sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"]) / "cleaner"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "cleaner"
    return base


def usable_cache_dir() -> Path:
    """:func:`cache_dir`, created if need be; a private temporary folder
    (removed at exit) when it cannot be created or written."""
    path = cache_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
        return path
    except OSError:
        private = Path(tempfile.mkdtemp(prefix="cleaner-cache-"))
        atexit.register(shutil.rmtree, private, ignore_errors=True)
        return private
