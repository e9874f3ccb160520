"""Plain-text and HTML rendering of result summaries.

A :class:`Summary` is built by a result's ``summary()`` method and never
printed by the library: ``str(summary)`` gives fixed-width text and
``summary._repr_html_()`` gives an HTML table for notebooks (the shape of
statsmodels' ``iolib/summary.py``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Summary", "SummaryTable", "format_value"]


def format_value(value: object, digits: int = 3) -> str:
    """Format one cell: floats to ``digits`` decimals, NaN as ``nan``."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.{digits}f}"
    try:
        as_float = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if float(as_float).is_integer() and "int" in type(value).__name__:
        return str(int(as_float))
    return format_value(as_float, digits)


@dataclass(frozen=True, slots=True)
class SummaryTable:
    """One titled table of a summary.

    Attributes
    ----------
    title : str
        Caption shown above the table.
    header : tuple of str
        Column names.
    rows : tuple of tuples
        Cell values; floats are formatted with ``digits`` decimals.
    digits : int
        Decimals for float cells.
    """

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    digits: int = 3

    def cells(self) -> list[list[str]]:
        """Return the formatted cells, header first."""
        body = [[format_value(v, self.digits) for v in row] for row in self.rows]
        return [list(self.header), *body]


@dataclass(frozen=True, slots=True)
class Summary:
    """A rendered report of a result: text for terminals, HTML for notebooks.

    Attributes
    ----------
    title : str
        Heading of the report.
    tables : tuple of SummaryTable
        The report's tables, in order.
    notes : tuple of str
        Free-text lines printed after the tables (sources, warnings).
    """

    title: str
    tables: tuple[SummaryTable, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def as_text(self) -> str:
        """Render as fixed-width text."""
        out = [self.title, "=" * len(self.title)]
        for table in self.tables:
            cells = table.cells()
            widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
            out.append("")
            if table.title:
                out.append(table.title)
            rule = "  ".join("-" * w for w in widths)
            out.append(rule)
            for k, row in enumerate(cells):
                first = row[0].ljust(widths[0])
                rest = [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
                out.append("  ".join([first, *rest]).rstrip())
                if k == 0:
                    out.append(rule)
            out.append(rule)
        if self.notes:
            out.append("")
            out.extend(self.notes)
        return "\n".join(out)

    def as_html(self) -> str:
        """Render as HTML (one ``<table>`` per table)."""
        esc = html.escape
        parts = [f"<div class='satmodels-summary'><h4>{esc(self.title)}</h4>"]
        for table in self.tables:
            cells = table.cells()
            parts.append("<table>")
            if table.title:
                parts.append(f"<caption>{esc(table.title)}</caption>")
            head = "".join(f"<th>{esc(c)}</th>" for c in cells[0])
            parts.append(f"<thead><tr>{head}</tr></thead><tbody>")
            parts.extend(
                "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
                for row in cells[1:]
            )
            parts.append("</tbody></table>")
        parts.extend(f"<p>{esc(note)}</p>" for note in self.notes)
        parts.append("</div>")
        return "".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


def table(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    digits: int = 3,
) -> SummaryTable:
    """Build a :class:`SummaryTable` from plain sequences."""
    return SummaryTable(
        title=title,
        header=tuple(header),
        rows=tuple(tuple(r) for r in rows),
        digits=digits,
    )
