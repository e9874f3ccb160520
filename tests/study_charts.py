"""Stand-in charts for the study report tests while satmodels.plot is written.

``standin(monkeypatch)`` replaces the lookup of ``satmodels.plot.<chart>``
in the HTML writer by a simple chart of the result's estimates, so the page,
its figures and the browser checks are tested today; the tests marked
``needs_chart_modules`` run the real charts once their modules exist (the
lead removes that marker when the plot branches are merged).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from satmodels.study import _html

CHART_MODULES = ("_csi", "_ratio", "_maps", "_kano", "_servqual", "_path")


def _have_chart_modules() -> bool:
    return all(
        importlib.util.find_spec(f"satmodels.plot.{m}") is not None
        for m in CHART_MODULES
    )


#: Remove once the plot branches are merged (every chart module exists).
needs_chart_modules = pytest.mark.skipif(
    not _have_chart_modules(),
    reason="satmodels.plot chart modules are not merged yet (plotcsi/plotmodels)",
)


def _standin(name: str) -> Callable[..., Any]:
    def draw(result: Any, *, ax: Any) -> Any:
        est = np.asarray(result.estimates.estimate, dtype=float)
        y = np.nan_to_num(est[:8])
        if name == "radar":
            ax.plot(np.linspace(0, 2 * np.pi, y.size), y, marker="o")
        else:
            ax.bar(np.arange(y.size), y, color="C0")
        ax.set_title(f"stand-in for {name}")
        return ax

    return draw


def standin(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Patch the HTML writer's chart lookup; return the list of charts asked."""
    asked: list[str] = []

    def chart(name: str) -> Callable[..., Any]:
        asked.append(name)
        return _standin(name)

    monkeypatch.setattr(_html, "_chart", chart)
    return asked
