"""National satisfaction indices: company ACSI fits aggregated to the nation.

:func:`index` fits the ACSI model of every company from one grouped pass
over the survey and aggregates the companies' satisfaction indices to
industries (revenue), sectors (revenue) and the nation (GDP shares), with
standard errors from a bootstrap or the survey design, and flags the
companies whose interval is wider than the programme's precision target;
:func:`compare` tests the wave-to-wave change at every level.
"""

from __future__ import annotations

from ._compare import compare
from ._index import index
from ._result import ChangeResult, NationalResult

__all__ = ["ChangeResult", "NationalResult", "compare", "index"]
