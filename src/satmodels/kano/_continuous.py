r"""Continuous Kano analysis (DuMouchel, in Berger et al. 1993, section IVb).

Each answer is scored, functional answers like, must-be, neutral, live-with,
dislike as 4, 2, 0, -1, -2 and dysfunctional answers as -2, -1, 0, 2, 4
(Berger et al. 1993, section IVb, p. 20 ff.). Per attribute the mean and
standard deviation of both scores place the attribute on the DuMouchel
diagram (dysfunctional mean on the horizontal axis, functional mean on the
vertical one). The quadrant split is strict, at ``threshold`` (2 by
default):

==========================  =====================  ===================
                            dysfunctional <= thr   dysfunctional > thr
functional > thr            A (attractive)         O (one-dimensional)
functional <= thr           I (indifferent)        M (must-be)
==========================  =====================  ===================

With the DuMouchel scores the unanimous answer pattern of each category
(like/live-with for A, like/dislike for O, must-be/dislike for M,
neutral/neutral for I) falls inside its own quadrant exactly when the split
lies in [2, 4) with a strict inequality, because must-be scores 2 on the
functional axis and live-with 2 on the dysfunctional one; 2 keeps the
middle of the 0-4 range of the diagram.

A negative mean on either axis (respondents prefer the attribute absent) is
labelled R; that reading is ours, not DuMouchel's, and is documented as such.
``distance`` is the length of the (dysfunctional, functional) mean vector,
the distance from the origin on the diagram.

Means and variances come from the joint count tables (the 5 x 5 block of
pairs with both answers present), so they need no rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import stats

from .._typing import FloatArray, IntArray
from ..data._frames import backend_of, is_lazy
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._summary import Summary, table
from ..scales import Scale
from . import _kernels as K  # noqa: N812 - short kernel namespace
from ._core import (
    KanoOptions,
    _encode_pairs,
    _importance_matrix,
    _lazy_tables,
    _options,
    _pair_names,
    _read_pairs,
    nanmean_columns,
)
from ._table import DEFAULT_ANSWERS, KanoAnswers

__all__ = ["SCORE_PRESETS", "ContinuousKanoResult", "continuous"]

#: Named answer scores: (functional scores, dysfunctional scores), answers in
#: the order like, must-be, neutral, live-with, dislike.
SCORE_PRESETS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    # DuMouchel, in Berger et al. (1993), section IVb.
    "dumouchel": ((4.0, 2.0, 0.0, -1.0, -2.0), (-2.0, -1.0, 0.0, 2.0, 4.0)),
    # A symmetric linear coding (equal steps); offered for sensitivity checks.
    "symmetric": ((2.0, 1.0, 0.0, -1.0, -2.0), (-2.0, -1.0, 0.0, 1.0, 2.0)),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ContinuousKanoResult(ResultMixin):
    """Continuous (DuMouchel) Kano scores per attribute.

    Attributes
    ----------
    attributes : tuple of str
        Attribute names.
    n : ndarray of int
        Pairs with both answers present.
    functional_mean, dysfunctional_mean : ndarray
        Mean scores.
    functional_sd, dysfunctional_sd : ndarray
        Standard deviations (ddof = 1).
    covariance : ndarray
        Covariance of the functional and dysfunctional scores (ddof = 1).
    quadrant : tuple of str
        A, O, M, I (or R for a negative mean), see the module docstring.
    distance : ndarray
        Distance of the mean point from the origin.
    importance_mean : ndarray or None
        Mean self-stated importance, when given.
    scores : str
        Name of the score preset (or "custom").
    functional_scores, dysfunctional_scores : tuple of float
        The scores of like ... dislike.
    threshold : float
        Quadrant split.
    confidence_level : float
        Level of :meth:`confidence_interval` by default.
    """

    attributes: tuple[str, ...]
    n: IntArray
    functional_mean: FloatArray
    dysfunctional_mean: FloatArray
    functional_sd: FloatArray
    dysfunctional_sd: FloatArray
    covariance: FloatArray
    quadrant: tuple[str, ...]
    distance: FloatArray
    importance_mean: FloatArray | None = None
    scores: str = "dumouchel"
    functional_scores: tuple[float, ...] = SCORE_PRESETS["dumouchel"][0]
    dysfunctional_scores: tuple[float, ...] = SCORE_PRESETS["dumouchel"][1]
    threshold: float = 2.0
    confidence_level: float = 0.95
    _backend: str | None = field(default=None, repr=False)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Student-t intervals of the mean scores, (p, 2): functional, dysfunctional."""
        level = self.confidence_level if confidence_level is None else confidence_level
        if not 0.0 < float(level) < 1.0:
            msg = (
                "The 'confidence_level' parameter of ContinuousKanoResult."
                f"confidence_interval must lie strictly between 0 and 1. Got {level!r}."
            )
            raise InputError(msg)
        n = self.n.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(
                n > 1,
                stats.t.ppf(0.5 + float(level) / 2.0, np.maximum(n - 1, 1)),
                np.nan,
            )
            half_f = t * self.functional_sd / np.sqrt(n)
            half_d = t * self.dysfunctional_sd / np.sqrt(n)
        mean = np.column_stack([self.functional_mean, self.dysfunctional_mean])
        half = np.column_stack([half_f, half_d])
        return ConfidenceInterval(low=mean - half, high=mean + half)

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for j, name in enumerate(self.attributes):
            rec: dict[str, object] = {
                "name": name,
                "n": int(self.n[j]),
                "functional_mean": float(self.functional_mean[j]),
                "dysfunctional_mean": float(self.dysfunctional_mean[j]),
                "functional_sd": float(self.functional_sd[j]),
                "dysfunctional_sd": float(self.dysfunctional_sd[j]),
                "covariance": float(self.covariance[j]),
                "quadrant": self.quadrant[j],
                "distance": float(self.distance[j]),
            }
            if self.importance_mean is not None:
                rec["importance_mean"] = float(self.importance_mean[j])
            rows.append(rec)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary with one record per attribute."""
        return {
            "attributes": jsonable(self._records()),
            "scores": self.scores,
            "functional_scores": list(self.functional_scores),
            "dysfunctional_scores": list(self.dysfunctional_scores),
            "threshold": self.threshold,
            "confidence_level": self.confidence_level,
        }

    def summary(self) -> Summary:
        """Means, standard deviations and quadrants per attribute."""
        rows = [
            (
                r["name"],
                r["n"],
                r["functional_mean"],
                r["functional_sd"],
                r["dysfunctional_mean"],
                r["dysfunctional_sd"],
                r["quadrant"],
                r["distance"],
            )
            for r in self._records()
        ]
        header = (
            "attribute",
            "n",
            "func_mean",
            "func_sd",
            "dys_mean",
            "dys_sd",
            "quadrant",
            "distance",
        )
        return Summary(
            title="Continuous Kano analysis (DuMouchel)",
            tables=(table("Scores", header, rows),),
            notes=(
                f"Scores {self.scores}: functional {self.functional_scores}, "
                f"dysfunctional {self.dysfunctional_scores} (Berger et al. 1993, "
                f"section IVb); quadrants split at {self.threshold}.",
            ),
        )


def _quadrants(mf: FloatArray, md: FloatArray, thr: float) -> tuple[str, ...]:
    out: list[str] = []
    for f, d in zip(mf.tolist(), md.tolist(), strict=True):
        if not (np.isfinite(f) and np.isfinite(d)):
            out.append("")
        elif f < 0 or d < 0:
            out.append("R")
        elif f > thr:
            out.append("O" if d > thr else "A")
        else:
            out.append("M" if d > thr else "I")
    return tuple(out)


def continuous(
    functional: object,
    dysfunctional: object = None,
    *,
    attributes: Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    answers: KanoAnswers | Sequence[float] | Sequence[str] = DEFAULT_ANSWERS,
    scores: Literal["dumouchel", "symmetric"]
    | tuple[Sequence[float], Sequence[float]] = "dumouchel",
    threshold: float = 2.0,
    importance: object = None,
    importance_scale: Scale | None = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> ContinuousKanoResult:
    """Continuous Kano scores (DuMouchel, in Berger et al. 1993) per attribute.

    Parameters
    ----------
    functional, dysfunctional, attributes, pairs, answers, nan_policy
        As in :func:`satmodels.kano.analyze`.
    scores : {"dumouchel", "symmetric"} or (functional scores, dysfunctional scores)
        Answer scores; ``dumouchel`` is 4, 2, 0, -1, -2 / -2, -1, 0, 2, 4.
    threshold : float
        Strict quadrant split on both axes (2 for the DuMouchel scores).
    importance, importance_scale
        Self-stated importance, reported as ``importance_mean``.
    confidence_level : float
        Default level of :meth:`ContinuousKanoResult.confidence_interval`.

    Returns
    -------
    ContinuousKanoResult

    Notes
    -----
    Means and variances are computed from the joint counts of the answer
    pairs; checked against a hand computation in ``tests/test_kano.py``.

    Examples
    --------
    >>> from satmodels import kano
    >>> res = kano.continuous([[1], [1], [2]], [[5], [4], [5]])
    >>> res.functional_mean.round(3).tolist(), res.dysfunctional_mean.round(3).tolist()
    ([3.333], [3.333])
    >>> res.quadrant
    ('O',)
    """
    where = "kano.continuous"
    opts = _options(
        where, answers=answers, nan_policy=nan_policy, confidence_level=confidence_level
    )
    if isinstance(scores, str):
        if scores not in SCORE_PRESETS:
            msg = (
                f"The 'scores' parameter of {where} must be one of "
                f"{sorted(SCORE_PRESETS)} or a pair of 5-score sequences. "
                f"Got {scores!r}."
            )
            raise InputError(msg)
        f_scores, d_scores = SCORE_PRESETS[scores]
        name: str = scores
    else:
        try:
            f_scores = tuple(float(v) for v in scores[0])
            d_scores = tuple(float(v) for v in scores[1])
        except (TypeError, ValueError, IndexError) as exc:
            msg = (
                f"The 'scores' parameter of {where} must be two sequences of 5 numbers."
            )
            raise InputError(msg) from exc
        if (
            len(f_scores) != 5
            or len(d_scores) != 5
            or not all(np.isfinite(f_scores + d_scores))
        ):
            msg = (
                f"The 'scores' parameter of {where} must be two sequences of 5 "
                f"finite numbers. Got {scores!r}."
            )
            raise InputError(msg)
        name = "custom"
    if not np.isfinite(threshold):
        msg = f"The 'threshold' parameter of {where} must be finite. Got {threshold!r}."
        raise InputError(msg)
    if (
        pairs is not None
        and not isinstance(functional, Mapping | np.ndarray | list | tuple)
        and is_lazy(functional)
    ):
        if importance is not None:
            msg = f"{where} on a lazy frame does not take importance yet."
            raise InputError(msg)
        tables, _ = _lazy_tables(functional, pairs, opts, where)
        names = _pair_names(attributes, pairs, where)
        return _continuous_result(
            tables,
            names,
            f_scores=f_scores,
            d_scores=d_scores,
            name=name,
            threshold=float(threshold),
            opts=opts,
            imp_mean=None,
            backend=backend_of(functional),
        )
    pr = _read_pairs(
        functional,
        dysfunctional,
        pairs=pairs,
        attributes=attributes,
        exclude=[],
        where=where,
    )
    fi, di = _encode_pairs(pr, opts, where)
    tables = K.tables_from_joint(K.joint_codes(fi, di))[0]
    imp_mean = None
    if importance is not None:
        imp = _importance_matrix(
            importance,
            functional,
            attributes=pr.attributes,
            n=fi.shape[0],
            scale=importance_scale,
            where=where,
        )
        imp_mean = nanmean_columns(imp)
    return _continuous_result(
        tables,
        pr.attributes,
        f_scores=f_scores,
        d_scores=d_scores,
        name=name,
        threshold=float(threshold),
        opts=opts,
        imp_mean=imp_mean,
        backend=pr.backend,
    )


def _continuous_result(
    tables: FloatArray,
    attributes: tuple[str, ...],
    *,
    f_scores: tuple[float, ...],
    d_scores: tuple[float, ...],
    name: str,
    threshold: float,
    opts: KanoOptions,
    imp_mean: FloatArray | None,
    backend: str | None,
) -> ContinuousKanoResult:
    n, mf, md, vf, vd, cov = K.score_moments(
        tables, np.asarray(f_scores), np.asarray(d_scores)
    )
    return ContinuousKanoResult(
        attributes=attributes,
        n=np.rint(n).astype(np.int64),
        functional_mean=mf,
        dysfunctional_mean=md,
        functional_sd=np.sqrt(vf),
        dysfunctional_sd=np.sqrt(vd),
        covariance=cov,
        quadrant=_quadrants(mf, md, threshold),
        distance=np.hypot(mf, md),
        importance_mean=imp_mean,
        scores=name,
        functional_scores=tuple(f_scores),
        dysfunctional_scores=tuple(d_scores),
        threshold=threshold,
        confidence_level=opts.confidence_level,
        _backend=backend,
    )
