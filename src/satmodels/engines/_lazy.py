r"""Sufficient statistics computed on lazy engines (Dask, PySpark, DuckDB, polars).

A lazy frame is never collected. Its counts, sums and sums of products are
written as narwhals expressions; the engine evaluates them in parallel over
its partitions and only one small row (or, for the bootstrap, one row per
replicate) comes back to Python, from which the same :class:`Moments` as the
in-memory path is assembled (DESIGN.md, "Scale").

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
values in sums).

Dask takes a different route to the same numbers: narwhals' Dask backend
makes every aggregate a separate reduction (thousands of tasks for 16
columns), so each partition's Moments are computed by the numpy kernel on
its worker and merged exactly in a tree (Chan, Golub & LeVeque 1979), in a
single pass over the data. Category counts on Dask likewise run
``numpy.bincount`` per partition.

The Poisson bootstrap (Hanley & MacGibbon 2006) gives row r an independent
Poisson(1) multiplicity :math:`k_{rb}` in replicate b, so every replicate's
sums are one more weighted sum over the rows and need no global
coordination. narwhals has no random expressions, so the multiplicities are
drawn per engine: Dask partitions run numpy with generators spawned from the
caller's ``rng``; DuckDB and polars hash a row number, the replicate index
and a seed drawn from ``rng`` into a uniform; PySpark uses ``rand(seed)``.
The uniform becomes a Poisson(1) draw by its inverse CDF,
:math:`k = \#\{j : u \ge F(j)\}`.

References
----------
.. [1] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1979). Updating formulae
   and a pairwise algorithm for computing sample variances. Technical Report
   STAN-CS-79-773, Stanford University.
.. [2] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1983). Algorithms for
   computing the sample variance: analysis and recommendations. The
   American Statistician, 37(3), 242-247.
.. [3] Hanley, J. A., & MacGibbon, B. (2006). Creating non-parametric
   bootstrap samples using Poisson frequencies. Computer Methods and
   Programs in Biomedicine, 83(1), 57-62.
.. [4] Chamandy, N., Muralidharan, O., Najmi, A., & Naidu, S. (2012).
   Estimating uncertainty for massive data streams. Google Technical Report.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import narwhals.stable.v2 as nw
import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError

if TYPE_CHECKING:
    from ..stats.moments import MissingReport, Moments

__all__ = [
    "POISSON_MAX",
    "engine_name",
    "lazy_category_counts",
    "lazy_moments",
    "lazy_pair_counts",
    "lazy_poisson_bootstrap",
    "poisson_thresholds",
    "to_lazy",
]

#: Largest multiplicity the inverse-CDF ladder produces; P(Poisson(1) > 15)
#: is below 1e-13, far under the resolution of any bootstrap.
POISSON_MAX = 15

_INF = float("inf")


def poisson_thresholds(kmax: int = POISSON_MAX) -> list[float]:
    r"""Poisson(1) CDF values :math:`F(0), \dots, F(k_{\max} - 1)`.

    A uniform ``u`` becomes the Poisson(1) draw :math:`\#\{j : u \ge F(j)\}`
    (inversion; Devroye 1986, section X.3.3).

    Examples
    --------
    >>> [round(t, 4) for t in poisson_thresholds(3)]
    [0.3679, 0.7358, 0.9197]
    """
    out: list[float] = []
    term = math.exp(-1.0)
    total = 0.0
    for k in range(kmax):
        total += term
        out.append(total)
        term /= k + 1
    return out


# ------------------------------------------------------------------ helpers
def to_lazy(data: object) -> nw.LazyFrame[Any]:
    """Wrap a native lazy frame in narwhals (quietly for Dask)."""
    with warnings.catch_warnings():
        # narwhals announces that Dask support moves to a plug-in package;
        # the built-in support still works and is what we use.
        warnings.simplefilter("ignore", FutureWarning)
        frame = nw.from_native(data, pass_through=True)
    if not isinstance(frame, nw.LazyFrame):
        msg = f"Expected a lazy frame. Got {type(data).__name__} instead."
        raise InputError(msg)
    return frame


def engine_name(frame: nw.LazyFrame[Any]) -> str:
    """Lower-case engine name: "dask", "duckdb", "polars", "pyspark", ..."""
    return str(frame.implementation).rsplit(".", 1)[-1].lower()


def _schema(frame: nw.LazyFrame[Any]) -> dict[str, Any]:
    return dict(frame.collect_schema())


def _resolve_columns(
    frame: nw.LazyFrame[Any],
    columns: Sequence[str] | None,
    weights: object,
    where: str,
    *,
    numeric: bool = True,
    name: str = "data",
) -> tuple[tuple[str, ...], str | None]:
    """Check the selected columns (numeric) and the weights column name."""
    schema = _schema(frame)
    names = list(schema)
    if isinstance(columns, str):
        columns = [columns]
    cols = tuple(str(c) for c in columns) if columns is not None else tuple(names)
    unknown = [c for c in cols if c not in schema]
    if unknown:
        msg = (
            f"The '{name}' data of {where} has no column(s) {unknown}. "
            f"Available columns: {names}."
        )
        raise InputError(msg)
    if not cols:
        msg = f"The '{name}' parameter of {where} has no columns."
        raise InputError(msg)
    if numeric:
        for c in cols:
            dtype = schema[c]
            if not (dtype.is_numeric() or dtype == nw.Boolean):
                msg = (
                    f"Column '{c}' of the '{name}' parameter of {where} must be "
                    f"numeric. Got dtype {dtype} instead."
                )
                raise InputError(msg)
    weight_col: str | None = None
    if weights is not None:
        if not isinstance(weights, str):
            msg = (
                f"The 'weights' parameter of {where} must name a column of a "
                f"lazy frame (rows of a lazy frame have no fixed order to align "
                f"an array with). Got {type(weights).__name__} instead."
            )
            raise InputError(msg)
        if weights not in schema:
            msg = (
                f"The 'weights' column {weights!r} of {where} is not in the "
                f"data. Available columns: {names}."
            )
            raise InputError(msg)
        if not schema[weights].is_numeric():
            msg = (
                f"The weights column {weights!r} of {where} must be numeric. "
                f"Got dtype {schema[weights]} instead."
            )
            raise InputError(msg)
        if weights in cols:
            msg = f"The weights column {weights!r} is also listed in 'columns'."
            raise InputError(msg)
        weight_col = weights
    return cols, weight_col


def _clean(column: str) -> nw.Expr:
    """Return the column as float64 with NaN turned into null (both missing)."""
    e = nw.col(column).cast(nw.Float64)
    return nw.when(~e.is_nan()).then(e)


def _num(value: object) -> float:
    """Convert an engine's scalar (None, Decimal, numpy, Python) to float."""
    if value is None:
        return 0.0
    if isinstance(value, Decimal):
        return float(value)
    f = float(value)  # type: ignore[arg-type]
    return 0.0 if math.isnan(f) else f


def _plain(value: object) -> float | None:
    """Return an engine's scalar as a Python float (None stays None)."""
    return None if value is None else _num(value)


def _collect_row(frame: nw.LazyFrame[Any], exprs: list[nw.Expr]) -> dict[str, float]:
    """Evaluate aggregate expressions on the engine; collect one row."""
    out = frame.select(*exprs).collect()
    return {name: _num(v) for name, v in zip(out.columns, out.row(0), strict=True)}


def _int(row: dict[str, float], key: str) -> int:
    return round(row[key])


def _bool_sum(expr: nw.Expr, name: str) -> nw.Expr:
    return expr.cast(nw.Int64).sum().alias(name)


# ------------------------------------------------------------- first pass
@dataclass(frozen=True, slots=True)
class _Pilot:
    """What the first pass found: validation counts, report and shift."""

    columns: tuple[str, ...]
    weight: str | None
    listwise: bool
    rows_total: int
    rows_used: int
    reasons: dict[str, int]
    column_missing: dict[str, int]
    shift: FloatArray
    wsum: float
    wsq: float


def _x(i: int) -> nw.Expr:
    """Return internal column i: float64, null where missing."""
    return nw.col(f"__x{i}")


def _d(i: int) -> nw.Expr:
    """Return internal column i centred by the pilot; null where not used."""
    return nw.col(f"__d{i}")


def _z(i: int) -> nw.Expr:
    """Return 0 where column i is used, null elsewhere (null propagation)."""
    return nw.col(f"__z{i}")


_W = "__w"
_USED = "__used"


def _cleaned(
    frame: nw.LazyFrame[Any], cols: Sequence[str], weight: str | None
) -> nw.LazyFrame[Any]:
    """Select ``__x{i}`` (float64, NaN and null both null) and ``__w``."""
    exprs = [_clean(c).alias(f"__x{i}") for i, c in enumerate(cols)]
    if weight is not None:
        exprs.append(_clean(weight).alias(_W))
    return frame.select(*exprs)


def _prepared(
    frame: nw.LazyFrame[Any], cols: Sequence[str], weight: str | None
) -> nw.LazyFrame[Any]:
    """Select the columns once, cleaned, with the row flags the passes use.

    Internal columns ``__x{i}`` (NaN and null both null), ``__w`` (weight),
    ``__used`` (listwise: complete with positive weight) and ``__o{i}``
    (pairwise: value observed with positive weight). Precomputing them keeps
    every aggregate a small expression, which matters on engines whose
    expressions are built remotely (PySpark over py4j).
    """
    frame = _cleaned(frame, cols, weight)
    positive = nw.lit(value=True) if weight is None else nw.col(_W) > 0
    complete = nw.all_horizontal(
        *(~_x(i).is_null() for i in range(len(cols))), ignore_nulls=True
    )
    flags = [(complete & positive).alias(_USED)]
    flags += [(~_x(i).is_null() & positive).alias(f"__o{i}") for i in range(len(cols))]
    return frame.with_columns(*flags)


def _first_pass(
    frame: nw.LazyFrame[Any],
    cols: tuple[str, ...],
    weight: str | None,
    *,
    listwise: bool,
    nan_policy: str,
    where: str,
    name: str = "data",
) -> _Pilot:
    p = len(cols)
    exprs: list[nw.Expr] = [nw.len().alias("n")]
    for i in range(p):
        exprs.append(_bool_sum(_x(i).is_null(), f"miss{i}"))
        exprs.append(_bool_sum(_x(i).abs() == _INF, f"inf{i}"))
    w = None if weight is None else nw.col(_W)
    if w is not None:
        bad = w.is_null() | (w.abs() == _INF) | (w < 0)
        exprs.append(_bool_sum(bad, "badw"))
    if listwise:
        used_e = nw.col(_USED)
        complete = nw.all_horizontal(
            *(~_x(i).is_null() for i in range(p)), ignore_nulls=True
        )
        exprs.append(_bool_sum(complete, "complete"))
        exprs.append(_bool_sum(used_e, "used"))
        if w is not None:
            exprs.append(_bool_sum(complete & (w == 0), "zero"))
            exprs.append(nw.when(used_e).then(w).sum().alias("wsum"))
            exprs.append(nw.when(used_e).then(w * w).sum().alias("wsq"))
        for i in range(p):
            term = _x(i) if w is None else w * _x(i)
            exprs.append(nw.when(used_e).then(term).sum().alias(f"sum{i}"))
    else:
        obs = [nw.col(f"__o{i}") for i in range(p)]
        any_obs = nw.any_horizontal(*obs, ignore_nulls=True)
        exprs.append(_bool_sum(any_obs, "used"))
        if w is not None:
            exprs.append(_bool_sum(w == 0, "zero"))
        for i in range(p):
            exprs.append(_bool_sum(obs[i], f"nobs{i}"))
            exprs.append(nw.when(obs[i]).then(_x(i)).sum().alias(f"sum{i}"))
    row = _collect_row(frame, exprs)

    n_rows = _int(row, "n")
    inf = [_int(row, f"inf{i}") for i in range(p)]
    if any(inf):
        k = next(i for i in range(p) if inf[i])
        msg = (
            f"The '{name}' parameter of {where} has {inf[k]} infinite value(s) in "
            f"column '{cols[k]}'."
        )
        raise InputError(msg)
    if w is not None:
        _raise_bad_weights(_int(row, "badw"), weight, where)
    col_missing = {c: _int(row, f"miss{i}") for i, c in enumerate(cols)}
    total_missing = sum(col_missing.values())
    if total_missing and nan_policy == "raise":
        first = next(c for c in cols if col_missing[c])
        msg = (
            f"The '{name}' parameter of {where} has {total_missing} missing "
            f"value(s) and nan_policy='raise'; {col_missing[first]} in column "
            f"'{first}'."
        )
        raise InputError(msg)
    reasons: dict[str, int] = {}
    used = _int(row, "used")
    if listwise:
        n_drop = n_rows - _int(row, "complete")
        if n_drop:
            reasons["missing value (listwise)"] = n_drop
        if w is not None and _int(row, "zero"):
            reasons["zero weight"] = _int(row, "zero")
        if w is None:
            wsum = wsq = float(used)
        else:
            wsum, wsq = row["wsum"], row["wsq"]
        with np.errstate(divide="ignore", invalid="ignore"):
            shift = np.array([row[f"sum{i}"] for i in range(p)]) / wsum
    else:
        zero = _int(row, "zero") if w is not None else 0
        if zero:
            reasons["zero weight"] = zero
        if n_rows - used - zero > 0:
            reasons["no observed value"] = n_rows - used - zero
        nobs = np.array([row[f"nobs{i}"] for i in range(p)])
        sums = np.array([row[f"sum{i}"] for i in range(p)])
        with np.errstate(divide="ignore", invalid="ignore"):
            shift = np.where(nobs > 0, sums / nobs, 0.0)
        wsum = wsq = 0.0
    if used == 0:
        msg = (
            f"The '{name}' parameter of {where} has no usable row: all "
            f"{n_rows} row(s) were excluded ({reasons or 'empty input'})."
        )
        raise InputError(msg)
    return _Pilot(
        columns=cols,
        weight=weight,
        listwise=listwise,
        rows_total=n_rows,
        rows_used=used,
        reasons=reasons,
        column_missing=col_missing,
        shift=np.nan_to_num(shift),
        wsum=float(wsum),
        wsq=float(wsq),
    )


# ----------------------------------------------------------- second pass
def _centred(frame: nw.LazyFrame[Any], pilot: _Pilot) -> nw.LazyFrame[Any]:
    """Add ``__d{i}`` (centred by the pilot shift) and ``__z{i}`` columns.

    Listwise the rows are first filtered to the used ones.
    """
    p = len(pilot.columns)
    keep = [_W] if pilot.weight is not None else []
    if pilot.listwise:
        frame = frame.filter(nw.col(_USED))
        centred = [(_x(i) - float(pilot.shift[i])).alias(f"__d{i}") for i in range(p)]
        return frame.select(*centred, *keep)
    centred = [
        nw.when(nw.col(f"__o{i}")).then(_x(i) - float(pilot.shift[i])).alias(f"__d{i}")
        for i in range(p)
    ]
    frame = frame.select(*centred, *keep)
    return frame.with_columns(*((_d(i) * 0.0).alias(f"__z{i}") for i in range(p)))


def _sum_exprs(
    pilot: _Pilot, mult: nw.Expr | None, *, with_counts: bool
) -> list[nw.Expr]:
    """Build the aggregates that give the (replicate's) shifted raw sums.

    They run on the frame from :func:`_centred`. ``mult`` multiplies every
    row's contribution (the Poisson multiplicity; None for 1). Names: ``c``,
    ``w``, ``q`` (count, weight and squared-weight sums), ``s{i}`` or
    ``s{i}_{j}``, ``p{i}_{j}`` (products, i <= j), ``sq{i}_{j}``.
    """
    p = len(pilot.columns)
    w = None if pilot.weight is None else nw.col(_W)
    exprs: list[nw.Expr] = []

    def times(e: nw.Expr | None, other: nw.Expr | None) -> nw.Expr | None:
        if e is None:
            return other
        return e if other is None else e * other

    mw = times(mult, w)  # the row's weight in this replicate
    one = nw.lit(1.0) if mult is None else mult
    if pilot.listwise:
        if with_counts:
            exprs.append(one.sum().alias("c"))
            exprs.append((one if w is None else one * w).sum().alias("w"))
            exprs.append((one if w is None else one * w * w).sum().alias("q"))
        exprs.extend(
            (_d(i) if mw is None else mw * _d(i)).sum().alias(f"s{i}") for i in range(p)
        )
        for i in range(p):
            di = _d(i) if mw is None else mw * _d(i)
            exprs.extend((di * _d(j)).sum().alias(f"p{i}_{j}") for j in range(i, p))
        return exprs
    for i in range(p):
        for j in range(i, p):
            both = _z(i) + _z(j)
            exprs.append((one + both).sum().alias(f"c{i}_{j}"))
            if w is not None:
                exprs.append((one * w + both).sum().alias(f"w{i}_{j}"))
                exprs.append((one * w * w + both).sum().alias(f"q{i}_{j}"))
            prod = _d(i) * _d(j)
            exprs.append((prod if mw is None else mw * prod).sum().alias(f"p{i}_{j}"))
    for i in range(p):
        xi = _d(i) if mw is None else mw * _d(i)
        sqi = xi * _d(i)
        for j in range(p):
            extra = _z(j) if j != i else None
            exprs.append((xi if extra is None else xi + extra).sum().alias(f"s{i}_{j}"))
            exprs.append(
                (sqi if extra is None else sqi + extra).sum().alias(f"sq{i}_{j}")
            )
    return exprs


def _arrays_from_rows(
    pilot: _Pilot, rows: list[dict[str, float]]
) -> tuple[
    np.ndarray[Any, np.dtype[np.int64]],
    FloatArray,
    FloatArray,
    FloatArray,
    FloatArray,
    FloatArray,
]:
    """Stack per-replicate sums into (B, p, p) arrays for ``_pairs_from_sums``."""
    b, p = len(rows), len(pilot.columns)
    count = np.zeros((b, p, p))
    wsum = np.zeros((b, p, p))
    wsq = np.zeros((b, p, p))
    s = np.zeros((b, p, p))
    prod = np.zeros((b, p, p))
    sq = np.zeros((b, p, p))
    weighted = pilot.weight is not None
    for k, row in enumerate(rows):
        if pilot.listwise:
            c = row.get("c", float(pilot.rows_used))
            ws = row.get("w", pilot.wsum)
            wq = row.get("q", pilot.wsq)
            count[k], wsum[k], wsq[k] = c, ws, wq
            s1 = np.array([row[f"s{i}"] for i in range(p)])
            s[k] = s1[:, None]
            for i in range(p):
                for j in range(i, p):
                    prod[k, i, j] = prod[k, j, i] = row[f"p{i}_{j}"]
            sq[k] = np.diag(prod[k])[:, None]
        else:
            for i in range(p):
                for j in range(i, p):
                    c = row[f"c{i}_{j}"]
                    count[k, i, j] = count[k, j, i] = c
                    ws = row[f"w{i}_{j}"] if weighted else c
                    wq = row[f"q{i}_{j}"] if weighted else c
                    wsum[k, i, j] = wsum[k, j, i] = ws
                    wsq[k, i, j] = wsq[k, j, i] = wq
                    prod[k, i, j] = prod[k, j, i] = row[f"p{i}_{j}"]
                for j in range(p):
                    s[k, i, j] = row[f"s{i}_{j}"]
                    sq[k, i, j] = row[f"sq{i}_{j}"]
    return count.round().astype(np.int64), wsum, wsq, s, prod, sq


def _assemble(pilot: _Pilot, rows: list[dict[str, float]], *, batch: bool) -> Moments:
    from ..stats._moments_kernels import _pairs_from_sums  # noqa: PLC0415
    from ..stats.moments import MissingReport, Moments  # noqa: PLC0415

    count, wsum, wsq, s, prod, sq = _arrays_from_rows(pilot, rows)
    res: tuple[Any, ...] = _pairs_from_sums(count, wsum, wsq, s, prod, sq, pilot.shift)
    if not batch:
        res = tuple(a[0] for a in res)
    missing = "listwise" if pilot.listwise else "pairwise"
    report = MissingReport(
        rows_total=pilot.rows_total,
        rows_used=pilot.rows_used,
        rows_excluded=pilot.rows_total - pilot.rows_used,
        reasons=dict(pilot.reasons),
        column_missing=dict(pilot.column_missing),
        missing=missing,
    )
    return Moments(
        columns=pilot.columns,
        count=res[0],
        weight_sum=res[1],
        weight_sq_sum=res[2],
        pair_mean=res[3],
        comoment=res[4],
        pair_sumsq=res[5],
        missing=missing,  # type: ignore[arg-type]
        weighted=pilot.weight is not None,
        missing_report=report,
        _backend=None,
    )


def _pilot_for(
    data: object,
    *,
    columns: Sequence[str] | None,
    weights: object,
    missing: str,
    nan_policy: str,
    where: str,
    name: str = "data",
) -> tuple[nw.LazyFrame[Any], _Pilot]:
    frame = to_lazy(data)
    cols, weight = _resolve_columns(frame, columns, weights, where, name=name)
    frame = _prepared(frame, cols, weight)
    pilot = _first_pass(
        frame,
        cols,
        weight,
        listwise=missing == "listwise",
        nan_policy=nan_policy,
        where=where,
        name=name,
    )
    return _centred(frame, pilot), pilot


# ------------------------------------------------------------------ Dask
@dataclass(frozen=True, slots=True)
class _DaskPart:
    """One Dask partition's (or a merged group's) Moments and account."""

    moments: Moments | None
    missing_report: MissingReport
    inf: FloatArray
    bad_weights: int


def _dask_values(
    part: Any,  # noqa: ANN401 - a pandas DataFrame
    cols: Sequence[str],
    weight: str | None,
) -> tuple[FloatArray, FloatArray | None]:
    x = np.asarray(part[list(cols)].to_numpy(dtype=np.float64, na_value=np.nan))
    w = (
        None
        if weight is None
        else np.asarray(part[weight].to_numpy(dtype=np.float64, na_value=np.nan))
    )
    return x, w


def _dask_partition_moments(
    part: Any,  # noqa: ANN401 - a pandas DataFrame
    cols: tuple[str, ...],
    weight: str | None,
    missing: str,
    where: str,
) -> _DaskPart:
    """Moments of one partition by the in-memory kernel, on the worker."""
    from ..stats._moments_kernels import _moments_from_values  # noqa: PLC0415
    from ..stats.moments import MissingReport  # noqa: PLC0415

    x, w = _dask_values(part, cols, weight)
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
        reasons: dict[str, int] = {}
        zero = 0 if w is None else int((w == 0).sum())
        if listwise:
            n_drop = int((~complete).sum())
            zero = 0 if w is None else int((complete & (w == 0)).sum())
            items = [("missing value (listwise)", n_drop), ("zero weight", zero)]
        else:
            items = [("zero weight", zero), ("no observed value", n - used - zero)]
        reasons = {k: v for k, v in items if v > 0}
        report = MissingReport(
            rows_total=n,
            rows_used=used if not (inf.any() or bad) else 0,
            rows_excluded=n - used if not (inf.any() or bad) else n,
            reasons=reasons,
            column_missing=col_missing,
            missing=missing,
        )
        return _DaskPart(moments=None, missing_report=report, inf=inf, bad_weights=bad)
    m = _moments_from_values(
        x,
        cols,
        w,
        missing=missing,  # type: ignore[arg-type]
        nan_policy="omit",
        backend=None,
        where=where,
    )
    return _DaskPart(moments=m, missing_report=m.missing_report, inf=inf, bad_weights=0)


def _dask_combine(a: _DaskPart, b: _DaskPart) -> _DaskPart:
    """Merge two partitions' Moments (Chan et al.) and their accounts."""
    if a.moments is None:
        moments = b.moments
    elif b.moments is None:
        moments = a.moments
    else:
        moments = a.moments.merge(b.moments)
    return _DaskPart(
        moments=moments,
        missing_report=a.missing_report.merge(b.missing_report),
        inf=a.inf + b.inf,
        bad_weights=a.bad_weights + b.bad_weights,
    )


def _tree(dk: Any, pieces: list[Any], func: Callable[..., Any]) -> Any:  # noqa: ANN401
    """Reduce delayed pieces pairwise (a binary tree of ``func`` tasks)."""
    combine = dk.delayed(func, pure=True)
    while len(pieces) > 1:
        nxt = [combine(pieces[k], pieces[k + 1]) for k in range(0, len(pieces) - 1, 2)]
        if len(pieces) % 2:
            nxt.append(pieces[-1])
        pieces = nxt
    return pieces[0]


def _dask_moments(
    frame: nw.LazyFrame[Any],
    cols: tuple[str, ...],
    weight: str | None,
    *,
    missing: str,
    nan_policy: str,
    where: str,
    name: str = "data",
) -> Moments:
    """Moments of a Dask frame in one pass: per-partition kernels, tree merge.

    narwhals' Dask backend turns every aggregate into its own reduction
    (thousands of tasks for p = 16); running the numpy kernel on each
    partition and merging the partial Moments exactly (Chan, Golub & LeVeque
    1979) is one task per partition and reads the data once.
    """
    import dask  # noqa: PLC0415

    dk = cast("Any", dask)
    keep = [*cols, *([weight] if weight is not None else [])]
    native = frame.select(*keep).to_native()
    part_fn = dk.delayed(_dask_partition_moments, pure=True)
    pieces = [
        part_fn(part, cols, weight, missing, where) for part in native.to_delayed()
    ]
    (res,) = dk.compute(_tree(dk, pieces, _dask_combine))
    total: _DaskPart = res
    if total.inf.any():
        k = int(np.flatnonzero(total.inf)[0])
        msg = (
            f"The '{name}' parameter of {where} has {int(total.inf[k])} infinite "
            f"value(s) in column '{cols[k]}'."
        )
        raise InputError(msg)
    if total.bad_weights:
        msg = (
            f"The 'weights' parameter of {where} must be finite and "
            f"non-negative. Got {total.bad_weights} missing, infinite or "
            f"negative value(s) in column {weight!r}."
        )
        raise InputError(msg)
    col_missing = total.missing_report.column_missing
    n_missing = sum(col_missing.values())
    if n_missing and nan_policy == "raise":
        first = next(c for c in cols if col_missing[c])
        msg = (
            f"The '{name}' parameter of {where} has {n_missing} missing "
            f"value(s) and nan_policy='raise'; {col_missing[first]} in column "
            f"'{first}'."
        )
        raise InputError(msg)
    if total.moments is None:
        msg = (
            f"The '{name}' parameter of {where} has no usable row: all "
            f"{total.missing_report.rows_total} row(s) were excluded "
            f"({total.missing_report.reasons or 'empty input'})."
        )
        raise InputError(msg)
    return replace(total.moments, missing_report=total.missing_report, _backend=None)


def lazy_moments(
    data: object,
    *,
    columns: Sequence[str] | None = None,
    weights: object = None,
    missing: str = "listwise",
    nan_policy: str = "omit",
    where: str = "Moments.from_data",
    name: str = "data",
) -> Moments:
    """Moments of a lazy frame, aggregated on its engine (two passes).

    Called by :meth:`satmodels.Moments.from_data` for Dask, PySpark, DuckDB
    and polars lazy frames; the result equals the in-memory one (to
    rounding) including its :class:`~satmodels.stats.moments.MissingReport`.

    Parameters
    ----------
    data : lazy frame
        Dask DataFrame, PySpark DataFrame, DuckDB relation, polars LazyFrame
        (any lazy frame narwhals supports).
    columns : sequence of str, optional
        Columns to use (default all).
    weights : str, optional
        Name of a case-weight column.
    missing : {"listwise", "pairwise"}
        Missing-data method.
    nan_policy : {"omit", "raise"}
        ``"raise"``: any NaN or null is an :class:`InputError`.
    where, name : str
        The public function and the data parameter's name, for messages.

    Returns
    -------
    Moments

    Raises
    ------
    InputError
        Unknown or non-numeric columns, a weights array instead of a column
        name, negative/missing/infinite weights, infinite values, missing
        values under ``nan_policy="raise"``, or no usable row.

    Examples
    --------
    >>> import polars as pl
    >>> from satmodels import Moments
    >>> lf = pl.LazyFrame({"a": [1.0, 2.0, None, 4.0], "b": [2.0, 4.0, 5.0, 9.0]})
    >>> m = Moments.from_data(lf)
    >>> m.mean.round(3).tolist(), m.missing_report.reasons
    ([2.333, 5.0], {'missing value (listwise)': 1})
    """
    frame = to_lazy(data)
    if engine_name(frame) == "dask":
        cols, weight = _resolve_columns(frame, columns, weights, where, name=name)
        return _dask_moments(
            frame,
            cols,
            weight,
            missing=missing,
            nan_policy=nan_policy,
            where=where,
            name=name,
        )
    frame, pilot = _pilot_for(
        data,
        columns=columns,
        weights=weights,
        missing=missing,
        nan_policy=nan_policy,
        where=where,
        name=name,
    )
    row = _collect_row(frame, _sum_exprs(pilot, None, with_counts=not pilot.listwise))
    result = _assemble(pilot, [row], batch=False)
    if engine_name(frame) == "polars":  # results default to polars frames
        result = replace(result, _backend="polars")
    return result


# ------------------------------------------------------------- bootstrap
def _poisson_expr(u: nw.Expr) -> nw.Expr:
    """Poisson(1) draw from a uniform column by inversion (a sum of steps)."""
    steps = [(u >= t).cast(nw.Float64) for t in poisson_thresholds()]
    total = steps[0]
    for step in steps[1:]:
        total = total + step
    return total


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def _replicated_polars(native: Any, n_rep: int, seed: int) -> Any:  # noqa: ANN401
    import polars as pl  # noqa: PLC0415

    reps = pl.LazyFrame({"__b": np.arange(n_rep, dtype=np.int64)})
    key = pl.col("__row").cast(pl.UInt64) * n_rep + pl.col("__b").cast(pl.UInt64)
    u = (key.hash(seed) // 2048).cast(pl.Float64) * 2.0**-53
    return (
        native.with_row_index("__row")
        .join(reps, how="cross")
        .with_columns(u.alias("__u"))
    )


def _replicated_duckdb(native: Any, n_rep: int, seed: int) -> Any:  # noqa: ANN401
    # Only integers are formatted into the query.
    sql = (
        "SELECT t.*, b.range AS __b, "  # noqa: S608
        f"(hash(t.__row, b.range, {seed}) >> 11)::DOUBLE * pow(2, -53) AS __u "
        "FROM (SELECT *, row_number() OVER () AS __row FROM __src) AS t "
        f"CROSS JOIN range({n_rep}) AS b"
    )
    return native.query("__src", sql)


def _replicated_spark(native: Any, n_rep: int, seed: int) -> Any:  # noqa: ANN401
    from pyspark.sql import functions as F  # noqa: N812, PLC0415

    return native.withColumn(
        "__b", F.explode(F.sequence(F.lit(0), F.lit(n_rep - 1)))
    ).withColumn("__u", F.rand(seed))


_REPLICATORS: dict[str, Callable[[Any, int, int], Any]] = {
    "polars": _replicated_polars,
    "duckdb": _replicated_duckdb,
    "pyspark": _replicated_spark,
    "pyspark_connect": _replicated_spark,
}


def _dask_partition_sums(
    part: Any,  # noqa: ANN401 - a pandas DataFrame
    seed: np.random.SeedSequence,
    pilot: _Pilot,
    n_rep: int,
) -> FloatArray:
    """One Dask partition's replicate sums, ``(B, q)``, from numpy.

    The same layout as the in-memory bootstrap (``_row_products``): the
    partition's rows, centred by the full-data means, times a ``(B, n)``
    matrix of Poisson(1) multiplicities from the partition's own generator.
    """
    from ..stats._moments_kernels import _row_products  # noqa: PLC0415

    x, w_raw = _dask_values(part, pilot.columns, pilot.weight)
    n, p = x.shape
    w = np.ones(n) if w_raw is None else w_raw
    observed = ~np.isnan(x)
    if pilot.listwise:
        observed = np.repeat(np.asarray(observed.all(axis=1))[:, None], p, axis=1)
    positive = np.asarray(w > 0, dtype=bool)
    obs = (observed & positive[:, None]).astype(np.float64)
    x0 = np.where(obs > 0, x - pilot.shift, 0.0)
    z = _row_products(x0, obs, np.where(w > 0, w, 0.0), pilot.listwise)
    gen = np.random.default_rng(seed)
    out = np.zeros((n_rep, z.shape[1]))
    block = max(1, 2_000_000 // max(n, 1))
    for a in range(0, n_rep, block):
        b = min(n_rep, a + block)
        out[a:b] = gen.poisson(1.0, size=(b - a, n)).astype(np.float64) @ z
    return out


def _dask_bootstrap(
    data: object,
    *,
    columns: Sequence[str] | None,
    weights: object,
    missing: str,
    n_rep: int,
    rng: np.random.Generator,
    where: str,
) -> Moments:
    import dask  # noqa: PLC0415

    dk = cast("Any", dask)
    frame = to_lazy(data)
    cols, weight = _resolve_columns(frame, columns, weights, where)
    base = _dask_moments(
        frame, cols, weight, missing=missing, nan_policy="omit", where=where
    )
    rep = base.missing_report
    pilot = _Pilot(
        columns=cols,
        weight=weight,
        listwise=missing == "listwise",
        rows_total=rep.rows_total,
        rows_used=rep.rows_used,
        reasons=dict(rep.reasons),
        column_missing=dict(rep.column_missing),
        shift=base.mean,
        wsum=0.0,
        wsq=0.0,
    )
    keep = [*cols, *([weight] if weight is not None else [])]
    parts = frame.select(*keep).to_native().to_delayed()
    seeds = np.random.SeedSequence(int(rng.integers(0, 2**63 - 1))).spawn(len(parts))
    func = dk.delayed(_dask_partition_sums, pure=True)
    pieces = [
        func(part, sd, pilot, n_rep) for part, sd in zip(parts, seeds, strict=True)
    ]
    (total,) = dk.compute(_tree(dk, pieces, np.add))
    return _assemble(pilot, _rows_from_products(pilot, np.asarray(total)), batch=True)


def _rows_from_products(pilot: _Pilot, total: FloatArray) -> list[dict[str, float]]:
    """Name the columns of ``moments._row_products`` sums like ``_sum_exprs``."""
    p = len(pilot.columns)
    rows: list[dict[str, float]] = []
    for vec in total:
        row: dict[str, float] = {}
        if pilot.listwise:
            row["c"], row["w"], row["q"] = float(vec[0]), float(vec[1]), float(vec[2])
            for i in range(p):
                row[f"s{i}"] = float(vec[3 + i])
            prod = vec[3 + p :].reshape(p, p)
            for i in range(p):
                for j in range(i, p):
                    row[f"p{i}_{j}"] = float(prod[i, j])
        else:
            blocks = vec.reshape(6, p, p)
            for i in range(p):
                for j in range(p):
                    row[f"s{i}_{j}"] = float(blocks[3, i, j])
                    row[f"sq{i}_{j}"] = float(blocks[5, i, j])
                    if j >= i:
                        row[f"c{i}_{j}"] = float(blocks[0, i, j])
                        row[f"w{i}_{j}"] = float(blocks[1, i, j])
                        row[f"q{i}_{j}"] = float(blocks[2, i, j])
                        row[f"p{i}_{j}"] = float(blocks[4, i, j])
        rows.append(row)
    return rows


def lazy_poisson_bootstrap(
    data: object,
    *,
    n_replicates: int,
    rng: np.random.Generator,
    columns: Sequence[str] | None = None,
    weights: object = None,
    missing: str = "listwise",
) -> Moments:
    """Poisson(1) bootstrap replicates of the Moments of a lazy frame.

    Called by :meth:`satmodels.Moments.bootstrap` with ``method="poisson"``.
    One pass computes the means (and the missing-data account); a second
    pass draws each row's Poisson(1) multiplicity in every replicate on the
    engine and sums all replicates' statistics at once.

    Reproducibility for a fixed ``rng``: Dask, when the partitioning is the
    same (each partition has its own generator); polars and DuckDB, when the
    row order is the same (multiplicities hash the row number); PySpark,
    when the partitioning is the same (``rand(seed)`` is per partition).
    Parallel engines may add rows in any order, so repeated runs agree to
    rounding rather than bit for bit.

    Parameters
    ----------
    data : lazy frame
        Dask, PySpark, DuckDB or polars lazy frame.
    n_replicates : int
        Number of replicates B.
    rng : numpy.random.Generator
        Source of the engine's seeds.
    columns, weights, missing
        As in :func:`lazy_moments`.

    Returns
    -------
    Moments
        A batch with a leading axis of length ``n_replicates``.

    Raises
    ------
    InputError
        As :func:`lazy_moments`, and for engines without a bootstrap.

    Examples
    --------
    >>> import numpy as np
    >>> import polars as pl
    >>> from satmodels import Moments
    >>> x = np.random.default_rng(0).normal(size=(300, 2))
    >>> lf = pl.LazyFrame({"a": x[:, 0], "b": x[:, 1]})
    >>> reps = Moments.bootstrap(lf, n_replicates=20, method="poisson", rng=1)
    >>> reps.covariance().shape
    (20, 2, 2)
    """
    where = "Moments.bootstrap"
    if engine_name(to_lazy(data)) == "dask":
        return _dask_bootstrap(
            data,
            columns=columns,
            weights=weights,
            missing=missing,
            n_rep=n_replicates,
            rng=rng,
            where=where,
        )
    frame, pilot = _pilot_for(
        data,
        columns=columns,
        weights=weights,
        missing=missing,
        nan_policy="omit",
        where=where,
    )
    engine = engine_name(frame)
    if engine in _REPLICATORS:
        native = _REPLICATORS[engine](frame.to_native(), n_replicates, _seed(rng))
        rep = to_lazy(native).with_columns(_poisson_expr(nw.col("__u")).alias("__k"))
        out = (
            rep.group_by("__b")
            .agg(*_sum_exprs(pilot, nw.col("__k"), with_counts=True))
            .sort("__b")
            .collect()
        )
        names = [c for c in out.columns if c != "__b"]
        rows = [
            {
                name: _num(v)
                for name, v in zip(out.columns, r, strict=True)
                if name in names
            }
            for r in out.iter_rows()
        ]
    else:
        msg = (
            f"{where} has no Poisson bootstrap for the {engine!r} engine; "
            "supported: dask, duckdb, polars, pyspark."
        )
        raise InputError(msg)
    return _assemble(pilot, rows, batch=True)


# --------------------------------------------------------- category counts
# ------------------------------------------------------ Dask category counts
def _match(x: FloatArray, cats: FloatArray) -> tuple[Any, Any, Any]:
    """Category index of each value (-1 if none), and the other/missing masks."""
    order = np.argsort(cats, kind="stable")
    ordered = cats[order]
    pos = np.clip(np.searchsorted(ordered, x), 0, len(cats) - 1)
    hit = ordered[pos] == x
    nan = np.isnan(x)
    codes = np.where(hit, order[pos], -1).astype(np.int64)
    return codes, ~hit & ~nan, nan


def _fmin_or_nan(x: FloatArray, mask: Any) -> FloatArray:  # noqa: ANN401
    """Column-wise minimum of ``x`` where ``mask``; inf for empty columns."""
    return np.asarray(np.min(np.where(mask, x, np.inf), axis=0, initial=np.inf))


def _dask_count_part(
    part: Any,  # noqa: ANN401 - a pandas DataFrame
    cols: tuple[str, ...],
    weight: str | None,
    cats: FloatArray,
) -> dict[str, Any]:
    """One partition's category counts by ``numpy.bincount``, on the worker."""
    from ..stats.counts import _count_kernel  # noqa: PLC0415

    x, w = _dask_values(part, cols, weight)
    codes, other, nan = _match(x, cats)
    if w is not None:  # zero-weight rows are excluded, as in memory
        codes = np.where((np.nan_to_num(w) > 0)[:, None], codes, -1)
    counts, wc, wq = _count_kernel(
        codes, len(cats), None if w is None else np.nan_to_num(w)
    )
    return {
        "n": x.shape[0],
        "badw": 0 if w is None else int((~np.isfinite(w) | (w < 0)).sum()),
        "zerow": 0 if w is None else int((w == 0).sum()),
        "counts": counts,
        "weighted": wc,
        "weighted_sq": wq,
        "missing": (nan if w is None else nan & (np.nan_to_num(w) > 0)[:, None])
        .sum(axis=0)
        .astype(np.int64),
        "other": other.sum(axis=0).astype(np.int64),
        "min_other": _fmin_or_nan(x, other),
    }


def _dask_pair_part(
    part: Any,  # noqa: ANN401 - a pandas DataFrame
    pairs: tuple[tuple[str, str], ...],
    weight: str | None,
    cats_a: FloatArray,
    cats_b: FloatArray,
) -> dict[str, Any]:
    """One partition's joint counts per column pair, on the worker."""
    from ..stats.counts import _count_kernel  # noqa: PLC0415

    xa, w = _dask_values(part, [a for a, _ in pairs], weight)
    xb, _ = _dask_values(part, [b for _, b in pairs], None)
    ca, bad_a, nan_a = _match(xa, cats_a)
    cb, bad_b, nan_b = _match(xb, cats_b)
    miss = nan_a | nan_b
    joint = np.where(miss | bad_a | bad_b, -1, ca * len(cats_b) + cb)
    k = len(cats_a) * len(cats_b)
    counts, wc, _ = _count_kernel(joint, k, None if w is None else np.nan_to_num(w))
    return {
        "n": xa.shape[0],
        "badw": 0 if w is None else int((~np.isfinite(w) | (w < 0)).sum()),
        "counts": counts,
        "weighted": wc,
        "missing": miss.sum(axis=0).astype(np.int64),
        "other": (bad_a | bad_b).sum(axis=0).astype(np.int64),
        "min_other_a": _fmin_or_nan(xa, bad_a),
        "min_other_b": _fmin_or_nan(xb, bad_b),
    }


def _add_parts(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {k: np.fmin(a[k], b[k]) if k.startswith("min_") else a[k] + b[k] for k in a}


def _dask_sum(frame: nw.LazyFrame[Any], keep: list[str], func: Any, *args: Any) -> Any:  # noqa: ANN401
    import dask  # noqa: PLC0415

    dk = cast("Any", dask)
    parts = frame.select(*keep).to_native().to_delayed()
    part_fn = dk.delayed(func, pure=True)
    (total,) = dk.compute(_tree(dk, [part_fn(p, *args) for p in parts], _add_parts))
    return total


def _finite_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _raise_bad_weights(n_bad: int, weight: str | None, where: str) -> None:
    if n_bad:
        msg = (
            f"The 'weights' parameter of {where} must be finite and "
            f"non-negative. Got {n_bad} missing, infinite or "
            f"negative value(s) in column {weight!r}."
        )
        raise InputError(msg)


def lazy_category_counts(
    data: object,
    *,
    columns: Sequence[str] | None,
    categories: Sequence[float],
    weights: str | None,
    where: str,
) -> dict[str, Any]:
    """Per-column counts of each category on the engine (one pass).

    Returns a dict with ``columns``, ``rows_total``, ``counts`` (p, K),
    ``weighted`` (p, K), ``weighted_sq`` (p, K), ``missing`` (p,), ``other``
    (p,) (answers outside ``categories``) and ``other_value`` (one such value
    per column, or None).
    """
    frame = to_lazy(data)
    cols, weight = _resolve_columns(frame, columns, weights, where)
    if engine_name(frame) == "dask":
        keep = [*cols, *([weight] if weight is not None else [])]
        cat_arr = np.asarray(categories, dtype=np.float64)
        tot = _dask_sum(frame, keep, _dask_count_part, cols, weight, cat_arr)
        _raise_bad_weights(int(tot["badw"]), weight, where)
        return {
            "columns": cols,
            "rows_total": int(tot["n"]),
            "zero_weight": int(tot["zerow"]),
            "counts": tot["counts"],
            "weighted": tot["weighted"],
            "weighted_sq": tot["weighted_sq"],
            "missing": tot["missing"],
            "other": tot["other"],
            "other_value": [_finite_or_none(v) for v in tot["min_other"]],
        }
    frame = _cleaned(frame, cols, weight)
    w = None if weight is None else nw.col(_W)
    exprs: list[nw.Expr] = [nw.len().alias("n")]
    if w is not None:
        bad = w.is_null() | (w.abs() == _INF) | (w < 0)
        exprs.append(_bool_sum(bad, "badw"))
        exprs.append(_bool_sum(w == 0, "zerow"))
    cats = [float(c) for c in categories]
    for i in range(len(cols)):
        x = _x(i)
        gone = x.is_null() if w is None else x.is_null() & (w > 0)
        exprs.append(_bool_sum(gone, f"miss{i}"))
        known = nw.lit(value=False)
        for k, v in enumerate(cats):
            hit = x == v
            known = known | hit
            # rows of weight 0 are excluded from the counts, as in Moments
            counted = hit if w is None else hit & (w > 0)
            exprs.append(_bool_sum(counted, f"n{i}_{k}"))
            if w is not None:
                exprs.append(nw.when(hit).then(w).sum().alias(f"w{i}_{k}"))
                exprs.append(nw.when(hit).then(w * w).sum().alias(f"q{i}_{k}"))
        other = ~x.is_null() & ~known
        exprs.append(_bool_sum(other, f"other{i}"))
        exprs.append(nw.when(other).then(x).min().alias(f"ov{i}"))
    out = frame.select(*exprs).collect()
    raw = dict(zip(out.columns, out.row(0), strict=True))
    row = {k: _num(v) for k, v in raw.items()}
    if w is not None:
        _raise_bad_weights(_int(row, "badw"), weight, where)
    p, kk = len(cols), len(cats)
    counts = np.array(
        [[_int(row, f"n{i}_{k}") for k in range(kk)] for i in range(p)], dtype=np.int64
    ).reshape(p, kk)
    weighted = (
        counts.astype(np.float64)
        if w is None
        else np.array(
            [[row[f"w{i}_{k}"] for k in range(kk)] for i in range(p)]
        ).reshape(p, kk)
    )
    weighted_sq = (
        counts.astype(np.float64)
        if w is None
        else np.array(
            [[row[f"q{i}_{k}"] for k in range(kk)] for i in range(p)]
        ).reshape(p, kk)
    )
    return {
        "columns": cols,
        "rows_total": _int(row, "n"),
        "zero_weight": 0 if w is None else _int(row, "zerow"),
        "counts": counts,
        "weighted": weighted,
        "weighted_sq": weighted_sq,
        "missing": np.array([_int(row, f"miss{i}") for i in range(p)], dtype=np.int64),
        "other": np.array([_int(row, f"other{i}") for i in range(p)], dtype=np.int64),
        "other_value": [_plain(raw[f"ov{i}"]) for i in range(p)],
    }


def lazy_pair_counts(
    data: object,
    *,
    pairs: Sequence[tuple[str, str]],
    categories_a: Sequence[float],
    categories_b: Sequence[float],
    weights: str | None,
    where: str,
) -> dict[str, Any]:
    """Joint counts of (a, b) categories per column pair on the engine.

    Returns ``rows_total``, ``counts`` (m, Ka, Kb), ``weighted`` (m, Ka, Kb),
    ``missing`` (m,) (rows with a or b missing), ``other`` (m,) and
    ``other_value`` (m,): (column, value) of an answer outside the categories.
    """
    frame = to_lazy(data)
    flat = list(dict.fromkeys(c for pair in pairs for c in pair))
    _cols, weight = _resolve_columns(frame, flat, weights, where)
    if engine_name(frame) == "dask":
        keep = [*flat, *([weight] if weight is not None else [])]
        tot = _dask_sum(
            frame,
            keep,
            _dask_pair_part,
            tuple(pairs),
            weight,
            np.asarray(categories_a, dtype=np.float64),
            np.asarray(categories_b, dtype=np.float64),
        )
        _raise_bad_weights(int(tot["badw"]), weight, where)
        m, ka, kb = len(pairs), len(categories_a), len(categories_b)
        other_value = [
            (a, _finite_or_none(tot["min_other_a"][k]))
            if math.isfinite(tot["min_other_a"][k])
            else (b, _finite_or_none(tot["min_other_b"][k]))
            for k, (a, b) in enumerate(pairs)
        ]
        return {
            "rows_total": int(tot["n"]),
            "counts": tot["counts"].reshape(m, ka, kb),
            "weighted": tot["weighted"].reshape(m, ka, kb),
            "missing": tot["missing"],
            "other": tot["other"],
            "other_value": other_value,
        }
    frame = _cleaned(frame, flat, weight)
    w = None if weight is None else nw.col(_W)
    exprs: list[nw.Expr] = [nw.len().alias("n")]
    if w is not None:
        bad = w.is_null() | (w.abs() == _INF) | (w < 0)
        exprs.append(_bool_sum(bad, "badw"))
    ca = [float(c) for c in categories_a]
    cb = [float(c) for c in categories_b]
    for m, (a, b) in enumerate(pairs):
        xa, xb = _x(flat.index(a)), _x(flat.index(b))
        miss = xa.is_null() | xb.is_null()
        exprs.append(_bool_sum(miss, f"miss{m}"))
        known_a = nw.lit(value=False)
        for v in ca:
            known_a = known_a | (xa == v)
        known_b = nw.lit(value=False)
        for v in cb:
            known_b = known_b | (xb == v)
        bad_a = ~xa.is_null() & ~known_a
        bad_b = ~xb.is_null() & ~known_b
        exprs.append(_bool_sum(bad_a | bad_b, f"other{m}"))
        exprs.append(nw.when(bad_a).then(xa).min().alias(f"ova{m}"))
        exprs.append(nw.when(bad_b).then(xb).min().alias(f"ovb{m}"))
        for i, va in enumerate(ca):
            for j, vb in enumerate(cb):
                hit = (xa == va) & (xb == vb)
                exprs.append(_bool_sum(hit, f"n{m}_{i}_{j}"))
                if w is not None:
                    exprs.append(nw.when(hit).then(w).sum().alias(f"w{m}_{i}_{j}"))
    out = frame.select(*exprs).collect()
    raw = dict(zip(out.columns, out.row(0), strict=True))
    row = {k: _num(v) for k, v in raw.items()}
    if w is not None:
        _raise_bad_weights(_int(row, "badw"), weight, where)
    mm, ka, kb = len(pairs), len(ca), len(cb)
    counts = np.zeros((mm, ka, kb), dtype=np.int64)
    weighted = np.zeros((mm, ka, kb))
    for m in range(mm):
        for i in range(ka):
            for j in range(kb):
                counts[m, i, j] = _int(row, f"n{m}_{i}_{j}")
                weighted[m, i, j] = (
                    counts[m, i, j] if w is None else row[f"w{m}_{i}_{j}"]
                )
    other_value = [
        (a, _plain(raw[f"ova{m}"]))
        if raw[f"ova{m}"] is not None
        else (b, _plain(raw[f"ovb{m}"]))
        for m, (a, b) in enumerate(pairs)
    ]
    return {
        "rows_total": _int(row, "n"),
        "counts": counts,
        "weighted": weighted,
        "missing": np.array([_int(row, f"miss{m}") for m in range(mm)], dtype=np.int64),
        "other": np.array([_int(row, f"other{m}") for m in range(mm)], dtype=np.int64),
        "other_value": other_value,
    }
