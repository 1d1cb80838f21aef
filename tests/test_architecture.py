"""The architecture as tests: who may import whom."""

from __future__ import annotations

import ast
import pathlib
import re
from collections.abc import Iterator
from typing import NamedTuple

import musframework as mf

# ---------------------------------------------------------------------------------- imports
#
# Every module under src/musframework is read with ast (nothing is imported), and each of its
# imports is checked against two rules:
#
# * Privacy. An underscore module is private to the package that contains it:
#   ``musframework.rendering._display`` to ``musframework.rendering``, and the top-level
#   ``musframework._registry``, ``musframework._sharing`` and ``musframework._version`` to
#   ``musframework`` as a whole
#   (the package's shared private helpers, never imported by users). An underscore name is
#   private to the subpackage (or top-level module) that defines it. Attribute access through
#   an imported module (``serialization._dump_json``) counts like an import.
# * Layers. A module imports only its own unit (subpackage or top-level module) and units on
#   lower floors (LAYERS below; docs/architecture.md shows the same table). Imports under
#   ``if TYPE_CHECKING:`` are for annotations only and never run, so the layer rule skips
#   them; the privacy rule does not.

SRC = pathlib.Path(mf.__file__).parent
ROOT = "musframework"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("_registry", "_sharing", "_version"),  # floor 1: registries, equal values shared, version
    ("catalogue",),  # floor 1: the words (keeps its catalogues in a registry)
    ("errors",),  # floor 1: the error hierarchy (its messages come from the words)
    ("clock", "progress"),  # floor 1: time, batch helpers
    ("model",),  # floor 2: the models and the facts derived from them
    ("signing",),  # floor 2b: proofs of signatures and redactions (on the model only)
    ("interop", "policy", "rules", "serialization", "workflow"),  # floor 3
    ("analytics", "rendering", "storage", "templates"),  # floor 4
    ("services",),  # floor 5: the use cases and notifications
    ("web",),  # floor 6: HTTP over the services (every route calls a use case)
    ("cli",),  # floor 7: the form author's command line
    ("__main__",),  # floor 8: python -m musframework runs the command line
    ("testing",),  # beside the top floors: may import anything public
    (ROOT,),  # the package itself: re-exports names from every floor
)
# Imports that go up a floor. Each must sit inside a function (it runs only after both modules
# are loaded, so it is no import cycle) and give its reason here; the test fails on an entry
# that no longer occurs, so the list cannot rot.
UPWARD: dict[tuple[str, str], str] = {
    ("musframework._registry", "musframework.catalogue"): (
        "a registry's error message comes from the catalogue, which is itself built on a "
        "Registry: imported when the error is raised"
    ),
    ("musframework._registry", "musframework.errors"): (
        "RegistryError, for the same reason (the errors are built on the catalogue)"
    ),
}
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def _module_names() -> dict[str, pathlib.Path]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = [ROOT, *path.relative_to(SRC).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _module_names()


def _unit(module: str) -> str:
    """The subpackage or top-level module ``module`` belongs to (``musframework`` for itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def _inside(importer: str, scope: str) -> bool:
    return importer == scope or importer.startswith(scope + ".")


class Reach(NamedTuple):
    """One use of another module: ``module`` itself, or ``name`` from it."""

    importer: str
    module: str
    name: str | None
    line: int
    typing_only: bool
    in_function: bool = False


def _is_type_checking(test: ast.expr) -> bool:
    return ast.unparse(test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def _reaches(importer: str, path: pathlib.Path) -> Iterator[Reach]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    typing_lines: set[int] = set()
    function_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for inner in node.body:
                typing_lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function_lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    bound: dict[str, str] = {}  # local name -> the musframework module it is bound to
    for node in ast.walk(tree):
        typing_only = getattr(node, "lineno", 0) in typing_lines
        inside = getattr(node, "lineno", 0) in function_lines
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != ROOT:
                    continue
                yield Reach(importer, alias.name, None, node.lineno, typing_only, inside)
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    bound[ROOT] = ROOT
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            if source.split(".")[0] != ROOT:
                continue
            for alias in node.names:
                if f"{source}.{alias.name}" in MODULES:  # a submodule
                    yield Reach(
                        importer, f"{source}.{alias.name}", None, node.lineno, typing_only, inside
                    )
                    bound[alias.asname or alias.name] = f"{source}.{alias.name}"
                else:
                    yield Reach(importer, source, alias.name, node.lineno, typing_only, inside)
    for node in ast.walk(tree):  # module.attribute, through a name bound to one of ours
        if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)):
            continue
        chain: list[str] = []
        value: ast.expr = node
        while isinstance(value, ast.Attribute):
            chain.append(value.attr)
            value = value.value
        if not (isinstance(value, ast.Name) and value.id in bound) or value.id in _shadowed(tree):
            continue
        module = bound[value.id]
        for attr in reversed(chain):
            if f"{module}.{attr}" in MODULES:
                module = f"{module}.{attr}"
                continue
            yield Reach(
                importer,
                module,
                attr,
                node.lineno,
                node.lineno in typing_lines,
                node.lineno in function_lines,
            )
            break


def _shadowed(tree: ast.Module) -> set[str]:
    """Names assigned in the module as well (then ``name.attr`` need not be a module's)."""
    return {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def _all_reaches() -> list[Reach]:
    return [reach for module, path in MODULES.items() for reach in _reaches(module, path)]


def _privacy_violation(reach: Reach) -> str | None:
    parts = reach.module.split(".")
    for i, part in enumerate(parts[1:], start=1):
        scope = ".".join(parts[:i])
        if _private(part) and not _inside(reach.importer, scope):
            return f"imports {reach.module}, private to {scope}"
    if reach.name is not None and _private(reach.name):
        unit = _unit(reach.module)
        scope = ROOT if unit == ROOT else f"{ROOT}.{unit}"
        if not _inside(reach.importer, scope):
            return f"uses {reach.module}.{reach.name}, private to {scope}"
    return None


def test_no_module_imports_another_subpackages_private_module_or_name():
    problems = sorted(
        f"{r.importer}:{r.line} {problem}"
        for r in _all_reaches()
        if (problem := _privacy_violation(r)) is not None
    )
    assert problems == []


def test_the_privacy_check_sees_each_kind_of_reach(tmp_path, monkeypatch):
    """The walker itself: each way of reaching a private thing is found, legal ones are not."""
    code = (
        "from musframework.rendering import _display\n"
        "from musframework.rendering._display import repr_html\n"
        "import musframework.rendering._display as shown\n"
        "from musframework.model.questions import _QUESTION_TYPES\n"
        "from musframework import serialization\n"
        "serialization._dump_json({})\n"
        "from musframework._registry import Registry\n"
        "from musframework.model.questions import question_types\n"
    )
    path = tmp_path / "probe.py"
    path.write_text(code, encoding="utf-8")
    found = [
        (r.line, problem)
        for r in _reaches("musframework.storage.probe", path)
        if (problem := _privacy_violation(r)) is not None
    ]
    assert [line for line, _ in found] == [1, 2, 3, 4, 6]
    inside = [
        r
        for r in _reaches("musframework.rendering.probe", path)
        if _privacy_violation(r) is not None
    ]
    assert [r.line for r in inside] == [4, 6]  # rendering's own private module is its own


def test_every_unit_has_a_floor():
    units = {_unit(module) for module in MODULES}
    assert sorted(units - set(RANK)) == [], "place each new subpackage in LAYERS and the docs"


def test_no_layer_imports_a_higher_or_sideways_one():
    problems = []
    excused = set()
    for r in _all_reaches():
        if r.typing_only:
            continue
        source, target = _unit(r.importer), _unit(r.module)
        if source == target or RANK[target] < RANK[source]:
            continue
        key = (r.importer, f"{ROOT}.{target}")
        if key in UPWARD and r.in_function:
            excused.add(key)
            continue
        problems.append(f"{r.importer}:{r.line} ({source}) imports {r.module} ({target})")
    assert sorted(problems) == []
    assert excused == set(UPWARD), "an UPWARD entry no longer occurs: remove it"


def test_the_layer_check_sees_an_upward_import(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text("def f():\n    from musframework.rendering import render\n", encoding="utf-8")
    (reach,) = _reaches("musframework.model.probe", path)
    assert (_unit(reach.importer), _unit(reach.module)) == ("model", "rendering")
    assert not RANK["rendering"] < RANK["model"]


def test_the_architecture_page_shows_the_same_layers():
    page = (pathlib.Path(__file__).parents[1] / "docs" / "architecture.md").read_text("utf-8")
    section = page.split("## What each layer may import", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    shown = [tuple(re.findall(r"`([\w.]+)`", row.split("|")[2])) for row in rows[1:]]
    expected = [tuple(f"{ROOT}.{u}" if u != ROOT else ROOT for u in units) for units in LAYERS]
    assert shown == expected


# What the web layer takes from below the services: words, errors, the models' types, the
# acting person, JSON, and a store per thread. Every use case it runs is a services call
# (no workflow step, rendering or SurveyJS translation of its own), so every route is the
# services' policy-checked path.
WEB_MAY_USE: dict[str, set[str] | None] = {
    "musframework.services": None,  # anything
    "musframework.catalogue": {"Message", "translate"},
    "musframework.errors": None,
    "musframework.model": {"Conversation", "Finding"},
    "musframework.policy": {"Viewer"},
    "musframework.serialization": {"to_dict"},
    "musframework.storage": {"Store", "open"},
}


def test_the_web_layer_calls_only_the_services() -> None:
    wrong = []
    for r in _all_reaches():
        if _unit(r.importer) != "web" or _unit(r.module) == "web":
            continue
        allowed = WEB_MAY_USE.get(r.module, set())
        if allowed is not None and (r.name is None or r.name not in allowed):
            wrong.append(f"{r.importer}:{r.line} uses {r.module}.{r.name or '*'}")
    assert wrong == []
    assert any(_unit(r.importer) == "web" for r in _all_reaches())
