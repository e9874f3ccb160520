"""Read any supported input once into a :class:`~satmodels.data.Table`.

Accepted ``data``: a 1-D or 2-D array (columns named by ``columns=``, else
``x0``, ``x1``, ...), a mapping of column name to 1-D array, an eager frame
narwhals understands (pandas, polars, pyarrow), a lazy frame (Dask, PySpark,
DuckDB, polars LazyFrame) and, where a function can work from them,
:class:`~satmodels.stats.Moments` or
:class:`~satmodels.stats.CategoryCounts`. Columns are matched by name,
never by position.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError
from ._table import Kind, Table

__all__ = ["read"]

Roles = Mapping[str, "str | Sequence[str] | None"]

_KIND_WORDS = {
    "rows": "rows (an array, a mapping of columns or a dataframe)",
    "lazy": "a lazy frame",
    "moments": "Moments",
    "counts": "CategoryCounts",
}


def _narwhals(data: object) -> Any:  # noqa: ANN401 - narwhals frame or data
    # narwhals >= 2.29 warns on every Dask frame that Dask support will move
    # to a plugin; the call still works and the warning is not the user's.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Dask support is moving out", FutureWarning)
        try:
            return nw.from_native(data, pass_through=True)
        except Exception as exc:  # narwhals' DuplicateError and friends
            msg = f"could not read the data: {exc}"
            raise InputError(msg) from exc


def _narwhals_or_none(data: object) -> Any:  # noqa: ANN401 - narwhals frame
    if isinstance(data, np.ndarray | list | tuple | Mapping):
        return None
    return _narwhals(data)


def _duplicates(names: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for n in names:
        if n in seen and n not in dup:
            dup.append(n)
        seen.add(n)
    return dup


def _check_unique(names: Sequence[str], what: str, where: str) -> None:
    dup = _duplicates(names)
    if dup:
        msg = f"The {what} of {where} must be unique. Got duplicate(s) {dup}."
        raise InputError(msg)


def _as_names(value: str | Sequence[str] | None, param: str, where: str) -> list[str]:
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
    _check_unique(out, f"columns named by '{param}'", where)
    return out


def _resolve_roles(
    roles: Roles | None,
    available: Sequence[str],
    reserved: Collection[str],
    where: str,
) -> dict[str, tuple[str, ...]]:
    """Columns of each column keyword; None means every remaining column."""
    rest = tuple(c for c in available if c not in reserved)
    if roles is None:
        return {"columns": rest}
    out: dict[str, tuple[str, ...]] = {}
    have = set(available)
    for role, value in roles.items():
        if value is None:
            out[role] = rest
            continue
        names = _as_names(value, role, where)
        unknown = [n for n in names if n not in have]
        if unknown:
            msg = (
                f"The '{role}' parameter of {where} names column(s) {unknown} "
                f"that 'data' does not have. Available columns: {list(available)}."
            )
            raise InputError(msg)
        out[role] = tuple(names)
    return out


def _needed(roles: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for names in roles.values():
        for n in names:
            seen.setdefault(n)
    return tuple(seen)


def _refuse_kind(kind: str, accept: Collection[Kind], where: str) -> None:
    if kind not in accept:
        allowed = " or ".join(_KIND_WORDS[k] for k in accept)
        msg = (
            f"The 'data' parameter of {where} must be {allowed}. "
            f"Got {_KIND_WORDS[kind]} instead."
        )
        raise InputError(msg)


def _numeric_dtype(dtype: np.dtype[Any]) -> bool:
    return dtype.kind in "biuf"


def _weights(raw: object, n_rows: int, where: str, source: str) -> FloatArray:
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
    if not (np.isfinite(total) and np.isfinite(squares)) or (
        total > 0 and squares == 0
    ):
        msg = (
            f"The 'weights' parameter of {where} cannot be summed in double "
            f"precision (largest {float(w.max())!r}, smallest positive "
            f"{float(w[w > 0].min())!r}): their sum or sum of squares "
            "overflows or underflows. Divide them by a constant: case weights "
            "are scale-free."
        )
        raise InputError(msg)
    return w


def _check_magnitude(values: FloatArray, names: Sequence[str], where: str) -> None:
    """Refuse answers so large that their second moments overflow.

    Every model sums squares and cross-products of the answers over the
    rows; with n rows those stay finite when ``|x| <= sqrt(max_float / n) / 4``
    (a margin of 16 for the products of centred values). Two cheap passes
    (max and min ignoring NaN); infinities are left to the models' own
    checks, which name them as such.
    """
    if values.size == 0:
        return
    with np.errstate(invalid="ignore"):
        hi = np.fmax.reduce(values, axis=0)
        lo = np.fmin.reduce(values, axis=0)
    size = np.fmax(np.abs(hi), np.abs(lo))
    limit = math.sqrt(np.finfo(np.float64).max / max(values.shape[0], 1)) / 4.0
    bad = np.isfinite(size) & (size > limit)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        msg = (
            f"Column {names[j]!r} of the 'data' parameter of {where} holds "
            f"{float(size[j])!r}: too large for its sums of squares over "
            f"{values.shape[0]} rows to be computed in double precision (limit "
            f"{limit:.3g}). Rescale the column."
        )
        raise InputError(msg)


def _labels(
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


def _from_statistics(
    data: Any,  # noqa: ANN401 - Moments or CategoryCounts
    kind: Kind,
    *,
    roles: Roles | None,
    weights: object,
    segments: object,
    accept: Collection[Kind],
    where: str,
) -> Table:
    _refuse_kind(kind, accept, where)
    for param, value in (("weights", weights), ("segments", segments)):
        if value is not None:
            msg = (
                f"The '{param}' parameter of {where} cannot be used when 'data' "
                f"is {_KIND_WORDS[kind]}: compute the statistics with "
                f"{param} instead."
            )
            raise InputError(msg)
    cols = tuple(str(c) for c in data.columns)
    resolved = _resolve_roles(roles, cols, (), where)
    return Table(
        kind=kind,
        columns=_needed(resolved),
        roles=resolved,
        where=where,
        statistics=data,
        backend=getattr(data, "_backend", None),
    )


def _from_lazy(
    frame: Any,  # noqa: ANN401 - narwhals LazyFrame
    *,
    roles: Roles | None,
    columns: Sequence[str] | None,
    weights: object,
    segments: object,
    where: str,
) -> Table:
    names = [str(c) for c in frame.columns]
    _check_unique(names, "column names of 'data'", where)
    for param, value in (("weights", weights), ("segments", segments)):
        if value is not None and not isinstance(value, str):
            msg = (
                f"The '{param}' parameter of {where} must name a column when "
                f"'data' is a lazy frame. Got {type(value).__name__} instead."
            )
            raise InputError(msg)
    available = _select(names, columns, where)
    extra = [c for c in (weights, segments) if isinstance(c, str)]
    for param, col in (("weights", weights), ("segments", segments)):
        if isinstance(col, str) and col not in names:
            msg = (
                f"The '{param}' parameter of {where} names column {col!r} "
                f"that 'data' does not have. Available columns: {names}."
            )
            raise InputError(msg)
    resolved = _resolve_roles(roles, available, extra, where)
    needed = _needed(resolved)
    _role_overlap(resolved, weights, segments, where)
    schema = frame.collect_schema()
    for c in needed:
        dtype = schema[c]
        if not (dtype.is_numeric() or dtype == nw.Boolean) or _is_complex(dtype):
            _not_numeric(c, str(dtype), where)
    keep = list(dict.fromkeys([*needed, *extra]))
    return Table(
        kind="lazy",
        columns=needed,
        roles=resolved,
        where=where,
        lazy=frame.select(*keep),
        weight_column=weights if isinstance(weights, str) else None,
        segment_column=segments if isinstance(segments, str) else None,
        backend=_backend(frame),
    )


def _is_complex(dtype: object) -> bool:
    return "complex" in str(dtype).lower()


def _not_numeric(column: str, dtype: str, where: str) -> None:
    msg = (
        f"Column {column!r} of the 'data' parameter of {where} must hold "
        f"real numbers. Got dtype {dtype} instead."
    )
    raise InputError(msg)


def _backend(frame: Any) -> str | None:  # noqa: ANN401 - narwhals frame
    impl = str(frame.implementation).lower()
    for name in ("pandas", "polars"):
        if impl.endswith(name):
            return name
    return None


def _select(
    names: Sequence[str], columns: Sequence[str] | None, where: str
) -> list[str]:
    """Apply the ``columns`` parameter to a frame or mapping: select by name."""
    if columns is None:
        return list(names)
    chosen = _as_names(columns, "columns", where)
    unknown = [c for c in chosen if c not in set(names)]
    if unknown:
        msg = (
            f"The 'columns' parameter of {where} names column(s) {unknown} "
            f"that 'data' does not have. Available columns: {list(names)}."
        )
        raise InputError(msg)
    return chosen


def _role_overlap(
    roles: Mapping[str, tuple[str, ...]], weights: object, segments: object, where: str
) -> None:
    for param, col in (("weights", weights), ("segments", segments)):
        if not isinstance(col, str):
            continue
        for role, names in roles.items():
            if col in names:
                msg = (
                    f"The '{param}' column {col!r} of {where} is also one of "
                    f"the '{role}' columns."
                )
                raise InputError(msg)


def _finish_rows(
    names: Sequence[str],
    getter: Callable[[str], np.ndarray[Any, Any]],
    matrix: Callable[[Sequence[str]], FloatArray],
    n_rows: int,
    *,
    roles: Roles | None,
    weights: object,
    segments: object,
    where: str,
    backend: str | None,
    min_rows: int,
    labels: Mapping[str, Sequence[str]] | None = None,
    every: Sequence[str] | None = None,
) -> Table:
    # weight, segment and label columns may lie outside a 'columns' selection
    present = set(names if every is None else every)
    label_cols = [c for cols in (labels or {}).values() for c in cols]
    reserved = [c for c in (weights, segments) if isinstance(c, str)] + label_cols
    for param, col in (("weights", weights), ("segments", segments)):
        if isinstance(col, str) and col not in present:
            msg = (
                f"The '{param}' parameter of {where} names column {col!r} "
                f"that 'data' does not have. Available columns: {sorted(present)}."
            )
            raise InputError(msg)
    for param, cols in (labels or {}).items():
        unknown = [c for c in cols if c not in present]
        if unknown:
            msg = (
                f"The '{param}' parameter of {where} names column(s) {unknown} "
                f"that 'data' does not have. Available columns: {list(names)}."
            )
            raise InputError(msg)
    resolved = _resolve_roles(roles, names, reserved, where)
    _role_overlap(resolved, weights, segments, where)
    needed = _needed(resolved)
    if n_rows < min_rows:
        msg = (
            f"The 'data' parameter of {where} needs at least {min_rows} row(s). "
            f"Got {n_rows} instead."
        )
        raise InputError(msg)
    if not needed:
        msg = f"The 'data' parameter of {where} has no columns to analyse."
        raise InputError(msg)
    w = None
    if weights is not None:
        raw_w = getter(weights) if isinstance(weights, str) else weights
        src = f"column {weights!r}" if isinstance(weights, str) else "array"
        w = _weights(raw_w, n_rows, where, src)
    seg = None
    if segments is not None:
        raw_s = getter(segments) if isinstance(segments, str) else segments
        seg = _labels(raw_s, n_rows, where)
    values = matrix(needed)
    _check_magnitude(values, needed, where)
    label_values = {
        c: _labels(getter(c), n_rows, where, param)
        for param, cols in (labels or {}).items()
        for c in cols
    }
    return Table(
        kind="rows",
        columns=needed,
        roles=resolved,
        where=where,
        values=values,
        weights=w,
        segments=seg,
        labels=label_values,
        backend=backend,
    )


def _array_matrix(
    arr: np.ndarray[Any, Any], names: Sequence[str], where: str
) -> Callable[[Sequence[str]], FloatArray]:
    pos = {c: i for i, c in enumerate(names)}

    def matrix(cols: Sequence[str]) -> FloatArray:
        idx = [pos[c] for c in cols]
        out = np.asarray(arr[:, idx], dtype=np.float64)
        return out if idx != list(range(arr.shape[1])) else np.asarray(out)

    if not _numeric_dtype(arr.dtype):
        _not_numeric(names[0] if names else "?", str(arr.dtype), where)
    return matrix


def read(
    data: object,
    *,
    where: str,
    columns: Sequence[str] | None = None,
    roles: Roles | None = None,
    weights: object = None,
    segments: object = None,
    labels: Mapping[str, Sequence[str]] | None = None,
    accept: Collection[Kind] = ("rows", "lazy", "moments"),
    min_rows: int = 1,
) -> Table:
    """Read ``data`` once into the internal :class:`Table`.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame, Moments or CategoryCounts
        The survey.
    where : str
        The public function's name, used in every message.
    columns : sequence of str, optional
        As in ``pandas.DataFrame(data, columns=...)``: the names of a bare
        array's columns, or the columns of a frame or mapping to use.
    roles : mapping of str to column name(s), optional
        The public function's column keywords and what the caller passed for
        each (None: every column not used for weights or segments).
    weights : array_like or str, optional
        Case weights, or the name of their column.
    segments : array_like or str, optional
        Segment labels, or the name of their column.
    labels : mapping of str to column names, optional
        Further label columns by public parameter (e.g. ``{"by": ["company",
        "industry"]}``), read as strings into ``Table.labels`` (rows only).
    accept : collection of {"rows", "lazy", "moments", "counts"}
        Kinds of input the function can use.
    min_rows : int
        Fewest rows accepted (rows in memory).

    Returns
    -------
    Table

    Raises
    ------
    InputError
        Unknown, duplicate or non-numeric columns, bad weights or segments,
        too few rows, or an input kind the function cannot use.
    """
    from ..stats.counts import CategoryCounts  # noqa: PLC0415 - stats sits below
    from ..stats.moments import Moments  # noqa: PLC0415

    if labels and (
        isinstance(data, Moments | CategoryCounts)
        or isinstance(_narwhals_or_none(data), nw.LazyFrame)
    ):
        msg = f"{where} needs the rows in memory to read label columns."
        raise InputError(msg)
    if isinstance(data, Moments):
        return _from_statistics(
            data,
            "moments",
            roles=roles,
            weights=weights,
            segments=segments,
            accept=accept,
            where=where,
        )
    if isinstance(data, CategoryCounts):
        return _from_statistics(
            data,
            "counts",
            roles=roles,
            weights=weights,
            segments=segments,
            accept=accept,
            where=where,
        )
    if isinstance(data, Mapping):
        _refuse_kind("rows", accept, where)
        return _read_mapping(
            data,
            columns=columns,
            roles=roles,
            weights=weights,
            segments=segments,
            where=where,
            min_rows=min_rows,
            labels=labels,
        )
    if not isinstance(data, np.ndarray | list | tuple):
        frame = _narwhals(data)
        if isinstance(frame, nw.LazyFrame):
            _refuse_kind("lazy", accept, where)
            return _from_lazy(
                frame,
                roles=roles,
                columns=columns,
                weights=weights,
                segments=segments,
                where=where,
            )
        if isinstance(frame, nw.DataFrame):
            _refuse_kind("rows", accept, where)
            return _read_frame(
                frame,
                columns=columns,
                roles=roles,
                weights=weights,
                segments=segments,
                where=where,
                min_rows=min_rows,
                labels=labels,
            )
    _refuse_kind("rows", accept, where)
    return _read_array(
        data,
        columns=columns,
        roles=roles,
        weights=weights,
        segments=segments,
        where=where,
        min_rows=min_rows,
        labels=labels,
    )


def _read_mapping(
    data: Mapping[Any, Any],
    *,
    columns: Sequence[str] | None,
    roles: Roles | None,
    weights: object,
    segments: object,
    where: str,
    min_rows: int,
    labels: Mapping[str, Sequence[str]] | None = None,
) -> Table:
    raw: dict[str, np.ndarray[Any, Any]] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            msg = (
                f"The 'data' parameter of {where} must map column names (str) "
                f"to columns. Got key {key!r} instead."
            )
            raise InputError(msg)
        arr = np.asarray(value)
        if arr.ndim != 1:
            msg = (
                f"Column {key!r} of the 'data' parameter of {where} must be "
                f"1-D. Got shape {arr.shape} instead."
            )
            raise InputError(msg)
        raw[key] = arr
    lengths = {k: v.shape[0] for k, v in raw.items()}
    if len(set(lengths.values())) > 1:
        msg = (
            f"The columns of the 'data' parameter of {where} must have equal "
            f"lengths. Got {lengths}."
        )
        raise InputError(msg)
    n_rows = next(iter(lengths.values()), 0)
    names = _select(list(raw), columns, where)

    def matrix(cols: Sequence[str]) -> FloatArray:
        for c in cols:
            if not _numeric_dtype(raw[c].dtype):
                _not_numeric(c, str(raw[c].dtype), where)
        # Column by column into a Fortran-ordered block (contiguous writes),
        # then one transpose copy to the C order the kernels' BLAS wants:
        # several times faster than column_stack of converted copies.
        out = np.empty((n_rows, len(cols)), order="F")
        for j, c in enumerate(cols):
            out[:, j] = raw[c]
        return np.ascontiguousarray(out)

    return _finish_rows(
        names,
        raw.__getitem__,
        matrix,
        n_rows,
        roles=roles,
        weights=weights,
        segments=segments,
        where=where,
        backend=None,
        min_rows=min_rows,
        labels=labels,
        every=list(raw),
    )


def _read_frame(
    frame: Any,  # noqa: ANN401 - narwhals DataFrame
    *,
    columns: Sequence[str] | None,
    roles: Roles | None,
    weights: object,
    segments: object,
    where: str,
    min_rows: int,
    labels: Mapping[str, Sequence[str]] | None = None,
) -> Table:
    all_names = [str(c) for c in frame.columns]
    _check_unique(all_names, "column names of 'data'", where)
    names = _select(all_names, columns, where)
    schema = frame.schema

    def matrix(cols: Sequence[str]) -> FloatArray:
        for c in cols:
            dtype = schema[c]
            if not (dtype.is_numeric() or dtype == nw.Boolean) or _is_complex(dtype):
                _not_numeric(c, str(dtype), where)
        if not cols:
            return np.empty((len(frame), 0))
        if all(schema[c] in (nw.Float64, nw.Float32) for c in cols):
            # Float columns need no cast: the frame's own block, often a view
            # of the caller's memory, so it is handed on read-only.
            try:
                out = np.asarray(frame.select(*cols).to_numpy(), dtype=np.float64)
            except (TypeError, ValueError):  # masked floats holding pd.NA
                out = None
            if out is not None:
                out.flags.writeable = False
                return out
        sel = frame.select(*(nw.col(c).cast(nw.Float64) for c in cols))
        return np.asarray(sel.to_numpy(), dtype=np.float64)

    def getter(col: str) -> np.ndarray[Any, Any]:
        return np.asarray(frame.get_column(col).to_numpy())

    return _finish_rows(
        names,
        getter,
        matrix,
        len(frame),
        roles=roles,
        weights=weights,
        segments=segments,
        where=where,
        backend=_backend(frame),
        min_rows=min_rows,
        labels=labels,
        every=all_names,
    )


def _read_array(
    data: object,
    *,
    columns: Sequence[str] | None,
    roles: Roles | None,
    weights: object,
    segments: object,
    where: str,
    min_rows: int,
    labels: Mapping[str, Sequence[str]] | None = None,
) -> Table:
    try:
        arr = np.asarray(data)
    except (TypeError, ValueError) as exc:
        msg = f"The 'data' parameter of {where} could not be read as an array: {exc}"
        raise InputError(msg) from exc
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        msg = (
            f"The 'data' parameter of {where} must be 1-D or 2-D "
            f"(respondents x items). Got shape {arr.shape} instead."
        )
        raise InputError(msg)
    if columns is None:
        names = [f"x{i}" for i in range(arr.shape[1])]
    else:
        names = _as_names(columns, "columns", where)
        if len(names) != arr.shape[1]:
            msg = (
                f"The 'columns' parameter of {where} names {len(names)} "
                f"column(s) but 'data' has {arr.shape[1]}."
            )
            raise InputError(msg)
    if not _numeric_dtype(arr.dtype):
        msg = (
            f"The 'data' parameter of {where} must hold real numbers. "
            f"Got an array of dtype {arr.dtype} instead."
        )
        raise InputError(msg)
    for param, col in (("weights", weights), ("segments", segments)):
        if isinstance(col, str):
            msg = (
                f"The '{param}' parameter of {where} names column {col!r}, but "
                "'data' is an array: pass the values themselves, or a frame."
            )
            raise InputError(msg)
    return _finish_rows(
        names,
        lambda c: arr[:, names.index(c)],
        _array_matrix(arr, names, where),
        int(arr.shape[0]),
        roles=roles,
        weights=weights,
        segments=segments,
        where=where,
        backend=None,
        min_rows=min_rows,
        labels=labels,
    )
