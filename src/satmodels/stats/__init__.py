"""Mergeable sufficient statistics: :class:`Moments` and category counts.

Every model is fitted from these statistics, never from the rows; they merge
exactly, so they can be computed per chunk, partition or engine and added.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:  # noqa: ANN401 - any public object
    """Load a public name of this module on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'satmodels.stats' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "CategoryCounts",
    "FourthMoments",
    "MissingReport",
    "Moments",
    "PairCounts",
    "pair_counts",
]
