"""The customer-orientation self-assessment as a ready CSI tree.

The founding documents' questionnaire for a "customer-oriented company"
(MISSION.md section 2): items scored 1-5 in seven categories whose maximum
totals are 35, 25, 20, 35, 20, 35 and 30; each category is reported as its
score and its percentage of the maximum. It is the weighted-index machinery
of :mod:`satmodels.csi._hierarchy` with a fixed tree; shareholder, manager
and employee indices are built the same way with their own trees.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from .._validation import validated
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError
from ..scales import Scale
from ._hierarchy import CSIResult, csi_index
from ._tree import CSITree

__all__ = [
    "CUSTOMER_ORIENTATION",
    "CUSTOMER_ORIENTATION_MAXIMA",
    "customer_orientation",
    "customer_orientation_tree",
]


#: Maximum totals of the seven categories of the customer-orientation
#: self-assessment (MISSION.md section 2); items are scored 1-5, so the
#: categories hold 7, 5, 4, 7, 4, 7 and 6 items.
CUSTOMER_ORIENTATION_MAXIMA: tuple[int, ...] = (35, 25, 20, 35, 20, 35, 30)


def customer_orientation_tree(
    *,
    categories: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> CSITree:
    """Build the customer-orientation self-assessment as a ready tree.

    Seven categories with maximum totals 35, 25, 20, 35, 20, 35 and 30
    (MISSION.md section 2), i.e. 7, 5, 4, 7, 4, 7 and 6 items scored 1-5,
    40 items in all. Categories are weighted by their item counts, so the
    index is the 0-100 rescaled mean of all 40 items; each category's
    ``total``, ``maximum`` and ``percent`` give the questionnaire's score and
    percentage of the maximum.

    Parameters
    ----------
    categories : sequence of 7 str, optional
        Category names (default ``category_1`` ... ``category_7``).
    columns : sequence of 40 str, optional
        Item columns in order (default ``co1_1`` ... ``co7_6``: category,
        item).

    Returns
    -------
    CSITree

    Examples
    --------
    >>> from satmodels.csi import customer_orientation_tree
    >>> tree = customer_orientation_tree()
    >>> len(tree.columns()), [len(c.children) for c in tree.root.children]
    (40, [7, 5, 4, 7, 4, 7, 6])
    """
    sizes = [m // 5 for m in CUSTOMER_ORIENTATION_MAXIMA]
    names = (
        list(categories)
        if categories is not None
        else [f"category_{i + 1}" for i in range(7)]
    )
    if len(names) != 7:
        msg = (
            "The 'categories' parameter of customer_orientation_tree must name 7 "
            f"categories. Got {len(names)}."
        )
        raise InputError(msg)
    default_cols = [f"co{i + 1}_{j + 1}" for i, s in enumerate(sizes) for j in range(s)]
    cols = list(columns) if columns is not None else default_cols
    if len(cols) != sum(sizes):
        msg = (
            "The 'columns' parameter of customer_orientation_tree must name "
            f"{sum(sizes)} items. Got {len(cols)}."
        )
        raise InputError(msg)
    children = []
    start = 0
    for name, size in zip(names, sizes, strict=True):
        items = [
            {"name": f"{name}:{c}", "column": c} for c in cols[start : start + size]
        ]
        start += size
        children.append({"name": name, "weight": size / sum(sizes), "children": items})
    return validated(
        CSITree,
        "customer_orientation_tree",
        name="Customer orientation self-assessment",
        scale=Scale.likert(1, 5),
        root={"name": "customer orientation", "children": children},
    )


#: The ready tree with default names (see :func:`customer_orientation_tree`).
CUSTOMER_ORIENTATION: CSITree = customer_orientation_tree()


def customer_orientation(
    data: object,
    *,
    tree: CSITree = CUSTOMER_ORIENTATION,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> CSIResult:
    """Score the customer-orientation self-assessment (seven categories).

    A thin wrapper of :func:`csi_index` with :data:`CUSTOMER_ORIENTATION`:
    each category node reports its mean ``total`` (score), ``maximum``
    (35, 25, 20, 35, 20, 35, 30) and ``percent`` of the maximum.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        Respondents x the tree's 40 item columns (a bare array: in tree
        order, or named by ``columns``).
    tree : CSITree
        The questionnaire (default :data:`CUSTOMER_ORIENTATION`; build
        another with :func:`customer_orientation_tree`).
    columns, weights, segments, confidence_level, nan_policy
        As in :func:`csi_index`.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.

    Returns
    -------
    CSIResult

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.csi import customer_orientation
    >>> r = customer_orientation(np.full((3, 40), 4.0))
    >>> [(s.total, s.maximum, s.percent) for s in r.nodes if s.depth == 1][:2]
    [(28.0, 35.0, 80.0), (20.0, 25.0, 80.0)]
    """
    if design is not None:
        return fit_with_design(customer_orientation, locals())
    return csi_index(
        data,
        tree=tree,
        columns=columns,
        weights=weights,
        segments=segments,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
    )
