"""The national index tutorial runs top to bottom as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "tutorials" / "national_index.md"


def test_tutorial_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text("utf-8"), re.S)
    assert len(blocks) >= 4
    namespace: dict[str, object] = {}
    for code in blocks:  # one namespace: the blocks build on each other
        exec(compile(code, str(PAGE), "exec"), namespace)
    assert namespace["flagged"] == [("company", "c03"), ("company", "c08")]
    first = namespace["first"]
    assert round(first.national, 2) == 61.1  # type: ignore[attr-defined]
