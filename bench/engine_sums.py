"""Benchmark: many sums on a lazy frame (SERVQUAL by segment, 44 columns).

SERVQUAL's 22 perception and 22 expectation items, pairwise moments per
segment: one grouped aggregation of about 4,000 sums (with weights: 7,800).
Through narwhals, DuckDB's Python layer checks every output column of the
final rename against every other one, so the cost grows with the square of
the number of sums; satmodels now sends DuckDB the sums as SQL text
(``satmodels.engines._sums``). Measured in one run, best of ``--repeat``:

* ``Table.moments_by_segment`` on the rows in memory (the floor),
* the same on a polars LazyFrame (narwhals expressions),
* on a DuckDB relation, SQL text (now),
* on a DuckDB relation through narwhals (before; forced for this run),

at n = 500 (the bundled sample survey) and n = 100,000 (the same
generator), checking that every path gives the same moments.

Run: ``python bench/engine_sums.py`` (writes bench/results/engine_sums.txt).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

from satmodels.data import read
from satmodels.datasets import make_survey
from satmodels.engines import _sums

OUT = Path(__file__).resolve().parents[1] / "bench" / "results" / "engine_sums.txt"


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best time of ``repeat`` calls, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def grouped(frame: object, cols: list[str]) -> Callable[[], Any]:
    """The grouped pairwise moments of ``cols`` by segment, as a call."""
    table = read(frame, where="bench", columns=cols, segments="segment")
    return lambda: table.moments_by_segment(cols, missing="pairwise")


def main() -> None:
    """Time the four paths at two sizes and write the results."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    say(
        f"# SERVQUAL moments by segment on lazy frames "
        f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load "
        f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}; duckdb "
        f"{duckdb.__version__}, polars {pl.__version__}); best of {args.repeat}"
    )
    for n in (500, 100_000):
        data = make_survey(n, rng=20261201).to_frame("pandas")
        cols = [c for c in data.columns if c.startswith("sq_")]
        rel = duckdb.connect().from_df(data)
        lazy = pl.from_pandas(data).lazy()
        say(f"\n## n = {n:,}, {len(cols)} columns, pairwise, by segment")

        t_mem, ref = best(grouped(data, cols), args.repeat)
        say(f"rows in memory (floor)        : {t_mem:8.3f} s")
        results = {}
        for label, frame in (("polars LazyFrame (narwhals)", lazy),
                             ("DuckDB relation, SQL text   ", rel)):  # fmt: skip
            t, results[label] = best(grouped(frame, cols), args.repeat)
            say(f"{label}  : {t:8.3f} s   {t / t_mem:7.1f}x memory")
        real = _sums._duckdb
        _sums._duckdb = lambda frame: None
        try:
            t_old, results["old"] = best(grouped(rel, cols), 1)
        finally:
            _sums._duckdb = real
        say(f"DuckDB through narwhals (before): {t_old:6.3f} s   {t_old / t_mem:7.1f}x "
            "memory (one run)")  # fmt: skip
        worst = max(
            float(np.max(np.abs(got[k].covariance() - ref[k].covariance())))
            for got in results.values()
            for k in ref
        )
        say(f"largest |covariance difference| against memory: {worst:.1e}")
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
