"""The tests' Node.js packages: installed with ``npm ci`` on first use, then run.

tests/surveyjs (the real survey-core), tests/editor (Taplo) and tests/browser (axe-core) each
pin their packages in a lockfile. Without Node.js a test is skipped locally and fails in CI,
where ``.ci/run`` provides it.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
from typing import Any, NoReturn

import pytest


def missing(what: str) -> NoReturn:
    """Skip the test for want of ``what``; in CI (which installs everything) fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


def node_with_packages(folder: pathlib.Path, marker: str, tool: str) -> str:
    """The ``node`` executable, after ``npm ci`` in ``folder`` unless ``folder/marker`` exists."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing(f"Node.js and npm (to run {tool})")
    if not (folder / marker).exists():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=folder,
            check=True,
            capture_output=True,
            timeout=600,
        )
    return node


def run_json(node: str, script: str, folder: pathlib.Path, cases: Any) -> Any:
    """Run ``node script`` in ``folder`` with ``cases`` as JSON on stdin; its JSON answer."""
    proc = subprocess.run(
        [node, script],
        cwd=folder,
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)
