"""Checks of the reader: names, weights, labels and the range of answers.

Private helpers of :func:`satmodels.data.read`; each raises an
:class:`~satmodels.exceptions.InputError` that names the public parameter,
the column, the 1-based row and the value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError

if TYPE_CHECKING:
    from ..scales import Scale
    from ._table import Table

__all__ = [
    "as_names",
    "check_lazy",
    "check_magnitude",
    "check_unique",
    "check_weights",
    "duplicates",
    "label_array",
    "lazy_on_scale",
    "not_numeric",
]


def duplicates(names: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for n in names:
        if n in seen and n not in dup:
            dup.append(n)
        seen.add(n)
    return dup


def check_unique(names: Sequence[str], what: str, where: str) -> None:
    dup = duplicates(names)
    if dup:
        msg = f"The {what} of {where} must be unique. Got duplicate(s) {dup}."
        raise InputError(msg)


def as_names(value: str | Sequence[str] | None, param: str, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        names: list[object] = list(value)
    except TypeError as exc:
        msg = (
            f"The '{param}' parameter of {where} must be a column name or a "
            f"sequence of column names. Got {value!r} instead."
        )
        raise InputError(msg) from exc
    for n in names:
        if not isinstance(n, str):
            msg = (
                f"The '{param}' parameter of {where} must name columns by "
                f"string. Got {n!r} ({type(n).__name__}) instead."
            )
            raise InputError(msg)
    out = [str(n) for n in names]
    check_unique(out, f"columns named by '{param}'", where)
    return out


def check_weights(raw: object, n_rows: int, where: str, source: str) -> FloatArray:
    try:
        w = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"The 'weights' parameter of {where} must be numeric ({source})."
        raise InputError(msg) from exc
    if w.ndim != 1 or w.shape[0] != n_rows:
        msg = (
            f"The 'weights' parameter of {where} must have one entry per row "
            f"({n_rows}). Got shape {w.shape} instead."
        )
        raise InputError(msg)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        msg = (
            f"The 'weights' parameter of {where} must be finite and non-negative. "
            f"Got {float(w[row])!r} in row {row + 1} ({int(bad.sum())} such row(s))."
        )
        raise InputError(msg)
    with np.errstate(over="ignore", under="ignore"):
        total, squares = float(w.sum()), float(np.dot(w, w))
    if _unsummable(total, squares):
        raise _unsummable_error(where, float(w.max()), float(w[w > 0].min()))
    return w


def _unsummable(total: float, squares: float) -> bool:
    """Say whether weight sums overflowed, or their squares underflowed."""
    return not (np.isfinite(total) and np.isfinite(squares)) or (
        total > 0 and squares == 0
    )


def _unsummable_error(where: str, largest: float, smallest: float) -> InputError:
    return InputError(
        f"The 'weights' parameter of {where} cannot be summed in double "
        f"precision (largest {largest!r}, smallest positive {smallest!r}): "
        "their sum or sum of squares overflows or underflows. Divide them by "
        "a constant: case weights are scale-free."
    )


def check_magnitude(
    values: FloatArray, names: Sequence[str], where: str
) -> tuple[float, float] | None:
    """Refuse answers so large that their second moments overflow.

    Every model sums squares and cross-products of the answers over the
    rows; with n >= 2 rows those stay finite when
    ``|x| <= sqrt(max_float / n) / 4`` (a margin of 16 for the products of
    centred values). Two cheap passes (max and min ignoring NaN); one row
    has nothing to sum, and infinities are left to the models' own checks,
    which name them as such. Returns the NaN-ignoring minimum and maximum
    of all the values (NaN when none is observed; None when not computed),
    which a model's scale check reuses (``Table.value_bounds``).
    """
    n = values.shape[0]
    if values.size == 0 or n < 2:
        return None
    limit = math.sqrt(np.finfo(np.float64).max / n) / 4.0
    with np.errstate(invalid="ignore"):
        # one pass over the whole block settles the common case (a per-column
        # reduction of a C-ordered block costs four times as much)
        low = float(np.fmin.reduce(values, axis=None))
        high = float(np.fmax.reduce(values, axis=None))
        top = max(abs(low), abs(high))
        if not top > limit:  # also NaN: no finite answer at all
            return low, high
        hi = np.fmax.reduce(values, axis=0)
        lo = np.fmin.reduce(values, axis=0)
    size = np.fmax(np.abs(hi), np.abs(lo))
    bad = np.isfinite(size) & (size > limit)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        col = np.abs(values[:, j])
        row = int(np.flatnonzero(np.isfinite(col) & (col > limit))[0])
        msg = (
            f"The answers of {where} are too large for float64 sums of squares "
            f"over {n} rows: column {names[j]!r} of 'data' holds "
            f"{float(values[row, j])!r} in row {row + 1} (limit {limit:.3g}). "
            "Rescale the column."
        )
        raise InputError(msg)
    return low, high


def label_array(
    raw: object, n_rows: int, where: str, param: str = "segments"
) -> np.ndarray[Any, Any]:
    arr = np.asarray(raw, dtype=object)
    if arr.ndim != 1 or arr.shape[0] != n_rows:
        msg = (
            f"The '{param}' parameter of {where} must have one label per row "
            f"({n_rows}). Got shape {arr.shape} instead."
        )
        raise InputError(msg)
    values = arr.tolist()
    missing = [
        i
        for i, v in enumerate(values)
        if v is None or (isinstance(v, float) and math.isnan(v))
    ]
    if missing:
        msg = (
            f"The '{param}' parameter of {where} has {len(missing)} missing "
            f"label(s); first in row {missing[0] + 1}."
        )
        raise InputError(msg)
    return np.array([str(v) for v in values], dtype=object)


def not_numeric(column: str, dtype: str, where: str) -> None:
    msg = (
        f"Column {column!r} of the 'data' parameter of {where} must hold "
        f"real numbers. Got dtype {dtype} instead."
    )
    raise InputError(msg)


def canonical_label(value: object) -> str:
    """Label text that matches a numeric code however it was stored.

    ``1``, ``1.0``, ``np.int64(1)`` and ``"1.0"`` all become ``"1"``, so a
    margin given as ``{1: 400}`` matches a region column of floats or ints.
    """
    text = str(value)
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isfinite(number) and number.is_integer():
        return str(int(number))
    return text


def lazy_on_scale(
    table: Table,
    columns: Sequence[str] | Mapping[str, Sequence[str]],
    scale: Scale,
    where: str,
    *,
    name: str = "data",
) -> None:
    """Lazy frame: check every answer against ``scale`` on the engine (one query).

    The lazy twin of :meth:`~satmodels.scales.Scale.check` (the rows'
    check), worded as it is: the parameter, the count of its answers off
    the scale, and the first column holding one. A lazy frame has no row
    order, so the row and value of the rows' message become that column's
    count and the smallest of its answers off the scale.

    Parameters
    ----------
    table : Table
        A lazy table (``table.lazy`` is queried).
    columns : sequence of str or mapping of str to sequence of str
        The columns to check, all named by the parameter ``name``; or each
        public parameter (``perceptions``, ``expectations`` ...) mapped to
        the columns it names, so that the message names the right one.
    scale : Scale
        The scale every finite answer must be on (a levels scale of raw
        codes, named ``"codes"``, checks codes).
    where : str
        The public function named in the message.
    name : str, default "data"
        The parameter named in the message when ``columns`` is a sequence.

    Raises
    ------
    InputError
        An answer off the scale (an infinite one included), e.g. ``The
        'data' parameter of csm has 3 answer(s) outside the 1..5 (likert)
        scale; first in column 'q2' (2 of them, the smallest: 0.0).``
    """
    from ..engines._frame import off_scale_counts  # noqa: PLC0415 - lazy only

    sets = dict(columns) if isinstance(columns, Mapping) else {name: columns}
    bad = off_scale_counts(
        table.lazy,
        [c for cols in sets.values() for c in cols],
        scale.kind,
        (scale.minimum, scale.maximum),
        scale.points(),
    )
    if not bad:
        return
    col, n, low = bad[0]
    param = next(p for p, cols in sets.items() if col in cols)
    total = sum(k for c, k, _ in bad if c in sets[param])
    msg = (
        f"The '{param}' parameter of {where} has {total} answer(s) outside the "
        f"{scale.describe()} scale; first in column '{col}' ({n} of them, the "
        f"smallest: {low!r})."
    )
    raise InputError(msg)


def check_lazy(
    frame: Any,  # noqa: ANN401 - a narwhals LazyFrame
    columns: Sequence[str],
    weight: str | None,
    where: str,
) -> tuple[float, float] | None:
    """Check a lazy frame's weights and answers as the rows are: one query.

    The rows' checks (:func:`check_weights`, :func:`check_magnitude`) on
    the engine: weights finite and non-negative, their sum and sum of
    squares representable; answers small enough for float64 sums of
    squares over the rows. Returns the NaN-ignoring minimum and maximum of
    the answers (``Table.value_bounds``; NaN when none is observed).
    """
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - lazy frames only

    from ..engines._frame import INF, bad_weight, clean, num  # noqa: PLC0415

    exprs: list[nw.Expr] = [nw.len().alias("n")]
    for i, c in enumerate(columns):
        x = clean(c)
        finite = nw.when(x.abs() != INF).then(x)
        exprs += [finite.min().alias(f"lo{i}"), finite.max().alias(f"hi{i}")]
    if weight is not None:
        w = clean(weight)
        exprs += [
            bad_weight(w).cast(nw.Int64).sum().alias("bad"),
            nw.when(~bad_weight(w)).then(w).sum().alias("sw"),
            nw.when(~bad_weight(w)).then(w * w).sum().alias("sq"),
            nw.when(~bad_weight(w)).then(w).max().alias("wmax"),
            nw.when(w > 0).then(w).min().alias("wmin"),
        ]
    out = frame.select(*exprs).collect()
    row = dict(zip(out.columns, out.row(0), strict=True))

    def val(key: str) -> float:
        v = row[key]
        return float("nan") if v is None else float(v)

    n = int(num(row["n"]))
    if weight is not None:
        n_bad = int(num(row["bad"]))
        if n_bad:
            msg = (
                f"The 'weights' parameter of {where} must be finite and "
                f"non-negative. Got {n_bad} missing, infinite or negative "
                f"value(s) in column {weight!r}."
            )
            raise InputError(msg)
        total, squares = num(row["sw"]), num(row["sq"])
        if _unsummable(total, squares):
            raise _unsummable_error(where, val("wmax"), val("wmin"))
    lows = [val(f"lo{i}") for i in range(len(columns))]
    highs = [val(f"hi{i}") for i in range(len(columns))]
    if n >= 2:
        limit = float(np.sqrt(np.finfo(np.float64).max / n) / 4.0)
        for c, lo, hi in zip(columns, lows, highs, strict=True):
            big = hi if abs(hi) >= abs(lo) else lo
            if abs(big) > limit:
                msg = (
                    f"The answers of {where} are too large for float64 sums of "
                    f"squares over {n} rows: column {c!r} of 'data' holds "
                    f"{big!r} (limit {limit:.3g}). Rescale the column."
                )
                raise InputError(msg)
    if not columns:
        return None
    return float(np.fmin.reduce(lows)), float(np.fmax.reduce(highs))
