r"""Customer Satisfaction Measure (CSM) on a scored level scale.

Each item is answered on a scale of scored levels: by default the CSM
seven-level scale -90, -60, -30, 0, 30, 60, 90 (very dissatisfied ...
very satisfied), or the five-level 100/80/60/30/0 scoring, or any user scale.
The CSM of an item is its mean score over respondents, and the overall CSM
is the mean over the k items, ``CSM = sum(x) / k``. Both come from
:class:`~satmodels.Moments` (pairwise means and covariances), so the
statistic merges across partitions and runs on lazy engines.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level, validated
from ..data import Kind, Table, read
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError, SatmodelsWarning
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ..scales import CSM_SEVEN, Scale, as_scale
from ..stats.intervals import normal_quantile
from ..stats.moments import MissingReport, Moments
from ._common import check_no_nan, check_on_scale, lazy_on_scale, means_on_scale
from ._estimated import check_choice, fit_segments, headline_interval
from ._options import CSMOptions

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["CSMResult", "csm", "mean_covariance"]

_ACCEPT: tuple[Kind, ...] = ("rows", "lazy", "moments")


@dataclass(frozen=True, slots=True, kw_only=True)
class CSMResult(ResultMixin):
    """Overall and per-item CSM with standard errors.

    Attributes
    ----------
    estimates : Estimates
        Rows of kind ``"item"`` (one per item) and ``"csm"`` (name
        ``"overall"``), normal intervals at ``confidence_level``.
    confidence_level : float
    csm : float
        Overall CSM: the mean of the CSMs of the answered items (``sum / k``).
    se, ci_low, ci_high : float
        Standard error and normal interval of ``csm`` (NaN with one
        respondent).
    label : str or None
        Label of the scale level nearest to ``csm``.
    items : dict of str to float
        CSM (mean score) per item; NaN for an item nobody answered.
    item_se : dict of str to float
    item_labels : dict of str to str or None
    item_n : dict of str to int
        Answers per item (missing answers are excluded per item).
    n : int
        Respondents with at least one answer (and a positive weight).
    n_missing : dict of str to int
        Missing answers per item.
    scale : str
        Name of the level scale.
    missing_report : MissingReport
    segments : dict of str to CSMResult or None
        One result per segment label (sorted), when ``segments`` was given.
    """

    estimates: Estimates
    confidence_level: float
    csm: float
    se: float
    ci_low: float
    ci_high: float
    label: str | None
    items: dict[str, float]
    item_se: dict[str, float]
    item_labels: dict[str, str | None]
    item_n: dict[str, int]
    n: int
    n_missing: dict[str, int]
    scale: str
    missing_report: MissingReport = field(repr=False)
    segments: dict[str, CSMResult] | None = None

    def __repr__(self) -> str:
        seg = "" if self.segments is None else f", segments={list(self.segments)}"
        return (
            f"CSMResult(csm={self.csm:.4g}, se={self.se:.3g}, label={self.label!r}, "
            f"n={self.n}, items={len(self.items)}, "
            f"confidence_level={self.confidence_level}{seg})"
        )

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Return the overall CSM's normal interval (stored at the fitted level)."""
        return headline_interval(self, self.csm, confidence_level)

    def plot(
        self,
        ax: Axes | None = None,
        *,
        kind: Literal["radar", "bars"] = "bars",
        depth: int = 1,
        level: str | None = None,
        segments: bool = True,
    ) -> Axes:
        """Draw the scores: a radar chart or bars with their intervals.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on (polar for ``kind="radar"``); default a new
            figure.
        kind : {"radar", "bars"}, default "bars"
            :func:`satmodels.plot.radar` or :func:`satmodels.plot.bars`.
        depth : int, default 1
            Depth of the CSI nodes drawn (CSIResult only).
        level : str, optional
            Level of the units drawn (AggregateResult only).
        segments : bool, default True
            Overlay the segments, when the result has them.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Raises
        ------
        InputError
            An unknown ``kind`` (and see the chart functions).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from satmodels.csi import csm
        >>> r = csm([[30, 0, -30, 30], [60, 30, 0, 30]], columns=["a", "b", "c", "d"])
        >>> ax = r.plot()  # bars of the item CSMs
        >>> [float(bar.get_height()) for bar in ax.patches]
        [45.0, 15.0, -15.0, 30.0]
        >>> plt.close(ax.figure)
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        how = check_choice(kind, ("radar", "bars"), "kind", "CSMResult.plot")
        chart = charts.radar if how == "radar" else charts.bars
        return chart(self, ax=ax, depth=depth, level=level, segments=segments)

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the estimates as a long table (backend: the input's by default)."""
        return self.estimates.to_frame(backend)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the estimates, the headline numbers and the segments."""
        out: dict[str, Any] = jsonable(
            {
                "estimates": self.estimates.to_dict(),
                "csm": self.csm,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "label": self.label,
                "items": self.items,
                "item_se": self.item_se,
                "item_labels": self.item_labels,
                "item_n": self.item_n,
                "n": self.n,
                "n_missing": self.n_missing,
                "scale": self.scale,
                "confidence_level": self.confidence_level,
                "missing_report": self.missing_report.to_dict(),
                "segments": None
                if self.segments is None
                else {k: v.to_dict() for k, v in self.segments.items()},
            }
        )
        return out

    def _rows(self) -> list[list[object]]:
        rows: list[list[object]] = []
        parts: list[tuple[str, CSMResult]] = [("all", self)]
        parts += list((self.segments or {}).items())
        for seg, res in parts:
            rows.extend(
                [seg, item, value, res.item_se[item], res.item_n[item],
                 res.item_labels[item]]
                for item, value in res.items.items()
            )  # fmt: skip
            rows.append([seg, "overall", res.csm, res.se, res.n, res.label])
        return rows

    def summary(self) -> Summary:
        """Per-item and overall CSM (and per segment)."""
        pct = f"{100 * self.confidence_level:g}%"
        return Summary(
            title=f"Customer Satisfaction Measure ({self.scale})",
            tables=(
                table(
                    "",
                    ["segment", "item", "csm", "se", "n", "label"],
                    self._rows(),
                    digits=2,
                ),
            ),
            notes=(
                "CSM = sum of item scores / number of answered items (item score "
                f"= mean over respondents); overall {pct} CI "
                f"[{self.ci_low:.2f}, {self.ci_high:.2f}].",
            ),
        )


def _code_array(codes: Sequence[float], scale: Scale, where: str) -> FloatArray:
    """Return ``codes`` as floats, one raw code per level of ``scale``.

    Raises
    ------
    InputError
        ``codes`` is not a flat sequence with one code per level.
    """
    code_arr = np.asarray(codes, dtype=np.float64)
    n_levels = len(scale.points())
    if code_arr.ndim != 1 or code_arr.shape[0] != n_levels:
        msg = (
            f"The 'codes' parameter of {where} must give one raw code per level of "
            f"the {scale.describe()} scale ({n_levels}). Got {list(codes)!r}."
        )
        raise InputError(msg)
    return code_arr


def _map_codes(
    x: FloatArray,
    codes: Sequence[float],
    scale: Scale,
    columns: Sequence[str],
    where: str,
) -> FloatArray:
    pts = np.asarray(scale.points(), dtype=np.float64)
    code_arr = _code_array(codes, scale, where)
    code_scale = Scale.levels(sorted(code_arr.tolist()), name="codes")
    check_on_scale(x, columns, code_scale, where)
    order = np.argsort(code_arr)
    idx = np.searchsorted(code_arr[order], np.where(np.isnan(x), code_arr.min(), x))
    mapped = pts[order][idx]
    return np.where(np.isnan(x), np.nan, mapped)


def _lazy_codes(
    tab: Table,
    cols: Sequence[str],
    codes: Sequence[float] | None,
    scale: Scale,
    where: str,
) -> Table:
    """Check a lazy frame's answers (one query); map ``codes`` on the engine.

    Every answer is checked against the scale (or the codes, as a levels
    scale named ``"codes"``) by :func:`~satmodels.data._checks.lazy_on_scale`,
    worded as the rows' check. A code becomes its level's value as
    ``sum_i v_i [x = c_i]`` (exact: one term is ``v_i``, the others 0; a
    missing answer stays missing).
    """
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - engines only

    from ..engines._frame import clean  # noqa: PLC0415

    pts = np.asarray(scale.points(), dtype=np.float64)
    check = scale
    if codes is not None:
        code_arr = _code_array(codes, scale, where)
        check = Scale.levels(sorted(code_arr.tolist()), name="codes")
    lazy_on_scale(tab, cols, check, where)
    if codes is None:
        return tab

    def mapped(c: str) -> nw.Expr:
        x = clean(c)
        terms = [
            (x == float(code)).cast(nw.Float64) * float(v)
            for code, v in zip(codes, pts, strict=True)
        ]
        out = terms[0]
        for t in terms[1:]:
            out = out + t
        return out.alias(c)

    return replace(tab, lazy=tab.lazy.with_columns(*(mapped(c) for c in cols)))


def mean_covariance(m: Moments) -> FloatArray:
    r"""Covariance matrix of the (weighted) item means, from Moments.

    :math:`\mathrm{Cov}(\bar x_i, \bar x_j) = s_{ij} \sum_{ij} w^2 / (W_i W_j)`
    over the rows observing both items; NaN (or infinite) for an item
    nobody answered.
    """
    cov = m.covariance()
    wi = np.diagonal(m.weight_sum)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(cov * m.weight_sq_sum / np.outer(wi, wi))


def _csm_from_moments(
    m: Moments, where: str
) -> tuple[FloatArray, FloatArray, float, float]:
    r"""Item means, their SEs, overall CSM and its SE from pairwise Moments.

    :math:`\mathrm{Cov}(\bar x_i, \bar x_j) = s_{ij} \sum_{ij} w^2 / (W_i W_j)`
    (rows observing both items; unweighted
    :math:`s_{ij} n_{ij} / (n_i n_j)`), and the overall CSM
    :math:`k^{-1} \sum_i \bar x_i` over the k answered items has variance
    :math:`k^{-2} \sum_{ij} \mathrm{Cov}(\bar x_i, \bar x_j)`. An item
    nobody answered is NaN and left out of the overall CSM (with a warning).
    """
    answered = np.diagonal(m.weight_sum) > 0
    mean = np.where(answered, m.mean, np.nan)
    vm = mean_covariance(m)
    item_se = np.where(answered, np.sqrt(np.diagonal(vm)), np.nan)
    if not answered.all():
        unanswered = [c for c, a in zip(m.columns, answered, strict=True) if not a]
        msg = (
            f"{where}: nobody answered item(s) {unanswered}; their CSM is NaN and "
            "the overall CSM is the mean of the answered items only."
        )
        warnings.warn(msg, SatmodelsWarning, stacklevel=6)
    k = int(answered.sum())
    if k == 0:
        return mean, item_se, math.nan, math.nan
    overall = float(mean[answered].mean())
    var = float(vm[np.ix_(answered, answered)].sum()) / (k * k)
    return mean, item_se, overall, math.sqrt(var) if math.isfinite(var) else math.nan


def csm(
    data: object,
    *,
    items: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    scale: Scale | tuple[float, float] = CSM_SEVEN,
    codes: Sequence[float] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> CSMResult:
    r"""Compute the Customer Satisfaction Measure per item and overall.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        Respondents x items, answers on ``scale`` (or raw ``codes``); or
        their pairwise :class:`~satmodels.Moments` (a lazy frame is reduced
        to Moments on its engine). ``codes`` needs the rows.
    items : sequence of str, optional
        Item columns (default: every column not used for weights or
        segments).
    columns : sequence of str, optional
        Names of a bare array's columns, or the columns of a frame to use.
    scale : Scale
        Level scale (default :data:`~satmodels.CSM_SEVEN`, -90 ... 90; use
        :data:`~satmodels.FIVE_LEVEL` for 100/80/60/30/0 or any
        ``Scale.levels(...)``).
    codes : sequence of float, optional
        Raw answer codes, one per scale level in the same order (e.g.
        ``(1, 2, 3, 4, 5)`` with FIVE_LEVEL maps 1 -> 0, ..., 5 -> 100).
    weights : array_like or str, optional
        Case weights (or their column).
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Group label per row (brands, regions); one CSM per segment in
        ``result.segments``.
    confidence_level : float
        Level of the stored normal intervals.
    nan_policy : {"omit", "raise"}
        Missing answers are excluded per item (and counted) or raise.

    Returns
    -------
    CSMResult

    Raises
    ------
    InputError
        An answer not on the scale (names column, 1-based row, value), a
        missing answer under ``nan_policy="raise"``.

    Warns
    -----
    SatmodelsWarning
        An item nobody answered: its CSM is NaN and the overall CSM is the
        mean of the answered items only (a missing answer is never a 0).

    Notes
    -----
    Item CSM :math:`\bar x_j = \sum_i w_i x_{ij} / \sum_i w_i` over the
    respondents answering item j; overall :math:`\mathrm{CSM} = \sum_j \bar
    x_j / k` over the k answered items (the documents' ``sum(x) / n`` over
    n items). Tested on the documents' four-car-brand example (A = 10,
    B = 20, C = 25, D = 40).

    Examples
    --------
    >>> from satmodels.csi import csm
    >>> # brand A of the car example: six item scores summing to 60
    >>> r = csm([[30, 0, -30, 30, 0, 30]])
    >>> r.csm, r.label
    (10.0, 'acceptable')
    """
    if design is not None:
        return fit_with_design(csm, locals())
    where = "csm"
    check_confidence_level(confidence_level, where)  # refuses strings, too
    level = validated(
        CSMOptions, where, confidence_level=confidence_level, nan_policy=nan_policy
    ).confidence_level
    declared = as_scale(scale, where)
    if declared is None:
        msg = f"The 'scale' parameter of {where} must be a Scale, not None."
        raise InputError(msg)
    scale = declared
    if scale.kind != "levels" and codes is None and scale.kind != "likert":
        msg = (
            f"The 'scale' parameter of {where} must be a discrete scale. Got "
            f"{scale.describe()}."
        )
        raise InputError(msg)
    tab = read(
        data,
        where=where,
        columns=columns,
        roles={"items": items},
        weights=weights,
        segments=segments,
        accept=_ACCEPT,
    )
    cols = tab.role("items")
    if tab.kind == "rows":
        x = tab.matrix(cols)
        if nan_policy == "raise":
            check_no_nan(x, cols, where)
        if codes is not None:
            values = tab.matrix().copy()
            values[:, [tab.columns.index(c) for c in cols]] = _map_codes(
                x, codes, scale, cols, where
            )
            tab = replace(tab, values=values, value_bounds=None)
        else:
            check_on_scale(x, cols, scale, where)
    elif tab.kind == "lazy":
        tab = _lazy_codes(tab, cols, codes, scale, where)

    def fit(t: Table, segment: str | None) -> CSMResult:
        m = t.moments(cols, missing="pairwise", nan_policy=nan_policy, name="data")
        if t.kind != "rows":
            means_on_scale(m.columns, m.mean, scale, where)
        return _result(m, scale, level, t.backend, segment, where)

    return fit_segments(tab, fit, [(tuple(cols), "pairwise", nan_policy)])


def _result(  # noqa: PLR0917
    m: Moments,
    scale: Scale,
    level: float,
    backend: str | None,
    segment: str | None,
    where: str,
) -> CSMResult:
    cols = m.columns
    mean, item_se, overall, se = _csm_from_moments(m, where)
    nobs = m.nobs
    value = np.array([*mean, overall])
    sd = np.array([*item_se, se])
    half = normal_quantile(level) * sd  # a zero SE gives a zero-width interval
    est = estimates(
        name=[*cols, "overall"],
        kind=["item"] * len(cols) + ["csm"],
        estimate=value,
        standard_error=sd,
        ci_low=value - half,
        ci_high=value + half,
        n=[*nobs, m.missing_report.rows_used],
        interval="normal",
        confidence_level=level,
        segment=segment,
        backend=backend,
    )
    labelled = scale.labels is not None

    def label(v: float) -> str | None:
        return scale.label(v) if labelled and math.isfinite(v) else None

    return CSMResult(
        estimates=est,
        confidence_level=level,
        csm=overall,
        se=se,
        ci_low=float(est.ci_low[-1]),
        ci_high=float(est.ci_high[-1]),
        label=label(overall),
        items={c: float(v) for c, v in zip(cols, mean, strict=True)},
        item_se={c: float(v) for c, v in zip(cols, item_se, strict=True)},
        item_labels={c: label(float(v)) for c, v in zip(cols, mean, strict=True)},
        item_n={c: int(v) for c, v in zip(cols, nobs, strict=True)},
        n=m.missing_report.rows_used,
        n_missing=dict(m.missing_report.column_missing),
        scale=scale.name,
        missing_report=m.missing_report,
    )
