"""NPS, CSAT and CES: hand computations, simulations and independent checks."""

from __future__ import annotations

import json
import math

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

from satmodels import InputError, Scale
from satmodels.csi import ces, csat, nps, nps_difference

SCORES = [10, 9, 9, 10, 9, 7, 8, 8, 3, 6]


def test_nps_hand_computation() -> None:
    # 5 promoters, 3 passives, 2 detractors (Reichheld 2003 definition).
    r = nps(SCORES)
    assert (r.promoters, r.passives, r.detractors, r.n) == (5, 3, 2, 10)
    assert r.nps == pytest.approx(30.0)
    # Rocks (2016, eq. 2): Var = (pP + pD - (pP - pD)^2) / n
    se = math.sqrt((0.5 + 0.2 - 0.3**2) / 10)
    assert r.se == pytest.approx(100 * se, rel=1e-12)
    z = stats.norm.ppf(0.975)
    assert r.ci_low == pytest.approx(100 * (0.3 - z * se))
    assert r.ci_high == pytest.approx(100 * (0.3 + z * se))
    d = r.to_dict()
    for key in (
        "nps",
        "se",
        "ci_low",
        "ci_high",
        "n",
        "promoters",
        "passives",
        "detractors",
    ):
        assert key in d
    json.dumps(d)


def test_nps_se_equals_trinomial_mean_se() -> None:
    # Independent route: NPS is the mean of z in {-1, 0, 1}; its SE with the
    # population (ddof=0) variance is the trinomial SE.
    z = np.where(np.array(SCORES) >= 9, 1.0, np.where(np.array(SCORES) <= 6, -1.0, 0.0))
    assert nps(SCORES).se == pytest.approx(100 * z.std(ddof=0) / math.sqrt(z.size))


def test_nps_se_matches_simulation() -> None:
    # Monte Carlo: the SD of NPS over repeated trinomial samples equals the SE.
    rng = np.random.default_rng(11)
    probs = np.array([0.25, 0.35, 0.40])  # detractor, passive, promoter
    n = 400
    counts = rng.multinomial(n, probs, size=20_000)
    sims = 100 * (counts[:, 2] - counts[:, 0]) / n
    sample = np.repeat([3.0, 7.0, 10.0], (probs * n).astype(int))
    assert nps(sample).se == pytest.approx(sims.std(), rel=0.03)


def test_adjusted_wald_hand_computation() -> None:
    # Rocks (2016): add 3/4 to promoters and detractors and 3 to n.
    r = nps(SCORES, method="adjusted_wald")
    n_t = 13.0
    pp, pd_ = 5.75 / n_t, 2.75 / n_t
    centre = pp - pd_
    se = math.sqrt((pp + pd_ - centre**2) / n_t)
    z = stats.norm.ppf(0.975)
    assert r.nps == pytest.approx(30.0)
    assert r.se == pytest.approx(100 * se)
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
    assert r.se == pytest.approx(100 * math.sqrt(var))
    assert r.weighted
    assert r.effective_n == pytest.approx(w.sum() ** 2 / (w**2).sum())


def test_nps_segments_and_frames() -> None:
    df = pd.DataFrame(
        {"ltr": [10, 9, 3, 5, 8, 9], "region": list("aabbab"), "w": [1.0] * 6}
    )
    r = nps(df, columns="ltr", segments="region", weights="w")
    assert set(r.by_segment) == {"a", "b"}
    assert r.by_segment["a"].nps == pytest.approx(nps([10, 9, 8]).nps)
    rp = nps(pl.from_pandas(df), columns="ltr", segments="region")
    assert rp.nps == pytest.approx(r.nps)
    assert len(r.to_frame()) == 3
    assert rp.to_frame().shape[0] == 3


@pytest.mark.parametrize("bad", [11, -1, 7.5])
def test_nps_rejects_off_scale(bad: float) -> None:
    with pytest.raises(InputError, match=r"row 2"):
        nps([10, 9, bad, 5])


def test_nps_missing_counted_and_raise() -> None:
    r = nps([10, np.nan, 3, 9])
    assert r.n == 3 and r.n_missing == 1
    with pytest.raises(InputError, match="nan_policy"):
        nps([10, np.nan, 3], nan_policy="raise")


@settings(deadline=None, max_examples=60)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=60))
def test_nps_bounds(values: list[int]) -> None:
    r = nps(values)
    assert -100.0 <= r.nps <= 100.0
    assert -100.0 <= r.ci_low <= r.ci_high <= 100.0
    assert r.promoters + r.passives + r.detractors == len(values)
    shuffled = nps(list(reversed(values)))
    assert shuffled.nps == pytest.approx(r.nps)


def test_nps_difference() -> None:
    a, b = [10, 9, 9, 8, 3, 10, 10], [10, 6, 5, 8, 3, 9]
    d = nps_difference(a, b)
    ra, rb = nps(a), nps(b)
    assert d.difference == pytest.approx(ra.nps - rb.nps)
    assert d.se == pytest.approx(math.hypot(ra.se, rb.se))
    z = stats.norm.ppf(0.975)
    assert d.ci_low == pytest.approx(d.difference - z * d.se)
    assert d.p_value == pytest.approx(2 * stats.norm.sf(abs(d.difference / d.se)))
    lo, hi = d.confidence_interval(0.9)
    assert d.ci_low < lo < hi < d.ci_high
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
    assert r.by_segment["b"].satisfied == 1
    with pytest.raises(InputError, match="top_box"):
        csat(x, top_box=5)


def test_ces_against_scipy_t_interval() -> None:
    x = np.array([7, 6, 5, 4, 2, 6, 7, 3], dtype=float)
    r = ces(x)
    ci = stats.ttest_1samp(x, 0).confidence_interval(0.95)
    assert r.mean == pytest.approx(x.mean())
    assert r.mean_ci_low == pytest.approx(ci.low)
    assert r.mean_ci_high == pytest.approx(ci.high)
    assert r.agree == pytest.approx(100 * np.mean(x >= 5))
    assert r.agree_from == 5.0
    lo, hi = proportion_confint(int((x >= 5).sum()), x.size, method="wilson")
    assert r.agree_ci_low == pytest.approx(100 * lo)
    assert r.agree_ci_high == pytest.approx(100 * hi)


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
    lazy = nps(df.lazy(), columns="ltr", weights="w", method="adjusted_wald")
    for r in (nps(halves, method="adjusted_wald"), lazy):
        assert r.nps == pytest.approx(base.nps)
        assert r.se == pytest.approx(base.se)
        assert r.n_missing == 1
    sc = Scale.likert(0, 10)
    assert csat(df.lazy(), columns="ltr", scale=sc).csat == pytest.approx(
        csat(x, scale=sc).csat
    )
    assert ces(halves, scale=sc).mean == pytest.approx(ces(x, scale=sc, weights=w).mean)
    with pytest.raises(InputError, match="segments"):
        nps(halves, segments=["a"])
