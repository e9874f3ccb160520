"""Mergeable sufficient statistics: :class:`Moments` and category counts.

Every model is fitted from these statistics, never from the rows; they merge
exactly, so they can be computed per chunk, partition or engine and added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:  # the names below load on first use (PEP 562)
    from ._fourth import FourthMoments
    from ._report import MissingReport
    from .counts import CategoryCounts, PairCounts, pair_counts
    from .moments import Moments

#: Public name -> module that defines it: a result that needs only the
#: missing-data report does not load the Moments machinery.
_LAZY: dict[str, str] = {
    "CategoryCounts": ".counts",
    "FourthMoments": "._fourth",
    "MissingReport": "._report",
    "Moments": ".moments",
    "PairCounts": ".counts",
    "pair_counts": ".counts",
}


__all__ = [
    "CategoryCounts",
    "FourthMoments",
    "MissingReport",
    "Moments",
    "PairCounts",
    "pair_counts",
]

if not TYPE_CHECKING:  # mypy sees the imports above, and flags unknown names
    __getattr__, __dir__ = attach(__name__, _LAZY, __all__)
