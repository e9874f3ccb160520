"""The ACSI/ECSI path diagram, drawn with matplotlib alone.

Layout (``_pathlayout``, a layered drawing after Sugiyama, Tagawa & Toda
1981): each latent
sits in the column of its topological depth (the longest chain of paths
leading to it); a path spanning several columns passes through a virtual
point in each column between, so it bends around the latents there. The
order within a column reduces crossings by barycentre sweeps, and the
heights come from repeatedly moving every element towards the mean height
of its neighbours, kept apart by their sizes (an isotonic projection).
Indicators are rectangles beside their latent: on the left of the first
column, on the right of the last, above or below the others. All sizes are
in inches (one data unit), so a new figure is exactly as large as the
drawing needs and no label overlaps another.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..exceptions import InputError
from ._core import new_axes, require_matplotlib, stars
from ._pathlayout import (
    BOX_GAP,
    BOX_H,
    ELL_H,
    ELL_W,
    FONT_COEF,
    FONT_IND,
    FONT_LATENT,
    IND_DIST,
    label_at,
    layout,
    outside,
    spline,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..acsi._ml_result import ACSIMLResult
    from ..acsi.result import PLSResult

__all__ = ["path_diagram"]

_WHERE = "satmodels.plot.path_diagram"


@dataclass(frozen=True, slots=True)
class _Numbers:
    """What the diagram writes: structural and outer coefficients."""

    latents: tuple[str, ...]
    paths: tuple[tuple[str, str], ...]
    path_value: dict[tuple[str, str], float]
    path_p: dict[tuple[str, str], float]
    path_low: dict[tuple[str, str], float]
    path_high: dict[tuple[str, str], float]
    blocks: dict[str, tuple[str, ...]]
    outward: dict[str, bool]  # reflective: arrow latent -> indicator
    outer: dict[str, float]
    r2: dict[str, float]
    caption: str
    stars_note: str
    interval_note: str
    has_intervals: bool


def _pls_numbers(result: PLSResult) -> _Numbers:
    spec = result.spec
    paths = tuple((p.source, p.target) for p in spec.paths)
    value = {(s, t): result.path(s, t) for s, t in paths}
    nan = float("nan")
    p_val = dict.fromkeys(paths, nan)
    low, high = dict.fromkeys(paths, nan), dict.fromkeys(paths, nan)
    boot = result.bootstrap
    if boot is not None:
        for k in boot.rows("paths"):
            s, _, t = boot.label[k].partition(" -> ")
            if (s, t) in value:
                p_val[(s, t)] = float(boot.p_value[k])
                low[(s, t)] = float(boot.bca_low[k])
                high[(s, t)] = float(boot.bca_high[k])
    blocks = {b.latent: b.indicators for b in spec.blocks}
    outward = {b.latent: b.mode == "A" for b in spec.blocks}
    outer: dict[str, float] = {}
    for i, ind in enumerate(result.indicators):
        lv = next(b.latent for b in spec.blocks if ind in b.indicators)
        src = result.loadings if outward[lv] else result.outer_weights
        outer[ind] = float(src[i])
    r2 = {lv: float(result.r_squared[k]) for k, lv in enumerate(result.latents)}
    modes = set(outward.values())
    which = " and ".join(
        w for w, m in (("loadings", True), ("weights", False)) if m in modes
    )
    if boot is None:
        stars_note = "no bootstrap, so no significance (fit with n_resamples=...)"
        interval_note = ""
    else:
        reps = f"bootstrap of {boot.n_resamples} replicates"
        stars_note = f"{reps}: *** p < 0.001, ** p < 0.01, * p < 0.05"
        interval_note = f"{reps}: [{boot.confidence_level:.0%} BCa interval]"
    caption = f"PLS path model, n = {result.n}; {which} on the indicator arrows"
    if not result.converged:
        caption += "; WARNING: the PLS iterations did not converge"
    return _Numbers(
        latents=result.latents,
        paths=paths,
        path_value=value,
        path_p=p_val,
        path_low=low,
        path_high=high,
        blocks=blocks,
        outward=outward,
        outer=outer,
        r2=r2,
        caption=caption,
        stars_note=stars_note,
        interval_note=interval_note,
        has_intervals=boot is not None,
    )


def _ml_numbers(result: ACSIMLResult) -> _Numbers:
    spec = result.spec
    paths = tuple((p.source, p.target) for p in spec.paths)
    value, p_val, low, high = {}, {}, {}, {}
    est = result.estimates.select("path")
    rows = {name: k for k, name in enumerate(est.name)}
    nan = float("nan")
    for e in result.paths:
        key = (e.rhs, e.lhs)
        value[key] = e.std_estimate
        p_val[key] = e.p
        row = rows.get(f"{e.rhs} -> {e.lhs}")
        # the Wald interval of the raw path, on the standardized scale (the
        # model-implied standard deviations held fixed)
        ratio = e.std_estimate / e.estimate if e.estimate != 0 else nan
        if row is None:
            lo = hi = nan
        else:
            lo, hi = float(est.ci_low[row]) * ratio, float(est.ci_high[row]) * ratio
        low[key], high[key] = min(lo, hi), max(lo, hi)
    for key in paths:
        for d in (value, p_val, low, high):
            d.setdefault(key, nan)
    outer = {e.rhs: e.std_estimate for e in result.loadings}
    blocks = {b.latent: b.indicators for b in spec.blocks}
    caption = (
        f"Maximum likelihood, n = {result.n}; completely standardized estimates, "
        "loadings on the indicator arrows"
    )
    if not result.converged:
        caption += "; WARNING: the optimiser did not converge"
    if result.admissibility:
        caption += "; WARNING: inadmissible solution (see result.admissibility)"
    return _Numbers(
        latents=spec.latents,
        paths=paths,
        path_value=value,
        path_p=p_val,
        path_low=low,
        path_high=high,
        blocks=blocks,
        outward=dict.fromkeys(blocks, True),
        outer=outer,
        r2={lv: result.r_squared.get(lv, nan) for lv in spec.latents},
        caption=caption,
        stars_note="Wald tests: *** p < 0.001, ** p < 0.01, * p < 0.05",
        interval_note=(
            f"[{result.confidence_level:.0%} Wald interval of the raw path, "
            "rescaled like the estimate]"
        ),
        has_intervals=True,
    )


def _fmt(value: float, digits: int) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:.{digits}f}"


class _Placer:
    """Put labels where they overlap no label, latent or indicator box."""

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        self.renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
        self.taken: list[Any] = []

    def block(self, x0: float, y0: float, x1: float, y1: float) -> None:
        from matplotlib.transforms import Bbox  # noqa: PLC0415

        self.taken.append(Bbox(self.ax.transData.transform([(x0, y0), (x1, y1)])))

    def place(self, text: str, spots: list[tuple[float, float]], **kw: Any) -> Any:  # noqa: ANN401
        best = None
        for xy in spots:
            art = self.ax.text(*xy, text, ha="center", va="center", **kw)
            box = art.get_window_extent(self.renderer).expanded(1.04, 1.08)
            clash = sum(box.overlaps(b) for b in self.taken)
            if best is None or clash < best[0]:
                if best is not None:
                    best[1].remove()
                best = (clash, art, box)
            else:
                art.remove()
            if clash == 0:
                break
        assert best is not None  # noqa: S101 - spots is never empty
        self.taken.append(best[2])
        return best[1]


def path_diagram(
    result: PLSResult | ACSIMLResult,
    *,
    ax: Axes | None = None,
    indicators: bool = True,
    intervals: bool = False,
    digits: int = 2,
) -> Axes:
    """Path diagram of an ACSI/ECSI-type model fitted by PLS or ML.

    Latents are ellipses laid out left to right by their causal order
    (columns by topological depth of the structural model), with the R^2
    inside each endogenous latent; indicators are rectangles beside their
    latent, with the loading (reflective block) or weight (formative block)
    on the arrow; structural arrows carry the path coefficient with
    significance stars or, with ``intervals=True``, its interval.

    Parameters
    ----------
    result : PLSResult or ACSIMLResult
        From :func:`satmodels.acsi.fit` (``method="pls"`` or ``"ml"``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure sized to the drawing when omitted
        (on a given ``ax`` the drawing is scaled to fit; labels stay
        apart when the axes are about as large as that figure).
    indicators : bool
        Draw the indicators and their outer coefficients.
    intervals : bool
        Write the interval of each path under its coefficient: the BCa
        bootstrap interval (PLS; needs ``n_resamples``) or the Wald
        interval (ML), at the result's ``confidence_level``.
    digits : int
        Decimals of the coefficients.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on. A coefficient that could not be estimated is
        written "n/a" on a dashed arrow, and the caption says so.

    Raises
    ------
    InputError
        ``result`` is not a PLS or ML result, ``intervals=True`` for a PLS
        fit without a bootstrap, ``digits`` is not 0-6, or ``ax`` is not
        Cartesian Axes.

    Notes
    -----
    PLS: standardized path coefficients and loadings (Wold 1982; Tenenhaus
    et al. 2005); stars from the bootstrap p-values (two-sided, normal
    reference of t = estimate / bootstrap se). ML: the completely
    standardized estimates (lavaan's ``std.all``) with the stars of the
    Wald test of each raw parameter; its interval is the Wald interval of
    the raw parameter rescaled by the same factor (the model-implied
    standard deviations held fixed). Layout after Sugiyama, Tagawa & Toda
    (1981).

    References
    ----------
    .. [1] Sugiyama, K., Tagawa, S., & Toda, M. (1981). Methods for visual
       understanding of hierarchical system structures. IEEE Transactions
       on Systems, Man, and Cybernetics, 11(2), 109-125.
    .. [2] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant,
       B. E. (1996). The American Customer Satisfaction Index: nature,
       purpose, and findings. Journal of Marketing, 60(4), 7-18.

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> import satmodels.plot as splot
    >>> res = acsi.fit(load_sample_survey(), scale=(1, 10))
    >>> ax = splot.path_diagram(res)
    >>> sorted(t.get_text() for t in ax.texts if t.get_gid() == "latent")
    ['COMP', 'EXPE', 'LOY', 'QUAL', 'SAT', 'VAL']
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    from ..acsi._ml_result import ACSIMLResult  # noqa: PLC0415
    from ..acsi.result import PLSResult  # noqa: PLC0415

    given: object = result
    if isinstance(given, PLSResult):
        nums = _pls_numbers(given)
    elif isinstance(given, ACSIMLResult):
        nums = _ml_numbers(given)
    else:
        msg = (
            f"The 'result' parameter of {_WHERE} must be a PLSResult or "
            f"ACSIMLResult. Got {type(given).__name__} instead."
        )
        raise InputError(msg)
    if intervals and not nums.has_intervals:
        msg = (
            f"The 'intervals' parameter of {_WHERE} needs bootstrap intervals: "
            "fit with acsi.fit(..., n_resamples=2000, rng=...)."
        )
        raise InputError(msg)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 6:
        msg = (
            f"The 'digits' parameter of {_WHERE} must be an integer 0-6. "
            f"Got {digits!r} instead."
        )
        raise InputError(msg)
    if ax is None:
        require_matplotlib(_WHERE)
    else:
        ax = new_axes(ax, where=_WHERE)
    return _draw(nums, ax, indicators=indicators, intervals=intervals, digits=digits)


def _draw(
    nums: _Numbers,
    ax: Axes | None,
    *,
    indicators: bool,
    intervals: bool,
    digits: int,
) -> Axes:
    from matplotlib.font_manager import FontProperties  # noqa: PLC0415
    from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle  # noqa: PLC0415
    from matplotlib.path import Path  # noqa: PLC0415
    from matplotlib.textpath import text_to_path  # noqa: PLC0415

    widths: dict[tuple[str, float], float] = {}

    def measure(text: str, size: float) -> float:
        """Width of ``text`` in inches at ``size`` points (font metrics)."""
        if (text, size) not in widths:
            w, _, _ = text_to_path.get_text_width_height_descent(
                text, FontProperties(size=size), ismath=False
            )
            widths[(text, size)] = float(w) / 72.0
        return widths[(text, size)]

    labels: dict[tuple[str, str], str] = {}
    for key in nums.paths:
        v = nums.path_value[key]
        text = _fmt(v, digits) + ("" if intervals else stars(nums.path_p[key]))
        if intervals and math.isfinite(v):
            lo, hi = nums.path_low[key], nums.path_high[key]
            text += f"\n[{_fmt(lo, digits)}, {_fmt(hi, digits)}]"
        labels[key] = text
    widest = max(
        (measure(line, FONT_COEF) for t in labels.values() for line in t.split("\n")),
        default=0.0,
    )
    lay = layout(
        nums.latents,
        nums.paths,
        nums.blocks,
        measure,
        indicators=indicators,
        label_width=widest,
    )
    el = lay.elements
    pos = {k: (lay.x[e.layer], e.y) for k, e in el.items()}
    # indicator boxes
    boxes: dict[str, tuple[float, float, float]] = {}  # centre x, y, width
    if indicators:
        for lv in nums.latents:
            e, (cx, cy) = el[lv], pos[lv]
            names = nums.blocks[lv]
            bw = max(measure(n, FONT_IND) for n in names) + 0.14
            k = len(names)
            for j, n in enumerate(names):
                if e.side in ("left", "right"):
                    sign = -1 if e.side == "left" else 1
                    bx = cx + sign * (ELL_W / 2 + IND_DIST + bw / 2)
                    by = cy + ((k - 1) / 2 - j) * (BOX_H + BOX_GAP)
                else:
                    bx = cx + (j - (k - 1) / 2) * (bw + BOX_GAP)
                    sign = 1 if e.side == "above" else -1
                    by = cy + sign * (ELL_H / 2 + IND_DIST + BOX_H / 2)
                boxes[n] = (bx, by, bw)
    # extents
    lo_x = [p[0] - ELL_W / 2 for p in pos.values()]
    lo_x += [b[0] - b[2] / 2 for b in boxes.values()]
    hi_x = [p[0] + ELL_W / 2 for p in pos.values()]
    hi_x += [b[0] + b[2] / 2 for b in boxes.values()]
    lo_y = [pos[k][1] - el[k].down for k in el]
    lo_y += [b[1] - BOX_H / 2 for b in boxes.values()]
    hi_y = [pos[k][1] + el[k].up for k in el]
    hi_y += [b[1] + BOX_H / 2 for b in boxes.values()]
    x0, x1 = min(lo_x) - 0.15, max(hi_x) + 0.15
    # the caption, wrapped to the drawing's width, at the bottom
    missing = any(not math.isfinite(v) for v in nums.path_value.values()) or (
        indicators and any(not math.isfinite(v) for v in nums.outer.values())
    )
    caption = "; ".join(
        [nums.caption, nums.interval_note if intervals else nums.stars_note]
        + (["n/a (dashed): not estimated"] if missing else [])
    )
    chars = len(caption) * (x1 - x0 - 0.1) / measure(caption, 7.0)
    lines = textwrap.wrap(caption, width=max(20, int(chars)))
    y0, y1 = min(lo_y) - 0.28 - 0.13 * len(lines), max(hi_y) + 0.12
    width, height = x1 - x0, y1 - y0
    if ax is None:
        import matplotlib.pyplot as plt  # noqa: PLC0415

        fig = plt.figure(figsize=(width, height))
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    placer = _Placer(ax)
    # latents
    for lv in nums.latents:
        cx, cy = pos[lv]
        ax.add_patch(
            Ellipse(
                (cx, cy),
                ELL_W,
                ELL_H,
                facecolor="#eef3fa",
                edgecolor="0.2",
                linewidth=1.1,
                zorder=3,
            )
        )
        r2 = nums.r2.get(lv, float("nan"))
        endo = any(t == lv for _, t in nums.paths)
        dy = 0.09 if endo else 0.0
        ax.text(
            cx,
            cy + dy,
            lv,
            ha="center",
            va="center",
            fontsize=FONT_LATENT,
            fontweight="bold",
            zorder=4,
            gid="latent",
        )
        if endo:
            ax.text(
                cx,
                cy - 0.12,
                f"R² = {_fmt(r2, digits)}",
                ha="center",
                va="center",
                fontsize=FONT_COEF,
                zorder=4,
                gid="r2",
            )
        placer.block(cx - ELL_W / 2, cy - ELL_H / 2, cx + ELL_W / 2, cy + ELL_H / 2)
    for n, (bx, by, bw) in boxes.items():
        ax.add_patch(
            Rectangle(
                (bx - bw / 2, by - BOX_H / 2),
                bw,
                BOX_H,
                facecolor="white",
                edgecolor="0.35",
                linewidth=0.8,
                zorder=3,
            )
        )
        ax.text(
            bx,
            by,
            n,
            ha="center",
            va="center",
            fontsize=FONT_IND,
            zorder=4,
            gid="indicator",
        )
        placer.block(bx - bw / 2, by - BOX_H / 2, bx + bw / 2, by + BOX_H / 2)
    # structural paths
    for s, t in nums.paths:
        pts = np.array([pos[k] for k in lay.routes[(s, t)]], dtype=np.float64)
        curve = spline(pts)
        curve = curve[outside(curve, pos[s]) & outside(curve, pos[t])]
        v = nums.path_value[(s, t)]
        bad = not math.isfinite(v)
        ax.add_artist(
            FancyArrowPatch(
                path=Path(curve),
                arrowstyle="-|>",
                mutation_scale=11,
                color="0.55" if bad else "0.15",
                linewidth=1.1,
                linestyle="--" if bad else "-",
                zorder=2,
                gid=f"path:{s}->{t}",
            )
        )
        text = labels[(s, t)]
        spots = [
            label_at(curve, f)
            for f in (0.5, 0.4, 0.6, 0.3, 0.7, 0.45, 0.55, 0.35, 0.65, 0.25, 0.75)
        ]
        placer.place(
            text,
            spots,
            fontsize=FONT_COEF,
            zorder=5,
            gid=f"coef:{s}->{t}",
            linespacing=1.0,
            bbox={
                "boxstyle": "round,pad=0.12",
                "facecolor": "white",
                "edgecolor": "none",
            },
        )
    # outer arrows
    for lv in nums.latents if indicators else ():
        cx, cy = pos[lv]
        for n in nums.blocks[lv]:
            bx, by, bw = boxes[n]
            side = el[lv].side
            if side in ("left", "right"):
                end = (bx + (bw / 2 if side == "left" else -bw / 2), by)
            else:
                end = (bx, by + (-BOX_H / 2 if side == "above" else BOX_H / 2))
            curve = spline(np.array([(cx, cy), end], dtype=np.float64), per=60)
            curve = curve[outside(curve, (cx, cy))]
            if not nums.outward[lv]:
                curve = curve[::-1]
            v = nums.outer.get(n, float("nan"))
            bad = not math.isfinite(v)
            ax.add_artist(
                FancyArrowPatch(
                    path=Path(curve),
                    arrowstyle="-|>",
                    mutation_scale=8,
                    color="0.55" if bad else "0.35",
                    linewidth=0.8,
                    linestyle="--" if bad else "-",
                    zorder=2,
                    gid=f"outer:{n}",
                )
            )
            fracs = (0.5, 0.4, 0.6, 0.3, 0.7)
            placer.place(
                _fmt(v, digits),
                [label_at(curve, f) for f in fracs],
                fontsize=FONT_IND - 0.5,
                color="0.25",
                zorder=5,
                gid=f"outer_coef:{n}",
                bbox={
                    "boxstyle": "round,pad=0.08",
                    "facecolor": "white",
                    "edgecolor": "none",
                },
            )
    ax.text(
        (x0 + x1) / 2,
        y0 + 0.1,
        "\n".join(lines),
        ha="center",
        va="bottom",
        fontsize=7,
        color="0.3",
        gid="caption",
    )
    return ax
