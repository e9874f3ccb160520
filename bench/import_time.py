"""Benchmark: how long ``import satmodels`` and a first model call take to load.

Run from the repository root::

    python bench/import_time.py [REPEATS]

Each line is the median wall time of REPEATS (default 15) fresh
interpreters, interleaved, that run one statement and report the time it
took (``time.perf_counter`` around the statement, so the interpreter's own
start-up is not counted), satmodels from its bytecode as an installed
package (bench/_installed.py). Measured in the same run:

- ``import numpy`` (the floor: satmodels cannot load without it, though
  ``import satmodels`` itself does not import it) and ``import scipy.stats``;
- ``import satmodels`` (target < 150 ms): the models load on first use
  (PEP 562);
- the first use of each model module (``satmodels.ratio``,
  ``satmodels.csi``, ``satmodels.kano``, ``satmodels.servqual``,
  ``satmodels.acsi``), and the modules the command line's fast path loads
  before DuckDB scans.

Output is also written to bench/results/import_time.txt.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _installed import installed_env

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "import_time.txt"

CHILD = r"""
import json, sys, time
stmt = sys.argv[1]
t0 = time.perf_counter()
exec(stmt)
print(json.dumps({"wall": time.perf_counter() - t0}))
"""

CASES = [
    ("import numpy (floor)", "import numpy"),
    ("import scipy.stats", "import scipy.stats"),
    ("import satmodels", "import satmodels"),
    ("satmodels.satisfaction_ratio", "import satmodels; satmodels.satisfaction_ratio"),
    ("satmodels.csi", "import satmodels.csi"),
    ("satmodels.kano", "import satmodels.kano"),
    ("satmodels.servqual", "import satmodels.servqual"),
    ("satmodels.acsi", "import satmodels.acsi"),
    (
        "CLI before DuckDB scans",
        "from satmodels import cli; import satmodels._ratio_scan, "
        "satmodels.data._engine_source",
    ),
]


def _once(stmt: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, stmt],
        capture_output=True,
        text=True,
        check=True,
        env=installed_env(),  # satmodels from its bytecode
    )
    return float(json.loads(out.stdout)["wall"])


def main(repeats: int = 15) -> None:
    """Time every case ``repeats`` times, interleaved, and print the medians."""
    times: dict[str, list[float]] = {name: [] for name, _ in CASES}
    load = os.getloadavg()
    for _ in range(repeats):
        for name, stmt in CASES:
            times[name].append(_once(stmt))
    floor = statistics.median(times["import numpy (floor)"])
    lines = [
        f"# import time ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        f"# machine: {os.cpu_count()} cores, shared; load average "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the start",
        f"# median of {repeats} fresh interpreters each (interpreter start-up "
        "not counted)",
        "",
    ]
    for name, _ in CASES:
        med = statistics.median(times[name])
        extra = ""
        if name == "import satmodels":
            extra = f"   (target < 150 ms: {'met' if med < 0.150 else 'not met'})"
        lines.append(
            f"{name:32s}: {med * 1e3:7.1f} ms   {med / floor:5.2f}x numpy{extra}"
        )
    text = "\n".join(lines) + "\n"
    print(text, end="")
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
