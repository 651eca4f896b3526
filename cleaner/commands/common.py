"""What the commands share: options, checks of usage and outputs, where
output goes, the progress bar, the message of an interrupted run.

Every output of a run is a temporary file until the whole run succeeds
(:class:`cleaner.textio.Outputs`); standard output is spooled until then
(:class:`Sink`).  The checks run before any work, so that a bad command line
costs nothing and leaves nothing.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from ..compression import compression_of
from ..errors import InputError, StorageError, UsageError
from ..parquet import is_parquet
from ..runner import CleanedLine, LineRun, Stats, default_jobs
from ..textio import OutputFile, Outputs, Writable, note_written, write_encoded, writes_directly, written_paths

__all__ = [
    "DEFAULT_FIELD",
    "LineWriter",
    "PerFile",
    "Progress",
    "Sink",
    "Stdout",
    "add_engine_options",
    "add_field_option",
    "add_input_output",
    "check_encoding",
    "check_engine",
    "check_jsonl_encoding",
    "check_outputs",
    "interrupted",
    "jobs_of",
    "make_folder",
    "output_paths",
    "text_lines",
    "ray_engine",
    "drop_stdout",
    "reader_went_away",
    "total_bytes",
    "under",
]


def text_lines(path: str, what: str) -> list[str]:
    """The lines of the UTF-8 text file ``path`` (split on line feeds, line
    ends kept out); :class:`InputError` naming the file and ``what`` it
    holds when it cannot be read or is not UTF-8."""
    try:
        return Path(path).read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: {what} is not UTF-8 (byte {exc.start})") from None


# -- options ------------------------------------------------------------------


#: the JSON Lines field or Parquet column read when ``--field`` is not given
DEFAULT_FIELD = "text"


def add_field_option(p: argparse.ArgumentParser, what: str) -> None:
    """``--field`` (``clean``, ``dedup``, ``learn``, ``review``), without a
    default: :func:`cleaner.commands.formats.check_field` refuses it for
    text files and sets :data:`DEFAULT_FIELD` when it is not given;
    ``what`` opens its help."""
    p.add_argument("--field", metavar="NAME", help=f"{what}, or the Parquet column (default: {DEFAULT_FIELD}); not for text files, which are read whole")


def add_input_output(p: argparse.ArgumentParser, *, in_place: bool, jsonl: str, field: str) -> None:
    """The input and output options that ``clean`` and ``dedup`` share;
    ``jsonl`` and ``field`` end the help of ``--jsonl`` and ``--field``."""
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="input files or folders (read recursively; see --glob), '-' for stdin (default); "
        ".gz, .bz2 and .zst are decompressed, .parquet is read as a table",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout; compressed when it ends with .gz, .bz2 or .zst")
    out.add_argument(
        "--output-dir",
        metavar="DIR",
        help="write each input file to DIR, at its path below the folder the inputs share (a folder input: below it)",
    )
    if in_place:
        out.add_argument("--in-place", action="store_true", help="replace each input file (all of them, or none when one fails)")
    p.add_argument("--jsonl", action="store_true", help=f"input is JSON Lines: {jsonl}")
    add_field_option(p, field)
    p.add_argument(
        "--glob",
        metavar="PATTERN",
        help="in folder inputs, read only the files whose name matches PATTERN (e.g. '*.jsonl.gz'; default: every file); "
        "hidden files and folders are left out",
    )


#: what ``--engine ray`` does, for clean and dedup
RAY_DATA = "Ray Data workers, same output byte for byte"


def add_engine_options(p: argparse.ArgumentParser, *, ray: str = RAY_DATA) -> None:
    """``--engine`` and ``--ray-address`` (``cleaner clean``, ``dedup`` and
    ``learn``); ``ray`` says what the Ray engine does for the command."""
    g = p.add_argument_group("engine")
    g.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help=f"local (default): this machine's processes; ray: {ray} "
        "(needs pip install 'cleaner[ray]'; JSON Lines files only)",
    )
    g.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="with --engine ray: join the Ray cluster at ADDR ('auto' for the one this machine belongs to); "
        "default: start a local one on all cores (--jobs does not apply). Workers read the input files by path",
    )


def ray_engine() -> ModuleType:
    """The Ray engine, imported when a run asks for it (Ray is optional and slow to import)."""
    from .. import ray as engine

    return engine


# -- usage --------------------------------------------------------------------


def jobs_of(args: argparse.Namespace) -> int:
    """The worker processes ``--jobs`` asks for (0: every core); :class:`UsageError` below 0."""
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    return default_jobs() if args.jobs == 0 else int(args.jobs)


def check_engine(args: argparse.Namespace, files: Sequence[str]) -> None:
    """Usage errors of ``--engine ray`` (both commands); :class:`InputError`
    for an input that is not a file, as the local engine would say."""
    if args.ray_address and args.engine != "ray":
        raise UsageError("--ray-address goes with --engine ray")
    if args.engine != "ray":
        return
    for f in files:
        if compression_of(f) or is_parquet(f):
            raise UsageError(f"--engine ray reads plain JSON Lines files (byte ranges of them); {f} is not one: use --engine local")
    if not args.jsonl:
        raise UsageError("--engine ray reads JSON Lines (--jsonl); text files are cleaned by --engine local")
    if "-" in files:
        raise UsageError("--engine ray reads files (its workers read byte ranges of them), not stdin")
    for f in files:
        try:
            f.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(f"{f!r}: --engine ray needs file names in UTF-8") from None
        if not os.path.isfile(f):
            raise InputError(f"{f}: no such file" if not os.path.exists(f) else f"{f}: is a directory, not a file")
    try:
        ray_engine().require_ray()
    except ImportError as exc:
        raise UsageError(f"--engine ray: {exc}") from None


def check_encoding(encoding: str) -> None:
    """:class:`UsageError` when ``--encoding`` names no codec Python knows:
    a usage error (exit 2), not bad input, whatever the files hold."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"--encoding: unknown encoding {encoding!r} (try utf-8, gb18030, big5)") from None


def check_jsonl_encoding(encoding: str) -> None:
    """:class:`UsageError` unless JSON Lines in ``encoding`` can be split into
    records at the byte ``\\n`` and decoded line by line (UTF-8, GB18030,
    Big5, Latin-1...: not UTF-16 or UTF-32)."""
    check_encoding(encoding)
    probe = '{"k": "v"}\n'
    try:
        fits = probe.encode(encoding).endswith(probe.encode("ascii")) and b'{"k": "v"}\n'.decode(encoding).endswith(probe)
    except (UnicodeError, ValueError):
        fits = False
    if not fits:
        raise UsageError(
            f"--jsonl reads encodings where ASCII stays ASCII (UTF-8, GB18030, Big5), not {encoding}; "
            f"convert the file first (iconv -f {encoding} -t UTF-8)"
        )


# -- outputs ------------------------------------------------------------------


def _file_keys(path: str) -> set[Any]:
    """What identifies the file a path names: the path with every link
    resolved, the path with its folder resolved (the link itself), and the
    inode when it exists (another hard link)."""
    keys: set[Any] = {os.path.realpath(path), os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))}
    with contextlib.suppress(OSError):
        st = os.stat(path)
        keys.add((st.st_dev, st.st_ino))
    return keys


def _can_write(path: str) -> None:
    """Fail early, before any work, on an output the system will refuse: a
    folder, or a path whose folder is missing or unwritable.  :class:`StorageError`."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise StorageError(path, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
    if not os.path.isdir(folder):
        code = errno.ENOTDIR if os.path.exists(folder) else errno.ENOENT
        raise StorageError(path, OSError(code, os.strerror(code)))
    try:  # the system's own answer (read-only file system, permission), not a guess from the mode bits
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise StorageError(path, exc) from None


def output_paths(
    files: Sequence[str],
    named: Sequence[tuple[str, str | None]],
    output_dir: str | None,
    *,
    in_place: bool = False,
    names: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """Every file a run writes, with the option that names it: the ``named``
    outputs given, each file written into ``output_dir`` (at its path in
    ``names``, see :func:`mirrored_names`; by default its file name), or each
    input itself with ``--in-place``.

    >>> output_paths(["a.txt"], [("-o", None), ("--report", "r.jsonl")], "out")
    [('--report', 'r.jsonl'), ('--output-dir', 'out/a.txt')]
    """
    outs = [(option, path) for option, path in named if path and path != "-"]
    if output_dir:
        outs += [("--output-dir", under(output_dir, f, names)) for f in files]
    if in_place:
        outs += [("--in-place", f) for f in files]
    return outs


def under(output_dir: str, path: str, names: Mapping[str, str] | None = None) -> str:
    """Where the output of the input ``path`` goes in ``output_dir``: at its
    path in ``names`` (see :func:`mirrored_names`), else under its file name.

    >>> under("out", "corpus/2021/a.txt", {"corpus/2021/a.txt": "2021/a.txt"}), under("out", "x/b.txt")
    ('out/2021/a.txt', 'out/b.txt')
    """
    return os.path.join(output_dir, names[path] if names and path in names else os.path.basename(path))


def _check_output_dir(files: Sequence[str], output_dir: str, names: Mapping[str, str] | None) -> None:
    """``output_dir`` is a folder (or will be) and no two inputs land on one path in it."""
    if os.path.exists(output_dir) and not os.path.isdir(output_dir):
        raise StorageError(output_dir, NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)))
    first: dict[str, str] = {}
    for name in files:
        if not name or name == "-":
            continue
        other = first.setdefault(under(output_dir, name, names), name)
        if other != name:
            raise UsageError(f"--output-dir: {other} and {name} would both be written to {under(output_dir, name, names)}")


def check_outputs(
    files: Sequence[str],
    named: Sequence[tuple[str, str | None]],
    output_dir: str | None,
    *,
    in_place: bool = False,
    also_read: Sequence[str | None] = (),
    names: Mapping[str, str] | None = None,
) -> None:
    """Every output is a file of its own: not an input nor a file in
    ``also_read`` (unless ``in_place``), not another output, also through
    symbolic or hard links; a device or a pipe (``/dev/stdout``) may take
    several.  :class:`UsageError` naming both paths otherwise; a named output
    the system will refuse is :class:`StorageError`.  ``names``: where each
    input goes in ``output_dir`` (see :func:`under`)."""
    if output_dir:
        _check_output_dir(files, output_dir, names)
    inputs: dict[Any, str] = {}
    for f in [*files, *also_read]:
        if f and f != "-":
            inputs.update(dict.fromkeys(_file_keys(f), f))
    seen: dict[Any, tuple[str, str]] = {}
    for option, path in output_paths(files, named, output_dir, in_place=in_place, names=names):
        if writes_directly(path):
            continue
        keys = _file_keys(path)
        for key in keys:
            if option != "--in-place" and key in inputs:
                raise UsageError(f"{option} {path} would overwrite the input {inputs[key]}; choose another output (or --in-place)")
            if key in seen:
                other, where = seen[key]
                if option == other == "--in-place":
                    raise UsageError(f"--in-place: {where} and {path} are the same file; name it once")
                raise UsageError(f"{other} {where} and {option} {path} are the same file: give each output its own path")
        seen.update(dict.fromkeys(keys, (option, path)))
    for _, named_path in named:
        if named_path and named_path != "-" and not writes_directly(named_path):
            _can_write(named_path)


def make_folder(path: str) -> None:
    """Create an output folder (and its parents); :class:`StorageError` when the system refuses."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(path, exc) from None


# -- where output goes ----------------------------------------------------------


class Stdout:
    """Standard output as an output: a failed write names it.  Text encoded
    in UTF-8 (:meth:`write_bytes`) goes to its bytes as it is when it writes
    UTF-8 without translating line ends (else it is decoded and written as
    text, as :meth:`write` would)."""

    def __init__(self) -> None:
        self._decoder: codecs.IncrementalDecoder | None = None  # bytes to text, where stdout needs text
        self._raw = _utf8_bytes_out(sys.stdout)
        self._text = False  # text was written since the last bytes

    def write(self, s: str, /) -> int:
        note_written("<stdout>")
        self._text = True
        try:
            return sys.stdout.write(s)
        except OSError as exc:
            raise StorageError("<stdout>", exc) from None

    def write_bytes(self, b: bytes, /) -> int:
        if self._raw is None:
            if self._decoder is None:
                self._decoder = codecs.getincrementaldecoder("utf-8")()
            return self.write(self._decoder.decode(b))
        note_written("<stdout>")
        try:
            if self._text:  # text written before goes first
                sys.stdout.flush()
                self._text = False
            return self._raw.write(b)
        except OSError as exc:
            raise StorageError("<stdout>", exc) from None

    def flush(self) -> None:
        if self._decoder is not None:
            self.write(self._decoder.decode(b"", final=True))
        try:
            sys.stdout.flush()
        except OSError as exc:
            raise StorageError("<stdout>", exc) from None


def _utf8_bytes_out(stream: Any) -> Any:
    """The byte stream under a text stream that writes UTF-8 and leaves line
    ends alone (POSIX), else None."""
    try:
        utf8 = codecs.lookup(stream.encoding).name == "utf-8"
    except (AttributeError, LookupError, TypeError):
        return None
    return getattr(stream, "buffer", None) if utf8 and os.linesep == "\n" else None


class Sink:
    """Where output goes (``fh``, once entered): the file ``target`` among
    ``outs`` (put in place with the others); or, when ``target`` is None or
    ``-``, stdout, spooled so that nothing is written when the run fails
    (``spool=False`` streams)."""

    def __init__(self, target: str | None, *, outs: Outputs, spool: bool = True) -> None:
        self.target = target
        self.spool = spool
        self.outs = outs
        self._spooled: Any = None
        self.fh: Writable

    def __enter__(self) -> Sink:
        if self.target and self.target != "-":
            self.fh = self.outs.open(self.target)
        elif self.spool:
            self._spooled = _Spool()
            self.fh = self._spooled
        else:
            self.fh = Stdout()
        return self

    def __exit__(self, et: Any, ev: Any, tb: Any) -> None:
        if isinstance(self.fh, Stdout):
            if et is None:
                self.fh.flush()
            return
        if self._spooled is None:
            return
        try:
            if et is None:
                self._spooled.file.seek(0)
                out = Stdout()
                while chunk := self._spooled.file.read(1 << 20):
                    out.write_bytes(chunk)
                out.flush()
        finally:
            self._spooled.file.close()


class _Spool:
    """Output for stdout held back until the run ends, as UTF-8 (text is
    encoded, bytes are taken as they are): in memory up to 64 MB, then in a
    temporary file."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=64 << 20, mode="w+b")

    def write(self, s: str, /) -> int:
        self.file.write(s.encode("utf-8"))
        return len(s)

    def write_bytes(self, b: bytes, /) -> int:
        return self.file.write(b)


class PerFile:
    """The output of each input file (``--output-dir`` or ``--in-place``) for
    records that arrive in input order: one file open at a time; an input
    without records gets an empty output when the run ends well (``close``,
    or leaving the ``with`` block without an error)."""

    def __init__(self, outs: Outputs, files: Sequence[str], *, output_dir: str | None, names: Mapping[str, str] | None = None) -> None:
        self.outs, self.files, self.output_dir, self.names = outs, files, output_dir, names
        self.current: tuple[str, OutputFile] | None = None
        self.done: set[str] = set()

    def __enter__(self) -> PerFile:
        return self

    def __exit__(self, et: Any, ev: Any, tb: Any) -> None:
        if et is None:
            self.close()

    def target(self, source: str) -> str:
        """Where the output of ``source`` goes: into ``output_dir`` (see :func:`under`), else ``source`` itself."""
        return under(self.output_dir, source, self.names) if self.output_dir else source

    def __call__(self, source: str) -> Writable:
        if self.current is not None and self.current[0] == source:
            return self.current[1]
        if self.current is not None:
            self.current[1].finish()
        target = self.target(source)
        if self.output_dir:
            self.outs.make_folders(os.path.dirname(target))
        out = self.outs.open(target, follow_links=self.output_dir is None)
        self.current = (source, out)
        self.done.add(source)
        return out

    def close(self) -> None:
        """Finish the open output and write an empty one for each input that had no records."""
        if self.current is not None:
            self.current[1].finish()
        for f in self.files:
            if f not in self.done:
                self.done.add(f)
                if self.output_dir:
                    self.outs.make_folders(os.path.dirname(self.target(f)))
                self.outs.write_file(self.target(f), "", follow_links=self.output_dir is None)


class Progress:
    """A progress bar on stderr (documents, MB, rate) when ``enabled``
    (stderr is a terminal and no ``--quiet``); ``total_bytes`` when known."""

    def __init__(self, enabled: bool, total_bytes: int | None) -> None:
        self.bar: Any = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total_bytes, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr, dynamic_ncols=True, leave=False
            )
        self.docs = 0

    @classmethod
    def of_inputs(cls, files: Sequence[str], *, quiet: bool) -> Progress:
        """The bar of a run over ``files``: on when stderr is a terminal and
        not ``quiet``, its total the files' bytes where known (:func:`total_bytes`)."""
        return cls(not quiet and sys.stderr.isatty(), total_bytes(files))

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, nbytes: int, *, docs: int = 1) -> None:
        """One more document (or ``docs`` more), of ``nbytes`` bytes."""
        before = self.docs
        self.docs += docs
        if self.bar is not None:
            self.bar.update(nbytes)
            if (before - 1) // 64 != (self.docs - 1) // 64:  # it passed 1, 65, 129...
                self.bar.set_postfix(docs=self.docs, refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def total_bytes(files: Sequence[str]) -> int | None:
    """The size of all ``files`` together; None when one is stdin, not a
    regular file, compressed or Parquet (the bar counts the bytes of text)."""
    total = 0
    for f in files:
        if f == "-" or not os.path.isfile(f) or compression_of(f) or is_parquet(f):
            return None
        total += os.path.getsize(f)
    return total


class LineWriter:
    """Writes cleaned records, whichever engine cleaned them: the output row
    (to ``out(source)``), the report rows, the counts; a bad record stops the
    run, is counted, or goes to the quarantine file (``on_error``: stop,
    skip or quarantine)."""

    def __init__(
        self, out: Callable[[str], Writable], report: Writable | None, quarantine: Writable | None, on_error: str, stats: Stats, progress: Progress
    ) -> None:
        self.out, self.report, self.quarantine = out, report, quarantine
        self.on_error, self.stats, self.progress = on_error, stats, progress

    def write(self, c: CleanedLine | LineRun) -> None:
        if isinstance(c, LineRun):
            self._write_run(c)
            return
        if c.bad:
            if self.on_error == "stop":
                raise InputError(f"{c.source}: line {c.line}: {c.bad}")
            self.stats.bad_records += 1
            if self.quarantine is not None:
                self.quarantine.write(c.quarantine)
            return
        self.out(c.source).write(c.output)
        if self.report is not None:
            self.report.write(c.report)
        self.stats.add_line(c)
        self.progress.update(c.nbytes)

    def _write_run(self, run: LineRun) -> None:
        """Good records a worker rendered and encoded together: written as they are."""
        write_encoded(self.out(run.source), run.output)
        if self.report is not None:
            write_encoded(self.report, run.report)
        self.stats.add_run(run)
        self.progress.update(run.nbytes, docs=run.documents)


# -- the end of a run -----------------------------------------------------------


def interrupted(what: str) -> str:
    """The message of an interrupted run, true to what it left behind."""
    done = written_paths()
    if not done:
        return f"cleaner: {what}; no partial output was left"
    shown = ", ".join(done[:5]) + (f" and {len(done) - 5} more" if len(done) > 5 else "")
    return f"cleaner: {what}; already written (possibly incomplete): {shown}"


def reader_went_away() -> int:
    """The reader of stdout went away (`cleaner clean big.txt | head`): stop
    quietly, with the status a SIGPIPE death would give."""
    drop_stdout()
    return 141


def drop_stdout() -> None:
    """Point stdout at the null device, so that what is still buffered for a
    stdout that failed (a closed pipe, a full disk) is not written again at
    exit, which would print a second error and change the exit status."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
