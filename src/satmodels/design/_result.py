"""The result of a design-based estimate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..results._base import ConfidenceInterval, ResultMixin
from ..results._estimates import Estimates
from ..results._summary import Summary, table

__all__ = ["DesignResult"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DesignResult(ResultMixin):
    """Design-based estimates with their standard errors and design effects.

    Attributes
    ----------
    statistic : {"mean", "total", "ratio"}
    estimates : Estimates
        One row per item (kind ``statistic``) with the design-based standard
        error and a t interval on ``df`` degrees of freedom, and one row per
        item of kind ``"design_effect"``.
    design_effect : dict of str to float
        Variance under the design over the variance under simple random
        sampling with replacement of the same number of respondents (Kish
        1965; ``deff = "replace"`` of ``survey::svymean``).
    df : float
        Degrees of freedom: PSUs minus strata (Taylor), or the rank of the
        replicate weights minus 1 (replication).
    variance_method : str
        ``"taylor"`` or the replicate method (``"JK1"``, ``"BRR"``, ...).
    n : int
        Rows read.
    n_psu, n_strata : int
        Primary sampling units and strata (0 for replicate designs).
    confidence_level : float
    """

    statistic: str
    estimates: Estimates = field(repr=False)
    design_effect: dict[str, float]
    df: float
    variance_method: str
    n: int
    n_psu: int
    n_strata: int
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        main = self.estimates.select(self.statistic)
        shown = ", ".join(
            f"{name}={est:.4g} (se {se:.3g})"
            for name, est, se in zip(
                main.name[:4], main.estimate[:4], main.standard_error[:4], strict=False
            )
        )
        more = "" if len(main) <= 4 else f", ... ({len(main)} items)"
        return (
            f"DesignResult({self.statistic}: {shown}{more}; "
            f"variance={self.variance_method}, df={self.df:g}, n={self.n})"
        )

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Return the intervals of the estimates (stored at the fitted level)."""
        main = self.estimates.select(self.statistic)
        if confidence_level is None or confidence_level == self.confidence_level:
            return ConfidenceInterval(main.ci_low, main.ci_high)
        return main.confidence_interval(confidence_level)

    def to_frame(self, backend: str | None = None) -> Any:  # noqa: ANN401 - a frame
        """Return the estimates table (estimates and design effects)."""
        return self.estimates.to_frame(backend or self._backend)  # type: ignore[arg-type]

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def summary(self) -> Summary:
        """Estimates, standard errors, intervals and design effects."""
        main = self.estimates.select(self.statistic)
        pct = f"{100 * self.confidence_level:g}%"
        rows: list[list[object]] = [
            [name, est, se, lo, hi, self.design_effect[name], n]
            for name, est, se, lo, hi, n in zip(
                main.name,
                main.estimate,
                main.standard_error,
                main.ci_low,
                main.ci_high,
                main.n,
                strict=True,
            )
        ]
        design = (
            f"{self.n_psu} PSUs in {self.n_strata} strata"
            if self.variance_method == "taylor"
            else f"{self.variance_method} replicate weights"
        )
        return Summary(
            title=f"Design-based {self.statistic} ({design})",
            tables=(
                table(
                    "",
                    ["item", self.statistic, "se", "ci_low", "ci_high", "deff", "n"],
                    rows,
                    digits=4,
                ),
            ),
            notes=(
                f"{pct} t intervals on {self.df:g} degrees of freedom; deff = design "
                "variance / variance under simple random sampling with replacement.",
            ),
        )
