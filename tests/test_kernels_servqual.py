"""SERVQUAL kernels against hand formulas (kills mutants of ``servqual/_kernels.py``)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from satmodels import Moments
from satmodels.servqual import _kernels as k


def test_welch_df_by_hand() -> None:
    se1 = np.array([0.3, 0.0, 0.2])
    df1 = np.array([9.0, 4.0, 12.0])
    se2 = np.array([0.5, 0.0, 0.1])
    df2 = np.array([14.0, 7.0, 3.0])
    got = k._welch_df(se1, df1, se2, df2)
    for i in (0, 2):
        v1, v2 = se1[i] ** 2, se2[i] ** 2
        want = (v1 + v2) ** 2 / (v1**2 / df1[i] + v2**2 / df2[i])
        assert got[i] == pytest.approx(want, rel=1e-14)
    assert got[1] == 4.0  # 0/0: the smaller df


# ----------------------------------------------------------- item statistics
def _loop_item(
    x: np.ndarray, w: np.ndarray, a: int, b: int | None
) -> tuple[int, float, float, float]:
    """(n, mean, var, size) of x_a - x_b over the rows observing both."""
    d = x[:, a] if b is None else x[:, a] - x[:, b]
    rows = ~np.isnan(d) & (w > 0)
    dd, ww = d[rows], w[rows]
    if dd.size == 0:
        return 0, math.nan, math.nan, 0.0
    big_w, q = ww.sum(), (ww * ww).sum()
    mean = float(np.average(dd, weights=ww))
    div = big_w - q / big_w
    var = float(np.sum(ww * (dd - mean) ** 2) / div) if div > 0 else math.nan
    return dd.size, mean, var, float(big_w * big_w / q)


def _servqual_data(seed: int, missing: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 70
    e = rng.integers(1, 8, size=(n, 3)).astype(float)
    p = np.clip(e + rng.integers(-2, 3, size=(n, 3)), 1, 7)
    x = np.hstack([p, e])
    x[rng.random(x.shape) < missing] = np.nan
    return x, rng.uniform(0.3, 2.5, n)


@pytest.mark.parametrize("weighted", [False, True, "tiny"])
@pytest.mark.parametrize("missing", [0.0, 0.15])
def test_item_stats_against_a_loop(weighted: bool | str, missing: float) -> None:
    x, w = _servqual_data(1, missing)
    if weighted == "tiny":  # W and sum w^2 below 1
        w = w * 1e-3
    m = Moments.from_data(x, weights=w if weighted else None, missing="pairwise")
    ww = w if weighted else np.ones(len(x))
    plus, minus = np.array([0, 1, 2]), np.array([3, 4, 5])
    for mn in (minus, None):
        mean, var, size, sigma = k._item_stats(m, plus, mn)
        for i in range(3):
            n_i, mu, v, s = _loop_item(x, ww, plus[i], None if mn is None else mn[i])
            assert mean[i] == pytest.approx(mu, rel=1e-12)
            assert var[i] == pytest.approx(v, rel=1e-10)
            assert size[i] == pytest.approx(s if weighted else n_i, rel=1e-12)
            assert sigma[i, i] == pytest.approx(v / (s if weighted else n_i), rel=1e-10)
        if missing == 0.0:
            # complete data: the covariance of two means is s_ij sum(w^2) / W^2
            d = x[:, plus] - (0.0 if mn is None else x[:, mn])
            want = np.cov(d.T, aweights=ww) * (ww @ ww) / ww.sum() ** 2
            np.testing.assert_allclose(sigma, want, rtol=1e-10)


def test_item_stats_with_partly_overlapping_items() -> None:
    # Sigma_ij = cov(d_i, d_j) n_ij / (n_i n_j): the pairwise covariances of
    # the four columns, times the fewest rows shared by any two of them
    x, _ = _servqual_data(2, 0.2)
    m = Moments.from_data(x, missing="pairwise")
    plus, minus = np.array([0, 1, 2]), np.array([3, 4, 5])
    _, _, _, sigma = k._item_stats(m, plus, minus)
    obs = ~np.isnan(x)

    def cov(i: int, j: int) -> float:
        rows = obs[:, i] & obs[:, j]
        return float(np.cov(x[rows, i], x[rows, j])[0, 1])

    def shared(i: int, j: int) -> int:
        return int((obs[:, i] & obs[:, j]).sum())

    for i in range(3):
        for j in range(3):
            if i == j:
                continue
            a, b, c, d = plus[i], minus[i], plus[j], minus[j]
            cross = cov(a, c) - cov(a, d) - cov(b, c) + cov(b, d)
            q = min(shared(a, c), shared(a, d), shared(b, c), shared(b, d))
            q = min(q, shared(a, b), shared(c, d))
            assert sigma[i, j] == pytest.approx(
                cross * q / (shared(a, b) * shared(c, d)), rel=1e-10, abs=1e-15
            )


def test_constant_gap_has_exactly_zero_variance() -> None:
    rng = np.random.default_rng(0)
    e = rng.normal(4.0, 1.0, size=(30, 2)) * 1e3
    x = np.hstack([e + 1.0, e])  # P = E + 1 for every respondent
    for weights in (None, rng.uniform(0.5, 2.0, 30)):
        m = Moments.from_data(x, weights=weights, missing="pairwise")
        mean, var, _, sigma = k._item_stats(m, np.array([0, 1]), np.array([2, 3]))
        np.testing.assert_allclose(mean, 1.0, rtol=1e-9)
        assert var.tolist() == [0.0, 0.0]
        assert np.diagonal(sigma).tolist() == [0.0, 0.0]


def test_items_without_rows_or_variance() -> None:
    x = np.array(
        [
            [1.0, np.nan, 3.0, 2.0],
            [2.0, np.nan, np.nan, 5.0],
            [4.0, 5.0, np.nan, np.nan],
        ]
    )
    for weights in (None, [0.5, 2.0, 1.5]):
        m = Moments.from_data(x, weights=weights, missing="pairwise")
        mean, var, size, sigma = k._item_stats(m, np.array([0, 1]), np.array([2, 3]))
        assert mean[0] == -2.0  # one row observes x0 and x2
        assert np.isnan(mean[1])  # no row observes x1 and x3
        assert size.tolist() == [1.0, 0.0]
        assert np.isnan(var).all()
        assert np.isnan(np.diagonal(sigma)).all()
        assert sigma[0, 1] == sigma[1, 0] == 0.0  # no shared row, no covariance


@pytest.mark.parametrize(("delta", "kept"), [(1e-3, True), (4.5e-5, False)])
def test_a_nearly_constant_gap(delta: float, kept: bool) -> None:
    # a variance above 1e-10 of the item's spread per degree of freedom is
    # real and kept; below it, it is rounding of the cancellation: exactly 0
    rng = np.random.default_rng(4)
    e = rng.normal(size=101)
    p = e + 1.0
    p[0] += delta
    m = Moments.from_data(np.column_stack([p, e]), missing="pairwise")
    _, var, _, _ = k._item_stats(m, np.array([0]), np.array([1]))
    d = p - e
    spread = np.sum((p - p.mean()) ** 2) + np.sum((e - e.mean()) ** 2)
    assert (d.var(ddof=1) > 1e-10 * spread / 100) == kept
    if kept:
        assert var[0] == pytest.approx(d.var(ddof=1), rel=1e-4)
    else:
        assert var[0] == 0.0


# ------------------------------------------------------ linear combinations
def test_combine_and_apply_by_hand() -> None:
    mean = np.array([1.0, -2.0, 0.5, np.nan])
    sigma = np.array(
        [
            [0.04, 0.01, 0.0, 0.0],
            [0.01, 0.09, 0.02, 0.0],
            [0.0, 0.02, 0.16, 0.0],
            [0.0, 0.0, 0.0, np.nan],
        ]
    )
    n = np.array([20.0, 15.0, 30.0, 0.0])
    weights = np.array(
        [
            [1.0, 1.0, 0.0, 0.0],
            [0.5, 0.0, 0.5, 0.0],
            [0.0, 0.0, 1.0, 1.0],
            [1.0, -1.0, 0.0, 0.0],
        ]
    )
    est, se, df, n_min = k._combine(mean, sigma, n, weights)
    none = k._combine(mean, sigma, n, np.zeros((1, 4)))  # uses no item
    assert (none[0][0], none[1][0], none[2][0], none[3][0]) == (0.0, 0.0, 0.0, 0.0)
    for r in (0, 1, 3):
        a = weights[r, :3]
        assert est[r] == pytest.approx(a @ mean[:3], rel=1e-15)
        assert se[r] == pytest.approx(np.sqrt(a @ sigma[:3, :3] @ a), rel=1e-14)
        used = n[:3][a != 0]
        assert n_min[r] == used.min()
        assert df[r] == used.min() - 1.0
    assert np.isnan(est[2])
    assert np.isnan(se[2])
    assert n_min[2] == 0.0
    assert df[2] == 0.0
    got = k._apply(weights, mean)
    np.testing.assert_allclose(got[[0, 1, 3]], est[[0, 1, 3]], rtol=1e-15)
    assert np.isnan(got[2])


def test_combine_zero_variance_is_zero_not_rounding_noise() -> None:
    # a difference of two perfectly correlated means: a'Sigma a cancels to 0
    sigma = np.array([[0.1, 0.1], [0.1, 0.1]]) / 3.0
    est, se, _, _ = k._combine(
        np.array([2.0, 1.0]), sigma, np.array([10.0, 10.0]), np.array([[1.0, -1.0]])
    )
    assert est[0] == 1.0
    assert se[0] == 0.0


def test_t_interval_by_hand() -> None:
    est = np.array([1.0, 2.0, 3.0, -1.0])
    se = np.array([0.5, 0.25, 1.0, 2.0])
    df = np.array([4.0, 30.0, 0.0, 1.0])
    lo, hi = k._t_interval(est, se, df, 0.9)
    assert hi[3] == pytest.approx(
        -1.0 + 2.0 * np.tan(np.pi * 0.45), rel=1e-12
    )  # Cauchy
    for i in (0, 1, 3):
        q = stats.t.ppf(0.95, df[i])
        assert lo[i] == pytest.approx(est[i] - q * se[i], rel=1e-14)
        assert hi[i] == pytest.approx(est[i] + q * se[i], rel=1e-14)
    assert np.isnan(lo[2])
    assert np.isnan(hi[2])


def test_welch_df_with_a_zero_df_side_is_zero() -> None:
    # v1^2 / 0 is a division by zero (silenced): the Welch df is then 0
    got = k._welch_df(
        np.array([0.4]), np.array([0.0]), np.array([0.2]), np.array([8.0])
    )
    assert got.tolist() == [0.0]
