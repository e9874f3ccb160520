"""The environment bench children run in: satmodels as an installed package.

``pip install`` writes each module's bytecode; this checkout's ``src`` has
none until something compiles it, and an environment that sets
``PYTHONDONTWRITEBYTECODE`` (as some containers do) would have every child
compile satmodels from source again (30-40 ms a run, charged to satmodels
and never to DuckDB or numpy, whose bytecode was written at install).
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _compiled() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "satmodels")],
        check=True,
        env=env,
    )
    return env


def installed_env(**extra: str) -> dict[str, str]:
    """Return the children's environment, satmodels compiled on the first call."""
    return _compiled() | extra
