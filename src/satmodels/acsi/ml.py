r"""ACSI-type structural equation models by maximum likelihood, from Moments.

``acsi.fit(data, method="ml")`` fits a reflective
:class:`~satmodels.acsi.spec.ModelSpec` (the ACSI, ECSI, SCSB ... presets or
any recursive model) by normal-theory maximum likelihood from the
indicators' moments (:class:`~satmodels.stats.moments.Moments`): only
the covariance matrix of the indicators and the sample size are used, so a
million respondents cost one covariance computation. The estimates and their
standard errors (expected information) come from the numpy kernel
:mod:`satmodels.acsi._ml_kernel` (Fisher scoring with the analytic gradient
and information of the LISREL model); semopy (confined to
``_semopy_backend.py``) is the fallback where the kernel does not converge
and the reference the tests compare with. Everything reported *about* the
fit is computed here from the sample covariance :math:`S` (divisor :math:`n`) and the
model-implied covariance

.. math::

    \Sigma(\hat\theta) = \Lambda (I - B)^{-1} \Psi (I - B)^{-\top}
    \Lambda^\top + \Theta

(the LISREL model, Jöreskog 1973): the ML discrepancy

.. math::

    F_{ML} = \log|\Sigma| - \log|S| + \operatorname{tr}(S \Sigma^{-1}) - p

(Jöreskog 1969, eq. 9), :math:`\chi^2 = n F_{ML}` on
:math:`p(p+1)/2 - q` degrees of freedom, the independence baseline
:math:`\Sigma_0 = \operatorname{diag}(S)`, CFI (Bentler 1990, eq. 6), TLI
(Tucker & Lewis 1973; Bentler & Bonett 1980), RMSEA with its 90% interval by
inverting the noncentral chi-square distribution (Steiger 1990; MacCallum,
Browne & Sugawara 1996), SRMR (Bentler 1995; Hu & Bentler 1999), the
log-likelihood, AIC and BIC. All use :math:`N = n` as lavaan does with its
default ``likelihood = "normal"`` (Rosseel 2012), and were checked against
lavaan 0.6 (tests/golden/lavaan_*.json).

Why not semopy's ``calc_stats``: it reports CFI = 1 and TLI = NaN for a
model with a single-indicator latent whose residual is fixed at zero, and
its AIC/BIC use the discrepancy instead of the log-likelihood (see
docs/acsi_ml.md).

References
----------
.. [1] Jöreskog, K. G. (1969). A general approach to confirmatory maximum
   likelihood factor analysis. Psychometrika, 34(2), 183-202.
.. [2] Jöreskog, K. G. (1973). A general method for estimating a linear
   structural equation system. In A. S. Goldberger & O. D. Duncan (Eds.),
   Structural equation models in the social sciences (pp. 85-112).
.. [3] Bentler, P. M. (1990). Comparative fit indexes in structural models.
   Psychological Bulletin, 107(2), 238-246.
.. [4] Tucker, L. R., & Lewis, C. (1973). A reliability coefficient for
   maximum likelihood factor analysis. Psychometrika, 38(1), 1-10.
.. [5] Steiger, J. H. (1990). Structural model evaluation and modification:
   an interval estimation approach. Multivariate Behavioral Research, 25(2),
   173-180.
.. [6] MacCallum, R. C., Browne, M. W., & Sugawara, H. M. (1996). Power
   analysis and determination of sample size for covariance structure
   modeling. Psychological Methods, 1(2), 130-149.
.. [7] Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in
   covariance structure analysis. Structural Equation Modeling, 6(1), 1-55.
.. [8] Bartlett, M. S. (1937). The statistical conception of mental factors.
   British Journal of Psychology, 28(1), 97-104.
.. [9] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant,
   B. E. (1996). The American Customer Satisfaction Index: nature, purpose,
   and findings. Journal of Marketing, 60(4), 7-18.
.. [10] Rosseel, Y. (2012). lavaan: an R package for structural equation
   modeling. Journal of Statistical Software, 48(2), 1-36.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._typing import FloatArray
from ..data import Table
from ..exceptions import (
    AdmissibilityWarning,
    ConvergenceWarning,
    EstimationError,
    InputError,
)
from ..results._estimates import Estimates, estimates
from ..scales import Scale
from ..stats._fourth import FourthMoments
from ..stats.moments import Moments
from ._blas import one_blas_thread
from ._common import MIN_ROWS_FIT, check_scale, rows_of
from ._ml_kernel import MLFit
from ._ml_optim import fit_kernel
from ._ml_result import ACSIMLResult, MLEstimate, MLFitIndices
from ._ml_robust import MLRobust
from ._ml_stats import (
    _admissibility,
    _block_weights,
    _cov_to_corr,
    _fit_statistics,
    _implied,
    _matrices,
    _scores,
    _standardize,
)
from .spec import ModelSpec

__all__ = ["ACSIMLResult", "MLEstimate", "MLFitIndices", "MLRobust", "fit_ml"]


# ---------------------------------------------------------------- public
def fit_ml(
    table: Table,
    spec: ModelSpec,
    *,
    scale: Scale | None,
    declared: Scale | None,
    confidence_level: float,
    scores: bool,
    missing: str = "listwise",
    nan_policy: str = "omit",
    where: str = "acsi.fit",
    optimizer: str = "numpy",
    n_resamples: int = 0,
    rng: np.random.Generator | None = None,
    robust: str | None = None,
    fourth: FourthMoments | None = None,
) -> ACSIMLResult:
    r"""Fit an ACSI-type model by maximum likelihood (``acsi.fit(method="ml")``).

    Parameters
    ----------
    table : Table
        The survey read by :func:`satmodels.data.read` (rows, a lazy frame
        or Moments), holding the model's indicators.
    spec : ModelSpec
        Reflective (mode A) model; see :func:`satmodels.acsi.acsi`.
    scale : Scale or None
        Answer scale of the 0-100 indices (already resolved: declared or
        observed).
    declared : Scale or None
        The scale the caller declared: answers (or means) are checked
        against it.
    confidence_level : float
        Level of the Wald intervals in the estimates table.
    scores : bool
        Per-respondent latent scores (rows in memory only).
    missing, nan_policy : str
        Missing-data method and policy (see ``acsi.fit``).
    where : str
        Public function named in messages.
    n_resamples : int
        Bootstrap replicates (0: none); the result's ``bootstrap`` then holds
        bootstrap standard errors and percentile intervals
        (:mod:`satmodels.acsi._ml_bootstrap`).
    rng : numpy.random.Generator, optional
        Randomness of the bootstrap.
    optimizer : {"numpy", "semopy"}
        ``"numpy"`` (default): the Fisher-scoring kernel of
        :mod:`satmodels.acsi._ml_kernel`, with semopy as the fallback when
        it does not converge; ``"semopy"``: semopy only (the reference
        route, used in tests).
    robust : {None, "mlm", "mlr"}
        Robust standard errors and scaled test (Satorra-Bentler or
        Yuan-Bentler; :mod:`satmodels.acsi._ml_robust`): rows, or
        ``fourth``.
    fourth : FourthMoments, optional
        The fourth-order moments behind ``table`` (Moments) for ``robust``.

    Returns
    -------
    ACSIMLResult

    Raises
    ------
    InputError
        Too few observations, an indicator without variance, a covariance
        matrix that is not positive definite.
    SpecificationError
        A formative (mode B) block (see
        :func:`~satmodels.acsi._semopy_backend.to_semopy_syntax`).
    EstimationError
        semopy failed, or the implied covariance matrix is singular.

    Warns
    -----
    AdmissibilityWarning
        Negative variance estimates (Heywood cases), a standardized path or
        loading above 1 in absolute value, or latent correlations above 0.95
        (empirical under-identification).
    ConvergenceWarning
        The optimiser did not report convergence.

    Notes
    -----
    The sample size is the number of complete rows for listwise Moments,
    the smallest pairwise count for pairwise Moments, and Kish's (1965)
    effective size :math:`(\sum w)^2 / \sum w^2` (smallest over the columns)
    for weighted data; with weights the standard errors are model-based,
    not design-based. Intervals are Wald intervals
    :math:`\hat\theta \pm z_{1-(1-\gamma)/2}\,SE` (expected information).

    The 0-100 index of latent j is :math:`\sum_i w_i\,(\bar x_i - \min) /
    (\max - \min) \cdot 100` over its own indicators (Fornell et al. 1996),
    with weights :math:`w_i \propto \lambda_i / \theta_i` normalised to sum
    to 1: the Bartlett (1937) factor-score weights of a one-factor block,
    proportional to its regression weights. A single indicator gets weight
    1; a block with a non-positive residual variance gets no index (NaN).
    """
    from ._semopy_backend import to_semopy_syntax  # noqa: PLC0415

    indicators = spec.indicators
    if robust is not None:
        from ._ml_robust import check_robust  # noqa: PLC0415

        check_robust(table, robust, missing, where, fourth=fourth)
    moments = table.moments(
        indicators,
        missing=missing,  # type: ignore[arg-type]
        nan_policy=nan_policy,  # type: ignore[arg-type]
    )
    if moments.n_resamples:
        msg = (
            f"The 'data' parameter of {where} must be a single Moments, not a "
            f"batch of {moments.n_resamples} bootstrap replicates."
        )
        raise InputError(msg)
    if declared is not None:
        check_scale(table, moments, declared, where)
    syntax = to_semopy_syntax(spec)  # also rejects formative blocks
    n, n_note = _sample_size(moments)
    p = len(indicators)
    if n <= p or n < MIN_ROWS_FIT:
        msg = (
            f"The 'data' parameter of {where} gives n = {n} observations for "
            f"{p} indicators; maximum likelihood needs more observations than "
            "indicators."
        )
        raise InputError(msg)
    S = moments.covariance(ddof=0)
    try:
        _check_covariance(S, indicators, where)
    except np.linalg.LinAlgError as exc:
        msg = f"The covariance matrix of the 'data' of {where} is not usable: {exc}."
        raise InputError(msg) from exc
    sem = _optimise(spec, S, n, syntax, optimizer)
    try:
        lam, beta, psi, theta, table_ = _matrices(spec, sem.estimates)
        sigma, cov_eta = _implied(lam, beta, psi, theta)
        fit = MLFitIndices(**_fit_statistics(S, sigma, n, sem.n_free))
    except np.linalg.LinAlgError as exc:
        msg = f"{where} (method='ml'): the fitted model is singular ({exc})."
        raise EstimationError(msg) from exc
    ests = _standardize(spec, table_, cov_eta, sigma)
    var_eta = np.diag(cov_eta)
    endogenous = set(spec.endogenous)
    r2 = {
        lv: float(1.0 - psi[j, j] / var_eta[j]) if var_eta[j] > 0 else math.nan
        for j, lv in enumerate(spec.latents)
        if lv in endogenous
    }
    corr = _cov_to_corr(cov_eta)
    problems = _admissibility(spec, ests, corr, var_eta, np.diag(S))
    weights = _block_weights(spec, lam, theta)
    if scale is None:
        indices = dict.fromkeys(spec.latents, math.nan)
    else:
        scaled_means = scale.rescale(moments.mean)
        indices = {
            lv: float(
                sum(w * scaled_means[indicators.index(i)] for i, w in wts.items())
            )
            if wts
            else math.nan
            for lv, wts in weights.items()
        }
    score_arr = None
    if scores and table.kind == "rows":
        score_arr = _scores(
            rows_of(table, indicators), indicators, spec, weights, scale
        )
    if not sem.converged:
        warnings.warn(
            f"the ML optimiser ({_OPTIMISERS[sem.optimizer]}) did not converge: "
            f"{sem.message}. "
            "The estimates and fit statistics may not be at the maximum of the "
            "likelihood.",
            ConvergenceWarning,
            stacklevel=3,
        )
    for m in problems:
        warnings.warn(m, AdmissibilityWarning, stacklevel=3)
    table_out = _estimates_table(
        ests, r2, indices, fit, n, confidence_level, table.backend
    )
    boot = None
    if n_resamples:
        from ._ml_bootstrap import ml_bootstrap  # noqa: PLC0415

        gen = np.random.default_rng() if rng is None else rng
        reps = table.bootstrap(
            indicators,
            n_resamples=n_resamples,
            rng=gen,
            missing=missing,  # type: ignore[arg-type]
        )
        boot = ml_bootstrap(
            spec=spec,
            base=sem.estimates,
            parameters=sem.parameters,
            replicates=reps,
            jackknife=_jackknife(table, indicators, missing, gen),
            n=n,
            full=table_out,
            standardized={
                (f"std_{e.kind}", _name(e)): float(e.std_estimate)
                for e in ests
                if e.kind in {"loading", "path"}
            },
            scale=scale,
            confidence_level=confidence_level,
            where=where,
        )
    result = ACSIMLResult(
        spec=spec,
        n=n,
        n_note=n_note,
        paths=tuple(e for e in ests if e.kind == "path"),
        loadings=tuple(e for e in ests if e.kind == "loading"),
        variances=tuple(e for e in ests if e.kind not in {"path", "loading"}),
        r_squared=r2,
        latent_correlation=corr,
        fit=fit,
        estimates=table_out,
        confidence_level=confidence_level,
        scale=scale,
        indices=indices,
        index_weights=weights,
        scores=score_arr,
        converged=sem.converged,
        admissibility=tuple(problems),
        missing_report=moments.missing_report,
        bootstrap=boot,
        _implied=sigma,
        _sample=S,
        _backend=table.backend,
    )
    if robust is None:
        return result
    from ._ml_robust import apply_robust  # noqa: PLC0415

    return apply_robust(result, table, robust, where, fourth)


def _jackknife(
    table: Table, indicators: tuple[str, ...], missing: str, gen: np.random.Generator
) -> tuple[FloatArray, FloatArray] | None:
    """Leave-one-group-out covariances and means for the BCa acceleration.

    The grouped jackknife of the PLS bootstrap (at most 200 groups; Efron &
    Tibshirani 1993, sec. 11.5), stacked as one batch (divisor n, as the
    replicates); None for a lazy frame or too few groups.
    """
    from ._pls_boot import jackknife  # noqa: PLC0415 - with the bootstrap
    from ._pls_options import PLSOptions  # noqa: PLC0415

    if table.kind != "rows":
        return None
    parts = jackknife(table, indicators, PLSOptions(missing=missing), gen)
    if len(parts) < 3:
        return None
    covs = np.stack([m.covariance(ddof=0) for m in parts])
    return covs, np.stack([m.mean for m in parts])


def _name(e: MLEstimate) -> str:
    if e.kind == "intercept":
        return e.lhs
    if e.kind == "path":
        return f"{e.rhs} -> {e.lhs}"
    if e.kind in {"loading"}:
        return e.rhs
    if e.kind == "residual_variance":
        return e.lhs
    return f"{e.lhs} ~~ {e.rhs}"


def _estimates_table(  # noqa: PLR0917 - private, one call site
    ests: list[MLEstimate],
    r2: dict[str, float],
    indices: dict[str, float],
    fit: MLFitIndices,
    n: int,
    level: float,
    backend: str | None,
) -> Estimates:
    """Parameters with Wald normal intervals; R2, indices and fit without."""
    names = [_name(e) for e in ests]
    kinds = [e.kind for e in ests]
    est = [e.estimate for e in ests]
    se = [e.se if e.free else math.nan for e in ests]
    method = ["normal"] * len(ests)
    fit_names = ("chi2", "df", "cfi", "tli", "rmsea", "srmr", "aic", "bic")
    for kind, items in (
        ("r2", list(r2.items())),
        ("index", list(indices.items())),
        ("fit", [(k, float(getattr(fit, k))) for k in fit_names]),
    ):
        for name, value in items:
            names.append(name)
            kinds.append(kind)
            est.append(value)
            se.append(math.nan)
            method.append("none")
    return estimates(
        name=names,
        estimate=est,
        kind=kinds,
        confidence_level=level,
        standard_error=se,
        n=float(n),
        interval=method,
        backend=backend,
    )


# ---------------------------------------------------------------- helpers
_OPTIMISERS = {"numpy": "numpy, Newton with Fisher scoring", "semopy": "semopy, SLSQP"}


def _optimise(
    spec: ModelSpec, S: FloatArray, n: int, syntax: str, optimizer: str
) -> MLFit:
    """Fit by the numpy kernel, and by semopy where the kernel does not converge.

    When both run, the fit with the smaller discrepancy F wins (a converged
    one first); a semopy failure after a kernel failure leaves the kernel's
    fit, which then carries ``converged=False``.
    """
    from ._semopy_backend import run_semopy  # noqa: PLC0415 - semopy is heavy

    if optimizer == "semopy":
        return run_semopy(S, spec.indicators, n, syntax)
    # One BLAS thread: threaded OpenBLAS made the 24-indicator ECSI fit 25x
    # slower on a busy 2-core machine (2.5 s instead of 0.1 s; see _blas).
    with one_blas_thread():
        fit = fit_kernel(spec, S, n)
    if fit.converged:
        return fit
    try:
        other = run_semopy(S, spec.indicators, n, syntax)
    except EstimationError:
        return fit
    if (other.converged, -other.objective) > (fit.converged, -fit.objective):
        return other
    return fit


def _sample_size(m: Moments) -> tuple[int, str]:
    if m.weighted:
        n = math.floor(float(np.min(m.effective_n())))
        return n, "Kish effective sample size of the weighted data"
    if m.missing == "pairwise":
        return int(np.min(m.count)), "smallest pairwise count (pairwise deletion)"
    if m.missing == "em":
        return int(m.n), "rows used by EM (missing='em')"
    return int(m.n), "complete rows (listwise)"


def _check_covariance(S: FloatArray, columns: tuple[str, ...], where: str) -> None:
    bad = np.flatnonzero(~np.all(np.isfinite(S), axis=1))
    if bad.size:
        msg = (
            f"The 'data' parameter of {where} gives a covariance matrix with "
            f"undefined entries in column {columns[int(bad[0])]!r} (too few "
            "observations of it)."
        )
        raise InputError(msg)
    var = np.diag(S)
    zero = np.flatnonzero(var <= 0)
    if zero.size:
        msg = (
            f"The 'data' parameter of {where} has indicator "
            f"{columns[int(zero[0])]!r} with zero variance; it cannot be "
            "modelled."
        )
        raise InputError(msg)
    eig = np.linalg.eigvalsh(S / np.sqrt(np.outer(var, var)))
    if eig[0] <= 1e-10:
        msg = (
            f"The 'data' parameter of {where} gives a covariance matrix that "
            f"is not positive definite (smallest correlation eigenvalue "
            f"{eig[0]:.3g}): some indicators are linear combinations of others, "
            "or pairwise deletion produced an inconsistent matrix (try "
            "missing='listwise')."
        )
        raise InputError(msg)
