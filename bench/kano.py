"""Benchmark: Kano classification + counts vs a plain numpy bincount floor.

10,000,000 answer pairs (500,000 respondents x 20 attributes), codes 1-5.
The floor is the least work that yields the per-attribute 5 x 5 joint
counts: one ``np.bincount`` of ``(f - 1) * 5 + (d - 1) + 25 * attribute``,
with no validation, no classification, no per-respondent output.
``kano.analyze`` additionally validates every code (naming any bad one),
classifies every respondent x attribute, counts missing answers and Q/R per
respondent, and computes every per-attribute statistic.

Run: ``python bench/kano.py`` (writes bench/results/kano.txt).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from satmodels import kano

N, P = 500_000, 20


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def floor(f, d):
    offsets = (np.arange(P, dtype=np.intp) * 25)[None, :]
    code = (f.astype(np.intp) - 1) * 5 + (d.astype(np.intp) - 1) + offsets
    return np.bincount(code.ravel(), minlength=25 * P).reshape(P, 5, 5)


def main():
    rng = np.random.default_rng(2026)
    lines = [f"Kano benchmark: {N:,} respondents x {P} attributes = {N * P:,} pairs"]
    for dtype in (np.int8, np.float64):
        f = rng.integers(1, 6, size=(N, P)).astype(dtype)
        d = rng.integers(1, 6, size=(N, P)).astype(dtype)
        ref = floor(f, d)
        res = kano.analyze(f, d)
        assert np.array_equal(res.tables[:, :5, :5], ref)
        t_floor = best_of(lambda f=f, d=d: floor(f, d))
        t_analyze = best_of(lambda f=f, d=d: kano.analyze(f, d))
        t_classify = best_of(lambda f=f, d=d: kano.classify(f, d), repeat=3)
        lines.append(f"input dtype {np.dtype(dtype).name}:")
        lines.append(f"  numpy bincount floor      {t_floor * 1e3:8.1f} ms")
        lines.append(
            f"  kano.analyze              {t_analyze * 1e3:8.1f} ms"
            f"   ratio {t_analyze / t_floor:5.2f}x (target <= 3x)"
        )
        lines.append(
            f"  kano.classify (str array) {t_classify * 1e3:8.1f} ms"
            f"   ratio {t_classify / t_floor:5.2f}x"
        )
    text = "\n".join(lines)
    print(text)
    out = Path(__file__).parent / "results" / "kano.txt"
    out.write_text(text + "\n")


if __name__ == "__main__":
    main()
