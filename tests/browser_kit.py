"""A real Chromium for the tests: Playwright for Python driving Debian's ``chromium``.

Browsers are never downloaded: ``.ci/run`` installs Debian's ``chromium`` package and the tests
launch it by its path (``MUSFRAMEWORK_CHROMIUM`` overrides ``/usr/bin/chromium``). In CI (``CI``
set) a missing browser is a failure; locally the browser tests are skipped only when Chromium
or Playwright is not installed.

* :func:`launch` starts a headless Chromium with the flags this closed network needs.
* :func:`axe_violations` runs axe-core (``tests/browser/node_modules``) in a page and returns
  the serious and critical violations.
* :func:`screenshot` writes a PNG into ``test-output/screenshots/`` (a folder a reviewer opens).
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import shutil
from collections.abc import Iterator
from typing import Any

from tests.node_kit import missing

ROOT = pathlib.Path(__file__).parent.parent
SCREENSHOTS = ROOT / "test-output" / "screenshots"
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # else it dials Google's hosts, refused here
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """The Chromium to drive, or ``None`` when none is installed."""
    wanted = os.environ.get("MUSFRAMEWORK_CHROMIUM")
    if wanted:
        return wanted
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


_missing = missing  # skip locally, fail in CI (tests/node_kit.py)


@contextlib.contextmanager
def launch() -> Iterator[Any]:
    """A headless Chromium (a Playwright ``Browser``), closed afterwards."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python")
    path = chromium_path()
    if path is None:
        _missing("Chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Any, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """The axe-core violations of ``page`` with one of ``impacts`` (rule id, impact, targets)."""
    if not AXE.is_file():
        _missing("axe-core (npm ci in tests/browser)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
    violations = json.loads(result)["violations"]
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in violations
        if v["impact"] in impacts
    ]


def screenshot(page: Any, name: str, *, full_page: bool = True) -> pathlib.Path:
    """Write a screenshot of ``page`` to ``test-output/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
