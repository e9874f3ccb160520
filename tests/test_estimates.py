"""The shared estimates table: Wald columns, NaN rules, intervals, frames."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from satmodels import InputError
from satmodels.results._estimates import concat, estimates


def test_t_rows_match_scipy() -> None:
    # scipy.stats.ttest_1samp and its t interval are the independent reference.
    x = np.array([2.0, 3.5, 1.0, 4.0, 2.5, 3.0])
    ref = stats.ttest_1samp(x, 0.0)
    se = x.std(ddof=1) / np.sqrt(x.size)
    est = estimates(
        name=["m"],
        estimate=[x.mean()],
        kind="mean",
        standard_error=[se],
        df=[x.size - 1],
        n=[x.size],
        confidence_level=0.9,
    )
    np.testing.assert_allclose(est.statistic, np.array([ref.statistic]), rtol=1e-12)
    np.testing.assert_allclose(est.pvalue, np.array([ref.pvalue]), rtol=1e-12)
    ci = ref.confidence_interval(0.9)
    np.testing.assert_allclose(
        np.array([est.ci_low[0], est.ci_high[0]]), np.array([ci.low, ci.high])
    )
    assert est.confidence_interval() == (est.ci_low, est.ci_high) or np.array_equal(
        est.confidence_interval().low, est.ci_low
    )
    ci95 = ref.confidence_interval(0.95)
    low, high = est.confidence_interval(0.95)
    np.testing.assert_allclose(
        np.array([low[0], high[0]]), np.array([ci95.low, ci95.high])
    )


def test_normal_rows_and_null_value() -> None:
    est = estimates(
        name=["a"],
        estimate=[1.96 + 0.5],
        kind="path",
        standard_error=[1.0],
        interval="normal",
        null=0.5,
        confidence_level=0.95,
    )
    assert est.df[0] == np.inf
    np.testing.assert_allclose(est.statistic, [1.96])
    np.testing.assert_allclose(est.pvalue, [2 * stats.norm.sf(1.96)])
    np.testing.assert_allclose(est.ci_low, [2.46 - stats.norm.ppf(0.975)])


def test_nan_or_zero_standard_error_gives_no_test_and_no_interval() -> None:
    est = estimates(
        name=["a", "b", "c"],
        estimate=[1.0, 2.0, 3.0],
        kind="mean",
        standard_error=[np.nan, 0.0, 1.0],
        df=[5, 5, 5],
        confidence_level=0.95,
    )
    assert np.isnan(est.statistic[:2]).all() and np.isnan(est.pvalue[:2]).all()
    assert np.isnan(est.ci_low[:2]).all() and np.isfinite(est.ci_low[2])


def test_given_bounds_are_kept_and_not_recomputed() -> None:
    est = estimates(
        name=["share"],
        estimate=[0.3],
        kind="share",
        interval="wilson",
        ci_low=[0.2],
        ci_high=[0.45],
        confidence_level=0.9,
        n=[50],
    )
    assert est.confidence_interval().low[0] == 0.2
    with pytest.raises(InputError, match="Fit again"):
        est.confidence_interval(0.95)
    with pytest.raises(InputError, match="confidence_level"):
        est.confidence_interval(1.5)


def test_selection_lookup_concat_and_outputs() -> None:
    a = estimates(
        name=["x", "y"],
        estimate=[1.0, 2.0],
        kind=["mean", "index"],
        standard_error=[0.5, 0.5],
        df=10,
        confidence_level=0.95,
        segment="s1",
        backend="polars",
    )
    b = estimates(
        name=["x", "y"],
        estimate=[3.0, 4.0],
        kind=["mean", "index"],
        standard_error=[0.5, 0.5],
        df=10,
        confidence_level=0.95,
        segment="s2",
    )
    both = concat([a, b])
    assert len(both) == 4
    assert both.select("index").estimate.tolist() == [2.0, 4.0]
    assert a.value("y") == 2.0 and a.value("x", kind="mean") == 1.0
    with pytest.raises(InputError, match="No estimate named 'z'"):
        a.value("z")
    frame = a.to_frame()
    assert type(frame).__module__.startswith("polars")
    assert frame.columns[:3] == ["segment", "kind", "name"]
    json.dumps(both.to_dict(), allow_nan=False)
    assert "95% CI" in str(both.summary())
    assert "4 rows" in repr(both)
    with pytest.raises(ValueError, match="different levels"):
        concat(
            [a, estimates(name=["x"], estimate=[1.0], kind="m", confidence_level=0.9)]
        )
    with pytest.raises(ValueError, match="at least one"):
        concat([])
    with pytest.raises(ValueError, match="2 names"):
        estimates(
            name=["a", "b"], estimate=[1.0, 2.0, 3.0], kind="m", confidence_level=0.9
        )


def test_a_t_row_without_degrees_of_freedom_gets_no_test() -> None:
    est = estimates(
        name=["a", "b"],
        estimate=[1.0, 1.0],
        kind="mean",
        standard_error=[0.5, 0.5],
        df=[np.nan, 0.0],
        confidence_level=0.95,
    )
    assert np.isnan(est.pvalue).all() and np.isnan(est.ci_low).all()
