r"""Kano analysis: categories, counts, Better/Worse, strengths, Fong's test.

Every per-attribute number is computed from the attribute's 6 x 6 joint
count table of (functional, dysfunctional) answers (see
:mod:`satmodels.kano._kernels`); only the per-respondent flags need rows.

Formulas and their sources
--------------------------
* Category of an answer pair: the evaluation table (Berger et al. 1993;
  Matzler & Hinterhuber 1998), see :data:`STANDARD_TABLE`.
* Attribute category: the most frequent category (Berger et al. 1993), ties
  broken by the rule M > O > A > I (Matzler & Hinterhuber 1998), then R, Q.
* "(A+O+M) versus (I+R+Q)" rule: if A + O + M > I + R + Q the attribute is
  the most frequent of A, O, M, otherwise the most frequent of I, R, Q.
* Customer-satisfaction coefficients (Berger et al. 1993, Timko's
  contribution; Sauerwein et al. 1996):
  :math:`\text{Better} = (A+O)/(A+O+M+I)`,
  :math:`\text{Worse} = -(O+M)/(A+O+M+I)`.
* Total strength :math:`(A+O+M)/n` and category strength (share of the most
  frequent category minus the share of the second) (Lee & Newcomb 1997).
* Fong (1996): with ``a``, ``b`` the two largest category counts and ``n``
  the classified pairs, the difference is significant unless
  :math:`|a-b| < 1.65 \sqrt{(a+b)(2n-a-b)/(2n)}`.

References
----------
.. [1] Berger, C., et al. (1993). Kano's methods for understanding
   customer-defined quality. Center for Quality of Management Journal, 2(4),
   3-36.
.. [2] Matzler, K., & Hinterhuber, H. H. (1998). How to make product
   development projects more successful by integrating Kano's model of
   customer satisfaction into quality function deployment. Technovation,
   18(1), 25-38.
.. [3] Lee, M. C., & Newcomb, J. F. (1997). Applying the Kano methodology to
   meet customer requirements: NASA's microgravity science program. Quality
   Management Journal, 4(3), 95-110.
.. [4] Fong, D. (1996). Using the self-stated importance questionnaire to
   interpret Kano questionnaire results. Center for Quality of Management
   Journal, 5(3), 21-24.
.. [5] Sauerwein, E., Bailom, F., Matzler, K., & Hinterhuber, H. H. (1996).
   The Kano model: how to delight your customers. IX International Working
   Seminar on Production Economics, Innsbruck, 313-327.
.. [6] Wilson, E. B. (1927). Probable inference, the law of succession, and
   statistical inference. Journal of the American Statistical Association,
   22(158), 209-212.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, field_validator
from scipy import stats

from .._typing import BoolArray, FloatArray, IntArray
from .._validation import ConfidenceLevel, FrozenModel, validated
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._summary import Summary, table
from ..scales import Scale
from . import _kernels as K  # noqa: N812 - short kernel namespace
from ._ingest import Answers, column_of, encode, frame_columns, matrix_of
from ._table import (
    CATEGORIES,
    DEFAULT_ANSWERS,
    STANDARD_TABLE,
    Category,
    KanoAnswers,
    KanoTable,
)

__all__ = [
    "DEFAULT_TIE_RULE",
    "KanoClassification",
    "KanoOptions",
    "KanoResult",
    "analyze",
    "classify",
    "from_tables",
]

#: Default tie rule: M > O > A > I (Matzler & Hinterhuber 1998), then R, Q.
DEFAULT_TIE_RULE: tuple[Category, ...] = ("M", "O", "A", "I", "R", "Q")

_WHERE = "kano.analyze"


def _as_answers(value: object) -> object:
    if isinstance(value, KanoAnswers):
        return value
    if isinstance(value, str) or not isinstance(value, Sequence):
        return value
    return {"codes": tuple(value)}


def _as_tie_rule(value: object) -> object:
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace(">", " ").split()]
        return tuple(parts)
    return value


class KanoOptions(FrozenModel):
    """Validated options of :func:`analyze` (see its docstring)."""

    answers: KanoAnswers = DEFAULT_ANSWERS
    table: KanoTable = STANDARD_TABLE
    tie_rule: tuple[Category, ...] = DEFAULT_TIE_RULE
    confidence_level: ConfidenceLevel = 0.95
    n_bootstrap: int = Field(default=0, ge=0)
    nan_policy: Literal["omit", "raise"] = "omit"
    max_questionable: int = Field(default=1, ge=0)
    fong_z: float = Field(default=1.65, gt=0)

    @field_validator("tie_rule")
    @classmethod
    def _full_priority(cls, value: tuple[Category, ...]) -> tuple[Category, ...]:
        if len(set(value)) != len(value):
            msg = f"categories must not repeat, got {value!r}"
            raise ValueError(msg)
        rest = tuple(c for c in DEFAULT_TIE_RULE if c not in value)
        return (*value, *rest)


def _options(where: str, **values: Any) -> KanoOptions:  # noqa: ANN401
    if "answers" in values:
        values["answers"] = _as_answers(values["answers"])
    if "tie_rule" in values:
        values["tie_rule"] = _as_tie_rule(values["tie_rule"])
    return validated(KanoOptions, where, **values)


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class KanoResult(ResultMixin):
    """Per-attribute Kano analysis (categories, coefficients, strengths, tests).

    Attributes
    ----------
    attributes : tuple of str
        Attribute names.
    categories : tuple of str
        Column order of ``counts`` and ``shares``: A, O, M, I, R, Q.
    tables : ndarray, shape (p, 6, 6)
        Joint counts of (functional, dysfunctional) answers per attribute,
        answers like ... dislike and index 5 for a missing answer: the
        sufficient statistic of everything below except per-respondent output.
    counts : ndarray of int, shape (p, 6)
        Respondents per category.
    n : ndarray of int, shape (p,)
        Classified pairs (both answers present).
    n_missing : ndarray of int, shape (p,)
        Pairs with a missing functional or dysfunctional answer (or both).
    n_respondents : int
        Rows in the data.
    shares : ndarray, shape (p, 6)
        ``counts / n``.
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
    segments : dict of str to KanoResult
        The same analysis per segment (empty without ``segments``).
    confidence_level : float
        Level of the stored intervals.
    n_bootstrap : int
        Bootstrap replicates drawn (0: none).
    tie_rule : tuple of str
        Category priority used to break ties.
    max_questionable : int
        Flagging threshold for respondents.
    evaluation_table : KanoTable
        The evaluation table used.
    """

    attributes: tuple[str, ...]
    categories: tuple[str, ...] = CATEGORIES
    tables: FloatArray
    counts: IntArray
    n: IntArray
    n_missing: IntArray
    n_respondents: int
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
    segments: dict[str, KanoResult] = field(default_factory=dict)
    confidence_level: float = 0.95
    n_bootstrap: int = 0
    tie_rule: tuple[str, ...] = DEFAULT_TIE_RULE
    max_questionable: int = 1
    evaluation_table: KanoTable = STANDARD_TABLE
    _boot: FloatArray | None = field(default=None, repr=False)
    _codes: npt.NDArray[np.int8] | None = field(default=None, repr=False)
    _backend: str | None = field(default=None, repr=False)

    def confidence_interval(
        self,
        confidence_level: float | None = None,
        *,
        method: Literal["wilson", "bootstrap"] = "wilson",
    ) -> ConfidenceInterval:
        """Intervals for Better and Worse, shape (p, 2) each (Better, Worse).

        Parameters
        ----------
        confidence_level : float, optional
            Defaults to the level given to :func:`analyze`.
        method : {"wilson", "bootstrap"}
            ``wilson``: Wilson (1927) score interval for the binomial share
            (A+O) (resp. O+M) of the A+O+M+I pairs; conditional on that
            count the share is exactly binomial, so the score interval applies
            and keeps its coverage at small n where the delta-method (Wald)
            interval does not. ``bootstrap``: percentile interval of the
            replicates drawn by :func:`analyze` (``n_bootstrap > 0``).
        """
        level = self.confidence_level if confidence_level is None else confidence_level
        if not isinstance(level, float | int) or not 0.0 < float(level) < 1.0:
            msg = (
                "The 'confidence_level' parameter of KanoResult.confidence_interval "
                f"must lie strictly between 0 and 1. Got {level!r} instead."
            )
            raise InputError(msg)
        chosen: str = method
        if chosen == "wilson":
            z = float(stats.norm.ppf(0.5 + float(level) / 2.0))
            lows, highs = _wilson_intervals(self.counts.astype(np.float64), z)
            return ConfidenceInterval(low=lows, high=highs)
        if chosen == "bootstrap":
            if self._boot is None:
                msg = (
                    "KanoResult.confidence_interval(method='bootstrap') needs "
                    "replicates: call kano.analyze(..., n_bootstrap=2000, rng=...)."
                )
                raise InputError(msg)
            alpha = (1.0 - float(level)) / 2.0
            lo = np.nanquantile(self._boot, alpha, axis=0)
            hi = np.nanquantile(self._boot, 1.0 - alpha, axis=0)
            return ConfidenceInterval(low=lo, high=hi)
        msg = (
            "The 'method' parameter of KanoResult.confidence_interval must be "
            f"'wilson' or 'bootstrap'. Got {method!r} instead."
        )
        raise InputError(msg)

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

    def _attribute_records(self, segment: str | None = None) -> list[dict[str, Any]]:
        recs: list[dict[str, Any]] = []
        for j, name in enumerate(self.attributes):
            rec: dict[str, Any] = {"name": name}
            if segment is not None:
                rec["segment"] = segment
            rec.update(
                {
                    "n": int(self.n[j]),
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
        for rec in self._attribute_records(segment="all"):
            flat = {k: v for k, v in rec.items() if k not in ("counts", "shares")}
            for c in self.categories:
                flat[c] = rec["counts"][c]
            rows.append(flat)
        for label, res in self.segments.items():
            for rec in res._attribute_records(segment=label):
                flat = {k: v for k, v in rec.items() if k not in ("counts", "shares")}
                for c in self.categories:
                    flat[c] = rec["counts"][c]
                rows.append(flat)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: ``attributes`` records, respondents, segments."""
        out: dict[str, Any] = {
            "attributes": jsonable(self._attribute_records()),
            "n_respondents": self.n_respondents,
            "confidence_level": self.confidence_level,
            "n_bootstrap": self.n_bootstrap,
            "tie_rule": list(self.tie_rule),
            "evaluation_table": {
                "cells": [list(r) for r in self.evaluation_table.cells],
                "source": self.evaluation_table.source,
            },
        }
        if self.flagged is not None and self.respondent_q is not None:
            out["respondents"] = {
                "max_questionable": self.max_questionable,
                "n_flagged": int(self.flagged.sum()),
                "flagged_rows": np.flatnonzero(self.flagged).tolist(),
                "q_total": int(self.respondent_q.sum()),
                "r_total": int(self.respondent_r.sum())
                if self.respondent_r is not None
                else None,
                "missing_total": int(self.respondent_missing.sum())
                if self.respondent_missing is not None
                else None,
            }
        out["segments"] = {k: v.to_dict() for k, v in self.segments.items()}
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
        if self.flagged is not None:
            notes.append(
                f"Respondents with more than {self.max_questionable} Q answer(s): "
                f"{int(self.flagged.sum())} of {self.n_respondents}."
            )
        return Summary(title="Kano analysis", tables=tuple(tables), notes=tuple(notes))


@dataclass(frozen=True, slots=True, kw_only=True)
class KanoClassification(ResultMixin):
    """Category of each respondent x attribute.

    Attributes
    ----------
    attributes : tuple of str
        Attribute names.
    categories : ndarray of str, shape (n, p)
        A, O, M, I, R or Q; "" where an answer is missing.
    """

    attributes: tuple[str, ...]
    categories: npt.NDArray[np.str_]
    _backend: str | None = field(default=None, repr=False)

    def counts(self) -> dict[str, dict[str, int]]:
        """Category counts per attribute (missing pairs under "")."""
        out: dict[str, dict[str, int]] = {}
        for j, name in enumerate(self.attributes):
            col = self.categories[:, j]
            out[name] = {c: int(np.count_nonzero(col == c)) for c in (*CATEGORIES, "")}
        return out

    def _records(self) -> list[dict[str, object]]:
        n, p = self.categories.shape
        return [
            {
                "respondent": i,
                "attribute": self.attributes[j],
                "category": str(self.categories[i, j]),
            }
            for i in range(n)
            for j in range(p)
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary of the attribute names and the category matrix."""
        return {
            "attributes": list(self.attributes),
            "categories": self.categories.tolist(),
        }

    def summary(self) -> Summary:
        """Return the counts per attribute."""
        counts = self.counts()
        rows = [(name, *counts[name].values()) for name in self.attributes]
        return Summary(
            title="Kano classification",
            tables=(table("Counts", ("attribute", *CATEGORIES, "missing"), rows),),
        )


# --------------------------------------------------------------------------
# Building results from tables
# --------------------------------------------------------------------------


def _wilson_intervals(counts: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    a, o, m, i = counts[:, 0], counts[:, 1], counts[:, 2], counts[:, 3]
    base = a + o + m + i
    b_lo, b_hi = K.wilson(a + o, base, z)
    w_lo, w_hi = K.wilson(o + m, base, z)
    low = np.column_stack([b_lo, -w_hi])
    high = np.column_stack([b_hi, -w_lo])
    return low, high


def _bootstrap(
    counts: FloatArray, n_missing: FloatArray, n_boot: int, rng: np.random.Generator
) -> FloatArray:
    """Replicates (B, p, 2) of (Better, Worse) by resampling respondents.

    For one attribute, resampling the n respondents with replacement gives
    category counts (with "missing" as a seventh cell) that are exactly
    Multinomial(n, observed shares); drawing those directly is the
    nonparametric bootstrap of each attribute's coefficients, vectorized.
    """
    full = np.column_stack([counts, n_missing])
    total = full.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        probs = np.where(total[:, None] > 0, full / total[:, None], 1.0 / full.shape[1])
    draws = rng.multinomial(
        total.astype(np.int64), probs, size=(n_boot, counts.shape[0])
    )
    better, worse = K.better_worse(draws[..., :6].astype(np.float64))
    return np.stack([better, worse], axis=-1)


def _result_from_tables(
    tables: FloatArray,
    *,
    attributes: tuple[str, ...],
    opts: KanoOptions,
    n_respondents: int,
    rng: np.random.Generator | None,
    weighted_tables: FloatArray | None = None,
    importance_mean: FloatArray | None = None,
    codes: npt.NDArray[np.int8] | None = None,
    segments: dict[str, KanoResult] | None = None,
    backend: str | None = None,
) -> KanoResult:
    cat_matrix = K.category_matrix(opts.table.cells, CATEGORIES)
    countsf = K.category_counts(tables, cat_matrix)
    counts = np.rint(countsf).astype(np.int64)
    n = counts.sum(axis=1)
    n_missing = np.rint(K.missing_counts(tables)).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(n[:, None] > 0, countsf / n[:, None], np.nan)
    priority = np.asarray([opts.tie_rule.index(c) for c in CATEGORIES])
    mode, tied = K.pick_mode(countsf, priority)
    category = tuple(CATEGORIES[k] if k >= 0 else "" for k in mode)
    # (A+O+M) versus (I+R+Q)
    aom = countsf[:, :3].sum(axis=1)
    irq = countsf[:, 3:].sum(axis=1)
    masked = np.where(
        (aom > irq)[:, None],
        np.where(np.arange(6) < 3, countsf, -1.0),
        np.where(np.arange(6) >= 3, countsf, -1.0),
    )
    aom_mode, _ = K.pick_mode(masked, priority)
    category_aom = tuple(
        CATEGORIES[k] if k >= 0 and n[j] > 0 else "" for j, k in enumerate(aom_mode)
    )
    better, worse = K.better_worse(countsf)
    z = float(stats.norm.ppf(0.5 + opts.confidence_level / 2.0))
    low, high = _wilson_intervals(countsf, z)
    with np.errstate(invalid="ignore", divide="ignore"):
        total_strength = np.where(n > 0, aom / n, np.nan)
        srt = np.sort(shares, axis=1)
        category_strength = np.where(n > 0, srt[:, -1] - srt[:, -2], np.nan)
    fdiff, fcrit, fsig = K.fong(countsf, opts.fong_z)
    better_w = worse_w = None
    if weighted_tables is not None:
        wcounts = K.category_counts(weighted_tables, cat_matrix)
        better_w, worse_w = K.better_worse(wcounts)
    boot = None
    if opts.n_bootstrap > 0 and rng is not None:
        boot = _bootstrap(countsf, n_missing.astype(np.float64), opts.n_bootstrap, rng)
    resp_q = resp_r = resp_m = flagged = None
    if codes is not None:
        resp_q = np.count_nonzero(codes == CATEGORIES.index("Q"), axis=1).astype(
            np.int64
        )
        resp_r = np.count_nonzero(codes == CATEGORIES.index("R"), axis=1).astype(
            np.int64
        )
        resp_m = np.count_nonzero(codes == K.CAT_MISSING, axis=1).astype(np.int64)
        flagged = resp_q > opts.max_questionable
    return KanoResult(
        attributes=attributes,
        tables=tables,
        counts=counts,
        n=n,
        n_missing=n_missing,
        n_respondents=int(n_respondents),
        shares=shares,
        category=category,
        tied=tied,
        category_aom=category_aom,
        better=better,
        worse=worse,
        better_low=low[:, 0],
        better_high=high[:, 0],
        worse_low=low[:, 1],
        worse_high=high[:, 1],
        total_strength=total_strength,
        category_strength=category_strength,
        fong_difference=fdiff,
        fong_critical=fcrit,
        fong_significant=fsig,
        importance_mean=importance_mean,
        better_weighted=better_w,
        worse_weighted=worse_w,
        respondent_q=resp_q,
        respondent_r=resp_r,
        respondent_missing=resp_m,
        flagged=flagged,
        segments=segments or {},
        confidence_level=opts.confidence_level,
        n_bootstrap=opts.n_bootstrap if boot is not None else 0,
        tie_rule=opts.tie_rule,
        max_questionable=opts.max_questionable,
        evaluation_table=opts.table,
        _boot=boot,
        _codes=codes,
        _backend=backend,
    )


# --------------------------------------------------------------------------
# Ingestion of both sides
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pairs:
    f: Answers
    d: Answers
    attributes: tuple[str, ...]
    backend: str | None


def _read_pairs(
    functional: object,
    dysfunctional: object,
    *,
    pairs: Sequence[tuple[str, str]] | None,
    attributes: Sequence[str] | None,
    exclude: Sequence[str],
    where: str,
) -> _Pairs:
    if pairs is not None:
        if dysfunctional is not None:
            msg = (
                f"{where}: pass either dysfunctional answers or pairs=..., not both; "
                "with pairs the functional argument holds both columns of each pair."
            )
            raise InputError(msg)
        pair_list = [tuple(p) for p in pairs]
        if not pair_list or any(len(p) != 2 for p in pair_list):
            msg = (
                f"The 'pairs' parameter of {where} must be a non-empty list of "
                f"(functional column, dysfunctional column) pairs. Got {pairs!r}."
            )
            raise InputError(msg)
        f = matrix_of(
            functional,
            columns=[p[0] for p in pair_list],
            name="functional",
            where=where,
        )
        d = matrix_of(
            functional,
            columns=[p[1] for p in pair_list],
            name="functional",
            where=where,
        )
    else:
        if dysfunctional is None:
            msg = (
                f"{where} needs dysfunctional answers (or pairs=[...] with one frame)."
            )
            raise InputError(msg)
        f_cols = d_cols = None
        if exclude and not isinstance(functional, np.ndarray | list | tuple):
            f_cols = [c for c in frame_columns(functional) if c not in exclude]
        if exclude and not isinstance(dysfunctional, np.ndarray | list | tuple):
            d_cols = [c for c in frame_columns(dysfunctional) if c not in exclude]
        f = matrix_of(functional, columns=f_cols, name="functional", where=where)
        d = matrix_of(dysfunctional, columns=d_cols, name="dysfunctional", where=where)
    if f.values.shape != d.values.shape:
        msg = (
            f"The functional and dysfunctional answers of {where} must have the same "
            f"shape (respondents x attributes). Got {f.values.shape} and "
            f"{d.values.shape}."
        )
        raise InputError(msg)
    if f.values.shape[0] == 0:
        msg = (
            f"The 'functional' and 'dysfunctional' parameters of {where} have no rows."
        )
        raise InputError(msg)
    p = f.values.shape[1]
    if attributes is None:
        names = f.columns
    else:
        if isinstance(attributes, str):
            attributes = [attributes]
        names = tuple(str(a) for a in attributes)
        if len(names) != p:
            msg = (
                f"The 'attributes' parameter of {where} names {len(names)} "
                f"attributes but the answers have {p} columns."
            )
            raise InputError(msg)
    if len(set(names)) != len(names):
        msg = f"The attribute names of {where} must be distinct. Got {list(names)}."
        raise InputError(msg)
    return _Pairs(f=f, d=d, attributes=names, backend=f.backend)


def _encode_pairs(
    pr: _Pairs, opts: KanoOptions, where: str
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]:
    fi = encode(
        pr.f.values,
        opts.answers,
        side="functional",
        attributes=pr.attributes,
        columns=pr.f.columns,
        where=where,
    )
    di = encode(
        pr.d.values,
        opts.answers,
        side="dysfunctional",
        attributes=pr.attributes,
        columns=pr.d.columns,
        where=where,
    )
    if opts.nan_policy == "raise":
        miss = (fi == K.MISSING) | (di == K.MISSING)
        if miss.any():
            row, col = (int(v) for v in np.argwhere(miss)[0])
            msg = (
                f"Attribute {pr.attributes[col]!r} in {where}: row {row} has a "
                "missing 'functional' or 'dysfunctional' answer and "
                "nan_policy='raise'."
            )
            raise InputError(msg)
    return fi, di


def _segment_codes(
    segments: object, data: object, n: int, where: str
) -> tuple[IntArray, list[str]]:
    if isinstance(segments, str):
        labels = column_of(data, segments, name="functional", where=where)
    else:
        labels = np.asarray(segments)
    if labels.ndim != 1 or labels.shape[0] != n:
        msg = (
            f"The 'segments' parameter of {where} must give one label per "
            f"respondent ({n}). Got shape {labels.shape}."
        )
        raise InputError(msg)
    text = np.asarray(
        [
            "(missing)"
            if (v is None or (isinstance(v, float) and np.isnan(v)))
            else str(v)
            for v in labels.tolist()
        ]
    )
    uniq, inv = np.unique(text, return_inverse=True)
    return inv.astype(np.int64), [str(u) for u in uniq]


def _importance_matrix(
    importance: object,
    data: object,
    *,
    attributes: tuple[str, ...],
    n: int,
    scale: Scale | None,
    where: str,
) -> FloatArray:
    p = len(attributes)
    if (
        isinstance(importance, Sequence)
        and not isinstance(importance, str)
        and len(importance) > 0
        and all(isinstance(c, str) for c in importance)
    ):
        arr = np.column_stack(
            [
                np.asarray(
                    column_of(data, str(c), name="functional", where=where),
                    dtype=np.float64,
                )
                for c in importance
            ]
        )
    else:
        raw = matrix_of(importance, columns=None, name="importance", where=where)
        try:
            arr = np.asarray(raw.values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            msg = f"The 'importance' parameter of {where} must be numeric."
            raise InputError(msg) from exc
    if arr.shape != (n, p):
        msg = (
            f"The 'importance' parameter of {where} must have shape ({n}, {p}) "
            f"(respondents x attributes). Got {arr.shape}."
        )
        raise InputError(msg)
    if scale is not None:
        bad = scale.invalid_mask(arr) & ~np.isnan(arr)
        if bad.any():
            row, col = (int(v) for v in np.argwhere(bad)[0])
            msg = (
                f"The 'importance' of attribute {attributes[col]!r} in {where}: "
                f"row {row} is {float(arr[row, col])!r}, outside the scale "
                f"{scale.name!r}."
            )
            raise InputError(msg)
        arr = scale.rescale(arr)
    finite = np.isfinite(arr) | np.isnan(arr)
    if not finite.all() or (arr[~np.isnan(arr)] < 0).any():
        row, col = (int(v) for v in np.argwhere(~finite | (np.nan_to_num(arr) < 0))[0])
        msg = (
            f"The 'importance' parameter of {where} must be finite and "
            f"non-negative (or NaN for missing). Attribute {attributes[col]!r}, "
            f"row {row} is {float(arr[row, col])!r}."
        )
        raise InputError(msg)
    return arr


def nanmean_columns(x: FloatArray) -> FloatArray:
    """Column means ignoring NaN; NaN (no warning) for an all-NaN column."""
    count = (~np.isnan(x)).sum(axis=0)
    total = np.nansum(x, axis=0)
    out: FloatArray = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out


def _pair_names(
    attributes: Sequence[str] | str | None,
    pairs: Sequence[tuple[str, str]],
    where: str,
) -> tuple[str, ...]:
    """Attribute names for lazy ``pairs``: given, or each pair's first column."""
    if isinstance(attributes, str):
        attributes = [attributes]
    names = (
        tuple(str(a) for a in attributes)
        if attributes is not None
        else tuple(str(q[0]) for q in pairs)
    )
    if len(names) != len(pairs):
        msg = (
            f"The 'attributes' parameter of {where} names {len(names)} "
            f"attributes but pairs has {len(pairs)}."
        )
        raise InputError(msg)
    return names


def _lazy_tables(
    data: object, pairs: Sequence[tuple[str, str]], opts: KanoOptions, where: str
) -> tuple[FloatArray, int]:
    """Joint tables (p, 6, 6) counted on the engine by ``counts.pair_counts``.

    The engine reports pairs with a missing answer as one total per pair; it
    is stored in the (missing, missing) cell, so ``n_missing`` is exact while
    the split by side is not available for lazy frames.
    """
    from ..stats import counts as counts_mod  # noqa: PLC0415 - sibling module

    if not opts.answers.numeric:
        msg = (
            f"{where} on a lazy frame needs numeric answer codes; got labels "
            f"{opts.answers.codes!r}. Recode them on the engine first."
        )
        raise InputError(msg)
    codes = [float(c) for c in opts.answers.codes]
    res = counts_mod.pair_counts(
        data,
        [(str(a), str(b)) for a, b in pairs],
        codes,
        codes,
        nan_policy=opts.nan_policy,
    )
    got_a = [float(c) for c in res.categories_a]
    got_b = [float(c) for c in res.categories_b]
    ia = [got_a.index(c) for c in codes]
    ib = [got_b.index(c) for c in codes]
    arr = np.asarray(res.counts, dtype=np.float64)[:, ia, :][:, :, ib]
    tables = np.zeros((arr.shape[0], 6, 6))
    tables[:, :5, :5] = arr
    tables[:, 5, 5] = np.asarray(res.missing, dtype=np.float64)
    return tables, int(res.rows_total)


# --------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------


def analyze(
    functional: object,
    dysfunctional: object = None,
    *,
    attributes: Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    answers: KanoAnswers | Sequence[float] | Sequence[str] = DEFAULT_ANSWERS,
    table: KanoTable = STANDARD_TABLE,
    tie_rule: str | Sequence[str] = DEFAULT_TIE_RULE,
    importance: object = None,
    importance_scale: Scale | None = None,
    segments: object = None,
    confidence_level: float = 0.95,
    n_bootstrap: int = 0,
    rng: np.random.Generator | int | None = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    max_questionable: int = 1,
    fong_z: float = 1.65,
) -> KanoResult:
    r"""Kano analysis of functional/dysfunctional answer pairs per attribute.

    Parameters
    ----------
    functional : array_like or dataframe, shape (n, p)
        Functional answers (respondents x attributes), or, with ``pairs``,
        one frame (or mapping of columns) holding both answers of each pair.
        Pandas, polars and other eager frames are read through narwhals; a
        lazy frame (with ``pairs``) has its counts computed on the engine.
    dysfunctional : array_like or dataframe, shape (n, p), optional
        Dysfunctional answers, same shape as ``functional``.
    attributes : sequence of str, optional
        Attribute names (default: the functional column names, or
        ``attribute_1`` ... for arrays).
    pairs : sequence of (str, str), optional
        ``(functional column, dysfunctional column)`` per attribute.
    answers : KanoAnswers or sequence of 5 codes
        Codes of like, must-be, neutral, live-with, dislike (default 1-5).
    table : KanoTable
        Evaluation table (default :data:`STANDARD_TABLE`).
    tie_rule : str or sequence of str
        Category priority for ties of the most frequent category, e.g.
        ``"M>O>A>I"`` (default, Matzler & Hinterhuber 1998); categories not
        named follow in the default order.
    importance : array_like, shape (n, p), or sequence of column names
        Self-stated importance (any non-negative scale; Berger et al. 1993,
        section IIb). Gives ``importance_mean`` and importance-weighted
        coefficients :math:`\sum_r w_r [A,O] / \sum_r w_r [A,O,M,I]`.
    importance_scale : Scale, optional
        Declared importance scale: answers are checked against it and
        rescaled to 0-100 before weighting.
    segments : array_like of labels or str, optional
        One label per respondent (or a column name of ``functional``); the
        analysis is repeated per segment in ``result.segments``.
    confidence_level : float
        Level of the stored Better/Worse intervals.
    n_bootstrap : int
        Bootstrap replicates for percentile intervals (0: none).
    rng : numpy.random.Generator or int, optional
        Seed or generator for the bootstrap.
    nan_policy : {"omit", "raise"}
        ``omit``: pairs with a missing answer are counted in ``n_missing``
        and not classified. ``raise``: any missing answer is an error.
    max_questionable : int
        A respondent with more Q answers than this is flagged.
    fong_z : float
        Critical value of Fong's test (1.65 in Fong 1996).

    Returns
    -------
    KanoResult
        Counts, categories, coefficients with intervals, strengths, Fong's
        test, per-respondent flags and per-segment results.

    Raises
    ------
    InputError
        Answers outside the answer codes (the message names the attribute,
        column, row and value), shapes that differ, bad options.

    Notes
    -----
    See the module docstring for every formula and its source. Category
    strength is computed over all six categories (stp25stat leaves Q out),
    and Fong's ``a`` and ``b`` are the two largest of the six counts.
    Checked against hand computations and the electric-cable-reel shares of
    Sauerwein et al. (1996) in ``tests/test_kano.py``.

    Examples
    --------
    Four respondents rate one attribute (1 like ... 5 dislike):

    >>> from satmodels import kano
    >>> res = kano.analyze(
    ...     [[1], [1], [2], [1]], [[5], [4], [5], [3]], attributes=["fast"]
    ... )
    >>> res.category, res.counts.tolist()
    (('A',), [[2, 1, 1, 0, 0, 0]])
    >>> round(float(res.better[0]), 2), round(float(res.worse[0]), 2)
    (0.75, -0.5)
    """
    opts = _options(
        "kano.analyze",
        answers=answers,
        table=table,
        tie_rule=tie_rule,
        confidence_level=confidence_level,
        n_bootstrap=n_bootstrap,
        nan_policy=nan_policy,
        max_questionable=max_questionable,
        fong_z=fong_z,
    )
    gen = np.random.default_rng(rng) if opts.n_bootstrap > 0 else None
    where = _WHERE
    from ..data._frames import backend_of, is_lazy  # noqa: PLC0415

    if (
        pairs is not None
        and not isinstance(functional, Mapping | np.ndarray | list | tuple)
        and is_lazy(functional)
    ):
        if segments is not None or importance is not None:
            msg = (
                f"{where} on a lazy frame supports neither segments nor importance "
                "yet; collect the frame (or filter it per segment) first."
            )
            raise InputError(msg)
        tables, n_resp = _lazy_tables(functional, pairs, opts, where)
        names = _pair_names(attributes, pairs, where)
        return _result_from_tables(
            tables,
            attributes=names,
            opts=opts,
            n_respondents=n_resp,
            rng=gen,
            backend=backend_of(functional),
        )
    exclude = [segments] if isinstance(segments, str) else []
    pr = _read_pairs(
        functional,
        dysfunctional,
        pairs=pairs,
        attributes=attributes,
        exclude=exclude,
        where=where,
    )
    fi, di = _encode_pairs(pr, opts, where)
    joint = K.joint_codes(fi, di)
    n = joint.shape[0]
    lut = K.category_lut(opts.table.cells, CATEGORIES)
    codes = lut[joint]
    tables = K.tables_from_joint(joint)[0]
    weighted = imp_mean = None
    imp = None
    if importance is not None:
        imp = _importance_matrix(
            importance,
            functional,
            attributes=pr.attributes,
            n=n,
            scale=importance_scale,
            where=where,
        )
        w = np.where(np.isnan(imp), 0.0, imp)
        weighted = K.tables_from_joint(joint, weights=w)[0]
        imp_mean = nanmean_columns(imp)
    seg_results: dict[str, KanoResult] = {}
    if segments is not None:
        groups, labels = _segment_codes(segments, functional, n, where)
        seg_tables = K.tables_from_joint(joint, groups=groups, n_groups=len(labels))
        seg_weighted = (
            K.tables_from_joint(
                joint,
                weights=np.where(np.isnan(imp), 0.0, imp),
                groups=groups,
                n_groups=len(labels),
            )
            if imp is not None
            else None
        )
        sizes = np.bincount(groups, minlength=len(labels))
        for g, label in enumerate(labels):
            seg_imp = None
            if imp is not None:
                seg_imp = nanmean_columns(imp[groups == g])
            seg_results[label] = _result_from_tables(
                seg_tables[g],
                attributes=pr.attributes,
                opts=opts,
                n_respondents=int(sizes[g]),
                rng=gen,
                weighted_tables=None if seg_weighted is None else seg_weighted[g],
                importance_mean=seg_imp,
                backend=pr.backend,
            )
    return _result_from_tables(
        tables,
        attributes=pr.attributes,
        opts=opts,
        n_respondents=n,
        rng=gen,
        weighted_tables=weighted,
        importance_mean=imp_mean,
        codes=codes,
        segments=seg_results,
        backend=pr.backend,
    )


def from_tables(
    tables: npt.ArrayLike,
    *,
    attributes: Sequence[str] | None = None,
    n_missing: npt.ArrayLike | None = None,
    table: KanoTable = STANDARD_TABLE,
    tie_rule: str | Sequence[str] = DEFAULT_TIE_RULE,
    confidence_level: float = 0.95,
    n_bootstrap: int = 0,
    rng: np.random.Generator | int | None = None,
    fong_z: float = 1.65,
) -> KanoResult:
    """Kano analysis from joint answer counts (no rows needed).

    For counts computed elsewhere (SQL, a streaming job, chunks added up):
    ``tables[j, i, k]`` is the number of respondents who gave functional
    answer ``i`` and dysfunctional answer ``k`` to attribute ``j`` (answers
    like, must-be, neutral, live-with, dislike). A (p, 6, 6) array with the
    missing row/column (``KanoResult.tables``) is accepted as is.

    Parameters
    ----------
    tables : array_like, shape (p, 5, 5) or (p, 6, 6)
        Non-negative integer counts.
    attributes : sequence of str, optional
        Attribute names (default ``attribute_1`` ...).
    n_missing : array_like, shape (p,), optional
        Pairs with a missing answer, for (p, 5, 5) tables.
    table, tie_rule, confidence_level, n_bootstrap, rng, fong_z
        As in :func:`analyze`.

    Returns
    -------
    KanoResult
        Without per-respondent fields.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels import kano
    >>> t = np.zeros((1, 5, 5))
    >>> t[0, 0, 4], t[0, 0, 3], t[0, 1, 4] = 5, 3, 2  # O, A, M
    >>> res = kano.from_tables(t, attributes=["fast"])
    >>> res.category, float(res.better[0])
    (('O',), 0.8)
    """
    where = "kano.from_tables"
    opts = _options(
        where,
        table=table,
        tie_rule=tie_rule,
        confidence_level=confidence_level,
        n_bootstrap=n_bootstrap,
        fong_z=fong_z,
    )
    try:
        arr = np.asarray(tables, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"The 'tables' parameter of {where} must be numeric counts."
        raise InputError(msg) from exc
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1:] not in ((5, 5), (6, 6)) or arr.shape[0] == 0:
        msg = (
            f"The 'tables' parameter of {where} must have shape (p, 5, 5) or "
            f"(p, 6, 6). Got {arr.shape}."
        )
        raise InputError(msg)
    if not np.isfinite(arr).all() or (arr < 0).any() or (arr != np.rint(arr)).any():
        msg = f"The 'tables' parameter of {where} must hold non-negative whole counts."
        raise InputError(msg)
    p = arr.shape[0]
    full = np.zeros((p, 6, 6))
    full[:, : arr.shape[1], : arr.shape[2]] = arr
    if n_missing is not None:
        if arr.shape[1] == 6:
            msg = f"{where}: n_missing is only for (p, 5, 5) tables."
            raise InputError(msg)
        miss = np.asarray(n_missing, dtype=np.float64).reshape(-1)
        if miss.shape != (p,) or (miss < 0).any() or not np.isfinite(miss).all():
            msg = (
                f"The 'n_missing' parameter of {where} must hold {p} "
                f"non-negative counts. Got {miss.tolist()}."
            )
            raise InputError(msg)
        full[:, 5, 5] = miss
    if attributes is None:
        names = tuple(f"attribute_{j + 1}" for j in range(p))
    else:
        names = tuple(str(a) for a in attributes)
        if len(names) != p or len(set(names)) != p:
            msg = (
                f"The 'attributes' parameter of {where} must name {p} distinct "
                f"attributes. Got {list(names)}."
            )
            raise InputError(msg)
    gen = np.random.default_rng(rng) if opts.n_bootstrap > 0 else None
    n_resp = int(full[0].sum())
    return _result_from_tables(
        full, attributes=names, opts=opts, n_respondents=n_resp, rng=gen
    )


def classify(
    functional: object,
    dysfunctional: object = None,
    *,
    attributes: Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    answers: KanoAnswers | Sequence[float] | Sequence[str] = DEFAULT_ANSWERS,
    table: KanoTable = STANDARD_TABLE,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> KanoClassification:
    """Category of every respondent x attribute through the evaluation table.

    The answers are encoded to indices 0-4 and looked up, all at once, in the
    flattened 5 x 5 table (Berger et al. 1993); a missing answer gives "".

    Parameters
    ----------
    functional, dysfunctional, attributes, pairs, answers, table, nan_policy
        As in :func:`analyze`.

    Returns
    -------
    KanoClassification
        ``categories`` is an (n, p) array of "A", "O", "M", "I", "R", "Q", "".

    Examples
    --------
    >>> from satmodels import kano
    >>> kano.classify([[1, 2]], [[5, 5]]).categories.tolist()
    [['O', 'M']]
    """
    where = "kano.classify"
    opts = _options(where, answers=answers, table=table, nan_policy=nan_policy)
    pr = _read_pairs(
        functional,
        dysfunctional,
        pairs=pairs,
        attributes=attributes,
        exclude=[],
        where=where,
    )
    fi, di = _encode_pairs(pr, opts, where)
    lut = K.category_lut(opts.table.cells, CATEGORIES)
    labels = np.asarray([*CATEGORIES, ""])
    cats: npt.NDArray[np.str_] = labels[lut[K.joint_codes(fi, di)]]
    return KanoClassification(
        attributes=pr.attributes, categories=cats, _backend=pr.backend
    )
