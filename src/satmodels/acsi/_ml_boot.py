r"""Batch ML bootstrap: one compiled model, every replicate warm-started.

The nonparametric bootstrap of an ML SEM (Bollen & Stine 1992, the naive
bootstrap of the parameters; Efron & Tibshirani 1993, ch. 6) refits the
model on each replicate's covariance matrix. Only the covariance changes
between replicates, so the specification is compiled once
(:func:`~satmodels.acsi._ml_kernel.compile_structure`: the index arrays of
the free parameters and of their derivatives), the replicate covariances
come as one batch (:meth:`~satmodels.stats.Moments.bootstrap`: all replicate
weights at once, the moments by matrix products), and each replicate starts
from the full-sample estimate, moved to the replicate's correlation metric
(:func:`~satmodels.acsi._ml_optim.metric_factors`). Newton's method from
there needs two to four steps instead of the cold start's five or more.

References
----------
.. [1] Bollen, K. A., & Stine, R. A. (1992). Bootstrapping goodness-of-fit
   measures in structural equation models. Sociological Methods &
   Research, 21(2), 205-229.
.. [2] Efron, B., & Tibshirani, R. J. (1993). An introduction to the
   bootstrap. Chapman & Hall.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .._typing import FloatArray
from ._blas import one_blas_thread
from ._ml_kernel import (
    Structure,
    compile_structure,
    derivatives_batch,
    objective_batch,
)
from ._ml_optim import (
    _FTOL,
    metric_factors,
    minimize,
    parameter_labels,
    start_values,
)
from .spec import ModelSpec

__all__ = ["MLReplicates", "fit_replicates"]

#: Newton iterations allowed per replicate.
MAX_ITER_REPLICATE = 100
#: Gradient tolerance per replicate: estimates to about 1e-8, far below
#: the bootstrap's own Monte Carlo error.
GTOL_REPLICATE = 1e-8


@dataclass(frozen=True, slots=True, kw_only=True)
class MLReplicates:
    """ML estimates of every bootstrap replicate.

    Attributes
    ----------
    labels : tuple of (lhs, op, rhs)
        The free parameters, in the order of the columns of ``estimates``.
    estimates : ndarray, shape (n_resamples, q)
        Estimates in the original metric (NaN rows for failed replicates).
    converged : ndarray of bool, shape (n_resamples,)
        Whether each replicate's optimiser converged.
    chi2 : ndarray, shape (n_resamples,)
        :math:`n F_{ML}` of each replicate.
    iterations : ndarray of int, shape (n_resamples,)
        Newton iterations of each replicate.
    """

    labels: tuple[tuple[str, str, str], ...]
    estimates: FloatArray
    converged: npt.NDArray[np.bool_]
    chi2: FloatArray
    iterations: npt.NDArray[np.intp]


def fit_replicates(
    spec: ModelSpec,
    covariances: FloatArray,
    n: int,
    *,
    start: FloatArray | None = None,
) -> MLReplicates:
    """Fit ``spec`` to each replicate covariance matrix (divisor n).

    Parameters
    ----------
    spec : ModelSpec
        Reflective recursive model (as :func:`~satmodels.acsi.fit` with
        ``method="ml"`` takes).
    covariances : ndarray, shape (n_resamples, p, p)
        Replicate covariance matrices in the order of ``spec.indicators``.
    n : int
        Sample size of each replicate (for chi2).
    start : ndarray, optional
        Free parameters in the original metric to start every replicate
        from (the full-sample fit's ``MLFit.parameters``); default: each
        replicate's own starting values.

    Returns
    -------
    MLReplicates
    """
    st = compile_structure(spec)
    reps = covariances.shape[0]
    est = np.full((reps, st.q), np.nan)
    ok = np.zeros(reps, dtype=bool)
    chi2 = np.full(reps, np.nan)
    its = np.zeros(reps, dtype=np.intp)
    sds = np.sqrt(np.einsum("rii->ri", covariances))
    usable = np.all(sds > 0, axis=1)
    idx = np.flatnonzero(usable)
    d = sds[idx]
    r = covariances[idx] / (d[:, :, None] * d[:, None, :])
    factors = np.array([metric_factors(st, row) for row in d]).reshape(-1, st.q)
    if start is not None:
        x0 = start / factors
    else:
        x0 = np.array([start_values(st, rr) for rr in r]).reshape(-1, st.q)
    with one_blas_thread():
        x, f, done, steps = _newton_batch(st, r, x0)
        finite = done.copy()
        for k in np.flatnonzero(~done):  # the batch's leftovers, one by one
            got = _minimize(st, r[k], x0[k])
            if got[5] is None:  # not admissible: a cold start
                got = _minimize(st, r[k], start_values(st, r[k]))
            if got[5] is None:
                continue
            x[k], f[k], done[k], steps[k] = got[0], got[1], got[2], got[3]
            finite[k] = True
    est[idx] = np.where(finite[:, None], x * factors, np.nan)
    ok[idx] = done
    chi2[idx] = np.where(finite, n * f, np.nan)
    its[idx] = steps
    return MLReplicates(
        labels=parameter_labels(spec, st),
        estimates=est,
        converged=ok,
        chi2=chi2,
        iterations=its,
    )


def _minimize(
    st: Structure, r: FloatArray, x0: FloatArray
) -> tuple[FloatArray, float, bool, int, str, FloatArray | None]:
    return minimize(st, r, x0, max_iter=MAX_ITER_REPLICATE, gtol=GTOL_REPLICATE)


def _newton_batch(
    st: Structure, r: FloatArray, x0: FloatArray
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
    """Newton's method on every replicate at once (unconstrained, Armijo).

    Fisher scoring replaces the Newton step of a replicate whose Hessian is
    not positive definite (far from its optimum).

    The replicates advance together through batched numpy linear algebra
    (one Python step per iteration instead of per replicate and iteration).
    A replicate leaves the batch as converged when its gradient is below
    ``GTOL_REPLICATE``; it leaves it *unfinished*, for the one-by-one
    projected optimiser, when even its information is singular, a step
    would take a variance below 0, the line search fails, or the
    iterations run out.
    """
    reps = r.shape[0]
    logdet_s = np.linalg.slogdet(r)[1]
    x = x0.copy()
    done = np.zeros(reps, dtype=bool)
    steps = np.zeros(reps, dtype=np.intp)
    if reps == 0:
        return x, np.zeros(0), done, steps
    f, g, info, h, ok = derivatives_batch(st, x, r, logdet_s)
    active = ok & np.all(x >= st.lower, axis=1)
    for _ in range(MAX_ITER_REPLICATE):
        small = active & (np.max(np.abs(g), axis=1) < GTOL_REPLICATE)
        done |= small
        active &= ~small
        act = np.flatnonzero(active)
        if act.size == 0:
            break
        curv = h[act]
        pd = _positive_definite(curv)
        if not pd.all():  # Fisher scoring where the Hessian is not PD
            curv[~pd] = 2.0 * info[act[~pd]]
            pd = _positive_definite(curv)
            active[act[~pd]] = False
            act, curv = act[pd], curv[pd]
            if act.size == 0:
                break
        step = -np.linalg.solve(curv, g[act][:, :, None])[:, :, 0]
        slope = np.einsum("rq,rq->r", g[act], step)
        t = np.ones(act.size)
        accepted = np.zeros(act.size, dtype=bool)
        for _ in range(30):
            todo = np.flatnonzero(~accepted)
            if todo.size == 0:
                break
            rows = act[todo]
            trial = x[rows] + t[todo, None] * step[todo]
            ft = objective_batch(st, trial, r[rows], logdet_s[rows])
            good = np.isfinite(ft) & (ft <= f[rows] + 1e-4 * t[todo] * slope[todo])
            accepted[todo[good]] = True
            t[todo[~good]] *= 0.5
        xn = x[act] + t[:, None] * step
        bad = ~accepted | np.any(xn < st.lower, axis=1)
        active[act[bad]] = False
        act, xn = act[~bad], xn[~bad]
        if act.size == 0:
            break
        fn, gn, infn, hn, okn = derivatives_batch(st, xn, r[act], logdet_s[act])
        stalled = fn >= f[act] - _FTOL * np.maximum(1.0, np.abs(fn))
        x[act], f[act], g[act], info[act], h[act] = xn, fn, gn, infn, hn
        steps[act] += 1
        active[act[~okn]] = False
        # F no longer decreases: converged if the gradient is small
        flat = stalled & okn
        small = np.max(np.abs(gn), axis=1) < 1e-6
        done[act[flat & small]] = True
        active[act[flat]] = False
    return x, f, done, steps


def _positive_definite(h: FloatArray) -> npt.NDArray[np.bool_]:
    """Which matrices of a stack are positive definite."""
    try:
        np.linalg.cholesky(h)
    except np.linalg.LinAlgError:
        return np.asarray(np.linalg.eigvalsh(h)[:, 0] > 0)
    return np.ones(h.shape[0], dtype=bool)
