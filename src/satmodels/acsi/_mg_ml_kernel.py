r"""Multigroup normal-theory ML with a mean structure, on the single-group kernel.

Each group :math:`g = 1, \dots, G` follows the LISREL all-y model of
:mod:`satmodels.acsi._ml_kernel` with intercepts: indicators
:math:`x = \nu + \Lambda\eta + \varepsilon`, latents
:math:`\eta = \alpha + B\eta + \zeta`, so that with :math:`A = (I - B)^{-1}`

.. math::

    \mu_g = \nu_g + \Lambda_g A_g \alpha_g, \qquad
    \Sigma_g = \Lambda_g A_g \Psi_g A_g^\top \Lambda_g^\top + \Theta_g

(Sörbom 1974; Jöreskog 1971). The groups are fitted together by minimising

.. math::

    F(\theta) = \sum_g \frac{n_g}{N}\Big[\log|\Sigma_g| +
    \operatorname{tr}(S_g\Sigma_g^{-1}) - \log|S_g| - p +
    (m_g - \mu_g)^\top \Sigma_g^{-1} (m_g - \mu_g)\Big]

(Jöreskog 1971, eq. 9; Sörbom 1974, eq. 11), with :math:`S_g` the
covariance of group :math:`g` with divisor :math:`n_g` and :math:`m_g` its
means (lavaan's ``likelihood = "normal"``: :math:`\chi^2 = N F`, Rosseel
2012). Equality constraints are parameter sharing: every group's local
parameter vector :math:`x_g = [\text{covariance part} \mid \nu_g \mid
\alpha_g]` is gathered from one global vector :math:`\theta` by an index
array (:class:`GroupMap`), a fixed entry (a latent intercept fixed at 0)
pointing at an appended zero. The gradient and the curvature are then sums
over the groups of the local ones scattered back
(:math:`\nabla F = \sum_g w_g M_g^\top \nabla F_g`, :math:`H = \sum_g w_g
M_g^\top H_g M_g`).

Local derivatives. For a fixed mean residual :math:`d = m - \mu`,
:math:`F_g` is the covariance discrepancy of the single-group kernel with
:math:`S^* = S + d d^\top`, so :func:`~._ml_kernel.derivatives` at
:math:`S^*` gives its value, its gradient and Hessian in the covariance
parameters and the expected information of :math:`\Sigma`. The mean
structure adds, with :math:`W = \Sigma^{-1}`, :math:`y = W d` and
:math:`J = \partial\mu/\partial x` (columns: :math:`\nu_i \to e_i`,
:math:`\alpha_j \to (\Lambda A)_{\cdot j}`, :math:`\lambda_{ij} \to e_i
(A\alpha)_j`, :math:`\beta_{ij} \to (\Lambda A)_{\cdot i}(A\alpha)_j`):

* gradient :math:`-2 J^\top y`;
* expected information per observation :math:`J^\top W J` (no covariance /
  mean cross term under normality; Browne & Arminger 1995);
* exact Hessian :math:`2J^\top W J` plus the cross terms
  :math:`2\,y^\top \dot\Sigma_k W J_l` (both orders) and
  :math:`-2\,y^\top \partial^2\mu/\partial x_k\partial x_l` (from
  :math:`dA = A\,dB\,A`; Magnus & Neudecker 1999, ch. 8).

:func:`minimize_mg` runs Newton's method on that Hessian with Fisher
scoring (the Gauss-Newton step on the expected information) as the
fallback and an Armijo line search, as :func:`~._ml_optim.minimize`, but
without bounds: lavaan leaves variances free, so a Heywood case is reported
as a negative estimate (and warned about), not hidden at 0.

References
----------
.. [1] Jöreskog, K. G. (1971). Simultaneous factor analysis in several
   populations. Psychometrika, 36(4), 409-426.
.. [2] Sörbom, D. (1974). A general method for studying differences in
   factor means and factor structure between groups. British Journal of
   Mathematical and Statistical Psychology, 27(2), 229-239.
.. [3] Browne, M. W., & Arminger, G. (1995). Specification and estimation
   of mean- and covariance-structure models. In G. Arminger, C. C. Clogg &
   M. E. Sobel (Eds.), Handbook of statistical modeling for the social and
   behavioral sciences (pp. 185-249). Plenum.
.. [4] Magnus, J. R., & Neudecker, H. (1999). Matrix differential calculus
   with applications in statistics and econometrics (rev. ed.). Wiley.
.. [5] Rosseel, Y. (2012). lavaan: an R package for structural equation
   modeling. Journal of Statistical Software, 48(2), 1-36.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import linalg

from .._typing import FloatArray
from ._ml_kernel import Structure, _inv_logdet, _parts, derivatives

__all__ = [
    "GroupData",
    "GroupMap",
    "MGDerivs",
    "group_parts",
    "local_parameters",
    "mg_derivatives",
    "mg_objective",
    "minimize_mg",
]

IntArray = np.ndarray


@dataclass(frozen=True, slots=True)
class GroupData:
    """Sufficient statistics of one group: covariance (divisor n), means, n."""

    cov: FloatArray
    mean: FloatArray
    n: float
    logdet: float


@dataclass(frozen=True, slots=True)
class GroupMap:
    """Where a group's local parameters live in the global vector.

    ``index[k]`` is the global position of local parameter ``k`` (local
    order: the :class:`~._ml_kernel.Structure` parameters, then the ``p``
    intercepts, then the ``m`` latent intercepts); ``-1`` marks a parameter
    fixed at 0.
    """

    index: IntArray

    @property
    def free(self) -> np.ndarray:
        """Mask of the local parameters that are free."""
        return np.asarray(self.index >= 0)


MGDerivs = tuple[float, FloatArray, FloatArray, FloatArray]


def local_parameters(theta: FloatArray, gm: GroupMap) -> FloatArray:
    """Return a group's local parameters (fixed ones 0) from the global vector."""
    ext = np.append(theta, 0.0)
    return np.asarray(ext[np.where(gm.index >= 0, gm.index, theta.size)])


def _split(st: Structure, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    q, p = st.q, st.p
    return x[:q], x[q : q + p], x[q + p :]


def group_parts(
    st: Structure, x: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    r"""Sigma, mu, :math:`\Lambda A`, A and :math:`A\alpha` of local parameters."""
    xc, nu, alpha = _split(st, x)
    sigma, la, _, _, a, _ = _parts(st, xc)
    g = a @ alpha
    mu = nu + la @ alpha
    return sigma, mu, la, a, g


def _local_objective(st: Structure, x: FloatArray, data: GroupData) -> float:
    sigma, mu, *_ = group_parts(st, x)
    got = _inv_logdet(sigma)
    if got is None:
        return math.inf
    w, logdet = got
    d = data.mean - mu
    return float(logdet + np.sum(data.cov * w) + d @ w @ d - data.logdet - st.p)


def _mean_jacobian(st: Structure, la: FloatArray, g: FloatArray) -> FloatArray:
    r""":math:`J = \partial\mu/\partial x` (p x local parameters)."""
    p, m, q = st.p, st.m, st.q
    a, b, _, _ = st.spans
    jac = np.zeros((p, q + p + m))
    jac[st.lam_r, np.arange(a)] = g[st.lam_c]
    jac[:, a:b] = la[:, st.beta_r] * g[st.beta_c]
    jac[:, q : q + p] = np.eye(p)
    jac[:, q + p :] = la
    return jac


def _local_derivatives(
    st: Structure, x: FloatArray, data: GroupData
) -> MGDerivs | None:
    """F, gradient, expected information and Hessian of one group (local)."""
    p, m, q = st.p, st.m, st.q
    xc = _split(st, x)[0]
    sigma, mu, la, a_mat, g = group_parts(st, x)
    d = data.mean - mu
    s_star = data.cov + np.outer(d, d)
    got = derivatives(st, xc, s_star, data.logdet, hessian=True)
    if got is None:
        return None
    f, gc, ic, hc = got
    assert hc is not None  # noqa: S101 - hessian=True
    got_w = _inv_logdet(sigma)
    if got_w is None:  # pragma: no cover - derivatives() succeeded
        return None
    w = got_w[0]
    y = w @ d
    jac = _mean_jacobian(st, la, g)
    wj = w @ jac
    size = q + p + m
    grad = -2.0 * (jac.T @ y)
    grad[:q] += gc
    jwj = jac.T @ wj
    info = jwj.copy()
    info[:q, :q] += ic
    hess = 2.0 * jwj
    hess[:q, :q] += hc
    # cross terms 2 y' dSigma_k W J_l, dSigma_k = c_k (u v' + v u') in X
    lc = _parts(st, xc)[2]
    basis = np.concatenate([np.eye(p), la, lc], axis=1)
    xy = basis.T @ y
    xwj = basis.T @ wj
    cross = (
        2.0
        * st.c[:, None]
        * (xy[st.u][:, None] * xwj[st.v] + xy[st.v][:, None] * xwj[st.u])
    )
    hess[:q, :] += cross
    hess[:, :q] += cross.T
    # second derivatives of mu: -2 y' d2mu
    hess += _mean_second(st, y, la, a_mat, g, size)
    return f, grad, info, hess


def _mean_second(  # noqa: PLR0917 - private, one call site
    st: Structure,
    y: FloatArray,
    la: FloatArray,
    a: FloatArray,
    g: FloatArray,
    size: int,
) -> FloatArray:
    r""":math:`-2\,y^\top \partial^2\mu / \partial x_k \partial x_l`.

    Nonzero blocks (:math:`z = (\Lambda A)^\top y`, :math:`g = A\alpha`):
    :math:`\lambda_{ij}, \alpha_l`: :math:`y_i A_{jl}`;
    :math:`\lambda_{ij}, \beta_{ab}`: :math:`y_i A_{ja} g_b`;
    :math:`\beta_{ab}, \beta_{cd}`: :math:`z_a A_{bc} g_d + z_c A_{da} g_b`;
    :math:`\beta_{ab}, \alpha_l`: :math:`z_a A_{bl}`.
    """
    p, q = st.p, st.q
    n_l, n_lb, _, _ = st.spans
    off = np.zeros((size, size))
    li, lj = st.lam_r, st.lam_c
    bi, bj = st.beta_r, st.beta_c
    z = la.T @ y
    al = q + p  # first latent intercept
    off[:n_l, al:] = y[li][:, None] * a[lj, :]
    if bi.size:
        off[:n_l, n_l:n_lb] = y[li][:, None] * a[lj[:, None], bi] * g[bj]
        off[n_l:n_lb, al:] = z[bi][:, None] * a[bj, :]
    full = off + off.T
    if bi.size:
        t1 = z[bi][:, None] * a[bj[:, None], bi[None, :]] * g[bj][None, :]
        full[n_l:n_lb, n_l:n_lb] = t1 + t1.T
    return -2.0 * full


def mg_objective(
    structure: Structure,
    theta: FloatArray,
    groups: tuple[GroupData, ...],
    maps: tuple[GroupMap, ...],
) -> float:
    """Return the multigroup discrepancy F (inf where a Sigma is not PD)."""
    total = sum(g.n for g in groups)
    f = 0.0
    for data, gm in zip(groups, maps, strict=True):
        fg = _local_objective(structure, local_parameters(theta, gm), data)
        if not math.isfinite(fg):
            return math.inf
        f += data.n / total * fg
    return f


def mg_derivatives(
    structure: Structure,
    theta: FloatArray,
    groups: tuple[GroupData, ...],
    maps: tuple[GroupMap, ...],
) -> MGDerivs | None:
    """F, gradient, expected information (per observation) and Hessian."""
    total = sum(g.n for g in groups)
    q = theta.size
    f = 0.0
    grad = np.zeros(q)
    info = np.zeros((q, q))
    hess = np.zeros((q, q))
    for data, gm in zip(groups, maps, strict=True):
        got = _local_derivatives(structure, local_parameters(theta, gm), data)
        if got is None:
            return None
        fg, gg, ig, hg = got
        wgt = data.n / total
        free = gm.free
        idx = gm.index[free]
        f += wgt * fg
        np.add.at(grad, idx, wgt * gg[free])
        sel = np.ix_(free, free)
        np.add.at(info, np.ix_(idx, idx), wgt * ig[sel])
        np.add.at(hess, np.ix_(idx, idx), wgt * hg[sel])
    return f, grad, info, hess


def minimize_mg(
    structure: Structure,
    theta0: FloatArray,
    groups: tuple[GroupData, ...],
    maps: tuple[GroupMap, ...],
    *,
    max_iter: int = 500,
    gtol: float = 1e-10,
) -> tuple[FloatArray, float, bool, int, str, FloatArray | None]:
    """Minimise the multigroup F by Newton's method with Fisher scoring.

    Returns the estimate, F, whether it converged, the iterations, a
    message and the expected information at the estimate (None when a
    Sigma is not positive definite at the start).
    """
    theta = theta0.copy()
    got = mg_derivatives(structure, theta, groups, maps)
    if got is None:
        return (
            theta,
            math.inf,
            False,
            0,
            "Sigma is not positive definite at the start",
            None,
        )
    f, g, info, hess = got
    for it in range(1, max_iter + 1):
        if float(np.max(np.abs(g), initial=0.0)) < gtol:
            return theta, f, True, it - 1, "gradient below tolerance", info
        moved = None
        for curv in _curvatures(hess, info):
            step = _solve(curv, g)
            if step is None:
                continue
            moved = _line_search(structure, groups, maps, theta, f, g, step)
            if moved is not None:
                break
        if moved is None:
            ok = float(np.max(np.abs(g), initial=0.0)) < 1e-6
            return theta, f, ok, it, "no step lowers F further", info
        theta_new, f_new = moved
        derivs = mg_derivatives(structure, theta_new, groups, maps)
        if derivs is None:  # pragma: no cover - finite F means PD Sigmas
            return theta, f, False, it, "Sigma lost positive definiteness", info
        improvement = f - f_new
        theta, (f, g, info, hess) = theta_new, derivs
        if improvement <= 1e-15 * max(1.0, abs(f)):
            ok = float(np.max(np.abs(g), initial=0.0)) < 1e-6
            msg = "F no longer decreases" + ("" if ok else " (gradient not small)")
            return theta, f, ok, it, msg, info
    return theta, f, False, max_iter, f"iteration limit {max_iter} reached", info


def _curvatures(hess: FloatArray, info: FloatArray) -> list[FloatArray]:
    """Newton, Fisher scoring, then Levenberg-Marquardt damped scoring."""
    fisher = 2.0 * info
    scale = float(np.mean(np.abs(np.diag(fisher)))) or 1.0
    eye = np.eye(fisher.shape[0])
    return [hess, fisher] + [fisher + mu * scale * eye for mu in (1e-6, 1e-3, 1.0)]


def _solve(curv: FloatArray, g: FloatArray) -> FloatArray | None:
    chol, info = linalg.lapack.dpotrf(curv, lower=1, clean=1)
    if info != 0:
        return None
    return np.asarray(-linalg.lapack.dpotrs(chol, g, lower=1)[0])


def _line_search(  # noqa: PLR0917 - private
    structure: Structure,
    groups: tuple[GroupData, ...],
    maps: tuple[GroupMap, ...],
    theta: FloatArray,
    f: float,
    g: FloatArray,
    step: FloatArray,
) -> tuple[FloatArray, float] | None:
    """Armijo backtracking along ``step``."""
    slope = float(g @ step)
    t = 1.0
    while t > 1e-10:
        cand = theta + t * step
        fn = mg_objective(structure, cand, groups, maps)
        if math.isfinite(fn) and fn <= f + 1e-4 * t * slope:
            return cand, fn
        t *= 0.5
    return None
