"""``import musframework`` is cheap: the top level loads each subpackage on first use."""

from __future__ import annotations

import ast
import importlib
import pathlib
import subprocess
import sys

import pytest

import musframework as mf

ABOVE_THE_MODEL = [
    "musframework.analytics",
    "musframework.interop",
    "musframework.policy",
    "musframework.rendering",
    "musframework.rules",
    "musframework.serialization",
    "musframework.storage",
    "musframework.templates",
    "musframework.testing",
    "musframework.workflow",
]


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout


def test_importing_the_model_does_not_import_the_layers_above_it():
    out = _run(
        "import musframework.model, sys\n"
        "print(sorted(m for m in sys.modules if m.startswith('musframework.')))\n"
    )
    loaded = set(ast.literal_eval(out))
    assert "musframework.model" in loaded
    assert sorted(loaded & set(ABOVE_THE_MODEL)) == []


def test_importing_the_package_imports_no_subpackage_until_a_name_is_used():
    out = _run(
        "import sys\n"
        "import musframework as mf\n"
        "print('musframework.rendering' in sys.modules, 'musframework.model' in sys.modules)\n"
        "mf.Person(id='p', name='Ane')\n"
        "print('musframework.rendering' in sys.modules, 'musframework.model' in sys.modules)\n"
        "from musframework import render\n"
        "print('musframework.rendering' in sys.modules, render is sys.modules['musframework.rendering'].render)\n"
    )
    assert out.split() == ["False", "False", "False", "True", "True", "True"]


def test_every_public_name_resolves_to_its_home_object():
    for name in mf.__all__:
        value = getattr(mf, name)
        namespace: dict[str, object] = {}
        exec(f"from musframework import {name} as found", namespace)
        assert namespace["found"] is value, name
    home = mf._EXPORTS  # the table the lazy loader reads
    for module, names in home.items():
        for name in names:
            assert getattr(mf, name) is getattr(importlib.import_module(module), name), name


def test_all_and_dir_list_the_public_names():
    exported = {name for names in mf._EXPORTS.values() for name in names}
    subpackages = {name for name in mf.__all__ if name not in exported and name != "__version__"}
    assert set(mf.__all__) == exported | subpackages | {"__version__"}
    assert subpackages <= mf._SUBPACKAGES
    assert set(mf.__all__) <= set(dir(mf))
    assert {"rendering", "analytics", "model"} <= set(dir(mf))
    assert mf.rules.validate is mf.validate


def test_the_type_checking_imports_are_the_lazy_table():
    """The names mypy sees are exactly the names the loader serves (one list, checked)."""
    tree = ast.parse(pathlib.Path(mf.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    imported: dict[str, tuple[str, ...]] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom)
        if node.module != "musframework":  # the subpackages themselves
            imported[node.module] = tuple(a.name for a in node.names)
    assert imported == mf._EXPORTS
    listed = {a.name for node in block.body if node.module == "musframework" for a in node.names}
    exported = {name for names in mf._EXPORTS.values() for name in names}
    assert listed == set(mf.__all__) - exported - {"__version__"}


def test_a_misspelt_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="Persn"):
        mf.Persn  # noqa: B018
