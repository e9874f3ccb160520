"""Benchmark: Moments of a 1,000,000 x 16 array against the numpy floor.

Targets (issue #2): Moments.from_data on a float array <= 1.5x ``np.cov`` on
the same array; from a pandas and from a polars frame <= 2x the numpy path.
Timings are the best of ``REPEAT`` runs, measured in the same process so the
ratios are comparable; they are not unit tests.

Run: ``python bench/moments.py`` (writes bench/results/moments.txt).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from satmodels import Moments

N, P, REPEAT = 1_000_000, 16, 5


def best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> str:
    rng = np.random.default_rng(0)
    x = rng.integers(1, 11, size=(N, P)).astype(np.float64)
    cols = [f"q{i}" for i in range(P)]
    lines = [f"Moments benchmark: n={N:,}, p={P}, best of {REPEAT}", ""]

    t_cov = best(lambda: np.cov(x, rowvar=False))
    t_mom = best(lambda: Moments.from_data(x).covariance())
    np.testing.assert_allclose(
        Moments.from_data(x).covariance(), np.cov(x, rowvar=False), rtol=1e-10
    )
    lines.append(f"np.cov (floor)               {t_cov:8.3f} s")
    lines.append(
        f"Moments.from_data(ndarray)   {t_mom:8.3f} s   ratio {t_mom / t_cov:5.2f}x (target <= 1.5x)"
    )

    try:
        import pandas as pd

        frame = pd.DataFrame(x, columns=cols)
        t_pd = best(lambda: Moments.from_data(frame).covariance())
        lines.append(
            f"Moments.from_data(pandas)    {t_pd:8.3f} s   ratio {t_pd / t_mom:5.2f}x numpy path (target <= 2x)"
        )
    except ImportError:
        lines.append("pandas not installed")
    try:
        import polars as pl

        pframe = pl.DataFrame(x, schema=cols)
        t_pl = best(lambda: Moments.from_data(pframe).covariance())
        lines.append(
            f"Moments.from_data(polars)    {t_pl:8.3f} s   ratio {t_pl / t_mom:5.2f}x numpy path (target <= 2x)"
        )
    except ImportError:
        lines.append("polars not installed")

    # merging 100 chunk Moments costs nothing that grows with n
    chunks = np.array_split(x, 100)
    t_chunks = best(lambda: sum_moments([Moments.from_data(c) for c in chunks]))
    lines.append(
        f"100 chunks + 99 merges       {t_chunks:8.3f} s   ratio {t_chunks / t_cov:5.2f}x np.cov"
    )

    xm = x.copy()
    xm[rng.random(xm.shape) < 0.02] = np.nan
    t_pair = best(lambda: Moments.from_data(xm, missing="pairwise").covariance())
    lines.append(
        f"pairwise, 2% missing         {t_pair:8.3f} s   ratio {t_pair / t_cov:5.2f}x np.cov"
    )
    return "\n".join(lines)


def sum_moments(parts: list[Moments]) -> Moments:
    total = parts[0]
    for part in parts[1:]:
        total = total.merge(part)
    return total


if __name__ == "__main__":
    report = main()
    print(report)
    out = Path(__file__).with_name("results") / "moments.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        report + "\n" + f"python {sys.version.split()[0]}, numpy {np.__version__}\n"
    )
