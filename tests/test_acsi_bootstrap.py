"""Tests of the batched PLS bootstrap: intervals, jackknife, batch == loop."""

from __future__ import annotations

import json
from typing import Literal

import numpy as np
import pytest
from scipy import stats

from satmodels import Moments
from satmodels.acsi import fit as acsi_fit
from satmodels.acsi._pls_boot import jackknife
from satmodels.acsi._pls_options import PLSOptions
from satmodels.data import read
from satmodels.exceptions import ConvergenceWarning, EstimationError, InputError
from satmodels.stats.intervals import bca_interval, percentile_interval, summarize

MODEL = """
A =~ a1 + a2 + a3
B =~ b1 + b2
C =~ c1 + c2 + c3
B ~ A
C ~ A + B
"""
COLS = ["a1", "a2", "a3", "b1", "b2", "c1", "c2", "c3"]


def _data(n: int = 120, seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = 0.6 * a + 0.8 * rng.normal(size=n)
    c = 0.4 * a + 0.3 * b + 0.8 * rng.normal(size=n)
    lat = np.column_stack([a, a, a, b, b, c, c, c])
    x = 0.8 * lat + 0.6 * rng.normal(size=(n, 8))
    return np.clip(np.round(5.5 + 2 * x), 1, 10)


@pytest.mark.parametrize("method", ["BCa", "percentile"])
def test_intervals_match_scipy_bootstrap(method: Literal["BCa", "percentile"]) -> None:
    # scipy.stats.bootstrap (Efron & Tibshirani 1993, 14.3 and 15.4) given
    # the same replicates and leave-one-out values
    x = np.random.default_rng(0).gamma(2.0, size=60)
    res = stats.bootstrap(
        (x,), np.mean, n_resamples=999, method=method, rng=np.random.default_rng(1)
    )
    reps = res.bootstrap_distribution[:, None]
    est = np.array([x.mean()])
    if method == "BCa":
        jack = np.array([np.delete(x, i).mean() for i in range(len(x))])[:, None]
        lo, hi = bca_interval(reps, est, jack, 0.95)
    else:
        lo, hi = percentile_interval(reps, 0.95)
    assert lo[0] == pytest.approx(res.confidence_interval.low, rel=1e-12)
    assert hi[0] == pytest.approx(res.confidence_interval.high, rel=1e-12)


def test_summarize_se_t_p() -> None:
    reps = np.random.default_rng(2).normal(0.5, 0.1, size=(4000, 1))
    iv = summarize(reps, np.array([0.5]), None, 0.95)
    assert iv.se[0] == pytest.approx(reps.std(ddof=1))
    assert iv.t[0] == pytest.approx(0.5 / iv.se[0])
    assert iv.p_value[0] == pytest.approx(2 * stats.norm.sf(iv.t[0]))
    # zero acceleration, symmetric replicates: BCa ~ percentile
    assert iv.bca_low[0] == pytest.approx(iv.percentile_low[0], abs=0.01)


def test_batch_equals_loop_of_single_fits() -> None:
    x = _data()
    res = acsi_fit(x, model=MODEL, columns=COLS, n_resamples=25, rng=11, scale=(1, 10))
    boot = res.bootstrap
    assert boot is not None and boot.n_failed == 0
    reps = Moments.bootstrap(
        x, n_resamples=25, columns=COLS, rng=np.random.default_rng(11)
    )
    rows_paths = boot.rows("paths")
    rows_idx = boot.rows("indices")
    rows_htmt = boot.rows("htmt")
    for b in range(25):
        single = acsi_fit(reps.replicate(b), model=MODEL, scale=(1, 10))
        want = [single.path(*boot.label[k].split(" -> ")) for k in rows_paths]
        np.testing.assert_allclose(boot._replicates[b, rows_paths], want, atol=1e-6)
        assert single.indices is not None
        np.testing.assert_allclose(
            boot._replicates[b, rows_idx], single.indices, atol=1e-6
        )
        np.testing.assert_allclose(
            boot._replicates[b, rows_htmt],
            single.htmt[np.triu_indices(3, 1)],
            atol=1e-10,
        )


def test_jackknife_complements_equal_leave_one_out() -> None:
    x = _data(40)
    opts = PLSOptions()
    table = read(x, where="test", columns=COLS)
    comps = jackknife(table, tuple(COLS), opts, np.random.default_rng(0))
    assert len(comps) == 40  # n <= JACKKNIFE_GROUPS: delete-one
    covs = np.stack([c.covariance() for c in comps])
    for i in range(40):
        direct = np.cov(np.delete(x, i, axis=0), rowvar=False)
        gap = np.abs(covs - direct).max(axis=(1, 2)).min()
        assert gap < 1e-10


def test_reproducible_and_reported() -> None:
    x = _data()
    a = acsi_fit(x, model=MODEL, columns=COLS, n_resamples=60, rng=3, scale=(1, 10))
    b = acsi_fit(x, model=MODEL, columns=COLS, n_resamples=60, rng=3, scale=(1, 10))
    c = acsi_fit(x, model=MODEL, columns=COLS, n_resamples=60, rng=4, scale=(1, 10))
    assert a.bootstrap is not None and b.bootstrap is not None
    assert c.bootstrap is not None
    np.testing.assert_array_equal(a.bootstrap.se, b.bootstrap.se)
    assert not np.array_equal(a.bootstrap.se, c.bootstrap.se)
    assert a.bootstrap.jackknife_groups == 120
    d = a.to_dict()
    json.dumps(d)
    assert d["bootstrap"]["n_resamples"] == 60
    assert {"se", "ci_low", "ci_high", "p_value"} <= set(d["paths"][0])
    assert "BCa" in str(a.summary())
    assert "bca low" in str(a.bootstrap.summary())
    assert len(a.bootstrap.to_frame()) == len(a.bootstrap.label)


def test_confidence_interval_api() -> None:
    x = _data()
    res = acsi_fit(x, model=MODEL, columns=COLS, n_resamples=200, rng=9, scale=(1, 10))
    # no argument: exactly the stored bounds of the estimates table (BCa)
    ci = res.confidence_interval()
    np.testing.assert_array_equal(ci.low, res.estimates.ci_low)
    np.testing.assert_array_equal(ci.high, res.estimates.ci_high)
    paths = res.estimates.select("path")
    assert set(paths.interval) == {"bca"}
    for name, lo, hi in zip(paths.name, paths.ci_low, paths.ci_high, strict=True):
        assert lo < res.path(*name.split(" -> ")) < hi
    by_label = res.bootstrap.confidence_interval(statistic="paths")  # type: ignore[union-attr]
    assert set(by_label.low) == {"A -> B", "A -> C", "B -> C"}
    assert set(res.bootstrap.confidence_interval(statistic="htmt").low) == {  # type: ignore[union-attr]
        "A ~ B",
        "A ~ C",
        "B ~ C",
    }
    boot = res.bootstrap
    assert boot is not None
    assert set(boot.confidence_interval(statistic="indirect_effects").low) == {"A -> C"}
    pct = boot.confidence_interval(statistic="indices", method="percentile")
    for lv in ("A", "B", "C"):
        assert pct.low[lv] < res.index[lv] < pct.high[lv]
    # bootstrap intervals are not recomputed at another level: refused
    with pytest.raises(InputError, match=r"confidence_level=0\.95"):
        res.confidence_interval(0.99)
    with pytest.raises(InputError, match=r"confidence_level=0\.95"):
        boot.confidence_interval(0.8, statistic="indices")
    with pytest.raises(InputError, match="'statistic'"):
        boot.confidence_interval(statistic="gof")
    with pytest.raises(InputError, match="'method'"):
        boot.confidence_interval(method="normal")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="confidence_level"):
        res.confidence_interval(2.0)
    # the fitted level is honoured: a 0.8 fit has narrower intervals
    res80 = acsi_fit(
        x,
        model=MODEL,
        columns=COLS,
        n_resamples=200,
        rng=9,
        scale=(1, 10),
        confidence_level=0.8,
    )
    assert res80.estimates.confidence_level == 0.8
    w95 = res.estimates.ci_high - res.estimates.ci_low
    w80 = res80.estimates.ci_high - res80.estimates.ci_low
    ok = np.isfinite(w95)
    assert np.all(w80[ok] <= w95[ok] + 1e-12)
    plain = acsi_fit(x, model=MODEL, columns=COLS)
    assert np.all(np.isnan(plain.confidence_interval().low))


def test_failed_replicates_are_counted() -> None:
    x = _data()
    # the full sample needs 13 iterations at tol=1e-12; replicates that need
    # more stop unconverged and must be counted, not silently used
    res = acsi_fit(
        x, model=MODEL, columns=COLS, n_resamples=50, rng=1, max_iter=13, tol=1e-12
    )
    assert res.converged
    assert res.bootstrap is not None
    assert 0 < res.bootstrap.n_failed < 50
    assert res.bootstrap._replicates.shape[0] == 50 - res.bootstrap.n_failed
    assert f"{res.bootstrap.n_failed} not converged" in str(res.summary())
    # when every replicate fails: an error, not NaN intervals
    with pytest.warns(ConvergenceWarning), pytest.raises(EstimationError, match="0 of"):
        acsi_fit(
            x, model=MODEL, columns=COLS, n_resamples=10, rng=1, max_iter=1, tol=1e-15
        )


def test_bootstrap_needs_rows() -> None:
    x = _data()
    with pytest.raises(InputError, match="rows"):
        acsi_fit(
            Moments.from_data(x, columns=COLS),
            model=MODEL,
            n_resamples=10,
            scale=(1, 10),
        )


def test_lazy_frame_uses_poisson_resamples() -> None:
    pl = pytest.importorskip("polars")
    x = _data()
    lazy = pl.DataFrame(x, schema=COLS).lazy()
    res = acsi_fit(lazy, model=MODEL, n_resamples=40, rng=2, scale=(1, 10))
    eager = acsi_fit(x, model=MODEL, columns=COLS)
    np.testing.assert_allclose(res.outer_weights, eager.outer_weights, rtol=1e-8)
    assert res.scores is None
    assert res.bootstrap is not None
    assert res.bootstrap.method == "poisson"
    assert res.bootstrap.jackknife_groups == 0


def test_interval_coverage_simulation() -> None:
    # Population truth: mode A weights proportional to the loadings, paths
    # between the resulting composites (see test_acsi_pls._population_pls).
    # 60 samples x 3 paths: 95% intervals should cover about 95% of the time
    # (binomial sd about 1.3 points); a broken SE or BCa would fall far below.
    lam = [np.array([0.8, 0.7, 0.6]), np.array([0.9, 0.8]), np.array([0.7, 0.7, 0.8])]
    phi = np.array([[1.0, 0.6, 0.58], [0.6, 1.0, 0.54], [0.58, 0.54, 1.0]])
    big = np.zeros((8, 3))
    big[0:3, 0], big[3:5, 1], big[5:8, 2] = lam
    sigma = big @ phi @ big.T + np.diag(1 - (big**2).sum(1))
    qual = []
    for j, idx in enumerate([[0, 1, 2], [3, 4], [5, 6, 7]]):
        w = lam[j] / np.sqrt(lam[j] @ sigma[np.ix_(idx, idx)] @ lam[j])
        qual.append(w @ lam[j])
    ycor = np.outer(qual, qual) * phi
    np.fill_diagonal(ycor, 1.0)
    truth = {
        "A -> B": ycor[0, 1],
        **dict(
            zip(
                ("A -> C", "B -> C"),
                np.linalg.solve(ycor[:2, :2], ycor[:2, 2]),
                strict=True,
            )
        ),
    }
    rng = np.random.default_rng(2024)
    hits = {"bca": 0, "percentile": 0}
    sims = 60
    for _ in range(sims):
        x = rng.multivariate_normal(np.zeros(8), sigma, size=300)
        res = acsi_fit(
            x, model=MODEL, columns=COLS, n_resamples=300, rng=rng, scores=False
        )
        for method in ("bca", "percentile"):
            assert res.bootstrap is not None
            ci = res.bootstrap.confidence_interval(statistic="paths", method=method)
            hits[method] += sum(ci.low[k] <= v <= ci.high[k] for k, v in truth.items())
    for method, h in hits.items():
        assert h / (3 * sims) > 0.88, method
