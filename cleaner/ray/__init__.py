"""Run `cleaner` on a Ray cluster (Ray Data) with the results of one machine.

Install the extra: ``pip install 'cleaner[ray]'``.  Importing this module
does not import Ray; the functions that need it do, and say what to install
when it is missing.  The modules: :mod:`~cleaner.ray.session` (Ray itself),
:mod:`~cleaner.ray.io` (Arrow, unit ids, JSON Lines in byte ranges),
:mod:`~cleaner.ray.clean`, and for dedup :mod:`~cleaner.ray.stages`,
:mod:`~cleaner.ray.components`, :mod:`~cleaner.ray.clusters`,
:mod:`~cleaner.ray.drops` and :mod:`~cleaner.ray.dedup` (the schedule).

The engine only moves data.  The work is the code the local engine runs:

* cleaning a JSON Lines record: :func:`cleaner.runner.clean_line` (the
  command's path) or :func:`cleaner.explain` on a column (:func:`clean_dataset`);
* the dedup key, hashes and band keys: :func:`cleaner.dedup.corpus.analyse`;
  exact groups: :func:`cleaner.dedup.clusters.exact_groups`;
* pairs from a bucket, with the bucket cap and the windowing of big buckets
  by sorted id: :func:`cleaner.dedup.phases.bucket_pairs`, run on each whole
  bucket;
* the verdict: :func:`cleaner.dedup.phases.verdicts`;
* clustering: :func:`cleaner.dedup.phases.resolve` and the cluster records
  of :meth:`cleaner.dedup.corpus.DedupResult.clusters`;
* dropping paragraphs and the report rows: :meth:`DedupResult.output`,
  :meth:`DedupResult.edits` and the command's own ``render_record``.

How the data moves (``P`` = ``partitions``, a few on a small machine):

1. records are cleaned (or split into units and analysed) with
   ``map_batches``; every unit carries its global position ``uid =
   position << 24 | paragraph``, which orders units as the local engine's
   unit numbers do, whatever the blocks and the order of the rows (the
   command, with ``--id-field``, first groups the records' ids with
   ``repartition(P, keys=[id])`` to find an id two records share);
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
   (large-star / small-star rounds of :mod:`cleaner.dedup.components`)
   and each block of whole components is clustered on a worker.  Greedy
   clustering only looks inside a component, so both give the local result;
6. the dropped paragraphs are removed from each document (``map_batches``
   with the drops broadcast by position range, or joined to the documents
   when there are more than ``max_driver_edges``).

Driver memory when clustering on the driver: about 0.7 KB per edge --
measured on 200k edges in clusters of 2 to 20 units: 608 bytes per edge
at the peak of :func:`~cleaner.ray.clusters.resolve` (``tracemalloc``: the arrays and lists of
``kept_of``, the one-machine result object, the cluster records) and
about 100 bytes of Arrow edge table; 15 microseconds per edge.  The
default :data:`DRIVER_EDGES` of 1,000,000 keeps it near 0.7 GB and 15 s.

Measured on a 2-core machine: ``ray.init`` takes about 5 s; Ray Data 2.60
runs shuffle map and reduce tasks in worker pools of their own (a runtime
environment per pool), and with Ray's default soft limit of one idle
worker per CPU, every shuffle then waited about 5 s for new worker
processes -- :func:`init` raises the limit for a local start
(:data:`WORKERS_PER_CPU`), after which a shuffle of 20k rows takes 0.1 s.

>>> import cleaner.ray as engine  # importing does not start or import Ray
>>> engine.DEFAULT_PARTITIONS, engine.uid_of(3, 1)
(4, 50331649)
"""

from __future__ import annotations

from .clean import clean_dataset, clean_jsonl_files
from .clusters import cluster_line, cluster_record, resolve
from .dedup import DRIVER_EDGES, DedupOutput, FilesDedup, dedup_dataset, dedup_jsonl_files
from .io import LineChunk, split_lines, uid_of
from .session import DEFAULT_PARTITIONS, WORKERS_PER_CPU, Session, init, require_ray, session

__all__ = [
    "DEFAULT_PARTITIONS",
    "DRIVER_EDGES",
    "WORKERS_PER_CPU",
    "DedupOutput",
    "FilesDedup",
    "LineChunk",
    "Session",
    "clean_dataset",
    "clean_jsonl_files",
    "cluster_line",
    "cluster_record",
    "dedup_dataset",
    "dedup_jsonl_files",
    "init",
    "require_ray",
    "resolve",
    "session",
    "split_lines",
    "uid_of",
]
