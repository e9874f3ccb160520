"""Benchmark: Kano classification + counts vs a plain numpy bincount floor.

10,000,000 answer pairs (500,000 respondents x 20 attributes), codes 1-5.
The floor is the least work that yields the per-attribute 5 x 5 joint
counts: one ``np.bincount`` of ``(f - 1) * 5 + (d - 1) + 25 * attribute``,
with no validation, no classification, no per-respondent output.
``kano.analyze`` additionally reads the data through ``satmodels.data.read``
(one float64 copy of the answer columns), validates every code (naming any
bad one), classifies every respondent x attribute, counts missing answers
and Q/R per respondent, and computes every per-attribute statistic. The data
is a dict of named columns, as the public API takes it; only the in-memory
path is timed here (the lazy engines are benchmarked with the engines).

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


def columns(f, d):
    data = {f"f{j}": f[:, j] for j in range(P)}
    data.update({f"d{j}": d[:, j] for j in range(P)})
    keys = {
        "functional": [f"f{j}" for j in range(P)],
        "dysfunctional": [f"d{j}" for j in range(P)],
    }
    return data, keys


def main():
    rng = np.random.default_rng(2026)
    lines = [f"Kano benchmark: {N:,} respondents x {P} attributes = {N * P:,} pairs"]
    for dtype in (np.int8, np.float64):
        f = rng.integers(1, 6, size=(N, P)).astype(dtype)
        d = rng.integers(1, 6, size=(N, P)).astype(dtype)
        ref = floor(f, d)
        data, keys = columns(f, d)
        res = kano.analyze(data, **keys)
        assert np.array_equal(res.tables[:, :5, :5], ref)
        t_floor = best_of(lambda f=f, d=d: floor(f, d))
        t_analyze = best_of(lambda data=data, keys=keys: kano.analyze(data, **keys))
        t_classify = best_of(
            lambda data=data, keys=keys: kano.classify(data, **keys), repeat=3
        )
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
