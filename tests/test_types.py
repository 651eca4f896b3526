"""The package type-checks: full type hints are house style (py.typed ships).

mypy's version is pinned in the ``test`` extra, so that a new release's
stricter checks do not fail CI on unchanged code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parent.parent


def test_package_type_checks(tmp_path: Path) -> None:
    out, err, rc = mypy_api.run(
        [str(ROOT / "cleaner"), "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "mypy")]
    )
    assert rc == 0, out + err
