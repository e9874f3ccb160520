"""Write a large survey CSV for bench/cli_large.py (never committed).

Usage::

    python bench/_make_large_csv.py /tmp/satmodels_large.csv 3600000

One row per respondent: an id, six expected/perceived pairs on a 1-10
scale (``e1..e6``, ``p1..p6``), a case weight with four decimals and two
columns the command does not read (``age``, ``spend``, ``tenure``); about
57 bytes a row (3.6 M rows: ~207 MB). Written in blocks with polars, so
memory stays small whatever the size.
"""

from __future__ import annotations

import sys

import numpy as np
import polars as pl

BLOCK = 500_000


def main(path: str, n_rows: int, seed: int = 7) -> None:
    """Write ``n_rows`` rows to ``path`` (overwriting it)."""
    rng = np.random.default_rng(seed)
    with open(path, "wb") as fh:
        done = 0
        while done < n_rows:
            k = min(BLOCK, n_rows - done)
            cols: dict[str, np.ndarray] = {"id": np.arange(done, done + k)}
            base = rng.normal(size=k)
            for j in range(1, 7):
                e = np.clip(np.round(7 + 1.2 * base + rng.normal(size=k)), 1, 10)
                p = np.clip(np.round(e + 0.3 + rng.normal(size=k)), 1, 10)
                cols[f"e{j}"] = e.astype(np.int64)
                cols[f"p{j}"] = p.astype(np.int64)
            cols["w"] = np.round(rng.uniform(0.5, 2.0, size=k), 4)
            cols["age"] = rng.integers(18, 90, size=k)
            cols["spend"] = np.round(rng.gamma(2.0, 150.0, size=k), 4)
            cols["tenure"] = np.round(rng.exponential(6.0, size=k), 2)
            pl.DataFrame(cols).write_csv(fh, include_header=done == 0)
            done += k


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
