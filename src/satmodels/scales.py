r"""Answer scales: Likert ranges, level scales (CSM), rescaling to 0-100.

A :class:`Scale` is validated data (a frozen pydantic model): either an
integer Likert range (``Scale.likert(1, 7)``), a set of scored levels with
labels (the CSM seven-level scale -90 ... 90, the five-level 100/80/60/30/0
scale, or any user-defined one), or a continuous interval.

Rescaling to 0-100 is the linear map

.. math:: y = \frac{x - \min}{\max - \min} \times 100,

as used for the ACSI indices (Fornell et al. 1996 [1]_, p. 10) where min and max
come from the declared scale, never from the data.

References
----------
.. [1] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E.
   (1996). The American Customer Satisfaction Index: nature, purpose, and
   findings. Journal of Marketing, 60(4), 7-18.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from ._typing import FloatArray
from ._validation import FrozenModel, validated
from .exceptions import InputError

__all__ = [
    "CSM_SEVEN",
    "FIVE_LEVEL",
    "Scale",
    "as_scale",
    "check_answered",
    "observed_scale",
]


def _as_matrix(x: object) -> FloatArray:
    """Answers as a float matrix (n, p); a 1-D array is one column."""
    arr = np.asarray(x, dtype=np.float64)
    return arr[:, None] if arr.ndim == 1 else arr


def _refuse_first(
    bad: np.ndarray[tuple[int, ...], np.dtype[np.bool_]],
    mat: FloatArray,
    *,
    columns: Sequence[str] | None,
    name: str,
    where: str,
    what: str,
    show_value: bool = True,
) -> None:
    """Raise :class:`InputError` naming the first flagged cell of ``mat``.

    The message names the parameter ``name`` of ``where``, counts the flagged
    cells as ``what`` and gives the column (its name when ``columns`` is
    given) and the 1-based row (docs/conventions.md) of the first one.
    """
    if not bad.any():
        return
    row, col = (int(v) for v in np.argwhere(bad)[0])
    label = columns[col] if columns is not None else f"column {col}"
    value = f": {float(mat[row, col])!r}" if show_value else ""
    msg = (
        f"The '{name}' parameter of {where} has {int(bad.sum())} {what}; first "
        f"in column '{label}', row {row + 1}{value}."
    )
    raise InputError(msg)


class Scale(FrozenModel):
    """A declared answer scale.

    Attributes
    ----------
    kind : {"likert", "levels", "interval"}
        ``likert``: every integer from ``minimum`` to ``maximum``;
        ``levels``: only the listed ``values``; ``interval``: any real number
        in ``[minimum, maximum]``.
    minimum, maximum : float
        Ends of the scale (used for rescaling to 0-100).
    values : tuple of float, optional
        The allowed answers of a ``levels`` scale, ascending.
    labels : tuple of str, optional
        One label per value (``levels``) or per integer point (``likert``).
    name : str
        A short name shown in reports.

    Examples
    --------
    >>> from satmodels import Scale, CSM_SEVEN
    >>> Scale.likert(1, 10).rescale([1.0, 5.5, 10.0]).tolist()
    [0.0, 50.0, 100.0]
    >>> CSM_SEVEN.label(60)
    'satisfied'
    """

    kind: Literal["likert", "levels", "interval"]
    minimum: float
    maximum: float
    values: tuple[float, ...] | None = None
    labels: tuple[str, ...] | None = None
    name: str = Field(default="scale", min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Scale:
        if self.kind == "levels":
            if not self.values or len(self.values) < 2:
                msg = "a 'levels' scale needs at least two values"
                raise ValueError(msg)
            if any(b <= a for a, b in zip(self.values, self.values[1:], strict=False)):
                msg = f"values must be strictly ascending, got {self.values}"
                raise ValueError(msg)
            if self.values[0] != self.minimum or self.values[-1] != self.maximum:
                msg = "minimum and maximum must equal the first and last value"
                raise ValueError(msg)
        if not np.isfinite(self.minimum) or not np.isfinite(self.maximum):
            msg = "minimum and maximum must be finite"
            raise ValueError(msg)
        if self.maximum <= self.minimum:
            msg = (
                f"maximum ({self.maximum}) must be greater than minimum "
                f"({self.minimum})"
            )
            raise ValueError(msg)
        if self.kind == "likert":
            if not (
                float(self.minimum).is_integer() and float(self.maximum).is_integer()
            ):
                msg = "a Likert scale has integer ends"
                raise ValueError(msg)
            if self.values is not None:
                msg = "a Likert scale takes no explicit values"
                raise ValueError(msg)
        elif self.kind == "interval" and self.values is not None:
            msg = "an interval scale takes no explicit values"
            raise ValueError(msg)
        if self.labels is not None:
            n_points = len(self.points()) if self.kind != "interval" else None
            if n_points is None or len(self.labels) != n_points:
                msg = (
                    f"labels must have one entry per scale point ({n_points}), "
                    f"got {len(self.labels)}"
                )
                raise ValueError(msg)
        return self

    # -- constructors -------------------------------------------------------
    @classmethod
    def likert(
        cls, low: int = 1, high: int = 5, *, labels: Sequence[str] | None = None
    ) -> Scale:
        """Integer Likert scale from ``low`` to ``high`` inclusive."""
        return validated(
            cls,
            "Scale.likert",
            kind="likert",
            minimum=low,
            maximum=high,
            labels=None if labels is None else tuple(labels),
            name=f"likert {low}-{high}",
        )

    @classmethod
    def levels(
        cls,
        values: Sequence[float],
        *,
        labels: Sequence[str] | None = None,
        name: str = "levels",
    ) -> Scale:
        """Scale of scored levels (ascending), optionally labelled."""
        vals = tuple(float(v) for v in values)
        return validated(
            cls,
            "Scale.levels",
            kind="levels",
            minimum=vals[0] if vals else 0.0,
            maximum=vals[-1] if vals else 0.0,
            values=vals,
            labels=None if labels is None else tuple(labels),
            name=name,
        )

    @classmethod
    def interval(cls, low: float, high: float, *, name: str = "interval") -> Scale:
        """Continuous scale: any real answer in ``[low, high]``."""
        return validated(
            cls, "Scale.interval", kind="interval", minimum=low, maximum=high, name=name
        )

    # -- behaviour ----------------------------------------------------------
    def points(self) -> tuple[float, ...]:
        """Return the allowed answers of a discrete scale (empty for an interval)."""
        if self.kind == "levels":
            assert self.values is not None  # noqa: S101 - guaranteed by validator
            return self.values
        if self.kind == "likert":
            return tuple(
                float(v) for v in range(int(self.minimum), int(self.maximum) + 1)
            )
        return ()

    def rescale(self, x: object) -> FloatArray:
        """Map answers linearly to 0-100: ``(x - min) / (max - min) * 100``."""
        arr = np.asarray(x, dtype=np.float64)
        return (arr - self.minimum) / (self.maximum - self.minimum) * 100.0

    def invalid_mask(
        self, x: object
    ) -> np.ndarray[tuple[int, ...], np.dtype[np.bool_]]:
        """Boolean mask of finite answers that are not on the scale (NaN: False)."""
        arr = np.asarray(x, dtype=np.float64)
        finite = np.isfinite(arr)
        if self.kind == "interval":
            bad = (arr < self.minimum) | (arr > self.maximum)
        elif self.kind == "likert":  # range plus whole-number check, no set lookup
            bad = (arr < self.minimum) | (arr > self.maximum) | (np.floor(arr) != arr)
        else:
            pts = np.asarray(self.points())
            bad = ~np.isin(arr, pts)
        return bad & finite | np.isinf(arr)

    def check(
        self,
        x: object,
        *,
        columns: Sequence[str] | None = None,
        name: str = "data",
        where: str = "satmodels",
    ) -> None:
        """Raise :class:`InputError` naming the first answer not on the scale.

        Parameters
        ----------
        x : array_like, shape (n,) or (n, p)
            Answers; NaN (missing) is not checked here.
        columns : sequence of str, optional
            Column names used in the message.
        name, where : str
            Parameter and function names used in the message.

        Raises
        ------
        InputError
            Naming the parameter, the scale, the column and the 1-based row
            (docs/conventions.md) of the first off-scale answer.
        """
        mat = _as_matrix(x)
        _refuse_first(
            self.invalid_mask(mat),
            mat,
            columns=columns,
            name=name,
            where=where,
            what=f"answer(s) outside the {self.describe()} scale",
        )

    def describe(self) -> str:
        """Short text such as ``1..7`` or ``{-90, -60, ..., 90}``."""
        if self.kind == "likert":
            return f"{int(self.minimum)}..{int(self.maximum)} ({self.name})"
        if self.kind == "levels":
            vals = ", ".join(f"{v:g}" for v in self.points())
            return f"{{{vals}}} ({self.name})"
        return f"[{self.minimum:g}, {self.maximum:g}] ({self.name})"

    def label(self, value: float) -> str:
        """Label of the scale point nearest to ``value`` (a mean, say)."""
        if self.labels is None:
            msg = f"The scale {self.name!r} has no labels."
            raise InputError(msg)
        if not np.isfinite(value):
            msg = f"The 'value' parameter of Scale.label must be finite. Got {value!r}."
            raise InputError(msg)
        pts = np.asarray(self.points())
        return self.labels[int(np.argmin(np.abs(pts - value)))]


#: The CSM seven-level scale of the founding documents (MISSION.md section 2).
CSM_SEVEN: Scale = Scale.levels(
    (-90, -60, -30, 0, 30, 60, 90),
    labels=(
        "very dissatisfied",
        "dissatisfied",
        "somewhat dissatisfied",
        "acceptable",
        "fairly satisfied",
        "satisfied",
        "very satisfied",
    ),
    name="CSM seven-level",
)

#: The five-level 100/80/60/30/0 scoring seen in the same textbooks.
FIVE_LEVEL: Scale = Scale.levels(
    (0, 30, 60, 80, 100),
    labels=(
        "very dissatisfied",
        "dissatisfied",
        "neutral",
        "satisfied",
        "very satisfied",
    ),
    name="five-level 100/80/60/30/0",
)


def as_scale(scale: object, where: str, name: str = "scale") -> Scale | None:
    """Read a ``scale`` argument: a :class:`Scale`, a ``(min, max)`` pair or None.

    A ``(min, max)`` pair means ``Scale.interval(min, max)`` everywhere in
    the library (docs/conventions.md): any real answer in ``[min, max]``.

    Raises
    ------
    InputError
        Anything else, naming the parameter ``name`` of ``where``.
    """
    if scale is None or isinstance(scale, Scale):
        return scale
    if isinstance(scale, tuple | list) and len(scale) == 2:
        try:
            lo, hi = (float(v) for v in scale)
        except (TypeError, ValueError):
            lo = hi = float("nan")
        if np.isfinite(lo) and np.isfinite(hi) and hi > lo:
            return Scale.interval(lo, hi)
    msg = (
        f"The '{name}' parameter of {where} must be a Scale or a (min, max) "
        f"pair with max > min. Got {scale!r} instead."
    )
    raise InputError(msg)


def observed_scale(values: FloatArray, where: str) -> Scale:
    """Return the interval from the observed minimum to maximum.

    Used where an index needs a scale and the caller gave none; results say
    so in their ``scale`` field and summary (docs/conventions.md).

    Raises
    ------
    InputError
        No finite value, or all values equal (no range to rescale over).
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0 or float(finite.min()) == float(finite.max()):
        msg = (
            f"{where} needs an answer scale for its 0-100 index and none was "
            "given; the observed answers have no range to use instead. Pass "
            "'scale' (a Scale or a (min, max) pair)."
        )
        raise InputError(msg)
    return Scale.interval(
        float(finite.min()), float(finite.max()), name="observed min-max"
    )


def check_answered(
    x: object,
    *,
    columns: Sequence[str] | None = None,
    name: str = "data",
    where: str = "satmodels",
) -> None:
    """``nan_policy="raise"``: refuse a missing answer, naming column and row.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, p)
        Answers; NaN marks a missing one.
    columns : sequence of str, optional
        Column names used in the message.
    name, where : str
        Parameter and function names used in the message.

    Raises
    ------
    InputError
        Naming the parameter, the column and the 1-based row of the first
        missing answer.
    """
    mat = _as_matrix(x)
    _refuse_first(
        np.isnan(mat),
        mat,
        columns=columns,
        name=name,
        where=where,
        what="missing value(s) and nan_policy='raise'",
        show_value=False,
    )
