"""Dask: numpy kernels on every partition, merged exactly in a tree.

narwhals' Dask backend makes every aggregate a separate reduction
(thousands of tasks for 16 columns), so each partition's moments are
computed by the in-memory kernel (:mod:`satmodels.engines.memory`) on its
worker and merged exactly in a binary tree (Chan, Golub & LeVeque 1979),
in a single pass over the data. Category and pair counts run
:func:`numpy.bincount` per partition and add up; Poisson bootstrap sums use
one numpy generator per partition, spawned from the caller's ``rng``.

References
----------
.. [1] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1979). Updating formulae
   and a pairwise algorithm for computing sample variances. Technical Report
   STAN-CS-79-773, Stanford University.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import narwhals.stable.v2 as nw
import numpy as np

from .._typing import FloatArray, IntArray
from ._frame import raise_bad_weights, tree
from ._protocol import (
    Account,
    Cells,
    CountSums,
    Invalid,
    Missing,
    MomentsRequest,
    MomentSums,
    PairSums,
)
from .memory import centred_rows, count_kernel, match, row_products, values_of_columns
from .memory import moments as memory_moments

__all__ = ["bootstrap_sums", "category_counts", "moments", "pair_counts"]


def _values(
    part: Any,  # noqa: ANN401 - a pandas DataFrame
    cols: Sequence[str],
    weight: str | None,
) -> tuple[FloatArray, FloatArray | None]:
    x = values_of_columns(part, cols)
    w = None if weight is None else values_of_columns(part, [weight])[:, 0]
    return x, w


def _dask() -> Any:  # noqa: ANN401 - the dask module
    import dask  # noqa: PLC0415 - optional engine

    return cast("Any", dask)


def _parts(frame: nw.LazyFrame[Any], cols: Sequence[str], weight: str | None) -> Any:  # noqa: ANN401
    keep = [*cols, *([weight] if weight is not None else [])]
    return frame.select(*keep).to_native().to_delayed()


# ------------------------------------------------------------------ moments
@dataclass(frozen=True, slots=True)
class _Part:
    """One partition's (or a merged group's) sums and account."""

    sums: MomentSums | None
    account: Account
    inf: FloatArray
    bad_weights: int


def _partition_moments(
    part: Any,  # noqa: ANN401 - a pandas DataFrame
    cols: tuple[str, ...],
    weight: str | None,
    missing: Missing,
    where: str,
) -> _Part:
    """Moments of one partition by the in-memory kernel, on the worker."""
    x, w = _values(part, cols, weight)
    n = x.shape[0]
    inf = np.isinf(x).sum(axis=0).astype(np.float64)
    bad = 0 if w is None else int((~np.isfinite(w) | (w < 0)).sum())
    observed = ~np.isnan(x)
    col_missing = {
        c: int(v) for c, v in zip(cols, n - observed.sum(axis=0), strict=True)
    }
    positive = np.ones(n, dtype=bool) if w is None else np.asarray(w > 0, dtype=bool)
    complete = observed.all(axis=1)
    listwise = missing == "listwise"
    used = int(
        (complete & positive).sum()
        if listwise
        else (observed & positive[:, None]).any(axis=1).sum()
    )
    if inf.any() or bad or used == 0:
        if listwise:
            zero = 0 if w is None else int((complete & (w == 0)).sum())
            items = [("missing value (listwise)", int((~complete).sum()))]
            items.append(("zero weight", zero))
        else:
            zero = 0 if w is None else int((w == 0).sum())
            items = [("zero weight", zero), ("no observed value", n - used - zero)]
        broken = bool(inf.any() or bad)
        account = Account(
            rows_total=n,
            rows_used=0 if broken else used,
            reasons={k: v for k, v in items if v > 0},
            column_missing=col_missing,
        )
        return _Part(sums=None, account=account, inf=inf, bad_weights=bad)
    sums = memory_moments(x, cols, w, missing=missing, nan_policy="omit", where=where)
    return _Part(sums=sums, account=sums.account, inf=inf, bad_weights=0)


def _combine(a: _Part, b: _Part) -> _Part:
    """Merge two partitions' sums (Chan et al.) and their accounts."""
    if a.sums is None:
        sums = b.sums
    elif b.sums is None:
        sums = a.sums
    else:
        sums = a.sums.merge(b.sums)
    return _Part(
        sums=sums,
        account=a.account.merge(b.account),
        inf=a.inf + b.inf,
        bad_weights=a.bad_weights + b.bad_weights,
    )


def moments(frame: nw.LazyFrame[Any], req: MomentsRequest) -> MomentSums:
    """Moments of a Dask frame in one pass: per-partition kernels, tree merge."""
    cols, weight = req.columns, req.weight
    dk = _dask()
    part_fn = dk.delayed(_partition_moments, pure=True)
    pieces = [
        part_fn(part, cols, weight, req.missing, req.where)
        for part in _parts(frame, cols, weight)
    ]
    (res,) = dk.compute(tree(dk, pieces, _combine))
    total: _Part = res
    req.check_infinite([int(v) for v in total.inf])
    raise_bad_weights(total.bad_weights, weight, req.where)
    req.check_missing(total.account.column_missing)
    if total.sums is None:
        raise req.no_usable_row(total.account)
    return MomentSums(
        columns=cols,
        missing=req.missing,
        weighted=weight is not None,
        moments=total.sums.moments,
        account=total.account,
    )


# ------------------------------------------------------------ bootstrap
def _partition_sums(  # noqa: PLR0917
    part: Any,  # noqa: ANN401 - a pandas DataFrame
    seed: np.random.SeedSequence,
    cols: tuple[str, ...],
    weight: str | None,
    shift: FloatArray,
    n_rep: int,
    listwise: bool,  # noqa: FBT001
) -> FloatArray:
    """One partition's replicate sums, ``(B, q)``: Poisson(1) @ row products."""
    x, w = _values(part, cols, weight)
    x0, obs, wcase = centred_rows(x, w, shift, listwise=listwise)
    z = row_products(x0, obs, wcase, listwise)
    gen = np.random.default_rng(seed)
    n = x.shape[0]
    out = np.zeros((n_rep, z.shape[1]))
    block = max(1, 2_000_000 // max(n, 1))
    with np.errstate(over="ignore", invalid="ignore"):
        for a in range(0, n_rep, block):
            b = min(n_rep, a + block)
            out[a:b] = gen.poisson(1.0, size=(b - a, n)).astype(np.float64) @ z
    return out


def bootstrap_sums(  # noqa: PLR0917
    frame: nw.LazyFrame[Any],
    cols: tuple[str, ...],
    weight: str | None,
    shift: FloatArray,
    n_rep: int,
    rng: np.random.Generator,
    *,
    listwise: bool,
) -> FloatArray:
    """Column sums of the row products under Poisson(1) weights, ``(B, q)``."""
    dk = _dask()
    parts = _parts(frame, cols, weight)
    seeds = np.random.SeedSequence(int(rng.integers(0, 2**63 - 1))).spawn(len(parts))
    func = dk.delayed(_partition_sums, pure=True)
    pieces = [
        func(part, sd, cols, weight, shift, n_rep, listwise)
        for part, sd in zip(parts, seeds, strict=True)
    ]
    (total,) = dk.compute(tree(dk, pieces, np.add))
    return np.asarray(total, dtype=np.float64)


# ------------------------------------------------------------------ counts
def _fmin(x: FloatArray, mask: Any) -> FloatArray:  # noqa: ANN401
    """Column-wise minimum of ``x`` where ``mask``; inf for empty columns."""
    return np.asarray(np.min(np.where(mask, x, np.inf), axis=0, initial=np.inf))


def _bad_w(w: FloatArray | None) -> int:
    return 0 if w is None else int((~np.isfinite(w) | (w < 0)).sum())


def _zero_w(w: FloatArray | None) -> int:
    return 0 if w is None else int((w == 0).sum())


@dataclass(frozen=True, slots=True)
class _Tally:
    """One partition's (or a merged group's) counts; adds exactly."""

    cells: Cells
    bad_weights: int
    invalid: IntArray
    #: Smallest invalid answer per column (first column of a pair); inf if none.
    min_invalid_a: FloatArray
    #: The same for the second column of a pair (equal to ``a`` for columns).
    min_invalid_b: FloatArray

    def add(self, other: _Tally) -> _Tally:
        """Sum two tallies of disjoint rows."""
        return _Tally(
            cells=self.cells.merge(other.cells),
            bad_weights=self.bad_weights + other.bad_weights,
            invalid=self.invalid + other.invalid,
            min_invalid_a=np.fmin(self.min_invalid_a, other.min_invalid_a),
            min_invalid_b=np.fmin(self.min_invalid_b, other.min_invalid_b),
        )


def _add(a: _Tally, b: _Tally) -> _Tally:
    return a.add(b)


def _count_part(
    part: Any,  # noqa: ANN401 - a pandas DataFrame
    cols: tuple[str, ...],
    weight: str | None,
    cats: FloatArray,
) -> _Tally:
    """One partition's category counts by ``numpy.bincount``, on the worker."""
    x, w = _values(part, cols, weight)
    codes, other, nan = match(x, cats)
    keep = np.ones(x.shape[0], dtype=bool) if w is None else np.nan_to_num(w) > 0
    codes = np.where(keep[:, None], codes, -1)
    wv = None if w is None else np.nan_to_num(w)
    counts, wc, wq = count_kernel(codes, len(cats), wv)
    low = _fmin(x, other)
    missing = (nan & keep[:, None]).sum(axis=0).astype(np.int64)
    return _Tally(
        cells=Cells(counts, wc, wq, missing, x.shape[0], _zero_w(w)),
        bad_weights=_bad_w(w),
        invalid=other.sum(axis=0).astype(np.int64),
        min_invalid_a=low,
        min_invalid_b=low,
    )


def _pair_part(
    part: Any,  # noqa: ANN401 - a pandas DataFrame
    pairs: tuple[tuple[str, str], ...],
    weight: str | None,
    cats_a: FloatArray,
    cats_b: FloatArray,
) -> _Tally:
    """One partition's joint counts per column pair, on the worker."""
    xa, w = _values(part, [a for a, _ in pairs], weight)
    xb, _ = _values(part, [b for _, b in pairs], None)
    ca, bad_a, nan_a = match(xa, cats_a)
    cb, bad_b, nan_b = match(xb, cats_b)
    keep = np.ones(xa.shape[0], dtype=bool) if w is None else np.nan_to_num(w) > 0
    miss = (nan_a | nan_b) & keep[:, None]
    joint = np.where(miss | bad_a | bad_b | ~keep[:, None], -1, ca * len(cats_b) + cb)
    k = len(cats_a) * len(cats_b)
    counts, wc, wq = count_kernel(joint, k, None if w is None else np.nan_to_num(w))
    missing = miss.sum(axis=0).astype(np.int64)
    return _Tally(
        cells=Cells(counts, wc, wq, missing, xa.shape[0], _zero_w(w)),
        bad_weights=_bad_w(w),
        invalid=(bad_a | bad_b).sum(axis=0).astype(np.int64),
        min_invalid_a=_fmin(xa, bad_a),
        min_invalid_b=_fmin(xb, bad_b),
    )


def _sum(frame: nw.LazyFrame[Any], keep: list[str], func: Any, *args: Any) -> _Tally:  # noqa: ANN401
    dk = _dask()
    parts = frame.select(*keep).to_native().to_delayed()
    part_fn = dk.delayed(func, pure=True)
    (total,) = dk.compute(tree(dk, [part_fn(p, *args) for p in parts], _add))
    tally: _Tally = total
    return tally


def _example(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def category_counts(
    frame: nw.LazyFrame[Any],
    cols: tuple[str, ...],
    weight: str | None,
    categories: FloatArray,
    *,
    where: str,
) -> CountSums:
    """Per-column category counts of a Dask frame (bincount per partition)."""
    keep = [*cols, *([weight] if weight is not None else [])]
    tot = _sum(frame, keep, _count_part, cols, weight, categories)
    raise_bad_weights(tot.bad_weights, weight, where)
    invalid = tuple(
        Invalid(
            column=c, value=_example(tot.min_invalid_a[j]), count=int(tot.invalid[j])
        )
        if tot.invalid[j]
        else None
        for j, c in enumerate(cols)
    )
    return CountSums(columns=cols, cells=tot.cells, invalid=invalid)


def pair_counts(
    frame: nw.LazyFrame[Any],
    pairs: Sequence[tuple[str, str]],
    weight: str | None,
    categories_a: FloatArray,
    categories_b: FloatArray,
    *,
    where: str,
) -> PairSums:
    """Joint counts per column pair of a Dask frame (bincount per partition)."""
    flat = list(dict.fromkeys(c for pair in pairs for c in pair))
    keep = [*flat, *([weight] if weight is not None else [])]
    tot = _sum(
        frame, keep, _pair_part, tuple(pairs), weight, categories_a, categories_b
    )
    raise_bad_weights(tot.bad_weights, weight, where)
    ka, kb = len(categories_a), len(categories_b)
    invalid: list[Invalid | None] = []
    for k, (a, b) in enumerate(pairs):
        if not tot.invalid[k]:
            invalid.append(None)
            continue
        va, vb = tot.min_invalid_a[k], tot.min_invalid_b[k]
        col, value = (a, va) if math.isfinite(va) else (b, vb)
        invalid.append(
            Invalid(column=col, value=_example(value), count=int(tot.invalid[k]))
        )
    return PairSums(cells=tot.cells.reshaped(ka, kb), invalid=tuple(invalid))
