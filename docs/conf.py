"""Sphinx configuration of the satmodels documentation.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build/html``: the
MyST pages are the guide, ``docs/api/`` the reference generated from the
docstrings (autosummary + numpydoc), and ``docs/tutorials/`` MyST notebooks
executed at build time (myst-nb), so every printed number is current.
"""

from __future__ import annotations

import importlib
import os
import sys

from sphinx.application import Sphinx
from sphinx.errors import PycodeError
from sphinx.pycode import ModuleAnalyzer

import satmodels

project = "satmodels"
author = "satmodels developers"
copyright = "2026, satmodels developers"
version = release = satmodels.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}

# --- MyST: the guide pages are Markdown with $...$ and $$...$$ math --------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# --- myst-nb: tutorials run on every build; an error fails the build -------
# NB_EXECUTION_MODE=off skips them while editing the API pages.
nb_execution_mode = os.environ.get("NB_EXECUTION_MODE", "force")
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# --- API reference ---------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # numpydoc's Parameters section gives the types
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_validation_checks: set[str] = set()

# --- HTML ------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"satmodels {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False


# --- Constants: their ``#:`` comments live in private submodules ------------
_VALUE_CHARS = 300


def _constant_doc(qualname: str) -> list[str]:
    """Return the ``#:`` comment of a public constant, wherever it is defined."""
    modname, _, name = qualname.rpartition(".")
    obj = getattr(importlib.import_module(modname), name)
    for other in sorted(m for m in sys.modules if m.startswith(modname)):
        module = sys.modules[other]
        if getattr(module, name, None) is not obj:
            continue
        try:
            attr_docs = ModuleAnalyzer.for_module(other).find_attr_docs()
        except PycodeError:
            continue
        if ("", name) in attr_docs:
            return list(attr_docs["", name])
    return []


def _document_constant(  # noqa: PLR0917 - the signature Sphinx calls
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: object,
    lines: list[str],
) -> None:
    """Give a constant its own comment (not its type's docstring) and value."""
    del app, options
    if what != "data" or not name.startswith("satmodels."):
        return
    lines[:] = _constant_doc(name)  # an instance's __doc__ is its type's
    value = repr(obj)
    if len(value) <= _VALUE_CHARS:
        lines += ["", f"Value: ``{value}``"]


def setup(app: Sphinx) -> None:
    """Register the constant-documenting hook before numpydoc's."""
    app.connect("autodoc-process-docstring", _document_constant, priority=400)
