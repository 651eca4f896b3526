"""Reading and writing files: encoding detection, clear errors, outputs put in place together.

>>> decode(b"\\xef\\xbb\\xbf\\xe4\\xb8\\xad\\xe6\\x96\\x87", "x.txt")
('中文', 'utf-8-sig')
>>> decode("中文编码测试，看看能否识别出来。".encode("gb18030"), "x.txt")[1]
'gb18030'
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import functools
import io
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Protocol, TypeVar

from .compression import HEAD, check_magic, compressing, compression_of, decompressing
from .errors import InputError, StorageError

__all__ = [
    "batches",
    "InputError",
    "decode",
    "open_file",
    "open_input",
    "read_bytes",
    "read_lines",
    "atomic_writer",
    "line_of",
    "Outputs",
    "OutputFile",
    "Writable",
    "note_written",
    "write_encoded",
    "written_paths",
    "writes_directly",
]


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


def open_file(name: str) -> IO[bytes]:
    """The file ``name`` opened for reading its bytes as they are;
    :class:`InputError` naming it when it is missing, a directory or unreadable."""
    try:
        return open(name, "rb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None


@contextlib.contextmanager
def open_input(name: str) -> Iterator[IO[bytes]]:
    """An input file opened for reading bytes (``-``: standard input),
    decompressed when its name ends with ``.gz``, ``.bz2`` or ``.zst`` (see
    :mod:`cleaner.compression`: its first bytes must agree); :class:`InputError`
    naming it when it is missing, a directory, unreadable, or compressed data
    under a plain name (standard input stays plain)."""
    if name == "-":
        check_magic("<stdin>", _peek(sys.stdin.buffer), stdin=True)
        yield sys.stdin.buffer
        return
    with open_file(name) as fh:
        kind = check_magic(name, _peek(fh))
        if kind is None:
            yield fh
            return
        with decompressing(fh, name, kind) as plain:
            yield plain


def _peek(fh: IO[bytes]) -> bytes:
    """The first bytes of a stream not yet read, left unread (empty when it cannot peek)."""
    peek = getattr(fh, "peek", None)
    if peek is None:
        return b""
    try:
        return bytes(peek(HEAD)[:HEAD])
    except OSError:
        return b""  # the read that follows reports it


def read_bytes(name: str) -> bytes:
    """All the bytes of an input (see :func:`open_input`)."""
    with open_input(name) as fh:
        return fh.read()


def read_lines(name: str) -> Iterator[bytes]:
    """The lines of an input as bytes, read lazily (see :func:`open_input`)."""
    with open_input(name) as fh:
        yield from fh


class Writable(Protocol):
    """Anything output is written to: an :class:`OutputFile`, a ``StringIO``, stdout."""

    def write(self, s: str, /) -> int: ...


def write_encoded(out: Writable, b: bytes, /) -> None:
    """UTF-8 text already encoded, written to ``out``: as it is where ``out``
    takes bytes (``write_bytes``: an :class:`OutputFile`, the command's
    stdout), else decoded.

    >>> import io
    >>> out = io.StringIO()
    >>> write_encoded(out, "今天\\n".encode())
    >>> out.getvalue()
    '今天\\n'
    """
    write_bytes = getattr(out, "write_bytes", None)
    if write_bytes is not None:
        write_bytes(b)
    else:
        out.write(b.decode("utf-8"))


#: what this process has put in place: output paths renamed into place or
#: written directly (a device, a pipe, stdout); the interrupt message reads it
_written: list[str] = []


def note_written(name: str) -> None:
    """Record that ``name`` now holds output of this run (see :func:`written_paths`)."""
    if name not in _written:
        _written.append(name)


def written_paths() -> tuple[str, ...]:
    """The outputs this process has already put in place, in order."""
    return tuple(_written)


def _umask() -> int:
    """The process's umask: read from /proc where it can be (setting it to
    read it back would race with other threads creating files)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def writes_directly(path: str) -> bool:
    """A path written in place rather than replaced by a rename: an existing
    device or pipe (``/dev/null``, a FIFO), or a name in ``/dev`` or ``/proc``
    (``/dev/stdout``: a link to wherever standard output goes)."""
    try:
        st = os.stat(path)
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        return True
    parent = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    return parent in ("/dev", "/proc") or parent.startswith("/proc/")


class OutputFile:
    """An output being written (to a temporary file, or directly to a
    device), compressed when its name ends with ``.gz``, ``.bz2`` or ``.zst``;
    text goes to :meth:`write`, bytes (``binary=True``) to :attr:`binary`.
    A failed write raises :class:`StorageError` naming its path."""

    def __init__(
        self, path: str, raw: IO[bytes], *, encoding: str | None = "utf-8", tmp: str | None = None, target: str | None = None
    ) -> None:
        self.path = path  # as given: what messages name
        self.tmp, self.target = tmp, target  # the temporary file, and where it goes (None: written directly)
        self._raw: IO[bytes] | None = raw
        kind = compression_of(path)
        #: where bytes go: the file itself, or a compressor writing into it
        self.binary: IO[bytes] = compressing(raw, kind) if kind else raw
        self._fh: io.TextIOWrapper | None = None if encoding is None else io.TextIOWrapper(self.binary, encoding=encoding, newline="")
        self._text = False  # text was written since the last bytes (see write_bytes)

    def write(self, s: str, /) -> int:
        assert self._fh is not None, f"{self.path} is already closed (or binary)"
        self._text = True
        try:
            return self._fh.write(s)
        except OSError as exc:
            raise StorageError(self.path, exc) from None

    def write_bytes(self, b: bytes, /) -> int:
        """Text already encoded (UTF-8 for a text output), written as it is:
        rows a worker process rendered are not decoded and encoded again.
        Text written before goes first (flushed: a compressed output then
        gets a flush point, which changes its bytes but not what it holds;
        the commands write an output either way, not both)."""
        assert self._raw is not None, f"{self.path} is already closed"
        try:
            if self._text and self._fh is not None:
                self._fh.flush()
                self._text = False
            return self.binary.write(b)
        except OSError as exc:
            raise StorageError(self.path, exc) from None

    def finish(self) -> None:
        """End the compressed data, flush it to the disk and close it (nothing is renamed yet)."""
        raw, self._raw = self._raw, None
        if raw is None:
            return
        fh, self._fh = self._fh, None
        try:
            try:
                if fh is not None:
                    fh.detach()  # flushes the text into self.binary, which stays open
                if self.binary is not raw:
                    self.binary.close()  # the compressed data's end; raw stays open
                raw.flush()
                if self.tmp is not None:
                    os.fsync(raw.fileno())
            finally:
                raw.close()
        except OSError as exc:
            raise StorageError(self.path, exc) from None

    def discard(self) -> None:
        """Close it without a word and remove its temporary file."""
        raw, self._raw = self._raw, None
        fh, self._fh = self._fh, None
        if raw is not None:
            with contextlib.suppress(OSError, ValueError):
                raw.close()
            # the layers above raw end now, writing nothing (raw is closed),
            # rather than complain when they are collected
            for layer in (fh, self.binary):
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    if layer is not None and layer is not raw:
                        layer.close()
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)


def _keep_owner(fd: int, st: os.stat_result) -> None:
    """Give a replacement the owner (as root) and group of the file it replaces, best effort."""
    with contextlib.suppress(OSError):
        if os.geteuid() == 0:
            os.fchown(fd, st.st_uid, st.st_gid)
        elif st.st_gid != os.getegid():
            os.fchown(fd, -1, st.st_gid)


class Outputs:
    """The output files of a run, all put in place together or not at all.

    Each is written to a temporary file in its own folder; leaving the
    ``with`` block normally renames every one onto its path (with SIGINT and
    SIGTERM held back meanwhile), and an error or interruption removes them
    all, leaving every path as it was.  A path that is a symbolic link is
    replaced by the output, never written through, unless ``follow_links``
    (``--in-place``: the file the link names is the one cleaned).  A new file
    gets the mode ``0o666`` less the umask; a file replaced keeps its mode
    (and, as root, its owner).  Devices and pipes (``/dev/stdout``, a FIFO)
    are written directly.  System errors become :class:`StorageError`.
    """

    def __init__(self) -> None:
        self._files: list[OutputFile] = []
        self._folders: list[str] = []  # created for this run's outputs, parents first

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, et: Any, ev: Any, tb: Any) -> None:
        if et is None:
            self.commit()
        else:
            self.discard()

    def open(self, path: str | os.PathLike[str], *, follow_links: bool = False, encoding: str | None = "utf-8") -> OutputFile:
        """A new output for ``path``, open for writing until the run ends:
        text in ``encoding``, or bytes (:attr:`OutputFile.binary`) when it is None."""
        name = os.fspath(path)
        try:
            if writes_directly(name):
                # append: a device or pipe does not care, and stdout redirected to a file keeps what it holds
                raw = open(name, "ab")  # noqa: SIM115 - closed by finish()
                note_written(name)
                out = OutputFile(name, raw, encoding=encoding)
            else:
                out = self._temporary(name, follow_links=follow_links, encoding=encoding)
        except OSError as exc:
            raise StorageError(name, exc) from None
        self._files.append(out)
        return out

    def write_file(self, path: str | os.PathLike[str], text: str, *, follow_links: bool = False) -> None:
        """A whole output at once: written and closed now, renamed at the end."""
        out = self.open(path, follow_links=follow_links)
        out.write(text)
        out.finish()

    def _temporary(self, name: str, *, follow_links: bool, encoding: str | None) -> OutputFile:
        target = os.path.realpath(name) if follow_links else os.path.abspath(name)
        try:
            st: os.stat_result | None = os.lstat(target)
        except FileNotFoundError:
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
        replaced = st if st is not None and stat.S_ISREG(st.st_mode) else None
        directory, base = os.path.split(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=directory)
        try:
            os.fchmod(fd, stat.S_IMODE(replaced.st_mode) if replaced else 0o666 & ~_umask())
            if replaced is not None:
                _keep_owner(fd, replaced)
            raw = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            os.unlink(tmp)
            raise
        try:
            return OutputFile(name, raw, encoding=encoding, tmp=tmp, target=target)
        except BaseException:
            raw.close()
            os.unlink(tmp)
            raise

    def commit(self) -> None:
        """Finish every output, then rename each onto its path."""
        try:
            for out in self._files:
                out.finish()
        except BaseException:
            self.discard()
            raise
        held = {getattr(signal, n) for n in ("SIGINT", "SIGTERM") if hasattr(signal, n)}
        blocked = hasattr(signal, "pthread_sigmask")
        if blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, held)
        pending, self._files = self._files, []
        self._folders.clear()
        done = 0
        try:
            for out in pending:
                if out.tmp is not None and out.target is not None:
                    try:
                        os.replace(out.tmp, out.target)
                    except OSError as exc:
                        raise StorageError(out.path, exc) from None
                    note_written(out.path)
                done += 1
        except BaseException:
            for out in pending[done:]:
                out.discard()
            raise
        finally:
            if blocked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, held)

    def discard(self) -> None:
        """Drop every output not yet in place (and the folders made for
        them, when nothing else went in); their paths stay as they were."""
        for out in self._files:
            out.discard()
        self._files.clear()
        for folder in reversed(self._folders):
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        self._folders.clear()

    def make_folders(self, path: str) -> None:
        """Create the folder ``path`` (and its missing parents) for outputs of
        this run; a run that fails removes those it created.  :class:`StorageError`."""
        missing = []
        folder = os.path.abspath(path)
        while not os.path.lexists(folder):
            missing.append(folder)
            folder = os.path.dirname(folder)
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as exc:
            raise StorageError(path, exc) from None
        self._folders += reversed(missing)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], *, follow_links: bool = False, encoding: str | None = "utf-8") -> Iterator[OutputFile]:
    """One output file, put in place when the block ends without error (see
    :class:`Outputs`: a link is replaced, not written through; on any error or
    interruption ``path`` is untouched)."""
    with Outputs() as outs:
        yield outs.open(path, follow_links=follow_links, encoding=encoding)


_T = TypeVar("_T")


def batches(items: Iterable[_T], *, size: Callable[[_T], int], max_size: int, max_items: int) -> Iterator[list[_T]]:
    """``items`` in consecutive batches, each ending once the ``size`` of its
    items adds up to ``max_size`` or it holds ``max_items`` items.

    >>> list(batches(["今天", "天气", "很好", "。"], size=len, max_size=4, max_items=3))
    [['今天', '天气'], ['很好', '。']]
    """
    batch: list[_T] = []
    total = 0
    for item in items:
        batch.append(item)
        total += size(item)
        if total >= max_size or len(batch) >= max_items:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch
