"""Reading survey files for the command line: CSV (stdlib) and Parquet.

CSV needs nothing beyond the standard library; Parquet uses pyarrow or polars
when one is installed. Only the requested columns are converted to numbers;
a cell that is not a number is an :class:`InputError` naming column and row.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError

__all__ = ["read_columns"]

_MISSING = frozenset({"", "na", "nan", "null", "none"})


def read_columns(path: str | Path, columns: Sequence[str]) -> dict[str, FloatArray]:
    """Read the named numeric columns of a CSV or Parquet file.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (comma-separated, header row) or ``.parquet`` file.
    columns : sequence of str
        Columns to read; empty cells and NA/NaN/null are missing (NaN).

    Returns
    -------
    dict of str to ndarray
        One float64 array per requested column.

    Raises
    ------
    InputError
        Missing file, unknown format or column, or a non-numeric cell.
    """
    p = Path(path)
    if not p.is_file():
        msg = f"File not found: {str(p)!r}."
        raise InputError(msg)
    suffix = p.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return _read_parquet(p, columns)
    if suffix not in (".csv", ".txt"):
        msg = f"Unknown file type {suffix!r} of {p.name!r}; use .csv or .parquet."
        raise InputError(msg)
    with p.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            msg = f"The file {p.name!r} is empty."
            raise InputError(msg) from None
        unknown = [c for c in columns if c not in header]
        if unknown:
            msg = f"The file {p.name!r} has no column(s) {unknown}; it has {header}."
            raise InputError(msg)
        idx = [header.index(c) for c in columns]
        values: list[list[float]] = [[] for _ in columns]
        for row_no, row in enumerate(reader):
            for k, i in enumerate(idx):
                cell = row[i].strip() if i < len(row) else ""
                if cell.lower() in _MISSING:
                    values[k].append(np.nan)
                    continue
                try:
                    values[k].append(float(cell))
                except ValueError:
                    msg = (
                        f"Column {columns[k]!r} of {p.name!r} must be numeric; "
                        f"row {row_no} holds {cell!r}."
                    )
                    raise InputError(msg) from None
    return {
        c: np.asarray(v, dtype=np.float64) for c, v in zip(columns, values, strict=True)
    }


def _read_parquet(p: Path, columns: Sequence[str]) -> dict[str, FloatArray]:
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415 - optional dependency
    except ImportError:  # pragma: no cover - pyarrow is in the test extra
        msg = "Reading Parquet needs pyarrow: pip install pyarrow."
        raise InputError(msg) from None
    schema_names = pq.read_schema(p).names
    unknown = [c for c in columns if c not in schema_names]
    if unknown:
        msg = f"The file {p.name!r} has no column(s) {unknown}; it has {schema_names}."
        raise InputError(msg)
    tab = pq.read_table(p, columns=list(columns))
    out: dict[str, FloatArray] = {}
    for c in columns:
        try:
            out[c] = np.asarray(
                tab.column(c).to_numpy(zero_copy_only=False), dtype=np.float64
            )
        except (TypeError, ValueError) as exc:
            msg = f"Column {c!r} of {p.name!r} must be numeric."
            raise InputError(msg) from exc
    return out
