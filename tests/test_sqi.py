"""satmodels.sqi: the weighted failure index and its control charts.

Control-chart limits are checked against the worked examples of Montgomery,
D. C. (2009), Introduction to Statistical Quality Control, 6th ed., Wiley
(sec. 7.3: u-charts; sec. 9.2: EWMA) and against hand computations; the
derived weights against statsmodels' OLS/WLS.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
from scipy import stats

from satmodels import InputError, SatmodelsWarning, sqi
from satmodels.datasets import SQI_SEVERITY, make_daily_failures
from satmodels.exceptions import EstimationError

# Montgomery (2009), Table 9.1: 30 observations, the first 20 from N(10, 1),
# the last 10 from N(11, 1); used in his CUSUM (Example 9.1) and EWMA
# (Example 9.2, lambda = 0.10, L = 2.7, mu0 = 10, sigma = 1) examples. The
# same data and settings are IMSL's EWMA example ("Montgomery 428").
TABLE_9_1 = [
    9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.20, 10.34,
    9.03, 11.47, 10.51, 9.40, 10.08, 9.37, 10.62, 10.31, 8.52, 10.84,
    10.90, 9.33, 12.29, 11.50, 10.60, 11.08, 10.38, 11.62, 11.31, 10.52,
]  # fmt: skip

# Montgomery (2009), sec. 7.3.1, the u-chart example of nonconformities in
# personal computers: 20 samples of 5 computers, 193 nonconformities;
# u-bar = 1.93, UCL = 3.79, LCL = 0.07. The limits depend on the counts only
# through their total (193, asserted below), so they check the published
# numbers whatever the split per sample.
COMPUTERS = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]

# Montgomery (2009), sec. 7.3.1, "u chart with variable sample size": ten
# rolls of dyed cloth, nonconformities and inspection units (50 m^2 each);
# 153 nonconformities in 107.5 units, u-bar = 1.42; for n = 10 units the
# limits are 2.55 and 0.29 (computed from the rounded u-bar 1.42).
CLOTH_C = [14, 12, 20, 11, 7, 10, 21, 16, 19, 23]
CLOTH_N = [10.0, 12.0, 8.0, 10.0, 9.5, 11.0, 10.5, 12.0, 12.0, 12.5]


def _ewma_reference(x: list[float], lam: float, mu: float) -> list[float]:
    """A plain loop, independent of the library's kernel."""
    out, z = [], mu
    for v in x:
        z = lam * v + (1 - lam) * z
        out.append(z)
    return out


# ------------------------------------------------------------------- EWMA
def test_ewma_matches_montgomery_example_9_2() -> None:
    res = sqi.ewma(
        {"x": TABLE_9_1}, center=10.0, sigma=1.0, smoothing=0.10, n_sigmas=2.7
    )
    # published: z1 = 9.945, z2 = 9.7495; UCL/LCL 10.27/9.73 at i = 1,
    # 10.36/9.64 at i = 2; steady-state limits 10.62/9.38
    assert res.statistic[0] == pytest.approx(9.945, abs=1e-12)
    assert res.statistic[1] == pytest.approx(9.7495, abs=1e-12)
    assert (res.ucl[0], res.lcl[0]) == pytest.approx((10.27, 9.73), abs=0.005)
    assert (res.ucl[1], res.lcl[1]) == pytest.approx((10.36, 9.64), abs=0.005)
    assert (res.ucl[-1], res.lcl[-1]) == pytest.approx((10.62, 9.38), abs=0.005)
    ref = _ewma_reference(TABLE_9_1, 0.1, 10.0)
    np.testing.assert_allclose(res.statistic, ref, rtol=0, atol=1e-12)
    # eq. 9.24/9.25 by hand at i = 1: 2.7 * sqrt(0.1/1.9 * (1 - 0.81))
    assert res.ucl[0] - 10.0 == pytest.approx(2.7 * math.sqrt(0.1 / 1.9 * 0.19))
    # the shift after observation 20 is caught at the end of the series only
    # (z_29 = 10.6468 > UCL 10.6189; by the independent loop above)
    assert res.out_of_control == ("29", "30")
    assert ref[28] > 10 + 2.7 * math.sqrt(0.1 / 1.9 * (1 - 0.9**58))
    row = res.estimates._row("period", "29")
    assert res.estimates.statistic[row] == pytest.approx(
        (ref[28] - 10.0) / ((res.ucl[28] - 10.0) / 2.7)
    )
    assert res.estimates.interval[row] == "none"


# Ross, S. M. (2009), Introduction to Probability and Statistics for Engineers
# and Scientists, 4th ed., Academic Press, Example 13.6c (p. 570): an EWMA
# chart with alpha = 2/9 of 25 subgroup averages from a process of mean 10;
# the published limits 10.94868 / 9.051318 are 10 +- 3 sigma sqrt(alpha /
# (2 - alpha)) with sigma = 2 / sqrt(5), the subgroup average's SD of
# Example 13.6a. The published W_t (7 significant digits) and the starred
# out-of-control points are checked below.
ROSS_X = [
    9.617728, 10.25437, 9.867195, 10.79338, 10.60699, 10.48396, 13.33961,
    9.462969, 10.14556, 11.66342, 11.55484, 11.26203, 12.31473, 9.220009,
    11.25206, 10.48662, 9.025091, 9.693386, 11.45989, 12.44213, 11.18981,
    11.56674, 9.869849, 12.11311, 11.48656,
]  # fmt: skip
ROSS_W = [
    9.915051, 9.990456, 9.963064, 10.14758, 10.24967, 10.30174, 10.97682,
    10.64041, 10.53044, 10.78221, 10.95391, 11.02238, 11.30957, 10.84522,
    10.93563, 10.83585, 10.43346, 10.269, 10.53364, 10.95775, 11.00932,
    11.13319, 10.85245, 11.13259, 11.21125,
]  # fmt: skip


def test_ewma_matches_ross_example_13_6c_and_its_signals() -> None:
    res = sqi.ewma(
        {"x": ROSS_X},
        center=10.0,
        sigma=2 / math.sqrt(5),
        smoothing=2 / 9,
        n_sigmas=3.0,
    )
    np.testing.assert_allclose(res.statistic, ROSS_W, rtol=1e-6, atol=0)
    # the exact limits reach the published asymptotic ones by t = 25
    assert res.ucl[-1] == pytest.approx(10.94868, abs=1e-5)
    assert res.lcl[-1] == pytest.approx(9.051318, abs=1e-6)
    # "* = Out of control": 7, 11, 12, 13, 20, 21, 22, 24, 25
    assert res.out_of_control == ("7", "11", "12", "13", "20", "21", "22", "24", "25")


def test_ewma_trial_limits_use_the_moving_range() -> None:
    x = np.array(TABLE_9_1)
    res = sqi.ewma({"x": x})
    sigma = np.mean(np.abs(np.diff(x))) / 1.128  # Montgomery eq. 6.33
    assert res.sigma == pytest.approx(sigma, rel=1e-14)
    assert res.center == pytest.approx(x.mean(), rel=1e-14)
    assert res.estimates.value("center") == pytest.approx(x.mean())
    assert res.estimates.standard_error[0] == pytest.approx(sigma / math.sqrt(30))


# ---------------------------------------------------------------- u-chart
def test_u_chart_matches_montgomery_computers() -> None:
    data = {"c": np.array(COMPUTERS, float), "n": np.full(20, 5.0)}
    res = sqi.u_chart(data, failures=["c"], opportunities="n")
    assert sum(COMPUTERS) == 193
    assert res.center == pytest.approx(1.93, abs=1e-12)
    assert res.ucl == pytest.approx(np.full(20, 3.79), abs=0.005)
    assert res.lcl == pytest.approx(np.full(20, 0.07), abs=0.005)
    assert res.out_of_control == ()  # "no lack of statistical control"


def test_u_chart_with_variable_sample_size_matches_montgomery_cloth() -> None:
    data = {"c": np.array(CLOTH_C, float), "units": np.array(CLOTH_N)}
    res = sqi.u_chart(data, failures=["c"], opportunities="units")
    assert res.center == pytest.approx(153 / 107.5, rel=1e-14)
    assert round(res.center, 2) == 1.42
    # published limits for n = 10 from u-bar = 1.42: 2.55 and 0.29
    assert res.ucl[0] == pytest.approx(2.55, abs=0.01)
    assert res.lcl[0] == pytest.approx(0.29, abs=0.01)
    # exact: u-bar +- 3 sqrt(u-bar / n_i), per roll
    u = 153 / 107.5
    np.testing.assert_allclose(res.ucl, u + 3 * np.sqrt(u / np.array(CLOTH_N)))
    np.testing.assert_allclose(res.statistic, np.array(CLOTH_C) / np.array(CLOTH_N))
    assert res.out_of_control == ()


def test_laney_u_chart_by_hand() -> None:
    # Laney (2002): z_t = (u_t - u_bar) / sigma_t, sigma_Z = mean |dz| / 1.128,
    # limits u_bar +- L sigma_t sigma_Z; computed here with plain floats
    c = [30.0, 52.0, 41.0, 75.0, 28.0, 60.0]
    n = [100.0, 120.0, 90.0, 110.0, 80.0, 100.0]
    res = sqi.u_chart(
        {"c": c, "n": n}, failures=["c"], opportunities="n", method="laney"
    )
    u_bar = sum(c) / sum(n)
    sig = [math.sqrt(u_bar / k) for k in n]
    z = [(ci / ni - u_bar) / s for ci, ni, s in zip(c, n, sig, strict=True)]
    mr = [abs(b - a) for a, b in itertools.pairwise(z)]
    sigma_z = sum(mr) / len(mr) / 1.128
    assert res.chart == "laney_u"
    assert res.sigma == pytest.approx(sigma_z, rel=1e-13)
    assert sigma_z > 1  # these counts are overdispersed
    np.testing.assert_allclose(res.ucl, [u_bar + 3 * s * sigma_z for s in sig])
    np.testing.assert_allclose(
        res.lcl, [max(u_bar - 3 * s * sigma_z, 0.0) for s in sig]
    )
    plain = sqi.u_chart({"c": c, "n": n}, failures=["c"], opportunities="n")
    assert len(plain.out_of_control) > len(res.out_of_control)
    assert "Laney" in str(res.summary())


def test_laney_keeps_its_false_alarm_rate_on_overdispersed_counts() -> None:
    # Gamma-Poisson counts over large opportunities: between-period variation
    # dwarfs the Poisson variance, so the u-chart flags most in-control
    # periods; Laney's chart stays near the nominal 0.27 %
    rng = np.random.default_rng(20021)
    n = rng.integers(5_000, 20_000, size=400).astype(float)
    rate = 0.02 * rng.gamma(shape=10.0, scale=1 / 10.0, size=n.size)
    c = rng.poisson(rate * n).astype(float)
    data = {"c": c, "n": n}
    plain = sqi.u_chart(data, failures=["c"], opportunities="n")
    laney = sqi.u_chart(data, failures=["c"], opportunities="n", method="laney")
    assert plain.signals.mean() > 0.3
    assert laney.signals.mean() < 0.02
    assert laney.sigma > 3


def test_laney_refuses_what_it_cannot_estimate() -> None:
    with pytest.raises(InputError, match="'method'"):
        sqi.u_chart({"c": [1.0, 2.0, 3.0]}, failures=["c"], method="shewhart")
    with pytest.raises(InputError, match="fewer than three periods"):
        sqi.u_chart({"c": [1.0, 2.0]}, failures=["c"], method="laney")
    with pytest.raises(InputError, match="no failure counted"):
        sqi.u_chart({"c": [0.0, 0.0, 0.0]}, failures=["c"], method="laney")
    with pytest.raises(InputError, match="sigma_Z"):
        sqi.u_chart({"c": [4.0, 4.0, 4.0]}, failures=["c"], method="laney")


def test_demerit_chart_by_hand() -> None:
    # Montgomery sec. 7.3.3: u = sum w_j u_j, sigma = sqrt(sum w_j^2 u_j / n)
    data = {"minor": [4.0, 2.0, 6.0], "major": [1.0, 0.0, 2.0], "n": [2.0, 1.0, 3.0]}
    res = sqi.u_chart(
        data, severity={"minor": 1, "major": 10}, opportunities="n", n_sigmas=2.0
    )
    u_minor, u_major = 12 / 6, 3 / 6
    center = 1 * u_minor + 10 * u_major
    assert res.center == pytest.approx(center)
    sig = np.sqrt((1 * u_minor + 100 * u_major) / np.array([2.0, 1.0, 3.0]))
    np.testing.assert_allclose(res.ucl, center + 2 * sig)
    np.testing.assert_allclose(res.lcl, np.maximum(center - 2 * sig, 0))
    np.testing.assert_allclose(res.statistic, [14 / 2, 2 / 1, 26 / 3])
    assert res.estimates.standard_error[0] == pytest.approx(math.sqrt(12 + 300) / 6)


# ------------------------------------------------------------------ index
def test_index_by_hand() -> None:
    days = {
        "late": [3.0, 5.0, 4.0, 8.0],
        "lost": [0.0, 1.0, 0.0, 2.0],
        "deliv": [100.0, 120.0, 90.0, 110.0],
        "day": np.array(["mon", "tue", "wed", "thu"], dtype=object),
    }
    w = {"late": 1.0, "lost": 10.0}
    res = sqi.index(days, severity=w, opportunities="deliv", period="day")
    series = np.array([3.0, 15.0, 4.0, 28.0])
    np.testing.assert_array_equal(res.series, series)
    assert res.periods == ("mon", "tue", "wed", "thu")
    assert res.sqi == pytest.approx(12.5)
    var = (3 + 5 + 4 + 8) * 1 + (0 + 1 + 0 + 2) * 100  # sum w^2 c
    assert res.se == pytest.approx(math.sqrt(var) / 4)
    z = stats.norm.ppf(0.975)
    assert (res.ci_low, res.ci_high) == pytest.approx(
        (12.5 - z * math.sqrt(var) / 4, 12.5 + z * math.sqrt(var) / 4)
    )
    est = res.estimates
    assert est.value("sqi_per_opportunity", "rate") == pytest.approx(50 / 420)
    assert est.value("late", "contribution") == pytest.approx(20 / 4)
    assert est.value("lost", "contribution") == pytest.approx(30 / 4)
    assert est.value("lost", "share") == pytest.approx(30 / 50)
    assert est.value("lost", "count") == pytest.approx(3 / 4)
    # trend: least squares of the series on 0..3 (numpy polyfit)
    slope = np.polyfit(np.arange(4.0), series, 1)[0]
    assert est.value("slope", "trend") == pytest.approx(slope)
    lr = stats.linregress(np.arange(4.0), series)
    assert est.standard_error[est._row("trend", "slope")] == pytest.approx(lr.stderr)
    assert est.df[est._row("trend", "slope")] == 2
    # period rows: I_t with sqrt(sum w^2 c_t)
    row = est._row("period", "thu")
    assert est.estimate[row] == 28.0
    assert est.standard_error[row] == pytest.approx(math.sqrt(8 + 200))


def test_pareto_share_standard_errors_by_numerical_delta_method() -> None:
    totals = np.array([40.0, 7.0, 12.0])
    w = np.array([1.0, 10.0, 5.0])
    days = {"a": [40.0], "b": [7.0], "c": [12.0]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)  # 1 period: no trend
        res = sqi.index(days, severity={"a": 1, "b": 10, "c": 5})

    def share(t: np.ndarray) -> np.ndarray:
        return np.asarray(w * t / (w @ t), dtype=np.float64)

    jac = np.empty((3, 3))
    h = 1e-6
    for k in range(3):
        up, dn = totals.copy(), totals.copy()
        up[k] += h
        dn[k] -= h
        jac[:, k] = (share(up) - share(dn)) / (2 * h)
    se = np.sqrt((jac**2) @ totals)  # Var(C_k) = C_k (Poisson)
    got = res.estimates.select("share")
    np.testing.assert_allclose(got.estimate, share(totals), rtol=1e-14)
    np.testing.assert_allclose(got.standard_error, se, rtol=1e-7)
    assert got.estimate.sum() == pytest.approx(1.0)


def test_a_simulated_year_recovers_its_truth() -> None:
    year = make_daily_failures()
    data = year.data
    res = sqi.index(
        data, severity=SQI_SEVERITY, opportunities="deliveries", period="day"
    )
    w = np.array(list(SQI_SEVERITY.values()))
    true_rate = float(np.mean(year.rates @ w * data["deliveries"]))
    assert res.ci_low < true_rate < res.ci_high
    # the slow fall in late deliveries shows as a negative trend in their count
    late = sqi.index(data, failures=["late_delivery"], opportunities="deliveries")
    assert late.estimates.value("slope", "trend") < 0
    # the planted week of damaged packages is flagged by the demerit u-chart
    chart = sqi.u_chart(
        data, severity=SQI_SEVERITY, opportunities="deliveries", period="day"
    )
    assert set(chart.out_of_control) & set(year.special_days)
    assert len(chart.out_of_control) <= 6


def test_same_seed_gives_the_same_year() -> None:
    a, b = make_daily_failures(rng=3), make_daily_failures(rng=3)
    for col in a.data:
        np.testing.assert_array_equal(a.data[col], b.data[col])
    assert not np.array_equal(
        make_daily_failures(rng=4).data["late_delivery"], a.data["late_delivery"]
    )


# --------------------------------------------------------------- severity
def test_severity_matches_statsmodels_ols_and_wls() -> None:
    sm = pytest.importorskip("statsmodels.api")
    gen = np.random.default_rng(11)
    n = 400
    late = gen.binomial(1, 0.3, n).astype(float)
    lost = gen.binomial(1, 0.05, n).astype(float)
    sat = 8.5 - 1.0 * late - 4.0 * lost + gen.normal(0, 1.2, n)
    data = {"sat": sat, "late": late, "lost": lost}
    res = sqi.severity(data, target="sat", confidence_level=0.9)
    X = sm.add_constant(np.column_stack([late, lost]))
    fit = sm.OLS(sat, X).fit()
    np.testing.assert_allclose(res.estimates.estimate, fit.params * [1, -1, -1])
    np.testing.assert_allclose(res.estimates.standard_error, fit.bse, rtol=1e-10)
    ci = fit.conf_int(alpha=0.1)
    np.testing.assert_allclose(res.estimates.ci_low[1:], -ci[1:, 1], rtol=1e-10)
    assert res.r_squared == pytest.approx(fit.rsquared)
    assert res.severity["lost"] == pytest.approx(-fit.params[2])
    # simulation recovery: the true drops lie in the 90% intervals
    assert res.estimates.ci_low[2] < 4.0 < res.estimates.ci_high[2]
    wts = gen.uniform(0.5, 2.0, n)
    wres = sqi.severity(data, target="sat", weights=wts)
    wfit = sm.WLS(sat, X, weights=wts).fit()
    np.testing.assert_allclose(wres.estimates.estimate, wfit.params * [1, -1, -1])
    np.testing.assert_allclose(wres.estimates.standard_error, wfit.bse, rtol=1e-10)
    # the derived weights feed the index directly
    days = {"late": [3.0, 4.0, 5.0], "lost": [0.0, 1.0, 0.0]}
    idx = sqi.index(days, severity=res)
    assert idx.severity == res.severity


def test_severity_refuses_what_it_cannot_estimate() -> None:
    data = {
        "sat": [9.0, 5, 8, 2, 9, 4],
        "late": [0.0, 1, 0, 1, 0, 1],
        "never": [0.0] * 6,
    }
    with pytest.raises(EstimationError, match="never"):
        sqi.severity(data, target="sat")
    with pytest.raises(InputError, match="failures \\+ 1"):
        sqi.severity({"sat": [1.0, 2.0], "late": [0.0, 1.0]}, target="sat")
    with pytest.raises(InputError, match="target"):
        sqi.severity(data, target="sat", failures=["sat", "late"])


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"failures": ["late", "lost"], "severity": {"late": 1.0}}, "lost"),
        ({"severity": {"late": 1.0, "lost": -2.0}}, "severity"),
        ({"severity": {"late": 1.0, "lost": float("nan")}}, "severity"),
        ({"severity": {"late": 1.0, "lost": 1.0, "other": 2.0}}, "other"),
        ({"severity": {"late": 0.0, "lost": 0.0}}, "severity"),
        ({"severity": [1.0, 2.0]}, "severity"),
        ({"failures": ["late", "lost"], "opportunities": 3}, "opportunities"),
        ({"failures": ["late", "nope"]}, "nope"),
        ({"period": ["a"]}, "period"),
        ({"nan_policy": "propagate"}, "nan_policy"),
    ],
)
def test_bad_index_input_is_named(kwargs: dict[str, object], match: str) -> None:
    days = {"late": [3.0, 5.0, 4.0], "lost": [0.0, 1.0, 0.0]}
    with pytest.raises(InputError, match=match):
        sqi.index(days, **kwargs)  # type: ignore[arg-type]


def test_counts_and_opportunities_are_checked() -> None:
    with pytest.raises(InputError, match="'late', row 2"):
        sqi.index({"late": [3.0, -1.0, 4.0]})
    with pytest.raises(InputError, match="opportunities"):
        sqi.u_chart(
            {"c": [1.0, 2.0], "n": [3.0, 0.0]}, failures=["c"], opportunities="n"
        )
    for bad in (0, -1.0, float("inf"), "3", True):
        with pytest.raises(InputError, match="n_sigmas"):
            sqi.u_chart({"c": [1.0, 2.0]}, n_sigmas=bad)  # type: ignore[arg-type]
    for bad in (0.0, 1.5, float("nan")):
        with pytest.raises(InputError, match="smoothing"):
            sqi.ewma({"x": [1.0, 2.0]}, smoothing=bad)
    with pytest.raises(InputError, match="sigma"):
        sqi.ewma({"x": [1.0]})
    with pytest.raises(InputError, match="center"):
        sqi.ewma({"x": [1.0, 2.0]}, center=float("inf"))
    with pytest.raises(InputError, match="sigma"):
        sqi.ewma({"x": [1.0, 2.0]}, sigma=1e300)


def test_missing_counts_are_left_out_and_reported() -> None:
    days = {"late": [3.0, np.nan, 4.0, 6.0], "lost": [0.0, 1.0, 0.0, 1.0]}
    with pytest.warns(SatmodelsWarning, match="1 period"):
        res = sqi.index(days)
    assert res.periods == ("1", "3", "4")
    assert res.missing_report is not None
    assert res.missing_report.rows_excluded == 1
    assert res.missing_report.column_missing == {"late": 1, "lost": 0}
    with pytest.raises(InputError, match="'late', row 2"):
        sqi.index(days, nan_policy="raise")


def test_degenerate_series_warn_instead_of_inventing_limits() -> None:
    with pytest.warns(SatmodelsWarning, match="no failure"):
        res = sqi.u_chart({"c": [0.0, 0.0, 0.0]})
    assert np.isnan(res.estimates.statistic[1:]).all()
    with pytest.warns(SatmodelsWarning, match="do not vary"):
        flat = sqi.ewma({"x": [2.0, 2.0, 2.0]})
    assert np.isnan(flat.ucl).all()
    assert not flat.signals.any()


def test_results_render() -> None:
    res = sqi.index({"late": [3.0, 5.0, 4.0]})
    assert "SQIResult(sqi=4.000" in repr(res)
    assert "per-period row" in str(res.summary())
    chart = sqi.ewma({"x": TABLE_9_1}, center=10.0, sigma=1.0)
    text = str(chart.summary())
    assert "Out of control: 29, 30." in text
    assert "ControlChartResult(chart='ewma'" in repr(chart)
    frame = chart.to_frame()
    assert list(frame["name"])[:2] == ["center", "sigma"]
