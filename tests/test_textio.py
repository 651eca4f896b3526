"""textio.Outputs: outputs put in place together, or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cleaner.errors import StorageError
from cleaner.textio import Outputs, atomic_writer, written_paths


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
