"""cleaner.integrations.hf: clean_batch inside Dataset.map (skipped without datasets)."""

from __future__ import annotations

import json

import pytest

import cleaner
from cleaner import Edit, apply_edits
from cleaner.integrations.hf import clean_batch

TEXTS = ["这是一段干净的中文。", "今天,我们去公园。", "\u200b\u200b", "Ningboï¼ŒChina", "天气很好。"]


def test_a_batch_keeps_its_columns_and_rows() -> None:
    batch = {"id": [1, 2, 3, 4, 5], "text": list(TEXTS), "meta": [{"k": i} for i in range(5)]}
    out = clean_batch(batch)
    assert out["text"] == [cleaner.clean(t) for t in TEXTS]
    assert out["id"] == batch["id"] and out["meta"] == batch["meta"] and list(out) == ["id", "text", "meta"]
    assert batch["text"] == TEXTS  # the input batch is not modified


def test_a_batch_refuses_what_it_cannot_clean() -> None:
    with pytest.raises(ValueError, match=r"no column 'text' \(its columns: content\)"):
        clean_batch({"content": ["你好"]})
    with pytest.raises(TypeError, match="batched=True"):
        clean_batch({"text": "你好"})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="already has a column 'id'"):
        clean_batch({"text": ["你好"], "id": [1]}, edits_column="id")


def test_in_dataset_map_across_batches() -> None:
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"n": list(range(len(TEXTS))), "content": TEXTS})
    cfg = cleaner.make_config(disable=["paragraphs"])
    out = ds.map(clean_batch, batched=True, batch_size=2, fn_kwargs={"field": "content", "config": cfg, "drop_empty": True, "edits_column": "edits"})
    assert out.column_names == ["n", "content", "edits"]
    assert out["n"] == [0, 1, 3, 4]  # the row that cleaning emptied is gone
    assert out["content"] == [cleaner.clean(TEXTS[i], config=cfg) for i in (0, 1, 3, 4)]
    # the first batch's first row has no edit: the column's type is a string in every batch
    for i, row in zip((0, 1, 3, 4), out):
        edits = [Edit(e["rule"], e["start"], e["end"], e["before"], e["after"]) for e in json.loads(row["edits"])]
        assert apply_edits(TEXTS[i], edits) == row["content"]
    assert json.loads(out[0]["edits"]) == [] and json.loads(out[1]["edits"])


def test_without_drop_empty_every_row_stays() -> None:
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"text": TEXTS})
    out = ds.map(clean_batch, batched=True, batch_size=3, fn_kwargs={"only": ["width"]})
    assert out["text"] == [cleaner.clean(t, only=["width"]) for t in TEXTS] and out.num_rows == len(TEXTS)


def test_importing_cleaner_and_the_hf_function_imports_neither_datasets_nor_datatrove() -> None:
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, cleaner, cleaner.integrations, cleaner.integrations.hf\n"
        "cleaner.clean_records, cleaner.dedup_records\n"
        "print([m for m in ('datasets', 'datatrove', 'pyarrow') if m in sys.modules])"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
