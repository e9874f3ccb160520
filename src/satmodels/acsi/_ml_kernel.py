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
\Delta`. :math:`F` is minimised by Fisher scoring (Lee & Jennrich 1979:
the Gauss-Newton step :math:`-(2\mathcal I)^{-1}\nabla F`), projected onto
the bounds :math:`\psi_{ii}, \theta_{ii} \ge 0` (Bertsekas 1982; semopy
bounds these variances the same way) with a backtracking (Armijo) line
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
from scipy import linalg, special

from .._typing import FloatArray
from .spec import ModelSpec

__all__ = [
    "MLFit",
    "Structure",
    "compile_structure",
    "fit_kernel",
    "metric_factors",
    "parameter_labels",
]

IntArray = np.ndarray
Row = tuple[str, str, str, float, float, float, float, bool]

#: Iteration limit of the Newton (Fisher-scoring) optimiser.
MAX_ITER = 500
#: Stop when the largest projected gradient of F is below this ...
_GTOL = 1e-10
#: ... or when the scoring step no longer lowers F by more than this.
_FTOL = 1e-15


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
        for curvature in (hess, 2.0 * info):
            step = None if curvature is None else _step(curvature, g, free)
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

    NaN when the information is singular (an unidentified model).
    """
    try:
        acov = linalg.inv(info * float(n), check_finite=False)
    except (linalg.LinAlgError, ValueError):
        return np.full(info.shape[0], np.nan)
    d = np.diag(acov)
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
