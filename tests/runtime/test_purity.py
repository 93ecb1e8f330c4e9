"""The runtime never pulls in Django, Celery, Channels or the builder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, pkgutil, sys
import runtime
failed = []
for mod in pkgutil.walk_packages(runtime.__path__, "runtime."):
    try:
        importlib.import_module(mod.name)
    except Exception as exc:
        failed.append(f"{mod.name}: {exc!r}")
framework = {"django", "celery", "channels", "builder", "rest_framework"}
forbidden = sorted(m for m in sys.modules if m.split(".")[0] in framework)
print("FORBIDDEN", forbidden)
print("FAILED", failed)
"""


def test_importing_every_runtime_module_loads_no_web_stack():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "FORBIDDEN []" in out.stdout, out.stdout
    assert "FAILED []" in out.stdout, out.stdout
