"""Turn Kano answers (arrays, mappings, eager or lazy frames) into answer indices.

Only this module touches user containers; it goes through
:mod:`satmodels.data._frames` for dataframes (the one ingestion layer) and hands
int8 answer indices (0-4, 5 = missing) to the kernels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..data._frames import backend_of, is_frame, is_lazy, values_of
from ..exceptions import InputError
from ._kernels import Int8Array, encode_labels, encode_numeric
from ._table import ANSWER_NAMES, KanoAnswers

__all__ = ["Answers", "column_of", "encode", "frame_columns", "matrix_of"]


@dataclass(frozen=True, slots=True)
class Answers:
    """Raw answers of one question side: values (n, p) and column names."""

    values: npt.NDArray[Any]
    columns: tuple[str, ...]
    backend: str | None


def frame_columns(data: object) -> list[str]:
    """Column names of a mapping or an eager frame."""
    if isinstance(data, Mapping):
        return [str(k) for k in data]
    cols = getattr(data, "column_names", None)  # pyarrow's .columns are arrays
    if cols is None:
        cols = getattr(data, "columns", None)
    if cols is None:  # pragma: no cover - every narwhals eager frame has one
        msg = f"cannot read the column names of {type(data).__name__}"
        raise InputError(msg)
    return [str(c) for c in cols]


def column_of(data: object, column: str, *, name: str, where: str) -> npt.NDArray[Any]:
    """One column of a mapping or eager frame as a numpy array of any dtype."""
    if isinstance(data, Mapping):
        if column not in data:
            msg = (
                f"The '{name}' data of {where} has no column {column!r}. "
                f"Available columns: {list(data)}."
            )
            raise InputError(msg)
        return np.asarray(data[column])
    return values_of(data, column, name=name, where=where)


def _is_table_like(data: object) -> bool:
    return isinstance(data, Mapping) or (
        not isinstance(data, np.ndarray | list | tuple) and is_frame(data)
    )


def matrix_of(
    data: object,
    *,
    columns: Sequence[str] | None,
    name: str,
    where: str,
) -> Answers:
    """Return the answers of ``data`` as an (n, p) array with column names."""
    if _is_table_like(data):
        if not isinstance(data, Mapping) and is_lazy(data):
            msg = (
                f"The '{name}' parameter of {where} is a lazy frame; pass the "
                "frame once with pairs=[(functional, dysfunctional), ...] so the "
                "counts are computed on the engine."
            )
            raise InputError(msg)
        cols = list(columns) if columns is not None else frame_columns(data)
        if not cols:
            msg = f"The '{name}' parameter of {where} has no columns."
            raise InputError(msg)
        arrays = [column_of(data, c, name=name, where=where) for c in cols]
        lengths = {a.shape[0] for a in arrays}
        if len(lengths) != 1:
            msg = (
                f"The columns of '{name}' in {where} differ in length: "
                f"{sorted(lengths)}."
            )
            raise InputError(msg)
        values = np.column_stack(arrays) if len(arrays) > 1 else arrays[0][:, None]
        backend = None if isinstance(data, Mapping) else backend_of(data)
        return Answers(values=values, columns=tuple(cols), backend=backend)
    values = np.asarray(data)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        msg = (
            f"The '{name}' parameter of {where} must be 1-D or 2-D "
            f"(respondents x attributes). Got shape {values.shape} instead."
        )
        raise InputError(msg)
    cols_t = tuple(f"attribute_{j + 1}" for j in range(values.shape[1]))
    return Answers(values=values, columns=cols_t, backend=None)


def encode(
    values: npt.NDArray[Any],
    answers: KanoAnswers,
    *,
    side: str,
    attributes: Sequence[str],
    columns: Sequence[str],
    where: str,
) -> Int8Array:
    """Encode one side's answers to indices 0-4 (5 = missing); bad -> InputError.

    The message names the attribute, the column, the row and the value.
    """
    if answers.numeric:
        if values.dtype.kind in "OUSV":
            try:
                values = values.astype(np.float64)
            except (TypeError, ValueError, OverflowError) as exc:
                # OverflowError: a Python int too large for a float
                raise _not_numeric(
                    values, side=side, columns=columns, where=where
                ) from exc
        elif values.dtype.kind == "b":
            values = values.astype(np.int8)
        idx, bad = encode_numeric(values, tuple(float(c) for c in answers.codes))
    else:
        if values.dtype.kind not in "USO":
            values = values.astype(object)
        idx, bad = encode_labels(values, answers.codes)
    if bad is not None:
        row, col = (int(v) for v in np.argwhere(bad)[0])
        value = values[row, col]
        if isinstance(value, np.generic):
            value = value.item()
        msg = (
            f"Attribute {attributes[col]!r} in {where}: the '{side}' answer in row "
            f"{row} (column {columns[col]!r}) is {value!r}, which is not one of "
            f"the answer codes {tuple(answers.codes)!r} "
            f"({', '.join(ANSWER_NAMES)})."
        )
        raise InputError(msg)
    return idx


def _converts(value: object) -> bool:
    """Whether ``float(value)`` works (None counts: it is a missing answer)."""
    if value is None:
        return True
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def _not_numeric(
    values: npt.NDArray[Any], *, side: str, columns: Sequence[str], where: str
) -> InputError:
    """Build the error that names the first entry that is not a number.

    Only called after ``values.astype(np.float64)`` failed; numpy casts each
    object or string entry as ``float()`` does (None to NaN), so such an
    entry exists.
    """
    (row, col), value = next(
        (pos, v) for pos, v in np.ndenumerate(values) if not _converts(v)
    )
    if isinstance(value, np.generic):
        value = value.item()
    msg = (
        f"The {side} answers of {where} must be numeric codes: column "
        f"{columns[col]!r}, row {row} is {value!r}. Pass answers=(...) with "
        "labels to use label codes."
    )
    return InputError(msg)
