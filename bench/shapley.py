"""Benchmark: Shapley (LMG) importance of 15 drivers on 1,000,000 respondents.

satmodels computes the Moments of (drivers, outcome) in one pass and then
the R-squared of all 2^15 = 32,768 driver subsets from that one 16 x 16
correlation matrix (batched solves). The straightforward alternative fits a
least-squares regression on the raw rows for every subset
(``np.linalg.lstsq`` per subset). That loop takes hours at this size, so we
time a sample of subsets of every size and extrapolate with the number of
subsets of each size (printed below as an estimate, not a measurement).
The numpy floor is one pass computing X'X of the 1,000,000 x 16 matrix.

Run:  python bench/shapley.py  (writes bench/results/shapley.txt)
"""

from __future__ import annotations

import math
import platform
import sys
import time
from pathlib import Path

import numpy as np

from satmodels import Moments
from satmodels.csi import shapley_importance
from satmodels.csi._drivers import _subset_r2

N, P = 1_000_000, 15
PER_SIZE = 2  # sampled subsets per subset size for the row-level loop


def best_of(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> str:
    rng = np.random.default_rng(2024)
    z = rng.normal(size=(N, P))
    mix = 0.5 * np.eye(P) + 0.5 / P
    x = z @ mix
    y = x @ np.linspace(1.0, 0.1, P) + rng.normal(size=N)
    lines = [
        f"Shapley/LMG importance, {P} drivers, n = {N:,} respondents "
        f"(python {platform.python_version()}, numpy {np.__version__})",
    ]

    # numpy floor: one pass over the rows for the cross-product matrix.
    xy = np.column_stack([x, y])
    t_floor = best_of(lambda: xy.T @ xy)

    # satmodels: Moments (one pass) + 2^15 subset regressions from one matrix.
    t_sat = best_of(lambda: shapley_importance(x, y), repeat=2)
    res = shapley_importance(x, y)
    corr = np.asarray(np.corrcoef(xy, rowvar=False), dtype=np.float64).reshape(
        P + 1, P + 1
    )
    t_moments = best_of(lambda: Moments.from_data(xy), repeat=2)
    t_subsets = best_of(lambda: _subset_r2(corr[:P, :P], corr[:P, P]))
    r2_all = _subset_r2(corr[:P, :P], corr[:P, P])

    # Row-level loop: lstsq on the raw rows, sampled per subset size.
    ones = np.ones((N, 1))
    sst = float(((y - y.mean()) ** 2).sum())
    est_total = 0.0
    sampled = 0
    t_sampled = 0.0
    max_err = 0.0
    for k in range(1, P + 1):
        times = []
        for _ in range(PER_SIZE):
            cols = np.sort(rng.choice(P, size=k, replace=False))
            t0 = time.perf_counter()
            design = np.hstack([ones, x[:, cols]])
            beta, *_ = np.linalg.lstsq(design, y, rcond=None)
            resid = y - design @ beta
            r2 = 1.0 - float(resid @ resid) / sst
            dt = time.perf_counter() - t0
            times.append(dt)
            t_sampled += dt
            sampled += 1
            mask = int(sum(1 << int(c) for c in cols))
            max_err = max(max_err, abs(r2 - r2_all[mask]))
        est_total += math.comb(P, k) * float(np.mean(times))

    lines += [
        f"numpy floor (X'X of the {N:,} x {P + 1} matrix, one pass): {t_floor:8.3f} s",
        f"satmodels shapley_importance (Moments + 2^{P} subsets):   {t_sat:8.3f} s",
        f"  of which Moments.from_data (one pass, NaN checks):      {t_moments:8.3f} s",
        f"  of which the 2^{P} = {2**P:,} subset R2 from one matrix:   {t_subsets:8.3f} s",
        f"per-subset lstsq on the rows: {sampled} sampled subsets took "
        f"{t_sampled:.1f} s; extrapolated to all {2**P - 1:,} subsets: "
        f"{est_total:8.0f} s (~{est_total / 3600:.1f} h, estimate)",
        f"max |R2(lstsq) - R2(satmodels)| over the sampled subsets: {max_err:.2e}",
        f"sum of Shapley values - R2 = {sum(res.importance.values()) - res.r_squared:.2e}",
        "",
        f"ratio per-subset loop (extrapolated) / satmodels: {est_total / t_sat:10.0f}x",
        f"ratio satmodels / numpy floor:                    {t_sat / t_floor:10.1f}x",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    text = main()
    print(text)
    out = Path(__file__).parent / "results" / "shapley.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    sys.exit(0)
