"""An embedded SQLite index of what earlier runs kept, for incremental dedup.

``cleaner dedup --index PATH`` looks every new paragraph up in the index
(exact key hash, then LSH band keys) and verifies the candidates on the
stored keys, so a daily run drops what an earlier day already emitted.

What is stored, per kept paragraph (or document, with ``--level
document``), and nothing else -- never the original text:

* ``units``: id, run, level, the first 8 bytes of the key's BLAKE2b hash
  (indexed), the key itself (UTF-8; needed to verify candidates with
  rapidfuzz, and to rule out hash collisions), its length, the document id
  and the paragraph index;
* ``bands``: one row ``(band key, unit id)`` per LSH band (a WITHOUT ROWID
  B-tree);
* ``runs``: one row per run, marked complete only after the run's outputs
  were renamed into place; ``meta``: the format version and the LSH
  parameters, which must match the current ones.

Measured size (``benchmarks/test_bench_dedup.py``): 646 bytes per kept
paragraph of about 50 Chinese characters with the default 20 bands (57.8 MB
for 89,492 kept paragraphs); it grows with the key length (3 bytes per
character) and with the number of bands (about 20 bytes each).

Safety: WAL journal; rows are written one transaction per batch and belong
to their run; a run that did not complete (interrupted, failed) is deleted
when the index is next opened, so an interruption at any point leaves the
index as it was before the run or with the whole run (never a run whose
output was not written).  One run at a time: the index is locked
(``flock``) while open.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
import dataclasses
from dataclasses import dataclass
from typing import IO, Protocol

import numpy as np
import numpy.typing as npt


class KeyLookup(Protocol):
    """Keys by position (a sequence of keys, or a view of a key store)."""

    def __getitem__(self, i: int, /) -> str: ...

    def __len__(self) -> int: ...

from ..textio import InputError
from .lsh import LSHParams

__all__ = ["SeenIndex", "IndexedUnit", "FORMAT"]

#: bump when the schema or the meaning of stored hashes changes
FORMAT = 1
_BATCH = 5000


@dataclass(frozen=True, slots=True)
class IndexedUnit:
    id: int
    run: int
    document: str
    paragraph: int | None


def _signed(x: npt.NDArray[np.uint64]) -> list[int]:
    return x.astype(np.uint64).view(np.int64).tolist()


def index_params(path: str | os.PathLike[str], *, default: LSHParams) -> LSHParams:
    """The LSH settings an existing index was built with (its ngram, bands,
    rows and seed over ``default``), or ``default`` for a new index.

    An index keeps the settings of the run that created it: a later version
    with other defaults (more bands) still reads and extends it.  What cannot
    be read here is left to :class:`SeenIndex`, which says what is wrong.
    """
    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        return default
    try:
        with contextlib.closing(sqlite3.connect(f"file:{os.fspath(path)}?mode=ro", uri=True)) as db:
            rows = dict(db.execute("SELECT name, value FROM meta").fetchall())
        if rows.get("format") != str(FORMAT):
            return default
        stored = json.loads(rows["lsh"])
        return dataclasses.replace(default, **{k: int(stored[k]) for k in ("ngram", "bands", "rows", "seed")})
    except (sqlite3.Error, KeyError, ValueError, TypeError):
        return default


class SeenIndex:
    """The index at ``path`` (created if missing), opened for one run."""

    def __init__(self, path: str | os.PathLike[str], *, params: LSHParams) -> None:
        self.path = os.fspath(path)
        self.params = params
        self._lock: IO[bytes] | None = None
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            raise InputError(f"{self.path}: cannot open the index: {exc}") from None
        self._take_lock()
        try:
            self._schema()
            self._recover()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise InputError(f"{self.path}: not a cleaner index ({exc})") from None
        self.run: int | None = None

    # -- setup ---------------------------------------------------------------
    def _take_lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: SQLite's own locking only
            return
        self._lock = open(self.path, "rb")  # noqa: SIM115 - held while the index is open
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            self._lock = None
            self.db.close()
            raise InputError(f"{self.path}: the index is in use by another run") from None

    def _schema(self) -> None:
        db = self.db
        with self._tx():
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS runs (run INTEGER PRIMARY KEY, complete INTEGER NOT NULL DEFAULT 0)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS units (id INTEGER PRIMARY KEY, run INTEGER NOT NULL, level TEXT NOT NULL, "
                "keyhash INTEGER NOT NULL, key TEXT NOT NULL, keylen INTEGER NOT NULL, document TEXT NOT NULL, paragraph INTEGER)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS units_keyhash ON units (keyhash)")
            db.execute("CREATE INDEX IF NOT EXISTS units_run ON units (run)")
            db.execute("CREATE TABLE IF NOT EXISTS bands (band INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (band, id)) WITHOUT ROWID")
            want = {"format": str(FORMAT), "lsh": json.dumps(self._lsh_meta(), sort_keys=True)}
            have = dict(db.execute("SELECT name, value FROM meta").fetchall())
            if not have:
                db.executemany("INSERT INTO meta VALUES (?, ?)", list(want.items()))
            elif have != want:
                raise InputError(
                    f"{self.path}: the index was built with other settings ({have.get('lsh')}, format {have.get('format')}); "
                    "use a new index or the same settings"
                )

    def _lsh_meta(self) -> dict[str, int]:
        p = self.params
        return {"ngram": p.ngram, "bands": p.bands, "rows": p.rows, "seed": p.seed}

    def _recover(self) -> None:
        """Delete the rows of runs that did not complete."""
        stale = [r for (r,) in self.db.execute("SELECT run FROM runs WHERE complete = 0")]
        for run in stale:
            with self._tx():
                self.db.execute("DELETE FROM bands WHERE id IN (SELECT id FROM units WHERE run = ?)", (run,))
                self.db.execute("DELETE FROM units WHERE run = ?", (run,))
                self.db.execute("DELETE FROM runs WHERE run = ?", (run,))

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- a run ---------------------------------------------------------------
    def begin_run(self) -> int:
        with self._tx():
            cur = self.db.execute("INSERT INTO runs (complete) VALUES (0)")
        self.run = int(cur.lastrowid or 0)
        return self.run

    def finish_run(self) -> None:
        """Mark the run complete: call after its outputs are in place."""
        if self.run is not None:
            with self._tx():
                self.db.execute("UPDATE runs SET complete = 1 WHERE run = ?", (self.run,))
            self.run = None

    def abandon_run(self) -> None:
        """Delete what this run wrote (its outputs were not written)."""
        if self.run is not None:
            with contextlib.suppress(sqlite3.Error):
                self._recover()
            self.run = None

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> SeenIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- look-ups --------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM units").fetchone()[0])

    def exact(self, hashes: npt.NDArray[np.uint64], keys: Sequence[str] | KeyLookup, level: str) -> dict[int, int]:
        """For the positions ``i`` whose key is in the index: ``i -> unit id``
        (the earliest such unit; key text compared, not only the hash)."""
        out: dict[int, int] = {}
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS q_hash (pos INTEGER, h INTEGER)")
        self.db.execute("DELETE FROM q_hash")
        self.db.executemany("INSERT INTO q_hash VALUES (?, ?)", enumerate(_signed(hashes)))
        rows = self.db.execute(
            "SELECT q.pos, u.id, u.key FROM q_hash q JOIN units u ON u.keyhash = q.h WHERE u.level = ? ORDER BY q.pos, u.id",
            (level,),
        )
        for pos, uid, key in rows:
            if pos not in out and keys[pos] == key:
                out[pos] = uid
        return out

    def band_candidates(self, bands: npt.NDArray[np.uint64], level: str) -> npt.NDArray[np.int64]:
        """``(position, unit id)`` pairs that share a band key, sorted, distinct."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS q_band (pos INTEGER, band INTEGER)")
        self.db.execute("DELETE FROM q_band")
        n, b = bands.shape
        flat = _signed(bands.reshape(-1))
        self.db.executemany("INSERT INTO q_band VALUES (?, ?)", ((i // b, v) for i, v in enumerate(flat)))
        rows = self.db.execute(
            "SELECT DISTINCT q.pos, x.id FROM q_band q JOIN bands x ON x.band = q.band JOIN units u ON u.id = x.id "
            "WHERE u.level = ? ORDER BY q.pos, x.id",
            (level,),
        ).fetchall()
        return np.asarray(rows, dtype=np.int64).reshape(-1, 2)

    def keys(self, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """Key and key length of each unit id."""
        out: dict[int, tuple[str, int]] = {}
        uniq = sorted(set(int(i) for i in ids))
        for k in range(0, len(uniq), 900):
            chunk = uniq[k : k + 900]
            q = f"SELECT id, key, keylen FROM units WHERE id IN ({','.join('?' * len(chunk))})"
            for uid, key, klen in self.db.execute(q, chunk):
                out[uid] = (key, klen)
        return out

    def describe(self, ids: Sequence[int]) -> dict[int, IndexedUnit]:
        out: dict[int, IndexedUnit] = {}
        uniq = sorted(set(int(i) for i in ids))
        for k in range(0, len(uniq), 900):
            chunk = uniq[k : k + 900]
            q = f"SELECT id, run, document, paragraph FROM units WHERE id IN ({','.join('?' * len(chunk))})"
            for uid, run, doc, para in self.db.execute(q, chunk):
                out[uid] = IndexedUnit(uid, run, doc, para)
        return out

    # -- writing -------------------------------------------------------------
    def add(
        self,
        rows: Sequence[tuple[int, str, str, int | None]],
        hashes: npt.NDArray[np.uint64],
        bands: npt.NDArray[np.uint64] | None,
        level: str,
    ) -> None:
        """Add kept units: ``rows[i] = (unused, key, document, paragraph)``,
        ``hashes[i]`` their key hashes, ``bands[i]`` their band keys (or no
        band rows for units that only match exactly: ``bands`` all zero)."""
        if self.run is None:
            raise RuntimeError("begin_run() first")
        hs = _signed(hashes)
        for lo in range(0, len(rows), _BATCH):
            hi = min(lo + _BATCH, len(rows))
            with self._tx():
                first = int(self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM units").fetchone()[0])
                self.db.executemany(
                    "INSERT INTO units (id, run, level, keyhash, key, keylen, document, paragraph) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    ((first + i - lo, self.run, level, hs[i], rows[i][1], len(rows[i][1]), rows[i][2], rows[i][3]) for i in range(lo, hi)),
                )
                if bands is not None:
                    keyed = np.flatnonzero(bands[lo:hi].any(axis=1))
                    flat = _signed(bands[lo:hi][keyed].reshape(-1))
                    b = bands.shape[1]
                    ids = (first + keyed).tolist()
                    self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", ((v, ids[k // b]) for k, v in enumerate(flat)))
