"""Cleaning on Ray: a column of a Ray dataset (:func:`clean_dataset`), or the
records of JSON Lines files as ``cleaner clean --engine ray`` writes them
(:func:`clean_jsonl_files`, the local command's own
:func:`cleaner.runner.clean_line` in the workers)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..config import Config, make_config
from ..pipeline import explain
from ..runner import CleanedLine, clean_line
from .io import arrow, arrow_batches, chunk_dataset, decode, encode, plan_chunks, read_range, split_lines

if TYPE_CHECKING:
    import pyarrow as pa
    import ray.data

__all__ = ["clean_dataset", "clean_jsonl_files"]


def _config(config: Config | None, options: dict[str, Any]) -> Config:
    if config is None:
        return make_config(**options)
    return config.replace(**options) if options else config


def _clean_table(table: pa.Table, *, config: Config, field: str, with_edits: bool) -> pa.Table:
    pa = arrow()
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
    pa = arrow()
    cols: dict[str, Any] = {}
    for name in _LINE_FIELDS:
        values = [getattr(r, name) for r in rows]
        if name in ("source", "output", "report", "bad", "quarantine"):
            cols[name] = encode(values)
        elif name == "rules":
            cols[name] = pa.array([list(v) for v in values], type=pa.list_(pa.string()))
        else:
            cols[name] = pa.array(values, type=pa.int64())
    return pa.table(cols)


def _lines_of(table: pa.Table) -> Iterator[CleanedLine]:
    text = [decode(table.column(n)) for n in ("source", "output", "report", "bad", "quarantine")]
    ints = [table.column(n).to_pylist() for n in ("line", "nbytes", "chars_in", "chars_out", "suggestions")]
    for (source, output, report, bad, quarantine), (line, nbytes, chars_in, chars_out, suggestions), rules in zip(
        zip(*text), zip(*ints), table.column("rules").to_pylist()
    ):
        yield CleanedLine(source, line, output, report, bad, quarantine, nbytes, chars_in, chars_out, suggestions, tuple(rules))


def _clean_chunks(batch: pa.Table, *, config: Config, field: str, report: bool, id_field: str | None) -> pa.Table:
    rows: list[CleanedLine] = []
    for source, path, start, end, first in zip(*(batch.column(n).to_pylist() for n in ("source", "path", "start", "end", "first_line"))):
        for k, raw in enumerate(split_lines(read_range(path, start, end))):
            c = clean_line(source, first + k, raw, config, field_name=field, report=report, id_field=id_field)
            if c is not None:
                rows.append(c)
    return _lines_table(rows)


def clean_jsonl_files(
    files: Sequence[str],
    config: Config,
    *,
    field: str = "text",
    report: bool = True,
    id_field: str | None = None,
    chunk_bytes: int | None = None,
) -> Iterator[CleanedLine]:
    """The records of JSON Lines files cleaned by Ray workers with
    :func:`cleaner.runner.clean_line`, in input order (what ``cleaner clean
    --engine ray`` writes; with ``id_field`` report rows name a record by
    its own id, and a record without one is bad).

    The files are cut into byte ranges at line ends (about ``chunk_bytes``;
    default: four per CPU of the cluster, 1 to 64 MiB), whose lines are
    numbered in a first parallel pass; the workers read the ranges by path,
    so the files must be where every worker sees them.
    """
    plan = plan_chunks(files, chunk_bytes)
    ds = chunk_dataset(plan.chunks).map_batches(
        _clean_chunks, batch_size=1, batch_format="pyarrow", fn_kwargs={"config": config, "field": field, "report": report, "id_field": id_field}  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
    )
    for table in arrow_batches(ds):
        yield from _lines_of(table)
