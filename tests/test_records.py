"""JSON Lines records through the real command: what the tool does not
change comes out byte for byte, a cleaned record changes only in its
field's value, a byte-order mark and ``--encoding`` are honoured (issue 11,
items 17 and 18); and the splice itself, on any record."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.records import Document, parse_record, record_line, value_spans

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
