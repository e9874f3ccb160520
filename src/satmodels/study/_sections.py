"""From model results to the report's tables, headline rows and priorities.

Tables are taken from what every result already offers (docs/conventions.md):
its ``estimates`` table, the tables of its ``summary()`` with their raw
(unformatted) cells, and, for a segmented result, the estimates of each
segment. Nothing is recomputed here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .result import Cell, Headline, Priority, Table

__all__ = ["Candidate", "headline_of", "priorities", "tables_of"]

#: How many points the first screen names to improve first.
N_PRIORITIES = 3

_EST_COLUMNS = (
    "segment",
    "kind",
    "name",
    "estimate",
    "standard_error",
    "statistic",
    "pvalue",
    "ci_low",
    "ci_high",
    "n",
    "interval",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """A point an analysis flags for improvement, before ranking across sources.

    ``order`` sorts candidates within their source (smallest first).
    """

    item: str
    source: str
    reason: str
    importance: float
    performance: float
    order: float
    analysis: str = ""

    def within(self, analysis: str) -> Candidate:
        """Return the same candidate, tagged with its analysis."""
        return dataclasses.replace(self, analysis=analysis)


def cell(value: object) -> Cell:
    """One table cell as a plain Python value (numbers stay numbers)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return str(value)


def _estimate_rows(est: Any, segment: str | None = None) -> list[tuple[Cell, ...]]:  # noqa: ANN401 - an Estimates
    rows: list[tuple[Cell, ...]] = []
    for i in range(len(est.name)):
        seg = segment if segment is not None else est.segment[i]
        rows.append(
            (
                seg,
                est.kind[i],
                est.name[i],
                float(est.estimate[i]),
                float(est.standard_error[i]),
                float(est.statistic[i]),
                float(est.pvalue[i]),
                float(est.ci_low[i]),
                float(est.ci_high[i]),
                float(est.n[i]),
                est.interval[i],
            )
        )
    return rows


def tables_of(
    analysis: str, results: Mapping[str, Any]
) -> tuple[tuple[Table, ...], tuple[str, ...]]:
    """Return the tables and summary notes of one section.

    Parameters
    ----------
    analysis : str
        The section's name (prefix of every table name).
    results : mapping of str to result
        The section's model results, main first.
    """
    out: list[Table] = []
    notes: list[str] = []

    def add(
        title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
    ) -> None:
        out.append(
            Table(
                name=f"{analysis}.{len(out) + 1}",
                title=title,
                columns=tuple(str(c) for c in columns),
                rows=tuple(tuple(cell(v) for v in row) for row in rows),
            )
        )

    for key, res in results.items():
        prefix = "" if key == "main" else f"{key}: "
        summary = res.summary()
        for t in summary.tables:
            add(prefix + (t.title or summary.title), t.header, t.rows)
        notes.extend(summary.notes)
        est = res.estimates
        rows = _estimate_rows(est)
        segments = getattr(res, "segments", None)
        if isinstance(segments, Mapping) and all(s is None for s in est.segment):
            for label, sub in segments.items():
                sub_est = getattr(sub, "estimates", None)
                if sub_est is not None:
                    rows += _estimate_rows(sub_est, str(label))
        pct = f"{100 * est.confidence_level:g}%"
        add(f"{prefix}Estimates ({pct} intervals)", _EST_COLUMNS, rows)
    return tuple(out), tuple(dict.fromkeys(notes))


def headline_of(
    analysis: str,
    result: Any,  # noqa: ANN401 - any model result
    which: tuple[str, str, str, str],
) -> Headline:
    """Return the headline row of ``result``: (label, estimate kind, name, unit)."""
    label, kind, name, unit = which
    est = result.estimates
    for i in range(len(est.name)):
        if est.kind[i] == kind and est.name[i] == name and est.segment[i] is None:
            return Headline(
                analysis=analysis,
                label=label,
                estimate=float(est.estimate[i]),
                ci_low=float(est.ci_low[i]),
                ci_high=float(est.ci_high[i]),
                unit=unit,
                n=float(est.n[i]),
            )
    msg = f"{analysis}: no estimate {kind}/{name} for the headline"
    raise LookupError(msg)


def priorities(candidates: Sequence[Sequence[Candidate]]) -> tuple[Priority, ...]:
    """Merge the sources' candidates: the best of each source in turn.

    Each analysis ranks its own candidates (IPA: the 'concentrate here'
    quadrant by importance; IPMA: drivers by total effect times the distance
    of their performance to 100; Kano: must-be, then one-dimensional
    attributes by their Worse coefficient). The first screen takes the
    first candidate of each analysis in spec order, then the second, and so
    on, skipping an item already named, until it has three.
    """
    chosen: list[Candidate] = []
    seen: set[str] = set()
    depth = max((len(c) for c in candidates), default=0)
    for k in range(depth):
        for source in candidates:
            if k < len(source) and source[k].item not in seen:
                chosen.append(source[k])
                seen.add(source[k].item)
    return tuple(
        Priority(
            rank=r + 1,
            item=c.item,
            analysis=c.analysis,
            source=c.source,
            reason=c.reason,
            importance=c.importance,
            performance=c.performance,
        )
        for r, c in enumerate(chosen[:N_PRIORITIES])
    )
