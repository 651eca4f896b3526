"""cleaner.integrations.datatrove: the steps inside datatrove pipelines (skipped without datatrove)."""

from __future__ import annotations

import json
import os
import pickle
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("datatrove")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

import cleaner  # noqa: E402
from cleaner import Edit, apply_edits  # noqa: E402
from cleaner.integrations.datatrove import CleanerDedupStep, CleanerStep  # noqa: E402

P1 = "第一段的内容足够长，不会被跳过。"
P2 = "第二段的内容也够长，同样参与比较。"
TEXTS = [
    "今天,我们去公园。\n\n这位博土毕业于北京大学，研究工作已经完成。",
    "这是一段干净的中文。",
    "Ningboï¼ŒChina",
    "\u200b",
]


def _docs(texts: list[str]) -> list[Document]:
    return [Document(text=t, id=str(i)) for i, t in enumerate(texts)]


def test_the_step_cleans_like_explain_and_counts_edits_per_rule() -> None:
    step = CleanerStep(edits_metadata="cleaner")
    out = list(step.run(iter(_docs(TEXTS))))
    expected = [cleaner.explain(t) for t in TEXTS]
    assert [d.text for d in out] == [r.text for r in expected]
    per_rule: Counter[str] = Counter()
    for r in expected:
        per_rule.update(r.counts())
    assert {k: step.stats[f"edits_{k}"].total for k in per_rule} == dict(per_rule)
    assert step.stats["total"].total == 4 and step.stats["forwarded"].total == 4
    assert step.stats["changed"].total == sum(1 for r in expected if r.edits)
    for original, doc in zip(TEXTS, out):  # the edits kept in metadata replay from JSON
        rows = json.loads(json.dumps(doc.metadata["cleaner"]))["edits"]
        edits = [Edit(e["rule"], e["start"], e["end"], e["before"], e["after"]) for e in rows]
        assert apply_edits(original, edits) == doc.text


def test_drop_empty_drops_what_cleaning_emptied_and_counts_it() -> None:
    step = CleanerStep(drop_empty=True)
    out = list(step.run(iter(_docs(TEXTS))))
    assert [d.id for d in out] == ["0", "1", "2"]
    assert step.stats["dropped"].total == 1 and step.stats["dropped_empty"].total == 1
    assert "cleaner" not in out[0].metadata


def test_bad_options_fail_when_the_step_is_built() -> None:
    with pytest.raises(ValueError, match="unknown"):
        CleanerStep(no_such_option=True)
    with pytest.raises(ValueError, match="dedup_threshold"):
        CleanerDedupStep(dedup_threshold=0)
    with pytest.raises(ValueError, match="level must be one of"):
        CleanerDedupStep(level="line")


def test_the_steps_survive_pickling_as_executors_ship_them() -> None:
    dill = pytest.importorskip("dill")
    for dumps, loads in ((pickle.dumps, pickle.loads), (dill.dumps, dill.loads)):
        step = loads(dumps(CleanerStep(only=["width"])))
        assert [d.text for d in step.run(iter(_docs(["你好,世界"])))] == ["你好，世界"]
        dedup = loads(dumps(CleanerDedupStep(level="document")))
        assert [d.id for d in dedup.run(iter(_docs([P1 + P2, P1 + P2])))] == ["0"]


def test_the_dedup_step_drops_repeats_and_names_them() -> None:
    step = CleanerDedupStep()
    docs = _docs([f"{P1}\n\n{P2}", f"新的一段，应当保留。\n\n{P2}", P1])
    out = list(step.run(iter(docs)))
    assert [d.text for d in out] == [f"{P1}\n\n{P2}", "新的一段，应当保留。", ""]
    assert step.stats["dropped_paragraphs"].total == 2 and step.stats["forwarded"].total == 3
    step = CleanerDedupStep(drop_empty=True)
    assert [d.id for d in step.run(iter(_docs([f"{P1}\n\n{P2}", P1])))] == ["0"]
    assert step.stats["dropped_empty"].total == 1
    step = CleanerDedupStep(level="document")
    assert [d.id for d in step.run(iter(_docs([P1, P2, P1.replace("，", "！")])))] == ["0", "1"]
    assert step.stats["dropped_duplicate"].total == 1


def test_the_dedup_step_leaves_no_temporary_file_when_the_pipeline_stops_early(tmp_path: Path) -> None:
    step = CleanerDedupStep(workdir=str(tmp_path))
    run = step.run(iter(_docs([P1, P2, P1])))
    next(run)
    assert os.listdir(tmp_path)
    run.close()
    assert os.listdir(tmp_path) == []


def _write(path: Path, texts: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"id": f"{path.stem}-{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)), encoding="utf-8")


def _read(folder: Path) -> dict[str, str]:
    out = {}
    for f in sorted(folder.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            out[rec["id"]] = rec.get("text", "")  # the writer leaves an empty text out
    return out


def test_in_a_pipeline_the_dedup_step_dedups_each_task_on_its_own(tmp_path: Path) -> None:
    """Two input files, two tasks: a paragraph repeated inside a file goes,
    one repeated across the files stays (the documented limit: each task
    dedups its own shard)."""
    _write(tmp_path / "raw" / "a.jsonl", [f"{P1}\n\n今天,天气很好。", P1])
    _write(tmp_path / "raw" / "b.jsonl", [f"{P1}\n\n{P2}", P2])
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(tmp_path / "raw")), CleanerStep(), CleanerDedupStep(), JsonlWriter(str(tmp_path / "out"), compression=None)],
        tasks=2, workers=1, logging_dir=str(tmp_path / "logs"),
    ).run()
    assert _read(tmp_path / "out") == {"a-0": f"{P1}\n\n今天，天气很好。", "a-1": "", "b-0": f"{P1}\n\n{P2}", "b-1": ""}
    stats = {s["name"]: s["stats"] for s in json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))}
    dropped = stats["🫂 - DEDUPS: 🧹 cleaner dedup"]["dropped_paragraphs"]
    assert (dropped["total"] if isinstance(dropped, dict) else dropped) == 2  # datatrove writes a count as a number


def test_with_an_index_tasks_run_one_after_another_dedup_across_shards(tmp_path: Path) -> None:
    _write(tmp_path / "raw" / "a.jsonl", [f"{P1}\n\n今天,天气很好。", P1])
    _write(tmp_path / "raw" / "b.jsonl", [f"{P1}\n\n{P2}", P2])
    index = str(tmp_path / "seen.db")
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(tmp_path / "raw")), CleanerDedupStep(index=index, drop_empty=True), JsonlWriter(str(tmp_path / "out"), compression=None)],
        tasks=2, workers=1, logging_dir=str(tmp_path / "logs"),
    ).run()
    assert _read(tmp_path / "out") == {"a-0": f"{P1}\n\n今天,天气很好。", "b-0": P2}
