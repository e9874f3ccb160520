r"""Satisfaction as a ratio: c = b / a (perceived over expected value).

The founding documents (MISSION.md section 1) define satisfaction ``c`` as the
perceived value ``b`` divided by the expected value ``a``: ``c > 1`` delighted,
``c = 1`` met, ``c < 1`` dissatisfied, graded on five levels from "far below"
to "far above" expectation. This module computes ``c`` per respondent and
item, aggregates it two ways, and grades it.

Two aggregates
--------------
*Mean of ratios* :math:`\bar c = \frac{1}{n}\sum_r b_r / a_r` is the average
customer's own satisfaction ratio. Use it when the individual ratio is the
quantity of interest (how the typical customer feels relative to *their*
expectation). Its standard error is the ordinary one of a mean.

*Ratio of means* :math:`R = \bar b / \bar a` compares the average perceived
value with the average expectation. It is the consistent estimator of the
population ratio :math:`E[b]/E[a]`, is not dominated by customers with small
expectations (Jensen's inequality makes :math:`E[b/a] \ne E[b]/E[a]`), and is
the right choice for comparing a service with what the market expects
(Cochran 1977, ch. 6). Its standard error comes from the delta method
(linearisation) :math:`\widehat{\mathrm{Var}}(R) = \frac{1}{n \bar a^2}
s^2_{b - R a}` (Cochran 1977, eq. 6.9), and its interval either from that
(Wald) or from Fieller's (1954) theorem, which stays exact for normal means
and becomes wide or unbounded when :math:`\bar a` is not clearly away from 0
(Franz 2007).

References
----------
.. [1] Cochran, W. G. (1977). Sampling Techniques (3rd ed.), chapter 6,
   "Ratio estimators". Wiley.
.. [2] Fieller, E. C. (1954). Some problems in interval estimation. Journal
   of the Royal Statistical Society B, 16(2), 175-185.
.. [3] Franz, V. H. (2007). Ratios: a short guide to confidence limits and
   proper use. arXiv:0710.2024.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import model_validator
from scipy import stats

from ._typing import FloatArray
from ._validation import FrozenModel, check_confidence_level, validated
from .data import _frames
from .exceptions import InputError
from .results._base import ConfidenceInterval, ResultMixin, jsonable
from .results._summary import Summary, table
from .scales import Scale
from .stats._moments_kernels import _weights_vector

__all__ = [
    "DEFAULT_THRESHOLDS",
    "GRADES",
    "GRADE_LABELS",
    "RatioResult",
    "Thresholds",
    "grade",
    "satisfaction_ratio",
]

#: The five comparison levels of the founding documents, lowest first.
GRADES: tuple[str, ...] = (
    "far below expectation",
    "below expectation",
    "meets expectation",
    "above expectation",
    "far above expectation",
)
#: The satisfaction wording of the same five levels.
GRADE_LABELS: tuple[str, ...] = (
    "very dissatisfied",
    "dissatisfied",
    "neutral",
    "satisfied",
    "very satisfied",
)
#: Default cut points of c: within 5% of 1 meets, beyond 20% is "far".
DEFAULT_THRESHOLDS: tuple[float, float, float, float] = (0.8, 0.95, 1.05, 1.2)


class Thresholds(FrozenModel):
    """Cut points ``t1 < t2 <= 1 <= t3 < t4`` of the five-level grade.

    ``c < t1`` far below; ``t1 <= c < t2`` below; ``t2 <= c <= t3`` meets;
    ``t3 < c <= t4`` above; ``c > t4`` far above. The band around 1 must
    contain 1 (``c = 1`` means expectations met, MISSION.md section 1).
    """

    cuts: tuple[float, float, float, float] = DEFAULT_THRESHOLDS

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        t1, t2, t3, t4 = self.cuts
        if not all(np.isfinite(self.cuts)) or t1 <= 0:
            msg = f"cut points must be finite and positive, got {self.cuts}"
            raise ValueError(msg)
        if not (t1 < t2 <= 1.0 <= t3 < t4):
            msg = f"cut points must satisfy t1 < t2 <= 1 <= t3 < t4, got {self.cuts}"
            raise ValueError(msg)
        return self


def grade(
    c: object, thresholds: Sequence[float] = DEFAULT_THRESHOLDS
) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Grade ratios into the five levels: 0 (far below) ... 4 (far above).

    Parameters
    ----------
    c : array_like
        Satisfaction ratios b / a (finite).
    thresholds : sequence of 4 floats
        Cut points, see :class:`Thresholds`.

    Returns
    -------
    ndarray of int
        Level index per ratio; names are ``GRADES[k]`` / ``GRADE_LABELS[k]``.

    Examples
    --------
    >>> from satmodels.ratio import grade, GRADE_LABELS
    >>> [GRADE_LABELS[k] for k in grade([0.5, 0.9, 1.0, 1.1, 1.5])]
    ['very dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'very satisfied']
    """
    cuts = validated(Thresholds, "grade", cuts=tuple(thresholds)).cuts
    arr = np.asarray(c, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        msg = "The 'c' parameter of grade must be finite."
        raise InputError(msg)
    t1, t2, t3, t4 = cuts
    # right=False: [t1, t2) below; meets is [t2, t3]; above (t3, t4]
    out = np.where(arr < t1, 0, np.where(arr < t2, 1, np.where(arr <= t3, 2,
                   np.where(arr <= t4, 3, 4))))  # fmt: skip
    return out.astype(np.int64)


@dataclass(frozen=True, slots=True, kw_only=True)
class RatioResult(ResultMixin):
    """Satisfaction ratios c = b / a per item and overall.

    Attributes
    ----------
    items : tuple of str
        Item names.
    n : ndarray of int
        Respondents used per item.
    mean_ratio, mean_ratio_se : ndarray
        Mean of the respondents' ratios and its standard error, per item.
    ratio_of_means, ratio_of_means_se : ndarray
        R = mean(b) / mean(a) and its delta-method standard error.
    expected_mean, perceived_mean : ndarray
        Mean expected (a) and perceived (b) value per item.
    grade_counts : ndarray, shape (items, 5)
        Respondents per level (far below ... far above) per item (weighted
        when weights are given).
    item_grade : tuple of str
        Grade of each item's ratio of means.
    overall_n : int
        Respondents answering every item (the overall aggregates use them).
    overall_expected_mean, overall_perceived_mean : float
        Mean over those respondents of their item-averaged a and b.
    overall_mean_ratio, overall_ratio_of_means : float
        The two aggregates over respondents' item averages, with standard
        errors ``overall_mean_ratio_se`` and ``overall_ratio_of_means_se``.
    overall_grade : str
        Grade of the overall ratio of means.
    ratios : ndarray, shape (respondents, items)
        Per-respondent ratios (NaN where a pair was omitted).
    n_omitted : dict of str to int
        Pairs omitted per item because a or b was missing
        (``nan_policy="omit"``).
    thresholds : tuple of float
        Cut points used for the grades.
    confidence_level : float
        Level of the intervals returned by :meth:`confidence_interval`.
    """

    items: tuple[str, ...]
    n: np.ndarray[Any, np.dtype[np.int64]]
    expected_mean: FloatArray
    perceived_mean: FloatArray
    mean_ratio: FloatArray
    mean_ratio_se: FloatArray
    ratio_of_means: FloatArray
    ratio_of_means_se: FloatArray
    grade_counts: FloatArray
    item_grade: tuple[str, ...]
    overall_n: int
    overall_expected_mean: float
    overall_perceived_mean: float
    overall_mean_ratio: float
    overall_mean_ratio_se: float
    overall_ratio_of_means: float
    overall_ratio_of_means_se: float
    overall_grade: str
    ratios: FloatArray
    n_omitted: dict[str, int]
    thresholds: tuple[float, ...]
    confidence_level: float
    weighted: bool
    _item_var: tuple[FloatArray, FloatArray, FloatArray] = field(repr=False)
    _overall_var: tuple[float, float, float, float, float] = field(repr=False)
    _backend: str | None = field(default=None, repr=False)

    def confidence_interval(
        self,
        confidence_level: float | None = None,
        *,
        statistic: Literal["ratio_of_means", "mean_ratio"] = "ratio_of_means",
        method: Literal["fieller", "delta"] = "fieller",
    ) -> ConfidenceInterval:
        """Per-item confidence interval of an aggregate.

        Parameters
        ----------
        confidence_level : float, optional
            Defaults to the level given at fit time.
        statistic : {"ratio_of_means", "mean_ratio"}
            Which aggregate.
        method : {"fieller", "delta"}
            For the ratio of means: Fieller's (1954) interval (may be
            unbounded: ``inf`` ends) or the delta-method Wald interval.
            The mean of ratios always uses the t interval.

        Returns
        -------
        ConfidenceInterval
            Arrays ``low`` and ``high``, one entry per item.
        """
        level = check_confidence_level(
            self.confidence_level if confidence_level is None else confidence_level,
            "RatioResult.confidence_interval",
        )
        t = stats.t.ppf(0.5 + level / 2, np.maximum(self.n - 1, 1))
        stat: str = statistic
        how: str = method
        if stat == "mean_ratio":
            half = t * self.mean_ratio_se
            return ConfidenceInterval(self.mean_ratio - half, self.mean_ratio + half)
        if stat != "ratio_of_means":
            msg = f"Unknown statistic {stat!r}; use 'ratio_of_means' or 'mean_ratio'."
            raise InputError(msg)
        if how == "delta":
            half = t * self.ratio_of_means_se
            return ConfidenceInterval(
                self.ratio_of_means - half, self.ratio_of_means + half
            )
        if how != "fieller":
            msg = f"Unknown method {how!r}; use 'fieller' or 'delta'."
            raise InputError(msg)
        vaa, vbb, vab = self._item_var
        low, high = _fieller(self.expected_mean, self.perceived_mean, vaa, vbb, vab, t)
        return ConfidenceInterval(low, high)

    def overall_confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Fieller interval of the overall ratio of means."""
        level = check_confidence_level(
            self.confidence_level if confidence_level is None else confidence_level,
            "RatioResult.overall_confidence_interval",
        )
        t = stats.t.ppf(0.5 + level / 2, max(self.overall_n - 1, 1))
        oa, ob, vaa, vbb, vab = (np.array([v]) for v in self._overall_var)
        low, high = _fieller(oa, ob, vaa, vbb, vab, np.array([t]))
        return ConfidenceInterval(float(low[0]), float(high[0]))

    def _records(self) -> list[dict[str, object]]:
        lo_f, hi_f = self.confidence_interval()
        lo_m, hi_m = self.confidence_interval(statistic="mean_ratio")
        rows: list[dict[str, object]] = []
        for k, item in enumerate(self.items):
            rows.append(
                {
                    "item": item,
                    "n": int(self.n[k]),
                    "expected_mean": float(self.expected_mean[k]),
                    "perceived_mean": float(self.perceived_mean[k]),
                    "ratio_of_means": float(self.ratio_of_means[k]),
                    "ratio_of_means_se": float(self.ratio_of_means_se[k]),
                    "ratio_of_means_ci_low": float(lo_f[k]),
                    "ratio_of_means_ci_high": float(hi_f[k]),
                    "mean_ratio": float(self.mean_ratio[k]),
                    "mean_ratio_se": float(self.mean_ratio_se[k]),
                    "mean_ratio_ci_low": float(lo_m[k]),
                    "mean_ratio_ci_high": float(hi_m[k]),
                    "grade": self.item_grade[k],
                    **{
                        f"share_{g.replace(' ', '_')}": float(v)
                        for g, v in zip(GRADES, self._shares()[k], strict=True)
                    },
                }
            )
        return rows

    def _shares(self) -> FloatArray:
        tot = self.grade_counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, self.grade_counts / tot, np.nan)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary: per-item records and the overall aggregates."""
        lo, hi = self.overall_confidence_interval()
        return {
            "items": jsonable(self._records()),
            "overall": {
                "n": self.overall_n,
                "expected_mean": jsonable(self.overall_expected_mean),
                "perceived_mean": jsonable(self.overall_perceived_mean),
                "mean_ratio": jsonable(self.overall_mean_ratio),
                "mean_ratio_se": jsonable(self.overall_mean_ratio_se),
                "ratio_of_means": jsonable(self.overall_ratio_of_means),
                "ratio_of_means_se": jsonable(self.overall_ratio_of_means_se),
                "ratio_of_means_ci_low": jsonable(lo),
                "ratio_of_means_ci_high": jsonable(hi),
                "grade": self.overall_grade,
            },
            "n_omitted": dict(self.n_omitted),
            "thresholds": list(self.thresholds),
            "confidence_level": self.confidence_level,
            "weighted": self.weighted,
        }

    def summary(self) -> Summary:
        """Per-item ratios with Fieller intervals, grades and level shares."""
        pct = round(self.confidence_level * 100)
        lo, hi = self.confidence_interval()
        rows: list[tuple[object, ...]] = [
            (
                item,
                int(self.n[k]),
                float(self.expected_mean[k]),
                float(self.perceived_mean[k]),
                float(self.ratio_of_means[k]),
                f"[{lo[k]:.3f}, {hi[k]:.3f}]",
                float(self.mean_ratio[k]),
                self.item_grade[k],
            )
            for k, item in enumerate(self.items)
        ]
        olo, ohi = self.overall_confidence_interval()
        rows.append(
            (
                "overall",
                self.overall_n,
                self.overall_expected_mean,
                self.overall_perceived_mean,
                self.overall_ratio_of_means,
                f"[{olo:.3f}, {ohi:.3f}]",
                self.overall_mean_ratio,
                self.overall_grade,
            )
        )
        shares = self._shares()
        share_rows = [
            (item, *(float(v) for v in shares[k])) for k, item in enumerate(self.items)
        ]
        omitted = sum(self.n_omitted.values())
        notes = [
            "c = b / a (perceived / expected); R = mean(b) / mean(a) with "
            f"Fieller's {pct}% interval; mean c = average of respondents' ratios.",
            "Grades: c < {} far below, < {} below, <= {} meets, <= {} above, "
            "else far above.".format(*self.thresholds),
        ]
        if omitted:
            notes.append(
                f"{omitted} respondent-item pair(s) omitted for missing values."
            )
        return Summary(
            title="Satisfaction ratio c = b / a",
            tables=(
                table(
                    "",
                    (
                        "item",
                        "n",
                        "mean a",
                        "mean b",
                        "R",
                        f"{pct}% CI",
                        "mean c",
                        "grade",
                    ),
                    rows,
                ),
                table(
                    "Share of respondents per level",
                    ("item", *GRADE_LABELS),
                    share_rows,
                ),
            ),
            notes=tuple(notes),
        )


def satisfaction_ratio(
    perceived: object,
    expected: object,
    *,
    items: Sequence[str] | None = None,
    scale: Scale | tuple[float, float] | None = None,
    thresholds: Sequence[float] | Mapping[str, Sequence[float]] = DEFAULT_THRESHOLDS,
    weights: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["raise", "omit"] = "raise",
) -> RatioResult:
    r"""Satisfaction ratio c = b / a per respondent and item, aggregated.

    Parameters
    ----------
    perceived : array_like or dataframe, shape (respondents, items)
        Perceived value b (one column per item).
    expected : array_like or dataframe, same shape
        Expected value a; must be positive.
    items : sequence of str, optional
        Item names for arrays, or the columns to select from frames.
    scale : Scale or (min, max), optional
        Declared answer scale; answers off it raise :class:`InputError`.
    thresholds : 4 floats, or mapping item -> 4 floats
        Cut points of the five-level grade (:class:`Thresholds`); a mapping
        sets them per item (items not listed use the default).
    weights : array_like, optional
        Non-negative case weights, one per respondent.
    confidence_level : float
        Level of the intervals.
    nan_policy : {"raise", "omit"}
        ``"raise"`` (default): a missing a or b is an error, as the founding
        documents require. ``"omit"``: drop that respondent-item pair and
        count it in ``n_omitted``.

    Returns
    -------
    RatioResult

    Raises
    ------
    InputError
        Shapes differ; ``a <= 0`` or ``b < 0``; NaN (under ``"raise"``) or
        infinite values; answers off ``scale``; bad thresholds or weights.
        Messages name the column and row.

    Notes
    -----
    With weights :math:`w_r` the aggregates are
    :math:`\bar c_w = \sum w c / \sum w` and
    :math:`R = \sum w b / \sum w a`; standard errors use the linearisation
    (Taylor) variance :math:`\frac{n}{n-1}\sum w_r^2 z_r^2 / (\sum w)^2`
    with :math:`z_r = c_r - \bar c_w` or :math:`z_r = (b_r - R a_r)/\bar a_w`
    (Cochran 1977, eq. 6.9 and 6.13; Wolter 2007, ch. 6). Without weights
    these are the textbook formulas. Fieller's interval solves
    :math:`(\bar b - \theta \bar a)^2 \le t^2 (v_{bb} - 2\theta v_{ab} +
    \theta^2 v_{aa})` for :math:`\theta` (Fieller 1954; Franz 2007, eq. 6);
    checked in the tests against a brute-force inversion of the t test.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels import satisfaction_ratio
    >>> a = np.array([[5.0, 4.0], [6.0, 5.0], [4.0, 5.0]])  # expected
    >>> b = np.array([[6.0, 4.0], [6.0, 3.0], [5.0, 4.0]])  # perceived
    >>> res = satisfaction_ratio(b, a, items=["speed", "price"], scale=(1, 7))
    >>> res.ratio_of_means.round(3).tolist()
    [1.133, 0.786]
    >>> res.item_grade
    ('above expectation', 'far below expectation')
    """
    where = "satisfaction_ratio"
    check_confidence_level(confidence_level, where)
    if nan_policy not in ("raise", "omit"):
        msg = (
            f"The 'nan_policy' parameter of {where} must be 'raise' or 'omit'. "
            f"Got {nan_policy!r} instead."
        )
        raise InputError(msg)
    tb = _frames.as_table(perceived, columns=items, name="perceived", where=where)
    ta = _frames.as_table(expected, columns=items, name="expected", where=where)
    if tb.values.shape != ta.values.shape:
        msg = (
            f"The 'perceived' and 'expected' parameters of {where} must have the "
            f"same shape. Got {tb.values.shape} and {ta.values.shape}."
        )
        raise InputError(msg)
    names = tb.columns
    b, a = tb.values, ta.values
    n_rows = b.shape[0]
    sc = _as_scale(scale, where)
    for arr, label in ((a, "expected"), (b, "perceived")):
        inf = np.isinf(arr)
        if inf.any():
            r, c = (int(v) for v in np.argwhere(inf)[0])
            msg = (
                f"The '{label}' parameter of {where} is infinite in column "
                f"'{names[c]}', row {r}."
            )
            raise InputError(msg)
        if sc is not None:
            sc.check(arr, columns=names, name=label, where=where)
    missing = np.isnan(a) | np.isnan(b)
    if missing.any() and nan_policy == "raise":
        r, c = (int(v) for v in np.argwhere(missing)[0])
        which = "expected" if np.isnan(a[r, c]) else "perceived"
        msg = (
            f"The '{which}' parameter of {where} has a missing value in column "
            f"'{names[c]}', row {r} ({int(missing.sum())} missing pair(s)); pass "
            "nan_policy='omit' to drop and count them."
        )
        raise InputError(msg)
    bad_a = ~missing & (a <= 0)
    if bad_a.any():
        r, c = (int(v) for v in np.argwhere(bad_a)[0])
        msg = (
            f"The 'expected' parameter of {where} must be positive (c = b / a); "
            f"column '{names[c]}', row {r} is {float(a[r, c])!r} "
            f"({int(bad_a.sum())} such value(s))."
        )
        raise InputError(msg)
    bad_b = ~missing & (b < 0)
    if bad_b.any():
        r, c = (int(v) for v in np.argwhere(bad_b)[0])
        msg = (
            f"The 'perceived' parameter of {where} must not be negative; column "
            f"'{names[c]}', row {r} is {float(b[r, c])!r}."
        )
        raise InputError(msg)
    w = _weights(weights, n_rows, where)
    cuts = _thresholds(thresholds, names, where)
    used = ~missing
    if not used.any(axis=0).all():
        c = int(np.flatnonzero(~used.any(axis=0))[0])
        msg = f"Item '{names[c]}' of {where} has no respondent with both a and b."
        raise InputError(msg)
    return _fit(a, b, used, w, names, cuts, confidence_level, tb.backend)


# ---------------------------------------------------------------- kernels
def _as_scale(scale: Scale | tuple[float, float] | None, where: str) -> Scale | None:
    if scale is None or isinstance(scale, Scale):
        return scale
    try:
        lo, hi = scale
    except (TypeError, ValueError) as exc:
        msg = f"The 'scale' parameter of {where} must be a Scale or (min, max)."
        raise InputError(msg) from exc
    if float(lo).is_integer() and float(hi).is_integer():
        return Scale.likert(int(lo), int(hi))
    return Scale.interval(float(lo), float(hi))


def _weights(weights: object, n: int, where: str) -> FloatArray:
    """Case weights (the shared Moments rules), ones when omitted; sum > 0."""
    w = _weights_vector(None, weights, n, where)
    if w is None:
        return np.ones(n)
    if w.sum() <= 0:
        msg = f"The 'weights' parameter of {where} sums to 0."
        raise InputError(msg)
    return w


def _thresholds(
    thresholds: Sequence[float] | Mapping[str, Sequence[float]],
    names: tuple[str, ...],
    where: str,
) -> list[tuple[float, ...]]:
    if isinstance(thresholds, Mapping):
        unknown = [key for key in thresholds if key not in names]
        if unknown:
            msg = (
                f"The 'thresholds' parameter of {where} names unknown item(s) "
                f"{unknown}."
            )
            raise InputError(msg)
        return [
            validated(
                Thresholds,
                where,
                cuts=tuple(thresholds.get(nm, DEFAULT_THRESHOLDS)),
            ).cuts
            for nm in names
        ]
    cuts = validated(Thresholds, where, cuts=tuple(thresholds)).cuts
    return [cuts] * len(names)


def _linearised_var(z: FloatArray, w: FloatArray, used: FloatArray) -> FloatArray:
    """Var of a weighted mean: n/(n-1) * sum (w z)^2 / (sum w)^2, per column."""
    wz = np.where(used > 0, w[:, None] * z, 0.0)
    wsum = (w[:, None] * used).sum(axis=0)
    n = used.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = n / (n - 1) * (wz * wz).sum(axis=0) / wsum**2
    return np.where(n > 1, v, np.nan)


def _wmean(x: FloatArray, w: FloatArray, used: FloatArray) -> FloatArray:
    """Weighted mean per column over the used cells."""
    wu = w[:, None] * used
    out: FloatArray = (np.where(used > 0, x, 0.0) * wu).sum(axis=0) / wu.sum(axis=0)
    return out


def _fieller(  # noqa: PLR0917
    abar: FloatArray,
    bbar: FloatArray,
    vaa: FloatArray,
    vbb: FloatArray,
    vab: FloatArray,
    t: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    r"""Fieller (1954) limits for bbar/abar; (-inf, inf) when unbounded.

    Solves the quadratic :math:`q_a\theta^2 - 2 q_b \theta + q_c \le 0` with
    :math:`q_a = \bar a^2 - t^2 v_{aa}`, :math:`q_b = \bar a \bar b - t^2
    v_{ab}`, :math:`q_c = \bar b^2 - t^2 v_{bb}` (Franz 2007, eq. 6); the set is
    a bounded interval only when :math:`q_a > 0`, i.e. when :math:`\bar a` is
    significantly different from 0.
    """
    t2 = t * t
    qa = abar * abar - t2 * vaa
    qb = abar * bbar - t2 * vab
    qc = bbar * bbar - t2 * vbb
    disc = qb * qb - qa * qc
    bounded = (qa > 0) & (disc >= 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        root = np.sqrt(np.maximum(disc, 0.0))
        low = np.where(bounded, (qb - root) / qa, -np.inf)
        high = np.where(bounded, (qb + root) / qa, np.inf)
    return low, high


def _fit(  # noqa: PLR0917
    a: FloatArray,
    b: FloatArray,
    used_b: np.ndarray[Any, np.dtype[np.bool_]],
    w: FloatArray,
    names: tuple[str, ...],
    cuts: list[tuple[float, ...]],
    level: float,
    backend: str | None,
) -> RatioResult:
    used = used_b.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(used_b, b / np.where(used_b, a, 1.0), np.nan)
    n = used_b.sum(axis=0).astype(np.int64)
    abar = _wmean(a, w, used)
    bbar = _wmean(b, w, used)
    cbar = _wmean(c, w, used)
    rom = bbar / abar
    se_c = np.sqrt(_linearised_var(c - cbar, w, used))
    se_r = np.sqrt(_linearised_var((b - rom * a) / abar, w, used))
    vaa = _linearised_var(a - abar, w, used)
    vbb = _linearised_var(b - bbar, w, used)
    vab = _cross_var(a - abar, b - bbar, w, used)
    counts = np.zeros((len(names), 5))
    item_grade = []
    for j in range(len(names)):
        g = grade(c[used_b[:, j], j], cuts[j])
        counts[j] = np.bincount(g, weights=w[used_b[:, j]], minlength=5)
        item_grade.append(GRADES[int(grade([rom[j]], cuts[j])[0])])
    # overall: respondents with every pair, item averages of a and b
    full = used_b.all(axis=1)
    if full.any():
        a_r, b_r, c_r = a[full].mean(axis=1), b[full].mean(axis=1), c[full].mean(axis=1)
        wf = w[full]
        one = np.ones((int(full.sum()), 1))
        oa = float(_wmean(a_r[:, None], wf, one)[0])
        ob = float(_wmean(b_r[:, None], wf, one)[0])
        oc = float(_wmean(c_r[:, None], wf, one)[0])
        orom = ob / oa
        ose_c = float(np.sqrt(_linearised_var(c_r[:, None] - oc, wf, one))[0])
        ose_r = float(
            np.sqrt(
                _linearised_var((b_r[:, None] - orom * a_r[:, None]) / oa, wf, one)
            )[0]
        )
        ovaa = float(_linearised_var(a_r[:, None] - oa, wf, one)[0])
        ovbb = float(_linearised_var(b_r[:, None] - ob, wf, one)[0])
        ovab = float(_cross_var(a_r[:, None] - oa, b_r[:, None] - ob, wf, one)[0])
        ogr = GRADES[int(grade([orom], cuts[0])[0])]
    else:
        oa = ob = oc = orom = ose_c = ose_r = float("nan")
        ovaa = ovbb = ovab = float("nan")
        ogr = "undetermined"
    n_full = int(full.sum())
    return RatioResult(
        items=names,
        n=n,
        expected_mean=abar,
        perceived_mean=bbar,
        mean_ratio=cbar,
        mean_ratio_se=se_c,
        ratio_of_means=rom,
        ratio_of_means_se=se_r,
        grade_counts=counts,
        item_grade=tuple(item_grade),
        overall_n=n_full,
        overall_expected_mean=oa,
        overall_perceived_mean=ob,
        overall_mean_ratio=oc,
        overall_mean_ratio_se=ose_c,
        overall_ratio_of_means=orom,
        overall_ratio_of_means_se=ose_r,
        overall_grade=ogr,
        ratios=c,
        n_omitted={
            nm: int(v) for nm, v in zip(names, (~used_b).sum(axis=0), strict=True)
        },
        thresholds=tuple(cuts[0]),
        confidence_level=level,
        weighted=not np.all(w == 1.0),
        _item_var=(vaa, vbb, vab),
        _overall_var=(oa, ob, ovaa, ovbb, ovab),
        _backend=backend,
    )


def _cross_var(
    za: FloatArray, zb: FloatArray, w: FloatArray, used: FloatArray
) -> FloatArray:
    """Covariance of two weighted means (linearisation), per column."""
    wa = np.where(used > 0, w[:, None] * za, 0.0)
    wb = np.where(used > 0, w[:, None] * zb, 0.0)
    wsum = (w[:, None] * used).sum(axis=0)
    n = used.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = n / (n - 1) * (wa * wb).sum(axis=0) / wsum**2
    return np.where(n > 1, v, np.nan)
