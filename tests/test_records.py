"""JSON Lines records through the real command: what the tool does not
change comes out byte for byte, a cleaned record changes only in its
field's value, a byte-order mark and ``--encoding`` are honoured (issue 11,
items 17 and 18); and the splice itself, on any record."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.records import BadRecord, Document, _parse_slowly, parse_record, record_line, value_spans

ENV = dict(os.environ, PYTHONIOENCODING="utf-8")
DIRTY, CLEANED = "今天,我们去公园。", "今天，我们去公园。"  # the width rule's comma


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], input=stdin, capture_output=True, env=ENV, timeout=120)


#: clean records that json.loads/json.dumps would each rewrite somehow
UNCHANGED = [
    b'{"id": 1e400, "text": "Clean text."}\n',  # Infinity out, invalid JSON
    b'{"id": 123456789012345678901234567890.5, "text": "Clean text."}\n',  # digits lost
    b'{"id": 1e5, "x": -0.0, "y": 1E+2, "text": "Clean text."}\n',  # 100000.0
    b'{"text":"\\u6e05\\u6d01\\u7684\\u6587\\u5b57\\u3002","a\\/b":"\\/"}\n',  # escapes
    b'{ "z" : 1 ,\t"a":[ 1,2 ], "text" : "Clean text." }\n',  # spacing, key order
    b'{"k": 1, "k": 2, "text": "Clean text."}\n',  # a duplicate key (not the field)
    '{"text": "干净的文字。", "note": "\u00e9\\u00e9"}\r\n'.encode(),  # CRLF, mixed escapes
]


def test_unchanged_records_come_out_byte_for_byte(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    data = b"".join(UNCHANGED)
    src.write_bytes(data)
    p = run("clean", "-q", "--jsonl", str(src), "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert out.read_bytes() == data


def test_a_cleaned_record_changes_only_in_its_value(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    head, tail = b'{ "id":1e400 ,"k":1,"k":2, "content" :', b' , "n": 1E5, "e":"\\/"}'
    data = (
        head + json.dumps(DIRTY, ensure_ascii=False).encode() + tail + b"\n"
        + head + json.dumps(DIRTY).encode() + tail  # escaped to ASCII, last line without a line end
    )
    src.write_bytes(data)
    p = run("clean", "-q", "--jsonl", "--field", "content", str(src), "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert out.read_bytes() == (
        head + json.dumps(CLEANED, ensure_ascii=False).encode() + tail + b"\n"
        + head + json.dumps(CLEANED).encode() + tail + b"\n"  # still ASCII, as it was written
    )


def test_a_record_with_its_field_twice_is_bad_input_named(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(b'{"text": "Clean text."}\n{"text": "a,b", "text": "c,d"}\n')
    p = run("clean", "--jsonl", str(src), "-o", str(out))
    assert p.returncode == 1
    assert f"{src}: line 2: field 'text' appears 2 times" in p.stderr.decode()
    assert not out.exists()
    q = tmp_path / "bad.jsonl"
    p = run("clean", "-q", "--jsonl", "--on-error", "quarantine", str(q), str(src), "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert out.read_bytes() == b'{"text": "Clean text."}\n'
    assert json.loads(q.read_text(encoding="utf-8"))["raw"] == '{"text": "a,b", "text": "c,d"}'


def test_a_byte_order_mark_opens_the_first_record(tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": i, "text": DIRTY}, ensure_ascii=False).encode() + b"\n" for i in range(2)]
    src.write_bytes(b"\xef\xbb\xbf" + b"".join(lines))
    for on_error in ("stop", "skip"):
        p = run("clean", "--jsonl", "--on-error", on_error, str(src))
        assert p.returncode == 0, p.stderr
        assert p.stdout.decode("utf-8").splitlines() == [json.dumps({"id": i, "text": CLEANED}, ensure_ascii=False) for i in range(2)]
        assert "bad records" not in p.stderr.decode()
    # only on line 1: elsewhere it is not JSON
    src.write_bytes(lines[0] + b"\xef\xbb\xbf" + lines[1])
    p = run("clean", "--jsonl", str(src))
    assert p.returncode == 1 and "line 2: invalid JSON" in p.stderr.decode()


def test_encoding_is_honoured_with_jsonl(tmp_path):
    src = tmp_path / "gb.jsonl"
    rows = [{"id": 1, "text": DIRTY}, {"id": 2, "text": "中文编码测试，看看能否识别出来。"}]
    src.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("gb18030"))
    p = run("clean", "-q", "--jsonl", "--encoding", "gb18030", str(src))
    assert p.returncode == 0, p.stderr
    assert [json.loads(x) for x in p.stdout.decode("utf-8").splitlines()] == [{"id": 1, "text": CLEANED}, rows[1]]
    p = run("clean", "-q", "--jsonl", "--encoding", "gb18030", "--jobs", "2", str(src))
    assert p.returncode == 0 and len(p.stdout.decode("utf-8").splitlines()) == 2, p.stderr
    # a line that is not GB18030 is named as such
    src.write_bytes(src.read_bytes() + b'{"text": "\x80"}\n')
    p = run("clean", "-q", "--jsonl", "--encoding", "gb18030", str(src))
    assert p.returncode == 1 and "line 3: invalid gb18030 at byte" in p.stderr.decode()
    # encodings whose lines do not split at the byte \n are refused, not misread
    p = run("clean", "-q", "--jsonl", "--encoding", "utf-16", str(src))
    assert p.returncode == 2 and "iconv" in p.stderr.decode()


# -- the splice, on any record ------------------------------------------------

_KEYS = st.sampled_from(["text", "id", "te\\u0078t", "a", "meta"])
_SCALARS = st.sampled_from(["1", "1e400", "-0.0", "12345678901234567890", "true", "null", '"x\\/y"', '"\\u00e9"', "[1, {\"text\": 2}]", '{"text": "in"}'])
_SPACE = st.sampled_from(["", " ", "\t", "  "])


@st.composite
def _records(draw: st.DrawFn) -> tuple[str, str, str]:
    """A record line as someone may have written it, the field's value, and a new value."""
    value = draw(st.text(max_size=20))
    ascii_only = draw(st.booleans())
    members = [(k, draw(_SCALARS)) for k in draw(st.lists(_KEYS.filter(lambda k: k not in ("text", "te\\u0078t")), max_size=4))]
    members.insert(draw(st.integers(0, len(members))), ("text", json.dumps(value, ensure_ascii=ascii_only)))
    sp = [draw(_SPACE) for _ in range(4)]
    body = ",".join(f'{sp[0]}"{k}"{sp[1]}:{sp[2]}{v}{sp[3]}' for k, v in members)
    return "{" + body + "}" + draw(st.sampled_from(["\n", "\r\n", ""])), value, draw(st.text(max_size=20))


@settings(max_examples=300, deadline=None)
@given(_records())
def test_record_line_splices_only_the_value(case):
    line, value, new = case
    doc = parse_record(line.encode("utf-8", "surrogatepass"), 1, "x", "text")
    if not isinstance(doc, Document):  # a lone surrogate written raw: not UTF-8
        return
    assert doc.text == value
    assert record_line(doc, value) == (line if line.endswith("\n") else line + "\n")
    out = record_line(doc, new)
    out.encode("utf-8")  # a lone surrogate comes out escaped
    start, end = doc.span
    assert out.startswith(line[:start]) and out.rstrip("\r\n").endswith(line[end:].rstrip("\r\n"))
    assert json.loads(out) == {**json.loads(line), "text": new}


def test_value_spans_reads_only_the_top_level():
    line = '{"text": "a", "n": {"text": "b"}, "l": ["text"], "te\\u0078t": "c"}'
    assert [line[a:b] for a, b in value_spans(line, "text")] == ['"a"', '"c"']
    assert value_spans("{}", "text") == [] and value_spans(' { } ', "text") == []


# -- the one-pass reader and the fast writer agree with the standard library --


def _parsed_as_before(raw: bytes, lineno: int, field: str, id_field: str | None = None) -> Document | BadRecord | None:
    """What parse_record returned before it read a record in one pass:
    json.loads, its checks, then value_spans (the reader it still falls back
    to for what the one pass refuses); a line that is blank or not UTF-8
    never reaches either."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return parse_record(raw, lineno, "x", field, id_field=id_field)
    line = line[1:] if lineno == 1 and line.startswith("\ufeff") else line
    if not raw.strip() or not line.strip():
        return None
    return _parse_slowly(raw, line, f"x:{lineno}", lineno, field, "utf-8", id_field=id_field)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["text", "a", "b"]), inner, max_size=3),
    max_leaves=6,
)
_DAMAGE = st.sampled_from(["", "}", "{", ",", ":", '"', "\\", " ", "]", "x", "\ufeff", "\x00", "NaN", "\t"])


@st.composite
def _lines(draw: st.DrawFn) -> bytes:
    """A JSON Lines line as written in the wild, often damaged by one character."""
    keys = draw(st.lists(_KEYS, max_size=5))
    sp = [draw(_SPACE) for _ in range(5)]
    members = []
    for k in keys:
        v = draw(st.one_of(_SCALARS, _JSON.map(lambda x: json.dumps(x, ensure_ascii=draw(st.booleans())))))
        members.append(f'{sp[0]}"{k}"{sp[1]}:{sp[2]}{v}{sp[3]}')
    line = sp[4] + "{" + ",".join(members) + "}" + draw(st.sampled_from(["\n", "\r\n", " \n", ""]))
    if draw(st.booleans()):  # damaged: a character in, out or replaced
        at, cut = draw(st.integers(0, len(line))), draw(st.integers(0, 1))
        line = line[:at] + draw(_DAMAGE) + line[at + cut :]
    if draw(st.booleans()):
        line = draw(st.sampled_from(["[1]", '"text"', "3", "null", "{}", '{"text": "a"} x', "", "  \n", '{"text": "a",}']))
    return line.encode("utf-8", "surrogatepass")


@settings(max_examples=1500, deadline=None)
@given(_lines(), st.integers(1, 2), st.sampled_from(["text", "a"]), st.sampled_from([None, "id", "meta", "text"]))
def test_one_pass_reading_agrees_with_json_loads(raw, lineno, field, id_field):
    """Every line, valid or not, gives the document or the reason it gave
    when json.loads read it and value_spans found the field (a byte-order
    mark, NaN, numbers JSON readers round, escaped keys, damage of every
    kind), and with ``--id-field`` the same id or reason."""
    assert parse_record(raw, lineno, "x", field, id_field=id_field) == _parsed_as_before(raw, lineno, field, id_field)


_ID_LINES = [
    b'{"id": 7, "text": "x"}\n',
    b'{"id": "a", "id": "b", "text": "x"}\n',  # twice
    b'{"i\\u0064": 1, "id": 2, "text": "x"}\n',  # twice, once escaped
    b'{"text": "x"}\n',  # none
    b'{"id": null, "text": "x"}\n',
    b'{"id": "", "text": "x"}\n',
    b'{"id": true, "text": "x"}\n',
    b'{"id": 1.5, "text": "x"}\n',
    b'{"id": 123456789012345678901234567890, "text": "x"}\n',
    b'{"id": [1], "text": "x", "text": "y"}\n',  # the field twice comes first
    b'{"id": "\\ud800", "text": "x"}\n',
    b'{"id": 1, "text": 5}\n',
    b'{"id": 1, "text": "x",}\n',  # invalid: the decoder's message
]


@pytest.mark.parametrize("raw", _ID_LINES)
@pytest.mark.parametrize("id_field", ["id", "text"])
def test_one_pass_reading_finds_the_id_as_json_loads(raw, id_field):
    """With ``--id-field``: the same id, or the same reason, as before."""
    assert parse_record(raw, 2, "x", "text", id_field=id_field) == _parsed_as_before(raw, 2, "text", id_field)


def _written_as_before(value: str) -> str:
    """The literal record_line spliced in before orjson: json.dumps, with
    each lone surrogate (valid in JSON, not in UTF-8) as its escape."""
    literal = json.dumps(value, ensure_ascii=False)
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", literal)


def test_the_fast_writer_writes_what_json_dumps_writes():
    """A changed value is written as json.dumps(value, ensure_ascii=False)
    writes it -- every code point, U+2028, control characters, quotes and
    backslashes -- and a lone surrogate as an escape; escaped to ASCII when
    the value was."""
    line = '{"id": 1.50, "text": "旧的", "z": "\\ud83d\\ude00"}\n'
    doc = parse_record(line.encode(), 1, "x", "text")
    assert isinstance(doc, Document)
    start, end = doc.span
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    for new in (every, "\u2028\u2029\x00\x1f\x7f\"\\/", "今天\ud800明天\udfff", "a\ud83d", "\U0001f600"):
        assert record_line(doc, new) == line[:start] + _written_as_before(new) + line[end:]
    ascii_doc = parse_record(b'{"text": "\\u65e7"}\n', 1, "x", "text")
    assert isinstance(ascii_doc, Document)
    assert record_line(ascii_doc, every) == '{"text": ' + json.dumps(every) + "}\n"
