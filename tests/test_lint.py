"""The code checks CI runs through the test command: mypy --strict on the package (the
configuration is in pyproject.toml) and ruff on the package and the tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_strict_is_clean() -> None:
    from mypy import api

    out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                str(ROOT / "milestone_sheets")])
    assert status == 0, out + err


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff") or pytest.fail("ruff is in the test extra but not installed")
    proc = subprocess.run([ruff, "check", "milestone_sheets", "tests"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_type_ignore_without_a_reason() -> None:
    """Each `type: ignore` says why on its line (a comment after it)."""
    bare = []
    for path in (ROOT / "milestone_sheets").rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "type: ignore" in line and "#" not in line.split("type: ignore", 1)[1]:
                bare.append(f"{path.relative_to(ROOT)}:{n}")
    assert not bare, bare
