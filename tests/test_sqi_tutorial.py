"""docs/tutorials/sqi.md runs top to bottom (its blocks share one namespace).

tests/test_readme.py runs the pages of docs/ (not its subfolders), each
block on its own; a tutorial builds on its earlier blocks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorials" / "sqi.md"


def test_the_sqi_tutorial_runs_top_to_bottom(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", TUTORIAL.read_text("utf-8"), re.S)
    assert len(blocks) >= 6
    namespace: dict[str, object] = {"__name__": "tutorial"}
    for i, code in enumerate(blocks):
        exec(compile(code, f"tutorials/sqi.md block {i}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "planted:" in out
    assert "Tracking over waves" in out
