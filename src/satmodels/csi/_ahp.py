r"""Analytic Hierarchy Process weights from pairwise-comparison matrices.

Saaty's (1977, 1980) method: the priority weights are the principal right
eigenvector of the reciprocal comparison matrix, normalised to sum to 1; the
consistency index is :math:`CI = (\lambda_{\max} - n) / (n - 1)` and the
consistency ratio :math:`CR = CI / RI_n`, with Saaty's random index
:math:`RI_n`. A ratio of 0.10 or more is conventionally too inconsistent
(Saaty 1980, p. 21).

References
----------
.. [1] Saaty, T. L. (1977). A scaling method for priorities in hierarchical
   structures. Journal of Mathematical Psychology, 15(3), 234-281.
.. [2] Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill.
.. [3] Saaty, T. L. (1990). How to make a decision: the analytic hierarchy
   process. European Journal of Operational Research, 48(1), 9-26.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray
from .._validation import validated
from ..exceptions import InputError, SatmodelsWarning
from ..results._base import ResultMixin, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ._options import AHPOptions

__all__ = ["RANDOM_INDEX", "AHPResult", "InconsistencyWarning", "ahp"]

#: Saaty's random consistency index RI_n for n = 1 ... 15 (Saaty 1980,
#: Table 1.2 for n <= 10; Saaty 1990, p. 13 / Saaty & Vargas 2012 for 11-15).
RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}


class InconsistencyWarning(SatmodelsWarning):
    """An AHP comparison matrix has a consistency ratio at or above the limit."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AHPResult(ResultMixin):
    r"""AHP priority weights and consistency statistics.

    Attributes
    ----------
    estimates : Estimates
        One row of kind ``"weight"`` per item and one ``"consistency_ratio"``
        row. A comparison matrix is not a sample: standard errors and
        intervals are NaN (interval ``"none"``).
    weights : dict of str to float
        Normalised principal eigenvector (sums to 1), by label.
    lambda_max : float
        Principal eigenvalue.
    consistency_index : float
        :math:`(\lambda_{\max} - n) / (n - 1)`.
    random_index : float
        Saaty's :math:`RI_n`.
    consistency_ratio : float
        ``consistency_index / random_index`` (0 for n <= 2).
    consistent : bool
        ``consistency_ratio < max_ratio``.
    max_ratio : float
        The limit used (0.10 by default).
    """

    estimates: Estimates = field(repr=False)
    weights: dict[str, float]
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    consistent: bool
    max_ratio: float

    def _records(self) -> list[dict[str, object]]:
        return [{"item": k, "weight": v} for k, v in self.weights.items()]

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the estimates (weights, consistency ratio) as a long table."""
        return self.estimates.to_frame(backend)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: weights and consistency statistics."""
        out: dict[str, Any] = jsonable(
            {
                "weights": self.weights,
                "lambda_max": self.lambda_max,
                "consistency_index": self.consistency_index,
                "random_index": self.random_index,
                "consistency_ratio": self.consistency_ratio,
                "consistent": self.consistent,
                "max_ratio": self.max_ratio,
                "estimates": self.estimates.to_dict(),
            }
        )
        return out

    def summary(self) -> Summary:
        """Weights table and consistency line."""
        rows = [[k, v] for k, v in self.weights.items()]
        note = (
            f"lambda_max = {self.lambda_max:.4f}, CI = {self.consistency_index:.4f}, "
            f"RI = {self.random_index:.2f}, CR = {self.consistency_ratio:.4f} "
            f"({'acceptable' if self.consistent else 'inconsistent'}, limit "
            f"{self.max_ratio:.2f}; Saaty 1980)."
        )
        return Summary(
            title="AHP priority weights",
            tables=(table("", ["item", "weight"], rows, digits=4),),
            notes=(note,),
        )


def _check_matrix(
    matrix: object, labels: Sequence[str] | None, tolerance: float
) -> tuple[FloatArray, tuple[str, ...]]:
    try:
        a = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"The 'matrix' parameter of ahp must be numeric: {exc}."
        raise InputError(msg) from exc
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        msg = (
            f"The 'matrix' parameter of ahp must be square. Got shape {a.shape} "
            "instead."
        )
        raise InputError(msg)
    n = a.shape[0]
    names = (
        tuple(str(v) for v in labels)
        if labels is not None
        else tuple(f"x{i}" for i in range(n))
    )
    dup = sorted({v for v in names if names.count(v) > 1})
    if dup:
        msg = (
            f"The 'labels' parameter of ahp must name each item once. Got {dup} "
            "more than once (each would lose its weight to the other)."
        )
        raise InputError(msg)
    if len(names) != n:
        msg = (
            f"The 'labels' parameter of ahp names {len(names)} items but the matrix "
            f"has {n}."
        )
        raise InputError(msg)
    if n > max(RANDOM_INDEX):
        msg = (
            f"ahp supports at most {max(RANDOM_INDEX)} items (Saaty's random index "
            f"table). Got {n}."
        )
        raise InputError(msg)
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        i, j = (int(v) for v in np.argwhere(~np.isfinite(a) | (a <= 0))[0])
        msg = (
            f"The 'matrix' parameter of ahp must hold positive finite judgements. "
            f"Got {a[i, j]!r} at ({names[i]}, {names[j]})."
        )
        raise InputError(msg)
    bad_diag = np.flatnonzero(np.abs(np.diagonal(a) - 1.0) > tolerance)
    if bad_diag.size:
        i = int(bad_diag[0])
        msg = (
            "The 'matrix' parameter of ahp must have ones on the diagonal. Got "
            f"{a[i, i]!r} for {names[i]!r}."
        )
        raise InputError(msg)
    prod = a * a.T
    bad = np.abs(prod - 1.0) > tolerance
    if bad.any():
        i, j = (int(v) for v in np.argwhere(np.triu(bad, 1))[0])
        msg = (
            f"The 'matrix' parameter of ahp is not reciprocal: a[{names[i]}, "
            f"{names[j]}] = "
            f"{a[i, j]:g} but a[{names[j]}, {names[i]}] = {a[j, i]:g} (expected "
            f"{1 / a[i, j]:g}; product {prod[i, j]:g}, tolerance {tolerance:g})."
        )
        raise InputError(msg)
    return a, names


def _principal_eigen(a: FloatArray) -> tuple[float, FloatArray]:
    """Return the principal eigenvalue and eigenvector (summing to 1).

    By Perron-Frobenius the largest eigenvalue of a positive matrix is real
    and simple and its eigenvector can be taken positive.
    """
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    vec = np.abs(vecs[:, k].real)
    return float(vals[k].real), vec / vec.sum()


def ahp(
    matrix: object,
    *,
    labels: Sequence[str] | None = None,
    max_ratio: float = 0.10,
    on_inconsistent: Literal["warn", "raise", "ignore"] = "warn",
    tolerance: float = 0.01,
) -> AHPResult:
    r"""Priority weights from an AHP pairwise-comparison matrix (Saaty 1980).

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Reciprocal judgements on Saaty's 1-9 scale: ``matrix[i, j]`` says how
        much more important item i is than item j, and
        ``matrix[j, i] = 1 / matrix[i, j]``.
    labels : sequence of str, optional
        Item names (default ``x0``, ``x1``, ...).
    max_ratio : float
        Largest acceptable consistency ratio (Saaty's 0.10).
    on_inconsistent : {"warn", "raise", "ignore"}
        What a ratio at or above ``max_ratio`` does: emit an
        :class:`InconsistencyWarning`, raise :class:`InputError`, or nothing.
    tolerance : float
        Allowed absolute deviation of ``a_ij * a_ji`` from 1 (so that
        judgements typed as 0.33 for 1/3 are accepted).

    Returns
    -------
    AHPResult

    Raises
    ------
    InputError
        Non-square, non-positive or non-reciprocal matrix (the message names
        the offending pair), duplicate labels, or an inconsistent one with
        ``on_inconsistent="raise"``.

    Notes
    -----
    Weights solve :math:`A w = \lambda_{\max} w`, :math:`\sum w = 1`;
    :math:`CI = (\lambda_{\max} - n)/(n - 1)`, :math:`CR = CI / RI_n`
    (Saaty 1980, ch. 1). Tested against Saaty's (1977) light-intensity
    matrix and Saaty's (1980) wealth-of-nations matrix.

    Examples
    --------
    >>> from satmodels.csi import ahp
    >>> # Saaty (1977), relative brightness of four chairs
    >>> A = [
    ...     [1, 5, 6, 7],
    ...     [1 / 5, 1, 4, 6],
    ...     [1 / 6, 1 / 4, 1, 4],
    ...     [1 / 7, 1 / 6, 1 / 4, 1],
    ... ]
    >>> r = ahp(A, on_inconsistent="ignore")
    >>> [round(v, 2) for v in r.weights.values()], round(r.lambda_max, 2)
    ([0.62, 0.24, 0.1, 0.05], 4.39)
    """
    validated(
        AHPOptions,
        "ahp",
        max_ratio=max_ratio,
        on_inconsistent=on_inconsistent,
        tolerance=tolerance,
    )
    a, names = _check_matrix(matrix, labels, tolerance)
    n = a.shape[0]
    lam, w = _principal_eigen(a)
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ci = max(ci, 0.0)
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    ok = cr < max_ratio
    if not ok and on_inconsistent != "ignore":
        msg = (
            f"The AHP matrix over {list(names)} is inconsistent: consistency ratio "
            f"{cr:.3f} >= {max_ratio:g} (Saaty 1980). Revise the judgements."
        )
        if on_inconsistent == "raise":
            raise InputError(msg)
        warnings.warn(msg, InconsistencyWarning, stacklevel=2)
    cr = cr if math.isfinite(cr) else 0.0
    est = estimates(
        name=[*names, "matrix"],
        kind=["weight"] * n + ["consistency_ratio"],
        estimate=[*w, cr],
        n=float(n),
        interval="none",
        confidence_level=0.95,
    )
    return AHPResult(
        estimates=est,
        weights={k: float(v) for k, v in zip(names, w, strict=True)},
        lambda_max=lam,
        consistency_index=ci,
        random_index=ri,
        consistency_ratio=cr,
        consistent=ok,
        max_ratio=max_ratio,
    )
