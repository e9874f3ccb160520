"""The CSI section of the ``satmodels demo`` report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..csi import CSITree, csat, csi_index, csm, nps, shapley_importance
from ..results._estimates import Estimates
from ..results._summary import Summary, SummaryTable, table
from ..scales import FIVE_LEVEL, Scale

__all__ = ["section"]

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


def _by_segment(title: str, header: str, est: Estimates) -> SummaryTable:
    """One row per segment of ``est`` (``"all"`` for the overall row)."""
    rows = [
        [seg or "all", est.estimate[i], est.ci_low[i], est.ci_high[i], est.n[i]]
        for i, seg in enumerate(est.segment)
    ]
    return table(title, ["segment", header, "ci_low", "ci_high", "n"], rows, digits=1)


def section(survey: Mapping[str, Any]) -> Summary:
    """NPS, CSAT, key drivers, CSM and a weighted CSI on the sample survey.

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
    >>> from satmodels.demo.csi import section
    >>> text = str(section(load_sample_survey()))
    >>> "Net Promoter Score" in text and "Shapley" in text
    True
    """
    weight = np.asarray(survey["weight"], dtype=np.float64)
    segment = np.asarray(survey["segment"])
    tables: list[SummaryTable] = []
    r_nps = nps(survey, items="nps", weights="weight", segments="segment")
    tables.append(
        _by_segment(
            "Net Promoter Score (weighted, 95% Wald interval)",
            "nps",
            r_nps.estimates.select("nps"),
        )
    )
    r_csat = csat(
        survey,
        items="overall",
        scale=Scale.likert(1, 10),
        top_box=2,
        weights="weight",
        segments="segment",
    )
    tables.append(
        _by_segment(
            "CSAT: top-2-box share of overall (9-10), Wilson interval",
            "csat %",
            r_csat.estimates.select("share"),
        )
    )
    items = ["qual1", "qual2", "qual3", "qual4", "val1", "val2"]
    r_drv = shapley_importance(survey, target="overall", items=items)
    rows = [[k, v, r_drv.share[k]] for k, v in r_drv.importance.items()]
    tables.append(
        table(
            f"Key drivers of overall (Shapley/LMG, R2 = {r_drv.r_squared:.3f})",
            ["driver", "importance", "share"],
            rows,
            digits=3,
        )
    )
    # CSM on the five-level 100/80/60/30/0 scoring of the three satisfaction
    # items, coded 1-10 in the survey: 1-2 -> 0, 3-4 -> 30, ..., 9-10 -> 100.
    sat = ["sat1", "sat2", "sat3"]
    coded = {c: np.ceil(np.asarray(survey[c], dtype=np.float64) / 2) for c in sat}
    r_csm = csm(
        coded | {"weight": weight, "segment": segment},
        items=sat,
        scale=FIVE_LEVEL,
        codes=(1, 2, 3, 4, 5),
        weights="weight",
        segments="segment",
    )
    rows = [
        [label, res.csm, res.ci_low, res.ci_high, res.label]
        for label, res in [("all", r_csm), *(r_csm.segments or {}).items()]
    ]
    tables.append(
        table(
            "CSM of sat1-sat3 on the five-level 0/30/60/80/100 scoring (weighted)",
            ["segment", "csm", "ci_low", "ci_high", "label"],
            rows,
            digits=1,
        )
    )
    tree = CSITree.from_dict(DEMO_TREE_SPEC)
    r_csi = csi_index(dict(survey), tree=tree, weights="weight", segments="segment")
    rows = [
        ["  " * s.depth + s.name, s.weight, s.score, s.ci_low, s.ci_high]
        for s in r_csi.nodes
        if s.depth <= 1
    ]
    rows += [
        [f"CSI in {label}", 1.0, res.index, res.ci_low, res.ci_high]
        for label, res in (r_csi.segments or {}).items()
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
    rep = r_nps.missing_report
    excluded = 0 if rep is None else rep.rows_excluded
    return Summary(
        title="CSI indicators",
        tables=tuple(tables),
        notes=(
            f"NPS rows excluded = {excluded}; "
            f"CSI n = {r_csi.n} ({r_csi.n_missing} excluded for missing answers).",
            f"AHP consistency ratio of the dimension weights: {cr:.3f} (Saaty 1980; < "
            "0.10 is acceptable).",
        ),
    )
