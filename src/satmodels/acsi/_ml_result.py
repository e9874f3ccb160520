"""Result objects of the maximum-likelihood fit (:mod:`satmodels.acsi.ml`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .._typing import FloatArray
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates
from ..results._summary import Summary, table
from ..scales import Scale
from ..stats.moments import MissingReport
from ._common import scale_note as _scale_note
from .spec import ModelSpec

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ._ml_bootstrap import MLBootstrap
    from ._ml_robust import MLRobust

__all__ = ["ACSIMLResult", "MLEstimate", "MLFitIndices"]


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
    estimates : Estimates
        One row per estimate: ``"loading"`` (by indicator), ``"path"``
        (``"EXPE -> SAT"``), ``"variance"``, ``"covariance"``,
        ``"residual_variance"`` with standard errors, Wald z, p and normal
        intervals at ``confidence_level``; ``"r2"``, ``"index"`` and
        ``"fit"`` (chi2, df, cfi, tli, rmsea, srmr, aic, bic) without.
    confidence_level : float
        Level of the intervals in ``estimates``.
    scale : Scale
        The answer scale behind the indices: the declared one, or the
        observed minimum and maximum of the indicators (``scale.name ==
        "observed min-max"``); None when neither was available (Moments or
        a lazy frame without ``scale``: the indices are then NaN).
    indices : dict of str to float
        0-100 latent indices (NaN without a scale).
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
    missing_report : MissingReport
        Rows used and excluded when the Moments were computed.
    segments : dict of str to ACSIMLResult, or None
        One fit per segment label (sorted) when ``segments`` was given.
    bootstrap : MLBootstrap or None
        Bootstrap standard errors and percentile intervals of the free
        parameters, R² and indices when ``n_resamples`` was given.
    robust : MLRobust or None
        With ``robust="mlm"`` or ``"mlr"``: the scaled test, its scaling
        factor and the scaled and robust CFI, TLI and RMSEA; the standard
        errors in ``paths``, ``loadings``, ``variances`` and ``estimates``
        are then the robust (sandwich) ones, and ``estimates`` gains the fit
        rows ``chi2_scaled``, ``scaling_factor``, ``cfi_robust``,
        ``tli_robust`` and ``rmsea_robust``.
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
    estimates: Estimates
    confidence_level: float
    scale: Scale | None
    indices: dict[str, float]
    index_weights: dict[str, dict[str, float]]
    scores: FloatArray | None
    converged: bool
    admissibility: tuple[str, ...]
    missing_report: MissingReport
    segments: dict[str, ACSIMLResult] | None = None
    bootstrap: MLBootstrap | None = field(default=None, repr=False)
    robust: MLRobust | None = field(default=None, repr=False)
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
            "scale": None if self.scale is None else self.scale.model_dump(),
            "confidence_level": self.confidence_level,
            "estimates": self.estimates.to_dict(),
            "index_weights": jsonable(self.index_weights),
            "latent_correlation": {
                "latents": list(self.spec.latents),
                "matrix": jsonable(self.latent_correlation),
            },
            "converged": self.converged,
            "admissibility": list(self.admissibility),
            "missing_report": self.missing_report.to_dict(),
            "robust": None if self.robust is None else self.robust.to_dict(),
            "segments": None
            if self.segments is None
            else {k: v.to_dict() for k, v in self.segments.items()},
        }

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return :attr:`estimates` as a long table (backend of the input)."""
        return self.estimates.to_frame(backend)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        r"""Wald intervals :math:`\hat\theta \pm z_{1-\alpha/2}\,SE` of every row.

        Parameters
        ----------
        confidence_level : float, optional
            Default: the fitted level (exactly the stored ``ci_low`` and
            ``ci_high`` of :attr:`estimates`); another level is recomputed
            from the standard errors.

        Returns
        -------
        ConfidenceInterval
            ``low`` and ``high`` arrays aligned with :attr:`estimates`.
        """
        return self.estimates.confidence_interval(confidence_level)

    def __repr__(self) -> str:
        f = self.fit
        sat = self.indices.get("SAT")
        head = (
            f", SAT index={sat:.1f}" if sat is not None and math.isfinite(sat) else ""
        )
        return (
            f"ACSIMLResult(latents={len(self.spec.latents)}, "
            f"indicators={len(self.spec.indicators)}, n={self.n}{head},\n"
            f"  chi2={f.chi2:.3g} (df={f.df}), CFI={f.cfi:.3f}, "
            f"RMSEA={f.rmsea:.3f}, SRMR={f.srmr:.3f}, converged={self.converged}, "
            f"segments={None if self.segments is None else len(self.segments)})"
        )

    def summary(self) -> Summary:
        """Return a lavaan-style report (fit, loadings, paths, variances, R2)."""
        f = self.fit
        fiml = self.missing_report.missing == "fiml"
        head = table(
            "Model test (FIML on the observed answers)"
            if fiml
            else "Model test (ML from the covariance matrix)",
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
            *([] if self.robust is None else [_robust_table(self.robust)]),
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
        if self.indices:
            tables.append(
                table(
                    "0-100 indices",
                    ["latent", "index"],
                    list(self.indices.items()),
                    digits=1,
                )
            )
        miss = self.missing_report
        reasons = "; ".join(f"{k}: {v}" for k, v in miss.reasons.items())
        notes = [
            f"Rows: {miss.rows_used} of {miss.rows_total} used, "
            f"{miss.rows_excluded} excluded" + (f" ({reasons})." if reasons else "."),
            f"n = {self.n} ({self.n_note}); standard errors from the "
            + (
                "observed information; chi2 against the saturated model "
                "estimated by EM (Arbuckle 1996; Rosseel 2012)."
                if fiml
                else (
                    "expected information"
                    if self.robust is None
                    else f"robust sandwich ({self.robust.estimator.upper()}, "
                    f"{self.robust.information} information)"
                )
                + "; fit statistics computed by satmodels from S and Sigma "
                "(Joreskog 1969; Bentler 1990; Steiger 1990; Hu & Bentler 1999)."
            ),
            *(f"Warning: {m}" for m in self.admissibility),
        ]
        notes.append(_scale_note(self.scale))
        if self.segments:
            notes.append(
                f"Segments: {', '.join(self.segments)} (one fit each in "
                "result.segments)."
            )
        return Summary(
            title="ACSI structural equation model: maximum likelihood",
            tables=tuple(tables),
            notes=tuple(notes),
        )

    def plot(
        self,
        ax: Axes | None = None,
        *,
        indicators: bool = True,
        intervals: bool = False,
        digits: int = 2,
    ) -> Axes:
        """Path diagram of the fitted model (:func:`satmodels.plot.path_diagram`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure sized to the diagram when omitted.
        indicators : bool
            Draw the indicators and their loadings (or weights).
        intervals : bool
            Write each path's interval instead of significance stars.
        digits : int
            Decimals of the coefficients.

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> from satmodels import acsi
        >>> from satmodels.datasets import load_sample_survey
        >>> res = acsi.fit(load_sample_survey(), method="ml")
        >>> ax = res.plot(indicators=False)
        >>> sorted(t.get_text() for t in ax.texts if t.get_gid() == "r2")[0]
        'R² = 0.16'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        from ..plot import path_diagram  # noqa: PLC0415 - matplotlib is optional

        return path_diagram(
            self, ax=ax, indicators=indicators, intervals=intervals, digits=digits
        )


def _robust_table(r: MLRobust) -> Any:  # noqa: ANN401 - a summary table
    """Tabulate the robust test and indices (``robust="mlm"`` / ``"mlr"``)."""
    return table(
        f"Robust test ({r.estimator.upper()}: {r.test})",
        ["statistic", "value"],
        [
            ("chi2 scaled", r.chi2_scaled),
            ("p-value (scaled)", r.p_scaled),
            ("scaling factor", r.scaling_factor),
            ("baseline chi2 scaled", r.baseline_chi2_scaled),
            ("baseline scaling factor", r.baseline_scaling_factor),
            ("CFI scaled / robust", f"{r.cfi_scaled:.3f} / {r.cfi_robust:.3f}"),
            ("TLI scaled / robust", f"{r.tli_scaled:.3f} / {r.tli_robust:.3f}"),
            ("RMSEA scaled / robust", f"{r.rmsea_scaled:.3f} / {r.rmsea_robust:.3f}"),
        ],
    )
