"""The shared chart helpers: lazy import, axes checks, stars, error bars."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import satmodels.plot as splot
from satmodels import InputError
from satmodels.plot._core import error_bars, new_axes


def test_import_satmodels_does_not_import_matplotlib() -> None:
    code = "import sys, satmodels, satmodels.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"satmodels\[plot\]"):
        splot.require_matplotlib("satmodels.plot.radar")


def test_unknown_chart_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_chart"):
        _ = splot.no_such_chart


@pytest.mark.usefixtures("mpl")
def test_new_axes_checks_the_projection() -> None:
    ax = new_axes(None, where="f")
    assert ax.name == "rectilinear"
    polar = new_axes(None, where="f", polar=True)
    assert polar.name == "polar"
    assert new_axes(ax, where="f") is ax
    with pytest.raises(InputError, match="'ax' parameter of f must be a polar"):
        new_axes(ax, where="f", polar=True)
    with pytest.raises(InputError, match="Cartesian"):
        new_axes(polar, where="f")
    with pytest.raises(InputError, match="Got str"):
        new_axes("ax", where="f")  # type: ignore[arg-type]


def test_stars_and_error_bars() -> None:
    assert [splot.stars(p) for p in (0.0005, 0.005, 0.03, 0.2, float("nan"))] == [
        "***",
        "**",
        "*",
        "",
        "",
    ]
    e = error_bars([1.0, 2.0], [0.5, float("nan")], [1.25, 3.0])
    np.testing.assert_array_equal(e, [[0.5, 0.0], [0.25, 1.0]])
