"""CSI, NPS/CSAT/CES and c = b/a charts draw the results' own numbers.

Every test reads the numbers back from the artists (line y-data, bar
heights, error-bar ends, band vertices, tick labels) and compares them with
the result's fields; one image comparison per chart guards the look.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from plot_support import check_image

import satmodels.plot as splot
from satmodels import InputError, SatmodelsWarning, satisfaction_ratio
from satmodels.csi import (
    CSITree,
    CSMResult,
    aggregate,
    ces,
    csat,
    csi_index,
    csm,
    nps,
)
from satmodels.datasets import load_sample_survey

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    from matplotlib.path import Path as Path_

    from satmodels._typing import FloatArray
    from satmodels.csi import CSIResult, NPSResult
    from satmodels.ratio import RatioResult

pytestmark = pytest.mark.usefixtures("mpl")

TREE = {
    "scale": {"kind": "likert", "minimum": 1, "maximum": 10},
    "root": {
        "name": "CSI",
        "children": [
            {"name": "quality", "children": [{"name": "qual1"}, {"name": "qual2"}]},
            {"name": "value", "children": [{"name": "val1"}, {"name": "val2"}]},
            {"name": "satisfaction", "children": [{"name": "sat1"}, {"name": "sat2"}]},
            {"name": "loyalty", "children": [{"name": "loy1"}, {"name": "loy2"}]},
        ],
    },
}
CAR_ITEMS = ["price", "comfort", "safety", "service"]


@pytest.fixture(scope="module")
def survey() -> dict[str, Any]:
    data: dict[str, Any] = load_sample_survey()
    return data


@pytest.fixture(scope="module")
def csi(survey: dict[str, Any]) -> CSIResult:
    return csi_index(
        survey, tree=CSITree.from_dict(TREE), weights="weight", segments="segment"
    )


@pytest.fixture(scope="module")
def promoters(survey: dict[str, Any]) -> NPSResult:
    return nps(survey, items="nps", weights="weight", segments="segment")


@pytest.fixture(scope="module")
def ratio(survey: dict[str, Any]) -> RatioResult:
    return satisfaction_ratio(
        survey,
        perceived=[f"sq_p{i}" for i in range(1, 5)],
        expected=[f"sq_e{i}" for i in range(1, 5)],
        thresholds={
            "sq_p1": (0.8, 0.95, 1.05, 1.2),
            "sq_p2": (0.85, 0.9, 1.1, 1.15),
            "sq_p3": (0.8, 0.95, 1.05, 1.2),
            "sq_p4": (0.8, 0.95, 1.05, 1.2),
            "overall": (0.8, 0.95, 1.05, 1.2),
        },
    )


def _brands() -> dict[str, CSMResult]:
    """Three car brands scored on the CSM seven-level scale (hand data)."""
    a = np.array([[30, 0, -30, 30], [60, 30, 0, 30], [30, 60, 30, 0]])
    b = np.array([[60, 30, 30, 60], [30, 30, 60, 30], [90, 60, 30, 30]])
    c = np.array([[0, -30, -60, 0], [-30, 0, -30, 30], [30, 0, 0, -30]])
    return {k: csm(v, columns=CAR_ITEMS) for k, v in zip("ABC", (a, b, c), strict=True)}


def _with_nan_item() -> CSMResult:
    x = np.array([[30, 0, np.nan, 30], [60, 30, np.nan, 0], [30, 60, np.nan, 30]])
    with pytest.warns(SatmodelsWarning, match="nobody answered"):
        return csm(x, columns=CAR_ITEMS, nan_policy="omit")


def _heights(ax: Axes) -> list[float]:
    return [float(p.get_height()) for p in _rects(ax)]


def _rects(ax: Axes) -> list[Rectangle]:
    from matplotlib.patches import Rectangle

    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _y(line: Line2D) -> FloatArray:
    return np.asarray(line.get_ydata(), dtype=np.float64)


def _x(line: Line2D) -> FloatArray:
    return np.asarray(line.get_xdata(), dtype=np.float64)


def _verts(path: Path_) -> FloatArray:
    return np.asarray(path.vertices, dtype=np.float64)


def _error_ends(ax: Axes) -> list[tuple[float, float]]:
    """(low, high) of every vertical error bar, in drawing order."""
    from matplotlib.collections import LineCollection

    out = []
    for coll in ax.collections:
        if isinstance(coll, LineCollection):
            out += [(float(s[0][1]), float(s[1][1])) for s in coll.get_segments()]
    return out


def _depth1(r: CSIResult) -> tuple[list[str], list[float], list[float], list[float]]:
    nodes = [s for s in r.nodes if s.depth == 1]
    return (
        [s.name for s in nodes],
        [s.score for s in nodes],
        [s.ci_low for s in nodes],
        [s.ci_high for s in nodes],
    )


# ------------------------------------------------------------------- radar
def test_radar_overlays_the_segments(csi: CSIResult, tmp_path: Path) -> None:
    ax = splot.radar(csi)
    assert ax.name == "polar"
    assert csi.segments is not None
    parts = [csi, *csi.segments.values()]
    assert len(ax.lines) == len(parts) == 4
    for line, part in zip(ax.lines, parts, strict=True):
        names, scores, _, _ = _depth1(part)
        y = _y(line)
        np.testing.assert_array_equal(y[:-1], scores)
        assert y[-1] == y[0]  # the polygon is closed
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["all", *csi.segments]
    assert ax.get_ylim() == (0.0, 100.0)
    check_image(ax.figure, "plot_csi_radar", tmp_path)  # type: ignore[arg-type]


def test_radar_of_brands_and_its_checks(csi: CSIResult) -> None:
    brands = _brands()
    ax = splot.radar(brands)
    for line, r in zip(ax.lines, brands.values(), strict=True):
        np.testing.assert_array_equal(_y(line)[:-1], list(r.items.values()))
    lo, hi = ax.get_ylim()
    assert lo < -30.0  # negative CSMs are inside the chart
    assert hi > 60.0
    with pytest.raises(InputError, match="at least three"):
        splot.radar(csi, depth=0)
    with pytest.raises(InputError, match=r"'depth' parameter .* between 0 and 2"):
        splot.radar(csi, depth=5)
    with pytest.raises(InputError, match="must be a polar Axes"):
        splot.radar(csi, ax=splot.bars(csi))
    with pytest.raises(InputError, match="must be a CSIResult, CSMResult"):
        splot.radar(nps([9, 10, 3]))  # type: ignore[arg-type]
    other = csm(np.ones((2, 3)) * 30, columns=["a", "b", "c"])
    with pytest.raises(InputError, match=r"'B' has .* the first has"):
        splot.radar({"A": brands["A"], "B": other})
    with pytest.raises(InputError, match="empty mapping"):
        splot.radar({})


def test_radar_leaves_out_a_nan_score_and_says_so() -> None:
    r = _with_nan_item()
    ax = splot.radar(r)
    y = _y(ax.lines[0])
    assert math.isnan(y[2])
    np.testing.assert_array_equal(y[[0, 1, 3]], [40.0, 30.0, 20.0])
    assert "not drawn (no estimate): safety" in ax.get_title()
    ax = splot.radar({"A": _brands()["A"], "B": r})
    legend = ax.get_legend()
    assert legend is not None
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["A", "B (not drawn (no estimate): safety)"]


# -------------------------------------------------------------------- bars
def test_bars_of_csi_dimensions_with_their_intervals(
    csi: CSIResult, tmp_path: Path
) -> None:
    ax = splot.bars(csi)
    assert csi.segments is not None
    parts = [csi, *csi.segments.values()]
    expected = [_depth1(p) for p in parts]
    np.testing.assert_array_equal(_heights(ax), [v for e in expected for v in e[1]])
    ends = np.array(_error_ends(ax))
    np.testing.assert_allclose(ends[:, 0], [v for e in expected for v in e[2]])
    np.testing.assert_allclose(ends[:, 1], [v for e in expected for v in e[3]])
    assert [t.get_text() for t in ax.get_xticklabels()] == expected[0][0]
    assert ax.get_title().startswith(f"CSI = {csi.index:.1f} [{csi.ci_low:.1f}, ")
    check_image(ax.figure, "plot_csi_bars", tmp_path)  # type: ignore[arg-type]


def test_bars_of_nps_categories(promoters: NPSResult, tmp_path: Path) -> None:
    ax = splot.bars(promoters, segments=False)
    est = promoters.estimates
    rows = [est.name.index(k) for k in ("detractors", "passives", "promoters")]
    np.testing.assert_array_equal(_heights(ax), est.estimate[rows])
    ends = np.array(_error_ends(ax))
    np.testing.assert_allclose(ends[:, 0], est.ci_low[rows])
    np.testing.assert_allclose(ends[:, 1], est.ci_high[rows])
    shares = [promoters.detractors, promoters.passives, promoters.promoters]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "detractors",
        "passives",
        "promoters",
    ]
    assert sum(shares) == promoters.n
    assert ax.get_title().startswith(f"NPS = {promoters.nps:.1f}")
    ax = promoters.plot()  # segments grouped, the method calls the chart
    assert promoters.segments is not None
    assert len(ax.patches) == 3 * (1 + len(promoters.segments))
    np.testing.assert_array_equal(
        _heights(ax)[3:6],
        [
            promoters.segments["north"].estimates.value(k, "share")
            for k in ("detractors", "passives", "promoters")
        ],
    )
    check_image(ax.figure, "plot_csi_bars_nps", tmp_path)  # type: ignore[arg-type]


def test_bars_of_csat_ces_csm_and_aggregate() -> None:
    top = csat([10, 9, 8, 7, 10, 2], scale=(1, 10))
    assert _heights(splot.bars(top)) == [top.csat]
    effort = ces([7, 6, 5, 4, 2, 6])
    ax = effort.plot()
    assert _heights(ax) == [effort.mean]
    assert _error_ends(ax) == [
        (float(effort.estimates.ci_low[0]), float(effort.estimates.ci_high[0]))
    ]
    brands = _brands()
    brand = brands["B"]
    assert _heights(brand.plot()) == list(brand.items.values())
    ax = splot.bars(brands)  # grouped by brand; no brand's headline as title
    assert _heights(ax) == [v for r in brands.values() for v in r.items.values()]
    assert ax.get_title() == "CSM (95% intervals)"
    assert len(brand.plot(kind="radar").lines) == 1
    units = aggregate(
        {
            "company": ["a", "b", "c"],
            "industry": ["cars", "cars", "banks"],
            "sector": ["goods", "goods", "finance"],
            "index": [80.0, 70.0, 60.0],
            "revenue": [3.0, 1.0, 4.0],
        },
        sizes="revenue",
    )
    assert _heights(units.plot()) == [80.0, 70.0, 60.0]
    assert _heights(units.plot(level="industry")) == [77.5, 60.0]
    with pytest.raises(InputError, match=r"'level' parameter .* Got 'brand'"):
        units.plot(level="brand")
    with pytest.raises(InputError, match=r"'kind' parameter of CSMResult.plot"):
        brand.plot(kind="pie")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="results of one type"):
        splot.bars({"a": top, "b": effort})
    with pytest.raises(InputError, match="Cartesian"):
        splot.bars(top, ax=splot.radar(brand))


def test_bars_leave_out_a_nan_estimate_and_say_so() -> None:
    ax = splot.bars(_with_nan_item())
    assert _heights(ax) == [40.0, 30.0, 20.0]
    assert [float(p.get_x() + p.get_width() / 2) for p in _rects(ax)] == [0, 1, 3]
    assert ax.get_title().endswith("not drawn (no estimate): safety")
    alone = csm([[30, 0, -30, 30]], columns=CAR_ITEMS)  # one respondent: no SE
    ax = splot.bars(alone)
    assert _heights(ax) == [30.0, 0.0, -30.0, 30.0]
    assert ax.get_title().endswith("no interval: price, comfort, safety, service")


# ------------------------------------------------------------------- trend
def test_trend_draws_the_headline_and_its_band(csi: CSIResult, tmp_path: Path) -> None:
    assert csi.segments is not None
    waves = {"2023": csi.segments["north"], "2024": csi, "2025": csi.segments["west"]}
    ax = splot.trend(waves)
    parts = list(waves.values())
    np.testing.assert_array_equal(_y(ax.lines[0]), [r.index for r in parts])
    np.testing.assert_array_equal(_x(ax.lines[0]), [0.0, 1.0, 2.0])
    verts = _verts(ax.collections[0].get_paths()[0])
    for x, r in enumerate(parts):
        at = verts[np.isclose(verts[:, 0], x), 1]
        assert min(at) == pytest.approx(r.ci_low, abs=1e-12)
        assert max(at) == pytest.approx(r.ci_high, abs=1e-12)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(waves)
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["estimate", "95% interval"]
    check_image(ax.figure, "plot_csi_trend", tmp_path)  # type: ignore[arg-type]


def test_trend_of_each_result_type_and_its_checks(promoters: NPSResult) -> None:
    a, b = nps([9, 10, 3, 8, 9]), nps([9, 10, 7, 8, 10])
    ax = splot.trend([a, b], labels=["Q1", "Q2"])
    assert list(_y(ax.lines[0])) == [a.nps, b.nps]
    brands = list(_brands().values())
    assert list(_y(splot.trend(brands).lines[0])) == [r.csm for r in brands]
    effort = [ces([7, 6, 5]), ces([4, 2, 6])]
    assert list(_y(splot.trend(effort).lines[0])) == [6.0, 4.0]
    tops = [csat([10, 9, 2], scale=(1, 10)), csat([10, 2, 2], scale=(1, 10))]
    assert list(_y(splot.trend(tops).lines[0])) == [r.csat for r in tops]
    with pytest.raises(InputError, match="one label per result"):
        splot.trend([a, b], labels=["Q1"])
    with pytest.raises(InputError, match="keys are the labels"):
        splot.trend({"Q1": a}, labels=["x"])
    with pytest.raises(InputError, match="holds no result"):
        splot.trend([])
    with pytest.raises(InputError, match="one type"):
        splot.trend([a, tops[0]])
    wider = nps([9, 10, 3, 8, 9], confidence_level=0.9)
    with pytest.raises(InputError, match=r"confidence_level. Got .*0\.9"):
        splot.trend([a, wider])
    with pytest.raises(InputError, match="must hold CSIResult"):
        splot.trend(["wave"])  # type: ignore[list-item]


def test_trend_says_which_wave_has_no_estimate() -> None:
    brand = _brands()["A"]
    est = brand.estimates
    nan = dataclasses.replace(
        est,
        estimate=np.full(len(est), np.nan),
        ci_low=np.full(len(est), np.nan),
        ci_high=np.full(len(est), np.nan),
    )
    empty = dataclasses.replace(
        brand, estimates=nan, csm=math.nan, ci_low=math.nan, ci_high=math.nan
    )
    alone = csm([[30, 0, -30, 30]], columns=CAR_ITEMS)
    ax = splot.trend({"Q1": brand, "Q2": empty, "Q3": brand, "Q4": alone})
    assert math.isnan(_y(ax.lines[0])[1])
    assert _y(ax.lines[0])[3] == alone.csm
    assert ax.get_title().endswith("not drawn (no estimate): Q2; no interval: Q4")
    verts = _verts(ax.collections[0].get_paths()[0])
    assert not np.any(np.isclose(verts[:, 0], 1.0))  # no band at Q2


# ------------------------------------------------------------ grade chart
def _points(ax: Axes) -> tuple[FloatArray, FloatArray]:
    line = next(ln for ln in ax.lines if ln.get_marker() == "o")
    return _x(line), _y(line)


def test_grade_chart_draws_ratios_on_their_bands(
    ratio: RatioResult, tmp_path: Path
) -> None:
    ax = splot.grade_chart(ratio)
    x, y = _points(ax)
    np.testing.assert_array_equal(
        x, [*ratio.ratio_of_means, ratio.overall_ratio_of_means]
    )
    np.testing.assert_array_equal(y, range(len(ratio.items) + 1))
    lo, hi = ratio.confidence_interval()
    olo, ohi = ratio.overall_confidence_interval()
    from matplotlib.collections import LineCollection

    bars = next(c for c in ax.collections if isinstance(c, LineCollection))
    ends = np.array([(s[0][0], s[1][0]) for s in bars.get_segments()])
    np.testing.assert_allclose(ends[:, 0], [*lo, olo])
    np.testing.assert_allclose(ends[:, 1], [*hi, ohi])
    assert [t.get_text() for t in ax.get_yticklabels()] == [*ratio.items, "overall"]
    # five bands per row, cut at the row's own thresholds (sq_p2 differs)
    bands = [c for c in ax.collections if not isinstance(c, LineCollection)]
    assert len(bands) == len(ratio.items) + 1
    left, _ = ax.get_xlim()
    for band, name in zip(bands, [*ratio.items, "overall"], strict=True):
        xs = sorted({round(float(_verts(p)[:, 0].min()), 12) for p in band.get_paths()})
        assert xs == [round(v, 12) for v in (left, *ratio.thresholds[name][:4])]
    unit = [ln for ln in ax.lines if list(_x(ln)) == [1.0, 1.0]]
    assert len(unit) == 1  # the line c = 1
    check_image(ax.figure, "plot_ratio_grades", tmp_path)  # type: ignore[arg-type]


def test_grade_chart_mean_ratio_and_edge_cases(ratio: RatioResult) -> None:
    ax = ratio.plot(statistic="mean_ratio", overall=False)
    x, _ = _points(ax)
    np.testing.assert_array_equal(x, ratio.mean_ratio)
    est = ratio.estimates
    high = est.ci_high.copy()
    high[0] = np.inf  # an unbounded Fieller interval
    low = est.ci_low.copy()
    low[2] = np.nan  # no interval (fewer than two respondents)
    value = est.estimate.copy()
    value[1] = np.nan
    odd = dataclasses.replace(
        ratio,
        estimates=dataclasses.replace(est, ci_low=low, ci_high=high, estimate=value),
    )
    ax = splot.grade_chart(odd)
    title = ax.get_title()
    assert "interval unbounded: sq_p1" in title
    assert title.endswith("not drawn (no estimate): sq_p2; no interval: sq_p3")
    from matplotlib.collections import LineCollection

    bars = next(c for c in ax.collections if isinstance(c, LineCollection))
    assert bars.get_segments()[0][1][0] == ax.get_xlim()[1]  # runs to the edge
    with pytest.raises(InputError, match="'statistic' parameter"):
        splot.grade_chart(ratio, statistic="median")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="must be a RatioResult"):
        splot.grade_chart(_brands()["A"])  # type: ignore[arg-type]
