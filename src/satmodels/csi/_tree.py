"""The validated CSI indicator hierarchy (plain data, can be written as JSON).

A :class:`CSITree` is a root node whose children are dimensions, whose
children are sub-dimensions ... down to leaves, which are survey items (data
columns). The weights of the children of each node are given (and sum to
1), come from an AHP pairwise-comparison matrix on that node (Saaty 1980),
or default to equal weights.

References
----------
.. [1] Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import Field, model_validator

from .._validation import FrozenModel, validated
from ..exceptions import InputError
from ..scales import Scale

__all__ = ["CSINode", "CSITree"]

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
    Dimensions weighted by an AHP matrix (staff judged three times as
    important as speed), a leaf reading a differently named column
    (:func:`~satmodels.csi.csi_index` shows given weights):

    >>> from satmodels.csi import CSITree
    >>> tree = CSITree.from_dict(
    ...     {
    ...         "name": "Service index",
    ...         "scale": {"kind": "likert", "minimum": 1, "maximum": 7},
    ...         "root": {
    ...             "name": "service",
    ...             "pairwise": [[1, 3], [1 / 3, 1]],
    ...             "children": [
    ...                 {"name": "staff", "children": [{"name": "s1"}, {"name": "s2"}]},
    ...                 {"name": "speed", "children": [{"name": "t", "column": "w"}]},
    ...             ],
    ...         },
    ...     }
    ... )
    >>> tree.columns()
    ('s1', 's2', 'w')
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
        """Build a tree from a dict or a JSON string.

        Raises
        ------
        InputError
            Text that is not JSON, a specification that is not a mapping
            with string keys, or a tree that breaks a rule (the message
            names the node).
        """
        if isinstance(spec, str):
            try:
                spec = json.loads(spec)
            except json.JSONDecodeError as exc:
                msg = (
                    "The 'spec' parameter of CSITree.from_dict is not valid JSON: "
                    f"{exc}."
                )
                raise InputError(msg) from exc
        if not isinstance(spec, Mapping) or not all(isinstance(k, str) for k in spec):
            msg = (
                "The 'spec' parameter of CSITree.from_dict must be a mapping with "
                f"string keys (or its JSON text). Got {type(spec).__name__}."
            )
            raise InputError(msg)
        return validated(cls, "CSITree", **dict(spec))

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
