"""Dropping the paragraphs of the clusters from the documents: drop rows by
document position, broadcast in blocks or joined to the documents, and
one-document results whose output, edits and report rows are the local
engine's (:func:`doc_result`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..dedup import phases
from ..dedup.components import runs
from ..dedup.corpus import DedupOptions, DedupResult, UnitTable
from ..dedup.split import split_paragraphs
from .io import PARA_BITS, PARA_MASK, arrow, concat_tables, to_numpy
from .session import require_ray

if TYPE_CHECKING:
    import pyarrow as pa
    import ray.data

__all__ = [
    "DROP_COLS",
    "Drop",
    "DropIndex",
    "apply_broadcast",
    "apply_joined",
    "doc_result",
    "drop_blocks",
    "drop_schema",
    "drops_of",
    "fetch_drops",
    "group_drops",
]


#: a dropped unit of a document: (paragraph, kept uid, kept document, kept start, kept end, score)
Drop = tuple[int, int, str, int, int, float]


DROP_COLS = ("para", "ref", "ref_doc", "ref_start", "ref_end", "score")


def drop_schema() -> pa.Schema:
    pa = arrow()
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


def drops_of(t: pa.Table) -> pa.Table:
    """One row per dropped unit of some clusters, sorted by position."""
    pa = arrow()
    sizes = np.asarray(pa.compute.list_value_length(t.column("m_uid")).to_numpy(zero_copy_only=False), dtype=np.int64)
    muid = to_numpy(pa.compute.list_flatten(t.column("m_uid")))
    idx = pa.array(np.repeat(np.arange(t.num_rows), sizes))
    out = pa.table(
        {
            "pos": pa.array(muid >> PARA_BITS),
            "para": pa.array(muid & PARA_MASK),
            "ref": t.column("uid").take(idx),
            "ref_doc": t.column("kept_doc").take(idx),
            "ref_start": t.column("kept_start").take(idx),
            "ref_end": t.column("kept_end").take(idx),
            "score": pa.compute.list_flatten(t.column("m_score")),
        },
        schema=drop_schema(),
    )
    return out.sort_by([("pos", "ascending"), ("para", "ascending")])


class DropIndex:
    """Drops by document position, from a table sorted by position."""

    def __init__(self, table: pa.Table) -> None:
        self.pos = to_numpy(table.column("pos"))
        self.cols = [table.column(n).to_pylist() for n in DROP_COLS]

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
        kpos, kpara = kept >> PARA_BITS, kept & PARA_MASK
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
    units = UnitTable(doc_ids, i64([0, n]), i64(para), i64(start), i64(end), i64(doc_of))
    return DedupResult.from_phases(options, units, phases.Resolution(i64(ref), np.asarray(score, dtype=np.float64)), phases.Edges())


def drop_blocks(drops: ray.data.Dataset | pa.Table) -> list[tuple[int, int, Any]]:
    """Drops sorted by position in blocks, each with its range of positions:
    ``(first, last, ObjectRef)``."""
    ray = require_ray()
    pa = arrow()
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
    pos = to_numpy(t.column("pos"))
    return int(pos.min()), int(pos.max())


def fetch_drops(blocks: Sequence[tuple[int, int, Any]], lo: int, hi: int) -> DropIndex:
    """The drops of positions ``lo..hi`` (inclusive), from the overlapping blocks."""
    import ray

    tables = [ray.get(ref) for first, last, ref in blocks if first <= hi and last >= lo]
    return DropIndex(concat_tables(tables, drop_schema()))


def apply_rows(t: pa.Table, *, drops: DropIndex, text: str, pos: str, name: str | None, options: DedupOptions, with_edits: bool) -> pa.Table:
    """Remove the dropped units of a batch of documents (and, at document
    level, the dropped documents)."""
    pa = arrow()
    texts = t.column(text).to_pylist()
    positions = to_numpy(t.column(pos)).tolist()
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


def apply_broadcast(t: pa.Table, *, blocks: list[tuple[int, int, Any]], pos: str, **kw: Any) -> pa.Table:
    positions = to_numpy(t.column(pos))
    if not len(positions):
        return t
    return apply_rows(t, drops=fetch_drops(blocks, int(positions.min()), int(positions.max())), pos=pos, **kw)


def group_drops(t: pa.Table) -> pa.Table:
    """Drops of a block holding whole documents, one row per document."""
    pa = arrow()
    t = t.sort_by([("pos", "ascending"), ("para", "ascending")])
    starts, _ = runs(to_numpy(t.column("pos")))
    offsets = pa.array(np.concatenate((starts, [t.num_rows])).astype(np.int32))
    cols = {"__drops_pos": t.column("pos").take(pa.array(starts))}
    for n in DROP_COLS:
        cols[f"__drops_{n}"] = pa.ListArray.from_arrays(offsets, t.column(n).combine_chunks())
    return pa.table(cols)


def apply_joined(t: pa.Table, *, pos: str, **kw: Any) -> pa.Table:
    pa = arrow()
    lists = [t.column(f"__drops_{n}").to_pylist() for n in DROP_COLS]
    rows: dict[str, list[Any]] = {"pos": [], **{n: [] for n in DROP_COLS}}
    for ps, *cols in zip(to_numpy(t.column(pos)).tolist(), *lists):
        if cols[0] is None:
            continue
        rows["pos"] += [ps] * len(cols[0])
        for n, c in zip(DROP_COLS, cols):
            rows[n] += c
    table = pa.table(rows, schema=drop_schema()).sort_by([("pos", "ascending"), ("para", "ascending")])
    t = t.drop_columns([f"__drops_{n}" for n in DROP_COLS])
    return apply_rows(t, drops=DropIndex(table), pos=pos, **kw)
