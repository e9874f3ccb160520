"""Turning user input into reflected pairwise Moments (and rows when eager)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..data import _frames
from ..exceptions import InputError
from ..scales import Scale
from ..stats.moments import Moments
from .instrument import Instrument

__all__: list[str] = []


@dataclass(frozen=True, slots=True)
class Collected:
    """Moments of S sets of k item columns, and the rows when in memory.

    Column ``s * k + i`` is item i of set s (after reflection of reverse
    items). ``rows`` is None for Moments and lazy-frame input.
    """

    moments: Moments
    rows: FloatArray | None
    k: int
    sets: tuple[str, ...]
    backend: str | None
    labels: np.ndarray[Any, Any] | None


def _select_items(
    tab: _frames.Table, instrument: Instrument, name: str, where: str
) -> tuple[FloatArray, list[str]]:
    ids = instrument.item_ids()
    k = len(ids)
    cols = tab.columns
    if all(i in cols for i in ids):
        idx = [cols.index(i) for i in ids]
        return tab.values[:, idx], [cols[j] for j in idx]
    if len(cols) == k:
        return tab.values, list(cols)
    missing = [i for i in ids if i not in cols]
    extra = [c for c in cols if c not in ids]
    msg = (
        f"The '{name}' parameter of {where} must have one column per item of "
        f"the instrument {instrument.name!r} ({k} items, in order, or columns "
        f"named by item id). Got {len(cols)} column(s); items not found: "
        f"{missing[:10]}{' ...' if len(missing) > 10 else ''}; columns not in "
        f"the instrument: {extra[:10]}{' ...' if len(extra) > 10 else ''}."
    )
    raise InputError(msg)


def _reflect_moments(m: Moments, reverse: FloatArray, total: float) -> Moments:
    """Moments of x' = total - x for the flagged columns."""
    sign = np.where(reverse > 0, -1.0, 1.0)
    shift = np.where(reverse > 0, total, 0.0)
    return replace(
        m,
        pair_mean=shift[:, None] + sign[:, None] * m.pair_mean,
        comoment=m.comoment * np.outer(sign, sign),
    )


def _column(source: object, column: str, name: str, where: str) -> np.ndarray[Any, Any]:
    """One named column of a dataframe or of a mapping of arrays."""
    if isinstance(source, Mapping) and not _frames.is_frame(source):
        if column not in source:
            msg = (
                f"The '{name}' parameter of {where} names column {column!r}, "
                f"which the data does not have. Available: {list(source)[:20]}."
            )
            raise InputError(msg)
        return np.asarray(source[column])
    if source is None or not _frames.is_frame(source):
        msg = (
            f"The '{name}' parameter of {where} names a column ({column!r}), "
            "which needs a dataframe or a mapping of columns as data."
        )
        raise InputError(msg)
    return _frames.values_of(source, column, name="data", where=where)


def _segment_labels(
    segments: object, source: object, n: int | None, where: str
) -> np.ndarray[Any, Any]:
    if isinstance(segments, str):
        labels = _column(source, segments, "segments", where)
    else:
        labels = np.asarray(segments, dtype=object)
    if labels.ndim != 1 or (n is not None and labels.shape[0] != n):
        msg = (
            f"The 'segments' parameter of {where} must have one label per "
            f"respondent ({n}). Got shape {labels.shape} instead."
        )
        raise InputError(msg)
    return labels


def collect(
    sets: Mapping[str, object],
    *,
    data: object,
    instrument: object,
    scale: object,
    nan_policy: str,
    where: str,
    segments: object = None,
) -> Collected:
    """Validate and ingest item sets (perceptions, expectations, ...).

    Raises
    ------
    InputError
        Wrong shapes, items missing from the instrument, answers off the
        scale, missing answers under ``nan_policy="raise"``.
    """
    if not isinstance(instrument, Instrument):
        msg = (
            f"The 'instrument' parameter of {where} must be an Instrument. "
            f"Got {type(instrument).__name__} instead."
        )
        raise InputError(msg)
    if not isinstance(scale, Scale):
        msg = (
            f"The 'scale' parameter of {where} must be a Scale. "
            f"Got {type(scale).__name__} instead."
        )
        raise InputError(msg)
    if nan_policy not in ("omit", "raise"):
        msg = (
            f"The 'nan_policy' parameter of {where} must be 'omit' or 'raise'. "
            f"Got {nan_policy!r} instead."
        )
        raise InputError(msg)
    k = instrument.n_items
    names = tuple(sets)
    reverse = np.tile(
        np.array([1.0 if it.reverse else 0.0 for it in instrument.items]),
        len(names),
    )
    total = scale.minimum + scale.maximum
    backend: str | None = None
    rows: FloatArray | None = None
    labels = None
    if data is None:
        blocks = []
        shown: list[str] = []
        for s, value in sets.items():
            if isinstance(value, Moments) or _frames.is_lazy(value):
                msg = (
                    f"The '{s}' parameter of {where} is a Moments or lazy frame; "
                    f"pass it as data= and give '{s}' as a list of column names."
                )
                raise InputError(msg)
            tab = _frames.as_table(value, name=s, where=where)
            backend = backend or tab.backend
            values, names_s = _select_items(tab, instrument, s, where)
            if not _frames.is_frame(value):  # arrays: name columns by item
                names_s = [f"{s}[{i}]" for i in instrument.item_ids()]
            blocks.append(values)
            shown.extend(names_s)
        shapes = {s: b.shape for s, b in zip(names, blocks, strict=True)}
        if len({b.shape[0] for b in blocks}) > 1:
            msg = (
                f"The item sets of {where} must have the same respondents "
                f"(rows): got shapes {shapes}."
            )
            raise InputError(msg)
        rows = np.hstack(blocks)
        columns = [f"{s}:{i}" for s in names for i in instrument.item_ids()]
        source = next(iter(sets.values()))
    else:
        columns = []
        for s, value in sets.items():
            if isinstance(value, str) or not isinstance(value, Sequence):
                msg = (
                    f"With data=, the '{s}' parameter of {where} must be a "
                    f"list of {k} column names. Got {value!r}."
                )
                raise InputError(msg)
            if len(value) != k:
                msg = (
                    f"The '{s}' parameter of {where} must name one column per "
                    f"item ({k} for {instrument.name!r}). Got {len(value)}."
                )
                raise InputError(msg)
            columns.extend(str(c) for c in value)
        dupes = sorted({c for c in columns if columns.count(c) > 1})
        if dupes:
            msg = f"The column lists of {where} repeat column(s) {dupes}."
            raise InputError(msg)
        source = data
        if isinstance(data, Moments):
            moments = data.select(columns)
            _check_means(moments, scale, where)
            if segments is not None:
                msg = f"The 'segments' parameter of {where} needs rows, not Moments."
                raise InputError(msg)
            moments = _reflect_moments(moments, reverse, total)
            return Collected(moments, None, k, names, data._backend, None)
        if _frames.is_lazy(data):
            if segments is not None:
                msg = (
                    f"The 'segments' parameter of {where} is not supported for "
                    "lazy frames; filter each segment on the engine instead."
                )
                raise InputError(msg)
            # With nan_policy="raise" there is nothing to delete, and the
            # listwise aggregation is far cheaper on an engine than the
            # pairwise one (p columns instead of p x p masked sums).
            moments = Moments.from_data(
                data,
                columns=columns,
                missing="listwise" if nan_policy == "raise" else "pairwise",
                nan_policy="raise" if nan_policy == "raise" else "omit",
            )
            _check_means(moments, scale, where)
            moments = _reflect_moments(moments, reverse, total)
            return Collected(moments, None, k, names, None, None)
        if isinstance(data, Mapping) and not _frames.is_frame(data):
            rows = np.column_stack(
                [
                    np.asarray(_column(data, c, "data", where), np.float64)
                    for c in columns
                ]
            )
        else:
            tab = _frames.as_table(data, columns=columns, name="data", where=where)
            backend = tab.backend
            rows = tab.values
        shown = list(columns)
    for j, s in enumerate(names):
        block = rows[:, j * k : (j + 1) * k]
        labels_s = shown[j * k : (j + 1) * k]
        if _maybe_off_scale(block, scale):
            scale.check(block, columns=labels_s, name=s, where=where)
        if nan_policy == "raise":
            nan = ~np.isfinite(block)
            if nan.any():
                r, c = (int(v) for v in np.argwhere(nan)[0])
                msg = (
                    f"The '{s}' parameter of {where} has {int(nan.sum())} missing "
                    f"answer(s) (nan_policy='raise'); first in column "
                    f"'{labels_s[c]}', row {r}."
                )
                raise InputError(msg)
    flip = np.flatnonzero(reverse > 0)
    if flip.size:
        rows = rows.copy()
        rows[:, flip] = total - rows[:, flip]
    if segments is not None:
        labels = _segment_labels(segments, source, rows.shape[0], where)
    moments = from_rows(rows, columns)
    return Collected(moments, rows, k, names, backend, labels)


def _maybe_off_scale(block: FloatArray, scale: Scale) -> bool:
    """Cheap screen before :meth:`Scale.check` (which builds the message).

    For a Likert scale an answer is on the scale when it is a whole number
    between the ends; that test is much cheaper than ``np.isin``.
    """
    if scale.kind != "likert":
        return True
    lo, hi = scale.minimum, scale.maximum
    with np.errstate(invalid="ignore"):
        out = (block < lo) | (block > hi) | (np.floor(block) != block)
    return bool((out & ~np.isnan(block)).any())


def _check_means(moments: Moments, scale: Scale, where: str) -> None:
    mean = moments.mean
    bad = np.isfinite(mean) & ((mean < scale.minimum) | (mean > scale.maximum))
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        msg = (
            f"Column '{moments.columns[j]}' of the data of {where} has mean "
            f"{float(mean[j])!r}, outside the {scale.describe()} scale."
        )
        raise InputError(msg)


def from_rows(rows: FloatArray, columns: Sequence[str]) -> Moments:
    """Pairwise Moments of a row block.

    Without missing values pairwise and listwise Moments are the same, and
    the listwise kernel is far cheaper, so it is used then.
    """
    complete = bool(np.isfinite(rows).all())
    return Moments.from_data(
        rows, columns=list(columns), missing="listwise" if complete else "pairwise"
    )


def importance(
    weights: object,
    instrument: Instrument,
    *,
    n_rows: int | None,
    source: object,
    where: str,
) -> tuple[FloatArray | None, FloatArray | None]:
    """Validate 100-point importance allocations.

    Returns ``(vector, None)`` for one allocation, ``(None, rows)`` for one
    allocation per respondent (rows with a missing entry are NaN rows).

    Raises
    ------
    InputError
        Unknown or missing dimensions, negative points, allocations that do
        not sum to 100, per-respondent weights without rows.
    """
    if weights is None:
        return None, None
    dims = instrument.dimensions
    d = len(dims)
    if isinstance(weights, Mapping):
        unknown = [k for k in weights if k not in dims]
        missing = [k for k in dims if k not in weights]
        if unknown or missing:
            msg = (
                f"The 'weights' parameter of {where} must give points for each "
                f"dimension {list(dims)}. Unknown: {unknown}; missing: {missing}."
            )
            raise InputError(msg)
        values = [weights[k] for k in dims]
        if all(np.ndim(v) == 0 and not isinstance(v, str) for v in values):
            arr = np.asarray(values, dtype=np.float64)
        else:
            cols = []
            for v in values:
                if isinstance(v, str):
                    cols.append(
                        np.asarray(_column(source, v, "weights", where), np.float64)
                    )
                else:
                    cols.append(np.asarray(v, dtype=np.float64))
            try:
                arr = np.column_stack(cols)
            except ValueError as exc:
                msg = (
                    f"The per-respondent 'weights' of {where} must have one "
                    f"value per respondent for every dimension: {exc}."
                )
                raise InputError(msg) from exc
    else:
        try:
            arr = np.asarray(weights, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            msg = f"The 'weights' parameter of {where} must be numeric: {exc}."
            raise InputError(msg) from exc
    if arr.ndim == 1:
        if arr.shape != (d,):
            msg = (
                f"The 'weights' parameter of {where} must give {d} points (one "
                f"per dimension {list(dims)}). Got {arr.shape[0]}."
            )
            raise InputError(msg)
        _check_points(arr[None, :], dims, where, per_row=False)
        return arr, None
    if arr.ndim != 2 or arr.shape[1] != d:
        msg = (
            f"The 'weights' parameter of {where} must be {d} points or an "
            f"(n, {d}) array of points per respondent. Got shape {arr.shape}."
        )
        raise InputError(msg)
    if n_rows is None:
        msg = (
            f"Per-respondent 'weights' of {where} need the rows; they are not "
            "available from Moments or a lazy frame. Pass one allocation."
        )
        raise InputError(msg)
    if arr.shape[0] != n_rows:
        msg = (
            f"The per-respondent 'weights' of {where} have {arr.shape[0]} rows; "
            f"the answers have {n_rows}."
        )
        raise InputError(msg)
    complete: np.ndarray[Any, np.dtype[np.bool_]] = np.asarray(
        np.isfinite(arr).all(axis=1)
    )
    _check_points(arr[complete], dims, where, per_row=True, index=complete)
    return None, np.where(complete[:, None], arr, np.nan)


def _check_points(
    arr: FloatArray,
    dims: tuple[str, ...],
    where: str,
    *,
    per_row: bool,
    index: np.ndarray[Any, np.dtype[np.bool_]] | None = None,
) -> None:
    rows_idx = np.arange(arr.shape[0]) if index is None else np.flatnonzero(index)
    neg = arr < 0
    if neg.any():
        r, c = (int(v) for v in np.argwhere(neg)[0])
        at = f" in row {int(rows_idx[r])}" if per_row else ""
        msg = (
            f"The 'weights' parameter of {where} must be non-negative points. "
            f"Got {float(arr[r, c])!r} for {dims[c]!r}{at}."
        )
        raise InputError(msg)
    sums = arr.sum(axis=1)
    off = np.abs(sums - 100.0) > 1e-6
    if off.any():
        r = int(np.flatnonzero(off)[0])
        at = f" Row {int(rows_idx[r])} sums to" if per_row else " Got"
        msg = (
            f"The 'weights' parameter of {where} must allocate 100 points across "
            f"the dimensions.{at} {sums[r]:g} instead"
            + (f" ({int(off.sum())} such row(s))." if per_row else ".")
        )
        raise InputError(msg)
