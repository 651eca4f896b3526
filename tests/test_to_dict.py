"""to_dict() on the public result types: JSON data that survives json.dumps/loads unchanged."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import cleaner
from cleaner import Edit, Suggestion, apply_edits
from cleaner.dedup.corpus import DedupOptions, DroppedUnit, dedup_corpus
from cleaner.records import Document, Result
from cleaner.runner import Stats

P2 = "第二段的内容也够长，同样参与比较。"


def _round_trip(d: dict[str, Any]) -> dict[str, Any]:
    back = json.loads(json.dumps(d, ensure_ascii=False))
    assert back == d
    return back


def _edit_back(row: dict[str, Any]) -> Edit:
    """An edit rebuilt from its row: the row holds everything a replay needs."""
    ref = tuple(row["ref"]) if "ref" in row else None
    return Edit(row["rule"], row["start"], row["end"], row["before"], row["after"], row.get("score"), ref, row.get("note", ""))  # type: ignore[arg-type]


def test_an_explanation_round_trips_and_its_edits_replay_from_json() -> None:
    text = "今天,我们去公园。\n\n这位博土毕业于北京大学，研究工作已经完成。\n\n这位博土毕业于北京大学，研究工作已经完成。"
    r = cleaner.explain(text)
    d = _round_trip(r.to_dict())
    assert d["text"] == r.text and len(d["edits"]) == len(r.edits) > 0
    assert apply_edits(text, [_edit_back(row) for row in d["edits"]]) == r.text
    assert any("ref" in row and "note" in row for row in d["edits"])  # the dropped repeat names its twin


def test_a_suggestion_says_it_is_one() -> None:
    s = Suggestion("ocr_confusion", 2, 3, "土", "士", 4.123456, None, "note")
    assert _round_trip(s.to_dict()) == {"rule": "ocr_confusion", "start": 2, "end": 3, "before": "土", "after": "士", "score": 4.1235, "note": "note", "suggestion": True}


def test_a_result_round_trips() -> None:
    [(_, res)] = cleaner.clean_records([{"text": "你好,世界"}], only=["width"], with_edits=True)
    assert isinstance(res, Result)
    assert _round_trip(res.to_dict()) == {
        "document": "record 0", "text": "你好，世界",
        "edits": [{"rule": "width", "start": 2, "end": 3, "before": ",", "after": "，"}], "suggestions": [],
    }
    empty = Result(Document("x", ""), "", (), ())
    assert _round_trip(empty.to_dict()) == {"document": "x", "text": "", "edits": [], "suggestions": []}


def test_stats_round_trip() -> None:
    s = Stats(documents=3, chars_in=30, chars_out=28, edits=Counter({"width": 2, "dedup": 1}), dropped_paragraphs=1)
    d = _round_trip(s.to_dict())
    assert d["edits"] == {"dedup": 1, "width": 2} and d["documents"] == 3 and d["dropped_paragraphs"] == 1


def test_a_dedup_result_round_trips_with_its_drops() -> None:
    docs = [("a", "第一段的内容足够长，不会被跳过。\n\n" + P2), ("b", P2.replace("，", "！"))]
    res = dedup_corpus(docs, options=DedupOptions(dedup_threshold=85.0))
    try:
        d = _round_trip(res.to_dict())
    finally:
        res.close()
    assert d["documents"] == 2 and d["units"] == 3
    assert d["dropped"] == [{"document": "b", "paragraph": 0, "ref_document": "a", "ref_paragraph": 1, "score": 100.0}]
    assert d["options"]["dedup_threshold"] == 85.0 and d["options"]["params"]["rows"] == 4
    assert DedupOptions(**{k: v for k, v in d["options"].items() if k != "params"}).dedup_threshold == 85.0


def test_a_dropped_unit_names_the_run_only_when_from_an_index() -> None:
    assert "ref_run" not in DroppedUnit("b", 0, "a", 1, 95.123456).to_dict()
    assert _round_trip(DroppedUnit("b", None, "a", None, 95.0, ref_run=3).to_dict())["ref_run"] == 3
