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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import FloatArray, IntArray
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ..scales import Scale, as_scale
from . import _kernels as K  # noqa: N812 - short kernel namespace
from ._options import options
from ._read import Counts, Group, count_groups, read_pairs
from ._table import DEFAULT_ANSWERS, KanoAnswers

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SCORE_PRESETS", "ContinuousKanoResult", "continuous"]

#: Named answer scores: (functional scores, dysfunctional scores), answers in
#: the order like, must-be, neutral, live-with, dislike.
SCORE_PRESETS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    # DuMouchel, in Berger et al. (1993), section IVb.
    "dumouchel": ((4.0, 2.0, 0.0, -1.0, -2.0), (-2.0, -1.0, 0.0, 2.0, 4.0)),
    # A symmetric linear coding (equal steps); offered for sensitivity checks.
    "symmetric": ((2.0, 1.0, 0.0, -1.0, -2.0), (-2.0, -1.0, 0.0, 1.0, 2.0)),
}


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ContinuousKanoResult(ResultMixin):
    """Continuous (DuMouchel) Kano scores per attribute.

    Attributes
    ----------
    attributes : tuple of str
        Attribute names.
    estimates : Estimates
        Mean functional and dysfunctional score per attribute (kinds
        ``"functional_mean"`` and ``"dysfunctional_mean"``, named by the
        attribute) with Student t intervals, ``n`` = the (effective) pairs.
    n : ndarray of int
        Pairs with both answers present.
    n_effective : ndarray
        Kish's effective number of those pairs (``n`` without weights); the
        t intervals use ``n_effective - 1`` degrees of freedom.
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
    weighted : bool
        Whether case weights were given (weighted means and variances).
    segments : dict of str to ContinuousKanoResult or None
        The same scores per segment (sorted labels).
    confidence_level : float
        Level of the stored intervals.
    """

    attributes: tuple[str, ...]
    estimates: Estimates
    n: IntArray
    n_effective: FloatArray
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
    weighted: bool = False
    segments: dict[str, ContinuousKanoResult] | None = None
    confidence_level: float = 0.95
    _backend: str | None = None

    def __repr__(self) -> str:
        lines = [
            f"ContinuousKanoResult(attributes={len(self.attributes)}, "
            f"scores={self.scores!r}, confidence_level={self.confidence_level})"
        ]
        for j, name in enumerate(self.attributes[:5]):
            lines.append(
                f"  {name[:24]}: {self.quadrant[j] or '-'}  "
                f"functional={self.functional_mean[j]:.3f} "
                f"dysfunctional={self.dysfunctional_mean[j]:.3f}"
            )
        if len(self.attributes) > 5:
            lines.append(f"  ... {len(self.attributes) - 5} more")
        return "\n".join(lines)

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401
        """Return :attr:`estimates` as a long table (backend of the input)."""
        return self.estimates.to_frame(backend)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Student t intervals of the mean scores, rows of :attr:`estimates`.

        Without an argument the stored bounds; another level is recomputed
        from the means, standard errors and degrees of freedom.
        """
        return self.estimates.confidence_interval(confidence_level)

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
            "weighted": self.weighted,
            "confidence_level": self.confidence_level,
            "estimates": self.estimates.to_dict(),
            "segments": None
            if self.segments is None
            else {k: v.to_dict() for k, v in self.segments.items()},
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

    def plot(self, ax: Axes | None = None, *, intervals: bool = True) -> Axes:
        """DuMouchel's continuous plot (:func:`satmodels.plot.kano_continuous`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure when omitted.
        intervals : bool
            Draw the stored t intervals of both mean scores.

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> from satmodels import kano
        >>> data = {"f": [1, 1, 2, 1], "d": [5, 4, 5, 3]}
        >>> ax = kano.continuous(data, functional="f", dysfunctional="d").plot()
        >>> ax.get_xlabel()
        'dysfunctional score (mean)'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        from ..plot import kano_continuous  # noqa: PLC0415 - matplotlib is optional

        return kano_continuous(self, ax=ax, intervals=intervals)


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


def _scores(
    scores: object, where: str
) -> tuple[tuple[float, ...], tuple[float, ...], str]:
    if isinstance(scores, str):
        if scores not in SCORE_PRESETS:
            msg = (
                f"The 'scores' parameter of {where} must be one of "
                f"{sorted(SCORE_PRESETS)} or a pair of 5-score sequences. "
                f"Got {scores!r}."
            )
            raise InputError(msg)
        f_scores, d_scores = SCORE_PRESETS[scores]
        return f_scores, d_scores, scores
    try:
        f_scores = tuple(float(v) for v in scores[0])  # type: ignore[index]
        d_scores = tuple(float(v) for v in scores[1])  # type: ignore[index]
    except (TypeError, ValueError, IndexError, KeyError) as exc:
        msg = f"The 'scores' parameter of {where} must be two sequences of 5 numbers."
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
    return f_scores, d_scores, "custom"


def continuous(
    data: object,
    *,
    functional: str | Sequence[str] | None = None,
    dysfunctional: str | Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    attributes: str | Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    importance: str | Sequence[str] | None = None,
    scale: Scale | tuple[float, float] | None = None,
    answers: KanoAnswers | Sequence[float] = DEFAULT_ANSWERS,
    scores: Literal["dumouchel", "symmetric"]
    | tuple[Sequence[float], Sequence[float]] = "dumouchel",
    threshold: float = 2.0,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> ContinuousKanoResult:
    """Continuous Kano scores (DuMouchel, in Berger et al. 1993) per attribute.

    Parameters
    ----------
    data, functional, dysfunctional, pairs, attributes, columns, answers
        As in :func:`satmodels.kano.analyze` (lazy frames are counted on
        the engine).
    weights : array_like or str, optional
        Case weights: weighted means and variances; the t intervals use
        Kish's effective n (``se = sd / sqrt(n_eff)``, ``n_eff - 1`` df).
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Segment labels (or their column): one result per segment.
    importance, scale
        Self-stated importance columns (and their scale), reported as
        ``importance_mean``.
    scores : {"dumouchel", "symmetric"} or (functional scores, dysfunctional scores)
        Answer scores; ``dumouchel`` is 4, 2, 0, -1, -2 / -2, -1, 0, 2, 4.
    threshold : float
        Strict quadrant split on both axes (2 for the DuMouchel scores).
    confidence_level : float
        Level of the stored t intervals of the mean scores.
    nan_policy : {"omit", "raise"}
        As in :func:`satmodels.kano.analyze`.

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
    >>> data = {"f": [1, 1, 2], "d": [5, 4, 5]}
    >>> res = kano.continuous(data, functional="f", dysfunctional="d")
    >>> res.functional_mean.round(3).tolist(), res.dysfunctional_mean.round(3).tolist()
    ([3.333], [3.333])
    >>> res.quadrant
    ('O',)
    """
    if design is not None:
        return fit_with_design(continuous, locals())
    where = "kano.continuous"
    opts = options(
        where, answers=answers, nan_policy=nan_policy, confidence_level=confidence_level
    )
    f_scores, d_scores, name = _scores(scores, where)
    if not isinstance(threshold, int | float) or not np.isfinite(threshold):
        msg = f"The 'threshold' parameter of {where} must be finite. Got {threshold!r}."
        raise InputError(msg)
    imp_scale = as_scale(scale, where)
    inp = read_pairs(
        data,
        where=where,
        functional=functional,
        dysfunctional=dysfunctional,
        pairs=pairs,
        attributes=attributes,
        importance=importance,
        columns=columns,
        weights=weights,
        segments=segments,
        accept=("rows", "lazy"),
    )
    t = inp.table

    def result(
        group: Group, segs: dict[str, Any] | None = None
    ) -> ContinuousKanoResult:
        return _continuous_result(
            group.counts,
            inp.attributes,
            f_scores=f_scores,
            d_scores=d_scores,
            name=name,
            threshold=float(threshold),
            level=opts.confidence_level,
            imp_mean=group.importance_mean,
            segments=segs,
            backend=t.backend,
        )

    counted = count_groups(inp, opts, imp_scale, where)
    segs = None
    if counted.segments is not None:
        segs = {label: result(g) for label, g in counted.segments.items()}
    return result(counted.whole, segs)


def _continuous_result(
    counts: Counts,
    attributes: tuple[str, ...],
    *,
    f_scores: tuple[float, ...],
    d_scores: tuple[float, ...],
    name: str,
    threshold: float,
    level: float,
    imp_mean: FloatArray | None,
    segments: dict[str, ContinuousKanoResult] | None,
    backend: str | None,
) -> ContinuousKanoResult:
    n_raw = counts.tables[:, :5, :5].sum(axis=(-2, -1))
    n_eff = None
    if counts.has_weights:
        tot = counts.weighted[:, :5, :5].sum(axis=(-2, -1))
        sq = counts.squared[:, :5, :5].sum(axis=(-2, -1))
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = np.where(sq > 0, tot * tot / sq, 0.0)
    n, mf, md, vf, vd, cov = K.score_moments(
        counts.weighted, np.asarray(f_scores), np.asarray(d_scores), n_eff
    )
    sf, sd = np.sqrt(vf), np.sqrt(vd)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.column_stack([sf, sd]) / np.sqrt(n)[:, None]
    df = np.where(n > 1, n - 1.0, np.nan)
    est = estimates(
        name=[a for a in attributes for _ in range(2)],
        kind=["functional_mean", "dysfunctional_mean"] * len(attributes),
        estimate=np.column_stack([mf, md]).ravel(),
        standard_error=se.ravel(),
        n=np.repeat(n, 2),
        df=np.repeat(df, 2),
        interval="t",
        confidence_level=level,
        backend=backend,
    )
    return ContinuousKanoResult(
        attributes=attributes,
        estimates=est,
        n=np.rint(n_raw).astype(np.int64),
        n_effective=np.asarray(n, dtype=np.float64),
        functional_mean=mf,
        dysfunctional_mean=md,
        functional_sd=sf,
        dysfunctional_sd=sd,
        covariance=cov,
        quadrant=_quadrants(mf, md, threshold),
        distance=np.hypot(mf, md),
        importance_mean=imp_mean,
        scores=name,
        functional_scores=tuple(f_scores),
        dysfunctional_scores=tuple(d_scores),
        threshold=threshold,
        weighted=counts.has_weights,
        segments=segments,
        confidence_level=level,
        _backend=backend,
    )
