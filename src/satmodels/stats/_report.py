"""The missing-data account of a statistic: rows read, used, excluded and why."""

from __future__ import annotations

from dataclasses import dataclass

from .._tally import summed
from ..results._base import ResultMixin
from ..results._summary import Summary, table

__all__ = ["MissingReport"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MissingReport(ResultMixin):
    """Which rows and cells a statistic used, and which it excluded and why.

    Attributes
    ----------
    rows_total : int
        Rows in the input.
    rows_used : int
        Rows that contributed to at least one statistic (listwise: rows with
        every selected column observed and a positive weight).
    rows_excluded : int
        ``rows_total - rows_used``.
    reasons : dict of str to int
        Excluded rows by reason, e.g. ``{"missing value (listwise)": 12}``.
    column_missing : dict of str to int
        Missing (NaN/null) cells per column.
    missing : {"listwise", "pairwise", "em", "fiml"}
        The missing-data method (``"fiml"``: the model was fitted to the
        observed answers; nothing was filled in).
    cells_imputed : int
        With ``missing="em"``: missing cells of the rows used whose expected
        values (given the row's observed answers) entered the sufficient
        statistics; 0 otherwise.
    """

    rows_total: int
    rows_used: int
    rows_excluded: int
    reasons: dict[str, int]
    column_missing: dict[str, int]
    missing: str
    cells_imputed: int = 0

    def merge(self, other: MissingReport) -> MissingReport:
        """Sum two reports (of disjoint parts of one data set)."""
        return MissingReport(
            rows_total=self.rows_total + other.rows_total,
            rows_used=self.rows_used + other.rows_used,
            rows_excluded=self.rows_excluded + other.rows_excluded,
            reasons=summed(self.reasons, other.reasons),
            column_missing=summed(self.column_missing, other.column_missing),
            missing=self.missing,
            cells_imputed=self.cells_imputed + other.cells_imputed,
        )

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = [
            {"item": "rows_total", "count": self.rows_total},
            {"item": "rows_used", "count": self.rows_used},
            {"item": "rows_excluded", "count": self.rows_excluded},
        ]
        rows += [
            {"item": f"excluded: {k}", "count": v} for k, v in self.reasons.items()
        ]
        rows += [
            {"item": f"missing cells: {k}", "count": v}
            for k, v in self.column_missing.items()
        ]
        if self.missing == "em":
            rows.append({"item": "cells imputed (EM)", "count": self.cells_imputed})
        return rows

    def summary(self) -> Summary:
        """Return a printable summary of the missing-data account."""
        rows = [(r["item"], r["count"]) for r in self._records()]
        return Summary(
            title=f"Missing data ({self.missing})",
            tables=(table("", ("", "count"), rows),),
        )
