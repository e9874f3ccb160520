r"""CSAT top-box share and Customer Effort Score with intervals.

Both come from category sums (:mod:`satmodels.csi._category`), so they run
on rows, on merged :class:`~satmodels.stats.CategoryCounts` and on lazy
engines alike.

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
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from .._typing import FloatArray
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError, SatmodelsWarning
from ..results._estimates import Estimates, estimates
from ..scales import Scale
from ..stats.moments import MissingReport
from ._category import Sums, assemble, gather, linearised_mean, read_answers, share_one
from ._estimated import EstimatedResult, Refit, fmt

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["CESResult", "CSATResult", "ces", "csat"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class CSATResult(EstimatedResult):
    """Top-box customer-satisfaction share with Wilson's interval.

    Attributes
    ----------
    estimates : Estimates
        Row ``("share", "csat")``: the (weighted) share in the top boxes in
        percent, with Wilson's (1927) interval (Kish's effective n when
        weighted); segment rows follow.
    confidence_level : float
    scale : Scale
        The answer scale used (``name == "observed min-max"`` when none was
        given).
    top_values : tuple of float or None
        The answers counted as satisfied (None for an interval scale, where
        answers above ``maximum - top_box`` count).
    satisfied : int
        Respondents in the top boxes.
    n : int
    weighted : bool
    effective_n : float
    missing_report : MissingReport or None
    segments : dict of str to CSATResult or None
    csat, ci_low, ci_high : float
        The headline row (properties).
    """

    estimates: Estimates
    confidence_level: float
    scale: Scale
    top_values: tuple[float, ...] | None
    satisfied: int
    n: int
    weighted: bool
    effective_n: float
    missing_report: MissingReport | None
    segments: dict[str, CSATResult] | None = None
    _refit: Refit | None = field(default=None, repr=False)

    @property
    def csat(self) -> float:
        """Share of satisfied respondents, percent."""
        return float(self.estimates.estimate[0])

    @property
    def ci_low(self) -> float:
        """Lower Wilson bound (percent)."""
        return float(self.estimates.ci_low[0])

    @property
    def ci_high(self) -> float:
        """Upper Wilson bound (percent)."""
        return float(self.estimates.ci_high[0])

    def plot(self, ax: Axes | None = None, *, segments: bool = True) -> Axes:
        """Draw the top-box share with its Wilson interval as a bar.

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
        >>> from satmodels.csi import csat
        >>> ax = csat([10, 9, 8, 7, 10, 2], scale=(1, 10)).plot()
        >>> float(ax.patches[0].get_height())  # 9 and 10 are the top boxes
        50.0
        >>> plt.close(ax.figure)
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        return charts.bars(self, ax=ax, segments=segments)

    def _title(self) -> str:
        return "Customer satisfaction (top-box share, %)"

    def _notes(self) -> tuple[str, ...]:
        tops = (
            ", ".join(f"{v:g}" for v in self.top_values)
            if self.top_values is not None
            else "the top boxes"
        )
        notes = [f"Satisfied = answers {tops}; Wilson (1927) interval."]
        if self.scale.name == "observed min-max":
            notes.append(
                f"No scale given: the observed range {self.scale.describe()} was used."
            )
        return tuple(notes)

    def __repr__(self) -> str:
        pct = f"{100 * self.confidence_level:g}%"
        return (
            f"CSATResult(csat={fmt(self.csat)}, {pct} CI [{fmt(self.ci_low)}, "
            f"{fmt(self.ci_high)}], n={self.n}, scale={self.scale.describe()!r})"
        )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class CESResult(EstimatedResult):
    """Customer Effort Score: mean answer and share agreeing.

    Attributes
    ----------
    estimates : Estimates
        Row ``("mean", "mean")``: the (weighted) mean answer with its
        linearisation standard error and t interval (NaN for fewer than 2
        answers); row ``("share", "agree")``: the share (percent) answering
        at or above ``agree_from``, with Wilson's interval. Segment rows
        follow.
    confidence_level : float
    scale : Scale
    agree_from : float
    n : int
    weighted : bool
    effective_n : float
    missing_report : MissingReport or None
    segments : dict of str to CESResult or None
    mean, agree : float
        The headline values (properties).
    """

    estimates: Estimates
    confidence_level: float
    scale: Scale
    agree_from: float
    n: int
    weighted: bool
    effective_n: float
    missing_report: MissingReport | None
    segments: dict[str, CESResult] | None = None
    _refit: Refit | None = field(default=None, repr=False)

    @property
    def mean(self) -> float:
        """Mean answer."""
        return float(self.estimates.estimate[0])

    @property
    def agree(self) -> float:
        """Share agreeing, percent."""
        return float(self.estimates.estimate[1])

    def plot(self, ax: Axes | None = None, *, segments: bool = True) -> Axes:
        """Draw the mean answer with its t interval as a bar.

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
        >>> from satmodels.csi import ces
        >>> ax = ces([7, 6, 5, 4, 2, 6]).plot()
        >>> round(float(ax.patches[0].get_height()), 3)
        5.0
        >>> plt.close(ax.figure)
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        return charts.bars(self, ax=ax, segments=segments)

    def _title(self) -> str:
        return "Customer Effort Score"

    def _notes(self) -> tuple[str, ...]:
        return (
            f"Agree = answers >= {self.agree_from:g} on {self.scale.describe()} "
            "(Dixon et al. 2010).",
        )

    def __repr__(self) -> str:
        return (
            f"CESResult(mean={fmt(self.mean, 3)}, agree={fmt(self.agree)}%, "
            f"n={self.n}, confidence_level={self.confidence_level})"
        )


# --------------------------------------------------------------------- CSAT
def _top(scale: Scale, top_box: object, where: str) -> FloatArray | float:
    """Top answers of a discrete scale, or the threshold of an interval one."""
    pts = np.asarray(scale.points(), dtype=np.float64)
    room = len(pts) if pts.size else scale.maximum - scale.minimum
    ok = isinstance(top_box, int) and not isinstance(top_box, bool)
    if not ok or not 1 <= top_box < room:  # type: ignore[operator]
        msg = (
            f"The 'top_box' parameter of {where} must be an integer from 1 to "
            f"{math.ceil(room) - 1} for the {scale.describe()} scale. Got "
            f"{top_box!r} instead."
        )
        raise InputError(msg)
    if pts.size:
        return pts[-int(top_box) :]  # type: ignore[call-overload]
    return float(scale.maximum - top_box)  # type: ignore[operator]


def csat(
    data: object,
    *,
    items: str | Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    scale: Scale | tuple[float, float] | None = None,
    top_box: int = 2,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> CSATResult:
    r"""Compute customer satisfaction as the top-box share (Wilson interval).

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or CategoryCounts
        Satisfaction answers on ``scale`` (one column).
    items : str, optional
        The answer column (default: the only column not used for weights or
        segments).
    columns : sequence of str, optional
        Names of an array's columns, or the columns of a frame to use.
    scale : Scale or (min, max), optional
        The answer scale. A ``(min, max)`` pair is ``Scale.interval``: the
        top boxes are then the answers above ``max - top_box`` (9 and 10 on
        (1, 10) with ``top_box=2``). Default: the observed minimum and
        maximum (the result's ``scale`` says so); a lazy frame needs a
        discrete scale.
    top_box : int
        How many of the highest scale points count as satisfied (2: the
        "top-2-box", e.g. 4-5 on 1-5 or 9-10 on 1-10).
    weights, segments, confidence_level, nan_policy
        As in :func:`~satmodels.csi.nps`.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.

    Returns
    -------
    CSATResult

    Raises
    ------
    InputError
        Answers off the scale (column, 1-based row, value), ``top_box`` out
        of range, no usable answer.

    Notes
    -----
    :math:`\mathrm{CSAT} = 100 \sum_{i:\,x_i \in \mathrm{top}} w_i / \sum_i w_i`.
    The interval is Wilson's (1927) score interval; with case weights it uses
    Kish's (1965) effective sample size :math:`(\sum w)^2 / \sum w^2`.
    Checked against ``statsmodels.stats.proportion.proportion_confint``
    (method "wilson") in the tests. One answer suffices (Wilson's interval
    is defined for any n >= 1).

    Examples
    --------
    >>> from satmodels.csi import csat
    >>> r = csat([10, 9, 8, 7, 10, 2], scale=(1, 10))
    >>> round(r.csat, 2), r.satisfied
    (50.0, 3)
    """
    if design is not None:
        return fit_with_design(csat, locals())
    where = "csat"
    level, sc, table = read_answers(
        data,
        where,
        items=items,
        columns=columns,
        weights=weights,
        segments=segments,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
        scale=scale,
    )
    if sc is not None:
        _top(sc, top_box, where)
    gathered = gather(table, scale=sc, nan_policy=nan_policy, where=where)
    top = _top(gathered.scale, top_box, where)
    if isinstance(top, float):
        hit = gathered.points > top
        tops = None
    else:
        hit = np.isin(gathered.points, top)
        tops = tuple(float(v) for v in top)
    backend = table.backend

    def one(sums: Sums, report: MissingReport | None, lv: float) -> CSATResult:
        p, lo, hi, k, n, n_eff = share_one(sums, hit, lv)
        est = estimates(
            kind="share",
            name=("csat",),
            estimate=100.0 * p,
            ci_low=100.0 * lo,
            ci_high=100.0 * hi,
            n=n,
            interval="wilson",
            confidence_level=lv,
            backend=backend,
        )
        return CSATResult(
            estimates=est,
            confidence_level=lv,
            scale=gathered.scale,
            top_values=tops,
            satisfied=k,
            n=n,
            weighted=gathered.weighted,
            effective_n=n_eff,
            missing_report=report,
            _refit=lambda v: one(sums, report, v).estimates,
        )

    return assemble(gathered, one, level)


# ---------------------------------------------------------------------- CES
def ces(
    data: object,
    *,
    items: str | Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    scale: Scale | tuple[float, float] | None = None,
    agree_from: float | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> CESResult:
    r"""Compute the Customer Effort Score: mean answer and share agreeing.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or CategoryCounts
        Answers to the effort statement ("The company made it easy for me to
        handle my issue"), on ``scale``.
    items : str, optional
        The answer column.
    columns : sequence of str, optional
        Names of an array's columns, or the columns of a frame to use.
    scale : Scale or (min, max), optional
        The 1-7 agreement scale of CES 2.0 when omitted (Dixon et al.
        2010). A ``(min, max)`` pair is ``Scale.interval``.
    agree_from : float, optional
        Lowest answer counted as agreeing; default: the first whole number
        above the scale's midpoint (5 on 1-7).
    weights, segments, confidence_level, nan_policy
        As in :func:`~satmodels.csi.nps`.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.

    Returns
    -------
    CESResult

    Warns
    -----
    SatmodelsWarning
        Fewer than 2 answers: the mean has no standard error (NaN interval).

    Notes
    -----
    The mean's interval is :math:`\bar x \pm t_{n-1}\,\mathrm{SE}` with the
    linearisation SE (Woodruff 1971; :math:`s/\sqrt n` unweighted), which
    needs at least 2 answers; the share agreeing has Wilson's interval
    (any n >= 1). The mean has no null hypothesis, so its statistic and
    p-value are NaN.

    Examples
    --------
    >>> from satmodels.csi import ces
    >>> r = ces([7, 6, 5, 4, 2, 6])
    >>> round(r.mean, 3), round(r.agree, 1)
    (5.0, 66.7)
    """
    if design is not None:
        return fit_with_design(ces, locals())
    where = "ces"
    level, sc, table = read_answers(
        data,
        where,
        items=items,
        columns=columns,
        weights=weights,
        segments=segments,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
        scale=scale,
    )
    sc = sc if sc is not None else Scale.likert(1, 7)
    mid = (sc.minimum + sc.maximum) / 2.0
    pts_sc = np.asarray(sc.points(), dtype=np.float64)
    default = float(pts_sc[pts_sc > mid][0]) if pts_sc.size else math.floor(mid) + 1.0
    threshold = default if agree_from is None else agree_from
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not sc.minimum < threshold <= sc.maximum
    ):
        msg = (
            f"The 'agree_from' parameter of {where} must lie in "
            f"({sc.minimum:g}, {sc.maximum:g}]. Got {agree_from!r} instead."
        )
        raise InputError(msg)
    threshold = float(threshold)
    gathered = gather(table, scale=sc, nan_policy=nan_policy, where=where)
    pts = gathered.points
    backend = table.backend
    if gathered.total[0].sum() < 2:
        msg = (
            f"{where}: the mean of fewer than 2 answers has no standard error; "
            "its interval is NaN."
        )
        warnings.warn(msg, SatmodelsWarning, stacklevel=2)

    def one(sums: Sums, report: MissingReport | None, lv: float) -> CESResult:
        counts, wsum, w2sum = sums
        n = float(counts.sum())
        mean, se = linearised_mean(pts, wsum, w2sum, n)
        p, lo, hi, _, _, n_eff = share_one(sums, pts >= threshold, lv)
        est = estimates(
            kind=("mean", "share"),
            name=("mean", "agree"),
            estimate=[mean, 100.0 * p],
            standard_error=[se, math.nan],
            statistic=[math.nan, math.nan],
            pvalue=[math.nan, math.nan],
            df=[n - 1.0, math.nan],
            ci_low=None,
            n=n,
            interval=("t", "wilson"),
            confidence_level=lv,
            backend=backend,
        )
        est = replace(
            est,
            ci_low=np.array([est.ci_low[0], 100.0 * lo]),
            ci_high=np.array([est.ci_high[0], 100.0 * hi]),
        )
        return CESResult(
            estimates=est,
            confidence_level=lv,
            scale=gathered.scale,
            agree_from=threshold,
            n=int(n),
            weighted=gathered.weighted,
            effective_n=n_eff,
            missing_report=report,
            _refit=lambda v: one(sums, report, v).estimates,
        )

    return assemble(gathered, one, level)
