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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level, validated
from ..data import _frames
from ..exceptions import EstimationError, InputError
from ..results._base import ConfidenceInterval, ResultMixin
from ..results._summary import Summary, table
from ..stats.moments import Moments, moments_of
from ._common import column_data
from ._options import DriverMethod, DriverOptions

__all__ = [
    "ImportanceResult",
    "key_drivers",
    "relative_weights",
    "shapley_importance",
]

_MAX_SHAPLEY = 20
#: Elements of the batched (m, k, k) subset matrices solved at once.
_CHUNK = 2_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportanceResult(ResultMixin):
    """Derived importance of each driver for an outcome.

    Attributes
    ----------
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
    outcome : str
    n : int
        Respondents used.
    n_missing : int
        Respondents excluded for missing values (listwise) or zero weight.
    ci_low, ci_high : dict of str to float
        Bootstrap percentile intervals (empty without ``n_bootstrap``).
    n_bootstrap : int
    confidence_level : float
    """

    importance: dict[str, float]
    share: dict[str, float]
    r_squared: float
    method: str
    outcome: str
    n: int
    n_missing: int
    ci_low: dict[str, float] = field(default_factory=dict)
    ci_high: dict[str, float] = field(default_factory=dict)
    n_bootstrap: int = 0
    confidence_level: float = 0.95
    _replicates: FloatArray | None = field(default=None, repr=False)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Bootstrap percentile interval per driver (needs ``n_bootstrap``)."""
        level = check_confidence_level(
            confidence_level, "ImportanceResult.confidence_interval"
        )
        if self._replicates is None:
            msg = (
                "This ImportanceResult has no bootstrap replicates; call it with "
                "n_bootstrap > 0."
            )
            raise InputError(msg)
        lo, hi = _percentiles(self._replicates, level)
        names = list(self.importance)
        return ConfidenceInterval(
            dict(zip(names, lo.tolist(), strict=True)),
            dict(zip(names, hi.tolist(), strict=True)),
        )

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "driver": k,
                "importance": v,
                "share": self.share[k],
                "ci_low": self.ci_low.get(k, math.nan),
                "ci_high": self.ci_high.get(k, math.nan),
                "method": self.method,
            }
            for k, v in self.importance.items()
        ]

    def summary(self) -> Summary:
        """Table of importance, share and (bootstrap) interval per driver."""
        rows = [
            [r["driver"], r["importance"], r["share"], r["ci_low"], r["ci_high"]]
            for r in self._records()
        ]
        return Summary(
            title=f"Key drivers of {self.outcome} ({self.method})",
            tables=(
                table(
                    "",
                    ["driver", "importance", "share", "ci_low", "ci_high"],
                    rows,
                    digits=4,
                ),
            ),
            notes=(
                f"R-squared = {self.r_squared:.4f}, n = {self.n} ({self.n_missing} "
                "excluded).",
            ),
        )


# ------------------------------------------------------------------ kernels
def _popcount(
    masks: np.ndarray[tuple[int], np.dtype[np.int64]], p: int
) -> np.ndarray[tuple[int], np.dtype[np.int64]]:
    """Count the set bits of each mask (O(2^p) memory)."""
    sizes = np.zeros(masks.shape[0], dtype=np.int64)
    for j in range(p):
        sizes += (masks >> j) & 1
    return sizes


def _subset_r2(R: FloatArray, r: FloatArray) -> FloatArray:
    r"""R-squared of every subset of drivers, indexed by bitmask.

    :math:`R^2(S) = r_S^\top R_{SS}^{-1} r_S` for the correlation matrix
    :math:`R` of the drivers and their correlations :math:`r` with the
    outcome. Subsets are processed by size k in batches of (m, k, k)
    systems solved at once by ``numpy.linalg.solve``.
    """
    p = R.shape[0]
    masks = np.arange(1 << p, dtype=np.int64)
    sizes = _popcount(masks, p)
    out = np.zeros(1 << p)
    positions = np.arange(p)
    for k in range(1, p + 1):
        ks = masks[sizes == k]
        step = max(1, _CHUNK // (k * k))
        for start in range(0, ks.shape[0], step):
            block = ks[start : start + step]
            bits = ((block[:, None] >> positions) & 1).astype(bool)
            idx = np.nonzero(bits)[1].reshape(block.shape[0], k)
            sub = R[idx[:, :, None], idx[:, None, :]]
            rs = r[idx]
            sol = np.linalg.solve(sub, rs[:, :, None])[:, :, 0]
            out[block] = np.einsum("mk,mk->m", rs, sol)
    return out


def _shapley_from_r2(r2: FloatArray, p: int) -> FloatArray:
    r"""Return the Shapley values of the subset R-squared function.

    :math:`\phi_j = \sum_{S \not\ni j} \frac{|S|!(p-|S|-1)!}{p!}
    (R^2(S \cup j) - R^2(S))` (Lipovetsky & Conklin 2001, eq. 9), evaluated
    as :math:`\phi_j = \sum_{S \ni j} c_{|S|-1} R^2(S) - \sum_{S \not\ni j}
    c_{|S|} R^2(S)` with :math:`c_s = s!(p-s-1)!/p!`: one masked sum over
    the :math:`2^p` subsets per driver.
    """
    masks = np.arange(1 << p, dtype=np.int64)
    sizes = _popcount(masks, p)
    c = np.array(
        [
            math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p)
            for s in range(p)
        ]
    )
    weighted_in = np.concatenate([[0.0], c])[sizes] * r2  # c_{|S|-1} R2(S)
    weighted_out = np.concatenate([c, [0.0]])[sizes] * r2  # c_{|S|} R2(S)
    phi = np.empty(p)
    for j in range(p):
        member = ((masks >> j) & 1).astype(bool)
        phi[j] = weighted_in[member].sum() - weighted_out[~member].sum()
    return phi


def _relative_weights(R: FloatArray, r: FloatArray) -> FloatArray:
    r"""Johnson's (2000) relative weights.

    With :math:`R_{xx} = P \Lambda P^\top`, :math:`\Lambda^* = P \Lambda^{1/2}
    P^\top` (correlations of X with its best orthonormal approximation Z),
    :math:`\beta = \Lambda^{*-1} r_{xy}` and
    :math:`\epsilon_j = \sum_k \Lambda^{*2}_{jk} \beta_k^2` (Johnson 2000,
    eqs. 1-5); the weights sum to :math:`R^2`.
    """
    vals, vecs = np.linalg.eigh(R)
    lam_half = (vecs * np.sqrt(np.clip(vals, 0.0, None))) @ vecs.T
    beta = np.linalg.solve(lam_half, r)
    return np.asarray((lam_half**2) @ (beta**2))


def _importance_kernel(C: FloatArray, method: str) -> tuple[FloatArray, float]:
    """Return importance and R-squared from the correlation matrix (outcome last)."""
    R = C[:-1, :-1]
    r = C[:-1, -1]
    p = R.shape[0]
    beta = np.linalg.solve(R, r)
    r2 = float(r @ beta)
    if method == "correlation":
        return r.copy(), r2
    if method == "regression":
        return np.asarray(beta, dtype=np.float64), r2
    if method == "relative_weights":
        return _relative_weights(R, r), r2
    return _shapley_from_r2(_subset_r2(R, r), p), r2


def _percentiles(reps: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    a = (1 - level) / 2
    return np.quantile(reps, a, axis=0), np.quantile(reps, 1 - a, axis=0)


# ----------------------------------------------------------------- boundary
def _driver_moments(
    drivers: object,
    overall: object,
    *,
    columns: Sequence[str] | None,
    weights: object,
    nan_policy: Literal["omit", "raise"],
    where: str,
) -> tuple[Moments, tuple[str, ...], str, FloatArray | None, FloatArray | None]:
    """Return the Moments of (drivers..., outcome) and the rows.

    The in-memory matrix and weights are returned when available (for the
    bootstrap), else None.
    """
    if isinstance(overall, str):
        if isinstance(drivers, Moments):
            names = (
                tuple(columns)
                if columns is not None
                else tuple(c for c in drivers.columns if c != overall)
            )
            if overall not in drivers.columns:
                msg = (
                    f"The 'overall' column {overall!r} of {where} is not in the "
                    f"Moments columns {list(drivers.columns)}."
                )
                raise InputError(msg)
            return drivers.select([*names, overall]), names, overall, None, None
        if _frames.is_lazy(drivers):
            if columns is None:
                msg = f"{where} needs 'columns' (the driver columns) for a lazy frame."
                raise InputError(msg)
            names = tuple(columns)
            m = moments_of(
                drivers,
                columns=[*names, overall],
                weights=weights,
                nan_policy=nan_policy,
                name="drivers",
                where=where,
            )
            return m, names, overall, None, None
        if not _frames.is_frame(drivers):
            msg = (
                f"The 'overall' parameter of {where} is a column name ({overall!r}), "
                "so 'drivers' must be a dataframe or Moments."
            )
            raise InputError(msg)
        if columns is None:
            allc = _frames.as_table(drivers, name="drivers", where=where).columns
            wcol = weights if isinstance(weights, str) else None
            names = tuple(c for c in allc if c not in (overall, wcol))
        else:
            names = tuple(columns)
        x, cols, w, _ = column_data(
            drivers,
            columns=[*names, overall],
            weights=weights,
            name="drivers",
            where=where,
        )
    else:
        xd, dcols, w, _ = column_data(
            drivers, columns=columns, weights=weights, name="drivers", where=where
        )
        try:
            y = np.asarray(overall, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            msg = (
                f"The 'overall' parameter of {where} must be numeric or a column name."
            )
            raise InputError(msg) from exc
        if y.ndim != 1 or y.shape[0] != xd.shape[0]:
            msg = (
                f"The 'overall' parameter of {where} must have one value per "
                f"respondent ({xd.shape[0]}). Got shape {y.shape}."
            )
            raise InputError(msg)
        names = dcols
        overall = "overall"
        if overall in names:
            overall = "overall_"
        x = np.column_stack([xd, y])
        cols = (*names, overall)
    if len(names) < 1:
        msg = f"{where} needs at least one driver column."
        raise InputError(msg)
    m = moments_of(
        x, columns=cols, weights=w, nan_policy=nan_policy, name="drivers", where=where
    )
    return m, names, str(overall), x, w


def key_drivers(
    drivers: object,
    overall: object,
    *,
    method: DriverMethod = "shapley",
    columns: Sequence[str] | None = None,
    weights: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    n_bootstrap: int = 0,
    confidence_level: float = 0.95,
    rng: np.random.Generator | int | None = None,
) -> ImportanceResult:
    r"""Estimate the derived importance of drivers (key-driver analysis).

    Parameters
    ----------
    drivers : array_like, dataframe or Moments
        Respondents x drivers (array or frame), or a frame / Moments that
        also holds the outcome column named by ``overall``.
    overall : array_like or str
        The outcome (overall satisfaction): one value per respondent, or the
        name of a column of ``drivers``.
    method : {"shapley", "relative_weights", "correlation", "regression"}
        Shapley value / LMG decomposition of R-squared; Johnson's (2000)
        relative weights; the driver-outcome correlation; or the
        standardized regression coefficient.
    columns : sequence of str, optional
        Driver columns (default: every other column).
    weights : array_like or str, optional
        Case weights.
    nan_policy : {"omit", "raise"}
        Listwise exclusion (counted in ``n_missing``) or raise.
    n_bootstrap : int
        Bootstrap replicates for percentile intervals (0: none); replicate
        moments are computed at once by :meth:`Moments.bootstrap`.
    confidence_level : float
    rng : numpy.random.Generator or int, optional
        Seed for the bootstrap.

    Returns
    -------
    ImportanceResult

    Raises
    ------
    EstimationError
        Perfectly collinear drivers (singular correlation matrix).

    Notes
    -----
    Everything comes from the correlation matrix :math:`C` of (drivers,
    outcome). Shapley / LMG values and relative weights each sum to the full
    :math:`R^2 = r^\top R^{-1} r`; with uncorrelated drivers both equal the
    squared correlations. The Shapley values are checked against a brute
    force average over all p! orders and against R (``lm`` over all orders)
    on the ``swiss`` data (Grömping 2006 uses the same data) in the tests.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.csi import key_drivers
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(1000, 2))
    >>> y = 0.8 * x[:, 0] + 0.2 * x[:, 1] + rng.normal(scale=0.5, size=1000)
    >>> r = key_drivers(x, y, method="regression", columns=["price", "staff"])
    >>> {k: round(v, 1) for k, v in r.importance.items()}
    {'price': 0.8, 'staff': 0.2}
    """
    where = "key_drivers"
    opts = validated(
        DriverOptions,
        where,
        method=method,
        n_bootstrap=n_bootstrap,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
    )
    level, n_bootstrap = opts.confidence_level, opts.n_bootstrap
    m, names, outcome, x, w = _driver_moments(
        drivers,
        overall,
        columns=columns,
        weights=weights,
        nan_policy=nan_policy,
        where=where,
    )
    p = len(names)
    if method == "shapley" and p > _MAX_SHAPLEY:
        msg = (
            f"Shapley importance needs 2^p subset regressions; p = {p} drivers "
            f"exceeds the limit of {_MAX_SHAPLEY}."
        )
        raise InputError(msg)
    C = m.correlation()
    if not np.all(np.isfinite(C)):
        bad = [
            c
            for c, v in zip(m.columns, np.diagonal(C), strict=True)
            if not np.isfinite(v)
        ]
        msg = (
            f"{where}: column(s) {bad} have no variance (or too few rows); importance "
            "is undefined."
        )
        raise EstimationError(msg)
    eig = np.linalg.eigvalsh(C[:-1, :-1])
    if eig[0] <= 1e-10 * max(eig[-1], 1.0):
        msg = (
            f"{where}: the drivers {list(names)} are perfectly collinear (smallest "
            f"eigenvalue of their correlation matrix {eig[0]:.3g})."
        )
        raise EstimationError(msg)
    imp, r2 = _importance_kernel(C, method)
    reps = None
    lo_d: dict[str, float] = {}
    hi_d: dict[str, float] = {}
    if n_bootstrap > 0:
        if x is None:
            msg = (
                f"{where}: the bootstrap needs the rows in memory (arrays or eager "
                "frames), not Moments or a lazy frame."
            )
            raise InputError(msg)
        batch = Moments.bootstrap(
            x, n_replicates=n_bootstrap, columns=list(m.columns), weights=w, rng=rng
        )
        Cs = batch.correlation()
        reps = np.vstack(
            [_importance_kernel(Cs[b], method)[0] for b in range(n_bootstrap)]
        )
        lo, hi = _percentiles(reps, level)
        lo_d = dict(zip(names, lo.tolist(), strict=True))
        hi_d = dict(zip(names, hi.tolist(), strict=True))
    total = float(np.sum(imp))
    return ImportanceResult(
        importance=dict(zip(names, imp.tolist(), strict=True)),
        share={
            k: (float(v) / total if total != 0 else math.nan)
            for k, v in zip(names, imp, strict=True)
        },
        r_squared=r2,
        method=method,
        outcome=outcome,
        n=m.n,
        n_missing=m.missing_report.rows_excluded,
        ci_low=lo_d,
        ci_high=hi_d,
        n_bootstrap=n_bootstrap,
        confidence_level=level,
        _replicates=reps,
    )


def shapley_importance(
    drivers: object,
    overall: object,
    *,
    columns: Sequence[str] | None = None,
    weights: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    n_bootstrap: int = 0,
    confidence_level: float = 0.95,
    rng: np.random.Generator | int | None = None,
) -> ImportanceResult:
    r"""Shapley value (LMG) decomposition of R-squared over the drivers.

    :math:`\phi_j = \sum_{S \subseteq P \setminus \{j\}}
    \frac{|S|!\,(p-|S|-1)!}{p!}\,[R^2(S \cup \{j\}) - R^2(S)]`
    (Lipovetsky & Conklin 2001; identical to LMG, Lindeman et al. 1980 and
    Grömping 2006). All :math:`2^p` subset :math:`R^2` come from one
    correlation matrix. See :func:`key_drivers` for the parameters.

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
    >>> r = shapley_importance(x, y)
    >>> bool(np.isclose(sum(r.importance.values()), r.r_squared))
    True
    """
    return key_drivers(
        drivers,
        overall,
        method="shapley",
        columns=columns,
        weights=weights,
        nan_policy=nan_policy,
        n_bootstrap=n_bootstrap,
        confidence_level=confidence_level,
        rng=rng,
    )


def relative_weights(
    drivers: object,
    overall: object,
    *,
    columns: Sequence[str] | None = None,
    weights: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    n_bootstrap: int = 0,
    confidence_level: float = 0.95,
    rng: np.random.Generator | int | None = None,
) -> ImportanceResult:
    r"""Johnson's (2000) relative weights (they sum to R-squared).

    See :func:`key_drivers` for the parameters and
    :func:`satmodels.csi._drivers._relative_weights` for the formula.

    Returns
    -------
    ImportanceResult

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.csi import relative_weights
    >>> rng = np.random.default_rng(2)
    >>> x = rng.normal(size=(400, 2))
    >>> r = relative_weights(x, x[:, 0] + rng.normal(size=400))
    >>> bool(np.isclose(sum(r.importance.values()), r.r_squared))
    True
    """
    return key_drivers(
        drivers,
        overall,
        method="relative_weights",
        columns=columns,
        weights=weights,
        nan_policy=nan_policy,
        n_bootstrap=n_bootstrap,
        confidence_level=confidence_level,
        rng=rng,
    )
