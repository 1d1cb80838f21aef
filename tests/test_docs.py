"""The documentation's code runs as written: README and docs code blocks, and doctests."""

import contextlib
import doctest
import importlib
import io
import pathlib
import pkgutil
import re

import pytest

import musframework

ROOT = pathlib.Path(__file__).parent.parent
BLOCK = re.compile(r"```python\n(.*?)```(?:\n\nprints\n\n```text\n(.*?)```)?", re.S)
DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs" / "howto").glob("*.md")),
]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_markdown_code_blocks_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for code, expected in BLOCK.findall(path.read_text(encoding="utf-8")):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(path), "exec"), namespace)
        if expected:
            assert out.getvalue() == expected


def _modules():
    for info in pkgutil.walk_packages(musframework.__path__, "musframework."):
        try:
            yield importlib.import_module(info.name)
        except ImportError:
            continue


@pytest.mark.parametrize("module", [musframework, *_modules()], ids=lambda m: m.__name__)
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
