r"""ACSI-type structural equation models by maximum likelihood, from Moments.

:func:`fit_ml` fits a reflective :class:`~satmodels.acsi.spec.ModelSpec`
(the ACSI, ECSI, SCSB ... presets or any recursive model) by normal-theory
maximum likelihood from a :class:`~satmodels.stats.moments.Moments` object: only
the covariance matrix of the indicators and the sample size are used, so a
million respondents cost one covariance computation. The estimates and their
standard errors come from semopy (the optimiser; confined to
``_semopy_backend.py``); everything reported *about* the fit is computed here
from the sample covariance :math:`S` (divisor :math:`n`) and the
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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, stats

from .._typing import FloatArray
from .._validation import check_confidence_level
from ..exceptions import (
    AdmissibilityWarning,
    ConvergenceWarning,
    EstimationError,
    InputError,
)
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._summary import Summary, table
from ..scales import Scale
from ..stats.moments import MissingReport, Moments
from .spec import ModelSpec

__all__ = [
    "ACSIMLResult",
    "MLEstimate",
    "MLFitIndices",
    "demo_section",
    "fit_ml",
]

#: Latent correlations above this (in absolute value) are flagged.
_COLLINEAR = 0.95


# ---------------------------------------------------------------- results
@dataclass(frozen=True, slots=True, kw_only=True)
class MLEstimate:
    """One parameter of the fitted model.

    Attributes
    ----------
    kind : {"loading", "path", "variance", "covariance", "residual_variance"}
        ``loading``: ``lhs =~ rhs`` (latent, indicator); ``path``: ``lhs ~
        rhs`` (target regressed on source); ``variance``: a latent's
        variance (exogenous) or disturbance variance (endogenous);
        ``covariance``: between exogenous latents; ``residual_variance``: an
        indicator's measurement-error variance.
    lhs, op, rhs : str
        The lavaan-style parameter (``=~``, ``~`` or ``~~``).
    estimate : float
        Unstandardized ML estimate.
    se, z, p : float
        Standard error (expected information), Wald z and two-sided p; NaN
        for a fixed parameter (the marker loading fixed at 1, a residual
        variance fixed at 0).
    std_estimate : float
        Completely standardized estimate (lavaan's ``std.all``), from the
        model-implied variances.
    free : bool
        Whether the parameter was estimated.
    """

    kind: str
    lhs: str
    op: str
    rhs: str
    estimate: float
    se: float
    z: float
    p: float
    std_estimate: float
    free: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class MLFitIndices:
    r"""Global fit statistics of an ML fit, computed from S and Sigma.

    Attributes
    ----------
    chi2, df, p : float, int, float
        Likelihood-ratio test of the model against the saturated model:
        :math:`n F_{ML}`, :math:`p(p+1)/2 - q`, upper-tail p-value.
    baseline_chi2, baseline_df : float, int
        The same for the independence model (diagonal covariance).
    cfi, tli : float
        Comparative fit index (Bentler 1990) and Tucker-Lewis index; TLI is
        NaN when ``df = 0``.
    rmsea, rmsea_ci_low, rmsea_ci_high : float
        RMSEA and its 90% interval (Steiger 1990; MacCallum et al. 1996).
    srmr : float
        Standardized root mean square residual (Hu & Bentler 1999).
    loglik, aic, bic : float
        Normal log-likelihood of the model and the information criteria
        :math:`-2\log L + 2q` and :math:`-2\log L + q\log n`.
    n_parameters : int
        Free parameters q.
    n : int
        Sample size used.
    """

    chi2: float
    df: int
    p: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci_low: float
    rmsea_ci_high: float
    srmr: float
    aic: float
    bic: float
    loglik: float
    baseline_chi2: float
    baseline_df: int
    n_parameters: int
    n: int

    def to_dict(self) -> dict[str, Any]:
        """Return the statistics as a JSON-safe dictionary."""
        return {k: jsonable(getattr(self, k)) for k in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True, kw_only=True)
class ACSIMLResult(ResultMixin):
    """Maximum-likelihood fit of an ACSI-type structural equation model.

    Attributes
    ----------
    spec : ModelSpec
        The fitted model.
    n : int
        Sample size used for the standard errors and chi-square.
    n_note : str
        How ``n`` was obtained (complete rows, Kish's effective size for
        weighted data, the smallest pairwise count for pairwise deletion).
    paths : tuple of MLEstimate
        Structural paths (``kind == "path"``), ``lhs`` the target.
    loadings : tuple of MLEstimate
        Loadings (``kind == "loading"``), ``lhs`` the latent.
    variances : tuple of MLEstimate
        Latent (co)variances and indicator residual variances.
    r_squared : dict of str to float
        Explained variance of each endogenous latent.
    latent_correlation : ndarray, shape (m, m)
        Model-implied correlations of the latents, in ``spec.latents`` order.
    fit : MLFitIndices
        chi2, df, p, CFI, TLI, RMSEA (90% interval), SRMR, AIC, BIC.
    indices : dict of str to float, or None
        0-100 latent indices (when ``scale`` was given).
    index_weights : dict of str to dict of str to float
        Within-block indicator weights behind ``indices`` (sum to 1).
    scores : ndarray, shape (rows, m), or None
        Per-respondent latent scores when ``rows`` was given: on 0-100 when
        ``scale`` was given, else the weighted indicator composite in the
        answer units; NaN for a respondent with a missing answer in the
        block.
    converged : bool
        Whether the optimiser reported success.
    admissibility : tuple of str
        Problems found in the solution (each also emitted as an
        :class:`~satmodels.exceptions.AdmissibilityWarning`).
    missing : MissingReport
        Rows used and excluded when the Moments were computed.
    """

    spec: ModelSpec
    n: int
    n_note: str
    paths: tuple[MLEstimate, ...]
    loadings: tuple[MLEstimate, ...]
    variances: tuple[MLEstimate, ...]
    r_squared: dict[str, float]
    latent_correlation: FloatArray
    fit: MLFitIndices
    indices: dict[str, float] | None
    index_weights: dict[str, dict[str, float]]
    scores: FloatArray | None
    converged: bool
    admissibility: tuple[str, ...]
    missing: MissingReport
    _implied: FloatArray = field(repr=False)
    _sample: FloatArray = field(repr=False)
    _backend: str | None = field(default=None, repr=False)

    @property
    def implied_covariance(self) -> FloatArray:
        """Model-implied covariance of the indicators (``spec.indicators``)."""
        return self._implied.copy()

    @property
    def sample_covariance(self) -> FloatArray:
        """Sample covariance (divisor n) of the indicators (``spec.indicators``)."""
        return self._sample.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dictionary.

        Keys include ``"paths"`` (records with source, target, estimate, se,
        z, p, std_estimate), ``"loadings"`` (latent, indicator, estimate, ...),
        ``"variances"``, ``"r_squared"``, ``"fit"`` (chi2, df, p, cfi, tli,
        rmsea, rmsea_ci_low, rmsea_ci_high, srmr, aic, bic, ...),
        ``"indices"``, ``"latent_correlation"``, ``"admissibility"``.
        """

        def rec(e: MLEstimate, a: str, b: str) -> dict[str, Any]:
            return {
                a: e.rhs if a == "source" else e.lhs,
                b: e.lhs if a == "source" else e.rhs,
                "estimate": jsonable(e.estimate),
                "se": jsonable(e.se),
                "z": jsonable(e.z),
                "p": jsonable(e.p),
                "std_estimate": jsonable(e.std_estimate),
            }

        return {
            "method": "ml",
            "model": self.spec.to_dict(),
            "n": self.n,
            "n_note": self.n_note,
            "paths": [rec(e, "source", "target") for e in self.paths],
            "loadings": [rec(e, "latent", "indicator") for e in self.loadings],
            "variances": [
                {
                    "lhs": e.lhs,
                    "rhs": e.rhs,
                    "kind": e.kind,
                    "estimate": jsonable(e.estimate),
                    "se": jsonable(e.se),
                    "std_estimate": jsonable(e.std_estimate),
                }
                for e in self.variances
            ],
            "r_squared": jsonable(self.r_squared),
            "fit": self.fit.to_dict(),
            "indices": jsonable(self.indices),
            "index_weights": jsonable(self.index_weights),
            "latent_correlation": {
                "latents": list(self.spec.latents),
                "matrix": jsonable(self.latent_correlation),
            },
            "converged": self.converged,
            "admissibility": list(self.admissibility),
            "missing": self.missing.to_dict(),
        }

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "kind": e.kind,
                "lhs": e.lhs,
                "op": e.op,
                "rhs": e.rhs,
                "estimate": e.estimate,
                "se": e.se,
                "z": e.z,
                "p": e.p,
                "std_estimate": e.std_estimate,
            }
            for e in (*self.loadings, *self.paths, *self.variances)
        ]

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        r"""Wald intervals :math:`\hat\theta \pm z_{1-\alpha/2}\,SE` of the paths.

        Parameters
        ----------
        confidence_level : float
            Coverage in (0, 1).

        Returns
        -------
        ConfidenceInterval
            ``low`` and ``high`` arrays aligned with :attr:`paths`.
        """
        level = check_confidence_level(confidence_level, "confidence_interval")
        z = float(stats.norm.ppf(0.5 + level / 2))
        est = np.array([e.estimate for e in self.paths])
        se = np.array([e.se for e in self.paths])
        return ConfidenceInterval(low=est - z * se, high=est + z * se)

    def summary(self) -> Summary:
        """Return a lavaan-style report (fit, loadings, paths, variances, R2)."""
        f = self.fit
        head = table(
            "Model test (ML from the covariance matrix)",
            ["statistic", "value"],
            [
                ("observations", self.n),
                ("free parameters", f.n_parameters),
                ("converged", str(self.converged)),
                ("chi2", f.chi2),
                ("df", f.df),
                ("p-value (chi2)", f.p),
                ("baseline chi2", f.baseline_chi2),
                ("baseline df", f.baseline_df),
                ("CFI", f.cfi),
                ("TLI", f.tli),
                ("RMSEA", f.rmsea),
                ("RMSEA 90% low", f.rmsea_ci_low),
                ("RMSEA 90% high", f.rmsea_ci_high),
                ("SRMR", f.srmr),
                ("log-likelihood", f.loglik),
                ("AIC", f.aic),
                ("BIC", f.bic),
            ],
        )
        hdr = ["", "estimate", "se", "z", "p", "std"]

        def rows(items: tuple[MLEstimate, ...], fmt: str) -> list[tuple[object, ...]]:
            # fixed parameters (marker loadings, zero residuals) show blank
            # inference columns, as in lavaan's summary
            return [
                (
                    fmt.format(lhs=e.lhs, rhs=e.rhs),
                    e.estimate,
                    *((e.se, e.z, e.p) if e.free else (None, None, None)),
                    e.std_estimate,
                )
                for e in items
            ]

        tables = [
            head,
            table(
                "Latent variables (loadings)",
                hdr,
                rows(self.loadings, "{lhs} =~ {rhs}"),
            ),
            table("Regressions (paths)", hdr, rows(self.paths, "{lhs} ~ {rhs}")),
            table(
                "Variances and covariances", hdr, rows(self.variances, "{lhs} ~~ {rhs}")
            ),
            table("R-squared", ["latent", "r2"], list(self.r_squared.items())),
        ]
        if self.indices is not None:
            tables.append(
                table(
                    "0-100 indices",
                    ["latent", "index"],
                    list(self.indices.items()),
                    digits=1,
                )
            )
        miss = self.missing
        reasons = "; ".join(f"{k}: {v}" for k, v in miss.reasons.items())
        notes = [
            f"Rows: {miss.rows_used} of {miss.rows_total} used, "
            f"{miss.rows_excluded} excluded" + (f" ({reasons})." if reasons else "."),
            f"n = {self.n} ({self.n_note}); standard errors from the expected "
            "information (semopy); fit statistics computed by satmodels from S "
            "and Sigma (Joreskog 1969; Bentler 1990; Steiger 1990; Hu & Bentler "
            "1999).",
            *(f"Warning: {m}" for m in self.admissibility),
        ]
        return Summary(
            title="ACSI structural equation model: maximum likelihood",
            tables=tuple(tables),
            notes=tuple(notes),
        )


# ---------------------------------------------------------------- public
def fit_ml(
    moments: Moments,
    spec: ModelSpec,
    *,
    scale: Scale | tuple[float, float] | None = None,
    rows: object = None,
) -> ACSIMLResult:
    r"""Fit an ACSI-type model by maximum likelihood from Moments.

    Parameters
    ----------
    moments : Moments
        Moments of (at least) the model's indicators; a single Moments, not
        a bootstrap batch. The ML covariance (divisor n) is used.
    spec : ModelSpec
        Reflective (mode A) model; see :func:`satmodels.acsi.spec.acsi`.
    scale : Scale or (min, max), optional
        The declared answer scale; with it the result carries 0-100 indices.
    rows : array_like, shape (N, len(moments.columns)), optional
        Respondent rows, columns in ``moments.columns`` order, for
        per-respondent scores.

    Returns
    -------
    ACSIMLResult

    Raises
    ------
    InputError
        A batch of Moments, an indicator missing from the Moments, too few
        observations, a covariance matrix that is not positive definite, or
        ``rows`` of the wrong shape.
    SpecificationError
        A formative (mode B) block (see
        :func:`~satmodels.acsi._semopy_backend.to_semopy_syntax`).
    EstimationError
        semopy failed.

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
    The sample size is ``moments.n`` (complete rows) for listwise Moments,
    the smallest pairwise count for pairwise Moments, and Kish's (1965)
    effective size :math:`(\sum w)^2 / \sum w^2` (smallest over the columns)
    for weighted Moments; with weights the standard errors are model-based,
    not design-based.

    The 0-100 index of latent j is :math:`\sum_i w_i\,(\bar x_i - \min) /
    (\max - \min) \cdot 100` over its own indicators (Fornell et al. 1996),
    with weights :math:`w_i \propto \lambda_i / \theta_i` normalised to sum
    to 1: the Bartlett (1937) factor-score weights of a one-factor block,
    proportional to its regression weights. A single indicator gets weight
    1; a block with a non-positive residual variance gets no index (NaN).

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels import Moments
    >>> from satmodels.acsi.spec import ModelSpec
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(2000, 1))
    >>> g = 0.6 * f + 0.8 * rng.normal(size=(2000, 1))
    >>> x = np.hstack(
    ...     [f + 0.5 * rng.normal(size=(2000, 3)), g + 0.5 * rng.normal(size=(2000, 3))]
    ... )
    >>> cols = ["a1", "a2", "a3", "b1", "b2", "b3"]
    >>> m = Moments.from_data(x, columns=cols)
    >>> spec = ModelSpec.from_syntax("A =~ a1 + a2 + a3; B =~ b1 + b2 + b3; B ~ A")
    >>> res = fit_ml(m, spec)
    >>> round(res.paths[0].estimate, 1), res.fit.df
    (0.6, 8)
    """
    from ._semopy_backend import run_semopy, to_semopy_syntax  # noqa: PLC0415

    where = "fit_ml"
    _require(moments, Moments, "moments", where)
    _require(spec, ModelSpec, "spec", where)
    if moments.n_replicates:
        msg = (
            f"The 'moments' parameter of {where} must be a single Moments, not a "
            f"batch of {moments.n_replicates} bootstrap replicates."
        )
        raise InputError(msg)
    syntax = to_semopy_syntax(spec)
    indicators = spec.indicators
    missing_cols = [c for c in indicators if c not in moments.columns]
    if missing_cols:
        msg = (
            f"The 'moments' parameter of {where} has no column "
            f"{missing_cols[0]!r} (an indicator of latent "
            f"{_owner(spec, missing_cols[0])!r}); columns are {moments.columns}."
        )
        raise InputError(msg)
    sc = _as_scale(scale, where)
    x_rows = None if rows is None else _as_rows(rows, moments.columns, where)
    sub = moments.select(indicators)
    n, n_note = _sample_size(sub)
    p = len(indicators)
    if n <= p:
        msg = (
            f"The 'moments' parameter of {where} rests on n = {n} observations "
            f"for {p} indicators; ML needs more observations than indicators."
        )
        raise InputError(msg)
    S = sub.covariance(ddof=0)
    _check_covariance(S, indicators, where)
    sem = run_semopy(S, indicators, n, syntax)
    lam, beta, psi, theta, table_ = _matrices(spec, sem.estimates)
    sigma, cov_eta = _implied(lam, beta, psi, theta)
    stats_ = _fit_statistics(S, sigma, n, sem.n_free)
    fit = MLFitIndices(**stats_)
    estimates = _standardize(spec, table_, cov_eta, sigma)
    var_eta = np.diag(cov_eta)
    r2 = {
        lv: float(1.0 - psi[j, j] / var_eta[j]) if var_eta[j] > 0 else math.nan
        for j, lv in enumerate(spec.latents)
        if lv in spec.endogenous
    }
    corr = _cov_to_corr(cov_eta)
    problems = _admissibility(spec, estimates, corr, var_eta, np.diag(S))
    weights = _block_weights(spec, lam, theta)
    indices = None
    if sc is not None:
        scaled_means = sc.rescale(sub.mean)
        indices = {
            lv: float(
                sum(w * scaled_means[indicators.index(i)] for i, w in wts.items())
            )
            if wts
            else math.nan
            for lv, wts in weights.items()
        }
    scores = None
    if x_rows is not None:
        scores = _scores(x_rows, moments.columns, spec, weights, sc)
    if not sem.converged:
        warnings.warn(
            f"the ML optimiser (semopy, SLSQP) did not converge: {sem.message}. "
            "The estimates and fit statistics may not be at the maximum of the "
            "likelihood.",
            ConvergenceWarning,
            stacklevel=2,
        )
    for m in problems:
        warnings.warn(m, AdmissibilityWarning, stacklevel=2)
    return ACSIMLResult(
        spec=spec,
        n=n,
        n_note=n_note,
        paths=tuple(e for e in estimates if e.kind == "path"),
        loadings=tuple(e for e in estimates if e.kind == "loading"),
        variances=tuple(e for e in estimates if e.kind not in {"path", "loading"}),
        r_squared=r2,
        latent_correlation=corr,
        fit=fit,
        indices=indices,
        index_weights=weights,
        scores=scores,
        converged=sem.converged,
        admissibility=tuple(problems),
        missing=moments.missing_report,
        _implied=sigma,
        _sample=S,
        _backend=getattr(moments, "_backend", None),
    )


def demo_section(survey: Mapping[str, Any]) -> Summary:
    """ML fit of the ACSI preset on the bundled sample survey (``satmodels demo``).

    Parameters
    ----------
    survey : mapping of str to array
        Columns ``expe1-3``, ``qual1-4``, ``val1-2``, ``sat1-3``, ``comp1``,
        ``loy1-3`` on a 1-10 scale.

    Returns
    -------
    Summary
    """
    from .spec import acsi  # noqa: PLC0415

    spec = acsi(
        expectations=["expe1", "expe2", "expe3"],
        quality=["qual1", "qual2", "qual3", "qual4"],
        value=["val1", "val2"],
        satisfaction=["sat1", "sat2", "sat3"],
        complaints=["comp1"],
        loyalty=["loy1", "loy2", "loy3"],
    )
    cols = list(spec.indicators)
    x = np.column_stack([np.asarray(survey[c], dtype=np.float64) for c in cols])
    moments = Moments.from_data(x, columns=cols)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit_ml(moments, spec, scale=Scale.likert(1, 10))
    base = result.summary()
    extra = tuple(
        f"Warning: {w.message}" for w in caught if w.category is ConvergenceWarning
    )
    return Summary(
        title="ACSI by maximum likelihood (semopy optimiser, satmodels fit indices)",
        tables=base.tables,
        notes=base.notes + extra,
    )


# ---------------------------------------------------------------- helpers
def _require(value: object, kind: type, name: str, where: str) -> None:
    if not isinstance(value, kind):
        msg = (
            f"The '{name}' parameter of {where} must be a {kind.__name__}. "
            f"Got {type(value).__name__} instead."
        )
        raise InputError(msg)


def _owner(spec: ModelSpec, indicator: str) -> str:
    return next(b.latent for b in spec.blocks if indicator in b.indicators)


def _sample_size(m: Moments) -> tuple[int, str]:
    if m.weighted:
        n = math.floor(float(np.min(m.effective_n())))
        return n, "Kish effective sample size of the weighted Moments"
    if m.missing == "pairwise":
        return int(np.min(m.count)), "smallest pairwise count (pairwise deletion)"
    return int(m.n), "complete rows (listwise)"


def _check_covariance(S: FloatArray, columns: tuple[str, ...], where: str) -> None:
    bad = np.flatnonzero(~np.all(np.isfinite(S), axis=1))
    if bad.size:
        msg = (
            f"The 'moments' parameter of {where} gives a covariance matrix with "
            f"undefined entries in column {columns[int(bad[0])]!r} (too few "
            "observations of it)."
        )
        raise InputError(msg)
    var = np.diag(S)
    zero = np.flatnonzero(var <= 0)
    if zero.size:
        msg = (
            f"The 'moments' parameter of {where} has indicator "
            f"{columns[int(zero[0])]!r} with zero variance; it cannot be "
            "modelled."
        )
        raise InputError(msg)
    eig = np.linalg.eigvalsh(S / np.sqrt(np.outer(var, var)))
    if eig[0] <= 1e-10:
        msg = (
            f"The 'moments' parameter of {where} gives a covariance matrix that "
            f"is not positive definite (smallest correlation eigenvalue "
            f"{eig[0]:.3g}): some indicators are linear combinations of others, "
            "or pairwise deletion produced an inconsistent matrix."
        )
        raise InputError(msg)


def _as_rows(rows: object, columns: tuple[str, ...], where: str) -> FloatArray:
    try:
        x = np.asarray(rows, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"The 'rows' parameter of {where} must be numeric. Got {rows!r}."
        raise InputError(msg) from exc
    if x.ndim != 2 or x.shape[1] != len(columns):
        msg = (
            f"The 'rows' parameter of {where} must have shape (N, {len(columns)}) "
            f"with columns {columns}. Got shape {x.shape} instead."
        )
        raise InputError(msg)
    return x


def _as_scale(scale: object, where: str) -> Scale | None:
    if scale is None or isinstance(scale, Scale):
        return scale
    if isinstance(scale, tuple | list) and len(scale) == 2:
        lo, hi = (float(v) for v in scale)
        if not hi > lo:
            msg = (
                f"The 'scale' parameter of {where} must be (min, max) with "
                f"max > min. Got {tuple(scale)!r} instead."
            )
            raise InputError(msg)
        return Scale.interval(lo, hi)
    msg = (
        f"The 'scale' parameter of {where} must be a Scale or a (min, max) pair. "
        f"Got {scale!r} instead."
    )
    raise InputError(msg)


Row = tuple[str, str, str, float, float, float, float, bool]


def _matrices(
    spec: ModelSpec, estimates: tuple[Row, ...]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, list[tuple[str, Row]]]:
    """Put semopy's parameter table into Lambda, B, Psi and diag(Theta)."""
    latents = spec.latents
    inds = spec.indicators
    m, p = len(latents), len(inds)
    lam = np.zeros((p, m))
    beta = np.zeros((m, m))
    psi = np.zeros((m, m))
    theta = np.zeros(p)
    kinds: list[tuple[str, Row]] = []
    for row in estimates:
        lhs, op, rhs, est = row[0], row[1], row[2], row[3]
        if op == "=~":
            lam[inds.index(rhs), latents.index(lhs)] = est
            kinds.append(("loading", row))
        elif op == "~":
            beta[latents.index(lhs), latents.index(rhs)] = est
            kinds.append(("path", row))
        elif op == "~~" and lhs in latents:
            a, b = latents.index(lhs), latents.index(rhs)
            psi[a, b] = psi[b, a] = est
            kinds.append(("variance" if a == b else "covariance", row))
        elif op == "~~" and lhs == rhs and lhs in inds:
            theta[inds.index(lhs)] = est
            kinds.append(("residual_variance", row))
        else:  # pragma: no cover - semopy adds nothing else for these models
            msg = f"unexpected parameter {lhs} {op} {rhs} in semopy's estimates"
            raise EstimationError(msg)
    # Order: loadings by block, paths, latent (co)variances by spec.latents,
    # then residual variances by spec.indicators.
    order = {
        "loading": 0,
        "path": 1,
        "variance": 2,
        "covariance": 2,
        "residual_variance": 3,
    }

    def key(kr: tuple[str, Row]) -> tuple[int, int, int]:
        kind, (lhs, _, rhs, *_rest) = kr
        names = inds if kind == "residual_variance" else latents
        first = latents.index(lhs) if kind != "residual_variance" else 0
        second = names.index(rhs) if rhs in names else inds.index(rhs)
        return order[kind], first, second

    kinds.sort(key=key)
    return lam, beta, psi, theta, kinds


def _implied(
    lam: FloatArray, beta: FloatArray, psi: FloatArray, theta: FloatArray
) -> tuple[FloatArray, FloatArray]:
    r"""Model-implied covariances of the indicators and of the latents.

    :math:`\mathrm{Cov}(\eta) = (I - B)^{-1} \Psi (I - B)^{-\top}` and
    :math:`\Sigma = \Lambda\,\mathrm{Cov}(\eta)\,\Lambda^\top + \Theta`
    (Jöreskog 1973; Bollen 1989, eq. 8.17 without exogenous x).
    """
    m = beta.shape[0]
    inv = np.linalg.inv(np.eye(m) - beta)
    cov_eta = inv @ psi @ inv.T
    sigma = lam @ cov_eta @ lam.T + np.diag(theta)
    return sigma, cov_eta


def _cov_to_corr(c: FloatArray) -> FloatArray:
    d = np.sqrt(np.clip(np.diag(c), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(c / np.outer(d, d), dtype=np.float64)


def _standardize(
    spec: ModelSpec,
    rows: list[tuple[str, Row]],
    cov_eta: FloatArray,
    sigma: FloatArray,
) -> list[MLEstimate]:
    """Completely standardized estimates (lavaan ``std.all``; Bollen 1989, p. 349)."""
    latents, inds = spec.latents, spec.indicators
    var_eta = np.diag(cov_eta)
    var_x = np.diag(sigma)
    out = []
    for kind, (lhs, op, rhs, est, se, z, p, free) in rows:
        with np.errstate(divide="ignore", invalid="ignore"):
            if kind == "loading":
                s = (
                    est
                    * math.sqrt(max(var_eta[latents.index(lhs)], 0.0))
                    / math.sqrt(var_x[inds.index(rhs)])
                )
            elif kind == "path":
                vt = var_eta[latents.index(lhs)]
                vs = var_eta[latents.index(rhs)]
                s = est * math.sqrt(vs / vt) if vt > 0 and vs >= 0 else math.nan
            elif kind in {"variance", "covariance"}:
                va = var_eta[latents.index(lhs)]
                vb = var_eta[latents.index(rhs)]
                s = est / math.sqrt(va * vb) if va > 0 and vb > 0 else math.nan
            else:
                s = est / var_x[inds.index(lhs)]
        out.append(
            MLEstimate(
                kind=kind,
                lhs=lhs,
                op=op,
                rhs=rhs,
                estimate=est,
                se=se,
                z=z,
                p=p,
                std_estimate=float(s),
                free=free,
            )
        )
    return out


def _fit_statistics(S: FloatArray, sigma: FloatArray, n: int, q: int) -> dict[str, Any]:
    r"""Global fit statistics from the sample and implied covariance matrices.

    * :math:`F_{ML} = \log|\Sigma| - \log|S| + \mathrm{tr}(S\Sigma^{-1}) - p`
      (Jöreskog 1969, eq. 9), :math:`\chi^2 = n F_{ML}`,
      :math:`df = p(p+1)/2 - q`.
    * Baseline (independence) model :math:`\Sigma_0 = \mathrm{diag}(S)`:
      :math:`\chi^2_0 = n(\sum_i \log s_{ii} - \log|S|)`,
      :math:`df_0 = p(p-1)/2`.
    * :math:`CFI = 1 - \max(\chi^2 - df, 0) / \max(\chi^2 - df,
      \chi^2_0 - df_0, 0)` (Bentler 1990, eq. 6).
    * :math:`TLI = (\chi^2_0/df_0 - \chi^2/df) / (\chi^2_0/df_0 - 1)`
      (Tucker & Lewis 1973; Bentler & Bonett 1980).
    * :math:`RMSEA = \sqrt{\max(\chi^2 - df, 0) / (df\,n)}` (Steiger &
      Lind 1980; with N = n as lavaan); 90% interval from the
      noncentrality parameters :math:`\lambda` solving
      :math:`P(\chi^2_{df}(\lambda) \le \chi^2) = 0.95` and 0.05,
      :math:`\sqrt{\lambda / (df\,n)}` (Steiger 1990; MacCallum et al. 1996).
    * :math:`SRMR = \sqrt{\sum_{i \le j} ((s_{ij} - \sigma_{ij}) /
      \sqrt{s_{ii}s_{jj}})^2 / (p(p+1)/2)}` (Bentler 1995; Hu & Bentler 1999).
    * :math:`\log L = -\tfrac{n}{2}(p\log 2\pi + \log|\Sigma| +
      \mathrm{tr}(S\Sigma^{-1}))`, AIC :math:`= -2\log L + 2q` (Akaike 1974),
      BIC :math:`= -2\log L + q\log n` (Schwarz 1978).
    """
    p = S.shape[0]
    sign_s, logdet_s = np.linalg.slogdet(S)
    sign_m, logdet_m = np.linalg.slogdet(sigma)
    if sign_s <= 0 or sign_m <= 0:
        msg = "the implied covariance matrix is not positive definite"
        raise EstimationError(msg)
    tr = float(np.trace(np.linalg.solve(sigma, S)))
    f_ml = max(float(logdet_m - logdet_s + tr - p), 0.0)
    chi2 = n * f_ml
    df = p * (p + 1) // 2 - q
    pval = float(stats.chi2.sf(chi2, df)) if df > 0 else math.nan
    var = np.diag(S)
    chi2_0 = n * float(np.sum(np.log(var)) - logdet_s)
    df_0 = p * (p - 1) // 2
    d_model = max(chi2 - df, 0.0)
    denom = max(chi2 - df, chi2_0 - df_0, 0.0)
    cfi = 1.0 - d_model / denom if denom > 0 else 1.0
    if df > 0 and df_0 > 0 and chi2_0 / df_0 != 1.0:
        tli = (chi2_0 / df_0 - chi2 / df) / (chi2_0 / df_0 - 1.0)
    else:
        tli = math.nan
    if df > 0:
        rmsea = math.sqrt(max(chi2 - df, 0.0) / (df * n))
        lo, hi = _rmsea_interval(chi2, df, n, 0.90)
    else:
        rmsea, lo, hi = 0.0, 0.0, 0.0
    iu = np.triu_indices(p)
    resid = (S - sigma) / np.sqrt(np.outer(var, var))
    srmr = math.sqrt(float(np.mean(resid[iu] ** 2)))
    loglik = -0.5 * n * (p * math.log(2 * math.pi) + float(logdet_m) + tr)
    return {
        "chi2": chi2,
        "df": df,
        "p": pval,
        "cfi": cfi,
        "tli": tli,
        "rmsea": rmsea,
        "rmsea_ci_low": lo,
        "rmsea_ci_high": hi,
        "srmr": srmr,
        "aic": -2.0 * loglik + 2.0 * q,
        "bic": -2.0 * loglik + q * math.log(n),
        "loglik": loglik,
        "baseline_chi2": chi2_0,
        "baseline_df": df_0,
        "n_parameters": q,
        "n": n,
    }


def _rmsea_interval(chi2: float, df: int, n: int, level: float) -> tuple[float, float]:
    """RMSEA interval by inverting the noncentral chi-square cdf in lambda.

    Steiger (1990); MacCallum, Browne & Sugawara (1996, eq. 12-13): the lower
    (upper) noncentrality solves ``ncx2.cdf(chi2, df, lam) = (1 + level) / 2``
    (``(1 - level) / 2``); a bound is 0 when the cdf at ``lam = 0`` is already
    below the target.
    """

    def cdf(lam: float) -> float:
        if lam <= 0:
            return float(stats.chi2.cdf(chi2, df))
        return float(stats.ncx2.cdf(chi2, df, lam))

    def solve(target: float) -> float:
        if cdf(0.0) < target:
            return 0.0
        hi = max(chi2, 1.0)
        while cdf(hi) > target:
            hi *= 2.0
        root = optimize.brentq(lambda lam: cdf(lam) - target, 0.0, hi, xtol=1e-12)
        return float(root)

    lam_lo = solve((1.0 + level) / 2.0)
    lam_hi = solve((1.0 - level) / 2.0)
    return math.sqrt(lam_lo / (df * n)), math.sqrt(lam_hi / (df * n))


def _admissibility(
    spec: ModelSpec,
    estimates: list[MLEstimate],
    corr: FloatArray,
    var_eta: FloatArray,
    var_x: FloatArray,
) -> list[str]:
    """Messages for inadmissible or near-unidentified solutions.

    Heywood cases (Dillon, Kumar & Mulani 1987): a free variance below zero,
    or at zero (semopy bounds variances below by 0, so an estimate that
    wants to be negative stops there; a free variance under 1e-6 of its
    variable's variance counts as such a boundary solution). Standardized
    paths or loadings beyond 1, and latent correlations above 0.95
    (Fornell & Larcker 1981: discriminant validity fails).
    """
    out = []
    latents, inds = spec.latents, spec.indicators
    negative = []
    for e in estimates:
        if not e.free or e.kind not in {"variance", "residual_variance"}:
            continue
        ref = (
            var_x[inds.index(e.lhs)]
            if e.kind == "residual_variance"
            else var_eta[latents.index(e.lhs)]
        )
        if e.estimate < 1e-6 * abs(ref):
            negative.append(e)
    if negative:
        names = ", ".join(f"{e.lhs} ({e.estimate:.3g})" for e in negative)
        out.append(
            f"variance estimate(s) negative or stuck at the lower bound 0 "
            f"(Heywood case): {names}. The solution is improper: an error or "
            "disturbance variance of zero means a latent or indicator is "
            "explained perfectly (R-squared 1), which real survey data do not "
            "support; the model is misspecified or empirically under-identified "
            "(too few indicators, a small sample, or nearly collinear latents). "
            "Do not interpret its estimates as they stand."
        )
    big = [
        e
        for e in estimates
        if e.kind in {"path", "loading"} and abs(e.std_estimate) > 1.0
    ]
    if big:
        names = ", ".join(
            (f"{e.rhs} -> {e.lhs}" if e.kind == "path" else f"{e.lhs} =~ {e.rhs}")
            + f" ({e.std_estimate:.2f})"
            for e in big
        )
        out.append(
            f"standardized estimate(s) above 1 in absolute value: {names}. "
            "This happens when predictors of the same latent are nearly "
            "collinear: the individual paths are not separately identified by "
            "the data (their standard errors are huge and another ML program "
            "may return very different values with the same chi2). Interpret "
            "total effects or combine the collinear constructs instead."
        )
    latents = spec.latents
    iu = np.triu_indices(len(latents), k=1)
    pairs = [
        (latents[i], latents[j], float(corr[i, j]))
        for i, j in zip(*iu, strict=True)
        if abs(corr[i, j]) > _COLLINEAR
    ]
    if pairs:
        names = ", ".join(f"{a} and {b} ({r:.3f})" for a, b, r in pairs)
        out.append(
            f"latent correlation(s) above {_COLLINEAR}: {names}. At this level "
            "respondents do not distinguish the constructs (no discriminant "
            "validity), and paths between or out of them are empirically "
            "unidentified: they can exceed 1, flip sign, and differ between "
            "ML programs at the same chi2. Report them with caution, merge the "
            "constructs, or rely on PLS estimates and total effects."
        )
    return out


def _block_weights(
    spec: ModelSpec, lam: FloatArray, theta: FloatArray
) -> dict[str, dict[str, float]]:
    """Within-block Bartlett weights ``lambda_i / theta_i``, normalised to sum to 1."""
    inds = spec.indicators
    out: dict[str, dict[str, float]] = {}
    for j, lv in enumerate(spec.latents):
        block = spec.block(lv).indicators
        idx = [inds.index(i) for i in block]
        if len(idx) == 1:
            out[lv] = {block[0]: 1.0}
            continue
        th = theta[idx]
        if np.any(th <= 0):
            out[lv] = {}
            continue
        raw = lam[idx, j] / th
        total = float(raw.sum())
        out[lv] = (
            {i: float(w / total) for i, w in zip(block, raw, strict=True)}
            if total > 0
            else {}
        )
    return out


def _scores(
    x: FloatArray,
    columns: tuple[str, ...],
    spec: ModelSpec,
    weights: dict[str, dict[str, float]],
    scale: Scale | None,
) -> FloatArray:
    """Per-respondent weighted composites (0-100 when a scale is given)."""
    if scale is not None:
        x = scale.rescale(x)
    out = np.full((x.shape[0], len(spec.latents)), np.nan)
    for j, lv in enumerate(spec.latents):
        wts = weights[lv]
        if wts:
            cols = [columns.index(i) for i in wts]
            out[:, j] = x[:, cols] @ np.array(list(wts.values()))
    return out
