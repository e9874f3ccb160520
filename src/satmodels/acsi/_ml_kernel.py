r"""Normal-theory ML for reflective recursive SEMs, in numpy (the default route).

The models :func:`satmodels.acsi.fit` fits by maximum likelihood are exactly
the LISREL all-y model (Jöreskog 1973) with

* reflective blocks: each indicator loads on one latent, the first
  indicator of a block is its marker (loading fixed to 1);
* structural paths :math:`B` among latents forming a directed acyclic graph
  (strictly lower triangular in the topological order of ``spec.latents``);
* :math:`\Psi`: free (co)variances among the exogenous latents, a free
  disturbance variance for each endogenous latent, no other covariances;
* diagonal :math:`\Theta`, fixed at 0 for a single-indicator block

(lavaan's ``sem()`` defaults, Rosseel 2012, and what
:func:`~satmodels.acsi._semopy_backend.to_semopy_syntax` writes). With
:math:`A = (I - B)^{-1}` and :math:`C = A \Psi A^\top`,

.. math::

    \Sigma(\theta) = \Lambda C \Lambda^\top + \Theta, \qquad
    F(\theta) = \log|\Sigma| + \operatorname{tr}(S \Sigma^{-1})
                - \log|S| - p

(Jöreskog 1969, eq. 9; Jöreskog 1973). Its differential is
:math:`dF = \operatorname{tr}(G\, d\Sigma)` with
:math:`G = \Sigma^{-1} - \Sigma^{-1} S \Sigma^{-1}` (Jöreskog 1969, eq. 11;
Magnus & Neudecker 1999, ch. 15), and every parameter :math:`\theta_k` moves
:math:`\Sigma` by a symmetric rank-two matrix
:math:`\partial\Sigma/\partial\theta_k = c_k (u_k v_k^\top + v_k u_k^\top)`
whose vectors :math:`u_k, v_k` are columns of the basis
:math:`X = [\,I_p \mid \Lambda A \mid \Lambda C\,]`:

=====================  ===============  ===============  =====
parameter              :math:`u`        :math:`v`        c
=====================  ===============  ===============  =====
loading λ_ij           e_i              (ΛC)_j           1
path β_ij              (ΛA)_i           (ΛC)_j           1
ψ_ij, i ≠ j            (ΛA)_i           (ΛA)_j           1
ψ_ii                   (ΛA)_i           (ΛA)_i           1/2
θ_ii                   e_i              e_i              1/2
=====================  ===============  ===============  =====

So the gradient is :math:`\partial F/\partial\theta_k = 2 c_k (X^\top G
X)_{u_k v_k}` and the expected (Fisher) information per observation,
:math:`\tfrac12 \operatorname{tr}(\Sigma^{-1}\dot\Sigma_k \Sigma^{-1}
\dot\Sigma_l)` (Browne 1974; Lee & Jennrich 1979), is

.. math::

    \mathcal I_{kl} = c_k c_l \left(K_{u_k u_l} K_{v_k v_l}
                      + K_{u_k v_l} K_{v_k u_l}\right),
    \qquad K = X^\top \Sigma^{-1} X,

which costs :math:`O(p^2 m + q^2)` instead of the :math:`O(p^4)` of the
Kronecker form :math:`\tfrac12\Delta^\top(\Sigma^{-1}\otimes\Sigma^{-1})
\Delta`. The exact Hessian adds the terms in :math:`S - \Sigma`
(:func:`derivatives`). :math:`F` is minimised (:mod:`._ml_optim`) by
Newton's method on that Hessian, with Fisher scoring (Lee & Jennrich 1979:
the Gauss-Newton step :math:`-(2\mathcal I)^{-1}\nabla F`) where the
Hessian is not positive definite, projected onto the bounds
:math:`\psi_{ii}, \theta_{ii} \ge 0` (Bertsekas 1982; semopy bounds these
variances the same way) with a backtracking (Armijo) line
search, from starting values built from the correlation matrix (Spearman
triads for the loadings, unit-weighted composites for the latent
covariances, population regressions for the paths). Standard errors are
:math:`\sqrt{\operatorname{diag}((n\mathcal I)^{-1})}`, lavaan's default
for ML (``information = "expected"``, ``se = "standard"``, N = n).

The fit runs on the correlation metric (the covariance of the indicators
divided by their standard deviations) and maps the estimates back
(:func:`~satmodels.acsi._semopy_backend._rescale_rows`): ML is scale
invariant (Browne 1982; Cudeck 1989), the optimiser's tolerances are not.

References
----------
.. [1] Jöreskog, K. G. (1969). A general approach to confirmatory maximum
   likelihood factor analysis. Psychometrika, 34(2), 183-202.
.. [2] Jöreskog, K. G. (1973). A general method for estimating a linear
   structural equation system. In A. S. Goldberger & O. D. Duncan (Eds.),
   Structural equation models in the social sciences (pp. 85-112).
.. [3] Browne, M. W. (1974). Generalized least squares estimators in the
   analysis of covariance structures. South African Statistical Journal, 8,
   1-24.
.. [4] Lee, S.-Y., & Jennrich, R. I. (1979). A study of algorithms for
   covariance structure analysis with specific comparisons using factor
   analysis. Psychometrika, 44(1), 99-113.
.. [5] Bertsekas, D. P. (1982). Projected Newton methods for optimization
   problems with simple constraints. SIAM J. Control Optim., 20(2), 221-246.
.. [6] Magnus, J. R., & Neudecker, H. (1999). Matrix differential calculus
   with applications in statistics and econometrics (rev. ed.). Wiley.
.. [7] Rosseel, Y. (2012). lavaan: an R package for structural equation
   modeling. Journal of Statistical Software, 48(2), 1-36.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import linalg

from .._typing import FloatArray
from .spec import ModelSpec

__all__ = [
    "MLFit",
    "Structure",
    "compile_structure",
    "derivatives",
    "derivatives_batch",
    "matrices",
    "objective",
    "objective_batch",
]

IntArray = np.ndarray
Row = tuple[str, str, str, float, float, float, float, bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class MLFit:
    """Plain numbers of an ML fit (from this kernel or from semopy).

    Attributes
    ----------
    estimates : tuple of tuples
        ``(lhs, op, rhs, estimate, se, z, p, free)`` per parameter, in the
        original metric; ``se``, ``z``, ``p`` are NaN for fixed parameters.
    n_free : int
        Number of free parameters.
    objective : float
        Minimised discrepancy :math:`F` (semopy's ``MLW`` or the kernel's).
    converged : bool
        Whether the optimiser reported success.
    message : str
        The optimiser's message.
    n_iterations : int
        Optimiser iterations.
    implied : ndarray
        Model-implied covariance of the indicators (original metric).
    optimizer : str
        Which route produced the fit (``"numpy"`` or ``"semopy"``).
    parameters : ndarray or None
        The kernel's free-parameter vector in the original metric (order of
        :class:`Structure`), the warm start of a bootstrap; None from
        semopy.
    """

    estimates: tuple[Row, ...]
    n_free: int
    objective: float
    converged: bool
    message: str
    n_iterations: int
    implied: FloatArray
    optimizer: str = "numpy"
    parameters: FloatArray | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Structure:
    r"""Index arrays of one specification, compiled once and reused per fit.

    Parameters are ordered: free loadings (block by block), paths, latent
    (co)variances, residual variances. ``u``, ``v`` and ``c`` index the
    rank-two derivative of each parameter in the basis
    :math:`[I_p \mid \Lambda A \mid \Lambda C]` (module docstring).
    """

    p: int
    m: int
    lam_fixed: FloatArray  # p x m, marker loadings 1
    lam_r: IntArray
    lam_c: IntArray
    beta_r: IntArray
    beta_c: IntArray
    psi_r: IntArray
    psi_c: IntArray
    theta_i: IntArray
    block_of: IntArray  # latent of each indicator
    markers: IntArray  # marker indicator of each latent
    u: IntArray
    v: IntArray
    c: FloatArray
    lower: FloatArray  # lower bounds (0 for variances, -inf otherwise)
    spans: tuple[int, int, int, int] = field(default=(0, 0, 0, 0))

    @property
    def q(self) -> int:
        """Number of free parameters."""
        return int(self.u.size)


def compile_structure(spec: ModelSpec) -> Structure:
    """Index arrays of the free parameters of a reflective recursive model."""
    latents, inds = spec.latents, spec.indicators
    p, m = len(inds), len(latents)
    li = {lv: j for j, lv in enumerate(latents)}
    block_of = np.empty(p, dtype=np.intp)
    markers = np.empty(m, dtype=np.intp)
    lam_fixed = np.zeros((p, m))
    lam_r, lam_c, theta_i = [], [], []
    blocks = {b_.latent: b_.indicators for b_ in spec.blocks}
    where = {it: i for i, it in enumerate(inds)}
    for j, lv in enumerate(latents):
        items = blocks[lv]
        for k, it in enumerate(items):
            i = where[it]
            block_of[i] = j
            if k == 0:
                markers[j] = i
                lam_fixed[i, j] = 1.0
            else:
                lam_r.append(i)
                lam_c.append(j)
            if len(items) > 1:
                theta_i.append(i)
    # paths in the order of the semopy text: by target, sources topologically
    pairs = sorted((li[p_.target], li[p_.source]) for p_ in spec.paths)
    beta_r = [t for t, _ in pairs]
    beta_c = [s_ for _, s_ in pairs]
    targets = {p_.target for p_ in spec.paths}
    exo = [j for j, lv in enumerate(latents) if lv not in targets]
    psi_r: list[int] = []
    psi_c: list[int] = []
    for j in range(m):
        if j in exo:
            for k in exo:
                if k <= j:
                    psi_r.append(j)
                    psi_c.append(k)
        else:
            psi_r.append(j)
            psi_c.append(j)
    n_l, n_b, n_p = len(lam_r), len(beta_r), len(psi_r)
    # basis columns: indicator i -> i; (Lambda A)_j -> p + j; (Lambda C)_j -> p + m + j
    u = np.concatenate(
        [
            lam_r,
            p + np.array(beta_r, dtype=np.intp),
            p + np.array(psi_r, np.intp),
            theta_i,
        ]
    ).astype(np.intp)
    v = np.concatenate(
        [
            p + m + np.array(lam_c, dtype=np.intp),
            p + m + np.array(beta_c, dtype=np.intp),
            p + np.array(psi_c, dtype=np.intp),
            theta_i,
        ]
    ).astype(np.intp)
    diag_psi = np.array(psi_r) == np.array(psi_c)
    c = np.concatenate(
        [np.ones(n_l + n_b), np.where(diag_psi, 0.5, 1.0), np.full(len(theta_i), 0.5)]
    )
    lower = np.concatenate(
        [
            np.full(n_l + n_b, -np.inf),
            np.where(diag_psi, 0.0, -np.inf),
            np.zeros(len(theta_i)),
        ]
    )
    return Structure(
        p=p,
        m=m,
        lam_fixed=lam_fixed,
        lam_r=np.array(lam_r, dtype=np.intp),
        lam_c=np.array(lam_c, dtype=np.intp),
        beta_r=np.array(beta_r, dtype=np.intp),
        beta_c=np.array(beta_c, dtype=np.intp),
        psi_r=np.array(psi_r, dtype=np.intp),
        psi_c=np.array(psi_c, dtype=np.intp),
        theta_i=np.array(theta_i, dtype=np.intp),
        block_of=block_of,
        markers=markers,
        u=u,
        v=v,
        c=c,
        lower=lower,
        spans=(n_l, n_l + n_b, n_l + n_b + n_p, n_l + n_b + n_p + len(theta_i)),
    )


def matrices(
    st: Structure, x: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Lambda, B, Psi and diag(Theta) from the free parameters (leading axes batch)."""
    a, b, c, _ = st.spans
    lead = x.shape[:-1]
    lam = np.broadcast_to(st.lam_fixed, (*lead, st.p, st.m)).copy()
    lam[..., st.lam_r, st.lam_c] = x[..., :a]
    beta = np.zeros((*lead, st.m, st.m))
    beta[..., st.beta_r, st.beta_c] = x[..., a:b]
    psi = np.zeros((*lead, st.m, st.m))
    psi[..., st.psi_r, st.psi_c] = x[..., b:c]
    psi[..., st.psi_c, st.psi_r] = x[..., b:c]
    theta = np.zeros((*lead, st.p))
    theta[..., st.theta_i] = x[..., c:]
    return lam, beta, psi, theta


def _t(a: FloatArray) -> FloatArray:
    """Transpose of the last two axes."""
    return a.swapaxes(-1, -2)


def _parts(
    st: Structure, x: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Sigma, Lambda A, Lambda C, Lambda, A and C (leading axes batch)."""
    lam, beta, psi, theta = matrices(st, x)
    # B is strictly lower triangular (topological order): I - B is unit
    # lower triangular, inverted by LAPACK's dtrtri (one matrix) or by
    # numpy's batched inverse.
    if beta.ndim == 2:
        beta *= -1.0
        a, _ = linalg.lapack.dtrtri(beta, lower=1, unitdiag=1)
        np.fill_diagonal(a, 1.0)  # a unit diagonal is neither read nor written
    else:
        a = np.linalg.inv(np.eye(st.m) - beta)
    cmat = a @ psi @ _t(a)
    la = lam @ a
    lc = lam @ cmat
    sigma = lc @ _t(lam)
    di = np.arange(st.p)
    sigma[..., di, di] += theta
    return sigma, la, lc, lam, a, cmat


def _inv_logdet(sigma: FloatArray) -> tuple[FloatArray, float] | None:
    """Inverse and log-determinant through Cholesky; None if not PD."""
    chol, info = linalg.lapack.dpotrf(sigma, lower=1, clean=0)
    if info != 0:
        return None
    logdet = 2.0 * float(np.sum(np.log(np.diag(chol))))
    inv, info = linalg.lapack.dpotri(chol, lower=1)
    if info != 0:  # pragma: no cover - dpotrf succeeded
        return None
    inv = np.tril(inv)
    inv = inv + np.tril(inv, -1).T
    return inv, logdet


def objective(st: Structure, x: FloatArray, s: FloatArray, logdet_s: float) -> float:
    """Return the discrepancy :math:`F` (inf where Sigma is not PD)."""
    sigma = _parts(st, x)[0]
    got = _inv_logdet(sigma)
    if got is None:
        return math.inf
    w, logdet = got
    return logdet + float(np.sum(s * w)) - logdet_s - st.p


def _gram(mat: FloatArray, la: FloatArray, lc: FloatArray) -> FloatArray:
    r"""Return :math:`X^\top M X`, :math:`X = [I \mid \Lambda A \mid \Lambda C]`."""
    xb = np.concatenate([la, lc], axis=-1)
    mx = mat @ xb
    top = np.concatenate([mat, mx], axis=-1)
    bottom = np.concatenate([_t(mx), _t(xb) @ mx], axis=-1)
    return np.concatenate([top, bottom], axis=-2)


def _gather(st: Structure, k: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    r""":math:`(u_k^\top M u_l)`, :math:`(v_k^\top M v_l)`, :math:`(u_k^\top M v_l)`."""
    # one flat take per block: much faster than chained fancy indexing
    width = k.shape[-1]
    flat = k.reshape(*k.shape[:-2], width * width)
    u, v = st.u * width, st.v * width
    return (
        np.take(flat, u[:, None] + st.u, axis=-1),
        np.take(flat, v[:, None] + st.v, axis=-1),
        np.take(flat, u[:, None] + st.v, axis=-1),
    )


def _pair_traces(
    st: Structure,
    g1: tuple[FloatArray, FloatArray, FloatArray],
    g2: tuple[FloatArray, FloatArray, FloatArray],
) -> FloatArray:
    r""":math:`T_{kl} = \operatorname{tr}(M_1 \dot\Sigma_k M_2 \dot\Sigma_l)`.

    With :math:`\dot\Sigma_k = c_k(u_k v_k^\top + v_k u_k^\top)` and
    :math:`K_i = X^\top M_i X` gathered by :func:`_gather`, the trace is a
    sum of four products of bilinear forms (tr(ab'cd') = (b'c)(d'a);
    Magnus & Neudecker 1999, ch. 2).
    """
    u1, v1, x1 = g1
    u2, v2, x2 = g2
    body = x1 * _t(x2)
    body += u1 * v2
    body += v1 * u2
    body += _t(x1) * x2
    body *= st.c[:, None] * st.c
    return body


def _second_derivative_term(  # noqa: PLR0917 - private, one call site
    st: Structure,
    g_mat: FloatArray,
    lam: FloatArray,
    a: FloatArray,
    cmat: FloatArray,
    gla: FloatArray,
    glc: FloatArray,
) -> FloatArray:
    r""":math:`\operatorname{tr}(G\,\partial^2\Sigma/\partial\theta_k\partial\theta_l)`.

    Nonzero for loading-loading :math:`2 G_{ik} C_{jl}`, loading-path
    :math:`2(A_{jk}(G\Lambda C)_{il} + C_{jl}(G\Lambda A)_{ik})`,
    loading-:math:`\psi` :math:`2c(A_{jk}(G\Lambda A)_{il} + A_{jl}
    (G\Lambda A)_{ik})`, path-path :math:`2(A_{li}(CHA)_{jk} + A_{jk}
    (CHA)_{li} + (A^\top H A)_{ik} C_{jl})` and path-:math:`\psi`
    :math:`2c(A_{jk}(A^\top HA)_{li} + A_{jl}(A^\top HA)_{ki})`, with
    :math:`H = \Lambda^\top G \Lambda`, from
    :math:`d(I-B)^{-1} = A\,dB\,A` (Magnus & Neudecker 1999, ch. 8).
    """
    q = st.q
    n_l, n_lb, n_lbp, _ = st.spans
    out = np.zeros((*g_mat.shape[:-2], q, q))
    li, lj = st.lam_r, st.lam_c
    bi, bj = st.beta_r, st.beta_c
    pk, pl = st.psi_r, st.psi_c
    cp = st.c[n_lb:n_lbp]
    # loading-loading
    out[..., :n_l, :n_l] = (
        2.0 * g_mat[..., li[:, None], li] * cmat[..., lj[:, None], lj]
    )
    # loading-path
    if bi.size:
        lb = 2.0 * (
            a[..., lj[:, None], bi] * glc[..., li[:, None], bj]
            + cmat[..., lj[:, None], bj] * gla[..., li[:, None], bi]
        )
        out[..., :n_l, n_l:n_lb] = lb
        out[..., n_l:n_lb, :n_l] = _t(lb)
    # loading-psi
    lp = (
        2.0
        * cp
        * (
            a[..., lj[:, None], pk] * gla[..., li[:, None], pl]
            + a[..., lj[:, None], pl] * gla[..., li[:, None], pk]
        )
    )
    out[..., :n_l, n_lb:n_lbp] = lp
    out[..., n_lb:n_lbp, :n_l] = _t(lp)
    if bi.size:
        h = _t(lam) @ g_mat @ lam
        cha = cmat @ h @ a
        aha = _t(a) @ h @ a
        bb = 2.0 * (
            _t(a[..., bj[:, None], bi]) * cha[..., bj[:, None], bi]
            + a[..., bj[:, None], bi] * _t(cha[..., bj[:, None], bi])
            + aha[..., bi[:, None], bi] * cmat[..., bj[:, None], bj]
        )
        out[..., n_l:n_lb, n_l:n_lb] = bb
        bp = (
            2.0
            * cp
            * (
                a[..., bj[:, None], pk] * aha[..., bi[:, None], pl]
                + a[..., bj[:, None], pl] * aha[..., bi[:, None], pk]
            )
        )
        out[..., n_l:n_lb, n_lb:n_lbp] = bp
        out[..., n_lb:n_lbp, n_l:n_lb] = _t(bp)
    return out


_Derivs = tuple[float, FloatArray, FloatArray, FloatArray | None]


def derivatives(
    st: Structure, x: FloatArray, s: FloatArray, logdet_s: float, *, hessian: bool
) -> _Derivs | None:
    r"""F, its gradient, the expected information and (optionally) the Hessian.

    Gradient :math:`2 c_k (X^\top G X)_{u_k v_k}` with
    :math:`G = \Sigma^{-1} - \Sigma^{-1} S \Sigma^{-1}` (Jöreskog 1969,
    eq. 11); information per observation :math:`\tfrac12 T(\Sigma^{-1},
    \Sigma^{-1})` (Browne 1974; module docstring); Hessian
    :math:`T(W, V) + T(W, V)^\top - T(W, W) + \operatorname{tr}(G\,
    \partial^2\Sigma)` with :math:`W = \Sigma^{-1}`,
    :math:`V = W S W` (from :math:`dG = -W\,d\Sigma\,W + W\,d\Sigma\,V
    + V\,d\Sigma\,W`). None where Sigma is not positive definite.
    """
    parts = _parts(st, x)
    got = _inv_logdet(parts[0])
    if got is None:
        return None
    w, logdet = got
    f = logdet + float(np.sum(s * w)) - logdet_s - st.p
    grad, info, hess = _derivative_arrays(st, parts, w, s, hessian=hessian)
    return f, grad, info, hess


def derivatives_batch(
    st: Structure, x: FloatArray, s: FloatArray, logdet_s: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """:func:`derivatives` of a batch: F, gradients, information, Hessians, PD flags.

    ``x`` is (R, q), ``s`` (R, p, p); F is inf where Sigma is not positive
    definite (its gradient and Hessian are then meaningless).
    """
    parts = _parts(st, x)
    w, logdet, ok = _inv_logdet_batch(parts[0])
    f = logdet + np.sum(s * w, axis=(-2, -1)) - logdet_s - st.p
    f[~ok] = np.inf
    grad, info, hess = _derivative_arrays(st, parts, w, s, hessian=True)
    assert hess is not None  # noqa: S101 - hessian=True
    return f, grad, info, hess, ok


def objective_batch(
    st: Structure, x: FloatArray, s: FloatArray, logdet_s: FloatArray
) -> FloatArray:
    """:func:`objective` of a batch (inf where Sigma is not PD)."""
    w, logdet, ok = _inv_logdet_batch(_parts(st, x)[0])
    f = logdet + np.sum(s * w, axis=(-2, -1)) - logdet_s - st.p
    f[~ok] = np.inf
    return np.asarray(f, dtype=np.float64)


def _inv_logdet_batch(
    sigma: FloatArray,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Inverses, log-determinants and PD flags of a stack (identity where not PD)."""
    try:
        chol = np.linalg.cholesky(sigma)
        ok = np.ones(sigma.shape[0], dtype=bool)
    except np.linalg.LinAlgError:
        ok = np.linalg.eigvalsh(sigma)[:, 0] > 0
        sigma = np.where(ok[:, None, None], sigma, np.eye(sigma.shape[-1]))
        chol = np.linalg.cholesky(sigma)
    logdet = 2.0 * np.sum(np.log(np.diagonal(chol, axis1=-2, axis2=-1)), axis=-1)
    linv = np.linalg.inv(chol)
    return _t(linv) @ linv, logdet, ok


def _derivative_arrays(
    st: Structure,
    parts: tuple[
        FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray
    ],
    w: FloatArray,
    s: FloatArray,
    *,
    hessian: bool,
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """Gradient, information and Hessian from Sigma's inverse (leading axes batch)."""
    _, la, lc, lam, a, cmat = parts
    vmat = w @ s @ w
    g_mat = w - vmat
    kg = _gram(g_mat, la, lc)
    grad = 2.0 * st.c * kg[..., st.u, st.v]
    gw = _gather(st, _gram(w, la, lc))
    tww = _pair_traces(st, gw, gw)
    info = 0.5 * tww
    if not hessian:
        return grad, info, None
    twv = _pair_traces(st, gw, _gather(st, _gram(vmat, la, lc)))
    p, m = st.p, st.m
    gla = kg[..., :p, p : p + m]
    glc = kg[..., :p, p + m :]
    hess = _second_derivative_term(st, g_mat, lam, a, cmat, gla, glc)
    hess += twv
    hess += _t(twv)
    hess -= tww
    return grad, info, hess
