"""The API reference lists every public name of the namespaces it documents.

``docs/api/<module>.rst`` is written by hand (grouped into functions,
classes and constants); a name added to a module's ``__all__`` without a
line there would be missing from the site, and Sphinx would not notice.
The site itself (tutorials executed, warnings as errors) is built by
``.ci/run``.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api"
# documented once, at its home (satmodels.Estimates on the results page)
ELSEWHERE = {("satmodels.servqual", "Estimates")}
PAGES = sorted(
    p.stem for p in API.glob("*.rst") if p.stem not in {"index", "satmodels"}
)


def listed(page: str) -> set[str]:
    text = (API / f"{page}.rst").read_text(encoding="utf-8")
    return set(re.findall(r"^   ~?([A-Za-z_][\w.]*)\s*$", text, re.M))


def _importable(module: object, name: str) -> bool:
    """False for a lazy name whose module is not there yet (a branch to merge)."""
    try:
        getattr(module, name)
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("page", PAGES)
def test_api_page_lists_every_public_name(page: str) -> None:
    module = importlib.import_module(f"satmodels.{page}")
    names = {
        n
        for n in module.__all__
        if (module.__name__, n) not in ELSEWHERE and _importable(module, n)
    }
    missing = names - {name.rpartition(".")[2] for name in listed(page)}
    assert not missing, f"docs/api/{page}.rst does not list {sorted(missing)}"


def test_every_public_module_has_an_api_page() -> None:
    # the command line, the demo report and the engine back ends are not API
    internal = {"cli", "demo", "engines"}
    modules = {
        p.stem if p.is_file() else p.name
        for p in (ROOT / "src" / "satmodels").iterdir()
        if not p.name.startswith("_") and (p.suffix == ".py" or p.is_dir())
    }
    assert modules - internal - set(PAGES) == set()


def test_every_api_page_is_in_the_index() -> None:
    index = (API / "index.rst").read_text(encoding="utf-8")
    assert all(re.search(rf"^   {page}$", index, re.M) for page in PAGES)
    assert len(PAGES) >= 14
