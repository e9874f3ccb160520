"""Results of the national index pipeline and of a wave-to-wave comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates
from ..results._summary import Summary, table

__all__ = ["ChangeResult", "NationalResult", "Replicates"]


@dataclass(frozen=True, slots=True)
class Replicates:
    """The design replicates behind a national index (for a paired change).

    ``values`` (R, rows) are the replicate values of the estimates table's
    rows; ``factors`` (PSUs, R) the PSU factors that made them and ``psus``
    the PSUs' (stratum, cluster) labels; the variance of a row is
    ``scale * sum(rscales * (values - values.mean(0)) ** 2)``.
    """

    values: FloatArray
    factors: FloatArray
    psus: tuple[tuple[str, ...], ...]
    scale: float
    rscales: FloatArray


@dataclass(frozen=True, slots=True, kw_only=True)
class NationalResult(ResultMixin):
    """A national satisfaction index with its companies, industries and sectors.

    Attributes
    ----------
    estimates : Estimates
        One row per unit: ``kind`` is the level (``"company"``,
        ``"industry"``, ``"sector"``, ``"national"``), ``name`` the unit;
        standard errors from the bootstrap or the design's replicates
        (NaN without either), their intervals, ``n`` the respondents (the
        company rows) or the companies (the higher levels).
    confidence_level : float
    national, se, ci_low, ci_high : float
        The national index, its standard error and stored interval.
    levels : tuple of str
        ``("company", "industry", "sector", "national")``.
    index, se_by_unit : dict of str to dict of str to float
        ``index[level][unit]`` and its standard error.
    share : dict of str to dict of str to float
        Each unit's share of its parent (revenue, or GDP shares of sectors).
    parent : dict of str to dict of str to str
    fits : dict of str to PLSResult
        The ACSI fit of each company (from its Moments).
    latent : str
        The latent whose 0-100 index is aggregated (``"SAT"``).
    half_width : dict of str to float
        Half-width of each company's interval (points of the 0-100 index).
    precision : float
        The programme's target half-width.
    imprecise : tuple of str
        Companies whose ``half_width`` exceeds ``precision`` (sorted).
    variance_method : str
        ``"none"``, ``"bootstrap"`` (respondents, per company), or the
        design's ``"JKn"``, ``"bootstrap"`` (Rao-Wu), ``"JK1"``, ...
    df : float
        Degrees of freedom of the intervals (inf: normal intervals).
    """

    estimates: Estimates = field(repr=False)
    confidence_level: float
    national: float
    se: float
    ci_low: float
    ci_high: float
    levels: tuple[str, ...]
    index: dict[str, dict[str, float]] = field(repr=False)
    se_by_unit: dict[str, dict[str, float]] = field(repr=False)
    share: dict[str, dict[str, float]] = field(repr=False)
    parent: dict[str, dict[str, str]] = field(repr=False)
    fits: dict[str, Any] = field(repr=False)
    latent: str
    half_width: dict[str, float] = field(repr=False)
    precision: float
    imprecise: tuple[str, ...]
    variance_method: str
    df: float
    _replicates: Replicates | None = field(default=None, repr=False)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Return the national index's interval (stored at the fitted level).

        Another level is recomputed from the stored standard error and
        ``df`` (normal or t).
        """
        if confidence_level is None or confidence_level == self.confidence_level:
            return ConfidenceInterval(self.ci_low, self.ci_high)
        ci = self.estimates.confidence_interval(confidence_level)
        return ConfidenceInterval(float(ci.low[-1]), float(ci.high[-1]))

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the estimates as a long table."""
        return self.estimates.to_frame(backend)

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for lev in self.levels:
            for unit, value in self.index[lev].items():
                rows.append(
                    {
                        "level": lev,
                        "unit": unit,
                        "parent": self.parent.get(lev, {}).get(unit),
                        "index": value,
                        "se": self.se_by_unit[lev][unit],
                        "share": self.share.get(lev, {}).get(unit, 1.0),
                        "imprecise": unit in self.imprecise
                        if lev == self.levels[0]
                        else None,
                    }
                )
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the national index, every unit, the flags, the estimates."""
        out: dict[str, Any] = jsonable(
            {
                "national": self.national,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "latent": self.latent,
                "levels": list(self.levels),
                "units": self._records(),
                "precision": self.precision,
                "imprecise": list(self.imprecise),
                "half_width": self.half_width,
                "variance_method": self.variance_method,
                "df": self.df,
                "confidence_level": self.confidence_level,
                "estimates": self.estimates.to_dict(),
            }
        )
        return out

    def summary(self) -> Summary:
        """One row per unit, lowest level first, with the precision flags."""
        rows = [
            [r["level"], r["unit"], r["parent"], r["index"], r["se"], r["share"],
             "" if r["imprecise"] is None else ("wide" if r["imprecise"] else "")]
            for r in self._records()
        ]  # fmt: skip
        pct = f"{100 * self.confidence_level:g}%"
        return Summary(
            title=f"National satisfaction index ({self.latent})",
            tables=(
                table(
                    "",
                    ["level", "unit", "parent", "index", "se", "share", "flag"],
                    rows,
                    digits=3,
                ),
            ),
            notes=(
                f"National {self.national:.2f}, {pct} CI [{self.ci_low:.2f}, "
                f"{self.ci_high:.2f}]; standard errors: {self.variance_method}.",
                f"{len(self.imprecise)} compan(ies) with a {pct} half-width above "
                f"the precision target of {self.precision:g} points.",
            ),
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{lev}: {len(self.index[lev])}" for lev in self.levels)
        return (
            f"NationalResult({self.latent}: national={self.national:.2f}, "
            f"se={self.se:.3g}, units=({counts}), imprecise={len(self.imprecise)}, "
            f"variance={self.variance_method}, "
            f"confidence_level={self.confidence_level})"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeResult(ResultMixin):
    """Wave-to-wave change of every unit's index, with z tests.

    Attributes
    ----------
    estimates : Estimates
        One row per unit present in both waves: ``kind`` its level,
        ``estimate`` the change (wave 2 minus wave 1), its standard error
        (independent waves), z ``statistic`` and unadjusted two-sided
        ``pvalue``, normal interval.
    confidence_level, significance_level : float
    pvalue_holm : ndarray
        Holm (1979) adjusted p-values, adjusted within each level.
    significant : ndarray of bool
        ``pvalue_holm < significance_level`` (False where the p-value is NaN).
    national, se, ci_low, ci_high : float
        The national change, its standard error and interval.
    """

    estimates: Estimates = field(repr=False)
    confidence_level: float
    significance_level: float
    pvalue_holm: FloatArray = field(repr=False)
    significant: np.ndarray[Any, np.dtype[np.bool_]] = field(repr=False)
    national: float
    se: float
    ci_low: float
    ci_high: float

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Return the national change's normal interval (stored at the fit level)."""
        if confidence_level is None or confidence_level == self.confidence_level:
            return ConfidenceInterval(self.ci_low, self.ci_high)
        ci = self.estimates.confidence_interval(confidence_level)
        return ConfidenceInterval(float(ci.low[-1]), float(ci.high[-1]))

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the estimates as a long table."""
        return self.estimates.to_frame(backend)

    def _records(self) -> list[dict[str, object]]:
        e = self.estimates
        return [
            {
                "level": e.kind[i],
                "unit": e.name[i],
                "change": float(e.estimate[i]),
                "se": float(e.standard_error[i]),
                "z": float(e.statistic[i]),
                "pvalue": float(e.pvalue[i]),
                "pvalue_holm": float(self.pvalue_holm[i]),
                "significant": bool(self.significant[i]),
            }
            for i in range(len(e))
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: every unit's change and test, the estimates."""
        out: dict[str, Any] = jsonable(
            {
                "national": self.national,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "units": self._records(),
                "confidence_level": self.confidence_level,
                "significance_level": self.significance_level,
                "estimates": self.estimates.to_dict(),
            }
        )
        return out

    def summary(self) -> Summary:
        """One row per unit: change, SE, z, p, Holm p."""
        rows = [
            [r["level"], r["unit"], r["change"], r["se"], r["z"], r["pvalue"],
             r["pvalue_holm"], "*" if r["significant"] else ""]
            for r in self._records()
        ]  # fmt: skip
        return Summary(
            title="Wave-to-wave change of the satisfaction indices",
            tables=(
                table(
                    "",
                    ["level", "unit", "change", "se", "z", "p", "p (Holm)", ""],
                    rows,
                    digits=4,
                ),
            ),
            notes=(
                "z = change / sqrt(SE1^2 + SE2^2) (independent waves); Holm "
                f"adjustment within each level; * below {self.significance_level:g}.",
            ),
        )

    def __repr__(self) -> str:
        return (
            f"ChangeResult(national={self.national:+.2f}, se={self.se:.3g}, "
            f"units={len(self.estimates)}, significant={int(self.significant.sum())}, "
            f"confidence_level={self.confidence_level})"
        )
