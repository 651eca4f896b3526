"""Connected components of the verified edges on Ray Data: the star rounds
of :mod:`cleaner.dedup.components`, each step on blocks of rows
repartitioned by node, until a round changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..dedup.components import large_star, small_star
from .io import arrow, to_numpy

if TYPE_CHECKING:
    import pyarrow as pa
    import ray.data

__all__ = ["find_components", "label_edges"]


def _cc_schema() -> pa.Schema:
    pa = arrow()
    return pa.schema([("hi", pa.int64()), ("lo", pa.int64()), ("changed", pa.int64())])


def _both_ways(t: pa.Table) -> pa.Table:
    pa = arrow()
    hi, lo = to_numpy(t.column("hi")), to_numpy(t.column("lo"))
    return pa.table({"u": pa.array(np.concatenate([hi, lo])), "v": pa.array(np.concatenate([lo, hi]))})


def _large_star_block(t: pa.Table) -> pa.Table:
    pa = arrow()
    hi, lo, changed = large_star(to_numpy(t.column("u")), to_numpy(t.column("v")))
    flags = np.zeros(len(hi), dtype=np.int64)
    flags[:1] = changed  # the block's count, once
    return pa.table({"hi": pa.array(hi), "lo": pa.array(lo), "changed": pa.array(flags)}, schema=_cc_schema())


def _small_star_block(t: pa.Table) -> pa.Table:
    pa = arrow()
    hi, lo, changed = small_star(to_numpy(t.column("hi")), to_numpy(t.column("lo")))
    flags = np.zeros(len(hi), dtype=np.int64)
    flags[:1] = changed
    return pa.table({"hi": pa.array(hi), "lo": pa.array(lo), "changed": pa.array(flags)}, schema=_cc_schema())


def _orient(t: pa.Table) -> pa.Table:
    pa = arrow()
    a, b = to_numpy(t.column("a")), to_numpy(t.column("b"))
    return pa.table({"hi": pa.array(np.maximum(a, b)), "lo": pa.array(np.minimum(a, b))})


def find_components(edges: ray.data.Dataset, partitions: int) -> tuple[ray.data.Dataset, int]:
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


def label_edges(t: pa.Table) -> pa.Table:
    """Each edge's component: its first end's, or that end itself when it is
    the smallest node of the component (no label row)."""
    pa = arrow()
    comp = pa.compute.coalesce(t.column("comp"), t.column("a"))
    return t.drop_columns(["comp"]).append_column("comp", comp)
