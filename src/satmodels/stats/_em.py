r"""EM estimates of the mean and covariance of normal data with missing values.

``missing="em"`` (wherever a covariance matrix is built: ``Moments.from_data``,
``acsi.fit``, ...) estimates the mean vector :math:`\mu` and the covariance
matrix :math:`\Sigma` of multivariate normal data missing at random by
maximum likelihood, with the EM algorithm of Dempster, Laird & Rubin (1977)
in the form of Little & Rubin (2002, sec. 11.2.1), run on the statistics of
each missing-data pattern (:class:`~satmodels.engines.patterns.PatternSums`:
rows, weights, means :math:`m_k` and centred cross-products :math:`C_k` of
the observed columns :math:`O` of pattern :math:`k`), never on the rows.

E-step, for each pattern with missing columns :math:`M`, at the current
:math:`(\mu, \Sigma)`: the regression of the missing on the observed columns
:math:`B = \Sigma_{MO}\Sigma_{OO}^{-1}`, its residual covariance
:math:`\Sigma_{MM\cdot O} = \Sigma_{MM} - B\Sigma_{OM}`, and each row's
expected values :math:`\hat x_M = \mu_M + B(x_O - \mu_O)`, so that the
expected complete-data sums of the pattern are

.. math::

    T_1 = W_k \hat m_k, \qquad
    T_2 = J (C_k + W_k m_k m_k^\top) J^\top + \ldots
        + W_k \Sigma_{MM\cdot O} \ \text{(in the } MM \text{ block)},

with :math:`J` mapping :math:`x_O` to :math:`\hat x` (Little & Rubin 2002,
eq. 11.5-11.6). M-step: :math:`\mu = \sum T_1 / W`,
:math:`\Sigma = \sum T_2 / W - \mu\mu^\top` (:math:`W = \sum_k W_k`; the ML
divisor, as lavaan). Iterations stop when no mean or covariance moves by
more than ``tol`` times its column's standard deviation(s). The start is
lavaan's: the observed means and a diagonal matrix of the observed
variances. Case weights enter every sum (a weighted pseudo-likelihood, as
lavaan's ``sampling.weights``).

The result is a :class:`~satmodels.stats.Moments` whose covariance with
``ddof=0`` is the EM estimate (``ddof=1`` rescales each entry by
:math:`W_{ij}/(W_{ij}-1)`, :math:`W_{ij}` the weight of the rows observing
both columns, which also give ``count`` and the means' standard errors in
``estimates``: conservative, as if the filled-in cells carried no
information),
whose means are the EM means and whose ``missing_report`` says
``missing == "em"`` and how many cells were filled in
(``cells_imputed``: their expected values enter the sufficient statistics).
Checked against lavaan 0.6 (``lavCor(data, missing = "ml")``,
tests/golden/lavaan_missing.json).

Examples
--------
>>> import numpy as np
>>> from satmodels import Moments
>>> x = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 5.0], [4.0, 9.0], [5.0, 8.0]])
>>> m = Moments.from_data(x, missing="em")
>>> m.missing_report.missing, m.missing_report.cells_imputed, m.n
('em', 1, 5)
>>> Moments.from_data(x).n  # listwise drops the incomplete row
4

References
----------
.. [1] Dempster, A. P., Laird, N. M., & Rubin, D. B. (1977). Maximum
   likelihood from incomplete data via the EM algorithm. JRSS B, 39(1), 1-38.
.. [2] Little, R. J. A., & Rubin, D. B. (2002). Statistical analysis with
   missing data (2nd ed.). Wiley, ch. 11.
.. [3] Rosseel, Y. (2012). lavaan: an R package for structural equation
   modeling. Journal of Statistical Software, 48(2), 1-36.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from .._typing import BoolArray, FloatArray
from ..engines import MomentsRequest
from ..engines.patterns import PatternSums, lazy_patterns, memory_patterns
from ..exceptions import ConvergenceWarning, InputError
from ._report import MissingReport

if TYPE_CHECKING:
    from ..data._table import Table
    from .moments import Moments

__all__ = [
    "EMFit",
    "check_observed",
    "em_fit",
    "em_moments",
    "pattern_loglik",
    "pattern_sums",
]

#: Default stop: largest standardized change of a mean or covariance.
TOL = 1e-11
#: Default iteration limit.
MAX_ITER = 10_000
#: Incomplete patterns per block of the E-step (bounds its memory).
_CHUNK = 2048
#: A Cholesky pivot below this fraction of the largest variance: singular block.
_RCOND = 1e-12


@dataclass(frozen=True, slots=True)
class EMFit:
    """EM estimates: mean, covariance (divisor W), iterations, log-likelihood."""

    mean: FloatArray
    covariance: FloatArray
    n_iterations: int
    converged: bool
    loglik: float


def _padded(observed: BoolArray) -> tuple[FloatArray, FloatArray]:
    """Masks ``o o'`` and identity pads of the unobserved columns, (K, p, p)."""
    mask = observed.astype(np.float64)
    p = mask.shape[1]
    pad = np.zeros((mask.shape[0], p, p))
    idx = np.arange(p)
    pad[:, idx, idx] = 1.0 - mask
    return mask[:, :, None] * mask[:, None, :], pad


def _inverses(
    sigma: FloatArray, outer: FloatArray, pad: FloatArray
) -> tuple[FloatArray, FloatArray]:
    r"""Every pattern's :math:`\Sigma_{OO}^{-1}` (zero-padded) and log-determinant.

    One batched Cholesky factorisation of :math:`\Sigma \circ oo^\top +
    \mathrm{pad}` (block-diagonal with :math:`\Sigma_{OO}` and an identity);
    a singular block (a constant column) gets its pseudo-inverse and
    :math:`-\infty`.
    """
    full = sigma * outer + pad
    try:
        chol = np.linalg.cholesky(full)
        pivots = np.diagonal(chol, axis1=1, axis2=2) ** 2
        singular = bool(np.any(pivots <= _RCOND * float(np.max(np.diag(sigma)))))
    except np.linalg.LinAlgError:
        singular = True
    if singular:
        inv = np.linalg.pinv(full, rcond=_RCOND, hermitian=True) - pad
        sign, logdet = np.linalg.slogdet(full)
        return inv, np.where(sign > 0, logdet, -np.inf)
    logdet = 2.0 * np.sum(np.log(np.diagonal(chol, axis1=1, axis2=2)), axis=1)
    linv = np.linalg.inv(chol)
    return np.swapaxes(linv, 1, 2) @ linv - pad, logdet


def pattern_loglik(ps: PatternSums, mu: FloatArray, sigma: FloatArray) -> float:
    r"""Observed-data log-likelihood of :math:`(\mu, \Sigma)`.

    :math:`-\tfrac12 \sum_k \big(W_k(q_k\log 2\pi + \log|\Sigma_k|) +
    \operatorname{tr}(\Sigma_k^{-1}(C_k + W_k d_k d_k^\top))\big)`,
    :math:`d_k = m_k - \mu_{O_k}` (Little & Rubin 2002, eq. 11.1).
    """
    total = 0.0
    for lo in range(0, ps.n_patterns, _CHUNK):
        sl = slice(lo, lo + _CHUNK)
        obs = ps.observed[sl]
        outer, pad = _padded(obs)
        inv, logdet = _inverses(sigma, outer, pad)
        wk = ps.weight_sum[sl]
        d = np.where(obs, ps.mean[sl] - mu, 0.0)
        s = ps.comoment[sl] + wk[:, None, None] * (d[:, :, None] * d[:, None, :])
        q = obs.sum(axis=1)
        total += float(wk @ (q * math.log(2 * math.pi) + logdet))
        total += float(np.sum(inv * s))
    return -0.5 * total


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A block of incomplete patterns, padded (see :func:`_padded`)."""

    weight: FloatArray
    miss: FloatArray
    wm: FloatArray
    so: FloatArray
    outer: FloatArray
    pad: FloatArray


def _estep(
    sigma: FloatArray, mu: FloatArray, c: _Chunk
) -> tuple[FloatArray, FloatArray]:
    """Return the expected complete-data sums of x and x x' of a block."""
    p = mu.size
    inv, _ = _inverses(sigma, c.outer, c.pad)
    # r: rows M of Sigma_MO Sigma_OO^-1 (regression of missing on observed)
    sinv = sigma @ inv
    r = c.miss[:, :, None] * sinv
    h = c.miss * mu - r @ mu  # intercepts a in the missing rows
    jac = r + (1.0 - c.miss)[:, :, None] * np.eye(p)  # x_O -> expected x
    jwm = np.einsum("kij,kj->ki", jac, c.wm)
    t1 = np.sum(c.weight[:, None] * h + jwm, axis=0)
    resid = c.miss[:, :, None] * (sigma - sinv @ sigma) * c.miss[:, None, :]
    t2 = np.sum(jac @ c.so @ np.swapaxes(jac, 1, 2), axis=0)
    cross = np.einsum("ki,kj->ij", h, jwm)
    t2 += cross + cross.T
    t2 += np.einsum("k,ki,kj->ij", c.weight, h, h)
    t2 += np.einsum("k,kij->ij", c.weight, resid)
    return t1, t2


def em_fit(ps: PatternSums, *, tol: float = TOL, max_iter: int = MAX_ITER) -> EMFit:
    """Run EM on pattern statistics (module docstring), patterns in blocks."""
    p = ps.observed.shape[1]
    wk = ps.weight_sum
    total = float(wk.sum())
    # start (lavaan): observed means, diagonal of observed variances
    wcol = ps.observed.T.astype(np.float64) @ wk
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(wcol > 0, (wk @ ps.mean) / wcol, 0.0)
    m = np.where(ps.observed, ps.mean - shift, 0.0)  # centred pattern means
    wm = wk[:, None] * m
    var0 = np.einsum("kii->i", ps.comoment) + np.einsum("ki,ki->i", wm, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        var0 = np.where(wcol > 0, var0 / wcol, 1.0)
    var0 = np.where(np.isfinite(var0) & (var0 > 0), var0, 1.0)
    complete = ps.observed.all(axis=1)
    # the complete patterns' sums do not change between iterations
    t1_fixed = wm[complete].sum(axis=0)
    t2_fixed = ps.comoment[complete].sum(axis=0) + np.einsum(
        "ki,kj->ij", wm[complete], m[complete]
    )
    part = np.flatnonzero(~complete)
    chunks = []
    for lo in range(0, part.size, _CHUNK):
        k = part[lo : lo + _CHUNK]
        mk, wmk = m[k], wm[k]
        obs = ps.observed[k].astype(np.float64)
        outer, pad = _padded(ps.observed[k])
        chunks.append(
            _Chunk(
                weight=wk[k],
                miss=1.0 - obs,
                wm=wmk,
                so=ps.comoment[k] + wmk[:, :, None] * mk[:, None, :],
                outer=outer,
                pad=pad,
            )
        )
    mu = np.zeros(p)
    sigma = np.diag(var0)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        t1, t2 = t1_fixed.copy(), t2_fixed.copy()
        for c in chunks:
            a, b = _estep(sigma, mu, c)
            t1 += a
            t2 += b
        new_mu = t1 / total
        new_sigma = t2 / total - np.outer(new_mu, new_mu)
        new_sigma = 0.5 * (new_sigma + new_sigma.T)
        # changes relative to each standard deviation; a (near-)constant
        # column is measured against the largest one (or 1 if all are 0)
        var = np.diag(new_sigma)
        sd = np.sqrt(np.maximum(var, 1e-12 * max(float(var.max()), 0.0)))
        sd[~(sd > 0)] = 1.0
        step = max(
            float(np.max(np.abs(new_mu - mu) / sd)),
            float(np.max(np.abs(new_sigma - sigma) / np.outer(sd, sd))),
        )
        mu, sigma = new_mu, new_sigma
        if step < tol:
            converged = True
            break
    mean = mu + shift
    return EMFit(
        mean=mean,
        covariance=sigma,
        n_iterations=it,
        converged=converged,
        loglik=pattern_loglik(ps, mean, sigma),
    )


def pattern_sums(
    table: Table,
    columns: tuple[str, ...],
    *,
    nan_policy: Literal["omit", "raise"],
    name: str = "data",
) -> PatternSums:
    """Pattern statistics of a table's columns, in memory or on its engine."""
    from ..engines._frame import resolve_columns, to_lazy  # noqa: PLC0415

    if table.kind == "lazy":
        frame = to_lazy(table.lazy)
        cols, weight = resolve_columns(
            frame, list(columns), table.weight_column, table.where, name=name
        )
        req = MomentsRequest(cols, weight, "pairwise", nan_policy, table.where, name)
        return lazy_patterns(frame, req)
    req = MomentsRequest(
        columns,
        "weights" if table.weights is not None else None,
        "pairwise",
        nan_policy,
        table.where,
        name,
    )
    return memory_patterns(table.matrix(columns), table.weights, req)


def check_observed(ps: PatternSums, where: str, *, name: str = "data") -> None:
    """Refuse a column observed in fewer than 2 rows: EM cannot estimate it."""
    nobs = ps.count @ ps.observed.astype(np.int64)
    low = np.flatnonzero(nobs < 2)
    if low.size:
        j = int(low[0])
        msg = (
            f"The '{name}' parameter of {where} has column {ps.columns[j]!r} "
            f"observed in {int(nobs[j])} row(s) of positive weight; "
            "missing='em' and 'fiml' need at least 2 to estimate its mean and "
            "variance."
        )
        raise InputError(msg)


def em_moments(
    table: Table,
    columns: tuple[str, ...],
    *,
    nan_policy: Literal["omit", "raise"],
    name: str = "data",
) -> Moments:
    """Return the EM estimates of a table's columns as Moments (``missing="em"``)."""
    ps = pattern_sums(table, columns, nan_policy=nan_policy, name=name)
    check_observed(ps, table.where, name=name)
    return moments_from_patterns(ps, backend=table.backend, where=table.where)


def moments_from_patterns(
    ps: PatternSums, *, backend: str | None, where: str, fit: EMFit | None = None
) -> Moments:
    """Run EM on pattern statistics (unless ``fit`` is given) as Moments."""
    from .moments import Moments  # noqa: PLC0415

    fit = em_fit(ps) if fit is None else fit
    if not fit.converged:
        warnings.warn(
            f"{where}: EM (missing='em') did not converge in {fit.n_iterations} "
            "iterations; the means and covariances may not be the maximum "
            "likelihood estimates.",
            ConvergenceWarning,
            stacklevel=4,
        )
    p = len(ps.columns)
    obs = ps.observed.astype(np.float64)
    both = obs[:, :, None] * obs[:, None, :]  # (K, p, p): pair observed
    count = np.einsum("k,kij->ij", ps.count.astype(np.float64), both)
    wsum = np.einsum("k,kij->ij", ps.weight_sum, both)
    wsq = np.einsum("k,kij->ij", ps.weight_sq_sum, both)
    filled = int(np.sum(ps.count * (p - ps.observed.sum(axis=1))))
    acc = ps.account
    report = MissingReport(
        rows_total=acc.rows_total,
        rows_used=acc.rows_used,
        rows_excluded=acc.rows_total - acc.rows_used,
        reasons=dict(acc.reasons),
        column_missing=dict(acc.column_missing),
        missing="em",
        cells_imputed=filled,
    )
    # Each pair keeps the rows (weights) observing both columns, and the
    # co-moment is the EM covariance times that weight: covariance(ddof=0)
    # is the EM estimate, the correlation its correlation, and the means'
    # standard errors (Moments.estimates) use the observed rows of each
    # column, not the rows EM filled in (conservative).
    comoment = fit.covariance * wsum
    sumsq = np.diag(fit.covariance)[:, None] * wsum
    return Moments(
        columns=ps.columns,
        count=count.round().astype(np.int64),
        weight_sum=wsum,
        weight_sq_sum=wsq,
        pair_mean=np.repeat(fit.mean[:, None], p, axis=1),
        comoment=comoment,
        pair_sumsq=sumsq,
        missing="em",
        weighted=ps.weighted,
        missing_report=report,
        _backend=backend,
    )
