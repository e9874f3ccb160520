"""Result objects of gaps and SERVPERF (frozen dataclasses)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates
from ..results._summary import Summary, SummaryTable, table
from ..scales import Scale
from ..stats.moments import MissingReport
from ._build import take
from .instrument import Instrument

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["GapsResult", "ServperfResult"]

_SOURCE_GAPS = (
    "Gap = perception - expectation; dimension gap = mean of its item gaps; "
    "unweighted score = mean of the dimension gaps; weighted score = sum of "
    "dimension gaps x importance points / 100 (Parasuraman, Zeithaml & Berry "
    "1988; Zeithaml, Parasuraman & Berry 1990, appendix)."
)


def mapping(est: Estimates) -> dict[str, float]:
    """``{name: estimate}`` of one kind's rows."""
    return {k: float(v) for k, v in zip(est.name, est.estimate, strict=True)}


def records(est: Estimates) -> list[dict[str, object]]:
    """Rows of an estimates table as plain records."""
    return [
        {
            "name": est.name[i],
            "estimate": float(est.estimate[i]),
            "standard_error": float(est.standard_error[i]),
            "ci_low": float(est.ci_low[i]),
            "ci_high": float(est.ci_high[i]),
            "statistic": float(est.statistic[i]),
            "pvalue": float(est.pvalue[i]),
            "n": float(est.n[i]),
        }
        for i in range(len(est))
    ]


def est_table(est: Estimates, title: str, label: str = "name") -> SummaryTable:
    """Estimates, interval, p-value and n of some rows."""
    rows = [
        (r["name"], r["estimate"], r["ci_low"], r["ci_high"], r["pvalue"], r["n"])
        for r in records(est)
    ]
    pct = f"{est.confidence_level:.0%}"
    return table(
        title, (label, "estimate", f"{pct} low", f"{pct} high", "p", "n"), rows
    )


def missing_note(report: MissingReport, *, weighted: bool = False) -> str:
    """One line on respondents, missing answers and case weights."""
    cells = sum(report.column_missing.values())
    text = (
        f"{report.rows_total} respondents; {cells} missing answer(s) "
        f"(each statistic uses the respondents who answered its items)."
    )
    if weighted:
        text += (
            " Case-weighted means; n is Kish's (1965) effective sample size "
            "W^2 / sum w^2."
        )
    return text


def pick(result: Any, by: str | None) -> Estimates:  # noqa: ANN401 - any result
    """All rows (``by=None``) or those of one aggregation level."""
    if by is None:
        est: Estimates = result.estimates
        return est
    options = {
        "item": result.items,
        "dimension": result.dimensions,
        "unweighted": result.unweighted,
        "overall": result.unweighted,
        "weighted": result.weighted,
    }
    chosen: Estimates | None = options.get(by)
    if chosen is None:
        msg = (
            f"The 'by' parameter of confidence_interval must be None or one of "
            f"{[k for k, v in options.items() if v is not None]}. Got {by!r}."
        )
        raise InputError(msg)
    return chosen


def short_repr(name: str, result: Any, extra: str = "") -> str:  # noqa: ANN401
    """Return a few lines: model, n, the overall score and the dimension means."""
    u = result.unweighted
    lines = [
        f"{name}(instrument={result.instrument.name!r}, "
        f"n={result.missing_report.rows_total}, "
        f"confidence_level={result.confidence_level}{extra})",
        f"  unweighted = {float(u.estimate[0]):.4g} "
        f"[{float(u.ci_low[0]):.4g}, {float(u.ci_high[0]):.4g}]",
    ]
    w = result.weighted
    if w is not None:
        lines.append(
            f"  weighted = {float(w.estimate[0]):.4g} "
            f"[{float(w.ci_low[0]):.4g}, {float(w.ci_high[0]):.4g}]"
        )
    dims = ", ".join(f"{k} {v:.3g}" for k, v in mapping(result.dimensions).items())
    lines.append(f"  dimensions: {dims[:300]}")
    return "\n".join(lines)


class _Scores:
    """Items, dimensions and scores of a result's estimates table."""

    __slots__ = ()
    estimates: Estimates

    @property
    def items(self) -> Estimates:
        """Mean per item (paired t interval, test against 0)."""
        return take(self.estimates, "item")

    @property
    def dimensions(self) -> Estimates:
        """Mean per dimension (mean of its item means)."""
        return take(self.estimates, "dimension")

    @property
    def unweighted(self) -> Estimates:
        """The unweighted score: mean of the dimension means."""
        return take(self.estimates, "score", ("unweighted",))

    @property
    def weighted(self) -> Estimates | None:
        """The importance-weighted score, or None without ``importance``."""
        est = take(self.estimates, "score", ("weighted",))
        return est if len(est) else None

    @property
    def unweighted_score(self) -> float:
        """The unweighted score (a number)."""
        return float(self.unweighted.estimate[0])

    @property
    def weighted_score(self) -> float | None:
        """The weighted score, or None without importance points."""
        w = self.weighted
        return None if w is None else float(w.estimate[0])

    def confidence_interval(
        self, confidence_level: float | None = None, *, by: str | None = None
    ) -> ConfidenceInterval:
        """Intervals of every estimate, or of the rows of one level.

        Parameters
        ----------
        confidence_level : float, optional
            Default: the fitted level (exactly the stored bounds); another
            level is recomputed from the t reference.
        by : {None, "item", "dimension", "unweighted", "weighted"}
            None: every row of :attr:`estimates` in order.
        """
        return pick(self, by).confidence_interval(confidence_level)

    def to_frame(self, backend: str | None = None) -> Any:  # noqa: ANN401 - a frame
        """Return the estimates as a long table (the input's backend by default)."""
        return self.estimates.to_frame(backend)  # type: ignore[arg-type]


class _SurveyScores(_Scores):
    """What the gaps and SERVPERF results share: their dictionary and notes."""

    __slots__ = ()
    instrument: Instrument
    scale: Scale
    importance: dict[str, float] | None
    confidence_level: float
    missing_report: MissingReport
    segments: Mapping[str, ResultMixin] | None
    _case_weights: bool

    def _item_records(self) -> list[dict[str, object]]:
        """Return the records of the item rows, each with its dimension."""
        items = records(self.items)
        for i, r in enumerate(items):
            r["dimension"] = self.instrument.items[i].dimension
        return items

    def _dict(
        self, items: list[dict[str, object]], **details: object
    ) -> dict[str, Any]:
        """JSON-safe dictionary; ``details`` are placed after ``items``."""
        out: dict[str, Any] = {
            "instrument": self.instrument.model_dump(),
            "scale": self.scale.model_dump(),
            "confidence_level": self.confidence_level,
            "dimensions": jsonable(mapping(self.dimensions)),
            "items": jsonable(items),
            **{k: jsonable(v) for k, v in details.items()},
            "unweighted_score": jsonable(self.unweighted_score),
            "estimates": self.estimates.to_dict(),
            "missing_report": self.missing_report.to_dict(),
            "segments": None
            if self.segments is None
            else {k: v.to_dict() for k, v in self.segments.items()},
        }
        if self.weighted is not None:
            out["weighted_score"] = jsonable(self.weighted_score)
            out["importance"] = jsonable(self.importance)
        return out

    def _notes(self, source: str) -> tuple[str, ...]:
        """Summary notes: instrument and scale, missing answers, ``source``."""
        return (
            f"Instrument {self.instrument.name}; scale {self.scale.describe()}.",
            missing_note(self.missing_report, weighted=self._case_weights),
            source,
        )

    def plot(
        self,
        ax: Axes | None = None,
        *,
        level: Literal["dimension", "item"] = "dimension",
    ) -> Axes:
        """Bars per dimension or item with intervals (:func:`satmodels.plot.gap_bars`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure when omitted.
        level : {"dimension", "item"}
            One bar per dimension, or per item grouped by dimension.

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> from satmodels.servqual import Instrument, gaps
        >>> inst = Instrument.define({"speed": ["s1", "s2"]})
        >>> data = {"p1": [5, 6], "p2": [4, 4], "e1": [6, 6], "e2": [5, 6]}
        >>> res = gaps(
        ...     data,
        ...     perceptions=["p1", "p2"],
        ...     expectations=["e1", "e2"],
        ...     instrument=inst,
        ... )
        >>> ax = res.plot(level="item")
        >>> [round(float(b.get_height()), 2) for b in ax.patches]
        [-0.5, -1.5]
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        from ..plot import gap_bars  # noqa: PLC0415 - matplotlib is optional

        return gap_bars(self, ax=ax, level=level)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class GapsResult(_SurveyScores, ResultMixin):
    """SERVQUAL gap scores (perception minus expectation).

    Attributes
    ----------
    estimates : Estimates
        Kinds ``"item"`` (mean gap per item), ``"dimension"`` (mean of its
        item gaps) and ``"score"`` (``"unweighted"``: mean of the dimension
        gaps; ``"weighted"``: importance-weighted). Also as the properties
        ``items``, ``dimensions``, ``unweighted``, ``weighted``.
    instrument : Instrument
    scale : Scale
    importance : dict of str to float or None
        Importance points per dimension (mean over respondents when given
        per respondent).
    item_perception, item_expectation : ndarray
        Mean P and E per item over the respondents behind each item gap.
    dimension_perception, dimension_expectation : ndarray
        Means of those item means per dimension.
    confidence_level : float
    missing_report : MissingReport
    segments : dict of str to GapsResult or None
    """

    estimates: Estimates
    instrument: Instrument
    scale: Scale
    importance: dict[str, float] | None
    item_perception: FloatArray
    item_expectation: FloatArray
    dimension_perception: FloatArray
    dimension_expectation: FloatArray
    confidence_level: float
    missing_report: MissingReport
    segments: dict[str, GapsResult] | None = None
    _rows: FloatArray | None = field(default=None, repr=False)
    _weights: FloatArray | None = field(default=None, repr=False)
    _case_weights: bool = field(default=False, repr=False)
    _importance_vector: FloatArray | None = field(default=None, repr=False)
    _backend: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return short_repr("GapsResult", self)

    def respondent_scores(self) -> FloatArray:
        """Per-respondent dimension gaps (mean of the answered item gaps).

        Returns
        -------
        ndarray, shape (n, n_dimensions)
            NaN where a respondent answered no item pair of a dimension.

        Raises
        ------
        InputError
            The result was computed from Moments or a lazy frame (no rows).
        """
        if self._rows is None:
            msg = (
                "respondent_scores needs the rows; this result was computed "
                "from Moments or a lazy frame."
            )
            raise InputError(msg)
        return dimension_rows(self._rows, self.instrument)

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary.

        Keys: ``instrument``, ``confidence_level``, ``dimensions`` (name to
        mean gap), ``items`` and ``dimension_details`` (records),
        ``unweighted_score``, ``weighted_score`` (with importance points),
        ``importance``, ``estimates``, ``missing_report``, ``segments``.
        """
        items = self._item_records()
        for i, r in enumerate(items):
            r["perception"] = float(self.item_perception[i])
            r["expectation"] = float(self.item_expectation[i])
        dims = records(self.dimensions)
        for i, r in enumerate(dims):
            r["perception"] = float(self.dimension_perception[i])
            r["expectation"] = float(self.dimension_expectation[i])
        return self._dict(items, dimension_details=dims)

    def summary(self) -> Summary:
        """Dimension gaps, scores and item gaps with intervals."""
        pct = f"{self.confidence_level:.0%}"
        head = ("P", "E", "gap", f"{pct} low", f"{pct} high", "p", "n")

        def rows(
            est: Estimates, p: FloatArray, e: FloatArray, labels: list[str]
        ) -> list[tuple[object, ...]]:
            return [
                (
                    labels[i],
                    float(p[i]),
                    float(e[i]),
                    r["estimate"],
                    r["ci_low"],
                    r["ci_high"],
                    r["pvalue"],
                    r["n"],
                )
                for i, r in enumerate(records(est))
            ]

        scores = take(self.estimates, "score")
        tables = [
            table(
                "Dimension gaps (P - E)",
                ("dimension", *head),
                rows(
                    self.dimensions,
                    self.dimension_perception,
                    self.dimension_expectation,
                    list(self.instrument.dimensions),
                ),
            ),
            est_table(scores, "SERVQUAL scores", "score"),
            table(
                "Item gaps",
                ("item", *head),
                rows(
                    self.items,
                    self.item_perception,
                    self.item_expectation,
                    [f"{it.id} ({it.dimension})" for it in self.instrument.items],
                ),
            ),
        ]
        if self.segments:
            seg_rows = [
                (
                    name,
                    *(float(g) for g in res.dimensions.estimate),
                    res.unweighted_score,
                    res.missing_report.rows_total,
                )
                for name, res in self.segments.items()
            ]
            tables.append(
                table(
                    "Dimension gaps by segment",
                    ("segment", *self.instrument.dimensions, "unweighted", "n"),
                    seg_rows,
                )
            )
        return Summary(
            title="SERVQUAL gap analysis",
            tables=tuple(tables),
            notes=self._notes(_SOURCE_GAPS),
        )


def dimension_rows(rows: FloatArray, instrument: Instrument) -> FloatArray:
    """Per-respondent mean of the answered items of each dimension."""
    dims = [i.dimension for i in instrument.items]
    out = np.full((rows.shape[0], len(instrument.dimensions)), np.nan)
    for j, d in enumerate(instrument.dimensions):
        cols = [k for k, dk in enumerate(dims) if dk == d]
        block = rows[:, cols]
        seen = np.isfinite(block)
        cnt = seen.sum(axis=1)
        total = np.where(seen, block, 0.0).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, j] = np.where(cnt > 0, total / cnt, np.nan)
    return out


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class ServperfResult(_SurveyScores, ResultMixin):
    """SERVPERF: perception-only scores (Cronin & Taylor 1992).

    Attributes
    ----------
    estimates : Estimates
        Kinds ``"item"`` (mean perception per item; the test against 0 is
        rarely of interest), ``"dimension"`` and ``"score"``
        (``"unweighted"``, ``"weighted"``).
    instrument : Instrument
    scale : Scale
    importance : dict of str to float or None
    confidence_level : float
    missing_report : MissingReport
    segments : dict of str to ServperfResult or None
    """

    estimates: Estimates
    instrument: Instrument
    scale: Scale
    importance: dict[str, float] | None
    confidence_level: float
    missing_report: MissingReport
    segments: dict[str, ServperfResult] | None = None
    _case_weights: bool = field(default=False, repr=False)
    _backend: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return short_repr("ServperfResult", self)

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``dimensions``, ``items``, ``unweighted_score``, ..."""
        return self._dict(self._item_records())

    def summary(self) -> Summary:
        """Dimension and item perception scores with intervals."""
        tables = [
            est_table(self.dimensions, "Dimension scores", "dimension"),
            est_table(take(self.estimates, "score"), "SERVPERF scores", "score"),
            est_table(self.items, "Item scores", "item"),
        ]
        return Summary(
            title="SERVPERF",
            tables=tuple(tables),
            notes=self._notes(
                "SERVPERF: perception-only scores (Cronin & Taylor 1992)."
            ),
        )
