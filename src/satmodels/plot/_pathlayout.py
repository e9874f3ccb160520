"""Layout of the path diagram: columns, order, heights and curves.

A layered drawing after Sugiyama, Tagawa & Toda (1981): each latent sits in
the column of its topological depth (the longest chain of paths leading to
it); a path spanning several columns passes through a virtual point in each
column between, so it bends around the latents there. The order within a
column reduces crossings by barycentre sweeps, and the heights come from
repeatedly moving every element towards the mean height of its neighbours,
kept apart by their sizes (an isotonic projection, pool adjacent
violators). All sizes are in inches.

References
----------
.. [1] Sugiyama, K., Tagawa, S., & Toda, M. (1981). Methods for visual
   understanding of hierarchical system structures. IEEE Transactions on
   Systems, Man, and Cybernetics, 11(2), 109-125.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .._typing import BoolArray, FloatArray

# sizes in inches
ELL_W, ELL_H = 1.15, 0.62
BOX_H, BOX_GAP = 0.24, 0.07
IND_DIST = 0.62  # latent edge to its indicators
COL_MIN = 2.1  # column spacing at least
SLOT_GAP = 0.3  # between elements of a column
DUMMY = 0.22  # half height of a virtual point's slot
FONT_LATENT, FONT_COEF, FONT_IND = 9.5, 8.0, 7.5


@dataclass(slots=True)
class Element:
    """A latent or a virtual point of a long path in one column."""

    key: str
    layer: int
    up: float  # extent above the centre
    down: float  # extent below
    y: float = 0.0
    side: str = ""  # where the indicators go: left, right, above, below


@dataclass(slots=True)
class Layout:
    elements: dict[str, Element]
    layers: list[list[str]]
    routes: dict[tuple[str, str], list[str]]
    x: list[float]
    rows: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)


def _depths(latents: Sequence[str], paths: Sequence[tuple[str, str]]) -> dict[str, int]:
    depth = dict.fromkeys(latents, 0)
    for lv in latents:  # topological order: predecessors first
        for s, t in paths:
            if t == lv:
                depth[lv] = max(depth[lv], depth[s] + 1)
    return depth


def _crossings(upper: list[str], lower: list[str], edges: list[tuple[str, str]]) -> int:
    pu = {k: i for i, k in enumerate(upper)}
    pl = {k: i for i, k in enumerate(lower)}
    e = [(pu[a], pl[b]) for a, b in edges if a in pu and b in pl]
    return sum(
        1
        for i in range(len(e))
        for j in range(i + 1, len(e))
        if (e[i][0] - e[j][0]) * (e[i][1] - e[j][1]) < 0
    )


def _order(layers: list[list[str]], edges: list[tuple[str, str]]) -> list[list[str]]:
    """Barycentre sweeps (Sugiyama et al. 1981); the order with fewest crossings."""

    def total(ls: list[list[str]]) -> int:
        return sum(_crossings(ls[i], ls[i + 1], edges) for i in range(len(ls) - 1))

    best = [list(layer) for layer in layers]
    best_count = total(best)
    cur = [list(layer) for layer in layers]
    for sweep in range(8):
        down = sweep % 2 == 0
        rng = range(1, len(cur)) if down else range(len(cur) - 2, -1, -1)
        for i in rng:
            ref = cur[i - 1] if down else cur[i + 1]
            pos = {k: j for j, k in enumerate(ref)}
            keyed = []
            for j, k in enumerate(cur[i]):
                nb = [
                    pos[o] for a, b in edges for o in (a, b) if k in (a, b) and o in pos
                ]
                keyed.append((sum(nb) / len(nb) if nb else float(j), j, k))
            cur[i] = [k for _, _, k in sorted(keyed)]
        count = total(cur)
        if count < best_count:
            best, best_count = [list(layer) for layer in cur], count
    return best


def _isotonic_decreasing(values: list[float], weights: list[float]) -> list[float]:
    """Least-squares non-increasing fit (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for v, w in zip(values, weights, strict=True):
        blocks.append([v, w, 1])
        while len(blocks) > 1 and blocks[-2][0] < blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    out: list[float] = []
    for m, _, c in blocks:
        out += [m] * int(c)
    return out


def layout(
    latents: Sequence[str],
    paths: Sequence[tuple[str, str]],
    blocks: Mapping[str, Sequence[str]],
    measure: Callable[[str, float], float],
    *,
    indicators: bool,
    label_width: float,
) -> Layout:
    """Place the latents and the virtual points of long paths (inches)."""
    depth = _depths(latents, paths)
    n_layers = max(depth.values()) + 1
    layers: list[list[str]] = [[] for _ in range(n_layers)]
    elements: dict[str, Element] = {}
    for lv in latents:
        layers[depth[lv]].append(lv)
        elements[lv] = Element(lv, depth[lv], ELL_H / 2, ELL_H / 2)
    routes: dict[tuple[str, str], list[str]] = {}
    edges: list[tuple[str, str]] = []
    for s, t in paths:
        chain = [s]
        for d in range(depth[s] + 1, depth[t]):
            key = f"\0{s}>{t}@{d}"
            elements[key] = Element(key, d, DUMMY, DUMMY)
            layers[d].append(key)
            chain.append(key)
        chain.append(t)
        routes[(s, t)] = chain
        edges += list(itertools.pairwise(chain))
    layers = _order(layers, edges)
    # indicator sides and the extents they add
    widths = [0.0] * n_layers
    for i, layer in enumerate(layers):
        real = [k for k in layer if k in blocks]
        for k in real:
            el = elements[k]
            if i == 0:
                el.side = "left"
            elif i == n_layers - 1:
                el.side = "right"
            else:
                # the free side; a latent between others: below, so that
                # the paths over it stay clear of its predecessors' rows
                at = layer.index(k)
                el.side = "above" if at == 0 else "below"
            if not indicators:
                continue
            names = blocks[k]
            box_w = max(measure(n, FONT_IND) for n in names) + 0.14
            if el.side in ("left", "right"):
                half = (len(names) * (BOX_H + BOX_GAP) - BOX_GAP) / 2
                el.up = el.down = max(ELL_H / 2, half)
            else:
                span = ELL_H / 2 + IND_DIST + BOX_H
                if el.side == "above":
                    el.up = span
                else:
                    el.down = span
                widths[i] = max(widths[i], len(names) * (box_w + BOX_GAP) - BOX_GAP)
    # columns: wide indicator rows push their neighbours away
    x = [0.0]
    least = max(COL_MIN, ELL_W + label_width + 0.6)
    for i in range(1, n_layers):
        x.append(x[-1] + max(least, (widths[i - 1] + widths[i]) / 2 + 0.35))
    # heights: stack, then relax towards the neighbours' mean height
    for layer in layers:
        y = 0.0
        for k in layer:
            el = elements[k]
            y -= el.up
            el.y = y
            y -= el.down + SLOT_GAP
        shift = (y + SLOT_GAP) / 2
        for k in layer:
            elements[k].y -= shift
    nbrs: dict[str, list[tuple[str, float]]] = {k: [] for k in elements}
    for a, b in edges:
        w = 4.0 if a.startswith("\0") and b.startswith("\0") else 1.0
        nbrs[a].append((b, w))
        nbrs[b].append((a, w))
    for _ in range(30):
        for layer in layers:
            gaps = [0.0]
            for j in range(1, len(layer)):
                prev, el = elements[layer[j - 1]], elements[layer[j]]
                gaps.append(gaps[-1] + prev.down + SLOT_GAP + el.up)
            want, wts = [], []
            for j, k in enumerate(layer):
                nb = nbrs[k]
                tot = sum(w for _, w in nb)
                target = (
                    sum(elements[o].y * w for o, w in nb) / tot
                    if tot
                    else elements[k].y
                )
                want.append(target + gaps[j])
                wts.append(tot or 0.1)
            fitted = _isotonic_decreasing(want, wts)
            for j, k in enumerate(layer):
                elements[k].y = fitted[j] - gaps[j]
    return Layout(elements=elements, layers=layers, routes=routes, x=x)


def spline(points: FloatArray, per: int = 24) -> FloatArray:
    """Catmull-Rom curve through ``points`` (a straight line for two)."""
    if len(points) == 2:
        t = np.linspace(0.0, 1.0, per)[:, None]
        out: FloatArray = points[0] + t * (points[1] - points[0])
        return out
    p = np.vstack([2 * points[0] - points[1], points, 2 * points[-1] - points[-2]])
    segs = []
    t = np.linspace(0.0, 1.0, per, endpoint=False)[:, None]
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        segs.append(
            0.5
            * (
                2 * p1
                + (-p0 + p2) * t
                + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3
            )
        )
    segs.append(points[-1][None, :])
    return np.vstack(segs)


def outside(curve: FloatArray, centre: tuple[float, float]) -> BoolArray:
    a, b = ELL_W / 2 + 0.03, ELL_H / 2 + 0.03
    r = ((curve[:, 0] - centre[0]) / a) ** 2 + ((curve[:, 1] - centre[1]) / b) ** 2
    out: BoolArray = r > 1.0
    return out


def label_at(curve: FloatArray, frac: float) -> tuple[float, float]:
    d = np.r_[0.0, np.cumsum(np.hypot(*np.diff(curve, axis=0).T))]
    s = frac * d[-1]
    return float(np.interp(s, d, curve[:, 0])), float(np.interp(s, d, curve[:, 1]))
