"""Streaming documents through the pipeline: the engine under the command.

Documents are read lazily (a text file is one document, a JSON Lines record
is one document), cleaned in order (in worker processes with ``jobs > 1``,
the output order still the input order), and accounted for in :class:`Stats`,
which adds up across runs and serialises to JSON.

A JSON Lines record goes through :func:`clean_line` whichever engine runs
it: the local one (:func:`clean_lines`, in worker processes) and the Ray one
(:mod:`cleaner.ray_engine`, in Ray workers) both call it and get back a
:class:`CleanedLine` -- the output row, the report rows and the counts,
already rendered -- which the command writes with the same code.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import ctypes
import functools
import gc
import json
import os
import re
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .config import Config
from .edits import Edit, Suggestion
from .errors import UsageError
from .pipeline import explain
from .textio import InputError, decode

__all__ = [
    "Document",
    "Result",
    "Stats",
    "read_jsonl",
    "clean_documents",
    "BadRecord",
    "CleanedLine",
    "parse_record",
    "clean_line",
    "clean_lines",
    "json_line",
    "raw_field",
    "report_rows",
    "record_line",
    "check_encoding",
    "check_jsonl_encoding",
    "RawLine",
    "WorkerDied",
]

_T = TypeVar("_T")
_R = TypeVar("_R")


@dataclass(slots=True)
class Document:
    """One unit of cleaning: its id (``path`` or ``path:line``), its text, and
    for JSON Lines the record it came from: parsed (``record``), as written
    (``line``, decoded, without a byte-order mark, with its line end) and
    where the cleaned field's value is in it (``span``, quotes included)."""

    id: str
    text: str
    record: dict[str, Any] | None = None
    field: str = "text"
    encoding: str = "utf-8"
    nbytes: int = 0  # bytes it took in the input (for progress)
    line: str = ""
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A JSON Lines record that cannot be cleaned, with the reason."""

    id: str
    line: int
    raw: bytes
    reason: str


@dataclass(slots=True)
class Result:
    document: Document
    text: str
    edits: tuple[Edit, ...]
    suggestions: tuple[Suggestion, ...]

    def output_record(self) -> dict[str, Any]:
        assert self.document.record is not None
        rec = dict(self.document.record)
        rec[self.document.field] = self.text
        return rec

    def output_line(self) -> str:
        """The JSON Lines row of the cleaned record: see :func:`record_line`."""
        return record_line(self.document, self.text)


@dataclass
class Stats:
    """Counts that add up: documents, characters in and out, edits per rule,
    paragraphs dropped, bad records skipped."""

    documents: int = 0
    chars_in: int = 0
    chars_out: int = 0
    bytes_in: int = 0
    edits: Counter[str] = field(default_factory=Counter)
    suggestions: int = 0
    dropped_paragraphs: int = 0
    bad_records: int = 0

    def add(self, r: Result) -> None:
        self.documents += 1
        self.bytes_in += r.document.nbytes
        self.chars_in += len(r.document.text)
        self.chars_out += len(r.text)
        for e in r.edits:
            for name in e.rules:
                self.edits[name] += 1
            if "dedup" in e.rules:
                self.dropped_paragraphs += 1
        self.suggestions += len(r.suggestions)

    def add_line(self, c: CleanedLine) -> None:
        """Count a cleaned JSON Lines record (not a bad one: see ``bad_records``)."""
        self.documents += 1
        self.bytes_in += c.nbytes
        self.chars_in += c.chars_in
        self.chars_out += c.chars_out
        for name in c.rules:
            self.edits[name] += 1
        self.dropped_paragraphs += c.rules.count("dedup")
        self.suggestions += c.suggestions

    def __add__(self, other: Stats) -> Stats:
        return Stats(
            self.documents + other.documents,
            self.chars_in + other.chars_in,
            self.chars_out + other.chars_out,
            self.bytes_in + other.bytes_in,
            self.edits + other.edits,
            self.suggestions + other.suggestions,
            self.dropped_paragraphs + other.dropped_paragraphs,
            self.bad_records + other.bad_records,
        )

    def to_json(self) -> str:
        d = {
            "documents": self.documents,
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "bytes_in": self.bytes_in,
            "edits": dict(sorted(self.edits.items())),
            "suggestions": self.suggestions,
            "dropped_paragraphs": self.dropped_paragraphs,
            "bad_records": self.bad_records,
        }
        return json.dumps(d, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, s: str) -> Stats:
        d = json.loads(s)
        d["edits"] = Counter(d["edits"])
        return cls(**d)

    def summary(self) -> str:
        per_rule = ", ".join(f"{k} {v}" for k, v in sorted(self.edits.items())) or "none"
        bad = f"; {self.bad_records} bad records" if self.bad_records else ""
        return (
            f"cleaner: {self.documents} documents, {self.chars_in} characters in, {self.chars_out} out; "
            f"edits: {per_rule}; {self.dropped_paragraphs} paragraphs dropped; "
            f"{self.suggestions} suggestions{bad}"
        )


def _codec_label(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return "UTF-8" if name == "utf-8" else name


def parse_record(raw: bytes, lineno: int, name: str, field_name: str, *, encoding: str = "utf-8") -> Document | BadRecord | None:
    """One line of JSON Lines: a :class:`Document`, a :class:`BadRecord`
    (not valid in ``encoding``, not valid JSON, not an object, without a
    string ``field_name`` or with it twice) with its line number and reason,
    or None for a blank line.  A byte-order mark opens line 1 harmlessly.

    >>> parse_record(b'{"a": 1e400, "text": "x"}\\n', 1, "in.jsonl", "text").span
    (21, 24)
    >>> parse_record(b'{"text": "a", "text": "b"}\\n', 3, "in.jsonl", "text").reason
    "field 'text' appears 2 times; keep one (JSON readers disagree on which counts)"
    """
    if not raw.strip():
        return None
    doc_id = f"{name}:{lineno}"
    try:
        line = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        return BadRecord(doc_id, lineno, raw, f"invalid {_codec_label(encoding)} at byte {exc.start}")
    if lineno == 1 and line.startswith("\ufeff"):
        line = line[1:]
        if not line.strip():
            return None
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return BadRecord(doc_id, lineno, raw, f"invalid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(rec, dict):
        return BadRecord(doc_id, lineno, raw, f"a JSON {type(rec).__name__}, not an object")
    if field_name not in rec:
        return BadRecord(doc_id, lineno, raw, f"no field {field_name!r} (use --field to choose one)")
    value = rec[field_name]
    if not isinstance(value, str):
        return BadRecord(doc_id, lineno, raw, f"field {field_name!r} is a {type(value).__name__}, not a string")
    spans = value_spans(line, field_name)
    if len(spans) != 1:
        reason = f"field {field_name!r} appears {len(spans)} times; keep one (JSON readers disagree on which counts)"
        return BadRecord(doc_id, lineno, raw, reason)
    return Document(doc_id, value, rec, field_name, nbytes=len(raw), line=line, span=spans[0])


#: the JSON decoder's own steps (C code, not in the type stubs): a value at
#: an index, and a string after its opening quote; each returns its end
_SCAN_VALUE: Callable[[str, int], tuple[Any, int]] = getattr(json.JSONDecoder(), "scan_once")  # noqa: B009
_SCAN_STRING: Callable[[str, int], tuple[str, int]] = getattr(json.decoder, "scanstring")  # noqa: B009


def _past_space(line: str, pos: int) -> int:
    while line[pos] in " \t\n\r":
        pos += 1
    return pos


def value_spans(line: str, key: str) -> list[tuple[int, int]]:
    """Where the values of ``key`` are in ``line``, a valid JSON object: one
    span (quotes included) per time ``key`` is a key of the top level.

    >>> value_spans('{"text": "a", "n": {"text": 1}, "te\\\\u0078t" : [1]}', "text")
    [(9, 12), (46, 49)]
    """
    pos = _past_space(line, _past_space(line, 0) + 1)  # after "{"
    spans: list[tuple[int, int]] = []
    while line[pos] != "}":
        name, pos = _SCAN_STRING(line, pos + 1)
        pos = _past_space(line, _past_space(line, pos) + 1)  # past ":"
        _, end = _SCAN_VALUE(line, pos)
        if name == key:
            spans.append((pos, end))
        pos = _past_space(line, end)
        if line[pos] == ",":
            pos = _past_space(line, pos + 1)
    return spans


def _json_string(text: str, *, ascii_only: bool) -> str:
    """``text`` as a JSON string literal; a lone surrogate (valid in JSON, not
    in UTF-8) as an escape either way."""
    literal = json.dumps(text, ensure_ascii=ascii_only)
    if not ascii_only and _SURROGATE.search(literal):
        literal = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", literal)
    return literal


def record_line(doc: Document, text: str) -> str:
    """The record ``doc`` came from with ``text`` as its field's value: the
    input line itself when ``text`` is the value it had (byte for byte in
    UTF-8: numbers, escapes, key order and spacing as written), else that
    line with the new string spliced in at the value's span, escaped to
    ASCII when the old one was.  Always ends with a line end.

    >>> d = parse_record(b'{"n": 1e5, "text":"caf\\\\u00e9" ,"k":1}\\n', 1, "x", "text")
    >>> record_line(d, d.text)
    '{"n": 1e5, "text":"caf\\\\u00e9" ,"k":1}\\n'
    >>> record_line(d, "caf\u00e9!")
    '{"n": 1e5, "text":"caf\\\\u00e9!" ,"k":1}\\n'
    """
    line = doc.line
    if text != doc.text:
        start, end = doc.span
        ascii_only = line[start:end].isascii() and not doc.text.isascii()
        line = line[:start] + _json_string(text, ascii_only=ascii_only) + line[end:]
    return line if line.endswith("\n") else line + "\n"


def read_jsonl(
    stream: Iterable[bytes], name: str, field_name: str, *, encoding: str = "utf-8"
) -> Iterator[Document | BadRecord]:
    """Documents from JSON Lines bytes, one per record; a record that
    :func:`parse_record` refuses comes out as a :class:`BadRecord` with its
    line number and reason."""
    for lineno, raw in enumerate(stream, 1):
        item = parse_record(raw, lineno, name, field_name, encoding=encoding)
        if item is not None:
            yield item


def read_text_file(path: str, data: bytes, encoding: str | None) -> Document:
    text, enc = decode(data, path, encoding)
    return Document(path, text, None, encoding=enc)


def _clean_one(doc: Document, config: Config) -> Result:
    r = explain(doc.text, config=config)
    return Result(doc, r.text, r.edits, r.suggestions)


def _clean_batch(batch: list[Document], config: Config) -> list[Result]:
    return [_clean_one(d, config) for d in batch]


class WorkerDied(Exception):
    """A worker process ended without finishing its work (killed, out of
    memory): the run cannot be completed.  The command exits with 1 and
    leaves nothing half-written."""


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _worker_init(parent: int) -> None:
    """Set up a worker process: the parent handles Ctrl-C and SIGTERM and
    stops the workers itself, and the worker dies with ``parent`` (the pid
    of the process that started the pool) however that one ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)


def _die_with(parent: int, *, every: float = 1.0) -> None:
    """End this process when ``parent`` ends, even by SIGKILL: otherwise a
    worker, reparented, waits on its task pipe forever.  On Linux the kernel
    sends SIGKILL (``PR_SET_PDEATHSIG``); everywhere a daemon thread checks
    every ``every`` seconds that the parent is still ours."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still works
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent, every), name="cleaner-parent-watch", daemon=True).start()


def _watch_parent(parent: int, every: float) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _batches(docs: Iterable[Document], max_chars: int, max_docs: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    size = 0
    for d in docs:
        batch.append(d)
        size += len(d.text)
        if size >= max_chars or len(batch) >= max_docs:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


#: a short document that makes every default rule load what it loads lazily
#: (the word model, the confusion table, OpenCC, the script sets)
_WARM_UP = (
    "今天天气很好,我們去公园散步。这位博土毕业于北京大学，研究工作己经完成了，会议要求各部门认\n\n"
    "真落实，加快推进各项工作，确保按时完成任务。Ningboï¼ŒChina\n\n"
    "真落实，加快推进各项工作，确保按时完成任务。\n"
)


def warm_up(config: Config) -> None:
    """Load, in this process, everything the active rules load on first use,
    then move it out of the garbage collector's sight (``gc.freeze``): worker
    processes forked afterwards share those pages instead of each loading a
    copy (about 220 MB per worker with typo repair on)."""
    explain(_WARM_UP, config=config)
    gc.collect()
    gc.freeze()


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Workers forked from this process where the platform allows it (they
    share what :func:`warm_up` loaded), else started fresh."""
    import multiprocessing

    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_init, initargs=(os.getpid(),))


def _workers(pool: ProcessPoolExecutor) -> list[Any]:
    """The pool's worker processes (``multiprocessing.Process``), as far as
    this Python exposes them."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _death_message(workers: list[Any], *, wait: float = 2.0) -> str:
    """What to tell when the pool broke: which worker died, and how (its
    status can take a moment to be there: wait up to ``wait`` seconds in all
    while the pool ends the others)."""
    deadline = time.monotonic() + wait
    for p in workers:
        with contextlib.suppress(ValueError, OSError, AssertionError):
            p.join(max(0.0, deadline - time.monotonic()))
    for p in workers:
        code = p.exitcode
        if code is not None and code not in (0, -signal.SIGTERM):
            how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
            hint = "; the system may have run out of memory: try fewer --jobs" if code == -signal.SIGKILL else ""
            return f"a worker process (pid {p.pid}) died ({how}{hint}); the run is incomplete, run it again"
    return "a worker process died before finishing its work; the run is incomplete, run it again"


def _in_order(
    fn: Callable[[list[_T]], list[_R]], batches: Iterable[list[_T]], jobs: int, *, prepare: Callable[[], None] | None = None
) -> Iterator[_R]:
    """``fn`` over batches in ``jobs`` worker processes, results in input order,
    at most ``2 * jobs`` batches in flight; closing the generator (or an
    error) stops the workers.  ``prepare`` runs in this process first."""
    if prepare is not None:
        prepare()
    pool = _pool(jobs)
    pending: deque[Future[list[_R]]] = deque()
    workers: list[Any] = []
    try:
        for batch in batches:
            pending.append(pool.submit(fn, batch))
            workers = workers or _workers(pool)
            while len(pending) > 2 * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BrokenProcessPool:
        raise WorkerDied(_death_message(workers)) from None
    finally:
        for f in pending:
            f.cancel()
        if pending:
            # Stopped early (an error, an interruption, the consumer closed
            # us): the batches in the workers are not wanted; end them now
            # rather than wait for them.
            for p in workers:
                with contextlib.suppress(ValueError, OSError):  # closed, or gone
                    p.terminate()
        pool.shutdown(wait=not pending, cancel_futures=True)


def clean_documents(
    docs: Iterable[Document],
    config: Config,
    *,
    jobs: int = 1,
    batch_chars: int = 1 << 18,
    batch_docs: int = 256,
) -> Iterator[Result]:
    """Clean documents, yielding results in input order.

    With ``jobs > 1`` documents go to worker processes in batches (about
    ``batch_chars`` characters or ``batch_docs`` documents each), with at
    most ``2 * jobs`` batches in flight, so memory stays bounded however long
    the input.  Closing the generator (or an error) stops the workers.
    """
    if jobs <= 1:
        for d in docs:
            yield _clean_one(d, config)
        return
    yield from _in_order(
        functools.partial(_clean_batch, config=config),
        _batches(docs, batch_chars, batch_docs),
        jobs,
        prepare=functools.partial(warm_up, config),
    )


# -- JSON Lines records: the step both engines share --------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


def json_line(obj: dict[str, Any]) -> str:
    """One JSON Lines row, UTF-8-safe: a lone surrogate (valid in JSON input,
    not in UTF-8) is written as an escape instead of breaking the output."""
    line = json.dumps(obj, ensure_ascii=False)
    if _SURROGATE.search(line):
        line = json.dumps(obj)
    return line + "\n"


def raw_field(raw: bytes) -> dict[str, str]:
    """A bad record exactly as it was: as text when it is UTF-8, else base64."""
    raw = raw.rstrip(b"\r\n")
    try:
        return {"raw": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"raw_base64": base64.b64encode(raw).decode("ascii")}


def report_rows(r: Result) -> str:
    """The report rows of a cleaned document: each edit, then each suggestion."""
    rows = [json_line({"document": r.document.id, **e.to_dict()}) for e in r.edits]
    rows += [json_line({"document": r.document.id, **s.to_dict()}) for s in r.suggestions]
    return "".join(rows)


@dataclass(frozen=True, slots=True)
class CleanedLine:
    """What one JSON Lines record became, rendered and counted.

    A good record has its ``output`` row and its ``report`` rows (empty when
    no report was asked for); a bad one has the reason in ``bad`` and its
    row for a quarantine file in ``quarantine``.  The counts feed
    :meth:`Stats.add_line`; ``rules`` names the rules of each edit (a name
    once per edit it took part in).
    """

    source: str
    line: int
    output: str = ""
    report: str = ""
    bad: str = ""
    quarantine: str = ""
    nbytes: int = 0
    chars_in: int = 0
    chars_out: int = 0
    suggestions: int = 0
    rules: tuple[str, ...] = ()


def clean_line(
    source: str, line: int, raw: bytes, config: Config, *, field_name: str = "text", report: bool = True, encoding: str = "utf-8"
) -> CleanedLine | None:
    """Clean the record on line ``line`` of ``source`` (None for a blank line).
    Its output row is the input line with only the field's value changed,
    and the input line itself when the value stays (:func:`record_line`).

    >>> from cleaner import make_config
    >>> c = clean_line("in.jsonl", 1, '{"id": 7, "text": "今天,我们去公园。"}\\n'.encode(), make_config(only=["width"]))
    >>> c.output, c.rules
    ('{"id": 7, "text": "今天，我们去公园。"}\\n', ('width',))
    >>> clean_line("in.jsonl", 2, b'{"id": 8}\\n', make_config()).bad
    "no field 'text' (use --field to choose one)"
    """
    item = parse_record(raw, line, source, field_name, encoding=encoding)
    if item is None:
        return None
    if isinstance(item, BadRecord):
        row = json_line({"source": source, "line": line, "reason": item.reason, **raw_field(raw)})
        return CleanedLine(source, line, bad=item.reason, quarantine=row, nbytes=len(raw))
    r = _clean_one(item, config)
    return CleanedLine(
        source,
        line,
        output=r.output_line(),
        report=report_rows(r) if report else "",
        nbytes=len(raw),
        chars_in=len(item.text),
        chars_out=len(r.text),
        suggestions=len(r.suggestions),
        rules=tuple(name for e in r.edits for name in e.rules),
    )


#: one line of input: its source name, its line number, its bytes
RawLine = tuple[str, int, bytes]


def _clean_line_batch(batch: list[RawLine], config: Config, field_name: str, report: bool, encoding: str) -> list[CleanedLine]:
    out = []
    for source, line, raw in batch:
        c = clean_line(source, line, raw, config, field_name=field_name, report=report, encoding=encoding)
        if c is not None:
            out.append(c)
    return out


def _line_batches(lines: Iterable[RawLine], max_bytes: int, max_lines: int) -> Iterator[list[RawLine]]:
    batch: list[RawLine] = []
    size = 0
    for item in lines:
        batch.append(item)
        size += len(item[2])
        if size >= max_bytes or len(batch) >= max_lines:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def clean_lines(
    lines: Iterable[RawLine],
    config: Config,
    *,
    field_name: str = "text",
    report: bool = True,
    encoding: str = "utf-8",
    jobs: int = 1,
    batch_bytes: int = 1 << 18,
    batch_lines: int = 256,
) -> Iterator[CleanedLine]:
    """:func:`clean_line` over ``(source, line number, bytes)`` in input order
    (blank lines left out), in ``jobs`` worker processes like
    :func:`clean_documents`; the lines are in ``encoding`` (see
    :func:`check_jsonl_encoding`)."""
    if jobs <= 1:
        for source, line, raw in lines:
            c = clean_line(source, line, raw, config, field_name=field_name, report=report, encoding=encoding)
            if c is not None:
                yield c
        return
    fn = functools.partial(_clean_line_batch, config=config, field_name=field_name, report=report, encoding=encoding)
    yield from _in_order(fn, _line_batches(lines, batch_bytes, batch_lines), jobs, prepare=functools.partial(warm_up, config))


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


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


__all__ += ["InputError", "default_jobs", "read_text_file"]
