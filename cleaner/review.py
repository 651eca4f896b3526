"""The review page: every edit of a cleaning run, and every dedup cluster,
in one self-contained HTML file (no server, no network, no external asset).

The page's data is built here by pure functions and embedded as JSON in
``<script type="application/json">`` blocks (the documents in chunks of
:data:`CHUNK`); the page's own script (in ``cleaner/data/review.html``)
renders one page of documents at a time, parsing a chunk when it shows one
of its documents, so a run of 100,000 documents still opens.  Text is never parsed as
HTML by the page (it is set as text), and the JSON is escaped so that no
text can close the script block.

A document is stored as *segments*: plain text, an edit (by its index) or
a gap of unchanged characters that are left out (``context`` characters
of unchanged text are kept around each edit; ``context=None`` keeps all).

>>> from cleaner.edits import Edit
>>> text = "今天,我们去公园。"
>>> d = document_entry("a.txt", text, [Edit("width", 2, 3, ",", "，")], [], context=None)
>>> d["segments"]
[['t', '今天'], ['e', 0], ['t', '我们去公园。']]
>>> d["edits"][0]["rule"], d["edits"][0]["after"]
('width', '，')
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from .dedup.rule import NAME as DEDUP
from .edits import Edit, Suggestion
from .pipeline import Explanation

__all__ = [
    "PAGE_SIZE",
    "CONTEXT",
    "CHUNK",
    "segments",
    "document_entry",
    "from_explanation",
    "row_edit",
    "cluster_entry",
    "rule_counts",
    "page_data",
    "script_json",
    "render_page",
]

#: documents (and clusters) the page shows at a time
PAGE_SIZE = 50
#: unchanged characters kept on each side of an edit (the rest is a gap)
CONTEXT = 200
#: documents per data block of the page (each parsed when one of its documents is shown)
CHUNK = 500
#: a kept twin or a cluster member longer than this is cut (with a mark)
MAX_SNIPPET = 2000

_SURROGATE = re.compile("[\ud800-\udfff]")
_MARK = re.compile(r"\{\{(TITLE|DATA|CHUNKS)\}\}")


def _snippet(text: str) -> str:
    return text if len(text) <= MAX_SNIPPET else text[:MAX_SNIPPET] + f" … (+{len(text) - MAX_SNIPPET})"


def _change(e: Edit | Suggestion, text: str | None) -> dict[str, Any]:
    """An edit or a suggestion as the page shows it: its report row, plus
    the text of its ``ref`` span (the kept twin of a dropped paragraph)."""
    d = e.to_dict()
    d.pop("suggestion", None)
    if text is not None and e.ref is not None:
        d["twin"] = _snippet(text[e.ref[0] : e.ref[1]])
    return d


def _windows(n: int, edits: Sequence[Edit], context: int | None) -> list[tuple[int, int]]:
    """The merged spans of the text to keep: ``context`` characters around
    each edit (the opening of a document without edits); all with None."""
    if context is None:
        return [(0, n)] if n else []
    spans = [(max(0, e.start - context), min(n, e.end + context)) for e in edits] or [(0, min(n, context))]
    out: list[tuple[int, int]] = []
    for s, t in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], t))
        else:
            out.append((s, t))
    return out


def segments(text: str, edits: Sequence[Edit], *, context: int | None = CONTEXT) -> list[list[Any]]:
    """The document as the page draws it: ``["t", text]``, ``["e", index of
    the edit]`` and ``["g", number of unchanged characters left out]``.

    >>> from cleaner.edits import Edit
    >>> segments("甲" * 10 + "，" + "乙" * 10, [Edit("width", 10, 11, "，", ",")], context=2)
    [['g', 8], ['t', '甲甲'], ['e', 0], ['t', '乙乙'], ['g', 8]]
    """
    out: list[list[Any]] = []
    pos = 0
    k = 0
    for s, t in _windows(len(text), edits, context):
        if s > pos:
            out.append(["g", s - pos])
        pos = s
        while k < len(edits) and edits[k].start < t:
            e = edits[k]
            if e.start > pos:
                out.append(["t", text[pos : e.start]])
            out.append(["e", k])
            pos = max(pos, e.end)
            k += 1
        if t > pos:
            out.append(["t", text[pos:t]])
            pos = t
    if len(text) > pos:
        out.append(["g", len(text) - pos])
    return out


def _check_spans(doc_id: str, text: str, changes: Iterable[Edit | Suggestion]) -> None:
    """Edits must replay on ``text``; a suggestion must lie inside it (one
    made inside text an earlier rule wrote has that edit's span on the input
    and the rewritten text as ``before``)."""
    pos = 0
    for e in changes:
        if isinstance(e, Suggestion):
            if not 0 <= e.start <= e.end <= len(text):
                raise ValueError(f"{doc_id}: the {e.rule} suggestion at [{e.start}, {e.end}) lies outside the input ({len(text)} characters)")
            continue
        if not 0 <= e.start <= e.end <= len(text) or text[e.start : e.end] != e.before:
            raise ValueError(
                f"{doc_id}: the {e.rule} edit at [{e.start}, {e.end}) expects {e.before!r}, "
                f"but the input holds {text[e.start : e.end]!r}: is this the report of this input?"
            )
        if e.start < pos:
            raise ValueError(f"{doc_id}: the {e.rule} edit at [{e.start}, {e.end}) overlaps the edit before it")
        pos = e.end


def document_entry(
    doc_id: str,
    text: str | None,
    edits: Sequence[Edit],
    suggestions: Sequence[Suggestion],
    *,
    context: int | None = CONTEXT,
) -> dict[str, Any]:
    """One document of the page: its id, length, segments (none when the
    text is not known: the page then lists the edits alone), edits and
    suggestions.  ValueError when an edit does not
    fit ``text`` (a report of another input).

    >>> from cleaner.edits import Suggestion
    >>> d = document_entry("b.txt", None, [], [Suggestion("ocr_confusion", 0, 1, "己", "已", 0.6, None, "己经")])
    >>> d["segments"], d["suggestions"][0]["note"]
    ([], '己经')
    """
    edits = sorted(edits, key=lambda e: (e.start, e.end))
    changes: list[Edit | Suggestion] = [*edits, *suggestions]
    if text is not None:
        _check_spans(doc_id, text, changes)
    return {
        "id": doc_id,
        "chars": len(text) if text is not None else None,
        "segments": segments(text, edits, context=context) if text is not None else [],
        "edits": [_change(e, text) for e in edits],
        "suggestions": [_change(s, text) for s in suggestions],
    }


def from_explanation(doc_id: str, text: str, explanation: Explanation, *, context: int | None = CONTEXT) -> dict[str, Any]:
    """:func:`document_entry` of what :func:`cleaner.explain` said about ``text``.

    >>> from cleaner import explain
    >>> text = "会议要求,各部门认真落实。"
    >>> d = from_explanation("c.txt", text, explain(text, only=["width"]))
    >>> [(e["rule"], e["before"], e["after"]) for e in d["edits"]]
    [('width', ',', '，')]
    """
    return document_entry(doc_id, text, explanation.edits, explanation.suggestions, context=context)


_ROW_FIELDS = {"rule": str, "start": int, "end": int, "before": str, "after": str}


def row_edit(row: Mapping[str, Any]) -> Edit | Suggestion:
    """An edit (or, with ``"suggestion": true``, a suggestion) from a row of
    ``cleaner clean --report``; ValueError saying what is wrong otherwise.

    >>> row_edit({"document": "a.txt", "rule": "width", "start": 2, "end": 3, "before": ",", "after": "，"})
    Edit(rule='width', start=2, end=3, before=',', after='，', score=None, ref=None, note='')
    >>> row_edit({"document": "a.txt", "rule": "width"})
    Traceback (most recent call last):
    ValueError: no 'start' (a row of cleaner clean --report has document, rule, start, end, before, after)
    """
    for name, kind in _ROW_FIELDS.items():
        if name not in row:
            raise ValueError(f"no {name!r} (a row of cleaner clean --report has document, rule, start, end, before, after)")
        if not isinstance(row[name], kind) or isinstance(row[name], bool):
            raise ValueError(f"{name!r} is a {type(row[name]).__name__}, not a {kind.__name__}")
    score = row.get("score")
    if score is not None and (not isinstance(score, (int, float)) or isinstance(score, bool)):
        raise ValueError(f"'score' is a {type(score).__name__}, not a number")
    ref = row.get("ref")
    if ref is not None and not (isinstance(ref, list) and len(ref) == 2 and all(isinstance(x, int) for x in ref)):
        raise ValueError("'ref' is not a [start, end] pair")
    note = row.get("note", "")
    if not isinstance(note, str):
        raise ValueError(f"'note' is a {type(note).__name__}, not a string")
    args = (row["rule"], row["start"], row["end"], row["before"], row["after"])
    span = (ref[0], ref[1]) if ref is not None else None
    if row.get("suggestion"):
        return Suggestion(*args, float(score if score is not None else 0.0), span, note)
    return Edit(*args, float(score) if score is not None else None, span, note)


def cluster_entry(cluster: Mapping[str, Any], text_of: Callable[[str, int | None], str | None]) -> dict[str, Any]:
    """A cluster of ``cleaner dedup --clusters`` with each member's text
    (``text_of(document, paragraph)``, None when unknown: a member from the
    index of an earlier run, or an input not given).

    >>> c = {"cluster": 0, "kept": {"document": "a", "paragraph": 0},
    ...      "members": [{"document": "a", "paragraph": 0, "score": 100.0}, {"document": "b", "paragraph": 2, "score": 96.5}],
    ...      "pairs": [[0, 1, 96.5]]}
    >>> e = cluster_entry(c, lambda d, p: {"a": "第一段。", "b": "第一段！"}[d])
    >>> [(m["document"], m["kept"], m["text"]) for m in e["members"]]
    [('a', True, '第一段。'), ('b', False, '第一段！')]
    """
    kept = cluster["kept"]
    members = []
    for m in cluster["members"]:
        text = None if "run" in m else text_of(m["document"], m.get("paragraph"))
        is_kept = m["document"] == kept["document"] and m.get("paragraph") == kept.get("paragraph") and m.get("run") == kept.get("run")
        entry = {k: m[k] for k in ("document", "paragraph", "score", "run") if k in m}
        members.append({**entry, "kept": is_kept, "text": None if text is None else _snippet(text)})
    return {"cluster": cluster.get("cluster"), "members": members, "pairs": cluster.get("pairs", [])}


def rule_counts(documents: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Edits and suggestions per rule; a merged edit (``unicode+width``)
    counts for each of its rules, as in the run's summary.

    >>> rule_counts([{"edits": [{"rule": "unicode+width"}, {"rule": "width"}], "suggestions": [{"rule": "stutter"}]}])
    {'stutter': {'edits': 0, 'suggestions': 1}, 'unicode': {'edits': 1, 'suggestions': 0}, 'width': {'edits': 2, 'suggestions': 0}}
    """
    edits: Counter[str] = Counter()
    suggestions: Counter[str] = Counter()
    for d in documents:
        edits.update(r for e in d["edits"] for r in e["rule"].split("+"))
        suggestions.update(r for s in d["suggestions"] for r in s["rule"].split("+"))
    return {r: {"edits": edits[r], "suggestions": suggestions[r]} for r in sorted(edits.keys() | suggestions.keys())}


def page_data(
    documents: Sequence[Mapping[str, Any]],
    clusters: Sequence[Mapping[str, Any]] = (),
    *,
    title: str = "cleaner review",
    page_size: int = PAGE_SIZE,
    rule_order: Sequence[str] = (),
) -> dict[str, Any]:
    """Everything the page shows: the documents, the clusters, the counts
    per rule (in ``rule_order``, then by name) and the summary figures.

    >>> d = page_data([{"id": "a", "edits": [{"rule": "dedup"}], "suggestions": []}], page_size=10)
    >>> d["summary"], d["page_size"], list(d["rules"])
    ({'documents': 1, 'changed': 1, 'edits': 1, 'suggestions': 0, 'dropped_paragraphs': 1, 'clusters': 0}, 10, ['dedup'])
    """
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, not {page_size}")
    counts = rule_counts(documents)
    order = {r: i for i, r in enumerate(rule_order)}
    rules = dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    summary = {
        "documents": len(documents),
        "changed": sum(1 for d in documents if d["edits"] or d["suggestions"]),
        "edits": sum(len(d["edits"]) for d in documents),
        "suggestions": sum(len(d["suggestions"]) for d in documents),
        "dropped_paragraphs": rules.get(DEDUP, {}).get("edits", 0),
        "clusters": len(clusters),
    }
    return {"title": title, "page_size": page_size, "summary": summary, "rules": rules, "documents": list(documents), "clusters": list(clusters)}


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside ``<script type="application/json">``:
    ``<``, ``>`` and ``&`` are escaped (no text can write ``</script>`` or
    ``<!--``), as are the line separators and lone surrogates (not UTF-8).

    >>> script_json({"t": "</script><b>甲</b>"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e甲\\\\u003c/b\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@lru_cache(maxsize=1)
def _template() -> str:
    return resources.files("cleaner").joinpath("data/review.html").read_text(encoding="utf-8")


def _rules_of(doc: Mapping[str, Any]) -> list[str]:
    """The rules a document's edits and suggestions name (a merged edit names several)."""
    return sorted({r for e in [*doc["edits"], *doc["suggestions"]] for r in e["rule"].split("+")})


def _blocks(data: Mapping[str, Any], chunk: int) -> tuple[dict[str, Any], list[list[Any]]]:
    """The page's first data block -- everything but the documents, plus an
    index row per document (id, rules, edits, suggestions) to filter and
    search on -- and the documents in chunks, which the page parses only
    when it shows one of theirs.

    >>> head, chunks = _blocks(page_data([{"id": "a", "edits": [{"rule": "width+unicode"}], "suggestions": []}]), 500)
    >>> head["index"], head["chunk_size"], len(chunks)
    ([['a', ['unicode', 'width'], 1, 0]], 500, 1)
    """
    docs = list(data.get("documents", []))
    head = {k: v for k, v in data.items() if k != "documents"}
    head["index"] = [[d["id"], _rules_of(d), len(d["edits"]), len(d["suggestions"])] for d in docs]
    head["chunk_size"] = chunk
    return head, [docs[i : i + chunk] for i in range(0, len(docs), chunk)]


def render_page(data: Mapping[str, Any], *, chunk: int = CHUNK) -> str:
    """The HTML page of ``data`` (from :func:`page_data`): one file, its CSS,
    script and data inline; the documents in blocks of ``chunk``, parsed
    when shown.

    >>> page = render_page(page_data([], title="<审阅>"))
    >>> "<title>&lt;审阅&gt;</title>" in page, "http" in page.replace("http-equiv", "")
    (True, False)
    """
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, not {chunk}")
    head, chunks = _blocks(data, chunk)
    values = {
        "TITLE": html.escape(str(data.get("title", "cleaner review"))),
        "DATA": script_json(head),
        "CHUNKS": "".join(f'<script type="application/json" class="review-chunk">{script_json(c)}</script>\n' for c in chunks),
    }
    # one pass: a title or a text that holds "{{DATA}}" is not substituted again
    return _MARK.sub(lambda m: values[m.group(1)], _template())
