"""What the CSI results share (private).

Every result carries the shared :class:`~satmodels.results._estimates.Estimates`
table; :class:`EstimatedResult` gives the NPS, CSAT, CES, driver, IPA, PRCA
and alpha results ``to_frame`` (the estimates, in the input's backend),
``confidence_interval`` (the stored bounds at the fitted level, or a refit at
another level where the statistic allows) and a summary built from the
table. The CSM, CSI and aggregate results report one headline number with a
normal interval: :func:`headline_interval`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from .._validation import check_confidence_level
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin
from ..results._estimates import Estimates, check_level, concat
from ..results._summary import Summary
from ..stats.intervals import normal_quantile

if TYPE_CHECKING:
    from ..data import Table
    from ..data._table import MomentsNeed
    from ..stats.moments import MissingReport

__all__ = [
    "EstimatedResult",
    "Refit",
    "check_choice",
    "fit_segments",
    "fmt",
    "headline_interval",
    "segment_note",
    "with_segment_rows",
]

#: Rebuild a result's estimates at another confidence level.
Refit = Callable[[float], Estimates]
_R = TypeVar("_R", bound=ResultMixin)


class EstimatedResult(ResultMixin):
    """``to_frame``, ``confidence_interval`` and ``summary`` from ``estimates``.

    Subclasses are frozen dataclasses with the fields ``estimates``,
    ``confidence_level`` and ``_refit`` (a :data:`Refit` or None) and write
    ``_title()`` and ``_notes()``.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        estimates: Estimates
        confidence_level: float
        _refit: Refit | None
        missing_report: MissingReport | None

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the estimates as a long table.

        Parameters
        ----------
        backend : {"pandas", "polars"}, optional
            Default: the library of the input data (pandas otherwise).
        """
        return self.estimates.to_frame(backend)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Interval bounds of every row of ``estimates``.

        Parameters
        ----------
        confidence_level : float, optional
            Default: the fitted level, which returns exactly the stored
            ``estimates.ci_low`` / ``estimates.ci_high``. Another level is
            recomputed from the fitted statistics (Wilson, Feldt, Wald, the
            stored bootstrap replicates).

        Raises
        ------
        InputError
            A level outside (0, 1).
        """
        est = self.estimates
        if confidence_level is None or confidence_level == est.confidence_level:
            return est.confidence_interval()
        where = f"{type(self).__name__}.confidence_interval"
        level = check_level(confidence_level, where)
        if self._refit is None:
            return est.confidence_interval(level)
        return self._refit(level).confidence_interval()

    def _title(self) -> str:
        return type(self).__name__

    def _notes(self) -> tuple[str, ...]:
        return ()

    def summary(self) -> Summary:
        """Return the estimates table and notes as text and HTML."""
        notes = list(self._notes())
        report = getattr(self, "missing_report", None)
        if report is not None and report.rows_excluded:
            notes.append(
                f"{report.rows_excluded} of {report.rows_total} row(s) excluded: "
                + ", ".join(f"{k} {v}" for k, v in report.reasons.items())
                + "."
            )
        return Summary(
            title=self._title(),
            tables=self.estimates.summary().tables,
            notes=tuple(notes),
        )


class _Headline(Protocol):
    """A result with one headline number, its SE and its stored interval."""

    @property
    def confidence_level(self) -> float: ...
    @property
    def se(self) -> float: ...
    @property
    def ci_low(self) -> float: ...
    @property
    def ci_high(self) -> float: ...


def headline_interval(
    result: _Headline,
    centre: float,
    confidence_level: float | None,
    bounds: tuple[float, float] | None = None,
) -> ConfidenceInterval:
    """Return the normal interval of a result's headline ``centre`` (its ``se``).

    The stored ``ci_low`` / ``ci_high`` at the fitted level; at another
    level ``centre -/+ z * se``, clipped to ``bounds`` when given.
    """
    if confidence_level is None or confidence_level == result.confidence_level:
        return ConfidenceInterval(result.ci_low, result.ci_high)
    where = f"{type(result).__name__}.confidence_interval"
    z = normal_quantile(check_confidence_level(confidence_level, where))
    low, high = centre - z * result.se, centre + z * result.se
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return ConfidenceInterval(low, high)


def fit_segments(
    table: Table,
    fit: Callable[[Table, str | None], _R],
    moments: Sequence[MomentsNeed] = (),
) -> _R:
    """Fit ``table``, then each of its segments into the result's ``segments``.

    ``fit(table, segment)`` builds one result (``segment`` None overall).
    ``moments`` names the Moments each fit takes from its table: on a lazy
    engine they are taken for every segment by one grouped aggregation
    (:meth:`~satmodels.data.Table.by_segment`), not one query per segment.
    """
    result = fit(table, None)
    if table.segments is None and table.segment_column is None:
        return result
    parts = {}
    for label, part in table.by_segment(moments).items():  # no comprehension
        parts[label] = fit(part, label)  # frame: one stacklevel for every fit
    return dataclasses.replace(result, segments=parts)  # type: ignore[type-var]


def segment_note(segments: Mapping[str, object] | None) -> str:
    """Return the repr's note of a result's segments ("" without segments)."""
    if segments is None:
        return ""
    if len(segments) <= 5:
        return f", segments={list(segments)}"
    return f", {len(segments)} segments"


def with_segment_rows(overall: Estimates, parts: Mapping[str, Estimates]) -> Estimates:
    """Stack the overall rows and each segment's rows (labelled)."""
    if not parts:
        return overall
    labelled = [
        dataclasses.replace(est, segment=(label,) * len(est))
        for label, est in parts.items()
    ]
    return concat([overall, *labelled])


def fmt(value: float, digits: int = 2) -> str:
    """Format a number for a repr (``nan`` when not finite)."""
    return f"{value:.{digits}f}" if value == value else "nan"  # noqa: PLR0124


def check_choice(value: object, allowed: tuple[str, ...], name: str, where: str) -> str:
    """Refuse an option outside ``allowed``, naming the parameter and value."""
    if not isinstance(value, str) or value not in allowed:
        msg = (
            f"The '{name}' parameter of {where} must be one of {list(allowed)}. "
            f"Got {value!r} instead."
        )
        raise InputError(msg)
    return value
