"""Editor support: the JSON Schema ships with the package and the TOML files point at it.

The built-in forms start with ``#:schema ./questionnaire.schema.json``, the directive Taplo
reads (Taplo is the TOML engine of the "Even Better TOML" extension for VS Code and of other
editors' TOML language servers). These tests run the real Taplo (``@taplo/cli`` from npm, in
tests/editor) on the built-ins and on a file with a mistake: what it reports is what the
editor underlines.
"""

import json
import os
import pathlib
import subprocess
import sys
from importlib import resources

import pytest

import musframework as mf
from musframework.serialization.schema import questionnaire_schema_text
from tests.node_kit import node_with_packages

HERE = pathlib.Path(__file__).parent / "editor"
DATA = resources.files("musframework.templates") / "data"


def test_the_schema_ships_in_the_package_and_equals_the_generated_one():
    shipped = (DATA / "questionnaire.schema.json").read_text(encoding="utf-8")
    assert shipped == questionnaire_schema_text(), (
        "regenerate src/musframework/templates/data/questionnaire.schema.json with "
        "musframework.serialization.schema.questionnaire_schema_text()"
    )
    assert mf.templates.schema_text() == shipped


def test_every_built_in_toml_file_names_the_schema_beside_it():
    for name in mf.templates.names():
        first = mf.templates.text(name).splitlines()[0]
        assert first == "#:schema ./questionnaire.schema.json", name


@pytest.fixture(scope="module")
def taplo() -> pathlib.Path:
    node_with_packages(HERE, "node_modules/.bin/taplo", "Taplo")
    return HERE / "node_modules" / ".bin" / "taplo"


def _check(taplo: pathlib.Path, *files: pathlib.Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RUST_LOG": "error", "NO_COLOR": "1"}
    return subprocess.run(
        [str(taplo), "check", "--no-auto-config", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


@pytest.mark.node
def test_taplo_finds_the_schema_of_every_built_in_and_accepts_it(taplo, tmp_path):
    files = []
    for name in mf.templates.names():
        path = tmp_path / f"{name}.toml"
        path.write_text(mf.templates.text(name), encoding="utf-8")
        files.append(path)
    (tmp_path / "questionnaire.schema.json").write_text(
        mf.templates.schema_text(), encoding="utf-8"
    )
    proc = _check(taplo, *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.node
def test_taplo_underlines_a_mistake_where_the_author_made_it(taplo, tmp_path):
    # Start the way the how-to does: copy a built-in with the command line.
    subprocess.run(
        [sys.executable, "-m", "musframework", "copy", "mus-standard", "mine.toml"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    path = tmp_path / "mine.toml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    index = lines.index('type = "yes_no"')
    lines[index] = 'type = "yes_or_no"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = _check(taplo, path)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert f"mine.toml:{index + 1}:8" in output
    assert '"yes_or_no" is not one of' in output
    # The schema beside the copy is the one the library generates.
    schema = json.loads((tmp_path / "questionnaire.schema.json").read_text(encoding="utf-8"))
    assert schema == json.loads(questionnaire_schema_text())
