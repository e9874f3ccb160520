"""Charts of satmodels.sqi and satmodels.tracking: values read back from the
artists, one image comparison per chart (tests/plot_support.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from plot_support import check_image

import satmodels.plot as splot
from satmodels import InputError, csi, sqi, tracking
from satmodels.datasets import SQI_SEVERITY, make_daily_failures

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D

pytestmark = pytest.mark.usefixtures("mpl")

TABLE_9_1 = [
    9.45,
    7.99,
    9.29,
    11.66,
    12.16,
    10.18,
    8.04,
    11.46,
    9.20,
    10.34,
    9.03,
    11.47,
    10.51,
    9.40,
    10.08,
    9.37,
    10.62,
    10.31,
    8.52,
    10.84,
    10.90,
    9.33,
    12.29,
    11.50,
    10.60,
    11.08,
    10.38,
    11.62,
    11.31,
    10.52,
]  # fmt: skip  (Montgomery 2009, Table 9.1)


def _y(line: Line2D) -> np.ndarray:
    return np.asarray(line.get_ydata(), dtype=np.float64)


def _x(line: Line2D) -> np.ndarray:
    return np.asarray(line.get_xdata(), dtype=np.float64)


def _error_ends(ax: Axes) -> list[tuple[float, float]]:
    from matplotlib.collections import LineCollection

    out = []
    for coll in ax.collections:
        if isinstance(coll, LineCollection):
            out += [(float(s[0][1]), float(s[1][1])) for s in coll.get_segments()]
    return out


@pytest.fixture(scope="module")
def year_result() -> sqi.SQIResult:
    year = make_daily_failures(60, rng=5, special_cause=(30, 3, 6.0))
    return sqi.index(
        year.data, severity=SQI_SEVERITY, opportunities="deliveries", period="day"
    )


def test_pareto_draws_contributions_largest_first(
    year_result: sqi.SQIResult, tmp_path: Path
) -> None:
    ax = splot.sqi_pareto(year_result)
    con = year_result.estimates.select("contribution")
    order = np.argsort(-con.estimate, kind="stable")
    heights = [float(p.get_height()) for p in ax.patches]  # type: ignore[attr-defined]
    np.testing.assert_array_equal(heights, con.estimate[order])
    assert [t.get_text() for t in ax.get_xticklabels()] == [con.name[i] for i in order]
    ends = _error_ends(ax)
    np.testing.assert_allclose([e[0] for e in ends], con.ci_low[order], rtol=1e-12)
    np.testing.assert_allclose([e[1] for e in ends], con.ci_high[order], rtol=1e-12)
    cumulative = _y(ax.figure.axes[-1].lines[0])
    np.testing.assert_allclose(
        cumulative, 100 * np.cumsum(con.estimate[order]) / con.estimate.sum()
    )
    assert cumulative[-1] == pytest.approx(100.0)
    check_image(ax.figure, "plot_sqi_pareto", tmp_path)  # type: ignore[arg-type]
    assert year_result.plot().patches  # the result's own plot


def test_series_draws_each_period(year_result: sqi.SQIResult, tmp_path: Path) -> None:
    ax = year_result.plot(kind="series")
    np.testing.assert_array_equal(_y(ax.lines[0]), year_result.series)
    assert _y(ax.lines[1])[0] == year_result.sqi
    check_image(ax.figure, "plot_sqi_series", tmp_path)  # type: ignore[arg-type]


def test_control_chart_draws_limits_and_signals(tmp_path: Path) -> None:
    res = sqi.ewma({"x": TABLE_9_1}, center=10.0, sigma=1.0)
    ax = res.plot()
    np.testing.assert_array_equal(_y(ax.lines[0]), res.statistic)
    np.testing.assert_array_equal(_y(ax.lines[1]), np.full(30, 10.0))
    np.testing.assert_array_equal(_y(ax.lines[2]), res.ucl)
    np.testing.assert_array_equal(_y(ax.lines[3]), res.lcl)
    np.testing.assert_array_equal(_x(ax.lines[4]), [28.0, 29.0])  # periods 29, 30
    assert "2 period(s) out of control" in ax.get_title()
    check_image(ax.figure, "plot_sqi_ewma", tmp_path)  # type: ignore[arg-type]
    u = sqi.u_chart({"c": [2.0, 3.0, 1.0, 12.0]})
    uax = splot.control_chart(u)
    np.testing.assert_array_equal(_x(uax.lines[4]), [3.0])
    assert uax.get_title().startswith("u-chart")


def test_wave_chart_is_trend_plus_limits(tmp_path: Path) -> None:
    waves = {
        "Q1": csi.nps([9.0, 10, 3, 8, 9, 6, 10, 9]),
        "Q2": csi.nps([9.0, 10, 7, 8, 10, 9, 2, 9]),
        "Q3": csi.nps([9.0, 4, 3, 8, 9, 6, 10, 1]),
    }
    res = tracking.waves(waves)
    ax = res.plot()
    trend = splot.trend(waves)
    np.testing.assert_array_equal(_y(ax.lines[0]), _y(trend.lines[0]))
    np.testing.assert_array_equal(
        ax.collections[0].get_paths()[0].vertices,
        trend.collections[0].get_paths()[0].vertices,
    )
    np.testing.assert_array_equal(_y(ax.lines[1]), np.full(3, res.center))
    np.testing.assert_array_equal(_y(ax.lines[2]), np.full(3, res.ucl))
    np.testing.assert_array_equal(_y(ax.lines[3]), np.full(3, res.lcl))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Q1", "Q2", "Q3"]
    check_image(ax.figure, "plot_tracking_waves", tmp_path)  # type: ignore[arg-type]


def test_trend_draws_sqi_waves_by_the_shared_headline_rule() -> None:
    a, b = sqi.index({"c": [1.0, 2.0, 3.0]}), sqi.index({"c": [4.0, 5.0, 6.0]})
    ax = splot.trend([a, b])  # type: ignore[list-item]
    np.testing.assert_array_equal(_y(ax.lines[0]), [2.0, 5.0])
    assert ax.get_ylabel().startswith("SQI")


def test_charts_refuse_other_results() -> None:
    nps = csi.nps([9.0, 10, 3])
    for chart in (splot.sqi_pareto, splot.sqi_series, splot.control_chart):
        with pytest.raises(InputError, match="result"):
            chart(nps)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="WavesResult"):
        splot.wave_chart(nps)  # type: ignore[arg-type]
