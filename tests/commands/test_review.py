"""``cleaner review`` reads inputs as ``cleaner clean`` does (issue 15.2:
folders with ``--glob``, compressed files, Parquet) and takes ``--config
FILE`` like clean and dedup (issue 15.4)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleaner.cli import main
from tests.test_review import embedded

from .test_config import parse

DIRTY = "今天,我们去公园。\n"  # a half-width comma between Chinese: the width rule changes it


def page(path: Path) -> dict:
    return embedded(path.read_text(encoding="utf-8"))


def test_a_folder_is_read_recursively_with_glob(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "2021").mkdir(parents=True)
    (corpus / "a.txt").write_text(DIRTY, encoding="utf-8")
    (corpus / "2021" / "b.txt.gz").write_bytes(gzip.compress("干净的文本。\n".encode()))
    (corpus / "2021" / "c.md").write_text(DIRTY, encoding="utf-8")
    out = tmp_path / "page.html"
    assert main(["review", "-q", "-j", "1", str(corpus), "--glob", "*.txt*", "-o", str(out)]) == 0
    data = page(out)
    assert [d["id"] for d in data["documents"]] == [str(corpus / "2021" / "b.txt.gz"), str(corpus / "a.txt")]
    assert data["summary"]["changed"] == 1 and data["rules"]["width"]["edits"] == 1
    assert main(["review", "-q", "-j", "1", str(corpus), "-o", str(out)]) == 0
    assert len(page(out)["documents"]) == 3


def test_a_folder_without_a_matching_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(DIRTY, encoding="utf-8")
    out = tmp_path / "page.html"
    assert main(["review", str(tmp_path / "corpus"), "--glob", "*.jsonl", "-o", str(out)]) == 1
    assert "no file in this folder whose name matches '*.jsonl'" in capsys.readouterr().err and not out.exists()


def test_a_bad_record_in_a_folder_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "corpus").mkdir()
    bad = tmp_path / "corpus" / "a.jsonl"
    bad.write_text(json.dumps({"text": DIRTY}, ensure_ascii=False) + "\n{oops\n", encoding="utf-8")
    out = tmp_path / "page.html"
    assert main(["review", "--jsonl", str(tmp_path / "corpus"), "-o", str(out)]) == 1
    assert f"{bad}: line 2: invalid JSON" in capsys.readouterr().err and not out.exists()


def test_parquet_inputs_show_the_field_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "t.parquet"
    pq.write_table(pa.table({"url": ["u1", "u2"], "body": [DIRTY, "干净的文本。"]}), src)
    out = tmp_path / "page.html"
    assert main(["review", "-q", "-j", "1", "--field", "body", "--id-field", "url", str(src), "-o", str(out)]) == 0
    data = page(out)
    assert [d["id"] for d in data["documents"]] == ["u1", "u2"] and data["rules"]["width"]["edits"] == 1
    assert main(["review", str(src), "-o", str(out)]) == 1  # no column 'text'
    assert str(src) in capsys.readouterr().err


# -- --config ---------------------------------------------------------------------


def test_config_file_sets_review_options_and_flags_win(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text('disable = ["width"]\n[review]\ncontext = "all"\npage-size = 7\n[clean]\njobs = 1\n', encoding="utf-8")
    r = parse("review", "--config", str(f), "x", "-o", "p.html")
    assert (r.disable, r.context, r.page_size, r.jobs) == ("width", "all", 7, 0)
    assert parse("review", "--config", str(f), "--page-size", "3", "x", "-o", "p.html").page_size == 3


def test_review_cleans_with_the_rule_options_of_the_file(tmp_path: Path) -> None:
    src, out = tmp_path / "in.txt", tmp_path / "page.html"
    src.write_text(DIRTY, encoding="utf-8")
    f = tmp_path / "c.toml"
    f.write_text('disable = ["width"]\n[review]\npage-size = 7\nquiet = true\n', encoding="utf-8")
    assert main(["review", "-j", "1", str(src), "-o", str(out)]) == 0
    assert page(out)["rules"]["width"]["edits"] == 1
    assert main(["review", "--config", str(f), "-j", "1", str(src), "-o", str(out)]) == 0
    data = page(out)
    assert "width" not in data["rules"] or data["rules"]["width"]["edits"] == 0
    assert data["page_size"] == 7


def test_the_file_rule_options_do_not_refuse_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file `cleaner config --show` wrote sets every rule option; showing a
    report with it works, while a rule flag on the command line is still refused."""
    src, report, out = tmp_path / "in.txt", tmp_path / "r.jsonl", tmp_path / "page.html"
    src.write_text(DIRTY, encoding="utf-8")
    assert main(["clean", "-q", "-j", "1", str(src), "-o", str(tmp_path / "o.txt"), "--report", str(report)]) == 0
    assert main(["config", "--show"]) == 0
    f = tmp_path / "all.toml"
    f.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["review", "-q", "--config", str(f), str(src), "--report", str(report), "-o", str(out)]) == 0
    assert page(out)["rules"]["width"]["edits"] == 1
    assert main(["review", "--config", str(f), "--only", "width", str(src), "--report", str(report), "-o", str(tmp_path / "x.html")]) == 2
    assert "rule options apply" in capsys.readouterr().err and not (tmp_path / "x.html").exists()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[review]\npage-size = "7"\n', "c.toml: [review] page-size: must be a whole number, not '7'"),
        ('[review]\nkeep = "last"\n', "c.toml: [review] keep: must be one of first, longest, not 'last'"),
        ('[review]\nlevel = "document"\n', "c.toml: [review] unknown key 'level'"),
        ('[review]\ncontext = "wide"\n', "--context takes a number of characters or 'all', not 'wide'"),
    ],
)
def test_bad_review_tables_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, message: str) -> None:
    f, src, out = tmp_path / "c.toml", tmp_path / "in.txt", tmp_path / "page.html"
    f.write_text(toml, encoding="utf-8")
    src.write_text(DIRTY, encoding="utf-8")
    assert main(["review", "--config", str(f), str(src), "-o", str(out)]) == 2
    assert message.replace("c.toml", str(f)) in capsys.readouterr().err and not out.exists()


def test_the_readme_example_configures_review(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "c.toml").write_text(block, encoding="utf-8")
    r = parse("review", "--config", str(tmp_path / "c.toml"), "x", "-o", "p.html")
    assert (r.page_size, r.context, r.dedup_threshold, r.disable) == (100, "all", 85.0, None)  # [clean]'s disable is clean's


def test_top_level_paths_of_clean_do_not_reach_review(tmp_path: Path) -> None:
    """A top-level ``output``/``report`` is a file clean writes; review would
    write its page over clean's output and read clean's report, so review
    takes those keys only from its own table."""
    src = tmp_path / "in.txt"
    src.write_text(DIRTY, encoding="utf-8")
    cleaned, edits, page_path = tmp_path / "clean.txt", tmp_path / "edits.jsonl", tmp_path / "page.html"
    f = tmp_path / "c.toml"
    f.write_text(f'output = "{cleaned}"\nreport = "{edits}"\nquiet = true\n', encoding="utf-8")
    assert main(["clean", "--config", str(f), "-j", "1", str(src)]) == 0
    before = cleaned.read_bytes()
    r = parse("review", "--config", str(f), str(src), "-o", str(page_path))
    assert (r.output, r.report, r.quiet) == (str(page_path), None, True)
    assert main(["review", "--config", str(f), "-j", "1", str(src), "-o", str(page_path)]) == 0
    assert cleaned.read_bytes() == before and page_path.exists()
    f.write_text(f'output = "{cleaned}"\n[review]\noutput = "{page_path}"\n', encoding="utf-8")
    assert parse("review", "--config", str(f), str(src)).output == str(page_path)
