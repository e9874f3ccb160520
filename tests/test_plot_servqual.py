"""SERVQUAL charts: bars, intervals, bands and points are the result's numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from plot_support import check_image

import satmodels.plot as splot
from satmodels import InputError, SatmodelsWarning
from satmodels.datasets import load_sample_survey
from satmodels.servqual import (
    SERVQUAL_22,
    GapsResult,
    Instrument,
    ZoneResult,
    gaps,
    servperf,
    zone_of_tolerance,
)

pytestmark = pytest.mark.usefixtures("mpl")


def _figure(ax: Any) -> Any:
    from matplotlib.figure import Figure

    fig = ax.figure
    assert isinstance(fig, Figure)
    return fig


IDS = SERVQUAL_22.item_ids()
P = [f"sq_p{i}" for i in IDS]
E = [f"sq_e{i}" for i in IDS]
NAN = float("nan")
SMALL = Instrument.define(
    {"speed": ["s1", "s2", "s3"], "courtesy": ["c1", "c2"], "care": ["r1", "r2"]}
)


@pytest.fixture(scope="module")
def survey() -> dict[str, Any]:
    out: dict[str, Any] = load_sample_survey()
    return out


@pytest.fixture(scope="module")
def gap_result(survey: dict[str, Any]) -> GapsResult:
    return gaps(survey, perceptions=P, expectations=E, weights="weight")


@pytest.fixture(scope="module")
def zone() -> ZoneResult:
    # simulated three-column answers (1-9): adequate, desired = adequate + ~2.5,
    # perceived around a level per item (below, inside and above the zone)
    rng = np.random.default_rng(7)
    data: dict[str, Any] = {}
    level = [4, 6, 5, 7, 5, 3, 8]
    for j in range(7):
        a = np.clip(np.round(rng.normal(4.5, 1.0, 60)), 1, 9)
        data[f"a{j}"] = a
        data[f"d{j}"] = np.clip(a + np.round(rng.normal(2.5, 1.0, 60)), 1, 9)
        data[f"p{j}"] = np.clip(np.round(rng.normal(level[j], 1.0, 60)), 1, 9)
    return zone_of_tolerance(
        data,
        perceived=[f"p{j}" for j in range(7)],
        adequate=[f"a{j}" for j in range(7)],
        desired=[f"d{j}" for j in range(7)],
        instrument=SMALL,
    )


def _bars(ax: Any) -> tuple[np.ndarray[Any, Any], ...]:
    from matplotlib.patches import Rectangle

    rects = [p for p in ax.patches if isinstance(p, Rectangle)]
    x = np.array([r.get_x() + r.get_width() / 2 for r in rects])
    bottom = np.array([r.get_y() for r in rects])
    height = np.array([r.get_height() for r in rects])
    return x, bottom, height


def _error_segments(ax: Any) -> np.ndarray[Any, Any]:
    from matplotlib.collections import LineCollection

    (bars,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    return np.asarray(bars.get_segments())


def test_gap_bars_are_the_dimension_gaps(gap_result: GapsResult) -> None:
    ax = splot.gap_bars(gap_result)
    dims = gap_result.dimensions
    x, bottom, height = _bars(ax)
    np.testing.assert_array_equal(height, dims.estimate)
    np.testing.assert_array_equal(bottom, 0.0)
    np.testing.assert_array_equal(x, np.arange(5))
    seg = _error_segments(ax)
    np.testing.assert_allclose(seg[:, 0, 1], dims.ci_low)
    np.testing.assert_allclose(seg[:, 1, 1], dims.ci_high)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(dims.name)
    assert "95% intervals" in ax.get_title()


def test_gap_bars_by_item_grouped_by_dimension(gap_result: GapsResult) -> None:
    ax = gap_result.plot(level="item")
    _, _, height = _bars(ax)
    np.testing.assert_array_equal(height, gap_result.items.estimate)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(IDS)
    groups = [t.get_text() for t in ax.texts if t.get_gid() == "dimension"]
    assert groups == list(SERVQUAL_22.dimensions)


def test_servperf_bars_rise_from_the_scale_bottom(survey: dict[str, Any]) -> None:
    res = servperf(survey, perceptions=P)
    ax = splot.gap_bars(res)
    _, bottom, height = _bars(ax)
    np.testing.assert_array_equal(bottom, res.scale.minimum)
    np.testing.assert_allclose(bottom + height, res.dimensions.estimate, rtol=1e-15)
    assert ax.get_ylim() == (res.scale.minimum, res.scale.maximum)
    assert ax.get_title().startswith("SERVPERF")


def test_gap_bars_leave_out_a_missing_estimate() -> None:
    data = {
        "p1": [5, 6, 4],
        "p2": [5, 5, 6],
        "p3": [NAN] * 3,
        "p4": [3, 4, 5],
        "p5": [6, 6, 7],
        "p6": [4, 4, 4],
        "p7": [5, 5, 5],
    }
    for j in range(1, 8):
        data[f"e{j}"] = [6, 6, 5]
    with pytest.warns(SatmodelsWarning, match="cannot be estimated"):
        res = gaps(
            data,
            perceptions=[f"p{j}" for j in range(1, 8)],
            expectations=[f"e{j}" for j in range(1, 8)],
            instrument=SMALL,
        )
    ax = res.plot(level="item")
    x, _, height = _bars(ax)
    ok = np.isfinite(res.items.estimate)
    np.testing.assert_array_equal(x, np.arange(7)[ok])
    np.testing.assert_array_equal(height, res.items.estimate[ok])
    assert "not drawn (no estimate): s3" in ax.get_title()
    dim = res.plot(level="dimension")
    assert "not drawn (no estimate): speed" in dim.get_title()


def test_gap_bars_arguments(gap_result: GapsResult, zone: ZoneResult) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert splot.gap_bars(gap_result, ax=ax) is ax
    with pytest.raises(InputError, match="'level' parameter"):
        splot.gap_bars(gap_result, level="overall")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="GapsResult or ServperfResult"):
        splot.gap_bars(zone)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="'ax' parameter"):
        splot.gap_bars(gap_result, ax=fig.add_subplot(projection="polar"))


def test_gap_bars_image(gap_result: GapsResult, tmp_path: Path) -> None:
    check_image(_figure(gap_result.plot(level="item")), "servqual_gap_bars", tmp_path)


def test_zone_draws_the_band_the_desired_level_and_the_perceived_point(
    zone: ZoneResult,
) -> None:
    ax = splot.zone_of_tolerance(zone)
    x, bottom, height = _bars(ax)
    np.testing.assert_array_equal(x, np.arange(7))
    np.testing.assert_array_equal(bottom, zone.item_adequate)
    np.testing.assert_allclose(bottom + height, zone.item_desired, rtol=1e-15)
    from matplotlib.collections import LineCollection

    (desired,) = [
        c
        for c in ax.collections
        if c.get_gid() == "desired" and isinstance(c, LineCollection)
    ]
    seg = np.asarray(desired.get_segments())
    np.testing.assert_array_equal(seg[:, 0, 1], zone.item_desired)
    drawn = {}
    for c in ax.collections:
        gid = c.get_gid() or ""
        if gid.startswith("perceived_"):
            for px, py in np.asarray(c.get_offsets()):
                drawn[int(px)] = (gid.removeprefix("perceived_"), py)
    assert sorted(drawn) == list(range(7))
    for j, (position, py) in drawn.items():
        assert position == zone.item_position[j]
        assert py == zone.item_perceived[j]
    assert {p for p, _ in drawn.values()} == {"below", "inside", "above"}
    assert [t.get_text() for t in ax.get_xticklabels()] == list(SMALL.item_ids())


def test_zone_without_perceived_answers_says_so() -> None:
    inst = Instrument.define({"speed": ["s1", "s2"], "care": ["c1"]})
    data = {
        "p1": [5, 6, 4],
        "p2": [NAN] * 3,
        "p3": [3, 4, 5],
        "a1": [4, 4, 4],
        "a2": [4, 5, 4],
        "a3": [5, 5, 5],
        "d1": [7, 7, 8],
        "d2": [7, 8, 8],
        "d3": [8, 8, 8],
    }
    with pytest.warns(SatmodelsWarning, match="cannot be estimated"):
        res = zone_of_tolerance(
            data,
            perceived=["p1", "p2", "p3"],
            adequate=["a1", "a2", "a3"],
            desired=["d1", "d2", "d3"],
            instrument=inst,
        )
    ax = res.plot()
    points = [
        np.asarray(c.get_offsets())
        for c in ax.collections
        if (c.get_gid() or "").startswith("perceived_")
    ]
    assert sorted(int(p[0]) for pts in points for p in pts) == [0, 2]
    assert "not drawn (no answers): s2" in ax.get_title()


def test_zone_arguments(zone: ZoneResult, gap_result: GapsResult) -> None:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert zone.plot(ax=ax) is ax
    with pytest.raises(InputError, match="must be a ZoneResult"):
        splot.zone_of_tolerance(gap_result)  # type: ignore[arg-type]


def test_zone_image(zone: ZoneResult, tmp_path: Path) -> None:
    check_image(_figure(zone.plot()), "servqual_zone_of_tolerance", tmp_path)
