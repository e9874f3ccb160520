r"""Moments on expression engines (PySpark, DuckDB, polars lazy) via narwhals.

A lazy frame is never collected. Its counts, sums and sums of products are
written as narwhals expressions; the engine evaluates them in parallel over
its partitions and only one small row (or, for the bootstrap, one row per
replicate) comes back.

Listwise deletion takes two passes over the data, the *corrected two-pass
algorithm* of Chan, Golub & LeVeque (1983, eq. 1.7): the first pass counts
rows and missing cells and sums the (weighted) values, giving the means
:math:`\bar x`; the second sums, over the complete rows,

.. math::

    s_i = \sum_r w_r (x_{ri} - \bar x_i), \qquad
    P_{ij} = \sum_r w_r (x_{ri} - \bar x_i)(x_{rj} - \bar x_j),

and the co-moment is :math:`C = P - s s^\top / W`; the correction term
:math:`s s^\top / W` removes the rounding error of the first-pass mean.
Pairwise deletion sums the same products per pair of columns over the rows
observing both, centred by a pilot mean of each column (the ``x_i + 0 x_j``
expression is missing whenever either value is, and engines skip missing
values in sums). When the first pass finds no missing value, every pair is
observed in the same rows and the pairwise moments are the listwise ones:
they are then summed as such (p(p + 1)/2 + p sums instead of about 3p^2,
which for 44 columns is the difference between a query DuckDB runs in its
memory budget and one it cannot).

Each aggregate is placed into its array by a typed :class:`_Slot` (array,
row, column), never by parsing a column name. Category counts are in
:mod:`satmodels.engines.grouped`.

References
----------
.. [1] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1983). Algorithms for
   computing the sample variance: analysis and recommendations. The
   American Statistician, 37(3), 242-247.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import narwhals.stable.v2 as nw
import numpy as np

from .._typing import FloatArray
from ._frame import INF, W, bad_weight, cleaned, num, raise_bad_weights, xcol
from ._protocol import Account, Missing, MomentsRequest, MomentSums
from ._sums import ONE, Term, add, col, mul, sum_all
from .memory import pairs_from_sums

__all__ = ["Pilot", "moments", "pilot_for", "sum_terms", "to_moment_sums"]

_USED = "__used"

#: Indices of the six per-pair arrays a slot writes to.
COUNT, WSUM, WSQ, S, PROD, SQ = range(6)


def _d(i: int) -> Term:
    """Return internal column i centred by the pilot; null where not used."""
    return col(f"__d{i}")


def _z(i: int) -> Term:
    """Return 0 where column i is used, null elsewhere (null propagation)."""
    return col(f"__z{i}")


def _bool_sum(expr: nw.Expr, name: str) -> nw.Expr:
    return expr.cast(nw.Int64).sum().alias(name)


@dataclass(frozen=True, slots=True)
class Pilot:
    """What the first pass found: the account and the centring shift."""

    columns: tuple[str, ...]
    weight: str | None
    listwise: bool
    account: Account
    shift: FloatArray
    wsum: float
    wsq: float
    #: Pairwise moments asked for and summed listwise (nothing was missing).
    as_pairwise: bool = False


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where one aggregate goes: array ``field``, cell (i, j) or a pattern.

    ``kind`` is ``"all"`` (every cell), ``"row"`` (row i), ``"sym"`` (cells
    (i, j) and (j, i)) or ``"cell"`` (cell (i, j)).
    """

    field: int
    kind: Literal["all", "row", "sym", "cell"]
    i: int = 0
    j: int = 0


def _prepared(
    frame: nw.LazyFrame[Any],
    cols: Sequence[str],
    weight: str | None,
    keep: Sequence[str] = (),
) -> nw.LazyFrame[Any]:
    """Select the columns once, cleaned, with the row flags the passes use.

    Internal columns ``__x{i}`` (NaN and null both null), ``__w`` (weight),
    ``__used`` (listwise: complete with positive weight) and ``__o{i}``
    (pairwise: value observed with positive weight). Precomputing them keeps
    every aggregate a small expression, which matters on engines whose
    expressions are built remotely (PySpark over py4j).
    """
    frame = cleaned(frame, cols, weight, keep)
    positive = nw.lit(value=True) if weight is None else nw.col(W) > 0
    complete = nw.all_horizontal(
        *(~xcol(i).is_null() for i in range(len(cols))), ignore_nulls=True
    )
    flags = [(complete & positive).alias(_USED)]
    flags += [
        (~xcol(i).is_null() & positive).alias(f"__o{i}") for i in range(len(cols))
    ]
    return frame.with_columns(*flags)


def _first_pass(frame: nw.LazyFrame[Any], req: MomentsRequest) -> Pilot:
    cols, weight, listwise = req.columns, req.weight, req.listwise
    p = len(cols)
    exprs: list[nw.Expr] = [nw.len().alias("n")]
    for i in range(p):
        exprs.append(_bool_sum(xcol(i).is_null(), f"miss{i}"))
        exprs.append(_bool_sum(xcol(i).abs() == INF, f"inf{i}"))
    w = None if weight is None else nw.col(W)
    if w is not None:
        exprs.append(_bool_sum(bad_weight(w), "badw"))
    if listwise:
        exprs += _listwise_sums(p, w, "")
    else:
        exprs += _listwise_sums(p, w, "l_")  # the pairwise moments may be these
        obs = [nw.col(f"__o{i}") for i in range(p)]
        any_obs = nw.any_horizontal(*obs, ignore_nulls=True)
        exprs.append(_bool_sum(any_obs, "used"))
        if w is not None:
            exprs.append(_bool_sum(w == 0, "zero"))
        for i in range(p):
            exprs.append(_bool_sum(obs[i], f"nobs{i}"))
            exprs.append(nw.when(obs[i]).then(xcol(i)).sum().alias(f"sum{i}"))
    out = frame.select(*exprs).collect()
    row = {k: num(v) for k, v in zip(out.columns, out.row(0), strict=True)}

    def count(key: str) -> int:
        return round(row[key])

    n_rows = count("n")
    req.check_infinite([count(f"inf{i}") for i in range(p)])
    if w is not None:
        raise_bad_weights(count("badw"), weight, req.where)
    col_missing = {c: count(f"miss{i}") for i, c in enumerate(cols)}
    req.check_missing(col_missing)
    as_pairwise = not listwise and not any(col_missing.values())
    if as_pairwise:  # nothing missing: pairwise = listwise
        listwise = True
        row = {k[2:]: v for k, v in row.items() if k.startswith("l_")} | {"n": row["n"]}
    reasons: dict[str, int] = {}
    used = count("used")
    sums = np.array([row[f"sum{i}"] for i in range(p)])
    if listwise:
        n_drop = n_rows - count("complete")
        if n_drop:
            reasons["missing value (listwise)"] = n_drop
        if w is not None and count("zero"):
            reasons["zero weight"] = count("zero")
        wsum, wsq = (
            (float(used), float(used)) if w is None else (row["wsum"], row["wsq"])
        )
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            shift = sums / wsum
    else:
        zero = count("zero") if w is not None else 0
        if zero:
            reasons["zero weight"] = zero
        if n_rows - used - zero > 0:
            reasons["no observed value"] = n_rows - used - zero
        nobs = np.array([row[f"nobs{i}"] for i in range(p)])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            shift = np.where(nobs > 0, sums / nobs, 0.0)
        wsum = wsq = 0.0
    account = Account(
        rows_total=n_rows, rows_used=used, reasons=reasons, column_missing=col_missing
    )
    if used == 0:
        raise req.no_usable_row(account)
    return Pilot(
        columns=cols,
        weight=weight,
        listwise=listwise,
        account=account,
        shift=np.nan_to_num(shift, nan=0.0, posinf=np.inf, neginf=-np.inf),
        wsum=float(wsum),
        wsq=float(wsq),
        as_pairwise=as_pairwise,
    )


def _listwise_sums(p: int, w: nw.Expr | None, prefix: str) -> list[nw.Expr]:
    """Return the first-pass aggregates of listwise deletion (names prefixed)."""
    used_e = nw.col(_USED)
    complete = nw.all_horizontal(
        *(~xcol(i).is_null() for i in range(p)), ignore_nulls=True
    )
    exprs = [
        _bool_sum(complete, f"{prefix}complete"),
        _bool_sum(used_e, f"{prefix}used"),
    ]
    if w is not None:
        exprs += [
            _bool_sum(complete & (w == 0), f"{prefix}zero"),
            nw.when(used_e).then(w).sum().alias(f"{prefix}wsum"),
            nw.when(used_e).then(w * w).sum().alias(f"{prefix}wsq"),
        ]
    for i in range(p):
        term = xcol(i) if w is None else w * xcol(i)
        exprs.append(nw.when(used_e).then(term).sum().alias(f"{prefix}sum{i}"))
    return exprs


def _centred(
    frame: nw.LazyFrame[Any], pilot: Pilot, extra: Sequence[str] = ()
) -> nw.LazyFrame[Any]:
    """Add ``__d{i}`` (centred by the pilot shift) and ``__z{i}`` columns.

    Listwise the rows are first filtered to the used ones. ``extra``
    columns (a group label) are carried along.
    """
    p = len(pilot.columns)
    keep = [*([W] if pilot.weight is not None else []), *extra]
    if pilot.listwise:
        frame = frame.filter(nw.col(_USED))
        centred = [(xcol(i) - float(pilot.shift[i])).alias(f"__d{i}") for i in range(p)]
        return frame.select(*centred, *keep)
    centred = [
        nw.when(nw.col(f"__o{i}"))
        .then(xcol(i) - float(pilot.shift[i]))
        .alias(f"__d{i}")
        for i in range(p)
    ]
    frame = frame.select(*centred, *keep)
    return frame.with_columns(
        *((nw.col(f"__d{i}") * 0.0).alias(f"__z{i}") for i in range(p))
    )


def sum_terms(
    pilot: Pilot, mult: str | None, *, with_counts: bool
) -> tuple[list[Term], list[_Slot]]:
    """Build the terms whose sums give the (replicate's) shifted raw sums.

    They are summed (:mod:`satmodels.engines._sums`) on the frame from
    :func:`pilot_for`. ``mult`` names a column multiplying every row's
    contribution (the Poisson multiplicity; None for 1). Returns the terms
    and, in the same order, the slot each sum fills.
    """
    p = len(pilot.columns)
    w = None if pilot.weight is None else col(W)
    terms: list[Term] = []
    slots: list[_Slot] = []

    def add_sum(term: Term, slot: _Slot) -> None:
        terms.append(term)
        slots.append(slot)

    m = None if mult is None else col(mult)
    mw = w if m is None else (m if w is None else mul(m, w))
    one = ONE if m is None else m
    if pilot.listwise:
        if with_counts:
            add_sum(one, _Slot(COUNT, "all"))
            add_sum(one if w is None else mul(one, w), _Slot(WSUM, "all"))
            add_sum(one if w is None else mul(mul(one, w), w), _Slot(WSQ, "all"))
        for i in range(p):
            add_sum(_d(i) if mw is None else mul(mw, _d(i)), _Slot(S, "row", i))
        for i in range(p):
            di = _d(i) if mw is None else mul(mw, _d(i))
            for j in range(i, p):
                add_sum(mul(di, _d(j)), _Slot(PROD, "sym", i, j))
        return terms, slots
    for i in range(p):
        for j in range(i, p):
            both = add(_z(i), _z(j))
            add_sum(add(one, both), _Slot(COUNT, "sym", i, j))
            if w is not None:
                add_sum(add(mul(one, w), both), _Slot(WSUM, "sym", i, j))
                add_sum(add(mul(mul(one, w), w), both), _Slot(WSQ, "sym", i, j))
            prod = mul(_d(i), _d(j))
            add_sum(prod if mw is None else mul(mw, prod), _Slot(PROD, "sym", i, j))
    for i in range(p):
        xi = _d(i) if mw is None else mul(mw, _d(i))
        sqi = mul(xi, _d(i))
        for j in range(p):
            extra = _z(j) if j != i else None
            add_sum(xi if extra is None else add(xi, extra), _Slot(S, "cell", i, j))
            add_sum(sqi if extra is None else add(sqi, extra), _Slot(SQ, "cell", i, j))
    return terms, slots


def to_moment_sums(
    pilot: Pilot, values: FloatArray, slots: Sequence[_Slot], *, batch: bool
) -> MomentSums:
    """Place the collected aggregates ``(B, len(slots))`` into the moments."""
    b, p = values.shape[0], len(pilot.columns)
    arrays = np.zeros((6, b, p, p))
    if pilot.listwise:
        arrays[COUNT] = float(pilot.account.rows_used)
        arrays[WSUM] = pilot.wsum
        arrays[WSQ] = pilot.wsq
    for k, slot in enumerate(slots):
        v = values[:, k]
        target = arrays[slot.field]
        if slot.kind == "all":
            target[:] = v[:, None, None]
        elif slot.kind == "row":
            target[:, slot.i, :] = v[:, None]
        else:
            target[:, slot.i, slot.j] = v
            if slot.kind == "sym":
                target[:, slot.j, slot.i] = v
    if pilot.listwise:
        diag = np.diagonal(arrays[PROD], axis1=1, axis2=2)
        arrays[SQ] = np.repeat(diag[:, :, None], p, axis=2)
    elif pilot.weight is None:
        arrays[WSUM] = arrays[COUNT]
        arrays[WSQ] = arrays[COUNT]
    count = arrays[COUNT].round().astype(np.int64)
    res = pairs_from_sums(
        count,
        arrays[WSUM],
        arrays[WSQ],
        arrays[S],
        arrays[PROD],
        arrays[SQ],
        pilot.shift,
    )
    if not batch:
        res = type(res)(*(np.asarray(a[0]) for a in _fields(res)))
    listwise = pilot.listwise and not pilot.as_pairwise
    missing: Missing = "listwise" if listwise else "pairwise"
    return MomentSums(
        columns=pilot.columns,
        missing=missing,
        weighted=pilot.weight is not None,
        moments=res,
        account=pilot.account,
        shift=pilot.shift,
    )


def _fields(res: Any) -> tuple[Any, ...]:  # noqa: ANN401 - PairMoments
    return (
        res.count,
        res.weight_sum,
        res.weight_sq_sum,
        res.pair_mean,
        res.comoment,
        res.pair_sumsq,
    )


def pilot_for(
    frame: nw.LazyFrame[Any], req: MomentsRequest
) -> tuple[nw.LazyFrame[Any], Pilot]:
    """Run the first pass; return the centred frame for the second."""
    frame = _prepared(frame, req.columns, req.weight)
    pilot = _first_pass(frame, req)
    return _centred(frame, pilot), pilot


def moments(frame: nw.LazyFrame[Any], req: MomentsRequest) -> MomentSums:
    """Moments of a lazy frame, aggregated on its engine (two passes)."""
    centred, pilot = pilot_for(frame, req)
    terms, slots = sum_terms(pilot, None, with_counts=not pilot.listwise)
    values = sum_all(centred, terms)[None, :]
    return to_moment_sums(pilot, values, slots, batch=False)
