r"""Importance-performance analysis and penalty-reward contrast analysis.

Importance-performance analysis (IPA; Martilla & James 1977) places every
attribute on a grid of performance (its mean rating) against importance
(stated, or derived from the attributes' relation to overall satisfaction),
with cross-hairs at the data means or at the scale midpoints, and reads the
four quadrants: *concentrate here* (important, under-performing), *keep up
the good work*, *low priority* and *possible overkill*.

Penalty-reward contrast analysis (PRCA; Brandt 1987) regresses overall
satisfaction on two dummies per attribute, one for low and one for high
performance (the middle category is the reference). The low-dummy
coefficient is the *penalty*, the high-dummy coefficient the *reward*;
attributes whose penalty outweighs their reward are *basic* factors,
those whose reward outweighs their penalty *excitement* factors, and the
rest *performance* factors (Matzler & Sauerwein 2002; Mikulić & Prebežac
2008). Both analyses run on Moments (PRCA on the Moments of the dummies).

References
----------
.. [1] Martilla, J. A., & James, J. C. (1977). Importance-performance
   analysis. Journal of Marketing, 41(1), 77-79.
.. [2] Brandt, D. R. (1987). A procedure for identifying value-enhancing
   service components using customer satisfaction survey data. In
   Surprenant (Ed.), Add Value to Your Service (pp. 61-65). AMA.
.. [3] Matzler, K., & Sauerwein, E. (2002). The factor structure of customer
   satisfaction. International Journal of Service Industry Management,
   13(4), 314-332.
.. [4] Mikulić, J., & Prebežac, D. (2008). Prioritizing improvement of
   service attributes using impact range-performance analysis and impact-
   asymmetry analysis. Managing Service Quality, 18(6), 559-576.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from .._typing import FloatArray
from .._validation import validated
from ..exceptions import EstimationError, InputError
from ..results._base import ResultMixin
from ..results._summary import Summary, table
from ..scales import Scale
from ..stats.moments import Moments, moments_of
from ._common import column_data
from ._drivers import ImportanceResult, key_drivers
from ._options import DriverMethod, IPAOptions, PRCAOptions

__all__ = ["IPAResult", "PRCAResult", "ipa", "prca"]

QUADRANTS = {
    (True, False): "concentrate here",
    (True, True): "keep up the good work",
    (False, False): "low priority",
    (False, True): "possible overkill",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class IPAResult(ResultMixin):
    """Importance-performance grid.

    Attributes
    ----------
    performance : dict of str to float
        Mean rating per attribute (on its scale).
    performance_100 : dict of str to float
        Performance rescaled to 0-100 (NaN without a scale).
    importance : dict of str to float
        Stated or derived importance.
    quadrant : dict of str to str
        "concentrate here", "keep up the good work", "low priority" or
        "possible overkill" (Martilla & James 1977).
    performance_centre, importance_centre : float
        The cross-hairs.
    centre : str
        ``"data"`` or ``"scale"``.
    importance_source : str
        ``"stated"`` or the derivation method.
    n : int
    drivers : ImportanceResult or None
        The derived-importance result, when importance was derived.
    """

    performance: dict[str, float]
    performance_100: dict[str, float]
    importance: dict[str, float]
    quadrant: dict[str, str]
    performance_centre: float
    importance_centre: float
    centre: str
    importance_source: str
    n: int
    drivers: ImportanceResult | None = None

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "attribute": k,
                "performance": v,
                "performance_100": self.performance_100[k],
                "importance": self.importance[k],
                "quadrant": self.quadrant[k],
            }
            for k, v in self.performance.items()
        ]

    def summary(self) -> Summary:
        """Attribute table with quadrants."""
        rows = [list(r.values()) for r in self._records()]
        return Summary(
            title="Importance-performance analysis",
            tables=(
                table(
                    "",
                    [
                        "attribute",
                        "performance",
                        "perf_0_100",
                        "importance",
                        "quadrant",
                    ],
                    rows,
                    digits=3,
                ),
            ),
            notes=(
                f"Cross-hairs ({self.centre}-centred): performance "
                f"{self.performance_centre:.3f}, "
                f"importance {self.importance_centre:.3f}; importance "
                f"{self.importance_source} "
                "(Martilla & James 1977).",
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PRCAResult(ResultMixin):
    """Penalty-reward contrast analysis.

    Attributes
    ----------
    penalty, reward : dict of str to float
        Coefficients of the low- and high-performance dummies.
    penalty_se, reward_se : dict of str to float
    asymmetry : dict of str to float
        ``reward + penalty`` (reward minus the size of a negative penalty).
    asymmetry_p : dict of str to float
        Two-sided t-test p-value of ``asymmetry = 0``.
    impact_asymmetry : dict of str to float
        ``(reward - |penalty|) / (reward + |penalty|)`` (Mikulić & Prebežac
        2008).
    factor : dict of str to str
        "basic", "performance" or "excitement".
    low_values, high_values : tuple of float
        Answers coded as low and as high performance.
    r_squared : float
    n : int
    n_missing : int
    confidence_level : float
        Test level used for the classification.
    """

    penalty: dict[str, float]
    reward: dict[str, float]
    penalty_se: dict[str, float]
    reward_se: dict[str, float]
    asymmetry: dict[str, float]
    asymmetry_p: dict[str, float]
    impact_asymmetry: dict[str, float]
    factor: dict[str, str]
    low_values: tuple[float, ...]
    high_values: tuple[float, ...]
    r_squared: float
    n: int
    n_missing: int
    confidence_level: float

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "attribute": k,
                "penalty": v,
                "penalty_se": self.penalty_se[k],
                "reward": self.reward[k],
                "reward_se": self.reward_se[k],
                "asymmetry": self.asymmetry[k],
                "asymmetry_p": self.asymmetry_p[k],
                "impact_asymmetry": self.impact_asymmetry[k],
                "factor": self.factor[k],
            }
            for k, v in self.penalty.items()
        ]

    def summary(self) -> Summary:
        """Penalty, reward and three-factor class per attribute."""
        rows = [
            [r["attribute"], r["penalty"], r["reward"], r["asymmetry_p"], r["factor"]]
            for r in self._records()
        ]
        return Summary(
            title="Penalty-reward contrast analysis (Brandt 1987)",
            tables=(
                table(
                    "",
                    ["attribute", "penalty", "reward", "p(asym)", "factor"],
                    rows,
                    digits=3,
                ),
            ),
            notes=(
                f"Low = {list(self.low_values)}, high = {list(self.high_values)}; "
                f"R-squared = {self.r_squared:.3f}, "
                f"n = {self.n}. basic: penalty outweighs reward, excitement: reward "
                "outweighs penalty "
                f"(t-test at {self.confidence_level:.0%}).",
            ),
        )


def ipa(
    data: object,
    *,
    attributes: Sequence[str],
    overall: str | None = None,
    importance: Mapping[str, float | str] | None = None,
    method: DriverMethod = "shapley",
    scale: Scale | None = None,
    importance_scale: Scale | None = None,
    centre: Literal["data", "scale"] = "data",
    weights: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> IPAResult:
    r"""Importance-performance analysis (Martilla & James 1977).

    Parameters
    ----------
    data : dataframe, array_like, lazy frame or Moments
        Respondents x columns holding the attributes (and the overall
        rating / stated-importance columns), or their Moments (a lazy frame
        is reduced to Moments on its engine).
    attributes : sequence of str
        Performance columns (for an array: its column names in order).
    overall : str, optional
        Overall-satisfaction column; importance is then derived by
        ``method`` unless ``importance`` is given.
    importance : mapping of str to float or str, optional
        Stated importance per attribute: a number, or the name of a column
        whose mean is the stated importance.
    method : {"shapley", "relative_weights", "correlation", "regression"}
        Derivation method when importance is derived.
    scale : Scale, optional
        Attribute scale: rescales performance to 0-100 and gives the
        scale-centred performance cross-hair (its midpoint).
    importance_scale : Scale, optional
        Scale of stated importance columns (its midpoint is the scale-centred
        importance cross-hair).
    centre : {"data", "scale"}
        Cross-hairs at the means over attributes (data-centred) or at the
        scale midpoints (scale-centred; derived importance, having no scale,
        keeps its mean).
    weights : array_like or str, optional
    nan_policy : {"omit", "raise"}

    Returns
    -------
    IPAResult

    Notes
    -----
    An attribute is *important* when its importance is at least the
    importance cross-hair and *performing* when its performance is at least
    the performance cross-hair.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.csi import ipa
    >>> x = np.array([[5, 2, 4], [4, 3, 5], [5, 2, 3], [3, 4, 4]], dtype=float)
    >>> r = ipa(
    ...     x, attributes=["a", "b", "c"], importance={"a": 0.2, "b": 0.5, "c": 0.3}
    ... )
    >>> r.quadrant["b"]
    'concentrate here'
    """
    where = "ipa"
    validated(IPAOptions, where, method=method, centre=centre, nan_policy=nan_policy)
    attrs = list(attributes)
    if not attrs:
        msg = f"The 'attributes' parameter of {where} must name at least one column."
        raise InputError(msg)
    stated_cols: list[str] = []
    if importance is not None:
        unknown = set(importance) - set(attrs)
        missing = [a for a in attrs if a not in importance]
        if unknown or missing:
            msg = (
                f"The 'importance' parameter of {where} must have one entry per "
                f"attribute; unknown {sorted(unknown)}, missing {missing}."
            )
            raise InputError(msg)
        stated_cols = [v for v in importance.values() if isinstance(v, str)]
    elif overall is None:
        msg = (
            f"{where} needs stated 'importance' or an 'overall' column to derive it "
            "from."
        )
        raise InputError(msg)
    extra = (
        [overall] if overall is not None and importance is None else []
    ) + stated_cols
    from ..data import _frames  # noqa: PLC0415

    needed = list(dict.fromkeys([*attrs, *extra]))
    listwise: Moments | None = None
    if isinstance(data, Moments):
        m = data.select(needed)
        listwise = m
    elif _frames.is_lazy(data):
        m = moments_of(
            data,
            columns=needed,
            weights=weights,
            missing="pairwise",
            nan_policy=nan_policy,
            name="data",
            where=where,
        )
        if importance is None:
            listwise = moments_of(
                data,
                columns=needed,
                weights=weights,
                nan_policy=nan_policy,
                name="data",
                where=where,
            )
    else:
        if _frames.is_frame(data):
            x, cols, w, _ = column_data(
                data, columns=needed, weights=weights, name="data", where=where
            )
        else:
            x, cols, w, _ = column_data(
                data, columns=None, weights=weights, name="data", where=where
            )
            names = needed
            if x.shape[1] != len(names):
                msg = (
                    f"The array 'data' of {where} must have one column per "
                    f"attribute (+ overall / stated columns): {names}. Got "
                    f"{x.shape[1]} columns."
                )
                raise InputError(msg)
            cols = tuple(names)
        if scale is not None:
            scale.check(x[:, : len(attrs)], columns=attrs, name="data", where=where)
        m = moments_of(
            x,
            columns=cols,
            weights=w,
            missing="pairwise",
            nan_policy=nan_policy,
            name="data",
            where=where,
        )
        if importance is None:
            listwise = moments_of(
                x,
                columns=cols,
                weights=w,
                nan_policy=nan_policy,
                name="data",
                where=where,
            )
    cols = m.columns
    means = dict(zip(cols, m.mean.tolist(), strict=True))
    perf = {a: float(means[a]) for a in attrs}
    perf100 = {
        a: float(scale.rescale(v)) if scale is not None else math.nan
        for a, v in perf.items()
    }
    drivers = None
    if importance is not None:
        imp = {
            a: float(means[v]) if isinstance(v, str) else float(v)
            for a, v in importance.items()
        }
        source = "stated"
    else:
        assert overall is not None  # noqa: S101 - checked above
        assert listwise is not None  # noqa: S101 - computed above
        drivers = key_drivers(listwise, overall, columns=attrs, method=method)
        imp = dict(drivers.importance)
        source = f"derived ({method})"
    if centre == "scale":
        pc = (
            (scale.minimum + scale.maximum) / 2
            if scale is not None
            else float(np.mean(list(perf.values())))
        )
        if importance_scale is not None:
            ic = (importance_scale.minimum + importance_scale.maximum) / 2
        else:
            ic = float(np.mean(list(imp.values())))
    else:
        pc = float(np.mean(list(perf.values())))
        ic = float(np.mean(list(imp.values())))
    quad = {a: QUADRANTS[(imp[a] >= ic, perf[a] >= pc)] for a in attrs}
    return IPAResult(
        performance=perf,
        performance_100=perf100,
        importance=imp,
        quadrant=quad,
        performance_centre=pc,
        importance_centre=ic,
        centre=centre,
        importance_source=source,
        n=m.missing_report.rows_used,
        drivers=drivers,
    )


def _ols_from_moments(m: Moments) -> tuple[FloatArray, FloatArray, float]:
    r"""OLS slopes, their covariance and R-squared from Moments (outcome last).

    :math:`b = S_{xx}^{-1} s_{xy}`, :math:`\hat\sigma^2 = (s_{yy} -
    s_{xy}^\top b)(n-1)/(n-q-1)`, :math:`\mathrm{Cov}(b) = \hat\sigma^2
    S_{xx}^{-1}/(n-1)` with the covariance matrix S (divisor n - 1).
    """
    S = m.covariance()
    q = S.shape[0] - 1
    n = float(m.effective_n()[0]) if m.weighted else float(m.n)
    Sxx, sxy, syy = S[:q, :q], S[:q, q], S[q, q]
    inv = np.linalg.inv(Sxx)
    b = inv @ sxy
    resid = max(float(syy - sxy @ b), 0.0)
    dof = n - q - 1
    sigma2 = resid * (n - 1) / dof
    return b, sigma2 * inv / (n - 1), 1.0 - resid / float(syy)


def prca(
    data: object,
    *,
    attributes: Sequence[str],
    overall: str,
    scale: Scale,
    low: Sequence[float] | None = None,
    high: Sequence[float] | None = None,
    weights: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> PRCAResult:
    r"""Penalty-reward contrast analysis with the three-factor classification.

    Parameters
    ----------
    data : dataframe or array_like
        Respondents x columns (attributes, then overall, for an array).
    attributes : sequence of str
        Attribute performance columns.
    overall : str
        Overall-satisfaction column.
    scale : Scale
        The attributes' (discrete) answer scale.
    low, high : sequence of float, optional
        Answers coded as low / high performance. Default: the points below /
        above the scale midpoint (1-2 and 4-5 on 1-5); the rest is the
        reference category.
    weights : array_like or str, optional
    confidence_level : float
        Level of the asymmetry test used to classify.
    nan_policy : {"omit", "raise"}

    Returns
    -------
    PRCAResult

    Raises
    ------
    EstimationError
        A dummy without variance (nobody in an attribute's low or high
        group) or too few respondents.

    Notes
    -----
    Model (Brandt 1987): :math:`y = a + \sum_j (p_j L_j + r_j H_j) + e` with
    :math:`L_j = 1[x_j \in \mathrm{low}]`, :math:`H_j = 1[x_j \in
    \mathrm{high}]`. Class of attribute j from the t-test of
    :math:`r_j + p_j = 0` (reward equal to the size of the penalty): basic
    when significantly negative, excitement when significantly positive,
    performance otherwise. Coefficients are checked against
    ``numpy.linalg.lstsq`` on the dummy matrix in the tests.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels import Scale
    >>> from satmodels.csi import prca
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(1, 6, size=(400, 2)).astype(float)
    >>> y = 5 - 2.0 * (x[:, 0] <= 2) + 2.0 * (x[:, 1] >= 4) + rng.normal(size=400)
    >>> r = prca(
    ...     np.column_stack([x, y]),
    ...     attributes=["a", "b"],
    ...     overall="y",
    ...     scale=Scale.likert(1, 5),
    ... )
    >>> r.factor
    {'a': 'basic', 'b': 'excitement'}
    """
    where = "prca"
    level = validated(
        PRCAOptions, where, confidence_level=confidence_level, nan_policy=nan_policy
    ).confidence_level
    pts = np.asarray(scale.points(), dtype=np.float64)
    if pts.size < 3:
        msg = (
            f"The 'scale' parameter of {where} must be discrete with at least 3 "
            f"points. Got {scale.describe()}."
        )
        raise InputError(msg)
    mid = (scale.minimum + scale.maximum) / 2
    lows = tuple(float(v) for v in (low if low is not None else pts[pts < mid]))
    highs = tuple(float(v) for v in (high if high is not None else pts[pts > mid]))
    if set(lows) & set(highs) or not lows or not highs:
        msg = (
            f"The 'low' and 'high' parameters of {where} must be non-empty and "
            f"disjoint. Got low={lows}, high={highs}."
        )
        raise InputError(msg)
    attrs = list(attributes)

    x, _, w, _ = column_data(
        data, columns=[*attrs, overall], weights=weights, name="data", where=where
    )
    scale.check(x[:, :-1], columns=attrs, name="data", where=where)
    perf = x[:, :-1]
    low_d = np.where(np.isnan(perf), np.nan, np.isin(perf, lows).astype(np.float64))
    high_d = np.where(np.isnan(perf), np.nan, np.isin(perf, highs).astype(np.float64))
    design = np.column_stack([low_d, high_d, x[:, -1]])
    dcols = [f"{a}:low" for a in attrs] + [f"{a}:high" for a in attrs] + [overall]
    m = moments_of(
        design,
        columns=dcols,
        weights=w,
        nan_policy=nan_policy,
        name="data",
        where=where,
    )
    var = m.variance()[:-1]
    if np.any(~(var > 0)):
        bad = [c for c, v in zip(dcols[:-1], var, strict=True) if not v > 0]
        msg = (
            f"{where}: no variation in the dummy/dummies {bad} (nobody, or everybody, "
            "in that group); choose other 'low'/'high' answers."
        )
        raise EstimationError(msg)
    q = 2 * len(attrs)
    if m.n <= q + 1:
        msg = f"{where} needs more than {q + 1} complete respondents; got {m.n}."
        raise EstimationError(msg)
    b, cov, r2 = _ols_from_moments(m)
    k = len(attrs)
    pen, rew = b[:k], b[k:]
    se = np.sqrt(np.diagonal(cov))
    asym = rew + pen
    idx = np.arange(k)
    asym_se = np.sqrt(cov[idx, idx] + cov[idx + k, idx + k] + 2 * cov[idx, idx + k])
    dof = m.n - q - 1
    tval = asym / asym_se
    pval = 2 * stats.t.sf(np.abs(tval), dof)
    alpha = 1 - level
    factor = {}
    for j, a in enumerate(attrs):
        if pval[j] < alpha:
            factor[a] = "excitement" if asym[j] > 0 else "basic"
        else:
            factor[a] = "performance"
    ia = (rew - np.abs(pen)) / (rew + np.abs(pen))
    return PRCAResult(
        penalty=dict(zip(attrs, pen.tolist(), strict=True)),
        reward=dict(zip(attrs, rew.tolist(), strict=True)),
        penalty_se=dict(zip(attrs, se[:k].tolist(), strict=True)),
        reward_se=dict(zip(attrs, se[k:].tolist(), strict=True)),
        asymmetry=dict(zip(attrs, asym.tolist(), strict=True)),
        asymmetry_p=dict(zip(attrs, pval.tolist(), strict=True)),
        impact_asymmetry=dict(zip(attrs, ia.tolist(), strict=True)),
        factor=factor,
        low_values=lows,
        high_values=highs,
        r_squared=r2,
        n=m.n,
        n_missing=m.missing_report.rows_excluded,
        confidence_level=level,
    )
