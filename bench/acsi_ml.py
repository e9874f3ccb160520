"""Benchmark: ACSI by maximum likelihood from Moments vs semopy on the raw rows.

Same run, same data (the ACSI model, 16 indicators, n = 1,000,000 simulated
from a known population model):

* numpy floor: ``np.cov`` of the rows (the physical minimum for any method
  that needs the covariance matrix);
* satmodels: ``Moments.from_data`` (one pass) + ``acsi.fit(moments, method="ml")`` (semopy optimiser
  on the 16 x 16 covariance, fit indices by satmodels);
* semopy 2.3.11: ``Model(...).fit(DataFrame)`` on the rows (it computes the
  covariance itself with ``numpy.ma.cov`` and its starting values from the
  rows), with the same SLSQP tolerance satmodels uses, and with semopy's
  default tolerance; both with default BLAS threading and with BLAS limited
  to one thread (what satmodels does around semopy's optimiser; on a busy
  machine threaded BLAS makes semopy's small inversions much slower). The
  ratio uses semopy's fastest variant.

Run: ``python bench/acsi_ml.py`` (about a minute); output in
bench/results/acsi_ml.txt.
"""

from __future__ import annotations

import math
import platform
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import semopy
from threadpoolctl import threadpool_limits

from satmodels import Moments
from satmodels import acsi as acsi_module
from satmodels.acsi import acsi
from satmodels.acsi._semopy_backend import to_semopy_syntax

N = 1_000_000
REPEATS = 3

ITEMS = {
    "EXPE": ("expe1", "expe2", "expe3"),
    "QUAL": ("qual1", "qual2", "qual3", "qual4"),
    "VAL": ("val1", "val2"),
    "SAT": ("sat1", "sat2", "sat3"),
    "COMP": ("comp1",),
    "LOY": ("loy1", "loy2", "loy3"),
}
PATHS = {
    ("QUAL", "EXPE"): 0.6,
    ("VAL", "EXPE"): 0.2,
    ("VAL", "QUAL"): 0.5,
    ("SAT", "EXPE"): 0.1,
    ("SAT", "QUAL"): 0.5,
    ("SAT", "VAL"): 0.3,
    ("COMP", "SAT"): -0.4,
    ("LOY", "SAT"): 0.6,
    ("LOY", "COMP"): -0.2,
}


def simulate(n: int, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    eta: dict[str, np.ndarray] = {}
    for lv in ITEMS:
        z = rng.normal(scale=0.7, size=n)
        for (t, s), b in PATHS.items():
            if t == lv:
                z += b * eta[s]
        eta[lv] = z
    cols, names = [], []
    for lv, items in ITEMS.items():
        for k, item in enumerate(items):
            noise = 0.0 if len(items) == 1 else rng.normal(scale=0.7, size=n)
            cols.append(5.0 + (1.0 + 0.1 * k) * eta[lv] + noise)
            names.append(item)
    return np.column_stack(cols), names


def best(fn: Callable[[], object], repeats: int = REPEATS) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    spec = acsi(
        expectations=ITEMS["EXPE"],
        quality=ITEMS["QUAL"],
        value=ITEMS["VAL"],
        satisfaction=ITEMS["SAT"],
        complaints=ITEMS["COMP"],
        loyalty=ITEMS["LOY"],
    )
    x, names = simulate(N, np.random.default_rng(20261123))
    frame = pd.DataFrame(x, columns=names)
    syntax = to_semopy_syntax(spec)
    print(f"ACSI ML benchmark: n = {N:,}, p = {x.shape[1]}, best of {REPEATS}")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}, semopy {semopy.__version__}, "
        f"{platform.machine()}"
    )

    t_numpy, _ = best(lambda: np.cov(x, rowvar=False))
    t_moments, m = best(lambda: Moments.from_data(x, columns=names))
    assert isinstance(m, Moments)
    lo, hi = float(x.min()), float(x.max())  # the answer range, for the indices
    t_fit, res = best(
        lambda: acsi_module.fit(m, model=spec, method="ml", scale=(lo, hi))
    )
    t_ours = t_moments + t_fit

    def semopy_rows(options: dict[str, float] | None) -> semopy.Model:
        model = semopy.Model(syntax)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if options is None:
                model.fit(frame)
            else:
                model.fit(frame, options=options)
        return model

    tight = {"ftol": 1e-10, "maxiter": 10000}
    t_sem_tight_threads, model = best(lambda: semopy_rows(tight))
    t_sem_default, _ = best(lambda: semopy_rows(None))
    with threadpool_limits(limits=1, user_api="blas"):
        t_sem_tight_1, _ = best(lambda: semopy_rows(tight))
        t_sem_default_1, _ = best(lambda: semopy_rows(None))
    t_sem_tight = min(t_sem_tight_threads, t_sem_tight_1)
    t_sem_default_best = min(t_sem_default, t_sem_default_1)

    assert hasattr(res, "fit")
    chi2_ours = res.fit.chi2  # type: ignore[attr-defined]
    assert isinstance(model, semopy.Model)
    chi2_sem = N * model.last_result.fun
    table = model.inspect()
    ref = {
        (r["lval"], r["op"], r["rval"]): float(r["Estimate"])
        for r in table.to_dict("records")
    }
    diff = max(
        abs(e.estimate - ref[(e.lhs, e.op, e.rhs)])
        for e in res.paths  # type: ignore[attr-defined]
    )

    rows = [
        ("numpy np.cov (floor)", t_numpy),
        ("satmodels Moments.from_data", t_moments),
        ("satmodels acsi.fit ML (from Moments)", t_fit),
        ("satmodels total", t_ours),
        ("semopy on rows, same ftol, threads", t_sem_tight_threads),
        ("semopy on rows, same ftol, 1 BLAS thread", t_sem_tight_1),
        ("semopy on rows, default ftol, threads", t_sem_default),
        ("semopy on rows, default ftol, 1 thread", t_sem_default_1),
    ]
    print()
    for label, t in rows:
        print(f"{label:42s} {t:9.3f} s")
    print()
    print(f"satmodels total / numpy floor          {t_ours / t_numpy:8.2f}x")
    print(f"semopy (same ftol) / satmodels total   {t_sem_tight / t_ours:8.2f}x")
    print(f"semopy (default) / satmodels total     {t_sem_default_best / t_ours:8.2f}x")
    print(f"semopy (same ftol) / satmodels ML fit  {t_sem_tight / t_fit:8.2f}x")
    print()
    print(f"chi2 satmodels {chi2_ours:.4f}, semopy {chi2_sem:.4f} (df {res.fit.df})")  # type: ignore[attr-defined]
    print(f"largest |path difference| satmodels vs semopy on rows: {diff:.2e}")
    ok = t_ours <= t_sem_tight and math.isfinite(chi2_ours)
    print(
        f"target 'no slower than semopy on the raw rows': {'met' if ok else 'NOT met'}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
