"""Tests of the numpy ML kernel (satmodels.acsi._ml_kernel) and its bootstrap.

Sources of the expected numbers:

* central finite differences of F and of its analytic gradient (the
  gradient and Hessian of Joreskog's 1969 discrepancy);
* the Kronecker form of the expected information,
  1/2 Delta' (Sigma^-1 x Sigma^-1) Delta (Browne 1974), with Delta taken by
  finite differences of Sigma(theta);
* lavaan 0.6.14 (tests/golden/lavaan_politicaldemocracy.json, written by
  tests/golden/lavaan_mobi.R): estimates, standard errors, chi2;
* semopy 2.3.11 through the package's own semopy route (the reference
  optimiser).
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_acsi_ml import SPEC, fit_semopy, simulate_acsi

from satmodels import Moments
from satmodels import acsi as acsi_module
from satmodels.acsi import ModelSpec, _ml_kernel, _ml_optim, _semopy_backend
from satmodels.acsi._ml_boot import fit_replicates
from satmodels.acsi._ml_kernel import compile_structure, derivatives, objective
from satmodels.acsi._ml_optim import (
    fit_kernel,
    metric_factors,
    minimize,
    parameter_labels,
    start_values,
)
from satmodels.exceptions import AdmissibilityWarning, EstimationError

GOLDEN = Path(__file__).parent / "golden"
# Two exogenous latents that covary, a single-indicator latent, a path
# between endogenous latents: every parameter kind of the kernel.
MIXED = ModelSpec.from_syntax(
    "A =~ expe1 + expe2 + expe3; B =~ qual1 + qual2; C =~ comp1; "
    "D =~ sat1 + sat2 + sat3; C ~ A + B; D ~ C + A"
)


def correlation(spec: ModelSpec, n: int, seed: int) -> np.ndarray:
    x, names = simulate_acsi(n, np.random.default_rng(seed))
    x[:, 0] += 0.8 * x[:, 4]  # misfit: a cross-loading no model here has
    idx = [names.index(i) for i in spec.indicators]
    s = np.cov(x[:, idx], rowvar=False, bias=True)
    d = np.sqrt(np.diag(s))
    return s / np.outer(d, d)


def perturbed_start(spec: ModelSpec, r: np.ndarray) -> np.ndarray:
    st = compile_structure(spec)
    x = start_values(st, r)
    x += 0.05 * np.random.default_rng(1).normal(size=st.q)
    return np.maximum(x, st.lower + 0.05)


@pytest.mark.parametrize("spec", [SPEC, MIXED], ids=["acsi", "mixed"])
def test_gradient_and_hessian_equal_finite_differences(spec: ModelSpec) -> None:
    r = correlation(spec, 400, 3)
    st = compile_structure(spec)
    x = perturbed_start(spec, r)
    ld = float(np.linalg.slogdet(r)[1])
    got = derivatives(st, x, r, ld, hessian=True)
    assert got is not None
    f, g, _, hess = got
    assert f == pytest.approx(objective(st, x, r, ld), rel=1e-14)
    eps = 1e-6
    eye = np.eye(st.q)
    fd_g = np.array(
        [
            (objective(st, x + eps * e, r, ld) - objective(st, x - eps * e, r, ld))
            / (2 * eps)
            for e in eye
        ]
    )
    np.testing.assert_allclose(g, fd_g, atol=1e-7)

    def grad(z: np.ndarray) -> np.ndarray:
        out = derivatives(st, z, r, ld, hessian=False)
        assert out is not None
        return out[1]

    fd_h = np.array([(grad(x + eps * e) - grad(x - eps * e)) / (2 * eps) for e in eye])
    assert hess is not None
    np.testing.assert_allclose(hess, fd_h, atol=1e-6 * np.abs(hess).max())
    # a test that can fail: the Hessian is not the Fisher information here
    assert np.abs(hess - 2 * got[2]).max() > 1e-3


@pytest.mark.parametrize("spec", [SPEC, MIXED], ids=["acsi", "mixed"])
def test_information_equals_the_kronecker_form(spec: ModelSpec) -> None:
    # Browne (1974): I = 1/2 Delta' (W kron W) Delta, Delta = dvec(Sigma)/dtheta'
    r = correlation(spec, 400, 4)
    st = compile_structure(spec)
    x = perturbed_start(spec, r)
    got = derivatives(st, x, r, 0.0, hessian=False)
    assert got is not None
    eps = 1e-6

    def sigma(z: np.ndarray) -> np.ndarray:
        return _ml_kernel._parts(st, z)[0]

    delta = np.column_stack(
        [
            ((sigma(x + eps * e) - sigma(x - eps * e)) / (2 * eps)).ravel()
            for e in np.eye(st.q)
        ]
    )
    w = np.linalg.inv(sigma(x))
    kron = 0.5 * delta.T @ np.kron(w, w) @ delta
    np.testing.assert_allclose(got[2], kron, atol=1e-7, rtol=1e-6)


def test_estimates_ses_and_chi2_equal_lavaan() -> None:
    # lavaan 0.6.14, sem(..., estimator = "ML", information = "expected"),
    # Bollen's political democracy SEM; tighter than test_acsi_ml's 1e-3.
    g = json.loads((GOLDEN / "lavaan_politicaldemocracy.json").read_text())
    n = int(g["n"])
    names = g["covariance"]["names"]
    spec = ModelSpec.from_syntax(g["model"])
    cov = np.array(g["covariance"]["matrix"])
    idx = [names.index(i) for i in spec.indicators]
    fit = fit_kernel(spec, cov[np.ix_(idx, idx)], n)
    assert fit.converged
    assert fit.optimizer == "numpy"
    assert n * fit.objective == pytest.approx(g["fit"]["chisq"], rel=1e-9)
    assert fit.n_free == g["fit"]["npar"]
    lav = {(e["lhs"], e["op"], e["rhs"]): e for e in g["estimates"]}
    assert len(fit.estimates) == len(lav)
    for lhs, op, rhs, est, se, z, p, free in fit.estimates:
        ref = lav[(lhs, op, rhs)]
        assert est == pytest.approx(ref["est"], rel=1e-4, abs=1e-8)
        if free:
            assert se == pytest.approx(ref["se"], rel=1e-5)
            assert z == pytest.approx(ref["z"], rel=1e-4)
        else:
            assert ref["se"] == 0
            assert math.isnan(se) and math.isnan(p)


def test_kernel_agrees_with_the_semopy_route() -> None:
    x, names = simulate_acsi(600, np.random.default_rng(17))
    m = Moments.from_data(x, columns=names)
    ours = fit_ml_quiet(m)
    ref = fit_semopy(m, SPEC)
    assert ours.fit.chi2 == pytest.approx(ref.fit.chi2, rel=1e-7)
    for a, b in zip(
        (*ours.loadings, *ours.paths, *ours.variances),
        (*ref.loadings, *ref.paths, *ref.variances),
        strict=True,
    ):
        assert (a.lhs, a.op, a.rhs) == (b.lhs, b.op, b.rhs)
        assert a.estimate == pytest.approx(b.estimate, rel=1e-4, abs=1e-6)
        if a.free:
            assert a.se == pytest.approx(b.se, rel=1e-4)


def fit_ml_quiet(m: Moments, spec: ModelSpec = SPEC) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AdmissibilityWarning)
        warnings.filterwarnings("ignore", message=".*no 'scale'")
        return acsi_module.fit(m, model=spec, method="ml")


def test_default_route_does_not_call_semopy(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object, **__: object) -> None:
        msg = "semopy must not run"
        raise AssertionError(msg)

    monkeypatch.setattr(_semopy_backend, "run_semopy", boom)
    x, names = simulate_acsi(300, np.random.default_rng(2))
    res = fit_ml_quiet(Moments.from_data(x, columns=names))
    assert res.converged


def test_semopy_is_the_fallback_when_the_kernel_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    x, names = simulate_acsi(300, np.random.default_rng(2))
    m = Moments.from_data(x, columns=names)
    ref = fit_ml_quiet(m)
    calls: list[int] = []
    run = _semopy_backend.run_semopy

    def spy(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return run(*args, **kw)

    monkeypatch.setattr(_semopy_backend, "run_semopy", spy)
    monkeypatch.setattr(_ml_optim, "MAX_ITER", 1)
    res = fit_ml_quiet(m)
    assert calls == [1]
    assert res.converged
    assert res.fit.chi2 == pytest.approx(ref.fit.chi2, rel=1e-6)
    # semopy failing as well: the kernel's unconverged fit, flagged
    monkeypatch.setattr(
        _semopy_backend,
        "run_semopy",
        lambda *a, **k: (_ for _ in ()).throw(EstimationError("x")),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fit_ml_quiet(m)
    assert not res.converged
    assert any("numpy, Newton with Fisher scoring" in str(w.message) for w in caught)


def test_heywood_variance_stays_at_the_bound() -> None:
    # semopy and the kernel bound variances below by 0: an indicator equal to
    # its latent ends at theta = 0 with the gradient pushing below it.
    rng = np.random.default_rng(1)
    f = rng.normal(size=2000)
    x = np.column_stack(
        [f, f + rng.normal(size=2000), f + rng.normal(size=2000)]
        + [0.5 * f + rng.normal(size=2000) for _ in range(2)]
    )
    spec = ModelSpec.from_syntax("A =~ a1 + a2 + a3; B =~ b1 + b2; B ~ A")
    s = np.cov(x, rowvar=False, bias=True)
    fit = fit_kernel(spec, s, 2000)
    theta = {r[0]: r[3] for r in fit.estimates if r[1] == "~~" and r[0] == r[2]}
    assert theta["a1"] == 0.0
    assert fit.converged
    ref = _semopy_backend.run_semopy(
        s, spec.indicators, 2000, _semopy_backend.to_semopy_syntax(spec)
    )
    assert fit.objective == pytest.approx(ref.objective, rel=1e-6)


def test_metric_factors_map_the_correlation_fit_to_the_original() -> None:
    x, _ = simulate_acsi(500, np.random.default_rng(5))
    s = np.cov(x, rowvar=False, bias=True)
    fit = fit_kernel(SPEC, s, 500)
    st = compile_structure(SPEC)
    rows = {r[:3]: r[3] for r in fit.estimates}
    assert fit.parameters is not None
    labels = parameter_labels(SPEC, st)
    assert [rows[lab] for lab in labels] == pytest.approx(list(fit.parameters))
    d = np.sqrt(np.diag(s))
    factors = metric_factors(st, d)
    # the correlation-metric optimum has a zero gradient
    r = s / np.outer(d, d)
    got = derivatives(st, fit.parameters / factors, r, 0.0, hessian=False)
    assert got is not None
    assert np.abs(got[1]).max() < 1e-8


# ------------------------------------------------------------------ bootstrap
@pytest.fixture(scope="module")
def boot() -> tuple[np.ndarray, Any, Any]:
    x, names = simulate_acsi(2000, np.random.default_rng(31))
    s = np.cov(x, rowvar=False, bias=True)
    fit = fit_kernel(SPEC, s, 2000)
    reps = Moments.bootstrap(
        x, n_resamples=200, columns=names, rng=np.random.default_rng(3)
    )
    covs = reps.covariance(ddof=0)
    return covs, fit, fit_replicates(SPEC, covs, 2000, start=fit.parameters)


def test_each_replicate_equals_an_independent_fit(
    boot: tuple[np.ndarray, Any, Any],
) -> None:
    covs, _, out = boot
    assert out.converged.all()
    for k in (0, 57, 199):
        cold = fit_kernel(SPEC, covs[k], 2000)
        ref = {r[:3]: r[3] for r in cold.estimates}
        np.testing.assert_allclose(
            out.estimates[k], [ref[lab] for lab in out.labels], rtol=1e-6, atol=1e-8
        )
        assert out.chi2[k] == pytest.approx(2000 * cold.objective, rel=1e-8)
    # warm and cold starts of the whole batch agree
    cold_all = fit_replicates(SPEC, covs[:5], 2000)
    np.testing.assert_allclose(cold_all.estimates, out.estimates[:5], rtol=1e-6)


def test_bootstrap_se_close_to_expected_information_se(
    boot: tuple[np.ndarray, Any, Any],
) -> None:
    # Under a correct model with normal data the bootstrap standard deviation
    # of each estimate estimates its sampling sd, which the expected
    # information approximates; 200 replicates give about +-10% (1 sd 5%).
    _, fit, out = boot
    se = {r[:3]: r[4] for r in fit.estimates}
    ratio = np.std(out.estimates, axis=0, ddof=1) / [se[lab] for lab in out.labels]
    assert 0.85 < float(np.median(ratio)) < 1.15
    assert np.all((ratio > 0.65) & (ratio < 1.4))


def test_minimize_reports_a_start_that_is_not_positive_definite() -> None:
    st = compile_structure(SPEC)
    r = np.eye(st.p)
    x = np.zeros(st.q)  # Sigma = 0 on every block but the fixed comp1 -> singular
    out = minimize(st, r, x)
    assert not out[2]
    assert out[5] is None
    assert "not positive definite" in out[4]


def test_replicates_the_batch_cannot_finish_go_one_by_one() -> None:
    # A Heywood replicate (theta of a1 wants to go below 0: the unconstrained
    # batch hands it to the projected optimiser), a regular one, and a
    # degenerate one (an indicator without variance: no fit, NaN).
    rng = np.random.default_rng(1)
    f = rng.normal(size=2000)
    heywood = np.column_stack(
        [f, f + rng.normal(size=2000), f + rng.normal(size=2000)]
        + [0.5 * f + rng.normal(size=2000) for _ in range(2)]
    )
    regular = heywood.copy()
    regular[:, 0] += rng.normal(size=2000)
    spec = ModelSpec.from_syntax("A =~ a1 + a2 + a3; B =~ b1 + b2; B ~ A")
    covs = np.stack(
        [np.cov(v, rowvar=False, bias=True) for v in (heywood, regular)]
        + [np.zeros((5, 5))]
    )
    out = fit_replicates(spec, covs, 2000)
    assert out.converged.tolist() == [True, True, False]
    assert np.isnan(out.estimates[2]).all()
    assert np.isnan(out.chi2[2])
    for k in (0, 1):
        ref = fit_kernel(spec, covs[k], 2000)
        rows = {r[:3]: r[3] for r in ref.estimates}
        np.testing.assert_allclose(
            out.estimates[k], [rows[lab] for lab in out.labels], rtol=1e-6, atol=1e-9
        )
    theta = out.estimates[0][out.labels.index(("a1", "~~", "a1"))]
    assert theta == 0.0


def test_a_variance_hitting_its_bound_on_an_unidentified_face_still_converges() -> None:
    # Regression: the first projected Newton step set Q's disturbance
    # variance to 0, where Q is a copy of E and the paths E -> S and Q -> S
    # are not separately identified (singular Hessian and information); the
    # optimiser stopped there ("no step lowers F") until Levenberg-Marquardt
    # damping took over. The optimum is interior and equals semopy's.
    rng = np.random.default_rng(9)
    n = 3000
    e = rng.normal(size=n)
    q = 0.99 * e + math.sqrt(1 - 0.99**2) * rng.normal(size=n)
    s = 0.5 * e + 0.4 * q + 0.6 * rng.normal(size=n)
    cols = [lv + 0.6 * rng.normal(size=n) for lv in (e, e, e, q, q, q, s, s, s)]
    names = ["e1", "e2", "e3", "q1", "q2", "q3", "s1", "s2", "s3"]
    spec = ModelSpec.from_syntax(
        "E =~ e1 + e2 + e3; Q =~ q1 + q2 + q3; S =~ s1 + s2 + s3; Q ~ E; S ~ E + Q"
    )
    cov = Moments.from_data(np.column_stack(cols), columns=names).covariance(ddof=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_kernel(spec, cov, n)
    assert fit.converged
    ref = _semopy_backend.run_semopy(
        cov, names, n, _semopy_backend.to_semopy_syntax(spec)
    )
    assert fit.objective <= ref.objective + 1e-9
    ours = {r[:3]: r for r in fit.estimates}
    for lhs, op, rhs, est, se, *_ in ref.estimates:
        assert ours[(lhs, op, rhs)][3] == pytest.approx(est, rel=1e-3, abs=1e-4)
        if math.isfinite(se):
            assert ours[(lhs, op, rhs)][4] == pytest.approx(se, rel=1e-3)


def test_singular_information_gives_no_standard_errors() -> None:
    info = np.array([[1.0, 1.0], [1.0, 1.0]])
    assert np.isnan(_ml_optim.standard_errors(info, 100)).all()
    se = _ml_optim.standard_errors(np.diag([4.0, 1.0]), 100)
    np.testing.assert_allclose(se, [0.05, 0.1])
