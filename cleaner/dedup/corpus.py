"""Deduplicate a corpus: many documents, streamed, in three passes.

1. **Analyse** (streamed, ``jobs`` processes): each document is split into
   units (paragraphs, or whole documents with ``level="document"``); each
   unit's matching key goes to a key store on disk and its LSH band keys
   (8 bytes per band) to a band store on disk; only small per-unit facts
   stay in memory -- a 128-bit key hash, positions and lengths, and the
   arrays of the matching pass: about 150 bytes per paragraph.
2. **Match**, the phases of :mod:`cleaner.dedup.phases`: exact groups by
   key hash; the optional SQLite index of earlier runs is consulted; LSH
   candidate pairs among the other groups' representatives (sub-quadratic:
   sorting band keys, one band at a time; a bucket above the cap links
   each member to the bucket's head and its followers only; more than
   ``max_pairs`` candidates are spilled to temporary files); every
   candidate pair is verified with rapidfuzz on the keys (read back from
   the key store, :data:`VERIFY_CHUNK` pairs at a time); greedy clustering
   in rank order (:mod:`cleaner.dedup.clusters`) over the verified pairs,
   held as arrays (20 bytes each; beyond ``max_pairs`` of them, each unit
   keeps its :data:`EDGES_PER_UNIT` best ones).
3. **Emit**: documents are read back in order and the dropped units removed.

Memory is therefore linear in the units and the verified pairs, with
small constants, and bounded for candidates; measured with
``benchmarks/redundant_corpus.py`` (see its docstring).

The kept members depend only on the input (ids are assigned in input
order; workers' results are gathered in order), never on timing.

>>> docs = [("a", "第一段的内容足够长，不会被跳过。\\n\\n第二段的内容也够长，同样参与比较。"), ("b", "第二段的内容也够长！同样参与比较！")]
>>> res = dedup_corpus(docs)
>>> [(u.document, u.paragraph, u.ref_document, u.ref_paragraph, u.score) for u in res.dropped()]
[('b', 0, 'a', 1, 100.0)]
>>> [res.output(i, text) for i, (_, text) in enumerate(docs)]
['第一段的内容足够长，不会被跳过。\\n\\n第二段的内容也够长，同样参与比较。', '']
"""

from __future__ import annotations

import contextlib
import dataclasses
import mmap
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from ..config import check_keep, check_min_chars, check_threshold
from ..edits import Edit
from ..textio import batches
from . import phases
from .clusters import ranks
from .index import SeenIndex
from .key import matching_keys, shingle_texts
from .lsh import MAX_PAIRS, LSHParams, band_keys
from .minhash import signatures
from .phases import key_hashes
from .rule import FUZZY_MIN_CHARS
from .split import Drop, drop_edits, split_paragraphs

#: candidate pairs verified per call of rapidfuzz: their keys are read into
#: memory for it (about 1 KB per pair for Chinese paragraphs of 200 characters)
VERIFY_CHUNK = 20_000
#: when the verified edges outgrow ``max_pairs``, each unit keeps this many
#: edges, to its best-ranked duplicates (:func:`best_edges`): the near copies
#: of one paragraph form a clique whose edges grow with the square of the
#: copies, where greedy clustering needs one edge to the kept copy.  A unit
#: is then kept that would have been dropped only when its more than 8
#: better-ranked duplicates were all dropped themselves.
EDGES_PER_UNIT = 8

__all__ = ["DedupOptions", "DedupResult", "UnitTable", "DroppedUnit", "KeyStore", "BandStore", "analyse", "dedup_corpus", "LEVELS"]

LEVELS = ("paragraph", "document")


@dataclass(frozen=True, kw_only=True, slots=True)
class DedupOptions:
    """Options of a corpus run (keyword-only, validated).

    level: ``"paragraph"`` drops duplicate paragraphs; ``"document"`` drops
    duplicate documents (compared whole).
    dedup_threshold: rapidfuzz ratio on the keys at which two units are
    duplicates.
    dedup_min_chars: units with shorter keys are left alone; keys shorter
    than :data:`cleaner.dedup.rule.FUZZY_MIN_CHARS` only match identical keys.
    dedup_keep: ``"first"`` (input order) or ``"longest"``; units in the
    index always win (they were emitted by an earlier run).

    The three ``dedup_`` options have the names, defaults and checks of the
    same options of :class:`cleaner.Config` (and the same flags in both
    commands: ``--dedup-threshold``, ``--min-chars``, ``--keep``).
    numbers: also require the same numbers in both keys.
    jobs: processes for the analysis pass and threads for verification.
    batch: units per analysis batch.
    max_pairs: candidate pairs held in memory at a time (8 bytes each);
    beyond, they are spilled to temporary files
    (:func:`cleaner.dedup.lsh.candidate_chunks`).
    """

    level: str = "paragraph"
    dedup_threshold: float = 90.0
    dedup_min_chars: int = 12
    dedup_keep: str = "first"
    numbers: bool = False
    params: LSHParams = field(default_factory=LSHParams)
    jobs: int = 1
    batch: int = 4000
    max_pairs: int = MAX_PAIRS

    def to_dict(self) -> dict[str, Any]:
        """The options as JSON-ready data (``params`` as a dict of its own).

        >>> DedupOptions(level="document").to_dict()["params"]["bands"]
        40
        """
        return dataclasses.asdict(self)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        check_threshold(self.dedup_threshold, name="dedup_threshold")
        check_min_chars(self.dedup_min_chars, name="dedup_min_chars")
        check_keep(self.dedup_keep, name="dedup_keep")
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {self.jobs}")
        if self.max_pairs < 1:
            raise ValueError(f"max_pairs must be at least 1, not {self.max_pairs}")


class KeyStore:
    """Keys on disk (UTF-8 in a temporary file), read back by id through mmap."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._fh = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 - closed in close()
        self._ends: list[npt.NDArray[np.int64]] = [np.zeros(1, dtype=np.int64)]
        self._pos = 0
        self._offsets: npt.NDArray[np.int64] | None = None
        self._mm: mmap.mmap | None = None

    def extend(self, keys: Sequence[str]) -> None:
        data = [k.encode("utf-8", "surrogatepass") for k in keys]
        self._fh.write(b"".join(data))
        ends = self._pos + np.cumsum(np.fromiter((len(d) for d in data), dtype=np.int64, count=len(data)))
        if len(ends):
            self._pos = int(ends[-1])
        self._ends.append(ends)

    def freeze(self) -> None:
        self._fh.flush()
        self._offsets = np.concatenate(self._ends)
        self._ends = []
        if self._pos:
            self._mm = mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ)

    def __len__(self) -> int:
        assert self._offsets is not None
        return len(self._offsets) - 1

    def __getitem__(self, i: int) -> str:
        assert self._offsets is not None
        a, b = int(self._offsets[i]), int(self._offsets[i + 1])
        if a == b or self._mm is None:
            return ""
        return self._mm[a:b].decode("utf-8", "surrogatepass")

    def close(self) -> None:
        if self._mm is not None:
            self._mm.close()
        self._fh.close()


class BandStore:
    """Band keys on disk, one temporary file per band: the matching pass
    reads one band (8 bytes per unit) at a time."""

    def __init__(self, directory: str, bands: int) -> None:
        self._files: list[IO[bytes]] = [tempfile.TemporaryFile(dir=directory) for _ in range(bands)]  # noqa: SIM115 - closed in close()
        self._n = 0

    def extend(self, bands: npt.NDArray[np.uint64]) -> None:
        for j, fh in enumerate(self._files):
            np.ascontiguousarray(bands[:, j]).tofile(fh)
        self._n += len(bands)

    def __len__(self) -> int:
        return self._n

    def column(self, j: int) -> npt.NDArray[np.uint64]:
        fh = self._files[j]
        fh.flush()
        fh.seek(0)
        return np.fromfile(fh, dtype=np.uint64, count=self._n)

    def rows(self, sel: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
        """The band keys of units ``sel``, shape ``(len(sel), bands)``."""
        out = np.empty((len(sel), len(self._files)), dtype=np.uint64)
        for j in range(len(self._files)):
            out[:, j] = self.column(j)[sel]
        return out

    def close(self) -> None:
        for fh in self._files:
            fh.close()


@dataclass(slots=True)
class Analysis:
    """What the analysis pass keeps of a batch of documents (all arrays per unit)."""

    doc: npt.NDArray[np.int64]  # document index within the batch
    para: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    keys: list[str]
    klen: npt.NDArray[np.int64]  # key length in characters
    hashes: npt.NDArray[np.uint64]
    bands: npt.NDArray[np.uint64]  # zero rows for units that do not match fuzzily


def analyse(texts: Sequence[str], *, level: str, params: LSHParams, fuzzy_min: int) -> Analysis:
    """Split, key, hash and sign the units of some documents (pure; runs in workers)."""
    doc: list[int] = []
    para: list[int] = []
    start: list[int] = []
    end: list[int] = []
    units: list[str] = []
    for d, text in enumerate(texts):
        if level == "document":
            spans = split_paragraphs(text)
            spans = [(spans[0][0], spans[-1][1])] if spans else []
        else:
            spans = split_paragraphs(text)
        for p, (s, e) in enumerate(spans):
            doc.append(d)
            para.append(p)
            start.append(s)
            end.append(e)
            units.append(text[s:e])
    keys = matching_keys(units)
    bands = np.zeros((len(keys), params.bands), dtype=np.uint64)
    fz = [i for i, k in enumerate(keys) if len(k) >= fuzzy_min]
    if fz:
        sig = signatures(shingle_texts([keys[i] for i in fz]), ngram=params.ngram, num_perm=params.num_perm, seed=params.seed)
        bands[fz] = band_keys(sig, bands=params.bands, rows=params.rows, seed=params.seed)
    as_i64 = lambda xs: np.asarray(xs, dtype=np.int64)  # noqa: E731
    klen = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    return Analysis(as_i64(doc), as_i64(para), as_i64(start), as_i64(end), keys, klen, key_hashes(keys), bands)


def _analyse_job(args: tuple[list[str], str, LSHParams, int]) -> Analysis:
    texts, level, params, fuzzy_min = args
    return analyse(texts, level=level, params=params, fuzzy_min=fuzzy_min)


@dataclass(frozen=True, slots=True)
class DroppedUnit:
    """A dropped unit and the one it duplicates (``ref_run`` set when that is in the index)."""

    document: str
    paragraph: int | None
    ref_document: str
    ref_paragraph: int | None
    score: float
    ref_run: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The drop as JSON-ready data (``ref_run`` only when set, the score rounded like a report's)."""
        d = dataclasses.asdict(self)
        d["score"] = round(self.score, 4)
        if self.ref_run is None:
            del d["ref_run"]
        return d


@dataclass(frozen=True, slots=True)
class UnitTable:
    """Where each unit is: its document (``doc_of``, named ``doc_ids``),
    paragraph index and character span; ``doc_first[d]``: the first unit of
    document ``d`` (``len(doc_ids) + 1`` entries)."""

    doc_ids: list[str]
    doc_first: npt.NDArray[np.int64]
    para: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    doc_of: npt.NDArray[np.int64]

    @classmethod
    def of_nodes(
        cls, names: list[str], para: npt.NDArray[np.int64], start: npt.NDArray[np.int64], end: npt.NDArray[np.int64]
    ) -> UnitTable:
        """Units named each by its own document (``names[i]``), as a
        distributed engine knows the units of a component."""
        return cls(names, np.zeros(1, dtype=np.int64), para, start, end, np.arange(len(names), dtype=np.int64))


@dataclass
class DedupResult:
    """The outcome of the matching pass; :meth:`output` and :meth:`edits`
    apply it to each document as it is read back."""

    options: DedupOptions
    doc_ids: list[str]
    doc_first: npt.NDArray[np.int64]  # first unit of each document (len = docs + 1)
    para: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    doc_of: npt.NDArray[np.int64]
    ref: npt.NDArray[np.int64]  # kept unit (>= 0), -1 kept, <= -2: index unit -(ref + 2)
    score: npt.NDArray[np.float32]
    pairs: npt.NDArray[np.int64]  # verified pairs (a, b) of units, b may be an index unit as above
    pair_scores: npt.NDArray[np.float32]
    indexed: dict[int, Any] = field(default_factory=dict)  # index unit id -> IndexedUnit
    candidates: int = 0
    units: int = 0
    keys: KeyStore | None = None
    hashes: npt.NDArray[np.uint64] | None = None
    bands: BandStore | None = None

    @classmethod
    def from_phases(
        cls,
        options: DedupOptions,
        units: UnitTable,
        resolved: phases.Resolution,
        edges: phases.Edges,
        *,
        indexed: dict[int, Any] | None = None,
        candidates: int = 0,
        keys: KeyStore | None = None,
        hashes: npt.NDArray[np.uint64] | None = None,
        bands: BandStore | None = None,
    ) -> DedupResult:
        """The result of the phases (:mod:`cleaner.dedup.phases`) over ``units``."""
        return cls(
            options, units.doc_ids, units.doc_first, units.para, units.start, units.end, units.doc_of,
            resolved.ref, resolved.score.astype(np.float32), edges.pairs, edges.scores,
            indexed or {}, candidates, len(units.para), keys, hashes, bands,
        )

    # -- per document -------------------------------------------------------
    def _name(self, r: int) -> tuple[str, int | None, int | None]:
        if r <= -2:
            u = self.indexed[-(r + 2)]
            return u.document, u.paragraph, u.run
        para = None if self.options.level == "document" else int(self.para[r])
        return self.doc_ids[int(self.doc_of[r])], para, None

    def drops(self, d: int) -> dict[int, tuple[int, float]]:
        """Dropped units of document ``d``: paragraph index -> (ref, score)."""
        a, b = int(self.doc_first[d]), int(self.doc_first[d + 1])
        return {int(self.para[u]): (int(self.ref[u]), float(self.score[u])) for u in range(a, b) if self.ref[u] != -1}

    def edits(self, d: int, text: str) -> list[Edit]:
        """The edits that remove document ``d``'s dropped units (paragraph level)."""
        a = int(self.doc_first[d])
        drops = self.drops(d)
        if not drops:
            return []
        spans = [(int(self.start[u]), int(self.end[u])) for u in range(a, int(self.doc_first[d + 1]))]
        out: dict[int, Drop] = {}
        for p, (r, s) in drops.items():
            rdoc, rpara, rrun = self._name(r)
            same = r >= 0 and int(self.doc_of[r]) == d
            # paragraphs count from 0, as in the report's paragraph and ref_paragraph
            where = f"paragraph {rpara}" if same and rpara is not None else f"paragraph {rpara or 0} of {rdoc}"
            if rrun is not None:
                where += f" (index run {rrun})"
            out[p] = ((int(self.start[r]), int(self.end[r])) if same else None, s, f"duplicate of {where} (similarity {s:.1f})")
        return drop_edits(text, spans, out)

    def output(self, d: int, text: str) -> str | None:
        """Document ``d`` without its dropped units (None: the whole document goes)."""
        if self.options.level == "document":
            return None if self.drops(d) else text
        from ..edits import apply_edits

        return apply_edits(text, self.edits(d, text))

    def dropped(self) -> Iterator[DroppedUnit]:
        for u in np.flatnonzero(self.ref != -1).tolist():
            doc, para, _ = self._name(u)
            rdoc, rpara, rrun = self._name(int(self.ref[u]))
            yield DroppedUnit(doc, para, rdoc, rpara, float(self.score[u]), rrun)

    # -- clusters -------------------------------------------------------------
    def clusters(self) -> Iterator[dict[str, Any]]:
        """Every cluster with more than one member, in the order of its kept
        member: ``{"cluster", "kept", "members", "pairs"}``."""
        members: dict[int, list[int]] = {}
        for u in np.flatnonzero(self.ref != -1).tolist():
            members.setdefault(int(self.ref[u]), []).append(u)
        cluster_of: dict[int, int] = {}
        order = sorted(members, key=lambda k: (0, -k) if k <= -2 else (1, k))
        if self.options.dedup_keep == "longest":
            rank = ranks(len(self.ref), keep="longest", lengths=self.end - self.start)
            order = sorted(members, key=lambda k: (0, -k) if k <= -2 else (1, int(rank[k])))
        for c, k in enumerate(order):
            cluster_of[k] = c
            for u in members[k]:
                cluster_of[u] = c
        pairs_by: dict[int, list[tuple[int, int, float]]] = {}
        for (a, b), s in zip(self.pairs.tolist(), self.pair_scores.tolist()):
            ca, cb = cluster_of.get(a), cluster_of.get(b)
            if ca is not None and ca == cb:
                pairs_by.setdefault(ca, []).append((a, b, s))
        for c, k in enumerate(order):
            mem = [k] + members[k]
            pos = {u: i for i, u in enumerate(mem)}

            def entry(u: int, score: float) -> dict[str, Any]:
                doc, para, run = self._name(u)
                e: dict[str, Any] = {"document": doc, "paragraph": para, "score": round(score, 2)}
                if run is not None:
                    e["run"] = run
                return e

            kd, kp, kr = self._name(k)
            kept: dict[str, Any] = {"document": kd, "paragraph": kp}
            if kr is not None:
                kept["run"] = kr
            yield {
                "cluster": c,
                "kept": kept,
                "members": [entry(k, 100.0)] + [entry(u, float(self.score[u])) for u in members[k]],
                "pairs": sorted([min(pos[a], pos[b]), max(pos[a], pos[b]), round(s, 2)] for a, b, s in pairs_by.get(c, [])),
            }

    def to_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready data: the options, the counts, and every
        dropped unit (:meth:`DroppedUnit.to_dict`; one row per drop, so as
        large as the drops).

        >>> res = dedup_corpus([("a", "第二段的内容也够长，同样参与比较。"), ("b", "第二段的内容也够长！同样参与比较！")])
        >>> {k: v for k, v in res.to_dict().items() if k != "options"}
        {'documents': 2, 'units': 2, 'candidates': 0, 'dropped': [{'document': 'b', 'paragraph': 0, 'ref_document': 'a', 'ref_paragraph': 0, 'score': 100.0}]}
        """
        return {
            "options": self.options.to_dict(),
            "documents": len(self.doc_ids),
            "units": self.units,
            "candidates": self.candidates,
            "dropped": [u.to_dict() for u in self.dropped()],
        }

    def close(self) -> None:
        if self.keys is not None:
            self.keys.close()
        if self.bands is not None:
            self.bands.close()


def _batches(docs: Iterable[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    """Documents in batches of ``size`` documents or ``size * 200`` characters."""
    return batches(docs, size=lambda d: len(d[1]), max_size=size * 200, max_items=size)


def _fuzzy_min(opt: DedupOptions) -> int:
    """Units with keys this long or longer may match approximately."""
    return max(opt.dedup_min_chars, FUZZY_MIN_CHARS, 1)


def _analysed(docs: Iterable[tuple[str, str]], opt: DedupOptions) -> Iterator[tuple[list[tuple[str, str]], Analysis]]:
    """Batches of documents with their analysis, in input order (``opt.jobs`` processes)."""
    p, fuzzy_min = opt.params, _fuzzy_min(opt)
    per_batch = max(1, opt.batch // 8) if opt.level == "paragraph" else opt.batch
    if opt.jobs <= 1:
        for batch in _batches(docs, per_batch):
            yield batch, analyse([t for _, t in batch], level=opt.level, params=p, fuzzy_min=fuzzy_min)
        return
    with ProcessPoolExecutor(max_workers=opt.jobs) as pool:
        pending: list[tuple[list[tuple[str, str]], Future[Analysis]]] = []
        for batch in _batches(docs, per_batch):
            pending.append((batch, pool.submit(_analyse_job, ([t for _, t in batch], opt.level, p, fuzzy_min))))
            if len(pending) >= 3 * opt.jobs:
                b, f = pending.pop(0)
                yield b, f.result()
        for b, f in pending:
            yield b, f.result()


def _analyse_corpus(
    docs: Iterable[tuple[str, str]], opt: DedupOptions, store: KeyStore, bands: BandStore, progress: Callable[[int], None] | None
) -> tuple[UnitTable, npt.NDArray[np.int64], npt.NDArray[np.uint64]]:
    """Pass 1: the units of every document, their key lengths and key hashes;
    keys and band keys go to the stores on disk."""
    doc_ids: list[str] = []
    parts: list[Analysis] = []
    for batch, a in _analysed(docs, opt):
        a.doc = a.doc + len(doc_ids)
        doc_ids.extend(d[0] for d in batch)
        store.extend(a.keys)
        bands.extend(a.bands)
        a.keys = []
        a.bands = np.zeros((0, opt.params.bands), dtype=np.uint64)  # not a view: that would keep the batch's bands
        parts.append(a)
        if progress is not None:
            progress(len(batch))
    store.freeze()

    def cat(xs: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
        return np.concatenate(xs).astype(np.int64) if xs else np.zeros(0, dtype=np.int64)

    doc_of = cat([a.doc for a in parts])
    units = UnitTable(
        doc_ids,
        np.searchsorted(doc_of, np.arange(len(doc_ids) + 1)).astype(np.int64),
        cat([a.para for a in parts]),
        cat([a.start for a in parts]),
        cat([a.end for a in parts]),
        doc_of,
    )
    hashes = np.concatenate([a.hashes for a in parts]) if parts else np.zeros((0, 2), dtype=np.uint64)
    return units, cat([a.klen for a in parts]), hashes


def dedup_corpus(
    docs: Iterable[tuple[str, str]],
    *,
    options: DedupOptions | None = None,
    index: SeenIndex | None = None,
    workdir: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> DedupResult:
    """Match the units of ``(document id, text)`` pairs (see the module
    docstring): the phases of :mod:`cleaner.dedup.phases` over the keys on
    disk.

    ``progress(n)`` is called after each batch of ``n`` documents.  The
    returned result holds the key store open: call :meth:`DedupResult.close`.
    """
    opt = options or DedupOptions()
    store = KeyStore(workdir or tempfile.gettempdir())
    bands = BandStore(store.directory, opt.params.bands)
    units, klen, hashes = _analyse_corpus(docs, opt, store, bands, progress)
    n = len(store)
    rank = ranks(n, keep=opt.dedup_keep, lengths=units.end - units.start)
    fuzzy = klen >= _fuzzy_min(opt)
    groups = phases.exact(hashes, rank, klen >= max(opt.dedup_min_chars, 1))
    reps = groups.reps
    seen = phases.IndexMatches()
    if index is not None:
        seen = phases.index_matches(
            index, reps, store, hashes, fuzzy=fuzzy, band_rows=bands.rows, level=opt.level,
            threshold=opt.dedup_threshold, numbers=opt.numbers, workers=opt.jobs,
        )
    fz = reps[fuzzy[reps] & ~seen.blocked(n)[reps]]
    verified, ncand = _verified_edges(store, bands, fz, klen, rank, opt)
    resolved = phases.resolve(verified, rank, groups, index=seen)
    edges = phases.Edges.concat([groups.edges(), verified, seen.edges()])
    return DedupResult.from_phases(
        opt, units, resolved, edges, indexed=seen.indexed, candidates=ncand, keys=store, hashes=hashes, bands=bands
    )


def _verified_edges(
    store: KeyStore, bands: BandStore, fz: npt.NDArray[np.int64], klen: npt.NDArray[np.int64], rank: npt.NDArray[np.int64], opt: DedupOptions
) -> tuple[phases.Edges, int]:
    """LSH candidates among the fuzzy representatives ``fz``, verified
    :data:`VERIFY_CHUNK` pairs at a time, in ``(a, b)`` order, and how many
    candidates there were; beyond ``max_pairs`` verified edges, each unit
    keeps its :data:`EDGES_PER_UNIT` best (:func:`best_edges`)."""
    ncand = 0
    parts: list[phases.Edges] = []
    held, prune_at = 0, opt.max_pairs
    if len(fz) >= 2:
        for cand in phases.streamed_candidates(bands.column, fz, params=opt.params, max_pairs=opt.max_pairs, directory=store.directory):
            ncand += len(cand)
            cand = phases.length_filter(cand, klen, opt.dedup_threshold)
            for lo in range(0, len(cand), VERIFY_CHUNK):
                e = phases.verify(cand[lo : lo + VERIFY_CHUNK], store, threshold=opt.dedup_threshold, numbers=opt.numbers, workers=opt.jobs)
                parts.append(e)
                held += len(e)
                if held > prune_at:  # keep memory near the edges that matter
                    pruned = _pruned(phases.Edges.concat(parts), rank)
                    parts, held = [pruned], len(pruned)
                    prune_at = max(prune_at + 1, 2 * held)
    verified = phases.Edges.concat(parts)
    if prune_at > opt.max_pairs or len(verified) > opt.max_pairs:  # pruned once: prune all alike
        verified = _pruned(verified, rank)
    return verified.sorted(), ncand  # pair order does not depend on spilling


def _pruned(edges: phases.Edges, rank: npt.NDArray[np.int64]) -> phases.Edges:
    return phases.Edges(*best_edges(edges.pairs, edges.scores, rank, per_unit=EDGES_PER_UNIT))


def best_edges(
    pairs: npt.NDArray[np.int64], scores: npt.NDArray[np.float32], rank: npt.NDArray[np.int64], *, per_unit: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Of each unit's verified edges to better-ranked units, the ``per_unit``
    whose other ends rank best (the ones a cluster keeps).

    The choice is made per unit, so pruning in parts and then the whole
    gives what pruning the whole does: the result does not depend on when
    the verified pairs were pruned to stay within memory.

    >>> p = np.array([[0, 3], [1, 3], [2, 3], [0, 1]])
    >>> best_edges(p, np.array([91, 99, 95, 90], dtype=np.float32), np.arange(4), per_unit=2)[0].tolist()
    [[0, 1], [0, 3], [1, 3]]
    """
    if not len(pairs):
        return pairs, scores
    a, b = pairs[:, 0], pairs[:, 1]
    swap = rank[a] > rank[b]
    late, early = np.where(swap, a, b), np.where(swap, b, a)
    order = np.lexsort((rank[early], rank[late]))
    ls = late[order]
    first = np.flatnonzero(np.concatenate(([True], ls[1:] != ls[:-1])))
    pos = np.arange(len(ls)) - np.repeat(first, np.diff(np.concatenate((first, [len(ls)]))))
    keep = order[pos < per_unit]
    return pairs[keep], scores[keep]


def new_index_rows(res: DedupResult) -> tuple[list[tuple[int, str, str, int | None]], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """The kept units to add to an index: representatives that were kept."""
    assert res.keys is not None and res.hashes is not None and res.bands is not None
    floor = max(res.options.dedup_min_chars, 1)
    rows = []
    sel = []
    for u in np.flatnonzero(res.ref == -1).tolist():
        key = res.keys[u]
        if len(key) < floor:
            continue
        para = None if res.options.level == "document" else int(res.para[u])
        rows.append((u, key, res.doc_ids[int(res.doc_of[u])], para))
        sel.append(u)
    s = np.asarray(sel, dtype=np.int64)
    return rows, res.hashes[s, 0] if len(s) else np.zeros(0, dtype=np.uint64), res.bands.rows(s) if len(s) else np.zeros((0, res.options.params.bands), dtype=np.uint64)


@contextlib.contextmanager
def document_spool(directory: str) -> Iterator[tuple[Callable[[int, Any], None], Callable[[], Iterator[Any]]]]:
    """A temporary file of pickled documents: ``(write, read_back)``."""
    fd, path = tempfile.mkstemp(prefix="docs-", suffix=".pickle", dir=directory)
    fh: IO[bytes] = os.fdopen(fd, "wb+")
    try:
        def write(_: int, doc: Any) -> None:
            pickle.dump(doc, fh, protocol=pickle.HIGHEST_PROTOCOL)

        def read_back() -> Iterator[Any]:
            fh.flush()
            fh.seek(0)
            while True:
                try:
                    yield pickle.load(fh)
                except EOFError:
                    return

        yield write, read_back
    finally:
        fh.close()
        with contextlib.suppress(OSError):
            os.unlink(path)
