"""Survey weights from population margins: raking, post-stratification, calibration.

:func:`rake` (iterative proportional fitting to several margins),
:func:`poststratify` (to the totals of cross-classified post-strata) and
:func:`calibrate` (linear/GREG, raking or logit calibration to the totals of
label and numeric columns; rows in memory) turn
starting weights into weights that reproduce known population totals, and
report how much the weighting costs in precision (Kish's effective sample
size and design effect). On a lazy frame (DuckDB, Spark, polars, Dask) the
respondents are counted per cell in one grouped aggregation on the engine
and the result gives one factor per cell.
"""

from __future__ import annotations

from ._calibrate import calibrate
from ._rake import poststratify, rake
from ._result import WeightingResult

__all__ = ["WeightingResult", "calibrate", "poststratify", "rake"]
