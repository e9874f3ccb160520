"""The package's face: every public name resolves, and importing it is light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import satmodels


@pytest.mark.parametrize("name", satmodels.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(satmodels, name) is not None
    assert name in dir(satmodels)


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = satmodels.nope


def test_import_loads_no_model_and_no_scipy_stats() -> None:
    code = (
        "import sys, satmodels\n"
        "heavy = [m for m in ('scipy.stats', 'satmodels.acsi', 'satmodels.csi',"
        " 'semopy', 'pandas') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
