"""Cleaning many documents: the local engine under the command.

Documents (read by :mod:`cleaner.records`: a text file is one, a JSON Lines
record is one) are cleaned in order -- in worker processes with ``jobs > 1``,
the output order still the input order -- and counted in :class:`Stats`.

A JSON Lines record goes through :func:`clean_line` whichever engine runs
it: the local one (:func:`clean_lines`, in worker processes) and the Ray one
(in Ray workers) both call it and get back a :class:`CleanedLine` -- the
output row, the report rows and the counts, already rendered -- which the
command writes with the same code.  A text file's :class:`Result` keeps its
edits as objects (:func:`clean_documents` is library API): the command
renders them with :func:`cleaner.records.report_rows`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import os
import re
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from .chars import HAN_BLOCK
from .config import Config, word_model_rules
from .dedup.rule import NAME as DEDUP
from .pipeline import explain
from .records import BadRecord, Document, RawLine, Result, parse_record, quarantine_row, report_rows
from .textio import batches

if TYPE_CHECKING:  # imported when a run has workers: a one-process run does not load them
    from concurrent.futures import Future, ProcessPoolExecutor

__all__ = [
    "CleanedLine",
    "LineRun",
    "Stats",
    "WorkerDied",
    "clean_documents",
    "clean_line",
    "clean_line_runs",
    "clean_lines",
    "default_jobs",
]

_T = TypeVar("_T")
_R = TypeVar("_R")

#: the first batch of JSON Lines (bytes), done in this process before the
#: workers start (see :func:`_in_order`), and the least batch: small, so
#: that the workers start soon and :class:`_Pace` soon knows their speed;
#: also the characters of a document's start cleaned to warm up (:func:`_warm_up`)
_FIRST_BATCH = 1 << 14


def counted(n: int, noun: str, *, grouped: bool = False) -> str:
    """``n`` and ``noun``, with an "s" unless ``n`` is 1; ``grouped``:
    thousands separated by commas.  For the summaries the commands print
    (their nouns all take an "s").

    >>> counted(1, "document"), counted(0, "document"), counted(12345, "text", grouped=True)
    ('1 document', '0 documents', '12,345 texts')
    """
    word = noun if n == 1 else noun + "s"
    return f"{n:,} {word}" if grouped else f"{n} {word}"


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
        """Count a cleaned document."""
        self._count(r.document.nbytes, len(r.document.text), len(r.text), r.rules, len(r.suggestions))

    def add_line(self, c: CleanedLine) -> None:
        """Count a cleaned JSON Lines record (not a bad one: see ``bad_records``)."""
        self._count(c.nbytes, c.chars_in, c.chars_out, c.rules, c.suggestions)

    def add_run(self, run: LineRun) -> None:
        """Count the good records of a :class:`LineRun`."""
        self.documents += run.documents
        self.bytes_in += run.nbytes
        self.chars_in += run.chars_in
        self.chars_out += run.chars_out
        self.edits.update(dict(run.edits))
        self.dropped_paragraphs += dict(run.edits).get(DEDUP, 0)
        self.suggestions += run.suggestions

    def _count(self, nbytes: int, chars_in: int, chars_out: int, rules: tuple[str, ...], suggestions: int) -> None:
        """One document more; ``rules`` names the rules of each edit (a rule's
        name once per edit it took part in: an edit names a rule once)."""
        self.documents += 1
        self.bytes_in += nbytes
        self.chars_in += chars_in
        self.chars_out += chars_out
        self.edits.update(rules)
        self.dropped_paragraphs += rules.count(DEDUP)
        self.suggestions += suggestions

    def to_dict(self) -> dict[str, Any]:
        """The counts as JSON-ready data (``edits``: rule -> edits, sorted by rule).

        >>> Stats(documents=2, edits=Counter(width=3)).to_dict()["edits"]
        {'width': 3}
        """
        return {
            "documents": self.documents,
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "bytes_in": self.bytes_in,
            "edits": dict(sorted(self.edits.items())),
            "suggestions": self.suggestions,
            "dropped_paragraphs": self.dropped_paragraphs,
            "bad_records": self.bad_records,
        }

    def summary(self) -> str:
        """The line ``cleaner clean`` prints on stderr at the end of a run."""
        per_rule = ", ".join(f"{k} {v}" for k, v in sorted(self.edits.items())) or "none"
        bad = f"; {counted(self.bad_records, 'bad record')}" if self.bad_records else ""
        return (
            f"cleaner: {counted(self.documents, 'document')}, {counted(self.chars_in, 'character')} in, {self.chars_out} out; "
            f"edits: {per_rule}; {counted(self.dropped_paragraphs, 'paragraph')} dropped; "
            f"{counted(self.suggestions, 'suggestion')}{bad}"
        )


def _clean_one(doc: Document, config: Config) -> Result:
    r = explain(doc.text, config=config)
    return Result(doc, r.text, r.edits, r.suggestions)


def _clean_batch(batch: list[Document], config: Config) -> list[Result]:
    return [_clean_one(d, config) for d in batch]


def _warm_up(batch: list[Document], config: Config) -> None:
    """Clean the start of the batch's first document (at most
    :data:`_FIRST_BATCH` characters), for what its rules load on first use
    (the result is not kept), and load the word model if the batch is
    Chinese (:func:`_share_word_model`)."""
    explain(batch[0].text[:_FIRST_BATCH], config=config)
    _share_word_model((d.text[:_FIRST_BATCH] for d in batch), config)


#: the rules that read the word model (:func:`cleaner.typos.model.model`,
#: ``paragraphs`` through :func:`cleaner.segment.cohesion`) on first use,
#: when a Chinese text needs it (``lexicon`` too, but only with a lexicon:
#: left out); tests/test_runner.py checks the set against the rules
_WORD_MODEL_RULES = word_model_rules()



def _share_word_model(texts: Iterable[str], config: Config) -> None:
    """Load the word model now, before the workers fork, when a rule that
    reads it is on and ``texts`` (the input's start) are Chinese.  Those
    rules load it on first use, when a text needs it: in a Chinese corpus
    soon, but not always within the first batch (the stutter rule: at the
    first word printed twice; the first such THUCNews article is 120 KB
    in), and each worker would then load its own copy (0.44 s of CPU and
    140 MB each, against one load in one process); loaded here, the workers
    share it (:func:`_share_loaded`).

    >>> from cleaner import make_config
    >>> _share_word_model(["Ningbo, China"], make_config())  # not Chinese: not loaded
    >>> _share_word_model(["今天天气很好。"], make_config(only=["width"]))  # no rule reads it: not loaded
    """
    if _WORD_MODEL_RULES.isdisjoint(config.active_rules()) or not any(HAN_BLOCK.search(t) for t in texts):
        return
    from .typos.model import model  # in the parent only when it is needed

    model()


def _share_for_lines(batch: list[RawLine], config: Config, encoding: str) -> None:
    """:func:`_share_word_model` for the first batch of JSON Lines (the raw
    lines, decoded as far as they decode: only their script counts)."""
    _share_word_model((raw.decode(encoding, "replace") for _, _, raw in batch), config)


def _chars(doc: Document) -> int:
    return len(doc.text)


def _line_bytes(line: RawLine) -> int:
    return len(line[2])


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
        import ctypes  # in a worker only: the parent does not load it

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


def _share_loaded() -> None:
    """Move what this process has loaded so far (the modules, and the
    tables and models the first batch's rules loaded on first use) out of
    the garbage collector's sight (``gc.freeze``): worker processes forked
    afterwards share those pages instead of each copying them as the
    collector touches them (about 220 MB per worker with typo repair on)."""
    gc.collect()
    gc.freeze()


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Workers forked from this process where the platform allows it (they
    share what this process loaded: :func:`_share_loaded`), else started fresh."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

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
    fn: Callable[[list[_T]], _R],
    batches: Iterable[list[_T]],
    jobs: int,
    *,
    warm: Callable[[list[_T]], object] | None = None,
    share: Callable[[list[_T]], object] | None = None,
) -> Iterator[_R]:
    """``fn`` over batches in ``jobs`` worker processes, one result per
    batch in input order, at most ``2 * jobs`` batches in flight; closing
    the generator (or an error) stops the workers.

    The workers are forked once this process has loaded what the input's
    rules load on first use (the word model for typo repair, OpenCC for
    Traditional text): it is loaded once and shared by the workers
    (:func:`_share_loaded`), and nothing the input does not need is loaded
    at all.  This process does the first batch itself for that; or, with
    ``warm``, calls ``warm`` with the first batch (a cheaper sample of it:
    a batch can be one long document) and leaves the batch to the workers.
    When no more than one batch is left to the workers, there are none: it
    is done here too (the same ``fn``, the same result).  ``share``, when
    given, is called with the first batch just before the workers fork: to
    load what the rest of the input will likely need although its first
    batch did not (:func:`_share_word_model`)."""
    from concurrent.futures.process import BrokenProcessPool

    batches = iter(batches)
    first = next(batches, None)
    if first is None:
        return
    if warm is None:
        yield fn(first)
    ahead = ([first] if warm is not None else []) + list(itertools.islice(batches, 2))
    if len(ahead) < 2:
        # workers for one batch would cost more (forking, handing it over) than they save
        yield from map(fn, ahead)
        return
    if warm is not None:
        warm(first)
    if share is not None:
        share(first)
    batches = itertools.chain(ahead, batches)
    _share_loaded()
    pool = _pool(jobs)
    pending: deque[Future[_R]] = deque()
    workers: list[Any] = []
    try:
        for batch in batches:
            pending.append(pool.submit(fn, batch))
            workers = workers or _workers(pool)
            while len(pending) > 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
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
    for results in _in_order(
        functools.partial(_clean_batch, config=config),
        batches(docs, size=_chars, max_size=batch_chars, max_items=batch_docs),
        jobs,
        warm=functools.partial(_warm_up, config=config),
    ):
        yield from results


class CleanedLine(NamedTuple):
    """What one JSON Lines record became, rendered and counted.

    A good record has its ``output`` row and its ``report`` rows (empty when
    no report was asked for); a bad one has the reason in ``bad`` and its
    row for a quarantine file in ``quarantine``.  The counts feed
    :meth:`Stats.add_line`; ``rules`` names the rules of each edit (a name
    once per edit it took part in).  A named tuple: it crosses from a worker
    process to the parent as a plain tuple of strings and numbers (a
    fraction of a dataclass's pickling cost).
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
    source: str,
    line: int,
    raw: bytes,
    config: Config,
    *,
    field_name: str = "text",
    report: bool = True,
    encoding: str = "utf-8",
    id_field: str | None = None,
) -> CleanedLine | None:
    """Clean the record on line ``line`` of ``source`` (None for a blank line).
    Its output row is the input line with only the field's value changed,
    and the input line itself when the value stays (:func:`record_line`).
    Report rows name the record ``source:line``, or by its own id in
    ``id_field`` (a record without one is bad).

    >>> from cleaner import make_config
    >>> c = clean_line("in.jsonl", 1, '{"id": 7, "text": "今天,我们去公园。"}\\n'.encode(), make_config(only=["width"]))
    >>> c.output, c.rules
    ('{"id": 7, "text": "今天，我们去公园。"}\\n', ('width',))
    >>> clean_line("in.jsonl", 2, b'{"id": 8}\\n', make_config()).bad
    "no field 'text' (use --field to choose one)"
    """
    item = parse_record(raw, line, source, field_name, encoding=encoding, id_field=id_field)
    if item is None:
        return None
    if isinstance(item, BadRecord):
        return CleanedLine(source, line, bad=item.reason, quarantine=quarantine_row(source, line, item.reason, raw), nbytes=len(raw))
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
        rules=r.rules,
    )


def _clean_line_batch(
    batch: list[RawLine], config: Config, field_name: str, report: bool, encoding: str, id_field: str | None = None
) -> tuple[list[tuple[Any, ...]], int, float]:
    """:func:`clean_line` over a batch, in a worker: plain tuples go back to
    the parent (see :class:`CleanedLine`), with the batch's bytes and the
    CPU time it took (for :class:`_Pace`)."""
    start = time.process_time()
    out = []
    nbytes = 0
    for source, line, raw in batch:
        nbytes += len(raw)
        c = clean_line(source, line, raw, config, field_name=field_name, report=report, encoding=encoding, id_field=id_field)
        if c is not None:
            out.append(tuple(c))
    return out, nbytes, time.process_time() - start


@dataclass
class _Pace:
    """Batch sizes that follow the workers' speed: each batch about
    ``seconds`` of a worker's CPU time (the bytes per CPU-second of the
    batches done so far), between :data:`_FIRST_BATCH` and ``most`` bytes.
    Long enough that handing a batch over (about half a millisecond in the
    parent) costs little; short enough that at the end of the input one
    worker does not go on alone for long."""

    most: int
    seconds: float = 0.1
    size: int = _FIRST_BATCH
    done_bytes: int = 0
    done_cpu: float = 0.0

    def took(self, nbytes: int, cpu: float) -> None:
        """A batch of ``nbytes`` took ``cpu`` seconds in a worker."""
        self.done_bytes += nbytes
        self.done_cpu += cpu
        if self.done_cpu > 0:
            self.size = int(self.done_bytes / self.done_cpu * self.seconds)
        self.size = max(_FIRST_BATCH, min(self.most, self.size))

    def batches(self, lines: Iterable[RawLine], *, max_lines: int) -> Iterator[list[RawLine]]:
        """``lines`` in batches of the size :meth:`took` last set (or ``max_lines`` lines)."""
        rest = iter(lines)
        while batch := next(batches(rest, size=_line_bytes, max_size=min(self.size, self.most), max_items=max_lines), None):
            yield batch


def _paced(results: Iterator[tuple[_R, int, float]], pace: _Pace) -> Iterator[tuple[_R, int, float]]:
    """Each batch's result, telling ``pace`` how long the batch took,
    except the first: it ran before the workers, in this process, with the
    loading of what its rules load on first use (see :func:`_in_order`)."""
    first = True
    for r in results:
        if not first:
            pace.took(r[1], r[2])
        first = False
        yield r


def clean_lines(
    lines: Iterable[RawLine],
    config: Config,
    *,
    field_name: str = "text",
    report: bool = True,
    encoding: str = "utf-8",
    id_field: str | None = None,
    jobs: int = 1,
    batch_bytes: int = 1 << 22,
    batch_lines: int = 1 << 14,
) -> Iterator[CleanedLine]:
    """:func:`clean_line` over ``(source, line number, bytes)`` in input order
    (blank lines left out), in ``jobs`` worker processes like
    :func:`clean_documents`, in batches of about a tenth of a second of a
    worker's time each (:class:`_Pace`), at most ``batch_bytes`` bytes or
    ``batch_lines`` lines; the lines are in ``encoding``, one where ASCII
    stays ASCII so that a record ends at the byte ``\n`` (UTF-8, GB18030,
    Big5: not UTF-16)."""
    if jobs <= 1:
        for source, line, raw in lines:
            c = clean_line(source, line, raw, config, field_name=field_name, report=report, encoding=encoding, id_field=id_field)
            if c is not None:
                yield c
        return
    fn = functools.partial(_clean_line_batch, config=config, field_name=field_name, report=report, encoding=encoding, id_field=id_field)
    share = functools.partial(_share_for_lines, config=config, encoding=encoding)
    for rows in _line_batches(fn, lines, jobs=jobs, batch_bytes=batch_bytes, batch_lines=batch_lines, share=share):
        yield from map(CleanedLine._make, rows)


def _line_batches(
    fn: Callable[[list[RawLine]], tuple[_R, int, float]],
    lines: Iterable[RawLine],
    *,
    jobs: int,
    batch_bytes: int,
    batch_lines: int,
    share: Callable[[list[RawLine]], object] | None = None,
) -> Iterator[_R]:
    """``fn`` over paced batches of ``lines`` in ``jobs`` worker processes,
    each batch's result in input order (what :func:`clean_lines` and
    :func:`clean_line_runs` share; they differ in what a worker returns);
    ``share`` as :func:`_in_order` takes it."""
    pace = _Pace(batch_bytes)
    for result, _nbytes, _cpu in _paced(_in_order(fn, pace.batches(lines, max_lines=batch_lines), jobs, share=share), pace):
        yield result


class LineRun(NamedTuple):
    """Consecutive good records of one source, as a worker sends them back:
    their output rows and report rows joined and already encoded in UTF-8
    (the parent writes them as they are, without decoding and encoding each
    row again), and their counts added up (``edits``: rule and edits, as
    :meth:`Stats.add_run` reads them)."""

    source: str
    output: bytes
    report: bytes
    documents: int
    nbytes: int
    chars_in: int
    chars_out: int
    suggestions: int
    edits: tuple[tuple[str, int], ...]


def _run_of(records: list[CleanedLine]) -> LineRun:
    """One :class:`LineRun` of good records of one source."""
    return LineRun(
        records[0].source,
        "".join([c.output for c in records]).encode("utf-8"),
        "".join([c.report for c in records]).encode("utf-8"),
        len(records),
        sum(c.nbytes for c in records),
        sum(c.chars_in for c in records),
        sum(c.chars_out for c in records),
        sum(c.suggestions for c in records),
        tuple(Counter(rule for c in records for rule in c.rules).items()),
    )


def _line_runs(
    batch: list[RawLine], config: Config, field_name: str, report: bool, encoding: str, id_field: str | None = None
) -> tuple[list[LineRun | CleanedLine], int, float]:
    """:func:`clean_line` over a batch, in a worker: its good records as one
    :class:`LineRun` per source between bad records, its bad records as
    :class:`CleanedLine`, in input order; with the batch's bytes and the CPU
    time it took (for :class:`_Pace`)."""
    start = time.process_time()
    out: list[LineRun | CleanedLine] = []
    run: list[CleanedLine] = []
    nbytes = 0
    for source, line, raw in batch:
        nbytes += len(raw)
        c = clean_line(source, line, raw, config, field_name=field_name, report=report, encoding=encoding, id_field=id_field)
        if c is None:
            continue
        if run and (c.bad or c.source != run[0].source):
            out.append(_run_of(run))
            run = []
        if c.bad:
            out.append(c)
        else:
            run.append(c)
    if run:
        out.append(_run_of(run))
    return out, nbytes, time.process_time() - start


def clean_line_runs(
    lines: Iterable[RawLine],
    config: Config,
    *,
    field_name: str = "text",
    report: bool = True,
    encoding: str = "utf-8",
    id_field: str | None = None,
    jobs: int = 1,
    batch_bytes: int = 1 << 22,
    batch_lines: int = 1 << 14,
) -> Iterator[LineRun | CleanedLine]:
    """:func:`clean_lines` for a writer (``cleaner clean --jsonl``): with
    ``jobs > 1`` the good records of each batch come back as :class:`LineRun`
    (rows already joined and encoded in the workers: the parent only writes
    them), the bad ones as :class:`CleanedLine`, in input order; with
    ``jobs <= 1`` every record as a :class:`CleanedLine` (nothing crosses a
    process boundary, so nothing is gained by joining them)."""
    if jobs <= 1:
        yield from clean_lines(lines, config, field_name=field_name, report=report, encoding=encoding, id_field=id_field)
        return
    fn = functools.partial(_line_runs, config=config, field_name=field_name, report=report, encoding=encoding, id_field=id_field)
    share = functools.partial(_share_for_lines, config=config, encoding=encoding)
    for items in _line_batches(fn, lines, jobs=jobs, batch_bytes=batch_bytes, batch_lines=batch_lines, share=share):
        yield from items


def default_jobs() -> int:
    """The cores this process may run on (the default of ``--jobs 0``)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))

