"""Result objects of the SERVQUAL module (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray, IntArray
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._summary import Summary, SummaryTable, table
from ..scales import Scale
from ..stats.moments import MissingReport
from ._kernels import _t_interval, _t_test
from .instrument import Instrument

__all__ = [
    "CompareResult",
    "Estimates",
    "FiveGapsResult",
    "GapsResult",
    "ReliabilityResult",
    "ServperfResult",
    "ZoneResult",
]

_SOURCE_GAPS = (
    "Gap = perception - expectation; dimension gap = mean of its item gaps; "
    "unweighted score = mean of the dimension gaps; weighted score = sum of "
    "dimension gaps x importance points / 100 (Parasuraman, Zeithaml & Berry "
    "1988; Zeithaml, Parasuraman & Berry 1990, appendix)."
)


def _level_value(level: float | None, default: float) -> float:
    if level is None:
        return default
    if not isinstance(level, (int, float)) or not 0.0 < float(level) < 1.0:
        msg = (
            "The 'confidence_level' parameter of confidence_interval must lie "
            f"strictly between 0 and 1. Got {level!r} instead."
        )
        raise InputError(msg)
    return float(level)


@dataclass(frozen=True, slots=True, kw_only=True)
class Estimates(ResultMixin):
    """Means with standard errors, Student t intervals and tests against 0.

    Attributes
    ----------
    names : tuple of str
        What each estimate is (item ids, dimension names, ``"unweighted"``).
    estimate : ndarray
        The means (gaps, scores, differences).
    std_error : ndarray
        Standard errors (NaN when not estimable).
    df : ndarray
        Degrees of freedom of the t reference distribution.
    n : ndarray of int
        Respondents behind each estimate (smallest item count for
        combinations).
    confidence_level : float
        Level of the interval in ``ci_low`` / ``ci_high``.
    ci_low, ci_high : ndarray
        Two-sided t interval.
    statistic, pvalue : ndarray
        t statistic for "mean = 0" and its two-sided p-value.
    """

    names: tuple[str, ...]
    estimate: FloatArray
    std_error: FloatArray
    df: FloatArray
    n: IntArray
    confidence_level: float
    ci_low: FloatArray = field(init=False)
    ci_high: FloatArray = field(init=False)
    statistic: FloatArray = field(init=False)
    pvalue: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        low, high = _t_interval(
            self.estimate, self.std_error, self.df, self.confidence_level
        )
        t, p = _t_test(self.estimate, self.std_error, self.df)
        object.__setattr__(self, "ci_low", low)
        object.__setattr__(self, "ci_high", high)
        object.__setattr__(self, "statistic", t)
        object.__setattr__(self, "pvalue", p)

    def value(self, name: str) -> float:
        """Return the estimate called ``name``."""
        if name not in self.names:
            msg = f"No estimate named {name!r}; have {list(self.names)}."
            raise InputError(msg)
        return float(self.estimate[self.names.index(name)])

    def as_mapping(self) -> dict[str, float]:
        """``{name: estimate}``."""
        return {k: float(v) for k, v in zip(self.names, self.estimate, strict=True)}

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Two-sided Student t interval at ``confidence_level``."""
        level = _level_value(confidence_level, self.confidence_level)
        low, high = _t_interval(self.estimate, self.std_error, self.df, level)
        return ConfidenceInterval(low, high)

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "name": name,
                "estimate": float(self.estimate[i]),
                "std_error": float(self.std_error[i]),
                "ci_low": float(self.ci_low[i]),
                "ci_high": float(self.ci_high[i]),
                "statistic": float(self.statistic[i]),
                "pvalue": float(self.pvalue[i]),
                "df": float(self.df[i]),
                "n": int(self.n[i]),
            }
            for i, name in enumerate(self.names)
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: confidence level and one record per estimate."""
        return {
            "confidence_level": self.confidence_level,
            "estimates": jsonable(self._records()),
        }

    def _table(self, title: str, label: str = "name") -> SummaryTable:
        rows = [
            (r["name"], r["estimate"], r["ci_low"], r["ci_high"], r["pvalue"], r["n"])
            for r in self._records()
        ]
        pct = f"{self.confidence_level:.0%}"
        header = (label, "estimate", f"{pct} low", f"{pct} high", "p", "n")
        return table(title, header, rows)

    def summary(self) -> Summary:
        """Estimates with intervals and p-values."""
        return Summary(title="Estimates", tables=(self._table(""),))


def _missing_note(report: MissingReport) -> str:
    cells = sum(report.column_missing.values())
    return (
        f"{report.rows_total} respondents; {cells} missing answer(s) "
        f"(each statistic uses the respondents who answered its items)."
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class GapsResult(ResultMixin):
    """SERVQUAL gap scores (perception minus expectation).

    Attributes
    ----------
    instrument : Instrument
        Items and dimensions used.
    scale : Scale
        Answer scale.
    items : Estimates
        Mean gap per item (paired t interval, test of gap = 0).
    dimensions : Estimates
        Mean gap per dimension (mean of its item gaps).
    unweighted : Estimates
        Unweighted SERVQUAL score: mean of the dimension gaps.
    weighted : Estimates or None
        Weighted SERVQUAL score from 100-point importance allocations.
    importance : dict of str to float or None
        Mean importance points per dimension (when weights were given).
    item_perception, item_expectation : ndarray
        Mean P and E per item over the respondents behind each item gap.
    dimension_perception, dimension_expectation : ndarray
        Means of those item means per dimension.
    confidence_level : float
        Level of every interval.
    missing : MissingReport
        Missing answers per column.
    segments : dict of str to GapsResult
        One result per segment (empty when no segments were given).
    """

    instrument: Instrument
    scale: Scale
    items: Estimates
    dimensions: Estimates
    unweighted: Estimates
    weighted: Estimates | None
    importance: dict[str, float] | None
    item_perception: FloatArray
    item_expectation: FloatArray
    dimension_perception: FloatArray
    dimension_expectation: FloatArray
    confidence_level: float
    missing: MissingReport
    segments: dict[str, GapsResult] = field(default_factory=dict)
    _rows: FloatArray | None = field(default=None, repr=False)
    _importance_vector: FloatArray | None = field(default=None, repr=False)
    _backend: str | None = field(default=None, repr=False)

    @property
    def unweighted_score(self) -> float:
        """The unweighted SERVQUAL score (mean of the dimension gaps)."""
        return float(self.unweighted.estimate[0])

    @property
    def weighted_score(self) -> float | None:
        """The weighted SERVQUAL score, or None without importance weights."""
        return None if self.weighted is None else float(self.weighted.estimate[0])

    def confidence_interval(
        self, confidence_level: float | None = None, *, level: str = "dimension"
    ) -> ConfidenceInterval:
        """Intervals of the mean gaps of ``level``.

        Parameters
        ----------
        confidence_level : float, optional
            Defaults to the level the result was computed with.
        level : {"item", "dimension", "unweighted", "weighted"}
            Which estimates.
        """
        return _pick(self, level).confidence_interval(confidence_level)

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
        return _dimension_rows(self._rows, self.instrument)

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        dims = [i.dimension for i in self.instrument.items]
        for i, r in enumerate(self.items._records()):
            rows.append(
                {
                    "level": "item",
                    "dimension": dims[i],
                    "perception": float(self.item_perception[i]),
                    "expectation": float(self.item_expectation[i]),
                    **r,
                }
            )
        for i, r in enumerate(self.dimensions._records()):
            rows.append(
                {
                    "level": "dimension",
                    "dimension": r["name"],
                    "perception": float(self.dimension_perception[i]),
                    "expectation": float(self.dimension_expectation[i]),
                    **r,
                }
            )
        for est in (self.unweighted, self.weighted):
            if est is not None:
                rows.extend(
                    {
                        "level": "score",
                        "dimension": None,
                        "perception": None,
                        "expectation": None,
                        **r,
                    }
                    for r in est._records()
                )
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary.

        Keys: ``instrument``, ``confidence_level``, ``dimensions`` (name to
        mean gap), ``items`` and ``dimension_details`` (records),
        ``unweighted_score``, ``weighted_score`` (when weights were given),
        ``importance``, ``missing``, ``segments``.
        """
        out: dict[str, Any] = {
            "instrument": self.instrument.model_dump(),
            "scale": self.scale.model_dump(),
            "confidence_level": self.confidence_level,
            "dimensions": jsonable(self.dimensions.as_mapping()),
            "items": jsonable([r for r in self._records() if r["level"] == "item"]),
            "dimension_details": jsonable(
                [r for r in self._records() if r["level"] == "dimension"]
            ),
            "unweighted_score": jsonable(self.unweighted_score),
            "unweighted": jsonable(self.unweighted._records()[0]),
            "missing": self.missing.to_dict(),
            "segments": {k: v.to_dict() for k, v in self.segments.items()},
        }
        if self.weighted is not None:
            out["weighted_score"] = jsonable(self.weighted_score)
            out["weighted"] = jsonable(self.weighted._records()[0])
            out["importance"] = jsonable(self.importance)
        return out

    def summary(self) -> Summary:
        """Dimension gaps, scores and item gaps with intervals."""
        pct = f"{self.confidence_level:.0%}"
        head = ("", "P", "E", "gap", f"{pct} low", f"{pct} high", "p", "n")
        dim_rows = [
            (
                r["name"],
                float(self.dimension_perception[i]),
                float(self.dimension_expectation[i]),
                r["estimate"],
                r["ci_low"],
                r["ci_high"],
                r["pvalue"],
                r["n"],
            )
            for i, r in enumerate(self.dimensions._records())
        ]
        item_rows = [
            (
                f"{r['name']} ({self.instrument.items[i].dimension})",
                float(self.item_perception[i]),
                float(self.item_expectation[i]),
                r["estimate"],
                r["ci_low"],
                r["ci_high"],
                r["pvalue"],
                r["n"],
            )
            for i, r in enumerate(self.items._records())
        ]
        score_rows = [
            (r["name"], r["estimate"], r["ci_low"], r["ci_high"], r["pvalue"], r["n"])
            for est in (self.unweighted, self.weighted)
            if est is not None
            for r in est._records()
        ]
        tables = [
            table("Dimension gaps (P - E)", ("dimension", *head[1:]), dim_rows),
            table(
                "SERVQUAL scores",
                ("score", "estimate", f"{pct} low", f"{pct} high", "p", "n"),
                score_rows,
            ),
            table("Item gaps", ("item", *head[1:]), item_rows),
        ]
        if self.segments:
            seg_rows = [
                (
                    name,
                    *(float(g) for g in res.dimensions.estimate),
                    res.unweighted_score,
                    res.missing.rows_total,
                )
                for name, res in self.segments.items()
            ]
            tables.append(
                table(
                    "Dimension gaps by segment",
                    ("segment", *self.dimensions.names, "unweighted", "n"),
                    seg_rows,
                )
            )
        notes = (
            f"Instrument {self.instrument.name}; scale {self.scale.describe()}.",
            _missing_note(self.missing),
            _SOURCE_GAPS,
        )
        return Summary(title="SERVQUAL gap analysis", tables=tuple(tables), notes=notes)


def _pick(result: Any, level: str) -> Estimates:  # noqa: ANN401 - any result here
    options = {
        "item": getattr(result, "items", None),
        "dimension": getattr(result, "dimensions", None),
        "unweighted": getattr(result, "unweighted", None),
        "weighted": getattr(result, "weighted", None),
    }
    est: Estimates | None = options.get(level)
    if est is None:
        msg = (
            f"The 'level' parameter of confidence_interval must be one of "
            f"{[k for k, v in options.items() if v is not None]}. Got {level!r}."
        )
        raise InputError(msg)
    return est


def _dimension_rows(rows: FloatArray, instrument: Instrument) -> FloatArray:
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


@dataclass(frozen=True, slots=True, kw_only=True)
class ServperfResult(ResultMixin):
    """SERVPERF: perception-only scores (Cronin & Taylor 1992).

    Attributes
    ----------
    instrument : Instrument
    scale : Scale
    items : Estimates
        Mean perception per item (t interval; the test is against 0 and
        rarely of interest: compare intervals instead).
    dimensions : Estimates
        Mean of the item means per dimension.
    unweighted : Estimates
        Mean of the dimension scores.
    weighted : Estimates or None
        Importance-weighted score (points / 100).
    importance : dict of str to float or None
    confidence_level : float
    missing : MissingReport
    segments : dict of str to ServperfResult
    """

    instrument: Instrument
    scale: Scale
    items: Estimates
    dimensions: Estimates
    unweighted: Estimates
    weighted: Estimates | None
    importance: dict[str, float] | None
    confidence_level: float
    missing: MissingReport
    segments: dict[str, ServperfResult] = field(default_factory=dict)
    _backend: str | None = field(default=None, repr=False)

    @property
    def unweighted_score(self) -> float:
        """Mean of the dimension perception scores."""
        return float(self.unweighted.estimate[0])

    @property
    def weighted_score(self) -> float | None:
        """Importance-weighted perception score, or None."""
        return None if self.weighted is None else float(self.weighted.estimate[0])

    def confidence_interval(
        self, confidence_level: float | None = None, *, level: str = "dimension"
    ) -> ConfidenceInterval:
        """Intervals of ``level`` ("item", "dimension", "unweighted", "weighted")."""
        return _pick(self, level).confidence_interval(confidence_level)

    def _records(self) -> list[dict[str, object]]:
        dims = [i.dimension for i in self.instrument.items]
        rows: list[dict[str, object]] = [
            {"level": "item", "dimension": dims[i], **r}
            for i, r in enumerate(self.items._records())
        ]
        rows += [
            {"level": "dimension", "dimension": r["name"], **r}
            for r in self.dimensions._records()
        ]
        for est in (self.unweighted, self.weighted):
            if est is not None:
                rows += [
                    {"level": "score", "dimension": None, **r} for r in est._records()
                ]
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``dimensions``, ``items``, ``unweighted_score``, ..."""
        out: dict[str, Any] = {
            "instrument": self.instrument.model_dump(),
            "scale": self.scale.model_dump(),
            "confidence_level": self.confidence_level,
            "dimensions": jsonable(self.dimensions.as_mapping()),
            "items": jsonable([r for r in self._records() if r["level"] == "item"]),
            "unweighted_score": jsonable(self.unweighted_score),
            "missing": self.missing.to_dict(),
            "segments": {k: v.to_dict() for k, v in self.segments.items()},
        }
        if self.weighted is not None:
            out["weighted_score"] = jsonable(self.weighted_score)
            out["importance"] = jsonable(self.importance)
        return out

    def summary(self) -> Summary:
        """Dimension and item perception scores with intervals."""
        scores = [self.unweighted] + ([self.weighted] if self.weighted else [])
        tables = [
            self.dimensions._table("Dimension scores", "dimension"),
            _concat(scores)._table("SERVPERF scores", "score"),
            self.items._table("Item scores", "item"),
        ]
        notes = (
            f"Instrument {self.instrument.name}; scale {self.scale.describe()}.",
            _missing_note(self.missing),
            "SERVPERF: perception-only scores (Cronin & Taylor 1992).",
        )
        return Summary(title="SERVPERF", tables=tuple(tables), notes=notes)


def _concat(parts: list[Estimates]) -> Estimates:
    return Estimates(
        names=tuple(n for p in parts for n in p.names),
        estimate=np.concatenate([p.estimate for p in parts]),
        std_error=np.concatenate([p.std_error for p in parts]),
        df=np.concatenate([p.df for p in parts]),
        n=np.concatenate([p.n for p in parts]),
        confidence_level=parts[0].confidence_level,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneResult(ResultMixin):
    """Zone of tolerance (Parasuraman, Zeithaml & Berry 1994).

    Attributes
    ----------
    instrument : Instrument
    scale : Scale
    msa_items, msa_dimensions, msa_overall : Estimates
        Measure of service adequacy, perceived - adequate.
    mss_items, mss_dimensions, mss_overall : Estimates
        Measure of service superiority, perceived - desired.
    width_items, width_dimensions, width_overall : Estimates
        Zone width, desired - adequate.
    item_perceived, item_adequate, item_desired : ndarray
        Mean levels per item.
    item_position, dimension_position : tuple of str
        ``"below"`` (mean MSA < 0), ``"above"`` (mean MSS > 0) or
        ``"inside"`` the zone; ``"unknown"`` without answers.
    confidence_level : float
    missing : MissingReport
    """

    instrument: Instrument
    scale: Scale
    msa_items: Estimates
    msa_dimensions: Estimates
    msa_overall: Estimates
    mss_items: Estimates
    mss_dimensions: Estimates
    mss_overall: Estimates
    width_items: Estimates
    width_dimensions: Estimates
    width_overall: Estimates
    item_perceived: FloatArray
    item_adequate: FloatArray
    item_desired: FloatArray
    item_position: tuple[str, ...]
    dimension_position: tuple[str, ...]
    confidence_level: float
    missing: MissingReport
    _backend: str | None = field(default=None, repr=False)

    def confidence_interval(
        self,
        confidence_level: float | None = None,
        *,
        measure: str = "msa",
        level: str = "dimension",
    ) -> ConfidenceInterval:
        """Intervals of ``measure`` ("msa", "mss", "width") at ``level``.

        ``level`` is "item", "dimension" or "overall".
        """
        key = f"{measure}_{level if level == 'overall' else level + 's'}"
        if measure not in ("msa", "mss", "width") or level not in (
            "item",
            "dimension",
            "overall",
        ):
            msg = (
                "confidence_interval of ZoneResult takes measure in "
                "('msa', 'mss', 'width') and level in ('item', 'dimension', "
                f"'overall'). Got measure={measure!r}, level={level!r}."
            )
            raise InputError(msg)
        est: Estimates = getattr(self, key)
        return est.confidence_interval(confidence_level)

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        dims = [i.dimension for i in self.instrument.items]
        for measure in ("msa", "mss", "width"):
            for level in ("items", "dimensions", "overall"):
                est: Estimates = getattr(self, f"{measure}_{level}")
                for i, r in enumerate(est._records()):
                    rows.append(
                        {
                            "measure": measure,
                            "level": level.rstrip("s"),
                            "dimension": dims[i]
                            if level == "items"
                            else (r["name"] if level == "dimensions" else None),
                            **r,
                        }
                    )
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: instrument, per-level MSA/MSS/width records, positions."""
        return {
            "instrument": self.instrument.model_dump(),
            "scale": self.scale.model_dump(),
            "confidence_level": self.confidence_level,
            "msa": jsonable(self.msa_dimensions.as_mapping()),
            "mss": jsonable(self.mss_dimensions.as_mapping()),
            "width": jsonable(self.width_dimensions.as_mapping()),
            "item_position": dict(
                zip(self.instrument.item_ids(), self.item_position, strict=True)
            ),
            "dimension_position": dict(
                zip(self.instrument.dimensions, self.dimension_position, strict=True)
            ),
            "records": jsonable(self._records()),
            "missing": self.missing.to_dict(),
        }

    def summary(self) -> Summary:
        """MSA, MSS and zone width per dimension, positions per item."""
        pct = f"{self.confidence_level:.0%}"

        def rows(prefix: str) -> list[tuple[object, ...]]:
            msa: Estimates = getattr(self, f"msa_{prefix}")
            mss: Estimates = getattr(self, f"mss_{prefix}")
            wid: Estimates = getattr(self, f"width_{prefix}")
            pos = (
                self.item_position
                if prefix == "items"
                else self.dimension_position
                if prefix == "dimensions"
                else ("",)
            )
            return [
                (
                    msa.names[i],
                    float(msa.estimate[i]),
                    float(msa.ci_low[i]),
                    float(msa.ci_high[i]),
                    float(mss.estimate[i]),
                    float(mss.ci_low[i]),
                    float(mss.ci_high[i]),
                    float(wid.estimate[i]),
                    pos[i],
                )
                for i in range(len(msa.names))
            ]

        head = (
            "MSA",
            f"{pct} low",
            f"{pct} high",
            "MSS",
            f"{pct} low",
            f"{pct} high",
            "width",
            "position",
        )
        tables = (
            table("Dimensions", ("dimension", *head), rows("dimensions")),
            table("Overall", ("", *head), rows("overall")),
            table("Items", ("item", *head), rows("items")),
        )
        notes = (
            "MSA = perceived - adequate, MSS = perceived - desired, width = "
            "desired - adequate (Parasuraman, Zeithaml & Berry 1994).",
            _missing_note(self.missing),
        )
        return Summary(title="Zone of tolerance", tables=tables, notes=notes)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReliabilityResult(ResultMixin):
    """Cronbach's alpha per dimension with Feldt's interval.

    Attributes
    ----------
    instrument : Instrument
    basis : str
        What was analysed: ``"responses"`` or ``"gaps"`` (P - E).
    dimensions : tuple of str
    alpha : ndarray
        Cronbach's alpha per dimension (NaN for one-item dimensions).
    ci_low, ci_high : ndarray
        Feldt (1965) interval at ``confidence_level``.
    n : ndarray of int
        Respondents with every item of the dimension answered.
    n_items : ndarray of int
    item_total : ndarray
        Corrected item-total correlation of each item within its dimension.
    alpha_if_deleted : ndarray
        Alpha of the dimension without the item.
    confidence_level : float
    missing : MissingReport
    """

    instrument: Instrument
    basis: str
    dimensions: tuple[str, ...]
    alpha: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    n: IntArray
    n_items: IntArray
    item_total: FloatArray
    alpha_if_deleted: FloatArray
    confidence_level: float
    missing: MissingReport
    _backend: str | None = field(default=None, repr=False)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Feldt's interval of each dimension's alpha at ``confidence_level``."""
        from ..stats._reliability import _feldt_interval  # noqa: PLC0415 - local helper

        level = _level_value(confidence_level, self.confidence_level)
        pairs = [
            _feldt_interval(float(a), int(n), int(k), level)
            for a, n, k in zip(self.alpha, self.n, self.n_items, strict=True)
        ]
        return ConfidenceInterval(
            np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
        )

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = [
            {
                "level": "dimension",
                "name": d,
                "dimension": d,
                "alpha": float(self.alpha[j]),
                "ci_low": float(self.ci_low[j]),
                "ci_high": float(self.ci_high[j]),
                "n": int(self.n[j]),
                "n_items": int(self.n_items[j]),
                "item_total": None,
                "alpha_if_deleted": None,
            }
            for j, d in enumerate(self.dimensions)
        ]
        rows += [
            {
                "level": "item",
                "name": it.id,
                "dimension": it.dimension,
                "alpha": None,
                "ci_low": None,
                "ci_high": None,
                "n": None,
                "n_items": None,
                "item_total": float(self.item_total[i]),
                "alpha_if_deleted": float(self.alpha_if_deleted[i]),
            }
            for i, it in enumerate(self.instrument.items)
        ]
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``alpha`` {dimension: alpha} and the records."""
        return {
            "basis": self.basis,
            "confidence_level": self.confidence_level,
            "alpha": jsonable(dict(zip(self.dimensions, self.alpha, strict=True))),
            "records": jsonable(self._records()),
            "missing": self.missing.to_dict(),
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
                int(self.n[j]),
            )
            for j, d in enumerate(self.dimensions)
        ]
        item_rows = [
            (
                it.id,
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
                _missing_note(self.missing),
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareResult(ResultMixin):
    """Difference of gaps between two providers or two waves (first - second).

    Attributes
    ----------
    labels : tuple of str
        Names of the first and second result.
    paired : bool
        True: same respondents (per-respondent differences); False:
        independent samples (Welch).
    items, dimensions, unweighted : Estimates
        Differences with intervals and tests of "no difference".
    weighted : Estimates or None
    confidence_level : float
    """

    labels: tuple[str, str]
    paired: bool
    items: Estimates
    dimensions: Estimates
    unweighted: Estimates
    weighted: Estimates | None
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    def confidence_interval(
        self, confidence_level: float | None = None, *, level: str = "dimension"
    ) -> ConfidenceInterval:
        """Intervals of the differences at ``level``."""
        return _pick(self, level).confidence_interval(confidence_level)

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for lev, est in (
            ("item", self.items),
            ("dimension", self.dimensions),
            ("score", self.unweighted),
            ("score", self.weighted),
        ):
            if est is not None:
                rows += [{"level": lev, **r} for r in est._records()]
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``dimensions`` {name: difference} and the records."""
        return {
            "labels": list(self.labels),
            "paired": self.paired,
            "confidence_level": self.confidence_level,
            "dimensions": jsonable(self.dimensions.as_mapping()),
            "unweighted_difference": jsonable(float(self.unweighted.estimate[0])),
            "records": jsonable(self._records()),
        }

    def summary(self) -> Summary:
        """Differences of gaps with intervals."""
        kind = "paired" if self.paired else "independent samples (Welch)"
        parts = [self.unweighted] + ([self.weighted] if self.weighted else [])
        return Summary(
            title=f"Gap comparison: {self.labels[0]} - {self.labels[1]}",
            tables=(
                self.dimensions._table("Dimensions", "dimension"),
                _concat(parts)._table("Scores", "score"),
                self.items._table("Items", "item"),
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


@dataclass(frozen=True, slots=True, kw_only=True)
class FiveGapsResult(ResultMixin):
    """The five gaps of the gaps model side by side.

    Attributes
    ----------
    gaps : dict of int to Estimates or None
        Gap number (1-5) to its estimates (per dimension and/or
        ``"overall"``); None for a gap that was not measured.
    descriptions : dict of int to str
        What each gap compares.
    confidence_level : float
    """

    gaps: dict[int, Estimates | None]
    descriptions: dict[int, str]
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    def confidence_interval(
        self, confidence_level: float | None = None, *, gap: int = 5
    ) -> ConfidenceInterval:
        """Intervals of one gap's estimates."""
        est = self.gaps.get(gap)
        if est is None:
            msg = (
                f"The 'gap' parameter of confidence_interval must be a measured "
                f"gap {[k for k, v in self.gaps.items() if v is not None]}. "
                f"Got {gap!r}."
            )
            raise InputError(msg)
        return est.confidence_interval(confidence_level)

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for k in range(1, 6):
            est = self.gaps.get(k)
            if est is None:
                rows.append(
                    {
                        "gap": k,
                        "description": self.descriptions[k],
                        "name": None,
                        "estimate": None,
                        "std_error": None,
                        "ci_low": None,
                        "ci_high": None,
                        "statistic": None,
                        "pvalue": None,
                        "df": None,
                        "n": None,
                    }
                )
                continue
            rows += [
                {"gap": k, "description": self.descriptions[k], **r}
                for r in est._records()
            ]
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``gaps`` {number: {name: estimate} or None}, records."""
        return {
            "confidence_level": self.confidence_level,
            "gaps": {
                str(k): None if v is None else jsonable(v.as_mapping())
                for k, v in self.gaps.items()
            },
            "descriptions": {str(k): v for k, v in self.descriptions.items()},
            "records": jsonable(self._records()),
        }

    def summary(self) -> Summary:
        """One row per gap and name."""
        pct = f"{self.confidence_level:.0%}"
        rows = [
            (
                f"gap {r['gap']}",
                r["name"] if r["name"] is not None else "(not measured)",
                r["estimate"],
                r["ci_low"],
                r["ci_high"],
                r["n"],
            )
            for r in self._records()
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
