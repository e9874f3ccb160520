r"""Mergeable central moments up to order four, and the ADF matrix :math:`\Gamma`.

Robust maximum likelihood (Satorra & Bentler 1994; Yuan & Bentler 2000)
needs, besides the covariance matrix, the asymptotic covariance matrix of
the non-duplicated sample covariances,

.. math::

    \Gamma = \frac1n \sum_i (d_i - s)(d_i - s)^\top, \qquad
    d_i = \operatorname{vech}\big((x_i - \bar x)(x_i - \bar x)^\top\big),
    \quad s = \operatorname{vech}(S)

(Browne 1984, eq. 2.12, with divisor n as lavaan's ``NACOV``), whose entry
:math:`((i,j),(k,l))` is :math:`m_{ijkl} - s_{ij}s_{kl}`, :math:`m_{ijkl}`
the fourth central co-moment. :class:`FourthMoments` holds, for p columns,
the count, the means and the centred co-moment sums of orders two, three
and four,

.. math::

    C_{ij} = \sum_i e_i e_j, \qquad T_{i,(jk)} = \sum e_i e_j e_k, \qquad
    Q_{(ij),(kl)} = \sum e_i e_j e_k e_l, \qquad e = x - \bar x,

with :math:`(jk)` running over :math:`j \le k` in vech order (lavaan's
``lav_matrix_vech`` order: ``numpy.triu_indices``). Two of them computed on
disjoint rows merge *exactly* with the pairwise update of Pébay (2008,
eqs. 3.1 and 3.4, written for co-moments): with :math:`n = n_a + n_b` and
:math:`\delta = \bar x_b - \bar x_a`,

.. math::

    C &= C_a + C_b + \tfrac{n_a n_b}{n}\,\delta_i\delta_j,\\
    T &= T_a + T_b + \tfrac{n_a n_b (n_a - n_b)}{n^2}\,\delta_i\delta_j
         \delta_k + \textstyle\sum_{3} \delta_i E_{jk},
         \quad E = \tfrac{n_a C_b - n_b C_a}{n},\\
    Q &= Q_a + Q_b + \tfrac{n_a n_b (n_a^2 - n_a n_b + n_b^2)}{n^3}
         \delta_i\delta_j\delta_k\delta_l
         + \textstyle\sum_{6} \delta_i\delta_j F_{kl}
         + \textstyle\sum_{4} \delta_i D_{jkl},\\
    F &= \tfrac{n_a^2 C_b + n_b^2 C_a}{n^2}, \qquad
    D = \tfrac{n_a T_b - n_b T_a}{n},

the sums running over the distinct ways of splitting the indices (3, 6
and 4 terms; the univariate formulas have the coefficients 3, 6 and 4).

Rows in memory are summed in blocks of rows (two passes: the means, then
the centred products), so a million respondents with 24 indicators need
no more memory than a block. Lazy frames are refused: the sums of degree
four are :math:`\binom{p+3}{4}` expressions (3,876 for p = 16, 17,550 for
p = 24), too many for one engine query.

References
----------
.. [1] Pébay, P. (2008). Formulas for robust, one-pass parallel computation
   of covariances and arbitrary-order statistical moments. Sandia Report
   SAND2008-6212, Sandia National Laboratories.
.. [2] Browne, M. W. (1984). Asymptotically distribution-free methods for
   the analysis of covariance structures. British Journal of Mathematical
   and Statistical Psychology, 37(1), 62-83.
.. [3] Satorra, A., & Bentler, P. M. (1994). Corrections to test statistics
   and standard errors in covariance structure analysis. In A. von Eye &
   C. C. Clogg (Eds.), Latent variables analysis (pp. 399-419). Sage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError
from ..results._base import jsonable
from ._report import MissingReport

if TYPE_CHECKING:
    from ..data._table import Kind
    from .moments import Moments

__all__ = ["FourthMoments", "vech_indices"]

#: Rows per block when summing products in memory.
_BLOCK = 8192


def vech_indices(p: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Row and column of each vech element, ``i <= j`` (lavaan's order)."""
    r, c = np.triu_indices(p)
    return r.astype(np.intp), c.astype(np.intp)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class FourthMoments:
    r"""Mergeable central co-moments of orders 2, 3 and 4 of p columns.

    Build with :meth:`FourthMoments.from_data`; combine parts of a data set
    with :meth:`merge` (exact, Pébay 2008); :meth:`gamma` gives the ADF
    matrix :math:`\Gamma` of robust ML (module docstring).

    Attributes
    ----------
    columns : tuple of str
        Column names.
    n : int
        Complete rows (listwise).
    mean : ndarray, shape (p,)
        Column means.
    comoment2 : ndarray, shape (p, p)
        :math:`\sum e_i e_j`, :math:`e = x - \bar x`.
    comoment3 : ndarray, shape (p, p(p+1)/2)
        :math:`\sum e_i e_j e_k`, :math:`(j, k)` in vech order.
    comoment4 : ndarray, shape (p(p+1)/2, p(p+1)/2)
        :math:`\sum e_i e_j e_k e_l`, both pairs in vech order.
    missing_report : MissingReport
        Rows read, used and excluded (listwise).

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.stats import FourthMoments
    >>> x = np.random.default_rng(1).exponential(size=(200, 3))
    >>> whole = FourthMoments.from_data(x)
    >>> parts = FourthMoments.from_data(x[:50]).merge(FourthMoments.from_data(x[50:]))
    >>> bool(np.allclose(whole.gamma(), parts.gamma()))
    True
    >>> whole.gamma().shape
    (6, 6)
    """

    columns: tuple[str, ...]
    n: int
    mean: FloatArray
    comoment2: FloatArray
    comoment3: FloatArray
    comoment4: FloatArray
    missing_report: MissingReport = field(repr=False)

    # ------------------------------------------------------------ build
    @classmethod
    def from_data(
        cls,
        data: object,
        *,
        columns: Sequence[str] | None = None,
        nan_policy: Literal["omit", "raise"] = "omit",
    ) -> FourthMoments:
        """Compute the moments of rows in memory (listwise deletion).

        Parameters
        ----------
        data : array_like, mapping of columns or eager dataframe
            Respondents x items. Lazy frames and Moments are refused (the
            fourth-order sums need the rows; see the module docstring).
        columns : sequence of str, optional
            Columns to use (frames, mappings) or names of the array's
            columns.
        nan_policy : {"omit", "raise"}
            ``"omit"``: rows with a missing value are excluded (and
            counted); ``"raise"``: a missing value is an InputError.

        Returns
        -------
        FourthMoments

        Raises
        ------
        InputError
            Lazy frames or statistics, non-numeric or unknown columns,
            infinite values, missing values under ``nan_policy="raise"``,
            no complete row.
        """
        from ._moments_kernels import check_options, read_columns  # noqa: PLC0415

        where = "FourthMoments.from_data"
        check_options("listwise", nan_policy, where)
        rows_only: tuple[Kind, ...] = ("rows",)
        tab = read_columns(data, columns, None, where, accept=rows_only)
        return from_rows(tab.matrix(), tab.columns, nan_policy=nan_policy, where=where)

    # ------------------------------------------------------------ merge
    def merge(self, other: FourthMoments) -> FourthMoments:
        """Exactly combine the moments of two disjoint sets of rows (Pébay 2008).

        Parameters
        ----------
        other : FourthMoments
            Moments of the same columns.

        Returns
        -------
        FourthMoments

        Raises
        ------
        InputError
            Different columns.
        """
        if not isinstance(other, FourthMoments) or other.columns != self.columns:
            msg = (
                "The 'other' parameter of FourthMoments.merge must be a "
                f"FourthMoments of the columns {list(self.columns)}."
            )
            raise InputError(msg)
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        c2, c3, c4 = _merge_sums(
            self.n,
            other.n,
            other.mean - self.mean,
            (self.comoment2, self.comoment3, self.comoment4),
            (other.comoment2, other.comoment3, other.comoment4),
        )
        n = self.n + other.n
        return FourthMoments(
            columns=self.columns,
            n=n,
            mean=self.mean + (other.mean - self.mean) * (other.n / n),
            comoment2=c2,
            comoment3=c3,
            comoment4=c4,
            missing_report=self.missing_report.merge(other.missing_report),
        )

    # ------------------------------------------------------------ read
    def select(self, columns: Sequence[str]) -> FourthMoments:
        """Return the moments of a subset of the columns, in the given order.

        Parameters
        ----------
        columns : sequence of str
            Names among :attr:`columns`.

        Returns
        -------
        FourthMoments

        Raises
        ------
        InputError
            An unknown column.
        """
        names = tuple(columns)
        unknown = [c for c in names if c not in self.columns]
        if unknown:
            msg = (
                "The 'columns' parameter of FourthMoments.select must name "
                f"columns of the moments {list(self.columns)}. Got {unknown}."
            )
            raise InputError(msg)
        idx = np.array([self.columns.index(c) for c in names], dtype=np.intp)
        r, c = vech_indices(len(names))
        pos = _vech_lookup(len(self.columns))[idx[r], idx[c]]
        return FourthMoments(
            columns=names,
            n=self.n,
            mean=self.mean[idx],
            comoment2=self.comoment2[np.ix_(idx, idx)],
            comoment3=self.comoment3[np.ix_(idx, pos)],
            comoment4=self.comoment4[np.ix_(pos, pos)],
            missing_report=self.missing_report,
        )

    def to_moments(self) -> Moments:
        """Return the first and second moments as a :class:`Moments`.

        Returns
        -------
        Moments
            Listwise, unweighted, with this object's missing-data report.
        """
        from .moments import Moments  # noqa: PLC0415 - moments imports engines

        m = Moments.from_covariance(
            self.covariance(ddof=1) if self.n > 1 else self.covariance(),
            n=self.n,
            mean=self.mean,
            columns=self.columns,
        )
        return replace(m, missing_report=self.missing_report)

    def covariance(self, ddof: int = 0) -> FloatArray:
        """Covariance matrix with divisor ``n - ddof`` (default n, as ML)."""
        return np.asarray(self.comoment2 / (self.n - ddof), dtype=np.float64)

    def gamma(self) -> FloatArray:
        r"""ADF matrix :math:`\Gamma` (divisor n; lavaan's ``NACOV``).

        :math:`\Gamma_{(ij),(kl)} = Q_{(ij),(kl)}/n - s_{ij}s_{kl}` with
        :math:`s = \operatorname{vech}(C/n)` (Browne 1984, eq. 2.12).
        """
        r, c = vech_indices(len(self.columns))
        s = self.comoment2[r, c] / self.n
        return np.asarray(self.comoment4 / self.n - np.outer(s, s), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """Return the statistics as a JSON-safe dictionary."""
        return {
            "columns": list(self.columns),
            "n": self.n,
            "mean": jsonable(self.mean),
            "comoment2": jsonable(self.comoment2),
            "comoment3": jsonable(self.comoment3),
            "comoment4": jsonable(self.comoment4),
            "missing_report": self.missing_report.to_dict(),
        }

    def __repr__(self) -> str:
        return f"FourthMoments(columns={len(self.columns)}, n={self.n})"


# ---------------------------------------------------------------- kernels
def from_rows(
    x: FloatArray,
    columns: tuple[str, ...],
    *,
    nan_policy: str = "omit",
    where: str = "FourthMoments.from_data",
) -> FourthMoments:
    """Return the moments of the complete rows of ``x`` (n x p, NaN = missing)."""
    missing_cells = np.isnan(x)
    complete = ~missing_cells.any(axis=1)
    n_bad = int(x.shape[0] - complete.sum())
    if n_bad and nan_policy == "raise":
        row = int(np.flatnonzero(~complete)[0]) + 1
        msg = (
            f"The 'data' parameter of {where} has missing values and "
            f"nan_policy='raise'. Got a missing value in row {row} "
            f"({n_bad} such row(s))."
        )
        raise InputError(msg)
    if not np.all(np.isfinite(x[complete])):
        msg = f"The 'data' parameter of {where} must be finite. Got an infinite value."
        raise InputError(msg)
    rows = x[complete] if n_bad else x
    n = rows.shape[0]
    if n == 0:
        msg = f"The 'data' parameter of {where} has no complete row."
        raise InputError(msg)
    report = MissingReport(
        rows_total=int(x.shape[0]),
        rows_used=n,
        rows_excluded=n_bad,
        reasons={"missing value (listwise)": n_bad} if n_bad else {},
        column_missing={
            c: int(k) for c, k in zip(columns, missing_cells.sum(axis=0), strict=True)
        },
        missing="listwise",
    )
    mean, c2, c3, c4 = central_sums(rows)
    sums = {"co-moment": c2, "third co-moment": c3, "fourth co-moment": c4}
    for what, arr in sums.items():
        if not np.all(np.isfinite(arr)):
            msg = (
                f"The 'data' parameter of {where} has answers so large that "
                f"their {what} sums overflow float64."
            )
            raise InputError(msg)
    return FourthMoments(
        columns=tuple(columns),
        n=n,
        mean=mean,
        comoment2=c2,
        comoment3=c3,
        comoment4=c4,
        missing_report=report,
    )


def central_sums(
    rows: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Means and centred co-moment sums of orders 2-4 of complete rows."""
    n, p = rows.shape
    r, c = vech_indices(p)
    mean = rows.mean(axis=0)
    c2 = np.zeros((p, p))
    c3 = np.zeros((p, r.size))
    c4 = np.zeros((r.size, r.size))
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, n, _BLOCK):
            e = rows[start : start + _BLOCK] - mean
            z = e[:, r] * e[:, c]
            c2 += e.T @ e
            c3 += e.T @ z
            c4 += z.T @ z
    return mean, c2, c3, c4


def _merge_sums(
    na: int,
    nb: int,
    delta: FloatArray,
    a: tuple[FloatArray, FloatArray, FloatArray],
    b: tuple[FloatArray, FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Pairwise update of the co-moment sums (Pébay 2008, eqs. 3.1, 3.4)."""
    r, c = vech_indices(delta.size)
    n = na + nb
    c2a, c3a, c4a = a
    c2b, c3b, c4b = b
    d = delta
    dd = d[r] * d[c]  # delta_i delta_j per vech element
    c2 = c2a + c2b + np.outer(d, d) * (na * nb / n)
    # third order: sum over the 3 ways of choosing the lone index
    e = (na * c2b - nb * c2a) / n
    c3 = (
        c3a
        + c3b
        + np.outer(d, dd) * (na * nb * (na - nb) / n**2)
        + np.outer(d, e[r, c])
        + d[r][None, :] * e[:, c]
        + d[c][None, :] * e[:, r]
    )
    # fourth order, pair a = (i, j) and pair b = (k, l)
    f = (na**2 * c2b + nb**2 * c2a) / n**2
    g = (na * c3b - nb * c3a) / n  # g[x, (yz)]
    fv = f[r, c]
    six = (
        np.outer(dd, fv)  # d_i d_j F_kl
        + np.outer(fv, dd)  # d_k d_l F_ij
        + np.outer(d[r], d[r]) * f[np.ix_(c, c)]  # d_i d_k F_jl
        + np.outer(d[r], d[c]) * f[np.ix_(c, r)]  # d_i d_l F_jk
        + np.outer(d[c], d[r]) * f[np.ix_(r, c)]  # d_j d_k F_il
        + np.outer(d[c], d[c]) * f[np.ix_(r, r)]  # d_j d_l F_ik
    )
    # D_{jkl} = g[j, (kl)]: the lone index's partner pair is the other pair
    four = (
        d[r][:, None] * g[c][:, :]  # d_i G_{j,(kl)}
        + d[c][:, None] * g[r][:, :]  # d_j G_{i,(kl)}
        + d[r][None, :] * g[c].T  # d_k G_{l,(ij)}
        + d[c][None, :] * g[r].T  # d_l G_{k,(ij)}
    )
    c4 = (
        c4a
        + c4b
        + np.outer(dd, dd) * (na * nb * (na**2 - na * nb + nb**2) / n**3)
        + six
        + four
    )
    return c2, c3, c4


def _vech_lookup(p: int) -> np.ndarray[Any, Any]:
    """Symmetric p x p table of vech positions."""
    r, c = vech_indices(p)
    out = np.empty((p, p), dtype=np.intp)
    out[r, c] = np.arange(r.size)
    out[c, r] = np.arange(r.size)
    return out
