"""The study report as one self-contained HTML page.

The page needs nothing else: styles are inline, figures are inline SVG drawn
by :mod:`satmodels.plot` on fresh :class:`matplotlib.figure.Figure` objects
(never pyplot, so no global figure state), there is no script, and a
Content-Security-Policy forbids every network request. The first screen
says what matters: the headline indices with their intervals and up to
three points to improve first; then one section per analysis with a note on
how to read it, its figures and its tables.

Numbers a program may check carry ``data-`` attributes with their exact
value (``repr`` of the float): ``data-headline`` / ``data-estimate`` /
``data-ci-low`` / ``data-ci-high`` on each headline, ``data-priority`` on
each priority, ``data-figure`` / ``data-chart`` on each figure.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..results._summary import format_value
from .result import Figure, StudyResult, Table, headline_text

if TYPE_CHECKING:
    from .result import Section

__all__ = ["render_html", "render_svg"]

_POLAR = frozenset({"radar"})
#: Charts drawn in inches on full-figure axes (equal aspect, no axis).
_DIAGRAMS = frozenset({"path_diagram"})
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE = """
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec;
  --accent: #1f5fa8; --soft: #f0f4f8; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { margin: 0 0 .25rem; font-size: 1.8rem; }
h2 { margin-top: 2.5rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem; }
.meta, .note, figcaption, .warn { color: var(--muted); }
.cards { display: grid; gap: .75rem;
  grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem;
  background: var(--soft); }
.card .label { font-size: .9rem; color: var(--muted); }
.card .value { font-size: 2rem; font-weight: 650; color: var(--accent); }
.card .value small { font-size: 1rem; font-weight: 500; white-space: nowrap; }
.card .ci { font-size: .85rem; color: var(--muted); }
ol.priorities li { margin: .35rem 0; }
.note { border-left: 4px solid var(--accent); padding: .25rem .75rem;
  background: var(--soft); }
figure { margin: 1rem 0; display: inline-block; max-width: 100%;
  vertical-align: top; }
figure svg { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .2rem .6rem; }
th { background: var(--soft); text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
nav ul { columns: 2; }
@media print { details { display: block; } }
"""


def _attr(value: float) -> str:
    return repr(float(value)) if math.isfinite(value) else "nan"


def _chart(name: str) -> Callable[..., Any]:
    """Return the chart function ``satmodels.plot.<name>``."""
    from .. import plot  # noqa: PLC0415

    chart: Callable[..., Any] = getattr(plot, name)
    return chart


def render_svg(figure: Figure) -> str:
    """Draw one figure with ``satmodels.plot.<chart>`` and return inline SVG.

    Raises
    ------
    ImportError
        matplotlib is not installed (the message names the ``plot`` extra).
    """
    from ..plot import require_matplotlib  # noqa: PLC0415

    mpl = require_matplotlib("StudyResult.to_html")
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure as MplFigure  # noqa: PLC0415

    chart = _chart(figure.chart)
    with mpl.rc_context({"svg.hashsalt": figure.name, "svg.fonttype": "path"}):
        if figure.chart in _DIAGRAMS:
            fig = MplFigure(figsize=(6.4, 4.8))
            ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        else:
            fig = MplFigure(figsize=(6.4, 4.8), layout="constrained")
            polar = figure.chart in _POLAR
            ax = fig.add_subplot(projection="polar" if polar else None)
        FigureCanvasAgg(fig)  # a canvas that can measure text (no pyplot)
        chart(figure.result, ax=ax)
        if figure.chart in _DIAGRAMS:
            # drawn in inches: the figure takes the drawing's size, as the
            # chart's own figure does
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            fig.set_size_inches(abs(x1 - x0), abs(y1 - y0))
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    start = svg.find("<svg")
    svg = svg[start:]
    # matplotlib writes ids from its hash: prefix them per figure so several
    # inline SVGs never share an id (clip paths would cross figures).
    prefix = re.sub(r"[^A-Za-z0-9_-]", "_", figure.name) + "-"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(
        r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}{m.group(1)}"', svg
    )
    return svg.strip()


def _table(t: Table) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(c)}</th>" for c in t.columns)
    body = []
    for row in t.rows:
        tds = []
        for v in row:
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            # a statistic not estimated (NaN) reads as a dash, not "nan"
            missing = isinstance(v, float) and not math.isfinite(v)
            text = "\u2013" if missing else format_value(v, 3)
            tds.append(
                f'<td class="num">{esc(text)}</td>' if num else f"<td>{esc(text)}</td>"
            )
        body.append("<tr>" + "".join(tds) + "</tr>")
    return (
        f'<div class="scroll"><table data-table="{esc(t.name)}">'
        f"<caption>{esc(t.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _first_screen(result: StudyResult) -> str:
    esc = html.escape
    pct = f"{100 * result.confidence_level:g}%"
    cards = []
    for h in result.headline:
        value, ci = headline_text(h)
        unit = f" <small>{esc(h.unit)}</small>" if h.unit else ""
        cards.append(
            f'<div class="card" data-headline="{esc(h.analysis)}" '
            f'data-estimate="{_attr(h.estimate)}" data-ci-low="{_attr(h.ci_low)}" '
            f'data-ci-high="{_attr(h.ci_high)}">'
            f'<div class="label">{esc(h.label)}</div>'
            f'<div class="value"><span class="estimate">{esc(value)}</span>{unit}</div>'
            f'<div class="ci">{pct} CI <span class="interval">{esc(ci)}</span></div>'
            "</div>"
        )
    if result.priorities:
        items = "".join(
            f'<li data-priority="{p.rank}" data-item="{esc(p.item)}">'
            f"<strong>{esc(p.item)}</strong> ({esc(p.source)}, "
            f'<a href="#{esc(p.analysis)}">{esc(p.analysis)}</a>): {esc(p.reason)}</li>'
            for p in result.priorities
        )
        prio = f'<ol class="priorities">{items}</ol>'
    else:
        prio = "<p>No IPA, IPMA or Kano analysis in this study flags a point.</p>"
    how = (
        "Taken in turn from each importance-performance analysis (IPA: "
        "important items performing below the centre), each IPMA (drivers "
        "other than the headline index, by total effect times room to 100) "
        "and each Kano analysis (must-be, then one-dimensional attributes)."
    )
    toc = "".join(
        f'<li><a href="#{esc(s.name)}">{esc(s.title)}</a></li>' for s in result.sections
    )
    return (
        '<section id="summary"><h2>What matters</h2>'
        f'<div class="cards">{"".join(cards)}</div>'
        f'<h3>Improve first</h3>{prio}<p class="meta">{how}</p>'
        f"<nav><h3>Sections</h3><ul>{toc}</ul></nav></section>"
    )


def _section(s: Section) -> str:
    esc = html.escape
    figs = "".join(
        f'<figure data-figure="{esc(f.name)}" data-chart="{esc(f.chart)}">'
        f"{render_svg(f)}<figcaption>{esc(f.caption)}</figcaption></figure>"
        for f in s.figures
    )
    notes = "".join(f'<p class="meta">{esc(n)}</p>' for n in s.notes)
    warns = "".join(f'<p class="warn">Warning: {esc(w)}</p>' for w in s.warnings)
    tables = []
    for t in s.tables:
        if t.title.endswith("intervals)"):  # the long estimates tables, folded
            tables.append(
                f"<details><summary>{esc(t.title)}</summary>{_table(t)}</details>"
            )
        else:
            tables.append(_table(t))
    return (
        f'<section id="{esc(s.name)}" data-kind="{esc(s.kind)}">'
        f'<h2>{esc(s.title)}</h2><p class="note">{esc(s.note)}</p>'
        f"{warns}{figs}{''.join(tables)}{notes}</section>"
    )


def render_html(result: StudyResult) -> str:
    """Return the whole report page.

    Raises
    ------
    ImportError
        matplotlib is not installed (``pip install "satmodels[plot]"``).
    """
    from ..plot import require_matplotlib  # noqa: PLC0415

    require_matplotlib("StudyResult.to_html")
    esc = html.escape
    spec = result.spec
    pct = f"{100 * result.confidence_level:g}%"
    meta = [f"{result.n} respondents" if result.n is not None else "lazy data"]
    if spec.weights:
        meta.append(f"weighted by {spec.weights!r}")
    if spec.segments:
        meta.append(f"segments from {spec.segments!r}")
    meta.append(f"{pct} intervals")
    from .._version import __version__  # noqa: PLC0415

    body = "".join(_section(s) for s in result.sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="satmodels {esc(__version__)}">'
        f"<title>{esc(result.title)}</title><style>{_STYLE}</style></head>"
        f"<body><header><h1>{esc(result.title)}</h1>"
        f'<p class="meta">{esc(", ".join(meta))}.</p></header>'
        f"{_first_screen(result)}{body}"
        f'<footer><p class="meta">Made with satmodels {esc(__version__)}.</p>'
        "</footer></body></html>\n"
    )
