"""Case weights in Kano, checked against computations that do not use them.

* integer weights equal the unweighted analysis of rows repeated that many
  times (counts, shares, categories, Better/Worse, continuous means);
* Kish's effective n, the Wilson interval with it and Fong's test on the
  counts rescaled to it, typed in by hand for a four-respondent example;
* weight 0 removes the row;
* the lazy engine and the rows in memory agree with weights.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from satmodels import InputError, kano

PAIRS = [(f"f{a}", f"d{a}") for a in range(3)]


def _data(n: int = 150, seed: int = 3) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray[Any, Any]] = {}
    for a in range(3):
        f = rng.integers(1, 6, size=n).astype(np.float64)
        d = rng.integers(1, 6, size=n).astype(np.float64)
        f[rng.random(n) < 0.05] = np.nan
        cols[f"f{a}"], cols[f"d{a}"] = f, d
    cols["w"] = rng.integers(1, 4, size=n).astype(np.float64)
    cols["seg"] = np.where(rng.random(n) < 0.5, 1.0, 2.0)
    return cols


def _repeat(cols: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    reps = cols["w"].astype(np.int64)
    return {k: np.repeat(v, reps) for k, v in cols.items() if k != "w"}


def test_integer_weights_equal_repeated_rows() -> None:
    cols = _data()
    w = kano.analyze(cols, pairs=PAIRS, weights="w")
    rep = kano.analyze(_repeat(cols), pairs=PAIRS)
    np.testing.assert_allclose(w.weighted_counts, rep.counts, rtol=1e-12)
    np.testing.assert_allclose(w.shares, rep.shares, rtol=1e-12)
    np.testing.assert_allclose(w.better, rep.better, rtol=1e-12)
    np.testing.assert_allclose(w.worse, rep.worse, rtol=1e-12)
    np.testing.assert_allclose(w.total_strength, rep.total_strength, rtol=1e-12)
    np.testing.assert_allclose(w.category_strength, rep.category_strength, rtol=1e-12)
    assert w.category == rep.category
    assert w.category_aom == rep.category_aom
    # the respondents are the rows, not the repetitions: counts, n, n_missing
    unw = kano.analyze(cols, pairs=PAIRS)
    np.testing.assert_array_equal(w.counts, unw.counts)
    np.testing.assert_array_equal(w.n_missing, unw.n_missing)
    assert w.weighted and not unw.weighted
    # Kish's n lies between the rows and ... never above the rows
    assert (w.n_effective <= w.n + 1e-9).all()
    # estimates hold the weighted numbers
    np.testing.assert_allclose(w.estimates.select("better").estimate, rep.better)


def test_integer_weights_continuous_means_equal_repeated_rows() -> None:
    cols = _data(200, seed=8)
    w = kano.continuous(cols, pairs=PAIRS, weights="w")
    rep = kano.continuous(_repeat(cols), pairs=PAIRS)
    np.testing.assert_allclose(w.functional_mean, rep.functional_mean, rtol=1e-12)
    np.testing.assert_allclose(w.dysfunctional_mean, rep.dysfunctional_mean)
    assert w.quadrant == rep.quadrant


def test_hand_computed_kish_example() -> None:
    # O (w 2), A (w 1), M (w 1), I (w 2): W = 6, sum w^2 = 10
    data = {
        "f": np.array([1.0, 1.0, 2.0, 3.0]),
        "d": np.array([5.0, 4.0, 5.0, 3.0]),
        "w": np.array([2.0, 1.0, 1.0, 2.0]),
    }
    res = kano.analyze(data, functional="f", dysfunctional="d", weights="w")
    n_eff = 6.0**2 / 10.0  # Kish (1965): 3.6
    assert res.n_effective[0] == pytest.approx(n_eff)
    better, worse = (1 + 2) / 6, -(2 + 1) / 6
    assert res.better[0] == pytest.approx(better)
    assert res.worse[0] == pytest.approx(worse)
    assert res.shares[0].tolist() == pytest.approx([1 / 6, 2 / 6, 1 / 6, 2 / 6, 0, 0])
    # Wilson (1927) with m = n_eff trials and x = share * m successes
    z = 1.959963984540054
    m, x = n_eff, better * n_eff
    centre = (x + z * z / 2) / (m + z * z)
    half = z / (m + z * z) * math.sqrt(x * (m - x) / m + z * z / 4)
    assert res.better_low[0] == pytest.approx(centre - half, rel=1e-12)
    assert res.better_high[0] == pytest.approx(centre + half, rel=1e-12)
    # Fong (1996) on the counts rescaled to n_eff: O and I tie at 2/6 * 3.6
    a = b = 2 / 6 * n_eff
    crit = 1.65 * math.sqrt((a + b) * (2 * n_eff - a - b) / (2 * n_eff))
    assert res.fong_critical[0] == pytest.approx(crit)
    assert res.fong_difference[0] == pytest.approx(0.0)
    # continuous: weighted mean and variance x n_eff / (n_eff - 1)
    cont = kano.continuous(data, functional="f", dysfunctional="d", weights="w")
    fs, wt = np.array([4.0, 4.0, 2.0, 0.0]), data["w"]
    mean = (wt * fs).sum() / wt.sum()
    var = (wt * (fs - mean) ** 2).sum() / wt.sum() * n_eff / (n_eff - 1)
    assert cont.functional_mean[0] == pytest.approx(mean)
    assert cont.functional_sd[0] == pytest.approx(math.sqrt(var))
    assert cont.n_effective[0] == pytest.approx(n_eff)


def test_zero_weight_removes_the_row() -> None:
    cols = _data(80, seed=2)
    cols["w"][:10] = 0.0
    w = kano.analyze(cols, pairs=PAIRS, weights="w")
    kept = {k: v[10:] for k, v in cols.items()}
    ref = kano.analyze(kept, pairs=PAIRS, weights="w")
    np.testing.assert_array_equal(w.counts, ref.counts)
    np.testing.assert_allclose(w.better_low, ref.better_low, rtol=1e-12)
    assert w.missing_report is not None
    assert w.missing_report.reasons["weight 0"] == 10
    assert w.n_respondents == 70


def test_weighted_segments_equal_the_subsets() -> None:
    cols = _data(120, seed=6)
    res = kano.analyze(cols, pairs=PAIRS, weights="w", segments="seg")
    assert res.segments is not None
    assert list(res.segments) == ["1.0", "2.0"]
    sub = {k: v[cols["seg"] == 2.0] for k, v in cols.items()}
    ref = kano.analyze(sub, pairs=PAIRS, weights="w")
    np.testing.assert_allclose(res.segments["2.0"].better_low, ref.better_low)
    np.testing.assert_allclose(res.segments["2.0"].n_effective, ref.n_effective)


def test_lazy_weighted_equals_rows_in_memory() -> None:
    pl = pytest.importorskip("polars")
    cols = _data(100, seed=4)
    eager = kano.analyze(cols, pairs=PAIRS, weights="w", segments="seg")
    lazy = kano.analyze(
        pl.DataFrame(cols, nan_to_null=True).lazy(),
        pairs=PAIRS,
        weights="w",
        segments="seg",
    )
    np.testing.assert_allclose(lazy.weighted_counts, eager.weighted_counts)
    np.testing.assert_allclose(lazy.n_effective, eager.n_effective, rtol=1e-12)
    np.testing.assert_allclose(
        lazy.estimates.ci_low, eager.estimates.ci_low, rtol=1e-12
    )
    assert lazy.segments is not None and eager.segments is not None
    assert list(lazy.segments) == list(eager.segments)
    for key, seg in eager.segments.items():
        np.testing.assert_allclose(lazy.segments[key].better, seg.better)
    cont = kano.continuous(
        pl.DataFrame(cols, nan_to_null=True).lazy(), pairs=PAIRS, weights="w"
    )
    ref = kano.continuous(cols, pairs=PAIRS, weights="w")
    np.testing.assert_allclose(cont.functional_sd, ref.functional_sd, rtol=1e-12)


def test_weighted_bootstrap_and_bad_weights() -> None:
    cols = _data(300, seed=1)
    res = kano.analyze(cols, pairs=PAIRS, weights="w", n_resamples=2000, rng=5)
    boot = res.confidence_interval(method="bootstrap")
    wil = res.confidence_interval()
    better = [i for i, k in enumerate(res.estimates.kind) if k == "better"]
    np.testing.assert_allclose(boot.low[better], wil.low[better], atol=0.03)
    again = kano.analyze(cols, pairs=PAIRS, weights="w", n_resamples=2000, rng=5)
    np.testing.assert_array_equal(
        again.confidence_interval(method="bootstrap").low, boot.low
    )
    bad = dict(cols)
    bad["w"] = -bad["w"]
    with pytest.raises(InputError, match="weights"):
        kano.analyze(bad, pairs=PAIRS, weights="w")


def test_weighted_classification_shares() -> None:
    cols = _data(60, seed=9)
    cls = kano.classify(cols, pairs=PAIRS, weights="w")
    rep = kano.analyze(_repeat(cols), pairs=PAIRS)
    np.testing.assert_allclose(
        cls.estimates.estimate, rep.estimates.select("share").estimate, rtol=1e-12
    )


def test_compare_waves_reads_two_data_sets() -> None:
    w1, w2 = _data(150, seed=11), _data(150, seed=12)
    direct = kano.compare_waves(w1, w2, pairs=PAIRS, rng=1)
    r1 = kano.analyze(w1, pairs=PAIRS)
    r2 = kano.analyze(w2, pairs=PAIRS)
    ref = kano.compare_waves(r1, r2, rng=1)
    np.testing.assert_array_equal(direct.statistic, ref.statistic)
    np.testing.assert_allclose(direct.better_change, r2.better - r1.better)
    # the change of Better: normal interval from the two binomial errors
    row = direct.estimates.select("better_change")
    se = np.sqrt(
        r1.estimates.select("better").standard_error ** 2
        + r2.estimates.select("better").standard_error ** 2
    )
    np.testing.assert_allclose(row.standard_error, se)
    np.testing.assert_allclose(row.ci_high - row.estimate, 1.959963984540054 * se)
    assert direct.confidence_interval().low.shape == (len(direct.estimates),)
    # integer weights: the test sees the weighted counts rescaled to Kish's n
    weighted = kano.compare_waves(w1, w2, pairs=PAIRS, weights="w", rng=1)
    np.testing.assert_allclose(
        weighted.better_change,
        kano.analyze(w2, pairs=PAIRS, weights="w").better
        - kano.analyze(w1, pairs=PAIRS, weights="w").better,
    )
    with pytest.raises(InputError, match="weights"):
        kano.compare_waves(w1, w2, pairs=PAIRS, weights=w1["w"])


def test_continuous_intervals_at_another_level_are_recomputed() -> None:
    cols = _data(90, seed=5)
    res = kano.continuous(cols, pairs=PAIRS, weights="w", segments="seg")
    assert res.segments is not None and list(res.segments) == ["1.0", "2.0"]
    ci = res.confidence_interval(0.8)
    t = np.asarray(
        [
            __import__("scipy").stats.t.ppf(0.9, n - 1)
            for n in np.repeat(res.n_effective, 2)
        ]
    )
    se = res.estimates.standard_error
    np.testing.assert_allclose(ci.high - res.estimates.estimate, t * se)
