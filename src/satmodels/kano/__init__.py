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
>>> from satmodels import kano
>>> data = {
...     "f1": [1, 1, 1, 2],
...     "d1": [5, 5, 4, 3],
...     "f2": [2, 2, 3, 1],
...     "d2": [5, 5, 5, 3],
... }
>>> res = kano.analyze(
...     data,
...     functional=["f1", "f2"],
...     dysfunctional=["d1", "d2"],
...     attributes=["speed", "safety"],
... )
>>> res.category
('O', 'M')
>>> [round(float(b), 2) for b in res.better]
[0.75, 0.25]
"""

from __future__ import annotations

from ._analyze import analyze, classify, from_tables
from ._continuous import SCORE_PRESETS, ContinuousKanoResult, continuous
from ._options import DEFAULT_TIE_RULE, KanoOptions
from ._result import KanoClassification, KanoResult
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
    "from_tables",
]
