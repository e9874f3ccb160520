r"""The service quality indicator and its control charts (public functions).

Federal Express's Service Quality Indicator (SQI, 1988) counts every
service failure of the day by type and weights each type by how much
customers hate it ("the hierarchy of horrors"): a lost package weighs more
than a late one. :func:`index` computes the weighted index per period, its
Pareto decomposition and trend; :func:`u_chart` and :func:`ewma` chart it.

References
----------
.. [1] Lovelock, C. H. (1990). Federal Express: Quality Improvement
   Program. IMD case study; reprinted in Lovelock, C. H., Services
   Marketing (3rd ed., 1996), Prentice Hall.
.. [2] Montgomery, D. C. (2009). Introduction to Statistical Quality
   Control (6th ed.). Wiley. Sec. 7.3 (u-chart, demerits), sec. 9.2 (EWMA).
.. [3] Roberts, S. W. (1959). Control chart tests based on geometric moving
   averages. Technometrics, 1(3), 239-250.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import special

from .._typing import FloatArray
from .._validation import check_confidence_level
from ..exceptions import InputError, SatmodelsWarning
from ..results._estimates import Estimates, concat, estimates
from ._inputs import LIMIT, check_positive, read_periods, resolve_severity
from ._kernels import (
    d2_moving_range,
    ewma_path,
    ewma_sigma,
    laney_sigma_z,
    ols_slope,
    pareto_shares,
    u_chart_limits,
)
from ._results import ControlChartResult, SeverityResult, SQIResult

__all__ = ["ewma", "index", "u_chart"]

Severity = Mapping[str, float] | SeverityResult | None


def _sqrt(x: FloatArray) -> FloatArray:
    return np.sqrt(np.maximum(x, 0.0))


def index(
    data: object,
    *,
    failures: Sequence[str] | None = None,
    severity: Severity = None,
    opportunities: str | None = None,
    period: str | None = None,
    columns: Sequence[str] | None = None,
    confidence_level: float = 0.95,
    nan_policy: str = "omit",
) -> SQIResult:
    r"""Weighted failure index per period, its Pareto shares and trend.

    Parameters
    ----------
    data : array_like, mapping or dataframe
        One row per period (day, week) in time order: a count column per
        failure type, optionally the opportunities and a period label.
    failures : sequence of str, optional
        The failure-count columns; default the keys of ``severity``, else
        every column not used for ``opportunities`` or ``period``.
    severity : mapping of str to float, or SeverityResult, optional
        Weight of each failure type (how much customers hate it), e.g.
        FedEx's 1 for a late delivery and 10 for a lost package; a
        :class:`SeverityResult` from :func:`severity` uses its estimates.
        Default: every type weighs 1.
    opportunities : str, optional
        Column of the period's opportunities for failure (deliveries); adds
        the index per opportunity.
    period : str, optional
        Column of period labels (read as text); default ``"1"``, ``"2"``, ...
    columns : sequence of str, optional
        Names of a bare array's columns.
    confidence_level : float, default 0.95
    nan_policy : {"omit", "raise"}
        "omit" leaves out a period with a missing count (warned, counted in
        ``missing_report``); a missing count is never a zero.

    Returns
    -------
    SQIResult

    Raises
    ------
    InputError
        Negative counts, opportunities <= 0, severity weights missing,
        negative or not finite, unknown columns.

    Notes
    -----
    With weights :math:`w_j` and counts :math:`c_{jt}` over :math:`T`
    periods, :math:`I_t = \sum_j w_j c_{jt}` and the headline is
    :math:`\bar I = T^{-1} \sum_t I_t`. Counts are taken as independent
    Poisson, so :math:`\widehat{\operatorname{Var}}(\bar I) = T^{-2}
    \sum_t \sum_j w_j^2 c_{jt}` (normal intervals). The Pareto share of a
    type is :math:`w_j C_j / \sum_k w_k C_k` with a delta-method SE. The
    trend is the least-squares slope of :math:`I_t` on the period number
    (its SE ignores autocorrelation). Checked by hand computation in
    ``tests/test_sqi.py``.

    Examples
    --------
    >>> from satmodels import sqi
    >>> days = {"late": [3, 5, 4], "lost": [0, 1, 0]}
    >>> res = sqi.index(days, severity={"late": 1, "lost": 10})
    >>> res.series.tolist(), round(res.sqi, 4)
    ([3.0, 15.0, 4.0], 7.3333)
    """
    where = "sqi.index"
    level = check_confidence_level(confidence_level, where)
    got = read_periods(
        data,
        where=where,
        failures=failures,
        severity=severity,
        opportunities=opportunities,
        period=period,
        columns=columns,
        nan_policy=nan_policy,
    )
    w = resolve_severity(severity, got.failures, where)
    counts = got.counts
    n_t = counts.shape[0]
    series = counts @ w
    var_t = counts @ (w**2)
    totals = counts.sum(axis=0)
    b = got.backend
    parts: list[Estimates] = [
        estimates(
            name=["sqi"],
            estimate=series.mean(),
            standard_error=_sqrt(var_t.sum()) / n_t,
            kind="index",
            interval="normal",
            n=n_t,
            confidence_level=level,
            backend=b,
        )
    ]
    if got.opportunities is not None:
        n_opp = float(got.opportunities.sum())
        parts.append(
            estimates(
                name=["sqi_per_opportunity"],
                estimate=series.sum() / n_opp,
                standard_error=_sqrt(var_t.sum()) / n_opp,
                kind="rate",
                interval="normal",
                n=n_t,
                confidence_level=level,
                backend=b,
            )
        )
    share, share_se = pareto_shares(totals, w)
    names = list(got.failures)
    for kind, est, se in (
        ("count", totals / n_t, _sqrt(totals) / n_t),
        ("contribution", w * totals / n_t, w * _sqrt(totals) / n_t),
        ("share", share, share_se),
    ):
        parts.append(
            estimates(
                name=names,
                estimate=est,
                standard_error=se,
                kind=kind,
                interval="normal",
                n=n_t,
                confidence_level=level,
                backend=b,
            )
        )
    slope, slope_se, df = ols_slope(series)
    if not np.isfinite(slope_se):
        warnings.warn(
            f"{where}: the trend needs at least 3 periods; got {n_t}.",
            SatmodelsWarning,
            stacklevel=2,
        )
    parts.append(
        estimates(
            name=["slope"],
            estimate=slope,
            standard_error=slope_se,
            df=df,
            kind="trend",
            interval="t",
            n=n_t,
            confidence_level=level,
            backend=b,
        )
    )
    parts.append(
        estimates(
            name=got.periods,
            estimate=series,
            standard_error=_sqrt(var_t),
            kind="period",
            interval="normal",
            n=1.0,
            confidence_level=level,
            backend=b,
        )
    )
    return SQIResult(
        estimates=concat(parts),
        confidence_level=level,
        failures=got.failures,
        severity={f: float(v) for f, v in zip(got.failures, w, strict=True)},
        periods=got.periods,
        counts=counts,
        opportunities=got.opportunities,
        series=series,
        n_periods=n_t,
        missing_report=got.missing_report,
        _backend=b,
    )


def _period_rows(  # noqa: PLR0917 - private, two callers
    periods: Sequence[str],
    value: FloatArray,
    sigma: FloatArray,
    center: float,
    level: float,
    backend: str | None,
) -> Estimates:
    """Per-period rows: value, chart sigma, distance from center, p-value."""
    ok = np.isfinite(sigma) & (sigma > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(ok, (value - center) / np.where(ok, sigma, 1.0), np.nan)
    p = np.where(ok, 2.0 * special.ndtr(-np.abs(z)), np.nan)  # norm.sf(|z|)
    return estimates(
        name=periods,
        estimate=value,
        standard_error=np.where(ok, sigma, np.nan),
        statistic=z,
        pvalue=p,
        kind="period",
        interval="none",
        n=1.0,
        confidence_level=level,
        backend=backend,
    )


def u_chart(
    data: object,
    *,
    failures: Sequence[str] | None = None,
    severity: Severity = None,
    opportunities: str | None = None,
    period: str | None = None,
    n_sigmas: float = 3.0,
    method: str = "poisson",
    columns: Sequence[str] | None = None,
    confidence_level: float = 0.95,
    nan_policy: str = "omit",
) -> ControlChartResult:
    r"""u-chart of (weighted) failures per opportunity, with variable limits.

    One failure type of weight 1 gives Montgomery's u-chart of
    nonconformities per unit; several weighted types give his demerit
    chart. Without ``opportunities`` every period has one unit (a c-chart
    of the index). ``method="laney"`` gives Laney's u'-chart, whose limits
    widen by the observed between-period spread when the periods vary more
    than Poisson counts (large opportunities, overdispersion).

    Parameters
    ----------
    data, failures, severity, opportunities, period, columns, nan_policy
        As in :func:`index`.
    n_sigmas : float, default 3.0
        Width :math:`L` of the limits in standard deviations.
    method : {"poisson", "laney"}, default "poisson"
        ``"poisson"``: the limits of the Poisson model (Montgomery);
        ``"laney"``: Laney's u'-chart, the Poisson limits times
        :math:`\sigma_Z` (reported as ``result.sigma``).
    confidence_level : float, default 0.95
        Level of the center line's interval.

    Returns
    -------
    ControlChartResult

    Raises
    ------
    InputError
        As :func:`index`; ``n_sigmas`` not a positive number; an unknown
        ``method``; ``method="laney"`` with fewer than three periods or no
        failure counted (:math:`\sigma_Z` undefined).

    Notes
    -----
    .. math::

        u_t = \frac{\sum_j w_j c_{jt}}{n_t}, \quad
        \bar u = \frac{\sum_t \sum_j w_j c_{jt}}{\sum_t n_t}, \quad
        \bar u \pm L \sqrt{\frac{\bar u_{(2)}}{n_t}},

    with :math:`\bar u_{(2)} = \sum_t \sum_j w_j^2 c_{jt} / \sum_t n_t`
    (:math:`= \bar u` for one type of weight 1; Montgomery 2009, eq. 7.17
    and sec. 7.3.3). A negative lower limit is 0. Checked against
    Montgomery's examples of nonconformities per computer and per roll of
    dyed cloth (``tests/test_sqi.py``).

    Laney's u'-chart (Laney 2002, Quality Engineering 14(4), 531-537)
    standardizes each rate against those limits,
    :math:`z_t = (u_t - \bar u) / \sigma_{u_t}`, estimates their spread from
    the average moving range, :math:`\sigma_Z = \overline{MR}(z) / 1.128`,
    and charts :math:`\bar u \pm L \sigma_{u_t} \sigma_Z`. Checked by hand
    and by simulation: on overdispersed counts the u-chart signals in most
    periods while the u'-chart keeps near its nominal rate.

    Examples
    --------
    >>> from satmodels import sqi
    >>> res = sqi.u_chart(
    ...     {"c": [2, 3, 1, 12], "n": [1, 1, 1, 1]}, failures=["c"], opportunities="n"
    ... )
    >>> res.center, round(float(res.ucl[0]), 3), res.out_of_control  # 4.5 + 3 sqrt(4.5)
    (4.5, 10.864, ('4',))
    """
    where = "sqi.u_chart"
    level = check_confidence_level(confidence_level, where)
    width = check_positive(n_sigmas, "n_sigmas", where)
    if method not in {"poisson", "laney"}:
        msg = (
            f"The 'method' parameter of {where} must be 'poisson' or 'laney'. "
            f"Got {method!r} instead."
        )
        raise InputError(msg)
    got = read_periods(
        data,
        where=where,
        failures=failures,
        severity=severity,
        opportunities=opportunities,
        period=period,
        columns=columns,
        nan_policy=nan_policy,
    )
    w = resolve_severity(severity, got.failures, where)
    points, var_t = got.counts @ w, got.counts @ (w**2)
    opp = np.ones(points.size) if got.opportunities is None else got.opportunities
    center, sigma, lcl, ucl = u_chart_limits(points, var_t, opp, width)
    u = points / opp
    sigma_z = float("nan")
    if method == "laney":
        sigma_z = _laney(u, center, sigma, where)
        sigma = sigma * sigma_z
        lcl = np.maximum(center - width * sigma, 0.0)
        ucl = center + width * sigma
    if not center > 0:
        warnings.warn(
            f"{where}: no failure was counted; the limits are degenerate.",
            SatmodelsWarning,
            stacklevel=2,
        )
    signals = (u > ucl) | (u < lcl)
    head = estimates(
        name=["center"],
        estimate=center,
        standard_error=_sqrt(var_t.sum()) / opp.sum(),
        kind="center",
        interval="normal",
        n=points.size,
        confidence_level=level,
        backend=got.backend,
    )
    rows = _period_rows(got.periods, u, sigma, center, level, got.backend)
    return ControlChartResult(
        estimates=concat([head, rows]),
        confidence_level=level,
        chart="laney_u" if method == "laney" else "u",
        periods=got.periods,
        observed=u,
        statistic=u,
        center=center,
        lcl=lcl,
        ucl=ucl,
        signals=np.asarray(signals, dtype=bool),
        n_sigmas=width,
        smoothing=None,
        sigma=sigma_z,
        missing_report=got.missing_report,
        _backend=got.backend,
    )


def _laney(u: FloatArray, center: float, sigma: FloatArray, where: str) -> float:
    """Laney's sigma_Z, refused where it cannot be estimated."""
    if u.size < 3 or not center > 0:
        why = "fewer than three periods" if u.size < 3 else "no failure counted"
        msg = (
            f"{where} with method='laney' needs sigma_Z, the moving range of the "
            f"standardized rates: {why} ({u.size} periods)."
        )
        raise InputError(msg)
    sigma_z = laney_sigma_z(u, center, sigma)
    if not (np.isfinite(sigma_z) and sigma_z > 0):
        msg = (
            f"{where} with method='laney': sigma_Z is {sigma_z!r} (every period "
            "has the same standardized rate); the limits would be degenerate."
        )
        raise InputError(msg)
    return sigma_z


def ewma(
    data: object,
    *,
    failures: Sequence[str] | None = None,
    severity: Severity = None,
    opportunities: str | None = None,
    period: str | None = None,
    smoothing: float = 0.1,
    n_sigmas: float = 2.7,
    center: float | None = None,
    sigma: float | None = None,
    columns: Sequence[str] | None = None,
    confidence_level: float = 0.95,
    nan_policy: str = "omit",
) -> ControlChartResult:
    r"""EWMA chart of the index per period with exact time-varying limits.

    Parameters
    ----------
    data, failures, severity, opportunities, period, columns, nan_policy
        As in :func:`index`; the value charted is the index per period, or
        per opportunity when ``opportunities`` is given.
    smoothing : float, default 0.1
        :math:`\lambda` in (0, 1].
    n_sigmas : float, default 2.7
        Width :math:`L` (Montgomery's 2.7 with :math:`\lambda = 0.1` gives
        an in-control ARL of about 500).
    center : float, optional
        Target :math:`\mu_0`; default the mean of the values charted.
    sigma : float, optional
        Process standard deviation of one value; default the average moving
        range over :math:`d_2 = 1.128` (Montgomery 2009, eq. 6.33). With
        neither ``center`` nor ``sigma`` the limits are trial (phase I)
        limits estimated from the same periods.
    confidence_level : float, default 0.95
        Level of the center line's interval when estimated.

    Returns
    -------
    ControlChartResult

    Raises
    ------
    InputError
        As :func:`index`; ``smoothing`` outside (0, 1], ``n_sigmas`` or
        ``sigma`` not positive, ``center`` not finite; fewer than 2 periods
        without ``sigma``.

    Notes
    -----
    .. math::

        z_t = \lambda x_t + (1 - \lambda) z_{t-1}, \; z_0 = \mu_0, \qquad
        \mu_0 \pm L \sigma \sqrt{\tfrac{\lambda}{2 - \lambda}
            \left[1 - (1 - \lambda)^{2t}\right]}

    (Roberts 1959; Montgomery 2009, eq. 9.22, 9.24, 9.25). Checked against
    Montgomery's Example 9.2 (``tests/test_sqi.py``).

    Examples
    --------
    >>> from satmodels import sqi
    >>> res = sqi.ewma({"x": [9.45, 7.99, 9.29]}, center=10.0, sigma=1.0)
    >>> [round(float(z), 4) for z in res.statistic]
    [9.945, 9.7495, 9.7036]
    """
    where = "sqi.ewma"
    level = check_confidence_level(confidence_level, where)
    lam = check_positive(smoothing, "smoothing", where, at_most=1.0)
    width = check_positive(n_sigmas, "n_sigmas", where)
    if center is not None and (
        isinstance(center, bool)
        or not isinstance(center, int | float | np.integer | np.floating)
        or not abs(float(center)) <= LIMIT
    ):
        msg = (
            f"The 'center' parameter of {where} must be a number in "
            f"[-{LIMIT:g}, {LIMIT:g}]. "
            f"Got {center!r}."
        )
        raise InputError(msg)
    sd = None if sigma is None else check_positive(sigma, "sigma", where, at_most=LIMIT)
    got = read_periods(
        data,
        where=where,
        failures=failures,
        severity=severity,
        opportunities=opportunities,
        period=period,
        columns=columns,
        nan_policy=nan_policy,
    )
    w = resolve_severity(severity, got.failures, where)
    x = got.counts @ w
    if got.opportunities is not None:
        x = x / got.opportunities
    if sd is None:
        if x.size < 2:
            msg = (
                f"{where} estimates sigma from moving ranges, which needs at least "
                f"2 periods; got {x.size}. Give 'sigma'."
            )
            raise InputError(msg)
        sd = d2_moving_range(x)
    mu = float(x.mean()) if center is None else float(center)
    if not sd > 0:
        warnings.warn(
            f"{where}: the values charted do not vary (sigma = 0); no limits.",
            SatmodelsWarning,
            stacklevel=2,
        )
        sd = float("nan")
    z = ewma_path(x, lam, mu)
    s_t = ewma_sigma(x.size, lam, sd)
    lcl, ucl = mu - width * s_t, mu + width * s_t
    signals = (z > ucl) | (z < lcl)
    center_se = sd / np.sqrt(x.size) if center is None else float("nan")
    head = estimates(
        name=["center", "sigma"],
        estimate=[mu, sd],
        standard_error=[center_se, np.nan],
        kind=["center", "sigma"],
        interval=["normal", "none"],
        n=x.size,
        confidence_level=level,
        backend=got.backend,
    )
    rows = _period_rows(got.periods, z, s_t, mu, level, got.backend)
    return ControlChartResult(
        estimates=concat([head, rows]),
        confidence_level=level,
        chart="ewma",
        periods=got.periods,
        observed=x,
        statistic=z,
        center=mu,
        lcl=lcl,
        ucl=ucl,
        signals=np.asarray(signals, dtype=bool),
        n_sigmas=width,
        smoothing=lam,
        sigma=float(sd),
        missing_report=got.missing_report,
        _backend=got.backend,
    )
