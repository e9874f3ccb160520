"""Simulation: coverage of design-based intervals of PLS paths and the index.

The study of ``tests/test_design_coverage.py`` with more replications: each
replication draws a company sample from ``make_national_survey`` (two
regions as strata, six sampling points per region as PSUs, 240 respondents,
unequal weights), fits the ACSI model by PLS and takes stratified
delete-one-PSU jackknife 95% intervals (``design.replicate``, t on
PSUs - strata = 10 df). The truth is the generator's population index and,
for the paths, a census-size PLS fit (200,000 respondents). The Monte Carlo
standard error of a coverage share p over R replications is
sqrt(p (1 - p) / R).

Run: ``python bench/design_coverage.py [--replications 500]`` (writes
bench/results/design_coverage.txt).
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_design_coverage import coverage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replications", type=int, default=500)
    parser.add_argument("--out", default="bench/results/design_coverage.txt")
    args = parser.parse_args()
    start = time.perf_counter()
    got = coverage(args.replications, seed=50_000)
    took = time.perf_counter() - start
    lines = [
        "Coverage of 95% design-based (JKn) intervals, stratified two-stage "
        "sample (2 strata x 6 PSUs, n = 240)",
        f"replications: {args.replications}; python {platform.python_version()}; "
        f"{took:.1f} s ({took / args.replications * 1000:.0f} ms per replication)",
        "",
        f"{'statistic':<14}{'coverage':>10}{'MC s.e.':>10}",
    ]
    for name, share in got.items():
        se = math.sqrt(share * (1 - share) / args.replications)
        lines.append(f"{name:<14}{share:>10.3f}{se:>10.3f}")
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
