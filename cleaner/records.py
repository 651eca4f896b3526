"""Documents in and records out: what every command and engine reads and writes.

A text file is one :class:`Document`; a JSON Lines record is one too, or a
:class:`BadRecord` with the reason it cannot be cleaned.  A record goes out
as its input line with only the field's value changed (:func:`record_line`);
what happened to it goes out as report rows (:func:`report_rows` after
cleaning, :func:`render_record` after dedup).  Every engine (the local
processes, the Ray workers) and every command writes through these
functions, so their outputs agree byte for byte.  (Items are grouped for
worker processes by :func:`cleaner.textio.batches`.)

>>> doc = parse_record('{"id": 7, "text": "今天,我们去公园。"}\\n'.encode(), 1, "in.jsonl", "text")
>>> doc.id, doc.text
('in.jsonl:1', '今天,我们去公园。')
>>> record_line(doc, "今天，我们去公园。")
'{"id": 7, "text": "今天，我们去公园。"}\\n'
"""

from __future__ import annotations

import base64
import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any

import orjson

from .dedup.rule import NAME as DEDUP
from .edits import Edit, Suggestion
from .textio import decode, read_bytes, read_lines

if TYPE_CHECKING:
    from .dedup.corpus import DedupResult

__all__ = [
    "BadRecord",
    "Document",
    "RawLine",
    "Result",
    "dedup_report_rows",
    "json_line",
    "jsonl_lines",
    "parse_record",
    "quarantine_row",
    "raw_field",
    "read_jsonl",
    "read_text_file",
    "record_id",
    "record_line",
    "render_record",
    "repeated_id_message",
    "report_rows",
    "text_documents",
    "value_spans",
]


#: one line of input: its source name, its line number, its bytes
RawLine = tuple[str, int, bytes]


@dataclass(slots=True)
class Document:
    """One unit of cleaning: its id (``path`` or ``path:line``), its text,
    the encoding it was read in, and for JSON Lines the record it came from:
    as written (``line``, decoded, without a byte-order mark, with its line
    end) and where the cleaned field's value is in it (``span``, quotes
    included)."""

    id: str
    text: str
    encoding: str = "utf-8"
    nbytes: int = 0  # bytes it took in the input (for progress)
    line: str = ""
    span: tuple[int, int] = (0, 0)
    where: str = ""  # ``path:line`` of a record (its id may be its own: ``id_field``)


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A JSON Lines record that cannot be cleaned, with the reason."""

    id: str
    line: int
    raw: bytes
    reason: str


@dataclass(slots=True)
class Result:
    """A cleaned document: its text, the edits that made it, the suggestions left."""

    document: Document
    text: str
    edits: tuple[Edit, ...]
    suggestions: tuple[Suggestion, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        """The rule names of each edit, one per edit a rule took part in."""
        # an edit's rules are its rule split at "+": split them all at once
        return tuple("+".join([e.rule for e in self.edits]).split("+")) if self.edits else ()

    def output_line(self) -> str:
        """The JSON Lines row of the cleaned record: see :func:`record_line`."""
        return record_line(self.document, self.text)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data: the document's id, the cleaned
        text, and the edits and suggestions as report rows (``to_dict``).

        >>> from cleaner import explain
        >>> r = explain("今天,天气很好", only=["width"])
        >>> Result(Document("a.txt", "今天,天气很好"), r.text, r.edits, r.suggestions).to_dict()
        {'document': 'a.txt', 'text': '今天，天气很好', 'edits': [{'rule': 'width', 'start': 2, 'end': 3, 'before': ',', 'after': '，'}], 'suggestions': []}
        """
        return {
            "document": self.document.id,
            "text": self.text,
            "edits": [e.to_dict() for e in self.edits],
            "suggestions": [s.to_dict() for s in self.suggestions],
        }


# -- reading ------------------------------------------------------------------


def _codec_label(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return "UTF-8" if name == "utf-8" else name


def parse_record(
    raw: bytes, lineno: int, name: str, field_name: str, *, encoding: str = "utf-8", id_field: str | None = None
) -> Document | BadRecord | None:
    """One line of JSON Lines: a :class:`Document`, a :class:`BadRecord`
    (not valid in ``encoding``, not valid JSON, not an object, without a
    string ``field_name`` or with it twice) with its line number and reason,
    or None for a blank line.  A byte-order mark opens line 1 harmlessly.
    The document's id is ``name:lineno``, or with ``id_field`` the record's
    own id (:func:`record_id`; a record without one is a :class:`BadRecord`).

    >>> parse_record(b'{"a": 1e400, "text": "x"}\\n', 1, "in.jsonl", "text").span
    (21, 24)
    >>> parse_record(b'{"text": "a", "text": "b"}\\n', 3, "in.jsonl", "text").reason
    "field 'text' appears 2 times; keep one (JSON readers disagree on which counts)"
    >>> parse_record('{"url": "新闻/1", "text": "x"}\\n'.encode(), 4, "in.jsonl", "text", id_field="url").id
    '新闻/1'
    """
    if not raw.strip():
        return None
    doc_id = f"{name}:{lineno}"
    try:
        line = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        return BadRecord(doc_id, lineno, raw, f"invalid {_codec_label(encoding)} at byte {exc.start}")
    if lineno == 1 and line.startswith("\ufeff"):
        line = line[1:]
        if not line.strip():
            return None
    try:
        found = _scan_object(line, field_name, *([id_field] if id_field is not None else []))
    except (ValueError, IndexError, StopIteration):  # not one JSON object, or not as simply written
        return _parse_slowly(raw, line, doc_id, lineno, field_name, encoding, id_field=id_field)
    if field_name not in found:
        return BadRecord(doc_id, lineno, raw, f"no field {field_name!r} (use --field to choose one)")
    doc = _document(raw, line, doc_id, lineno, field_name, *found[field_name], encoding)
    if id_field is None or isinstance(doc, BadRecord):
        return doc
    value, spans = found.get(id_field, (None, []))
    return _with_id(doc, raw, lineno, {id_field: value} if spans else {}, id_field, len(spans))


def _parse_slowly(
    raw: bytes, line: str, doc_id: str, lineno: int, field_name: str, encoding: str, *, id_field: str | None = None
) -> Document | BadRecord:
    """:func:`parse_record` by :func:`json.loads`, for a line :func:`_scan_object`
    refused: the JSON decoder's own message for an invalid line, else the
    checks on its object."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return BadRecord(doc_id, lineno, raw, f"invalid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(rec, dict):
        return BadRecord(doc_id, lineno, raw, f"a JSON {type(rec).__name__}, not an object")
    if field_name not in rec:
        return BadRecord(doc_id, lineno, raw, f"no field {field_name!r} (use --field to choose one)")
    doc = _document(raw, line, doc_id, lineno, field_name, rec[field_name], value_spans(line, field_name), encoding)
    if id_field is None or isinstance(doc, BadRecord):
        return doc
    return _with_id(doc, raw, lineno, rec, id_field, len(value_spans(line, id_field)))


def _with_id(doc: Document, raw: bytes, lineno: int, rec: dict[str, Any], id_field: str, times: int) -> Document | BadRecord:
    """``doc`` named by its record's own id (:func:`record_id` of ``rec``,
    where ``id_field`` is written ``times`` times), or the reason it cannot be."""
    try:
        doc.id = record_id(rec, id_field)
    except ValueError as exc:
        return BadRecord(doc.where, lineno, raw, str(exc))
    if times != 1:
        return BadRecord(doc.where, lineno, raw, f"id field {id_field!r} appears more than once; keep one")
    return doc


def _document(
    raw: bytes, line: str, doc_id: str, lineno: int, field_name: str, value: Any, spans: list[tuple[int, int]], encoding: str
) -> Document | BadRecord:
    """The document of a record whose field (its last ``value``, at ``spans``) is there."""
    if not isinstance(value, str):
        return BadRecord(doc_id, lineno, raw, f"field {field_name!r} is a {type(value).__name__}, not a string")
    if len(spans) != 1:
        reason = f"field {field_name!r} appears {len(spans)} times; keep one (JSON readers disagree on which counts)"
        return BadRecord(doc_id, lineno, raw, reason)
    return Document(doc_id, value, encoding, nbytes=len(raw), line=line, span=spans[0], where=doc_id)


def repeated_id_message(where: str, doc_id: str, id_field: str, first: str, *, unit: str = "line") -> str:
    """The message for an id two records share (``cleaner dedup --id-field``
    refuses it: clusters and reports name records by their ids).  ``where``
    is ``path:line`` of the second record, ``first`` that of the first.

    >>> repeated_id_message("b.jsonl:3", "新闻-1", "id", "a.jsonl:1")
    "b.jsonl: line 3: id '新闻-1' (--id-field id) is also the id of a.jsonl:1; ids must be unique, since clusters and reports name records by them"
    """
    path, _, line = where.rpartition(":")
    return (
        f"{path}: {unit} {line}: id {doc_id!r} (--id-field {id_field}) is also the id of {first}; "
        "ids must be unique, since clusters and reports name records by them"
    )


def record_id(rec: dict[str, Any], id_field: str) -> str:
    """A record's own id: the string (not empty) or integer in ``id_field``;
    ValueError with the reason otherwise.

    >>> record_id({"id": 7}, "id"), record_id({"id": "新闻-7"}, "id")
    ('7', '新闻-7')
    >>> record_id({"url": None}, "url")
    Traceback (most recent call last):
    ...
    ValueError: id field 'url' is null; every record needs a string or integer id (--id-field)
    """
    value = rec.get(id_field)
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if id_field not in rec:
        raise ValueError(f"no id field {id_field!r} (--id-field names the field that holds each record's id)")
    what = "an empty string" if value == "" else "null" if value is None else f"a {type(value).__name__}"
    raise ValueError(f"id field {id_field!r} is {what}; every record needs a string or integer id (--id-field)")


#: the JSON decoder's own steps (C code, not in the type stubs): a value at
#: an index, and a string after its opening quote; each returns its end
_SCAN_VALUE: Callable[[str, int], tuple[Any, int]] = getattr(json.JSONDecoder(), "scan_once")  # noqa: B009
_SCAN_STRING: Callable[[str, int], tuple[str, int]] = getattr(json.decoder, "scanstring")  # noqa: B009


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _past_space(line: str, pos: int) -> int:
    while line[pos] in " \t\n\r":
        pos += 1
    return pos


def value_spans(line: str, key: str) -> list[tuple[int, int]]:
    """Where the values of ``key`` are in ``line``, a valid JSON object: one
    span (quotes included) per time ``key`` is a key of the top level.

    >>> value_spans('{"text": "今天", "n": {"text": 1}, "te\\\\u0078t" : [1]}', "text")
    [(9, 13), (47, 50)]
    """
    pos = _past_space(line, _past_space(line, 0) + 1)  # after "{"
    spans: list[tuple[int, int]] = []
    while line[pos] != "}":
        name, pos = _SCAN_STRING(line, pos + 1)
        pos = _past_space(line, _past_space(line, pos) + 1)  # past ":"
        _, end = _SCAN_VALUE(line, pos)
        if name == key:
            spans.append((pos, end))
        pos = _past_space(line, end)
        if line[pos] == ",":
            pos = _past_space(line, pos + 1)
    return spans


def _scan_object(line: str, *keys: str) -> dict[str, tuple[Any, list[tuple[int, int]]]]:
    """The last value of each of ``keys`` that ``line`` holds, and the spans
    of its values (as :func:`value_spans`), when ``line`` is a JSON object
    with nothing but JSON whitespace around it, read in one pass by the JSON
    decoder's own steps.  Raises ValueError, IndexError or StopIteration on
    anything else (an invalid line, another JSON value): :func:`json.loads`
    then says what is wrong.

    >>> _scan_object('{"text": "今天", "n": {"text": 1}} ', "text", "id")
    {'text': ('今天', [(9, 13)])}
    """
    start = _past_space(line, 0)
    if line[start] != "{":
        raise ValueError("not an object")
    pos = _past_space(line, start + 1)
    found: dict[str, tuple[Any, list[tuple[int, int]]]] = {}
    while line[pos] != "}":
        if line[pos] != '"':
            raise ValueError("not a key")
        name, pos = _SCAN_STRING(line, pos + 1)
        pos = _past_space(line, pos)
        if line[pos] != ":":
            raise ValueError("not a colon")
        pos = _past_space(line, pos + 1)
        value, end = _SCAN_VALUE(line, pos)
        if name in keys:
            found[name] = (value, [*found.get(name, (None, []))[1], (pos, end)])
        pos = _past_space(line, end)
        if line[pos] == ",":
            pos = _past_space(line, pos + 1)
            if line[pos] != '"':
                raise ValueError("a comma before the end")
        elif line[pos] != "}":
            raise ValueError("not a comma")
    if _WHITESPACE.match(line, pos + 1).end() != len(line):  # type: ignore[union-attr]
        raise ValueError("extra data")
    return found


def read_jsonl(
    stream: Iterable[bytes], name: str, field_name: str, *, encoding: str = "utf-8", id_field: str | None = None
) -> Iterator[Document | BadRecord]:
    """Documents from JSON Lines bytes, one per record; a record that
    :func:`parse_record` refuses comes out as a :class:`BadRecord` with its
    line number and reason.

    >>> [d.text for d in read_jsonl([b'{"text": "\\xe4\\xbb\\x8a\\xe5\\xa4\\xa9"}\\n', b"\\n"], "in.jsonl", "text")]
    ['今天']
    """
    for lineno, raw in enumerate(stream, 1):
        item = parse_record(raw, lineno, name, field_name, encoding=encoding, id_field=id_field)
        if item is not None:
            yield item


def jsonl_lines(files: Sequence[str]) -> Iterator[RawLine]:
    """Every line of the JSON Lines ``files`` (``-``: standard input, named
    ``<stdin>``) with its source and line number, read lazily."""
    for name in files:
        label = "<stdin>" if name == "-" else name
        for lineno, raw in enumerate(read_lines(name), 1):
            yield label, lineno, raw


def read_text_file(path: str, data: bytes, encoding: str | None) -> Document:
    """The document of a text file's bytes, decoded (see :func:`cleaner.textio.decode`).

    >>> read_text_file("a.txt", "今天天气很好".encode("gb18030"), None).encoding
    'gb18030'
    """
    text, enc = decode(data, path, encoding)
    return Document(path, text, enc)


def text_documents(files: Sequence[str], encoding: str | None) -> Iterator[Document]:
    """One document per text file (``-``: standard input, named ``<stdin>``),
    read when it is its turn, with the bytes it took in ``nbytes``."""
    for name in files:
        data = read_bytes(name)
        doc = read_text_file("<stdin>" if name == "-" else name, data, encoding)
        doc.nbytes = len(data)
        yield doc


# -- writing ------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")

#: ``json.dumps(obj, ensure_ascii=False)`` is ``JSONEncoder(ensure_ascii=False).encode(obj)``:
#: one encoder, made once, writes the same bytes without a new encoder per row
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _json_string(text: str, *, ascii_only: bool) -> str:
    """``text`` as a JSON string literal, exactly as ``json.dumps(text,
    ensure_ascii=ascii_only)`` writes it; a lone surrogate (valid in JSON,
    not in UTF-8) as an escape either way.  orjson writes the same literal
    for every string without a surrogate (tests/test_records.py checks every
    code point) in a third of the time, and refuses one with a surrogate:
    the standard library writes those.

    >>> _json_string("今天\\u2028\\n", ascii_only=False)
    '"今天\\u2028\\\\n"'
    >>> _json_string("今\\ud800", ascii_only=False)
    '"今\\\\ud800"'
    """
    if ascii_only:
        return encode_basestring_ascii(text)
    try:
        return orjson.dumps(text).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError: a surrogate
        literal = encode_basestring(text)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", literal)


def record_line(doc: Document, text: str) -> str:
    """The record ``doc`` came from with ``text`` as its field's value: the
    input line itself when ``text`` is the value it had (byte for byte in
    UTF-8: numbers, escapes, key order and spacing as written), else that
    line with the new string spliced in at the value's span, escaped to
    ASCII when the old one was.  Always ends with a line end.

    >>> d = parse_record(b'{"n": 1e5, "text":"caf\\\\u00e9" ,"k":1}\\n', 1, "x", "text")
    >>> record_line(d, d.text)
    '{"n": 1e5, "text":"caf\\\\u00e9" ,"k":1}\\n'
    >>> record_line(d, "caf\u00e9!")
    '{"n": 1e5, "text":"caf\\\\u00e9!" ,"k":1}\\n'
    """
    line = doc.line
    if text != doc.text:
        start, end = doc.span
        ascii_only = line[start:end].isascii() and not doc.text.isascii()
        line = line[:start] + _json_string(text, ascii_only=ascii_only) + line[end:]
    return line if line.endswith("\n") else line + "\n"


def json_line(obj: dict[str, Any]) -> str:
    """One JSON Lines row, UTF-8-safe: a lone surrogate (valid in JSON input,
    not in UTF-8) is written as an escape instead of breaking the output.

    >>> json_line({"text": "今天"}), json_line({"text": "\\ud800"})
    ('{"text": "今天"}\\n', '{"text": "\\\\ud800"}\\n')
    """
    line = _ENCODER.encode(obj)
    if _SURROGATE.search(line):
        line = json.dumps(obj)
    return line + "\n"


def raw_field(raw: bytes) -> dict[str, str]:
    """A bad record exactly as it was: as text when it is UTF-8, else base64.

    >>> raw_field("今天".encode() + b"\\n"), raw_field(b"\\xff")
    ({'raw': '今天'}, {'raw_base64': '/w=='})
    """
    raw = raw.rstrip(b"\r\n")
    try:
        return {"raw": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"raw_base64": base64.b64encode(raw).decode("ascii")}


def quarantine_row(source: str, line: int, reason: str, raw: bytes) -> str:
    """The ``--quarantine`` row of a bad record: where it was, why, and its bytes (:func:`raw_field`)."""
    return json_line({"source": source, "line": line, "reason": reason, **raw_field(raw)})


def report_rows(r: Result) -> str:
    """The report rows of a cleaned document: each edit, then each suggestion."""
    rows = [json_line({"document": r.document.id, **e.to_dict()}) for e in r.edits]
    rows += [json_line({"document": r.document.id, **s.to_dict()}) for s in r.suggestions]
    return "".join(rows)


def render_record(res: DedupResult | None, d: int, doc: Document, *, report: bool) -> tuple[str | None, str]:
    """A JSON Lines record after dedup, as every engine writes it: its output
    row (None when the whole record goes) and its report rows (empty unless
    ``report``; see :func:`dedup_report_rows`).  ``res`` is None for a
    document that loses nothing, else the result holding document ``d``."""
    rows = ""
    if res is None:
        out: str | None = doc.text
    else:
        out = res.output(d, doc.text)
        if report:
            rows = dedup_report_rows(res, d, doc)
    if out is None:
        return None, rows
    # the input line, byte for byte when nothing was dropped; else only the
    # field's value changes (issue 11.17)
    return record_line(doc, out), rows


def dedup_report_rows(res: DedupResult, d: int, doc: Document) -> str:
    """The ``cleaner dedup --report`` rows of document ``d`` (``doc``): one per
    dropped paragraph (its edit, the paragraph and the kept one it repeats),
    or one for the whole document at ``--level document``; empty when it
    loses nothing."""
    drops = res.drops(d)
    if not drops:
        return ""
    if res.options.level == "document":
        r, s = next(iter(drops.values()))  # a document is one unit
        rdoc, _, rrun = res._name(r)
        row: dict[str, Any] = {"document": doc.id, "rule": DEDUP, "level": "document", "score": round(s, 4), "ref_document": rdoc}
        if rrun is not None:
            row["ref_run"] = rrun
        return json_line(row)
    by_para = {p: r for p, (r, _) in drops.items()}
    first = int(res.doc_first[d])
    starts = res.start[first : int(res.doc_first[d + 1])]
    return "".join(_drop_row(res, doc, e, first, starts, by_para) for e in res.edits(d, doc.text))


def _drop_row(res: DedupResult, doc: Document, e: Edit, first: int, starts: Any, by_para: dict[int, int]) -> str:
    """The report row of edit ``e``, which drops a paragraph of ``doc``
    (whose units are ``first`` on, starting at the offsets ``starts``;
    ``by_para``: dropped paragraph -> the unit it repeats)."""
    import numpy as np  # loaded by the dedup that made ``res`` already

    row = {"document": doc.id, **e.to_dict()}
    # the paragraph this edit drops: the one that starts inside it
    p = int(res.para[first + int(np.searchsorted(starts, e.start))])
    if p not in by_para:  # the edit began with the separator before it
        p = int(res.para[first + int(np.searchsorted(starts, e.start, side="right"))])
    rdoc, rpara, rrun = res._name(by_para[p])
    row["paragraph"] = p
    row["ref_document"] = rdoc
    row["ref_paragraph"] = rpara
    if rrun is not None:
        row["ref_run"] = rrun
    return json_line(row)
