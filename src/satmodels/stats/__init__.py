"""Mergeable sufficient statistics: :class:`Moments` and category counts.

Every model is fitted from these statistics, never from the rows; they merge
exactly, so they can be computed per chunk, partition or engine and added.
"""

from __future__ import annotations

from ._fourth import FourthMoments
from .counts import CategoryCounts, PairCounts, pair_counts
from .moments import MissingReport, Moments

__all__ = [
    "CategoryCounts",
    "FourthMoments",
    "MissingReport",
    "Moments",
    "PairCounts",
    "pair_counts",
]
