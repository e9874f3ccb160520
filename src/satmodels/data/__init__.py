"""Where data enters: the one ingestion layer (arrays, dicts, frames, files).

Every public function hands its ``data`` argument to :func:`read` once; the
rest of the library sees only the :class:`Table` it returns (columns by name,
the numeric matrix or the lazy handle, case weights, segments). This package
and :mod:`satmodels.engines` are the only places that know about dataframe
libraries.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below load on first use (PEP 562)
    from ._read import read
    from ._table import Kind, Table

#: Public name -> module that defines it: the file readers of the command
#: line (:mod:`satmodels.data._io`, :mod:`satmodels.data._engine_source`)
#: load without narwhals and the frame dispatch.
_LAZY: dict[str, str] = {"Kind": "._table", "Table": "._table", "read": "._read"}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - any public object
    """Load a public name of this module on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'satmodels.data' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = ["Kind", "Table", "read"]
