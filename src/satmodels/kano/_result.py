"""Result classes of the Kano analysis: per attribute and per respondent."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from .._typing import BoolArray, FloatArray, IntArray
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates, check_level
from ..results._summary import Summary, table
from ..stats.intervals import percentile_interval, wilson_interval
from ..stats.moments import MissingReport
from ._options import DEFAULT_TIE_RULE
from ._table import CATEGORIES, STANDARD_TABLE, KanoTable

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["KanoClassification", "KanoResult"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class KanoResult(ResultMixin):
    """Per-attribute Kano analysis (categories, coefficients, strengths, tests).

    Attributes
    ----------
    attributes : tuple of str
        Attribute names.
    estimates : Estimates
        Per attribute: the six category shares (kind ``"share"``, named
        ``"<attribute>: <category>"``), Better and Worse (kinds ``"better"``
        and ``"worse"``, named by the attribute), with Wilson intervals at
        ``confidence_level`` and ``n`` = the (effective) number of trials.
    categories : tuple of str
        Column order of ``counts`` and ``shares``: A, O, M, I, R, Q.
    tables : ndarray, shape (p, 6, 6)
        Joint counts of (functional, dysfunctional) answers per attribute,
        answers like ... dislike and index 5 for a missing answer.
    counts : ndarray of int, shape (p, 6)
        Respondents per category.
    weighted_counts : ndarray, shape (p, 6)
        Sums of case weights per category (equal to ``counts`` without
        weights); every share and coefficient below uses them.
    n : ndarray of int, shape (p,)
        Classified pairs (both answers present).
    n_effective : ndarray, shape (p,)
        Kish's effective number of classified pairs (``n`` without weights).
    n_missing : ndarray of int, shape (p,)
        Pairs with a missing functional or dysfunctional answer (or both).
    n_respondents : int
        Rows in the data (with a positive weight).
    weighted : bool
        Whether case weights were given.
    shares : ndarray, shape (p, 6)
        Weighted category shares.
    category : tuple of str
        Most frequent category, ties broken by ``tie_rule``.
    tied : ndarray of bool
        Whether the most frequent category was tied.
    category_aom : tuple of str
        The (A+O+M) versus (I+R+Q) rule.
    better, worse : ndarray, shape (p,)
        Berger et al. (1993) satisfaction and dissatisfaction coefficients.
    better_low, better_high, worse_low, worse_high : ndarray
        Wilson (1927) intervals at ``confidence_level``.
    total_strength, category_strength : ndarray
        Lee & Newcomb (1997), as shares in [0, 1].
    fong_difference, fong_critical : ndarray
        ``|a - b|`` and ``fong_z * sqrt((a+b)(2n-a-b)/(2n))`` (Fong 1996).
    fong_significant : ndarray of bool
        ``fong_difference >= fong_critical``.
    importance_mean : ndarray or None
        Mean self-stated importance per attribute (when given).
    better_weighted, worse_weighted : ndarray or None
        Importance-weighted coefficients (when importance is given).
    respondent_q, respondent_r, respondent_missing : ndarray of int or None
        Per respondent: Q answers, R answers, missing pairs (None for lazy
        frames and segment results).
    flagged : ndarray of bool or None
        Respondents with more than ``max_questionable`` Q answers.
    segments : dict of str to KanoResult or None
        The same analysis per segment, sorted labels (None without
        ``segments``).
    missing_report : MissingReport or None
        Rows read, used and excluded, missing answers per column.
    confidence_level : float
        Level of the stored intervals.
    n_resamples : int
        Bootstrap replicates drawn (0: none).
    tie_rule : tuple of str
        Category priority used to break ties.
    max_questionable : int
        Flagging threshold for respondents.
    evaluation_table : KanoTable
        The evaluation table used.
    """

    attributes: tuple[str, ...]
    estimates: Estimates
    categories: tuple[str, ...] = CATEGORIES
    tables: FloatArray
    counts: IntArray
    weighted_counts: FloatArray
    n: IntArray
    n_effective: FloatArray
    n_missing: IntArray
    n_respondents: int
    weighted: bool = False
    shares: FloatArray
    category: tuple[str, ...]
    tied: BoolArray
    category_aom: tuple[str, ...]
    better: FloatArray
    worse: FloatArray
    better_low: FloatArray
    better_high: FloatArray
    worse_low: FloatArray
    worse_high: FloatArray
    total_strength: FloatArray
    category_strength: FloatArray
    fong_difference: FloatArray
    fong_critical: FloatArray
    fong_significant: BoolArray
    importance_mean: FloatArray | None = None
    better_weighted: FloatArray | None = None
    worse_weighted: FloatArray | None = None
    respondent_q: IntArray | None = None
    respondent_r: IntArray | None = None
    respondent_missing: IntArray | None = None
    flagged: BoolArray | None = None
    segments: dict[str, KanoResult] | None = None
    missing_report: MissingReport | None = None
    confidence_level: float = 0.95
    n_resamples: int = 0
    tie_rule: tuple[str, ...] = DEFAULT_TIE_RULE
    max_questionable: int = 1
    evaluation_table: KanoTable = STANDARD_TABLE
    _boot: FloatArray | None = None
    _successes: FloatArray | None = None
    _trials: FloatArray | None = None
    _sign: FloatArray | None = None
    _codes: npt.NDArray[np.int8] | None = None
    _backend: str | None = None

    def __repr__(self) -> str:
        head = (
            f"KanoResult(n_respondents={self.n_respondents}, "
            f"attributes={len(self.attributes)}, "
            f"confidence_level={self.confidence_level}"
            + (", weighted" if self.weighted else "")
            + (f", segments={len(self.segments)}" if self.segments else "")
            + ")"
        )
        lines = [head]
        for j, name in enumerate(self.attributes[:5]):
            lines.append(
                f"  {name[:24]}: {self.category[j] or '-'}  "
                f"better={self.better[j]:.3f} worse={self.worse[j]:.3f}"
            )
        if len(self.attributes) > 5:
            lines.append(f"  ... {len(self.attributes) - 5} more")
        return "\n".join(lines)

    def confidence_interval(
        self,
        confidence_level: float | None = None,
        *,
        method: Literal["wilson", "bootstrap"] = "wilson",
    ) -> ConfidenceInterval:
        """Interval bounds of every row of :attr:`estimates`.

        Parameters
        ----------
        confidence_level : float, optional
            Default: the level given to :func:`~satmodels.kano.analyze`, which
            returns exactly the stored ``estimates.ci_low`` / ``ci_high``.
        method : {"wilson", "bootstrap"}
            ``wilson``: Wilson (1927) score interval of each binomial share
            (with Kish's effective n as the number of trials under case
            weights), recomputed at any level. ``bootstrap``: percentile
            interval of the replicates drawn by ``analyze(...,
            n_resamples=...)``.

        Returns
        -------
        ConfidenceInterval
            ``low`` and ``high`` arrays aligned with the rows of
            :attr:`estimates`.
        """
        where = "KanoResult.confidence_interval"
        chosen: str = method
        if chosen not in ("wilson", "bootstrap"):
            msg = (
                f"The 'method' parameter of {where} must be 'wilson' or "
                f"'bootstrap'. Got {method!r} instead."
            )
            raise InputError(msg)
        if chosen == "bootstrap":
            level = self.confidence_level
            if confidence_level is not None:
                level = check_level(confidence_level, where)
            if self._boot is None:
                msg = (
                    f"{where}(method='bootstrap') needs replicates: call "
                    "kano.analyze(..., n_resamples=2000, rng=...)."
                )
                raise InputError(msg)
            if not np.isnan(self._boot).any():
                lo, hi = percentile_interval(self._boot, level)
                return ConfidenceInterval(low=lo, high=hi)
            # replicates without A, O, M or I answers have no Better/Worse:
            # the percentiles of the others (NaN-aware quantiles)
            alpha = (1.0 - level) / 2.0
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column
                lo = np.nanpercentile(self._boot, 100 * alpha, axis=0)
                hi = np.nanpercentile(self._boot, 100 * (1 - alpha), axis=0)
            return ConfidenceInterval(low=lo, high=hi)
        if confidence_level is None or confidence_level == self.confidence_level:
            return self.estimates.confidence_interval()
        level = check_level(confidence_level, where)
        assert self._successes is not None  # noqa: S101 - set by analyze
        assert self._trials is not None  # noqa: S101
        assert self._sign is not None  # noqa: S101
        lo, hi = wilson_interval(self._successes, self._trials, level)
        neg = self._sign < 0
        return ConfidenceInterval(
            low=np.where(neg, -hi, lo), high=np.where(neg, -lo, hi)
        )

    def respondent_categories(self) -> npt.NDArray[np.str_]:
        """Category of every respondent x attribute ("" where an answer is missing)."""
        if self._codes is None:
            msg = (
                "Per-respondent categories are not available for lazy frames "
                "or segments."
            )
            raise InputError(msg)
        labels = np.asarray([*self.categories, ""])
        out: npt.NDArray[np.str_] = labels[self._codes]
        return out

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401
        """Return :attr:`estimates` as a long table (backend of the input)."""
        return self.estimates.to_frame(backend)

    def attribute_table(
        self, backend: Literal["pandas", "polars"] | None = None
    ) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """One row per attribute (and segment): counts, category, coefficients."""
        from ..results._base import records_to_frame  # noqa: PLC0415

        return records_to_frame(self._records(), backend or self._backend)

    def _attribute_records(self, segment: str | None = None) -> list[dict[str, Any]]:
        recs: list[dict[str, Any]] = []
        for j, name in enumerate(self.attributes):
            rec: dict[str, Any] = {"name": name}
            if segment is not None:
                rec["segment"] = segment
            rec.update(
                {
                    "n": int(self.n[j]),
                    "n_effective": float(self.n_effective[j]),
                    "n_missing": int(self.n_missing[j]),
                    "counts": {
                        c: int(self.counts[j, k]) for k, c in enumerate(self.categories)
                    },
                    "shares": {
                        c: float(self.shares[j, k])
                        for k, c in enumerate(self.categories)
                    },
                    "category": self.category[j],
                    "tied": bool(self.tied[j]),
                    "category_aom": self.category_aom[j],
                    "better": float(self.better[j]),
                    "worse": float(self.worse[j]),
                    "better_low": float(self.better_low[j]),
                    "better_high": float(self.better_high[j]),
                    "worse_low": float(self.worse_low[j]),
                    "worse_high": float(self.worse_high[j]),
                    "total_strength": float(self.total_strength[j]),
                    "category_strength": float(self.category_strength[j]),
                    "fong_difference": float(self.fong_difference[j]),
                    "fong_critical": float(self.fong_critical[j]),
                    "fong_significant": bool(self.fong_significant[j]),
                }
            )
            if self.importance_mean is not None:
                rec["importance_mean"] = float(self.importance_mean[j])
            if self.better_weighted is not None and self.worse_weighted is not None:
                rec["better_weighted"] = float(self.better_weighted[j])
                rec["worse_weighted"] = float(self.worse_weighted[j])
            recs.append(rec)
        return recs

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        parts = [("all", self), *(self.segments or {}).items()]
        for label, res in parts:
            for rec in res._attribute_records(segment=label):
                flat = {k: v for k, v in rec.items() if k not in ("counts", "shares")}
                for c in self.categories:
                    flat[c] = rec["counts"][c]
                rows.append(flat)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: estimates, attribute records, respondents, segments."""
        out: dict[str, Any] = {
            "estimates": self.estimates.to_dict(),
            "attributes": jsonable(self._attribute_records()),
            "n_respondents": self.n_respondents,
            "weighted": self.weighted,
            "confidence_level": self.confidence_level,
            "n_resamples": self.n_resamples,
            "tie_rule": list(self.tie_rule),
            "evaluation_table": {
                "cells": [list(r) for r in self.evaluation_table.cells],
                "source": self.evaluation_table.source,
            },
            "missing_report": None
            if self.missing_report is None
            else self.missing_report.to_dict(),
        }
        if self.flagged is not None and self.respondent_q is not None:
            out["respondents"] = {
                "max_questionable": self.max_questionable,
                "n_flagged": int(self.flagged.sum()),
                "flagged_rows": (np.flatnonzero(self.flagged) + 1).tolist(),
                "q_total": int(self.respondent_q.sum()),
                "r_total": None
                if self.respondent_r is None
                else int(self.respondent_r.sum()),
                "missing_total": None
                if self.respondent_missing is None
                else int(self.respondent_missing.sum()),
            }
        out["segments"] = (
            None
            if self.segments is None
            else {k: v.to_dict() for k, v in self.segments.items()}
        )
        return out

    def summary(self) -> Summary:
        """Per-attribute table (counts, category, Better/Worse, strengths, Fong)."""
        rows = [
            (
                name,
                int(self.n[j]),
                *(int(v) for v in self.counts[j]),
                self.category[j] + ("*" if self.tied[j] else ""),
                float(self.better[j]),
                float(self.worse[j]),
                float(self.total_strength[j]),
                float(self.category_strength[j]),
                "yes" if self.fong_significant[j] else "no",
            )
            for j, name in enumerate(self.attributes)
        ]
        header = (
            "attribute",
            "n",
            *self.categories,
            "category",
            "better",
            "worse",
            "total_str",
            "cat_str",
            "fong_sig",
        )
        tables = [table("Categories and coefficients", header, rows)]
        if self.segments:
            seg_rows = [
                (
                    label,
                    name,
                    res.category[j],
                    float(res.better[j]),
                    float(res.worse[j]),
                )
                for label, res in self.segments.items()
                for j, name in enumerate(res.attributes)
            ]
            tables.append(
                table(
                    "By segment",
                    ("segment", "attribute", "category", "better", "worse"),
                    seg_rows,
                )
            )
        notes = [
            "Categories: evaluation table of " + self.evaluation_table.source + "; "
            "ties (*) broken by " + " > ".join(self.tie_rule) + ".",
            "Better = (A+O)/(A+O+M+I), Worse = -(O+M)/(A+O+M+I) (Berger et al. "
            "1993); strengths: Lee & Newcomb (1997); Fong (1996) test of the two "
            "most frequent categories.",
            f"Missing pairs (not classified): {int(self.n_missing.sum())}.",
        ]
        if self.weighted:
            notes.append(
                "Case weights: weighted shares and coefficients; Wilson intervals "
                "and Fong's test use Kish's effective n."
            )
        if self.flagged is not None:
            notes.append(
                f"Respondents with more than {self.max_questionable} Q answer(s): "
                f"{int(self.flagged.sum())} of {self.n_respondents}."
            )
        return Summary(title="Kano analysis", tables=tuple(tables), notes=tuple(notes))

    def plot(
        self,
        ax: Axes | None = None,
        *,
        threshold: float = 0.5,
        intervals: bool = True,
    ) -> Axes:
        """Better/Worse quadrant map (:func:`satmodels.plot.kano_map`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure when omitted.
        threshold : float
            Position of the quadrant lines, in (0, 1).
        intervals : bool
            Draw the stored Wilson intervals.

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> from satmodels import kano
        >>> data = {"f": [1, 1, 2, 1], "d": [5, 4, 5, 3]}
        >>> ax = kano.analyze(data, functional="f", dysfunctional="d").plot()
        >>> ax.get_ylabel()
        'Better (satisfaction coefficient)'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        from ..plot import kano_map  # noqa: PLC0415 - matplotlib is optional

        return kano_map(self, ax=ax, threshold=threshold, intervals=intervals)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class KanoClassification(ResultMixin):
    """Category of each respondent x attribute.

    Attributes
    ----------
    attributes : tuple of str
        Attribute names.
    categories : ndarray of str, shape (n, p)
        A, O, M, I, R or Q; "" where an answer is missing.
    estimates : Estimates
        Share of each category per attribute among the classified pairs
        (weighted by case weights when given), with Wilson intervals.
    confidence_level : float
        Level of the stored intervals.
    """

    attributes: tuple[str, ...]
    categories: npt.NDArray[np.str_]
    estimates: Estimates
    confidence_level: float = 0.95
    _backend: str | None = None

    def __repr__(self) -> str:
        n, p = self.categories.shape
        return f"KanoClassification(n_respondents={n}, attributes={p})"

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Return the stored Wilson intervals (another level is refused)."""
        return self.estimates.confidence_interval(confidence_level)

    def counts(self) -> dict[str, dict[str, int]]:
        """Category counts per attribute (missing pairs under "")."""
        out: dict[str, dict[str, int]] = {}
        for j, name in enumerate(self.attributes):
            col = self.categories[:, j]
            out[name] = {c: int(np.count_nonzero(col == c)) for c in (*CATEGORIES, "")}
        return out

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401
        """Return :attr:`estimates` as a long table (backend of the input)."""
        return self.estimates.to_frame(backend)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary of the attribute names and the category matrix."""
        return {
            "attributes": list(self.attributes),
            "categories": self.categories.tolist(),
            "confidence_level": self.confidence_level,
            "estimates": self.estimates.to_dict(),
        }

    def summary(self) -> Summary:
        """Return the counts per attribute."""
        counts = self.counts()
        rows = [(name, *counts[name].values()) for name in self.attributes]
        return Summary(
            title="Kano classification",
            tables=(table("Counts", ("attribute", *CATEGORIES, "missing"), rows),),
        )
