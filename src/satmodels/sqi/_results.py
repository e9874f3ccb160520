"""Result objects of the service quality indicator (SQI) functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from .._typing import FloatArray
from ..csi._estimated import EstimatedResult, Refit, fmt, segment_note
from ..results._estimates import Estimates
from ..results._summary import Summary
from ..stats.moments import MissingReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ControlChartResult", "SQIResult", "SeverityResult"]

BoolArray = np.ndarray[tuple[int], np.dtype[np.bool_]]


def _summary_without_periods(
    result: EstimatedResult, title: str, notes: list[str]
) -> Summary:
    """Summarise the estimates without the per-period rows (they are many)."""
    est = result.estimates
    keep = [i for i, k in enumerate(est.kind) if k != "period"]
    dropped = len(est) - len(keep)
    if dropped:
        notes.append(
            f"{dropped} per-period row(s) (kind 'period') are in result.estimates "
            "and result.to_frame()."
        )
    report = getattr(result, "missing_report", None)
    if report is not None and report.rows_excluded:
        notes.append(
            f"{report.rows_excluded} of {report.rows_total} period(s) left out "
            "(missing)."
        )
    return Summary(
        title=title, tables=est._take(keep).summary().tables, notes=tuple(notes)
    )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class SQIResult(EstimatedResult):
    r"""Weighted failure index per period (FedEx's Service Quality Indicator).

    Attributes
    ----------
    estimates : Estimates
        Row ``("index", "sqi")``: mean weighted failure points per period,
        with its Poisson standard error and normal interval; row
        ``("rate", "sqi_per_opportunity")`` when opportunities were given
        (points per opportunity); per failure type ``("count", type)`` (mean
        count per period), ``("contribution", type)`` (mean weighted points
        per period) and ``("share", type)`` (Pareto share of the weighted
        total, delta-method SE); ``("trend", "slope")``: least-squares
        change of the index per period (t interval, ``df`` = periods - 2);
        one ``("period", label)`` row per period: its index with the Poisson
        SE :math:`\sqrt{\sum_j w_j^2 c_{jt}}`.
    confidence_level : float
    failures : tuple of str
        The failure-type columns.
    severity : dict of str to float
        Weight of each failure type.
    periods : tuple of str
        Period labels, in time order.
    counts : ndarray, shape (periods, failures)
    opportunities : ndarray or None
    series : ndarray
        The index of each period, :math:`I_t = \\sum_j w_j c_{jt}`.
    n_periods : int
    missing_report : MissingReport
    sqi, ci_low, ci_high, se : float
        The headline row (properties).
    """

    estimates: Estimates
    confidence_level: float
    failures: tuple[str, ...]
    severity: dict[str, float]
    periods: tuple[str, ...]
    counts: FloatArray = field(repr=False)
    opportunities: FloatArray | None = field(repr=False)
    series: FloatArray = field(repr=False)
    n_periods: int
    missing_report: MissingReport | None
    _refit: Refit | None = field(default=None, repr=False)
    _backend: str | None = field(default=None, repr=False)

    @property
    def sqi(self) -> float:
        """Mean weighted failure points per period."""
        return float(self.estimates.estimate[0])

    @property
    def se(self) -> float:
        """Poisson standard error of ``sqi``."""
        return float(self.estimates.standard_error[0])

    @property
    def ci_low(self) -> float:
        """Lower bound of the headline interval."""
        return float(self.estimates.ci_low[0])

    @property
    def ci_high(self) -> float:
        """Upper bound of the headline interval."""
        return float(self.estimates.ci_high[0])

    def plot(
        self, ax: Axes | None = None, *, kind: Literal["pareto", "series"] = "pareto"
    ) -> Axes:
        """Draw the Pareto chart of contributions, or the index per period.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
        kind : {"pareto", "series"}
            :func:`satmodels.plot.sqi_pareto` or :func:`satmodels.plot.sqi_series`.

        Returns
        -------
        matplotlib.axes.Axes
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        if kind == "series":
            return charts.sqi_series(self, ax=ax)
        return charts.sqi_pareto(self, ax=ax)

    def summary(self) -> Summary:
        """Return the estimates (without per-period rows) and notes."""
        w = ", ".join(f"{k} {v:g}" for k, v in self.severity.items())
        notes = [
            f"Severity weights: {w}.",
            "Intervals assume Poisson counts: Var(sum w c) = sum w^2 c.",
        ]
        return _summary_without_periods(self, "Service quality indicator", notes)

    def __repr__(self) -> str:
        pct = f"{100 * self.confidence_level:g}%"
        return (
            f"SQIResult(sqi={fmt(self.sqi, 3)} per period, {pct} CI "
            f"[{fmt(self.ci_low, 3)}, {fmt(self.ci_high, 3)}], "
            f"periods={self.n_periods}, failures={len(self.failures)})"
        )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ControlChartResult(EstimatedResult):
    r"""A u (demerit) chart or an EWMA chart of the index per period.

    Attributes
    ----------
    estimates : Estimates
        Row ``("center", "center")``: the center line (for a u-chart the
        pooled rate with its Poisson SE); row ``("sigma", "sigma")`` for an
        EWMA chart (the process standard deviation used); one
        ``("period", label)`` row per period: the charted value, the chart's
        standard deviation there as ``standard_error``, ``statistic`` its
        distance from the center line in those units and ``pvalue`` the
        two-sided normal tail (interval ``"none"``: the limits are in
        ``lcl`` / ``ucl``).
    confidence_level : float
    chart : {"u", "laney_u", "ewma"}
        ``"laney_u"``: Laney's u'-chart (``sqi.u_chart(..., method="laney")``).
    periods : tuple of str
    observed : ndarray
        The per-period values charted (u-chart) or smoothed (EWMA): index
        per opportunity, or per period without opportunities.
    statistic : ndarray
        The plotted points (:math:`u_t`, or :math:`z_t` for EWMA).
    center : float
    lcl, ucl : ndarray
        Control limits per period (a u-chart's lower limit is at least 0).
    signals : ndarray of bool
        Periods beyond a limit.
    n_sigmas : float
    smoothing : float or None
        EWMA's :math:`\lambda`.
    sigma : float
        Process standard deviation (EWMA); Laney's :math:`\sigma_Z` for a
        u'-chart; NaN for a u-chart.
    missing_report : MissingReport
    out_of_control : tuple of str
        Labels of the signalling periods (property).
    """

    estimates: Estimates
    confidence_level: float
    chart: Literal["u", "laney_u", "ewma"]
    periods: tuple[str, ...]
    observed: FloatArray = field(repr=False)
    statistic: FloatArray = field(repr=False)
    center: float
    lcl: FloatArray = field(repr=False)
    ucl: FloatArray = field(repr=False)
    signals: BoolArray = field(repr=False)
    n_sigmas: float
    smoothing: float | None
    sigma: float
    missing_report: MissingReport | None
    _refit: Refit | None = field(default=None, repr=False)
    _backend: str | None = field(default=None, repr=False)

    @property
    def out_of_control(self) -> tuple[str, ...]:
        """Labels of the periods beyond a control limit."""
        return tuple(p for p, s in zip(self.periods, self.signals, strict=True) if s)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Draw the chart: points, center line, limits, signals marked.

        Calls :func:`satmodels.plot.control_chart`.
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        return charts.control_chart(self, ax=ax)

    def summary(self) -> Summary:
        """Return the center line, the signals and notes."""
        if self.chart == "u":
            title = "u-chart (demerits per opportunity)"
            notes = [
                f"Limits: center +- {self.n_sigmas:g} sqrt(u2 / n_t) "
                "(Montgomery 2009, sec. 7.3)."
            ]
        elif self.chart == "laney_u":
            title = "Laney u'-chart (demerits per opportunity)"
            notes = [
                f"Limits: center +- {self.n_sigmas:g} sigma_Z sqrt(u2 / n_t), "
                f"sigma_Z = {fmt(self.sigma, 4)} (Laney 2002)."
            ]
        else:
            title = "EWMA chart"
            notes = [
                f"lambda = {self.smoothing:g}, L = {self.n_sigmas:g}; exact "
                "time-varying limits (Montgomery 2009, eq. 9.24-9.25)."
            ]
        flagged = ", ".join(self.out_of_control) or "none"
        notes.append(f"Out of control: {flagged}.")
        return _summary_without_periods(self, title, notes)

    def __repr__(self) -> str:
        return (
            f"ControlChartResult(chart={self.chart!r}, center={fmt(self.center, 4)}, "
            f"periods={len(self.periods)}, out_of_control={len(self.out_of_control)})"
        )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class SeverityResult(EstimatedResult):
    """Failure weights derived from survey data: the drop in satisfaction.

    Attributes
    ----------
    estimates : Estimates
        Row ``("intercept", target)``: mean satisfaction of a respondent
        with no failure; one ``("severity", failure)`` row per failure
        type: minus its least-squares coefficient (the drop in satisfaction
        associated with experiencing it), with its standard error and t
        interval (``df`` = n - failures - 1).
    confidence_level : float
    target : str
    failures : tuple of str
    severity : dict of str to float
        The point estimates, ready for ``sqi.index(..., severity=result)``.
    r_squared : float
    n : int
    missing_report : MissingReport or None
    segments : dict of str to SeverityResult or None
        One result per segment label (sorted), when ``segments`` was given.
    """

    estimates: Estimates
    confidence_level: float
    target: str
    failures: tuple[str, ...]
    severity: dict[str, float]
    r_squared: float
    n: int
    missing_report: MissingReport | None
    segments: dict[str, SeverityResult] | None = field(default=None, repr=False)
    _refit: Refit | None = field(default=None, repr=False)
    _backend: str | None = field(default=None, repr=False)

    def _title(self) -> str:
        return f"Failure severity: drop in {self.target}"

    def _notes(self) -> tuple[str, ...]:
        return (
            "Least squares of the target on the failure indicators; severity = "
            f"-coefficient. R^2 = {self.r_squared:.3f}.",
        )

    def __repr__(self) -> str:
        top = ", ".join(f"{k}={fmt(v, 3)}" for k, v in list(self.severity.items())[:4])
        more = ", ..." if len(self.severity) > 4 else ""
        seg = segment_note(self.segments)
        return f"SeverityResult({top}{more}, n={self.n}{seg})"
