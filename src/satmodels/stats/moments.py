r"""Mergeable sufficient statistics: counts, means and centred cross-products.

Every model in satmodels is fitted from a :class:`Moments` object rather than
from the rows (DESIGN.md). A Moments holds, for p columns, the number of
rows, the sum of case weights, the means and the centred cross-product
(co-moment) matrix; two Moments computed on disjoint parts of a data set merge
*exactly* into the Moments of the whole, with the pairwise update of Chan,
Golub & LeVeque (1979, eq. 2.1 generalised to co-moments and weights):

.. math::

    W = W_a + W_b, \qquad \delta = \bar x_b - \bar x_a, \qquad
    \bar x = \bar x_a + \delta \, W_b / W,

    C = C_a + C_b + \delta \delta^\top \, W_a W_b / W.

Missing values are handled *listwise* (a row with any missing value in the
selected columns is excluded, and counted) or *pairwise* (each pair of
columns uses the rows where both are observed). To make pairwise statistics
mergeable too, every quantity is stored per pair (i, j): the number of rows,
the weight sum, the mean of column i over the rows where i and j are both
observed, the co-moment, and the sum of squares of column i over those rows
(which gives the pairwise-complete correlation that pandas' ``DataFrame.corr``
reports). Under listwise deletion all pairs share the same rows.

The same class holds a *batch* of bootstrap replicates: every array then has
a leading replicate axis (``moments.n_replicates``), and ``covariance()`` and
``correlation()`` return one matrix per replicate.

References
----------
.. [1] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1979). Updating formulae
   and a pairwise algorithm for computing sample variances. Technical Report
   STAN-CS-79-773, Stanford University.
.. [2] Efron, B. (1979). Bootstrap methods: another look at the jackknife.
   Annals of Statistics, 7(1), 1-26.
.. [3] Hanley, J. A., & MacGibbon, B. (2006). Creating non-parametric
   bootstrap samples using Poisson frequencies. Computer Methods and Programs
   in Biomedicine, 83(1), 57-62.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray
from ..data import _frames
from ..exceptions import InputError
from ..results._base import ResultMixin
from ..results._summary import Summary, table

__all__ = ["MissingReport", "Moments", "moments_of"]

Missing = Literal["listwise", "pairwise"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MissingReport(ResultMixin):
    """Which rows and cells a statistic used, and which it excluded and why.

    Attributes
    ----------
    rows_total : int
        Rows in the input.
    rows_used : int
        Rows that contributed to at least one statistic (listwise: rows with
        every selected column observed and a positive weight).
    rows_excluded : int
        ``rows_total - rows_used``.
    reasons : dict of str to int
        Excluded rows by reason, e.g. ``{"missing value (listwise)": 12}``.
    column_missing : dict of str to int
        Missing (NaN/null) cells per column.
    missing : {"listwise", "pairwise"}
        The missing-data method.
    """

    rows_total: int
    rows_used: int
    rows_excluded: int
    reasons: dict[str, int]
    column_missing: dict[str, int]
    missing: str

    def merge(self, other: MissingReport) -> MissingReport:
        """Sum two reports (of disjoint parts of one data set)."""
        reasons = dict(self.reasons)
        for k, v in other.reasons.items():
            reasons[k] = reasons.get(k, 0) + v
        cols = dict(self.column_missing)
        for k, v in other.column_missing.items():
            cols[k] = cols.get(k, 0) + v
        return MissingReport(
            rows_total=self.rows_total + other.rows_total,
            rows_used=self.rows_used + other.rows_used,
            rows_excluded=self.rows_excluded + other.rows_excluded,
            reasons=reasons,
            column_missing=cols,
            missing=self.missing,
        )

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = [
            {"item": "rows_total", "count": self.rows_total},
            {"item": "rows_used", "count": self.rows_used},
            {"item": "rows_excluded", "count": self.rows_excluded},
        ]
        rows += [
            {"item": f"excluded: {k}", "count": v} for k, v in self.reasons.items()
        ]
        rows += [
            {"item": f"missing cells: {k}", "count": v}
            for k, v in self.column_missing.items()
        ]
        return rows

    def summary(self) -> Summary:
        """Return a printable summary of the missing-data account."""
        rows = [(r["item"], r["count"]) for r in self._records()]
        return Summary(
            title=f"Missing data ({self.missing})",
            tables=(table("", ("", "count"), rows),),
        )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Moments(ResultMixin):
    """Mergeable first and second moments of p columns (or a batch of them).

    Build with :meth:`Moments.from_data` (arrays, eager or lazy frames),
    :meth:`Moments.from_covariance` (a published matrix) or
    :meth:`Moments.bootstrap` (replicates). Arrays below have shape
    ``(p, p)``, or ``(B, p, p)`` for a batch of B replicates.

    Attributes
    ----------
    columns : tuple of str
        Column names.
    count : ndarray of int
        Rows contributing to each pair (i, j); the diagonal counts column i.
    weight_sum : ndarray
        Sum of case weights over those rows (equals ``count`` unweighted).
    weight_sq_sum : ndarray
        Sum of squared case weights (for the unbiased weighted divisor and
        Kish's effective sample size).
    pair_mean : ndarray
        ``pair_mean[i, j]``: weighted mean of column i over the rows where
        i and j are both observed. Its diagonal is the mean of column i.
    comoment : ndarray
        Centred weighted cross-products ``sum w (x_i - m_i)(x_j - m_j)``.
    pair_sumsq : ndarray
        ``pair_sumsq[i, j]``: centred weighted sum of squares of column i
        over the rows where i and j are both observed.
    missing : {"listwise", "pairwise"}
        How missing values were handled.
    weighted : bool
        Whether case weights were given.
    report : MissingReport
        Rows used and excluded, and missing cells per column.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels import Moments
    >>> x = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 5.0], [4.0, 9.0]])
    >>> whole = Moments.from_data(x, columns=["a", "b"])
    >>> parts = Moments.from_data(x[:1]).merge(Moments.from_data(x[1:]))
    >>> bool(np.allclose(whole.covariance(), parts.covariance()))
    True
    >>> whole.mean.tolist()
    [2.5, 5.0]
    """

    columns: tuple[str, ...]
    count: np.ndarray[Any, np.dtype[np.int64]]
    weight_sum: FloatArray
    weight_sq_sum: FloatArray
    pair_mean: FloatArray
    comoment: FloatArray
    pair_sumsq: FloatArray
    missing: Missing
    weighted: bool
    missing_report: MissingReport
    _backend: str | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ build
    @classmethod
    def from_data(
        cls,
        data: object,
        *,
        columns: Sequence[str] | None = None,
        weights: object = None,
        missing: Missing = "listwise",
        nan_policy: Literal["omit", "raise"] = "omit",
    ) -> Moments:
        """Compute the Moments of an array, an eager frame or a lazy frame.

        Parameters
        ----------
        data : array_like or dataframe
            Respondents x items. Lazy frames (Dask, PySpark, DuckDB, polars
            LazyFrame) are aggregated on their engine; only p x p sums come
            back.
        columns : sequence of str, optional
            Columns to use (frames) or names of the array's columns.
        weights : array_like or str, optional
            Non-negative case weights (survey or post-stratification
            weights): an array with one entry per row, or the name of a
            column of ``data``. Rows with weight 0 are excluded and counted.
        missing : {"listwise", "pairwise"}
            Listwise: drop rows with any missing value in ``columns``.
            Pairwise: each pair of columns uses the rows observing both.
        nan_policy : {"omit", "raise"}
            ``"raise"``: any missing value is an :class:`InputError`.

        Returns
        -------
        Moments

        Raises
        ------
        InputError
            Non-numeric or unknown columns, infinite values, bad weights,
            missing values under ``nan_policy="raise"``, or no usable row.
        """
        return moments_of(
            data,
            columns=columns,
            weights=weights,
            missing=missing,
            nan_policy=nan_policy,
        )

    @classmethod
    def from_covariance(
        cls,
        covariance: object,
        *,
        n: int,
        mean: object = None,
        columns: Sequence[str] | None = None,
    ) -> Moments:
        """Build Moments from a published covariance (or correlation) matrix.

        Parameters
        ----------
        covariance : array_like, shape (p, p)
            Symmetric positive semi-definite matrix with divisor ``n - 1``.
        n : int
            Sample size behind the matrix.
        mean : array_like, shape (p,), optional
            Column means (zeros when omitted; the 0-100 indices need them).
        columns : sequence of str, optional
            Column names.
        """
        where = "Moments.from_covariance"
        cov = np.asarray(covariance, dtype=np.float64)
        if cov.ndim != 2 or cov.shape[0] != cov.shape[1] or cov.shape[0] == 0:
            msg = (
                f"The 'covariance' parameter of {where} must be a square matrix. "
                f"Got shape {cov.shape} instead."
            )
            raise InputError(msg)
        p = cov.shape[0]
        if not np.all(np.isfinite(cov)) or not np.allclose(cov, cov.T, atol=1e-12):
            msg = f"The 'covariance' parameter of {where} must be finite and symmetric."
            raise InputError(msg)
        if np.any(np.diag(cov) < 0):
            msg = f"The 'covariance' parameter of {where} has a negative variance."
            raise InputError(msg)
        if not isinstance(n, int | np.integer) or n < 2:
            msg = f"The 'n' parameter of {where} must be an integer >= 2. Got {n!r}."
            raise InputError(msg)
        mu = np.zeros(p) if mean is None else np.asarray(mean, dtype=np.float64)
        if mu.shape != (p,) or not np.all(np.isfinite(mu)):
            msg = (
                f"The 'mean' parameter of {where} must hold {p} finite values. "
                f"Got shape {mu.shape}."
            )
            raise InputError(msg)
        cols = (
            tuple(columns) if columns is not None else tuple(f"x{i}" for i in range(p))
        )
        if len(cols) != p:
            msg = f"The 'columns' parameter of {where} must name {p} columns."
            raise InputError(msg)
        comoment = cov * (n - 1)
        full = np.full((p, p), float(n))
        return cls(
            columns=cols,
            count=np.full((p, p), int(n), dtype=np.int64),
            weight_sum=full,
            weight_sq_sum=full.copy(),
            pair_mean=np.repeat(mu[:, None], p, axis=1),
            comoment=comoment,
            pair_sumsq=np.repeat(np.diag(comoment)[:, None], p, axis=1),
            missing="listwise",
            weighted=False,
            missing_report=MissingReport(
                rows_total=int(n),
                rows_used=int(n),
                rows_excluded=0,
                reasons={},
                column_missing=dict.fromkeys(cols, 0),
                missing="listwise",
            ),
        )

    @classmethod
    def bootstrap(
        cls,
        data: object,
        *,
        n_replicates: int = 1000,
        columns: Sequence[str] | None = None,
        weights: object = None,
        missing: Missing = "listwise",
        method: Literal["multinomial", "poisson"] = "multinomial",
        rng: np.random.Generator | int | None = None,
    ) -> Moments:
        r"""Moments of B bootstrap replicates, computed at once.

        Each replicate resamples the rows: with ``method="multinomial"`` row
        r appears :math:`k_r` times with :math:`(k_1..k_n) \sim
        \mathrm{Multinomial}(n, 1/n)` (Efron 1979); with ``"poisson"`` the
        :math:`k_r` are independent Poisson(1) (Hanley & MacGibbon 2006),
        which is what lazy engines use because it needs no global
        coordination. All replicate moments come from matrix products of
        the B x n multiplicity matrix with the rows' centred products, in
        row and replicate blocks, not from a loop of B passes.

        Parameters
        ----------
        data, columns, weights, missing
            As in :meth:`from_data`.
        n_replicates : int
            Number of replicates B.
        method : {"multinomial", "poisson"}
            Resampling scheme.
        rng : numpy.random.Generator or int, optional
            Seed or generator; results are reproducible for a fixed seed.

        Returns
        -------
        Moments
            A batch: arrays have a leading axis of length ``n_replicates``.

        Examples
        --------
        >>> import numpy as np
        >>> from satmodels import Moments
        >>> x = np.random.default_rng(0).normal(size=(200, 3))
        >>> reps = Moments.bootstrap(x, n_replicates=50, rng=1)
        >>> reps.n_replicates, reps.covariance().shape
        (50, (50, 3, 3))
        """
        where = "Moments.bootstrap"
        if not isinstance(n_replicates, int | np.integer) or n_replicates < 1:
            msg = (
                f"The 'n_replicates' parameter of {where} must be a positive "
                f"integer. Got {n_replicates!r} instead."
            )
            raise InputError(msg)
        if method not in ("multinomial", "poisson"):
            msg = (
                f"The 'method' parameter of {where} must be 'multinomial' or "
                f"'poisson'. Got {method!r} instead."
            )
            raise InputError(msg)
        if missing not in ("listwise", "pairwise"):
            msg = (
                f"The 'missing' parameter of {where} must be 'listwise' or "
                f"'pairwise'. Got {missing!r} instead."
            )
            raise InputError(msg)
        gen = np.random.default_rng(rng)
        if _frames.is_lazy(data):
            from ..engines._lazy import lazy_poisson_bootstrap  # noqa: PLC0415

            if method != "poisson":
                msg = (
                    f"{where} on a lazy frame supports only method='poisson' "
                    "(the multinomial scheme needs the whole sample in one place)."
                )
                raise InputError(msg)
            return lazy_poisson_bootstrap(
                data,
                n_replicates=int(n_replicates),
                columns=columns,
                weights=weights,
                missing=missing,
                rng=gen,
            )
        # Read the data once: the same matrix gives the full-sample Moments
        # (centring and accounting) and the replicates.
        tab = _frames.as_table(data, columns=columns, name="data", where=where)
        w = _weights_vector(data, weights, tab.values.shape[0], where)
        base = _moments_from_values(
            tab.values,
            tab.columns,
            w,
            missing=missing,
            nan_policy="omit",
            backend=tab.backend,
            where=where,
        )
        return _bootstrap_values(tab.values, base, w, int(n_replicates), method, gen)

    # ------------------------------------------------------------ properties
    @property
    def p(self) -> int:
        """Number of columns."""
        return len(self.columns)

    @property
    def n_replicates(self) -> int:
        """Number of replicates in a batch (0 for a single Moments)."""
        return 0 if self.comoment.ndim == 2 else int(self.comoment.shape[0])

    @property
    def n(self) -> int:
        """Rows used (listwise: complete rows with positive weight)."""
        return self.missing_report.rows_used

    @property
    def mean(self) -> FloatArray:
        """Column means, shape (p,) (or (B, p))."""
        return np.diagonal(self.pair_mean, axis1=-2, axis2=-1).copy()

    @property
    def nobs(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Observed rows per column, shape (p,) (or (B, p))."""
        return np.diagonal(self.count, axis1=-2, axis2=-1).copy()

    def _divisor(self, ddof: int) -> FloatArray:
        w = self.weight_sum
        with np.errstate(divide="ignore", invalid="ignore"):
            div = w - ddof * self.weight_sq_sum / w
        return np.where(w > 0, div, np.nan)

    def covariance(self, ddof: int = 1) -> FloatArray:
        r"""Covariance matrix.

        The divisor is :math:`W - \mathrm{ddof} \cdot \sum w^2 / W`
        (numpy ``np.cov`` with ``aweights``), which is ``n - ddof`` without
        weights. Pairwise: each entry from the rows observing both columns.
        """
        div = self._divisor(ddof)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(div > 0, self.comoment / div, np.nan)

    def variance(self, ddof: int = 1) -> FloatArray:
        """Column variances, shape (p,) (or (B, p))."""
        return np.diagonal(self.covariance(ddof), axis1=-2, axis2=-1).copy()

    def std(self, ddof: int = 1) -> FloatArray:
        """Column standard deviations."""
        return np.sqrt(self.variance(ddof))

    def correlation(self) -> FloatArray:
        """Pearson correlation matrix.

        Pairwise: each entry uses only the rows observing both columns for
        the co-moment *and* both sums of squares (as pandas ``corr``), so
        every entry lies in [-1, 1]; the matrix need not be positive
        semi-definite.
        """
        ss = self.pair_sumsq
        denom = np.sqrt(ss * np.swapaxes(ss, -1, -2))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(denom > 0, self.comoment / denom, np.nan)
        r = np.clip(r, -1.0, 1.0)
        idx = np.arange(self.p)
        diag_ok = np.diagonal(ss, axis1=-2, axis2=-1) > 0
        r[..., idx, idx] = np.where(diag_ok, 1.0, np.nan)
        return r

    def effective_n(self) -> FloatArray:
        r"""Kish's (1965) effective sample size :math:`W^2 / \sum w^2` per column."""
        w = np.diagonal(self.weight_sum, axis1=-2, axis2=-1)
        w2 = np.diagonal(self.weight_sq_sum, axis1=-2, axis2=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(w2 > 0, w * w / w2, 0.0)

    # ------------------------------------------------------------ operations
    def merge(self, other: Moments) -> Moments:
        """Combine with the Moments of a disjoint set of rows (exact).

        Raises
        ------
        InputError
            Different columns or missing-data methods.
        """
        if other.columns != self.columns:
            msg = (
                f"Moments.merge needs the same columns. Got {self.columns} "
                f"and {other.columns}."
            )
            raise InputError(msg)
        if other.missing != self.missing:
            msg = (
                f"Moments.merge needs the same missing-data method. Got "
                f"{self.missing!r} and {other.missing!r}."
            )
            raise InputError(msg)
        wa, wb = self.weight_sum, other.weight_sum
        w = wa + wb
        with np.errstate(divide="ignore", invalid="ignore"):
            frac_b = np.where(w > 0, wb / w, 0.0)
            cross = np.where(w > 0, wa * wb / w, 0.0)
        delta = other.pair_mean - self.pair_mean
        delta_t = np.swapaxes(delta, -1, -2)
        return replace(
            self,
            count=self.count + other.count,
            weight_sum=w,
            weight_sq_sum=self.weight_sq_sum + other.weight_sq_sum,
            pair_mean=self.pair_mean + delta * frac_b,
            comoment=self.comoment + other.comoment + delta * delta_t * cross,
            pair_sumsq=self.pair_sumsq + other.pair_sumsq + delta * delta * cross,
            weighted=self.weighted or other.weighted,
            missing_report=self.missing_report.merge(other.missing_report),
        )

    def __add__(self, other: Moments) -> Moments:
        return self.merge(other)

    def select(self, columns: Sequence[str]) -> Moments:
        """Moments of a subset (or reordering) of the columns."""
        unknown = [c for c in columns if c not in self.columns]
        if unknown:
            msg = f"Moments.select: unknown column(s) {unknown}; have {self.columns}."
            raise InputError(msg)
        idx = np.array([self.columns.index(c) for c in columns])
        ix = np.ix_(idx, idx)

        def pick(a: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
            return a[..., ix[0], ix[1]]

        return replace(
            self,
            columns=tuple(columns),
            count=pick(self.count),
            weight_sum=pick(self.weight_sum),
            weight_sq_sum=pick(self.weight_sq_sum),
            pair_mean=pick(self.pair_mean),
            comoment=pick(self.comoment),
            pair_sumsq=pick(self.pair_sumsq),
        )

    def replicate(self, b: int) -> Moments:
        """Return the b-th replicate of a batch as a single Moments."""
        if self.n_replicates == 0 or not 0 <= b < self.n_replicates:
            msg = (
                f"Moments.replicate: 'b' must be in [0, {self.n_replicates}). "
                f"Got {b!r}."
            )
            raise InputError(msg)
        return replace(
            self,
            count=self.count[b],
            weight_sum=self.weight_sum[b],
            weight_sq_sum=self.weight_sq_sum[b],
            pair_mean=self.pair_mean[b],
            comoment=self.comoment[b],
            pair_sumsq=self.pair_sumsq[b],
        )

    # ---------------------------------------------------------------- output
    def _records(self) -> list[dict[str, object]]:
        if self.n_replicates:
            msg = "to_frame is for a single Moments; use replicate(b) first."
            raise InputError(msg)
        mean, sd, nobs = self.mean, self.std(), self.nobs
        cov = self.covariance()
        rows: list[dict[str, object]] = []
        for i, ci in enumerate(self.columns):
            rows.append(
                {"statistic": "n", "column": ci, "other": None, "value": float(nobs[i])}
            )
            rows.append(
                {
                    "statistic": "mean",
                    "column": ci,
                    "other": None,
                    "value": float(mean[i]),
                }
            )
            rows.append(
                {"statistic": "std", "column": ci, "other": None, "value": float(sd[i])}
            )
            for j, cj in enumerate(self.columns):
                rows.append(
                    {
                        "statistic": "covariance",
                        "column": ci,
                        "other": cj,
                        "value": float(cov[i, j]),
                    }
                )
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: columns, n, means, covariance, correlation."""
        from ..results._base import jsonable  # noqa: PLC0415

        return {
            "columns": list(self.columns),
            "n": self.n,
            "missing": self.missing,
            "weighted": self.weighted,
            "n_replicates": self.n_replicates,
            "nobs": jsonable(self.nobs),
            "mean": jsonable(self.mean),
            "covariance": jsonable(self.covariance()),
            "correlation": jsonable(self.correlation()),
            "missing_report": self.missing_report.to_dict(),
        }

    def summary(self) -> Summary:
        """Means, standard deviations and observed rows per column."""
        if self.n_replicates:
            title = f"Moments: {self.n_replicates} bootstrap replicates"
            return Summary(title=title, notes=(f"columns: {', '.join(self.columns)}",))
        mean, sd, nobs = self.mean, self.std(), self.nobs
        rows = [
            (c, int(nobs[i]), float(mean[i]), float(sd[i]))
            for i, c in enumerate(self.columns)
        ]
        rep = self.missing_report
        notes = (
            f"{rep.rows_used} of {rep.rows_total} rows used ({self.missing}); "
            f"{rep.rows_excluded} excluded"
            + (
                ": " + ", ".join(f"{k} {v}" for k, v in rep.reasons.items())
                if rep.reasons
                else "."
            ),
        )
        return Summary(
            title="Moments",
            tables=(table("", ("column", "n", "mean", "std"), rows),),
            notes=notes,
        )

    def __repr__(self) -> str:
        batch = f", n_replicates={self.n_replicates}" if self.n_replicates else ""
        return (
            f"Moments(columns={list(self.columns)}, n={self.n}, "
            f"missing={self.missing!r}{batch})"
        )


def moments_of(
    data: object,
    *,
    columns: Sequence[str] | None = None,
    weights: object = None,
    missing: Missing = "listwise",
    nan_policy: Literal["omit", "raise"] = "omit",
    name: str = "data",
    where: str = "Moments.from_data",
) -> Moments:
    """:meth:`Moments.from_data` with the caller's names in error messages.

    Model functions call this so that a bad matrix is reported as, e.g.,
    "The 'items' parameter of cronbach_alpha has 3 missing value(s) ...",
    naming the parameter the user actually passed.
    """
    if missing not in ("listwise", "pairwise"):
        msg = (
            f"The 'missing' parameter of {where} must be 'listwise' or "
            f"'pairwise'. Got {missing!r} instead."
        )
        raise InputError(msg)
    if nan_policy not in ("omit", "raise"):
        msg = (
            f"The 'nan_policy' parameter of {where} must be 'omit' or "
            f"'raise'. Got {nan_policy!r} instead."
        )
        raise InputError(msg)
    if _frames.is_lazy(data):
        from ..engines._lazy import lazy_moments  # noqa: PLC0415 - engines on demand

        return lazy_moments(
            data,
            columns=columns,
            weights=weights,
            missing=missing,
            nan_policy=nan_policy,
            where=where,
            name=name,
        )
    weight_col = weights if isinstance(weights, str) else None
    tab = _frames.as_table(data, columns=columns, name=name, where=where)
    w = _weights_vector(data, weights, tab.values.shape[0], where)
    if weight_col is not None and weight_col in tab.columns:
        msg = f"The weights column {weight_col!r} is also listed in 'columns'."
        raise InputError(msg)
    return _moments_from_values(
        tab.values,
        tab.columns,
        w,
        missing=missing,
        nan_policy=nan_policy,
        backend=tab.backend,
        where=where,
        name=name,
    )


# Kernels live in _moments_kernels; re-exported for the engine and model modules.
from ._moments_kernels import (  # noqa: E402
    _bootstrap_values,
    _moments_from_values,
)
from ._moments_kernels import _pairs_from_sums as _pairs_from_sums  # noqa: E402, PLC0414
from ._moments_kernels import _row_products as _row_products  # noqa: E402, PLC0414
from ._moments_kernels import _weights_vector as _weights_vector  # noqa: E402, PLC0414
