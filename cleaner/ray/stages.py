"""The dedup stages before clustering, pure functions on Arrow tables that
Ray Data runs on blocks: units (:func:`cleaner.dedup.corpus.analyse`), exact
groups, band rows, the candidate pairs of whole LSH buckets and the
verdict (:mod:`cleaner.dedup.phases`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..dedup import phases
from ..dedup.components import unique_rows
from ..dedup.corpus import DedupOptions, analyse
from ..dedup.rule import FUZZY_MIN_CHARS
from ..dedup.verify import length_ok
from .io import MAX_POSITION, PARA_BITS, PARA_MASK, arrow, decode, encode, to_numpy

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "analyse_docs",
    "band_rows",
    "bucket_block",
    "edge_schema",
    "eligible_units",
    "exact_edges",
    "fuzzy_reps",
    "mark_reps",
    "side_table",
    "unique_block",
    "verify_block",
]


def _unit_schema(bands: int) -> pa.Schema:
    pa = arrow()
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


def analyse_docs(
    t: pa.Table, *, text: str, pos: str, name: str | None, options: DedupOptions
) -> pa.Table:
    """One row per unit (paragraph, or document) of a batch of documents:
    what :func:`cleaner.dedup.corpus.analyse` computes, keyed by ``uid``."""
    pa = arrow()
    p = options.params
    fuzzy_min = max(options.dedup_min_chars, FUZZY_MIN_CHARS, 1)
    floor = max(options.dedup_min_chars, 1)
    texts = [x or "" for x in decode(t.column(text))]  # a null text has no units
    positions = to_numpy(t.column(pos))
    if len(positions) and (positions.min() < 0 or positions.max() > MAX_POSITION):
        raise ValueError(f"positions must be in [0, {MAX_POSITION}]")
    names = [str(v) for v in t.column(name).to_pylist()] if name else [str(v) for v in positions.tolist()]
    a = analyse(texts, level=options.level, params=p, fuzzy_min=fuzzy_min)
    if len(a.para) and a.para.max() > PARA_MASK:
        raise ValueError(f"a document has more than {PARA_MASK + 1} paragraphs")
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
            "key": encode(keys),
            "h0": pa.array(a.hashes[:, 0], type=pa.uint64()),
            "h1": pa.array(a.hashes[:, 1], type=pa.uint64()),
            "bands": pa.FixedSizeListArray.from_arrays(pa.array(a.bands.ravel(), type=pa.uint64()), p.bands),
            "doc": pa.array([names[d] for d in a.doc.tolist()], type=pa.string()),
        },
        schema=_unit_schema(p.bands),
    )


def eligible_units(t: pa.Table) -> pa.Table:
    return t.filter(t.column("eligible"))


def _local_rank(uid: npt.NDArray[np.int64], start: npt.NDArray[np.int64], end: npt.NDArray[np.int64], keep: str) -> npt.NDArray[np.int64]:
    """Ranks of some units in the order :func:`~cleaner.dedup.clusters.ranks`
    gives all of them (first: by uid; longest: longest first, then uid)."""
    rk = -(end - start) if keep == "longest" else np.zeros(len(uid), dtype=np.int64)
    order = np.lexsort((uid, rk))
    rank = np.empty(len(uid), dtype=np.int64)
    rank[order] = np.arange(len(uid))
    return rank


def mark_reps(t: pa.Table, *, keep: str) -> pa.Table:
    """Exact groups of a block holding whole hash groups: each unit's
    representative (the best-ranked unit with its key) and its facts."""
    pa = arrow()
    uid, start, end = to_numpy(t.column("uid")), to_numpy(t.column("start")), to_numpy(t.column("end"))
    hashes = np.stack([to_numpy(t.column("h0"), np.uint64), to_numpy(t.column("h1"), np.uint64)], axis=1)
    rep = phases.exact(hashes, _local_rank(uid, start, end, keep), np.ones(len(uid), dtype=bool)).rep
    docs = t.column("doc").combine_chunks() if t.num_rows else pa.array([], type=pa.string())
    return (
        t.append_column("rep", pa.array(uid[rep], type=pa.int64()))
        .append_column("rep_doc", docs.take(pa.array(rep, type=pa.int64())))
        .append_column("rep_start", pa.array(start[rep], type=pa.int64()))
        .append_column("rep_end", pa.array(end[rep], type=pa.int64()))
    )


def edge_schema() -> pa.Schema:
    pa = arrow()
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


def exact_edges(t: pa.Table) -> pa.Table:
    """Each exact member with its representative, at 100."""
    pa = arrow()
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
        schema=edge_schema(),
    )


def fuzzy_reps(t: pa.Table) -> pa.Table:
    pa = arrow()
    return t.filter(pa.compute.and_(pa.compute.equal(t.column("rep"), t.column("uid")), t.column("fuzzy")))


def band_rows(t: pa.Table) -> pa.Table:
    """One row per band of each fuzzy representative: (band, band key, uid)."""
    pa = arrow()
    n = t.num_rows
    bands = t.column("bands").combine_chunks()
    width = bands.type.list_size
    keys = np.asarray(bands.flatten().to_numpy(zero_copy_only=False), dtype=np.uint64).reshape(n, width)
    uid = to_numpy(t.column("uid"))
    return pa.table(
        {
            "band": pa.array(np.tile(np.arange(width, dtype=np.int64), n)),
            "bkey": pa.array(keys.ravel(), type=pa.uint64()),
            "uid": pa.array(np.repeat(uid, width)),
        }
    )


def _pair_schema() -> pa.Schema:
    pa = arrow()
    return pa.schema([("a", pa.int64()), ("b", pa.int64())])


def bucket_block(t: pa.Table, *, bucket_cap: int) -> pa.Table:
    pa = arrow()
    p = phases.bucket_pairs(to_numpy(t.column("band")), to_numpy(t.column("bkey"), np.uint64), to_numpy(t.column("uid")), bucket_cap=bucket_cap)
    return pa.table({"a": pa.array(p[:, 0], type=pa.int64()), "b": pa.array(p[:, 1], type=pa.int64())}, schema=_pair_schema())


def unique_block(t: pa.Table) -> pa.Table:
    pa = arrow()
    p = unique_rows(np.stack([to_numpy(t.column("a")), to_numpy(t.column("b"))], axis=1))
    return pa.table({"a": pa.array(p[:, 0], type=pa.int64()), "b": pa.array(p[:, 1], type=pa.int64())}, schema=_pair_schema())


def side_table(t: pa.Table, side: str) -> pa.Table:
    """The representatives' keys and facts, named for one end of a pair."""
    return t.select(["uid", "key", "klen", "doc", "start", "end"]).rename_columns(
        [side, f"{side}_key", f"{side}_klen", f"{side}_doc", f"{side}_start", f"{side}_end"]
    )


def verify_block(t: pa.Table, *, threshold: float, numbers: bool) -> pa.Table:
    """The verdict on candidate pairs joined to both keys (:func:`cleaner.dedup.phases.verdicts`)."""
    pa = arrow()
    ok = length_ok(to_numpy(t.column("a_klen")), to_numpy(t.column("b_klen")), threshold)
    t = t.filter(pa.array(ok))
    ka, kb = decode(t.column("a_key")), decode(t.column("b_key"))
    keep, s = phases.verdicts(ka, kb, threshold=threshold, numbers=numbers)
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
        schema=edge_schema(),
    )
