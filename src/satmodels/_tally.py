"""Tallies by key (counts of rows per reason, per column), added exactly.

A module of its own so that a result's missing-data report
(:mod:`satmodels.stats._report`) needs neither the engines nor narwhals.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["summed"]


def summed(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    """Add two tallies by key (keys of ``a`` first, then new keys of ``b``)."""
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return out
