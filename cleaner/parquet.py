"""Parquet tables: one document per row of the text column, written back
with only that column's values changed.

A row is named ``path:N``, N counting rows from 1 across the file's row
groups (as lines are counted in JSON Lines), or by its own id in a column
of strings or integers (``id_field``, as ``--id-field`` names a JSON Lines
record; :func:`cleaner.records.record_id`).  A null in the text column is
not a document: it stays null.  Writing keeps everything else: the other
columns as read, the schema (types, nullability, metadata), the row groups
and each column's compression; a row group nothing changed in is written as
read.  Needs pyarrow (``pip install 'cleaner[parquet]'``), imported when a
Parquet file is first met.

>>> is_parquet("corpus/part-0001.parquet"), is_parquet("a.jsonl")
(True, False)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from .errors import InputError, StorageError
from .records import Document, record_id
from .textio import open_file

__all__ = ["SUFFIX", "ParquetInput", "ParquetOutput", "is_parquet", "parquet_documents", "require_pyarrow", "write_rows"]

SUFFIX = ".parquet"
#: what ``pip install`` line the missing-pyarrow message gives
INSTALL = "pip install 'cleaner[parquet]'"
#: the compression names a Parquet file records -> those pyarrow writes
_CODECS = {"UNCOMPRESSED": "NONE", "LZ4_RAW": "LZ4"}


def is_parquet(path: str) -> bool:
    """Whether ``path`` names a Parquet file (by its extension, any case)."""
    return path.lower().endswith(SUFFIX)


def require_pyarrow() -> Any:
    """The ``pyarrow.parquet`` module; :class:`ImportError` saying how to install it."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError(f"reading and writing Parquet needs pyarrow: {INSTALL}") from None
    return pq


def _id_type(pa: Any, t: Any) -> bool:
    """Whether the Arrow type ``t`` holds ids: strings or integers (dictionary-encoded too)."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    return bool(_text_type(pa, t) or pa.types.is_integer(t))


def _text_type(pa: Any, t: Any) -> bool:
    """Whether the Arrow type ``t`` holds strings (plain, large, view, or dictionary-encoded)."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    view = getattr(pa.types, "is_string_view", lambda _: False)
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or view(t))


class ParquetInput:
    """A Parquet file opened for reading, its text column ``field`` checked;
    :class:`InputError` naming the file when it is not Parquet, is damaged
    or has no string column ``field`` (nor a column ``id_field`` of strings
    or integers, when given)."""

    def __init__(self, path: str, field: str, *, id_field: str | None = None) -> None:
        pq = require_pyarrow()
        import pyarrow as pa

        self.path, self.field, self.id_field = path, field, id_field
        self.fh = open_file(path)
        try:
            self.file = pq.ParquetFile(self.fh)
            self.schema = self.file.schema_arrow
        except (pa.ArrowException, OSError) as exc:
            self.fh.close()
            raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
        try:
            self._check_field(pa)
        except InputError:
            self.close()
            raise

    def _check_field(self, pa: Any) -> None:
        path, field = self.path, self.field
        if field not in self.schema.names:
            raise InputError(f"{path}: no column {field!r} (columns: {', '.join(self.schema.names)}); use --field to choose one")
        if self.schema.names.count(field) > 1:
            raise InputError(f"{path}: column {field!r} appears {self.schema.names.count(field)} times; keep one")
        t = self.schema.field(field).type
        if not _text_type(pa, t):
            raise InputError(f"{path}: column {field!r} holds {t}, not strings; use --field to choose a text column")
        if self.id_field is not None:
            self._check_id_field(pa)

    def _check_id_field(self, pa: Any) -> None:
        path, name, names = self.path, self.id_field, self.schema.names
        if name not in names:
            raise InputError(f"{path}: no column {name!r} (columns: {', '.join(names)}); --id-field names the column holding each row's id")
        if names.count(name) > 1:
            raise InputError(f"{path}: column {name!r} appears {names.count(name)} times; keep one")
        t = self.schema.field(name).type
        if not _id_type(pa, t):
            raise InputError(f"{path}: column {name!r} holds {t}, not strings or integers; --id-field names a column of ids")

    def __enter__(self) -> ParquetInput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the file (its schema stays readable)."""
        self.file.close()
        self.fh.close()

    def compression(self) -> dict[str, str] | str:
        """Each column's compression as the file has it (its first row group's), for the writer."""
        md = self.file.metadata
        if md.num_row_groups == 0:
            return "snappy"
        group = md.row_group(0)
        codecs = {}
        for j in range(group.num_columns):
            col = group.column(j)
            codecs[col.path_in_schema] = _CODECS.get(col.compression, col.compression)
        return codecs

    def tables(self, *, columns: Sequence[str] | None = None) -> Iterator[Any]:
        """Each row group as a table (all columns, or ``columns``), in order."""
        import pyarrow as pa

        for i in range(self.file.num_row_groups):
            try:
                yield self.file.read_row_group(i, columns=columns)
            except (pa.ArrowException, OSError) as exc:
                raise InputError(f"{self.path}: row group {i}: cannot read it ({exc})") from None


def _values(column: Any, path: str, before: int, what: str = "the text") -> list[Any]:
    """The values of a row group's column (``before`` rows before it in the
    file; ``what`` it holds); :class:`InputError` naming the row whose bytes
    are not UTF-8."""
    try:
        return list(column.to_pylist())
    except UnicodeDecodeError:
        for i in range(len(column)):
            try:
                column[i].as_py()
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}: row {before + i + 1}: {what} is not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
        raise


def _row_id(value: Any, where: str, id_field: str) -> str:
    """The id of the row ``where`` (``path:N``): :func:`record_id` of its
    ``id_field`` value; :class:`InputError` naming the row otherwise."""
    try:
        return record_id({id_field: value}, id_field)
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None


def parquet_documents(files: Iterable[str], field: str, *, id_field: str | None = None) -> Iterator[Document]:
    """One document per row of ``files`` whose column ``field`` is not null,
    named ``path:N`` (N from 1) or by its ``id_field`` (its ``where`` is
    ``path:N`` then; a row whose id is null or empty is bad input), read
    one row group at a time; ``nbytes`` is the UTF-8 size of the text."""
    for path in files:
        with ParquetInput(path, field, id_field=id_field) as src:
            row = 0
            columns = [field] if id_field is None else [field, id_field]
            for table in src.tables(columns=columns):
                texts = _values(table.column(0), path, row)
                ids = texts if id_field is None else _values(table.column(1), path, row, "the id")
                for value, given in zip(texts, ids):
                    row += 1
                    if value is None:
                        continue
                    where = f"{path}:{row}"
                    doc_id = where if id_field is None else _row_id(given, where, id_field)
                    yield Document(doc_id, value, "utf-8", nbytes=len(value.encode("utf-8", "surrogatepass")), where=where)


class ParquetOutput:
    """A Parquet file being written to ``fh`` (named ``name`` in messages) with
    the schema and compression of the first input written to it; a later
    input must have the same columns.  :meth:`close` writes its footer."""

    def __init__(self, fh: IO[bytes], name: str) -> None:
        self.fh, self.name = fh, name
        self.writer: Any = None
        self.first: ParquetInput | None = None

    def start(self, src: ParquetInput) -> None:
        """Take rows of ``src`` from now on: the first input sets the schema."""
        pq = require_pyarrow()
        if self.first is None:
            self.first = src
            try:
                self.writer = pq.ParquetWriter(self.fh, src.schema, compression=src.compression())
            except OSError as exc:
                raise StorageError(self.name, exc) from None
        elif not src.schema.equals(self.first.schema, check_metadata=False):
            raise InputError(
                f"{src.path}: its columns differ from those of {self.first.path}, so they cannot go into one "
                f"Parquet file {self.name}; write them to --output-dir"
            )

    def write(self, table: Any) -> None:
        """One row group."""
        if table.num_rows == 0:
            return
        try:
            self.writer.write_table(table, row_group_size=table.num_rows)
        except OSError as exc:
            raise StorageError(self.name, exc) from None

    def close(self, *, ok: bool = True) -> None:
        """Write the footer (``ok``), or just let go of the writer after an error."""
        writer, self.writer = self.writer, None
        if writer is None:
            return
        if not ok:
            with contextlib.suppress(Exception):  # the run failed already; its output goes
                writer.close()
            return
        try:
            writer.close()
        except OSError as exc:
            raise StorageError(self.name, exc) from None


_END = object()


def _replaced(table: Any, field: str, values: list[str | None], keep: list[bool]) -> Any:
    """``table`` with the column ``field`` holding ``values`` and only the rows ``keep`` says."""
    import pyarrow as pa

    i = table.schema.get_field_index(field)
    f = table.schema.field(i)
    base = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
    column = pa.array(values, type=base)
    if base != f.type:
        column = column.cast(f.type)
    table = table.set_column(i, f, column)
    return table if all(keep) else table.filter(pa.array(keep, type=pa.bool_()))


def _changed(path: str) -> InputError:
    return InputError(f"{path}: changed while cleaner was running; run it again on a file nothing writes to")


def _rewritten(table: Any, field: str, results: Iterator[tuple[str, str | None]], path: str, before: int) -> Any:
    """One row group (``before`` rows before it in the file) with the new
    values ``results`` gives for its non-null rows (see :func:`write_rows`)."""
    values = _values(table.column(field), path, before)
    keep = [True] * len(values)
    changed = False
    for i, value in enumerate(values):
        if value is None:
            continue
        pair = next(results, None)
        if pair is None or pair[0] != value:
            raise _changed(path)
        new = pair[1]
        if new is None:
            keep[i], changed = False, True
        elif new != value:
            values[i], changed = new, True
    return _replaced(table, field, values, keep) if changed else table


def write_rows(files: Sequence[str], field: str, results: Iterable[tuple[str, str | None]], sink: Any) -> None:
    """Write the rows of the Parquet ``files`` to ``sink(src)`` (a
    :class:`ParquetOutput` for the :class:`ParquetInput` ``src``), one row
    group at a time, taking from ``results`` a pair per document of
    :func:`parquet_documents` in order: the text it had (checked against the
    row: the file must not change meanwhile) and the new one, or None to
    leave the row out."""
    it = iter(results)
    for path in files:
        with ParquetInput(path, field) as src:
            out = sink(src)
            out.start(src)
            before = 0
            for table in src.tables():
                out.write(_rewritten(table, field, it, path, before))
                before += table.num_rows
    if next(it, _END) is not _END:
        raise _changed(files[-1] if files else "an input")
