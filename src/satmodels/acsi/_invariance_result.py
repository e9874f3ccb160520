"""Result classes of :func:`satmodels.acsi.invariance`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..results._base import ConfidenceInterval, ResultMixin
from ..results._estimates import Estimates
from ..results._summary import Summary, table
from ..stats.moments import MissingReport
from .spec import ModelSpec

__all__ = ["LEVELS", "InvarianceFit", "InvarianceResult", "InvarianceTest"]

#: The invariance levels, each nested in the one before.
LEVELS = ("configural", "metric", "scalar", "strict")


@dataclass(frozen=True, slots=True, kw_only=True)
class InvarianceFit:
    r"""The multigroup fit of one invariance level.

    Attributes
    ----------
    level : str
        ``"configural"``, ``"metric"``, ``"scalar"`` or ``"strict"``.
    chi2, df, pvalue : float
        Likelihood-ratio test against the saturated model,
        :math:`\chi^2 = \sum_g n_g F_g`.
    cfi, tli : float
        Comparative fit index and Tucker-Lewis index against the
        independence model of every segment.
    rmsea, rmsea_ci_low, rmsea_ci_high : float
        RMSEA with its 90% interval, multiplied by :math:`\sqrt G` (lavaan).
    srmr : float
        The segments' SRMR (mean residuals included), weighted by
        :math:`n_g / N`.
    loglik, aic, bic : float
        Log-likelihood, Akaike and Bayesian information criteria.
    baseline_chi2, baseline_df : float
        The independence (baseline) model.
    n_parameters : int
        Free parameters (each parameter shared by the segments counts once).
    chi2_by_segment : dict of str to float
        Each segment's contribution :math:`n_g F_g` to ``chi2``.
    converged : bool
        Whether the optimiser reported convergence.
    estimates : Estimates
        The parameters of every segment (``segment`` column): loadings,
        paths, (co)variances, residual variances, ``intercept`` (indicators)
        and ``latent_intercept`` rows; Wald intervals from the expected
        information. Fixed parameters have no standard error.
    equal : tuple of bool
        Per row of ``estimates``: the parameter is held equal across the
        segments at this level.
    """

    level: str
    chi2: float
    df: float
    pvalue: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci_low: float
    rmsea_ci_high: float
    srmr: float
    loglik: float
    aic: float
    bic: float
    baseline_chi2: float
    baseline_df: float
    n_parameters: int
    chi2_by_segment: dict[str, float]
    converged: bool
    estimates: Estimates = field(repr=False)
    equal: tuple[bool, ...] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the fit as a JSON-safe dictionary."""
        from ..results._base import jsonable  # noqa: PLC0415

        return {
            name: jsonable(getattr(self, name)) for name in self.__dataclass_fields__
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class InvarianceTest:
    """The comparison of a level with the less constrained one before it.

    Attributes
    ----------
    base, nested : str
        The less and the more constrained level.
    delta_chi2, delta_df, pvalue : float
        Chi-square difference (likelihood-ratio) test, as lavaan's
        ``lavTestLRT``.
    delta_cfi, delta_rmsea : float
        ``nested`` minus ``base`` (a drop of CFI by 0.01 or more signals
        non-invariance; Cheung & Rensvold 2002; Chen 2007).
    """

    base: str
    nested: str
    delta_chi2: float
    delta_df: float
    pvalue: float
    delta_cfi: float
    delta_rmsea: float


@dataclass(frozen=True, slots=True, kw_only=True)
class InvarianceResult(ResultMixin):
    r"""Measurement invariance of a model across segments (multigroup ML).

    Attributes
    ----------
    spec : ModelSpec
        The model fitted in every segment.
    levels : tuple of str
        The levels fitted, from the least constrained.
    fits : dict of str to InvarianceFit
        The fit of every level.
    comparisons : tuple of InvarianceTest
        Each level against the one before it.
    n : int
        Respondents over all segments (:math:`N = \sum_g n_g`).
    n_by_segment : dict of str to int
        Respondents per segment (sorted labels; Kish's effective size with
        weights).
    estimates : Estimates
        The fit statistics of every level (``kind`` the level; names
        ``chi2``, ``df``, ``pvalue``, ``cfi``, ``tli``, ``rmsea``,
        ``rmsea_ci_low``, ``rmsea_ci_high``, ``srmr``, ``aic``, ``bic``;
        the chi2 row carries its test) and every comparison (``kind``
        ``"<nested> vs <base>"``; names ``delta_chi2`` with its test,
        ``delta_df``, ``delta_cfi``, ``delta_rmsea``).
    confidence_level : float
        Level of the Wald intervals of the parameters (``fits[...]``).
    converged : bool
        Whether every level converged.
    admissibility : tuple of str
        Improper solutions found (negative variance estimates).
    missing_report : MissingReport or None
        Rows read, used and excluded (listwise within each segment).
    """

    spec: ModelSpec
    levels: tuple[str, ...]
    fits: dict[str, InvarianceFit]
    comparisons: tuple[InvarianceTest, ...]
    n: int
    n_by_segment: dict[str, int]
    estimates: Estimates
    confidence_level: float
    converged: bool
    admissibility: tuple[str, ...] = ()
    missing_report: MissingReport | None = None
    _backend: str | None = field(default=None, repr=False)

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return :attr:`estimates` (fit statistics and comparisons) as a table."""
        return self.estimates.to_frame(backend)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Return the stored interval bounds of :attr:`estimates` (NaN: fit rows)."""
        return self.estimates.confidence_interval(confidence_level)

    def summary(self) -> Summary:
        """Return the fit of every level and the tests between levels."""
        fit_rows = [
            (
                lv,
                f.chi2,
                f.df,
                f.pvalue,
                f.cfi,
                f.tli,
                f.rmsea,
                f.rmsea_ci_low,
                f.rmsea_ci_high,
                f.srmr,
                f.aic,
                f.bic,
            )
            for lv, f in self.fits.items()
        ]
        tables = [
            table(
                "Fit of each level",
                [
                    "level",
                    "chi2",
                    "df",
                    "p",
                    "CFI",
                    "TLI",
                    "RMSEA",
                    "90% low",
                    "90% high",
                    "SRMR",
                    "AIC",
                    "BIC",
                ],
                fit_rows,
            )
        ]
        if self.comparisons:
            tables.append(
                table(
                    "Chi-square difference tests",
                    ["comparison", "delta chi2", "delta df", "p", "dCFI", "dRMSEA"],
                    [
                        (
                            f"{c.nested} vs {c.base}",
                            c.delta_chi2,
                            c.delta_df,
                            c.pvalue,
                            c.delta_cfi,
                            c.delta_rmsea,
                        )
                        for c in self.comparisons
                    ],
                )
            )
        segs = ", ".join(f"{k} (n={v})" for k, v in self.n_by_segment.items())
        notes = [
            f"segments: {segs}",
            "A level holds when its chi-square difference is not significant "
            "or, in large samples, when CFI drops by less than 0.01 "
            "(Cheung & Rensvold 2002) and RMSEA rises by less than 0.015 "
            "(Chen 2007).",
        ]
        if not self.converged:
            notes.append("Not every level converged: see the warnings.")
        notes.extend(self.admissibility)
        return Summary(
            title="Measurement invariance (multigroup ML)",
            tables=tuple(tables),
            notes=tuple(notes),
        )

    def __repr__(self) -> str:
        parts = [
            f"{lv}: chi2={f.chi2:.2f}, df={f.df:.0f}, cfi={f.cfi:.3f}, "
            f"rmsea={f.rmsea:.3f}"
            for lv, f in self.fits.items()
        ]
        body = ";\n  ".join(parts)
        segs = len(self.n_by_segment)
        return f"InvarianceResult(n={self.n}, segments={segs},\n  {body})"
