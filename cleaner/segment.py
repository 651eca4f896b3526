"""Chinese word segmentation (jieba), loaded once, caching under the user's cache folder.

jieba writes a cache of its prefix dictionary; by default into the system's
shared temporary folder.  Here it goes to ``$CLEANER_CACHE_DIR``, else
``$XDG_CACHE_HOME/cleaner``, else ``~/.cache/cleaner`` (``%LOCALAPPDATA%\\cleaner``
on Windows).  If that folder cannot be created, a private temporary folder is
used and removed at exit.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

__all__ = ["cache_dir", "tokenizer", "words", "straddles", "logprob", "cohesion"]


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


@functools.cache
def tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer with the default dictionary, initialised on first use."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(_usable_cache_dir())
    tk.cache_file = "jieba-default.cache"
    tk.initialize()
    return tk


def words(text: str) -> list[str]:
    """Segment ``text`` into words (dictionary only, no HMM guessing).

    >>> words("认真察看")
    ['认真', '察看']
    """
    return list(tokenizer().cut(text, HMM=False))


def logprob(text: str) -> float:
    """Natural-log probability of the best segmentation of ``text`` under
    jieba's unigram word model (unknown characters count as once-seen)."""
    if not text:
        return 0.0
    tk = tokenizer()
    dag = tk.get_DAG(text)
    route: dict[int, tuple[float, int]] = {}
    tk.calc(text, dag, route)
    return route[0][0]


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
