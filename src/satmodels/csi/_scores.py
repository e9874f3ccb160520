r"""Net Promoter Score, CSAT top-box share and Customer Effort Score.

All three are computed from *category sums*: for every answer category the
number of respondents, the sum of their case weights and the sum of their
squared case weights. Those sums merge by addition, so the statistics work on
any partition of the data (DESIGN.md), and weighted variances come from the
linearisation (Taylor) variance of a ratio estimator (Woodruff 1971).

References
----------
.. [1] Reichheld, F. F. (2003). The one number you need to grow. Harvard
   Business Review, 81(12), 46-54.
.. [2] Rocks, B. (2016). Interval estimation for the "net promoter score".
   The American Statistician, 70(4), 365-372.
.. [3] Wilson, E. B. (1927). Probable inference, the law of succession, and
   statistical inference. Journal of the American Statistical Association,
   22(158), 209-212.
.. [4] Kish, L. (1965). Survey Sampling. Wiley. (Effective sample size.)
.. [5] Dixon, M., Freeman, K., & Toman, N. (2010). Stop trying to delight
   your customers. Harvard Business Review, 88(7/8), 116-122. (CES.)
.. [6] Woodruff, R. S. (1971). A simple method for approximating the
   variance of a complicated estimate. JASA, 66(334), 411-414.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

import numpy as np
from scipy import stats

from .. import _frames
from .._results import ConfidenceInterval, ResultMixin
from .._summary import Summary, table
from .._typing import FloatArray
from .._validation import check_confidence_level, check_nan_policy
from ..counts import CategoryCounts
from ..exceptions import InputError
from ..scales import Scale
from ._common import column_data, normal_quantile, segment_labels, wilson_interval

__all__ = [
    "CESResult",
    "CSATResult",
    "NPSDifferenceResult",
    "NPSResult",
    "ces",
    "csat",
    "nps",
    "nps_difference",
]

_R = TypeVar("_R")
NPSMethod = Literal["wald", "adjusted_wald"]
_NPS_SCALE = Scale.likert(0, 10)


# ----------------------------------------------------------------- results
@dataclass(frozen=True, slots=True, kw_only=True)
class NPSResult(ResultMixin):
    """Net Promoter Score with its standard error and interval.

    Attributes
    ----------
    nps : float
        Promoters (9-10) minus detractors (0-6), in percent (-100 ... 100).
    se : float
        Standard error of ``nps`` (percentage points) under ``method``.
    ci_low, ci_high : float
        Confidence interval, clipped to [-100, 100].
    n : int
        Respondents used (non-missing, positive weight).
    promoters, passives, detractors : int
        Respondents in each group (unweighted counts).
    promoter_share, passive_share, detractor_share : float
        (Weighted) shares in percent.
    method : str
        ``"wald"`` or ``"adjusted_wald"`` (Rocks 2016).
    confidence_level : float
    weighted : bool
    effective_n : float
        Kish's effective sample size (``n`` when unweighted).
    n_missing : int
        Missing answers excluded (and rows with weight 0).
    by_segment : dict of str to NPSResult
        The same statistics per segment (empty without ``segments``).
    """

    nps: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    promoters: int
    passives: int
    detractors: int
    promoter_share: float
    passive_share: float
    detractor_share: float
    method: str
    confidence_level: float
    weighted: bool
    effective_n: float
    n_missing: int
    by_segment: dict[str, NPSResult] = field(default_factory=dict)
    _centre: float = field(default=math.nan, repr=False)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Interval for the NPS at another level (same method)."""
        level = check_confidence_level(
            confidence_level, "NPSResult.confidence_interval"
        )
        z = normal_quantile(level)
        return ConfidenceInterval(
            max(self._centre - z * self.se, -100.0),
            min(self._centre + z * self.se, 100.0),
        )

    def _row(self, segment: str) -> dict[str, object]:
        return {
            "segment": segment,
            "nps": self.nps,
            "se": self.se,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "n": self.n,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
        }

    def _records(self) -> list[dict[str, object]]:
        rows = [self._row("all")]
        rows.extend(r._row(k) for k, r in self.by_segment.items())
        return rows

    def summary(self) -> Summary:
        """Table of NPS, interval and group counts (overall and per segment)."""
        header = [
            "segment",
            "nps",
            "se",
            "ci_low",
            "ci_high",
            "n",
            "prom",
            "pass",
            "detr",
        ]
        rows = [list(r.values()) for r in self._records()]
        notes = (
            f"{self.method} interval at {self.confidence_level:.0%}; promoters "
            "answer 9-10, detractors 0-6 (Reichheld 2003).",
        )
        return Summary(
            title="Net Promoter Score",
            tables=(table("", header, rows, digits=2),),
            notes=notes,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class NPSDifferenceResult(ResultMixin):
    """Difference of two independent Net Promoter Scores.

    Attributes
    ----------
    difference : float
        ``first.nps - second.nps`` (percentage points).
    se : float
        ``sqrt(se_1^2 + se_2^2)``.
    ci_low, ci_high : float
        Interval for the difference (clipped to [-200, 200]).
    z, p_value : float
        Wald test of equal NPS (two-sided).
    first, second : NPSResult
    confidence_level : float
    """

    difference: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    first: NPSResult
    second: NPSResult
    confidence_level: float
    _centre: float = field(default=math.nan, repr=False)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Interval for the difference at another level."""
        level = check_confidence_level(
            confidence_level, "NPSDifferenceResult.confidence_interval"
        )
        z = normal_quantile(level)
        return ConfidenceInterval(
            max(self._centre - z * self.se, -200.0),
            min(self._centre + z * self.se, 200.0),
        )

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "difference": self.difference,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "z": self.z,
                "p_value": self.p_value,
            }
        ]

    def summary(self) -> Summary:
        """Table of the two scores and their difference."""
        rows = [
            ["first", self.first.nps, self.first.se, self.first.n],
            ["second", self.second.nps, self.second.se, self.second.n],
            ["difference", self.difference, self.se, None],
        ]
        return Summary(
            title="Difference of two NPS",
            tables=(table("", ["", "nps", "se", "n"], rows, digits=2),),
            notes=(
                f"{self.confidence_level:.0%} interval [{self.ci_low:.2f}, "
                f"{self.ci_high:.2f}]; z = {self.z:.3f}, p = {self.p_value:.4f}.",
            ),
        )


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


# ------------------------------------------------------------------ kernels
def _point_sums(
    x: FloatArray, points: FloatArray, w: FloatArray | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return counts, weight sums and squared-weight sums per scale point.

    ``x`` holds finite answers on the scale (missing rows already removed).
    These three vectors are the sufficient statistics of every function in
    this module; they merge by addition.
    """
    idx = np.searchsorted(points, x)
    k = points.shape[0]
    counts = np.bincount(idx, minlength=k).astype(np.float64)
    if w is None:
        return counts, counts.copy(), counts.copy()
    wsum = np.asarray(np.bincount(idx, weights=w, minlength=k), dtype=np.float64)
    w2sum = np.asarray(np.bincount(idx, weights=w * w, minlength=k), dtype=np.float64)
    return counts, wsum, w2sum


def _linearised_mean(
    values: FloatArray, wsum: FloatArray, w2sum: FloatArray, n: float
) -> tuple[float, float]:
    r"""Weighted mean of category values and its linearisation SE.

    .. math::

        \hat\mu = \sum_c W_c v_c / W, \qquad
        \widehat{V}(\hat\mu) = \frac{n}{n-1}
            \sum_c W^{(2)}_c (v_c - \hat\mu)^2 / W^2

    (Woodruff 1971); unweighted it is :math:`s^2 / n`.
    """
    total = float(wsum.sum())
    mean = float(wsum @ values) / total
    if n <= 1:
        return mean, math.nan
    var = float(w2sum @ (values - mean) ** 2) / total**2 * n / (n - 1)
    return mean, math.sqrt(var)


def _nps_kernel(
    counts: FloatArray,
    wsum: FloatArray,
    w2sum: FloatArray,
    confidence_level: float,
    method: str,
) -> dict[str, float]:
    r"""NPS statistics from (detractor, passive, promoter) category sums.

    Wald: :math:`\widehat{V} = \sum_c W^{(2)}_c (z_c - \widehat{NPS})^2 / W^2`
    with :math:`z = (-1, 0, 1)`, which unweighted is the multinomial variance
    :math:`(p_P + p_D - (p_P - p_D)^2) / n` (Rocks 2016, eq. 2).
    Adjusted Wald (Rocks 2016, sec. 3.2): add 3/4 to the promoter and
    detractor counts and 3 to n, then use the same variance with the
    adjusted shares; weighted data use Kish's effective n.
    """
    total = float(wsum.sum())
    shares = wsum / total
    score = float(shares[2] - shares[0])
    n_eff = total * total / float(w2sum.sum())
    z = normal_quantile(confidence_level)
    if method == "wald":
        zc = np.array([-1.0, 0.0, 1.0])
        var = float(w2sum @ (zc - score) ** 2) / total**2
        centre = score
    else:
        pd_, pp = shares[0] * n_eff, shares[2] * n_eff
        n_adj = n_eff + 3.0
        pd_t, pp_t = (pd_ + 0.75) / n_adj, (pp + 0.75) / n_adj
        centre = float(pp_t - pd_t)
        var = float(pp_t + pd_t - centre**2) / n_adj
    se = math.sqrt(max(var, 0.0))
    return {
        "nps": 100.0 * score,
        "se": 100.0 * se,
        "ci_low": max(100.0 * (centre - z * se), -100.0),
        "ci_high": min(100.0 * (centre + z * se), 100.0),
        "centre": 100.0 * centre,
        "n_eff": n_eff,
        "shares": shares,  # type: ignore[dict-item]
    }


# ----------------------------------------------------------------- helpers
_Sums = tuple[FloatArray, FloatArray, FloatArray]


def _from_counts(
    cc: CategoryCounts,
    *,
    columns: str | Sequence[str] | None,
    points: FloatArray,
    scale: Scale,
    nan_policy: str,
    where: str,
) -> tuple[_Sums, int]:
    """Per-point sums of one column of a :class:`CategoryCounts`."""
    cols = [columns] if isinstance(columns, str) else list(columns or cc.columns)
    if len(cols) != 1 or cols[0] not in cc.columns:
        msg = (
            f"The 'scores' CategoryCounts of {where} must be reduced to one column "
            f"with 'columns'. Got columns={columns!r} for {list(cc.columns)}."
        )
        raise InputError(msg)
    j = cc.columns.index(cols[0])
    cats = np.asarray(cc.categories, dtype=np.float64)
    off = ~np.isin(cats, points) & (cc.counts[j] > 0)
    if off.any():
        msg = (
            f"The 'scores' parameter of {where} has answers outside the "
            f"{scale.describe()} scale in column '{cols[0]}': "
            f"{cats[off].tolist()}."
        )
        raise InputError(msg)
    if nan_policy == "raise" and cc.missing[j] > 0:
        msg = (
            f"The 'scores' parameter of {where} has {int(cc.missing[j])} missing "
            f"value(s) in column '{cols[0]}' and nan_policy='raise'."
        )
        raise InputError(msg)
    out = []
    for arr in (cc.counts[j], cc.weighted_counts[j], cc.weight_sq_sums[j]):
        vec = np.zeros(points.shape[0])
        for k, c in enumerate(cats):
            hit = np.flatnonzero(points == c)
            if hit.size:
                vec[hit[0]] = float(arr[k])
        out.append(vec)
    return (out[0], out[1], out[2]), int(cc.missing[j])


def _gather(
    scores: object,
    *,
    columns: str | Sequence[str] | None,
    weights: object,
    segments: object,
    nan_policy: str,
    scale: Scale,
    where: str,
) -> tuple[_Sums, dict[str, _Sums], int, bool]:
    """Validate one answer column and reduce it to per-scale-point sums.

    Returns the sums (counts, weight sums, squared-weight sums over
    ``scale.points()``) overall and per segment, the number of missing or
    zero-weight answers and whether case weights were used. A
    :class:`~satmodels.counts.CategoryCounts` or a lazy frame (counted on
    its engine) gives the same sums without the rows.
    """
    check_nan_policy(nan_policy, where, ("omit", "raise"))
    points = np.asarray(scale.points(), dtype=np.float64)
    if isinstance(scores, CategoryCounts) or _frames.is_lazy(scores):
        if segments is not None:
            msg = (
                f"The 'segments' parameter of {where} needs the rows in memory; "
                "for counts or lazy frames, count each segment separately."
            )
            raise InputError(msg)
        if isinstance(scores, CategoryCounts):
            cc = scores
            weighted = cc.weighted
        else:
            cols = [columns] if isinstance(columns, str) else columns
            cc = CategoryCounts.from_data(
                scores,
                columns=cols,
                categories=points.tolist(),
                weights=weights,
                nan_policy="omit",
            )
            weighted = weights is not None
        sums, n_missing = _from_counts(
            cc,
            columns=columns,
            points=points,
            scale=scale,
            nan_policy=nan_policy,
            where=where,
        )
        if sums[0].sum() == 0:
            msg = f"The 'scores' parameter of {where} has no usable answer."
            raise InputError(msg)
        return sums, {}, n_missing, weighted
    x, cols_t, w, _ = column_data(
        scores,
        columns=columns,
        weights=weights,
        name="scores",
        where=where,
        single=True,
    )
    seg = segment_labels(scores, segments, x.shape[0], where)
    col = x[:, 0]
    miss = np.isnan(col)
    if nan_policy == "raise" and miss.any():
        row = int(np.flatnonzero(miss)[0])
        msg = (
            f"The 'scores' parameter of {where} has {int(miss.sum())} missing "
            f"value(s) and nan_policy='raise'; first in column '{cols_t[0]}', "
            f"row {row}."
        )
        raise InputError(msg)
    scale.check(col, columns=cols_t, name="scores", where=where)
    keep = ~miss
    if w is not None:
        keep &= w > 0
    if not keep.any():
        msg = f"The 'scores' parameter of {where} has no usable (non-missing) answer."
        raise InputError(msg)
    xk = col[keep]
    wk = None if w is None else w[keep]
    total = _point_sums(xk, points, wk)
    parts: dict[str, _Sums] = {}
    if seg is not None:
        sk = seg[keep]
        for label in sorted(set(sk.tolist())):
            mask = sk == label
            parts[str(label)] = _point_sums(
                xk[mask], points, None if wk is None else wk[mask]
            )
    return total, parts, int((~keep).sum()), w is not None


def _collapse(sums: _Sums, groups: list[np.ndarray[Any, Any]]) -> _Sums:
    """Sum the per-point sums within groups of points (boolean masks)."""
    c, ws, w2 = sums
    return (
        np.array([c[g].sum() for g in groups]),
        np.array([ws[g].sum() for g in groups]),
        np.array([w2[g].sum() for g in groups]),
    )


# ---------------------------------------------------------------------- NPS
_NPS_POINTS = np.arange(11.0)
_NPS_GROUPS = [
    _NPS_POINTS <= 6,
    (_NPS_POINTS >= 7) & (_NPS_POINTS <= 8),
    _NPS_POINTS >= 9,
]


def _nps_one(
    sums: _Sums,
    *,
    weighted: bool,
    confidence_level: float,
    method: str,
    n_missing: int,
) -> NPSResult:
    counts, wsum, w2sum = _collapse(sums, _NPS_GROUPS)
    res = _nps_kernel(counts, wsum, w2sum, confidence_level, method)
    shares = np.asarray(res["shares"])
    return NPSResult(
        nps=float(res["nps"]),
        se=float(res["se"]),
        ci_low=float(res["ci_low"]),
        ci_high=float(res["ci_high"]),
        n=int(counts.sum()),
        promoters=int(counts[2]),
        passives=int(counts[1]),
        detractors=int(counts[0]),
        promoter_share=100.0 * float(shares[2]),
        passive_share=100.0 * float(shares[1]),
        detractor_share=100.0 * float(shares[0]),
        method=method,
        confidence_level=confidence_level,
        weighted=weighted,
        effective_n=float(res["n_eff"]),
        n_missing=n_missing,
        _centre=float(res["centre"]),
    )


def nps(
    scores: object,
    *,
    columns: str | Sequence[str] | None = None,
    weights: object = None,
    segments: object = None,
    method: NPSMethod = "wald",
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> NPSResult:
    r"""Net Promoter Score with standard error and confidence interval.

    Parameters
    ----------
    scores : array_like or dataframe
        Likelihood-to-recommend answers, integers 0-10 (one column).
    columns : str, optional
        The answer column of a dataframe.
    weights : array_like or str, optional
        Non-negative case weights (or a column name of ``scores``).
    segments : array_like or str, optional
        Segment label per row (or a column name); results per segment go to
        ``by_segment``.
    method : {"wald", "adjusted_wald"}
        ``"wald"``: the multinomial (trinomial) normal interval;
        ``"adjusted_wald"``: Rocks' (2016) small-sample adjustment, which adds
        3/4 to promoters and to detractors and 3 to n.
    confidence_level : float
    nan_policy : {"omit", "raise"}
        Missing answers are counted in ``n_missing`` and excluded, or raise.

    Returns
    -------
    NPSResult

    Raises
    ------
    InputError
        An answer outside 0-10 or not an integer (the message names the
        column, row and value), bad weights, or no usable answer.

    Notes
    -----
    .. math::

        \mathrm{NPS} = 100\,(p_P - p_D), \qquad
        \widehat{\mathrm{SE}} = 100 \sqrt{(p_P + p_D - (p_P - p_D)^2) / n}

    (Rocks 2016, eq. 2). With case weights the shares are weighted and the
    variance is the linearisation variance
    :math:`\sum_c W^{(2)}_c (z_c - \mathrm{NPS})^2 / W^2` with scores
    :math:`z = -1, 0, 1`. The SE is checked against a simulation and a hand
    computation in ``tests/test_csi_nps.py``.

    References
    ----------
    .. [1] Reichheld, F. F. (2003). The one number you need to grow. HBR.
    .. [2] Rocks, B. (2016). Interval estimation for the "net promoter
       score". The American Statistician, 70(4), 365-372.

    Examples
    --------
    >>> from satmodels.csi import nps
    >>> # 5 promoters, 3 passives, 2 detractors -> NPS = 50% - 20% = 30
    >>> r = nps([10, 9, 9, 10, 9, 7, 8, 8, 3, 6])
    >>> round(r.nps, 1), round(r.se, 1)
    (30.0, 24.7)
    >>> r.promoters, r.passives, r.detractors
    (5, 3, 2)
    """
    where = "nps"
    level = check_confidence_level(confidence_level, where)
    if method not in ("wald", "adjusted_wald"):
        msg = (
            f"The 'method' parameter of {where} must be 'wald' or 'adjusted_wald'. "
            f"Got {method!r} instead."
        )
        raise InputError(msg)
    total, segs, n_missing, weighted = _gather(
        scores,
        columns=columns,
        weights=weights,
        segments=segments,
        nan_policy=nan_policy,
        scale=_NPS_SCALE,
        where=where,
    )
    result = _nps_one(
        total,
        weighted=weighted,
        confidence_level=level,
        method=method,
        n_missing=n_missing,
    )
    parts = {
        k: _nps_one(
            v, weighted=weighted, confidence_level=level, method=method, n_missing=0
        )
        for k, v in segs.items()
    }
    return _with_segments(result, parts) if parts else result


def _with_segments(result: _R, parts: dict[str, Any]) -> _R:
    return replace(result, by_segment=parts)  # type: ignore[type-var]


def nps_difference(
    first: object,
    second: object,
    *,
    confidence_level: float = 0.95,
) -> NPSDifferenceResult:
    r"""Difference of two independent Net Promoter Scores with its interval.

    Parameters
    ----------
    first, second : NPSResult or array_like
        Results of :func:`nps` (their ``method`` and weights are kept), or
        raw 0-10 answers, passed to :func:`nps` with defaults.
    confidence_level : float

    Returns
    -------
    NPSDifferenceResult

    Notes
    -----
    For independent samples
    :math:`\mathrm{SE}(\Delta) = \sqrt{\mathrm{SE}_1^2 + \mathrm{SE}_2^2}`
    and the interval is :math:`\Delta \pm z\,\mathrm{SE}(\Delta)`
    (Rocks 2016, sec. 5). With adjusted-Wald inputs, the interval is centred
    at the difference of the adjusted estimates, as in Rocks (2016).
    Samples that share respondents (a panel measured twice) are not
    independent; this interval does not apply to them.

    Examples
    --------
    >>> from satmodels.csi import nps, nps_difference
    >>> d = nps_difference([10, 9, 9, 8, 3], [10, 6, 5, 8, 3])
    >>> round(d.difference, 1)
    80.0
    """
    where = "nps_difference"
    level = check_confidence_level(confidence_level, where)
    a = first if isinstance(first, NPSResult) else nps(first, confidence_level=level)
    b = second if isinstance(second, NPSResult) else nps(second, confidence_level=level)
    diff = a.nps - b.nps
    centre = a._centre - b._centre
    se = math.sqrt(a.se**2 + b.se**2)
    z = normal_quantile(level)
    zstat = centre / se if se > 0 else math.nan
    p = float(2 * stats.norm.sf(abs(zstat))) if se > 0 else math.nan
    return NPSDifferenceResult(
        difference=diff,
        se=se,
        ci_low=max(centre - z * se, -200.0),
        ci_high=min(centre + z * se, 200.0),
        z=zstat,
        p_value=p,
        first=a,
        second=b,
        confidence_level=level,
        _centre=centre,
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


def _share_one(
    sums: _Sums, hit: np.ndarray[Any, Any], level: float
) -> tuple[float, float, float, int, int, float]:
    """Share of hits with Wilson interval; returns (p, lo, hi, hits, n, n_eff)."""
    counts, wsum, w2sum = _collapse(sums, [~hit, hit])
    total = float(wsum.sum())
    p = float(wsum[1]) / total
    n_eff = total * total / float(w2sum.sum())
    lo, hi = wilson_interval(p, n_eff, level)
    return p, lo, hi, int(counts[1]), int(counts.sum()), n_eff


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
    level = check_confidence_level(confidence_level, where)
    sc = scale if scale is not None else Scale.likert(1, 5)
    tops = _top_values(sc, top_box, where)
    total, segs, n_missing, weighted = _gather(
        scores,
        columns=columns,
        weights=weights,
        segments=segments,
        nan_policy=nan_policy,
        scale=sc,
        where=where,
    )
    hit = np.isin(np.asarray(sc.points()), tops)

    def one(sums: _Sums, miss: int) -> CSATResult:
        p, lo, hi, k, n, n_eff = _share_one(sums, hit, level)
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
    return _with_segments(result, parts) if parts else result


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
    level = check_confidence_level(confidence_level, where)
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
    total, segs, n_missing, weighted = _gather(
        scores,
        columns=columns,
        weights=weights,
        segments=segments,
        nan_policy=nan_policy,
        scale=sc,
        where=where,
    )

    def one(sums: _Sums, miss: int) -> CESResult:
        counts, wsum, w2sum = sums
        n = float(counts.sum())
        mean, se = _linearised_mean(pts, wsum, w2sum, n)
        t = float(stats.t.ppf(0.5 + level / 2, max(n - 1, 1)))
        p, lo, hi, _, _, n_eff = _share_one(sums, pts >= threshold, level)
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
    return _with_segments(result, parts) if parts else result
