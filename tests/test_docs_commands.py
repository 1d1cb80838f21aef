"""The command lines in the docs run as written (``console`` blocks), in the order of the page.

A ``console`` block holds ``$ python -m musframework ...`` lines, each followed by what it
prints. A ``toml`` block after an ``<!-- append: FILE -->`` comment is what the reader adds to
the end of FILE. Each page runs in a temporary directory of its own, in English.
"""

import os
import pathlib
import re
import shlex
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parent.parent
DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs" / "howto").glob("*.md")),
]
STEP = re.compile(r"(?:<!-- append: (\S+) -->\n\n```toml\n(.*?)```)|(?:```console\n(.*?)```)", re.S)
PAGES = [p for p in DOCS if "```console" in p.read_text(encoding="utf-8")]


def _commands(block: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` for each ``$`` line of a console block."""
    found: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        else:
            assert found, f"output before any command: {line!r}"
            found[-1][1].append(line)
    return [(command, "".join(o + "\n" for o in out)) for command, out in found]


def test_the_walk_through_has_commands():
    assert ROOT / "docs" / "howto" / "adapt-a-questionnaire.md" in PAGES


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_console_blocks_run_and_print_what_the_page_says(page, tmp_path):
    env = {**os.environ, "MUSFRAMEWORK_LANG": "en"}
    steps = 0
    for target, addition, console in STEP.findall(page.read_text(encoding="utf-8")):
        steps += 1
        if target:
            path = tmp_path / target
            before = path.read_text(encoding="utf-8")
            separator = "\n" if addition.startswith("[") else ""
            path.write_text(before + separator + addition, encoding="utf-8")
            continue
        for command, expected in _commands(console):
            words = shlex.split(command)
            assert words[:3] == ["python", "-m", "musframework"], command
            proc = subprocess.run(
                [sys.executable, *words[1:]],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert proc.stderr == "", command
            assert proc.stdout == expected, command
            assert proc.returncode in (0, 1), command
    assert steps > 0
