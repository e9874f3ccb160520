"""NPS, CSAT and CES: hand computations, simulations and independent checks."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import (  # type: ignore[import-untyped]
    proportion_confint,
)

from satmodels import InputError, SatmodelsWarning, Scale, SmallSampleWarning
from satmodels.csi import ces, csat, nps, nps_difference

SCORES = [10, 9, 9, 10, 9, 7, 8, 8, 3, 6]


def test_nps_hand_computation() -> None:
    # 5 promoters, 3 passives, 2 detractors (Reichheld 2003 definition).
    r = nps(SCORES)
    assert (r.promoters, r.passives, r.detractors, r.n) == (5, 3, 2, 10)
    assert r.nps == pytest.approx(30.0)
    # Rocks (2016, eq. 2): Var = (pP + pD - (pP - pD)^2) / n
    se = math.sqrt((0.5 + 0.2 - 0.3**2) / 10)
    assert r.standard_error == pytest.approx(100 * se, rel=1e-12)
    z = stats.norm.ppf(0.975)
    assert r.ci_low == pytest.approx(100 * (0.3 - z * se))
    assert r.ci_high == pytest.approx(100 * (0.3 + z * se))
    d = r.to_dict()
    for key in ("estimates", "n", "promoters", "passives", "detractors"):
        assert key in d
    row = d["estimates"]["rows"][0]
    assert (row["name"], row["estimate"]) == ("nps", pytest.approx(30.0))
    json.dumps(d)


def test_nps_se_equals_trinomial_mean_se() -> None:
    # Independent route: NPS is the mean of z in {-1, 0, 1}; its SE with the
    # population (ddof=0) variance is the trinomial SE.
    z = np.where(np.array(SCORES) >= 9, 1.0, np.where(np.array(SCORES) <= 6, -1.0, 0.0))
    assert nps(SCORES).standard_error == pytest.approx(
        100 * z.std(ddof=0) / math.sqrt(z.size)
    )


def test_nps_se_matches_simulation() -> None:
    # Monte Carlo: the SD of NPS over repeated trinomial samples equals the SE.
    rng = np.random.default_rng(11)
    probs = np.array([0.25, 0.35, 0.40])  # detractor, passive, promoter
    n = 400
    counts = rng.multinomial(n, probs, size=20_000)
    sims = 100 * (counts[:, 2] - counts[:, 0]) / n
    sample = np.repeat([3.0, 7.0, 10.0], (probs * n).astype(int))
    assert nps(sample).standard_error == pytest.approx(sims.std(), rel=0.03)


def test_adjusted_wald_hand_computation() -> None:
    # Rocks (2016): add 3/4 to promoters and detractors and 3 to n.
    r = nps(SCORES, method="adjusted_wald")
    n_t = 13.0
    pp, pd_ = 5.75 / n_t, 2.75 / n_t
    centre = pp - pd_
    se = math.sqrt((pp + pd_ - centre**2) / n_t)
    z = stats.norm.ppf(0.975)
    assert r.nps == pytest.approx(30.0)
    assert r.standard_error == pytest.approx(100 * se)
    assert r.ci_low == pytest.approx(100 * (centre - z * se))
    assert r.ci_high == pytest.approx(100 * (centre + z * se))


def test_adjusted_wald_covers_better_in_small_samples() -> None:
    # Simulation recovery: at n = 15 with a skewed population, the adjusted
    # interval covers the true NPS at least as often as the Wald interval.
    rng = np.random.default_rng(3)
    probs = np.array([0.05, 0.15, 0.80])
    truth = 100 * (probs[2] - probs[0])
    cover = {"wald": 0, "adjusted_wald": 0}
    reps = 400
    for _ in range(reps):
        cat = rng.choice(3, size=15, p=probs)
        x = np.array([3.0, 7.0, 10.0])[cat]
        for m in cover:
            with warnings.catch_warnings():  # one-group samples: zero Wald SE
                warnings.simplefilter("ignore", SmallSampleWarning)
                r = nps(x, method=m)  # type: ignore[arg-type]
            cover[m] += r.ci_low <= truth <= r.ci_high
    assert cover["adjusted_wald"] >= cover["wald"]
    assert cover["adjusted_wald"] / reps > 0.9


def test_weighted_nps_linearisation() -> None:
    x = np.array([10, 9, 3, 7, 0, 10], dtype=float)
    w = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 3.0])
    r = nps(x, weights=w)
    z = np.where(x >= 9, 1.0, np.where(x <= 6, -1.0, 0.0))
    est = np.average(z, weights=w)
    assert r.nps == pytest.approx(100 * est)
    # Woodruff (1971) linearisation of the ratio mean sum(w z) / sum(w)
    var = np.sum(w**2 * (z - est) ** 2) / w.sum() ** 2
    assert r.standard_error == pytest.approx(100 * math.sqrt(var))
    assert r.weighted
    assert r.effective_n == pytest.approx(w.sum() ** 2 / (w**2).sum())


def test_nps_segments_and_frames() -> None:
    df = pd.DataFrame(
        {"ltr": [10, 9, 3, 5, 8, 9], "region": list("aabbab"), "w": [1.0] * 6}
    )
    r = nps(df, items="ltr", segments="region", weights="w")
    assert r.segments is not None and set(r.segments) == {"a", "b"}
    assert r.segments["a"].nps == pytest.approx(nps([10, 9, 8]).nps)
    rp = nps(pl.from_pandas(df), items="ltr", segments="region")
    assert rp.nps == pytest.approx(r.nps)
    frame = r.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.loc[frame["kind"] == "nps", "segment"])[1:] == ["a", "b"]
    # to_frame follows the input's backend (it returned pandas for polars)
    assert isinstance(rp.to_frame(), pl.DataFrame)
    assert rp.to_frame().filter(pl.col("kind") == "nps").height == 3


@pytest.mark.parametrize("bad", [11, -1, 7.5])
def test_nps_rejects_off_scale(bad: float) -> None:
    with pytest.raises(InputError, match=r"'items' .* row 3: "):
        nps([10, 9, bad, 5])


def test_nps_missing_counted_and_raise() -> None:
    r = nps([10, np.nan, 3, 9])
    assert r.n == 3
    assert r.missing_report is not None
    assert r.missing_report.rows_excluded == 1
    assert r.missing_report.reasons == {"missing value": 1}
    with pytest.raises(InputError, match="nan_policy"):
        nps([10, np.nan, 3], nan_policy="raise")


@settings(deadline=None, max_examples=60)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=60))
def test_nps_bounds(values: list[int]) -> None:
    with warnings.catch_warnings():  # one-group samples warn (zero Wald SE)
        warnings.simplefilter("ignore", SmallSampleWarning)
        r = nps(values)
        shuffled = nps(list(reversed(values)))
    assert -100.0 <= r.nps <= 100.0
    assert -100.0 <= r.ci_low <= r.ci_high <= 100.0
    assert r.promoters + r.passives + r.detractors == len(values)
    assert shuffled.nps == pytest.approx(r.nps)


def test_nps_difference() -> None:
    a, b = [10, 9, 9, 8, 3, 10, 10], [10, 6, 5, 8, 3, 9]
    d = nps_difference(a, b)
    ra, rb = nps(a), nps(b)
    assert d.difference == pytest.approx(ra.nps - rb.nps)
    se = math.hypot(ra.standard_error, rb.standard_error)
    assert d.standard_error == pytest.approx(se)
    z = stats.norm.ppf(0.975)
    assert d.ci_low == pytest.approx(d.difference - z * se)
    assert d.pvalue == pytest.approx(2 * stats.norm.sf(abs(d.difference / se)))
    lo, hi = d.confidence_interval(0.9)
    assert d.ci_low < lo[0] < hi[0] < d.ci_high
    json.dumps(d.to_dict())
    assert "difference" in str(d.summary())


def test_csat_wilson_against_statsmodels() -> None:
    x = [10, 9, 8, 7, 10, 2, 9, 9, 1, 5, 6, 10]
    r = csat(x, scale=Scale.likert(1, 10), top_box=2)
    k = sum(v >= 9 for v in x)
    lo, hi = proportion_confint(k, len(x), alpha=0.05, method="wilson")
    assert r.csat == pytest.approx(100 * k / len(x))
    assert r.ci_low == pytest.approx(100 * lo)
    assert r.ci_high == pytest.approx(100 * hi)
    lo90, hi90 = proportion_confint(k, len(x), alpha=0.10, method="wilson")
    ci = r.confidence_interval(0.90)
    assert ci.low == pytest.approx(100 * lo90)
    assert ci.high == pytest.approx(100 * hi90)


def test_csat_weighted_and_segments() -> None:
    x = np.array([5, 4, 3, 5, 1, 2], dtype=float)
    w = np.array([2.0, 1.0, 1.0, 1.0, 3.0, 1.0])
    r = csat(x, weights=w, segments=["a", "a", "b", "b", "a", "b"])
    assert r.csat == pytest.approx(100 * np.average(x >= 4, weights=w))
    assert r.segments is not None
    assert r.segments["b"].satisfied == 1
    with pytest.raises(InputError, match="top_box"):
        csat(x, top_box=5)


def test_ces_against_scipy_t_interval() -> None:
    x = np.array([7, 6, 5, 4, 2, 6, 7, 3], dtype=float)
    r = ces(x)
    ci = stats.ttest_1samp(x, 0).confidence_interval(0.95)
    assert r.mean == pytest.approx(x.mean())
    low, high = r.confidence_interval()
    assert low[0] == pytest.approx(ci.low)
    assert high[0] == pytest.approx(ci.high)
    assert r.agree == pytest.approx(100 * np.mean(x >= 5))
    assert r.agree_from == 5.0
    lo, hi = proportion_confint(int((x >= 5).sum()), x.size, method="wilson")
    assert low[1] == pytest.approx(100 * lo)
    assert high[1] == pytest.approx(100 * hi)


def test_ces_options() -> None:
    r = ces([1, 2, 3, 4, 5], scale=Scale.likert(1, 5), agree_from=4)
    assert r.agree == pytest.approx(40.0)
    with pytest.raises(InputError, match="agree_from"):
        ces([1, 2], scale=Scale.likert(1, 5), agree_from=9)
    with pytest.raises(InputError, match="outside"):
        ces([1, 8])


def test_counts_and_lazy_inputs_agree() -> None:
    # NPS/CSAT/CES need only category sums: merged CategoryCounts of two
    # halves and a polars LazyFrame (counted on the engine) give the same.
    from satmodels.stats.counts import CategoryCounts

    rng = np.random.default_rng(21)
    x = rng.integers(0, 11, 200).astype(float)
    x[5] = np.nan
    w = rng.uniform(0.5, 2.0, 200)
    df = pl.DataFrame({"ltr": x, "w": w}).with_columns(pl.col("ltr").fill_nan(None))
    base = nps(x, weights=w, method="adjusted_wald")
    halves = CategoryCounts.from_data(
        df[:90], columns=["ltr"], categories=range(11), weights="w"
    ) + CategoryCounts.from_data(
        df[90:], columns=["ltr"], categories=range(11), weights="w"
    )
    lazy = nps(df.lazy(), items="ltr", weights="w", method="adjusted_wald")
    for r in (nps(halves, method="adjusted_wald"), lazy):
        assert r.nps == pytest.approx(base.nps)
        assert r.standard_error == pytest.approx(base.standard_error)
        assert r.missing_report is not None
        assert r.missing_report.rows_excluded == 1
    sc = Scale.likert(0, 10)
    assert csat(df.lazy(), items="ltr", scale=sc).csat == pytest.approx(
        csat(x, scale=sc).csat
    )
    assert ces(halves, scale=sc).mean == pytest.approx(ces(x, scale=sc, weights=w).mean)
    with pytest.raises(InputError, match="segments"):
        nps(halves, segments=["a"])


# ------------------------------------------------ one vocabulary (issue 9)
def test_stored_interval_at_the_fitted_level() -> None:
    # Regression: nps(x, confidence_level=0.9).confidence_interval() used to
    # recompute at 0.95 and disagree with the result's own ci_low / ci_high.
    for r in (
        nps(SCORES, confidence_level=0.9),
        nps(SCORES, method="adjusted_wald", confidence_level=0.9),
        csat(SCORES, scale=Scale.likert(0, 10), confidence_level=0.9),
        ces([7, 6, 5, 4, 2, 6], confidence_level=0.9),
    ):
        assert r.confidence_level == 0.9
        lo, hi = r.confidence_interval()
        np.testing.assert_array_equal(lo, r.estimates.ci_low)
        np.testing.assert_array_equal(hi, r.estimates.ci_high)
        assert tuple(r.confidence_interval(0.9)[0]) == tuple(lo)
    # another level is refitted, the same as fitting at that level
    a = nps(SCORES, confidence_level=0.9).confidence_interval(0.95)
    b = nps(SCORES).confidence_interval()
    np.testing.assert_allclose(a.low, b.low)
    with pytest.raises(InputError, match="confidence_level"):
        nps(SCORES).confidence_interval(1.5)


def test_csat_scale_pair_is_an_interval_scale() -> None:
    # Regression: scale=(1, 10) was an AttributeError. A (min, max) pair is
    # Scale.interval: the top-2 boxes are the answers above 10 - 2 = 8, the
    # same answers (9, 10) as on the 1-10 Likert scale for whole numbers.
    x = [10, 9, 8, 7, 10, 2, 9, 9, 1, 5, 6, 10]
    got = csat(x, scale=(1, 10))
    want = csat(x, scale=Scale.likert(1, 10))
    assert got.scale.kind == "interval"
    assert (got.csat, got.ci_low, got.ci_high) == pytest.approx(
        (want.csat, want.ci_low, want.ci_high)
    )
    with pytest.raises(InputError, match="'scale' parameter of csat"):
        csat(x, scale=(10, 1))


def test_csat_without_scale_uses_the_observed_range() -> None:
    r = csat([5.0, 4.0, 3.0, 5.0, 1.0])
    assert r.scale.name == "observed min-max"
    assert (r.scale.minimum, r.scale.maximum) == (1.0, 5.0)
    assert r.csat == pytest.approx(60.0)  # 4 and 5 count on 1-5
    assert "observed range" in str(r.summary())


def test_nps_huge_weights_are_not_an_overflow() -> None:
    # Regression: weights near 1e300 raised OverflowError (the square of the
    # weight sum). Weights whose sums overflow are refused and named, in
    # memory and on an engine alike; rescaled weights give the statistics.
    x = np.array(SCORES, dtype=float)
    with pytest.raises(InputError, match="'weights' parameter of nps"):
        nps(x, weights=np.full(x.size, 1e300))
    r = nps(x, weights=np.full(x.size, 1e100))
    base = nps(x)
    assert r.nps == pytest.approx(base.nps)
    assert r.standard_error == pytest.approx(base.standard_error)
    df = pl.DataFrame({"ltr": x, "w": np.full(x.size, 1e300)})
    with pytest.raises(InputError, match="'weights' parameter of nps"):
        nps(df.lazy(), items="ltr", weights="w")


def test_segments_on_a_lazy_frame_equal_the_rows() -> None:
    rng = np.random.default_rng(4)
    x = rng.integers(0, 11, 120).astype(float)
    w = rng.uniform(0.5, 2.0, 120)
    seg = rng.choice(["north", "south"], 120)
    df = pl.DataFrame({"ltr": x, "w": w, "seg": seg})
    eager = nps(df, items="ltr", weights="w", segments="seg")
    lazy = nps(df.lazy(), items="ltr", weights="w", segments="seg")
    np.testing.assert_allclose(lazy.estimates.estimate, eager.estimates.estimate)
    np.testing.assert_allclose(lazy.estimates.ci_low, eager.estimates.ci_low)
    assert lazy.segments is not None and list(lazy.segments) == ["north", "south"]
    # independent check of one segment: the NPS of its rows
    z = np.where(x >= 9, 1.0, np.where(x <= 6, -1.0, 0.0))
    mask = seg == "south"
    want = 100 * np.average(z[mask], weights=w[mask])
    assert lazy.segments["south"].nps == pytest.approx(want)


def test_ces_single_answer_warns() -> None:
    with pytest.warns(SatmodelsWarning, match="fewer than 2 answers"):
        r = ces([6])
    assert math.isnan(r.estimates.standard_error[0])
    assert math.isnan(r.estimates.ci_low[0]) and math.isnan(r.estimates.pvalue[0])


def test_short_repr() -> None:
    for r in (nps(SCORES), csat(SCORES, scale=(0, 10)), ces([7, 6, 5, 4])):
        text = repr(r)
        assert len(text) < 300 and "\n" not in text


def test_nps_one_group_warns_about_the_zero_wald_error() -> None:
    with pytest.warns(SmallSampleWarning, match=r"one group \(\['all'\]\)"):
        r = nps([10, 9, 10])
    assert r.standard_error == 0.0
    assert math.isnan(r.estimates.statistic[0]) and math.isnan(r.estimates.pvalue[0])
    # Rocks' (2016) adjusted interval has width and no warning. By hand:
    # pP = 3.75 / 6, pD = 0.75 / 6, centre 0.5, SE sqrt((0.75 - 0.25) / 6).
    a = nps([10, 9, 10], method="adjusted_wald")
    se = math.sqrt(0.5 / 6)
    assert a.standard_error == pytest.approx(100 * se)
    assert a.ci_low == pytest.approx(100 * (0.5 - stats.norm.ppf(0.975) * se))
    assert a.ci_high == 100.0


def test_nps_difference_matches_an_independent_z_test() -> None:
    # Rocks (2016, sec. 5): SE of a difference of independent NPS is the
    # root of the summed squared SEs; here every number is recomputed from
    # the answers by hand, outside the library.
    a = np.array([10, 9, 9, 8, 3, 10, 6, 9, 2, 10], dtype=float)
    b = np.array([10, 6, 5, 8, 3, 7, 9, 1, 0, 4, 9], dtype=float)

    def by_hand(x: np.ndarray) -> tuple[float, float]:
        s = np.where(x >= 9, 100.0, np.where(x <= 6, -100.0, 0.0))
        return float(s.mean()), float(s.std(ddof=0) / np.sqrt(s.size))

    (n1, s1), (n2, s2) = by_hand(a), by_hand(b)
    se = float(np.hypot(s1, s2))
    z = (n1 - n2) / se
    res = nps_difference(a, b)
    assert res.difference == pytest.approx(n1 - n2)
    assert res.standard_error == pytest.approx(se)
    assert res.statistic == pytest.approx(z)
    assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)))
    q = stats.norm.ppf(0.975)
    assert (res.ci_low, res.ci_high) == pytest.approx(
        (n1 - n2 - q * se, n1 - n2 + q * se)
    )
    low, high = res.confidence_interval(0.9)  # refitted at another level
    q90 = stats.norm.ppf(0.95)
    assert (low[0], high[0]) == pytest.approx((n1 - n2 - q90 * se, n1 - n2 + q90 * se))
    frame = nps_difference(pl.DataFrame({"x": a}), pl.DataFrame({"x": b}), items="x")
    assert type(frame.to_frame()).__module__.startswith("polars")
    assert "NPSDifferenceResult(difference=" in repr(res)
    assert "Difference of two NPS" in str(res.summary())
