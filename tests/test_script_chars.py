"""cleaner/data/script_chars.txt, its loader (cleaner.chars.script_chars) and
the script that builds it (scripts/build_script_chars.py)."""

from __future__ import annotations

import runpy
from typing import Any
from importlib import resources

import pytest

from cleaner.chars import SCRIPT_SECTIONS, script_chars
from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "build_script_chars.py"


def load_script() -> dict[str, Any]:
    """The build script's functions, by name."""
    return runpy.run_path(str(SCRIPT), run_name="build_script_chars")


@pytest.fixture(scope="module")
def built() -> dict[str, str]:
    """The sections as a fresh build from OpenCC and CC-CEDICT makes them."""
    pytest.importorskip("opencc")
    pytest.importorskip("zhon")
    return {name: "".join(items) for name, items in load_script()["sections"]().items()}


def test_the_shipped_file_equals_a_fresh_build(built):
    # The file is a cache of OpenCC and CC-CEDICT: it must not go stale.
    assert sorted(built) == sorted(SCRIPT_SECTIONS)
    for name in SCRIPT_SECTIONS:
        assert script_chars(name) == built[name], f"{name} is stale: python scripts/build_script_chars.py --out cleaner/data/script_chars.txt"


def test_the_build_renders_the_shipped_bytes_apart_from_versions(built):
    shipped = resources.files("cleaner").joinpath("data/script_chars.txt").read_text(encoding="utf-8")
    fresh = load_script()["render"]()
    body = lambda t: [line for line in t.splitlines() if not line.startswith("#")]  # noqa: E731
    assert body(shipped) == body(fresh)


def test_header_names_sources_and_licences():
    text = resources.files("cleaner").joinpath("data/script_chars.txt").read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for needle in ("CC-CEDICT", "CC BY-SA 4.0", "OpenCC", "Apache-2.0", "zhon", "MIT", "Licence:", "Regenerate: python scripts/build_script_chars.py"):
        assert needle in header, needle


def test_sections_are_disjoint_where_they_must_be():
    trad, simp = set(script_chars("traditional_only")), set(script_chars("simplified_only"))
    assert trad and simp and not trad & simp
    pairs = script_chars("t2s")
    assert len(pairs) % 2 == 0
    t2s = dict(zip(pairs[::2], pairs[1::2]))
    assert t2s["這"] == "这" and t2s["國"] == "国"
    assert "总" in script_chars("block_simplified") and not set(t2s) & set(script_chars("block_simplified"))
    assert not any(c.isspace() for name in SCRIPT_SECTIONS for c in script_chars(name))


def test_an_unknown_section_says_which_exist():
    with pytest.raises(ValueError, match="traditional_only"):
        script_chars("simplified")
