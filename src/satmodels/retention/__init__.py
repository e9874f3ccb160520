r"""Retention economics: lifetime value, the profit of retention, customer equity.

* :func:`lifetime_value` - customer lifetime value under a retention rate,
  a margin (optionally growing with tenure) and a discount rate, in closed
  form (Gupta & Lehmann 2003) or summed per period for a cohort;
* :func:`retention_effect` - the profit effect of a change in the
  retention rate (the documents' "small retention gains raise profit
  strongly", computed for the caller's figures);
* :func:`acquisition_vs_retention` - the cost of winning against keeping a
  customer and Blattberg & Deighton's (1996) customer equity.

The documents' figures (a 5-point retention gain raising profit by up to
85 %, winning a customer costing six times keeping one) are worked examples
in docs/retention.md, never constants in the code.
"""

from __future__ import annotations

from ._clv import acquisition_vs_retention, lifetime_value, retention_effect
from ._result import AcquisitionResult, LifetimeValueResult, RetentionEffectResult

__all__ = [
    "AcquisitionResult",
    "LifetimeValueResult",
    "RetentionEffectResult",
    "acquisition_vs_retention",
    "lifetime_value",
    "retention_effect",
]
