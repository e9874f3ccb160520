"""The result of :func:`~satmodels.satisfaction_ratio`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._options import check_confidence_level
from .._typing import FloatArray
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates
from ..results._summary import Summary, table
from ..stats._report import MissingReport
from ._grade import GRADE_LABELS, GRADES
from ._kernels import fieller, t_quantile

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["RatioResult"]

Statistic = Literal["ratio_of_means", "mean_ratio"]
Method = Literal["fieller", "delta"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RatioResult(ResultMixin):
    """Satisfaction ratios c = b / a per item and overall.

    Attributes
    ----------
    estimates : Estimates
        One row per estimate: kind ``"ratio_of_means"`` (Fieller interval,
        delta-method standard error), ``"mean_ratio"`` (t interval),
        ``"expected_mean"`` and ``"perceived_mean"`` (t intervals), named by
        item; the overall aggregates are the rows named ``"overall"``.
    confidence_level : float
        Level of every stored interval.
    items : tuple of str
        Item names (one per perceived/expected pair).
    perceived, expected : tuple of str
        The paired columns, in item order.
    n : ndarray of int
        Respondents used per item (both answers present, positive weight).
    expected_mean, perceived_mean : ndarray
        Mean expected (a) and perceived (b) value per item.
    mean_ratio, mean_ratio_se : ndarray
        Mean of the respondents' ratios and its standard error, per item.
    ratio_of_means, ratio_of_means_se : ndarray
        R = mean(b) / mean(a) and its delta-method standard error.
    grade_counts : ndarray, shape (items, 5)
        Respondents per level (far below ... far above) per item (weighted
        when weights are given).
    item_grade : tuple of str
        Grade of each item's ratio of means (under that item's cut points).
    overall_n : int
        Respondents answering every item (the overall aggregates use them).
    overall_expected_mean, overall_perceived_mean : float
        Mean over those respondents of their item-averaged a and b.
    overall_mean_ratio, overall_ratio_of_means : float
        The two aggregates over respondents' item averages, with standard
        errors ``overall_mean_ratio_se`` and ``overall_ratio_of_means_se``.
    overall_grade : str
        Grade of the overall ratio of means under ``thresholds["overall"]``
        (``"undetermined"`` when no respondent answered every item).
    ratios : ndarray, shape (respondents, items)
        Per-respondent ratios (NaN where a pair was omitted).
    n_omitted : dict of str to int
        Pairs omitted per item (a or b missing, or zero weight).
    thresholds : dict of str to tuple of float
        Cut points used for each item's grade and (key ``"overall"``) for the
        overall grade.
    weighted : bool
        Whether case weights were given.
    missing_report : MissingReport
        Rows read, used and excluded (by reason), missing cells per column.
    segments : dict of str to RatioResult or None
        One result per segment label (sorted), when ``segments`` was given.
    """

    estimates: Estimates
    confidence_level: float
    items: tuple[str, ...]
    perceived: tuple[str, ...]
    expected: tuple[str, ...]
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
    ratios: FloatArray = field(repr=False)
    n_omitted: dict[str, int]
    thresholds: dict[str, tuple[float, ...]]
    weighted: bool
    missing_report: MissingReport
    segments: dict[str, RatioResult] | None = None
    _item_var: tuple[FloatArray, FloatArray, FloatArray] = field(repr=False)
    _overall_var: tuple[float, float, float, float, float] = field(repr=False)

    def __repr__(self) -> str:
        items = ", ".join(
            f"{k}: R={r:.3f}"
            for k, r in zip(self.items, self.ratio_of_means, strict=True)
        )
        if len(items) > 300:
            items = items[:297] + "..."
        seg = "" if self.segments is None else f", segments={list(self.segments)}"
        return (
            f"RatioResult(n={int(self.missing_report.rows_used)}, "
            f"overall R={self.overall_ratio_of_means:.4g} ({self.overall_grade}), "
            f"confidence_level={self.confidence_level}{seg})\n  {items}"
        )

    # ------------------------------------------------------------ intervals
    def _stored(self, kind: str) -> tuple[FloatArray, FloatArray]:
        est = self.estimates
        rows = [
            i
            for i, (k, nm) in enumerate(zip(est.kind, est.name, strict=True))
            if k == kind and nm != "overall"
        ]
        return est.ci_low[rows].copy(), est.ci_high[rows].copy()

    def confidence_interval(
        self,
        confidence_level: float | None = None,
        *,
        statistic: Statistic = "ratio_of_means",
        method: Method = "fieller",
    ) -> ConfidenceInterval:
        """Per-item confidence interval of an aggregate.

        Parameters
        ----------
        confidence_level : float, optional
            Default: the fitted level, which returns exactly the intervals
            stored in ``estimates``; another level is recomputed.
        statistic : {"ratio_of_means", "mean_ratio"}
            Which aggregate.
        method : {"fieller", "delta"}
            For the ratio of means: Fieller's (1954) interval (may be
            unbounded: ``inf`` ends) or the delta-method Wald interval.
            The mean of ratios always uses the t interval.

        Returns
        -------
        ConfidenceInterval
            Arrays ``low`` and ``high``, one entry per item (NaN where fewer
            than two respondents answered).
        """
        stat: str = statistic
        how: str = method
        if stat not in ("ratio_of_means", "mean_ratio"):
            msg = (
                "The 'statistic' parameter of RatioResult.confidence_interval must "
                f"be 'ratio_of_means' or 'mean_ratio'. Got {stat!r} instead."
            )
            raise InputError(msg)
        if how not in ("fieller", "delta"):
            msg = (
                "The 'method' parameter of RatioResult.confidence_interval must be "
                f"'fieller' or 'delta'. Got {how!r} instead."
            )
            raise InputError(msg)
        fitted = confidence_level is None or confidence_level == self.confidence_level
        if fitted and (stat == "mean_ratio" or how == "fieller"):
            return ConfidenceInterval(*self._stored(stat))
        level = check_confidence_level(
            self.confidence_level if confidence_level is None else confidence_level,
            "RatioResult.confidence_interval",
        )
        t = t_quantile(level, self.n.astype(np.float64))
        if stat == "mean_ratio":
            half = t * self.mean_ratio_se
            return ConfidenceInterval(self.mean_ratio - half, self.mean_ratio + half)
        if how == "delta":
            half = t * self.ratio_of_means_se
            return ConfidenceInterval(
                self.ratio_of_means - half, self.ratio_of_means + half
            )
        vaa, vbb, vab = self._item_var
        low, high = fieller(self.expected_mean, self.perceived_mean, vaa, vbb, vab, t)
        return ConfidenceInterval(low, high)

    def overall_confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Fieller interval of the overall ratio of means (stored at the fit level)."""
        if confidence_level is None or confidence_level == self.confidence_level:
            row = self.estimates._row("ratio_of_means", "overall")
            est = self.estimates
            return ConfidenceInterval(float(est.ci_low[row]), float(est.ci_high[row]))
        level = check_confidence_level(
            confidence_level, "RatioResult.overall_confidence_interval"
        )
        t = t_quantile(level, np.array([float(self.overall_n)]))
        oa, ob, vaa, vbb, vab = (np.array([v]) for v in self._overall_var)
        low, high = fieller(oa, ob, vaa, vbb, vab, t)
        return ConfidenceInterval(float(low[0]), float(high[0]))

    # ---------------------------------------------------------------- chart
    def plot(
        self,
        ax: Axes | None = None,
        *,
        statistic: Statistic = "ratio_of_means",
        overall: bool = True,
    ) -> Axes:
        """Draw c = b/a per item against its grade bands.

        Calls :func:`satmodels.plot.grade_chart`: each item's ratio with its
        stored interval over the five grade bands cut at its thresholds,
        and the line c = 1.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; default a new figure.
        statistic : {"ratio_of_means", "mean_ratio"}
            Which aggregate to draw.
        overall : bool, default True
            Add the overall aggregate as a last row.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from satmodels import satisfaction_ratio
        >>> data = {
        ...     "a1": [4, 5, 4, 3],
        ...     "b1": [4, 4, 5, 3],
        ...     "a2": [5, 5, 4, 4],
        ...     "b2": [3, 4, 3, 3],
        ... }
        >>> r = satisfaction_ratio(data, perceived=["b1", "b2"], expected=["a1", "a2"])
        >>> ax = r.plot()
        >>> ax.get_xlabel()
        'c = b / a (perceived / expected)'
        >>> plt.close(ax.figure)
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        return charts.grade_chart(self, ax=ax, statistic=statistic, overall=overall)

    # -------------------------------------------------------------- output
    def _shares(self) -> FloatArray:
        tot = self.grade_counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, self.grade_counts / tot, np.nan)

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the estimates as a long table (backend: the input's by default)."""
        return self.estimates.to_frame(backend)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: estimates, per-item records, the overall aggregates."""
        lo_f, hi_f = self.confidence_interval()
        lo_m, hi_m = self.confidence_interval(statistic="mean_ratio")
        shares = self._shares()
        items = [
            {
                "item": item,
                "perceived": self.perceived[k],
                "expected": self.expected[k],
                "n": int(self.n[k]),
                "expected_mean": self.expected_mean[k],
                "perceived_mean": self.perceived_mean[k],
                "ratio_of_means": self.ratio_of_means[k],
                "ratio_of_means_se": self.ratio_of_means_se[k],
                "ratio_of_means_ci_low": lo_f[k],
                "ratio_of_means_ci_high": hi_f[k],
                "mean_ratio": self.mean_ratio[k],
                "mean_ratio_se": self.mean_ratio_se[k],
                "mean_ratio_ci_low": lo_m[k],
                "mean_ratio_ci_high": hi_m[k],
                "grade": self.item_grade[k],
                "thresholds": list(self.thresholds[item]),
                "shares": dict(zip(GRADES, shares[k], strict=True)),
            }
            for k, item in enumerate(self.items)
        ]
        lo, hi = self.overall_confidence_interval()
        out: dict[str, Any] = jsonable(
            {
                "estimates": self.estimates.to_dict(),
                "items": items,
                "overall": {
                    "n": self.overall_n,
                    "expected_mean": self.overall_expected_mean,
                    "perceived_mean": self.overall_perceived_mean,
                    "mean_ratio": self.overall_mean_ratio,
                    "mean_ratio_se": self.overall_mean_ratio_se,
                    "ratio_of_means": self.overall_ratio_of_means,
                    "ratio_of_means_se": self.overall_ratio_of_means_se,
                    "ratio_of_means_ci_low": lo,
                    "ratio_of_means_ci_high": hi,
                    "grade": self.overall_grade,
                    "thresholds": list(self.thresholds["overall"]),
                },
                "n_omitted": dict(self.n_omitted),
                "confidence_level": self.confidence_level,
                "weighted": self.weighted,
                "missing_report": self.missing_report.to_dict(),
                "segments": None
                if self.segments is None
                else {k: v.to_dict() for k, v in self.segments.items()},
            }
        )
        return out

    def summary(self) -> Summary:
        """Per-item ratios with Fieller intervals, grades and level shares."""
        pct = f"{100 * self.confidence_level:g}"
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
        notes = [
            "c = b / a (perceived / expected); R = mean(b) / mean(a) with "
            f"Fieller's {pct}% interval; mean c = average of respondents' ratios.",
            *self._threshold_notes(),
        ]
        omitted = sum(self.n_omitted.values())
        if omitted:
            notes.append(f"{omitted} respondent-item pair(s) omitted (missing or "
                         "zero weight).")  # fmt: skip
        tables = [
            table(
                "",
                ("item", "n", "mean a", "mean b", "R", f"{pct}% CI", "mean c", "grade"),
                rows,
            ),
            table(
                "Share of respondents per level", ("item", *GRADE_LABELS), share_rows
            ),
        ]
        if self.segments:
            seg_rows = [
                (s, r.overall_n, r.overall_ratio_of_means, r.overall_grade)
                for s, r in self.segments.items()
            ]
            tables.append(
                table("Overall R by segment", ("segment", "n", "R", "grade"), seg_rows)
            )
        return Summary(
            title="Satisfaction ratio c = b / a",
            tables=tuple(tables),
            notes=tuple(notes),
        )

    def _threshold_notes(self) -> list[str]:
        text = "c < {} far below, < {} below, <= {} meets, <= {} above, else far above"
        distinct = {tuple(v) for v in self.thresholds.values()}
        if len(distinct) == 1:
            return ["Grades: " + text.format(*self.thresholds["overall"]) + "."]
        out = [
            f"Grades of {k}: " + text.format(*v) + "."
            for k, v in self.thresholds.items()
        ]
        return out
