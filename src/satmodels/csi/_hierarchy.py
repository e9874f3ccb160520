r"""Weighted CSI from an indicator hierarchy of any depth.

A :class:`CSITree` is validated plain data (it can be written as JSON): a
root node whose children are dimensions, whose children are sub-dimensions
... down to leaves, which are survey items (data columns). The weights of the
children of each node either are given (and must sum to 1), or come from an
AHP pairwise-comparison matrix on that node (:func:`~satmodels.csi.ahp`), or
default to equal weights.

Every node's score is the weighted mean of its children's scores; a leaf's
score is its item mean rescaled to 0-100 on the declared scale (Fornell et
al. 1996). Because every node score is a *linear* function of the item
means, :math:`s_v = a_v^\top \bar x + c_v`, its variance is
:math:`a_v^\top V a_v` with :math:`V` the covariance matrix of the item means
from :class:`~satmodels.Moments`: the whole index, with intervals, comes from
the moments alone.

References
----------
.. [1] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E.
   (1996). The American Customer Satisfaction Index: nature, purpose, and
   findings. Journal of Marketing, 60(4), 7-18.
.. [2] Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from .._typing import FloatArray
from .._validation import FrozenModel, check_confidence_level, validated
from ..data import _frames
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin
from ..results._summary import Summary, table
from ..scales import Scale
from ..stats.moments import Moments, moments_of
from ._ahp import AHPResult, InconsistencyWarning, ahp
from ._common import case_weights, normal_quantile
from ._options import CSIOptions

__all__ = [
    "CSINode",
    "CSIResult",
    "CSITree",
    "NodeScore",
    "csi_index",
]

_WEIGHT_TOL = 1e-6


class CSINode(FrozenModel):
    """One node of an indicator hierarchy.

    Attributes
    ----------
    name : str
        Unique name in the tree.
    weight : float, optional
        Weight within its parent; siblings' weights sum to 1. All siblings
        give a weight, or none does (then the parent's ``pairwise`` matrix
        or equal weights apply).
    column : str, optional
        Data column of a leaf (defaults to ``name``). Only leaves have one.
    children : tuple of CSINode
        Sub-indicators; empty for a leaf.
    pairwise : tuple of tuples of float, optional
        AHP comparison matrix over ``children`` (in order) giving their
        weights (Saaty 1980).
    """

    name: str = Field(min_length=1)
    weight: float | None = Field(default=None, ge=0.0)
    column: str | None = None
    children: tuple[CSINode, ...] = ()
    pairwise: tuple[tuple[float, ...], ...] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CSINode:
        if self.children:
            if self.column is not None:
                msg = (
                    f"node {self.name!r} has children and so cannot name a column "
                    f"({self.column!r})"
                )
                raise ValueError(msg)
            given = [c.weight is not None for c in self.children]
            if any(given) and not all(given):
                missing = [c.name for c in self.children if c.weight is None]
                msg = (
                    f"the children of {self.name!r} must all have weights or none; "
                    f"missing for {missing}"
                )
                raise ValueError(msg)
            if all(given):
                if self.pairwise is not None:
                    msg = (
                        f"node {self.name!r} has both child weights and a pairwise "
                        "matrix"
                    )
                    raise ValueError(msg)
                total = sum(float(c.weight or 0.0) for c in self.children)
                if abs(total - 1.0) > _WEIGHT_TOL:
                    msg = (
                        f"the weights of the children of {self.name!r} must sum to 1; "
                        f"got {total:.6g}"
                    )
                    raise ValueError(msg)
            if self.pairwise is not None and (
                len(self.pairwise) != len(self.children)
                or any(len(r) != len(self.children) for r in self.pairwise)
            ):
                msg = (
                    f"the pairwise matrix of {self.name!r} must be "
                    f"{len(self.children)} x {len(self.children)} (one row per child)"
                )
                raise ValueError(msg)
        elif self.pairwise is not None:
            msg = f"leaf {self.name!r} cannot have a pairwise matrix"
            raise ValueError(msg)
        return self

    @property
    def item(self) -> str:
        """Data column of a leaf."""
        return self.column if self.column is not None else self.name

    def walk(
        self, depth: int = 0, parent: str | None = None
    ) -> Iterator[tuple[CSINode, int, str | None]]:
        """Yield (node, depth, parent name) in depth-first order."""
        yield self, depth, parent
        for child in self.children:
            yield from child.walk(depth + 1, self.name)


class CSITree(FrozenModel):
    """A validated CSI indicator hierarchy.

    Attributes
    ----------
    root : CSINode
        The index node.
    scale : Scale
        The items' answer scale (for rescaling to 0-100 and range checks).
    name : str
        Index name shown in reports.

    Examples
    --------
    >>> from satmodels import Scale
    >>> from satmodels.csi import CSITree
    >>> tree = CSITree.from_dict(
    ...     {
    ...         "name": "CSI",
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
    >>> tree.columns()
    ('q1', 'q2', 'q3')
    """

    root: CSINode
    scale: Scale
    name: str = Field(default="CSI", min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> CSITree:
        names = [n.name for n, _, _ in self.root.walk()]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            msg = f"node names must be unique; repeated: {dup}"
            raise ValueError(msg)
        if not self.root.children:
            msg = "the root must have at least one child"
            raise ValueError(msg)
        items = [n.item for n, _, _ in self.root.walk() if not n.children]
        dup = sorted({c for c in items if items.count(c) > 1})
        if dup:
            msg = f"each data column may appear in one leaf only; repeated: {dup}"
            raise ValueError(msg)
        return self

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any] | str) -> CSITree:
        """Build a tree from a dict or a JSON string (raises InputError)."""
        data = json.loads(spec) if isinstance(spec, str) else dict(spec)
        return validated(cls, "CSITree", **data)

    def columns(self) -> tuple[str, ...]:
        """Return the data columns of the leaves, depth-first."""
        return tuple(n.item for n, _, _ in self.root.walk() if not n.children)

    def with_weights(self, weights: Mapping[str, float]) -> CSITree:
        """Return a copy with node weights replaced (e.g. derived importances).

        ``weights`` maps node names to weights; each group of siblings that
        receives weights is renormalised to sum to 1, and its parent's
        pairwise matrix dropped.
        """
        unknown = set(weights) - {n.name for n, _, _ in self.root.walk()}
        if unknown:
            msg = (
                "The 'weights' parameter of CSITree.with_weights names unknown "
                f"nodes: {sorted(unknown)}."
            )
            raise InputError(msg)

        def rebuild(node: CSINode) -> dict[str, Any]:
            out: dict[str, Any] = node.model_dump(
                exclude={"children", "pairwise", "scale"}
            )
            kids = [rebuild(c) for c in node.children]
            hit = [c.name in weights for c in node.children]
            if kids and any(hit):
                if not all(hit):
                    missing = [c.name for c in node.children if c.name not in weights]
                    msg = (
                        "CSITree.with_weights: give weights for all children of "
                        f"{node.name!r}; missing {missing}."
                    )
                    raise InputError(msg)
                total = sum(float(weights[c.name]) for c in node.children)
                if total <= 0:
                    msg = (
                        "CSITree.with_weights: weights of the children of "
                        f"{node.name!r} sum to {total}."
                    )
                    raise InputError(msg)
                for kid, c in zip(kids, node.children, strict=True):
                    kid["weight"] = float(weights[c.name]) / total
            elif node.pairwise is not None:
                out["pairwise"] = node.pairwise
            out["children"] = kids
            return out

        return validated(
            CSITree,
            "CSITree.with_weights",
            root=rebuild(self.root),
            scale=self.scale,
            name=self.name,
        )


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
        0-100 score and its normal interval.
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
    confidence_level : float
    """

    index: float
    se: float
    ci_low: float
    ci_high: float
    scores: dict[str, float]
    nodes: tuple[NodeScore, ...]
    ahp: dict[str, AHPResult]
    n: int
    n_missing: int
    name: str
    confidence_level: float

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Return the normal interval of the index at another level."""
        level = check_confidence_level(
            confidence_level, "CSIResult.confidence_interval"
        )
        z = normal_quantile(level)
        return ConfidenceInterval(
            max(self.index - z * self.se, 0.0), min(self.index + z * self.se, 100.0)
        )

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
            f"{self.confidence_level:.0%} normal intervals."
        ]
        notes.extend(
            f"AHP at {k}: CR = {a.consistency_ratio:.3f} "
            f"({'ok' if a.consistent else 'INCONSISTENT'})"
            for k, a in self.ahp.items()
        )
        return Summary(
            title=f"{self.name} index",
            tables=(table("", header, rows, digits=2),),
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


def _mean_covariance(m: Moments) -> FloatArray:
    """Covariance matrix of the (weighted) item means (listwise Moments)."""
    cov = m.covariance()
    wi = np.diagonal(m.weight_sum)
    return np.asarray(cov * m.weight_sq_sum / np.outer(wi, wi))


def csi_index(
    data: object,
    *,
    tree: CSITree | Mapping[str, Any],
    columns: Sequence[str] | None = None,
    weights: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
    on_inconsistent: Literal["warn", "raise", "ignore"] = "warn",
) -> CSIResult:
    r"""Weighted satisfaction index (0-100) from an indicator hierarchy.

    Parameters
    ----------
    data : array_like, dataframe or Moments
        Respondents x items holding the tree's leaf columns (for an array,
        the columns in ``tree.columns()`` order, or named by ``columns``),
        or precomputed :class:`~satmodels.Moments` of those columns (e.g.
        from a lazy engine).
    tree : CSITree or mapping
        The validated hierarchy (a dict or JSON-like mapping is validated
        with :meth:`CSITree.from_dict`).
    columns : sequence of str, optional
        Names of an array's columns (default: ``tree.columns()``).
    weights : array_like or str, optional
        Case weights.
    confidence_level : float
    nan_policy : {"omit", "raise"}
        Respondents with a missing item are excluded (listwise, counted in
        ``n_missing``) or raise.
    on_inconsistent : {"warn", "raise", "ignore"}
        What an AHP matrix with CR >= 0.10 does.

    Returns
    -------
    CSIResult

    Raises
    ------
    InputError
        Missing leaf columns, answers off the scale, inconsistent AHP
        matrices with ``on_inconsistent="raise"``.

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
    >>> x = np.array([[5, 4, 3], [4, 4, 5], [3, 5, 4]])
    >>> r = csi_index(x, tree=tree)
    >>> round(r.index, 2), round(r.scores["product"], 2)
    (77.5, 79.17)
    """
    where = "csi_index"
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
    if isinstance(data, Moments):
        missing_cols = [c for c in leaves if c not in data.columns]
        if missing_cols:
            msg = (
                f"The 'data' Moments of {where} lack the leaf column(s) {missing_cols}."
            )
            raise InputError(msg)
        m = data.select(leaves)
        bad = [
            c
            for c, v in zip(leaves, m.mean, strict=True)
            if not tree.scale.minimum <= v <= tree.scale.maximum
        ]
        if bad:
            msg = (
                f"The item means of {bad} in the 'data' Moments of {where} lie "
                f"outside the {tree.scale.describe()} scale."
            )
            raise InputError(msg)
    elif _frames.is_lazy(data):
        m = moments_of(
            data,
            columns=leaves,
            weights=weights,
            nan_policy=nan_policy,
            name="data",
            where=where,
        )
    else:
        is_frame = _frames.is_frame(data)
        tab = _frames.as_table(
            data,
            columns=leaves
            if is_frame
            else (columns if columns is not None else leaves),
            name="data",
            where=where,
        )
        if not is_frame:
            idx = (
                [tab.columns.index(c) for c in leaves]
                if set(leaves) <= set(tab.columns)
                else None
            )
            if idx is None:
                msg = (
                    f"The 'columns' of {where} must include every leaf of the tree: "
                    f"{list(leaves)}. Got {list(tab.columns)}."
                )
                raise InputError(msg)
            values = tab.values[:, idx]
        else:
            values = tab.values
        tree.scale.check(values, columns=leaves, name="data", where=where)
        w = None
        if weights is not None:
            w = case_weights(data, weights, values.shape[0], where)
        m = moments_of(
            values,
            columns=leaves,
            weights=w,
            nan_policy=nan_policy,
            name="data",
            where=where,
        )
    entries, amat, ahps = _leaf_weights(tree, on_inconsistent)
    lo, hi = tree.scale.minimum, tree.scale.maximum
    factor = 100.0 / (hi - lo)
    leaf_scores = (m.mean - lo) * factor
    vm = _mean_covariance(m) * factor * factor
    scores = amat @ leaf_scores
    with np.errstate(invalid="ignore"):
        var = np.einsum("vi,ij,vj->v", amat, vm, amat)
    se = np.sqrt(np.where(var >= 0, var, np.nan))
    z = normal_quantile(level)
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
                ci_low=max(float(scores[k] - z * se[k]), 0.0)
                if math.isfinite(se[k])
                else math.nan,
                ci_high=min(float(scores[k] + z * se[k]), 100.0)
                if math.isfinite(se[k])
                else math.nan,
                total=total,
                maximum=maximum,
                percent=100.0 * total / maximum if maximum > 0 else math.nan,
                n_items=int(under.sum()),
            )
        )
    root = nodes[0]
    return CSIResult(
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
        confidence_level=level,
    )
