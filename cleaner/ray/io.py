"""Data in and out of Ray: Arrow helpers (pyarrow comes with Ray Data), unit
ids, and JSON Lines files cut into byte ranges at line ends.

>>> uid_of(3, 1), split_lines(b"a\\n\\nb")
(50331649, [b'a\\n', b'\\n', b'b'])
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from ..records import Document, parse_record, repeated_id_message
from .session import require_ray

if TYPE_CHECKING:
    import pyarrow as pa
    import ray.data

__all__ = [
    "MAX_POSITION",
    "PARA_BITS",
    "PARA_MASK",
    "LineChunk",
    "Plan",
    "arrow",
    "arrow_batches",
    "chunk_dataset",
    "concat_tables",
    "cut",
    "decode",
    "encode",
    "gather_table",
    "plan_chunks",
    "read_range",
    "repeated_id",
    "split_lines",
    "to_numpy",
    "uid_of",
    "with_positions",
]


#: a unit's id is ``position << PARA_BITS | paragraph``
PARA_BITS = 24


PARA_MASK = (1 << PARA_BITS) - 1


MAX_POSITION = (1 << (63 - PARA_BITS)) - 1


def uid_of(position: int, paragraph: int) -> int:
    """The id of paragraph ``paragraph`` of the document at ``position``:
    ids order units as the local engine numbers them (document order, then
    paragraph order)."""
    return (position << PARA_BITS) | paragraph


def arrow() -> ModuleType:
    import pyarrow

    return pyarrow


def encode(values: Sequence[str | None]) -> pa.Array:
    """Strings as binary (None as null): input text may hold lone surrogates
    (valid JSON, not valid UTF-8), which Arrow strings cannot."""
    pa = arrow()
    return pa.array([None if v is None else v.encode("utf-8", "surrogatepass") for v in values], type=pa.large_binary())


def decode(col: Any) -> list[str]:
    pa = arrow()
    if pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type):
        return [v.decode("utf-8", "surrogatepass") for v in col.to_pylist()]
    return list(col.to_pylist())


def to_numpy(col: Any, dtype: Any = np.int64) -> npt.NDArray[Any]:
    return np.asarray(col.to_numpy(zero_copy_only=False), dtype=dtype)


def gather_table(ds: ray.data.Dataset) -> pa.Table | None:
    """All rows of a (small) dataset on the driver, in order (None: no rows)."""
    pa = arrow()
    tables = [t for t in arrow_batches(ds) if t.num_rows]
    return pa.concat_tables(tables) if tables else None


def arrow_batches(ds: ray.data.Dataset) -> Iterator[pa.Table]:
    """The blocks of a dataset on the driver, in order, as Arrow tables."""
    for t in ds.iter_batches(batch_format="pyarrow", batch_size=None):
        yield cast("pa.Table", t)


def concat_tables(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    pa = arrow()
    tables = [t for t in tables if t.num_rows]
    return pa.concat_tables(tables) if tables else schema.empty_table()


def with_positions(ds: ray.data.Dataset, column: str) -> ray.data.Dataset:
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
    pa = arrow()
    return t.append_column(column, pa.array(np.arange(offset, offset + t.num_rows, dtype=np.int64)))


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


def cut(path: str, chunk_bytes: int) -> list[tuple[int, int]]:
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


def read_range(path: str, start: int, end: int) -> bytes:
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


def _scan(path: str, start: int, end: int, field: str | None, id_field: str | None) -> tuple[int, int, int, int, str]:
    """Newlines in a byte range; with ``field``, also the records, their text
    bytes and the first bad record (its index among the lines, its reason;
    with ``id_field``, a record without an id is bad too)."""
    data = read_range(path, start, end)
    if field is None:
        return data.count(b"\n"), 0, 0, -1, ""
    docs = nbytes = 0
    for k, raw in enumerate(split_lines(data)):
        item = parse_record(raw, k + 1, "", field, id_field=id_field)
        if item is None:
            continue
        if not isinstance(item, Document):
            return data.count(b"\n"), docs, nbytes, k, item.reason
        if id_field is not None and not _utf8(item.id):  # names are Arrow strings on Ray
            reason = f"id field {id_field!r} holds a lone surrogate, which the Ray engine cannot carry: use --engine local"
            return data.count(b"\n"), docs, nbytes, k, reason
        docs += 1
        nbytes += len(item.text.encode("utf-8", "surrogatepass"))
    return data.count(b"\n"), docs, nbytes, -1, ""


def _utf8(text: str) -> bool:
    """Whether Arrow can hold ``text`` as a string (JSON allows lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Plan:
    """The chunks of some files, their documents and text bytes, and the
    first bad record: ``(position, "FILE: line N: reason")``, or None."""

    chunks: list[LineChunk]
    documents: int
    text_bytes: int
    bad: tuple[int, str] | None = None

    def where(self, pos: int) -> tuple[str, int]:
        """The file (as named) and line number of the line at ``pos``."""
        c = self.chunks[bisect.bisect_right([c.first_pos for c in self.chunks], pos) - 1]
        return c.source, c.first_line + pos - c.first_pos


def plan_chunks(files: Sequence[str], chunk_bytes: int | None, *, field: str | None = None, id_field: str | None = None, most_bytes: int = 64 << 20) -> Plan:
    """Cut the files into chunks and number their lines (a parallel pass);
    with ``field``, find the first bad record (:attr:`Plan.bad`: the local
    engine stops there; ``id_field``: a record without an id is bad too).
    ``chunk_bytes`` None: four chunks per CPU, from 1 MiB to ``most_bytes``."""
    from ..errors import InputError

    ray = require_ray()
    if chunk_bytes is None:
        total = sum(os.path.getsize(f) for f in files)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        chunk_bytes = int(min(most_bytes, max(1 << 20, total // max(1, 4 * cpus))))
    ranges = [(i, f, s, e) for i, f in enumerate(files) for s, e in cut(f, chunk_bytes)]
    scan = ray.remote(_scan)
    found = ray.get([scan.remote(os.path.abspath(f), s, e, field, id_field) for _, f, s, e in ranges])
    chunks: list[LineChunk] = []
    base = 0
    line = 1
    prev = -1
    docs = nbytes = 0
    first_bad: tuple[int, str] | None = None
    for (i, f, s, e), (newlines, nd, nb, bad, reason) in zip(ranges, found):
        if i != prev:  # the next file (a file named twice is read twice, as locally)
            if prev >= 0:
                base += line  # every line of the previous file, and one more
            line, prev = 1, i
        if bad >= 0 and first_bad is None:
            first_bad = (base + line + bad, f"{f}: line {line + bad}: {reason}")
        chunks.append(LineChunk(f, os.path.abspath(f), s, e, line, base + line))
        line += newlines
        docs += nd
        nbytes += nb
    if base + line > MAX_POSITION:
        raise InputError(f"more than {MAX_POSITION} lines in the input: the Ray engine numbers units in 63 bits")
    return Plan(chunks, docs, nbytes, first_bad)


def _chunk_ids(batch: pa.Table, *, field: str, id_field: str) -> pa.Table:
    """The id and position of every good record of some chunks."""
    pa = arrow()
    ids: list[str] = []
    pos: list[int] = []
    for source, path, start, end, first, first_pos in zip(
        *(batch.column(n).to_pylist() for n in ("source", "path", "start", "end", "first_line", "first_pos"))
    ):
        for k, raw in enumerate(split_lines(read_range(path, start, end))):
            item = parse_record(raw, first + k, source, field, id_field=id_field)
            if isinstance(item, Document):
                ids.append(item.id)
                pos.append(first_pos + k)
    return pa.table({"id": encode(ids), "pos": pa.array(pos, type=pa.int64())})


def _first_repeat(t: pa.Table) -> pa.Table:
    """In a block holding every use of its ids: the earliest record whose id
    an earlier record has (``pos``), and that earlier record (``first``)."""
    pa = arrow()
    first: dict[bytes, int] = {}
    positions = to_numpy(t.column("pos"))
    ids = t.column("id").to_pylist()
    for i in np.argsort(positions, kind="stable").tolist():
        seen = first.setdefault(ids[i], int(positions[i]))
        if seen != positions[i]:
            return pa.table({"pos": [int(positions[i])], "first": [seen], "id": pa.array([ids[i]], type=pa.large_binary())})
    return pa.table({"pos": pa.array([], pa.int64()), "first": pa.array([], pa.int64()), "id": pa.array([], pa.large_binary())})


def repeated_id(plan: Plan, *, field: str, id_field: str, partitions: int) -> tuple[int, str] | None:
    """The first record (in input order) whose id (``id_field``) an earlier
    record has, as the local ``cleaner dedup`` names it: ``(position,
    message)``; None when every id is used once.  The ids are grouped by a
    keyed repartition, so no machine holds all of them."""
    repeats = gather_table(
        chunk_dataset(plan.chunks)
        .map_batches(_chunk_ids, batch_size=1, batch_format="pyarrow", fn_kwargs={"field": field, "id_field": id_field})  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
        .repartition(partitions, keys=["id"])
        .map_batches(_first_repeat, batch_format="pyarrow", batch_size=None)
    )
    if repeats is None:
        return None
    k = int(np.argmin(to_numpy(repeats.column("pos"))))
    pos, first = int(repeats.column("pos")[k].as_py()), int(repeats.column("first")[k].as_py())
    doc_id = decode(repeats.column("id").slice(k, 1))[0]
    (path, line), (first_path, first_line) = plan.where(pos), plan.where(first)
    return pos, repeated_id_message(f"{path}:{line}", doc_id, id_field, f"{first_path}:{first_line}")


def _chunk_rows(chunks: Sequence[LineChunk]) -> list[dict[str, Any]]:
    return [
        {"source": c.source, "path": c.path, "start": c.start, "end": c.end, "first_line": c.first_line, "first_pos": c.first_pos}
        for c in chunks
    ]


def chunk_dataset(chunks: Sequence[LineChunk]) -> ray.data.Dataset:
    ray = require_ray()
    return ray.data.from_items(_chunk_rows(chunks), override_num_blocks=max(1, len(chunks)))
