"""Reading a SERVQUAL survey once: item sets by name, reflection, importance.

Every public function of the module reads ``data`` through
:func:`satmodels.data.read` exactly once (here, in :func:`read_sets`); the
returned :class:`Survey` holds the :class:`~satmodels.data.Table`, the
reflected Moments of the item columns and, for rows in memory, the
reflected rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level
from ..data import Table, read
from ..data._checks import lazy_on_scale
from ..exceptions import InputError
from ..scales import Scale, as_scale, check_answered
from ..stats.moments import Moments
from .instrument import Instrument

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from ..data._table import MomentsNeed

__all__: list[str] = []

R = TypeVar("R", bound="DataclassInstance")

#: Column-name prefix of each item set when the caller names no columns
#: (the bundled sample survey: ``sq_p1`` ... ``sq_p22``, ``sq_e1`` ...).
DEFAULT_PREFIX = {"perceptions": "sq_p", "expectations": "sq_e"}


@dataclass(frozen=True, slots=True)
class Survey:
    """One survey read once: item sets side by side, reverse items reflected.

    Column ``s * k + i`` of ``moments`` (and of ``rows``) is item i of set
    s. ``rows`` is None for lazy frames and Moments.
    """

    table: Table
    moments: Moments
    rows: FloatArray | None
    weights: FloatArray | None
    columns: tuple[str, ...]
    k: int


def check_options(
    instrument: object, scale: object, nan_policy: object, where: str
) -> tuple[Instrument, Scale]:
    """Validate ``instrument``, ``scale`` and ``nan_policy``."""
    if not isinstance(instrument, Instrument):
        msg = (
            f"The 'instrument' parameter of {where} must be an Instrument. "
            f"Got {type(instrument).__name__} instead."
        )
        raise InputError(msg)
    sc = as_scale(scale, where)
    if sc is None:
        msg = f"The 'scale' parameter of {where} must be a Scale or (min, max)."
        raise InputError(msg)
    if nan_policy not in ("omit", "raise"):
        msg = (
            f"The 'nan_policy' parameter of {where} must be 'omit' or 'raise'. "
            f"Got {nan_policy!r} instead."
        )
        raise InputError(msg)
    return instrument, sc


def item_columns(
    value: object, param: str, instrument: Instrument, where: str
) -> tuple[str, ...]:
    """Return the k column names of one item set (default: prefix + item id)."""
    k = instrument.n_items
    if value is None:
        prefix = DEFAULT_PREFIX.get(param)
        if prefix is None:
            msg = (
                f"The '{param}' parameter of {where} must name the {k} columns "
                f"of the items of {instrument.name!r}, in instrument order."
            )
            raise InputError(msg)
        return tuple(f"{prefix}{i}" for i in instrument.item_ids())
    if isinstance(value, str) or not isinstance(value, Sequence):
        msg = (
            f"The '{param}' parameter of {where} must be a list of {k} column "
            f"names (one per item of {instrument.name!r}). Got {value!r}."
        )
        raise InputError(msg)
    names = list(value)
    if len(names) != k:
        msg = (
            f"The '{param}' parameter of {where} must name one column per item "
            f"({k} for {instrument.name!r}, in instrument order). "
            f"Got {len(names)}."
        )
        raise InputError(msg)
    bad = [c for c in names if not isinstance(c, str)]
    if bad:
        msg = (
            f"The '{param}' parameter of {where} must name columns by string. "
            f"Got {bad[0]!r}."
        )
        raise InputError(msg)
    return tuple(names)


@dataclass(frozen=True, slots=True)
class Call:
    """The checked options of one public call and its item sets.

    ``sets`` maps each item-set parameter (``perceptions``, ``adequate``
    ...) to its k column names, in instrument order.
    """

    where: str
    instrument: Instrument
    scale: Scale
    nan_policy: str
    level: float
    sets: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def with_sets(self, given: Mapping[str, object]) -> Call:
        """Return the call with the column lists ``given`` per parameter."""
        sets = {
            param: item_columns(value, param, self.instrument, self.where)
            for param, value in given.items()
        }
        return replace(self, sets=sets)


def check_call(
    where: str,
    *,
    instrument: object,
    scale: object,
    nan_policy: object,
    confidence_level: float,
) -> Call:
    """Validate ``confidence_level``, ``instrument``, ``scale``, ``nan_policy``."""
    level = check_confidence_level(confidence_level, where)
    inst, sc = check_options(instrument, scale, nan_policy, where)
    return Call(where, inst, sc, str(nan_policy), level)


def per_segment(
    table: Table,
    fit: Callable[[Table, str | None], R],
    call: Call | None = None,
    *,
    extra: Sequence[MomentsNeed] = (),
) -> R:
    """Fit all respondents and, with segments, each segment (label given).

    The segment results go into the ``segments`` field of the overall one.
    Every fit is called at the same stack depth (no comprehension frame),
    so the warnings of one ``stacklevel`` name the caller's line. With the
    ``call`` whose :func:`survey` each fit takes, a lazy frame's segments
    get their Moments from one grouped aggregation (not one query each),
    and those of ``extra`` too.
    """
    result = fit(table, None)
    if table.segments is None and table.segment_column is None:
        return result
    needs = [*([] if call is None else [survey_need(table, call)]), *extra]
    segs = {}
    for label, sub in table.by_segment(needs).items():
        segs[label] = fit(sub, label)
    return replace(result, segments=segs)


def survey_need(table: Table, call: Call) -> MomentsNeed:
    """Return the Moments :func:`survey` takes of a (segment) table."""
    cols = tuple(c for s in call.sets.values() for c in s)
    raising = call.nan_policy == "raise"
    if table.kind == "lazy":
        return (cols, "listwise", "raise") if raising else (cols, "pairwise", "omit")
    return (cols, "listwise", "omit")


def read_sets(
    data: object,
    call: Call,
    *,
    columns: Sequence[str] | None = None,
    weights: object = None,
    segments: object = None,
    extra: Mapping[str, tuple[str, ...]] | None = None,
) -> Table:
    """Read ``data`` once; check repeated columns, scale and missing answers.

    Raises
    ------
    InputError
        Unknown or repeated columns, answers off the scale, missing answers
        under ``nan_policy="raise"`` and whatever :func:`read` refuses.
    """
    sets, where, scale = call.sets, call.where, call.scale
    names = [c for cols in sets.values() for c in cols]
    dupes = sorted({c for c in names if names.count(c) > 1})
    if dupes:
        msg = f"The column lists of {where} repeat column(s) {dupes}."
        raise InputError(msg)
    roles: dict[str, Any] = dict(sets)
    if extra:
        roles |= extra
    table = read(
        data,
        where=where,
        columns=columns,
        roles=roles,
        weights=weights,
        segments=segments,
        accept=("rows", "lazy", "moments"),
    )
    if table.kind == "lazy":
        lazy_on_scale(table, sets, scale, where)
    if table.kind == "rows":
        start = 0
        every = table.matrix(names)
        for param, cols in sets.items():
            block = every[:, start : start + len(cols)]
            start += len(cols)
            if _maybe_off_scale(block, scale):
                scale.check(block, columns=list(cols), name=param, where=where)
            if call.nan_policy == "raise":
                check_answered(block, columns=cols, name=param, where=where)
    return table


def survey(table: Table, call: Call) -> Survey:
    """Moments (and rows) of the item sets of one (segment) table, reflected."""
    sets, instrument, scale = call.sets, call.instrument, call.scale
    cols = tuple(c for s in sets.values() for c in s)
    k = instrument.n_items
    reverse = np.tile(
        np.array([1.0 if it.reverse else 0.0 for it in instrument.items]), len(sets)
    )
    total = scale.minimum + scale.maximum
    if table.kind == "rows":
        rows = table.matrix(None if cols == table.columns else cols)
        flip = np.flatnonzero(reverse > 0)
        if flip.size:
            rows = rows.copy()
            rows[:, flip] = total - rows[:, flip]
        moments = derived(table, rows, cols)
        return Survey(table, moments, rows, table.weights, cols, k)
    if table.kind == "lazy":
        # Listwise aggregation is far cheaper on an engine than pairwise;
        # with nan_policy="raise" there is nothing to delete.
        cols, missing, policy = survey_need(table, call)
        moments = table.moments(cols, missing=missing, nan_policy=policy)
    else:
        moments = table.moments(cols)
    _check_means(moments, scale, table.where)
    return Survey(table, _reflect(moments, reverse, total), None, None, cols, k)


def derived(
    table: Table,
    rows: FloatArray,
    names: Sequence[str],
    missing: Literal["listwise", "pairwise"] | None = None,
) -> Moments:
    """(Weighted) Moments of rows derived from ``table``'s rows.

    Pairwise by default; without missing values pairwise and listwise
    Moments are the same, and the listwise kernel is far cheaper, so it is
    used then.
    """
    sub = replace(
        table, columns=tuple(names), values=rows, roles={"columns": tuple(names)}
    )
    if missing is None:
        missing = "listwise" if bool(np.isfinite(rows).all()) else "pairwise"
    return sub.moments(list(names), missing=missing)


def _reflect(m: Moments, reverse: FloatArray, total: float) -> Moments:
    """Moments of x' = total - x for the flagged columns."""
    if not (reverse > 0).any():
        return m
    sign = np.where(reverse > 0, -1.0, 1.0)
    shift = np.where(reverse > 0, total, 0.0)
    return replace(
        m,
        pair_mean=shift[:, None] + sign[:, None] * m.pair_mean,
        comoment=m.comoment * np.outer(sign, sign),
    )


def _maybe_off_scale(block: FloatArray, scale: Scale) -> bool:
    """Cheap screen before :meth:`Scale.check` (which builds the message)."""
    if scale.kind != "likert":
        return True
    lo, hi = scale.minimum, scale.maximum
    with np.errstate(invalid="ignore"):
        out = (block < lo) | (block > hi) | (np.floor(block) != block)
    return bool((out & ~np.isnan(block)).any())


def _check_means(moments: Moments, scale: Scale, where: str) -> None:
    mean = moments.mean
    seen = moments.nobs > 0  # an unobserved column has no mean to check
    bad = seen & np.isfinite(mean) & ((mean < scale.minimum) | (mean > scale.maximum))
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        msg = (
            f"Column '{moments.columns[j]}' of the data of {where} has mean "
            f"{float(mean[j])!r}, outside the {scale.describe()} scale."
        )
        raise InputError(msg)


# ------------------------------------------------------------ importance
def importance_columns(
    importance: object, instrument: Instrument
) -> dict[str, tuple[str, ...]] | None:
    """Return the columns named by ``importance`` (a mapping to column names)."""
    if isinstance(importance, Mapping) and all(
        isinstance(v, str) for v in importance.values()
    ):
        names = [str(importance[d]) for d in instrument.dimensions if d in importance]
        return {"importance": tuple(names)} if names else None
    return None


def importance_points(
    importance: object,
    instrument: Instrument,
    table: Table,
    *,
    nan_policy: str,
    where: str,
) -> tuple[FloatArray | None, FloatArray | None]:
    """Validate 100-point importance allocations.

    Returns ``(vector, None)`` for one allocation, ``(None, rows)`` for one
    allocation per respondent (rows with a missing entry are NaN rows).

    Raises
    ------
    InputError
        Unknown or missing dimensions, missing (NaN) or negative points,
        allocations that do not sum to 100, per-respondent points without
        rows.
    """
    if importance is None:
        return None, None
    dims = instrument.dimensions
    d = len(dims)
    if isinstance(importance, Mapping):
        unknown = [k for k in importance if k not in dims]
        missing = [k for k in dims if k not in importance]
        if unknown or missing:
            msg = (
                f"The 'importance' parameter of {where} must give points for "
                f"each dimension {list(dims)}. Unknown: {unknown}; missing: "
                f"{missing}."
            )
            raise InputError(msg)
        values = [importance[k] for k in dims]
        if all(isinstance(v, str) for v in values):
            arr = table.matrix([str(v) for v in values])
        elif all(np.ndim(v) == 0 and not isinstance(v, str) for v in values):
            arr = _numeric(values, where)
        else:
            cols = [_numeric(v, where) for v in values]
            if len({c.shape for c in cols}) > 1:
                msg = (
                    f"The per-respondent 'importance' of {where} must have one "
                    "value per respondent for every dimension. Got shapes "
                    f"{[c.shape for c in cols]}."
                )
                raise InputError(msg)
            arr = np.column_stack(cols)
    else:
        arr = _numeric(importance, where)
    if arr.ndim == 1:
        if arr.shape != (d,):
            msg = (
                f"The 'importance' parameter of {where} must give {d} points "
                f"(one per dimension {list(dims)}). Got {arr.shape[0]}."
            )
            raise InputError(msg)
        nan = ~np.isfinite(arr)
        if nan.any():
            msg = (
                f"The 'importance' parameter of {where} must give finite points "
                f"for every dimension. Got {float(arr[nan][0])!r} for "
                f"{dims[int(np.flatnonzero(nan)[0])]!r}."
            )
            raise InputError(msg)
        _check_points(arr[None, :], dims, where, per_row=False)
        return arr, None
    if arr.ndim != 2 or arr.shape[1] != d:
        msg = (
            f"The 'importance' parameter of {where} must be {d} points or an "
            f"(n, {d}) array of points per respondent. Got shape {arr.shape}."
        )
        raise InputError(msg)
    if table.n_rows is None:
        msg = (
            f"Per-respondent 'importance' of {where} needs the rows; they are "
            "not available from Moments or a lazy frame. Pass one allocation."
        )
        raise InputError(msg)
    if arr.shape[0] != table.n_rows:
        msg = (
            f"The per-respondent 'importance' of {where} has {arr.shape[0]} "
            f"rows; the answers have {table.n_rows}."
        )
        raise InputError(msg)
    complete = np.asarray(np.isfinite(arr).all(axis=1))
    if nan_policy == "raise" and not complete.all():
        r = int(np.flatnonzero(~complete)[0])
        c = int(np.flatnonzero(~np.isfinite(arr[r]))[0])
        msg = (
            f"The 'importance' parameter of {where} has missing points "
            f"(nan_policy='raise'); first for {dims[c]!r} in row {r + 1}."
        )
        raise InputError(msg)
    _check_points(arr[complete], dims, where, per_row=True, index=complete)
    return None, np.where(complete[:, None], arr, np.nan)


def _numeric(value: object, where: str) -> FloatArray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"The 'importance' parameter of {where} must be numeric: {exc}."
        raise InputError(msg) from exc


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
        at = f" in row {int(rows_idx[r]) + 1}" if per_row else ""
        msg = (
            f"The 'importance' parameter of {where} must be non-negative "
            f"points. Got {float(arr[r, c])!r} for {dims[c]!r}{at}."
        )
        raise InputError(msg)
    sums = arr.sum(axis=1)
    off = np.abs(sums - 100.0) > 1e-6
    if off.any():
        r = int(np.flatnonzero(off)[0])
        at = f" Row {int(rows_idx[r]) + 1} sums to" if per_row else " Got"
        msg = (
            f"The 'importance' parameter of {where} must allocate 100 points "
            f"across the dimensions.{at} {sums[r]:g} instead"
            + (f" ({int(off.sum())} such row(s))." if per_row else ".")
        )
        raise InputError(msg)
