"""Where data enters: the one ingestion layer (arrays, dicts, frames, files).

Every public function hands its ``data`` argument to :func:`read` once; the
rest of the library sees only the :class:`Table` it returns (columns by name,
the numeric matrix or the lazy handle, case weights, segments). This package
and :mod:`satmodels.engines` are the only places that know about dataframe
libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:  # the names below load on first use (PEP 562)
    from ._read import read
    from ._table import Kind, Table

#: Public name -> module that defines it: the file readers of the command
#: line (:mod:`satmodels.data._io`, :mod:`satmodels.data._engine_source`)
#: load without narwhals and the frame dispatch.
_LAZY: dict[str, str] = {"Kind": "._table", "Table": "._table", "read": "._read"}


__all__ = ["Kind", "Table", "read"]

if not TYPE_CHECKING:  # mypy sees the imports above, and flags unknown names
    __getattr__, __dir__ = attach(__name__, _LAZY, __all__)
