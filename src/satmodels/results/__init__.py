"""Where results are formed: intervals, the estimates table, summaries."""

from __future__ import annotations

from ._base import ConfidenceInterval, ResultMixin
from ._summary import Summary

__all__ = ["ConfidenceInterval", "ResultMixin", "Summary"]
