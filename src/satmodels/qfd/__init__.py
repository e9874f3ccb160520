"""Quality Function Deployment: the house of quality.

* :func:`house` - customer requirements with importance (given, or taken
  from an IPA, driver, CSI-tree or Kano result), the relationship matrix to
  technical characteristics on a declared scale (9/3/1 by default), the
  planning matrix (own and competitors' performance, planned level, improvement
  ratio, sales points, raw and normalised weights), the Kano-adjusted
  improvement ratio (Tan & Shen 2000), the roof (correlations among
  characteristics, trade-offs) and the technical importance (absolute and
  relative) that ranks the characteristics.

A :class:`HouseResult` can be the ``importance`` of the next house: the
four-phase cascade (product -> part -> process characteristics -> process
control), where each phase's "hows" become the next phase's "whats".
"""

from __future__ import annotations

from ._house import house
from ._inputs import (
    DEFAULT_KANO_EXPONENTS,
    RELATIONSHIP_SCALE,
    ROOF_SCALE,
    HouseOptions,
)
from ._result import HouseResult

__all__ = [
    "DEFAULT_KANO_EXPONENTS",
    "RELATIONSHIP_SCALE",
    "ROOF_SCALE",
    "HouseOptions",
    "HouseResult",
    "house",
]
