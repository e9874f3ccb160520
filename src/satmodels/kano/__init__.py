"""The Kano model: functional/dysfunctional answer pairs to quality categories.

* :func:`classify` - category of every respondent x attribute (the
  evaluation table of Berger et al. 1993 as validated, replaceable data);
* :func:`analyze` - counts and shares of A/O/M/I/R/Q per attribute, the
  modal category with a tie rule, the (A+O+M) vs (I+R+Q) rule, Better/Worse
  coefficients with Wilson and bootstrap intervals, total and category
  strength, Fong's test, importance weighting, segments, and per-respondent
  Q/R/missing counts with flags;
* :func:`from_tables` - the same from joint answer counts computed elsewhere;
* :func:`continuous` - DuMouchel's continuous scores and quadrants;
* :func:`compare_waves` - change of categories between two survey waves.

Every per-attribute number derives from one 6 x 6 joint count table per
attribute (answers x answers, with a "missing" row and column), so lazy
frames only need those counts from the engine.

Examples
--------
>>> import numpy as np
>>> from satmodels import kano
>>> f = np.array([[1, 2], [1, 2], [1, 3], [2, 1]])
>>> d = np.array([[5, 5], [4, 5], [4, 5], [5, 3]])
>>> res = kano.analyze(f, d, attributes=["speed", "safety"])
>>> res.category
('A', 'M')
>>> [round(float(b), 2) for b in res.better]
[0.75, 0.25]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..results._summary import Summary, table
from ._continuous import SCORE_PRESETS, ContinuousKanoResult, continuous
from ._core import (
    DEFAULT_TIE_RULE,
    KanoClassification,
    KanoOptions,
    KanoResult,
    analyze,
    classify,
    from_tables,
)
from ._table import (
    ANSWER_NAMES,
    CATEGORIES,
    DEFAULT_ANSWERS,
    STANDARD_TABLE,
    KanoAnswers,
    KanoTable,
)
from ._waves import LIFE_CYCLE, WaveComparison, compare_waves

__all__ = [
    "ANSWER_NAMES",
    "CATEGORIES",
    "DEFAULT_ANSWERS",
    "DEFAULT_TIE_RULE",
    "LIFE_CYCLE",
    "SCORE_PRESETS",
    "STANDARD_TABLE",
    "ContinuousKanoResult",
    "KanoAnswers",
    "KanoClassification",
    "KanoOptions",
    "KanoResult",
    "KanoTable",
    "WaveComparison",
    "analyze",
    "classify",
    "compare_waves",
    "continuous",
    "demo_section",
    "from_tables",
]


def demo_section(survey: dict[str, Any]) -> Summary:
    """Kano section of the ``satmodels demo`` report.

    Parameters
    ----------
    survey : dict of str to array
        Columns ``kano_f1..kano_f6`` and ``kano_d1..kano_d6`` (codes 1 like,
        2 must-be, 3 neutral, 4 live-with, 5 dislike); ``segment`` is used
        when present.

    Returns
    -------
    Summary
        Categories and coefficients per attribute, continuous scores and the
        category per segment.

    Examples
    --------
    >>> from satmodels.datasets import make_survey
    >>> s = demo_section(make_survey(300, rng=1).data)
    >>> s.title
    'Kano model (6 attributes)'
    """
    pairs = [(f"kano_f{a}", f"kano_d{a}") for a in range(1, 7)]
    names = [f"attribute {a}" for a in range(1, 7)]
    segments = np.asarray(survey["segment"]) if "segment" in survey else None
    res = analyze(survey, pairs=pairs, attributes=names, segments=segments)
    cont = continuous(survey, pairs=pairs, attributes=names)
    base = res.summary()
    rows = [
        (
            name,
            float(cont.functional_mean[j]),
            float(cont.dysfunctional_mean[j]),
            cont.quadrant[j],
        )
        for j, name in enumerate(names)
    ]
    tables = (
        *base.tables,
        table(
            "Continuous scores (DuMouchel)",
            ("attribute", "func_mean", "dys_mean", "quadrant"),
            rows,
        ),
    )
    return Summary(title="Kano model (6 attributes)", tables=tables, notes=base.notes)
