"""Corpus dedup against rensa (Rust MinHash + its own LSH) on the same file, in one run.

Each method runs in its own child process on the same corpus (a pickle of
``(document id, text)`` pairs built once from :func:`dedup_data.speed_corpus`)
and reports its CPU seconds (user + system of the child), its candidate
pairs and the recall of the planted copies (exact and 1-10 % edited copies
of an earlier paragraph, labelled by construction).  ``--cleaner PATH``
runs another checkout's ``cleaner`` (a before/after comparison).

    python benchmarks/dedup_vs_rensa.py --sizes 100000 1000000 --rounds 3

rensa's side: character 3-grams of the raw paragraph, ``RMinHash`` digests
(128 slots) and ``RMinHashLSH`` (threshold 0.8, 16 bands): what its README
shows.  It neither folds script and punctuation nor verifies.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _corpus(n: int, path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import dedup_data as data

    sources: list[int] = []
    paras = list(data.speed_corpus(n, sources=sources))
    docs = [(f"doc{i // 5}", "\n\n".join(paras[i : i + 5])) for i in range(0, n, 5)]
    with open(path, "wb") as fh:
        pickle.dump((docs, paras, sources), fh)


def recall_of_planted(dropped: Sequence[bool], sources: Sequence[int]) -> dict[str, float]:
    """Share of the planted copies (exact and 1-10 % edited) a method drops,
    and how many first occurrences it drops besides.

    >>> recall_of_planted([False, True, False, True], [-1, 0, -1, -1])
    {'planted': 1, 'recall': 1.0, 'dropped_originals': 1}
    """
    planted = sum(1 for s in sources if s >= 0)
    hit = sum(1 for d, s in zip(dropped, sources) if d and s >= 0)
    extra = sum(1 for d, s in zip(dropped, sources) if d and s < 0)
    return {"planted": planted, "recall": round(hit / planted, 4) if planted else 1.0, "dropped_originals": extra}


def _child_rensa(path: str) -> dict[str, float]:
    import numpy as np
    from rensa import RMinHash, RMinHashLSH

    with open(path, "rb") as fh:
        _, paras, sources = pickle.load(fh)
    t = time.process_time()
    tokens = [[p[i : i + 3] for i in range(max(1, len(p) - 2))] for p in paras]
    m = RMinHash.digest_matrix_from_token_sets(tokens, 128, 42)
    lsh = RMinHashLSH(threshold=0.8, num_perm=128, num_bands=16)
    flags = np.asarray(lsh.insert_matrix_and_query_duplicate_flags(m))
    cpu = time.process_time() - t
    return {"cpu": cpu, "dropped": int(flags.sum()), **recall_of_planted(flags.tolist(), sources)}


def _child_cleaner(path: str) -> dict[str, float]:
    from cleaner.dedup.corpus import DedupOptions, dedup_corpus

    with open(path, "rb") as fh:
        docs, _, sources = pickle.load(fh)
    t = time.process_time()
    res = dedup_corpus(docs, options=DedupOptions(dedup_threshold=85.0))
    cpu = time.process_time() - t
    flags = (res.ref != -1).tolist()
    assert len(flags) == len(sources), "one verdict per paragraph, in corpus order"
    out = {"cpu": cpu, "dropped": sum(flags), "candidates": res.candidates, **recall_of_planted(flags, sources)}
    res.close()
    import cleaner

    out["where"] = cleaner.__file__
    return out


def _run(method: str, path: Path, cleaner: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if cleaner:
        env["PYTHONPATH"] = cleaner
    code = f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); import json, dedup_vs_rensa as b; print(json.dumps(b._child_{method}({str(path)!r})))"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([sys.executable, "-c", code], env=env, cwd=path.parent, check=True, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = json.loads(p.stdout.strip().splitlines()[-1])
    out["child_cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out


def measure(n: int, *, rounds: int = 1, after: str = str(ROOT), before: str | None = None) -> dict[str, dict[str, object]]:
    """Median figures per method on one corpus of ``n`` paragraphs; each
    method's ``over_rensa`` is its CPU seconds over rensa's."""
    methods = [("rensa", "rensa", None), ("cleaner", "cleaner", after)]
    if before:
        methods.append(("cleaner_before", "cleaner", before))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"c{n}.pickle"
        _corpus(n, path)
        rows: dict[str, list[dict[str, float]]] = {}
        for _ in range(rounds):
            for name, kind, where in methods:
                rows.setdefault(name, []).append(_run(kind, path, where))
    med: dict[str, dict[str, object]] = {
        k: {f: statistics.median(r[f] for r in v) if isinstance(v[0][f], (int, float)) else v[0][f] for f in v[0]} for k, v in rows.items()
    }
    for k in med:
        med[k]["over_rensa"] = round(float(med[k]["cpu"]) / float(med["rensa"]["cpu"]), 2)  # type: ignore[arg-type]
    return med


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--before", help="a checkout whose cleaner runs as 'before'")
    ap.add_argument("--after", default=str(ROOT), help="the checkout whose cleaner runs as 'cleaner' (default: this one)")
    args = ap.parse_args()
    for n in args.sizes:
        med = measure(n, rounds=args.rounds, after=args.after, before=args.before)
        print(json.dumps({"n": n, "load": os.getloadavg(), "median": med}), flush=True)


if __name__ == "__main__":
    main()
