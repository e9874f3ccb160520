r"""Mergeable sufficient statistics: counts, means and centred cross-products.

Every model in satmodels is fitted from a :class:`Moments` object rather than
from the rows. A Moments holds, for p columns, the number of
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
a leading replicate axis (``moments.n_resamples``), and ``covariance()`` and
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
from .._validation import check_rng
from ..engines import MomentSums
from ..exceptions import InputError
from ..results._base import ResultMixin
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ._moments_kernels import (
    check_choice,
    check_options,
    covariance_sums,
    moments_fields,
    read_columns,
    to_sums,
)
from ._report import MissingReport

__all__ = ["MissingReport", "Moments"]

Missing = Literal["listwise", "pairwise", "em"]


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
    missing : {"listwise", "pairwise", "em"}
        How missing values were handled (``"em"``: maximum likelihood
        estimates under multivariate normality by EM, see
        :mod:`satmodels.stats._em`).
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
        data : array_like, mapping of columns, dataframe, lazy frame or Moments
            Respondents x items. Lazy frames (Dask, PySpark, DuckDB, polars
            LazyFrame) are aggregated on their engine; only p x p sums come
            back. Moments give their selected columns.
        columns : sequence of str, optional
            Columns to use (frames, mappings) or names of the array's
            columns (as in ``pandas.DataFrame(data, columns=...)``).
        weights : array_like or str, optional
            Non-negative case weights (survey or post-stratification
            weights): an array with one entry per row, or the name of a
            column of ``data``. Rows with weight 0 are excluded and counted.
        missing : {"listwise", "pairwise", "em"}
            Listwise: drop rows with any missing value in ``columns``.
            Pairwise: each pair of columns uses the rows observing both.
            EM: maximum likelihood means and covariances of multivariate
            normal data missing at random (Dempster, Laird & Rubin 1977),
            from per-pattern statistics computed in one pass (on the engine
            for a lazy frame); the report counts the cells filled in.
        nan_policy : {"omit", "raise"}
            ``"raise"``: any missing value is an :class:`InputError`.

        Returns
        -------
        Moments

        Raises
        ------
        InputError
            Non-numeric or unknown columns, infinite values, bad weights,
            missing values under ``nan_policy="raise"``, sums that overflow
            float64, or no usable row.

        Examples
        --------
        >>> from satmodels import Moments
        >>> from satmodels.datasets import load_sample_survey
        >>> m = Moments.from_data(
        ...     load_sample_survey(), columns=["sat1", "sat2"], weights="weight"
        ... )
        >>> m.columns, m.n > 0
        (('sat1', 'sat2'), True)
        """
        where = "Moments.from_data"
        check_options(missing, nan_policy, where)
        tab = read_columns(
            data, columns, weights, where, accept=("rows", "lazy", "moments")
        )
        return tab.moments(missing=missing, nan_policy=nan_policy)

    @classmethod
    def _from_sums(
        cls,
        sums: MomentSums,
        *,
        backend: str | None,
        where: str,
        name: str = "data",
    ) -> Moments:
        """Build Moments from an engine's typed sums (refusing overflow)."""
        return cls(**moments_fields(sums, where=where, name=name), _backend=backend)

    def _sums(self) -> MomentSums:
        """Return this Moments as the engines' typed sums."""
        return to_sums(self)

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
        sums = covariance_sums(covariance, n=n, mean=mean, columns=columns, where=where)
        return cls._from_sums(sums, backend=None, where=where, name="covariance")

    @classmethod
    def bootstrap(
        cls,
        data: object,
        *,
        n_resamples: int = 1000,
        columns: Sequence[str] | None = None,
        weights: object = None,
        missing: Missing = "listwise",
        method: Literal["multinomial", "poisson"] = "multinomial",
        rng: np.random.Generator | np.random.SeedSequence | int | None = None,
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
        n_resamples : int
            Number of replicates B (as in ``scipy.stats.bootstrap``).
        method : {"multinomial", "poisson"}
            Resampling scheme.
        rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
            Source of randomness; results are reproducible for a fixed seed.

        Returns
        -------
        Moments
            A batch: arrays have a leading axis of length ``n_resamples``.

        Raises
        ------
        InputError
            A bad ``n_resamples``, ``method``, ``missing`` or ``rng``, and
            everything :meth:`from_data` refuses.

        Examples
        --------
        >>> import numpy as np
        >>> from satmodels import Moments
        >>> x = np.random.default_rng(0).normal(size=(200, 3))
        >>> reps = Moments.bootstrap(x, n_resamples=50, rng=1)
        >>> reps.n_resamples, reps.covariance().shape
        (50, (50, 3, 3))
        """
        where = "Moments.bootstrap"
        if (
            not isinstance(n_resamples, int | np.integer)
            or isinstance(n_resamples, bool)
            or n_resamples < 1
        ):
            msg = (
                f"The 'n_resamples' parameter of {where} must be a positive "
                f"integer. Got {n_resamples!r} instead."
            )
            raise InputError(msg)
        check_choice(method, "method", ("multinomial", "poisson"), where)
        check_options(missing, "omit", where)
        gen = check_rng(rng, where)

        tab = read_columns(data, columns, weights, where, accept=("rows", "lazy"))
        if tab.kind == "lazy" and method != "poisson":
            msg = (
                f"{where} on a lazy frame supports only method='poisson' "
                "(the multinomial scheme needs the whole sample in one place)."
            )
            raise InputError(msg)
        return tab.bootstrap(
            n_resamples=int(n_resamples), rng=gen, missing=missing, method=method
        )

    # ------------------------------------------------------------ properties
    @property
    def p(self) -> int:
        """Number of columns."""
        return len(self.columns)

    @property
    def n_resamples(self) -> int:
        """Number of replicates in a batch (0 for a single Moments)."""
        return 0 if self.comoment.ndim == 2 else int(self.comoment.shape[0])

    @property
    def n(self) -> int:
        """Rows used (listwise: complete rows with positive weight)."""
        return self.missing_report.rows_used

    @property
    def mean(self) -> FloatArray:
        """Column means, shape (p,) (or (B, p)); NaN for a column nobody answered.

        A column without observed rows (or whose rows all have weight 0)
        has no mean: NaN, never the 0 that ``pair_mean`` stores for it (the
        neutral value of :meth:`merge`).
        """
        mean = np.diagonal(self.pair_mean, axis1=-2, axis2=-1).copy()
        observed = np.diagonal(self.weight_sum, axis1=-2, axis2=-1) > 0
        return np.where(observed, mean, np.nan)

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
        """Column standard deviations.

        A variance a rounding error below zero (the centred sum of squares
        of a constant column is ``P - s^2 / W``, which may end at -1e-17)
        is 0; NaN stays NaN.
        """
        var = self.variance(ddof)
        return np.sqrt(np.where(var < 0, 0.0, var))

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
        if "em" in (self.missing, other.missing):
            msg = (
                "Moments.merge cannot merge EM estimates (missing='em'): EM is "
                "fitted to the whole sample. Compute the Moments of the "
                "combined data with missing='em' instead."
            )
            raise InputError(msg)
        if other.missing != self.missing:
            msg = (
                f"Moments.merge needs the same missing-data method. Got "
                f"{self.missing!r} and {other.missing!r}."
            )
            raise InputError(msg)
        merged = self._sums().merge(other._sums())
        m = merged.moments
        return replace(
            self,
            count=m.count,
            weight_sum=m.weight_sum,
            weight_sq_sum=m.weight_sq_sum,
            pair_mean=m.pair_mean,
            comoment=m.comoment,
            pair_sumsq=m.pair_sumsq,
            weighted=merged.weighted,
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
        if self.n_resamples == 0 or not 0 <= b < self.n_resamples:
            msg = (
                f"Moments.replicate: 'b' must be in [0, {self.n_resamples}). Got {b!r}."
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
    @property
    def estimates(self) -> Estimates:
        r"""Column means with t intervals at 0.95, one row per column.

        The standard error is :math:`s / \sqrt{n}` with Kish's effective n
        (:math:`n` without weights), ``df = n - 1``; the statistic tests a
        mean of 0 (as ``scipy.stats.ttest_1samp``).

        Raises
        ------
        InputError
            For a batch of bootstrap replicates (use :meth:`replicate`).
        """
        if self.n_resamples:
            msg = "Moments.estimates is for a single Moments; use replicate(b) first."
            raise InputError(msg)
        n_eff = self.effective_n()
        with np.errstate(divide="ignore", invalid="ignore"):
            se = np.sqrt(self.variance() / n_eff)
        nobs = self.nobs
        return estimates(
            name=self.columns,
            estimate=self.mean,
            kind="mean",
            confidence_level=0.95,
            standard_error=se,
            n=nobs,
            df=np.maximum(nobs - 1, 0).astype(np.float64),
            interval="t",
            backend=self._backend,
        )

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401
        """Return the estimates table (column means) as a frame.

        The covariance and correlation matrices are :meth:`covariance` and
        :meth:`correlation`; :meth:`to_dict` holds them too.
        """
        return self.estimates.to_frame(backend)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: columns, n, means, covariance, correlation."""
        from ..results._base import jsonable  # noqa: PLC0415

        return {
            "columns": list(self.columns),
            "n": self.n,
            "missing": self.missing,
            "weighted": self.weighted,
            "n_resamples": self.n_resamples,
            "nobs": jsonable(self.nobs),
            "mean": jsonable(self.mean),
            "covariance": jsonable(self.covariance()),
            "correlation": jsonable(self.correlation()),
            "missing_report": self.missing_report.to_dict(),
        }

    def summary(self) -> Summary:
        """Means, standard deviations and observed rows per column."""
        if self.n_resamples:
            title = f"Moments: {self.n_resamples} bootstrap replicates"
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
        batch = f", n_resamples={self.n_resamples}" if self.n_resamples else ""
        return (
            f"Moments(columns={list(self.columns)}, n={self.n}, "
            f"missing={self.missing!r}{batch})"
        )
