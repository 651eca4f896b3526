"""Dedup on Ray: the stages scheduled on Ray Data (:func:`dedup_dataset` on a
dataset, :func:`dedup_jsonl_files` for ``cleaner dedup --engine ray``);
see :mod:`cleaner.ray` for how the data moves."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..dedup.corpus import DedupOptions
from ..errors import InputError
from ..records import Document, parse_record, render_record
from .clusters import cluster_line, resolve, resolve_block
from .components import find_components, label_edges
from .drops import apply_broadcast, apply_joined, doc_result, drop_blocks, drops_of, fetch_drops, group_drops
from .io import arrow, arrow_batches, chunk_dataset, encode, gather_table, plan_chunks, read_range, repeated_id, split_lines, with_positions
from .session import require_ray, shuffle_partitions
from .stages import (
    analyse_docs,
    band_rows,
    bucket_block,
    edge_schema,
    eligible_units,
    exact_edges,
    fuzzy_reps,
    mark_reps,
    side_table,
    unique_block,
    verify_block,
)

if TYPE_CHECKING:
    import pyarrow as pa
    import ray.data

__all__ = ["DRIVER_EDGES", "DedupOutput", "FilesDedup", "dedup_dataset", "dedup_jsonl_files"]


#: up to this many verified edges are clustered on the driver (about 0.7 KB each)
DRIVER_EDGES = 1_000_000


#: column names the engine adds to a user's rows (removed again)
_POS = "__cleaner_pos"


@dataclass
class Matching:
    units: int
    candidates: int
    edges: int
    distributed: bool
    rounds: int
    clusters: pa.Table | ray.data.Dataset  # cluster rows in order (a Dataset: sorted, not numbered)
    pairs: ray.data.Dataset  # the verified edges (materialised)

    def cluster_tables(self) -> Iterator[pa.Table]:
        pa = arrow()
        if isinstance(self.clusters, pa.Table):
            yield self.clusters
        else:
            yield from arrow_batches(self.clusters)

    def drops(self) -> pa.Table | ray.data.Dataset:
        pa = arrow()
        if isinstance(self.clusters, pa.Table):
            return drops_of(self.clusters)
        return self.clusters.map_batches(drops_of, batch_format="pyarrow")

    @property
    def dropped(self) -> int:
        pa = arrow()
        return sum(int(pa.compute.sum(pa.compute.list_value_length(t.column("m_uid"))).as_py() or 0) for t in self.cluster_tables())


def match(docs: ray.data.Dataset, *, text: str, pos: str, name: str | None, options: DedupOptions, partitions: int, max_driver_edges: int) -> Matching:
    """Units, exact groups, candidates, verdicts and clusters of a dataset of documents."""
    p = options.params
    units = docs.select_columns([text, pos] + ([name] if name else [])).map_batches(
        analyse_docs, batch_format="pyarrow", batch_size=max(1, options.batch // 8), fn_kwargs={"text": text, "pos": pos, "name": name, "options": options}  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
    ).materialize()
    n_units = units.count()
    marked = (
        units.map_batches(eligible_units, batch_format="pyarrow")
        .repartition(partitions, keys=["h0", "h1"])
        .map_batches(mark_reps, batch_format="pyarrow", batch_size=None, fn_kwargs={"keep": options.dedup_keep})
        .materialize()
    )
    del units
    exact = marked.map_batches(exact_edges, batch_format="pyarrow")
    reps = marked.map_batches(fuzzy_reps, batch_format="pyarrow").materialize()
    pairs = (
        reps.map_batches(band_rows, batch_format="pyarrow")
        .repartition(partitions, keys=["band", "bkey"])
        .map_batches(bucket_block, batch_format="pyarrow", batch_size=None, fn_kwargs={"bucket_cap": p.bucket_cap})
        .repartition(partitions, keys=["a", "b"])
        .map_batches(unique_block, batch_format="pyarrow", batch_size=None)
        .materialize()
    )
    n_cand = pairs.count()
    if n_cand:
        side_a = reps.map_batches(side_table, batch_format="pyarrow", fn_kwargs={"side": "a"})
        side_b = reps.map_batches(side_table, batch_format="pyarrow", fn_kwargs={"side": "b"})
        verified = (
            pairs.join(side_a, "inner", partitions, on=("a",))
            .join(side_b, "inner", partitions, on=("b",))
            .map_batches(verify_block, batch_format="pyarrow", fn_kwargs={"threshold": options.dedup_threshold, "numbers": options.numbers})
        )
        edges = exact.union(verified).materialize()
    else:
        edges = exact.materialize()
    del marked, reps, pairs
    n_edges = edges.count()
    if n_edges <= max_driver_edges:
        table = gather_table(edges)
        clusters = resolve(table if table is not None else edge_schema().empty_table(), options)
        return Matching(n_units, n_cand, n_edges, False, 0, clusters, edges)
    labels, rounds = find_components(edges.select_columns(["a", "b"]), partitions)
    clusters_ds = (
        edges.join(labels, "left_outer", partitions, on=("a",), right_on=("node",))
        .map_batches(label_edges, batch_format="pyarrow")
        .repartition(partitions, keys=["comp"])
        .map_batches(resolve_block, batch_format="pyarrow", batch_size=None, fn_kwargs={"options": options})
        .materialize()  # sort samples its input first: compute it once
        .sort(["rk", "uid"])
        .materialize()
    )
    return Matching(n_units, n_cand, n_edges, True, rounds, clusters_ds, edges)


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


def _numbered_clusters(m: Matching) -> ray.data.Dataset:
    ray = require_ray()
    pa = arrow()
    if isinstance(m.clusters, pa.Table):
        t = m.clusters
        return ray.data.from_arrow(t.append_column("cluster", pa.array(np.arange(t.num_rows, dtype=np.int64))))
    return with_positions(m.clusters, "cluster")


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
    max_driver_edges: see :mod:`cleaner.ray`.

    The matching runs now (it needs counts and the clusters); the returned
    ``dataset`` is lazy.  The SQLite index of earlier runs is not
    available here (use ``cleaner dedup --engine local --index``).
    """
    opt = options or DedupOptions()
    parts = shuffle_partitions(partitions)
    if position_field is None:
        ds = with_positions(ds, _POS)
        pos = _POS
    else:
        pos = position_field
    m = match(ds, text=field, pos=pos, name=id_field, options=opt, partitions=parts, max_driver_edges=max_driver_edges)
    kw = {"text": field, "pos": pos, "name": id_field, "options": opt, "with_edits": with_edits}
    drops = m.drops()
    if not m.distributed:
        out = ds.map_batches(apply_broadcast, batch_format="pyarrow", fn_kwargs={"blocks": drop_blocks(drops), **kw})  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
    else:
        grouped = drops.repartition(parts, keys=["pos"]).map_batches(group_drops, batch_format="pyarrow", batch_size=None)
        out = ds.join(grouped, "left_outer", parts, on=(pos,), right_on=("__drops_pos",)).map_batches(
            apply_joined, batch_format="pyarrow", fn_kwargs=kw  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
        )
    if position_field is None:
        out = out.drop_columns([_POS])
    return DedupOutput(out, _numbered_clusters(m), m.pairs, m.units, m.candidates, m.edges, m.dropped, m.distributed, m.rounds)


def _read_docs(batch: pa.Table, *, field: str, id_field: str | None) -> pa.Table:
    """The documents of some chunks: position, name (``file:line``, or the
    record's own id in ``id_field``), text."""
    pa = arrow()
    pos: list[int] = []
    names: list[str] = []
    texts: list[str] = []
    for source, path, start, end, first, first_pos in zip(
        *(batch.column(n).to_pylist() for n in ("source", "path", "start", "end", "first_line", "first_pos"))
    ):
        for k, raw in enumerate(split_lines(read_range(path, start, end))):
            item = parse_record(raw, first + k, source, field, id_field=id_field)
            if item is None:
                continue
            if not isinstance(item, Document):  # the first pass checked every record
                raise ValueError(f"{source}: line {first + k}: {item.reason} (the file changed during the run)")
            pos.append(first_pos + k)
            names.append(item.id)
            texts.append(item.text)
    return pa.table({"pos": pa.array(pos, type=pa.int64()), "name": pa.array(names, type=pa.string()), "text": encode(texts)})


def _emit_chunks(
    batch: pa.Table, *, field: str, id_field: str | None, options: DedupOptions, blocks: list[tuple[int, int, Any]], report: bool
) -> pa.Table:
    """Output and report rows of every record of some chunks, rendered by
    the command's own code (:func:`cleaner.records.render_record`), and the
    name of each record dedup left empty (null for the others)."""
    pa = arrow()
    outs: list[bytes | None] = []
    rows: list[bytes] = []
    emptied: list[str | None] = []
    for source, path, start, end, first, first_pos in zip(
        *(batch.column(n).to_pylist() for n in ("source", "path", "start", "end", "first_line", "first_pos"))
    ):
        lines = split_lines(read_range(path, start, end))
        drops = fetch_drops(blocks, first_pos, first_pos + len(lines))
        for k, raw in enumerate(lines):
            doc = parse_record(raw, first + k, source, field, id_field=id_field)
            if doc is None:
                continue
            if not isinstance(doc, Document):
                raise ValueError(f"{source}: line {first + k}: {doc.reason} (the file changed during the run)")
            found = drops.get(first_pos + k)
            res = doc_result(options, doc.id, first_pos + k, doc.text, found) if found else None
            out, rep = render_record(res, 0, doc, report=report)
            outs.append(None if out is None else out.encode("utf-8", "surrogatepass"))
            rows.append(rep.encode("utf-8", "surrogatepass"))
            # as the command's --drop-empty: it lost paragraphs, only whitespace is left
            empty = res is not None and not (res.output(0, doc.text) or "").strip()
            emptied.append(doc.id if empty else None)
    return pa.table(
        {
            "output": pa.array(outs, type=pa.large_binary()),
            "report": pa.array(rows, type=pa.large_binary()),
            "emptied": encode(emptied),
        }
    )


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
    _matching: Matching
    _emit: ray.data.Dataset

    @property
    def dropped(self) -> int:
        return self._matching.dropped

    def records(self) -> Iterator[tuple[str | None, str, str | None]]:
        """Per record, in input order: its output row (None: dropped), its
        report rows, and its name when dedup dropped paragraphs of it and
        left nothing but whitespace (what ``--drop-empty`` leaves out), else None."""
        for t in arrow_batches(self._emit):
            for out, rep, empty in zip(t.column("output").to_pylist(), t.column("report").to_pylist(), t.column("emptied").to_pylist()):
                yield (
                    None if out is None else out.decode("utf-8", "surrogatepass"),
                    rep.decode("utf-8", "surrogatepass"),
                    None if empty is None else empty.decode("utf-8", "surrogatepass"),
                )

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
    id_field: str | None = None,
    report: bool = True,
    chunk_bytes: int | None = None,
    partitions: int | None = None,
    max_driver_edges: int = DRIVER_EDGES,
) -> FilesDedup:
    """``cleaner dedup --engine ray`` on JSON Lines files: a first parallel
    pass numbers the lines and stops at the first bad record (as the local
    command does, before writing anything); with ``id_field`` records are
    named by their own id, and a record without one, or with the id of an
    earlier record, is bad input too.  The workers then read the documents
    in byte ranges, match them (:func:`dedup_dataset`'s stages), and render
    each record's output with the local command's code."""
    parts = shuffle_partitions(partitions)
    plan = plan_chunks(files, chunk_bytes, field=field, id_field=id_field)
    repeat = repeated_id(plan, field=field, id_field=id_field, partitions=parts) if id_field is not None else None
    problems = [p for p in (plan.bad, repeat) if p is not None]
    if problems:
        raise InputError(min(problems)[1])
    docs = chunk_dataset(plan.chunks).map_batches(_read_docs, batch_size=1, batch_format="pyarrow", fn_kwargs={"field": field, "id_field": id_field})  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
    m = match(docs, text="text", pos="pos", name="name", options=options, partitions=parts, max_driver_edges=max_driver_edges)
    blocks = drop_blocks(m.drops())
    kw = {"field": field, "id_field": id_field, "options": options, "blocks": blocks, "report": report}
    emit = chunk_dataset(plan.chunks).map_batches(_emit_chunks, batch_size=1, batch_format="pyarrow", fn_kwargs=kw)  # type: ignore[arg-type]  # fn_kwargs gives the keyword-only arguments
    return FilesDedup(plan.documents, plan.text_bytes, m.units, m.candidates, m.edges, m.distributed, m, emit)
