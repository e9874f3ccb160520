r"""PLS path modelling (PLS-PM) of ACSI-type models from Moments.

``acsi.fit(data, method="pls")`` (:func:`fit_pls` below the boundary)
estimates a :class:`~satmodels.acsi.spec.ModelSpec` by
Wold's (1982) partial least squares path modelling, in the formulation of
Lohmöller (1989) and Tenenhaus et al. (2005), using only the indicators'
correlation matrix (or, with ``scaled=False``, covariance matrix), means and
standard deviations held by a :class:`~satmodels.stats.moments.Moments`,
computed once from the survey table. A million respondents cost one
covariance computation.

The bootstrap draws all replicate moment matrices at once
(:meth:`satmodels.data.Table.bootstrap`) and runs the PLS iterations on all replicates
together (batched linear algebra over the leading replicate axis), so 5,000
replicates cost about as much as a few hundred single fits in a loop would.

Validated against the PyPI ``plspm`` 0.5.7 package on the ECSI
mobile-phone data (tests/golden/plspm_mobi.json) and by simulation recovery
of population weights and paths (tests/test_acsi_pls.py).

References
----------
.. [1] Wold, H. (1982). Soft modeling: the basic design and some
   extensions. In K. G. Jöreskog & H. Wold (Eds.), Systems under indirect
   observation, Part II (pp. 1-54). North-Holland.
.. [2] Lohmöller, J.-B. (1989). Latent variable path modeling with partial
   least squares. Physica.
.. [3] Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., & Lauro, C.
   (2005). PLS path modeling. Computational Statistics & Data Analysis,
   48(1), 159-205.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import ParamSpec

import numpy as np

from .._typing import FloatArray
from ..data import Table
from ..exceptions import (
    AdmissibilityWarning,
    ConvergenceWarning,
    EstimationError,
    InputError,
    SatmodelsWarning,
    SmallSampleWarning,
)
from ..scales import Scale
from ..stats.moments import Moments
from . import quality as q
from ._common import MIN_ROWS_FIT, check_scale, rows_of
from ._pls_boot import bootstrap, labels, stat_vector
from ._pls_derived import PLSDerived
from ._pls_kernel import Layout, layout, pls_outputs, pls_weights
from ._pls_options import PLSOptions
from .index import indices as _indices
from .index import raw_weights
from .result import PLSResult
from .spec import ModelSpec

__all__ = ["PLSOptions", "fit_pls"]

#: Multiply-adds per block of the scores product (see :func:`_scores`).
_SCORE_BLOCK_FLOPS = 65_536 * 4

_P = ParamSpec("_P")


def _linalg_failures(fit: Callable[_P, PLSResult]) -> Callable[_P, PLSResult]:
    """Re-raise numpy's ``LinAlgError`` in ``fit`` as our EstimationError."""

    @functools.wraps(fit)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> PLSResult:
        try:
            return fit(*args, **kwargs)
        except np.linalg.LinAlgError as exc:
            where = kwargs.get("where", "acsi.fit")
            msg = f"{where} (method='pls'): the linear algebra failed ({exc})."
            raise EstimationError(msg) from exc

    return wrapped


def _matrix(m: Moments, sd: FloatArray, *, scaled: bool, where: str) -> FloatArray:
    """Correlation (scaled) or covariance matrix; zero variance is an error."""
    bad = ~(np.isfinite(sd) & (sd > 0))
    if np.any(bad):
        col = m.columns[int(np.flatnonzero(bad)[0])]
        msg = (
            f"The indicator {col!r} of {where} has zero (or undefined) variance; "
            "PLS needs every indicator to vary."
        )
        raise InputError(msg)
    s = m.correlation() if scaled else m.covariance()
    if not np.all(np.isfinite(s)):
        i, j = (int(v) for v in np.argwhere(~np.isfinite(s))[0])
        msg = (
            f"The correlation of indicators {m.columns[i]!r} and {m.columns[j]!r} "
            f"in {where} is undefined (no row observes both)."
        )
        raise EstimationError(msg)
    return s


def _gof(loadings: FloatArray, r2: FloatArray, lay: Layout) -> float:
    """GoF = sqrt(mean communality of multi-item blocks * mean R²).

    Tenenhaus et al. (2005, section 4, eq. 36): the communality average is
    over the indicators of blocks with more than one indicator; the R²
    average over endogenous latents (as R plspm and PyPI plspm).
    """
    multi = [int(i) for idx in lay.members if idx.size > 1 for i in idx]
    r2e = r2[np.isfinite(r2)]
    if not multi or r2e.size == 0:
        return float("nan")
    comm = float(np.mean(loadings[multi] ** 2))
    return float(np.sqrt(comm * r2e.mean()))


def _scores(
    rows: FloatArray,
    w: FloatArray,
    *,
    mean: FloatArray,
    sd: FloatArray,
    lay: Layout,
    scaled: bool,
    complete: bool,
) -> FloatArray:
    """Latent scores ``Y = ((X - mean) / sd) W`` in one matrix product.

    Computed as ``X (W / sd) - mean (W / sd)`` over blocks of rows that
    stay in cache: a thin n x p by p x J product is memory-bound, and
    threaded BLAS made it up to 30x slower on a loaded machine (35 ms
    threaded vs 2 ms on one thread at n = 100,000). Blocks under
    ``_SCORE_BLOCK_FLOPS`` multiply-adds run on one thread in OpenBLAS
    (its ``GEMM_MULTITHREAD_THRESHOLD``), without the cost of limiting the
    thread pool per call (threadpoolctl scans the loaded libraries, ~3 ms).
    A missing answer makes only its own block's score missing: when the
    data have missing cells (``complete`` false), rows with a NaN are
    recomputed block by block.
    """
    wr = w / sd[:, None] if scaled else w
    shift = mean @ wr
    n, p = rows.shape
    step = max(256, _SCORE_BLOCK_FLOPS // max(1, p * wr.shape[1]))
    if rows.flags.f_contiguous and not rows.flags.c_contiguous:
        # column-major rows (a frame's block): blocks of the transposed
        # product, whose operands stay contiguous in memory
        out_t = np.empty((wr.shape[1], n))
        wt, rt = np.ascontiguousarray(wr.T), rows.T
        for lo in range(0, n, step):
            part = out_t[:, lo : lo + step]
            np.matmul(wt, rt[:, lo : lo + step], out=part)
            part -= shift[:, None]
        out = out_t.T
    else:
        out = np.empty((n, wr.shape[1]))
        for lo in range(0, n, step):
            part = out[lo : lo + step]
            np.matmul(rows[lo : lo + step], wr, out=part)
            part -= shift
    if complete:
        return out
    bad = np.flatnonzero(np.isnan(out).any(axis=1))
    if bad.size:
        sub = rows[bad] - mean
        for k, idx in enumerate(lay.members):
            out[bad, k] = sub[:, idx] @ wr[idx, k]
    return out


@_linalg_failures
def fit_pls(
    table: Table,
    spec: ModelSpec,
    *,
    opts: PLSOptions,
    scale: Scale | None,
    declared: Scale | None,
    rng: np.random.Generator,
    where: str = "acsi.fit",
) -> PLSResult:
    r"""Fit a PLS path model (ACSI, ECSI, ...) from the survey table.

    Parameters
    ----------
    table : Table
        The survey read once by :func:`satmodels.data.read` (rows, a lazy
        frame or Moments) holding the model's indicators.
    spec : ModelSpec
        The model.
    opts : PLSOptions
        Validated options (scheme, scaled, tol, max_iter, n_resamples,
        confidence_level, missing, nan_policy, scores).
    scale : Scale or None
        Answer scale of the 0-100 indices (resolved by the caller: the
        declared scale or the observed minimum and maximum).
    declared : Scale or None
        The scale the caller declared: answers (or means) are checked
        against it.
    rng : numpy.random.Generator
        Randomness of the bootstrap.
    where : str
        Public function named in messages.

    Returns
    -------
    PLSResult

    Raises
    ------
    InputError
        Fewer than three respondents, an indicator without variance, a
        bootstrap on Moments or on fewer than ten respondents.
    EstimationError
        An undefined pairwise correlation, a bootstrap in which almost
        no replicate converged, or linear algebra that failed (numpy's
        ``LinAlgError``: a singular or non-finite matrix that even the
        pseudo-inverse cannot handle).

    Warns
    -----
    ConvergenceWarning
        The iterations reached ``max_iter``.
    AdmissibilityWarning
        A pairwise-complete correlation matrix that is not positive
        semi-definite.

    Notes
    -----
    Outer weights are scaled so that latent scores have unit variance
    (divisor n - 1). Each latent's sign is chosen so that most of its
    loadings are positive (ties: a positive loading sum). Path
    coefficients are OLS regressions on the latent correlation matrix;
    total effects :math:`(I - B)^{-1} - I`. Checked against PyPI plspm
    0.5.7 (weights, loadings, paths, R², GoF on the ECSI mobi data, path,
    centroid and factorial schemes) and by simulation recovery.
    """
    lay = layout(spec)
    m = table.moments(lay.indicators, missing=opts.missing, nan_policy=opts.nan_policy)
    if m.n_resamples:
        msg = (
            f"The 'data' parameter of {where} is a batch of {m.n_resamples} "
            "Moments; pass a single Moments."
        )
        raise InputError(msg)
    if declared is not None:
        check_scale(table, m, declared, where)
    mean, sd = m.mean, m.std()
    s = _matrix(m, sd, scaled=opts.scaled, where=where)
    n = int(m.count.min()) if m.missing == "pairwise" else m.n
    if n < MIN_ROWS_FIT:
        msg = (
            f"The 'data' parameter of {where} has {n} usable respondent(s); a "
            f"PLS fit needs at least {MIN_ROWS_FIT} (with two, every correlation "
            "is +1 or -1)."
        )
        raise InputError(msg)
    if m.missing == "pairwise" and np.linalg.eigvalsh(s)[0] < -1e-10:
        warnings.warn(
            f"The pairwise-complete {'correlation' if opts.scaled else 'covariance'} "
            f"matrix in {where} is not positive semi-definite (different rows "
            "behind different pairs); R-squared values can exceed 1 and paths "
            "can be distorted. Consider missing='listwise'.",
            AdmissibilityWarning,
            stacklevel=3,
        )
    fit = pls_weights(
        s[None], lay, scheme=opts.scheme, tol=opts.tol, max_iter=opts.max_iter
    )
    w = fit.weights[0]
    undefined = [
        lay.latents[k] for k in range(lay.j) if not np.all(np.isfinite(w[:, k]))
    ]
    if undefined:
        # a composite whose variance w'Sw is not positive (a pairwise matrix
        # that is not positive semi-definite) has no scale: never fit on
        smallest = float(np.linalg.eigvalsh(s)[0])
        if smallest > -1e-10 and m.missing != "pairwise":
            sums = [float(s[np.ix_(i, i)].sum()) for i in lay.members]
            cancel = [
                lay.latents[k] for k, v in enumerate(sums) if v <= 1e-10
            ] or undefined
            msg = (
                f"{where} cannot weight the block(s) {cancel}: a composite has a "
                "variance of 0, so the outer weights are not defined; its "
                "indicators cancel out (perfectly negatively correlated items: "
                "reverse-code the reversed one)."
            )
            raise EstimationError(msg)
        advice = (
            "Use missing='listwise'."
            if m.missing == "pairwise"
            else "Check the matrix (a published or merged one may be inconsistent)."
        )
        msg = (
            f"{where} cannot weight the block(s) {undefined}: a composite has a "
            "variance at or below 0, so the outer weights are not defined; the "
            f"{'pairwise ' if m.missing == 'pairwise' else ''}indicator matrix is "
            f"not positive semi-definite (smallest eigenvalue {smallest:.3g}). "
            f"{advice}"
        )
        raise EstimationError(msg)
    if not fit.converged[0]:
        warnings.warn(
            f"PLS iterations of {where} did not converge in {opts.max_iter} "
            f"iterations (tol={opts.tol:g}); estimates are from the last "
            "iteration. Raise max_iter or try scheme='factorial'.",
            ConvergenceWarning,
            stacklevel=3,
        )
    out = {k: v[0] for k, v in pls_outputs(s[None], fit.weights, lay).items()}
    w_own = w.sum(axis=1)
    n_pred = np.array([idx.size for idx in lay.predecessors])
    r2 = out["r_squared"]
    dof = n - n_pred - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        adj = np.where(dof > 0, 1.0 - (1.0 - r2) * (n - 1) / dof, np.nan)
    short = [lay.latents[k] for k in range(lay.j) if n_pred[k] > 0 and dof[k] <= 0]
    if short:
        warnings.warn(
            f"acsi.fit: adjusted R2 of {short} is not defined with n = {n:g} "
            "respondents and that many predictors (n - k - 1 <= 0); it is NaN.",
            SmallSampleWarning,
            stacklevel=3,
        )
    corr = s if opts.scaled else m.correlation()
    w_std = w_own if opts.scaled else w_own * sd
    v = raw_weights(w_own, sd, scaled=opts.scaled)
    idx_values = (
        np.full(lay.j, np.nan)
        if scale is None
        else _indices(v[None], mean[None], scale.minimum, scale.maximum, lay)[0]
    )
    boot = None
    if opts.n_resamples:
        labs = labels(lay, spec, with_indices=scale is not None)
        est, _ = stat_vector(
            s[None], mean[None], sd[None], lay=lay, labels=labs, opts=opts, scale=scale
        )
        boot = bootstrap(
            table,
            n=n,
            spec=spec,
            lay=lay,
            opts=opts,
            scale=scale,
            estimate=est[0],
            gen=rng,
            where=where,
        )
    score_arr = (
        _scores(
            rows_of(table, lay.indicators),
            w,
            mean=mean,
            sd=sd,
            lay=lay,
            scaled=opts.scaled,
            complete=not any(m.missing_report.column_missing.values()),
        )
        if opts.scores and table.kind == "rows"
        else None
    )
    gof = _gof(out["loadings"], r2, lay)
    htmt = q.htmt(corr[None], lay)[0]
    undefined = [
        f"{lay.latents[i]} ~ {lay.latents[j]}"
        for i in range(lay.j)
        for j in range(i + 1, lay.j)
        if np.isnan(htmt[i, j])
    ]
    if undefined:
        warnings.warn(
            f"acsi.fit: HTMT of {undefined} is not defined (a block whose "
            "indicators do not correlate positively on average); it is NaN.",
            SatmodelsWarning,
            stacklevel=3,
        )
    derived = PLSDerived(
        spec=spec,
        lay=lay,
        s=s,
        corr=corr,
        w_std=w_std,
        out=out,
        w_own=w_own,
        adj=adj,
        indices=idx_values,
        htmt=htmt,
        gof=gof,
        boot=boot,
        n=n,
        level=opts.confidence_level,
        backend=table.backend,
    )
    return PLSResult(
        spec=spec,
        method="pls",
        scheme=opts.scheme,
        scaled=opts.scaled,
        n=n,
        missing_report=m.missing_report,
        latents=lay.latents,
        indicators=lay.indicators,
        outer_weights=w_own,
        loadings=out["loadings"],
        cross_loadings=out["cross_loadings"],
        path_coefficients=out["paths"],
        total_effects=out["total"],
        indirect_effects=out["indirect"],
        r_squared=r2,
        adjusted_r_squared=adj,
        latent_correlation=out["latent_correlation"],
        gof=gof,
        htmt=htmt,
        indicator_mean=mean,
        indicator_std=sd,
        scale=scale,
        indices=idx_values,
        scores=score_arr,
        converged=bool(fit.converged[0]),
        iterations=int(fit.iterations[0]),
        bootstrap=boot,
        confidence_level=opts.confidence_level,
        _raw_weights=v,
        _backend=table.backend,
        _derived=derived,
    )
