r"""Key-driver analysis: derived importance of satisfaction drivers.

All importance measures here are functions of the correlation matrix of the
drivers and the outcome, taken from :class:`~satmodels.Moments`; they never
revisit the rows, so a million respondents cost one covariance computation.

* correlation: :math:`r_{jy}`;
* standardized regression: :math:`\beta = R_{xx}^{-1} r_{xy}`;
* relative weights (Johnson 2000): regress y on the orthogonal
  approximation :math:`Z` of X, :math:`\epsilon_j = \sum_k \lambda_{jk}^2
  \beta_k^2`;
* Shapley value / LMG (Lindeman, Merenda & Gold 1980; Lipovetsky & Conklin
  2001; Grömping 2006): the average gain in :math:`R^2` from adding driver
  j over all orders, computed from the :math:`R^2` of all :math:`2^p`
  subsets, each obtained from the correlation matrix by a batched solve.

References
----------
.. [1] Johnson, J. W. (2000). A heuristic method for estimating the relative
   weight of predictor variables in multiple regression. Multivariate
   Behavioral Research, 35(1), 1-19.
.. [2] Lindeman, R. H., Merenda, P. F., & Gold, R. Z. (1980). Introduction to
   Bivariate and Multivariate Analysis. Scott, Foresman. (pp. 119ff.)
.. [3] Lipovetsky, S., & Conklin, M. (2001). Analysis of regression in game
   theory approach. Applied Stochastic Models in Business and Industry,
   17(4), 319-330.
.. [4] Grömping, U. (2006). Relative importance for linear regression in R:
   the package relaimpo. Journal of Statistical Software, 17(1), 1-27.
.. [5] Efron, B., & Tibshirani, R. J. (1993). An introduction to the
   bootstrap. Chapman & Hall. (Percentile interval, eq. 13.5.)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .._typing import FloatArray
from .._validation import (
    check_confidence_level,
    check_count,
    check_nan_policy,
    check_rng,
)
from ..data import Table, read
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import EstimationError, InputError, SatmodelsWarning
from ..results._estimates import Estimates, estimates
from ..stats.intervals import percentile_interval
from ..stats.moments import MissingReport, Moments
from ._driver_kernels import (
    MAX_SHAPLEY,
    importance_kernel,
    shapley_from_r2,
    subset_r2,
)
from ._estimated import (
    EstimatedResult,
    Refit,
    check_choice,
    fit_segments,
    fmt,
    segment_note,
)

__all__ = [
    "DriverMethod",
    "ImportanceResult",
    "derived_importance",
    "key_drivers",
    "relative_weights",
    "shapley_from_r2",
    "shapley_importance",
    "subset_r2",
]

DriverMethod = Literal["shapley", "relative_weights", "correlation", "regression"]
_METHODS = ("shapley", "relative_weights", "correlation", "regression")


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ImportanceResult(EstimatedResult):
    """Derived importance of each driver for an outcome.

    Attributes
    ----------
    estimates : Estimates
        One row ``("importance", driver)`` per driver and a row
        ``("r_squared", "r_squared")``; with ``n_resamples`` the standard
        errors are the bootstrap standard deviations and the intervals
        percentile intervals (Efron & Tibshirani 1993, eq. 13.5), otherwise
        NaN.
    confidence_level : float
    importance : dict of str to float
        One value per driver (method-specific units: share of R-squared for
        ``shapley`` and ``relative_weights``, which sum to ``r_squared``;
        a correlation or a standardized coefficient otherwise).
    share : dict of str to float
        ``importance`` divided by its sum (Shapley / relative weights: the
        share of the explained variance).
    r_squared : float
        R-squared of the full regression.
    method : str
    target : str
        The outcome column.
    n : int
        Respondents used.
    n_resamples : int
        Bootstrap replicates used (after dropping singular ones).
    missing_report : MissingReport or None
        Rows excluded for missing values (listwise) or zero weight.
    ci_low, ci_high : dict of str to float
        The drivers' interval bounds (properties; NaN without a bootstrap).
    segments : dict of str to ImportanceResult or None
        One result per segment label (sorted), when ``segments`` was given.
    """

    estimates: Estimates
    confidence_level: float
    importance: dict[str, float]
    share: dict[str, float]
    r_squared: float
    method: str
    target: str
    n: int
    n_resamples: int = 0
    missing_report: MissingReport | None = None
    segments: dict[str, ImportanceResult] | None = field(default=None, repr=False)
    _refit: Refit | None = field(default=None, repr=False)

    @property
    def ci_low(self) -> dict[str, float]:
        """Lower interval bound per driver."""
        k = len(self.importance)
        return dict(
            zip(self.importance, self.estimates.ci_low[:k].tolist(), strict=True)
        )

    @property
    def ci_high(self) -> dict[str, float]:
        """Upper interval bound per driver."""
        k = len(self.importance)
        return dict(
            zip(self.importance, self.estimates.ci_high[:k].tolist(), strict=True)
        )

    def _title(self) -> str:
        return f"Key drivers of {self.target} ({self.method})"

    def _notes(self) -> tuple[str, ...]:
        boot = (
            f"; {self.n_resamples} bootstrap replicates (percentile intervals)"
            if self.n_resamples
            else "; no bootstrap (no intervals)"
        )
        return (f"R-squared = {self.r_squared:.4f}, n = {self.n}{boot}.",)

    def __repr__(self) -> str:
        top = sorted(self.importance.items(), key=lambda kv: -abs(kv[1]))[:3]
        head = ", ".join(f"{k}={fmt(v, 3)}" for k, v in top)
        more = ", ..." if len(self.importance) > 3 else ""
        return (
            f"ImportanceResult(method={self.method!r}, target={self.target!r}, "
            f"r_squared={fmt(self.r_squared, 4)}, n={self.n}, {head}{more}"
            f"{segment_note(self.segments)})"
        )


# ----------------------------------------------------------------- fitting
def _singular(C: FloatArray) -> str | None:
    """Why the correlation matrix (outcome last) cannot be used, or None."""
    if not np.all(np.isfinite(C)):
        return "a column has no variance (or too few rows)"
    eig = np.linalg.eigvalsh(C[:-1, :-1])
    if eig[0] <= 1e-10 * max(eig[-1], 1.0):
        return f"the drivers are perfectly collinear (smallest eigenvalue {eig[0]:.3g})"
    return None


def _fit(C: FloatArray, method: str) -> tuple[FloatArray, float] | None:
    """Return importance and R-squared, or None when C is unusable."""
    if _singular(C) is not None:
        return None
    try:
        imp, r2 = importance_kernel(C, method)
    except np.linalg.LinAlgError:
        return None
    if not (np.all(np.isfinite(imp)) and math.isfinite(r2)):
        return None
    return imp, r2


def _point(
    m: Moments, names: Sequence[str], method: str, where: str
) -> tuple[FloatArray, float]:
    p = len(names)
    if method == "shapley" and p > MAX_SHAPLEY:
        msg = (
            f"The 'items' parameter of {where}: Shapley importance needs 2^p "
            f"subset regressions; p = {p} drivers exceeds the limit of "
            f"{MAX_SHAPLEY}."
        )
        raise InputError(msg)
    if m.n < p + 2:
        msg = (
            f"{where}: {p} driver(s) need at least {p + 2} complete respondents "
            f"(with fewer the regression fits exactly); got {m.n}. The drivers "
            "cannot be separated."
        )
        raise EstimationError(msg)
    C = m.correlation()
    if not np.all(np.isfinite(C)):
        bad = [
            c
            for c, v in zip(m.columns, np.diagonal(C), strict=True)
            if not np.isfinite(v)
        ]
        msg = (
            f"{where}: column(s) {bad} have no variance (or too few rows, n = "
            f"{m.n}); importance is undefined."
        )
        raise EstimationError(msg)
    reason = _singular(C)
    fitted = _fit(C, method)
    if reason is not None or fitted is None:
        msg = (
            f"{where}: the drivers {list(names)} cannot be separated: "
            f"{reason or 'singular correlation matrix'} (perfectly collinear "
            f"drivers, or n = {m.n} too small for {p} drivers)."
        )
        raise EstimationError(msg)
    return fitted


def _replicates(batch: Moments, method: str, where: str) -> FloatArray:
    """Return importance and R-squared per replicate; singular ones dropped."""
    Cs = batch.correlation()
    rows = []
    for b in range(Cs.shape[0]):
        fitted = _fit(Cs[b], method)
        if fitted is not None:
            rows.append(np.append(fitted[0], fitted[1]))
    dropped = Cs.shape[0] - len(rows)
    if dropped:
        msg = (
            f"{where}: {dropped} of {Cs.shape[0]} bootstrap replicates had a "
            "singular correlation matrix (a constant or collinear column in "
            "the resample) and were left out of the intervals."
        )
        warnings.warn(msg, SatmodelsWarning, stacklevel=4)
    if len(rows) < 2:
        msg = (
            f"{where}: fewer than 2 usable bootstrap replicates; the standard "
            "errors and intervals are NaN."
        )
        warnings.warn(msg, SatmodelsWarning, stacklevel=4)
        return np.empty((0, Cs.shape[-1]))
    return np.vstack(rows)


def _build(  # noqa: PLR0917 - private, one caller
    names: Sequence[str],
    imp: FloatArray,
    r2: float,
    reps: FloatArray | None,
    level: float,
    n: int,
    backend: str | None,
) -> Estimates:
    k = len(names)
    value = np.append(imp, r2)
    if reps is None or reps.shape[0] < 2:
        se = lo = hi = np.full(k + 1, np.nan)
        interval = "none" if reps is None else "percentile"
    else:
        se = reps.std(axis=0, ddof=1)
        lo, hi = percentile_interval(reps, level)
        interval = "percentile"
    return estimates(
        kind=("importance",) * k + ("r_squared",),
        name=(*names, "r_squared"),
        estimate=value,
        standard_error=se,
        ci_low=lo,
        ci_high=hi,
        n=n,
        interval=interval,
        confidence_level=level,
        backend=backend,
    )


def _result(  # noqa: PLR0917 - private
    m: Moments,
    names: Sequence[str],
    target: str,
    method: str,
    level: float,
    backend: str | None,
    reps: FloatArray | None,
    where: str,
) -> ImportanceResult:
    imp, r2 = _point(m, names, method, where)
    total = float(np.sum(imp))

    def refit(lv: float) -> Estimates:
        return _build(names, imp, r2, reps, lv, m.n, backend)

    return ImportanceResult(
        estimates=refit(level),
        confidence_level=level,
        importance=dict(zip(names, imp.tolist(), strict=True)),
        share={
            k: (float(v) / total if total != 0 else math.nan)
            for k, v in zip(names, imp, strict=True)
        },
        r_squared=r2,
        method=method,
        target=target,
        n=m.n,
        n_resamples=0 if reps is None else int(reps.shape[0]),
        missing_report=m.missing_report,
        _refit=refit,
    )


def derived_importance(
    m: Moments,
    names: Sequence[str],
    target: str,
    *,
    method: str,
    confidence_level: float,
    backend: str | None,
    where: str,
) -> ImportanceResult:
    """Return the importance of ``names`` for ``target`` from listwise Moments."""
    sub = m.select([*names, target])
    return _result(sub, names, target, method, confidence_level, backend, None, where)


def _drivers(table: Table, where: str) -> tuple[tuple[str, ...], str]:
    targets = table.role("target")
    if len(targets) != 1:
        msg = (
            f"The 'target' parameter of {where} must name one outcome column. "
            f"Got {list(targets)}."
        )
        raise InputError(msg)
    target = targets[0]
    names = tuple(c for c in table.role("items") if c != target)
    if not names:
        msg = f"The 'items' parameter of {where} must name at least one driver column."
        raise InputError(msg)
    return names, target


def key_drivers(
    data: object,
    *,
    target: str,
    items: Sequence[str] | None = None,
    method: DriverMethod = "shapley",
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    n_resamples: int = 0,
    confidence_level: float = 0.95,
    rng: object = None,
) -> ImportanceResult:
    r"""Estimate the derived importance of drivers (key-driver analysis).

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        Respondents x (drivers and outcome), or their Moments. A lazy frame
        is reduced to Moments on its engine.
    target : str
        The outcome (overall satisfaction) column.
    items : sequence of str, optional
        The driver columns (default: every column other than ``target``,
        weights and segments).
    method : {"shapley", "relative_weights", "correlation", "regression"}
        Shapley value / LMG decomposition of R-squared; Johnson's (2000)
        relative weights; the driver-outcome correlation; or the
        standardized regression coefficient.
    columns : sequence of str, optional
        Names of an array's columns, or the columns of a frame to use.
    weights : array_like or str, optional
        Case weights.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Segment label per row (or its column); one result per segment in
        ``result.segments``. On a lazy engine every segment's Moments come
        from one grouped aggregation (a bootstrap still resamples each
        segment's frame).
    nan_policy : {"omit", "raise"}
        Listwise exclusion (counted in ``missing_report``) or raise.
    n_resamples : int
        Bootstrap replicates for standard errors and percentile intervals
        (0: none). Replicate moments are computed at once (Poisson
        bootstrap on a lazy engine); Moments input cannot be resampled.
    confidence_level : float
    rng : None, int, SeedSequence or Generator
        Randomness of the bootstrap.

    Returns
    -------
    ImportanceResult

    Raises
    ------
    InputError
        No driver, more than 20 drivers for Shapley, bad options, or a
        bootstrap asked of Moments.
    EstimationError
        A column without variance, perfectly collinear drivers or too few
        respondents: the correlation matrix of the drivers is singular.

    Warns
    -----
    SatmodelsWarning
        Bootstrap replicates with a singular correlation matrix (common in
        tiny samples) are left out of the intervals; with fewer than 2
        usable replicates the standard errors and intervals are NaN.

    Notes
    -----
    Everything comes from the correlation matrix :math:`C` of (drivers,
    outcome). Shapley / LMG values and relative weights each sum to the full
    :math:`R^2 = r^\top R^{-1} r`; with uncorrelated drivers both equal the
    squared correlations. The Shapley values are checked against a brute
    force average over all p! orders and against R (``lm`` over all orders)
    on the ``swiss`` data (Grömping 2006 uses the same data) in the tests.

    Minimum sample: p drivers need at least p + 2 complete respondents (the
    correlation matrix of p + 1 columns from n rows has rank at most n - 1).

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.csi import key_drivers
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(1000, 2))
    >>> y = 0.8 * x[:, 0] + 0.2 * x[:, 1] + rng.normal(scale=0.5, size=1000)
    >>> data = {"price": x[:, 0], "staff": x[:, 1], "overall": y}
    >>> r = key_drivers(data, target="overall", method="regression")
    >>> {k: round(v, 1) for k, v in r.importance.items()}
    {'price': 0.8, 'staff': 0.2}
    """
    if design is not None:
        return fit_with_design(key_drivers, locals())
    where = "key_drivers"
    method = check_choice(method, _METHODS, "method", where)  # type: ignore[assignment]
    level = check_confidence_level(confidence_level, where)
    check_nan_policy(nan_policy, where, ("omit", "raise"))
    b = check_count(n_resamples, where, "n_resamples")
    gen = check_rng(rng, where)
    tgt: object = target
    if not isinstance(tgt, str):
        msg = (
            f"The 'target' parameter of {where} must be a column name. "
            f"Got {type(tgt).__name__} instead."
        )
        raise InputError(msg)
    table = read(
        data,
        where=where,
        columns=columns,
        roles={"items": items, "target": target},
        weights=weights,
        segments=segments,
        accept=("rows", "lazy", "moments"),
    )
    names, target = _drivers(table, where)
    cols = (*names, target)

    def fit(part: Table, _segment: str | None) -> ImportanceResult:
        m = part.moments(cols, nan_policy=nan_policy, name="items")
        reps = None
        if b > 0:
            _point(m, names, method, where)  # refuse a singular sample first
            batch = part.bootstrap(cols, n_resamples=b, rng=gen)
            reps = _replicates(batch, method, where)
        return _result(m, names, target, method, level, table.backend, reps, where)

    return fit_segments(table, fit, [(cols, "listwise", nan_policy)])


def shapley_importance(
    data: object,
    *,
    target: str,
    items: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    n_resamples: int = 0,
    confidence_level: float = 0.95,
    rng: object = None,
) -> ImportanceResult:
    r"""Shapley value (LMG) decomposition of R-squared over the drivers.

    :math:`\phi_j = \sum_{S \subseteq P \setminus \{j\}}
    \frac{|S|!\,(p-|S|-1)!}{p!}\,[R^2(S \cup \{j\}) - R^2(S)]`
    (Lipovetsky & Conklin 2001, eq. 9; identical to LMG, Lindeman et al.
    1980 and Grömping 2006). All :math:`2^p` subset :math:`R^2` come from
    one correlation matrix. See :func:`key_drivers` for the parameters,
    errors and the minimum sample (p + 2 respondents).

    Returns
    -------
    ImportanceResult

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.csi import shapley_importance
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=(500, 3))
    >>> y = x @ np.array([0.5, 0.3, 0.0]) + rng.normal(size=500)
    >>> data = np.column_stack([x, y])
    >>> r = shapley_importance(data, columns=["a", "b", "c", "y"], target="y")
    >>> bool(np.isclose(sum(r.importance.values()), r.r_squared))
    True
    """
    if design is not None:
        return fit_with_design(shapley_importance, locals())
    return key_drivers(
        data,
        target=target,
        items=items,
        method="shapley",
        columns=columns,
        weights=weights,
        segments=segments,
        nan_policy=nan_policy,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        rng=rng,
    )


def relative_weights(
    data: object,
    *,
    target: str,
    items: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    n_resamples: int = 0,
    confidence_level: float = 0.95,
    rng: object = None,
) -> ImportanceResult:
    r"""Johnson's (2000) relative weights (they sum to R-squared).

    With :math:`R_{xx} = P \Lambda P^\top` and :math:`\Lambda^* = P
    \Lambda^{1/2} P^\top`, :math:`\beta = \Lambda^{*-1} r_{xy}` and
    :math:`\epsilon_j = \sum_k \Lambda^{*2}_{jk} \beta_k^2` (Johnson 2000,
    eqs. 1-5). See :func:`key_drivers` for the parameters, errors and the
    minimum sample (p + 2 respondents).

    Returns
    -------
    ImportanceResult

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.csi import relative_weights
    >>> rng = np.random.default_rng(2)
    >>> x = rng.normal(size=(400, 2))
    >>> data = {"a": x[:, 0], "b": x[:, 1], "y": x[:, 0] + rng.normal(size=400)}
    >>> r = relative_weights(data, target="y")
    >>> bool(np.isclose(sum(r.importance.values()), r.r_squared))
    True
    """
    if design is not None:
        return fit_with_design(relative_weights, locals())
    return key_drivers(
        data,
        target=target,
        items=items,
        method="relative_weights",
        columns=columns,
        weights=weights,
        segments=segments,
        nan_policy=nan_policy,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        rng=rng,
    )
