"""The Ray engine without Ray: importing it does not import Ray, it says what
to install, the command's usage errors, and the per-record step both engines
share.  Byte ranges and unit ids: test_io.py; bucket pairs per block:
tests/dedup/test_phases.py; connected components by star rounds:
tests/dedup/test_components.py; parity on Ray: tests/dedup/test_ray_parity.py.

(No ``__init__.py`` in this folder: a package ``ray`` under ``tests/`` would
shadow Ray itself for the test packages that put ``tests/`` on ``sys.path``.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import make_config
from cleaner.records import read_jsonl, report_rows
from cleaner.runner import Stats, clean_documents, clean_lines

A = "图书馆今年完成了老馆改造，新增阅览座位三百个，加快老旧管网改造，延长了周末的开放时间。"
B = "新建的体育公园占地约八十亩,总投资约三亿元,设有足球场、篮球场和环形跑道,年底前开放。"


def run_py(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def test_importing_cleaner_does_not_import_ray():
    p = run_py(
        "import importlib, pkgutil, sys, cleaner, cleaner.cli, cleaner.commands.dedup, cleaner.commands.learn, cleaner.ray\n"
        "names = [m.name for m in pkgutil.iter_modules(cleaner.ray.__path__)]\n"
        "assert {'session', 'io', 'clean', 'dedup', 'learn'} <= set(names), names\n"
        "for name in names: importlib.import_module('cleaner.ray.' + name)\n"
        "print(sorted(m for m in sys.modules if m == 'ray' or m.startswith(('ray.', 'pyarrow'))))"
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


def test_without_ray_the_engine_says_what_to_install(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": A}, ensure_ascii=False) + "\n", encoding="utf-8")
    p = run_py(
        "import sys; sys.modules['ray'] = None\n"  # as if Ray were not installed
        "from cleaner import ray as ray_engine\n"
        "try:\n    ray_engine.init()\nexcept ImportError as e:\n    print(e)\n"
        "from cleaner.cli import main\n"
        f"sys.exit(main(['clean', '--engine', 'ray', '--jsonl', {str(src)!r}]))"
    )
    assert p.returncode == 2
    assert "pip install 'cleaner[ray]'" in p.stdout
    assert "pip install 'cleaner[ray]'" in p.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["clean", "--id-field", "id"],
        ["dedup", "--id-field", "id"],
        ["dedup", "--drop-empty"],
        ["dedup", "--id-field", "id", "--drop-empty"],
    ],
)
def test_id_field_and_drop_empty_pass_the_ray_engine_usage_checks(tmp_path, args):
    """The Ray engine does them (parity: tests/dedup/test_ray_parity.py): with
    Ray missing, the only usage error left is the missing Ray."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": 1, "text": A}, ensure_ascii=False) + "\n", encoding="utf-8")
    p = run_py(
        "import sys; sys.modules['ray'] = None\n"
        "from cleaner.cli import main\n"
        f"sys.exit(main({[*args, '--engine', 'ray', '--jsonl', str(src)]!r}))"
    )
    assert p.returncode == 2
    assert "--engine ray: the Ray engine needs the extra: pip install 'cleaner[ray]'" in p.stderr, p.stderr
    assert "local only" not in p.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["clean", "--ray-address", "auto", "--jsonl", "IN"],
        ["clean", "--engine", "ray", "IN"],  # a text file
        ["clean", "--engine", "ray", "--jsonl", "-"],
        ["dedup", "--engine", "ray", "--jsonl", "IN", "--index", "seen.db"],
        ["dedup", "--ray-address", "auto", "--jsonl", "IN"],
    ],
)
def test_engine_usage_errors_exit_2(tmp_path, args, capsys):
    from cleaner.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": A}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main([str(src) if a == "IN" else a for a in args]) == 2
    assert "cleaner: error:" in capsys.readouterr().err


# -- the per-record step both engines share ------------------------------------------


def _records(tmp_path: Path) -> list[bytes]:
    rows = [{"id": i, "text": t} for i, t in enumerate([A, B, f"{B}\n\n{B}", "", "ＡＢＣ，测试"])]
    lines = [(json.dumps(r, ensure_ascii=False) + "\n").encode() for r in rows]
    return lines[:2] + [b"\n", b'{"id": 9}\n', b"[1, 2]\n", b'{"text": "\\ud800 x"}\n'] + lines[2:]


@pytest.mark.parametrize("jobs", [1, 2])
def test_clean_lines_writes_what_the_document_path_wrote(tmp_path, jobs):
    """The rows, report rows and counts of :func:`clean_line` are those the
    command wrote before the engines shared it (documents, then rendering)."""
    config = make_config()
    raw = _records(tmp_path)
    lines = list(clean_lines((("in.jsonl", i, r) for i, r in enumerate(raw, 1)), config, jobs=jobs, batch_lines=2))
    good = [d for d in read_jsonl(raw, "in.jsonl", "text") if not hasattr(d, "reason")]
    bad = [d for d in read_jsonl(raw, "in.jsonl", "text") if hasattr(d, "reason")]
    expected = list(clean_documents(good, config))
    assert [c.line for c in lines] == [1, 2, 4, 5, 6, 7, 8, 9]
    assert [c.output for c in lines if not c.bad] == [r.output_line() for r in expected]
    assert [c.report for c in lines if not c.bad] == [report_rows(r) for r in expected]
    assert [(c.line, c.bad) for c in lines if c.bad] == [(b.line, b.reason) for b in bad]
    old, new = Stats(), Stats()
    for r in expected:
        old.add(r)
    for c in lines:
        if not c.bad:
            new.add_line(c)
    assert new == old and old.edits  # something was edited
    assert any("dedup" in c.rules for c in lines) and old.dropped_paragraphs == 1
