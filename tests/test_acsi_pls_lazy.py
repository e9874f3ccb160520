"""PLS values computed on first access equal the eager computations.

``acsi.fit`` computes quality criteria, VIFs and the estimates table on
first access (satmodels.acsi._pls_derived) and takes faster routes for a
single fit (one batched solve for all structural regressions, the
unbatched iteration, vectorized HTMT, blocked scores). Each is checked here
against the direct formula on the same inputs, to 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest

from satmodels import acsi
from satmodels.acsi import quality as q
from satmodels.acsi._pls_derived import QUALITY, build_estimates
from satmodels.acsi._pls_kernel import _solve, layout, pls_outputs, pls_weights
from satmodels.acsi.pls import _scores
from satmodels.stats import Moments

MODEL = acsi.ModelSpec.from_syntax(
    "A =~ a1 + a2 + a3; B =~ b1 + b2; C =~ c1 + c2 + c3; D =~ d1;"
    "B ~ A; C ~ A + B; D ~ B + C"
)
COLS = ["a1", "a2", "a3", "b1", "b2", "c1", "c2", "c3", "d1"]


def _data(n: int = 300, seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = 0.6 * a + 0.8 * rng.normal(size=n)
    c = 0.3 * a + 0.5 * b + 0.7 * rng.normal(size=n)
    d = 0.4 * b + 0.5 * c + 0.6 * rng.normal(size=n)
    lat = [a, a, a, b, b, c, c, c, d]
    x = np.column_stack([0.8 * v + 0.6 * rng.normal(size=n) for v in lat])
    return np.clip(np.round(6 + 1.5 * x), 1, 10)


@pytest.mark.parametrize("scaled", [True, False])
def test_lazy_quality_vifs_and_estimates_equal_eager(scaled: bool) -> None:
    x = _data()
    res = acsi.fit(x, model=MODEL, columns=COLS, scale=(1, 10), scaled=scaled)
    lay = layout(MODEL)
    m = Moments.from_data(x, columns=COLS)
    corr = m.correlation()
    s = corr if scaled else m.covariance()
    w_std = res.outer_weights if scaled else res.outer_weights * m.std()
    eager = {
        "cronbach_alpha": q.cronbach_alpha(s, lay),
        "rho_c": q.rho_c(res.loadings, lay),
        "rho_a": q.rho_a(corr, w_std, lay),
        "ave": q.ave(res.loadings, lay),
        "outer_vif": q.outer_vif(corr, lay),
        "inner_vif": q.inner_vif(res.latent_correlation, lay),
    }
    for name, value in eager.items():
        np.testing.assert_allclose(
            getattr(res, name), value, rtol=1e-12, atol=1e-12, err_msg=name
        )
    # the second access returns the cached array
    assert res.rho_a is res.rho_a
    table = build_estimates(
        MODEL,
        lay,
        out={
            "paths": res.path_coefficients,
            "loadings": res.loadings,
            "total": res.total_effects,
            "indirect": res.indirect_effects,
            "r_squared": res.r_squared,
        },
        w_own=res.outer_weights,
        adj=res.adjusted_r_squared,
        indices=res.indices,
        htmt=res.htmt,
        quality={k: eager[k] for k in QUALITY},
        gof=res.gof,
        boot=None,
        n=res.n,
        level=res.confidence_level,
        backend=None,
    )
    assert res.estimates.name == table.name
    assert list(res.estimates.kind) == list(table.kind)
    np.testing.assert_allclose(
        res.estimates.estimate, table.estimate, rtol=1e-12, atol=1e-12
    )


def test_lazy_values_of_a_bootstrap_fit_and_segments() -> None:
    x = _data(200, 6)
    seg = np.where(np.arange(200) % 2 == 0, "x", "y")
    res = acsi.fit(
        x, model=MODEL, columns=COLS, scale=(1, 10), n_resamples=30, rng=1,
        segments=seg,
    )  # fmt: skip
    assert res.segments is not None
    for part in (res, *res.segments.values()):
        lay = layout(MODEL)
        np.testing.assert_allclose(
            part.ave, q.ave(part.loadings, lay), rtol=1e-12, atol=1e-12
        )
    rows = res.estimates.kind
    assert "bca" in set(res.estimates.interval)
    assert {"rho_a", "ave", "htmt"} <= set(rows)


def test_vectorized_htmt_equals_the_pair_loop() -> None:
    lay = layout(MODEL)
    x = _data()
    r = np.corrcoef(x, rowvar=False)
    reps = np.stack([r, np.corrcoef(x[::2], rowvar=False)])
    np.testing.assert_allclose(
        q.htmt(reps, lay), q._htmt_loop(reps, lay), rtol=1e-12, atol=1e-12
    )
    # a block whose indicators correlate negatively: NaN in both
    neg = r.copy()
    neg[3, 4] = neg[4, 3] = -0.5
    np.testing.assert_array_equal(
        np.isnan(q.htmt(neg[None], lay)), np.isnan(q._htmt_loop(neg[None], lay))
    )
    # a NaN correlation takes the loop, which keeps it to its own pairs
    bad = r.copy()
    bad[0, 5] = bad[5, 0] = np.nan
    out = q.htmt(bad[None], lay)[0]
    assert np.isnan(out[0, 2])
    assert np.isfinite(out[0, 1])


def test_single_fit_iteration_equals_the_batched_one() -> None:
    lay = layout(MODEL)
    s = np.corrcoef(_data(), rowvar=False)[None]
    for scheme in ("path", "centroid", "factorial"):
        one = pls_weights(s, lay, scheme=scheme)
        two = pls_weights(np.concatenate([s, s]), lay, scheme=scheme)
        np.testing.assert_allclose(
            one.weights[0], two.weights[0], rtol=1e-12, atol=1e-12
        )
        np.testing.assert_array_equal(one.iterations, two.iterations[:1])


def test_batched_regressions_equal_one_solve_per_latent() -> None:
    lay = layout(MODEL)
    s = np.corrcoef(_data(), rowvar=False)[None]
    fit = pls_weights(s, lay)
    out = pls_outputs(s, fit.weights, lay)
    lcor = out["latent_correlation"][0]
    for k, pred in enumerate(lay.predecessors):
        if not pred.size:
            continue
        beta = _solve(lcor[np.ix_(pred, pred)][None], lcor[pred, k][None, :, None])
        np.testing.assert_allclose(
            out["paths"][0][pred, k], beta[0, :, 0], rtol=1e-12, atol=1e-12
        )
        np.testing.assert_allclose(
            out["r_squared"][0][k],
            beta[0, :, 0] @ lcor[pred, k],
            rtol=1e-12,
            atol=1e-12,
        )


@pytest.mark.parametrize("complete", [True, False])
def test_blocked_scores_equal_the_formula(complete: bool) -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(7000, 9))  # more rows than one block
    if not complete:
        x[::13, 4] = np.nan
    lay = layout(MODEL)
    w = np.zeros((9, 4))
    for k, idx in enumerate(lay.members):
        w[idx, k] = rng.uniform(0.2, 0.6, size=idx.size)
    mean, sd = np.nanmean(x, axis=0), np.nanstd(x, axis=0, ddof=1)
    got = _scores(x, w, mean=mean, sd=sd, lay=lay, scaled=True, complete=complete)
    z = (x - mean) / sd
    want = np.column_stack([z[:, idx] @ w[idx, k] for k, idx in enumerate(lay.members)])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
