"""The bootstrap of a PLS fit: standard errors, t, p and intervals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .._typing import FloatArray
from .._validation import check_confidence_level
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates
from ..results._summary import Summary, table

__all__ = ["FAMILIES", "KIND", "PLSBootstrap"]

#: Estimates kind of each bootstrapped family.
KIND = {
    "weights": "weight",
    "loadings": "loading",
    "paths": "path",
    "total_effects": "total_effect",
    "indirect_effects": "indirect_effect",
    "r_squared": "r2",
    "indices": "index",
    "htmt": "htmt",
}

FAMILIES: tuple[str, ...] = (
    "weights",
    "loadings",
    "paths",
    "total_effects",
    "indirect_effects",
    "r_squared",
    "indices",
    "htmt",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PLSBootstrap(ResultMixin):
    """Bootstrap of a PLS fit: standard errors, t, p and intervals.

    Attributes
    ----------
    n_resamples : int
        Replicates drawn.
    n_failed : int
        Replicates whose PLS iterations did not converge (or gave
        non-finite estimates); they are excluded from every statistic below
        and reported here.
    method : str
        Resampling scheme (``"multinomial"`` in memory, ``"poisson"`` on a
        lazy engine).
    confidence_level : float
        Level of the stored intervals.
    jackknife_groups : int
        Leave-one-out (or leave-one-group-out) fits used for the BCa
        acceleration; 0 when unavailable (lazy engines: the acceleration is
        then 0, a bias-corrected percentile interval).
    statistic, label : tuple of str
        Family (``"paths"``, ``"weights"`` ...) and name of each row.
    estimate, se, t, p_value : ndarray
        One entry per row (t = estimate / se; two-sided normal p).
    percentile_low, percentile_high, bca_low, bca_high : ndarray
        Interval bounds, one entry per row.
    estimates : Estimates
        The same rows as an estimates table (kinds ``"weight"``,
        ``"loading"``, ``"path"``, ...; BCa intervals).
    """

    n_resamples: int
    n_failed: int
    method: str
    confidence_level: float
    jackknife_groups: int
    statistic: tuple[str, ...]
    label: tuple[str, ...]
    estimate: FloatArray
    se: FloatArray
    t: FloatArray
    p_value: FloatArray
    percentile_low: FloatArray
    percentile_high: FloatArray
    bca_low: FloatArray
    bca_high: FloatArray
    estimates: Estimates
    _replicates: FloatArray = field(repr=False)
    _jackknife: FloatArray | None = field(repr=False)

    def rows(self, statistic: str) -> list[int]:
        """Row positions of one family."""
        if statistic not in FAMILIES:
            msg = (
                f"The 'statistic' parameter must be one of {FAMILIES}. "
                f"Got {statistic!r} instead."
            )
            raise InputError(msg)
        return [k for k, s in enumerate(self.statistic) if s == statistic]

    def confidence_interval(
        self,
        confidence_level: float | None = None,
        *,
        statistic: str = "paths",
        method: Literal["bca", "percentile"] = "bca",
    ) -> ConfidenceInterval:
        """Return the stored intervals of one family as dicts keyed by label.

        Parameters
        ----------
        confidence_level : float, optional
            Must be the level of the fit (the default): bootstrap intervals
            are stored at that level and not recomputed at another.
        statistic : str
            One of ``"weights"``, ``"loadings"``, ``"paths"``,
            ``"total_effects"``, ``"indirect_effects"``, ``"r_squared"``,
            ``"indices"``, ``"htmt"``.
        method : {"bca", "percentile"}
            Interval type.

        Raises
        ------
        InputError
            Another level, an unknown family or method.
        """
        _same_level(confidence_level, self.confidence_level)
        if method not in ("bca", "percentile"):
            msg = (
                "The 'method' parameter of confidence_interval must be 'bca' or "
                f"'percentile'. Got {method!r} instead."
            )
            raise InputError(msg)
        idx = self.rows(statistic)
        lo_all, hi_all = (
            (self.bca_low, self.bca_high)
            if method == "bca"
            else (self.percentile_low, self.percentile_high)
        )
        labels = [self.label[k] for k in idx]
        return ConfidenceInterval(
            low=dict(zip(labels, lo_all[idx].tolist(), strict=True)),
            high=dict(zip(labels, hi_all[idx].tolist(), strict=True)),
        )

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "statistic": self.statistic[k],
                "label": self.label[k],
                "estimate": float(self.estimate[k]),
                "se": float(self.se[k]),
                "t": float(self.t[k]),
                "p_value": float(self.p_value[k]),
                "percentile_low": float(self.percentile_low[k]),
                "percentile_high": float(self.percentile_high[k]),
                "bca_low": float(self.bca_low[k]),
                "bca_high": float(self.bca_high[k]),
            }
            for k in range(len(self.label))
        ]

    def to_dict(self) -> dict[str, Any]:
        """Return the settings and one record per statistic (JSON-safe)."""
        return {
            "n_resamples": self.n_resamples,
            "n_failed": self.n_failed,
            "method": self.method,
            "confidence_level": self.confidence_level,
            "jackknife_groups": self.jackknife_groups,
            "statistics": jsonable(self._records()),
        }

    def summary(self) -> Summary:
        """Return one table of every bootstrapped statistic."""
        pct = f"{100 * self.confidence_level:g}%"
        rows = [
            (
                r["statistic"],
                r["label"],
                r["estimate"],
                r["se"],
                r["t"],
                r["p_value"],
                r["bca_low"],
                r["bca_high"],
            )
            for r in self._records()
        ]
        head = ("statistic", "label", "estimate", "se", "t", "p", "bca low", "bca high")
        return Summary(
            title=f"Bootstrap ({self.n_resamples} replicates, {pct} BCa)",
            tables=(table("", head, rows),),
            notes=(
                f"{self.n_failed} replicate(s) did not converge and were excluded.",
            ),
        )

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return :attr:`estimates` as a long table (backend of the input)."""
        return self.estimates.to_frame(backend)

    def __repr__(self) -> str:
        return (
            f"PLSBootstrap(n_resamples={self.n_resamples}, n_failed={self.n_failed}, "
            f"method={self.method!r}, statistics={len(self.label)}, "
            f"confidence_level={self.confidence_level})"
        )


def _same_level(given: float | None, fitted: float) -> None:
    """Refuse a level other than the fitted one for bootstrap intervals."""
    if given is None or given == fitted:
        return
    check_confidence_level(given, "confidence_interval")
    msg = (
        f"The bootstrap intervals were computed at confidence_level={fitted}; "
        f"they are not recomputed at {given}. Fit again with "
        f"confidence_level={given}."
    )
    raise InputError(msg)
