"""The result of a study: headline indices, priorities, one section per analysis.

A :class:`StudyResult` holds the model results themselves (``section.results``)
and, for the writers, the same numbers as plain tables (:class:`Table`:
columns and rows of numbers, text and ``None``). ``to_dict()`` follows the
published JSON Schema (``study-result.schema.json``, :func:`result_schema`),
``to_html(path)`` writes one self-contained page and ``to_excel(path)`` one
workbook with a sheet per table.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._version import __version__
from .spec import StudySpec

__all__ = [
    "SCHEMA_VERSION",
    "Cell",
    "Figure",
    "Headline",
    "Priority",
    "Section",
    "StudyResult",
    "Table",
]

#: Version of the JSON shape of :meth:`StudyResult.to_dict` (the schema's).
SCHEMA_VERSION = "1"

#: One table cell: a number, a text, a flag, or None (missing / NaN).
Cell = float | int | str | bool | None


def _json_cell(value: Cell) -> Cell:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """One table of the report: what every writer shows, cell for cell.

    Attributes
    ----------
    name : str
        Identifier, unique in the study (``"<analysis>.<k>"``).
    title : str
        Caption.
    columns : tuple of str
        Column names.
    rows : tuple of tuples
        Cells: float, int, str, bool or None. NaN floats stay NaN here and
        are ``null`` in JSON and empty cells in Excel.
    """

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: numbers as numbers, NaN as None."""
        return {
            "name": self.name,
            "title": self.title,
            "columns": list(self.columns),
            "rows": [[_json_cell(v) for v in row] for row in self.rows],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """A chart of one result, drawn by ``satmodels.plot.<chart>`` when written.

    Attributes
    ----------
    name : str
        Identifier, unique in the study (``"<analysis>.<chart>"``).
    chart : str
        The chart function of :mod:`satmodels.plot`.
    caption : str
        How to read it, in one or two sentences.
    result : object
        The model result drawn.
    """

    name: str
    chart: str
    caption: str
    result: object = field(repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Headline:
    """A headline index with its interval (the first screen of the report)."""

    analysis: str
    label: str
    estimate: float
    ci_low: float
    ci_high: float
    unit: str
    n: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (NaN as None)."""
        return {
            "analysis": self.analysis,
            "label": self.label,
            "estimate": _json_cell(self.estimate),
            "ci_low": _json_cell(self.ci_low),
            "ci_high": _json_cell(self.ci_high),
            "unit": self.unit,
            "n": _json_cell(self.n),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Priority:
    """A point to improve first, with where it comes from and why."""

    rank: int
    item: str
    analysis: str
    source: str
    reason: str
    importance: float
    performance: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (NaN as None)."""
        return {
            "rank": self.rank,
            "item": self.item,
            "analysis": self.analysis,
            "source": self.source,
            "reason": self.reason,
            "importance": _json_cell(self.importance),
            "performance": _json_cell(self.performance),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """One analysis of the study.

    Attributes
    ----------
    name, kind, title : str
        Identifier, analysis kind and heading.
    note : str
        How to read the section, in plain language.
    results : mapping of str to result
        The model results (``"main"``, and e.g. ``"continuous"``, ``"ipma"``).
    tables : tuple of Table
    figures : tuple of Figure
    notes : tuple of str
        The notes of the models' summaries (sources, sample sizes).
    warnings : tuple of str
        Warnings the models gave while fitting.
    """

    name: str
    kind: str
    title: str
    note: str
    results: Mapping[str, object] = field(repr=False)
    tables: tuple[Table, ...]
    figures: tuple[Figure, ...]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def result(self) -> object:
        """The main model result of the section."""
        return self.results["main"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe; the model results travel as their tables."""
        return {
            "name": self.name,
            "kind": self.kind,
            "title": self.title,
            "note": self.note,
            "figures": [
                {"name": f.name, "chart": f.chart, "caption": f.caption}
                for f in self.figures
            ],
            "tables": [t.to_dict() for t in self.tables],
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class StudyResult:
    """Everything :func:`satmodels.study.run` computed.

    Attributes
    ----------
    spec : StudySpec
        The specification that was run.
    n : int or None
        Rows of the data (None for a lazy frame, whose rows are not counted
        here; each section's tables give the rows its models used).
    headline : tuple of Headline
        Headline indices with their intervals, in spec order.
    priorities : tuple of Priority
        Up to three points to improve first (from IPA, IPMA and Kano).
    sections : tuple of Section
        One per analysis, in spec order.
    """

    spec: StudySpec
    n: int | None
    headline: tuple[Headline, ...]
    priorities: tuple[Priority, ...]
    sections: tuple[Section, ...]

    @property
    def title(self) -> str:
        """The study's title."""
        return self.spec.title

    @property
    def confidence_level(self) -> float:
        """The level of every interval of the study."""
        return self.spec.confidence_level

    def section(self, name: str) -> Section:
        """Return the section called ``name``."""
        for s in self.sections:
            if s.name == name:
                return s
        msg = f"No section {name!r}. Have: {[s.name for s in self.sections]}."
        raise KeyError(msg)

    def tables(self) -> tuple[Table, ...]:
        """Every table of the study, headline and priorities first."""
        return (
            self._headline_table(),
            self._priority_table(),
            *(t for s in self.sections for t in s.tables),
        )

    def _headline_table(self) -> Table:
        pct = f"{100 * self.confidence_level:g}%"
        return Table(
            name="headline",
            title=f"Headline indices ({pct} intervals)",
            columns=("analysis", "label", "estimate", "ci_low", "ci_high", "unit", "n"),
            rows=tuple(
                (h.analysis, h.label, h.estimate, h.ci_low, h.ci_high, h.unit, h.n)
                for h in self.headline
            ),
        )

    def _priority_table(self) -> Table:
        return Table(
            name="priorities",
            title="Improve first",
            columns=(
                "rank",
                "item",
                "analysis",
                "source",
                "importance",
                "performance",
                "reason",
            ),
            rows=tuple(
                (
                    p.rank,
                    p.item,
                    p.analysis,
                    p.source,
                    p.importance,
                    p.performance,
                    p.reason,
                )
                for p in self.priorities
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the study as JSON-safe data following the published schema.

        Numbers are JSON numbers and NaN is ``null``; the shape is
        ``study-result.schema.json`` (:func:`satmodels.study.result_schema`).
        """
        return {
            "schema_version": SCHEMA_VERSION,
            "satmodels_version": __version__,
            "title": self.title,
            "n": self.n,
            "confidence_level": self.confidence_level,
            "spec": self.spec.model_dump(mode="json"),
            "headline": [h.to_dict() for h in self.headline],
            "priorities": [p.to_dict() for p in self.priorities],
            "sections": [s.to_dict() for s in self.sections],
        }

    def to_json(self, path: str | Path | None = None, *, indent: int = 2) -> str:
        """Return (and write to ``path``, when given) the JSON of :meth:`to_dict`."""
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_html(self, path: str | Path | None = None) -> str:
        """Return (and write to ``path``) the report as one self-contained page.

        Figures are inline SVG drawn by :mod:`satmodels.plot`; the page loads
        nothing from the network and needs no JavaScript.

        Raises
        ------
        ImportError
            matplotlib is not installed (``pip install "satmodels[plot]"``).
        """
        from ._html import render_html  # noqa: PLC0415 - matplotlib on demand

        text = render_html(self)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_excel(self, path: str | Path) -> None:
        """Write every table on its own sheet of an .xlsx workbook.

        Raises
        ------
        ImportError
            openpyxl is not installed (``pip install "satmodels[report]"``).
        """
        from ._excel import write_excel  # noqa: PLC0415 - openpyxl on demand

        write_excel(self, path)

    def what_to_look_at(self) -> str:
        """Return a few lines of text: the headline indices, what to improve first."""
        pct = f"{100 * self.confidence_level:g}%"
        n = "unknown" if self.n is None else self.n
        lines = [f"What to look at ({self.title}, n = {n}):"]
        for h in self.headline:
            value, ci = headline_text(h)
            lines.append(
                f"  {h.label}: {value} {h.unit}".rstrip() + f" ({pct} CI {ci})"
            )
        if self.priorities:
            lines.append("Improve first:")
            lines.extend(
                f"  {p.rank}. {p.item} ({p.source}): {p.reason}"
                for p in self.priorities
            )
        else:
            lines.append("Improve first: no IPA, IPMA or Kano analysis flags a point.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        heads = ", ".join(f"{h.label}={fmt(h.estimate)}" for h in self.headline)
        return (
            f"StudyResult({self.title!r}, n={self.n}, "
            f"{len(self.sections)} sections; {heads})"
        )


def headline_text(h: Headline) -> tuple[str, str]:
    """Return the displayed value and interval of a headline (page and text alike).

    Three decimals below 2 in absolute value (ratios, gaps), two below 10,
    one otherwise (indices on 0-100, percentages).
    """
    size = abs(h.estimate) if math.isfinite(h.estimate) else 100.0
    digits = 3 if size < 2 else 2 if size < 10 else 1
    value = fmt(h.estimate, digits)
    ci = f"{fmt(h.ci_low, digits)} to {fmt(h.ci_high, digits)}"
    return value, ci


def fmt(value: float, digits: int = 1) -> str:
    """Format a number of the report's text: fixed decimals, NaN as n/a."""
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.{digits}f}"
