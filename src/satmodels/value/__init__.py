"""Customer delivered value: total customer value against total customer cost.

* :func:`delivered_value` - from survey items: each of Kotler's value
  components (product, service, personnel, image) and cost components
  (money, time, energy, physical effort) scored by its items, the totals,
  delivered value as difference and as ratio, with t or bootstrap
  intervals, per segment (``segments=``, e.g. the brand rated) and
  compared across segments (``result.compare(reference)``: own brand
  against competitors);
* :func:`from_figures` - the same from given amounts.
"""

from __future__ import annotations

from ._delivered import COST_COMPONENTS, VALUE_COMPONENTS, delivered_value, from_figures
from ._result import DeliveredValueResult

__all__ = [
    "COST_COMPONENTS",
    "VALUE_COMPONENTS",
    "DeliveredValueResult",
    "delivered_value",
    "from_figures",
]
