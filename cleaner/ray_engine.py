"""Run `cleaner` on a Ray cluster (Ray Data) with the results of one machine.

Install the extra: ``pip install 'cleaner[ray]'``.  Importing this module
does not import Ray; the functions that need it do, and say what to install
when it is missing.

The engine only moves data.  The work is the code the local engine runs:

* cleaning a JSON Lines record: :func:`cleaner.runner.clean_line` (the
  command's path) or :func:`cleaner.explain` on a column (:func:`clean_dataset`);
* the dedup key, hashes and band keys: :func:`cleaner.dedup.corpus.analyse`;
  exact groups: :func:`cleaner.dedup.clusters.exact_groups`;
* pairs from a bucket, with the bucket cap and the windowing of big buckets
  by sorted id: :func:`cleaner.dedup.lsh.candidate_pairs`, run on each whole
  bucket;
* the verdict: :func:`cleaner.dedup.verify.length_ok`, ``ratio_scores`` and
  ``same_numbers``;
* clustering: :func:`cleaner.dedup.clusters.kept_of` and the cluster records
  of :meth:`cleaner.dedup.corpus.DedupResult.clusters`;
* dropping paragraphs and the report rows: :meth:`DedupResult.output`,
  :meth:`DedupResult.edits` and the command's own ``render_record``.

How the data moves (``P`` = ``partitions``, a few on a small machine):

1. records are cleaned (or split into units and analysed) with
   ``map_batches``; every unit carries its global position ``uid =
   position << 24 | paragraph``, which orders units as the local engine's
   unit numbers do, whatever the blocks and the order of the rows;
2. exact groups: ``repartition(P, keys=[hash])``, then grouping inside each
   block (``map_batches`` with whole blocks; a keyed repartition never
   splits a partition across blocks);
3. LSH: one row per (band, band key, unit) of every fuzzy representative,
   ``repartition(P, keys=[band, band key])``, the pairs of each whole bucket
   as :func:`~cleaner.dedup.lsh.candidate_pairs` makes them (bucket cap
   ``LSHParams.bucket_cap``, default 100: a bucket of ``s`` members gives at
   most ``s * (cap - 1)`` pairs, so a boilerplate bucket of a million copies
   gives 10**8, not 5 * 10**11), then distinct pairs
   (``repartition(keys=[a, b])``);
4. the verdict: candidate pairs joined (``Dataset.join``) to both keys, then
   ``map_batches``;
5. clusters: the verified edges (exact members with their representative,
   and verified pairs) are few -- about one per duplicate.  Up to
   ``max_driver_edges`` (:data:`DRIVER_EDGES`) they are clustered on the
   driver; beyond, connected components are found on the cluster
   (large-star / small-star rounds, :func:`large_star`, :func:`small_star`)
   and each block of whole components is clustered on a worker.  Greedy
   clustering only looks inside a component, so both give the local result;
6. the dropped paragraphs are removed from each document (``map_batches``
   with the drops broadcast by position range, or joined to the documents
   when there are more than ``max_driver_edges``).

Driver memory when clustering on the driver: about 0.7 KB per edge --
measured on 200k edges in clusters of 2 to 20 units: 608 bytes per edge
at the peak of :func:`resolve` (``tracemalloc``: the arrays and lists of
``kept_of``, the one-machine result object, the cluster records) and
about 100 bytes of Arrow edge table; 15 microseconds per edge.  The
default :data:`DRIVER_EDGES` of 1,000,000 keeps it near 0.7 GB and 15 s.

Measured on a 2-core machine: ``ray.init`` takes about 5 s; Ray Data 2.60
runs shuffle map and reduce tasks in worker pools of their own (a runtime
environment per pool), and with Ray's default soft limit of one idle
worker per CPU, every shuffle then waited about 5 s for new worker
processes -- :func:`init` raises the limit for a local start
(:data:`WORKERS_PER_CPU`), after which a shuffle of 20k rows takes 0.1 s.

>>> import cleaner.ray_engine as engine  # importing does not start or import Ray
>>> engine.DEFAULT_PARTITIONS, engine.uid_of(3, 1)
(4, 50331649)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from .config import Config, make_config
from .dedup.clusters import exact_groups, kept_of, ranks
from .dedup.corpus import DedupOptions, DedupResult, analyse
from .dedup.lsh import candidate_pairs
from .dedup.rule import FUZZY_MIN_CHARS
from .dedup.split import split_paragraphs
from .dedup.verify import length_ok, ratio_scores, same_numbers
from .pipeline import explain
from .runner import CleanedLine, Document, clean_line, default_jobs, parse_record

if TYPE_CHECKING:
    import pyarrow as pa
    import ray.data

__all__ = [
    "DEFAULT_PARTITIONS",
    "DRIVER_EDGES",
    "DedupOutput",
    "FilesDedup",
    "Session",
    "clean_dataset",
    "clean_jsonl_files",
    "cluster_record",
    "dedup_dataset",
    "dedup_jsonl_files",
    "init",
    "large_star",
    "require_ray",
    "resolve",
    "session",
    "small_star",
    "split_lines",
    "uid_of",
]

#: shuffle partitions; Ray's default (200) is far too many for a few cores
DEFAULT_PARTITIONS = 4
#: up to this many verified edges are clustered on the driver (about 0.7 KB each)
DRIVER_EDGES = 1_000_000
#: idle Ray workers kept per CPU on a local start (Ray's default is 1)
WORKERS_PER_CPU = 3
#: a unit's id is ``position << PARA_BITS | paragraph``
PARA_BITS = 24
_PARA_MASK = (1 << PARA_BITS) - 1
_MAX_POSITION = (1 << (63 - PARA_BITS)) - 1
#: column names the engine adds to a user's rows (removed again)
_POS = "__cleaner_pos"


def uid_of(position: int, paragraph: int) -> int:
    """The id of paragraph ``paragraph`` of the document at ``position``:
    ids order units as the local engine numbers them (document order, then
    paragraph order)."""
    return (position << PARA_BITS) | paragraph


# -- Ray -------------------------------------------------------------------------


def require_ray() -> ModuleType:
    """The ``ray`` module, or ImportError saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ImportError("the Ray engine needs the extra: pip install 'cleaner[ray]'") from None
    return ray


@dataclass(frozen=True, slots=True)
class Session:
    """What :func:`init` set up: shuffle ``partitions``, and whether it
    ``started`` Ray (then :func:`session` shuts it down at the end)."""

    partitions: int
    started: bool


def init(
    address: str | None = None,
    *,
    num_cpus: int | None = None,
    partitions: int | None = None,
    object_store_memory: int | None = None,
    quiet: bool = False,
) -> Session:
    """Join the cluster at ``address`` (``"auto"``: the one this machine
    belongs to), or start a local one when Ray is not running yet; set Ray
    Data up for this engine.

    A local start uses ``num_cpus`` (default: all cores), an object store
    of ``object_store_memory`` bytes (default 1 GiB), no dashboard, worker
    logs off the console, and keeps :data:`WORKERS_PER_CPU` idle workers
    per CPU (Ray's private ``_system_config``; see the module docstring).  Ray Data: results in input order
    (``preserve_order``), no progress bars, ``partitions`` partitions per
    shuffle (default: the cluster's CPUs, at least
    :data:`DEFAULT_PARTITIONS`; Ray's own default of 200 is for big
    clusters and slow on a few cores).  ``quiet`` also keeps Ray Data's log
    lines off stderr (the command does).
    """
    if partitions is not None and partitions < 1:
        raise ValueError(f"partitions must be at least 1, not {partitions}")
    ray = require_ray()
    started = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}
        if address:
            kwargs["address"] = address
        else:
            cpus = num_cpus or default_jobs()
            kwargs.update(
                num_cpus=cpus,
                object_store_memory=object_store_memory or (1 << 30),
                include_dashboard=False,
                _system_config={"num_workers_soft_limit": WORKERS_PER_CPU * cpus},
            )
        # Ray installs SIGTERM handlers of its own (exit 15 while starting; a
        # stack trace and death after): keep the caller's (the command's
        # unwinds, leaves no partial output and exits 143).
        handler = signal.getsignal(signal.SIGTERM) if hasattr(signal, "SIGTERM") else None
        try:
            ray.init(**kwargs)
        except SystemExit as exc:
            if exc.code == getattr(signal, "SIGTERM", None) and callable(handler):
                handler(signal.SIGTERM, None)
            raise
        started = True
        if callable(handler) and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, handler)
    if quiet:
        logging.getLogger("ray.data").setLevel(logging.ERROR)
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    if partitions is None:
        partitions = max(DEFAULT_PARTITIONS, int(ray.cluster_resources().get("CPU", 1)))
    ctx.default_hash_shuffle_parallelism = partitions
    return Session(partitions, started)


@contextlib.contextmanager
def session(address: str | None = None, *, num_cpus: int | None = None, partitions: int | None = None) -> Iterator[Session]:
    """:func:`init` (quiet) for the length of a ``with`` block; shuts Ray down
    at the end when it started it."""
    s = init(address, num_cpus=num_cpus, partitions=partitions, quiet=True)
    try:
        yield s
    finally:
        if s.started:
            require_ray().shutdown()


def _partitions(partitions: int | None) -> int:
    if partitions is not None:
        if partitions < 1:
            raise ValueError(f"partitions must be at least 1, not {partitions}")
        return partitions
    from ray.data import DataContext

    return int(DataContext.get_current().default_hash_shuffle_parallelism)


# -- Arrow helpers (pyarrow comes with Ray Data) -----------------------------------


def _pa() -> ModuleType:
    import pyarrow

    return pyarrow


def _enc(values: Sequence[str]) -> pa.Array:
    """Strings as binary: input text may hold lone surrogates (valid JSON,
    not valid UTF-8), which Arrow strings cannot."""
    pa = _pa()
    return pa.array([v.encode("utf-8", "surrogatepass") for v in values], type=pa.large_binary())


def _dec(col: Any) -> list[str]:
    pa = _pa()
    if pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type):
        return [v.decode("utf-8", "surrogatepass") for v in col.to_pylist()]
    return list(col.to_pylist())


def _np(col: Any, dtype: Any = np.int64) -> npt.NDArray[Any]:
    return np.asarray(col.to_numpy(zero_copy_only=False), dtype=dtype)


def _table(ds: ray.data.Dataset) -> pa.Table | None:
    """All rows of a (small) dataset on the driver, in order (None: no rows)."""
    pa = _pa()
    tables = [t for t in _arrow_batches(ds) if t.num_rows]
    return pa.concat_tables(tables) if tables else None


def _arrow_batches(ds: ray.data.Dataset) -> Iterator[pa.Table]:
    """The blocks of a dataset on the driver, in order, as Arrow tables."""
    for t in ds.iter_batches(batch_format="pyarrow", batch_size=None):
        yield cast("pa.Table", t)


def _concat(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    pa = _pa()
    tables = [t for t in tables if t.num_rows]
    return pa.concat_tables(tables) if tables else schema.empty_table()


def _with_positions(ds: ray.data.Dataset, column: str) -> ray.data.Dataset:
    """The rows numbered 0, 1, ... in the dataset's order (materialised)."""
    ray = require_ray()
    refs = ds.materialize().to_arrow_refs()
    counts = ray.get([ray.remote(_num_rows).remote(r) for r in refs])
    offsets = np.concatenate(([0], np.cumsum(counts)))
    add = ray.remote(_add_positions)
    return ray.data.from_arrow_refs([add.remote(r, int(o), column) for r, o in zip(refs, offsets[:-1].tolist())])


def _num_rows(t: pa.Table) -> int:
    return int(t.num_rows)


def _add_positions(t: pa.Table, offset: int, column: str) -> pa.Table:
    pa = _pa()
    return t.append_column(column, pa.array(np.arange(offset, offset + t.num_rows, dtype=np.int64)))


# -- JSON Lines files in byte ranges -------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineChunk:
    """A byte range of a JSON Lines file, cut at line ends; ``first_line``
    is the number of its first line in the file, ``first_pos`` the position
    of that line across all the input files."""

    source: str
    path: str
    start: int
    end: int
    first_line: int = 1
    first_pos: int = 1


def _cut(path: str, chunk_bytes: int) -> list[tuple[int, int]]:
    """Byte ranges of about ``chunk_bytes`` ending at line ends (seeks only)."""
    size = os.path.getsize(path)
    out: list[tuple[int, int]] = []
    start = 0
    with open(path, "rb") as fh:
        while start < size:
            if start + chunk_bytes >= size:
                end = size
            else:
                fh.seek(start + chunk_bytes - 1)
                fh.readline()
                end = min(size, fh.tell())
            out.append((start, end))
            start = end
    return out


def _read(path: str, start: int, end: int) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(start)
        return fh.read(end - start)


def split_lines(data: bytes) -> list[bytes]:
    """Lines with their ``\\n``, as iterating over a binary file gives them.

    >>> split_lines(b'a\\r\\nb\\n\\nc')
    [b'a\\r\\n', b'b\\n', b'\\n', b'c']
    """
    parts = data.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _scan(path: str, start: int, end: int, field: str | None) -> tuple[int, int, int, int, str]:
    """Newlines in a byte range; with ``field``, also the records, their text
    bytes and the first bad record (its index among the lines, its reason)."""
    data = _read(path, start, end)
    if field is None:
        return data.count(b"\n"), 0, 0, -1, ""
    docs = nbytes = 0
    for k, raw in enumerate(split_lines(data)):
        item = parse_record(raw, k + 1, "", field)
        if item is None:
            continue
        if not isinstance(item, Document):
            return data.count(b"\n"), docs, nbytes, k, item.reason
        docs += 1
        nbytes += len(item.text.encode("utf-8", "surrogatepass"))
    return data.count(b"\n"), docs, nbytes, -1, ""


@dataclass(frozen=True, slots=True)
class _Plan:
    chunks: list[LineChunk]
    documents: int
    text_bytes: int


def _plan(files: Sequence[str], chunk_bytes: int | None, *, field: str | None = None) -> _Plan:
    """Cut the files into chunks and number their lines (a parallel pass);
    with ``field``, stop at the first bad record as the local engine does."""
    from .errors import InputError

    ray = require_ray()
    if chunk_bytes is None:
        total = sum(os.path.getsize(f) for f in files)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        chunk_bytes = int(min(64 << 20, max(1 << 20, total // max(1, 4 * cpus))))
    ranges = [(i, f, s, e) for i, f in enumerate(files) for s, e in _cut(f, chunk_bytes)]
    scan = ray.remote(_scan)
    found = ray.get([scan.remote(os.path.abspath(f), s, e, field) for _, f, s, e in ranges])
    chunks: list[LineChunk] = []
    base = 0
    line = 1
    prev = -1
    docs = nbytes = 0
    for (i, f, s, e), (newlines, nd, nb, bad, reason) in zip(ranges, found):
        if i != prev:  # the next file (a file named twice is read twice, as locally)
            if prev >= 0:
                base += line  # every line of the previous file, and one more
            line, prev = 1, i
        if bad >= 0:
            raise InputError(f"{f}: line {line + bad}: {reason}")
        chunks.append(LineChunk(f, os.path.abspath(f), s, e, line, base + line))
        line += newlines
        docs += nd
        nbytes += nb
    if base + line > _MAX_POSITION:
        raise InputError(f"more than {_MAX_POSITION} lines in the input: the Ray engine numbers units in 63 bits")
    return _Plan(chunks, docs, nbytes)


def _chunk_rows(chunks: Sequence[LineChunk]) -> list[dict[str, Any]]:
    return [
        {"source": c.source, "path": c.path, "start": c.start, "end": c.end, "first_line": c.first_line, "first_pos": c.first_pos}
        for c in chunks
    ]


def _chunk_dataset(chunks: Sequence[LineChunk]) -> ray.data.Dataset:
    ray = require_ray()
    return ray.data.from_items(_chunk_rows(chunks), override_num_blocks=max(1, len(chunks)))


# -- cleaning ----------------------------------------------------------------------


def _config(config: Config | None, options: dict[str, Any]) -> Config:
    if config is None:
        return make_config(**options)
    return config.replace(**options) if options else config


def _clean_table(table: pa.Table, *, config: Config, field: str, with_edits: bool) -> pa.Table:
    pa = _pa()
    col = table.column(field)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or pa.types.is_null(col.type)):
        raise TypeError(f"column {field!r} holds {col.type}, not strings")
    out: list[str | None] = []
    edits: list[str | None] = []
    for t in col.to_pylist():
        if t is None:  # nothing to clean
            out.append(None)
            edits.append(None)
            continue
        r = explain(t, config=config)
        out.append(r.text)
        if with_edits:
            edits.append(json.dumps([e.to_dict() for e in r.edits] + [s.to_dict() for s in r.suggestions], ensure_ascii=False))
    kind = col.type if not pa.types.is_null(col.type) else pa.string()
    table = table.set_column(table.schema.get_field_index(field), field, pa.array(out, type=kind))
    if with_edits:
        table = table.append_column("cleaner_edits", pa.array(edits, type=pa.string()))
    return table


def clean_dataset(
    ds: ray.data.Dataset,
    *,
    field: str = "text",
    config: Config | None = None,
    with_edits: bool = False,
    **options: Any,
) -> ray.data.Dataset:
    """Clean the ``field`` column of every row with :func:`cleaner.explain`;
    other columns pass through, null values stay null.

    ``with_edits=True`` adds a ``cleaner_edits`` column: the row's edits and
    suggestions as a JSON array (the rows of ``--report`` without
    ``document``).  Options are those of :class:`cleaner.Config`.  Lazy, like
    any ``map_batches``; read and write Parquet or JSON with Ray Data::

        ds = ray.data.read_parquet("corpus/")
        clean_dataset(ds, field="content").write_parquet("clean/")
    """
    cfg = _config(config, options)
    return ds.map_batches(_clean_table, batch_format="pyarrow", fn_kwargs={"config": cfg, "field": field, "with_edits": with_edits})  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments


_LINE_FIELDS = ("source", "line", "output", "report", "bad", "quarantine", "nbytes", "chars_in", "chars_out", "suggestions", "rules")


def _lines_table(rows: list[CleanedLine]) -> pa.Table:
    pa = _pa()
    cols: dict[str, Any] = {}
    for name in _LINE_FIELDS:
        values = [getattr(r, name) for r in rows]
        if name in ("source", "output", "report", "bad", "quarantine"):
            cols[name] = _enc(values)
        elif name == "rules":
            cols[name] = pa.array([list(v) for v in values], type=pa.list_(pa.string()))
        else:
            cols[name] = pa.array(values, type=pa.int64())
    return pa.table(cols)


def _lines_of(table: pa.Table) -> Iterator[CleanedLine]:
    text = [_dec(table.column(n)) for n in ("source", "output", "report", "bad", "quarantine")]
    ints = [table.column(n).to_pylist() for n in ("line", "nbytes", "chars_in", "chars_out", "suggestions")]
    for (source, output, report, bad, quarantine), (line, nbytes, chars_in, chars_out, suggestions), rules in zip(
        zip(*text), zip(*ints), table.column("rules").to_pylist()
    ):
        yield CleanedLine(source, line, output, report, bad, quarantine, nbytes, chars_in, chars_out, suggestions, tuple(rules))


def _clean_chunks(batch: pa.Table, *, config: Config, field: str, report: bool) -> pa.Table:
    rows: list[CleanedLine] = []
    for source, path, start, end, first in zip(*(batch.column(n).to_pylist() for n in ("source", "path", "start", "end", "first_line"))):
        for k, raw in enumerate(split_lines(_read(path, start, end))):
            c = clean_line(source, first + k, raw, config, field_name=field, report=report)
            if c is not None:
                rows.append(c)
    return _lines_table(rows)


def clean_jsonl_files(
    files: Sequence[str], config: Config, *, field: str = "text", report: bool = True, chunk_bytes: int | None = None
) -> Iterator[CleanedLine]:
    """The records of JSON Lines files cleaned by Ray workers with
    :func:`cleaner.runner.clean_line`, in input order (what ``cleaner clean
    --engine ray`` writes).

    The files are cut into byte ranges at line ends (about ``chunk_bytes``;
    default: four per CPU of the cluster, 1 to 64 MiB), whose lines are
    numbered in a first parallel pass; the workers read the ranges by path,
    so the files must be where every worker sees them.
    """
    plan = _plan(files, chunk_bytes)
    ds = _chunk_dataset(plan.chunks).map_batches(
        _clean_chunks, batch_size=1, batch_format="pyarrow", fn_kwargs={"config": config, "field": field, "report": report}  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
    )
    for table in _arrow_batches(ds):
        yield from _lines_of(table)


# -- dedup: the stages, pure functions on Arrow tables ---------------------------------


def _unit_schema(bands: int) -> pa.Schema:
    pa = _pa()
    return pa.schema(
        [
            ("uid", pa.int64()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("klen", pa.int64()),
            ("eligible", pa.bool_()),
            ("fuzzy", pa.bool_()),
            ("key", pa.large_binary()),
            ("h0", pa.uint64()),
            ("h1", pa.uint64()),
            ("bands", pa.list_(pa.uint64(), bands)),
            ("doc", pa.string()),
        ]
    )


def _analyse_docs(
    t: pa.Table, *, text: str, pos: str, name: str | None, options: DedupOptions
) -> pa.Table:
    """One row per unit (paragraph, or document) of a batch of documents:
    what :func:`cleaner.dedup.corpus.analyse` computes, keyed by ``uid``."""
    pa = _pa()
    p = options.params
    fuzzy_min = max(options.min_chars, FUZZY_MIN_CHARS, 1)
    floor = max(options.min_chars, 1)
    texts = [x or "" for x in _dec(t.column(text))]  # a null text has no units
    positions = _np(t.column(pos))
    if len(positions) and (positions.min() < 0 or positions.max() > _MAX_POSITION):
        raise ValueError(f"positions must be in [0, {_MAX_POSITION}]")
    names = [str(v) for v in t.column(name).to_pylist()] if name else [str(v) for v in positions.tolist()]
    a = analyse(texts, level=options.level, params=p, fuzzy_min=fuzzy_min)
    if len(a.para) and a.para.max() > _PARA_MASK:
        raise ValueError(f"a document has more than {_PARA_MASK + 1} paragraphs")
    eligible = a.klen >= floor
    keys = [k if e else "" for k, e in zip(a.keys, eligible.tolist())]
    return pa.table(
        {
            "uid": pa.array((positions[a.doc] << PARA_BITS) | a.para, type=pa.int64()),
            "start": pa.array(a.start, type=pa.int64()),
            "end": pa.array(a.end, type=pa.int64()),
            "klen": pa.array(a.klen, type=pa.int64()),
            "eligible": pa.array(eligible),
            "fuzzy": pa.array(a.klen >= fuzzy_min),
            "key": _enc(keys),
            "h0": pa.array(a.hashes[:, 0], type=pa.uint64()),
            "h1": pa.array(a.hashes[:, 1], type=pa.uint64()),
            "bands": pa.FixedSizeListArray.from_arrays(pa.array(a.bands.ravel(), type=pa.uint64()), p.bands),
            "doc": pa.array([names[d] for d in a.doc.tolist()], type=pa.string()),
        },
        schema=_unit_schema(p.bands),
    )


def _eligible(t: pa.Table) -> pa.Table:
    return t.filter(t.column("eligible"))


def _local_rank(uid: npt.NDArray[np.int64], start: npt.NDArray[np.int64], end: npt.NDArray[np.int64], keep: str) -> npt.NDArray[np.int64]:
    """Ranks of some units in the order :func:`~cleaner.dedup.clusters.ranks`
    gives all of them (first: by uid; longest: longest first, then uid)."""
    rk = -(end - start) if keep == "longest" else np.zeros(len(uid), dtype=np.int64)
    order = np.lexsort((uid, rk))
    rank = np.empty(len(uid), dtype=np.int64)
    rank[order] = np.arange(len(uid))
    return rank


def _mark_reps(t: pa.Table, *, keep: str) -> pa.Table:
    """Exact groups of a block holding whole hash groups: each unit's
    representative (the best-ranked unit with its key) and its facts."""
    pa = _pa()
    uid, start, end = _np(t.column("uid")), _np(t.column("start")), _np(t.column("end"))
    hashes = np.stack([_np(t.column("h0"), np.uint64), _np(t.column("h1"), np.uint64)], axis=1)
    rep = exact_groups(hashes, _local_rank(uid, start, end, keep)) if len(uid) else np.zeros(0, dtype=np.int64)
    docs = t.column("doc").combine_chunks() if t.num_rows else pa.array([], type=pa.string())
    return (
        t.append_column("rep", pa.array(uid[rep], type=pa.int64()))
        .append_column("rep_doc", docs.take(pa.array(rep, type=pa.int64())))
        .append_column("rep_start", pa.array(start[rep], type=pa.int64()))
        .append_column("rep_end", pa.array(end[rep], type=pa.int64()))
    )


def _edge_schema() -> pa.Schema:
    pa = _pa()
    return pa.schema(
        [
            ("a", pa.int64()),
            ("b", pa.int64()),
            ("score", pa.float32()),
            ("exact", pa.bool_()),
            ("a_doc", pa.string()),
            ("a_start", pa.int64()),
            ("a_end", pa.int64()),
            ("b_doc", pa.string()),
            ("b_start", pa.int64()),
            ("b_end", pa.int64()),
        ]
    )


def _exact_edges(t: pa.Table) -> pa.Table:
    """Each exact member with its representative, at 100."""
    pa = _pa()
    t = t.filter(pa.compute.not_equal(t.column("rep"), t.column("uid")))
    n = t.num_rows
    return pa.table(
        {
            "a": t.column("rep"),
            "b": t.column("uid"),
            "score": pa.array(np.full(n, 100.0, dtype=np.float32)),
            "exact": pa.array(np.ones(n, dtype=bool)),
            "a_doc": t.column("rep_doc"),
            "a_start": t.column("rep_start"),
            "a_end": t.column("rep_end"),
            "b_doc": t.column("doc"),
            "b_start": t.column("start"),
            "b_end": t.column("end"),
        },
        schema=_edge_schema(),
    )


def _fuzzy_reps(t: pa.Table) -> pa.Table:
    pa = _pa()
    return t.filter(pa.compute.and_(pa.compute.equal(t.column("rep"), t.column("uid")), t.column("fuzzy")))


def _band_rows(t: pa.Table) -> pa.Table:
    """One row per band of each fuzzy representative: (band, band key, uid)."""
    pa = _pa()
    n = t.num_rows
    bands = t.column("bands").combine_chunks()
    width = bands.type.list_size
    keys = np.asarray(bands.flatten().to_numpy(zero_copy_only=False), dtype=np.uint64).reshape(n, width)
    uid = _np(t.column("uid"))
    return pa.table(
        {
            "band": pa.array(np.tile(np.arange(width, dtype=np.int64), n)),
            "bkey": pa.array(keys.ravel(), type=pa.uint64()),
            "uid": pa.array(np.repeat(uid, width)),
        }
    )


def _pair_schema() -> pa.Schema:
    pa = _pa()
    return pa.schema([("a", pa.int64()), ("b", pa.int64())])


def bucket_pairs(
    band: npt.NDArray[np.int64], bkey: npt.NDArray[np.uint64], uid: npt.NDArray[np.int64], *, bucket_cap: int
) -> npt.NDArray[np.int64]:
    """Candidate pairs ``(a, b)``, ``a < b``, from rows (band, band key, uid)
    that hold whole buckets: each band's buckets go through
    :func:`~cleaner.dedup.lsh.candidate_pairs` with the units numbered in
    uid order, so a big bucket is windowed exactly as on one machine.

    >>> band = np.array([0, 0, 0, 1, 1])
    >>> bucket_pairs(band, np.array([7, 7, 8, 5, 5], dtype=np.uint64), np.array([30, 10, 20, 20, 30]), bucket_cap=100).tolist()
    [[10, 30], [20, 30]]
    """
    out: list[npt.NDArray[np.int64]] = []
    for j in np.unique(band).tolist():
        sel = band == j
        u = uid[sel]
        if len(u) < 2:
            continue
        order = np.argsort(u, kind="stable")
        local = np.empty(len(u), dtype=np.int64)
        local[order] = np.arange(len(u))
        p = candidate_pairs(bkey[sel][:, None], local, bucket_cap=bucket_cap)
        if len(p):
            su = u[order]
            out.append(np.stack([su[p[:, 0]], su[p[:, 1]]], axis=1))
    return _unique_rows(np.concatenate(out)) if out else np.zeros((0, 2), dtype=np.int64)


def _unique_rows(pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    if not len(pairs):
        return pairs.reshape(0, 2)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    p = pairs[order]
    keep = np.ones(len(p), dtype=bool)
    keep[1:] = (p[1:] != p[:-1]).any(axis=1)
    return p[keep]


def _bucket_block(t: pa.Table, *, bucket_cap: int) -> pa.Table:
    pa = _pa()
    p = bucket_pairs(_np(t.column("band")), _np(t.column("bkey"), np.uint64), _np(t.column("uid")), bucket_cap=bucket_cap)
    return pa.table({"a": pa.array(p[:, 0], type=pa.int64()), "b": pa.array(p[:, 1], type=pa.int64())}, schema=_pair_schema())


def _unique_block(t: pa.Table) -> pa.Table:
    pa = _pa()
    p = _unique_rows(np.stack([_np(t.column("a")), _np(t.column("b"))], axis=1))
    return pa.table({"a": pa.array(p[:, 0], type=pa.int64()), "b": pa.array(p[:, 1], type=pa.int64())}, schema=_pair_schema())


def _side(t: pa.Table, side: str) -> pa.Table:
    """The representatives' keys and facts, named for one end of a pair."""
    return t.select(["uid", "key", "klen", "doc", "start", "end"]).rename_columns(
        [side, f"{side}_key", f"{side}_klen", f"{side}_doc", f"{side}_start", f"{side}_end"]
    )


def _verify_block(t: pa.Table, *, threshold: float, numbers: bool) -> pa.Table:
    """The verdict on candidate pairs joined to both keys (as the local engine)."""
    pa = _pa()
    ok = length_ok(_np(t.column("a_klen")), _np(t.column("b_klen")), threshold)
    t = t.filter(pa.array(ok))
    ka, kb = _dec(t.column("a_key")), _dec(t.column("b_key"))
    s = ratio_scores(ka, kb, score_cutoff=threshold)
    keep = s >= threshold
    if numbers:
        keep &= np.fromiter((same_numbers(x, y) for x, y in zip(ka, kb)), dtype=bool, count=len(ka))
    t = t.filter(pa.array(keep))
    return pa.table(
        {
            "a": t.column("a"),
            "b": t.column("b"),
            "score": pa.array(s[keep], type=pa.float32()),
            "exact": pa.array(np.zeros(t.num_rows, dtype=bool)),
            "a_doc": t.column("a_doc"),
            "a_start": t.column("a_start"),
            "a_end": t.column("a_end"),
            "b_doc": t.column("b_doc"),
            "b_start": t.column("b_start"),
            "b_end": t.column("b_end"),
        },
        schema=_edge_schema(),
    )


# -- connected components: large-star / small-star (Kiveris et al., 2014) -------------


def _groups(key: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Starts and sizes of the runs of a sorted array."""
    if not len(key):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.concatenate(([0], np.flatnonzero(key[1:] != key[:-1]) + 1))
    return starts, np.diff(np.concatenate((starts, [len(key)])))


def large_star(u: npt.NDArray[np.int64], v: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """One large-star step on rows ``(u, v)`` holding both directions of every
    edge of the nodes ``u`` they hold (all of each node's edges).

    Each node ``u`` links every larger neighbour to ``m(u)``, the smallest of
    ``u`` and its neighbours.  Returns the new edges ``(hi, lo)``, ``hi > lo``,
    and how many differ from the edge they replace.

    >>> large_star(np.array([1, 2, 2, 3]), np.array([2, 1, 3, 2]))
    (array([2, 3]), array([1, 1]), 1)
    """
    p = _unique_rows(np.stack([u, v], axis=1))
    u, v = p[:, 0], p[:, 1]
    starts, sizes = _groups(u)
    if not len(starts):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    m = np.minimum(np.minimum.reduceat(v, starts), u[starts])
    m_row = np.repeat(m, sizes)
    sel = v > u
    return v[sel], m_row[sel], int(np.count_nonzero(m_row[sel] != u[sel]))


def small_star(hi: npt.NDArray[np.int64], lo: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """One small-star step on edges ``(hi, lo)``, ``hi > lo``, holding all the
    edges of the nodes ``hi`` they hold.

    Each node ``u`` links itself and its smaller neighbours to the smallest
    of them.  Returns the new edges ``(hi, lo)`` and how many changed.  When
    a round of both steps changes nothing, every edge joins a node to the
    smallest node of its component.

    >>> small_star(np.array([3, 3, 5]), np.array([1, 2, 2]))
    (array([2, 3, 5]), array([1, 1, 2]), 1)
    """
    p = _unique_rows(np.stack([hi, lo], axis=1))
    hi, lo = p[:, 0], p[:, 1]
    starts, sizes = _groups(hi)
    if not len(starts):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    m = np.repeat(np.minimum.reduceat(lo, starts), sizes)
    moved = lo != m
    out_hi = np.concatenate([lo[moved], hi[starts]])
    out_lo = np.concatenate([m[moved], m[starts]])
    order = np.lexsort((out_lo, out_hi))
    return out_hi[order], out_lo[order], int(np.count_nonzero(moved))


def _cc_schema() -> pa.Schema:
    pa = _pa()
    return pa.schema([("hi", pa.int64()), ("lo", pa.int64()), ("changed", pa.int64())])


def _both_ways(t: pa.Table) -> pa.Table:
    pa = _pa()
    hi, lo = _np(t.column("hi")), _np(t.column("lo"))
    return pa.table({"u": pa.array(np.concatenate([hi, lo])), "v": pa.array(np.concatenate([lo, hi]))})


def _large_star_block(t: pa.Table) -> pa.Table:
    pa = _pa()
    hi, lo, changed = large_star(_np(t.column("u")), _np(t.column("v")))
    flags = np.zeros(len(hi), dtype=np.int64)
    flags[:1] = changed  # the block's count, once
    return pa.table({"hi": pa.array(hi), "lo": pa.array(lo), "changed": pa.array(flags)}, schema=_cc_schema())


def _small_star_block(t: pa.Table) -> pa.Table:
    pa = _pa()
    hi, lo, changed = small_star(_np(t.column("hi")), _np(t.column("lo")))
    flags = np.zeros(len(hi), dtype=np.int64)
    flags[:1] = changed
    return pa.table({"hi": pa.array(hi), "lo": pa.array(lo), "changed": pa.array(flags)}, schema=_cc_schema())


def _orient(t: pa.Table) -> pa.Table:
    pa = _pa()
    a, b = _np(t.column("a")), _np(t.column("b"))
    return pa.table({"hi": pa.array(np.maximum(a, b)), "lo": pa.array(np.minimum(a, b))})


def _components(edges: ray.data.Dataset, partitions: int) -> tuple[ray.data.Dataset, int]:
    """``(node, comp)`` for every node that is not the smallest of its
    component (``comp``: that smallest node), and the rounds it took."""
    e = edges.map_batches(_orient, batch_format="pyarrow")
    rounds = 0
    while True:
        rounds += 1
        ls = (
            e.map_batches(_both_ways, batch_format="pyarrow")
            .repartition(partitions, keys=["u"])
            .map_batches(_large_star_block, batch_format="pyarrow", batch_size=None)
            .materialize()
        )
        ss = (
            ls.select_columns(["hi", "lo"])
            .repartition(partitions, keys=["hi"])
            .map_batches(_small_star_block, batch_format="pyarrow", batch_size=None)
            .materialize()
        )
        changed = (ls.sum("changed") or 0) + (ss.sum("changed") or 0)
        e = ss.select_columns(["hi", "lo"])
        if not changed:
            return e.rename_columns({"hi": "node", "lo": "comp"}), rounds


def _label(t: pa.Table) -> pa.Table:
    """Each edge's component: its first end's, or that end itself when it is
    the smallest node of the component (no label row)."""
    pa = _pa()
    comp = pa.compute.coalesce(t.column("comp"), t.column("a"))
    return t.drop_columns(["comp"]).append_column("comp", comp)


# -- clustering: the same code as the local engine, on whole components ------------------


def _cluster_schema() -> pa.Schema:
    pa = _pa()
    return pa.schema(
        [
            ("rk", pa.int64()),
            ("uid", pa.int64()),
            ("kept_doc", pa.string()),
            ("kept_start", pa.int64()),
            ("kept_end", pa.int64()),
            ("m_uid", pa.list_(pa.int64())),
            ("m_score", pa.list_(pa.float32())),
            ("record", pa.string()),
        ]
    )


def resolve(edges: pa.Table, options: DedupOptions) -> pa.Table:
    """Clusters of the verified edges of whole components, in the order of
    their kept member: a row per cluster with the kept unit (``uid``, its
    rank key ``rk``, its document and span), the dropped members (``m_uid``,
    ``m_score``) and ``record``, the local ``--clusters`` row without its
    number (JSON).

    The verified pairs go through :func:`~cleaner.dedup.clusters.kept_of`
    with the units ranked as on one machine; exact members follow their
    representative; the records come from
    :meth:`~cleaner.dedup.corpus.DedupResult.clusters` -- all as
    :func:`~cleaner.dedup.corpus.dedup_corpus` does.
    """
    pa = _pa()
    if edges.num_rows == 0:
        return _cluster_schema().empty_table()
    a, b = _np(edges.column("a")), _np(edges.column("b"))
    sc = _np(edges.column("score"), np.float32)
    exact = _np(edges.column("exact"), bool)
    nodes, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    m = len(nodes)
    ia, ib = inv[: len(a)], inv[len(a) :]
    start = np.empty(m, dtype=np.int64)
    end = np.empty(m, dtype=np.int64)
    start[ia], end[ia] = _np(edges.column("a_start")), _np(edges.column("a_end"))
    start[ib], end[ib] = _np(edges.column("b_start")), _np(edges.column("b_end"))
    names: list[str] = [""] * m
    for i, d in zip(ia.tolist(), edges.column("a_doc").to_pylist()):
        names[i] = d
    for i, d in zip(ib.tolist(), edges.column("b_doc").to_pylist()):
        names[i] = d
    rank = ranks(m, keep=options.keep, lengths=end - start)  # nodes are in uid order
    v = ~exact
    refl, scl = kept_of(m, np.stack([ia[v], ib[v]], axis=1), sc[v], rank)
    ref = np.asarray(refl, dtype=np.int64)
    score = np.zeros(m, dtype=np.float32)
    score[:] = scl
    # exact members follow their representative (as dedup_corpus does)
    rep, mem = ia[exact], ib[exact]
    kept_rep = ref[rep] == -1
    ref[mem] = np.where(kept_rep, rep, ref[rep])
    score[mem] = np.where(kept_rep, 100.0, score[rep])
    res = DedupResult(
        options, names, np.zeros(1, dtype=np.int64), nodes & _PARA_MASK, start, end, np.arange(m, dtype=np.int64),
        ref, score, np.stack([ia, ib], axis=1), sc,
    )
    members: dict[int, list[int]] = {}
    for u in np.flatnonzero(ref != -1).tolist():
        members.setdefault(int(ref[u]), []).append(u)
    order = sorted(members, key=lambda k: int(rank[k]))  # the order of DedupResult.clusters()
    rows: dict[str, list[Any]] = {f: [] for f in _cluster_schema().names}
    for k, rec in zip(order, res.clusters()):
        assert rec["kept"]["document"] == names[k]
        del rec["cluster"]
        rows["rk"].append(-int(end[k] - start[k]) if options.keep == "longest" else 0)
        rows["uid"].append(int(nodes[k]))
        rows["kept_doc"].append(names[k])
        rows["kept_start"].append(int(start[k]))
        rows["kept_end"].append(int(end[k]))
        rows["m_uid"].append(nodes[members[k]].tolist())
        rows["m_score"].append(score[members[k]].tolist())
        rows["record"].append(json.dumps(rec, ensure_ascii=False))
    return pa.table(rows, schema=_cluster_schema())


def _resolve_block(t: pa.Table, *, options: DedupOptions) -> pa.Table:
    return resolve(t.select(_edge_schema().names), options)


def cluster_line(number: int, record: str) -> str:
    """A ``--clusters`` row: the cluster number, then the rest of the record."""
    from .runner import json_line

    return json_line({"cluster": number, **json.loads(record)})


def cluster_record(row: dict[str, Any]) -> dict[str, Any]:
    """A row of :attr:`DedupOutput.clusters` as the local ``--clusters``
    record: ``{"cluster", "kept", "members", "pairs"}``."""
    return {"cluster": row["cluster"], **json.loads(row["record"])}


# -- dropping paragraphs -----------------------------------------------------------------

#: a dropped unit of a document: (paragraph, kept uid, kept document, kept start, kept end, score)
Drop = tuple[int, int, str, int, int, float]


_DROP_COLS = ("para", "ref", "ref_doc", "ref_start", "ref_end", "score")


def _drop_schema() -> pa.Schema:
    pa = _pa()
    return pa.schema(
        [
            ("pos", pa.int64()),
            ("para", pa.int64()),
            ("ref", pa.int64()),
            ("ref_doc", pa.string()),
            ("ref_start", pa.int64()),
            ("ref_end", pa.int64()),
            ("score", pa.float32()),
        ]
    )


def _drops(t: pa.Table) -> pa.Table:
    """One row per dropped unit of some clusters, sorted by position."""
    pa = _pa()
    sizes = np.asarray(pa.compute.list_value_length(t.column("m_uid")).to_numpy(zero_copy_only=False), dtype=np.int64)
    muid = _np(pa.compute.list_flatten(t.column("m_uid")))
    idx = pa.array(np.repeat(np.arange(t.num_rows), sizes))
    out = pa.table(
        {
            "pos": pa.array(muid >> PARA_BITS),
            "para": pa.array(muid & _PARA_MASK),
            "ref": t.column("uid").take(idx),
            "ref_doc": t.column("kept_doc").take(idx),
            "ref_start": t.column("kept_start").take(idx),
            "ref_end": t.column("kept_end").take(idx),
            "score": pa.compute.list_flatten(t.column("m_score")),
        },
        schema=_drop_schema(),
    )
    return out.sort_by([("pos", "ascending"), ("para", "ascending")])


class _DropIndex:
    """Drops by document position, from a table sorted by position."""

    def __init__(self, table: pa.Table) -> None:
        self.pos = _np(table.column("pos"))
        self.cols = [table.column(n).to_pylist() for n in _DROP_COLS]

    def get(self, pos: int) -> list[Drop]:
        lo = int(np.searchsorted(self.pos, pos, side="left"))
        hi = int(np.searchsorted(self.pos, pos, side="right"))
        return [tuple(c[i] for c in self.cols) for i in range(lo, hi)]


def doc_result(options: DedupOptions, name: str, pos: int, text: str, drops: Sequence[Drop]) -> DedupResult:
    """A :class:`~cleaner.dedup.corpus.DedupResult` of one document (number
    0) and the kept units it refers to: its ``output``, ``edits`` and the
    command's report rows are then those of the local engine."""
    spans = split_paragraphs(text)
    if options.level == "document":
        spans = [(spans[0][0], spans[-1][1])] if spans else []
    n = len(spans)
    doc_ids = [name]
    para = list(range(n))
    start = [s for s, _ in spans]
    end = [e for _, e in spans]
    doc_of = [0] * n
    ref = [-1] * n
    score = [0.0] * n
    for p, kept, kept_doc, kept_start, kept_end, s in drops:
        if not 0 <= p < n:
            raise ValueError(f"{name}: paragraph {p} of {n} dropped: the input changed since it was analysed")
        kpos, kpara = kept >> PARA_BITS, kept & _PARA_MASK
        if kpos == pos:
            r = kpara
        else:
            doc_ids.append(kept_doc)
            doc_of.append(len(doc_ids) - 1)
            para.append(kpara)
            start.append(kept_start)
            end.append(kept_end)
            ref.append(-1)
            score.append(0.0)
            r = len(para) - 1
        ref[p] = r
        score[p] = s
    i64 = lambda xs: np.asarray(xs, dtype=np.int64)  # noqa: E731
    return DedupResult(
        options, doc_ids, i64([0, n]), i64(para), i64(start), i64(end), i64(doc_of), i64(ref),
        np.asarray(score, dtype=np.float32), np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.float32),
    )


def _drop_blocks(drops: ray.data.Dataset | pa.Table) -> list[tuple[int, int, Any]]:
    """Drops sorted by position in blocks, each with its range of positions:
    ``(first, last, ObjectRef)``."""
    ray = require_ray()
    pa = _pa()
    if isinstance(drops, pa.Table):
        step = 1 << 20
        tables = [drops.slice(i, step) for i in range(0, drops.num_rows, step)]
        refs = [ray.put(t) for t in tables]
        bounds = [(int(t.column("pos")[0].as_py()), int(t.column("pos")[-1].as_py())) for t in tables]
    else:
        refs = drops.sort(["pos", "para"]).materialize().to_arrow_refs()
        bounds = ray.get([ray.remote(_bounds).remote(r) for r in refs])
    return [(lo, hi, r) for (lo, hi), r in zip(bounds, refs) if lo <= hi]


def _bounds(t: pa.Table) -> tuple[int, int]:
    if not t.num_rows:
        return 1, 0
    pos = _np(t.column("pos"))
    return int(pos.min()), int(pos.max())


def _fetch_drops(blocks: Sequence[tuple[int, int, Any]], lo: int, hi: int) -> _DropIndex:
    """The drops of positions ``lo..hi`` (inclusive), from the overlapping blocks."""
    import ray

    tables = [ray.get(ref) for first, last, ref in blocks if first <= hi and last >= lo]
    return _DropIndex(_concat(tables, _drop_schema()))


# -- dedup: the stages on Ray Data ---------------------------------------------------------


@dataclass
class _Matching:
    units: int
    candidates: int
    edges: int
    distributed: bool
    rounds: int
    clusters: pa.Table | ray.data.Dataset  # cluster rows in order (a Dataset: sorted, not numbered)
    pairs: ray.data.Dataset  # the verified edges (materialised)

    def cluster_tables(self) -> Iterator[pa.Table]:
        pa = _pa()
        if isinstance(self.clusters, pa.Table):
            yield self.clusters
        else:
            yield from _arrow_batches(self.clusters)

    def drops(self) -> pa.Table | ray.data.Dataset:
        pa = _pa()
        if isinstance(self.clusters, pa.Table):
            return _drops(self.clusters)
        return self.clusters.map_batches(_drops, batch_format="pyarrow")

    @property
    def dropped(self) -> int:
        pa = _pa()
        return sum(int(pa.compute.sum(pa.compute.list_value_length(t.column("m_uid"))).as_py() or 0) for t in self.cluster_tables())


def _match(docs: ray.data.Dataset, *, text: str, pos: str, name: str | None, options: DedupOptions, partitions: int, max_driver_edges: int) -> _Matching:
    """Units, exact groups, candidates, verdicts and clusters of a dataset of documents."""
    p = options.params
    units = docs.select_columns([text, pos] + ([name] if name else [])).map_batches(
        _analyse_docs, batch_format="pyarrow", batch_size=max(1, options.batch // 8), fn_kwargs={"text": text, "pos": pos, "name": name, "options": options}  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
    ).materialize()
    n_units = units.count()
    marked = (
        units.map_batches(_eligible, batch_format="pyarrow")
        .repartition(partitions, keys=["h0", "h1"])
        .map_batches(_mark_reps, batch_format="pyarrow", batch_size=None, fn_kwargs={"keep": options.keep})
        .materialize()
    )
    del units
    exact = marked.map_batches(_exact_edges, batch_format="pyarrow")
    reps = marked.map_batches(_fuzzy_reps, batch_format="pyarrow").materialize()
    pairs = (
        reps.map_batches(_band_rows, batch_format="pyarrow")
        .repartition(partitions, keys=["band", "bkey"])
        .map_batches(_bucket_block, batch_format="pyarrow", batch_size=None, fn_kwargs={"bucket_cap": p.bucket_cap})
        .repartition(partitions, keys=["a", "b"])
        .map_batches(_unique_block, batch_format="pyarrow", batch_size=None)
        .materialize()
    )
    n_cand = pairs.count()
    if n_cand:
        side_a = reps.map_batches(_side, batch_format="pyarrow", fn_kwargs={"side": "a"})
        side_b = reps.map_batches(_side, batch_format="pyarrow", fn_kwargs={"side": "b"})
        verified = (
            pairs.join(side_a, "inner", partitions, on=("a",))
            .join(side_b, "inner", partitions, on=("b",))
            .map_batches(_verify_block, batch_format="pyarrow", fn_kwargs={"threshold": options.threshold, "numbers": options.numbers})
        )
        edges = exact.union(verified).materialize()
    else:
        edges = exact.materialize()
    del marked, reps, pairs
    n_edges = edges.count()
    if n_edges <= max_driver_edges:
        table = _table(edges)
        clusters = resolve(table if table is not None else _edge_schema().empty_table(), options)
        return _Matching(n_units, n_cand, n_edges, False, 0, clusters, edges)
    labels, rounds = _components(edges.select_columns(["a", "b"]), partitions)
    clusters_ds = (
        edges.join(labels, "left_outer", partitions, on=("a",), right_on=("node",))
        .map_batches(_label, batch_format="pyarrow")
        .repartition(partitions, keys=["comp"])
        .map_batches(_resolve_block, batch_format="pyarrow", batch_size=None, fn_kwargs={"options": options})
        .materialize()  # sort samples its input first: compute it once
        .sort(["rk", "uid"])
        .materialize()
    )
    return _Matching(n_units, n_cand, n_edges, True, rounds, clusters_ds, edges)


@dataclass
class DedupOutput:
    """What :func:`dedup_dataset` gives.

    dataset: the input rows without their dropped paragraphs (at
    ``level="document"``, without the dropped rows); lazy.  In input order
    when the clusters were found on the driver; after a join (more than
    ``max_driver_edges`` edges) in no particular order: sort by the
    position column if it matters.
    clusters: one row per cluster in the order of its kept member, numbered
    as the local ``--clusters`` file: ``cluster``, ``kept_doc``, ``uid``
    (the kept unit: ``position << 24 | paragraph``), ``m_uid`` and
    ``m_score`` (the dropped members), and ``record``, the rest of the
    local record as JSON (see :func:`cluster_record`).
    edges: the verified edges (``a``, ``b``: unit ids, ``a < b`` for
    verified pairs; ``score``; ``exact``: an exact member ``b`` and its
    representative ``a``; and both units' documents and spans).
    units, candidates, edges, dropped: counts, as the command's summary
    gives them (``n_edges``: the number of edges); ``distributed``: whether
    the clusters were found on the cluster (connected components in
    ``rounds`` rounds).
    """

    dataset: ray.data.Dataset
    clusters: ray.data.Dataset
    edges: ray.data.Dataset
    units: int
    candidates: int
    n_edges: int
    dropped: int
    distributed: bool
    rounds: int


def _numbered_clusters(m: _Matching) -> ray.data.Dataset:
    ray = require_ray()
    pa = _pa()
    if isinstance(m.clusters, pa.Table):
        t = m.clusters
        return ray.data.from_arrow(t.append_column("cluster", pa.array(np.arange(t.num_rows, dtype=np.int64))))
    return _with_positions(m.clusters, "cluster")


def _apply_rows(t: pa.Table, *, drops: _DropIndex, text: str, pos: str, name: str | None, options: DedupOptions, with_edits: bool) -> pa.Table:
    """Remove the dropped units of a batch of documents (and, at document
    level, the dropped documents)."""
    pa = _pa()
    texts = t.column(text).to_pylist()
    positions = _np(t.column(pos)).tolist()
    names = [str(v) for v in t.column(name).to_pylist()] if name else [str(v) for v in positions]
    out: list[str | None] = []
    edits: list[str] = []
    keep = np.ones(t.num_rows, dtype=bool)
    for i, (tx, ps, nm) in enumerate(zip(texts, positions, names)):
        ds_ = drops.get(ps)
        if not ds_ or tx is None:
            out.append(tx)
            edits.append("[]")
            continue
        res = doc_result(options, nm, ps, tx, ds_)
        o = res.output(0, tx)
        if o is None:
            keep[i] = False
        out.append(o)
        if with_edits:
            edits.append(json.dumps([e.to_dict() for e in res.edits(0, tx)], ensure_ascii=False))
    col = t.column(text)
    t = t.set_column(t.schema.get_field_index(text), text, pa.array(out, type=col.type))
    if with_edits:
        t = t.append_column("cleaner_edits", pa.array(edits, type=pa.string()))
    return t.filter(pa.array(keep)) if not keep.all() else t


def _apply_broadcast(t: pa.Table, *, blocks: list[tuple[int, int, Any]], pos: str, **kw: Any) -> pa.Table:
    positions = _np(t.column(pos))
    if not len(positions):
        return t
    return _apply_rows(t, drops=_fetch_drops(blocks, int(positions.min()), int(positions.max())), pos=pos, **kw)


def _group_drops(t: pa.Table) -> pa.Table:
    """Drops of a block holding whole documents, one row per document."""
    pa = _pa()
    t = t.sort_by([("pos", "ascending"), ("para", "ascending")])
    starts, _ = _groups(_np(t.column("pos")))
    offsets = pa.array(np.concatenate((starts, [t.num_rows])).astype(np.int32))
    cols = {"__drops_pos": t.column("pos").take(pa.array(starts))}
    for n in _DROP_COLS:
        cols[f"__drops_{n}"] = pa.ListArray.from_arrays(offsets, t.column(n).combine_chunks())
    return pa.table(cols)


def _apply_joined(t: pa.Table, *, pos: str, **kw: Any) -> pa.Table:
    pa = _pa()
    lists = [t.column(f"__drops_{n}").to_pylist() for n in _DROP_COLS]
    rows: dict[str, list[Any]] = {"pos": [], **{n: [] for n in _DROP_COLS}}
    for ps, *cols in zip(_np(t.column(pos)).tolist(), *lists):
        if cols[0] is None:
            continue
        rows["pos"] += [ps] * len(cols[0])
        for n, c in zip(_DROP_COLS, cols):
            rows[n] += c
    table = pa.table(rows, schema=_drop_schema()).sort_by([("pos", "ascending"), ("para", "ascending")])
    t = t.drop_columns([f"__drops_{n}" for n in _DROP_COLS])
    return _apply_rows(t, drops=_DropIndex(table), pos=pos, **kw)


def dedup_dataset(
    ds: ray.data.Dataset,
    *,
    field: str = "text",
    id_field: str | None = None,
    position_field: str | None = None,
    options: DedupOptions | None = None,
    with_edits: bool = False,
    partitions: int | None = None,
    max_driver_edges: int = DRIVER_EDGES,
) -> DedupOutput:
    """Drop duplicate paragraphs (or documents) across a Ray dataset, with
    the clusters the local ``cleaner dedup`` finds on the same documents.

    field: the text column.  id_field: the column naming each document in
    the clusters and edits (default: its position).  position_field: an
    integer column giving each row's place in the corpus (unique, 0 to
    2**39); the kept member of a cluster is the first (``keep="first"``) by
    position, so this is what makes the result independent of blocks and
    row order.  Without it the rows are numbered in the dataset's order
    (which materialises the dataset).  options: :class:`DedupOptions`
    (``jobs`` and ``batch`` do not apply; ``batch // 8`` documents go to each
    analysis batch).  with_edits: add ``cleaner_edits`` (the drop edits as a
    JSON array).  partitions: of every shuffle (default: ``init``'s).
    max_driver_edges: see the module docstring.

    The matching runs now (it needs counts and the clusters); the returned
    ``dataset`` is lazy.  The SQLite index of earlier runs is not
    available here (use ``cleaner dedup --engine local --index``).
    """
    opt = options or DedupOptions()
    parts = _partitions(partitions)
    if position_field is None:
        ds = _with_positions(ds, _POS)
        pos = _POS
    else:
        pos = position_field
    m = _match(ds, text=field, pos=pos, name=id_field, options=opt, partitions=parts, max_driver_edges=max_driver_edges)
    kw = {"text": field, "pos": pos, "name": id_field, "options": opt, "with_edits": with_edits}
    drops = m.drops()
    if not m.distributed:
        out = ds.map_batches(_apply_broadcast, batch_format="pyarrow", fn_kwargs={"blocks": _drop_blocks(drops), **kw})  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
    else:
        grouped = drops.repartition(parts, keys=["pos"]).map_batches(_group_drops, batch_format="pyarrow", batch_size=None)
        out = ds.join(grouped, "left_outer", parts, on=(pos,), right_on=("__drops_pos",)).map_batches(
            _apply_joined, batch_format="pyarrow", fn_kwargs=kw  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
        )
    if position_field is None:
        out = out.drop_columns([_POS])
    return DedupOutput(out, _numbered_clusters(m), m.pairs, m.units, m.candidates, m.edges, m.dropped, m.distributed, m.rounds)


# -- the command's path: JSON Lines files ------------------------------------------------


def _read_docs(batch: pa.Table, *, field: str) -> pa.Table:
    """The documents of some chunks: position, name (``file:line``), text."""
    pa = _pa()
    pos: list[int] = []
    names: list[str] = []
    texts: list[str] = []
    for source, path, start, end, first, first_pos in zip(
        *(batch.column(n).to_pylist() for n in ("source", "path", "start", "end", "first_line", "first_pos"))
    ):
        for k, raw in enumerate(split_lines(_read(path, start, end))):
            item = parse_record(raw, first + k, source, field)
            if item is None:
                continue
            if not isinstance(item, Document):  # the first pass checked every record
                raise ValueError(f"{source}: line {first + k}: {item.reason} (the file changed during the run)")
            pos.append(first_pos + k)
            names.append(item.id)
            texts.append(item.text)
    return pa.table({"pos": pa.array(pos, type=pa.int64()), "name": pa.array(names, type=pa.string()), "text": _enc(texts)})


def _emit_chunks(batch: pa.Table, *, field: str, options: DedupOptions, blocks: list[tuple[int, int, Any]], report: bool) -> pa.Table:
    """Output and report rows of every record of some chunks, rendered by
    the command's own code (:func:`cleaner.dedup.cli.render_record`)."""
    from .dedup.cli import render_record

    pa = _pa()
    outs: list[bytes | None] = []
    rows: list[bytes] = []
    for source, path, start, end, first, first_pos in zip(
        *(batch.column(n).to_pylist() for n in ("source", "path", "start", "end", "first_line", "first_pos"))
    ):
        lines = split_lines(_read(path, start, end))
        drops = _fetch_drops(blocks, first_pos, first_pos + len(lines))
        for k, raw in enumerate(lines):
            doc = parse_record(raw, first + k, source, field)
            if doc is None:
                continue
            if not isinstance(doc, Document):
                raise ValueError(f"{source}: line {first + k}: {doc.reason} (the file changed during the run)")
            found = drops.get(first_pos + k)
            res = doc_result(options, doc.id, first_pos + k, doc.text, found) if found else None
            out, rep = render_record(res, 0, doc, report=report)
            outs.append(None if out is None else out.encode("utf-8", "surrogatepass"))
            rows.append(rep.encode("utf-8", "surrogatepass"))
    return pa.table({"output": pa.array(outs, type=pa.large_binary()), "report": pa.array(rows, type=pa.large_binary())})


@dataclass
class FilesDedup:
    """A dedup of JSON Lines files on Ray, matched; :meth:`records` and
    :meth:`cluster_lines` then give what ``cleaner dedup`` writes, in order."""

    documents: int
    bytes_in: int
    units: int
    candidates: int
    edges: int
    distributed: bool
    _matching: _Matching
    _emit: ray.data.Dataset

    @property
    def dropped(self) -> int:
        return self._matching.dropped

    def records(self) -> Iterator[tuple[str | None, str]]:
        """Per record, in input order: its output row (None: dropped) and its report rows."""
        for t in _arrow_batches(self._emit):
            for out, rep in zip(t.column("output").to_pylist(), t.column("report").to_pylist()):
                yield (None if out is None else out.decode("utf-8", "surrogatepass")), rep.decode("utf-8", "surrogatepass")

    def cluster_lines(self) -> Iterator[str]:
        """The ``--clusters`` rows, numbered in order."""
        number = 0
        for t in self._matching.cluster_tables():
            for record in t.column("record").to_pylist():
                yield cluster_line(number, record)
                number += 1


def dedup_jsonl_files(
    files: Sequence[str],
    options: DedupOptions,
    *,
    field: str = "text",
    report: bool = True,
    chunk_bytes: int | None = None,
    partitions: int | None = None,
    max_driver_edges: int = DRIVER_EDGES,
) -> FilesDedup:
    """``cleaner dedup --engine ray`` on JSON Lines files: a first parallel
    pass numbers the lines and stops at the first bad record (as the local
    command does, before writing anything); the workers then read the
    documents in byte ranges, match them (:func:`dedup_dataset`'s stages),
    and render each record's output with the local command's code."""
    parts = _partitions(partitions)
    plan = _plan(files, chunk_bytes, field=field)
    docs = _chunk_dataset(plan.chunks).map_batches(_read_docs, batch_size=1, batch_format="pyarrow", fn_kwargs={"field": field})  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
    m = _match(docs, text="text", pos="pos", name="name", options=options, partitions=parts, max_driver_edges=max_driver_edges)
    blocks = _drop_blocks(m.drops())
    emit = _chunk_dataset(plan.chunks).map_batches(
        _emit_chunks, batch_size=1, batch_format="pyarrow", fn_kwargs={"field": field, "options": options, "blocks": blocks, "report": report}  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
    )
    return FilesDedup(plan.documents, plan.text_bytes, m.units, m.candidates, m.edges, m.distributed, m, emit)
