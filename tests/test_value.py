"""Customer delivered value against hand computations (Kotler 1991)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from satmodels import InputError, SatmodelsWarning, SmallSampleWarning, value

DATA = {
    "prod": np.array([8.0, 9, 7, 8, 6, 9]),
    "serv": np.array([7.0, 8, 6, 7, 7, 8]),
    "img1": np.array([5.0, 6, 6, 7, 5, 6]),
    "img2": np.array([7.0, 6, 6, 5, 5, 8]),
    "price": np.array([6.0, 5, 6, 7, 4, 5]),
    "wait": np.array([3.0, 2, 4, 3, 3, 2]),
}
KW: dict[str, Any] = {"product": "prod", "service": "serv", "image": ["img1", "img2"],
      "money": "price", "time": "wait"}  # fmt: skip


def test_totals_and_intervals_by_hand() -> None:
    res = value.delivered_value(DATA, **KW)
    image = (DATA["img1"] + DATA["img2"]) / 2.0
    tv = DATA["prod"] + DATA["serv"] + image  # per respondent
    tc = DATA["price"] + DATA["wait"]
    assert res.components["image"] == pytest.approx(image.mean(), rel=1e-14)
    assert res.total_value == pytest.approx(tv.mean(), rel=1e-14)
    assert res.total_cost == pytest.approx(tc.mean(), rel=1e-14)
    assert res.delivered_value == pytest.approx((tv - tc).mean(), rel=1e-14)
    assert res.value_ratio == pytest.approx(tv.mean() / tc.mean(), rel=1e-14)
    n = len(tv)
    # the SE of a linear total equals the SE of the per-respondent totals
    for name, x in (("total_value", tv), ("delivered_value", tv - tc)):
        se = x.std(ddof=1) / math.sqrt(n)
        assert res.se[name] == pytest.approx(se, rel=1e-12)
        low, high = stats.t.interval(0.95, n - 1, loc=x.mean(), scale=se)
        i = res.estimates.name.index(name)
        assert res.estimates.ci_low[i] == pytest.approx(low, rel=1e-12)
        assert res.estimates.ci_high[i] == pytest.approx(high, rel=1e-12)
    # delta method for the ratio R = V / C, by hand
    cov = np.cov(tv, tc) / n
    r = tv.mean() / tc.mean()
    var = (cov[0, 0] - 2 * r * cov[0, 1] + r**2 * cov[1, 1]) / tc.mean() ** 2
    assert res.se["value_ratio"] == pytest.approx(math.sqrt(var), rel=1e-12)
    # the ratio is tested against 1, the totals against 0
    i = res.estimates.name.index("value_ratio")
    assert res.estimates.statistic[i] == pytest.approx((r - 1) / math.sqrt(var))


def test_component_weights_and_case_weights() -> None:
    res = value.delivered_value(
        DATA, **KW, component_weights={"product": 2.0, "money": 0.5}
    )
    image = (DATA["img1"] + DATA["img2"]) / 2.0
    tv = 2 * DATA["prod"] + DATA["serv"] + image
    tc = 0.5 * DATA["price"] + DATA["wait"]
    assert res.total_value == pytest.approx(tv.mean())
    assert res.total_cost == pytest.approx(tc.mean())
    w = np.array([1.0, 2, 1, 1, 3, 1])
    wres = value.delivered_value(DATA, **KW, weights=w)
    tv0 = DATA["prod"] + DATA["serv"] + image
    assert wres.total_value == pytest.approx(np.average(tv0, weights=w))


def test_segments_and_competitor_comparison() -> None:
    brand = np.array(["own", "rival", "own", "rival", "own", "rival"])
    data = DATA | {"brand": brand}
    res = value.delivered_value(data, **KW, segments="brand")
    assert res.segments is not None
    assert list(res.segments) == ["own", "rival"]
    own = value.delivered_value({k: v[brand == "own"] for k, v in DATA.items()}, **KW)
    assert res.segments["own"].delivered_value == pytest.approx(own.delivered_value)
    diff = res.compare("own")
    i = diff.name.index("delivered_value")
    rival = res.segments["rival"]
    assert diff.estimate[i] == pytest.approx(
        rival.delivered_value - own.delivered_value
    )
    assert diff.standard_error[i] == pytest.approx(
        math.hypot(rival.se["delivered_value"], own.se["delivered_value"])
    )
    assert diff.segment[i] == "rival - own"
    with pytest.raises(InputError, match="reference"):
        res.compare("nobody")


def test_bootstrap_is_seeded_and_close_to_t() -> None:
    rng = np.random.default_rng(3)
    big = {k: np.clip(np.round(v.mean() + rng.normal(size=400)), 1, 10)
           for k, v in DATA.items()}  # fmt: skip
    a = value.delivered_value(big, **KW, n_resamples=400, rng=5)
    b = value.delivered_value(big, **KW, n_resamples=400, rng=5)
    t = value.delivered_value(big, **KW)
    np.testing.assert_array_equal(a.estimates.ci_low, b.estimates.ci_low)
    assert set(a.estimates.interval) == {"percentile"}
    assert a.se["delivered_value"] == pytest.approx(t.se["delivered_value"], rel=0.15)


def test_missing_rows_are_excluded_and_counted() -> None:
    holed = {k: v.copy() for k, v in DATA.items()}
    holed["wait"][2] = np.nan
    res = value.delivered_value(holed, **KW)
    assert res.n == 5
    assert res.missing_report is not None
    assert res.missing_report.rows_excluded == 1
    with pytest.raises(InputError, match="wait"):
        value.delivered_value(holed, **KW, nan_policy="raise")
    with pytest.warns(SmallSampleWarning, match="one respondent"):
        one = value.delivered_value({k: v[:1] for k, v in DATA.items()}, **KW)
    assert math.isnan(one.se["total_value"])


def test_from_figures_by_hand() -> None:
    # Kotler's worked logic: value 30,000 against cost 24,000
    res = value.from_figures(
        value={"product": 20000, "service": 3000, "personnel": 2000, "image": 5000},
        cost={"money": 20000, "time": 2000, "energy": 1000, "effort": 1000},
    )
    assert (res.total_value, res.total_cost) == (30000.0, 24000.0)
    assert res.delivered_value == 6000.0
    assert res.value_ratio == 1.25
    json.dumps(res.to_dict(), allow_nan=False)
    assert "<table" in res._repr_html_()
    with pytest.warns(SatmodelsWarning, match="total cost is 0"):
        zero = value.from_figures(value={"product": 1}, cost={"money": 0})
    assert math.isnan(zero.value_ratio)
    for bad in (
        {"value": {"product": 1}, "cost": {}},
        {"value": {"price": 1}, "cost": {"money": 1}},
        {"value": {"product": float("inf")}, "cost": {"money": 1}},
        {"value": {"product": "1"}, "cost": {"money": 1}},
    ):
        with pytest.raises(InputError):
            value.from_figures(**bad)


def test_components_are_validated() -> None:
    with pytest.raises(InputError, match="cost component"):
        value.delivered_value(DATA, product="prod")
    with pytest.raises(InputError, match="nothing"):
        value.delivered_value(DATA, product="prod", money="nothing")
    with pytest.raises(InputError, match="component_weights"):
        value.delivered_value(
            DATA, product="prod", money="price", component_weights={"fun": 1.0}
        )
    with pytest.raises(InputError, match="component_weights"):
        value.delivered_value(
            DATA, product="prod", money="price", component_weights={"money": -1.0}
        )
