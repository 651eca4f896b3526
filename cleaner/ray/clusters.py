"""Clusters of whole components: the phases' clustering
(:func:`cleaner.dedup.phases.resolve`) and the cluster records of
:meth:`cleaner.dedup.corpus.DedupResult.clusters`, as Arrow rows."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..dedup import phases
from ..dedup.clusters import ranks
from ..dedup.corpus import DedupOptions, DedupResult, UnitTable
from ..records import json_line
from .io import PARA_MASK, arrow, to_numpy
from .stages import edge_schema

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["cluster_line", "cluster_record", "cluster_schema", "resolve", "resolve_block"]


def cluster_schema() -> pa.Schema:
    pa = arrow()
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


def _nodes(edges: pa.Table) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], UnitTable]:
    """The units the edges join (their uids, in order), each edge's ends as
    positions among them, and the units' documents and spans."""
    a, b = to_numpy(edges.column("a")), to_numpy(edges.column("b"))
    nodes, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    m = len(nodes)
    ia, ib = inv[: len(a)], inv[len(a) :]
    start = np.empty(m, dtype=np.int64)
    end = np.empty(m, dtype=np.int64)
    start[ia], end[ia] = to_numpy(edges.column("a_start")), to_numpy(edges.column("a_end"))
    start[ib], end[ib] = to_numpy(edges.column("b_start")), to_numpy(edges.column("b_end"))
    names: list[str] = [""] * m
    for i, d in zip(ia.tolist(), edges.column("a_doc").to_pylist()):
        names[i] = d
    for i, d in zip(ib.tolist(), edges.column("b_doc").to_pylist()):
        names[i] = d
    return nodes, ia, ib, UnitTable.of_nodes(names, nodes & PARA_MASK, start, end)


def resolve(edges: pa.Table, options: DedupOptions) -> pa.Table:
    """Clusters of the verified edges of whole components, in the order of
    their kept member: a row per cluster with the kept unit (``uid``, its
    rank key ``rk``, its document and span), the dropped members (``m_uid``,
    ``m_score``) and ``record``, the local ``--clusters`` row without its
    number (JSON).

    The units are ranked as on one machine and go through
    :func:`~cleaner.dedup.phases.resolve` (greedy clustering of the verified
    pairs, exact members following their representative); the records come
    from :meth:`~cleaner.dedup.corpus.DedupResult.clusters` -- all as
    :func:`~cleaner.dedup.corpus.dedup_corpus` does.
    """
    pa = arrow()
    if edges.num_rows == 0:
        return cluster_schema().empty_table()
    nodes, ia, ib, units = _nodes(edges)
    sc = to_numpy(edges.column("score"), np.float32)
    exact = to_numpy(edges.column("exact"), bool)
    rank = ranks(len(nodes), keep=options.dedup_keep, lengths=units.end - units.start)  # nodes are in uid order
    groups = phases.ExactGroups.of_pairs(len(nodes), ia[exact], ib[exact])
    verified = phases.Edges(np.stack([ia[~exact], ib[~exact]], axis=1), sc[~exact])
    res = DedupResult.from_phases(options, units, phases.resolve(verified, rank, groups), phases.Edges(np.stack([ia, ib], axis=1), sc))
    members: dict[int, list[int]] = {}
    for u in np.flatnonzero(res.ref != -1).tolist():
        members.setdefault(int(res.ref[u]), []).append(u)
    order = sorted(members, key=lambda k: int(rank[k]))  # the order of DedupResult.clusters()
    rows: dict[str, list[Any]] = {f: [] for f in cluster_schema().names}
    for k, rec in zip(order, res.clusters()):
        assert rec["kept"]["document"] == units.doc_ids[k]
        del rec["cluster"]
        rows["rk"].append(-int(units.end[k] - units.start[k]) if options.dedup_keep == "longest" else 0)
        rows["uid"].append(int(nodes[k]))
        rows["kept_doc"].append(units.doc_ids[k])
        rows["kept_start"].append(int(units.start[k]))
        rows["kept_end"].append(int(units.end[k]))
        rows["m_uid"].append(nodes[members[k]].tolist())
        rows["m_score"].append(res.score[members[k]].tolist())
        rows["record"].append(json.dumps(rec, ensure_ascii=False))
    return pa.table(rows, schema=cluster_schema())


def resolve_block(t: pa.Table, *, options: DedupOptions) -> pa.Table:
    return resolve(t.select(edge_schema().names), options)


def cluster_line(number: int, record: str) -> str:
    """A ``--clusters`` row: the cluster number, then the rest of the record."""
    return json_line({"cluster": number, **json.loads(record)})


def cluster_record(row: dict[str, Any]) -> dict[str, Any]:
    """A row of :attr:`DedupOutput.clusters` as the local ``--clusters``
    record: ``{"cluster", "kept", "members", "pairs"}``."""
    return {"cluster": row["cluster"], **json.loads(row["record"])}
