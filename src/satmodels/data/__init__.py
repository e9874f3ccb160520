"""Where data enters: the one ingestion layer (arrays, dicts, frames, files).

Every public function hands its ``data`` argument to :func:`read` once; the
rest of the library sees only the :class:`Table` it returns (columns by name,
the numeric matrix or the lazy handle, case weights, segments). This package
and :mod:`satmodels.engines` are the only places that know about dataframe
libraries.
"""

from __future__ import annotations

from ._read import read
from ._table import Kind, Table

__all__ = ["Kind", "Table", "read"]
