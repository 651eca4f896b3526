"""Reading and writing files: encoding detection, clear errors, atomic output.

>>> decode(b"\\xef\\xbb\\xbf\\xe4\\xb8\\xad\\xe6\\x96\\x87", "x.txt")
('中文', 'utf-8-sig')
>>> decode("中文编码测试，看看能否识别出来。".encode("gb18030"), "x.txt")[1]
'gb18030'
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import InputError

__all__ = ["InputError", "decode", "open_input", "read_bytes", "read_lines", "read_text", "atomic_writer", "line_of"]


def line_of(data: bytes, offset: int) -> int:
    """1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Detected legacy encodings are widened to the superset Python decodes best.
_WIDER = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "cp950": "cp950",
    "big5hkscs": "big5hkscs",
}


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = line_of(data, exc.start)
        raise InputError(
            f"{name}: line {line}: bytes that are not valid {encoding} ({data[exc.start:exc.start + 4]!r}); "
            "pass --encoding with the file's encoding"
        ) from None
    except LookupError:
        raise InputError(f"{name}: unknown encoding {encoding!r}") from None


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode a file's bytes; returns the text and the encoding used.

    UTF-8 (with or without BOM), UTF-16/32 with BOM, and legacy Chinese
    encodings (GB18030/GBK/GB2312, Big5) are recognised; ``encoding``
    overrides detection.  Binary data and undecodable bytes raise
    :class:`InputError` naming the file and line.
    """
    if encoding:
        return _strict(data, encoding, name), encoding
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _strict(data, enc, name), enc if enc != "utf-8-sig" else "utf-8-sig"
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"{name}: line {line_of(data, nul)}: NUL byte; this looks like a binary file, not text "
            "(UTF-16 text needs a byte-order mark, or pass --encoding utf-16-le)"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Not UTF-8: try the legacy Chinese encodings (and charset-normalizer's
    # guess) and keep the decoding that reads as the most common characters.
    candidates = ["gb18030", "cp950", "big5hkscs"]
    guess = _guess(data)
    if guess and guess not in candidates:
        candidates.append(guess)
    best: tuple[float, str, str] | None = None
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _commonness(text)
        if best is None or score > best[0]:
            best = (score, enc, text)
    if best is not None and best[0] >= 0.5:
        return best[2], best[1]
    line = line_of(data, utf8_error.start)
    raise InputError(
        f"{name}: line {line}: cannot decode: not UTF-8 ({data[utf8_error.start:utf8_error.start + 4]!r}) "
        "and no Chinese legacy encoding fits; pass --encoding"
    )


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    sample = data[:200_000]
    if len(sample) < len(data):
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    best = from_bytes(sample).best()
    if best is None or not best.encoding:
        return None
    return _WIDER.get(best.encoding.replace("_", "").lower(), best.encoding)


@functools.cache
def _common_chars() -> frozenset[str]:
    """The common Han characters of both scripts: GB 2312 level 1 (3,755) and
    Big5's frequently used block A440-C67E (5,401), read from the codecs."""
    chars: set[str] = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((hi, lo)).decode("gb2312"))
    for hi in range(0xA4, 0xC7):
        for lo in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((hi, lo)).decode("big5"))
    return frozenset(chars)


def _commonness(text: str) -> float:
    """Share of the non-ASCII characters (in a sample) that are common Han
    characters or common punctuation; a wrong legacy decoding scores low."""
    common = _common_chars()
    sample = [c for c in text[:50_000] if c > "\x7f"]
    if not sample:
        return 1.0
    ok = sum(1 for c in sample if c in common or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" or c in "“”‘’…—·")
    return ok / len(sample)


@contextlib.contextmanager
def open_input(name: str) -> Iterator[IO[bytes]]:
    """An input file opened for reading bytes (``-``: standard input);
    :class:`InputError` naming it when it is missing, a directory or unreadable."""
    if name == "-":
        yield sys.stdin.buffer
        return
    try:
        fh = open(name, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    with fh:
        yield fh


def read_bytes(name: str) -> bytes:
    """All the bytes of an input (see :func:`open_input`)."""
    with open_input(name) as fh:
        return fh.read()


def read_lines(name: str) -> Iterator[bytes]:
    """The lines of an input as bytes, read lazily (see :func:`open_input`)."""
    with open_input(name) as fh:
        yield from fh


def read_text(path: str | os.PathLike[str], encoding: str | None = None) -> tuple[str, str]:
    """Read and decode a file; :class:`InputError` for a missing file or bad bytes."""
    name = os.fspath(path)
    return decode(read_bytes(name), name, encoding)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and rename it into place on
    success; on any error (or interruption) the temporary file is removed and
    ``path`` is untouched."""
    target = Path(os.path.realpath(path))  # write through symlinks, do not replace them
    if target.exists() and not target.is_file():
        # A device or a pipe (/dev/stdout, a FIFO): nothing to rename, write directly.
        with open(target, "w", encoding=encoding, newline="") as direct:
            yield direct
        return
    directory = target.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
