"""Benchmark: the Poisson bootstrap of Moments on a DuckDB relation.

The study runner stages a large file as Parquet and runs the ACSI model's
bootstrap (200 replicates) on that DuckDB relation. Measured in one run,
best of ``--repeat``, on ``--rows`` rows of 16 answers on a 1-10 scale:

* numpy in memory, ``Moments.bootstrap(x, method="poisson")`` (the floor:
  the whole array in memory);
* DuckDB, rows streamed to numpy in Arrow batches (now, with pyarrow);
* DuckDB, the same sums as SQL: rows cross-joined with the replicates,
  one aggregate per sum (before; now the path without pyarrow; forced for
  this run);
* polars lazy (hashing, one aggregation through narwhals).

Each path's replicate covariance of the first column is summarised (mean
over replicates), which must agree to bootstrap noise.

Run: ``python bench/engines_poisson.py`` (writes
bench/results/engines_poisson.txt).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from satmodels import Moments
from satmodels.engines import poisson

OUT = Path(__file__).resolve().parents[1] / "bench" / "results" / "engines_poisson.txt"


def _best(fn: Callable[[], Moments], repeat: int) -> tuple[float, float, Moments]:
    best_wall, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    assert out is not None
    return best_wall, best_cpu, out


def main() -> None:
    """Time every path on the same data, print and save the ratios."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--resamples", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    gen = np.random.default_rng(20261201)
    x = gen.integers(1, 11, size=(args.rows, 16)).astype(np.float64)
    cols = [f"x{i}" for i in range(16)]
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    say(f"# Poisson bootstrap of Moments, {args.resamples} replicates ({stamp})")
    say(
        f"# {args.rows:,} rows x 16 columns; {os.cpu_count()} cores, load "
        f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}; best of {args.repeat}"
    )
    b = args.resamples
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.parquet"
        pl.DataFrame(x, schema=cols, orient="row").write_parquet(path)
        con = duckdb.connect()
        rel = con.sql(f"SELECT * FROM read_parquet('{path}')")
        lazy = pl.scan_parquet(path)
        has_pyarrow = poisson._has_pyarrow

        def sql_path() -> Moments:
            poisson._has_pyarrow = lambda: False
            try:
                return Moments.bootstrap(rel, n_resamples=b, method="poisson", rng=1)
            finally:
                poisson._has_pyarrow = has_pyarrow

        runs = {
            "numpy, rows in memory (floor)": lambda: Moments.bootstrap(
                x, n_resamples=b, method="poisson", rng=1
            ),
            "DuckDB, streamed to numpy (now)": lambda: Moments.bootstrap(
                rel, n_resamples=b, method="poisson", rng=1
            ),
            "DuckDB, sums in SQL (before)": sql_path,
            "polars lazy, hashed": lambda: Moments.bootstrap(
                lazy, n_resamples=b, method="poisson", rng=1
            ),
        }
        floor = None
        for label, fn in runs.items():
            wall, cpu, m = _best(fn, args.repeat)
            floor = wall if floor is None else floor
            var = float(np.mean(m.covariance()[:, 0, 0]))
            say(
                f"{label:34s} {wall:7.2f} s wall {cpu:7.2f} s CPU "
                f"{wall / floor:6.2f}x floor  mean replicate var(x0) {var:.4f}"
            )
        con.close()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
