"""Chinese word segmentation and the user's cache folder.

Segmentation uses the one word model of :mod:`cleaner.typos.model` (built
from jieba's dictionary and wordfreq's Chinese list); jieba itself never
runs, so it writes no cache of its own.  The word model's cache goes to
``$CLEANER_CACHE_DIR``, else ``$XDG_CACHE_HOME/cleaner``, else
``~/.cache/cleaner`` (``%LOCALAPPDATA%\\cleaner`` on Windows) -- never the
working tree.  If that folder cannot be created, a private temporary folder
is used and removed at exit.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "words", "straddles", "logprob", "cohesion"]


def cache_dir() -> Path:
    """The folder where `cleaner` and the libraries it drives keep caches."""
    env = os.environ.get("CLEANER_CACHE_DIR")
    if env:
        base = Path(env)
    elif sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"]) / "cleaner"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "cleaner"
    return base


def _usable_cache_dir() -> Path:
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


def words(text: str) -> list[str]:
    """Segment ``text`` into words: the best segmentation under the word
    model (dictionary words only; an unknown character is a word of its own).

    >>> words("认真察看")
    ['认真', '察看']
    """
    from .typos.model import model

    return model().segment(text)


def logprob(text: str) -> float:
    """Natural-log probability of the best segmentation of ``text`` under
    the word model of :mod:`cleaner.typos.model` (jieba's dictionary and
    wordfreq's Chinese list; one model in memory for every rule)."""
    from .typos.model import model

    return model().logprob(text)


def cohesion(left: str, right: str, context: int = 4) -> float:
    """How much more likely the text is read across the boundary than as two
    separate pieces: ``logprob(a + b) - logprob(a) - logprob(b)`` on the
    ``context`` characters either side.  A word that runs across the boundary
    gives a large value (认|真 about 8 or more); a chance word (董伟|大庆
    reads 伟大) a small one; no word across gives 0.  Memoised.

    >>> cohesion("请读者认", "真填写") > 6 > cohesion("部门要", "主动承担")
    True
    """
    return _cohesion(left[-context:], right[:context])


@functools.lru_cache(maxsize=8192)
def _cohesion(a: str, b: str) -> float:
    return logprob(a + b) - logprob(a) - logprob(b)


def straddles(left: str, right: str, context: int = 4) -> bool:
    """Whether a dictionary word spans the boundary between ``left`` and ``right``
    in the best segmentation.

    >>> straddles("请读者认", "真填写")
    True
    >>> straddles("部门要", "主动承担")
    False
    """
    a = left[-context:]
    b = right[:context]
    pos = 0
    for w in words(a + b):
        end = pos + len(w)
        if pos < len(a) < end and len(w) >= 2:
            return True
        pos = end
    return False
