"""Comparisons of two gap analyses and the five-gap model (public functions)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level
from ..exceptions import InputError
from ..results._estimates import Estimates
from ..stats.moments import Moments
from ._build import Part, levels, part_of, table
from ._kernels import _item_stats, _welch_df
from ._results import GapsResult, ServperfResult
from ._results_more import GAP_DESCRIPTIONS, CompareResult, FiveGapsResult

__all__ = ["compare", "five_gaps"]


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
        analysed as in :func:`~satmodels.servqual.gaps` (needs GapsResults
        computed from rows; the first result's case weights are used).
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
    >>> from satmodels.servqual import Instrument, compare, gaps
    >>> inst = Instrument.define({"speed": ["s1", "s2"]})
    >>> cols = dict(perceptions=["p1", "p2"], expectations=["e1", "e2"])
    >>> e = {"e1": [6, 7, 6, 7], "e2": [6, 6, 7, 7]}
    >>> a = gaps({"p1": [5, 6, 5, 7], "p2": [6, 6, 5, 6]} | e, instrument=inst, **cols)
    >>> b = gaps({"p1": [4, 5, 5, 6], "p2": [5, 5, 5, 6]} | e, instrument=inst, **cols)
    >>> res = compare(a, b, paired=True, labels=("wave 2", "wave 1"))
    >>> res.to_dict()["dimensions"]
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
        parts = _paired(first, second, where)
    else:

        def diff(kind: str) -> Part:
            p1, p2 = part_of(first.estimates, kind), part_of(second.estimates, kind)
            keep = [i for i, n in enumerate(p1.names) if n in p2.names]
            other = [p2.names.index(p1.names[i]) for i in keep]
            s1, s2 = p1.standard_error[keep], p2.standard_error[other]
            return Part(
                kind,
                tuple(p1.names[i] for i in keep),
                p1.estimate[keep] - p2.estimate[other],
                np.sqrt(s1**2 + s2**2),
                _welch_df(s1, p1.df[keep], s2, p2.df[other]),
                np.minimum(p1.n[keep], p2.n[other]),
            )

        parts = [diff("item"), diff("dimension"), diff("score")]
    est = table(
        parts,
        confidence_level=level,
        backend=getattr(first, "_backend", None),
        where=where,
    )
    return CompareResult(
        estimates=est,
        instrument=instrument,
        labels=(str(labels[0]), str(labels[1])),
        paired=bool(paired),
        confidence_level=level,
        missing_report=first.missing_report,
        _backend=getattr(first, "_backend", None),
    )


def _paired(
    first: GapsResult | ServperfResult,
    second: GapsResult | ServperfResult,
    where: str,
) -> list[Part]:
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
    instrument = first.instrument
    diff = rows1 - rows2
    complete = bool(np.isfinite(diff).all())
    m = Moments.from_data(
        diff,
        columns=list(instrument.item_ids()),
        weights=getattr(first, "_weights", None),
        missing="listwise" if complete else "pairwise",
    )
    mean, _, size, sigma = _item_stats(m, np.arange(instrument.n_items), None)
    v1 = getattr(first, "_importance_vector", None)
    v2 = getattr(second, "_importance_vector", None)
    vector = v1 if v1 is not None and v2 is not None and np.allclose(v1, v2) else None
    return levels(mean, sigma, size, instrument, vector)


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
        interval; or an :class:`~satmodels.results.Estimates`.
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
    >>> from satmodels.servqual import Instrument, five_gaps, gaps
    >>> inst = Instrument.define({"speed": ["s1"], "staff": ["f1"]})
    >>> survey = {"p1": [5, 6, 4], "p2": [6, 6, 7], "e1": [6, 7, 6], "e2": [6, 7, 7]}
    >>> g5 = gaps(
    ...     survey, perceptions=["p1", "p2"], expectations=["e1", "e2"], instrument=inst
    ... )
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
    parts: list[Part] = []
    for number, value in ((1, gap1), (2, gap2), (3, gap3), (4, gap4)):
        part = _gap_measure(value, dims, f"gap{number}", where)
        if part is not None:
            parts.append(part)
    g5 = part_of(customer_gaps.estimates, "dimension")
    u = part_of(customer_gaps.estimates, "score")
    parts.append(
        Part(
            "gap5",
            (*g5.names, "overall"),
            np.concatenate([g5.estimate, u.estimate[:1]]),
            np.concatenate([g5.standard_error, u.standard_error[:1]]),
            np.concatenate([g5.df, u.df[:1]]),
            np.concatenate([g5.n, u.n[:1]]),
        )
    )
    est = table(
        parts, confidence_level=level, backend=customer_gaps._backend, where=where
    )
    return FiveGapsResult(
        estimates=est,
        descriptions=dict(GAP_DESCRIPTIONS),
        confidence_level=level,
        _backend=customer_gaps._backend,
    )


def _gap_measure(
    value: object, dims: tuple[str, ...], name: str, where: str
) -> Part | None:
    if value is None:
        return None
    if isinstance(value, Estimates):
        return Part(
            name,
            value.name,
            value.estimate,
            value.standard_error,
            value.df,
            value.n,
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
        return _fixed(keys, vals, name, where)
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"The '{name}' parameter of {where} must be numeric: {exc}."
        raise InputError(msg) from exc
    if arr.ndim == 0:
        return _fixed(("overall",), arr.reshape(1), name, where)
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
    mean, _, size, sigma = _item_stats(m, np.arange(len(names)), None)
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diagonal(sigma))
    return Part(name, names, mean, se, np.maximum(size - 1.0, 0.0), size)


def _fixed(names: tuple[str, ...], vals: FloatArray, name: str, where: str) -> Part:
    if not np.isfinite(vals).all():
        msg = (
            f"The '{name}' parameter of {where} must give finite gap values. "
            f"Got {dict(zip(names, vals.tolist(), strict=True))}."
        )
        raise InputError(msg)
    k = len(names)
    # A given value has no sampling error to estimate: no SE, no interval.
    nan = np.full(k, np.nan)
    return Part(name, names, vals, nan, np.zeros(k), np.zeros(k), warn=False)
