"""``cleaner review``'s page in a real headless browser: Chromium, driven by Playwright.

Skips, saying why, when Playwright (``pip install '.[review-test]'``) or a
Chromium binary (Debian: ``apt-get install chromium``; or
``$CLEANER_CHROMIUM``) is not here: Playwright's own browser downloads are
not used.  ``CLEANER_REVIEW_PNG=docs/review.png`` saves the screenshot of
the sample's page (the one in the README).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner.cli import main
from cleaner.edits import Edit
from cleaner.review import cluster_entry, document_entry, from_explanation, page_data, render_page
from tests.conftest import SAMPLES

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install '.[review-test]')", exc_type=ImportError
)
Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed (pip install '.[review-test]')", exc_type=ImportError)

VIEWPORT = {"width": 1280, "height": 900}
HOSTILE = '</script><img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'


def chromium() -> str:
    """The Chromium binary to drive, or skip."""
    named = os.environ.get("CLEANER_CHROMIUM")
    if named:
        if not os.access(named, os.X_OK):
            pytest.skip(f"$CLEANER_CHROMIUM={named} is not an executable")
        return named
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium binary (Debian: apt-get install chromium; or set $CLEANER_CHROMIUM)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium()
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path)
        yield b
        b.close()


@pytest.fixture(scope="module")
def corpus_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A page of 122 changed documents (the sample, 120 small ones, a hostile
    one), 8 unchanged ones and 2 dedup clusters."""
    text = (SAMPLES / "yibin-2021-12.txt").read_text(encoding="utf-8")
    docs = [from_explanation("samples/yibin-2021-12.txt", text, cleaner.explain(text))]
    for i in range(128):
        body = f"第{i}号文件,内容要求各部门认真落实。" if i % 16 else f"第{i}号文件，内容干净。"
        r = cleaner.explain(body, only=["width", "whitespace"])
        docs.append(from_explanation(f"corpus.jsonl:{i + 1}", body, r))
    docs.append(document_entry(HOSTILE, HOSTILE, [Edit("width", 0, 2, "</", "<<")], []))
    paragraphs = {"a.txt": ["甲公司今年的销售收入比去年增长了百分之二十。"], "b.txt": ["乙方：", "甲公司今年的销售收入比去年增长了百分之二十！"]}
    clusters = [
        cluster_entry(
            {"cluster": 0, "kept": {"document": "a.txt", "paragraph": 0},
             "members": [{"document": "a.txt", "paragraph": 0, "score": 100.0}, {"document": "b.txt", "paragraph": 1, "score": 97.3}],
             "pairs": [[0, 1, 97.3]]},
            lambda d, p: paragraphs[d][p or 0],
        ),
        cluster_entry(
            {"cluster": 1, "kept": {"document": HOSTILE, "paragraph": None},
             "members": [{"document": HOSTILE, "paragraph": None, "score": 100.0}, {"document": "c.txt", "paragraph": None, "score": 91.0}],
             "pairs": []},
            lambda d, p: HOSTILE,
        ),
    ]
    data = page_data(docs, clusters, title="浏览器测试", page_size=50)
    path = tmp_path_factory.mktemp("review") / "page.html"
    path.write_text(render_page(data, chunk=40), encoding="utf-8")  # pages that straddle the data chunks
    return path, data


class Opened:
    """A page opened from its file, with every request and error it made."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport=VIEWPORT)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready='1']", timeout=30_000)

    def count(self, selector: str) -> int:
        return int(self.page.locator(selector).count())

    def texts(self, selector: str) -> list[str]:
        return [str(t) for t in self.page.locator(selector).all_inner_texts()]


@pytest.fixture()
def opened(browser: Any, corpus_page: tuple[Path, dict[str, Any]]) -> Iterator[Opened]:
    o = Opened(browser, corpus_page[0])
    yield o
    o.page.close()


def test_page_renders_documents_and_makes_no_request(opened: Opened, corpus_page: tuple[Path, dict[str, Any]]) -> None:
    _, data = corpus_page
    changed = [d for d in data["documents"] if d["edits"] or d["suggestions"]]
    assert opened.count("section.doc") == 50
    assert opened.texts("section.doc h2")[0].startswith("samples/yibin-2021-12.txt")
    assert opened.count("section.doc >> nth=0 >> .text .edit") == len(data["documents"][0]["edits"])
    assert "documents 1–50 of 122" in opened.texts("#doc-pager .where")[0] and len(changed) == 122
    assert opened.texts("#summary")[0].startswith("130 documents, 122 with changes")
    assert opened.requests == [opened.url]  # the file itself, nothing else
    assert opened.errors == []
    assert opened.page.evaluate("window.pwned") is None and opened.count("img") == 0


def test_rule_filter_hides_and_shows_edits(opened: Opened, corpus_page: tuple[Path, dict[str, Any]]) -> None:
    _, data = corpus_page

    def width_only(docs: list[dict[str, Any]]) -> int:
        return sum(1 for d in docs for e in d["edits"] if e["rule"] == "width")

    sample = data["documents"][0]
    changed = [d for d in data["documents"] if d["edits"] or d["suggestions"]]
    assert opened.count('.text .edit[data-rule="width"]') == width_only(changed[:50]) > 50
    opened.page.uncheck('#rules input[data-rule="width"]')
    assert opened.count('.text .edit[data-rule="width"]') == 0
    # documents whose only changes are width's leave the list: the sample stays, with its other edits
    assert opened.count("section.doc") == 1
    assert opened.count(".text .edit") == len(sample["edits"]) - width_only([sample]) > 0
    assert opened.count('.text .off[data-rule="width"]') == width_only([sample])  # drawn as the input text
    opened.page.uncheck("#changed-only")
    assert opened.count("section.doc") == 50 and opened.count('.text .edit[data-rule="width"]') == 0
    opened.page.check('#rules input[data-rule="width"]')
    assert opened.count('.text .edit[data-rule="width"]') == width_only(data["documents"][:50])
    opened.page.click("#rules-none")
    assert opened.count(".text .edit") == 0 and opened.count("section.doc") == 50
    opened.page.click("#rules-all")
    assert opened.count(".text .edit") == sum(len(d["edits"]) for d in data["documents"][:50])


def test_paging_and_search(opened: Opened, corpus_page: tuple[Path, dict[str, Any]]) -> None:
    _, data = corpus_page
    changed = [d["id"] for d in data["documents"] if d["edits"] or d["suggestions"]]
    opened.page.click("#doc-pager .next")
    ids = [t.split("\n")[0] for t in opened.texts("section.doc h2")]
    assert len(ids) == 50 and ids[0].startswith(changed[50]) and "documents 51–100 of 122" in opened.texts("#doc-pager .where")[0]
    opened.page.click("#doc-pager .next")
    assert opened.count("section.doc") == 22 and opened.page.is_disabled("#doc-pager .next")
    opened.page.click("#doc-pager .prev")
    assert opened.count("section.doc") == 50
    opened.page.fill("#search", "jsonl:77")
    assert [t.split("\n")[0] for t in opened.texts("section.doc h2")] == [t for t in changed if "jsonl:77" in t][:1] and opened.count("section.doc") == 1
    opened.page.fill("#search", "</script>")
    hostile = opened.page.locator("section.doc")
    assert hostile.count() == 1 and HOSTILE in hostile.inner_text()
    assert opened.page.evaluate("window.pwned") is None and opened.count("img") == 0


def test_dedup_view_shows_members_side_by_side(opened: Opened) -> None:
    opened.page.click("#tab-clusters")
    assert opened.page.is_hidden("#docs-view") and opened.count("section.cluster") == 2
    first = opened.page.locator("section.cluster").first
    members = first.locator(".member")
    assert members.count() == 2
    assert "kept" in members.nth(0).inner_text() and "甲公司今年的销售收入比去年增长了百分之二十。" in members.nth(0).inner_text()
    assert "similarity 97.3" in members.nth(1).inner_text() and "b.txt · paragraph 1" in members.nth(1).inner_text()
    boxes = [members.nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"]  # side by side
    assert opened.page.evaluate("window.pwned") is None and opened.count("img") == 0


def pixel_stats(png: Path) -> dict[str, float]:
    """Share of near-white pixels, grey-level spread, and the share of pixels
    in the colours of a deletion and an insertion."""
    img = Image.open(png).convert("RGB")
    raw = img.tobytes()
    pixels = list(zip(raw[0::3], raw[1::3], raw[2::3]))
    n = len(pixels)

    def near(c: tuple[int, int, int], ref: tuple[int, int, int]) -> bool:
        return sum(abs(a - b) for a, b in zip(c, ref)) <= 12

    grey = [(r * 299 + g * 587 + b * 114) // 1000 for r, g, b in pixels]
    mean = sum(grey) / n
    return {
        "width": img.width,
        "height": img.height,
        "white": sum(1 for v in grey if v >= 245) / n,
        "spread": (sum((v - mean) ** 2 for v in grey) / n) ** 0.5,
        "deleted": sum(1 for c in pixels if near(c, (0xFD, 0xE2, 0xE1))) / n,
        "inserted": sum(1 for c in pixels if near(c, (0xDC, 0xF5, 0xE3))) / n,
    }


def test_screenshot_of_the_sample(browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page_path = tmp_path / "yibin.html"
    monkeypatch.chdir(SAMPLES.parent)  # the page names the sample as the README's command does
    assert main(["review", "-q", "-j", "1", "samples/yibin-2021-12.txt", "-o", str(page_path)]) == 0
    o = Opened(browser, page_path)
    try:
        png = tmp_path / "review.png"
        o.page.screenshot(path=str(png))
        assert o.requests == [o.url] and o.errors == []
    finally:
        o.page.close()
    stats = pixel_stats(png)
    print(stats)
    assert (stats["width"], stats["height"]) == (VIEWPORT["width"], VIEWPORT["height"])
    assert 0.4 < stats["white"] < 0.97, stats  # a page, not a blank or a dark screen
    assert stats["spread"] > 20, stats  # text drawn
    assert stats["deleted"] > 0.0005 and stats["inserted"] > 0.0005, stats  # edits highlighted
    target = os.environ.get("CLEANER_REVIEW_PNG")
    if target:
        shutil.copyfile(png, target)
