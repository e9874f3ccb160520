"""The Kano-to-QFD tutorial runs top to bottom, as a notebook would.

tests/test_readme.py runs each block of docs/*.md in a fresh namespace and
does not look into docs/tutorials/; a tutorial's blocks build on each
other, so they run here in one namespace, in order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "tutorials" / "kano_to_qfd.md"


def test_tutorial_runs_top_to_bottom(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text("utf-8"), re.S)
    assert len(blocks) >= 6
    namespace: dict[str, object] = {"__name__": "tutorial"}
    for i, code in enumerate(blocks):
        exec(compile(code, f"{PAGE.name} block {i}", "exec"), namespace)
    out = capsys.readouterr().out
    # the study recovers the population's Kano categories
    assert "'reliable service': 'M'" in out
    assert "'proactive advice': 'A'" in out
    assert "Technical priorities (Kano-adjusted):" in out
