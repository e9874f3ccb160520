"""The CSI section of the ``satmodels demo`` report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..results._summary import Summary, SummaryTable, table
from ..scales import Scale
from ._csat import csat
from ._drivers import shapley_importance
from ._hierarchy import CSITree, csi_index
from ._nps import nps

__all__ = ["demo_section"]

#: Example hierarchy over the ACSI sample items: three dimensions weighted by
#: an AHP matrix (quality judged 2x as important as value, 3x satisfaction).
DEMO_TREE_SPEC: dict[str, Any] = {
    "name": "Sample CSI",
    "scale": {"kind": "likert", "minimum": 1, "maximum": 10},
    "root": {
        "name": "CSI",
        "pairwise": [[1, 2, 3], [1 / 2, 1, 2], [1 / 3, 1 / 2, 1]],
        "children": [
            {
                "name": "quality",
                "children": [{"name": f"qual{i}"} for i in range(1, 5)],
            },
            {"name": "value", "children": [{"name": "val1"}, {"name": "val2"}]},
            {
                "name": "satisfaction",
                "children": [{"name": f"sat{i}"} for i in range(1, 4)],
            },
        ],
    },
}


def demo_section(survey: Mapping[str, Any]) -> Summary:
    """NPS, CSAT, key drivers and a weighted CSI on the sample survey.

    Parameters
    ----------
    survey : mapping of str to array
        Columns of :func:`satmodels.datasets.load_sample_survey` (``nps``,
        ``overall``, ``qual1``-``qual4``, ``val1``-``val2``, ``sat1``-``sat3``,
        ``segment``, ``weight``).

    Returns
    -------
    Summary

    Examples
    --------
    >>> from satmodels.datasets import load_sample_survey
    >>> from satmodels.csi import demo_section
    >>> text = str(demo_section(load_sample_survey()))
    >>> "Net Promoter Score" in text and "Shapley" in text
    True
    """
    weight = np.asarray(survey["weight"], dtype=np.float64)
    segment = np.asarray(survey["segment"])
    tables: list[SummaryTable] = []
    r_nps = nps(survey["nps"], weights=weight, segments=segment)
    rows = [
        [r["segment"], r["nps"], r["ci_low"], r["ci_high"], r["n"]]
        for r in r_nps._records()
    ]
    tables.append(
        table(
            "Net Promoter Score (weighted, 95% Wald interval)",
            ["segment", "nps", "ci_low", "ci_high", "n"],
            rows,
            digits=1,
        )
    )
    r_csat = csat(
        survey["overall"],
        scale=Scale.likert(1, 10),
        top_box=2,
        weights=weight,
        segments=segment,
    )
    rows = [
        [r["segment"], r["csat"], r["ci_low"], r["ci_high"], r["n"]]
        for r in r_csat._records()
    ]
    tables.append(
        table(
            "CSAT: top-2-box share of overall (9-10), Wilson interval",
            ["segment", "csat %", "ci_low", "ci_high", "n"],
            rows,
            digits=1,
        )
    )
    items = ["qual1", "qual2", "qual3", "qual4", "val1", "val2"]
    drivers = np.column_stack([np.asarray(survey[c], dtype=np.float64) for c in items])
    r_drv = shapley_importance(
        drivers, np.asarray(survey["overall"], dtype=np.float64), columns=items
    )
    rows = [[k, v, r_drv.share[k]] for k, v in r_drv.importance.items()]
    tables.append(
        table(
            f"Key drivers of overall (Shapley/LMG, R2 = {r_drv.r_squared:.3f})",
            ["driver", "importance", "share"],
            rows,
            digits=3,
        )
    )
    tree = CSITree.from_dict(DEMO_TREE_SPEC)
    cols = tree.columns()
    data = np.column_stack([np.asarray(survey[c], dtype=np.float64) for c in cols])
    r_csi = csi_index(data, tree=tree, columns=cols, weights=weight)
    rows = [
        ["  " * s.depth + s.name, s.weight, s.score, s.ci_low, s.ci_high]
        for s in r_csi.nodes
        if s.depth <= 1
    ]
    tables.append(
        table(
            "Weighted CSI (AHP weights over quality/value/satisfaction, 0-100)",
            ["node", "weight", "score", "ci_low", "ci_high"],
            rows,
            digits=2,
        )
    )
    cr = r_csi.ahp["CSI"].consistency_ratio
    return Summary(
        title="CSI indicators",
        tables=tuple(tables),
        notes=(
            f"NPS n_missing = {r_nps.n_missing}; CSI n = {r_csi.n} ({r_csi.n_missing} "
            "excluded for missing answers).",
            f"AHP consistency ratio of the dimension weights: {cr:.3f} (Saaty 1980; < "
            "0.10 is acceptable).",
        ),
    )
