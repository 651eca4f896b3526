"""The review page's data and HTML (cleaner.review) and the ``cleaner review`` command.

The page itself is exercised in a real browser by tests/test_review_browser.py.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner.cli import main
from cleaner.edits import Edit, Suggestion
from cleaner.review import (
    cluster_entry,
    document_entry,
    from_explanation,
    page_data,
    render_page,
    row_edit,
    rule_counts,
    script_json,
    segments,
)
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "yibin-2021-12.txt"
HOSTILE = '</script><img src=x onerror="window.pwned=1"><!-- <script>alert(1)</script> \u2028 &amp; {{DATA}}'
REPEATED = "第一段讲的是城市规划建设的总体要求和安排。\n\n第二段说明滨江产业园区的建设进展情况。\n\n第二段说明滨江产业园区的建设进展情况。\n\n第三段。\n"


def embedded(page: str) -> dict[str, Any]:
    """The data of a page, parsed from its blocks as the page's script parses
    them, the documents of its chunks put back in order."""
    m = re.search(r'<script type="application/json" id="review-data">(.*?)</script>', page, re.S)
    assert m is not None
    data = json.loads(m.group(1))
    chunks = [json.loads(c) for c in re.findall(r'<script type="application/json" class="review-chunk">(.*?)</script>', page, re.S)]
    assert all(len(c) == data["chunk_size"] for c in chunks[:-1])
    data["documents"] = [d for c in chunks for d in c]
    index = [[d["id"], sorted({r for e in d["edits"] + d["suggestions"] for r in e["rule"].split("+")}), len(d["edits"]), len(d["suggestions"])] for d in data["documents"]]
    assert data.pop("index") == index
    del data["chunk_size"]
    return data


def replay(text: str, entry: dict[str, Any], side: str) -> str:
    """The document drawn from its segments: the input (``before``) or the output (``after``)."""
    out = []
    for kind, value in entry["segments"]:
        out.append(value if kind == "t" else entry["edits"][value][side] if kind == "e" else "\0" * value)
    return "".join(out)


@pytest.fixture(scope="module")
def sample() -> tuple[str, cleaner.Explanation]:
    text = SAMPLE.read_text(encoding="utf-8")
    return text, cleaner.explain(text)


# -- data ----------------------------------------------------------------------


def test_segments_redraw_input_and_output(sample):
    text, r = sample
    assert len(r.edits) > 50
    whole = from_explanation("s", text, r, context=None)
    assert replay(text, whole, "before") == text
    assert replay(text, whole, "after") == r.text


def test_context_leaves_out_only_unchanged_text(sample):
    text, r = sample
    entry = from_explanation("s", text, r, context=20)
    drawn = replay(text, entry, "before")
    assert len(drawn) == len(text)  # gaps stand for as many characters as they leave out
    assert any(kind == "g" for kind, _ in entry["segments"])
    for i, ch in enumerate(drawn):
        assert ch == "\0" or ch == text[i]
    # every edit is drawn, with at least its context around it when the text has it
    assert [v for k, v in entry["segments"] if k == "e"] == list(range(len(r.edits)))
    for e in r.edits:
        window = drawn[max(0, e.start - 20) : e.end + 20]
        assert "\0" not in window


def test_unchanged_document_keeps_its_opening_only():
    text = "这是一段干净的中文。" * 50
    entry = document_entry("clean.txt", text, [], [], context=30)
    assert entry["segments"] == [["t", text[:30]], ["g", len(text) - 30]]
    assert entry["edits"] == [] and entry["chars"] == len(text)


def test_counts_per_rule_add_up_to_the_edits(sample):
    text, r = sample
    merged = Edit("unicode+width", 0, 1, "Ａ", "A")
    docs = [from_explanation("s", text, r), document_entry("m", "Ａ", [merged], [Suggestion("stutter", 0, 1, "Ａ", "", 0.5)])]
    counts = rule_counts(docs)
    assert {k: v["edits"] for k, v in counts.items() if v["edits"]} == {
        k: r.counts().get(k, 0) + (k in ("unicode", "width")) for k in set(r.counts()) | {"unicode", "width"}
    }
    assert sum(v["edits"] for v in counts.values()) == sum(len(e["rule"].split("+")) for d in docs for e in d["edits"])
    assert counts["stutter"]["suggestions"] == 1
    data = page_data(docs)
    assert data["summary"]["edits"] == len(r.edits) + 1 and data["summary"]["suggestions"] == 1
    assert data["summary"]["dropped_paragraphs"] == r.counts().get("dedup", 0)


def test_dropped_paragraph_shows_its_kept_twin():
    r = cleaner.explain(REPEATED)
    entry = from_explanation("d", REPEATED, r)
    drops = [e for e in entry["edits"] if "dedup" in e["rule"].split("+")]
    assert len(drops) == 1
    assert drops[0]["twin"] == "第二段说明滨江产业园区的建设进展情况。"
    assert drops[0]["score"] == 100.0 and "第二段" in drops[0]["before"]


def test_edit_that_does_not_fit_the_text_is_refused():
    with pytest.raises(ValueError, match="expects '，'"):
        document_entry("x", "今天,我们", [Edit("width", 2, 3, "，", ",")], [])
    with pytest.raises(ValueError, match="overlaps"):
        document_entry("x", "今天,我们", [Edit("width", 2, 3, ",", "，"), Edit("whitespace", 1, 3, "天,", "")], [])
    with pytest.raises(ValueError, match="suggestion at \\[4, 9\\) lies outside"):
        document_entry("x", "今天,我们", [], [Suggestion("stutter", 4, 9, "们", "", 0.5)])
    # a suggestion made inside text an earlier rule wrote (mojibake repaired, then a typo
    # suggested) has that edit's span on the input and the repaired text as ``before``
    inside = document_entry("x", "ç‰\xa0ä»¬", [Edit("unicode", 0, 6, "ç‰\xa0ä»¬", "牠们")], [Suggestion("ocr_confusion", 0, 6, "牠", "她", 3.1)])
    assert inside["suggestions"][0]["before"] == "牠"


def test_report_rows_give_back_the_edits(sample):
    text, r = sample
    rows = [json.loads(json.dumps({"document": "s", **e.to_dict()})) for e in (*r.edits, Suggestion("ocr_confusion", 3, 4, text[3], "甲", 0.61, (0, 2), "why"))]
    back = [row_edit(row) for row in rows]
    assert back[:-1] == [e._replace(score=round(e.score, 4) if e.score is not None else None) for e in r.edits]
    assert back[-1] == Suggestion("ocr_confusion", 3, 4, text[3], "甲", 0.61, (0, 2), "why")
    for bad, message in (
        ({"rule": "w", "start": "1", "end": 2, "before": "", "after": ""}, "'start' is a str"),
        ({"rule": "w", "start": True, "end": 2, "before": "", "after": ""}, "'start' is a bool"),
        ({"rule": "w", "start": 1, "end": 2, "before": "", "after": "", "ref": [1]}, "'ref'"),
        ({"rule": "w", "start": 1, "end": 2, "before": ""}, "no 'after'"),
    ):
        with pytest.raises(ValueError, match=message):
            row_edit(bad)


def test_cluster_members_with_and_without_text():
    c = {
        "cluster": 3,
        "kept": {"document": "a", "paragraph": 1},
        "members": [{"document": "a", "paragraph": 1, "score": 100.0}, {"document": "old", "paragraph": 0, "score": 97.0, "run": 2}],
        "pairs": [[0, 1, 97.0]],
    }
    e = cluster_entry(c, lambda d, p: f"{d}/{p}")
    assert [(m["kept"], m["text"]) for m in e["members"]] == [(True, "a/1"), (False, None)]  # a member from the index: no text
    assert e["members"][1]["run"] == 2 and e["pairs"] == [[0, 1, 97.0]]


def test_paging_data():
    docs = [document_entry(f"d{i}", "今天,我们", [Edit("width", 2, 3, ",", "，")] if i % 3 == 0 else [], []) for i in range(120)]
    data = page_data(docs, page_size=25)
    assert data["page_size"] == 25 and len(data["documents"]) == 120
    assert data["summary"]["documents"] == 120 and data["summary"]["changed"] == 40
    with pytest.raises(ValueError, match="page_size"):
        page_data(docs, page_size=0)
    page = render_page(data, chunk=50)
    assert page.count('class="review-chunk"') == 3  # 50 + 50 + 20 documents
    assert embedded(page) == json.loads(json.dumps(data))
    with pytest.raises(ValueError, match="chunk"):
        render_page(data, chunk=0)


# -- HTML ------------------------------------------------------------------------


def test_hostile_text_cannot_leave_the_data_block():
    lone = "坏\ud800字"
    doc = document_entry(HOSTILE, HOSTILE + lone, [Edit(HOSTILE, 0, 9, HOSTILE[:9], "<b>")], [Suggestion("x", 1, 2, "/", "<", 0.5, None, HOSTILE)])
    cluster = cluster_entry(
        {"cluster": 0, "kept": {"document": HOSTILE, "paragraph": None}, "members": [{"document": HOSTILE, "paragraph": None, "score": 100.0}], "pairs": []},
        lambda d, p: HOSTILE,
    )
    data = page_data([doc], [cluster], title=HOSTILE)
    page = render_page(data)
    page.encode("utf-8")  # the lone surrogate is escaped, not written raw
    template = render_page(page_data([]))
    # the page holds the template's own tags, one data block more (its one chunk), and nothing else
    for token, more in (("</script", 1), ("<script", 1), ("<img", 0), ("<!--", 0), ("<b>", 0)):
        assert page.lower().count(token.lower()) == template.lower().count(token.lower()) + more, token
    assert "<title>&lt;/script&gt;&lt;img" in page
    block = page.split('id="review-data">', 1)[1].split("</script>", 1)[0]
    assert not set(block) & set("<>&\u2028")
    assert embedded(page) == json.loads(json.dumps(data))  # and the data comes back exactly ("{{DATA}}" in it not substituted)


def test_script_json_escapes():
    s = script_json({"a": "</SCRIPT>&<!--\u2029"})
    assert not set(s) & set("<>&\u2029") and json.loads(s) == {"a": "</SCRIPT>&<!--\u2029"}


def test_page_is_self_contained():
    page = render_page(page_data([document_entry("a", "今天,我们", [Edit("width", 2, 3, ",", "，")], [])]))
    assert not re.search(r"(?:src|href)\s*=|url\(|@import|https?:|//[a-z]", page, re.I)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


# -- the command ----------------------------------------------------------------------


def review(*argv: str) -> int:
    return main(["review", "-q", *argv])


def test_command_cleans_and_writes_the_page(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(REPEATED.replace("，", ","), encoding="utf-8")
    out = tmp_path / "page.html"
    assert review(str(src), "-o", str(out), "-j", "1") == 0
    data = embedded(out.read_text(encoding="utf-8"))
    r = cleaner.explain(src.read_text(encoding="utf-8"))
    assert data["documents"] == [json.loads(json.dumps(from_explanation(str(src), src.read_text(encoding="utf-8"), r)))]
    assert data["rules"]["dedup"]["edits"] == 1 and data["page_size"] == 50
    # whole documents, to standard output
    assert review(str(src), "-o", "-", "-j", "1", "--context", "all", "--page-size", "7") == 0
    whole = embedded(capsys.readouterr().out)
    assert whole["page_size"] == 7 and [k for k, _ in whole["documents"][0]["segments"]].count("g") == 0
    assert replay(src.read_text(encoding="utf-8"), whole["documents"][0], "after") == r.text


def test_command_from_a_report_with_its_inputs(tmp_path):
    a, b, c = tmp_path / "a.jsonl", tmp_path / "report.jsonl", tmp_path / "clean.jsonl"
    records = [{"id": i, "text": t} for i, t in enumerate(["今天,我们去公园。", "干净的文本。", REPEATED])]
    a.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert main(["clean", "-q", "-j", "1", "--jsonl", str(a), "-o", str(c), "--report", str(b)]) == 0
    direct, reported = tmp_path / "direct.html", tmp_path / "reported.html"
    assert review("--jsonl", str(a), "-o", str(direct), "-j", "1") == 0
    assert review("--jsonl", str(a), "--report", str(b), "-o", str(reported)) == 0
    d1, d2 = embedded(direct.read_text(encoding="utf-8")), embedded(reported.read_text(encoding="utf-8"))
    assert [d["id"] for d in d2["documents"]] == [f"{a}:1", f"{a}:2", f"{a}:3"]
    assert d1["documents"] == d2["documents"] and d1["rules"] == d2["rules"]
    # without the inputs: the edits alone, in the report's order
    alone = tmp_path / "alone.html"
    assert review("--report", str(b), "-o", str(alone)) == 0
    d3 = embedded(alone.read_text(encoding="utf-8"))
    assert [d["id"] for d in d3["documents"]] == [f"{a}:1", f"{a}:3"] and all(d["segments"] == [] for d in d3["documents"])
    assert d3["rules"] == d1["rules"]


def test_command_shows_dedup_clusters(tmp_path):
    a, b, clusters, out = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "clusters.jsonl", tmp_path / "page.html"
    a.write_text("甲公司今年的销售收入比去年增长了百分之二十。\n\n其他内容完全不同的一段话，用来占位。\n", encoding="utf-8")
    b.write_text("乙方说明：\n\n甲公司今年的销售收入比去年增长了百分之二十！\n", encoding="utf-8")
    assert main(["dedup", "-q", "-j", "1", str(a), str(b), "--output-dir", str(tmp_path / "out"), "--clusters", str(clusters)]) == 0
    assert review(str(a), str(b), "--clusters", str(clusters), "-o", str(out)) == 0
    data = embedded(out.read_text(encoding="utf-8"))
    assert data["documents"] == [] and data["summary"]["clusters"] == 1
    members = data["clusters"][0]["members"]
    assert [(m["document"], m["paragraph"], m["kept"]) for m in members] == [(str(a), 0, True), (str(b), 1, False)]
    assert members[0]["text"] == "甲公司今年的销售收入比去年增长了百分之二十。"
    assert members[1]["text"] == "甲公司今年的销售收入比去年增长了百分之二十！" and members[1]["score"] == 100.0


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (["IN"], 2, "-o PAGE.html"),
        (["--report", "REPORT", "--only", "width", "-o", "OUT"], 2, "rule options apply"),
        (["IN", "-o", "IN"], 2, "would overwrite the input"),
        (["-o", "OUT"], 2, "give the inputs"),
        (["IN", "-o", "OUT", "--page-size", "0"], 2, "--page-size"),
        (["IN", "--report", "BADJSON", "-o", "OUT"], 1, "{BADJSON}: line 2: invalid JSON"),
        (["IN", "--report", "OTHER", "-o", "OUT"], 1, "{OTHER}: line 1: {IN}: the width edit at [0, 1) expects 'x'"),
        (["--clusters", "REPORT", "-o", "OUT"], 1, "{REPORT}: line 1: not a cluster"),
        (["IN", "--clusters", "CLUSTERS", "-o", "OUT"], 1, "{CLUSTERS}: line 1: document 'elsewhere.txt' is not among the inputs"),
        (["IN", "--clusters", "FARPARA", "-o", "OUT"], 1, "{FARPARA}: line 1: {IN} has no paragraph 7 (counted from 0)"),
        (["MISSING", "-o", "OUT"], 1, "{MISSING}"),
    ],
)
def test_command_errors(tmp_path, capsys, argv, code, message):
    paths = {name: tmp_path / name.lower() for name in ("IN", "OUT", "REPORT", "BADJSON", "OTHER", "CLUSTERS", "FARPARA", "MISSING")}
    paths["IN"].write_text("今天,我们\n", encoding="utf-8")
    paths["REPORT"].write_text(json.dumps({"document": str(paths["IN"]), "rule": "width", "start": 2, "end": 3, "before": ",", "after": "，"}) + "\n", encoding="utf-8")
    paths["BADJSON"].write_text(paths["REPORT"].read_text(encoding="utf-8") + "{oops\n", encoding="utf-8")
    paths["OTHER"].write_text(json.dumps({"document": str(paths["IN"]), "rule": "width", "start": 0, "end": 1, "before": "x", "after": "y"}) + "\n", encoding="utf-8")
    paths["CLUSTERS"].write_text(json.dumps({"cluster": 0, "kept": {"document": "elsewhere.txt", "paragraph": 0}, "members": [{"document": "elsewhere.txt", "paragraph": 0, "score": 100.0}], "pairs": []}) + "\n", encoding="utf-8")
    far = {"cluster": 0, "kept": {"document": str(paths["IN"]), "paragraph": 7}, "members": [{"document": str(paths["IN"]), "paragraph": 7, "score": 100.0}], "pairs": []}
    paths["FARPARA"].write_text(json.dumps(far) + "\n", encoding="utf-8")
    args = [str(paths[a]) if a in paths else a for a in argv]
    assert review(*args) == code
    assert message.format(**{k: str(v) for k, v in paths.items()}) in capsys.readouterr().err
    assert not paths["OUT"].exists()


def test_output_replaces_a_link_never_writes_through_it(tmp_path):
    src, target, link = tmp_path / "in.txt", tmp_path / "target.html", tmp_path / "page.html"
    src.write_text("今天,我们\n", encoding="utf-8")
    target.write_text("keep me", encoding="utf-8")
    os.symlink(target, link)
    assert review(str(src), "-o", str(link), "-j", "1", "--only", "width") == 0
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not link.is_symlink() and embedded(link.read_text(encoding="utf-8"))["summary"]["edits"] == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
