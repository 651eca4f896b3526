"""The Ray engine's pure parts, without Ray: the shared per-record step, byte
ranges of JSON Lines, bucket pairs per block, connected components by star
rounds, and the command's usage errors.  Parity on Ray: tests/dedup/test_ray_parity.py."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import make_config
from cleaner.dedup.lsh import candidate_pairs
from cleaner.ray_engine import _cut, bucket_pairs, large_star, small_star, split_lines, uid_of
from cleaner.records import read_jsonl, report_rows
from cleaner.runner import Stats, clean_documents, clean_lines

A = "图书馆今年完成了老馆改造，新增阅览座位三百个，加快重大项目建设，延长了周末的开放时间。"
B = "新建的体育公园占地约八十亩,总投资约三亿元,设有足球场、篮球场和环形跑道,年底前开放。"


def run_py(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def test_importing_cleaner_does_not_import_ray():
    p = run_py(
        "import sys, cleaner, cleaner.cli, cleaner.commands.dedup, cleaner.ray_engine\n"
        "print(sorted(m for m in sys.modules if m == 'ray' or m.startswith(('ray.', 'pyarrow'))))"
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


def test_without_ray_the_engine_says_what_to_install(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": A}, ensure_ascii=False) + "\n", encoding="utf-8")
    p = run_py(
        "import sys; sys.modules['ray'] = None\n"  # as if Ray were not installed
        "from cleaner import ray_engine\n"
        "try:\n    ray_engine.init()\nexcept ImportError as e:\n    print(e)\n"
        "from cleaner.cli import main\n"
        f"sys.exit(main(['clean', '--engine', 'ray', '--jsonl', {str(src)!r}]))"
    )
    assert p.returncode == 2
    assert "pip install 'cleaner[ray]'" in p.stdout
    assert "pip install 'cleaner[ray]'" in p.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["clean", "--ray-address", "auto", "--jsonl", "IN"],
        ["clean", "--engine", "ray", "IN"],  # a text file
        ["clean", "--engine", "ray", "--jsonl", "-"],
        ["dedup", "--engine", "ray", "--jsonl", "IN", "--index", "seen.db"],
        ["dedup", "--ray-address", "auto", "--jsonl", "IN"],
    ],
)
def test_engine_usage_errors_exit_2(tmp_path, args, capsys):
    from cleaner.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": A}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main([str(src) if a == "IN" else a for a in args]) == 2
    assert "cleaner: error:" in capsys.readouterr().err


# -- the per-record step both engines share ------------------------------------------


def _records(tmp_path: Path) -> list[bytes]:
    rows = [{"id": i, "text": t} for i, t in enumerate([A, B, f"{B}\n\n{B}", "", "ＡＢＣ，测试"])]
    lines = [(json.dumps(r, ensure_ascii=False) + "\n").encode() for r in rows]
    return lines[:2] + [b"\n", b'{"id": 9}\n', b"[1, 2]\n", b'{"text": "\\ud800 x"}\n'] + lines[2:]


@pytest.mark.parametrize("jobs", [1, 2])
def test_clean_lines_writes_what_the_document_path_wrote(tmp_path, jobs):
    """The rows, report rows and counts of :func:`clean_line` are those the
    command wrote before the engines shared it (documents, then rendering)."""
    config = make_config()
    raw = _records(tmp_path)
    lines = list(clean_lines((("in.jsonl", i, r) for i, r in enumerate(raw, 1)), config, jobs=jobs, batch_lines=2))
    good = [d for d in read_jsonl(raw, "in.jsonl", "text") if not hasattr(d, "reason")]
    bad = [d for d in read_jsonl(raw, "in.jsonl", "text") if hasattr(d, "reason")]
    expected = list(clean_documents(good, config))
    assert [c.line for c in lines] == [1, 2, 4, 5, 6, 7, 8, 9]
    assert [c.output for c in lines if not c.bad] == [r.output_line() for r in expected]
    assert [c.report for c in lines if not c.bad] == [report_rows(r) for r in expected]
    assert [(c.line, c.bad) for c in lines if c.bad] == [(b.line, b.reason) for b in bad]
    old, new = Stats(), Stats()
    for r in expected:
        old.add(r)
    for c in lines:
        if not c.bad:
            new.add_line(c)
    assert new == old and old.edits  # something was edited
    assert any("dedup" in c.rules for c in lines) and old.dropped_paragraphs == 1


# -- JSON Lines in byte ranges ---------------------------------------------------------


@given(st.binary(max_size=200).map(lambda b: b.replace(b"\x00", b"\n")))
@settings(max_examples=200, deadline=None)
def test_split_lines_is_iterating_a_binary_file(data):
    assert split_lines(data) == list(io.BytesIO(data))


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 10_000])
def test_byte_ranges_end_at_line_ends_and_cover_the_file(tmp_path, chunk):
    rng = random.Random(chunk)
    data = b"".join(rng.choice([b"\n", b"ab\n", b"\xe4\xb8\xad\r\n", b"x" * 30 + b"\n"]) for _ in range(200)) + b"tail"
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    ranges = _cut(str(path), chunk)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    assert all(data[e - 1 : e] == b"\n" for _, e in ranges[:-1])
    assert all(e - s >= min(chunk, len(data) - s) for s, e in ranges)
    assert [line for s, e in ranges for line in split_lines(data[s:e])] == list(io.BytesIO(data))


# -- LSH buckets cut into blocks --------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_bucket_pairs_per_block_are_the_local_candidate_pairs(seed):
    """Buckets hashed into blocks, rows in any order, pairs per block: the
    union is what candidate_pairs gives on the whole matrix, windowing of
    the hot buckets (bigger than the cap) included."""
    rng = np.random.default_rng(seed)
    n, bands, cap = 400, 5, 6
    ids = np.sort(rng.choice(10**9, n, replace=False)).astype(np.int64)
    keys = rng.integers(0, 60, size=(n, bands)).astype(np.uint64)
    keys[rng.random(n) < 0.3, 2] = 7  # a hot bucket in band 2
    expected = candidate_pairs(keys, ids, bucket_cap=cap)
    assert (np.bincount(keys[:, 2].astype(np.int64)).max()) > 3 * cap
    band = np.repeat(np.arange(bands), n)
    bkey = keys.T.ravel()
    uid = np.tile(ids, bands)
    perm = rng.permutation(len(uid))
    band, bkey, uid = band[perm], bkey[perm], uid[perm]
    block = (bkey * np.uint64(31) + band.astype(np.uint64)) % np.uint64(4)
    got = [bucket_pairs(band[block == b], bkey[block == b], uid[block == b], bucket_cap=cap) for b in range(4)]
    pairs = np.unique(np.concatenate(got), axis=0)
    assert pairs.tolist() == expected.tolist()


# -- connected components by star rounds ---------------------------------------------------


def _union_find(edges: list[tuple[int, int]]) -> dict[int, int]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


def _blocks(a: np.ndarray, b: np.ndarray, key: np.ndarray, parts: int, rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    perm = rng.permutation(len(a))
    a, b, key = a[perm], b[perm], key[perm]
    h = (key * 2654435761) % parts
    return [(a[h == p], b[h == p]) for p in range(parts)]


def components_by_stars(edges: list[tuple[int, int]], parts: int, seed: int) -> tuple[dict[int, int], int]:
    """The engine's rounds, with its shuffles simulated: rows hashed by node
    into ``parts`` blocks, in random order."""
    rng = np.random.default_rng(seed)
    e = np.array(edges, dtype=np.int64).reshape(-1, 2)
    hi, lo = e.max(axis=1), e.min(axis=1)
    rounds = 0
    while True:
        rounds += 1
        u, v = np.concatenate([hi, lo]), np.concatenate([lo, hi])
        out = [large_star(x, y) for x, y in _blocks(u, v, u, parts, rng)]
        hi, lo = np.concatenate([o[0] for o in out]), np.concatenate([o[1] for o in out])
        changed = sum(o[2] for o in out)
        out = [small_star(x, y) for x, y in _blocks(hi, lo, hi, parts, rng)]
        hi, lo = np.concatenate([o[0] for o in out]), np.concatenate([o[1] for o in out])
        changed += sum(o[2] for o in out)
        if not changed:
            break
    label = dict(zip(hi.tolist(), lo.tolist()))
    nodes = {x for ab in edges for x in ab}
    return {x: label.get(x, x) for x in nodes}, rounds


@pytest.mark.parametrize("seed", range(8))
def test_star_rounds_find_the_components(seed):
    rng = random.Random(seed)
    nodes = rng.sample(range(10**6), 300)
    edges = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(rng.choice([50, 200, 400]))]
    edges += [(nodes[i], nodes[i + 1]) for i in range(0, 60)]  # a long path
    edges = [(a, b) for a, b in edges if a != b]
    got, rounds = components_by_stars(edges, parts=rng.choice([1, 3, 4]), seed=seed)
    assert got == _union_find(edges)
    assert rounds > 1


def test_a_star_round_on_a_converged_forest_changes_nothing():
    hi, lo, changed = large_star(np.array([5, 1, 9, 1]), np.array([1, 5, 1, 9]))
    assert (hi.tolist(), lo.tolist(), changed) == ([5, 9], [1, 1], 0)
    hi, lo, changed = small_star(hi, lo)
    assert (hi.tolist(), lo.tolist(), changed) == ([5, 9], [1, 1], 0)


def test_uids_order_units_as_the_local_engine_numbers_them():
    units = [(0, 0), (0, 1), (0, 300), (1, 0), (7, 2), (2**38, 5)]
    assert sorted(units, key=lambda u: uid_of(*u)) == units
