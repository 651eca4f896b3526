"""The Ray engine gives the local engine's results: cleaned records, verified
edges, kept members, clusters, command output byte for byte -- whatever the
number of blocks and the order in which the rows reach Ray.

One local Ray (2 CPUs) serves the whole test session; the tests skip when
the extra (``pip install 'cleaner[ray]'``) is not installed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cleaner import explain, make_config
from cleaner.cli import main
from cleaner.dedup.corpus import DedupOptions, DedupResult, dedup_corpus
from cleaner.dedup.lsh import LSHParams

# -- the corpus: seeded, about 2k documents ---------------------------------------------

#: frequent characters to write sentences with
COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学"
    "法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天"
    "政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者"
)
#: look-alike characters an OCR engine confuses
LOOKALIKE = {"已": "己", "士": "土", "末": "未", "日": "曰", "人": "入", "天": "夭", "大": "太", "王": "玉", "今": "令", "问": "间"}
#: the hot bucket: one template, several hundred distinct copies
TEMPLATE = "本站所有文章均为原创作品，未经书面授权禁止转载或者摘编，违者必究法律责任，编号{:06d}。"
HOT = 300


def _sentence(rng: random.Random) -> str:
    n = rng.randint(18, 60)
    chars = [rng.choice(COMMON) for _ in range(n)]
    for i in range(6, n - 2, rng.randint(7, 15)):
        chars[i] = rng.choice("，、；")
    return "".join(chars) + "。"


def _ocr(rng: random.Random, p: str, k: int) -> str:
    s = list(p)
    for _ in range(k):
        i = rng.randrange(len(s) - 1)
        s[i] = LOOKALIKE.get(s[i], rng.choice(COMMON))
    return "".join(s)


def make_corpus(n_docs: int = 2000, seed: int = 7) -> list[str]:
    """Documents of 1-4 paragraphs: new sentences, exact copies, copies
    with other punctuation (the same key), OCR copies (1-3 characters
    misread), half-overlap negatives (half of one paragraph and half of
    another), the hot template, and short paragraphs below ``min_chars``."""
    rng = random.Random(seed)
    pool: list[str] = []
    docs: list[str] = []
    hot = HOT
    for _ in range(n_docs):
        paras = []
        for _ in range(rng.randint(1, 4)):
            r = rng.random()
            if pool and r < 0.15:
                paras.append(rng.choice(pool))
            elif pool and r < 0.22:
                paras.append(rng.choice(pool).replace("，", ","))
            elif pool and r < 0.32:
                paras.append(_ocr(rng, rng.choice(pool), rng.randint(1, 3)))
            elif len(pool) > 1 and r < 0.38:
                a, b = rng.sample(pool, 2)
                paras.append(a[: len(a) // 2] + b[len(b) // 2 :])
            elif hot and r < 0.50:
                hot -= 1
                paras.append(TEMPLATE.format(rng.randrange(10**6)))
            elif r < 0.55:
                paras.append("短段落。")
            else:
                pool.append(_sentence(rng))
                paras.append(pool[-1])
        docs.append("\n\n".join(paras))
    assert hot == 0
    return docs


DOCS = make_corpus()


def uid(pos: int, para: int) -> int:
    return (pos << 24) | para


# -- the local engine's answers ----------------------------------------------------------


class Local:
    """What dedup_corpus gives on DOCS (document i named d{i})."""

    def __init__(self, options: DedupOptions) -> None:
        res = dedup_corpus([(f"d{i}", t) for i, t in enumerate(DOCS)], options=options)
        try:
            self.res = res
            self.outputs = {i: res.output(i, t) for i, t in enumerate(DOCS)}
            self.clusters = list(res.clusters())
            u = (res.doc_of << 24) | res.para
            self.edges = sorted((int(u[a]), int(u[b]), float(s)) for (a, b), s in zip(res.pairs.tolist(), res.pair_scores.tolist()))
            self.kept = {int(u[i]): int(u[r]) for i, r in enumerate(res.ref.tolist()) if r != -1}
        finally:
            res.close()


@pytest.fixture(scope="module")
def local_first() -> Local:
    return Local(DedupOptions())


@pytest.fixture(scope="module")
def local_longest() -> Local:
    return Local(DedupOptions(dedup_keep="longest"))


def edge_table(res: DedupResult) -> Any:
    """The local verified edges as the Ray engine carries them (an exact
    member and its representative have the same key; verified pairs join
    representatives, whose keys differ)."""
    pa = pytest.importorskip("pyarrow")
    assert res.keys is not None
    u = (res.doc_of << 24) | res.para
    a, b = res.pairs[:, 0], res.pairs[:, 1]
    exact = np.array([res.keys[int(x)] == res.keys[int(y)] for x, y in zip(a, b)], dtype=bool)
    name = lambda xs: [f"d{int(res.doc_of[x])}" for x in xs.tolist()]  # noqa: E731
    return pa.table(
        {
            "a": pa.array(u[a]), "b": pa.array(u[b]), "score": pa.array(res.pair_scores.astype(np.float32)), "exact": pa.array(exact),
            "a_doc": pa.array(name(a)), "a_start": pa.array(res.start[a]), "a_end": pa.array(res.end[a]),
            "b_doc": pa.array(name(b)), "b_start": pa.array(res.start[b]), "b_end": pa.array(res.end[b]),
        }
    )


def test_the_corpus_holds_what_the_parity_tests_need(local_first):
    res = local_first.res
    assert 1900 <= len(DOCS) and res.units > 4000
    hot = {p for t in DOCS for p in t.split("\n\n") if p.startswith(TEMPLATE[:8])}
    assert len(hot) > 2 * LSHParams().bucket_cap  # distinct copies: the hot bucket is windowed
    scores = [s for _, _, s in local_first.edges]
    assert min(scores) < 95 and scores.count(100.0) > 100  # OCR copies and exact copies
    assert res.candidates > len(local_first.edges)  # candidates the verdict rejected (half overlaps...)
    assert any(v is not None and v.endswith("短段落。") for v in local_first.outputs.values())  # short ones stay


# -- the shared clustering code, without Ray -------------------------------------------------


@pytest.mark.parametrize("keep", ["first", "longest"])
def test_resolve_on_the_local_edges_gives_the_local_clusters(keep, local_first, local_longest):
    """The engine's clustering step (greedy clustering, exact followers,
    records) on the local engine's edges, all at once and split into
    blocks of whole components in any order."""
    from cleaner.ray import cluster_line, resolve

    pa = pytest.importorskip("pyarrow")
    local = local_first if keep == "first" else local_longest
    options = DedupOptions(dedup_keep=keep)
    res = dedup_corpus([(f"d{i}", t) for i, t in enumerate(DOCS)], options=options)
    try:
        edges = edge_table(res)
    finally:
        res.close()
    whole = resolve(edges, options)
    assert [json.loads(cluster_line(i, r)) for i, r in enumerate(whole.column("record").to_pylist())] == local.clusters
    kept = {m: k for k, ms in zip(whole.column("uid").to_pylist(), whole.column("m_uid").to_pylist()) for m in ms}
    assert kept == local.kept
    # components into three blocks, rows shuffled: the same clusters, once sorted
    label: dict[int, int] = {}
    for a, b in zip(edges.column("a").to_pylist(), edges.column("b").to_pylist()):
        ra, rb = label.setdefault(a, a), label.setdefault(b, b)
        while label[ra] != ra:
            ra = label[ra]
        while label[rb] != rb:
            rb = label[rb]
        label[max(ra, rb)] = min(ra, rb)

    def root(x: int) -> int:
        while label[x] != x:
            x = label[x]
        return x

    comp = np.array([root(a) % 3 for a in edges.column("a").to_pylist()])
    perm = np.random.default_rng(1).permutation(edges.num_rows)
    parts = [resolve(edges.take(pa.array(perm)).filter(pa.array(comp[perm] == p)), options) for p in range(3)]
    merged = pa.concat_tables(parts).sort_by([("rk", "ascending"), ("uid", "ascending")])
    assert merged.column("record").to_pylist() == whole.column("record").to_pylist()


# -- on Ray -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_session() -> Iterator[Any]:
    pytest.importorskip("ray.data")
    pytest.importorskip("polars")  # Dataset.join
    from cleaner import ray as ray_engine

    s = ray_engine.init(num_cpus=2, partitions=4, quiet=True)
    import ray

    try:
        yield ray
    finally:
        if s.started:
            ray.shutdown()


ORDERS = ["1 block", "3 blocks", "8 blocks", "shuffled"]


def dataset(ray: Any, order: str, docs: list[str] = DOCS) -> Any:
    """Documents as a Ray dataset; "shuffled": the rows reach Ray in a random
    order (in 5 blocks), each still carrying its original position."""
    rows = [{"pos": i, "name": f"d{i}", "text": t} for i, t in enumerate(docs)]
    if order == "shuffled":
        random.Random(11).shuffle(rows)
        return ray.data.from_items(rows, override_num_blocks=5)
    return ray.data.from_items(rows, override_num_blocks=int(order.split()[0]))


@pytest.mark.parametrize(
    "order,keep,driver",
    [(o, "first", True) for o in ORDERS]
    + [("3 blocks", "first", False), ("shuffled", "first", False), ("8 blocks", "longest", True), ("shuffled", "longest", False)],
)
def test_dedup_parity(ray_session, local_first, local_longest, order, keep, driver):
    """Output records, verified edges, kept members and cluster records of
    dedup_dataset equal dedup_corpus's; ``driver``: clusters found on the
    driver, else by connected components on the cluster (and the drops
    joined to the documents)."""
    from cleaner import ray as ray_engine

    local = local_first if keep == "first" else local_longest
    out = ray_engine.dedup_dataset(
        dataset(ray_session, order), field="text", id_field="name", position_field="pos",
        options=DedupOptions(dedup_keep=keep), max_driver_edges=10**9 if driver else 0,
    )
    assert out.distributed is not driver
    assert (out.units, out.candidates, out.dropped) == (local.res.units, local.res.candidates, len(local.kept))
    rows = out.dataset.take_all()
    assert {r["pos"]: r["text"] for r in rows} == {i: t for i, t in local.outputs.items() if t is not None}
    assert all(r["name"] == f"d{r['pos']}" for r in rows)  # the other columns came along
    edges = sorted((r["a"], r["b"], r["score"]) for r in out.edges.take_all())
    assert edges == local.edges
    clusters = sorted(out.clusters.take_all(), key=lambda r: r["cluster"])
    assert [ray_engine.cluster_record(r) for r in clusters] == local.clusters
    kept = {m: c["uid"] for c in clusters for m in c["m_uid"]}
    assert kept == local.kept
    if driver and order == "1 block":
        assert [r["pos"] for r in rows] == sorted(r["pos"] for r in rows)  # input order kept


def test_dedup_by_document_and_without_positions(ray_session):
    """level="document" drops whole rows; without a position column the
    rows are numbered in the dataset's order."""
    from cleaner import ray as ray_engine

    docs = DOCS[:300]
    options = DedupOptions(level="document")
    res = dedup_corpus([(str(i), t) for i, t in enumerate(docs)], options=options)
    try:
        expected = [t for i, t in enumerate(docs) if res.output(i, t) is not None]
        clusters = list(res.clusters())
    finally:
        res.close()
    assert len(expected) < len(docs)
    ds = ray_session.data.from_items([{"text": t} for t in docs], override_num_blocks=3)
    out = ray_engine.dedup_dataset(ds, options=options, with_edits=True)
    rows = out.dataset.take_all()
    assert [r["text"] for r in rows] == expected
    assert set(rows[0]) == {"text", "cleaner_edits"}
    assert [ray_engine.cluster_record(r) for r in sorted(out.clusters.take_all(), key=lambda r: r["cluster"])] == clusters


@pytest.mark.parametrize("order", ORDERS)
def test_clean_parity(ray_session, order):
    from cleaner import ray as ray_engine

    config = make_config()
    docs = DOCS[:600]
    expected = {i: explain(t, config=config) for i, t in enumerate(docs)}
    ds = ray_engine.clean_dataset(dataset(ray_session, order, docs), config=config, with_edits=True)
    rows = ds.take_all()
    assert {r["pos"]: r["text"] for r in rows} == {i: e.text for i, e in expected.items()}
    assert {r["pos"]: json.loads(r["cleaner_edits"]) for r in rows} == {
        i: [x.to_dict() for x in e.edits] + [s.to_dict() for s in e.suggestions] for i, e in expected.items()
    }
    assert sum(1 for e in expected.values() if e.edits) > 50


# -- the commands: byte for byte -----------------------------------------------------------------


def write_jsonl(path: Path, docs: list[str], start: int = 0) -> None:
    path.write_text("".join(json.dumps({"id": start + i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(docs)), encoding="utf-8")


def outputs(tmp_path: Path, engine: str, argv: list[str]) -> dict[str, bytes]:
    out = tmp_path / engine
    out.mkdir()
    names = ("out.jsonl", "report.jsonl", "clusters.jsonl", "bad.jsonl")  # outputs, written into tmp_path/engine
    args = [str(out / a) if a in names else a for a in argv]
    assert main([*args, "--engine", engine, "-q"]) == 0
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_clean_command_is_byte_identical(ray_session, tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(a, DOCS[:150])
    with open(a, "a", encoding="utf-8") as fh:
        fh.write('[1]\n\n{"id": "no text"}\n{"text": "\\ud800 孤立代理,尾"}\n')
    write_jsonl(b, DOCS[150:300], start=150)
    argv = ["clean", "--jsonl", str(a), str(b), "-o", "out.jsonl", "--report", "report.jsonl", "--on-error", "quarantine", "bad.jsonl"]
    local, ray = outputs(tmp_path, "local", argv), outputs(tmp_path, "ray", argv)
    assert ray == local
    assert len(local["bad.jsonl"].splitlines()) == 2 and local["report.jsonl"]


def test_dedup_command_is_byte_identical(ray_session, tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(a, DOCS[:700])
    write_jsonl(b, DOCS[700:1200], start=700)
    argv = ["dedup", "--jsonl", str(a), str(b), "-o", "out.jsonl", "--report", "report.jsonl", "--clusters", "clusters.jsonl"]
    local, ray = outputs(tmp_path, "local", argv), outputs(tmp_path, "ray", argv)
    assert ray == local
    assert local["clusters.jsonl"].count(b"\n") > 100 and b"b.jsonl:" in local["clusters.jsonl"]


def write_named(path: Path, docs: list[str], start: int = 0) -> None:
    """Records named by their own id: strings (not ASCII) and integers in turn."""
    ids = [f"新闻/{start + i}" if i % 2 else start + i for i in range(len(docs))]
    path.write_text("".join(json.dumps({"url": u, "text": t}, ensure_ascii=False) + "\n" for u, t in zip(ids, docs)), encoding="utf-8")


def test_clean_command_with_id_field_is_byte_identical(ray_session, tmp_path):
    a = tmp_path / "a.jsonl"
    write_named(a, DOCS[:120])
    with open(a, "a", encoding="utf-8") as fh:  # without an id, with a null one, with a list: bad records
        fh.write('{"text": "今天,我们去公园。"}\n{"url": null, "text": "明天,我们去图书馆。"}\n{"url": [1], "text": "x"}\n')
    argv = ["clean", "--jsonl", "--id-field", "url", str(a), "-o", "out.jsonl", "--report", "report.jsonl", "--on-error", "quarantine", "bad.jsonl"]
    local, ray = outputs(tmp_path, "local", argv), outputs(tmp_path, "ray", argv)
    assert ray == local
    assert len(local["bad.jsonl"].splitlines()) == 3 and b"no id field 'url'" in local["bad.jsonl"]
    documents = {json.loads(r)["document"] for r in local["report.jsonl"].splitlines()}
    assert any(d.startswith("新闻/") for d in documents) and "0" in documents and not any(d.startswith(str(a)) for d in documents)


def test_dedup_command_with_id_field_and_drop_empty_is_byte_identical(ray_session, tmp_path, capsys):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_named(a, DOCS[:500])
    write_named(b, DOCS[500:900], start=500)
    argv = ["dedup", "--jsonl", "--id-field", "url", str(a), str(b), "-o", "out.jsonl", "--report", "report.jsonl", "--clusters", "clusters.jsonl"]
    (tmp_path / "ids").mkdir()
    local, ray = outputs(tmp_path / "ids", "local", argv), outputs(tmp_path / "ids", "ray", argv)
    assert ray == local
    kept = {json.loads(c)["kept"]["document"] for c in local["clusters.jsonl"].splitlines()}
    assert any(k.startswith("新闻/") for k in kept) and str(a).encode() not in local["clusters.jsonl"] + local["report.jsonl"]
    summaries = {}
    for engine in ("local", "ray"):  # with --drop-empty, and its summary
        out = tmp_path / "drop" / engine
        out.mkdir(parents=True)
        args = [str(out / n) if n in ("out.jsonl", "report.jsonl", "clusters.jsonl") else n for n in argv]
        assert main([*args, "--drop-empty", "--engine", engine]) == 0
        summaries[engine] = [x for x in capsys.readouterr().err.splitlines() if x.startswith("cleaner dedup:")]
    dropped = {e: {p.name: p.read_bytes() for p in sorted((tmp_path / "drop" / e).iterdir())} for e in ("local", "ray")}
    assert dropped["ray"] == dropped["local"]
    assert summaries["ray"] == summaries["local"] and "documents left empty and dropped (--drop-empty)" in summaries["local"][0]
    left_out = [json.loads(r) for r in dropped["local"]["report.jsonl"].splitlines() if b'"dropped": "empty"' in r]
    assert len(left_out) > 5  # documents whose paragraphs all repeat earlier ones
    assert dropped["local"]["out.jsonl"].count(b"\n") == local["out.jsonl"].count(b"\n") - len(left_out)


def _bad_ids(tmp_path: Path, case: str) -> tuple[list[str], str]:
    """Two files of named records with a record without an id, an id used
    twice, or both (in either order); the inputs and the expected message."""
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_named(a, DOCS[:30])
    lines = [json.dumps({"url": f"b{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(DOCS[30:60])]
    repeat = json.dumps({"url": "新闻/3", "text": "重复的编号。"}, ensure_ascii=False)  # a.jsonl's line 4 has it
    if case in ("no id", "no id, then a repeat"):
        lines[2] = json.dumps({"text": "没有编号。"}, ensure_ascii=False)
    if case != "no id":
        lines[6] = repeat
    if case == "a repeat, then no id":
        lines[19] = json.dumps({"url": None, "text": "没有编号。"}, ensure_ascii=False)
    b.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if case.startswith("no id"):
        return [str(a), str(b)], f"{b}: line 3: no id field 'url'"
    return [str(a), str(b)], f"{b}: line 7: id '新闻/3' (--id-field url) is also the id of {a}:4; ids must be unique"


@pytest.mark.parametrize("case", ["no id", "a repeat", "a repeat, then no id", "no id, then a repeat"])
def test_dedup_stops_at_the_first_bad_id_as_locally(ray_session, tmp_path, capsys, case):
    files, message = _bad_ids(tmp_path, case)
    out = tmp_path / "out.jsonl"
    errors = {}
    for engine in ("local", "ray"):
        assert main(["dedup", "--jsonl", "--id-field", "url", *files, "-o", str(out), "--engine", engine, "-q"]) == 1
        assert not out.exists()
        errors[engine] = capsys.readouterr().err
    assert errors["ray"] == errors["local"]
    assert message in errors["local"], errors["local"]


def test_an_id_ray_cannot_carry_stops_dedup_naming_its_line(ray_session, tmp_path, capsys):
    """A lone surrogate is valid in a JSON string but not in an Arrow one: the
    Ray engine says so (exit 1, file and line) instead of failing in a worker."""
    a = tmp_path / "a.jsonl"
    write_named(a, DOCS[:10])
    with open(a, "a", encoding="utf-8") as fh:
        fh.write('{"url": "x\\ud800", "text": "孤立代理。"}\n')
    out = tmp_path / "out.jsonl"
    assert main(["dedup", "--jsonl", "--id-field", "url", str(a), "-o", str(out), "--engine", "ray", "-q"]) == 1
    assert f"{a}: line 11: id field 'url' holds a lone surrogate" in capsys.readouterr().err
    assert not out.exists()
    assert main(["dedup", "--jsonl", "--id-field", "url", str(a), "-o", str(out), "--engine", "local", "-q"]) == 0


def test_files_in_many_byte_ranges(ray_session, tmp_path):
    """The command's functions with small byte ranges (many chunks per file):
    the records and rows of the local path, in order."""
    from cleaner import ray as ray_engine
    from cleaner.records import read_jsonl, render_record
    from cleaner.runner import clean_lines

    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(a, DOCS[:400])
    write_jsonl(b, DOCS[400:500], start=400)
    files = [str(a), str(b)]
    config = make_config(disable=["ocr_confusion", "stutter", "consistency"])
    lines = [(f, i, raw) for f in files for i, raw in enumerate(open(f, "rb"), 1)]
    assert list(ray_engine.clean_jsonl_files(files, config, chunk_bytes=4096)) == list(clean_lines(lines, config))
    options = DedupOptions()
    docs = [d for f in files for d in read_jsonl(open(f, "rb"), f, "text")]
    res = dedup_corpus([(d.id, d.text) for d in docs], options=options)
    try:
        expected = [render_record(res, i, d, report=True) for i, d in enumerate(docs)]
        clusters = [json.dumps(c, ensure_ascii=False) + "\n" for c in res.clusters()]
    finally:
        res.close()
    run = ray_engine.dedup_jsonl_files(files, options, chunk_bytes=4096, max_driver_edges=0)
    assert run.distributed and run.documents == len(docs)
    assert [(out, rows) for out, rows, _ in run.records()] == expected
    assert list(run.cluster_lines()) == clusters


def test_files_named_by_id_in_many_byte_ranges(ray_session, tmp_path):
    """With an id field and small byte ranges, clusters found on the cluster:
    the records, rows, clusters and emptied records of the local path."""
    from cleaner import ray as ray_engine
    from cleaner.records import read_jsonl, render_record

    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_named(a, DOCS[:300])
    write_named(b, DOCS[300:400], start=300)
    files = [str(a), str(b)]
    docs = [d for f in files for d in read_jsonl(open(f, "rb"), f, "text", id_field="url")]
    res = dedup_corpus([(d.id, d.text) for d in docs])
    try:
        expected = [render_record(res, i, d, report=True) for i, d in enumerate(docs)]
        emptied = [d.id if res.drops(i) and not (res.output(i, d.text) or "").strip() else None for i, d in enumerate(docs)]
        clusters = [json.dumps(c, ensure_ascii=False) + "\n" for c in res.clusters()]
    finally:
        res.close()
    assert sum(e is not None for e in emptied) > 3 and "新闻/1" in {d.id for d in docs}
    run = ray_engine.dedup_jsonl_files(files, DedupOptions(), id_field="url", chunk_bytes=2048, max_driver_edges=0)
    assert run.distributed
    assert list(run.records()) == [(out, rows, e) for (out, rows), e in zip(expected, emptied)]
    assert list(run.cluster_lines()) == clusters


def test_a_bad_record_stops_dedup_naming_its_line(ray_session, tmp_path):
    a = tmp_path / "a.jsonl"
    write_jsonl(a, DOCS[:50])
    with open(a, "a", encoding="utf-8") as fh:
        fh.write('{"text": 5}\n')
    out = tmp_path / "out.jsonl"
    for engine in ("local", "ray"):
        assert main(["dedup", "--jsonl", str(a), "-o", str(out), "--engine", engine, "-q"]) == 1
        assert not out.exists()


def test_sigterm_during_a_ray_run_leaves_no_output_and_no_ray(ray_session, tmp_path):
    """Ray replaces the SIGTERM handler when it starts; the command keeps its
    own: exit 143, no partial output, Ray stopped."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, DOCS * 2)
    out = tmp_path / "out.jsonl"
    p = subprocess.Popen([sys.executable, "-m", "cleaner.cli", "clean", "--engine", "ray", "--jsonl", str(src), "-o", str(out)], stderr=subprocess.PIPE)

    def processes() -> dict[int, tuple[int, bytes]]:
        found = {}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    found[int(pid)] = (ppid, fh.read())
            except (OSError, IndexError, ValueError):
                continue
        return found

    def ours() -> tuple[list[int], bool]:
        """Ray's processes under the command, and whether the records are being
        cleaned (Ray has started: a worker runs the clean step)."""
        procs = processes()
        tree, todo = [], [p.pid]
        while todo:
            pid = todo.pop()
            kids = [c for c, (pp, _) in procs.items() if pp == pid]
            tree += kids
            todo += kids
        return tree, any(b"_clean_chunks" in procs[c][1] for c in tree if c in procs)

    deadline = time.monotonic() + 90
    while not ours()[1] and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    ray_pids, started = ours()
    assert started, "Ray did not start"
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 143, err.decode(errors="replace")[-2000:]
    assert b"no partial output" in err
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl.*"))

    def alive(pid: int) -> bool:  # a zombie waits for a parent to reap it: it is not running
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
        except OSError:
            return False

    deadline = time.monotonic() + 30
    while [pid for pid in ray_pids if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not [(pid, processes().get(pid)) for pid in ray_pids if alive(pid)]
