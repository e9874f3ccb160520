r"""CSAT top-box share and Customer Effort Score with intervals.

Both come from category sums (:mod:`satmodels.csi._category`).

References
----------
.. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and
   statistical inference. Journal of the American Statistical Association,
   22(158), 209-212.
.. [2] Kish, L. (1965). Survey Sampling. Wiley. (Effective sample size.)
.. [3] Dixon, M., Freeman, K., & Toman, N. (2010). Stop trying to delight
   your customers. Harvard Business Review, 88(7/8), 116-122. (CES.)
.. [4] Woodruff, R. S. (1971). A simple method for approximating the
   variance of a complicated estimate. JASA, 66(334), 411-414.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import stats

from .._validation import check_confidence_level, validated
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin
from ..results._summary import Summary, table
from ..scales import Scale
from ._category import Sums, gather, linearised_mean, share_one, with_segments
from ._common import wilson_interval
from ._options import CESOptions, CSATOptions

__all__ = ["CESResult", "CSATResult", "ces", "csat"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CSATResult(ResultMixin):
    """Top-box customer-satisfaction share with Wilson's interval.

    Attributes
    ----------
    csat : float
        (Weighted) share of respondents in the top boxes, percent.
    ci_low, ci_high : float
        Wilson (1927) interval in percent (effective n when weighted).
    satisfied : int
        Respondents in the top boxes.
    n : int
    top_values : tuple of float
        The answers counted as satisfied.
    confidence_level : float
    weighted : bool
    effective_n : float
    n_missing : int
    by_segment : dict of str to CSATResult
    """

    csat: float
    ci_low: float
    ci_high: float
    satisfied: int
    n: int
    top_values: tuple[float, ...]
    confidence_level: float
    weighted: bool
    effective_n: float
    n_missing: int
    by_segment: dict[str, CSATResult] = field(default_factory=dict)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Wilson interval (percent) at another level."""
        level = check_confidence_level(
            confidence_level, "CSATResult.confidence_interval"
        )
        lo, hi = wilson_interval(self.csat / 100.0, self.effective_n, level)
        return ConfidenceInterval(lo * 100.0, hi * 100.0)

    def _row(self, segment: str) -> dict[str, object]:
        return {
            "segment": segment,
            "csat": self.csat,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "satisfied": self.satisfied,
            "n": self.n,
        }

    def _records(self) -> list[dict[str, object]]:
        return [self._row("all")] + [r._row(k) for k, r in self.by_segment.items()]

    def summary(self) -> Summary:
        """Table of the top-box share per segment."""
        rows = [list(r.values()) for r in self._records()]
        header = ["segment", "csat", "ci_low", "ci_high", "satisfied", "n"]
        tops = ", ".join(f"{v:g}" for v in self.top_values)
        return Summary(
            title="Customer satisfaction (top-box share, %)",
            tables=(table("", header, rows, digits=2),),
            notes=(f"Satisfied = answers {tops}; Wilson (1927) interval.",),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CESResult(ResultMixin):
    """Customer Effort Score: mean answer and share agreeing.

    Attributes
    ----------
    mean : float
        (Weighted) mean answer.
    mean_ci_low, mean_ci_high : float
        t interval of the mean (linearisation variance when weighted).
    agree : float
        Share (percent) answering at or above ``agree_from``.
    agree_ci_low, agree_ci_high : float
        Wilson interval of ``agree`` (percent).
    n : int
    agree_from : float
    confidence_level : float
    weighted : bool
    effective_n : float
    n_missing : int
    by_segment : dict of str to CESResult
    """

    mean: float
    mean_ci_low: float
    mean_ci_high: float
    agree: float
    agree_ci_low: float
    agree_ci_high: float
    n: int
    agree_from: float
    confidence_level: float
    weighted: bool
    effective_n: float
    n_missing: int
    by_segment: dict[str, CESResult] = field(default_factory=dict)
    _se: float = field(default=math.nan, repr=False)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Return the t interval of the mean at another level."""
        level = check_confidence_level(
            confidence_level, "CESResult.confidence_interval"
        )
        t = float(stats.t.ppf(0.5 + level / 2, max(self.n - 1, 1)))
        return ConfidenceInterval(self.mean - t * self._se, self.mean + t * self._se)

    def _row(self, segment: str) -> dict[str, object]:
        return {
            "segment": segment,
            "mean": self.mean,
            "mean_ci_low": self.mean_ci_low,
            "mean_ci_high": self.mean_ci_high,
            "agree": self.agree,
            "agree_ci_low": self.agree_ci_low,
            "agree_ci_high": self.agree_ci_high,
            "n": self.n,
        }

    def _records(self) -> list[dict[str, object]]:
        return [self._row("all")] + [r._row(k) for k, r in self.by_segment.items()]

    def summary(self) -> Summary:
        """Table of mean effort and share agreeing per segment."""
        rows = [list(r.values()) for r in self._records()]
        header = ["segment", "mean", "lo", "hi", "agree %", "lo", "hi", "n"]
        return Summary(
            title="Customer Effort Score",
            tables=(table("", header, rows, digits=2),),
            notes=(f"Agree = answers >= {self.agree_from:g}.",),
        )


# --------------------------------------------------------------------- CSAT
def _top_values(scale: Scale, top_box: int, where: str) -> tuple[float, ...]:
    pts = scale.points()
    if not pts:
        msg = (
            f"The 'scale' parameter of {where} must be a discrete (Likert or levels) "
            "scale."
        )
        raise InputError(msg)
    if not 1 <= top_box < len(pts):
        msg = (
            f"The 'top_box' parameter of {where} must lie between 1 and "
            f"{len(pts) - 1} for the {scale.describe()} scale. Got {top_box!r} instead."
        )
        raise InputError(msg)
    return tuple(pts[-top_box:])


def csat(
    scores: object,
    *,
    scale: Scale | None = None,
    top_box: int = 2,
    columns: str | Sequence[str] | None = None,
    weights: object = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> CSATResult:
    r"""Compute customer satisfaction as the top-box share (Wilson interval).

    Parameters
    ----------
    scores : array_like or dataframe
        Satisfaction answers on ``scale`` (one column).
    scale : Scale, optional
        The answer scale; a 1-5 Likert scale when omitted.
    top_box : int
        How many of the highest scale points count as satisfied (2: the
        "top-2-box", e.g. 4-5 on 1-5 or 9-10 on 1-10).
    columns, weights, segments, confidence_level, nan_policy
        As in :func:`nps`.

    Returns
    -------
    CSATResult

    Notes
    -----
    :math:`\mathrm{CSAT} = 100 \sum_{i:\,x_i \in \mathrm{top}} w_i / \sum_i w_i`.
    The interval is Wilson's (1927) score interval; with case weights it uses
    Kish's (1965) effective sample size :math:`(\sum w)^2 / \sum w^2`.
    Checked against ``statsmodels.stats.proportion.proportion_confint``
    (method "wilson") in the tests.

    Examples
    --------
    >>> from satmodels import Scale
    >>> from satmodels.csi import csat
    >>> r = csat([10, 9, 8, 7, 10, 2], scale=Scale.likert(1, 10))
    >>> round(r.csat, 2), r.satisfied
    (50.0, 3)
    """
    where = "csat"
    level = validated(
        CSATOptions,
        where,
        top_box=top_box,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
    ).confidence_level
    sc = scale if scale is not None else Scale.likert(1, 5)
    tops = _top_values(sc, top_box, where)
    total, segs, n_missing, weighted = gather(
        scores,
        columns=columns,
        weights=weights,
        segments=segments,
        nan_policy=nan_policy,
        scale=sc,
        where=where,
    )
    hit = np.isin(np.asarray(sc.points()), tops)

    def one(sums: Sums, miss: int) -> CSATResult:
        p, lo, hi, k, n, n_eff = share_one(sums, hit, level)
        return CSATResult(
            csat=100.0 * p,
            ci_low=100.0 * lo,
            ci_high=100.0 * hi,
            satisfied=k,
            n=n,
            top_values=tops,
            confidence_level=level,
            weighted=weighted,
            effective_n=n_eff,
            n_missing=miss,
        )

    result = one(total, n_missing)
    parts = {k: one(v, 0) for k, v in segs.items()}
    return with_segments(result, parts) if parts else result


# ---------------------------------------------------------------------- CES
def ces(
    scores: object,
    *,
    scale: Scale | None = None,
    agree_from: float | None = None,
    columns: str | Sequence[str] | None = None,
    weights: object = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> CESResult:
    r"""Compute the Customer Effort Score: mean answer and share agreeing.

    Parameters
    ----------
    scores : array_like or dataframe
        Answers to the effort statement ("The company made it easy for me to
        handle my issue"), on ``scale``.
    scale : Scale, optional
        A 1-7 agreement scale when omitted (Dixon et al. 2010, CES 2.0).
    agree_from : float, optional
        Lowest answer counted as agreeing; default: the first point above
        the scale's midpoint (5 on 1-7).
    columns, weights, segments, confidence_level, nan_policy
        As in :func:`nps`.

    Returns
    -------
    CESResult

    Notes
    -----
    The mean's interval is :math:`\bar x \pm t_{n-1}\,\mathrm{SE}` with the
    linearisation SE (:math:`s/\sqrt n` unweighted); the share agreeing has
    Wilson's interval.

    Examples
    --------
    >>> from satmodels.csi import ces
    >>> r = ces([7, 6, 5, 4, 2, 6])
    >>> round(r.mean, 3), round(r.agree, 1)
    (5.0, 66.7)
    """
    where = "ces"
    level = validated(
        CESOptions,
        where,
        agree_from=agree_from,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
    ).confidence_level
    sc = scale if scale is not None else Scale.likert(1, 7)
    pts = np.asarray(sc.points(), dtype=np.float64)
    if pts.size == 0:
        msg = f"The 'scale' parameter of {where} must be a discrete scale."
        raise InputError(msg)
    mid = (sc.minimum + sc.maximum) / 2.0
    threshold = float(pts[pts > mid][0]) if agree_from is None else float(agree_from)
    if not sc.minimum < threshold <= sc.maximum:
        msg = (
            f"The 'agree_from' parameter of {where} must lie in "
            f"({sc.minimum:g}, {sc.maximum:g}]. Got {agree_from!r} instead."
        )
        raise InputError(msg)
    total, segs, n_missing, weighted = gather(
        scores,
        columns=columns,
        weights=weights,
        segments=segments,
        nan_policy=nan_policy,
        scale=sc,
        where=where,
    )

    def one(sums: Sums, miss: int) -> CESResult:
        counts, wsum, w2sum = sums
        n = float(counts.sum())
        mean, se = linearised_mean(pts, wsum, w2sum, n)
        t = float(stats.t.ppf(0.5 + level / 2, max(n - 1, 1)))
        p, lo, hi, _, _, n_eff = share_one(sums, pts >= threshold, level)
        return CESResult(
            mean=mean,
            mean_ci_low=mean - t * se,
            mean_ci_high=mean + t * se,
            agree=100.0 * p,
            agree_ci_low=100.0 * lo,
            agree_ci_high=100.0 * hi,
            n=int(n),
            agree_from=threshold,
            confidence_level=level,
            weighted=weighted,
            effective_n=n_eff,
            n_missing=miss,
            _se=se,
        )

    result = one(total, n_missing)
    parts = {k: one(v, 0) for k, v in segs.items()}
    return with_segments(result, parts) if parts else result
