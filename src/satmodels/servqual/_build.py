"""From item statistics to the shared estimates table (items, dimensions, scores)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._typing import FloatArray
from ..exceptions import SatmodelsWarning
from ..results._estimates import Estimates, estimates
from ..stats.moments import MissingReport
from ._kernels import _combine, _t_interval
from .instrument import Instrument

__all__: list[str] = []


@dataclass(frozen=True, slots=True)
class Part:
    """Rows of one kind: names, estimates, standard errors, df and sizes."""

    kind: str
    names: tuple[str, ...]
    estimate: FloatArray
    standard_error: FloatArray
    df: FloatArray
    n: FloatArray
    warn: bool = True


def dimension_matrix(instrument: Instrument) -> FloatArray:
    """(d, k) matrix averaging the items of each dimension."""
    dims = [i.dimension for i in instrument.items]
    a = np.zeros((len(instrument.dimensions), instrument.n_items))
    for j, d in enumerate(instrument.dimensions):
        cols = [i for i, dk in enumerate(dims) if dk == d]
        a[j, cols] = 1.0 / len(cols)
    return a


def levels(
    mean: FloatArray,
    sigma: FloatArray,
    size: FloatArray,
    instrument: Instrument,
    vector: FloatArray | None = None,
    *,
    kinds: tuple[str, str, str] = ("item", "dimension", "score"),
    overall: str = "unweighted",
) -> list[Part]:
    """Item, dimension, unweighted and (vector-)weighted parts."""
    a_dim = dimension_matrix(instrument)
    d = a_dim.shape[0]
    with np.errstate(invalid="ignore"):
        item_se = np.sqrt(np.diagonal(sigma))
    parts = [
        Part(
            kinds[0],
            instrument.item_ids(),
            np.asarray(mean, dtype=np.float64),
            item_se,
            np.maximum(size - 1.0, 0.0),
            np.asarray(size, dtype=np.float64),
        ),
        Part(kinds[1], instrument.dimensions, *_combine(mean, sigma, size, a_dim)),
        Part(
            kinds[2],
            (overall,),
            *_combine(mean, sigma, size, (np.full(d, 1.0 / d) @ a_dim)[None, :]),
        ),
    ]
    if vector is not None:
        w = ((vector / 100.0) @ a_dim)[None, :]
        parts.append(Part(kinds[2], ("weighted",), *_combine(mean, sigma, size, w)))
    return parts


def weighted_mean(
    values: FloatArray, weights: FloatArray | None
) -> tuple[float, float, float]:
    r"""Mean, standard error and (effective) size of one column of scores.

    With case weights: the weighted mean, the unbiased weighted variance
    (divisor :math:`W - \sum w^2 / W`) over Kish's (1965) effective size
    :math:`W^2 / \sum w^2`; without: the sample mean and :math:`s/\sqrt n`.
    """
    if weights is None:
        n = float(values.shape[0])
        mean = float(values.mean()) if n else float("nan")
        se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
        return mean, se, n
    w_sum = float(weights.sum())
    q = float((weights**2).sum())
    if w_sum <= 0:
        return float("nan"), float("nan"), 0.0
    mean = float((weights * values).sum() / w_sum)
    size = w_sum * w_sum / q
    div = w_sum - q / w_sum
    if div <= 0 or size <= 1:
        return mean, float("nan"), size
    var = float((weights * (values - mean) ** 2).sum() / div)
    return mean, float(np.sqrt(var / size)), size


def table(
    parts: Sequence[Part],
    *,
    confidence_level: float,
    backend: str | None,
    where: str,
    stacklevel: int = 3,
) -> Estimates:
    """Build the estimates table (Student t intervals), warning on NaN SEs.

    An estimate whose standard error cannot be computed (fewer than two
    respondents, or an item it averages has none) gets NaN statistic,
    p-value and interval and a :class:`SatmodelsWarning` naming it. A zero
    standard error (every respondent gave the same difference) gives a
    point interval and no test.
    """
    kinds = [p.kind for p in parts for _ in p.names]
    names = [n for p in parts for n in p.names]
    est = np.concatenate([p.estimate for p in parts])
    se = np.concatenate([p.standard_error for p in parts])
    df = np.concatenate([p.df for p in parts])
    n = np.concatenate([p.n for p in parts])
    low, high = _t_interval(est, se, df, confidence_level)
    quiet = np.concatenate([np.full(len(p.names), not p.warn) for p in parts])
    bad = np.flatnonzero(np.isnan(se) & ~quiet)
    if bad.size:
        shown = []
        for i in bad[:8]:
            why = (
                "no respondent answered it"
                if n[i] == 0 or not np.isfinite(est[i])
                else "fewer than 2 respondents answered it"
                if n[i] < 2
                else "an item it averages has no standard error, or the pairwise "
                "covariances of its items give a negative variance"
            )
            shown.append(f"{kinds[i]} {names[i]!r} ({why})")
        more = f" and {bad.size - 8} more" if bad.size > 8 else ""
        one = bad.size == 1
        msg = (
            f"{where}: the standard error{'' if one else 's'} of "
            f"{', '.join(shown)}{more} cannot be estimated; "
            f"{'its' if one else 'their'} t statistic, p-value and interval "
            f"{'are' if one else 'are all'} NaN."
        )
        warnings.warn(msg, SatmodelsWarning, stacklevel=stacklevel)
    return estimates(
        name=names,
        kind=kinds,
        estimate=est,
        standard_error=se,
        df=df,
        n=n,
        interval="t",
        ci_low=low,
        ci_high=high,
        confidence_level=confidence_level,
        backend=backend,
    )


def with_reason(report: MissingReport, reason: str, count: int) -> MissingReport:
    """Add ``count`` rows excluded for ``reason`` (one statistic only)."""
    if count == 0:
        return report
    reasons = dict(report.reasons)
    reasons[reason] = reasons.get(reason, 0) + count
    return MissingReport(
        rows_total=report.rows_total,
        rows_used=report.rows_used,
        rows_excluded=report.rows_excluded,
        reasons=reasons,
        column_missing=report.column_missing,
        missing=report.missing,
    )


def part_of(est: Estimates, kind: str) -> Part:
    """Return the rows of one kind as a :class:`Part`."""
    sub = est.select(kind)
    return Part(kind, sub.name, sub.estimate, sub.standard_error, sub.df, sub.n)


def take(est: Estimates, kind: str, names: Sequence[str] | None = None) -> Estimates:
    """Rows of ``kind`` (and of ``names``, in that order)."""
    rows = [
        i
        for i, (k, nm) in enumerate(zip(est.kind, est.name, strict=True))
        if k == kind and (names is None or nm in names)
    ]
    return est._take(rows)
