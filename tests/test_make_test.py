"""`make test` runs the frontend's type check and unit tests through `make frontend-test`; where
npm is missing that step says so loudly, and fails under CI instead of passing without them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def frontend_test_without_npm(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`make frontend-test` with a PATH that has `find` (the Makefile lists the frontend's
    sources with it) but no npm; the recipes' shell is named in full (/bin/bash)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    find = shutil.which("find")
    assert find is not None
    (bin_dir / "find").symlink_to(find)
    return subprocess.run(
        [str(MAKE), "--no-print-directory", "-C", str(ROOT), "frontend-test"],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_npm_the_frontend_tests_are_announced_as_not_run(tmp_path):
    result = frontend_test_without_npm(tmp_path)

    assert result.returncode == 0, result.stderr
    assert "WARNING: npm not found" in result.stderr
    assert "did NOT run" in result.stderr


def test_without_npm_under_ci_the_run_fails(tmp_path):
    result = frontend_test_without_npm(tmp_path, CI="true")

    assert result.returncode != 0
    assert "did NOT run" in result.stderr
    assert "CI=true: failing" in result.stderr
