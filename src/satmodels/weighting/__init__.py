"""Survey weights from population margins: raking and post-stratification.

:func:`rake` (iterative proportional fitting to several margins) and
:func:`poststratify` (to the totals of cross-classified post-strata) turn
starting weights into weights that reproduce known population totals, and
report how much the weighting costs in precision (Kish's effective sample
size and design effect). On a lazy frame (DuckDB, Spark, polars, Dask) the
respondents are counted per cell in one grouped aggregation on the engine
and the result gives one factor per cell.
"""

from __future__ import annotations

from ._rake import poststratify, rake
from ._result import WeightingResult

__all__ = ["WeightingResult", "poststratify", "rake"]
