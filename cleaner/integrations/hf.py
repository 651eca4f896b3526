"""Cleaning a Hugging Face dataset: a function for ``Dataset.map``.

:func:`clean_batch` takes a batch as ``datasets`` gives it (a dict of
columns, each a list) and returns the batch with the text column cleaned,
every other column kept::

    from datasets import load_dataset
    from cleaner.integrations.hf import clean_batch
    ds = load_dataset("json", data_files="corpus.jsonl", split="train")
    ds = ds.map(clean_batch, batched=True, fn_kwargs={"field": "content", "drop_empty": True})

It imports nothing from ``datasets`` (``pip install 'cleaner[hf]'`` brings
the library itself); with ``num_proc`` each process cleans its shards.
"""

from __future__ import annotations

import json
from typing import Any

from ..config import Config, make_config
from ..streams import clean_records

__all__ = ["clean_batch"]


def clean_batch(
    batch: dict[str, list[Any]],
    *,
    field: str = "text",
    config: Config | None = None,
    drop_empty: bool = False,
    edits_column: str | None = None,
    **options: Any,
) -> dict[str, list[Any]]:
    """Clean the ``field`` column of a batch (``Dataset.map(clean_batch,
    batched=True, fn_kwargs={...})``): the same columns come back, rows in
    the same order, with only that column changed.

    Options are those of :func:`cleaner.explain` (``config`` and/or fields of
    :class:`cleaner.Config`; pass a built ``config`` in ``fn_kwargs`` to
    check the options once rather than per batch).  ``drop_empty`` leaves
    out the rows that cleaning emptied (a batched map may return fewer
    rows).  ``edits_column`` adds a column of that name holding each row's
    edits and suggestions as a JSON list of report rows (a string, so that
    its type is the same in every batch: ``json.loads`` reads it back).

    >>> batch = {"id": [1, 2], "text": ["今天,我们去公园。", "天气很好。"]}
    >>> clean_batch(batch, only=["width"])
    {'id': [1, 2], 'text': ['今天，我们去公园。', '天气很好。']}
    >>> clean_batch({"text": ["你好,世界"]}, only=["width"], edits_column="edits")["edits"]
    ['[{"rule": "width", "start": 2, "end": 3, "before": ",", "after": "，"}]']
    """
    cfg = make_config(base=config, **options)
    if field not in batch:
        raise ValueError(f"the batch has no column {field!r} (its columns: {', '.join(batch)}); choose one with fn_kwargs={{'field': ...}}")
    texts = batch[field]
    if isinstance(texts, str):
        raise TypeError("clean_batch cleans a batch of rows: call dataset.map(clean_batch, batched=True, ...)")
    if edits_column is not None and edits_column in batch:
        raise ValueError(f"the batch already has a column {edits_column!r}; choose another name for edits_column")
    keep: list[int] = []
    cleaned: list[str] = []
    rows: list[str] = []
    for i, (rec, res) in enumerate(clean_records(({field: t} for t in texts), field=field, config=cfg, drop_empty=drop_empty, with_edits=True)):
        if rec is None:
            continue
        keep.append(i)
        cleaned.append(rec[field])
        if edits_column is not None:
            rows.append(json.dumps([e.to_dict() for e in res.edits] + [s.to_dict() for s in res.suggestions], ensure_ascii=False))
    out = {k: (v if len(keep) == len(texts) else [v[i] for i in keep]) for k, v in batch.items()}
    out[field] = cleaned
    if edits_column is not None:
        out[edits_column] = rows
    return out
