"""Ingestion of user data: numpy arrays and dataframes (through narwhals).

This module and :mod:`satmodels.engines._lazy` are the only places that know about
dataframe libraries (DESIGN.md, "One ingestion module"). Eager frames
(pandas, polars, pyarrow, ...) are turned into float64 numpy arrays with their
column names kept; lazy frames (Dask, PySpark, DuckDB, polars LazyFrame) are
recognised here and handed to :mod:`satmodels.engines._lazy`, which lets the engine
compute sufficient statistics instead of collecting rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError

__all__ = [
    "Table",
    "as_table",
    "backend_of",
    "is_lazy",
    "lazy_frame",
    "values_of",
]


@dataclass(frozen=True, slots=True)
class Table:
    """A float64 matrix with its column names and the library it came from.

    Attributes
    ----------
    values : ndarray, shape (n, p)
        The data, float64; missing values are NaN.
    columns : tuple of str
        Column names (``x0``, ``x1``, ... for unnamed arrays).
    backend : {"pandas", "polars"} or None
        Preferred ``to_frame`` backend of results: the input's library when it
        is pandas or polars, otherwise None (pandas).
    """

    values: FloatArray
    columns: tuple[str, ...]
    backend: str | None


def _from_native(data: object) -> Any:  # noqa: ANN401 - narwhals frame or data
    # narwhals >= 2.29 warns on every Dask frame that Dask support will move to
    # a plugin; the call still works, and the warning is not the user's concern.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Dask support is moving out", FutureWarning)
        return nw.from_native(data, pass_through=True)


def is_lazy(data: object) -> bool:
    """Return True if ``data`` is a lazy frame (Dask, PySpark, DuckDB, ...)."""
    if isinstance(data, np.ndarray | list | tuple):
        return False
    return isinstance(_from_native(data), nw.LazyFrame)


def is_frame(data: object) -> bool:
    """Return True if ``data`` is an eager or lazy dataframe narwhals knows."""
    if isinstance(data, np.ndarray | list | tuple):
        return False
    return isinstance(_from_native(data), nw.DataFrame | nw.LazyFrame)


def lazy_frame(data: object) -> nw.LazyFrame[Any]:
    """Return ``data`` as a narwhals LazyFrame (it must be one)."""
    frame = _from_native(data)
    if not isinstance(frame, nw.LazyFrame):  # pragma: no cover - guarded by callers
        msg = f"expected a lazy frame, got {type(data).__name__}"
        raise InputError(msg)
    return frame


def backend_of(data: object) -> str | None:
    """Return "pandas" or "polars" when ``data`` is such a frame, else None."""
    if isinstance(data, np.ndarray | list | tuple):
        return None
    frame = _from_native(data)
    if isinstance(frame, nw.DataFrame | nw.LazyFrame):
        impl = str(frame.implementation).lower()
        for name in ("pandas", "polars"):
            if impl.endswith(name):
                return name
    return None


def _check_columns(
    available: Sequence[str], columns: Sequence[str], name: str, where: str
) -> None:
    missing = [c for c in columns if c not in available]
    if missing:
        msg = (
            f"The '{name}' data of {where} has no column(s) {missing}. "
            f"Available columns: {list(available)}."
        )
        raise InputError(msg)


def as_table(
    data: object,
    *,
    columns: Sequence[str] | None = None,
    name: str = "data",
    where: str = "satmodels",
    allow_lazy: bool = False,
    min_rows: int = 1,
) -> Table:
    """Turn an array or eager dataframe into a :class:`Table`.

    Parameters
    ----------
    data : array_like or dataframe
        A 1-D array (one column), a 2-D array (respondents x items), or a
        dataframe narwhals understands.
    columns : sequence of str, optional
        For frames, the columns to select (default: all). For arrays, names
        for the columns (default ``x0``, ``x1``, ...).
    name : str
        The parameter's name, used in error messages.
    where : str
        The public function's name, used in error messages.
    allow_lazy : bool
        Collect a lazy frame's selected columns instead of raising. Only for
        outputs that are truly per respondent (DESIGN.md).
    min_rows : int
        Fewest rows accepted.

    Raises
    ------
    InputError
        Non-numeric columns, unknown columns, wrong dimension, too few rows.
    """
    if columns is not None and isinstance(columns, str):
        columns = [columns]
    backend = None
    if is_frame(data):
        frame = _from_native(data)
        backend = backend_of(data)
        if isinstance(frame, nw.LazyFrame):
            if not allow_lazy:
                msg = (
                    f"The '{name}' parameter of {where} is a lazy frame; this "
                    "function needs the rows in memory. Collect it first, or "
                    "compute Moments on the engine with Moments.from_data."
                )
                raise InputError(msg)
            frame = frame.select(*(columns or frame.columns)).collect()
        names = list(frame.columns)
        cols = list(columns) if columns is not None else names
        _check_columns(names, cols, name, where)
        schema = frame.schema
        for c in cols:
            dtype = schema[c]
            if not (dtype.is_numeric() or dtype == nw.Boolean):
                msg = (
                    f"Column '{c}' of the '{name}' parameter of {where} must be "
                    f"numeric. Got dtype {dtype} instead."
                )
                raise InputError(msg)
        if not cols:
            values = np.empty((len(frame), 0))
        else:
            selected = frame.select(*(nw.col(c).cast(nw.Float64) for c in cols))
            values = np.asarray(selected.to_numpy(), dtype=np.float64)
        table = Table(
            values=values, columns=tuple(str(c) for c in cols), backend=backend
        )
    else:
        try:
            arr = np.asarray(data, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            msg = (
                f"The '{name}' parameter of {where} must be numeric. "
                f"Could not convert it to numbers: {exc}."
            )
            raise InputError(msg) from exc
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            msg = (
                f"The '{name}' parameter of {where} must be 1-D or 2-D "
                f"(respondents x items). Got shape {arr.shape} instead."
            )
            raise InputError(msg)
        if columns is None:
            cols_t = tuple(f"x{i}" for i in range(arr.shape[1]))
        else:
            cols_t = tuple(str(c) for c in columns)
            if len(cols_t) != arr.shape[1]:
                msg = (
                    f"The 'columns' parameter of {where} names {len(cols_t)} "
                    f"columns but '{name}' has {arr.shape[1]}."
                )
                raise InputError(msg)
        table = Table(values=arr, columns=cols_t, backend=None)
    if table.values.shape[0] < min_rows:
        msg = (
            f"The '{name}' parameter of {where} needs at least {min_rows} row(s). "
            f"Got {table.values.shape[0]} instead."
        )
        raise InputError(msg)
    if table.values.shape[1] == 0:
        msg = f"The '{name}' parameter of {where} has no columns."
        raise InputError(msg)
    return table


def values_of(
    data: object, column: str, *, name: str = "data", where: str = "satmodels"
) -> np.ndarray[Any, Any]:
    """Return one column of an eager frame as a numpy array of any dtype.

    Used for segment labels and weight columns, which need not be float.
    """
    frame = _from_native(data)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.select(column).collect()
    if not isinstance(frame, nw.DataFrame):
        msg = (
            f"The '{name}' parameter of {where} must be a dataframe to select "
            f"column {column!r} by name. Got {type(data).__name__} instead."
        )
        raise InputError(msg)
    _check_columns(frame.columns, [column], name, where)
    return np.asarray(frame.get_column(column).to_numpy())
