r"""Optimiser, starting values and the fit of the ML kernel (:mod:`._ml_kernel`).

:func:`fit_kernel` fits a reflective recursive model from a covariance
matrix: starting values on the correlation metric (:func:`start_values`),
projected Newton with the analytic Hessian and Fisher scoring as the
fallback, Levenberg-Marquardt damping where both are singular
(:func:`minimize`; Lee & Jennrich 1979; Bertsekas 1982), standard
errors from the expected information (lavaan's default for ML; Rosseel
2012), and the estimates mapped back to the indicators' metric
(:func:`metric_factors`; Browne 1982, Cudeck 1989 for the scale
invariance). The formulas are in :mod:`satmodels.acsi._ml_kernel`, whose
references apply here too.

References
----------
.. [1] Lee, S.-Y., & Jennrich, R. I. (1979). A study of algorithms for
   covariance structure analysis with specific comparisons using factor
   analysis. Psychometrika, 44(1), 99-113.
.. [2] Bertsekas, D. P. (1982). Projected Newton methods for optimization
   problems with simple constraints. SIAM J. Control Optim., 20(2), 221-246.
.. [3] Harman, H. H. (1976). Modern factor analysis (3rd ed.). University of
   Chicago Press.
.. [4] Browne, M. W. (1982). Covariance structures. In D. M. Hawkins (Ed.),
   Topics in applied multivariate analysis (pp. 72-141). Cambridge
   University Press.
.. [5] Cudeck, R. (1989). Analysis of correlation matrices using covariance
   structure models. Psychological Bulletin, 105(2), 317-327.
.. [7] Levenberg, K. (1944). A method for the solution of certain non-linear
   problems in least squares. Quarterly of Applied Mathematics, 2(2),
   164-168.
.. [8] Marquardt, D. W. (1963). An algorithm for least-squares estimation of
   nonlinear parameters. J. SIAM, 11(2), 431-441.
.. [6] Rosseel, Y. (2012). lavaan: an R package for structural equation
   modeling. Journal of Statistical Software, 48(2), 1-36.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
from scipy import linalg, special

from .._typing import FloatArray
from ._ml_kernel import (
    MLFit,
    Row,
    Structure,
    _Derivs,
    _parts,
    compile_structure,
    derivatives,
    objective,
)
from .spec import ModelSpec

__all__ = [
    "MAX_ITER",
    "fit_kernel",
    "metric_factors",
    "minimize",
    "parameter_labels",
    "standard_errors",
    "start_values",
]

#: Iteration limit of the Newton (Fisher-scoring) optimiser.
MAX_ITER = 500
#: Stop when the largest projected gradient of F is below this ...
_GTOL = 1e-10
#: ... or when the scoring step no longer lowers F by more than this.
_FTOL = 1e-15


# ---------------------------------------------------------------- start values
def start_values(st: Structure, r: FloatArray) -> FloatArray:
    r"""Return starting values from a correlation matrix ``r`` (unit diagonal).

    Standardized loadings from Spearman's triads
    :math:`l_i^2 = r_{ij} r_{ik} / r_{jk}` (median over pairs; Harman 1976,
    ch. 5) or :math:`|r_{12}|` in a two-indicator block, rescaled to the
    marker; latent covariances from unit-weighted composites
    :math:`\sum_{i\in a, j\in b} r_{ij} / (\sum\lambda_a \sum\lambda_b)`;
    paths and disturbance variances from the population regressions of each
    endogenous latent on its predecessors.
    """
    m = st.m
    lam = st.lam_fixed.copy()
    theta = np.zeros(st.p)
    phi = np.ones(m)
    for j in range(m):
        idx = np.flatnonzero(st.block_of == j)
        if idx.size == 1:
            phi[j] = r[idx[0], idx[0]]
            continue
        sub = r[np.ix_(idx, idx)]
        k = idx.size
        l2 = np.empty(k)
        for a in range(k):
            others = [b for b in range(k) if b != a]
            if k == 2:
                l2[a] = abs(sub[0, 1])
                continue
            vals = [
                abs(sub[a, b] * sub[a, c] / sub[b, c])
                for ii, b in enumerate(others)
                for c in others[ii + 1 :]
                if abs(sub[b, c]) > 1e-3
            ]
            l2[a] = float(np.median(vals)) if vals else abs(sub[a, others[0]])
        l2 = np.clip(l2, 0.05, 0.95)
        marker = int(np.flatnonzero(idx == st.markers[j])[0])
        sign = np.where(sub[marker] < 0, -1.0, 1.0)
        sign[marker] = 1.0
        ell = sign * np.sqrt(l2)
        lam[idx, j] = ell / ell[marker]
        phi[j] = l2[marker]
        theta[idx] = 1.0 - l2
    # latent covariance from unit-weighted composites
    onehot = np.zeros((st.p, m))
    onehot[np.arange(st.p), st.block_of] = 1.0
    comp = onehot.T @ r @ onehot
    tot = lam.sum(axis=0)
    tot = np.where(np.abs(tot) > 1e-8, tot, 1.0)
    cov = comp / np.outer(tot, tot)
    cov[np.diag_indices(m)] = phi
    d = np.sqrt(phi)
    corr = np.clip(cov / np.outer(d, d), -0.95, 0.95)
    corr[np.diag_indices(m)] = 1.0
    ev, vec = np.linalg.eigh(corr)
    if ev[0] < 0.05:
        corr = (vec * np.maximum(ev, 0.05)) @ vec.T
        dd = np.sqrt(np.diag(corr))
        corr = corr / np.outer(dd, dd)
    cov = corr * np.outer(d, d)
    beta = np.zeros((m, m))
    psi = np.zeros((m, m))
    a_, b_, c_, _ = st.spans
    endo = sorted(set(st.beta_r.tolist()))
    for t in endo:
        preds = st.beta_c[st.beta_r == t]
        coef = np.linalg.solve(cov[np.ix_(preds, preds)], cov[preds, t])
        beta[t, preds] = coef
        psi[t, t] = max(cov[t, t] - float(cov[t, preds] @ coef), 0.1 * cov[t, t])
    x = np.empty(st.q)
    x[:a_] = lam[st.lam_r, st.lam_c]
    x[a_:b_] = beta[st.beta_r, st.beta_c]
    diag_psi = st.psi_r == st.psi_c
    exo_vals = cov[st.psi_r, st.psi_c]
    x[b_:c_] = np.where(
        np.isin(st.psi_r, endo) & diag_psi, psi[st.psi_r, st.psi_c], exo_vals
    )
    x[c_:] = theta[st.theta_i]
    return x


# ---------------------------------------------------------------- optimiser
def minimize(
    st: Structure,
    s: FloatArray,
    x0: FloatArray,
    *,
    max_iter: int = MAX_ITER,
    gtol: float = _GTOL,
) -> tuple[FloatArray, float, bool, int, str, FloatArray | None]:
    r"""Minimise F by projected Newton, with Fisher scoring as the fallback.

    Each iteration holds the variances at their bound 0 whose gradient
    points below it (Bertsekas 1982), takes the Newton step on the others
    when the Hessian is positive definite there, the Fisher-scoring step
    :math:`-(2\mathcal I)^{-1}\nabla F` otherwise or when the Newton
    step fails the Armijo test, and stops when the projected gradient is
    below ``gtol`` or F stops decreasing.

    Returns the estimate, F, whether it converged, the iterations, a
    message and the expected information at the estimate (None if Sigma is
    not positive definite at the start).
    """
    _, logdet_s = np.linalg.slogdet(s)
    lower = st.lower
    x = np.maximum(x0, lower)
    got = derivatives(st, x, s, logdet_s, hessian=True)
    if got is None:
        return (
            x,
            math.inf,
            False,
            0,
            "Sigma is not positive definite at the start",
            None,
        )
    f, g, info, hess = got
    for it in range(1, max_iter + 1):
        free = ~((x <= lower) & (g > 0))
        if float(np.max(np.abs(g[free]), initial=0.0)) < gtol:
            return x, f, True, it - 1, "gradient below tolerance", info
        moved = None
        for curvature in _curvatures(hess, info):
            step = _step(curvature, g, free)
            if step is not None:
                moved = _line_search(st, s, logdet_s, x, f, g, step)
            if moved is not None:
                break
        if moved is None:
            at_min = float(np.max(np.abs(g[free]), initial=0.0)) < 1e-6
            return x, f, at_min, it, "no step lowers F further", info
        xn, fn, derivs = moved
        if derivs is None:
            derivs = derivatives(st, xn, s, logdet_s, hessian=True)
        if derivs is None:  # pragma: no cover - fn finite means Sigma is PD
            return x, f, False, it, "Sigma lost positive definiteness", info
        improvement = f - fn
        x, (f, g, info, hess) = xn, derivs
        if improvement <= _FTOL * max(1.0, abs(f)):
            free = ~((x <= lower) & (g > 0))
            ok = float(np.max(np.abs(g[free]), initial=0.0)) < 1e-6
            msg = "F no longer decreases" + ("" if ok else " (gradient not small)")
            return x, f, ok, it, msg, info
    return x, f, False, max_iter, f"iteration limit {max_iter} reached", info


def _curvatures(hess: FloatArray | None, info: FloatArray) -> Iterator[FloatArray]:
    r"""Newton, Fisher scoring, then Levenberg-Marquardt damped Fisher scoring.

    The damped matrices :math:`2\mathcal I + \mu I` (Levenberg 1944;
    Marquardt 1963) take over where both curvatures are singular: on a
    face of the bounds where the model is not identified (a disturbance
    variance at 0 makes its latent a copy of its predecessor, and paths out
    of both collinear).
    """
    if hess is not None:
        yield hess
    fisher = 2.0 * info
    yield fisher
    scale = float(np.mean(np.abs(np.diag(fisher)))) or 1.0
    eye = np.eye(fisher.shape[0])
    for mu in (1e-6, 1e-3, 1.0, 1e3):
        yield fisher + (mu * scale) * eye


def _step(
    curv: FloatArray, g: FloatArray, free: npt.NDArray[np.bool_]
) -> FloatArray | None:
    """Newton-type step on the free coordinates; None if ``curv`` is not PD."""
    sub = curv if free.all() else curv[np.ix_(free, free)]
    chol, info = linalg.lapack.dpotrf(sub, lower=1, clean=1)
    if info != 0:
        return None
    step = np.zeros_like(g)
    step[free] = -linalg.lapack.dpotrs(chol, g[free], lower=1)[0]
    return step


def _line_search(  # noqa: PLR0917 - private
    st: Structure,
    s: FloatArray,
    logdet_s: float,
    x: FloatArray,
    f: float,
    g: FloatArray,
    step: FloatArray,
) -> tuple[FloatArray, float, _Derivs | None] | None:
    """Armijo backtracking along the projected path (Bertsekas 1982).

    The full step is tried with all derivatives (they are needed next when
    it is accepted, as it is near the optimum); shorter ones with F alone.
    """
    xn = np.maximum(x + step, st.lower)
    full = derivatives(st, xn, s, logdet_s, hessian=True)
    if full is not None and full[0] <= f + 1e-4 * float(g @ (xn - x)):
        return xn, full[0], full
    t = 0.5
    while t > 1e-10:
        xn = np.maximum(x + t * step, st.lower)
        fn = objective(st, xn, s, logdet_s)
        if math.isfinite(fn) and fn <= f + 1e-4 * float(g @ (xn - x)):
            return xn, fn, None
        t *= 0.5
    return None


# ---------------------------------------------------------------- one fit
def fit_kernel(
    spec: ModelSpec,
    cov: FloatArray,
    n: int,
    *,
    structure: Structure | None = None,
    max_iter: int | None = None,
) -> MLFit:
    """Fit ``spec`` by ML from a covariance matrix (divisor n) and n.

    Parameters
    ----------
    spec : ModelSpec
        Reflective (mode A) recursive model.
    cov : ndarray, shape (p, p)
        Sample covariance in the order of ``spec.indicators``.
    n : int
        Sample size (standard errors).
    structure : Structure, optional
        The compiled ``spec`` (reused between fits).
    max_iter : int, optional
        Newton iteration limit (default :data:`MAX_ITER`).

    Returns
    -------
    MLFit
    """
    from ._semopy_backend import _rescale_rows  # noqa: PLC0415 - shared helper

    st = compile_structure(spec) if structure is None else structure
    sd = np.sqrt(np.diag(cov))
    r = cov / np.outer(sd, sd)
    limit = MAX_ITER if max_iter is None else max_iter
    x, f, ok, it, msg, info = minimize(st, r, start_values(st, r), max_iter=limit)
    se = standard_errors(info, n) if info is not None else np.full(st.q, np.nan)
    rows = _rows(spec, st, x, se)
    rows = _rescale_rows(rows, dict(zip(spec.indicators, sd.tolist(), strict=True)))
    sigma = _parts(st, x)[0] * np.outer(sd, sd)
    return MLFit(
        parameters=x * metric_factors(st, sd),
        estimates=tuple(rows),
        n_free=st.q,
        objective=float(f),
        converged=ok,
        message=msg,
        n_iterations=it,
        implied=sigma,
        optimizer="numpy",
    )


def metric_factors(st: Structure, sd: FloatArray) -> FloatArray:
    r"""Factors taking free parameters from the correlation to the original metric.

    With :math:`d` the indicators' standard deviations and :math:`m(j)` the
    marker of latent :math:`j`: :math:`\lambda_{ij}\,d_i/d_{m(j)}`,
    :math:`\beta_{ij}\,d_{m(i)}/d_{m(j)}`, :math:`\psi_{kl}\,d_{m(k)}
    d_{m(l)}`, :math:`\theta_i\,d_i^2` (Bollen 1989, ch. 4 and 7; the
    vector form of :func:`~satmodels.acsi._semopy_backend._rescale_rows`).
    """
    a, b, c, _ = st.spans
    dm = sd[st.markers]
    out = np.empty(st.q)
    out[:a] = sd[st.lam_r] / dm[st.lam_c]
    out[a:b] = dm[st.beta_r] / dm[st.beta_c]
    out[b:c] = dm[st.psi_r] * dm[st.psi_c]
    out[c:] = sd[st.theta_i] ** 2
    return out


def parameter_labels(
    spec: ModelSpec, st: Structure
) -> tuple[tuple[str, str, str], ...]:
    """``(lhs, op, rhs)`` of each free parameter, in the order of ``st``."""
    rows = _rows(spec, st, np.zeros(st.q), np.ones(st.q))
    return tuple((r[0], r[1], r[2]) for r in rows if r[7])


def standard_errors(info: FloatArray, n: int) -> FloatArray:
    r"""Square roots of the diagonal of :math:`(n\mathcal I)^{-1}`.

    NaN when the information is singular (an unidentified model; lavaan
    then reports no standard errors either).
    """
    eig, vec = np.linalg.eigh(info * float(n))
    if eig[0] <= 1e-12 * max(eig[-1], 0.0):
        return np.full(info.shape[0], np.nan)
    d = np.einsum("ij,j,ij->i", vec, 1.0 / eig, vec)
    with np.errstate(invalid="ignore"):
        return np.where(d >= 0, np.sqrt(np.abs(d)), np.nan)


def _rows(spec: ModelSpec, st: Structure, x: FloatArray, se: FloatArray) -> list[Row]:
    """Return the parameter table in the row format of the semopy route."""
    latents, inds = spec.latents, spec.indicators
    a, b, c, _ = st.spans
    out: list[Row] = []

    with np.errstate(divide="ignore", invalid="ignore"):
        zs = np.where(se > 0, x / se, np.nan)
    ps = 2.0 * special.ndtr(-np.abs(zs))

    def row(lhs: str, op: str, rhs: str, k: int | None, fixed: float = 0.0) -> Row:
        if k is None:
            nan = math.nan
            return (lhs, op, rhs, fixed, nan, nan, nan, False)
        return (
            lhs,
            op,
            rhs,
            float(x[k]),
            float(se[k]),
            float(zs[k]),
            float(ps[k]),
            True,
        )

    out.extend(
        row(lv, "=~", inds[int(st.markers[j])], None, 1.0)
        for j, lv in enumerate(latents)
    )
    out.extend(row(latents[st.lam_c[k]], "=~", inds[st.lam_r[k]], k) for k in range(a))
    out.extend(
        row(latents[st.beta_r[k - a]], "~", latents[st.beta_c[k - a]], k)
        for k in range(a, b)
    )
    for k in range(b, c):
        lhs, rhs = latents[st.psi_r[k - b]], latents[st.psi_c[k - b]]
        if lhs != rhs:  # lavaan order: earlier latent first
            lhs, rhs = rhs, lhs
        out.append(row(lhs, "~~", rhs, k))
    free_theta = set(st.theta_i.tolist())
    out.extend(
        row(inds[st.theta_i[k - c]], "~~", inds[st.theta_i[k - c]], k)
        for k in range(c, st.q)
    )
    out.extend(
        row(inds[i], "~~", inds[i], None, 0.0)
        for i in range(st.p)
        if i not in free_theta
    )
    return out
