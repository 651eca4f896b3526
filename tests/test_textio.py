"""textio.Outputs: outputs put in place together, or not at all."""

from __future__ import annotations

import bz2
import gzip
import os
import stat
from pathlib import Path

import pytest
import zstandard

from cleaner.errors import InputError, StorageError
from cleaner.textio import Outputs, atomic_writer, open_input, read_bytes, read_lines, written_paths


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_nothing_is_in_place_before_the_end(tmp_path):
    with Outputs() as outs:
        outs.write_file(tmp_path / "a.txt", "A")
        stream = outs.open(tmp_path / "b.txt")
        stream.write("B")
        assert not (tmp_path / "a.txt").exists() and not (tmp_path / "b.txt").exists()
    assert (tmp_path / "a.txt").read_text() == "A" and (tmp_path / "b.txt").read_text() == "B"
    assert str(tmp_path / "b.txt") in written_paths()


def test_an_error_discards_every_output(tmp_path):
    (tmp_path / "a.txt").write_text("old")
    with pytest.raises(RuntimeError), Outputs() as outs:
        outs.write_file(tmp_path / "a.txt", "new")
        outs.open(tmp_path / "b.txt").write("B")
        raise RuntimeError("bad input")
    assert _names(tmp_path) == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "old"


def test_a_failed_rename_names_the_path_and_leaves_no_temporary_file(tmp_path):
    with pytest.raises(StorageError, match="b.txt"), Outputs() as outs:
        outs.write_file(tmp_path / "a.txt", "A")
        outs.write_file(tmp_path / "b.txt", "B")
        (tmp_path / "b.txt").mkdir()  # appears while the run is on: the rename fails
        (tmp_path / "b.txt" / "x").write_text("")
    assert _names(tmp_path) == ["a.txt", "b.txt"]  # a.txt was in place already; no .tmp left


def test_a_link_is_replaced_unless_followed(tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("T")
    target.chmod(0o640)
    (tmp_path / "link").symlink_to("target.txt")
    with atomic_writer(tmp_path / "link") as fh:
        fh.write("L")
    assert not (tmp_path / "link").is_symlink() and (tmp_path / "link").read_text() == "L"
    assert target.read_text() == "T"
    (tmp_path / "link2").symlink_to("target.txt")
    with atomic_writer(tmp_path / "link2", follow_links=True) as fh:
        fh.write("F")
    assert (tmp_path / "link2").is_symlink() and target.read_text() == "F"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_new_file_mode_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        with atomic_writer(tmp_path / "n.txt") as fh:
            fh.write("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "n.txt").stat().st_mode) == 0o640


def test_a_folder_is_not_an_output(tmp_path):
    with pytest.raises(StorageError, match="Is a directory"), Outputs() as outs:
        outs.open(tmp_path)


def test_a_replaced_file_keeps_its_mode(tmp_path):
    old_file = tmp_path / "o.txt"
    old_file.write_text("old")
    old_file.chmod(0o604)
    with atomic_writer(old_file) as fh:
        fh.write("new")
    assert old_file.read_text() == "new" and stat.S_IMODE(old_file.stat().st_mode) == 0o604


# -- compressed and binary outputs, compressed inputs ---------------------------

TEXT = "今天天气很好。\n第二行，\r\n末行没有换行"


@pytest.mark.parametrize("suffix, decompress", [(".gz", gzip.decompress), (".bz2", bz2.decompress), (".zst", lambda b: zstandard.ZstdDecompressor().decompressobj().decompress(b))])
def test_an_output_named_gz_bz2_or_zst_is_compressed_and_reads_back(tmp_path, suffix, decompress):
    path = tmp_path / f"out.txt{suffix}"
    with atomic_writer(path) as fh:
        fh.write(TEXT[:5])
        fh.write(TEXT[5:])
    data = path.read_bytes()
    assert decompress(data) == TEXT.encode()  # the very bytes a plain output gets
    with open_input(str(path)) as fh:
        assert fh.read() == TEXT.encode()
    assert read_lines(str(path)).__next__() == "今天天气很好。\n".encode()


def test_a_failed_run_leaves_no_partial_compressed_file(tmp_path):
    with pytest.raises(RuntimeError), Outputs() as outs:
        outs.open(tmp_path / "a.jsonl.gz").write("x" * 100_000)
        outs.open(tmp_path / "b.zst", encoding=None).binary.write(b"y")
        raise RuntimeError("bad input")
    assert _names(tmp_path) == []


def test_a_binary_output_takes_bytes(tmp_path):
    with atomic_writer(tmp_path / "t.bin", encoding=None) as out:
        out.binary.write(b"PAR1\x00")
    assert (tmp_path / "t.bin").read_bytes() == b"PAR1\x00"


def test_an_empty_compressed_output_is_valid(tmp_path):
    with Outputs() as outs:
        outs.write_file(tmp_path / "e.gz", "")
    assert gzip.decompress((tmp_path / "e.gz").read_bytes()) == b""
    assert read_bytes(str(tmp_path / "e.gz")) == b""


def test_inputs_whose_name_and_bytes_disagree_are_refused(tmp_path):
    (tmp_path / "plain.gz").write_bytes(b"plain text\n")
    (tmp_path / "packed.txt").write_bytes(gzip.compress(b"text\n"))
    with pytest.raises(InputError, match=r"plain\.gz: named \.gz but it is not gzip data"):
        read_bytes(str(tmp_path / "plain.gz"))
    with pytest.raises(InputError, match=r"packed\.txt: holds gzip-compressed data; name it .*packed\.txt\.gz"):
        read_bytes(str(tmp_path / "packed.txt"))


def test_folders_made_for_a_failed_run_are_removed(tmp_path):
    (tmp_path / "kept").mkdir()
    with pytest.raises(RuntimeError), Outputs() as outs:
        outs.make_folders(str(tmp_path / "new" / "deep"))
        outs.make_folders(str(tmp_path / "kept" / "sub"))
        outs.write_file(tmp_path / "new" / "deep" / "a.txt", "A")
        raise RuntimeError("bad input")
    assert _names(tmp_path) == ["kept"] and _names(tmp_path / "kept") == []
    with Outputs() as outs:
        outs.make_folders(str(tmp_path / "new" / "deep"))
        outs.write_file(tmp_path / "new" / "deep" / "a.txt", "A")
    assert (tmp_path / "new" / "deep" / "a.txt").read_text() == "A"


@pytest.mark.parametrize("name", ["out.jsonl", "out.jsonl.gz"])
def test_encoded_text_is_written_as_it_is_after_the_text_before_it(tmp_path, name):
    path = tmp_path / name
    with atomic_writer(path) as fh:
        fh.write_bytes("今天\n".encode())
        fh.write_bytes(b"")
        fh.write("天气")
        fh.write_bytes("很好。\n".encode())
    assert read_bytes(str(path)) == "今天\n天气很好。\n".encode()
    with atomic_writer(tmp_path / "b.bin", encoding=None) as out:
        out.write_bytes(b"PAR1")
    assert (tmp_path / "b.bin").read_bytes() == b"PAR1"
