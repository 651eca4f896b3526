"""cleaner.ray.io without Ray: JSON Lines cut into byte ranges at line ends,
lines split as a binary file iterates them, and unit ids in local order."""

from __future__ import annotations

import io
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.ray.io import cut, split_lines, uid_of


# -- JSON Lines in byte ranges ---------------------------------------------------------


@given(st.binary(max_size=200).map(lambda b: b.replace(b"\x00", b"\n")))
@settings(max_examples=200, deadline=None)
def test_split_lines_is_iterating_a_binary_file(data):
    assert split_lines(data) == list(io.BytesIO(data))


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 10_000])
def test_byte_ranges_end_at_line_ends_and_cover_the_file(tmp_path, chunk):
    rng = random.Random(chunk)
    data = b"".join(rng.choice([b"\n", b"ab\n", b"\xe4\xb8\xad\r\n", b"x" * 30 + b"\n"]) for _ in range(200)) + b"tail"
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    ranges = cut(str(path), chunk)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    assert all(data[e - 1 : e] == b"\n" for _, e in ranges[:-1])
    assert all(e - s >= min(chunk, len(data) - s) for s, e in ranges)
    assert [line for s, e in ranges for line in split_lines(data[s:e])] == list(io.BytesIO(data))


def test_uids_order_units_as_the_local_engine_numbers_them():
    units = [(0, 0), (0, 1), (0, 300), (1, 0), (7, 2), (2**38, 5)]
    assert sorted(units, key=lambda u: uid_of(*u)) == units
