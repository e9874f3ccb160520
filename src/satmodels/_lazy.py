"""Public names loaded on first use (PEP 562), one implementation for every package.

The pattern of scientific-python's SPEC 1 (``lazy_loader.attach``): a
package lists its public names and the module defining each; the module
is imported when the name is first touched, and the value is then cached
on the package. ``import satmodels`` stays light, and the command line's
fast path loads the result of c = b / a without the fitting machinery.
The names stay visible to type checkers through ``if TYPE_CHECKING:``
imports in each package.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["attach"]


def attach(
    package: str, names: Mapping[str, str], public: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a package's ``__getattr__`` and ``__dir__``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : mapping of str to str
        Public name -> relative module defining it (``".ratio"``); a name
        mapped to its own module (``"acsi": ".acsi"``) is that module.
    public : sequence of str
        The package's ``__all__`` (what ``dir()`` lists).
    """

    def __getattr__(name: str) -> Any:  # noqa: ANN401, N807 - any public object
        module = names.get(name)
        if module is None:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        loaded = importlib.import_module(module, package)
        value = loaded if module == f".{name}" else getattr(loaded, name)
        setattr(sys.modules[package], name, value)  # the next access is direct
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the module hook's name
        return sorted(public)

    return __getattr__, __dir__
