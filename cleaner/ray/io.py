"""Data in and out of Ray: Arrow helpers (pyarrow comes with Ray Data), unit
ids, and JSON Lines files cut into byte ranges at line ends.

>>> uid_of(3, 1), split_lines(b"a\\n\\nb")
(50331649, [b'a\\n', b'\\n', b'b'])
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from ..records import Document, parse_record
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


def encode(values: Sequence[str]) -> pa.Array:
    """Strings as binary: input text may hold lone surrogates (valid JSON,
    not valid UTF-8), which Arrow strings cannot."""
    pa = arrow()
    return pa.array([v.encode("utf-8", "surrogatepass") for v in values], type=pa.large_binary())


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


def _scan(path: str, start: int, end: int, field: str | None) -> tuple[int, int, int, int, str]:
    """Newlines in a byte range; with ``field``, also the records, their text
    bytes and the first bad record (its index among the lines, its reason)."""
    data = read_range(path, start, end)
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
class Plan:
    chunks: list[LineChunk]
    documents: int
    text_bytes: int


def plan_chunks(files: Sequence[str], chunk_bytes: int | None, *, field: str | None = None) -> Plan:
    """Cut the files into chunks and number their lines (a parallel pass);
    with ``field``, stop at the first bad record as the local engine does."""
    from ..errors import InputError

    ray = require_ray()
    if chunk_bytes is None:
        total = sum(os.path.getsize(f) for f in files)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        chunk_bytes = int(min(64 << 20, max(1 << 20, total // max(1, 4 * cpus))))
    ranges = [(i, f, s, e) for i, f in enumerate(files) for s, e in cut(f, chunk_bytes)]
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
    if base + line > MAX_POSITION:
        raise InputError(f"more than {MAX_POSITION} lines in the input: the Ray engine numbers units in 63 bits")
    return Plan(chunks, docs, nbytes)


def _chunk_rows(chunks: Sequence[LineChunk]) -> list[dict[str, Any]]:
    return [
        {"source": c.source, "path": c.path, "start": c.start, "end": c.end, "first_line": c.first_line, "first_pos": c.first_pos}
        for c in chunks
    ]


def chunk_dataset(chunks: Sequence[LineChunk]) -> ray.data.Dataset:
    ray = require_ray()
    return ray.data.from_items(_chunk_rows(chunks), override_num_blocks=max(1, len(chunks)))
