"""The README's "In pipelines" examples run as written (doctest), in a fresh folder."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"\n## {title}\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end >= 0 else len(readme)]


def _examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", _section("In pipelines"), flags=re.S)


def test_the_section_has_the_three_examples() -> None:
    blocks = _examples()
    assert len(blocks) == 3
    assert "clean_records" in blocks[0] and "CleanerStep" in blocks[1] and "clean_batch" in blocks[2]


def test_the_examples_run_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("datatrove")
    pytest.importorskip("datasets")
    monkeypatch.chdir(tmp_path)
    parser = doctest.DocTestParser()
    test = parser.get_doctest("\n".join(_examples()), {}, "README: In pipelines", str(ROOT / "README.md"), 0)
    assert len(test.examples) >= 20
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0 and result.attempted == len(test.examples)
