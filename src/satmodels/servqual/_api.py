"""Public functions of the SERVQUAL module."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray, IntArray
from .._validation import check_confidence_level
from ..exceptions import InputError
from ..scales import Scale
from ..stats._reliability import _alpha, _alpha_if_deleted, _feldt_interval, _item_total
from ..stats.moments import MissingReport, Moments
from . import _collect
from ._kernels import _apply, _combine, _item_stats, _welch_df
from ._results import (
    GAP_DESCRIPTIONS,
    CompareResult,
    Estimates,
    FiveGapsResult,
    GapsResult,
    ReliabilityResult,
    ServperfResult,
    ZoneResult,
    _dimension_rows,
)
from .instrument import SERVQUAL_22, Instrument

__all__ = [
    "compare",
    "five_gaps",
    "gaps",
    "reliability",
    "servperf",
    "zone_of_tolerance",
]

#: The default answer scale: 1 (strongly disagree) to 7 (strongly agree).
SEVEN_POINT: Scale = Scale.likert(1, 7)


# ----------------------------------------------------------------- helpers
def _dimension_matrix(instrument: Instrument) -> FloatArray:
    """(d, k) matrix averaging the items of each dimension."""
    dims = [i.dimension for i in instrument.items]
    a = np.zeros((len(instrument.dimensions), instrument.n_items))
    for j, d in enumerate(instrument.dimensions):
        cols = [i for i, dk in enumerate(dims) if dk == d]
        a[j, cols] = 1.0 / len(cols)
    return a


def _est(  # noqa: PLR0917 - the six fields of Estimates
    names: tuple[str, ...],
    est: FloatArray,
    se: FloatArray,
    df: FloatArray,
    n: IntArray,
    level: float,
) -> Estimates:
    return Estimates(
        names=names,
        estimate=np.asarray(est, dtype=np.float64),
        std_error=np.asarray(se, dtype=np.float64),
        df=np.asarray(df, dtype=np.float64),
        n=np.asarray(n, dtype=np.int64),
        confidence_level=level,
    )


def _levels(  # noqa: PLR0917 - internal kernel
    mean: FloatArray,
    sigma: FloatArray,
    n: IntArray,
    instrument: Instrument,
    level: float,
    vector: FloatArray | None = None,
) -> tuple[Estimates, Estimates, Estimates, Estimates | None]:
    """Item, dimension, unweighted and (vector-)weighted estimates."""
    a_dim = _dimension_matrix(instrument)
    d = a_dim.shape[0]
    with np.errstate(invalid="ignore"):
        item_se = np.sqrt(np.diagonal(sigma))
    items = _est(
        instrument.item_ids(),
        mean,
        item_se,
        np.maximum(n - 1.0, 0.0),
        n,
        level,
    )
    dims = _est(instrument.dimensions, *_combine(mean, sigma, n, a_dim), level)
    overall = _est(
        ("unweighted",),
        *_combine(mean, sigma, n, (np.full(d, 1.0 / d) @ a_dim)[None, :]),
        level,
    )
    weighted = None
    if vector is not None:
        weighted = _est(
            ("weighted",),
            *_combine(mean, sigma, n, ((vector / 100.0) @ a_dim)[None, :]),
            level,
        )
    return items, dims, overall, weighted


def _row_weighted(
    item_rows: FloatArray, weight_rows: FloatArray, instrument: Instrument, level: float
) -> tuple[Estimates, int]:
    """Weighted score from per-respondent allocations (Zeithaml et al. 1990).

    Each respondent's score is the sum over dimensions of points / 100 times
    the respondent's dimension mean; the result is the mean of those scores
    with a one-sample t interval. Returns the estimate and the number of
    respondents excluded for a missing allocation or dimension.
    """
    per = _dimension_rows(item_rows, instrument)
    score = (per * weight_rows / 100.0).sum(axis=1)
    ok = np.isfinite(per).all(axis=1) & np.isfinite(weight_rows).all(axis=1)
    vals = score[ok]
    n = int(vals.shape[0])
    mean = float(vals.mean()) if n else float("nan")
    se = float(vals.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    est = _est(
        ("weighted",),
        np.array([mean]),
        np.array([se]),
        np.array([max(n - 1.0, 0.0)]),
        np.array([n]),
        level,
    )
    return est, int((~ok).sum())


def _mean_points(
    weight_rows: FloatArray, instrument: Instrument
) -> dict[str, float] | None:
    """Mean points per dimension over respondents with an allocation."""
    ok = np.isfinite(weight_rows).all(axis=1)
    if not ok.any():
        return None
    means = weight_rows[ok].mean(axis=0)
    return dict(zip(instrument.dimensions, map(float, means), strict=True))


def _with_reason(report: MissingReport, reason: str, count: int) -> MissingReport:
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


def _moment_arrays(
    m: Moments,
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    return m.count, m.pair_mean, m.comoment, m.pair_sumsq, m.covariance()


def _groups(labels: np.ndarray[Any, Any]) -> tuple[dict[str, Any], int]:
    """Boolean masks per segment label (sorted by text) and missing labels."""
    missing = np.array(
        [v is None or (isinstance(v, float) and np.isnan(v)) for v in labels],
        dtype=bool,
    )
    keys = sorted({str(v) for v, m in zip(labels, missing, strict=True) if not m})
    text = np.array([str(v) for v in labels], dtype=object)
    return {k: (text == k) & ~missing for k in keys}, int(missing.sum())


# ------------------------------------------------------------------- gaps
def gaps(
    perceptions: object,
    expectations: object,
    *,
    data: object = None,
    instrument: Instrument = SERVQUAL_22,
    weights: object = None,
    scale: Scale = SEVEN_POINT,
    confidence_level: float = 0.95,
    segments: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> GapsResult:
    r"""SERVQUAL gap scores: perception minus expectation.

    Parameters
    ----------
    perceptions, expectations : array_like or dataframe, or list of str
        Respondents x items, one column per instrument item in instrument
        order (frames may instead name their columns by item id). With
        ``data=``, lists of the column names of the P and E items.
    data : dataframe, lazy frame, Moments or mapping of arrays, optional
        The table holding both sets of columns (a mapping of column name
        to array works too). Lazy frames (Dask, Spark, DuckDB, polars) and
        :class:`~satmodels.Moments` are summarised by their moments only
        (no rows are collected).
    instrument : Instrument
        Items and dimensions; :data:`SERVQUAL_22` by default.
        Reverse-worded items are reflected: ``min + max - x``.
    weights : mapping or array_like, optional
        Importance points per dimension, summing to 100: one allocation
        (``{"tangibles": 10, ...}`` or a vector in dimension order) or one
        per respondent (an (n, d) array, or a mapping of dimension to a
        column name or an array of length n).
    scale : Scale
        Answer scale (1-7 Likert by default); answers off it are errors.
    confidence_level : float
        Level of the t intervals.
    segments : array_like or str, optional
        Segment label per respondent (or a column name of a frame); a
        result is computed for each segment.
    nan_policy : {"omit", "raise"}
        ``"omit"``: each item gap uses the respondents who answered both its
        P and E statement; ``"raise"``: a missing answer is an error.

    Returns
    -------
    GapsResult

    Raises
    ------
    InputError
        P and E of different shapes, columns that do not match the
        instrument's items, answers off the scale, importance points not
        summing to 100, missing answers under ``nan_policy="raise"``.

    Notes
    -----
    Item gap :math:`G_i = \overline{P_i - E_i}` with the paired t interval
    :math:`G_i \pm t_{n_i - 1} s_{P_i - E_i} / \sqrt{n_i}` and
    :math:`s^2_{P-E} = s^2_P + s^2_E - 2 s_{PE}`. A dimension gap is the
    mean of its item gaps (Parasuraman, Zeithaml & Berry 1988); the
    unweighted SERVQUAL score is the mean of the five dimension gaps and
    the weighted score is :math:`\sum_d w_d G_d / 100` with importance
    points :math:`w_d` (Zeithaml, Parasuraman & Berry 1990, appendix;
    with per-respondent points, each respondent's weighted score is
    averaged). Dimension and overall scores are linear combinations
    :math:`a^\top G` of the item gaps with variance
    :math:`a^\top \Sigma a` from the covariance matrix of the gap columns;
    with complete data this equals the one-sample t interval of the
    per-respondent dimension means. Checked against
    :func:`scipy.stats.ttest_rel` and hand computations in the tests.

    References
    ----------
    .. [1] Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL:
       a multiple-item scale for measuring consumer perceptions of service
       quality. Journal of Retailing, 64(1), 12-40.
    .. [2] Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990).
       Delivering Quality Service. New York: Free Press.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.servqual import Instrument, gaps
    >>> inst = Instrument.define({"speed": ["s1", "s2"], "staff": ["f1"]})
    >>> p = np.array([[5, 6, 7], [4, 4, 6], [6, 5, 7]])
    >>> e = np.array([[7, 7, 6], [6, 5, 6], [7, 7, 7]])
    >>> res = gaps(p, e, instrument=inst, weights={"speed": 60, "staff": 40})
    >>> {k: round(v, 4) for k, v in res.to_dict()["dimensions"].items()}
    {'speed': -1.5, 'staff': 0.3333}
    >>> round(res.unweighted_score, 4), round(res.weighted_score, 4)
    (-0.5833, -0.7667)
    """
    where = "gaps"
    level = check_confidence_level(confidence_level, where)
    col = _collect.collect(
        {"perceptions": perceptions, "expectations": expectations},
        data=data,
        instrument=instrument,
        scale=scale,
        nan_policy=nan_policy,
        where=where,
        segments=segments,
    )
    source = data if data is not None else perceptions
    n_rows = None if col.rows is None else col.rows.shape[0]
    vector, wrows = _collect.importance(
        weights, instrument, n_rows=n_rows, source=source, where=where
    )
    result = _gaps_core(
        col.moments,
        col.rows,
        vector,
        wrows,
        instrument=instrument,
        scale=scale,
        level=level,
        backend=col.backend,
    )
    if col.labels is None or col.rows is None:
        return result
    masks, n_missing = _groups(col.labels)
    segs = {}
    for key, mask in masks.items():
        sub = col.rows[mask]
        segs[key] = _gaps_core(
            _collect.from_rows(sub, col.moments.columns),
            sub,
            vector,
            None if wrows is None else wrows[mask],
            instrument=instrument,
            scale=scale,
            level=level,
            backend=col.backend,
        )
    missing = _with_reason(result.missing, "missing segment label", n_missing)
    return replace(result, segments=segs, missing=missing)


def _gaps_core(
    m: Moments,
    rows: FloatArray | None,
    vector: FloatArray | None,
    wrows: FloatArray | None,
    *,
    instrument: Instrument,
    scale: Scale,
    level: float,
    backend: str | None,
) -> GapsResult:
    k = instrument.n_items
    plus, minus = np.arange(k), np.arange(k, 2 * k)
    count, pmean, comom, sumsq, cov = _moment_arrays(m)
    mean, _, n, sigma = _item_stats(count, pmean, comom, sumsq, cov, plus, minus)
    items, dims, overall, weighted = _levels(mean, sigma, n, instrument, level, vector)
    item_p = np.where(n > 0, pmean[plus, minus], np.nan)
    item_e = np.where(n > 0, pmean[minus, plus], np.nan)
    a_dim = _dimension_matrix(instrument)
    gap_rows = None if rows is None else rows[:, :k] - rows[:, k:]
    report = m.missing_report
    imp: dict[str, float] | None = None
    if vector is not None:
        imp = dict(zip(instrument.dimensions, map(float, vector), strict=True))
    if wrows is not None and gap_rows is not None:
        weighted, excluded = _row_weighted(gap_rows, wrows, instrument, level)
        report = _with_reason(
            report, "weighted score: missing importance or dimension", excluded
        )
        imp = _mean_points(wrows, instrument)

    return GapsResult(
        instrument=instrument,
        scale=scale,
        items=items,
        dimensions=dims,
        unweighted=overall,
        weighted=weighted,
        importance=imp,
        item_perception=item_p,
        item_expectation=item_e,
        dimension_perception=_apply(a_dim, item_p),
        dimension_expectation=_apply(a_dim, item_e),
        confidence_level=level,
        missing=report,
        _rows=gap_rows,
        _importance_vector=vector,
        _backend=backend,
    )


# ---------------------------------------------------------------- servperf
def servperf(
    perceptions: object,
    *,
    data: object = None,
    instrument: Instrument = SERVQUAL_22,
    weights: object = None,
    scale: Scale = SEVEN_POINT,
    confidence_level: float = 0.95,
    segments: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> ServperfResult:
    r"""SERVPERF: perception-only service quality (Cronin & Taylor 1992).

    Parameters
    ----------
    perceptions : array_like or dataframe, or list of str
        Respondents x items (or column names with ``data=``).
    data, instrument, weights, scale, confidence_level, segments, nan_policy
        As in :func:`gaps`.

    Returns
    -------
    ServperfResult

    Raises
    ------
    InputError
        As in :func:`gaps`.

    Notes
    -----
    Item score :math:`\bar P_i` with the t interval
    :math:`\bar P_i \pm t_{n_i-1} s_{P_i}/\sqrt{n_i}`; dimension score the
    mean of its item means; overall score the mean of the dimension scores;
    the weighted score :math:`\sum_d w_d \bar P_d / 100` (Cronin & Taylor
    1992, who weight performance by importance for "weighted SERVPERF").

    References
    ----------
    .. [1] Cronin, J. J., & Taylor, S. A. (1992). Measuring service quality:
       a reexamination and extension. Journal of Marketing, 56(3), 55-68.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.servqual import Instrument, servperf
    >>> inst = Instrument.define({"speed": ["s1", "s2"], "staff": ["f1"]})
    >>> p = np.array([[5, 6, 7], [4, 4, 6], [6, 5, 7]])
    >>> res = servperf(p, instrument=inst)
    >>> res.to_dict()["dimensions"]
    {'speed': 5.0, 'staff': 6.666666666666667}
    """
    where = "servperf"
    level = check_confidence_level(confidence_level, where)
    col = _collect.collect(
        {"perceptions": perceptions},
        data=data,
        instrument=instrument,
        scale=scale,
        nan_policy=nan_policy,
        where=where,
        segments=segments,
    )
    source = data if data is not None else perceptions
    n_rows = None if col.rows is None else col.rows.shape[0]
    vector, wrows = _collect.importance(
        weights, instrument, n_rows=n_rows, source=source, where=where
    )

    def core(
        m: Moments, rows: FloatArray | None, w: FloatArray | None
    ) -> ServperfResult:
        count, pmean, comom, sumsq, cov = _moment_arrays(m)
        plus = np.arange(instrument.n_items)
        mean, _, n, sigma = _item_stats(count, pmean, comom, sumsq, cov, plus, None)
        items, dims, overall, weighted = _levels(
            mean, sigma, n, instrument, level, vector
        )
        report = m.missing_report
        imp = (
            None
            if vector is None
            else dict(zip(instrument.dimensions, map(float, vector), strict=True))
        )
        if w is not None and rows is not None:
            weighted, excluded = _row_weighted(rows, w, instrument, level)
            report = _with_reason(
                report, "weighted score: missing importance or dimension", excluded
            )
            imp = _mean_points(w, instrument)
        return ServperfResult(
            instrument=instrument,
            scale=scale,
            items=items,
            dimensions=dims,
            unweighted=overall,
            weighted=weighted,
            importance=imp,
            confidence_level=level,
            missing=report,
            _backend=col.backend,
        )

    result = core(col.moments, col.rows, wrows)
    if col.labels is None or col.rows is None:
        return result
    masks, n_missing = _groups(col.labels)
    segs = {
        key: core(
            _collect.from_rows(col.rows[mask], col.moments.columns),
            col.rows[mask],
            None if wrows is None else wrows[mask],
        )
        for key, mask in masks.items()
    }
    return replace(
        result,
        segments=segs,
        missing=_with_reason(result.missing, "missing segment label", n_missing),
    )


# ------------------------------------------------------- zone of tolerance
def zone_of_tolerance(
    perceived: object,
    adequate: object,
    desired: object,
    *,
    data: object = None,
    instrument: Instrument = SERVQUAL_22,
    scale: Scale = Scale.likert(1, 9),  # noqa: B008 - immutable model
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> ZoneResult:
    r"""Zone of tolerance: adequacy and superiority gaps (PZB 1994).

    Parameters
    ----------
    perceived, adequate, desired : array_like or dataframe, or list of str
        Respondents x items: perceived service, the minimum adequate level
        and the desired level (or column names with ``data=``).
    data, instrument, confidence_level, nan_policy
        As in :func:`gaps`.
    scale : Scale
        Answer scale; 1-9, as in the three-column format of Parasuraman,
        Zeithaml & Berry (1994), by default.

    Returns
    -------
    ZoneResult

    Raises
    ------
    InputError
        As in :func:`gaps`.

    Notes
    -----
    Measure of service adequacy :math:`MSA = P - A`, measure of service
    superiority :math:`MSS = P - D` and zone width :math:`D - A`, each per
    item (paired t interval), per dimension and overall (means of item
    means, as in :func:`gaps`). An item lies *below* its zone when the mean
    MSA is negative, *above* when the mean MSS is positive, else *inside*
    (Parasuraman, Zeithaml & Berry 1994).

    References
    ----------
    .. [1] Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1994).
       Alternative scales for measuring service quality: a comparative
       assessment based on psychometric and diagnostic criteria. Journal of
       Retailing, 70(3), 201-230.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.servqual import Instrument, zone_of_tolerance
    >>> inst = Instrument.define({"speed": ["s1", "s2"]})
    >>> p = np.array([[5, 8], [6, 9], [4, 8]])
    >>> a = np.array([[6, 4], [6, 5], [5, 4]])
    >>> d = np.array([[8, 7], [9, 8], [8, 7]])
    >>> res = zone_of_tolerance(p, a, d, instrument=inst)
    >>> res.item_position
    ('below', 'above')
    """
    where = "zone_of_tolerance"
    level = check_confidence_level(confidence_level, where)
    col = _collect.collect(
        {"perceived": perceived, "adequate": adequate, "desired": desired},
        data=data,
        instrument=instrument,
        scale=scale,
        nan_policy=nan_policy,
        where=where,
    )
    k = instrument.n_items
    p_idx, a_idx, d_idx = np.arange(k), np.arange(k, 2 * k), np.arange(2 * k, 3 * k)
    arrays = _moment_arrays(col.moments)
    out: dict[str, tuple[Estimates, Estimates, Estimates]] = {}
    for name, plus, minus in (
        ("msa", p_idx, a_idx),
        ("mss", p_idx, d_idx),
        ("width", d_idx, a_idx),
    ):
        mean, _, n, sigma = _item_stats(*arrays, plus, minus)
        items, dims, overall, _ = _levels(mean, sigma, n, instrument, level)
        out[name] = (items, dims, _renamed(overall, ("overall",)))
    nobs = col.moments.nobs
    pmean = np.where(nobs > 0, np.diagonal(col.moments.pair_mean), np.nan)

    def position(msa: FloatArray, mss: FloatArray) -> tuple[str, ...]:
        return tuple(
            "unknown"
            if not (np.isfinite(lo) and np.isfinite(hi))
            else "below"
            if lo < 0
            else "above"
            if hi > 0
            else "inside"
            for lo, hi in zip(msa, mss, strict=True)
        )

    return ZoneResult(
        instrument=instrument,
        scale=scale,
        msa_items=out["msa"][0],
        msa_dimensions=out["msa"][1],
        msa_overall=out["msa"][2],
        mss_items=out["mss"][0],
        mss_dimensions=out["mss"][1],
        mss_overall=out["mss"][2],
        width_items=out["width"][0],
        width_dimensions=out["width"][1],
        width_overall=out["width"][2],
        item_perceived=pmean[p_idx],
        item_adequate=pmean[a_idx],
        item_desired=pmean[d_idx],
        item_position=position(out["msa"][0].estimate, out["mss"][0].estimate),
        dimension_position=position(out["msa"][1].estimate, out["mss"][1].estimate),
        confidence_level=level,
        missing=col.moments.missing_report,
        _backend=col.backend,
    )


def _renamed(est: Estimates, names: tuple[str, ...]) -> Estimates:
    return _est(names, est.estimate, est.std_error, est.df, est.n, est.confidence_level)


# ------------------------------------------------------------- reliability
def reliability(
    responses: object,
    expectations: object = None,
    *,
    data: object = None,
    instrument: Instrument = SERVQUAL_22,
    scale: Scale = SEVEN_POINT,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> ReliabilityResult:
    r"""Cronbach's alpha per dimension, Feldt's interval, item-total r.

    Parameters
    ----------
    responses : array_like or dataframe, or list of str
        Respondents x items (perceptions, expectations or any answers).
    expectations : array_like or dataframe, or list of str, optional
        When given, the analysis is of the gap scores
        ``responses - expectations``, as Parasuraman, Zeithaml & Berry
        (1988) report SERVQUAL's reliability.
    data, instrument, scale, confidence_level, nan_policy
        As in :func:`gaps`. Each dimension uses the respondents who
        answered all its items (listwise within the dimension); from
        Moments or a lazy frame, the pairwise covariances and the smallest
        pairwise count.

    Returns
    -------
    ReliabilityResult

    Raises
    ------
    InputError
        As in :func:`gaps`.

    Notes
    -----
    :math:`\alpha = \frac{k}{k-1}(1 - \sum_i s_i^2 / s_T^2)` (Cronbach
    1951); Feldt's (1965) interval
    :math:`[1 - (1-\hat\alpha) F_{1-\gamma/2}, 1 - (1-\hat\alpha)
    F_{\gamma/2}]` with F on :math:`(n-1, (n-1)(k-1))` degrees of freedom;
    corrected item-total correlation :math:`r(x_i, T - x_i)`. Checked in
    the tests against a direct computation from the rows and against the
    interval formula as coded in pingouin's ``cronbach_alpha``.

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal
       structure of tests. Psychometrika, 16(3), 297-334.
    .. [2] Feldt, L. S. (1965). The approximate sampling distribution of
       Kuder-Richardson reliability coefficient twenty. Psychometrika,
       30(3), 357-370.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.servqual import Instrument, reliability
    >>> inst = Instrument.define({"speed": ["s1", "s2", "s3"]})
    >>> x = np.array([[1, 2, 2], [3, 3, 4], [5, 4, 5], [6, 6, 7], [2, 3, 2]])
    >>> res = reliability(x, instrument=inst)
    >>> round(float(res.alpha[0]), 4)
    0.9714
    """
    where = "reliability"
    level = check_confidence_level(confidence_level, where)
    sets: dict[str, object] = {"responses": responses}
    if expectations is not None:
        sets["expectations"] = expectations
    col = _collect.collect(
        sets,
        data=data,
        instrument=instrument,
        scale=scale,
        nan_policy=nan_policy,
        where=where,
    )
    k = instrument.n_items
    ids = instrument.item_ids()
    item_rows = None
    if col.rows is not None:
        item_rows = (
            col.rows[:, :k]
            if expectations is None
            else (col.rows[:, :k] - col.rows[:, k:])
        )
    else:
        arrays = _moment_arrays(col.moments)
        minus = None if expectations is None else np.arange(k, 2 * k)
        _, var, _, _ = _item_stats(*arrays, np.arange(k), minus)
        # covariances of the item variables (pairwise), with exact variances
        cov_all = _variable_covariance(arrays, k, minus, var)
        count_all = _variable_count(arrays[0], k, minus)
    dims = instrument.dimensions
    alpha = np.full(len(dims), np.nan)
    lows, highs = np.full(len(dims), np.nan), np.full(len(dims), np.nan)
    n_used = np.zeros(len(dims), dtype=np.int64)
    n_items = np.zeros(len(dims), dtype=np.int64)
    item_total = np.full(k, np.nan)
    if_deleted = np.full(k, np.nan)
    for j, d in enumerate(dims):
        idx = np.array([ids.index(i) for i in instrument.item_ids(d)])
        n_items[j] = idx.size
        if item_rows is not None:
            if not np.isfinite(item_rows[:, idx]).all(axis=1).any():
                continue  # nobody answered every item of this dimension
            m = Moments.from_data(item_rows[:, idx], missing="listwise")
            cov = m.covariance()
            n = m.n
        else:
            cov = cov_all[np.ix_(idx, idx)]
            n = int(count_all[np.ix_(idx, idx)].min())
        if n < 2:
            continue
        n_used[j] = n
        alpha[j] = _alpha(cov)
        lows[j], highs[j] = _feldt_interval(float(alpha[j]), n, int(idx.size), level)
        if idx.size > 1:
            item_total[idx] = _item_total(cov)
            if_deleted[idx] = _alpha_if_deleted(cov)
    return ReliabilityResult(
        instrument=instrument,
        basis="responses" if expectations is None else "gaps",
        dimensions=dims,
        alpha=alpha,
        ci_low=lows,
        ci_high=highs,
        n=n_used,
        n_items=n_items,
        item_total=item_total,
        alpha_if_deleted=if_deleted,
        confidence_level=level,
        missing=col.moments.missing_report,
        _backend=col.backend,
    )


def _variable_covariance(
    arrays: tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray],
    k: int,
    minus: IntArray | None,
    var: FloatArray,
) -> FloatArray:
    cov = arrays[4]
    a = np.arange(k)
    if minus is None:
        return cov[np.ix_(a, a)].copy()
    b = minus
    out = cov[np.ix_(a, a)] - cov[np.ix_(a, b)] - cov[np.ix_(b, a)] + cov[np.ix_(b, b)]
    out[a, a] = var
    return out


def _variable_count(count: IntArray, k: int, minus: IntArray | None) -> IntArray:
    a = np.arange(k)
    if minus is None:
        return count[np.ix_(a, a)]
    b = minus
    out: IntArray = np.minimum.reduce(
        [
            count[np.ix_(a, a)],
            count[np.ix_(a, b)],
            count[np.ix_(b, a)],
            count[np.ix_(b, b)],
        ]
    )
    return out


# ----------------------------------------------------------------- compare
def compare(
    first: GapsResult | ServperfResult,
    second: GapsResult | ServperfResult,
    *,
    paired: bool = False,
    labels: tuple[str, str] = ("first", "second"),
    confidence_level: float | None = None,
) -> CompareResult:
    r"""Difference of gaps between two providers or two waves (first - second).

    Parameters
    ----------
    first, second : GapsResult or ServperfResult
        Results on the same instrument.
    paired : bool
        False: independent samples; the difference's standard error is
        :math:`\sqrt{se_1^2 + se_2^2}` with Welch-Satterthwaite degrees of
        freedom (Welch 1947). True: the same respondents in the same row
        order in both (two waves of a panel, or one sample rating two
        providers); per-respondent differences of the item gaps are
        analysed as in :func:`gaps` (needs GapsResults computed from rows).
    labels : tuple of str
        Names of the two results in reports.
    confidence_level : float, optional
        Defaults to the first result's level.

    Returns
    -------
    CompareResult

    Raises
    ------
    InputError
        Different instruments or result types; ``paired=True`` without the
        rows or with different numbers of respondents.

    References
    ----------
    .. [1] Welch, B. L. (1947). The generalization of "Student's" problem
       when several different population variances are involved.
       Biometrika, 34(1-2), 28-35.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.servqual import Instrument, compare, gaps
    >>> inst = Instrument.define({"speed": ["s1", "s2"]})
    >>> e = np.array([[6, 6], [7, 6], [6, 7], [7, 7]])
    >>> a = gaps(np.array([[5, 6], [6, 6], [5, 5], [7, 6]]), e, instrument=inst)
    >>> b = gaps(np.array([[4, 5], [5, 5], [5, 5], [6, 6]]), e, instrument=inst)
    >>> res = compare(a, b, paired=True, labels=("wave 2", "wave 1"))
    >>> res.dimensions.as_mapping()
    {'speed': 0.625}
    """
    where = "compare"
    if type(first) is not type(second) or not isinstance(
        first, GapsResult | ServperfResult
    ):
        msg = (
            f"The 'first' and 'second' parameters of {where} must both be "
            f"GapsResult or both ServperfResult. Got {type(first).__name__} and "
            f"{type(second).__name__}."
        )
        raise InputError(msg)
    if first.instrument != second.instrument:
        msg = (
            f"The results passed to {where} use different instruments "
            f"({first.instrument.name!r} and {second.instrument.name!r})."
        )
        raise InputError(msg)
    level = (
        first.confidence_level
        if confidence_level is None
        else check_confidence_level(confidence_level, where)
    )
    instrument = first.instrument
    if paired:
        rows1 = getattr(first, "_rows", None)
        rows2 = getattr(second, "_rows", None)
        if rows1 is None or rows2 is None:
            msg = (
                f"paired=True in {where} needs GapsResults computed from rows "
                "(not from Moments, lazy frames or SERVPERF)."
            )
            raise InputError(msg)
        if rows1.shape != rows2.shape:
            msg = (
                f"paired=True in {where} needs the same respondents in both "
                f"results. Got {rows1.shape[0]} and {rows2.shape[0]} rows."
            )
            raise InputError(msg)
        diff = rows1 - rows2
        m = _collect.from_rows(diff, instrument.item_ids())
        mean, _, n, sigma = _item_stats(
            *_moment_arrays(m), np.arange(instrument.n_items), None
        )
        v1 = getattr(first, "_importance_vector", None)
        v2 = getattr(second, "_importance_vector", None)
        vector = (
            v1 if v1 is not None and v2 is not None and np.allclose(v1, v2) else None
        )
        items, dims, overall, weighted = _levels(
            mean, sigma, n, instrument, level, vector
        )
    else:

        def diff_est(e1: Estimates, e2: Estimates) -> Estimates:
            se = np.sqrt(e1.std_error**2 + e2.std_error**2)
            df = _welch_df(e1.std_error, e1.df, e2.std_error, e2.df)
            return _est(
                e1.names,
                e1.estimate - e2.estimate,
                se,
                df,
                np.minimum(e1.n, e2.n),
                level,
            )

        items = diff_est(first.items, second.items)
        dims = diff_est(first.dimensions, second.dimensions)
        overall = diff_est(first.unweighted, second.unweighted)
        weighted = (
            diff_est(first.weighted, second.weighted)
            if first.weighted is not None and second.weighted is not None
            else None
        )
    return CompareResult(
        labels=(str(labels[0]), str(labels[1])),
        paired=bool(paired),
        items=items,
        dimensions=dims,
        unweighted=overall,
        weighted=weighted,
        confidence_level=level,
        _backend=getattr(first, "_backend", None),
    )


# --------------------------------------------------------------- five gaps
def five_gaps(
    customer_gaps: GapsResult,
    *,
    gap1: object = None,
    gap2: object = None,
    gap3: object = None,
    gap4: object = None,
    confidence_level: float | None = None,
) -> FiveGapsResult:
    r"""Report the five gaps of the gaps model side by side.

    Gap 5 (expected vs perceived service) comes from the customers' SERVQUAL
    gaps; gaps 1-4 are whatever the organisation measured in its
    management and staff surveys.

    Parameters
    ----------
    customer_gaps : GapsResult
        The customers' P - E gaps (gap 5).
    gap1, gap2, gap3, gap4 : optional
        Each one of: None (not measured); a number (one overall value); a
        mapping of dimension (or ``"overall"``) to a number; an array of
        per-respondent gap scores, shape (n,) (overall) or (n, d) (one
        column per dimension of the instrument), summarised by mean and t
        interval; or an :class:`Estimates`.
    confidence_level : float, optional
        Defaults to ``customer_gaps.confidence_level``.

    Returns
    -------
    FiveGapsResult

    Raises
    ------
    InputError
        Unknown dimension names, arrays of the wrong shape or non-numeric.

    Notes
    -----
    The gaps model of Parasuraman, Zeithaml & Berry (1985):
    gap 1 customer expectations vs management's perception of them; gap 2
    that perception vs service-quality specifications; gap 3 the
    specifications vs service delivery; gap 4 delivery vs external
    communications; gap 5 expected vs perceived service. Zeithaml, Berry &
    Parasuraman (1988) measure gaps 1-4 with management and contact-staff
    surveys.

    References
    ----------
    .. [1] Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1985). A
       conceptual model of service quality and its implications for future
       research. Journal of Marketing, 49(4), 41-50.
    .. [2] Zeithaml, V. A., Berry, L. L., & Parasuraman, A. (1988).
       Communication and control processes in the delivery of service
       quality. Journal of Marketing, 52(2), 35-48.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.servqual import Instrument, five_gaps, gaps
    >>> inst = Instrument.define({"speed": ["s1"], "staff": ["f1"]})
    >>> g5 = gaps([[5, 6], [6, 6], [4, 7]], [[6, 6], [7, 7], [6, 7]], instrument=inst)
    >>> res = five_gaps(g5, gap1={"speed": -0.4}, gap3=[-1.0, 0.0, -0.5, -0.5])
    >>> res.to_dict()["gaps"]["3"]
    {'overall': -0.5}
    """
    where = "five_gaps"
    given: object = customer_gaps
    if not isinstance(given, GapsResult):
        msg = (
            f"The 'customer_gaps' parameter of {where} must be a GapsResult "
            f"(from gaps()). Got {type(customer_gaps).__name__}."
        )
        raise InputError(msg)
    level = (
        customer_gaps.confidence_level
        if confidence_level is None
        else check_confidence_level(confidence_level, where)
    )
    dims = customer_gaps.instrument.dimensions
    out: dict[int, Estimates | None] = {}
    for number, value in ((1, gap1), (2, gap2), (3, gap3), (4, gap4)):
        out[number] = _gap_measure(value, dims, level, f"gap{number}", where)
    g5 = customer_gaps.dimensions
    u = customer_gaps.unweighted
    out[5] = _est(
        (*g5.names, "overall"),
        np.concatenate([g5.estimate, u.estimate]),
        np.concatenate([g5.std_error, u.std_error]),
        np.concatenate([g5.df, u.df]),
        np.concatenate([g5.n, u.n]),
        level,
    )
    return FiveGapsResult(
        gaps=out,
        descriptions=dict(GAP_DESCRIPTIONS),
        confidence_level=level,
        _backend=customer_gaps._backend,
    )


def _gap_measure(
    value: object, dims: tuple[str, ...], level: float, name: str, where: str
) -> Estimates | None:
    if value is None:
        return None
    if isinstance(value, Estimates):
        return _est(
            value.names, value.estimate, value.std_error, value.df, value.n, level
        )
    if isinstance(value, Mapping):
        allowed = (*dims, "overall")
        unknown = [k for k in value if k not in allowed]
        if unknown:
            msg = (
                f"The '{name}' parameter of {where} names unknown dimension(s) "
                f"{unknown}; allowed: {list(allowed)}."
            )
            raise InputError(msg)
        keys = tuple(k for k in allowed if k in value)
        try:
            vals = np.array([float(value[k]) for k in keys])
        except (TypeError, ValueError) as exc:
            msg = f"The '{name}' parameter of {where} must map names to numbers."
            raise InputError(msg) from exc
        return _fixed(keys, vals, level, name, where)
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"The '{name}' parameter of {where} must be numeric: {exc}."
        raise InputError(msg) from exc
    if arr.ndim == 0:
        return _fixed(("overall",), arr.reshape(1), level, name, where)
    if arr.ndim == 1:
        arr = arr[:, None]
        names: tuple[str, ...] = ("overall",)
    elif arr.ndim == 2 and arr.shape[1] == len(dims):
        names = dims
    else:
        msg = (
            f"The '{name}' parameter of {where} must be a number, a mapping, or "
            f"per-respondent scores of shape (n,) or (n, {len(dims)}). "
            f"Got shape {arr.shape}."
        )
        raise InputError(msg)
    if np.isinf(arr).any():
        msg = f"The '{name}' parameter of {where} has infinite values."
        raise InputError(msg)
    m = Moments.from_data(arr, columns=list(names), missing="pairwise")
    mean, _, n, sigma = _item_stats(*_moment_arrays(m), np.arange(len(names)), None)
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diagonal(sigma))
    return _est(names, mean, se, np.maximum(n - 1.0, 0.0), n, level)


def _fixed(
    names: tuple[str, ...], vals: FloatArray, level: float, name: str, where: str
) -> Estimates:
    if not np.isfinite(vals).all():
        msg = (
            f"The '{name}' parameter of {where} must give finite gap values. "
            f"Got {dict(zip(names, vals.tolist(), strict=True))}."
        )
        raise InputError(msg)
    k = len(names)
    return _est(names, vals, np.full(k, np.nan), np.zeros(k), np.zeros(k, int), level)
