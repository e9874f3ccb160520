r"""Net Promoter Score with Wald and adjusted-Wald intervals, and differences.

NPS = % promoters (9-10) - % detractors (0-6) (Reichheld 2003), computed from
category sums (:mod:`satmodels.csi._category`), so it merges across chunks
and runs on lazy engines.

References
----------
.. [1] Reichheld, F. F. (2003). The one number you need to grow. Harvard
   Business Review, 81(12), 46-54.
.. [2] Rocks, B. (2016). Interval estimation for the "net promoter score".
   The American Statistician, 70(4), 365-372.
.. [3] Woodruff, R. S. (1971). A simple method for approximating the
   variance of a complicated estimate. JASA, 66(334), 411-414.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
from scipy import special

from .._validation import check_confidence_level
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import SmallSampleWarning
from ..results._estimates import Estimates, estimates
from ..scales import Scale
from ..stats.intervals import normal_quantile, wilson_interval
from ..stats.moments import MissingReport
from ._category import Gathered, Sums, assemble, collapse, gather, read_answers
from ._estimated import EstimatedResult, Refit, check_choice, fmt

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["NPSDifferenceResult", "NPSResult", "nps", "nps_difference"]

NPSMethod = Literal["wald", "adjusted_wald"]
_NPS_SCALE = Scale.likert(0, 10)
_NPS_GROUPS = [
    np.arange(11.0) <= 6,
    (np.arange(11.0) >= 7) & (np.arange(11.0) <= 8),
    np.arange(11.0) >= 9,
]


# ----------------------------------------------------------------- results
@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class NPSResult(EstimatedResult):
    """Net Promoter Score with its standard error and interval.

    Attributes
    ----------
    estimates : Estimates
        Row ``("nps", "nps")``: the NPS in percent (-100 ... 100), its
        standard error under ``method`` and the interval (clipped to
        [-100, 100]); rows ``("share", "promoters" | "passives" |
        "detractors")``: the (weighted) shares in percent with Wilson
        intervals. Segment rows follow, labelled in ``segment``.
    confidence_level : float
    method : str
        ``"wald"`` or ``"adjusted_wald"`` (Rocks 2016).
    n : int
        Respondents used (non-missing, positive weight).
    promoters, passives, detractors : int
        Respondents in each group (unweighted counts).
    weighted : bool
    effective_n : float
        Kish's effective sample size (``n`` when unweighted).
    missing_report : MissingReport
        Rows read, used and excluded (missing answer, zero weight).
    segments : dict of str to NPSResult or None
        The same statistics per segment (sorted labels), None without
        ``segments``.
    nps, standard_error, ci_low, ci_high : float
        The headline row (properties).
    """

    estimates: Estimates
    confidence_level: float
    method: str
    n: int
    promoters: int
    passives: int
    detractors: int
    weighted: bool
    effective_n: float
    missing_report: MissingReport | None
    segments: dict[str, NPSResult] | None = None
    _centre: float = field(default=math.nan, repr=False)
    _refit: Refit | None = field(default=None, repr=False)

    @property
    def nps(self) -> float:
        """Promoters minus detractors, in percent."""
        return float(self.estimates.estimate[0])

    @property
    def standard_error(self) -> float:
        """Standard error of ``nps`` (percentage points)."""
        return float(self.estimates.standard_error[0])

    @property
    def ci_low(self) -> float:
        """Lower bound of the NPS interval at ``confidence_level``."""
        return float(self.estimates.ci_low[0])

    @property
    def ci_high(self) -> float:
        """Upper bound of the NPS interval at ``confidence_level``."""
        return float(self.estimates.ci_high[0])

    def plot(self, ax: Axes | None = None, *, segments: bool = True) -> Axes:
        """Draw the detractor, passive and promoter shares as bars.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; default a new figure.
        segments : bool, default True
            Group the segments, when the result has them.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from satmodels.csi import nps
        >>> ax = nps([10, 9, 9, 10, 9, 7, 8, 8, 3, 6]).plot()
        >>> [float(bar.get_height()) for bar in ax.patches]  # detractors ... promoters
        [20.0, 30.0, 50.0]
        >>> plt.close(ax.figure)
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        return charts.bars(self, ax=ax, segments=segments)

    def _title(self) -> str:
        return "Net Promoter Score"

    def _notes(self) -> tuple[str, ...]:
        return (
            f"{self.method} interval; promoters answer 9-10, detractors 0-6 "
            "(Reichheld 2003; Rocks 2016).",
        )

    def __repr__(self) -> str:
        pct = f"{100 * self.confidence_level:g}%"
        seg = "" if self.segments is None else f", segments={len(self.segments)}"
        return (
            f"NPSResult(nps={fmt(self.nps)}, {pct} CI [{fmt(self.ci_low)}, "
            f"{fmt(self.ci_high)}], n={self.n}, method={self.method!r}{seg})"
        )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class NPSDifferenceResult(EstimatedResult):
    """Difference of two independent Net Promoter Scores.

    Attributes
    ----------
    estimates : Estimates
        One row ``("difference", "nps")``: ``first.nps - second.nps``
        (percentage points), ``sqrt(se_1^2 + se_2^2)``, the z statistic and
        two-sided p-value of equal NPS, and the interval (clipped to
        [-200, 200]).
    confidence_level : float
    first, second : NPSResult
    difference, standard_error, ci_low, ci_high, statistic, pvalue : float
        The row (properties).
    """

    estimates: Estimates
    confidence_level: float
    first: NPSResult
    second: NPSResult
    missing_report: MissingReport | None = None
    _refit: Refit | None = field(default=None, repr=False)

    @property
    def difference(self) -> float:
        """``first.nps - second.nps``."""
        return float(self.estimates.estimate[0])

    @property
    def standard_error(self) -> float:
        """Standard error of the difference."""
        return float(self.estimates.standard_error[0])

    @property
    def ci_low(self) -> float:
        """Lower interval bound."""
        return float(self.estimates.ci_low[0])

    @property
    def ci_high(self) -> float:
        """Upper interval bound."""
        return float(self.estimates.ci_high[0])

    @property
    def statistic(self) -> float:
        """Wald z of equal NPS."""
        return float(self.estimates.statistic[0])

    @property
    def pvalue(self) -> float:
        """Two-sided p-value of ``statistic``."""
        return float(self.estimates.pvalue[0])

    def _title(self) -> str:
        return "Difference of two NPS"

    def _notes(self) -> tuple[str, ...]:
        return (
            f"first: NPS {fmt(self.first.nps)} (n = {self.first.n}); second: "
            f"NPS {fmt(self.second.nps)} (n = {self.second.n}); independent "
            "samples (Rocks 2016, sec. 5).",
        )

    def __repr__(self) -> str:
        pct = f"{100 * self.confidence_level:g}%"
        return (
            f"NPSDifferenceResult(difference={fmt(self.difference)}, {pct} CI "
            f"[{fmt(self.ci_low)}, {fmt(self.ci_high)}], p={fmt(self.pvalue, 4)})"
        )


# ------------------------------------------------------------------ kernels
@dataclass(frozen=True, slots=True)
class _Fit:
    nps: float
    se: float
    low: float
    high: float
    centre: float
    n_eff: float
    shares: np.ndarray[tuple[int], np.dtype[np.float64]]


def _nps_kernel(
    wsum: np.ndarray[tuple[int], np.dtype[np.float64]],
    w2sum: np.ndarray[tuple[int], np.dtype[np.float64]],
    confidence_level: float,
    method: str,
) -> _Fit:
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
    return _Fit(
        nps=100.0 * score,
        se=100.0 * se,
        low=max(100.0 * (centre - z * se), -100.0),
        high=min(100.0 * (centre + z * se), 100.0),
        centre=100.0 * centre,
        n_eff=n_eff,
        shares=shares,
    )


def _z_test(centre: float, se: float) -> tuple[float, float]:
    """Wald z of 0 and its two-sided p (NaN when the SE is not positive)."""
    if not se > 0:
        return math.nan, math.nan
    z = centre / se
    return z, float(2.0 * special.ndtr(-abs(z)))


def _nps_estimates(
    sums: Sums, level: float, method: str, backend: str | None
) -> tuple[Estimates, _Fit, Sums]:
    grouped = collapse(sums, _NPS_GROUPS)
    counts, wsum, w2sum = grouped
    fit = _nps_kernel(wsum, w2sum, level, method)
    z, p = _z_test(fit.centre, fit.se)
    lo, hi = wilson_interval(fit.shares * fit.n_eff, np.full(3, fit.n_eff), level)
    n = float(counts.sum())
    est = estimates(
        kind=("nps", "share", "share", "share"),
        name=("nps", "promoters", "passives", "detractors"),
        estimate=[fit.nps, *(100.0 * fit.shares[::-1])],
        standard_error=[fit.se, math.nan, math.nan, math.nan],
        statistic=[z, math.nan, math.nan, math.nan],
        pvalue=[p, math.nan, math.nan, math.nan],
        ci_low=[fit.low, *(100.0 * lo[::-1])],
        ci_high=[fit.high, *(100.0 * hi[::-1])],
        n=n,
        interval=("normal", "wilson", "wilson", "wilson"),
        confidence_level=level,
        backend=backend,
    )
    return est, fit, grouped


def _nps_result(
    gathered: Gathered, level: float, method: str, backend: str | None
) -> NPSResult:
    def one(sums: Sums, report: MissingReport | None, lv: float) -> NPSResult:
        est, fit, (counts, _, _) = _nps_estimates(sums, lv, method, backend)
        return NPSResult(
            estimates=est,
            confidence_level=lv,
            method=method,
            n=int(counts.sum()),
            promoters=int(counts[2]),
            passives=int(counts[1]),
            detractors=int(counts[0]),
            weighted=gathered.weighted,
            effective_n=fit.n_eff,
            missing_report=report,
            _centre=fit.centre,
            _refit=lambda v: _nps_estimates(sums, v, method, backend)[0],
        )

    return assemble(gathered, one, level)


# ---------------------------------------------------------------------- NPS
def nps(
    data: object,
    *,
    items: str | Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    method: NPSMethod = "wald",
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> NPSResult:
    r"""Net Promoter Score with standard error and confidence interval.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or CategoryCounts
        Likelihood-to-recommend answers, integers 0-10. A lazy frame is
        counted on its engine; :class:`~satmodels.stats.CategoryCounts`
        (for instance merged from chunks) are used as they are.
    items : str, optional
        The answer column (default: the only column not used for weights or
        segments).
    columns : sequence of str, optional
        Names of an array's columns, or the columns of a frame to use.
    weights : array_like or str, optional
        Case weights (or the name of their column).
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Segment label per row (or a column name); ``result.segments`` holds
        one result per label.
    method : {"wald", "adjusted_wald"}
        ``"wald"``: the multinomial (trinomial) normal interval;
        ``"adjusted_wald"``: Rocks' (2016) small-sample adjustment, which adds
        3/4 to promoters and to detractors and 3 to n.
    confidence_level : float
    nan_policy : {"omit", "raise"}
        Missing answers are excluded (and counted in ``missing_report``), or
        raise.

    Returns
    -------
    NPSResult

    Warns
    -----
    SmallSampleWarning
        Wald interval of a sample whose answers all fall in one group.

    Raises
    ------
    InputError
        An answer outside 0-10 or not an integer (the message names the
        column, the 1-based row and the value), bad weights, weights so
        large that their sums overflow, or no usable answer.

    Notes
    -----
    .. math::

        \mathrm{NPS} = 100\,(p_P - p_D), \qquad
        \widehat{\mathrm{SE}} = 100 \sqrt{(p_P + p_D - (p_P - p_D)^2) / n}

    (Rocks 2016, eq. 2). With case weights the shares are weighted and the
    variance is the linearisation variance
    :math:`\sum_c W^{(2)}_c (z_c - \mathrm{NPS})^2 / W^2` with scores
    :math:`z = -1, 0, 1` (Woodruff 1971). The statistic and p-value test
    NPS = 0.

    Minimum sample: one answer gives the score. When every answer falls in
    one group the Wald standard error is 0 and its interval has no width
    (the statistic and p-value are then NaN, with a
    :class:`~satmodels.exceptions.SmallSampleWarning`); Rocks (2016)
    recommends the adjusted Wald interval for small samples.

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
    >>> round(r.nps, 1), round(r.standard_error, 1)
    (30.0, 24.7)
    >>> r.promoters, r.passives, r.detractors
    (5, 3, 2)
    """
    if design is not None:
        return fit_with_design(nps, locals())
    where = "nps"
    method = check_choice(method, ("wald", "adjusted_wald"), "method", where)  # type: ignore[assignment]
    level, _, table = read_answers(
        data,
        where,
        items=items,
        columns=columns,
        weights=weights,
        segments=segments,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
    )
    gathered = gather(table, scale=_NPS_SCALE, nan_policy=nan_policy, where=where)
    result = _nps_result(gathered, level, method, table.backend)
    rows = result.estimates.select("nps")
    flat = [
        seg or "all"
        for seg, se in zip(rows.segment, rows.standard_error, strict=True)
        if se == 0
    ]
    if flat:
        msg = (
            f"{where}: every answer falls in one group ({flat}), so the Wald "
            "standard error is 0 and the interval has no width; "
            "method='adjusted_wald' (Rocks 2016) gives a usable interval."
        )
        warnings.warn(msg, SmallSampleWarning, stacklevel=2)
    return result


def nps_difference(
    first: object,
    second: object,
    *,
    items: str | None = None,
    weights: object = None,
    method: NPSMethod = "wald",
    confidence_level: float = 0.95,
) -> NPSDifferenceResult:
    r"""Difference of two independent Net Promoter Scores with its interval.

    Parameters
    ----------
    first, second : NPSResult, or data as for :func:`nps`
        Results of :func:`nps` (their ``method`` and weights are kept), or
        two independent samples of 0-10 answers, each passed to :func:`nps`
        with ``items``, ``weights`` (a column name, when given) and
        ``method``.
    items : str, optional
        The answer column of raw samples.
    weights : str, optional
        The weight column of raw samples.
    method : {"wald", "adjusted_wald"}
        Interval method for raw samples.
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
    independent; this interval does not apply to them. When both standard
    errors are 0 the statistic and p-value are NaN.

    Examples
    --------
    >>> from satmodels.csi import nps_difference
    >>> d = nps_difference([10, 9, 9, 8, 3], [10, 6, 5, 8, 3])
    >>> round(d.difference, 1)
    80.0
    """
    where = "nps_difference"
    level = check_confidence_level(confidence_level, where)

    def side(sample: object) -> NPSResult:
        if isinstance(sample, NPSResult):
            return sample
        return nps(
            sample,
            items=items,
            weights=weights,
            method=method,
            confidence_level=level,
        )

    a, b = side(first), side(second)
    diff = a.nps - b.nps
    centre = a._centre - b._centre
    se = math.hypot(a.standard_error, b.standard_error)
    zstat, p = _z_test(centre, se)
    backend = a.estimates._backend

    def build(lv: float) -> Estimates:
        z = normal_quantile(lv)
        return estimates(
            kind="difference",
            name=("nps",),
            estimate=diff,
            standard_error=se,
            statistic=zstat,
            pvalue=p,
            ci_low=max(centre - z * se, -200.0),
            ci_high=min(centre + z * se, 200.0),
            n=a.n + b.n,
            interval="normal",
            confidence_level=lv,
            backend=backend,
        )

    return NPSDifferenceResult(
        estimates=build(level),
        confidence_level=level,
        first=a,
        second=b,
        _refit=build,
    )
