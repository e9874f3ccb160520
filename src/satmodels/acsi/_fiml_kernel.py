r"""Full-information ML (FIML) of the LISREL model from missing-pattern statistics.

The casewise likelihood of Arbuckle (1996) (Finkbeiner 1979; Enders 2010,
ch. 3) sums, over the respondents, the normal log-density of their observed
answers. Grouping the respondents by missing-data pattern :math:`k`
(observed columns :math:`O_k`, weight :math:`W_k`, mean :math:`m_k`,
centred cross-products :math:`C_k` of the observed columns,
:class:`~satmodels.engines.patterns.PatternSums`) gives the same number from
statistics computed in one pass (on the engine for lazy frames):

.. math::

    f(\theta, \nu) = \sum_k \Big[ W_k \log|\Sigma_k|
        + \operatorname{tr}\big(\Sigma_k^{-1}(C_k + W_k d_k d_k^\top)\big)
      \Big] = -2\log L - \sum_k W_k q_k \log 2\pi,

with :math:`\Sigma_k = \Sigma(\theta)_{O_k O_k}` the model-implied covariance
of the observed columns (the LISREL model of :mod:`._ml_kernel`),
:math:`d_k = m_k - \nu_{O_k}` and :math:`\nu` the indicators' intercepts
(saturated means: one free mean per indicator, latent means 0; lavaan's
``sem(..., missing = "ml")``). Its gradient: with
:math:`G = \sum_k E_k^\top\big(W_k\Sigma_k^{-1} - \Sigma_k^{-1}(C_k + W_k
d_k d_k^\top)\Sigma_k^{-1}\big)E_k` (the pattern's terms placed in the
:math:`O_k` block), :math:`\partial f/\partial\theta_j =
\operatorname{tr}(G\,\partial\Sigma/\partial\theta_j)`, which the rank-two
derivatives of :mod:`._ml_kernel` give as :math:`2c_j(X^\top G X)_{u_j v_j}`;
:math:`\partial f/\partial\nu_{O_k} = -2W_k\Sigma_k^{-1}d_k` (Magnus &
Neudecker 1999, ch. 15). The observed information is half the Hessian of
:math:`f` (:math:`-\partial^2 \log L`), by central differences of the
analytic gradient (analytic, :func:`fiml_hessian`; lavaan's ``observed.information =
"hessian"`` takes central differences of its gradient, the route of
:func:`numeric_hessian`).

References
----------
.. [1] Arbuckle, J. L. (1996). Full information estimation in the presence
   of incomplete data. In G. A. Marcoulides & R. E. Schumacker (Eds.),
   Advanced structural equation modeling (pp. 243-277). Erlbaum.
.. [2] Finkbeiner, C. (1979). Estimation for the multiple factor model when
   data are missing. Psychometrika, 44(4), 409-420.
.. [3] Enders, C. K. (2010). Applied missing data analysis. Guilford.
.. [4] Magnus, J. R., & Neudecker, H. (1999). Matrix differential calculus
   with applications in statistics and econometrics (rev. ed.). Wiley.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from .._typing import FloatArray
from ..engines.patterns import PatternSums
from ._ml_kernel import (
    Structure,
    _gather,
    _gram,
    _pair_traces,
    _parts,
    _second_derivative_term,
)

__all__ = [
    "FimlFit",
    "Patterns",
    "fiml_fit",
    "fiml_gradient",
    "fiml_hessian",
    "numeric_hessian",
    "patterns",
]

#: Patterns per block of the Hessian's pair traces (bounds its memory).
_CHUNK = 128


@dataclass(frozen=True, slots=True)
class Patterns:
    r"""The patterns as padded arrays: K patterns of p columns.

    ``mask`` (K, p) is 1 for an observed column; ``weight`` (K,);
    ``mean`` (K, p) and ``comoment`` (K, p, p) are 0 outside the observed
    columns; ``pad`` (K, p, p) is the identity on the unobserved columns,
    so that :math:`\\Sigma \\circ oo^\top + \\mathrm{pad}` is invertible
    exactly when :math:`\\Sigma_{OO}` is, with the inverse of
    :math:`\\Sigma_{OO}` in its observed block (all patterns in one batched
    Cholesky factorisation).
    """

    mask: FloatArray
    weight: FloatArray
    mean: FloatArray
    comoment: FloatArray
    pad: FloatArray
    outer: FloatArray


@dataclass(frozen=True, slots=True)
class FimlFit:
    """The FIML optimum: parameters (LISREL x, then intercepts), f, Hessian."""

    x: FloatArray
    nu: FloatArray
    f: float
    hessian: FloatArray
    converged: bool
    message: str
    n_iterations: int


def patterns(ps: PatternSums) -> Patterns:
    """Return the padded pattern arrays (computed once per fit)."""
    mask = ps.observed.astype(np.float64)
    p = mask.shape[1]
    pad = np.zeros((mask.shape[0], p, p))
    idx = np.arange(p)
    pad[:, idx, idx] = 1.0 - mask
    return Patterns(
        mask=mask,
        weight=ps.weight_sum.astype(np.float64),
        mean=np.where(ps.observed, ps.mean, 0.0),
        comoment=ps.comoment,
        pad=pad,
        outer=mask[:, :, None] * mask[:, None, :],
    )


def fiml_gradient(
    st: Structure, pats: Patterns, theta: FloatArray
) -> tuple[float, FloatArray]:
    """Return :math:`f` and its gradient (inf and zeros where Sigma_k is not PD)."""
    q = st.q
    x, nu = theta[:q], theta[q:]
    sigma, la, lc, *_ = _parts(st, x)
    try:
        chol = np.linalg.cholesky(sigma * pats.outer + pats.pad)
    except np.linalg.LinAlgError:
        return math.inf, np.zeros(theta.size)
    logdet = 2.0 * np.sum(np.log(np.diagonal(chol, axis1=1, axis2=2)), axis=1)
    linv = np.linalg.inv(chol)
    inv = np.swapaxes(linv, 1, 2) @ linv - pats.pad  # Sigma_OO^-1, zero-padded
    w = pats.weight
    d = (pats.mean - nu) * pats.mask
    s = pats.comoment + w[:, None, None] * (d[:, :, None] * d[:, None, :])
    f = float(w @ logdet) + float(np.sum(inv * s))
    g = np.einsum("k,kij->ij", w, inv) - np.sum(inv @ s @ inv, axis=0)
    gnu = -2.0 * np.einsum("k,kij,kj->i", w, inv, d)
    kg = _gram(g, la, lc)
    grad = 2.0 * st.c * kg[st.u, st.v]
    return f, np.concatenate([grad, gnu])


def fiml_hessian(st: Structure, pats: Patterns, theta: FloatArray) -> FloatArray:
    r"""Analytic Hessian of :math:`f` (NaN where a :math:`\Sigma_k` is not PD).

    With :math:`A_k` the zero-padded :math:`\Sigma_k^{-1}`,
    :math:`U_k = A_k(C_k + W_k d_k d_k^\top)A_k` and :math:`T(M_1, M_2)_{jl}
    = \operatorname{tr}(M_1\dot\Sigma_j M_2\dot\Sigma_l)` of
    :mod:`._ml_kernel`:

    .. math::

        \partial^2 f/\partial\theta\partial\theta^\top = \sum_k \big(
            T(A_k, U_k) + T(A_k, U_k)^\top - W_k T(A_k, A_k)\big)
            + \operatorname{tr}(G\,\partial^2\Sigma),

        \partial^2 f/\partial\theta_l\partial\nu_j = 2c_l\sum_k W_k\big(
            (X^\top A_k)_{u_l j}(X^\top A_k d_k)_{v_l}
            + (X^\top A_k d_k)_{u_l}(X^\top A_k)_{v_l j}\big),

        \partial^2 f/\partial\nu\partial\nu^\top = 2\sum_k W_k A_k

    (the single-sample Hessian of :func:`._ml_kernel.derivatives` per
    pattern, and :math:`dG = \sum_k W_k A_k(e_j d_k^\top + d_k e_j^\top)
    A_k\,d\nu_j`; Magnus & Neudecker 1999, ch. 10 and 15).
    """
    q, p = st.q, st.p
    x, nu = theta[:q], theta[q:]
    sigma, la, lc, lam, a, cmat = _parts(st, x)
    try:
        chol = np.linalg.cholesky(sigma * pats.outer + pats.pad)
    except np.linalg.LinAlgError:
        return np.full((theta.size, theta.size), np.nan)
    linv = np.linalg.inv(chol)
    inv = np.swapaxes(linv, 1, 2) @ linv - pats.pad
    w = pats.weight
    d = (pats.mean - nu) * pats.mask
    s = pats.comoment + w[:, None, None] * (d[:, :, None] * d[:, None, :])
    u = inv @ s @ inv
    g = np.einsum("k,kij->ij", w, inv) - np.sum(u, axis=0)
    hth = np.zeros((q, q))
    for lo in range(0, w.size, _CHUNK):
        sl = slice(lo, lo + _CHUNK)
        ga = _gather(st, _gram(inv[sl], la, lc))
        gu = _gather(st, _gram(u[sl], la, lc))
        tau = _pair_traces(st, ga, gu)
        taa = _pair_traces(st, ga, ga)
        hth += np.sum(tau + np.swapaxes(tau, 1, 2), axis=0)
        hth -= np.einsum("k,kij->ij", w[sl], taa)
    kg = _gram(g, la, lc)
    hth += _second_derivative_term(
        st, g, lam, a, cmat, kg[:p, p : p + st.m], kg[:p, p + st.m :]
    )
    xb = np.concatenate([np.eye(p), la, lc], axis=1)  # X, p x r
    xa = xb.T @ inv  # (K, r, p): X' A_k
    y = np.einsum("krp,kp->kr", xa, d)  # X' A_k d_k
    wxa = w[:, None, None] * xa
    hxn = (
        2.0
        * st.c[:, None]
        * (
            np.einsum("klj,kl->lj", wxa[:, st.u, :], y[:, st.v])
            + np.einsum("kl,klj->lj", y[:, st.u], wxa[:, st.v, :])
        )
    )
    hnn = 2.0 * np.einsum("k,kij->ij", w, inv)
    top = np.concatenate([hth, hxn], axis=1)
    bottom = np.concatenate([hxn.T, hnn], axis=1)
    hess = np.concatenate([top, bottom], axis=0)
    return np.asarray(0.5 * (hess + hess.T), dtype=np.float64)


def numeric_hessian(st: Structure, pats: Patterns, theta: FloatArray) -> FloatArray:
    """Hessian of :math:`f` by the four-point central difference of the gradient.

    lavaan's ``observed.information = "hessian"`` route; kept to check
    :func:`fiml_hessian`.
    """
    n = theta.size
    hess = np.empty((n, n))
    for j in range(n):
        h = 1e-4 * max(1.0, abs(float(theta[j])))
        grads = []
        for step in (-2.0, -1.0, 1.0, 2.0):
            t = theta.copy()
            t[j] += step * h
            grads.append(fiml_gradient(st, pats, t)[1])
        hess[:, j] = (grads[0] - 8.0 * grads[1] + 8.0 * grads[2] - grads[3]) / (
            12.0 * h
        )
    return 0.5 * (hess + hess.T)


def fiml_fit(
    st: Structure,
    pats: Patterns,
    start: FloatArray,
    *,
    max_iter: int = 2000,
) -> FimlFit:
    """Minimise :math:`f` from ``start`` (LISREL parameters, then intercepts).

    L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995) with the analytic gradient and
    the variance bounds of :mod:`._ml_kernel`, then projected Newton steps
    on the difference Hessian (Bertsekas 1982) until the largest free
    gradient component is below 1e-9 of the total weight.
    """
    total = float(pats.weight.sum())
    lower = np.concatenate([st.lower, np.full(st.p, -np.inf)])
    bounds = [(None if np.isinf(lo) else lo, None) for lo in lower]

    def fun(t: FloatArray) -> tuple[float, FloatArray]:
        f, g = fiml_gradient(st, pats, t)
        if not math.isfinite(f):
            return 1e300, np.zeros(t.size)
        return f / total, g / total

    res = optimize.minimize(
        fun,
        np.maximum(start, lower),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": max_iter, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 30},
    )
    theta = np.asarray(res.x, dtype=np.float64)
    f, g = fiml_gradient(st, pats, theta)
    it = int(res.nit)
    hess = fiml_hessian(st, pats, theta)
    converged = False
    for _ in range(20):
        active = (theta <= lower) & (g > 0)
        free = ~active
        gmax = float(np.max(np.abs(g[free]))) if free.any() else 0.0
        if gmax < 1e-9 * total:
            converged = True
            break
        step = np.zeros(theta.size)
        try:
            step[free] = -np.linalg.solve(hess[np.ix_(free, free)], g[free])
        except np.linalg.LinAlgError:
            break
        t = 1.0
        while t > 1e-8:
            cand = np.maximum(theta + t * step, lower)
            fc, gc = fiml_gradient(st, pats, cand)
            if fc <= f + 1e-12 * abs(f):
                theta, f, g = cand, fc, gc
                break
            t *= 0.5
        else:
            break
        it += 1
        hess = fiml_hessian(st, pats, theta)
    return FimlFit(
        x=theta[: st.q],
        nu=theta[st.q :],
        f=f,
        hessian=hess,
        converged=converged,
        message="converged" if converged else str(res.message),
        n_iterations=it,
    )
