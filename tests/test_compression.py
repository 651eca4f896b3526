"""cleaner.compression: the codec by extension, magic bytes that must agree,
damaged data named by file and line, writing that leaves raw open."""

from __future__ import annotations

import bz2
import gzip
import io

import pytest
import zstandard

from cleaner.compression import check_magic, compressing, compression_of, decompressing, sniff
from cleaner.errors import InputError

TEXT = "".join(f"第{i}行：今天天气很好，{i * 7919 % 10007}。\n" for i in range(20_000))
KINDS = {"gzip": gzip.compress, "bzip2": bz2.compress, "zstd": lambda b: zstandard.ZstdCompressor().compress(b)}


@pytest.mark.parametrize("name, kind", [("a.jsonl.gz", "gzip"), ("a.TXT.BZ2", "bzip2"), ("dir.gz/a.zst", "zstd"), ("dir.gz/a", None), ("a.jsonl", None), (".gz", None)])
def test_compression_is_read_from_the_last_extension(name, kind):
    assert compression_of(name) == kind


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_is_recognised_by_its_first_bytes(kind):
    assert sniff(KINDS[kind](TEXT.encode())[:10]) == kind
    assert sniff(KINDS[kind](b"")[:10]) == kind  # an empty stream has its own bzip2 marker


@pytest.mark.parametrize("head", [b"", b"{", b"BZh9 plain", "今天".encode(), b"\x1f\x8b"])
def test_plain_starts_are_not_compressed(head):
    assert sniff(head) is None


def test_a_plain_file_named_gz_is_refused():
    with pytest.raises(InputError, match=r"a\.jsonl\.gz: named \.gz but it is not gzip data"):
        check_magic("a.jsonl.gz", b'{"text": "x"}')
    with pytest.raises(InputError, match=r"named \.zst but it is gzip data"):
        check_magic("a.zst", gzip.compress(b"x")[:10])


def test_compressed_data_under_a_plain_name_is_refused_with_the_name_to_use():
    with pytest.raises(InputError, match=r"a\.jsonl: holds zstd-compressed data; name it a\.jsonl\.zst"):
        check_magic("a.jsonl", KINDS["zstd"](b"x")[:10])
    with pytest.raises(InputError, match="decompress it first"):
        check_magic("<stdin>", gzip.compress(b"x")[:10], stdin=True)


def test_an_empty_file_and_a_short_pipe_read_are_not_refused():
    assert check_magic("a.gz", b"") == "gzip"
    assert check_magic("a.bz2", b"BZh9") == "bzip2"  # too few bytes yet to tell


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_round_trip_leaves_raw_open_and_reads_every_member(kind):
    raw = io.BytesIO()
    for part in ("一\n", "二\n"):  # two members / frames / streams, as concatenated files have
        w = compressing(raw, kind)
        w.write(part.encode())
        w.close()
        assert not raw.closed
    raw.seek(0)
    assert decompressing(raw, "x", kind).read() == "一\n二\n".encode()


def test_gzip_output_is_the_same_bytes_every_run():
    def once() -> bytes:
        raw = io.BytesIO()
        with compressing(raw, "gzip") as w:
            w.write(TEXT.encode())
        return raw.getvalue()

    first = once()
    assert once() == first and gzip.decompress(first) == TEXT.encode()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_damaged_data_names_the_file_and_line(kind):
    data = KINDS[kind](TEXT.encode())
    cut = io.BytesIO(data[: len(data) * 2 // 3])
    with pytest.raises(InputError, match=rf"^in\.txt\.x: line \d+: the {kind} data is damaged or cut short") as err:
        list(decompressing(cut, "in.txt.x", kind))
    line = int(str(err.value).split("line ")[1].split(":")[0])
    # the lines before the damage were read (bzip2 decompresses whole 900 kB blocks: none here)
    assert (1 if kind == "bzip2" else 2) <= line <= TEXT.count("\n")
