"""Measurement quality, 0-100 indices, IPMA and index aggregation (acsi)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.outliers_influence import (  # type: ignore[import-untyped]
    variance_inflation_factor,
)

from satmodels import Moments
from satmodels.acsi import fit as acsi_fit
from satmodels.exceptions import InputError, SatmodelsWarning

MODEL = """
A =~ a1 + a2 + a3
B =~ b1 + b2
C =~ c1 + c2 + c3
B ~ A
C ~ A + B
"""
COLS = ["a1", "a2", "a3", "b1", "b2", "c1", "c2", "c3"]
BLOCKS = [[0, 1, 2], [3, 4], [5, 6, 7]]


def _data(n: int = 300, seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = 0.6 * a + 0.8 * rng.normal(size=n)
    c = 0.4 * a + 0.3 * b + 0.8 * rng.normal(size=n)
    lat = np.column_stack([a, a, a, b, b, c, c, c])
    x = lat * np.array([0.9, 0.8, 0.6, 0.9, 0.7, 0.8, 0.8, 0.7])
    x = x + 0.6 * rng.normal(size=(n, 8))
    return np.asarray(np.clip(np.round(6 + 1.5 * x), 1, 10), dtype=np.float64)


def test_cronbach_alpha_by_hand() -> None:
    # Cronbach (1951): k/(k-1) (1 - sum var_i / var(sum)) on standardized items
    x = _data()
    res = acsi_fit(x, model=MODEL, columns=COLS)
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    for k, idx in enumerate(BLOCKS):
        sub = z[:, idx]
        m = len(idx)
        alpha = m / (m - 1) * (1 - sub.var(0, ddof=1).sum() / sub.sum(1).var(ddof=1))
        assert res.cronbach_alpha[k] == pytest.approx(alpha, rel=1e-10)
    # unscaled fit: raw-score alpha
    raw = acsi_fit(x, model=MODEL, columns=COLS, scaled=False)
    sub = x[:, BLOCKS[0]]
    alpha = 3 / 2 * (1 - sub.var(0, ddof=1).sum() / sub.sum(1).var(ddof=1))
    assert raw.cronbach_alpha[0] == pytest.approx(alpha, rel=1e-10)


def test_rho_c_and_ave_by_hand() -> None:
    # Werts, Linn & Joreskog (1974); Fornell & Larcker (1981)
    x = _data()
    res = acsi_fit(x, model=MODEL, columns=COLS)
    for k, idx in enumerate(BLOCKS):
        lam = res.loadings[idx]
        rho = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
        assert res.rho_c[k] == pytest.approx(rho, rel=1e-12)
        assert res.ave[k] == pytest.approx(np.mean(lam**2), rel=1e-12)


def test_rho_a_equals_squared_composite_reliability_in_population() -> None:
    # Dijkstra & Henseler (2015): in a common-factor population rho_A equals
    # the squared correlation between the composite and its factor, (w'l)^2
    lam = np.array([0.9, 0.7, 0.5, 0.8, 0.6])
    phi = np.array([[1.0, 0.5], [0.5, 1.0]])
    big = np.zeros((5, 2))
    big[:3, 0], big[3:, 1] = lam[:3], lam[3:]
    sigma = big @ phi @ big.T + np.diag(1 - (big**2).sum(1))
    m = Moments.from_covariance(sigma, n=100, columns=["x1", "x2", "x3", "y1", "y2"])
    res = acsi_fit(
        m, model="X =~ x1 + x2 + x3; Y =~ y1 + y2; Y ~ X", tol=1e-12, scale=(-5, 5)
    )
    for k, idx in enumerate([[0, 1, 2], [3, 4]]):
        w = res.outer_weights[idx]
        assert res.rho_a[k] == pytest.approx((w @ lam[idx]) ** 2, rel=1e-9)


def test_htmt_by_hand() -> None:
    # Henseler, Ringle & Sarstedt (2015), eq. 6, written out for A and C
    x = _data()
    res = acsi_fit(x, model=MODEL, columns=COLS)
    r = np.corrcoef(x, rowvar=False)
    hetero = np.mean([r[i, j] for i in BLOCKS[0] for j in BLOCKS[2]])
    mono_a = np.mean([r[0, 1], r[0, 2], r[1, 2]])
    mono_c = np.mean([r[5, 6], r[5, 7], r[6, 7]])
    assert res.htmt[0, 2] == pytest.approx(hetero / math.sqrt(mono_a * mono_c))
    assert res.htmt[2, 0] == res.htmt[0, 2]
    assert np.isnan(res.htmt[1, 1])


def test_vif_against_statsmodels() -> None:
    x = _data()
    res = acsi_fit(x, model=MODEL, columns=COLS)
    for idx in BLOCKS:
        exog = np.column_stack([np.ones(len(x)), x[:, idx]])
        for pos, i in enumerate(idx):
            assert res.outer_vif[i] == pytest.approx(
                variance_inflation_factor(exog, pos + 1), rel=1e-8
            )
    assert res.scores is not None
    exog = np.column_stack([np.ones(len(x)), res.scores[:, :2]])
    assert res.inner_vif[0, 2] == pytest.approx(variance_inflation_factor(exog, 1))
    assert res.inner_vif[1, 2] == pytest.approx(variance_inflation_factor(exog, 2))
    assert np.isnan(res.inner_vif[2, 0])


def test_fornell_larcker() -> None:
    x = _data()
    res = acsi_fit(x, model=MODEL, columns=COLS)
    mat, ok = res.fornell_larcker()
    np.testing.assert_allclose(np.diag(mat), np.sqrt(res.ave))
    assert mat[0, 1] == res.latent_correlation[0, 1]
    for k, lv in enumerate(res.latents):
        others = np.delete(np.abs(res.latent_correlation[k]), k)
        assert ok[lv] == (math.sqrt(res.ave[k]) > others.max())
    assert res.to_dict()["quality"]["A"]["fornell_larcker"] == ok["A"]


# ------------------------------------------------------------------ indices
def test_index_formula_by_hand() -> None:
    # Fornell et al. (1996): weights w_i / s_i normalized to sum 1, applied
    # to (mean_i - min) / (max - min) * 100 with the declared scale
    x = _data()
    res = acsi_fit(x, model=MODEL, columns=COLS, scale=(1, 10))
    assert res.indices is not None
    sd = x.std(0, ddof=1)
    for k, idx in enumerate(BLOCKS):
        v = res.outer_weights[idx] / sd[idx]
        v = v / v.sum()
        want = float(v @ ((x[:, idx].mean(0) - 1) / 9 * 100))
        assert res.indices[k] == pytest.approx(want, rel=1e-12)
    # unscaled fit: weights already refer to the raw answers
    raw = acsi_fit(x, model=MODEL, columns=COLS, scale=(1, 10), scaled=False)
    assert raw.indices is not None
    v = raw.outer_weights[:3] / raw.outer_weights[:3].sum()
    assert raw.indices[0] == pytest.approx(v @ ((x[:, :3].mean(0) - 1) / 9 * 100))
    assert res.index["A"] == res.indices[0]


def test_index_extremes_and_scale_object() -> None:
    from satmodels import Scale

    x = _data()
    top = x.copy()
    top[:5, :3] = 10.0
    res = acsi_fit(top, model=MODEL, columns=COLS, scale=Scale.likert(1, 10))
    assert res.indices is not None
    assert res.indices.min() >= 0.0 and res.indices.max() <= 100.0
    # no scale: the observed minimum and maximum of the indicators, said so
    observed = acsi_fit(x, model=MODEL, columns=COLS)
    assert observed.scale is not None and observed.scale.name == "observed min-max"
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    assert (observed.scale.minimum, observed.scale.maximum) == (lo, hi)
    same = acsi_fit(x, model=MODEL, columns=COLS, scale=(lo, hi))
    np.testing.assert_allclose(observed.indices, same.indices, rtol=1e-14)
    assert set(observed.index) == {"A", "B", "C"}
    assert "observed range" in str(observed.summary())


@settings(deadline=None, max_examples=15)
@given(st.integers(0, 10_000), st.floats(-3, 3), st.floats(0.5, 4))
def test_index_invariant_to_affine_recoding(
    seed: int, shift: float, mult: float
) -> None:
    # recoding answers a -> mult * a + shift together with the scale ends
    # leaves every 0-100 index unchanged (STYLE.md property list)
    x = _data(150, seed)
    a = acsi_fit(x, model=MODEL, columns=COLS, scale=(1, 10), scores=False)
    b = acsi_fit(
        x * mult + shift,
        model=MODEL,
        columns=COLS,
        scale=(1 * mult + shift, 10 * mult + shift),
        scores=False,
    )
    assert a.indices is not None and b.indices is not None
    np.testing.assert_allclose(a.indices, b.indices, rtol=1e-9)
    assert np.all((a.indices >= 0) & (a.indices <= 100))


def test_ipma_against_regressions_on_rescaled_scores() -> None:
    # Ringle & Sarstedt (2016): importance = unstandardized total effect on
    # 0-100 rescaled latent scores; checked by OLS on those scores
    x = _data()
    res = acsi_fit(x, model=MODEL, columns=COLS, scale=(1, 10))
    sd = x.std(0, ddof=1)
    scores = np.empty((len(x), 3))
    for k, idx in enumerate(BLOCKS):
        v = res.outer_weights[idx] / sd[idx]
        scores[:, k] = ((x[:, idx] - 1) / 9 * 100) @ (v / v.sum())

    def ols(y: np.ndarray, xs: np.ndarray) -> np.ndarray:
        design = np.column_stack([np.ones(len(y)), xs])
        return np.asarray(np.linalg.lstsq(design, y, rcond=None)[0][1:])

    b_ab = ols(scores[:, 1], scores[:, [0]])[0]
    b_ac, b_bc = ols(scores[:, 2], scores[:, [0, 1]])
    ipma = res.ipma("C")
    assert ipma.latents == ("A", "B")
    np.testing.assert_allclose(ipma.importance, [b_ac + b_ab * b_bc, b_bc], rtol=1e-8)
    np.testing.assert_allclose(ipma.performance, scores[:, :2].mean(0), rtol=1e-10)
    va = res.outer_weights[:3] / sd[:3]
    np.testing.assert_allclose(
        ipma.indicator_importance[:3], va / va.sum() * ipma.importance[0], rtol=1e-8
    )
    np.testing.assert_allclose(
        ipma.indicator_performance[:3], (x[:, :3].mean(0) - 1) / 9 * 100
    )
    assert "Importance-performance" in str(ipma.summary())
    assert len(ipma.to_frame()) == 2 * (2 + 5)  # importance and performance rows
    with pytest.raises(InputError, match="no predecessors"):
        res.ipma("A")
    with pytest.raises(InputError, match="unknown latent"):
        res.ipma("Z")
    # without a declared scale IPMA uses the observed range (said in .scale)
    assert acsi_fit(x, model=MODEL, columns=COLS).ipma("C").latents == ("A", "B")
    with pytest.warns(SatmodelsWarning, match="no 'scale'"):
        no_scale = acsi_fit(Moments.from_data(x, columns=COLS), model=MODEL)
    with pytest.raises(InputError, match="scale"):
        no_scale.ipma("C")
