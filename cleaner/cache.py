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
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["cache_dir", "usable_cache_dir", "cached_arrays"]


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


def cached_arrays(name: str, fields: tuple[str, ...], build: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays ``fields``, built once per machine and kept in
    :func:`usable_cache_dir` as ``name`` (an ``.npz`` file; the name should
    change with whatever the arrays are built from).  A missing or damaged
    file is built again and written atomically; a folder that cannot be
    written only costs the build.

    >>> import os, tempfile
    >>> from unittest import mock
    >>> import numpy as np
    >>> with mock.patch.dict(os.environ, {"CLEANER_CACHE_DIR": tempfile.mkdtemp()}):
    ...     first = cached_arrays("t.npz", ("a",), lambda: {"a": np.arange(3)})
    ...     again = cached_arrays("t.npz", ("a",), lambda: {"a": np.zeros(1)})
    >>> again["a"].tolist()
    [0, 1, 2]
    """
    import numpy as np

    path = usable_cache_dir() / name
    try:
        with np.load(path, allow_pickle=False) as data:
            if set(fields) <= set(data.files):
                return {k: data[k] for k in fields}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):  # missing, truncated, not an npz
        pass
    arrays = build()
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".arrays-", suffix=".npz")
        with os.fdopen(fd, "wb") as fh:
            named: dict[str, Any] = dict(arrays)  # numpy's stub reads ** as its allow_pickle: bool
            np.savez(fh, **named)
        os.replace(tmp, path)
    except OSError:
        pass
    return arrays
