r"""Kernels of the multigroup PLS comparison: permuted moments and MGA sums.

Permutation moments
    A permutation of the segment labels is, for each segment g, a 0/1
    vector :math:`m^{(g)}` over the respondents. The raw sums of segment g
    under permutation b are :math:`M^{(g)}_{b\cdot} Z`, with Z the n x q
    matrix of per-row products (count, weight, ``w x``, ``w x x'``) of
    :func:`satmodels.engines.memory.row_products`: all permutations of one
    segment cost one (B x n) @ (n x q) product, and the last segment's sums
    are the total minus the others'. The rows are centred by the pooled
    mean first (Chan, Golub & LeVeque 1983), as in the bootstrap.

PLS-MGA probability (Henseler 2007; Henseler, Ringle & Sinkovics 2009, eq. 7)
    With centred bootstrap replicates
    :math:`\tilde\theta^{(g)}_b = \theta^{(g)*}_b - \bar\theta^{(g)*} +
    \hat\theta^{(g)}` (bias removed: Sarstedt, Henseler & Ringle 2011,
    eq. 4), the probability that :math:`\theta^{(1)} \le \theta^{(2)}` is

    .. math:: P = \frac{1}{B_1 B_2}\sum_{i,j}
       \frac{1 + \operatorname{sign}(\tilde\theta^{(2)}_j -
       \tilde\theta^{(1)}_i)}{2},

    computed here by sorting (ties count one half), not by the
    :math:`B_1 B_2` outer difference; cSEM's ``calculatePr`` is the
    reference (tests/golden/csem_mga.json).

References
----------
.. [1] Chin, W. W., & Dibbern, J. (2010). An introduction to a permutation
   based procedure for multi-group PLS analysis. In V. Esposito Vinzi et
   al. (Eds.), Handbook of partial least squares (pp. 171-193). Springer.
.. [2] Henseler, J., Ringle, C. M., & Sinkovics, R. R. (2009). The use of
   partial least squares path modeling in international marketing.
   Advances in International Marketing, 20, 277-319.
.. [3] Holm, S. (1979). A simple sequentially rejective multiple test
   procedure. Scandinavian Journal of Statistics, 6(2), 65-70.
.. [4] Phipson, B., & Smyth, G. K. (2010). Permutation p-values should
   never be zero. Statistical Applications in Genetics and Molecular
   Biology, 9(1), 39.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._typing import FloatArray, IntArray
from ..engines._protocol import PairMoments
from ..engines.memory import CHUNK_ELEMENTS, centred_rows, row_products, sums_to_moments

__all__ = [
    "holm_columns",
    "mga_probability",
    "permutation_pvalue",
    "permuted_moments",
]


def permuted_moments(  # noqa: PLR0917 - the kernel's inputs
    xs: Sequence[FloatArray],
    w: FloatArray | None,
    codes: IntArray,
    k: int,
    n_permutations: int,
    gen: np.random.Generator,
    *,
    listwise: bool,
) -> list[list[PairMoments]]:
    """Moments of every segment under ``n_permutations`` label permutations.

    Parameters
    ----------
    xs : sequence of ndarray, each (n, p)
        Matrices of the same usable rows (NaN = missing, pairwise only),
        e.g. the answers and the answers standardized within segments; all
        are permuted with the same labels.
    w : ndarray or None
        Case weights of the rows.
    codes : ndarray of int, (n,)
        Segment code (0..k-1) of every row; permutations shuffle them, so
        every permutation keeps the segment sizes.
    k : int
        Number of segments.
    n_permutations : int
        Permutations B.
    gen : numpy.random.Generator
        Randomness.
    listwise : bool
        Complete rows only (q = 3 + p + p²) or pairwise sums (q = 6p²).

    Returns
    -------
    list of list of PairMoments
        Per matrix of ``xs``, one batch (B, p, p) per segment code.
    """
    n, p = xs[0].shape
    q = 3 + p + p * p if listwise else 6 * p * p
    row_step = max(1, CHUNK_ELEMENTS // q)
    perm_step = max(1, CHUNK_ELEMENTS // max(n, 1))
    blocks = [(a, min(n, a + row_step)) for a in range(0, n, row_step)]
    prepared = []
    for x in xs:
        with np.errstate(invalid="ignore"):
            shift = np.nanmean(x, axis=0) if not listwise else x.mean(axis=0)
        shift = np.where(np.isfinite(shift), shift, 0.0)
        x0, obs, wcase = centred_rows(x, w, shift, listwise=listwise)
        total = np.zeros(q)
        for a, b in blocks:
            total += row_products(x0[a:b], obs[a:b], wcase[a:b], listwise).sum(axis=0)
        prepared.append((shift, x0, obs, wcase, total))
    sums = [[np.zeros((n_permutations, q)) for _ in range(k - 1)] for _ in xs]
    with np.errstate(over="ignore", invalid="ignore"):
        for lo in range(0, n_permutations, perm_step):
            hi = min(n_permutations, lo + perm_step)
            labels = gen.permuted(np.tile(codes, (hi - lo, 1)), axis=1)
            for a, b in blocks:
                masks = [(labels[:, a:b] == g).astype(np.float64) for g in range(k - 1)]
                for (_, x0, obs, wcase, _), out in zip(prepared, sums, strict=True):
                    z = row_products(x0[a:b], obs[a:b], wcase[a:b], listwise)
                    for g in range(k - 1):
                        out[g][lo:hi] += masks[g] @ z
    result = []
    for (shift, _, _, _, total), out in zip(prepared, sums, strict=True):
        last = total[None, :] - np.sum(out, axis=0) if out else total[None, :]
        result.append(
            [sums_to_moments(s, p, shift, listwise=listwise) for s in [*out, last]]
        )
    return result


def permutation_pvalue(observed: FloatArray, permuted: FloatArray) -> FloatArray:
    r"""Two-sided permutation p-values, :math:`(1 + \#\{|T^*| \ge |T|\})/(1 + B)`.

    ``observed`` (K,), ``permuted`` (B, K); NaN replicates of a statistic are
    left out of its count (and B). The ``+1`` keeps the p-value of a
    random-permutation test exact (Phipson & Smyth 2010); cSEM's ``testMGD``
    counts :math:`T^* \ge |T|` and :math:`T^* \le -|T|` without it. A
    relative tolerance of 1e-12 counts ties computed with rounding noise.
    """
    obs = np.abs(observed)
    tol = 1e-12 * np.maximum(obs, 1.0)
    valid = np.isfinite(permuted)
    hits = np.sum(valid & (np.abs(np.where(valid, permuted, 0.0)) >= obs - tol), axis=0)
    b = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (1.0 + hits) / (1.0 + b)
    return np.where(np.isfinite(observed) & (b > 0), p, np.nan)


def lower_pvalue(observed: FloatArray, permuted: FloatArray) -> FloatArray:
    r"""One-sided (lower tail) p-values :math:`(1 + \#\{T^* \le T\})/(1 + B)`.

    MICOM step 2 (Henseler et al. 2016): compositional invariance is
    rejected when c falls in the lower tail of its permutation distribution.
    """
    tol = 1e-12 * np.maximum(np.abs(observed), 1.0)
    valid = np.isfinite(permuted)
    hits = np.sum(valid & (np.where(valid, permuted, np.inf) <= observed + tol), axis=0)
    b = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (1.0 + hits) / (1.0 + b)
    return np.where(np.isfinite(observed) & (b > 0), p, np.nan)


def holm_columns(pvalues: FloatArray) -> FloatArray:
    r"""Holm's (1979) adjustment down each column of (pairs, K) p-values.

    Each statistic's pairwise comparisons form one family: with its m
    finite p-values sorted, :math:`p^{adj}_{(i)} = \max_{j \le i}\min(1,
    (m - j + 1) p_{(j)})` (R's ``p.adjust(method = "holm")``). NaN stays NaN.
    """
    out = np.full(pvalues.shape, np.nan)
    for k in range(pvalues.shape[1]):
        col = pvalues[:, k]
        ok = np.flatnonzero(np.isfinite(col))
        m = ok.size
        if m == 0:
            continue
        order = ok[np.argsort(col[ok], kind="stable")]
        adj = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * col[order]))
        out[order, k] = adj
    return out


def mga_probability(
    first: FloatArray,
    second: FloatArray,
    est_first: FloatArray,
    est_second: FloatArray,
) -> FloatArray:
    r"""Henseler's PLS-MGA probability :math:`P(\theta^{(1)} \le \theta^{(2)})`.

    ``first`` (B1, K) and ``second`` (B2, K) are bootstrap replicates of the
    two segments, ``est_*`` (K,) their estimates; replicates are centred
    (bias removed) before the comparison. For each statistic the second
    segment's centred replicates are sorted and, for every replicate of
    the first, the share of them above it (ties one half) is found by
    binary search: :math:`O((B_1 + B_2)\log B_2)` instead of the
    :math:`B_1 B_2` outer difference of cSEM's ``calculatePr``.
    """
    kk = first.shape[1]
    out = np.full(kk, np.nan)
    for k in range(kk):
        a = first[:, k][np.isfinite(first[:, k])]
        b = second[:, k][np.isfinite(second[:, k])]
        if a.size == 0 or b.size == 0:
            continue
        a = a - a.mean() + est_first[k]
        b = np.sort(b - b.mean() + est_second[k])
        above = b.size - np.searchsorted(b, a, side="right")
        ties = np.searchsorted(b, a, side="right") - np.searchsorted(b, a, side="left")
        out[k] = float(np.sum(above + 0.5 * ties)) / (a.size * b.size)
    return out
