"""Case weights in satmodels.servqual, against computations written out here.

A weighted mean is :math:`\\bar x_w = \\sum w x / W`; its variance is
estimated as :math:`s_w^2 \\sum w^2 / W^2` with the unbiased weighted
variance :math:`s_w^2 = \\sum w (x - \\bar x_w)^2 / (W - \\sum w^2 / W)`
(numpy's ``aweights``), i.e. :math:`s_w^2 / n_{eff}` with Kish's (1965)
:math:`n_{eff} = W^2 / \\sum w^2`, and the t reference has
:math:`n_{eff} - 1` degrees of freedom.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from satmodels import InputError, Moments
from satmodels.servqual import (
    Instrument,
    gaps,
    reliability,
    servperf,
    zone_of_tolerance,
)

INST = Instrument.define({"a": ["1", "2"], "b": ["3", "4", "5"]}, name="five items")
K = 5


def _sample(n: int = 40, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    e = rng.integers(3, 8, size=(n, K)).astype(float)
    p = np.clip(e - rng.integers(-1, 3, size=(n, K)), 1, 7)
    out: dict[str, Any] = {f"sq_p{j + 1}": p[:, j] for j in range(K)}
    out |= {f"sq_e{j + 1}": e[:, j] for j in range(K)}
    out["w"] = rng.integers(1, 5, size=n).astype(float)
    out["seg"] = np.array(["x", "y"])[rng.integers(0, 2, size=n)]
    return out


def _p(data: dict[str, Any]) -> np.ndarray[Any, Any]:
    return np.column_stack([data[f"sq_p{j + 1}"] for j in range(K)])


def _e(data: dict[str, Any]) -> np.ndarray[Any, Any]:
    return np.column_stack([data[f"sq_e{j + 1}"] for j in range(K)])


def _by_hand(
    x: np.ndarray[Any, Any], w: np.ndarray[Any, Any], level: float = 0.95
) -> tuple[float, float, float, float, float]:
    """Weighted mean, SE, t, and the t interval of one column, written out."""
    big_w, q = w.sum(), (w**2).sum()
    mean = (w * x).sum() / big_w
    var = (w * (x - mean) ** 2).sum() / (big_w - q / big_w)
    se = np.sqrt(var * q / big_w**2)
    df = big_w**2 / q - 1
    half = stats.t.ppf(0.5 + level / 2, df) * se
    return mean, se, mean / se, mean - half, mean + half


def test_item_dimension_and_score_by_hand() -> None:
    data = _sample()
    w = data["w"]
    g = _p(data) - _e(data)
    res = gaps(data, instrument=INST, weights="w", importance=[30, 70])
    for j in range(K):
        mean, se, t, lo, hi = _by_hand(g[:, j], w)
        assert res.items.estimate[j] == pytest.approx(mean, rel=1e-12)
        assert res.items.standard_error[j] == pytest.approx(se, rel=1e-10)
        assert res.items.statistic[j] == pytest.approx(t, rel=1e-10)
        assert res.items.ci_low[j] == pytest.approx(lo, rel=1e-10)
        assert res.items.ci_high[j] == pytest.approx(hi, rel=1e-10)
        assert res.items.n[j] == pytest.approx(w.sum() ** 2 / (w**2).sum())
    # complete data: a dimension is the weighted mean of the respondents'
    # dimension means, with the same formulas
    dim = np.column_stack([g[:, :2].mean(axis=1), g[:, 2:].mean(axis=1)])
    for j in range(2):
        mean, se, _, lo, hi = _by_hand(dim[:, j], w)
        assert res.dimensions.estimate[j] == pytest.approx(mean, rel=1e-12)
        assert res.dimensions.standard_error[j] == pytest.approx(se, rel=1e-10)
        assert res.dimensions.ci_low[j] == pytest.approx(lo, rel=1e-10)
    mean, se, _, _, _ = _by_hand(dim.mean(axis=1), w)
    assert res.unweighted_score == pytest.approx(mean, rel=1e-12)
    assert res.unweighted.standard_error[0] == pytest.approx(se, rel=1e-10)
    mean, se, _, _, _ = _by_hand(dim @ np.array([0.3, 0.7]), w)
    assert res.weighted_score == pytest.approx(mean, rel=1e-12)
    assert res.weighted is not None
    assert res.weighted.standard_error[0] == pytest.approx(se, rel=1e-10)
    # perception means are weighted too
    assert res.item_perception == pytest.approx(np.average(_p(data), 0, weights=w))


def test_integer_weights_give_the_means_of_replicated_rows() -> None:
    data = _sample(seed=1)
    reps = data["w"].astype(int)
    cols = [c for c in data if c.startswith("sq_")]
    copied = {c: np.repeat(data[c], reps) for c in cols}
    res = gaps(data, instrument=INST, weights="w")
    ref = gaps(copied, instrument=INST)
    assert res.items.estimate == pytest.approx(ref.items.estimate, rel=1e-12)
    assert res.dimensions.estimate == pytest.approx(ref.dimensions.estimate)
    assert res.item_expectation == pytest.approx(ref.item_expectation, rel=1e-12)
    perf = servperf(data, instrument=INST, weights=data["w"])
    assert perf.items.estimate == pytest.approx(
        servperf(copied, instrument=INST).items.estimate, rel=1e-12
    )


def test_constant_weights_change_nothing_and_zero_weights_drop_rows() -> None:
    data = _sample(seed=2)
    plain = gaps(data, instrument=INST)
    const = gaps(data, instrument=INST, weights=np.full(40, 2.5))
    assert const.estimates.estimate == pytest.approx(plain.estimates.estimate)
    assert const.estimates.standard_error == pytest.approx(
        plain.estimates.standard_error, rel=1e-10
    )
    assert const.estimates.ci_low == pytest.approx(plain.estimates.ci_low, rel=1e-10)
    w = data["w"].copy()
    w[:5] = 0.0
    zero = gaps(data, instrument=INST, weights=w)
    kept = {c: v[5:] for c, v in data.items()}
    dropped = gaps(kept, instrument=INST, weights=w[5:])
    assert zero.estimates.estimate == pytest.approx(dropped.estimates.estimate)
    assert zero.estimates.standard_error == pytest.approx(
        dropped.estimates.standard_error, rel=1e-10
    )
    assert zero.missing_report.rows_excluded == 5


def test_per_respondent_importance_with_case_weights() -> None:
    data = _sample(seed=3)
    w = data["w"]
    rng = np.random.default_rng(9)
    a = rng.integers(0, 101, size=40).astype(float)
    points = np.column_stack([a, 100 - a])
    res = gaps(data, instrument=INST, weights="w", importance=points)
    g = _p(data) - _e(data)
    dim = np.column_stack([g[:, :2].mean(axis=1), g[:, 2:].mean(axis=1)])
    mean, se, _, _, hi = _by_hand((dim * points / 100).sum(axis=1), w)
    assert res.weighted_score == pytest.approx(mean, rel=1e-12)
    assert res.weighted is not None
    assert res.weighted.standard_error[0] == pytest.approx(se, rel=1e-10)
    assert res.weighted.ci_high[0] == pytest.approx(hi, rel=1e-10)
    assert res.importance is not None
    assert res.importance["a"] == pytest.approx(np.average(a, weights=w))


def test_zone_of_tolerance_weighted_by_hand() -> None:
    data = _sample(seed=4)
    w = data["w"]
    p, e = _p(data), _e(data)
    adequate = np.clip(e - np.random.default_rng(1).integers(1, 4, e.shape), 1, 9)
    cols = {f"p{j}": p[:, j] for j in range(K)}
    cols |= {f"a{j}": adequate[:, j] for j in range(K)}
    cols |= {f"d{j}": e[:, j] for j in range(K)}
    res = zone_of_tolerance(
        cols,
        perceived=[f"p{j}" for j in range(K)],
        adequate=[f"a{j}" for j in range(K)],
        desired=[f"d{j}" for j in range(K)],
        instrument=INST,
        weights=w,
    )
    for j in range(K):
        mean, se, _, lo, _ = _by_hand(p[:, j] - adequate[:, j], w)
        assert res.msa_items.estimate[j] == pytest.approx(mean, rel=1e-12)
        assert res.msa_items.standard_error[j] == pytest.approx(se, rel=1e-10)
        assert res.msa_items.ci_low[j] == pytest.approx(lo, rel=1e-10)
        mean, se, _, _, _ = _by_hand(e[:, j] - adequate[:, j], w)
        assert res.width_items.standard_error[j] == pytest.approx(se, rel=1e-10)
    assert res.item_perceived == pytest.approx(np.average(p, axis=0, weights=w))


def test_reliability_weighted_alpha_from_weighted_covariance() -> None:
    data = _sample(seed=5)
    w = data["w"]
    x = _p(data)
    res = reliability(data, instrument=INST, weights="w")
    for j, idx in enumerate(([0, 1], [2, 3, 4])):
        cov = np.cov(x[:, idx], rowvar=False, aweights=w)
        k = len(idx)
        alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
        assert res.alpha[j] == pytest.approx(alpha, rel=1e-12)
        n_eff = np.floor(w.sum() ** 2 / (w**2).sum())
        assert res.n[j] == n_eff
        df1, df2 = n_eff - 1, (n_eff - 1) * (k - 1)
        assert res.ci_low[j] == pytest.approx(
            1 - (1 - alpha) * stats.f.isf(0.025, df1, df2), rel=1e-10
        )


def test_lazy_frame_with_weight_and_segment_columns() -> None:
    pl = pytest.importorskip("polars")
    data = _sample(seed=6)
    data["sq_p2"] = data["sq_p2"].copy()
    data["sq_p2"][3] = np.nan
    eager = gaps(data, instrument=INST, weights="w", segments="seg")
    lazy = gaps(pl.LazyFrame(data), instrument=INST, weights="w", segments="seg")
    assert lazy.estimates.estimate == pytest.approx(eager.estimates.estimate)
    assert lazy.estimates.standard_error == pytest.approx(
        eager.estimates.standard_error, rel=1e-10
    )
    assert eager.segments is not None
    assert lazy.segments is not None
    assert sorted(lazy.segments) == sorted(eager.segments) == ["x", "y"]
    for s in ("x", "y"):
        assert lazy.segments[s].estimates.ci_low == pytest.approx(
            eager.segments[s].estimates.ci_low, rel=1e-10
        )
    # the segment's sub-result equals the call on its rows
    mask = data["seg"] == "x"
    sub = gaps({c: v[mask] for c, v in data.items()}, instrument=INST, weights="w")
    assert eager.segments["x"].estimates.estimate == pytest.approx(
        sub.estimates.estimate
    )
    assert isinstance(lazy.to_frame(), pl.DataFrame)
    cols = [c for c in data if c.startswith("sq_")]
    m = Moments.from_data(
        np.column_stack([data[c] for c in cols]),
        columns=cols,
        weights=data["w"],
        missing="pairwise",
    )
    from_m = gaps(m, instrument=INST)
    assert from_m.estimates.standard_error == pytest.approx(
        eager.estimates.standard_error, rel=1e-10
    )
    with pytest.raises(InputError, match=r"'weights'.*Moments"):
        gaps(m, instrument=INST, weights=data["w"])


def test_results_say_they_are_weighted_and_stay_short() -> None:
    pl = pytest.importorskip("polars")
    data = _sample(seed=7)
    frame = pl.DataFrame(data)
    res = gaps(frame, instrument=INST, weights="w", importance=[50, 50])
    assert "Kish" in str(res.summary())
    assert "Kish" not in str(gaps(frame, instrument=INST).summary())
    assert len(repr(res)) < 600
    assert isinstance(res.to_frame(), pl.DataFrame)
    ci = res.confidence_interval()
    assert np.array_equal(ci.low, res.estimates.ci_low)
    assert np.array_equal(ci.high, res.estimates.ci_high)


@given(
    st.integers(4, 12).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, (n, 2 * K), elements=st.integers(1, 7).map(float)),
            arrays(np.float64, (n,), elements=st.integers(1, 5).map(float)),
        )
    ),
    st.floats(0.1, 10.0),
)
@pytest.mark.filterwarnings("ignore::satmodels.SatmodelsWarning")
def test_scaling_the_weights_changes_nothing(
    xw: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]], c: float
) -> None:
    x, w = xw
    names = [f"sq_p{j + 1}" for j in range(K)] + [f"sq_e{j + 1}" for j in range(K)]
    data = {n: x[:, j] for j, n in enumerate(names)}
    a = gaps(data, instrument=INST, weights=w)
    b = gaps(data, instrument=INST, weights=c * w)
    np.testing.assert_allclose(a.estimates.estimate, b.estimates.estimate, atol=1e-12)
    np.testing.assert_allclose(
        a.estimates.standard_error, b.estimates.standard_error, rtol=1e-8, atol=1e-12
    )
