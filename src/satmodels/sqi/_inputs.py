"""Reading the per-period failure counts of the SQI functions (private).

Every SQI function reads one row per period (a day, a week): a count
column per failure type, optionally the opportunities of the period (the
deliveries, packages or calls that could have failed) and a period label
column. They are read once through :func:`satmodels.data.read`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._typing import FloatArray
from .._validation import check_nan_policy
from ..data import read
from ..exceptions import InputError, SatmodelsWarning
from ..stats.moments import MissingReport

if TYPE_CHECKING:
    from ..data._table import Kind

BoolArray = np.ndarray[tuple[int], np.dtype[np.bool_]]

#: Largest count, opportunity or severity weight accepted (and smallest
#: opportunity 1 / LIMIT): beyond it sums of squares of the index overflow.
LIMIT = 1e50

#: The SQI functions need the rows (one per period).
ROWS: tuple[Kind, ...] = ("rows",)

__all__ = ["Periods", "check_positive", "read_periods", "resolve_severity"]


@dataclass(frozen=True, slots=True)
class Periods:
    """The counts of the periods used, in time order."""

    failures: tuple[str, ...]
    counts: FloatArray  # (periods, failure types)
    opportunities: FloatArray | None
    periods: tuple[str, ...]
    missing_report: MissingReport
    backend: str | None


def check_positive(
    value: object, name: str, where: str, *, at_most: float | None = None
) -> float:
    """Check a real option is above 0 (and at most ``at_most`` when given)."""
    number = (
        not isinstance(value, bool)
        and isinstance(value, int | float | np.integer | np.floating)
        and np.isfinite(value)
    )
    v = float(value) if number else float("nan")  # type: ignore[arg-type]
    if not (v > 0 and (at_most is None or v <= at_most)):
        rule = "a finite number > 0" + (
            f" and <= {at_most:g}" if at_most is not None else ""
        )
        msg = (
            f"The '{name}' parameter of {where} must be {rule}. Got {value!r} instead."
        )
        raise InputError(msg)
    return v


def _failure_names(failures: object, severity: object) -> object:
    """``failures`` as given, or the severity mapping's keys when omitted."""
    given = getattr(severity, "severity", severity)
    if failures is None and isinstance(given, Mapping):
        return [str(k) for k in given]
    return failures


def read_periods(
    data: object,
    *,
    where: str,
    failures: object,
    severity: object,
    opportunities: object,
    period: object,
    columns: Sequence[str] | None,
    nan_policy: str,
) -> Periods:
    """Read the count columns (non-negative), opportunities (> 0), labels."""
    check_nan_policy(nan_policy, where, ("omit", "raise"))
    if opportunities is not None and not isinstance(opportunities, str):
        msg = (
            f"The 'opportunities' parameter of {where} must name a column. "
            f"Got {type(opportunities).__name__} instead."
        )
        raise InputError(msg)
    if period is not None and not isinstance(period, str):
        msg = (
            f"The 'period' parameter of {where} must name a column. "
            f"Got {type(period).__name__} instead."
        )
        raise InputError(msg)
    roles: dict[str, Any] = {"failures": _failure_names(failures, severity)}
    if opportunities is not None:
        roles["opportunities"] = [opportunities]
    table = read(
        data,
        where=where,
        columns=columns,
        roles=roles,
        labels={"period": [period]} if period is not None else None,
        accept=ROWS,
    )
    names = tuple(c for c in table.role("failures") if c != opportunities)
    if not names:
        msg = f"The 'failures' parameter of {where} names no count column."
        raise InputError(msg)
    counts = table.matrix(list(names))
    opp = None if opportunities is None else table.column(opportunities)
    n_total = counts.shape[0]
    labels = (
        tuple(str(v) for v in table.labels[period].tolist())
        if period is not None
        else tuple(str(i + 1) for i in range(n_total))
    )
    used_cols = list(names) + ([opportunities] if opportunities is not None else [])
    full = counts if opp is None else np.column_stack([counts, opp])
    holes = np.isnan(full)
    column_missing = {c: int(holes[:, j].sum()) for j, c in enumerate(used_cols)}
    bad_rows: BoolArray = np.asarray(holes.any(axis=1), dtype=bool)
    if bad_rows.any() and nan_policy == "raise":
        r, j = np.argwhere(holes)[0]
        msg = (
            f"The 'data' parameter of {where} has a missing value in column "
            f"{used_cols[j]!r}, row {r + 1} ({int(bad_rows.sum())} such row(s)); "
            "nan_policy='raise'."
        )
        raise InputError(msg)
    keep = ~bad_rows
    if bad_rows.any():
        warnings.warn(
            f"{where}: {int(bad_rows.sum())} period(s) with a missing count or "
            "opportunity were left out (a missing count is not a zero).",
            SatmodelsWarning,
            stacklevel=3,
        )
    counts, labels = (
        counts[keep],
        tuple(x for x, k in zip(labels, keep.tolist(), strict=True) if k),
    )
    opp = None if opp is None else opp[keep]
    if counts.shape[0] == 0:
        msg = (
            f"The 'data' parameter of {where} has no period with every count observed."
        )
        raise InputError(msg)
    _refuse_negative(counts, names, where)
    far = None if opp is None else ~((opp >= 1 / LIMIT) & (opp <= LIMIT))
    if opp is not None and far is not None and far.any():
        r = int(np.flatnonzero(far)[0])
        msg = (
            f"The 'opportunities' parameter of {where} must lie in "
            f"[{1 / LIMIT:g}, {LIMIT:g}]. Got "
            f"{opp[r]!r} in period {labels[r]!r}."
        )
        raise InputError(msg)
    report = MissingReport(
        rows_total=n_total,
        rows_used=int(keep.sum()),
        rows_excluded=int(bad_rows.sum()),
        reasons={"missing value (listwise)": int(bad_rows.sum())}
        if bad_rows.any()
        else {},
        column_missing=column_missing,
        missing="listwise",
    )
    return Periods(names, counts, opp, labels, report, table.backend)


def _refuse_negative(counts: FloatArray, names: Sequence[str], where: str) -> None:
    neg = ~((counts >= 0) & (counts <= LIMIT))
    if neg.any():
        r, j = np.argwhere(neg)[0]
        msg = (
            f"The 'data' parameter of {where} must hold counts in [0, {LIMIT:g}]. Got "
            f"{counts[r, j]!r} in column {names[j]!r}, row {r + 1}."
        )
        raise InputError(msg)


def resolve_severity(
    severity: object, failures: Sequence[str], where: str
) -> FloatArray:
    """Weights per failure type: None (all 1), a mapping, or a SeverityResult."""
    if severity is None:
        return np.ones(len(failures))
    given = getattr(severity, "severity", severity)
    if not isinstance(given, Mapping):
        msg = (
            f"The 'severity' parameter of {where} must map each failure column "
            f"to its weight (or be a SeverityResult). Got {type(severity).__name__}."
        )
        raise InputError(msg)
    keys = {str(k) for k in given}
    missing = [f for f in failures if f not in keys]
    extra = sorted(keys - set(failures))
    if missing or extra:
        msg = (
            f"The 'severity' parameter of {where} must give one weight per failure "
            f"column {list(failures)}. Missing {missing}, not a failure column {extra}."
        )
        raise InputError(msg)
    out = np.empty(len(failures))
    by_name = {str(k): v for k, v in given.items()}
    for j, f in enumerate(failures):
        v = by_name[f]
        ok = (
            not isinstance(v, bool)
            and isinstance(v, int | float | np.integer | np.floating)
            and np.isfinite(float(v))
            and 0 <= float(v) <= LIMIT
        )
        if not ok:
            msg = (
                f"The 'severity' parameter of {where} must give weights in "
                f"[0, {LIMIT:g}]. "
                f"Got {v!r} for {f!r}."
            )
            raise InputError(msg)
        out[j] = float(v)
    if not out.sum() > 0:
        msg = f"The 'severity' parameter of {where} gives every failure weight 0."
        raise InputError(msg)
    return out
