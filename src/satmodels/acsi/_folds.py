r"""Cross-validation folds from mergeable moments: training = total - fold.

Private, numpy-only kernels of :mod:`satmodels.acsi.predict`. The statistics
of a training set (all rows but one fold) are the statistics of all rows
*minus* those of the fold. Moments merge exactly (Chan, Golub & LeVeque
1979); the same update read backwards removes a part exactly. With total
weight :math:`W`, mean :math:`\bar x` and co-moment matrix :math:`C`, and a
part b (weight :math:`W_b`, mean :math:`\bar x_b`, co-moment :math:`C_b`),
the rest a has

.. math::

    W_a = W - W_b, \qquad
    \bar x_a = (W \bar x - W_b \bar x_b) / W_a, \qquad
    \delta = \bar x_b - \bar x_a,

    C_a = C - C_b - \delta \delta^\top \, W_a W_b / W

(the merge :math:`C = C_a + C_b + \delta\delta^\top W_a W_b / W` solved for
:math:`C_a`). So k folds cost one pass over the rows (the k fold moments,
from the rows sorted by fold) plus k small fits; the held-out predictions
are then one matrix product per fold.

References
----------
.. [1] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1979). Updating formulae
   and a pairwise algorithm for computing sample variances. Technical Report
   STAN-CS-79-773, Stanford University.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._typing import FloatArray, IntArray

__all__ = [
    "Sorted",
    "Sums",
    "difference",
    "fold_sums",
    "sort_folds",
    "total_sums",
    "training_from_rows",
]


@dataclass(frozen=True, slots=True)
class Sums:
    """Weighted moments of a batch of B row sets (B = folds or training sets)."""

    weight: FloatArray  # (B,) sum of case weights (rows, unweighted)
    weight_sq: FloatArray  # (B,) sum of squared case weights
    mean: FloatArray  # (B, p)
    comoment: FloatArray  # (B, p, p) sum w (x - mean)(x - mean)'

    def std(self) -> FloatArray:
        r"""Return the standard deviations (B, p), divisor :math:`W - \sum w^2 / W`.

        ``np.cov`` with ``aweights`` (n - 1 without weights), as
        :meth:`satmodels.stats.Moments.covariance`.
        """
        div = self.weight - self.weight_sq / self.weight
        var = np.diagonal(self.comoment, axis1=1, axis2=2) / div[:, None]
        return np.asarray(np.sqrt(var), dtype=np.float64)

    def correlation(self) -> FloatArray:
        """Return the correlation matrices (B, p, p)."""
        d = np.sqrt(np.diagonal(self.comoment, axis1=1, axis2=2))
        r = self.comoment / d[:, :, None] / d[:, None, :]
        idx = np.arange(r.shape[1])
        r[:, idx, idx] = 1.0
        return np.asarray(r, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Sorted:
    """Rows sorted by fold: fold f is ``rows[start[f]:start[f + 1]]``."""

    order: IntArray  # (n,) original row of each sorted row
    start: IntArray  # (k + 1,)
    rows: FloatArray  # (n, p) sorted rows
    weights: FloatArray | None  # (n,) sorted weights


def sort_folds(x: FloatArray, w: FloatArray | None, labels: IntArray, k: int) -> Sorted:
    """Sort the rows by fold label (0..k-1), stable: one gather of the rows."""
    order = np.argsort(labels, kind="stable")
    counts = np.bincount(labels, minlength=k)
    start = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    return Sorted(
        order=order,
        start=start,
        rows=x[order],
        weights=None if w is None else w[order],
    )


Block = tuple[float, float, FloatArray, FloatArray]


def _block(x: FloatArray, w: FloatArray | None) -> Block:
    """Weight, squared weight, mean and co-moment of one block of rows."""
    if w is None:
        n = float(x.shape[0])
        mean = x.mean(axis=0)
        xc = x - mean
        return n, n, mean, xc.T @ xc
    ws = float(w.sum())
    mean = (w @ x) / ws
    xc = x - mean
    return ws, float(w @ w), mean, (xc * w[:, None]).T @ xc


def _stack(parts: list[Block]) -> Sums:
    return Sums(
        weight=np.array([p[0] for p in parts]),
        weight_sq=np.array([p[1] for p in parts]),
        mean=np.stack([p[2] for p in parts]),
        comoment=np.stack([p[3] for p in parts]),
    )


def total_sums(x: FloatArray, w: FloatArray | None) -> Sums:
    """Moments of all rows (a batch of one)."""
    return _stack([_block(x, w)])


def fold_sums(s: Sorted) -> Sums:
    """Moments of every fold, from the sorted rows (one pass)."""
    parts = []
    for f in range(s.start.size - 1):
        lo, hi = int(s.start[f]), int(s.start[f + 1])
        w = None if s.weights is None else s.weights[lo:hi]
        parts.append(_block(s.rows[lo:hi], w))
    return _stack(parts)


def training_from_rows(s: Sorted) -> Sums:
    """Moments of every training set from its own rows (the naive way).

    Each training set (all folds but one) is gathered and reduced: about
    k - 1 passes over the data instead of one. Kept for the benchmark and
    the tests, which check that :func:`difference` agrees with it.
    """
    parts = []
    for f in range(s.start.size - 1):
        lo, hi = int(s.start[f]), int(s.start[f + 1])
        rows = np.concatenate([s.rows[:lo], s.rows[hi:]])
        w = (
            None
            if s.weights is None
            else np.concatenate([s.weights[:lo], s.weights[hi:]])
        )
        parts.append(_block(rows, w))
    return _stack(parts)


def difference(total: Sums, part: Sums) -> Sums:
    """Moments of the rows of ``total`` not in ``part`` (exact; batch of parts).

    The inverse of the Chan-Golub-LeVeque merge (module docstring);
    ``total`` is a batch of one, broadcast against the B parts.
    """
    w = total.weight[:, None]
    wb = part.weight[:, None]
    wa = w - wb
    mean_a = (w * total.mean - wb * part.mean) / wa
    delta = part.mean - mean_a
    scale = (wa[:, 0] * part.weight / total.weight)[:, None, None]
    com = total.comoment - part.comoment - delta[:, :, None] * delta[:, None, :] * scale
    com = 0.5 * (com + np.swapaxes(com, 1, 2))
    return Sums(
        weight=wa[:, 0],
        weight_sq=total.weight_sq - part.weight_sq,
        mean=mean_a,
        comoment=com,
    )
