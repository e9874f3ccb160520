r"""Weighted CSI from an indicator hierarchy of any depth.

Every node's score is the weighted mean of its children's scores; a leaf's
score is its item mean rescaled to 0-100 on the declared scale (Fornell et
al. 1996). Because every node score is a *linear* function of the item
means, :math:`s_v = a_v^\top \bar x + c_v`, its variance is
:math:`a_v^\top V a_v` with :math:`V` the covariance matrix of the item means
from :class:`~satmodels.Moments`: the whole index, with intervals, comes from
the moments alone (and so runs on lazy engines and merged partitions).

References
----------
.. [1] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E.
   (1996). The American Customer Satisfaction Index: nature, purpose, and
   findings. Journal of Marketing, 60(4), 7-18.
.. [2] Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level, validated
from ..data import Kind, Table, read
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ..stats.intervals import normal_quantile
from ..stats.moments import MissingReport, Moments
from ._ahp import AHPResult, InconsistencyWarning, ahp
from ._common import check_no_nan, check_on_scale, lazy_on_scale, means_on_scale
from ._csm import mean_covariance
from ._estimated import check_choice, fit_segments, headline_interval
from ._options import CSIOptions
from ._tree import CSINode, CSITree

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "CSINode",
    "CSIResult",
    "CSITree",
    "NodeScore",
    "csi_index",
]

_ACCEPT: tuple[Kind, ...] = ("rows", "lazy", "moments")


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeScore:
    """Score of one node of the hierarchy.

    Attributes
    ----------
    name, parent : str
    depth : int
        0 for the index, 1 for dimensions, ...
    weight : float
        Weight within its parent (1 for the root).
    global_weight : float
        Product of weights from the root (share of the index).
    score, se, ci_low, ci_high : float
        0-100 score and its normal interval (clipped to [0, 100]).
    total : float
        Sum of the raw item means under the node.
    maximum : float
        Highest possible ``total`` (items x scale maximum).
    percent : float
        ``total / maximum * 100`` (the self-assessment's percentage).
    n_items : int
    """

    name: str
    parent: str | None
    depth: int
    weight: float
    global_weight: float
    score: float
    se: float
    ci_low: float
    ci_high: float
    total: float
    maximum: float
    percent: float
    n_items: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CSIResult(ResultMixin):
    """A weighted satisfaction index with a score per node.

    Attributes
    ----------
    estimates : Estimates
        One row per node (kind ``"index"`` for the root, ``"node"`` for the
        others), 0-100 scores with normal intervals clipped to [0, 100].
    confidence_level : float
    index : float
        The root's 0-100 score.
    se, ci_low, ci_high : float
    scores : dict of str to float
        0-100 score of every node by name.
    nodes : tuple of NodeScore
        Full per-node detail, depth-first.
    ahp : dict of str to AHPResult
        Consistency of every AHP matrix used, by node.
    n : int
        Respondents used.
    n_missing : int
        Respondents excluded for missing answers (listwise) or zero weight.
    name : str
    missing_report : MissingReport
    segments : dict of str to CSIResult or None
        One result per segment label (sorted), when ``segments`` was given.
    """

    estimates: Estimates
    confidence_level: float
    index: float
    se: float
    ci_low: float
    ci_high: float
    scores: dict[str, float]
    nodes: tuple[NodeScore, ...] = field(repr=False)
    ahp: dict[str, AHPResult] = field(repr=False)
    n: int
    n_missing: int
    name: str
    missing_report: MissingReport = field(repr=False)
    segments: dict[str, CSIResult] | None = None

    def __repr__(self) -> str:
        dims = ", ".join(f"{s.name}={s.score:.1f}" for s in self.nodes if s.depth == 1)
        if len(dims) > 300:
            dims = dims[:297] + "..."
        seg = "" if self.segments is None else f", segments={list(self.segments)}"
        return (
            f"CSIResult({self.name!r}, index={self.index:.2f}, se={self.se:.3g}, "
            f"n={self.n}, confidence_level={self.confidence_level}{seg})\n  {dims}"
        )

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Return the index's normal interval, clipped to [0, 100].

        With no argument, the interval stored at the fitted level.
        """
        return headline_interval(self, self.index, confidence_level, (0.0, 100.0))

    def plot(
        self,
        ax: Axes | None = None,
        *,
        kind: Literal["radar", "bars"] = "radar",
        depth: int = 1,
        level: str | None = None,
        segments: bool = True,
    ) -> Axes:
        """Draw the scores: a radar chart or bars with their intervals.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on (polar for ``kind="radar"``); default a new
            figure.
        kind : {"radar", "bars"}, default "radar"
            :func:`satmodels.plot.radar` or :func:`satmodels.plot.bars`.
        depth : int, default 1
            Depth of the CSI nodes drawn (CSIResult only).
        level : str, optional
            Level of the units drawn (AggregateResult only).
        segments : bool, default True
            Overlay the segments, when the result has them.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Raises
        ------
        InputError
            An unknown ``kind`` (and see the chart functions).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from satmodels.csi import CSITree, csi_index
        >>> tree = CSITree.from_dict(
        ...     {
        ...         "scale": {"kind": "likert", "minimum": 1, "maximum": 5},
        ...         "root": {
        ...             "name": "CSI",
        ...             "children": [{"name": "q1"}, {"name": "q2"}, {"name": "q3"}],
        ...         },
        ...     }
        ... )
        >>> r = csi_index(
        ...     {"q1": [5, 4, 3], "q2": [4, 4, 5], "q3": [3, 5, 4]}, tree=tree
        ... )
        >>> ax = r.plot()  # radar of the three dimensions
        >>> [round(float(v), 2) for v in ax.lines[0].get_ydata()[:3]]
        [75.0, 83.33, 75.0]
        >>> plt.close(ax.figure)
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        how = check_choice(kind, ("radar", "bars"), "kind", "CSIResult.plot")
        chart = charts.radar if how == "radar" else charts.bars
        return chart(self, ax=ax, depth=depth, level=level, segments=segments)

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the estimates as a long table (backend: the input's by default)."""
        return self.estimates.to_frame(backend)

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "node": s.name,
                "parent": s.parent,
                "depth": s.depth,
                "weight": s.weight,
                "global_weight": s.global_weight,
                "score": s.score,
                "se": s.se,
                "ci_low": s.ci_low,
                "ci_high": s.ci_high,
                "total": s.total,
                "maximum": s.maximum,
                "percent": s.percent,
            }
            for s in self.nodes
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: estimates, node detail, AHP checks, segments."""
        out: dict[str, Any] = jsonable(
            {
                "name": self.name,
                "estimates": self.estimates.to_dict(),
                "index": self.index,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "nodes": self._records(),
                "ahp": {k: v.to_dict() for k, v in self.ahp.items()},
                "n": self.n,
                "n_missing": self.n_missing,
                "confidence_level": self.confidence_level,
                "missing_report": self.missing_report.to_dict(),
                "segments": None
                if self.segments is None
                else {k: v.to_dict() for k, v in self.segments.items()},
            }
        )
        return out

    def summary(self) -> Summary:
        """Indented table of node scores."""
        rows = [
            [
                "  " * s.depth + s.name,
                s.weight,
                s.score,
                s.se,
                s.ci_low,
                s.ci_high,
                s.total,
                s.maximum,
                s.percent,
            ]
            for s in self.nodes
        ]
        header = [
            "node",
            "weight",
            "score",
            "se",
            "ci_low",
            "ci_high",
            "total",
            "max",
            "percent",
        ]
        notes = [
            f"n = {self.n} ({self.n_missing} excluded); scores on 0-100, "
            f"{100 * self.confidence_level:g}% normal intervals."
        ]
        notes.extend(
            f"AHP at {k}: CR = {a.consistency_ratio:.3f} "
            f"({'ok' if a.consistent else 'INCONSISTENT'})"
            for k, a in self.ahp.items()
        )
        tables = [table("", header, rows, digits=2)]
        if self.segments:
            seg_rows = [
                [k, v.n, v.index, v.ci_low, v.ci_high] for k, v in self.segments.items()
            ]
            tables.append(
                table(
                    "Index by segment",
                    ["segment", "n", "index", "ci_low", "ci_high"],
                    seg_rows,
                    digits=2,
                )
            )
        return Summary(
            title=f"{self.name} index",
            tables=tuple(tables),
            notes=tuple(notes),
        )


# ------------------------------------------------------------------ kernels
def _leaf_weights(
    tree: CSITree, on_inconsistent: str
) -> tuple[
    list[tuple[CSINode, int, str | None, float, float]],
    FloatArray,
    dict[str, AHPResult],
]:
    """Walk the tree and collect the effective leaf weights of every node.

    Returns per node (node, depth, parent, weight, global weight), the
    nodes x leaves matrix of effective leaf weights, and the AHP results.
    """
    leaves = tree.columns()
    pos = {c: i for i, c in enumerate(leaves)}
    entries: list[tuple[CSINode, int, str | None, float, float]] = []
    rows: list[FloatArray] = []
    ahps: dict[str, AHPResult] = {}

    def visit(
        node: CSINode, depth: int, parent: str | None, weight: float, gw: float
    ) -> FloatArray:
        slot = len(entries)
        entries.append((node, depth, parent, weight, gw))
        rows.append(np.zeros(len(leaves)))
        if not node.children:
            vec = np.zeros(len(leaves))
            vec[pos[node.item]] = 1.0
        else:
            if node.children[0].weight is not None:
                ws = np.array([float(c.weight or 0.0) for c in node.children])
            elif node.pairwise is not None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", InconsistencyWarning)
                    res = ahp(
                        node.pairwise,
                        labels=[c.name for c in node.children],
                        on_inconsistent="ignore",
                    )
                ahps[node.name] = res
                if not res.consistent and on_inconsistent != "ignore":
                    msg = (
                        f"The AHP matrix of node {node.name!r} is inconsistent: "
                        "consistency ratio "
                        f"{res.consistency_ratio:.3f} >= {res.max_ratio:g} (Saaty "
                        "1980)."
                    )
                    if on_inconsistent == "raise":
                        raise InputError(msg)
                    warnings.warn(msg, InconsistencyWarning, stacklevel=4)
                ws = np.array(list(res.weights.values()))
            else:
                ws = np.full(len(node.children), 1.0 / len(node.children))
            vec = np.zeros(len(leaves))
            for child, wc in zip(node.children, ws, strict=True):
                vec += wc * visit(
                    child, depth + 1, node.name, float(wc), gw * float(wc)
                )
        rows[slot] = vec
        return vec

    visit(tree.root, 0, None, 1.0, 1.0)
    return entries, np.vstack(rows), ahps


def csi_index(
    data: object,
    *,
    tree: CSITree | Mapping[str, Any],
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
    on_inconsistent: Literal["warn", "raise", "ignore"] = "warn",
) -> CSIResult:
    r"""Weighted satisfaction index (0-100) from an indicator hierarchy.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        Respondents x items holding the tree's leaf columns, or precomputed
        :class:`~satmodels.Moments` of those columns.
    tree : CSITree or mapping
        The validated hierarchy (a dict or JSON-like mapping is validated
        with :meth:`CSITree.from_dict`). Its leaves name the item columns.
    columns : sequence of str, optional
        Names of a bare array's columns (default for an array:
        ``tree.columns()`` in order), or the columns of a frame to use
        (each leaf must be among them).
    weights : array_like or str, optional
        Case weights (or their column).
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Segment label per row (or its column); one index per label in
        ``result.segments``.
    confidence_level : float
        Level of the stored normal intervals.
    nan_policy : {"omit", "raise"}
        Respondents with a missing item are excluded (listwise, counted in
        ``n_missing`` and ``missing_report``) or raise.
    on_inconsistent : {"warn", "raise", "ignore"}
        What an AHP matrix with CR >= 0.10 does.

    Returns
    -------
    CSIResult

    Raises
    ------
    InputError
        Missing leaf columns, answers off the scale (column and 1-based
        row), inconsistent AHP matrices with ``on_inconsistent="raise"``.

    Notes
    -----
    Leaf score :math:`s_j = 100 (\bar x_j - \min) / (\max - \min)`; node
    score :math:`s_v = \sum_{c \in \mathrm{children}(v)} w_c s_c`, so
    :math:`s_v = a_v^\top s` with :math:`a_v` the products of weights along
    the paths to the leaves. :math:`\mathrm{Var}(s_v) = a_v^\top V a_v` with
    :math:`V = (100/(\max-\min))^2 \,\mathrm{Cov}(\bar x)` from the Moments;
    normal intervals (clipped to [0, 100]). Checked against a hand
    computation and a simulation in ``tests/test_csi_index.py``.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.csi import CSITree, csi_index
    >>> tree = CSITree.from_dict(
    ...     {
    ...         "scale": {"kind": "likert", "minimum": 1, "maximum": 5},
    ...         "root": {
    ...             "name": "CSI",
    ...             "children": [
    ...                 {
    ...                     "name": "product",
    ...                     "weight": 0.6,
    ...                     "children": [{"name": "q1"}, {"name": "q2"}],
    ...                 },
    ...                 {
    ...                     "name": "service",
    ...                     "weight": 0.4,
    ...                     "children": [{"name": "q3"}],
    ...                 },
    ...             ],
    ...         },
    ...     }
    ... )
    >>> survey = {"q1": [5, 4, 3], "q2": [4, 4, 5], "q3": [3, 5, 4]}
    >>> r = csi_index(survey, tree=tree)
    >>> round(r.index, 2), round(r.scores["product"], 2)
    (77.5, 79.17)
    """
    if design is not None:
        return fit_with_design(csi_index, locals())
    where = "csi_index"
    check_confidence_level(confidence_level, where)  # refuses strings, too
    level = validated(
        CSIOptions,
        where,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
        on_inconsistent=on_inconsistent,
    ).confidence_level
    if not isinstance(tree, CSITree):
        tree = CSITree.from_dict(tree)
    leaves = tree.columns()
    if columns is None and isinstance(data, np.ndarray | list | tuple):
        columns = leaves  # a bare array holds the leaves in tree order
    tab = read(
        data,
        where=where,
        columns=columns,
        roles={"items": leaves},
        weights=weights,
        segments=segments,
        accept=_ACCEPT,
    )
    if tab.kind == "rows":
        x = tab.matrix(leaves)
        if nan_policy == "raise":
            check_no_nan(x, leaves, where)
        check_on_scale(x, leaves, tree.scale, where)
    elif tab.kind == "lazy":
        lazy_on_scale(tab, leaves, tree.scale, where)
    entries, amat, ahps = _leaf_weights(tree, on_inconsistent)

    def fit(t: Table, segment: str | None) -> CSIResult:
        m = t.moments(leaves, nan_policy=nan_policy, name="data")
        if t.kind != "rows":
            means_on_scale(leaves, m.mean, tree.scale, where)
        return _result(m, tree, entries, amat, ahps, level, t.backend, segment)

    return fit_segments(tab, fit, [(tuple(leaves), "listwise", nan_policy)])


Entry = tuple[CSINode, int, "str | None", float, float]


def _result(  # noqa: PLR0917
    m: Moments,
    tree: CSITree,
    entries: list[Entry],
    amat: FloatArray,
    ahps: dict[str, AHPResult],
    level: float,
    backend: str | None,
    segment: str | None,
) -> CSIResult:
    leaves = tree.columns()
    lo, hi = tree.scale.minimum, tree.scale.maximum
    factor = 100.0 / (hi - lo)
    leaf_scores = (m.mean - lo) * factor
    vm = mean_covariance(m) * factor * factor
    scores = amat @ leaf_scores
    with np.errstate(invalid="ignore"):
        var = np.einsum("vi,ij,vj->v", amat, vm, amat)
    se = np.sqrt(np.where(var >= 0, var, np.nan))
    z = normal_quantile(level)
    ci_low = np.where(np.isfinite(se), np.maximum(scores - z * se, 0.0), np.nan)
    ci_high = np.where(np.isfinite(se), np.minimum(scores + z * se, 100.0), np.nan)
    nodes = []
    leaf_pos = {c: i for i, c in enumerate(leaves)}
    for k, (node, depth, parent, wgt, gw) in enumerate(entries):
        under = np.zeros(len(leaves), dtype=bool)  # structural, whatever the weights
        under[[leaf_pos[n.item] for n, _, _ in node.walk() if not n.children]] = True
        total = float(m.mean[under].sum())
        maximum = float(under.sum() * hi)
        nodes.append(
            NodeScore(
                name=node.name,
                parent=parent,
                depth=depth,
                weight=wgt,
                global_weight=gw,
                score=float(scores[k]),
                se=float(se[k]),
                ci_low=float(ci_low[k]),
                ci_high=float(ci_high[k]),
                total=total,
                maximum=maximum,
                percent=100.0 * total / maximum if maximum > 0 else math.nan,
                n_items=int(under.sum()),
            )
        )
    est = estimates(
        name=[s.name for s in nodes],
        kind=["index"] + ["node"] * (len(nodes) - 1),
        estimate=scores,
        standard_error=se,
        ci_low=ci_low,
        ci_high=ci_high,
        n=float(m.n),
        interval="normal",
        confidence_level=level,
        segment=segment,
        backend=backend,
    )
    root = nodes[0]
    return CSIResult(
        estimates=est,
        confidence_level=level,
        index=root.score,
        se=root.se,
        ci_low=root.ci_low,
        ci_high=root.ci_high,
        scores={s.name: s.score for s in nodes},
        nodes=tuple(nodes),
        ahp=ahps,
        n=m.n,
        n_missing=m.missing_report.rows_excluded,
        name=tree.name,
        missing_report=m.missing_report,
    )
