r"""Per-missing-pattern statistics: what EM and FIML need, mergeable like Moments.

Rows are grouped by their *missing-data pattern* (the set of observed
columns). For each pattern :math:`k` with observed columns :math:`O_k` the
sufficient statistics of the normal likelihood are the rows :math:`n_k`,
the weight sum :math:`W_k = \sum w_r`, the weighted mean :math:`m_k` of the
observed columns and their centred cross-products
:math:`C_k = \sum_r w_r (x_{rO} - m_k)(x_{rO} - m_k)^\top` (Little & Rubin
2002, sec. 11.2; Dempster, Laird & Rubin 1977). Two sets of pattern
statistics of disjoint rows merge exactly: patterns seen in both merge by
the update of Chan, Golub & LeVeque (1979), others are kept, so chunks,
Dask partitions and engine groups combine into the statistics of the whole.

- rows in memory: one stable sort of the rows by pattern code, then per
  pattern its mean and centred cross-product (two passes, exact);
- lazy frames (polars, DuckDB, PySpark): one ``group_by`` of the pattern key
  (the is-null flags packed into 62-bit integers) summing the weights and
  the products of the values centred by the columns' observed means (the
  corrected two-pass algorithm of Chan, Golub & LeVeque 1983, eq. 1.7, per
  group); only one row per pattern comes back;
- Dask: the in-memory kernel on each partition, merged.

References
----------
.. [1] Dempster, A. P., Laird, N. M., & Rubin, D. B. (1977). Maximum
   likelihood from incomplete data via the EM algorithm. JRSS B, 39(1), 1-38.
.. [2] Little, R. J. A., & Rubin, D. B. (2002). Statistical analysis with
   missing data (2nd ed.). Wiley.
.. [3] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1979). Updating formulae
   and a pairwise algorithm for computing sample variances. Technical Report
   STAN-CS-79-773, Stanford University.
.. [4] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1983). Algorithms for
   computing the sample variance: analysis and recommendations. The
   American Statistician, 37(3), 242-247.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._typing import BoolArray, FloatArray, IntArray
from ..exceptions import InputError
from ._protocol import Account, MomentsRequest, summed

__all__ = ["PatternSums", "lazy_patterns", "memory_patterns"]

#: Bits per integer pattern key (one int64 column per 62 columns).
_BITS = 62


@dataclass(frozen=True, slots=True)
class PatternSums:
    """Statistics per missing-data pattern (K patterns, p columns).

    ``observed`` (K, p) flags the observed columns of each pattern;
    ``count``, ``weight_sum``, ``weight_sq_sum`` (K,) its rows, weights and
    squared weights; ``mean`` (K, p) the weighted means of its observed
    columns (0 elsewhere); ``comoment`` (K, p, p) their centred weighted
    cross-products (0 outside the observed block). Patterns are sorted by
    their flags; rows without an observed value or with weight 0 are in no
    pattern (they are in ``account``).
    """

    columns: tuple[str, ...]
    observed: BoolArray
    count: IntArray
    weight_sum: FloatArray
    weight_sq_sum: FloatArray
    mean: FloatArray
    comoment: FloatArray
    weighted: bool
    account: Account

    @property
    def n_patterns(self) -> int:
        """Number of distinct patterns K."""
        return int(self.count.size)

    def merge(self, other: PatternSums) -> PatternSums:
        """Exact statistics of the union of two disjoint row sets."""
        if other.columns != self.columns:
            msg = (
                f"PatternSums.merge needs the same columns. Got {self.columns} "
                f"and {other.columns}."
            )
            raise InputError(msg)
        obs = np.concatenate([self.observed, other.observed])
        keys, inverse = np.unique(obs, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        k, p = keys.shape[0], obs.shape[1]
        count = np.zeros(k, dtype=np.int64)
        wsum, wsq = np.zeros(k), np.zeros(k)
        mean, com = np.zeros((k, p)), np.zeros((k, p, p))
        parts = (
            (self, inverse[: self.n_patterns]),
            (other, inverse[self.n_patterns :]),
        )
        for src, idx in parts:
            for a, g in enumerate(idx.tolist()):
                wa, wb = wsum[g], src.weight_sum[a]
                w = wa + wb
                delta = src.mean[a] - mean[g]
                com[g] += src.comoment[a] + np.outer(delta, delta) * (wa * wb / w)
                mean[g] += delta * (wb / w)
                wsum[g] = w
                wsq[g] += src.weight_sq_sum[a]
                count[g] += src.count[a]
        return PatternSums(
            columns=self.columns,
            observed=keys.astype(bool),
            count=count,
            weight_sum=wsum,
            weight_sq_sum=wsq,
            mean=mean,
            comoment=com,
            weighted=self.weighted or other.weighted,
            account=Account(
                rows_total=self.account.rows_total + other.account.rows_total,
                rows_used=self.account.rows_used + other.account.rows_used,
                reasons=summed(self.account.reasons, other.account.reasons),
                column_missing=summed(
                    self.account.column_missing, other.account.column_missing
                ),
            ),
        )


def _account(
    req: MomentsRequest, x: FloatArray, w: FloatArray | None
) -> tuple[Account, BoolArray, BoolArray]:
    """Check the rows, count missing cells and exclusions.

    Returns the account, the usable rows and the observed cells.
    """
    n = x.shape[0]
    obs = ~np.isnan(x)
    req.check_infinite(np.isinf(x).sum(axis=0).tolist())
    nobs = obs.sum(axis=0)
    column_missing = {c: int(n - nobs[i]) for i, c in enumerate(req.columns)}
    req.check_missing(column_missing)
    positive = np.ones(n, dtype=bool) if w is None else w > 0
    any_obs = obs.any(axis=1)
    used = positive & any_obs
    reasons: dict[str, int] = {}
    zero = int((~positive).sum())
    if zero:
        reasons["zero weight"] = zero
    none = int((positive & ~any_obs).sum())
    if none:
        reasons["no observed value"] = none
    account = Account(
        rows_total=n,
        rows_used=int(used.sum()),
        reasons=reasons,
        column_missing=column_missing,
    )
    return account, used, obs


def memory_patterns(
    x: FloatArray, w: FloatArray | None, req: MomentsRequest
) -> PatternSums:
    """Pattern statistics of validated rows in memory (NaN = missing)."""
    p = x.shape[1]
    account, used, obs = _account(req, x, w)
    if account.rows_used == 0:
        raise req.no_usable_row(account)
    if account.rows_used < x.shape[0]:
        x, obs = x[used], obs[used]
        w = None if w is None else w[used]
    xs, ws = x, w
    if p <= _BITS:  # one integer code per row: a fast 1-D unique
        packed = np.packbits(obs, axis=1, bitorder="little").astype(np.int64)
        codes = np.zeros(obs.shape[0], dtype=np.int64)
        for j in range(packed.shape[1]):
            codes |= packed[:, j] << (8 * j)
        first, inverse = np.unique(codes, return_index=True, return_inverse=True)[1:]
        keys = obs[first]
        lex = np.lexsort(keys.T[::-1])  # the row order of np.unique(axis=0)
        keys = keys[lex]
        inverse = np.argsort(lex)[inverse.reshape(-1)]
    else:
        keys, inverse = np.unique(obs, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(keys.shape[0] + 1))
    k = keys.shape[0]
    count = np.diff(bounds).astype(np.int64)
    # one sorted, shifted copy (NaN -> 0): each pattern is a contiguous block
    # and its sums are one matrix product (Chan, Golub & LeVeque 1983, eq.
    # 1.7: co-moment = P - s s' / W for values shifted near their means)
    shift = _shift(xs, obs)
    z = xs[order]
    z -= shift
    np.copyto(z, 0.0, where=np.isnan(z))
    wz = None if ws is None else ws[order]
    wsum, wsq = np.zeros(k), np.zeros(k)
    mean, com = np.zeros((k, p)), np.zeros((k, p, p))
    for g in range(k):
        sub = z[bounds[g] : bounds[g + 1]]
        if wz is None:
            total = float(sub.shape[0])
            s = sub.sum(axis=0)
            prod = sub.T @ sub
            wsq[g] = total
        else:
            wr = wz[bounds[g] : bounds[g + 1]]
            total = float(wr.sum())
            s = wr @ sub
            prod = (sub * wr[:, None]).T @ sub
            wsq[g] = float(wr @ wr)
        mask = keys[g]
        wsum[g] = total
        mean[g] = np.where(mask, shift + s / total, 0.0)
        com[g] = (prod - np.outer(s, s) / total) * np.outer(mask, mask)
    return PatternSums(
        columns=req.columns,
        observed=keys.astype(bool),
        count=count,
        weight_sum=wsum,
        weight_sq_sum=wsq,
        mean=mean,
        comoment=com,
        weighted=w is not None,
        account=account,
    )


def _shift(x: FloatArray, obs: BoolArray) -> FloatArray:
    """Observed column means of the first rows: a centring shift near the means.

    Columns unobserved there take the mean of all their rows (0 if none).
    """
    head, seen = x[:4096], obs[:4096]
    count = seen.sum(axis=0)
    total = np.where(seen, head, 0.0).sum(axis=0)
    shift = np.where(count > 0, total / np.maximum(count, 1), 0.0)
    for j in np.flatnonzero(count == 0).tolist():
        col = x[obs[:, j], j]
        shift[j] = float(col.mean()) if col.size else 0.0
    return shift


def lazy_patterns(frame: Any, req: MomentsRequest) -> PatternSums:  # noqa: ANN401
    """Pattern statistics of a lazy frame (native or narwhals) on its engine."""
    from ._frame import engine_name, to_lazy  # noqa: PLC0415

    lazy = to_lazy(frame)
    if engine_name(lazy) == "dask":
        return _dask_patterns(lazy, req)
    return _expression_patterns(lazy, req)


def _expression_patterns(frame: Any, req: MomentsRequest) -> PatternSums:  # noqa: ANN401
    """One ``group_by`` of the pattern key on polars lazy, DuckDB or PySpark."""
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - engines only

    from ._frame import W, num  # noqa: PLC0415
    from .expressions import _first_pass, _prepared  # noqa: PLC0415

    p = len(req.columns)
    pairwise = MomentsRequest(
        req.columns, req.weight, "pairwise", req.nan_policy, req.where, req.name
    )
    prepared = _prepared(frame, req.columns, req.weight)
    pilot = _first_pass(prepared, pairwise)  # checks, account, observed means
    obs = [nw.col(f"__o{i}") for i in range(p)]
    keys = []
    for b, start in enumerate(range(0, p, _BITS)):
        bits = [
            obs[i].cast(nw.Int64) * (1 << (i - start))
            for i in range(start, min(start + _BITS, p))
        ]
        keys.append(nw.sum_horizontal(*bits).alias(f"__key{b}"))
    d = [
        nw.when(obs[i]).then(nw.col(f"__x{i}") - float(pilot.shift[i])).alias(f"__d{i}")
        for i in range(p)
    ]
    flat = prepared.filter(nw.any_horizontal(*obs, ignore_nulls=True))
    aggs = [nw.len().alias("__n")]
    if req.weight is None:  # no multiplications by a weight of 1
        flat = flat.select(*keys, *d)
        e = [nw.col(f"__d{i}") for i in range(p)]
    else:  # weighted deviations once per row, then products
        w = nw.col(W)
        flat = flat.select(*keys, *d, w).with_columns(
            *((w * nw.col(f"__d{i}")).alias(f"__e{i}") for i in range(p))
        )
        e = [nw.col(f"__e{i}") for i in range(p)]
        aggs += [w.sum().alias("__ws"), (w * w).sum().alias("__wq")]
    aggs += [e[i].sum().alias(f"__s{i}") for i in range(p)]
    aggs += [
        (e[i] * nw.col(f"__d{j}")).sum().alias(f"__p{i}_{j}")
        for i in range(p)
        for j in range(i, p)
    ]
    key_names = [f"__key{b}" for b in range(len(keys))]
    out = flat.group_by(*key_names).agg(*aggs).collect()
    code = np.array(
        [[int(num(v)) for v in out.get_column(k).to_list()] for k in key_names]
    ).T.reshape(-1, len(key_names))

    def column(name: str) -> FloatArray:
        return np.array([num(v) for v in out.get_column(name).to_list()])

    k = code.shape[0]
    observed = np.zeros((k, p), dtype=bool)
    for i in range(p):
        observed[:, i] = (code[:, i // _BITS] >> (i % _BITS)) & 1 == 1
    n = column("__n").round().astype(np.int64)
    if req.weight is None:
        wsum = wsq = n.astype(np.float64)
    else:
        wsum, wsq = column("__ws"), column("__wq")
    s = np.column_stack([column(f"__s{i}") for i in range(p)])
    prod = np.zeros((k, p, p))
    for i in range(p):
        for j in range(i, p):
            prod[:, i, j] = prod[:, j, i] = column(f"__p{i}_{j}")
    with np.errstate(divide="ignore", invalid="ignore"):
        dm = np.where(observed, s / wsum[:, None], 0.0)
        com = prod - s[:, :, None] * s[:, None, :] / wsum[:, None, None]
    com *= observed[:, :, None] & observed[:, None, :]
    order = np.lexsort(observed.T[::-1])
    return PatternSums(
        columns=req.columns,
        observed=observed[order],
        count=n[order],
        weight_sum=wsum[order],
        weight_sq_sum=wsq[order],
        mean=np.where(observed, dm + pilot.shift, 0.0)[order],
        comoment=com[order],
        weighted=req.weight is not None,
        account=pilot.account,
    )


def _dask_patterns(frame: Any, req: MomentsRequest) -> PatternSums:  # noqa: ANN401
    """Run the in-memory kernel on every Dask partition and merge pairwise."""
    from ._frame import tree  # noqa: PLC0415
    from .dask import _dask, _parts  # noqa: PLC0415 - optional engine

    dk = _dask()
    part_fn = dk.delayed(_partition, pure=True)
    pieces = [part_fn(part, req) for part in _parts(frame, req.columns, req.weight)]
    (merged,) = dk.compute(tree(dk, pieces, _merge))
    total: PatternSums = merged
    req.check_missing(total.account.column_missing)
    if total.account.rows_used == 0:
        raise req.no_usable_row(total.account)
    return total


def _partition(part: Any, req: MomentsRequest) -> PatternSums:  # noqa: ANN401
    """Pattern statistics of one partition (possibly without a usable row)."""
    from ._frame import raise_bad_weights  # noqa: PLC0415
    from .dask import _values  # noqa: PLC0415 - optional engine

    x, w = _values(part, req.columns, req.weight)
    if w is not None:
        raise_bad_weights(int((~np.isfinite(w) | (w < 0)).sum()), req.weight, req.where)
    loose = MomentsRequest(req.columns, req.weight, "pairwise", "omit", req.where)
    account, _, _ = _account(loose, x, w)
    if account.rows_used == 0:
        p = x.shape[1]
        return PatternSums(
            columns=req.columns,
            observed=np.zeros((0, p), dtype=bool),
            count=np.zeros(0, dtype=np.int64),
            weight_sum=np.zeros(0),
            weight_sq_sum=np.zeros(0),
            mean=np.zeros((0, p)),
            comoment=np.zeros((0, p, p)),
            weighted=w is not None,
            account=account,
        )
    return memory_patterns(x, w, loose)


def _merge(a: PatternSums, b: PatternSums) -> PatternSums:
    return a.merge(b)
