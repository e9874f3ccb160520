"""The case files are data for tests/test_conformance.py, not test modules."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

collect_ignore_glob = ["cases_*.py", "_harness.py"]
