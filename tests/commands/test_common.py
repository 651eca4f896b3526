"""What the commands write through: standard output taking UTF-8 bytes
(as they are, or decoded where stdout needs text), the spool that holds
stdout back until a run ends, the progress counts."""

from __future__ import annotations

import io
import sys

import pytest

from cleaner.commands.common import Progress, Sink, Stdout
from cleaner.textio import Outputs, write_encoded

TEXT = "今天,天气很好。\nNingbo，China\n"


def _stdout(monkeypatch: pytest.MonkeyPatch, encoding: str) -> io.BytesIO:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding=encoding, newline=""))
    return raw


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_stdout_takes_utf8_bytes_whatever_it_writes(monkeypatch, encoding):
    """Bytes cut inside a character still come out as the text, in stdout's encoding, after the text written before."""
    raw = _stdout(monkeypatch, encoding)
    out = Stdout()
    data = TEXT.encode()
    out.write("前言\n")
    out.write_bytes(data[:4])  # "今" and a third of "天"
    out.write_bytes(data[4:])
    out.flush()
    assert raw.getvalue() == ("前言\n" + TEXT).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_spooled_stdout_writes_text_and_bytes_in_order_at_the_end(monkeypatch, encoding):
    raw = _stdout(monkeypatch, encoding)
    with Outputs() as outs, Sink(None, outs=outs) as sink:
        sink.fh.write("前言\n")
        write_encoded(sink.fh, TEXT.encode())
        assert raw.getvalue() == b""  # held back until the run ends well
    assert raw.getvalue() == ("前言\n" + TEXT).encode(encoding)
    raw = _stdout(monkeypatch, encoding)
    with pytest.raises(RuntimeError), Outputs() as outs, Sink(None, outs=outs) as sink:
        write_encoded(sink.fh, TEXT.encode())
        raise RuntimeError("bad input")
    assert raw.getvalue() == b""


def test_progress_counts_documents_one_by_one_or_many_at_once():
    p = Progress(False, None)
    p.update(10)
    p.update(300, docs=64)
    assert p.docs == 65
