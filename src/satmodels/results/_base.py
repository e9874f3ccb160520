"""Shared pieces of result objects: intervals, JSON conversion, tidy frames.

Results are frozen stdlib dataclasses (STYLE.md section 1). They mix in
:class:`ResultMixin`, which supplies ``to_dict()`` (JSON-safe),
``to_frame(backend=...)`` (a long table built from ``_records()``) and the
notebook hook ``_repr_html_``; each result writes its own ``summary()`` and
``_records()``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np

from ..exceptions import InputError

if TYPE_CHECKING:
    from ._estimates import Estimates
    from ._summary import Summary

__all__ = [
    "ConfidenceInterval",
    "EstimatesResult",
    "ResultMixin",
    "jsonable",
    "records_to_frame",
]


class ConfidenceInterval(NamedTuple):
    """Lower and upper bounds of a confidence interval (scipy's shape)."""

    low: Any
    high: Any


def jsonable(value: object) -> Any:  # noqa: ANN401 - recursive JSON value
    """Convert ``value`` to something :func:`json.dumps` accepts.

    NumPy arrays become (nested) lists, NumPy scalars Python scalars, NaN and
    infinities ``None``, tuples lists, mappings dicts with string keys, and
    dataclasses (results) their ``to_dict()`` or field dictionary.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            return to_dict()
        return {
            f.name: jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.name.startswith("_")
        }
    if isinstance(value, Sequence):
        return [jsonable(v) for v in value]
    return str(value)


def records_to_frame(
    records: Sequence[Mapping[str, object]],
    backend: str | None = None,
) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
    """Build a pandas (default) or polars DataFrame from a list of records."""
    chosen = backend or "pandas"
    rows = [
        {k: jsonable(v) if isinstance(v, np.generic) else v for k, v in r.items()}
        for r in records
    ]
    if chosen == "pandas":
        import pandas as pd  # noqa: PLC0415 - optional dependency

        return pd.DataFrame.from_records(rows)
    if chosen == "polars":
        import polars as pl  # noqa: PLC0415 - optional dependency

        return pl.DataFrame(rows, infer_schema_length=None)
    msg = (
        "The 'backend' parameter of to_frame must be 'pandas' or 'polars'. "
        f"Got {backend!r} instead."
    )
    raise InputError(msg)


class ResultMixin:
    """``to_dict``, ``to_frame`` and ``_repr_html_`` for result dataclasses."""

    __slots__ = ()

    def _records(self) -> list[dict[str, object]]:
        """Long/tidy rows of the result (one estimate per row)."""
        raise NotImplementedError

    def summary(self) -> Summary:
        """Return a printable :class:`~satmodels.results._summary.Summary`."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Return the public fields as a JSON-safe dictionary."""
        return {
            f.name: jsonable(getattr(self, f.name))
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if not f.name.startswith("_")
        }

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the result as a long (tidy) table.

        Parameters
        ----------
        backend : {"pandas", "polars"}, optional
            Frame library; pandas when omitted. It is imported on demand.
        """
        default = getattr(self, "_backend", None)
        return records_to_frame(self._records(), backend or default)

    def _repr_html_(self) -> str:
        return self.summary().as_html()


class EstimatesResult(ResultMixin):
    """A result whose rows are its ``estimates`` table.

    ``confidence_interval`` and the tidy rows of ``to_frame`` come from the
    table; subclasses are dataclasses with an ``estimates`` field.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        estimates: Estimates

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Return the bounds of every row of ``estimates`` (fitted level default)."""
        return self.estimates.confidence_interval(confidence_level)

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()
