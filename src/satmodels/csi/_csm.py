r"""Customer Satisfaction Measure (CSM) on a scored level scale.

Each item is answered on a scale of scored levels: by default the CSM
seven-level scale -90, -60, -30, 0, 30, 60, 90 (very dissatisfied ...
very satisfied), or the five-level 100/80/60/30/0 scoring, or any user scale.
The CSM of an item is its mean score over respondents, and the overall CSM
is the mean over the k items, ``CSM = sum(x) / k`` (MISSION.md section 2).
Both come from :class:`~satmodels.Moments` (pairwise means and
covariances), so the statistic merges across partitions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level, validated
from ..data import _frames
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin
from ..results._summary import Summary, table
from ..scales import CSM_SEVEN, Scale
from ..stats.moments import Moments, moments_of
from ._common import column_data, normal_quantile, segment_labels
from ._options import CSMOptions

__all__ = ["CSMResult", "csm"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CSMResult(ResultMixin):
    """Overall and per-item CSM with standard errors.

    Attributes
    ----------
    csm : float
        Overall CSM: the mean of the item CSMs (``sum / k``).
    se, ci_low, ci_high : float
        Standard error and normal interval of ``csm`` (NaN with one
        respondent).
    label : str or None
        Label of the scale level nearest to ``csm``.
    items : dict of str to float
        CSM (mean score) per item.
    item_se : dict of str to float
    item_labels : dict of str to str or None
    item_n : dict of str to int
        Answers per item (missing answers are excluded per item).
    n : int
        Respondents with at least one answer.
    n_missing : dict of str to int
        Missing answers per item.
    scale : str
        Name of the level scale.
    confidence_level : float
    by_segment : dict of str to CSMResult
    """

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
    confidence_level: float
    by_segment: dict[str, CSMResult] = field(default_factory=dict)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Return the normal interval of the overall CSM at another level."""
        level = check_confidence_level(
            confidence_level, "CSMResult.confidence_interval"
        )
        z = normal_quantile(level)
        return ConfidenceInterval(self.csm - z * self.se, self.csm + z * self.se)

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for seg, res in [("all", self), *self.by_segment.items()]:
            rows.extend(
                {
                    "segment": seg,
                    "item": item,
                    "csm": value,
                    "se": res.item_se[item],
                    "n": res.item_n[item],
                    "label": res.item_labels[item],
                }
                for item, value in res.items.items()
            )
            rows.append(
                {
                    "segment": seg,
                    "item": "overall",
                    "csm": res.csm,
                    "se": res.se,
                    "n": res.n,
                    "label": res.label,
                }
            )
        return rows

    def summary(self) -> Summary:
        """Per-item and overall CSM (and per segment)."""
        rows = [
            [r["segment"], r["item"], r["csm"], r["se"], r["n"], r["label"]]
            for r in self._records()
        ]
        return Summary(
            title=f"Customer Satisfaction Measure ({self.scale})",
            tables=(
                table(
                    "", ["segment", "item", "csm", "se", "n", "label"], rows, digits=2
                ),
            ),
            notes=(
                "CSM = sum of item scores / number of items (item score = mean over "
                "respondents).",
            ),
        )


def _map_codes(
    x: FloatArray, codes: Sequence[float], scale: Scale, columns: Sequence[str]
) -> FloatArray:
    pts = np.asarray(scale.points(), dtype=np.float64)
    code_arr = np.asarray(codes, dtype=np.float64)
    if code_arr.ndim != 1 or code_arr.shape[0] != pts.shape[0]:
        msg = (
            f"The 'codes' parameter of csm must give one raw code per level of the "
            f"{scale.describe()} scale ({pts.shape[0]}). Got {list(codes)!r}."
        )
        raise InputError(msg)
    code_scale = Scale.levels(sorted(code_arr.tolist()), name="codes")
    code_scale.check(x, columns=columns, name="scores", where="csm")
    order = np.argsort(code_arr)
    idx = np.searchsorted(code_arr[order], np.where(np.isnan(x), code_arr.min(), x))
    mapped = pts[order][idx]
    return np.where(np.isnan(x), np.nan, mapped)


def _csm_from_moments(m: Moments) -> tuple[FloatArray, FloatArray, float, float]:
    r"""Item means, their SEs, overall CSM and its SE from pairwise Moments.

    :math:`\mathrm{Cov}(\bar x_i, \bar x_j) = s_{ij} \sum_{ij} w^2 / (W_i W_j)`
    (rows observing both items; unweighted
    :math:`s_{ij} n_{ij} / (n_i n_j)`), and the overall CSM
    :math:`k^{-1} \sum_i \bar x_i` has variance :math:`k^{-2} \sum_{ij}
    \mathrm{Cov}(\bar x_i, \bar x_j)`.
    """
    mean = m.mean
    cov = m.covariance()
    wi = np.diagonal(m.weight_sum)
    with np.errstate(divide="ignore", invalid="ignore"):
        vm = cov * m.weight_sq_sum / np.outer(wi, wi)
    k = mean.shape[0]
    item_se = np.sqrt(np.diagonal(vm))
    overall = float(mean.mean())
    var = float(vm.sum()) / (k * k)
    return mean, item_se, overall, math.sqrt(var) if math.isfinite(var) else math.nan


def csm(
    scores: object,
    *,
    scale: Scale = CSM_SEVEN,
    codes: Sequence[float] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> CSMResult:
    r"""Compute the Customer Satisfaction Measure per item and overall.

    Parameters
    ----------
    scores : array_like, dataframe, lazy frame or Moments, shape (n, k)
        Respondents x items, answers on ``scale`` (or raw ``codes``); or
        their pairwise :class:`~satmodels.Moments` (a lazy frame is reduced
        to Moments on its engine). ``segments`` and ``codes`` need rows.
    scale : Scale
        Level scale (default :data:`~satmodels.CSM_SEVEN`, -90 ... 90; use
        :data:`~satmodels.FIVE_LEVEL` for 100/80/60/30/0 or any
        ``Scale.levels(...)``).
    codes : sequence of float, optional
        Raw answer codes, one per scale level in the same order (e.g.
        ``(1, 2, 3, 4, 5)`` with FIVE_LEVEL maps 1 -> 0, ..., 5 -> 100).
    columns : sequence of str, optional
        Item columns (frames) or names (arrays).
    weights : array_like or str, optional
        Case weights.
    segments : array_like or str, optional
        Group label per row (brands, regions); one CSM per segment in
        ``by_segment``.
    confidence_level : float
    nan_policy : {"omit", "raise"}
        Missing answers are excluded per item (and counted) or raise.

    Returns
    -------
    CSMResult

    Raises
    ------
    InputError
        An answer not on the scale (names column, row, value).

    Notes
    -----
    Item CSM :math:`\bar x_j = \sum_i w_i x_{ij} / \sum_i w_i`; overall
    :math:`\mathrm{CSM} = \sum_j \bar x_j / k` (MISSION.md section 2: the
    documents' ``sum(x) / n`` over n items). Tested on the documents'
    four-car-brand example (A = 10, B = 20, C = 25, D = 40).

    Examples
    --------
    >>> from satmodels.csi import csm
    >>> # brand A of the car example: six item scores summing to 60
    >>> r = csm([[30, 0, -30, 30, 0, 30]])
    >>> r.csm, r.label
    (10.0, 'acceptable')
    """
    where = "csm"
    level = validated(
        CSMOptions, where, confidence_level=confidence_level, nan_policy=nan_policy
    ).confidence_level
    if scale.kind != "levels" and codes is None and scale.kind != "likert":
        msg = (
            f"The 'scale' parameter of {where} must be a discrete scale. Got "
            f"{scale.describe()}."
        )
        raise InputError(msg)

    def one(m: Moments) -> CSMResult:
        cols = m.columns
        mean, item_se, overall, se = _csm_from_moments(m)
        z = normal_quantile(level)
        labelled = scale.labels is not None
        nobs = m.nobs
        return CSMResult(
            csm=overall,
            se=se,
            ci_low=overall - z * se,
            ci_high=overall + z * se,
            label=scale.label(overall) if labelled and math.isfinite(overall) else None,
            items={c: float(v) for c, v in zip(cols, mean, strict=True)},
            item_se={c: float(v) for c, v in zip(cols, item_se, strict=True)},
            item_labels={
                c: scale.label(float(v)) if labelled and math.isfinite(v) else None
                for c, v in zip(cols, mean, strict=True)
            },
            item_n={c: int(v) for c, v in zip(cols, nobs, strict=True)},
            n=m.missing_report.rows_used,
            n_missing=dict(m.missing_report.column_missing),
            scale=scale.name,
            confidence_level=level,
        )

    if isinstance(scores, Moments) or _frames.is_lazy(scores):
        if segments is not None or codes is not None:
            msg = (
                f"The 'segments' and 'codes' parameters of {where} need the rows "
                "in memory; compute Moments per segment instead."
            )
            raise InputError(msg)
        if isinstance(scores, Moments):
            m = scores.select(columns) if columns is not None else scores
        else:
            m = moments_of(
                scores,
                columns=columns,
                weights=weights,
                missing="pairwise",
                nan_policy=nan_policy,
                name="scores",
                where=where,
            )
        bad = [
            c
            for c, v in zip(m.columns, m.mean, strict=True)
            if not scale.minimum <= v <= scale.maximum
        ]
        if bad:
            msg = (
                f"The item means of {bad} in the 'scores' of {where} lie outside "
                f"the {scale.describe()} scale."
            )
            raise InputError(msg)
        return one(m)
    x, cols, w, _ = column_data(
        scores, columns=columns, weights=weights, name="scores", where=where
    )
    miss = np.isnan(x)
    if nan_policy == "raise" and miss.any():
        row, col = (int(v) for v in np.argwhere(miss)[0])
        msg = (
            f"The 'scores' parameter of {where} has a missing value and "
            f"nan_policy='raise': column '{cols[col]}', row {row}."
        )
        raise InputError(msg)
    if codes is not None:
        x = _map_codes(x, codes, scale, cols)
    else:
        scale.check(x, columns=cols, name="scores", where=where)
    seg = segment_labels(scores, segments, x.shape[0], where)

    def of_rows(xs: FloatArray, ws: FloatArray | None) -> Moments:
        return moments_of(
            xs, columns=cols, weights=ws, missing="pairwise", name="scores", where=where
        )

    result = one(of_rows(x, w))
    if seg is None:
        return result
    parts = {}
    for label in sorted(set(seg.tolist())):
        mask = seg == label
        parts[str(label)] = one(of_rows(x[mask], None if w is None else w[mask]))
    return replace(result, by_segment=parts)
