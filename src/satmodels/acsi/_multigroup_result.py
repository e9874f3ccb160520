"""The result of :func:`satmodels.acsi.compare_segments`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates
from ..results._summary import Summary, table
from ..scales import Scale
from .result import PLSResult
from .spec import ModelSpec

__all__ = ["SegmentComparison"]

_MICOM = (
    "composite_correlation",
    "composite_mean_difference",
    "composite_log_variance_ratio",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentComparison(ResultMixin):
    """Differences of a PLS path model between segments, and their tests.

    Arrays below are aligned with the rows of :attr:`estimates`.

    Attributes
    ----------
    spec : ModelSpec
        The model fitted in every segment.
    labels : tuple of str
        Segment labels, sorted.
    pairs : tuple of str
        ``"a vs b"`` for every pair of labels (a before b).
    n : int
        Respondents of the pooled fit.
    n_by_segment : dict of str to int
        Respondents per segment.
    n_permutations, n_failed : int
        Permutations drawn, and those left out because a permuted
        segment's fit did not converge.
    n_resamples : int
        Bootstrap replicates per segment (0: no PLS-MGA).
    configural : bool
        MICOM step 1: one specification, one data treatment and one
        algorithm in every segment (true by construction).
    estimates : Estimates
        One row per statistic and pair (``segment`` = the pair). Kinds
        ``weight_difference``, ``loading_difference``, ``path_difference``,
        ``index_difference`` (estimate = a minus b), MICOM's
        ``composite_correlation`` (c), ``composite_mean_difference`` and
        ``composite_log_variance_ratio``. ``pvalue``: permutation p-value
        (Holm-adjusted over pairs with more than two segments; one-sided,
        lower tail, for c); ``standard_error``, ``ci_low``, ``ci_high``:
        bootstrap standard error and percentile interval of a difference
        (with ``n_resamples``).
    unadjusted_pvalue : ndarray
        Permutation p-values before Holm's adjustment.
    permutation_low, permutation_high : ndarray
        Permutation acceptance interval of each statistic at
        ``confidence_level`` (quantiles of its permutation distribution;
        for c the lower ``1 - confidence_level`` quantile only, MICOM's
        critical value).
    mga_probability : ndarray
        Henseler's PLS-MGA probability that the first segment's parameter
        is at most the second's (NaN without ``n_resamples``).
    segments : dict of str to PLSResult
        The fit of every segment (sorted labels).
    pooled : PLSResult
        The fit on all respondents (MICOM's composite scores).
    scale : Scale or None
        Answer scale of the 0-100 indices.
    confidence_level : float
        Level of the intervals.
    """

    spec: ModelSpec
    labels: tuple[str, ...]
    pairs: tuple[str, ...]
    n: int
    n_by_segment: dict[str, int]
    n_permutations: int
    n_failed: int
    n_resamples: int
    configural: bool
    estimates: Estimates
    unadjusted_pvalue: FloatArray = field(repr=False)
    permutation_low: FloatArray = field(repr=False)
    permutation_high: FloatArray = field(repr=False)
    mga_probability: FloatArray = field(repr=False)
    segments: dict[str, PLSResult] = field(repr=False)
    pooled: PLSResult = field(repr=False)
    scale: Scale | None = field(repr=False)
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Bootstrap percentile bounds of every row (the fitted level only)."""
        return self.estimates.confidence_interval(confidence_level)

    def micom(self) -> Estimates:
        """MICOM steps 2 and 3: the rows of c, mean and log-variance differences."""
        keep = [i for i, k in enumerate(self.estimates.kind) if k in _MICOM]
        return self.estimates._take(keep)

    def _records(self) -> list[dict[str, object]]:
        rows = self.estimates._records()
        for i, r in enumerate(rows):
            r["unadjusted_pvalue"] = float(self.unadjusted_pvalue[i])
            r["permutation_low"] = float(self.permutation_low[i])
            r["permutation_high"] = float(self.permutation_high[i])
            r["mga_probability"] = float(self.mga_probability[i])
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: settings, the rows, and each segment's fit."""
        out: dict[str, Any] = jsonable(
            {
                "labels": self.labels,
                "pairs": self.pairs,
                "n": self.n,
                "n_by_segment": self.n_by_segment,
                "n_permutations": self.n_permutations,
                "n_failed": self.n_failed,
                "n_resamples": self.n_resamples,
                "configural": self.configural,
                "confidence_level": self.confidence_level,
                "rows": self._records(),
                "segments": {k: v.to_dict() for k, v in self.segments.items()},
            }
        )
        return out

    def __repr__(self) -> str:
        paths = self.estimates.select("path_difference")
        with np.errstate(invalid="ignore"):
            low = int(np.sum(paths.pvalue < 1 - self.confidence_level))
        return (
            f"SegmentComparison(labels={list(self.labels)}, n={self.n}, "
            f"n_permutations={self.n_permutations}, n_resamples={self.n_resamples}, "
            f"paths_differing={low}/{len(paths)} at "
            f"{1 - self.confidence_level:.2g})"
        )

    def summary(self) -> Summary:
        """Differences and MICOM rows, with permutation and PLS-MGA columns."""
        pct = f"{100 * self.confidence_level:g}%"
        head = (
            "pair",
            "kind",
            "name",
            "estimate",
            "p (perm.)",
            f"perm. {pct}",
            "P(a <= b)",
            f"{pct} CI",
        )
        rows = []
        for r in self._records():
            perm = f"[{_fmt(r['permutation_low'])}, {_fmt(r['permutation_high'])}]"
            ci = f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]"
            rows.append(
                (
                    r["segment"],
                    r["kind"],
                    r["name"],
                    r["estimate"],
                    r["pvalue"],
                    perm,
                    r["mga_probability"],
                    ci,
                )
            )
        notes = [
            "Permutation test: Chin & Dibbern (2010); MICOM: Henseler, Ringle & "
            "Sarstedt (2016); PLS-MGA: Henseler et al. (2009).",
            f"{self.n_permutations} permutations ({self.n_failed} failed); "
            f"{self.n_resamples} bootstrap replicates per segment.",
            "MICOM step 1 (configural invariance): the same model, data "
            "treatment and algorithm in every segment.",
        ]
        if len(self.labels) > 2:
            notes.append("p-values Holm-adjusted over the pairs of segments.")
        sizes = ", ".join(f"{k}: {v}" for k, v in self.n_by_segment.items())
        notes.append(f"Respondents per segment: {sizes}.")
        return Summary(
            title="Multigroup PLS: segments compared",
            tables=(table("Differences", head, rows),),
            notes=tuple(notes),
        )


def _fmt(value: object) -> str:
    f = float(value)  # type: ignore[arg-type]
    return "nan" if not np.isfinite(f) else f"{f:.3g}"
