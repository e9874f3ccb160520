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

import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError
from ._checks import (
    as_names,
    check_lazy,
    check_magnitude,
    check_unique,
    check_weights,
    label_array,
    not_numeric,
)
from ._table import Kind, Table

__all__ = ["read"]

Roles = Mapping[str, "str | Sequence[str] | None"]

_KIND_WORDS = {
    "rows": "rows (an array, a mapping of columns or a dataframe)",
    "lazy": "a lazy frame",
    "moments": "Moments",
    "counts": "CategoryCounts",
}


@dataclass(frozen=True)
class _Request:
    """What the caller asked :func:`read` for, handed whole to each reader."""

    where: str
    columns: Sequence[str] | None
    roles: Roles | None
    weights: object
    segments: object
    labels: Mapping[str, Sequence[str]] | None
    accept: Collection[Kind]
    min_rows: int

    def weights_and_segments(self) -> tuple[tuple[str, object], ...]:
        """Return the two per-row parameters, by name."""
        return (("weights", self.weights), ("segments", self.segments))

    def named_columns(self) -> dict[str, str]:
        """Return the per-row parameters given as a column name."""
        return {p: v for p, v in self.weights_and_segments() if isinstance(v, str)}

    def refuse(self, kind: Kind) -> None:
        """Raise unless the function accepts this kind of input."""
        if kind not in self.accept:
            allowed = " or ".join(_KIND_WORDS[k] for k in self.accept)
            msg = (
                f"The 'data' parameter of {self.where} must be {allowed}. "
                f"Got {_KIND_WORDS[kind]} instead."
            )
            raise InputError(msg)


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


def _check_known(
    param: str,
    chosen: Sequence[str],
    present: Collection[str],
    shown: Sequence[str],
    where: str,
) -> None:
    """Refuse column names in ``chosen`` that 'data' does not have."""
    have = set(present)
    unknown = [c for c in chosen if c not in have]
    if unknown:
        msg = (
            f"The '{param}' parameter of {where} names column(s) {unknown} "
            f"that 'data' does not have. Available columns: {list(shown)}."
        )
        raise InputError(msg)


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
    for role, value in roles.items():
        if value is None:
            out[role] = rest
            continue
        names = as_names(value, role, where)
        _check_known(role, names, available, available, where)
        out[role] = tuple(names)
    return out


def _needed(roles: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for names in roles.values():
        for n in names:
            seen.setdefault(n)
    return tuple(seen)


def _from_statistics(
    data: Any,  # noqa: ANN401 - Moments or CategoryCounts
    kind: Kind,
    req: _Request,
) -> Table:
    req.refuse(kind)
    for param, value in req.weights_and_segments():
        if value is not None:
            msg = (
                f"The '{param}' parameter of {req.where} cannot be used when "
                f"'data' is {_KIND_WORDS[kind]}: compute the statistics with "
                f"{param} instead."
            )
            raise InputError(msg)
    cols = tuple(str(c) for c in data.columns)
    resolved = _resolve_roles(req.roles, cols, (), req.where)
    return Table(
        kind=kind,
        columns=_needed(resolved),
        roles=resolved,
        where=req.where,
        statistics=data,
        backend=getattr(data, "_backend", None),
    )


def _from_lazy(frame: Any, req: _Request) -> Table:  # noqa: ANN401 - LazyFrame
    req.refuse("lazy")
    where = req.where
    names = [str(c) for c in frame.columns]
    check_unique(names, "column names of 'data'", where)
    for param, value in req.weights_and_segments():
        if value is not None and not isinstance(value, str):
            msg = (
                f"The '{param}' parameter of {where} must name a column when "
                f"'data' is a lazy frame. Got {type(value).__name__} instead."
            )
            raise InputError(msg)
    available = _select(names, req.columns, where)
    named = req.named_columns()
    _check_named(named, names, names, where)
    labels = req.labels or {}
    for param, cols in labels.items():
        _check_known(param, cols, set(names), names, where)
    label_cols = [c for cols in labels.values() for c in cols]
    resolved = _resolve_roles(
        req.roles, available, [*named.values(), *label_cols], where
    )
    needed = _needed(resolved)
    _role_overlap(resolved, named, where)
    schema = frame.collect_schema()
    for c in needed:
        _check_frame_dtype(c, schema[c], where)
    keep = list(dict.fromkeys([*needed, *named.values(), *label_cols]))
    bounds = check_lazy(frame, needed, named.get("weights"), where)
    return Table(
        kind="lazy",
        columns=needed,
        roles=resolved,
        where=where,
        lazy=frame.select(*keep),
        weight_column=named.get("weights"),
        segment_column=named.get("segments"),
        label_columns=tuple(dict.fromkeys(label_cols)),
        backend=_backend(frame),
        value_bounds=bounds,
    )


def _check_frame_dtype(column: str, dtype: Any, where: str) -> None:  # noqa: ANN401
    """Refuse a frame column whose narwhals dtype is not real (or boolean)."""
    if (
        not (dtype.is_numeric() or dtype == nw.Boolean)
        or "complex" in str(dtype).lower()
    ):
        not_numeric(column, str(dtype), where)


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
    chosen = as_names(columns, "columns", where)
    _check_known("columns", chosen, names, list(names), where)
    return chosen


def _check_named(
    named: Mapping[str, str],
    present: Collection[str],
    shown: Sequence[str],
    where: str,
) -> None:
    """Refuse a weights or segments column name that 'data' does not have."""
    for param, col in named.items():
        if col not in present:
            msg = (
                f"The '{param}' parameter of {where} names column {col!r} "
                f"that 'data' does not have. Available columns: {list(shown)}."
            )
            raise InputError(msg)


def _role_overlap(
    roles: Mapping[str, tuple[str, ...]], named: Mapping[str, str], where: str
) -> None:
    for param, col in named.items():
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
    req: _Request,
    *,
    backend: str | None,
    every: Sequence[str] | None = None,
) -> Table:
    where, labels, min_rows = req.where, req.labels or {}, req.min_rows
    # weight, segment and label columns may lie outside a 'columns' selection
    present = set(names if every is None else every)
    named = req.named_columns()
    _check_named(named, present, sorted(present), where)
    for param, cols in labels.items():
        _check_known(param, cols, present, list(names), where)
    label_cols = [c for cols in labels.values() for c in cols]
    resolved = _resolve_roles(req.roles, names, [*named.values(), *label_cols], where)
    _role_overlap(resolved, named, where)
    needed = _needed(resolved)
    if n_rows < min_rows:
        msg = (
            f"The 'data' parameter of {where} needs at least {min_rows} row(s). "
            f"Got {n_rows} instead."
        )
        raise InputError(msg)
    if not needed and not labels and req.roles != {}:
        msg = f"The 'data' parameter of {where} has no columns to analyse."
        raise InputError(msg)
    w = None
    if req.weights is not None:
        col = named.get("weights")
        raw_w = req.weights if col is None else getter(col)
        src = "array" if col is None else f"column {col!r}"
        w = check_weights(raw_w, n_rows, where, src)
    seg = None
    if req.segments is not None:
        raw_s = getter(named["segments"]) if "segments" in named else req.segments
        seg = label_array(raw_s, n_rows, where)
    values = matrix(needed)
    bounds = check_magnitude(values, needed, where)
    label_values = {
        c: label_array(getter(c), n_rows, where, param)
        for param, cols in labels.items()
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
        label_columns=tuple(label_values),
        backend=backend,
        value_bounds=bounds,
    )


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

    req = _Request(where, columns, roles, weights, segments, labels, accept, min_rows)
    statistics = isinstance(data, Moments | CategoryCounts)
    in_memory = isinstance(data, np.ndarray | list | tuple | Mapping)
    frame = None if statistics or in_memory else _narwhals(data)
    if labels and statistics:
        msg = f"{where} needs the rows (or a lazy frame) to read label columns."
        raise InputError(msg)
    if isinstance(data, Moments):
        return _from_statistics(data, "moments", req)
    if isinstance(data, CategoryCounts):
        return _from_statistics(data, "counts", req)
    if isinstance(data, Mapping):
        return _read_mapping(data, req)
    if isinstance(frame, nw.LazyFrame):
        return _from_lazy(frame, req)
    if isinstance(frame, nw.DataFrame):
        return _read_frame(frame, req)
    return _read_array(data, req)


def _read_mapping(data: Mapping[Any, Any], req: _Request) -> Table:
    req.refuse("rows")
    where = req.where
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
    names = _select(list(raw), req.columns, where)

    def matrix(cols: Sequence[str]) -> FloatArray:
        for c in cols:
            if raw[c].dtype.kind not in "biuf":
                not_numeric(c, str(raw[c].dtype), where)
        # Column by column into a Fortran-ordered block (contiguous writes),
        # then one transpose copy to the C order the kernels' BLAS wants:
        # several times faster than column_stack of converted copies.
        out = np.empty((n_rows, len(cols)), order="F")
        for j, c in enumerate(cols):
            out[:, j] = raw[c]
        return np.ascontiguousarray(out)

    return _finish_rows(
        names, raw.__getitem__, matrix, n_rows, req, backend=None, every=list(raw)
    )


def _read_frame(frame: Any, req: _Request) -> Table:  # noqa: ANN401 - DataFrame
    req.refuse("rows")
    all_names = [str(c) for c in frame.columns]
    check_unique(all_names, "column names of 'data'", req.where)
    names = _select(all_names, req.columns, req.where)
    schema = frame.schema
    backend = _backend(frame)

    def matrix(cols: Sequence[str]) -> FloatArray:
        for c in cols:
            _check_frame_dtype(c, schema[c], req.where)
        if not cols:
            return np.empty((len(frame), 0))
        if all(schema[c] in (nw.Float64, nw.Float32) for c in cols):
            if backend == "polars":
                # polars keeps each column in its own buffer, so a 2-D block is
                # a copy; made by numpy (huge pages) column by column, it takes
                # a steady 20 ms at 10^6 x 16, where polars' own to_numpy took
                # 12-140 ms as its allocator's state varied (bench/acsi_pls.py)
                block = np.empty((len(frame), len(cols)), order="F")
                for j, c in enumerate(cols):
                    block[:, j] = frame.get_column(c).to_numpy()
                block.flags.writeable = False
                return block
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
        names, getter, matrix, len(frame), req, backend=backend, every=all_names
    )


def _read_array(data: object, req: _Request) -> Table:
    req.refuse("rows")
    where = req.where
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
    if req.columns is None:
        names = [f"x{i}" for i in range(arr.shape[1])]
    else:
        names = as_names(req.columns, "columns", where)
        if len(names) != arr.shape[1]:
            msg = (
                f"The 'columns' parameter of {where} names {len(names)} "
                f"column(s) but 'data' has {arr.shape[1]}."
            )
            raise InputError(msg)
    if arr.dtype.kind not in "biuf":
        msg = (
            f"The 'data' parameter of {where} must hold real numbers. "
            f"Got an array of dtype {arr.dtype} instead."
        )
        raise InputError(msg)
    for param, col in req.named_columns().items():
        msg = (
            f"The '{param}' parameter of {where} names column {col!r}, but "
            "'data' is an array: pass the values themselves, or a frame."
        )
        raise InputError(msg)
    pos = {c: i for i, c in enumerate(names)}

    def matrix(cols: Sequence[str]) -> FloatArray:
        idx = [pos[c] for c in cols]
        if idx == list(range(arr.shape[1])):
            # every column in order: the caller's float64 block itself (a
            # read-only view, as for frames), not a copy of it
            out = np.asarray(arr, dtype=np.float64).view()
            out.flags.writeable = False
            return out
        return np.asarray(arr[:, idx], dtype=np.float64)

    return _finish_rows(
        names, lambda c: arr[:, pos[c]], matrix, int(arr.shape[0]), req, backend=None
    )
