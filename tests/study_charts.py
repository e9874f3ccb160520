"""Stand-in charts for the study report tests of the page itself.

``standin(monkeypatch)`` replaces the lookup of ``satmodels.plot.<chart>``
in the HTML writer by a simple chart of the result's estimates, so the
page's structure (and the check that catches a blank figure) is tested
apart from the real charts, which the other tests draw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from satmodels.study import _html


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
