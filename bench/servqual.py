"""Benchmark: SERVQUAL gaps from Moments vs the numpy floor and a scipy loop.

No maintained library computes SERVQUAL (PEERS.md: people use
spreadsheets), so the peers are what an analyst writes by hand, measured in
the same run on the same data (22 P and 22 E items on 1-7, complete data,
n = 100,000 and 1,000,000):

* numpy floor: ``G = P - E`` and its column means and standard deviations
  (item gaps and standard errors only: the least any tool must compute);
* scipy loop: ``scipy.stats.ttest_rel`` per item plus ``ttest_1samp`` of the
  per-respondent dimension and overall means (the usual hand-rolled
  analysis with intervals);
* pandas: the same as the floor written with DataFrame operations;
* ``np.cov`` of the 44 columns: the floor of any method that, like
  satmodels, works from the means and covariances (and so runs on lazy
  engines and merges across chunks);
* satmodels ``gaps`` (pairwise Moments of the 44 columns, then every item,
  dimension and score interval), and ``gaps`` with ``nan_policy="raise"``.

Run: ``/work/venv/bin/python bench/servqual.py`` (about a minute); output in
bench/results/servqual.txt.
"""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from satmodels.servqual import SERVQUAL_22, gaps

REPEATS = 3


def best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def data(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    e = rng.integers(4, 8, size=(n, 22)).astype(float)
    p = np.clip(e - rng.integers(-1, 3, size=(n, 22)), 1, 7)
    return p, e


DIM_COLS = [
    [int(i) - 1 for i in SERVQUAL_22.item_ids(d)] for d in SERVQUAL_22.dimensions
]


def numpy_floor(p: np.ndarray, e: np.ndarray) -> object:
    g = p - e
    return g.mean(axis=0), g.std(axis=0, ddof=1) / np.sqrt(g.shape[0])


def scipy_loop(p: np.ndarray, e: np.ndarray) -> object:
    items = [stats.ttest_rel(p[:, i], e[:, i]) for i in range(22)]
    g = p - e
    dims = np.column_stack([g[:, c].mean(axis=1) for c in DIM_COLS])
    per_dim = [stats.ttest_1samp(dims[:, j], 0.0) for j in range(5)]
    overall = stats.ttest_1samp(dims.mean(axis=1), 0.0)
    return items, per_dim, overall


def pandas_way(p: np.ndarray, e: np.ndarray) -> object:
    g = pd.DataFrame(p) - pd.DataFrame(e)
    return g.mean(), g.sem()


def _columns(p: np.ndarray[Any, Any], e: np.ndarray[Any, Any]) -> dict[str, Any]:
    """The survey as gaps() reads it by default: sq_p1..sq_p22, sq_e1..sq_e22."""
    ids = SERVQUAL_22.item_ids()
    out = {f"sq_p{i}": p[:, j] for j, i in enumerate(ids)}
    return out | {f"sq_e{i}": e[:, j] for j, i in enumerate(ids)}


def main() -> None:
    lines = [
        f"python {sys.version.split()[0]} on {platform.machine()}, "
        f"numpy {np.__version__}, pandas {pd.__version__}; best of {REPEATS}",
        "",
        f"{'n':>9}  {'method':<32} {'seconds':>9} {'x numpy floor':>14}",
    ]
    for n in (100_000, 1_000_000):
        p, e = data(n)
        floor = best(lambda p=p, e=e: numpy_floor(p, e))
        pe = _columns(p, e)
        rows = [
            ("numpy floor (item gaps + se)", floor),
            ("pandas (item gaps + se)", best(lambda p=p, e=e: pandas_way(p, e))),
            (
                "np.cov of the 44 P and E columns",
                best(lambda p=p, e=e: np.cov(np.hstack([p, e]), rowvar=False)),
            ),
            ("scipy ttest loop (all levels)", best(lambda p=p, e=e: scipy_loop(p, e))),
            ("satmodels gaps", best(lambda pe=pe: gaps(pe))),
            (
                "satmodels gaps nan_policy=raise",
                best(lambda pe=pe: gaps(pe, nan_policy="raise")),
            ),
        ]
        if n <= 100_000:
            # 5% of answers missing: each item uses its complete pairs, which
            # needs the pairwise Moments kernel (the floor here is nanmean)
            pm = p.copy()
            pm[np.random.default_rng(1).random(pm.shape) < 0.05] = np.nan
            pme = _columns(pm, e)
            rows.append(("satmodels gaps, 5% missing", best(lambda pme=pme: gaps(pme))))
            rows.append(
                (
                    "numpy nanmean/nanstd, 5% missing",
                    best(
                        lambda pm=pm, e=e: (np.nanmean(pm - e, 0), np.nanstd(pm - e, 0))
                    ),
                )
            )
        lines.extend(
            f"{n:>9}  {name:<32} {sec:>9.3f} {sec / floor:>14.1f}" for name, sec in rows
        )
        lines.append("")
    out = "\n".join(lines)
    print(out)


if __name__ == "__main__":
    main()
