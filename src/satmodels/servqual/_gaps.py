"""SERVQUAL gap scores and SERVPERF (public functions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, cast

import numpy as np

from .._typing import FloatArray
from ..data import Table
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..scales import Scale
from ._build import Part, dimension_matrix, levels, table, weighted_mean, with_reason
from ._inputs import (
    Call,
    check_call,
    importance_columns,
    importance_points,
    per_segment,
    read_sets,
    survey,
)
from ._kernels import _apply, _item_stats
from ._results import GapsResult, ServperfResult, dimension_rows
from .instrument import SERVQUAL_22, Instrument

__all__ = ["SEVEN_POINT", "gaps", "servperf"]

#: The default answer scale: 1 (strongly disagree) to 7 (strongly agree).
SEVEN_POINT: Scale = Scale.likert(1, 7)


def gaps(
    data: object,
    *,
    perceptions: Sequence[str] | None = None,
    expectations: Sequence[str] | None = None,
    instrument: Instrument = SERVQUAL_22,
    importance: object = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    scale: Scale | tuple[float, float] = SEVEN_POINT,
    segments: object = None,
    columns: Sequence[str] | None = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> GapsResult:
    r"""SERVQUAL gap scores: perception minus expectation.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        The survey: one column per P and per E statement. Lazy frames
        (Dask, Spark, DuckDB, polars) and :class:`~satmodels.Moments` are
        summarised by their moments only (no rows are collected).
    perceptions, expectations : list of str, optional
        The columns of the P and E statements, one per item of
        ``instrument`` in instrument order. Default: ``sq_p<item id>`` and
        ``sq_e<item id>`` (``sq_p1`` ... ``sq_p22`` for SERVQUAL-22, the
        names of :func:`satmodels.datasets.load_sample_survey`).
    instrument : Instrument
        Items and dimensions; :data:`SERVQUAL_22` by default.
        Reverse-worded items are reflected: ``min + max - x``.
    importance : mapping or array_like, optional
        Importance points per dimension, summing to 100: one allocation
        (``{"tangibles": 10, ...}`` or a vector in dimension order) or one
        per respondent (an (n, d) array, or a mapping of dimension to a
        column name or to an array of length n).
    weights : array_like or str, optional
        Case weights (one per respondent, or a column name).
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    scale : Scale or (min, max)
        Answer scale (1-7 Likert by default); answers off it are errors.
    segments : array_like or str, optional
        Segment label per respondent (or a column name); one result per
        segment in ``result.segments``.
    columns : list of str, optional
        Names of the columns of a bare array (as in pandas).
    confidence_level : float
        Level of the t intervals.
    nan_policy : {"omit", "raise"}
        ``"omit"``: each item gap uses the respondents who answered both its
        P and E statement; ``"raise"``: a missing answer is an error.

    Returns
    -------
    GapsResult

    Raises
    ------
    InputError
        Unknown or repeated columns, column lists of the wrong length,
        answers off the scale, importance points that are missing, negative
        or do not sum to 100, missing answers under ``nan_policy="raise"``.

    Warns
    -----
    SatmodelsWarning
        A standard error that cannot be estimated (fewer than two
        respondents behind an item); its test and interval are NaN.

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
    per-respondent dimension means. With case weights the means are
    weighted, :math:`s^2` uses the divisor :math:`W - \sum w^2 / W` and
    the variance of a mean is :math:`s^2 / n_{eff}` with Kish's (1965)
    :math:`n_{eff} = W^2 / \sum w^2` (t on :math:`n_{eff} - 1` df). A
    zero standard error (a constant difference) gives a point interval and
    no test.

    References
    ----------
    .. [1] Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL:
       a multiple-item scale for measuring consumer perceptions of service
       quality. Journal of Retailing, 64(1), 12-40.
    .. [2] Zeithaml, V. A., Parasuraman, A., & Berry, L. L. (1990).
       Delivering Quality Service. New York: Free Press.
    .. [3] Kish, L. (1965). Survey Sampling. New York: Wiley.

    Examples
    --------
    >>> from satmodels.servqual import Instrument, gaps
    >>> inst = Instrument.define({"speed": ["s1", "s2"], "staff": ["f1"]})
    >>> survey = {
    ...     "p1": [5, 4, 6],
    ...     "p2": [6, 4, 5],
    ...     "p3": [7, 6, 7],
    ...     "e1": [7, 6, 7],
    ...     "e2": [7, 5, 7],
    ...     "e3": [6, 6, 7],
    ... }
    >>> res = gaps(
    ...     survey,
    ...     perceptions=["p1", "p2", "p3"],
    ...     expectations=["e1", "e2", "e3"],
    ...     instrument=inst,
    ...     importance={"speed": 60, "staff": 40},
    ... )
    >>> {k: round(v, 4) for k, v in res.to_dict()["dimensions"].items()}
    {'speed': -1.5, 'staff': 0.3333}
    >>> round(res.unweighted_score, 4), round(res.weighted_score, 4)
    (-0.5833, -0.7667)
    """
    if design is not None:
        return fit_with_design(gaps, locals())
    call = check_call(
        "gaps",
        instrument=instrument,
        scale=scale,
        nan_policy=nan_policy,
        confidence_level=confidence_level,
    ).with_sets({"perceptions": perceptions, "expectations": expectations})
    return cast(
        "GapsResult",
        _run(
            data, call, importance, weights=weights, segments=segments, columns=columns
        ),
    )


def servperf(
    data: object,
    *,
    perceptions: Sequence[str] | None = None,
    instrument: Instrument = SERVQUAL_22,
    importance: object = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    scale: Scale | tuple[float, float] = SEVEN_POINT,
    segments: object = None,
    columns: Sequence[str] | None = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> ServperfResult:
    r"""SERVPERF: perception-only service quality (Cronin & Taylor 1992).

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        The survey.
    perceptions : list of str, optional
        The P columns, one per item in instrument order (default
        ``sq_p<item id>``).
    instrument, importance, weights, scale, segments, columns
        As in :func:`gaps`.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    confidence_level, nan_policy
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
    Case weights as in :func:`gaps`.

    References
    ----------
    .. [1] Cronin, J. J., & Taylor, S. A. (1992). Measuring service quality:
       a reexamination and extension. Journal of Marketing, 56(3), 55-68.

    Examples
    --------
    >>> from satmodels.servqual import Instrument, servperf
    >>> inst = Instrument.define({"speed": ["s1", "s2"], "staff": ["f1"]})
    >>> survey = {"p1": [5, 4, 6], "p2": [6, 4, 5], "p3": [7, 6, 7]}
    >>> res = servperf(survey, perceptions=["p1", "p2", "p3"], instrument=inst)
    >>> res.to_dict()["dimensions"]
    {'speed': 5.0, 'staff': 6.666666666666667}
    """
    if design is not None:
        return fit_with_design(servperf, locals())
    call = check_call(
        "servperf",
        instrument=instrument,
        scale=scale,
        nan_policy=nan_policy,
        confidence_level=confidence_level,
    ).with_sets({"perceptions": perceptions})
    return cast(
        "ServperfResult",
        _run(
            data, call, importance, weights=weights, segments=segments, columns=columns
        ),
    )


def _run(
    data: object,
    call: Call,
    importance: object,
    *,
    weights: object,
    segments: object,
    columns: Sequence[str] | None,
) -> GapsResult | ServperfResult:
    inst = call.instrument
    tab = read_sets(
        data,
        call,
        columns=columns,
        weights=weights,
        segments=segments,
        extra=importance_columns(importance, inst),
    )
    vector, wrows = importance_points(
        importance, inst, tab, nan_policy=call.nan_policy, where=call.where
    )

    def fit(sub: Table, label: str | None) -> GapsResult | ServperfResult:
        w = wrows
        if label is not None:
            w = None
            if wrows is not None and tab.segments is not None:
                w = wrows[tab.segments == label]
        return _core(sub, call, vector, w)

    return per_segment(tab, fit, call)


def _core(
    tab: Table,
    call: Call,
    vector: FloatArray | None,
    wrows: FloatArray | None,
) -> GapsResult | ServperfResult:
    inst, sc, level, sets = call.instrument, call.scale, call.level, call.sets
    sv = survey(tab, call)
    k = inst.n_items
    plus = np.arange(k)
    minus = np.arange(k, 2 * k) if len(sets) == 2 else None
    mean, _, size, sigma = _item_stats(sv.moments, plus, minus)
    parts = levels(mean, sigma, size, inst, vector)
    rows = sv.rows
    if rows is not None and minus is not None:
        rows = rows[:, :k] - rows[:, k:]
    report = sv.moments.missing_report
    imp: dict[str, float] | None = None
    if vector is not None:
        imp = dict(zip(inst.dimensions, map(float, vector), strict=True))
    if wrows is not None and rows is not None:
        part, excluded = _row_weighted(rows, wrows, sv.weights, inst)
        parts.append(part)
        report = with_reason(
            report, "weighted score: missing importance or dimension", excluded
        )
        imp = _mean_points(wrows, sv.weights, inst)
    # table <- _core <- fit <- per_segment <- _run <- gaps/servperf <- the caller
    est = table(
        parts,
        confidence_level=level,
        backend=tab.backend,
        where=call.where,
        stacklevel=7,
    )
    if minus is None:
        return ServperfResult(
            estimates=est,
            instrument=inst,
            scale=sc,
            importance=imp,
            confidence_level=level,
            missing_report=report,
            _case_weights=sv.moments.weighted,
            _backend=tab.backend,
        )
    count, pmean = sv.moments.count, sv.moments.pair_mean
    item_p = np.where(count[plus, minus] > 0, pmean[plus, minus], np.nan)
    item_e = np.where(count[plus, minus] > 0, pmean[minus, plus], np.nan)
    a_dim = dimension_matrix(inst)
    return GapsResult(
        estimates=est,
        instrument=inst,
        scale=sc,
        importance=imp,
        item_perception=item_p,
        item_expectation=item_e,
        dimension_perception=_apply(a_dim, item_p),
        dimension_expectation=_apply(a_dim, item_e),
        confidence_level=level,
        missing_report=report,
        _rows=rows,
        _weights=sv.weights,
        _case_weights=sv.moments.weighted,
        _importance_vector=vector,
        _backend=tab.backend,
    )


def _row_weighted(
    item_rows: FloatArray,
    weight_rows: FloatArray,
    weights: FloatArray | None,
    instrument: Instrument,
) -> tuple[Part, int]:
    """Weighted score from per-respondent allocations (Zeithaml et al. 1990).

    Each respondent's score is the sum over dimensions of points / 100 times
    the respondent's dimension mean; the result is the (case-weighted) mean
    of those scores with a one-sample t interval. Returns the part and the
    number of respondents excluded for a missing allocation or dimension.
    """
    per = dimension_rows(item_rows, instrument)
    score = (per * weight_rows / 100.0).sum(axis=1)
    ok = np.isfinite(per).all(axis=1) & np.isfinite(weight_rows).all(axis=1)
    counted = np.ones_like(ok) if weights is None else weights > 0
    excluded = int((counted & ~ok).sum())
    ok &= counted
    mean, se, size = weighted_mean(score[ok], None if weights is None else weights[ok])
    part = Part(
        "score",
        ("weighted",),
        np.array([mean]),
        np.array([se]),
        np.array([max(size - 1.0, 0.0)]),
        np.array([size]),
    )
    return part, excluded


def _mean_points(
    weight_rows: FloatArray, weights: FloatArray | None, instrument: Instrument
) -> dict[str, float] | None:
    """Mean points per dimension over respondents with an allocation."""
    ok = np.isfinite(weight_rows).all(axis=1)
    if weights is not None:
        ok &= weights > 0
    if not ok.any():
        return None
    w = None if weights is None else weights[ok]
    means = np.average(weight_rows[ok], axis=0, weights=w)
    return dict(zip(instrument.dimensions, map(float, means), strict=True))
