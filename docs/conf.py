"""Sphinx configuration for the musframework documentation.

Build with ``nox -s docs``: warnings are errors (``-W --keep-going``) and every cross-reference
must resolve (``-n``, nitpicky). The build works offline; see the notes on intersphinx and
mermaid below. ``docs/about-the-docs.md`` explains the choice of Sphinx, MyST and furo.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import musframework  # noqa: E402

# -- Project -----------------------------------------------------------------------------------

project = "musframework"
author = "musframework contributors"
copyright = "2026, musframework contributors"
release = musframework.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinxcontrib.mermaid",
    "mfdocs",  # docs/_ext/mfdocs.py: API pages from __all__, re-export references
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]
language = "en"
nitpicky = True

# -- MyST --------------------------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
# Headings get anchors so that Markdown links such as [glossary](#glossary) work on the site
# exactly as they do when the file is read on GitHub.
myst_heading_anchors = 3

# -- autodoc and napoleon ----------------------------------------------------------------------

autodoc_default_options = {
    "member-order": "bysource",
    "show-inheritance": True,
}
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
autodoc_class_signature = "mixed"
python_use_unqualified_type_names = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True

# -- References to other projects --------------------------------------------------------------
#
# Genuinely unfixable offline: links into the Python, pendulum, attrs, cattrs and hypothesis
# documentation need intersphinx inventories, which are downloaded from those sites, and the
# build has no network. References to those projects' names (``collections.abc.Iterable``,
# ``pendulum.DateTime`` …) are therefore not checked. Only external top-level names are
# ignored: a broken reference to anything in ``musframework`` still fails the build.
# Set MUSFRAMEWORK_DOCS_INTERSPHINX=1 on a build host with network to link them.

_EXTERNAL = sorted(
    {*sys.stdlib_module_names}
    | {
        "attr", "attrs", "cattrs", "docx", "holidays", "hypothesis", "icalendar", "jinja2",
        "matplotlib", "orjson", "pandas", "pendulum", "psycopg", "pytest", "tomli_w", "tqdm",
    }
)  # fmt: skip
nitpick_ignore_regex = [
    ("py:.*", rf"(?:{'|'.join(_EXTERNAL)})(?:\..+)?"),
    # Type aliases are documented as data; autodoc still cross-references them as classes
    # in signatures.
    ("py:class", r"(?:musframework\.rules\.(?:engine\.)?)?CheckFunction"),
]

if os.environ.get("MUSFRAMEWORK_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "attrs": ("https://www.attrs.org/en/stable", None),
        "cattrs": ("https://catt.rs/en/stable", None),
        "hypothesis": ("https://hypothesis.readthedocs.io/en/latest", None),
    }

# -- Mermaid -----------------------------------------------------------------------------------
#
# ``raw`` output writes the diagram source into the page; the browser renders it with
# mermaid.js, loaded from the jsDelivr CDN when the page is viewed. Nothing is fetched while
# building, and no mermaid-cli or headless browser is needed.

mermaid_output_format = "raw"
mermaid_version = "11.12.1"

# -- HTML --------------------------------------------------------------------------------------

html_theme = "furo"
html_title = f"musframework {release}"
html_static_path: list[str] = []
html_theme_options = {
    "source_repository": "https://github.com/musframework/musframework",
    "source_branch": "main",
    "source_directory": "docs/",
}
