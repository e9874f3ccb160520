"""IPA and IPMA maps draw the results' own points, cut points and names."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from plot_support import check_image

import satmodels.plot as splot
from satmodels import InputError, acsi
from satmodels.csi import ipa
from satmodels.datasets import load_sample_survey

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection

    from satmodels._typing import FloatArray
    from satmodels.acsi.index import IPMAResult
    from satmodels.csi import IPAResult

pytestmark = pytest.mark.usefixtures("mpl")

ATTRIBUTES = ["qual1", "qual2", "qual3", "val1", "val2"]


@pytest.fixture(scope="module")
def survey() -> dict[str, Any]:
    data: dict[str, Any] = load_sample_survey()
    return data


@pytest.fixture(scope="module")
def derived(survey: dict[str, Any]) -> IPAResult:
    return ipa(survey, items=ATTRIBUTES, target="overall")


@pytest.fixture(scope="module")
def ipma(survey: dict[str, Any]) -> IPMAResult:
    return acsi.fit(survey, scale=(1, 10)).ipma("LOY")


def _scatter(ax: Axes) -> PathCollection:
    from matplotlib.collections import PathCollection

    found = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(found) == 1
    return found[0]


def _offsets(ax: Axes) -> FloatArray:
    return np.asarray(_scatter(ax).get_offsets(), dtype=np.float64)


def _labels(ax: Axes) -> list[str]:
    from matplotlib.text import Annotation

    return [t.get_text() for t in ax.texts if isinstance(t, Annotation)]


def _hair(ax: Axes) -> tuple[list[float], list[float]]:
    """x of the vertical and y of the horizontal reference lines."""
    vertical, horizontal = [], []
    for line in ax.lines:
        x = np.asarray(line.get_xdata(), dtype=np.float64)
        y = np.asarray(line.get_ydata(), dtype=np.float64)
        if x.size == 2 and x[0] == x[1]:
            vertical.append(float(x[0]))
        if y.size == 2 and y[0] == y[1]:
            horizontal.append(float(y[0]))
    return vertical, horizontal


# ---------------------------------------------------------------------- IPA
def test_ipa_map_points_cross_hairs_and_quadrants(
    derived: IPAResult, tmp_path: Path
) -> None:
    ax = splot.ipa_map(derived)
    np.testing.assert_array_equal(
        _offsets(ax),
        [[derived.performance[a], derived.importance[a]] for a in ATTRIBUTES],
    )
    assert _labels(ax) == ATTRIBUTES
    assert _hair(ax) == ([derived.performance_centre], [derived.importance_centre])
    names = {t.get_text() for t in ax.texts} - set(ATTRIBUTES)
    assert names == {
        "concentrate here",
        "keep up the good work",
        "low priority",
        "possible overkill",
    }
    # every point sits in the quadrant the result names
    left, right = ax.get_xlim()
    assert left < derived.performance_centre < right
    for a in ATTRIBUTES:
        high = derived.importance[a] >= derived.importance_centre
        good = derived.performance[a] >= derived.performance_centre
        corner = {
            (True, False): "concentrate here",
            (True, True): "keep up the good work",
            (False, False): "low priority",
            (False, True): "possible overkill",
        }[(high, good)]
        assert derived.quadrant[a] == corner
    # the performance intervals are the stored t intervals
    from matplotlib.collections import LineCollection

    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    ends = np.array([(s[0][0], s[1][0]) for s in bars[0].get_segments()])
    rows = derived.estimates.select("performance")
    np.testing.assert_allclose(ends[:, 0], rows.ci_low)
    np.testing.assert_allclose(ends[:, 1], rows.ci_high)
    assert derived.plot().get_title() == ax.get_title()
    check_image(ax.figure, "plot_maps_ipa", tmp_path)  # type: ignore[arg-type]


def test_ipa_map_scale_centre_and_stated_importance() -> None:
    x = np.array([[5, 2, 4], [4, 3, 5], [5, 2, 3], [3, 4, 4]], dtype=float)
    r = ipa(
        x,
        columns=["a", "b", "c"],
        importance={"a": 0.2, "b": 0.5, "c": 0.3},
        scale=(1, 5),
        centre="scale",
    )
    ax = r.plot()
    np.testing.assert_array_equal(_offsets(ax), [[4.25, 0.2], [2.75, 0.5], [4.0, 0.3]])
    assert _hair(ax) == ([3.0], [r.importance_centre])
    assert ax.get_ylabel() == "importance: stated"


def test_ipa_map_leaves_out_a_nan_point(derived: IPAResult) -> None:
    est = derived.estimates
    value = est.estimate.copy()
    value[list(est.kind).index("importance") + 2] = np.nan  # qual3's importance
    odd = dataclasses.replace(
        derived, estimates=dataclasses.replace(est, estimate=value)
    )
    ax = splot.ipa_map(odd)
    assert len(_offsets(ax)) == len(ATTRIBUTES) - 1
    assert "qual3" not in _labels(ax)
    assert ax.get_title().endswith("not drawn (no estimate): qual3")


def test_ipa_map_checks_its_inputs(derived: IPAResult, ipma: IPMAResult) -> None:
    with pytest.raises(InputError, match=r"must be an IPAResult\. Got IPMAResult"):
        splot.ipa_map(ipma)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="Cartesian"):
        splot.ipa_map(derived, ax=_polar())


def _polar() -> Axes:
    import matplotlib.pyplot as plt

    return plt.figure().add_subplot(projection="polar")


# --------------------------------------------------------------------- IPMA
def test_ipma_map_latents(ipma: IPMAResult, tmp_path: Path) -> None:
    ax = splot.ipma_map(ipma)
    np.testing.assert_array_equal(
        _offsets(ax), np.column_stack([ipma.importance, ipma.performance])
    )
    assert _labels(ax) == list(ipma.latents)
    mean_x, mean_y = _hair(ax)
    assert mean_x == [pytest.approx(float(np.mean(ipma.importance)), abs=1e-12)]
    assert mean_y == [pytest.approx(float(np.mean(ipma.performance)), abs=1e-12)]
    assert ax.get_xlabel() == "importance (total effect on LOY)"
    assert ax.get_ylabel() == "performance (0-100)"
    check_image(ax.figure, "plot_maps_ipma", tmp_path)  # type: ignore[arg-type]


def test_ipma_map_indicators_nan_and_checks(ipma: IPMAResult) -> None:
    ax = ipma.plot(level="indicator")
    np.testing.assert_array_equal(
        _offsets(ax),
        np.column_stack([ipma.indicator_importance, ipma.indicator_performance]),
    )
    assert _labels(ax) == list(ipma.indicators)
    perf = ipma.performance.copy()
    perf[0] = math.nan
    ax = splot.ipma_map(dataclasses.replace(ipma, performance=perf))
    assert len(_offsets(ax)) == len(ipma.latents) - 1
    assert ax.get_title().endswith(f"not drawn (no estimate): {ipma.latents[0]}")
    mean_x, _ = _hair(ax)
    assert mean_x == [pytest.approx(float(np.mean(ipma.importance[1:])), abs=1e-12)]
    with pytest.raises(InputError, match=r"'level' parameter .* Got 'item'"):
        ipma.plot(level="item")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="must be an IPMAResult"):
        splot.ipma_map("LOY")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="Cartesian"):
        splot.ipma_map(ipma, ax=_polar())
