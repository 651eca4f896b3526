"""Compressed files, chosen by extension: ``.gz`` (gzip), ``.bz2`` (bzip2),
``.zst`` (Zstandard); every other name is read and written as it is.

Reading checks the first bytes against the extension, so a plain file named
``.gz`` (or gzip data named ``.jsonl``) is a clear error instead of garbled
text; damaged or truncated data is an :class:`~cleaner.errors.InputError`
naming the file and the line it stopped at.  Writing is reproducible: the
gzip header holds no time and no file name.

>>> compression_of("corpus/day1.jsonl.gz"), compression_of("a.txt"), compression_of("b.ZST")
('gzip', None, 'zstd')
>>> sniff(b"\\x1f\\x8b\\x08\\x00"), sniff("今天".encode())
('gzip', None)
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
import zlib
from typing import IO, Any, cast

from .errors import InputError

__all__ = ["SUFFIXES", "compression_of", "decompressing", "compressing", "sniff", "check_magic"]

#: extension -> compression
SUFFIXES = {".gz": "gzip", ".bz2": "bzip2", ".zst": "zstd"}
_SUFFIX_OF = {kind: suffix for suffix, kind in SUFFIXES.items()}
#: bytes that open each kind of data (bzip2: "BZh", the block size, then a block or the end-of-stream magic)
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: how much of the start :func:`sniff` needs
HEAD = 10


def compression_of(path: str) -> str | None:
    """The compression a file name asks for (by its last extension, any case), or None."""
    return SUFFIXES.get(os.path.splitext(path)[1].lower())


def sniff(head: bytes) -> str | None:
    """The compression whose magic bytes open ``head`` (its first :data:`HEAD` bytes), or None.

    >>> sniff(b"BZh91AY&SY"), sniff(b"BZh is not bzip2")
    ('bzip2', None)
    """
    if head.startswith(b"\x1f\x8b\x08"):
        return "gzip"
    if head.startswith(_ZSTD_MAGIC):
        return "zstd"
    if head[:3] == b"BZh" and head[3:4] in b"123456789" and len(head) >= 4 and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90"):
        return "bzip2"
    return None


def check_magic(name: str, head: bytes, *, stdin: bool = False) -> str | None:
    """The compression of the input ``name`` that starts with ``head``:
    the one its extension names, which its first bytes must show (an empty
    file is empty input); :class:`InputError` when they disagree."""
    named = None if stdin else compression_of(name)
    found = sniff(head)
    if named is not None and head and found != named and not _opens(named, head):
        what = f"{found} data" if found else f"not {named} data (it starts with {head[:8]!r})"
        raise InputError(f"{name}: named {_SUFFIX_OF[named]} but it is {what}; rename it to match what it holds")
    if named is None and found is not None:
        how = "decompress it first (e.g. zcat, bzcat, zstdcat)" if stdin else f"name it {name}{_SUFFIX_OF[found]} (compression is read from the extension)"
        raise InputError(f"{name}: holds {found}-compressed data; {how}")
    return named


def _opens(kind: str, head: bytes) -> bool:
    """Whether ``head``, too short to tell (a pipe that gave few bytes so far), is how ``kind`` data begins."""
    magic = {"gzip": b"\x1f\x8b\x08", "zstd": _ZSTD_MAGIC, "bzip2": b"BZh"}[kind]
    return len(head) < (HEAD if kind == "bzip2" else len(magic)) and (magic.startswith(head) or head.startswith(magic))


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError:  # a dependency: only a broken install lacks it
        raise InputError("reading or writing .zst needs the zstandard package: pip install zstandard") from None
    return zstandard


class _ZstdFrames(io.RawIOBase):
    """The decompressed bytes of zstd frames one after another; data that
    ends inside a frame is :class:`EOFError` (zstandard's stream reader
    takes it for the end of the data)."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw, self._dctx = raw, _zstd().ZstdDecompressor()
        self._frame: Any = None  # the frame being read, None between frames
        self._out, self._pos = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._pos >= len(self._out):
            chunk = self._raw.read(1 << 14)
            if not chunk:
                if self._frame is not None:
                    raise EOFError("the data ends inside a frame")
                return 0
            self._out, self._pos = self._feed(chunk), 0
        n = min(len(buffer), len(self._out) - self._pos)
        buffer[:n] = self._out[self._pos : self._pos + n]
        self._pos += n
        return n

    def _feed(self, data: bytes) -> bytes:
        parts = []
        while data:
            if self._frame is None:
                self._frame = self._dctx.decompressobj()
            parts.append(self._frame.decompress(data))
            data = b""
            if self._frame.eof:
                data, self._frame = self._frame.unused_data, None
        return b"".join(parts)


class _Checked(io.RawIOBase):
    """Decompressed bytes with damaged data turned into :class:`InputError`
    naming the file and the line the damage was found on."""

    def __init__(self, inner: IO[bytes], name: str, kind: str) -> None:
        super().__init__()
        self._inner, self._name, self._kind = inner, name, kind
        self._lines = 0
        self._errors: tuple[type[BaseException], ...] = (EOFError, zlib.error, OSError)
        if kind == "zstd":
            self._errors += (_zstd().ZstdError,)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._inner.read(len(buffer))
        except self._errors as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise  # the system's error (EIO...), not the data's
            raise InputError(
                f"{self._name}: line {self._lines + 1}: the {self._kind} data is damaged or cut short ({exc}); "
                "the file is incomplete: fetch or compress it again"
            ) from None
        n = len(data)
        buffer[:n] = data
        self._lines += data.count(b"\n")
        return n


def decompressing(raw: IO[bytes], name: str, kind: str) -> IO[bytes]:
    """The decompressed bytes of ``raw`` (gzip and bzip2 with several members,
    zstd with several frames), buffered; ``raw`` stays open when it is closed."""
    inner: Any
    if kind == "gzip":
        inner = gzip.GzipFile(fileobj=raw, mode="rb")
    elif kind == "bzip2":
        inner = bz2.BZ2File(raw, mode="rb")
    else:
        inner = _ZstdFrames(raw)
    return io.BufferedReader(_Checked(inner, name, kind), buffer_size=1 << 16)


def compressing(raw: IO[bytes], kind: str) -> IO[bytes]:
    """A stream that writes ``raw`` compressed; closing it ends the
    compressed data and leaves ``raw`` open.  gzip at level 6 with no time or
    name in its header (the same bytes every run), bzip2 at 9, zstd at 3."""
    writer: Any
    if kind == "gzip":
        writer = gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=raw, mtime=0)
    elif kind == "bzip2":
        writer = bz2.BZ2File(raw, mode="wb", compresslevel=9)
    else:
        writer = _zstd().ZstdCompressor(level=3).stream_writer(raw, closefd=False)
    return cast(IO[bytes], writer)
