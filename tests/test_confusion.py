"""The visual confusion table (cleaner/data/visual_confusion.tsv) and its loader."""

from __future__ import annotations

import importlib.util
import itertools
import os
import re
from importlib import resources
from pathlib import Path

import pytest

from cleaner.chars import is_han
from cleaner.confusion import COMPONENTS, TABLE, confusion_table, merged, parse, visual_neighbours
from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "build_confusion.py"

#: Look-alikes every OCR engine confuses; each must be in the other's first five.
LOOK_ALIKES = ["土士", "未末", "己已巳", "体休", "日曰", "人入", "大太犬", "刀力", "天夭", "戊戌戍", "贝见", "间问", "竞竟", "侯候"]
#: Characters that only share a radical or a side: never among each other's first five.
RADICAL_ONLY = ["说话", "湖海", "妈好", "他们", "打扫", "江河", "树林", "吃喝", "钱铜", "跑跳", "时明", "请说"]
#: Common characters (general vocabulary) that must have a row.
COMMON = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年"


def table_text(name: str = TABLE) -> str:
    return resources.files("cleaner").joinpath("data", name).read_text(encoding="utf-8")


def visual_table() -> dict[str, tuple[tuple[str, float], ...]]:
    """The visual table alone (confusion_table() merges the component pairs into it)."""
    return parse(table_text())


def header() -> str:
    return "\n".join(line for line in table_text().splitlines() if line.startswith("#"))


def body_lines() -> list[str]:
    return [line for line in table_text().splitlines() if line and not line.startswith("#")]


def rank(a: str, b: str) -> int | None:
    names = [n for n, _ in visual_neighbours(a)]
    return names.index(b) if b in names else None


def load_script():
    spec = importlib.util.spec_from_file_location("build_confusion", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the file


def test_file_parses_into_enough_characters():
    table = confusion_table()
    assert len(table) >= 3500
    assert all(is_han(c) for c in table)
    assert all(c in table for c in COMMON)
    assert len(table_text().encode("utf-8")) < 1_500_000


def test_every_line_has_the_documented_format():
    field = re.compile(r"\t(.):(0\.\d{3}|1\.000)")
    for line in body_lines():
        char, rest = line[0], line[1:]
        assert is_han(char), line[:20]
        assert rest and re.fullmatch(f"(?:{field.pattern})+", rest), line[:40]


def test_header_names_sources_method_and_licences():
    text = header()
    for needle in (
        "Regenerate: python scripts/build_confusion.py --out cleaner/data/visual_confusion.tsv",
        "fonts-noto-cjk",
        "OFL-1.1",
        "pycorrector",
        "Apache-2.0",
        "wordfreq",
        "CC-BY-SA 4.0",
        "GB 2312",
        "OpenCC s2t and s2tw",
        "Licence:",
    ):
        assert needle in text, needle


def one_way() -> set[str]:
    """The rare characters' rows: the last ones of the file, as many as the header says."""
    m = re.search(r"Rare characters: (\d+) one-way rows", header())
    assert m, "header states the number of one-way rows"
    return {line[0] for line in body_lines()[len(body_lines()) - int(m.group(1)) :]}


def test_header_counts_match_the_body():
    m = re.search(r"; (\d+) rows, (\d+) pairs\.", header())
    assert m, "header states the number of rows and pairs"
    table = visual_table()
    assert int(m.group(1)) == len(table)
    rare = one_way()
    assert int(m.group(2)) * 2 == sum(len(row) for c, row in table.items() if c not in rare)


def test_scores_in_range_and_sorted():
    for char, row in confusion_table().items():
        assert row, char
        assert all(0.0 <= s <= 1.0 for _, s in row), char
        assert row == tuple(sorted(row, key=lambda ns: (-ns[1], ns[0]))), char


def test_no_character_is_its_own_neighbour_or_listed_twice():
    for char, row in confusion_table().items():
        names = [n for n, _ in row]
        assert char not in names
        assert len(names) == len(set(names)), char


def test_symmetric_with_the_same_score():
    table, rare = visual_table(), one_way()
    for char, row in table.items():
        if char not in rare:
            for n, s in row:
                assert (char, s) in table[n], (char, n)


def test_rare_characters_point_one_way_to_common_look_alikes():
    """A rare character (outside the common set, inside GBK) lists at most
    three common look-alikes scoring 0.85 or more; no row lists a rare one:
    OCR prints 釆 for 采 or 巿 for 市, and the other way round is no repair."""
    table, rare = confusion_table(), one_way()
    assert len(rare) > 10_000
    assert all(0x4E00 <= ord(c) <= 0x9FA5 for c in rare)
    for char in rare:
        row = table[char]
        assert 1 <= len(row) <= 3 and all(s >= 0.85 and n not in rare for n, s in row), char
    assert not any(n in rare for row in table.values() for n, _ in row)
    assert visual_neighbours("釆")[0][0] == "采" and visual_neighbours("巿")[0][0] == "市"
    assert "采" in table and "釆" not in dict(table["采"])


# ---------------------------------------------------------------- the component table


def test_component_table_format_header_and_counts():
    text = table_text(COMPONENTS)
    head = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for needle in ("Regenerate: python scripts/build_confusion.py", "jionlp", "Apache-2.0", "One way", "Licence:"):
        assert needle in head, needle
    parts = parse(text, name=COMPONENTS)
    m = re.search(r"Counts: (\d+) rows, (\d+) one-way pairs\.", head)
    assert m and int(m.group(1)) == len(parts) and int(m.group(2)) == sum(map(len, parts.values()))
    visual = visual_table()
    for char, row in parts.items():
        assert char in visual and all(n in visual for n, _ in row), char  # the visual table's character set
        assert not {n for n, _ in row} & {n for n, _ in visual[char]}, char  # only pairs it lacks
        assert row == tuple(sorted(row, key=lambda ns: (-ns[1], ns[0]))), char


@pytest.mark.parametrize("part, whole", ["门们", "水冰", "完院", "小少", "王主", "两俩"])
def test_a_component_lists_the_characters_that_contain_it_one_way(part, whole):
    assert whole in dict(visual_neighbours(part))
    assert part not in dict(visual_neighbours(whole))  # 们 read for 门: not a candidate
    assert whole not in dict(visual_table()[part])  # it comes from the component table


def test_component_rows_are_short_and_skip_radical_shapes():
    parts = parse(table_text(COMPONENTS), name=COMPONENTS)
    assert max(map(len, parts.values())) <= 10
    for part, whole in ("言说", "草花", "金钱", "水法", "手打"):  # drawn as 讠 艹 钅 氵 扌
        assert whole not in dict(parts.get(part, ())), (part, whole)
    module = load_script()
    assert module.drawn_as_variant("言", "言兑", "1") and not module.drawn_as_variant("心", "相心", "2")


def test_merged_keeps_the_visual_score_and_order():
    table = {"门": (("闩", 0.529),)}
    out = merged(table, {"门": (("们", 0.65), ("闩", 0.1))})
    assert out["门"] == (("们", 0.65), ("闩", 0.529))
    assert table == {"门": (("闩", 0.529),)}  # not modified


# ---------------------------------------------------------------- what it finds


@pytest.mark.parametrize("group", LOOK_ALIKES)
def test_look_alikes_are_near_the_top(group):
    for a, b in itertools.permutations(group, 2):
        r = rank(a, b)
        assert r is not None and r < 5, f"{b} is {'absent' if r is None else f'number {r + 1}'} for {a}"


@pytest.mark.parametrize("pair", RADICAL_ONLY)
def test_a_shared_radical_alone_does_not_rank_high(pair):
    for a, b in itertools.permutations(pair):
        r = rank(a, b)
        assert r is None or r >= 5, f"{b} is number {r + 1} for {a}"


def test_traditional_forms_are_covered():
    for _, traditional in ("车車", "见見", "贝貝", "门門", "说說"):
        assert traditional in confusion_table(), traditional
    for a, b in ("貝員", "門鬥", "東束", "書晝", "畫晝"):  # Traditional look-alikes
        r = rank(a, b)
        assert r is not None and r < 5, (a, b)


# ---------------------------------------------------------------- the loader


def test_loader_api():
    assert visual_neighbours("A") == ()
    assert visual_neighbours("，") == ()
    assert visual_neighbours("大", limit=3) == visual_neighbours("大")[:3]
    assert visual_neighbours("大", limit=0) == ()
    assert confusion_table() is confusion_table()  # loaded once
    with pytest.raises(TypeError):
        confusion_table()["大"] = ()  # read-only
    with pytest.raises(ValueError, match="one character"):
        visual_neighbours("")
    with pytest.raises(ValueError, match="limit"):
        visual_neighbours("大", limit=-1)


@pytest.mark.parametrize(
    "bad",
    [
        "土\t士0.98\n",  # no colon
        "土\t士:high\n",  # not a number
        "土地\t士:0.98\n",  # two characters
        "土\t士:0.98\n土\t上:0.92\n",  # repeated row
    ],
)
def test_parse_rejects_malformed_lines(bad):
    with pytest.raises(ValueError, match="line"):
        parse(bad)


# ---------------------------------------------------------------- the build script


def test_script_help_explains():
    module = load_script()
    with pytest.raises(SystemExit) as exc:
        module.main(["--help"])
    assert exc.value.code == 0


def test_script_fails_clearly_without_the_font(monkeypatch, tmp_path, capsys):
    module = load_script()
    monkeypatch.setattr(module, "FONT_DIR", tmp_path / "no-fonts")
    with pytest.raises(SystemExit) as exc:
        module.main(["--out", str(tmp_path / "t.tsv")])
    assert "apt-get install fonts-noto-cjk" in str(exc.value.code)
    assert not (tmp_path / "t.tsv").exists()


def test_script_character_set_covers_the_common_characters():
    module = load_script()
    gb = module.gb2312_level1()
    assert len(gb) == 3755 and len(set(gb)) == 3755
    assert {"啊", "座"} <= set(gb)  # first and last of level 1
    assert set(gb) <= set(confusion_table())


def _fonts_present() -> bool:
    return all((Path("/usr/share/fonts/opentype/noto") / f).exists() for f in ("NotoSerifCJK-Regular.ttc", "NotoSansCJK-Regular.ttc"))


@pytest.mark.skipif(not _fonts_present(), reason="needs apt-get install fonts-noto-cjk")
def test_shipped_scores_are_what_the_script_computes():
    """Render a few characters with the default parameters: the pair scores match the table."""
    module = load_script()
    args = module.parse_args([])
    p = module.Params(
        args.wordfreq_top, tuple(args.faces.split(",")), args.size, args.pad,
        tuple(float(b) for b in args.blur.split(",")), args.top_k, args.hub_k,
        args.threshold, args.candidates, not args.no_same_stroke,
    )  # fmt: skip
    chars = sorted(set("".join(LOOK_ALIKES)))
    feat = module.features(chars, p)
    again = module.features(chars, p)
    assert (feat == again).all()  # rendering is deterministic
    index = {c: i for i, c in enumerate(chars)}
    table = confusion_table()
    checked = 0
    for a, b in itertools.permutations(chars, 2):
        shipped = dict(table[a]).get(b)
        if shipped is not None:
            assert module._rounded(feat[index[a]] @ feat[index[b]]) == shipped, (a, b)
            checked += 1
    assert checked >= 2 * sum(len(g) * (len(g) - 1) // 2 for g in LOOK_ALIKES)
    # a rare character's one-way row: its look-alikes, best first, with their scores
    rare = "釆"
    row = table[rare]
    found = module.rare_rows([rare], module.features([rare], p), [n for n, _ in row] + ["口"], module.features([n for n, _ in row] + ["口"], p), 3, 0.85)
    assert tuple(found[rare]) == row


@pytest.mark.slow
@pytest.mark.skipif(
    not (_fonts_present() and os.environ.get("CLEANER_PYCORRECTOR_WHEEL")),
    reason="full rebuild: needs fonts-noto-cjk and CLEANER_PYCORRECTOR_WHEEL=path of pycorrector-1.1.4-py3-none-any.whl",
)
def test_rebuild_is_byte_identical(tmp_path):
    out = tmp_path / "visual_confusion.tsv"
    components = tmp_path / "component_confusion.tsv"
    args = ["--out", str(out), "--pycorrector-wheel", os.environ["CLEANER_PYCORRECTOR_WHEEL"], "--components-out", str(components)]
    wheel = os.environ.get("CLEANER_JIONLP_WHEEL")
    args += ["--jionlp-wheel", wheel] if wheel else ["--no-components"]
    assert load_script().main(args) == 0
    assert out.read_bytes() == resources.files("cleaner").joinpath("data", TABLE).read_bytes()
    if wheel:
        assert components.read_bytes() == resources.files("cleaner").joinpath("data", COMPONENTS).read_bytes()
