r"""Design-based means, totals and ratios (Taylor or replication variances).

Each estimator is a smooth function of weighted totals, so its Taylor
linearisation (Woodruff 1971) is a weighted sum of per-respondent values:

* mean :math:`\bar y = \sum w y / \sum w`: :math:`z_i = w_i (y_i - \bar y) / \sum w`;
* total :math:`\hat Y = \sum w y`: :math:`z_i = w_i y_i`;
* ratio :math:`\hat R = \sum w a / \sum w b`:
  :math:`z_i = w_i (a_i - \hat R b_i) / \sum w b`.

A respondent who did not answer an item is outside that item's estimate but
stays in its PSU (domain estimation, as ``survey::svymean(..., na.rm =
TRUE)``): missing answers are never zeros.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level
from ..exceptions import InputError, SatmodelsWarning
from ..results._estimates import concat, estimates
from ._kernels import Fitted, replicate_variance, taylor_variance
from ._lazy import fit_lazy
from ._prepare import Prepared, prepare
from ._result import DesignResult
from ._spec import ReplicateDesign

__all__ = ["mean", "ratio", "total"]


def _point(
    kind: str, y: FloatArray, w: FloatArray, b: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    """Estimates and the linearised values z (n x p) for one weight vector."""
    obs = ~np.isnan(y) if b is None else ~(np.isnan(y) | np.isnan(b))
    wo = np.where(obs, w[:, None], 0.0)
    y0 = np.where(obs, y, 0.0)
    if kind == "total":
        return (wo * y0).sum(axis=0), wo * y0
    if kind == "mean":
        wsum = wo.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            est = (wo * y0).sum(axis=0) / wsum
        return est, wo * (y0 - est) / wsum
    assert b is not None  # noqa: S101 - ratio always has a denominator
    b0 = np.where(obs, b, 0.0)
    den = (wo * b0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = (wo * y0).sum(axis=0) / den
    return est, wo * (y0 - est * b0) / den


def _srs_variance(
    kind: str, y: FloatArray, w: FloatArray, b: FloatArray | None, est: FloatArray
) -> FloatArray:
    r"""Variance under simple random sampling with replacement (the deff base).

    ``survey::svymean(deff = "replace")``: :math:`s_w^2 / n` with the
    weighted variance :math:`s_w^2 = \\frac{n}{n-1} \\sum w (y - \\bar y)^2 /
    \\sum w` over the ``n`` answering respondents of positive weight; times
    :math:`(\\sum w)^2` for a total; of the residual :math:`a - \\hat R b`
    over :math:`\\bar b_w^2` for a ratio.
    """
    obs = ~np.isnan(y) if b is None else ~(np.isnan(y) | np.isnan(b))
    obs &= (w > 0)[:, None]
    wo = np.where(obs, w[:, None], 0.0)
    n = obs.sum(axis=0).astype(np.float64)
    wsum = wo.sum(axis=0)
    if kind == "ratio":
        assert b is not None  # noqa: S101
        b0 = np.where(obs, b, 0.0)
        e = np.where(obs, y - est * b0, 0.0)
        centre = (wo * e).sum(axis=0) / wsum
        s2 = n / (n - 1) * (wo * (e - centre) ** 2).sum(axis=0) / wsum
        bbar = (wo * b0).sum(axis=0) / wsum
        out: FloatArray = s2 / n / bbar**2
        return out
    centre = (wo * np.where(obs, y, 0.0)).sum(axis=0) / wsum
    s2 = (
        n
        / (n - 1)
        * (wo * (np.where(obs, y, 0.0) - centre) ** 2 * obs).sum(axis=0)
        / wsum
    )
    v = s2 / n
    out = v * wsum**2 if kind == "total" else v
    return out


def _fit_rows(kind: str, prep: Prepared, y: FloatArray, b: FloatArray | None) -> Fitted:
    """Estimates and variances from the rows in memory."""
    w = prep.weights
    est, z = _point(kind, y, w, b)
    if isinstance(prep.design, ReplicateDesign):
        assert prep.replicates is not None  # noqa: S101
        reps = np.array(
            [
                _point(kind, y, prep.replicates[:, r], b)[0]
                for r in range(prep.replicates.shape[1])
            ]
        )
        scale, rscales = prep.design.factors()
        var = replicate_variance(
            est, reps, scale, np.asarray(rscales), mse=prep.design.mse
        )
        rank = int(np.linalg.matrix_rank(prep.replicates, tol=1e-5))
        df = float(rank - 1)
        method: str = prep.design.method
        n_psu, n_strata = 0, 0
    else:
        assert prep.psu is not None  # noqa: S101
        assert prep.stratum_of_psu is not None  # noqa: S101
        assert prep.fraction is not None  # noqa: S101
        u = np.zeros((prep.stratum_of_psu.size, z.shape[1]))
        np.add.at(u, prep.psu, z)
        var = taylor_variance(u, prep.stratum_of_psu, prep.fraction)
        n_psu = int(prep.stratum_of_psu.size)
        n_strata = int(prep.fraction.size)
        df = float(n_psu - n_strata)
        method = "taylor"
    answered = (~np.isnan(y) if b is None else ~(np.isnan(y) | np.isnan(b))) & (w > 0)[
        :, None
    ]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        srs = _srs_variance(kind, y, w, b, est)
    return Fitted(
        estimate=est,
        variance=var,
        srs_variance=srs,
        n_obs=answered.sum(axis=0).astype(np.float64),
        df=df,
        method=method,
        n_psu=n_psu,
        n_strata=n_strata,
        n=int(y.shape[0]),
    )


def _fit(  # noqa: PLR0917 - private
    kind: str,
    prep: Prepared,
    names: list[str],
    values: tuple[Sequence[str], Sequence[str] | None],
    confidence_level: float,
    where: str,
) -> DesignResult:
    if prep.table.kind == "lazy":
        fitted = fit_lazy(kind, prep, values[0], values[1], where)
    else:
        y = prep.table.matrix(list(values[0]))
        b = None if values[1] is None else prep.table.matrix(list(values[1]))
        # an infinite answer gives inf - inf = NaN inside: the estimate or its
        # variance is then not finite, which is refused just below
        with np.errstate(invalid="ignore", over="ignore"):
            fitted = _fit_rows(kind, prep, y, b)
    est, var, n_obs, df = fitted.estimate, fitted.variance, fitted.n_obs, fitted.df
    for j in np.flatnonzero(n_obs == 0):
        msg = (
            f"Column {names[j]!r} of the 'data' parameter of {where} has no "
            "answer with positive weight: its estimate is not defined."
        )
        raise InputError(msg)
    too_big = ~np.isfinite(est) | ~np.isfinite(var)
    for j in np.flatnonzero(too_big & (n_obs > 0)):
        msg = (
            f"Column {names[j]!r} of the 'data' parameter of {where} gives a "
            f"{kind} or variance that is not finite (values or weights too large "
            "for float64, or a zero denominator). Rescale the column."
        )
        raise InputError(msg)
    srs = fitted.srs_variance
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        deff = np.where((srs > 0) & np.isfinite(srs), var / srs, np.nan)
    undefined = [nm for nm, d in zip(names, deff, strict=True) if not np.isfinite(d)]
    if undefined:
        warnings.warn(
            f"{where}: the design effect of {undefined} is not defined (fewer "
            "than two answers, or answers that do not vary): it is NaN.",
            SatmodelsWarning,
            stacklevel=3,
        )
        deff = np.where(np.isfinite(deff), deff, np.nan)
    se = np.sqrt(var)
    main = estimates(
        name=names,
        estimate=est,
        kind=kind,
        confidence_level=confidence_level,
        standard_error=se,
        n=n_obs.astype(np.float64),
        df=np.full(len(names), df),
        interval="t",
        null=0.0,
        backend=prep.table.backend,
    )
    effects = estimates(
        name=names,
        estimate=deff,
        kind="design_effect",
        confidence_level=confidence_level,
        n=n_obs.astype(np.float64),
        interval="none",
        backend=prep.table.backend,
    )
    return DesignResult(
        statistic=kind,
        estimates=concat([main, effects]),
        design_effect={
            nm: float(d) if math.isfinite(float(d)) else math.nan
            for nm, d in zip(names, deff, strict=True)
        },
        df=df,
        variance_method=fitted.method,
        n=fitted.n,
        n_psu=fitted.n_psu,
        n_strata=fitted.n_strata,
        confidence_level=confidence_level,
        _backend=prep.table.backend,
    )


def _of_items(  # noqa: PLR0917 - private, the two item estimators
    kind: str,
    data: object,
    design: object,
    items: Sequence[str] | None,
    columns: Sequence[str] | None,
    confidence_level: float,
) -> DesignResult:
    """Read the items with the design and fit the mean or the total."""
    where = f"design.{kind}"
    level = check_confidence_level(confidence_level, where)
    prep = prepare(
        data, where=where, columns=columns, roles={"items": items}, design=design
    )
    names = prep.names("items")
    if not names:
        msg = f"The 'items' parameter of {where} selects no column to estimate."
        raise InputError(msg)
    return _fit(kind, prep, names, (names, None), level, where)


def mean(
    data: object,
    *,
    design: object,
    items: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    confidence_level: float = 0.95,
) -> DesignResult:
    r"""Design-based mean of each item, with its standard error and deff.

    The mean :math:`\bar y = \sum_i w_i y_i / \sum_i w_i` over the
    respondents who answered, and its variance by Taylor linearisation
    under a stratified cluster ``Design`` (Woodruff 1971; Cochran 1977, eq.
    11.27) or by replication under a ``ReplicateDesign`` (Wolter 2007). A
    share (CSAT top-box, an NPS category) is the mean of a 0/1 item; the
    NPS is the mean of an item scored -100/0/100.

    Parameters
    ----------
    data : array, mapping of columns or DataFrame
        The respondents, with the design's columns.
    design : Design or ReplicateDesign
        Strata, clusters, fpc and weights columns, or replicate weights.
    items : sequence of str, optional
        The items (default: every numeric column the design does not use).
    columns : sequence of str, optional
        Names of the columns of a 2-D array ``data``.
    confidence_level : float, default 0.95
        Level of the t intervals (on the design's degrees of freedom).

    Returns
    -------
    DesignResult

    Raises
    ------
    InputError
        A stratum with a single PSU, an fpc that is not constant within a
        stratum or smaller than the sample, negative weights, an item with no
        answer.

    Notes
    -----
    Checked against ``survey::svymean`` (Taylor: ``svydesign`` with strata,
    clusters, fpc and weights; replication: ``svrepdesign`` of types JK1,
    JKn, BRR, Fay and bootstrap), with ``deff = "replace"``; script and
    output in ``tests/golden/design_survey.R``. The intervals use the t
    distribution on the design's degrees of freedom (PSUs minus strata),
    where R's ``confint`` defaults to the normal.

    References
    ----------
    .. [1] Cochran, W. G. (1977). Sampling Techniques (3rd ed.). Wiley.
    .. [2] Kish, L. (1965). Survey Sampling. Wiley.
    .. [3] Lumley, T. (2010). Complex Surveys. Wiley.
    .. [4] Wolter, K. M. (2007). Introduction to Variance Estimation (2nd
       ed.). Springer.
    .. [5] Woodruff, R. S. (1971). A simple method for approximating the
       variance of a complicated estimate. JASA, 66(334), 411-414.

    Examples
    --------
    >>> import satmodels
    >>> from satmodels.design import Design
    >>> survey = {
    ...     "stratum": [1, 1, 1, 1, 2, 2, 2, 2],
    ...     "school": [1, 1, 2, 2, 3, 3, 4, 4],
    ...     "score": [70.0, 80, 60, 65, 90, 85, 75, 80],
    ... }
    >>> res = satmodels.design.mean(
    ...     survey,
    ...     design=Design(strata="stratum", clusters="school"),
    ...     items=["score"],
    ... )
    >>> round(res.estimates.value("score", kind="mean"), 3)
    75.625
    """
    return _of_items("mean", data, design, items, columns, confidence_level)


def total(
    data: object,
    *,
    design: object,
    items: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    confidence_level: float = 0.95,
) -> DesignResult:
    r"""Design-based total :math:`\hat Y = \sum_i w_i y_i` of each item.

    As :func:`mean`, for the weighted total over the respondents who
    answered (Horvitz & Thompson 1952 with the design's weights). Checked
    against ``survey::svytotal``.

    Parameters
    ----------
    data, design, items, columns, confidence_level
        As in :func:`mean`.

    Returns
    -------
    DesignResult

    References
    ----------
    .. [1] Horvitz, D. G., & Thompson, D. J. (1952). A generalization of
       sampling without replacement from a finite universe. JASA, 47(260),
       663-685.

    Examples
    --------
    >>> import satmodels
    >>> from satmodels.design import Design
    >>> res = satmodels.design.total(
    ...     {"w": [10.0, 10, 20, 20], "complaints": [1.0, 0, 2, 1]},
    ...     design=Design(weights="w"),
    ...     items=["complaints"],
    ... )
    >>> res.estimates.value("complaints", kind="total")
    70.0
    """
    return _of_items("total", data, design, items, columns, confidence_level)


def ratio(
    data: object,
    *,
    design: object,
    numerator: Sequence[str] | str,
    denominator: Sequence[str] | str,
    columns: Sequence[str] | None = None,
    confidence_level: float = 0.95,
) -> DesignResult:
    r"""Design-based ratio of totals :math:`\hat R = \sum w a / \sum w b`.

    The c = b/a satisfaction ratio of means is this ratio with the
    perceived item as ``numerator`` and the expected item as
    ``denominator``; pairs are matched by position in the two lists, over
    the respondents who answered both. Variance by Taylor linearisation
    (:math:`z_i = w_i (a_i - \hat R b_i) / \sum w b`; Cochran 1977, sec.
    6.3) or replication. Checked against ``survey::svyratio``.

    Parameters
    ----------
    data, design, columns, confidence_level
        As in :func:`mean`.
    numerator, denominator : str or sequence of str
        Column(s) of the numerators and, in the same order, denominators.

    Returns
    -------
    DesignResult
        One row per pair, named ``"a/b"``.

    Examples
    --------
    >>> import satmodels
    >>> from satmodels.design import Design
    >>> res = satmodels.design.ratio(
    ...     {"perceived": [6.0, 7, 5, 6], "expected": [5.0, 7, 6, 4]},
    ...     design=Design(),
    ...     numerator="perceived",
    ...     denominator="expected",
    ... )
    >>> round(res.estimates.value("perceived/expected", kind="ratio"), 4)
    1.0909
    """
    where = "design.ratio"
    level = check_confidence_level(confidence_level, where)
    num = [numerator] if isinstance(numerator, str) else list(numerator)
    den = [denominator] if isinstance(denominator, str) else list(denominator)
    if len(num) != len(den) or not num:
        msg = (
            f"The 'numerator' and 'denominator' parameters of {where} must name "
            f"the same number of columns (at least one). Got {len(num)} and "
            f"{len(den)}."
        )
        raise InputError(msg)
    prep = prepare(
        data,
        where=where,
        columns=columns,
        roles={"numerator": num, "denominator": den},
        design=design,
    )
    names = [f"{x}/{y}" for x, y in zip(num, den, strict=True)]
    return _fit("ratio", prep, names, (num, den), level, where)
