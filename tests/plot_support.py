"""Test support for charts: a clean matplotlib state and image comparison.

``draw`` fixtures give every chart test the Agg backend, matplotlib's default
style and a fixed figure size, and close the figures afterwards.
``check_image`` compares a figure with the committed baseline
``tests/baseline_images/<name>.png`` (RMS tolerance as in matplotlib's own
``compare_images``). A missing baseline fails the test; run once with
``SATMODELS_UPDATE_BASELINES=1`` to write it, look at it, and commit it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BASELINES = Path(__file__).parent / "baseline_images"


@pytest.fixture
def mpl() -> Iterator[None]:
    """Agg backend, default style, no figures left open."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    with (
        matplotlib.style.context("default"),
        matplotlib.rc_context(
            {"figure.figsize": (6.4, 4.8), "savefig.dpi": 72, "svg.hashsalt": "x"}
        ),
    ):
        yield
    plt.close("all")


def check_image(fig: Figure, name: str, tmp_path: Path, *, tol: float = 3.0) -> None:
    """Compare ``fig`` with ``tests/baseline_images/<name>.png``."""
    from matplotlib.testing.compare import compare_images

    actual = tmp_path / f"{name}.png"
    fig.savefig(actual, dpi=72)
    baseline = BASELINES / f"{name}.png"
    if os.environ.get("SATMODELS_UPDATE_BASELINES"):
        BASELINES.mkdir(exist_ok=True)
        baseline.write_bytes(actual.read_bytes())
    if not baseline.exists():
        pytest.fail(f"no baseline image {baseline}; see tests/plot_support.py")
    err = compare_images(str(baseline), str(actual), tol=tol)
    assert err is None, err
