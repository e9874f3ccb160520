"""Result objects of the zone of tolerance, reliability, comparisons, five gaps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .._typing import FloatArray, IntArray
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates, check_level, estimates
from ..results._summary import Summary, table
from ..scales import Scale
from ..stats._reliability import _feldt_interval
from ..stats.moments import MissingReport
from ._build import take
from ._results import _Scores, est_table, mapping, missing_note, records
from .instrument import Instrument

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "GAP_DESCRIPTIONS",
    "CompareResult",
    "FiveGapsResult",
    "ReliabilityResult",
    "ZoneResult",
]

_MEASURES = ("msa", "mss", "width")
_LEVELS = ("item", "dimension", "overall")


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class ZoneResult(ResultMixin):
    """Zone of tolerance (Parasuraman, Zeithaml & Berry 1994).

    Attributes
    ----------
    estimates : Estimates
        Kinds ``"<measure>_<level>"`` for the measures ``msa`` (perceived -
        adequate), ``mss`` (perceived - desired) and ``width`` (desired -
        adequate) at the levels ``item``, ``dimension`` and ``overall``;
        also as properties ``msa_items``, ``mss_dimensions``, ...
    instrument : Instrument
    scale : Scale
    item_perceived, item_adequate, item_desired : ndarray
        Mean levels per item.
    item_position, dimension_position : tuple of str
        ``"below"`` (mean MSA < 0), ``"above"`` (mean MSS > 0) or
        ``"inside"`` the zone; ``"unknown"`` without answers.
    confidence_level : float
    missing_report : MissingReport
    segments : dict of str to ZoneResult or None
    """

    estimates: Estimates
    instrument: Instrument
    scale: Scale
    item_perceived: FloatArray
    item_adequate: FloatArray
    item_desired: FloatArray
    item_position: tuple[str, ...]
    dimension_position: tuple[str, ...]
    confidence_level: float
    missing_report: MissingReport
    segments: dict[str, ZoneResult] | None = None
    _case_weights: bool = field(default=False, repr=False)
    _backend: str | None = field(default=None, repr=False)

    def _get(self, measure: str, level: str) -> Estimates:
        return take(self.estimates, f"{measure}_{level}")

    msa_items = property(lambda self: self._get("msa", "item"))
    msa_dimensions = property(lambda self: self._get("msa", "dimension"))
    msa_overall = property(lambda self: self._get("msa", "overall"))
    mss_items = property(lambda self: self._get("mss", "item"))
    mss_dimensions = property(lambda self: self._get("mss", "dimension"))
    mss_overall = property(lambda self: self._get("mss", "overall"))
    width_items = property(lambda self: self._get("width", "item"))
    width_dimensions = property(lambda self: self._get("width", "dimension"))
    width_overall = property(lambda self: self._get("width", "overall"))

    def confidence_interval(
        self,
        confidence_level: float | None = None,
        *,
        measure: str | None = None,
        by: str | None = None,
    ) -> ConfidenceInterval:
        """Intervals of every row, or of one ``measure`` at one level ``by``.

        ``measure`` is "msa", "mss" or "width"; ``by`` is "item",
        "dimension" or "overall". Both None: every row of
        :attr:`estimates`.
        """
        if measure is None and by is None:
            return self.estimates.confidence_interval(confidence_level)
        if measure not in _MEASURES or by not in _LEVELS:
            msg = (
                "confidence_interval of ZoneResult takes measure in "
                f"{_MEASURES} and by in {_LEVELS}. Got measure={measure!r}, "
                f"by={by!r}."
            )
            raise InputError(msg)
        return self._get(measure, by).confidence_interval(confidence_level)

    def to_frame(self, backend: str | None = None) -> Any:  # noqa: ANN401 - a frame
        """Return the estimates as a long table (the input's backend by default)."""
        return self.estimates.to_frame(backend)  # type: ignore[arg-type]

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def __repr__(self) -> str:
        msa, mss = self.msa_overall, self.mss_overall
        pos = ", ".join(
            f"{d} {p}"
            for d, p in zip(
                self.instrument.dimensions, self.dimension_position, strict=True
            )
        )
        return (
            f"ZoneResult(instrument={self.instrument.name!r}, "
            f"n={self.missing_report.rows_total}, "
            f"confidence_level={self.confidence_level})\n"
            f"  MSA overall = {float(msa.estimate[0]):.4g}, "
            f"MSS overall = {float(mss.estimate[0]):.4g}\n"
            f"  dimensions: {pos[:300]}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: instrument, MSA/MSS/width per dimension, positions."""
        return {
            "instrument": self.instrument.model_dump(),
            "scale": self.scale.model_dump(),
            "confidence_level": self.confidence_level,
            "msa": jsonable(mapping(self.msa_dimensions)),
            "mss": jsonable(mapping(self.mss_dimensions)),
            "width": jsonable(mapping(self.width_dimensions)),
            "item_position": dict(
                zip(self.instrument.item_ids(), self.item_position, strict=True)
            ),
            "dimension_position": dict(
                zip(self.instrument.dimensions, self.dimension_position, strict=True)
            ),
            "estimates": self.estimates.to_dict(),
            "missing_report": self.missing_report.to_dict(),
            "segments": None
            if self.segments is None
            else {k: v.to_dict() for k, v in self.segments.items()},
        }

    def summary(self) -> Summary:
        """MSA, MSS and zone width per dimension, positions per item."""
        pct = f"{self.confidence_level:.0%}"

        def rows(level: str) -> list[tuple[object, ...]]:
            msa, mss, wid = (self._get(m, level) for m in _MEASURES)
            pos = (
                self.item_position
                if level == "item"
                else self.dimension_position
                if level == "dimension"
                else ("",)
            )
            return [
                (
                    msa.name[i],
                    float(msa.estimate[i]),
                    float(msa.ci_low[i]),
                    float(msa.ci_high[i]),
                    float(mss.estimate[i]),
                    float(mss.ci_low[i]),
                    float(mss.ci_high[i]),
                    float(wid.estimate[i]),
                    pos[i],
                )
                for i in range(len(msa))
            ]

        head: tuple[str, ...] = ("MSA", f"{pct} low", f"{pct} high", "MSS")
        head += (f"{pct} low", f"{pct} high", "width", "position")
        tables = (
            table("Dimensions", ("dimension", *head), rows("dimension")),
            table("Overall", ("", *head), rows("overall")),
            table("Items", ("item", *head), rows("item")),
        )
        notes = (
            "MSA = perceived - adequate, MSS = perceived - desired, width = "
            "desired - adequate (Parasuraman, Zeithaml & Berry 1994).",
            missing_note(self.missing_report, weighted=self._case_weights),
        )
        return Summary(title="Zone of tolerance", tables=tables, notes=notes)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Zone of tolerance per item (:func:`satmodels.plot.zone_of_tolerance`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure when omitted.

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> from satmodels.servqual import Instrument, zone_of_tolerance
        >>> inst = Instrument.define({"speed": ["s1"]})
        >>> data = {"p": [5, 7], "a": [4, 5], "d": [8, 8]}
        >>> res = zone_of_tolerance(
        ...     data, perceived=["p"], adequate=["a"], desired=["d"], instrument=inst
        ... )
        >>> ax = res.plot()
        >>> ax.get_ylabel()
        'service level (mean)'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        from ..plot import zone_of_tolerance  # noqa: PLC0415 - matplotlib is optional

        return zone_of_tolerance(self, ax=ax)


def feldt_estimates(
    dims: tuple[str, ...],
    alpha: FloatArray,
    n: FloatArray,
    n_items: IntArray,
    level: float,
    *,
    backend: str | None,
    where: str,
) -> Estimates:
    """Alpha per dimension with Feldt's (1965) interval."""
    del where
    pairs = [
        _feldt_interval(float(a), int(nn), int(kk), level)
        for a, nn, kk in zip(alpha, n, n_items, strict=True)
    ]
    return estimates(
        name=dims,
        kind="alpha",
        estimate=alpha,
        n=n,
        interval="feldt",
        ci_low=[p[0] for p in pairs],
        ci_high=[p[1] for p in pairs],
        confidence_level=level,
        backend=backend,
    )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class ReliabilityResult(ResultMixin):
    """Cronbach's alpha per dimension with Feldt's interval.

    Attributes
    ----------
    estimates : Estimates
        Kind ``"alpha"``, one row per dimension (NaN for one-item
        dimensions), Feldt (1965) interval, n = respondents with every
        item of the dimension answered.
    instrument : Instrument
    basis : str
        What was analysed: ``"responses"`` or ``"gaps"`` (P - E).
    n_items : ndarray of int
    item_total : ndarray
        Corrected item-total correlation of each item within its dimension.
    alpha_if_deleted : ndarray
        Alpha of the dimension without the item.
    confidence_level : float
    missing_report : MissingReport
    segments : dict of str to ReliabilityResult or None
        One result per segment label (sorted), when ``segments`` was given.
    """

    estimates: Estimates
    instrument: Instrument
    basis: str
    n_items: IntArray
    item_total: FloatArray
    alpha_if_deleted: FloatArray
    confidence_level: float
    missing_report: MissingReport
    segments: dict[str, ReliabilityResult] | None = field(default=None, repr=False)
    _case_weights: bool = field(default=False, repr=False)
    _backend: str | None = field(default=None, repr=False)

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Dimension names."""
        return self.estimates.name

    @property
    def alpha(self) -> FloatArray:
        """Cronbach's alpha per dimension."""
        return self.estimates.estimate

    @property
    def ci_low(self) -> FloatArray:
        """Lower Feldt bound per dimension."""
        return self.estimates.ci_low

    @property
    def ci_high(self) -> FloatArray:
        """Upper Feldt bound per dimension."""
        return self.estimates.ci_high

    @property
    def n(self) -> FloatArray:
        """Respondents behind each alpha."""
        return self.estimates.n

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Feldt's interval of each dimension's alpha (recomputed at a new level)."""
        if confidence_level is None or confidence_level == self.confidence_level:
            return self.estimates.confidence_interval()
        level = check_level(confidence_level, "confidence_interval")
        pairs = [
            _feldt_interval(float(a), int(n), int(k), level)
            for a, n, k in zip(self.alpha, self.n, self.n_items, strict=True)
        ]
        return ConfidenceInterval(
            np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
        )

    def to_frame(self, backend: str | None = None) -> Any:  # noqa: ANN401 - a frame
        """Return the estimates as a long table (the input's backend by default)."""
        return self.estimates.to_frame(backend)  # type: ignore[arg-type]

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def __repr__(self) -> str:
        alphas = ", ".join(
            f"{d} {a:.3f}" for d, a in zip(self.dimensions, self.alpha, strict=True)
        )
        seg = "" if self.segments is None else f", {len(self.segments)} segments"
        return (
            f"ReliabilityResult(basis={self.basis!r}, "
            f"n={self.missing_report.rows_total}, "
            f"confidence_level={self.confidence_level}{seg})\n  alpha: {alphas[:400]}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``alpha`` {dimension: alpha}, items, the estimates."""
        items = [
            {
                "name": it.id,
                "dimension": it.dimension,
                "item_total": float(self.item_total[i]),
                "alpha_if_deleted": float(self.alpha_if_deleted[i]),
            }
            for i, it in enumerate(self.instrument.items)
        ]
        return {
            "basis": self.basis,
            "confidence_level": self.confidence_level,
            "alpha": jsonable(dict(zip(self.dimensions, self.alpha, strict=True))),
            "items": jsonable(items),
            "estimates": self.estimates.to_dict(),
            "missing_report": self.missing_report.to_dict(),
            "segments": None
            if self.segments is None
            else {k: v.to_dict() for k, v in self.segments.items()},
        }

    def summary(self) -> Summary:
        """Alpha with Feldt's interval per dimension; item-total correlations."""
        pct = f"{self.confidence_level:.0%}"
        dim_rows = [
            (
                d,
                float(self.alpha[j]),
                float(self.ci_low[j]),
                float(self.ci_high[j]),
                int(self.n_items[j]),
                float(self.n[j]),
            )
            for j, d in enumerate(self.dimensions)
        ]
        item_rows = [
            (
                str(it.id),  # an item number is a label, not a quantity
                it.dimension,
                float(self.item_total[i]),
                float(self.alpha_if_deleted[i]),
            )
            for i, it in enumerate(self.instrument.items)
        ]
        return Summary(
            title=f"Reliability ({self.basis})",
            tables=(
                table(
                    "Cronbach's alpha",
                    ("dimension", "alpha", f"{pct} low", f"{pct} high", "items", "n"),
                    dim_rows,
                ),
                table(
                    "Items",
                    ("item", "dimension", "item-total r", "alpha if deleted"),
                    item_rows,
                ),
            ),
            notes=(
                "Cronbach (1951) alpha; Feldt (1965) F interval; corrected "
                "item-total correlation r(item, dimension total - item).",
                missing_note(self.missing_report, weighted=self._case_weights),
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class CompareResult(_Scores, ResultMixin):
    """Difference of gaps between two providers or two waves (first - second).

    Attributes
    ----------
    estimates : Estimates
        Kinds ``"item"``, ``"dimension"`` and ``"score"`` as in
        :class:`GapsResult`: differences with intervals and tests of "no
        difference".
    instrument : Instrument
    labels : tuple of str
        Names of the first and second result.
    paired : bool
        True: same respondents (per-respondent differences); False:
        independent samples (Welch).
    confidence_level : float
    missing_report : MissingReport
        The first result's.
    """

    estimates: Estimates
    instrument: Instrument
    labels: tuple[str, str]
    paired: bool
    confidence_level: float
    missing_report: MissingReport
    _backend: str | None = field(default=None, repr=False)

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def __repr__(self) -> str:
        u = self.unweighted
        return (
            f"CompareResult({self.labels[0]!r} - {self.labels[1]!r}, "
            f"paired={self.paired}, confidence_level={self.confidence_level})\n"
            f"  unweighted difference = {float(u.estimate[0]):.4g} "
            f"[{float(u.ci_low[0]):.4g}, {float(u.ci_high[0]):.4g}]"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``dimensions`` {name: difference} and the estimates."""
        return {
            "labels": list(self.labels),
            "paired": self.paired,
            "confidence_level": self.confidence_level,
            "dimensions": jsonable(mapping(self.dimensions)),
            "unweighted_difference": jsonable(self.unweighted_score),
            "estimates": self.estimates.to_dict(),
        }

    def summary(self) -> Summary:
        """Differences of gaps with intervals."""
        kind = "paired" if self.paired else "independent samples (Welch)"
        return Summary(
            title=f"Gap comparison: {self.labels[0]} - {self.labels[1]}",
            tables=(
                est_table(self.dimensions, "Dimensions", "dimension"),
                est_table(take(self.estimates, "score"), "Scores", "score"),
                est_table(self.items, "Items", "item"),
            ),
            notes=(f"Differences of mean gaps, {kind}.",),
        )


GAP_DESCRIPTIONS: dict[int, str] = {
    1: "customer expectations vs management's view of them",
    2: "management's view vs the service standards set",
    3: "service standards vs the service delivered",
    4: "service delivered vs what customers were told",
    5: "expected vs perceived service (P - E)",
}


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class FiveGapsResult(ResultMixin):
    """The five gaps of the gaps model side by side.

    Attributes
    ----------
    estimates : Estimates
        Kinds ``"gap1"`` ... ``"gap5"``, names the dimensions and/or
        ``"overall"``; gaps not measured have no rows.
    descriptions : dict of int to str
        What each gap compares.
    confidence_level : float
    """

    estimates: Estimates
    descriptions: dict[int, str]
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    @property
    def gaps(self) -> dict[int, Estimates | None]:
        """Gap number (1-5) to its rows, None for a gap not measured."""
        out: dict[int, Estimates | None] = {}
        for k in range(1, 6):
            est = take(self.estimates, f"gap{k}")
            out[k] = est if len(est) else None
        return out

    def confidence_interval(
        self, confidence_level: float | None = None, *, gap: int | None = None
    ) -> ConfidenceInterval:
        """Intervals of every row, or of one gap's rows."""
        if gap is None:
            return self.estimates.confidence_interval(confidence_level)
        est = self.gaps.get(gap)
        if est is None:
            msg = (
                f"The 'gap' parameter of confidence_interval must be a measured "
                f"gap {[k for k, v in self.gaps.items() if v is not None]}. "
                f"Got {gap!r}."
            )
            raise InputError(msg)
        return est.confidence_interval(confidence_level)

    def to_frame(self, backend: str | None = None) -> Any:  # noqa: ANN401 - a frame
        """Return the estimates as a long table."""
        return self.estimates.to_frame(backend)  # type: ignore[arg-type]

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def __repr__(self) -> str:
        measured = [k for k, v in self.gaps.items() if v is not None]
        g5 = take(self.estimates, "gap5", ("overall",))
        head = f"{float(g5.estimate[0]):.4g}" if len(g5) else "n/a"
        return (
            f"FiveGapsResult(measured gaps {measured}, "
            f"confidence_level={self.confidence_level})\n  gap 5 overall = {head}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``gaps`` {number: {name: estimate} or None}, estimates."""
        return {
            "confidence_level": self.confidence_level,
            "gaps": {
                str(k): None if v is None else jsonable(mapping(v))
                for k, v in self.gaps.items()
            },
            "descriptions": {str(k): v for k, v in self.descriptions.items()},
            "estimates": self.estimates.to_dict(),
        }

    def summary(self) -> Summary:
        """One row per gap and name."""
        pct = f"{self.confidence_level:.0%}"
        rows: list[tuple[object, ...]] = []
        for k, est in self.gaps.items():
            if est is None:
                rows.append((f"gap {k}", "(not measured)", None, None, None, None))
                continue
            rows += [
                (
                    f"gap {k}",
                    r["name"],
                    r["estimate"],
                    r["ci_low"],
                    r["ci_high"],
                    r["n"],
                )
                for r in records(est)
            ]
        notes = (
            *(f"gap {k}: {v}" for k, v in self.descriptions.items()),
            "Gaps model of Parasuraman, Zeithaml & Berry (1985).",
        )
        return Summary(
            title="Five-gap model",
            tables=(
                table(
                    "",
                    ("gap", "name", "estimate", f"{pct} low", f"{pct} high", "n"),
                    rows,
                ),
            ),
            notes=notes,
        )
