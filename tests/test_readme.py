"""Every Python example in README.md and docs/*.md runs as written.

They are a newcomer's first code: each ```python block is executed in a
fresh namespace, with the working directory at the repository root (the
ECSI data, where a page uses it, is at ``../shared/data/ecsi/``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    (page, i, code)
    for page in PAGES
    for i, code in enumerate(
        re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    )
]


@pytest.mark.parametrize(
    ("page", "index", "code"),
    BLOCKS,
    ids=[f"{p.name}-{i}" for p, i, _ in BLOCKS],
)
def test_example_runs(
    page: Path,
    index: int,
    code: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    if "../shared/data" in code and not (ROOT / "../shared/data").exists():
        pytest.skip("the shared ECSI data is not beside this checkout")
    exec(compile(code, f"{page.name} block {index}", "exec"), {"__name__": "docs"})
    capsys.readouterr()


def test_readme_has_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && satmodels demo" in text
    assert 'pip install -e ".[test]" && pytest' in text
    assert os.sep  # the commands are the ones .ci/run executes
