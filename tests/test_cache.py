"""The cache folder and the arrays kept in it."""

from __future__ import annotations

import numpy as np

from cleaner.cache import cached_arrays


def test_arrays_are_built_once_and_a_damaged_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"a": np.arange(4), "b": np.array(2.5)}

    cached_arrays("x.npz", ("a", "b"), build)
    again = cached_arrays("x.npz", ("a", "b"), build)
    assert len(calls) == 1 and again["a"].tolist() == [0, 1, 2, 3] and float(again["b"]) == 2.5
    (tmp_path / "x.npz").write_bytes(b"\x00garbage" * 100)
    rebuilt = cached_arrays("x.npz", ("a", "b"), build)
    assert len(calls) == 2 and rebuilt["a"].tolist() == [0, 1, 2, 3]
    # a file without a field that is asked for is built again too
    other = cached_arrays("x.npz", ("a", "c"), lambda: {"a": np.arange(1), "c": np.arange(2)})
    assert other["c"].tolist() == [0, 1]


def test_an_unwritable_folder_only_costs_the_build(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(blocker / "sub"))
    assert cached_arrays("y.npz", ("a",), lambda: {"a": np.arange(2)})["a"].tolist() == [0, 1]
