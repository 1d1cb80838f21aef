"""Local Sphinx extension for the musframework documentation.

Three jobs, each small:

* **API pages from ``__all__``.** On every build, one page per public subpackage or module of
  :mod:`musframework` is written to ``reference/api/`` (git-ignored). A page documents the
  package's ``__all__`` and, for each public submodule, the names of its ``__all__`` that the
  package does not re-export. A new subpackage therefore appears in the reference without
  anyone editing the docs, and every public name is documented exactly once.
* **References to re-exported names.** Docstrings and signatures name objects by the path a
  reader knows (``musframework.Finding``), by their defining module
  (``musframework.model.findings.Finding``), or unqualified (``NotFoundError``). A
  ``missing-reference`` handler resolves each to the one place the object is documented,
  by object identity, and an attrs field mentioned as ``:attr:`name``` to its class. What is
  still unresolved after that is a real broken reference and fails the nitpicky build.
* **Napoleon and property docstrings.** Google-style napoleon reads the first line of an
  attribute or property docstring as ``type: description``. This project types attributes by
  annotation and writes sentences such as "Done or cancelled: nothing more to do", which
  napoleon would turn into a bogus type. Attribute, data and property docstrings are passed
  to napoleon as ordinary docstrings instead.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
import re
import types
from pathlib import Path
from typing import Any, TypeVar

import attrs
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.ext.napoleon import _process_docstring as _napoleon_process_docstring
from sphinx.util import logging

logger = logging.getLogger(__name__)

PACKAGE = "musframework"
API_DIR = Path("reference") / "api"


# --------------------------------------------------------------------------- API pages


def _public_all(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        logger.warning("%s has no __all__: its public names cannot be documented", module.__name__)
        return []
    return [n for n in names if not n.startswith("_")]


def _public_submodules(package: types.ModuleType) -> list[types.ModuleType]:
    if not hasattr(package, "__path__"):
        return []
    found = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        found.append(importlib.import_module(info.name))
    return found


_REST_ROLE = re.compile(r":(?:py:)?(\w+):`([^`]+)`")


def _first_line(obj: Any) -> str:
    """The docstring's first line, as MyST (reST roles and literals converted)."""
    doc = (inspect.getdoc(obj) or "").strip()
    line = doc.splitlines()[0] if doc else ""
    line = line.replace("``", "`")
    return _REST_ROLE.sub(lambda m: f"{{py:{m.group(1)}}}`{m.group(2)}`", line)


def _api_page(module: types.ModuleType) -> str:
    documented = {id(getattr(module, n)) for n in _public_all(module)}
    lines = [
        f"# `{module.__name__}`",
        "",
        "```{eval-rst}",
        f".. automodule:: {module.__name__}",
        "   :members:",
        "```",
        "",
    ]
    for sub in _public_submodules(module):
        extra = [n for n in _public_all(sub) if id(getattr(sub, n)) not in documented]
        if not extra:
            continue
        documented.update(id(getattr(sub, n)) for n in extra)
        short = sub.__name__.rsplit(".", 1)[1]
        if short in _public_all(module) and getattr(module, short) is not sub:
            # The package has a public name spelt like this submodule (the function
            # serialization.converter() and the module serialization/converter.py): describe
            # the submodule's members without a module entry that would clash with it.
            directives = [f".. py:currentmodule:: {sub.__name__}", ""]
            for name in extra:
                obj = getattr(sub, name)
                kind = (
                    "autoclass"
                    if inspect.isclass(obj)
                    else "autofunction"
                    if callable(obj)
                    else "autodata"
                )
                directives += [f".. {kind}:: {name}", ""]
            lines += [f"## `{sub.__name__}`", "", "```{eval-rst}", *directives, "```", ""]
            continue
        lines += [
            f"## `{sub.__name__}`",
            "",
            "```{eval-rst}",
            f".. automodule:: {sub.__name__}",
            f"   :members: {', '.join(extra)}",
            "```",
            "",
        ]
    return "\n".join(lines)


def _toplevel_table(package: types.ModuleType) -> str:
    rows = ["| name | summary |", "|---|---|"]
    for name in _public_all(package):
        obj = getattr(package, name)
        if isinstance(obj, types.ModuleType):
            rows.append(f"| {{py:mod}}`{obj.__name__}` | {_first_line(obj)} |")
        elif isinstance(obj, str):
            rows.append(f"| `{name}` | `{obj!r}` |")
        else:
            summary = _first_line(obj).replace("|", "\\|")
            rows.append(f"| {{py:obj}}`~{PACKAGE}.{name}` | {summary} |")
    return "\n".join(rows) + "\n"


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def generate_api_pages(app: Sphinx) -> None:
    """Write ``reference/api/<module>.md`` for each public module, and the name table."""
    package = importlib.import_module(PACKAGE)
    out = Path(app.srcdir) / API_DIR
    wanted = set()
    for info in pkgutil.iter_modules(package.__path__, PACKAGE + "."):
        if info.name.rsplit(".", 1)[1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        page = out / f"{info.name.rsplit('.', 1)[1]}.md"
        wanted.add(page.name)
        _write_if_changed(page, _api_page(module))
    _write_if_changed(out / "toplevel.inc", _toplevel_table(package))
    wanted.add("toplevel.inc")
    for stale in out.iterdir():
        if stale.name not in wanted:
            stale.unlink()


# --------------------------------------------------------------------------- references


def _import(dotted: str) -> Any:
    """The object at ``dotted`` (a module path followed by attributes), or ``None``."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _documented_by_identity(env: BuildEnvironment) -> dict[int, str]:
    """Map ``id(object)`` to the name it is documented under.

    Built on the first missing reference, after every page has been read (references are
    resolved in the write phase), and kept on the application, not in the pickled environment.
    """
    cache: dict[int, str] | None = getattr(env.app, "_mfdocs_by_id", None)
    if cache is None:
        cache = {}
        for name, entry in sorted(env.get_domain("py").objects.items()):
            if entry.aliased or not name.startswith(PACKAGE + "."):
                continue
            obj = _import(name)
            if obj is not None and not isinstance(obj, str | int | float | bool):
                cache.setdefault(id(obj), name)
        env.app._mfdocs_by_id = cache  # type: ignore[attr-defined]
    return cache


def _unique_suffix_match(env: BuildEnvironment, target: str) -> str | None:
    objects = env.get_domain("py").objects
    matches = {
        (objects[name].docname, objects[name].node_id)
        for name in objects
        if name.startswith(PACKAGE + ".") and name.endswith("." + target)
    }
    if len(matches) != 1:
        return None
    docname, node_id = matches.pop()
    return next(
        name
        for name, entry in objects.items()
        if (entry.docname, entry.node_id) == (docname, node_id) and not entry.aliased
    )


def _has_field(cls: type, name: str) -> bool:
    """Whether ``name`` is an attrs field or an annotated attribute of ``cls``."""
    if attrs.has(cls) and name in attrs.fields_dict(cls):
        return True
    return any(name in getattr(base, "__annotations__", {}) for base in cls.__mro__)


def resolve_missing(
    app: Sphinx, env: BuildEnvironment, node: nodes.Element, contnode: nodes.Element
) -> nodes.Element | None:
    """Resolve a Python reference to where its object is documented, if it is."""
    if node.get("refdomain") != "py":
        return None
    target: str = node["reftarget"]
    reftype: str = node["reftype"]
    candidates: list[str] = []

    obj = _import(target) if target.startswith(PACKAGE + ".") else None
    if obj is not None:
        if isinstance(obj, TypeVar) or any(p.startswith("_") for p in target.split(".")):
            # Type variables and private base classes are shown in signatures but have no
            # page of their own: render them as plain text.
            return contnode
        name = _documented_by_identity(env).get(id(obj))
        if name:
            candidates.append(name)
        else:  # a class member read through the class (bound classmethods are new objects)
            parent, _, attr = target.rpartition(".")
            owner_name = _documented_by_identity(env).get(id(_import(parent)))
            if owner_name:
                candidates.append(f"{owner_name}.{attr}")
    if "." not in target:
        name = _unique_suffix_match(env, target)
        if name:
            candidates.append(name)
        owner = _import(f"{node.get('py:module')}.{node.get('py:class')}")
        if isinstance(owner, type) and _has_field(owner, target):
            candidates.append(f"{owner.__module__}.{owner.__qualname__}")
            reftype = "obj"

    domain = env.get_domain("py")
    for name in candidates:
        for typ in (reftype, "obj"):
            found = domain.resolve_xref(env, node["refdoc"], app.builder, typ, name, node, contnode)
            if found is not None:
                return found
    return None


# --------------------------------------------------------------------------- napoleon


def _process_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    if what in {"attribute", "data", "property"}:
        what = "method"
    _napoleon_process_docstring(app, what, name, obj, options, lines)


def _drop_object_base(app: Sphinx, name: str, obj: Any, options: Any, bases: list[type]) -> None:
    """``Bases: object`` says nothing; show bases only when there is a real one."""
    bases[:] = [b for b in bases if b is not object]


def _keep_enum_members(
    app: Sphinx, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    """Document every enum member: they are public values even without a docstring."""
    if what == "class" and isinstance(obj, enum.Enum):
        return False
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handlers (napoleon must be loaded first)."""
    app.setup_extension("sphinx.ext.napoleon")
    for listener in list(app.events.listeners["autodoc-process-docstring"]):
        if listener.handler is _napoleon_process_docstring:
            app.disconnect(listener.id)
    app.connect("autodoc-process-docstring", _process_docstring)
    app.connect("autodoc-process-bases", _drop_object_base)
    app.connect("autodoc-skip-member", _keep_enum_members)
    app.connect("builder-inited", generate_api_pages)
    app.connect("missing-reference", resolve_missing)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
