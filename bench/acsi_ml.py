"""Benchmark: ACSI by maximum likelihood (numpy kernel) vs semopy on the raw rows.

Every timing is the best of a few runs with BLAS limited to one thread for
both programs (``threadpoolctl``; satmodels runs its kernel single-threaded
anyway, and on a busy machine threaded BLAS only slows these small
products down). Four sections, same run:

1. n = 250, the ACSI model (16 indicators, 6 latents): ``acsi.fit`` on the
   rows and on Moments vs semopy ``Model.fit`` on the rows (same SLSQP
   tolerance as satmodels' semopy route, and semopy's default).
2. 200 indicators, 40 latents (5 indicators each, a chain of paths with
   extra paths every third latent), n = 2,000: the same comparison; then
   the same design at p = 20, 50 and 100 (semopy at its default tolerance).
3. An ML bootstrap of 1,000 replicates at n = 250: replicate moments in one
   batch (``Moments.bootstrap``) and the replicate fits
   (``_ml_boot.fit_replicates``, warm-started, compiled once), against
   1,000 semopy fits extrapolated from one.
4. n = 1,000,000 (the original benchmark):

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

Run: ``python bench/acsi_ml.py`` (a few minutes; ``--quick`` skips section
4); output in bench/results/acsi_ml.txt.
"""

from __future__ import annotations

import math
import os
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
from satmodels.acsi import ModelSpec, acsi
from satmodels.acsi._ml_boot import fit_replicates
from satmodels.acsi._ml_optim import fit_kernel
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


def semopy_fit(
    syntax: str, frame: pd.DataFrame, options: dict[str, float] | None
) -> semopy.Model:
    model = semopy.Model(syntax)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if options is None:
            model.fit(frame)
        else:
            model.fit(frame, options=options)
    return model


def path_gap(res: object, model: semopy.Model) -> float:
    ref = {
        (r["lval"], r["op"], r["rval"]): float(r["Estimate"])
        for r in model.inspect().to_dict("records")
    }
    return max(
        abs(e.estimate - ref[(e.lhs, e.op, e.rhs)])
        for e in res.paths  # type: ignore[attr-defined]
    )


def acsi_spec() -> ModelSpec:
    return acsi(
        expectations=ITEMS["EXPE"],
        quality=ITEMS["QUAL"],
        value=ITEMS["VAL"],
        satisfaction=ITEMS["SAT"],
        complaints=ITEMS["COMP"],
        loyalty=ITEMS["LOY"],
    )


def compare(
    label: str,
    spec: ModelSpec,
    x: np.ndarray,
    names: list[str],
    repeats: int,
) -> float:
    """Time satmodels (rows, Moments) and semopy (rows); return semopy's time."""
    frame = pd.DataFrame(x, columns=names)
    syntax = to_semopy_syntax(spec)
    n = x.shape[0]
    lo, hi = float(x.min()), float(x.max())
    tight = {"ftol": 1e-10, "maxiter": 10000}
    with threadpool_limits(limits=1, user_api="blas"):
        t_rows, res = best(
            lambda: acsi_module.fit(
                x, columns=names, model=spec, method="ml", scale=(lo, hi)
            ),
            repeats,
        )
        m = Moments.from_data(x, columns=names)
        t_mom, _ = best(
            lambda: acsi_module.fit(m, model=spec, method="ml", scale=(lo, hi)),
            repeats,
        )
        t_tight, model = best(lambda: semopy_fit(syntax, frame, tight), repeats)
        t_default, _ = best(lambda: semopy_fit(syntax, frame, None), repeats)
    assert isinstance(model, semopy.Model)
    t_sem = min(t_tight, t_default)
    chi2_sem = n * model.last_result.fun
    print(
        f"\n== {label}: n = {n:,}, p = {x.shape[1]}, best of {repeats}, 1 BLAS thread"
    )
    for name, t in (
        ("satmodels acsi.fit ML on rows", t_rows),
        ("satmodels acsi.fit ML on Moments", t_mom),
        ("semopy on rows, same ftol", t_tight),
        ("semopy on rows, default ftol", t_default),
    ):
        print(f"{name:42s} {t:9.4f} s")
    print(f"semopy (fastest) / satmodels on rows    {t_sem / t_rows:8.2f}x")
    print(f"semopy (fastest) / satmodels on Moments {t_sem / t_mom:8.2f}x")
    chi2 = res.fit.chi2  # type: ignore[attr-defined]
    print(f"chi2 satmodels {chi2:.4f}, semopy {chi2_sem:.4f}")
    print(f"largest |path difference| vs semopy: {path_gap(res, model):.2e}")
    ok = t_rows <= t_sem and t_mom <= t_sem
    print(f"target 'no slower than semopy': {'met' if ok else 'NOT met'}")
    sys.stdout.flush()
    return t_sem


def big_model(
    rng: np.random.Generator, n_lat: int = 40, n: int = 2000
) -> tuple[ModelSpec, np.ndarray, list[str]]:
    """``n_lat`` latents x 5 indicators, simulated from the model."""
    n_ind = 5
    lines = [
        f"L{j} =~ " + " + ".join(f"x{j}_{k}" for k in range(n_ind))
        for j in range(n_lat)
    ]
    preds: dict[int, list[int]] = {}
    for j in range(1, n_lat):
        preds[j] = [j - 1] + ([j - 2] if j >= 2 and j % 3 == 0 else [])
        lines.append(f"L{j} ~ " + " + ".join(f"L{i}" for i in preds[j]))
    spec = ModelSpec.from_syntax("\n".join(lines))
    eta = np.zeros((n, n_lat))
    for j in range(n_lat):
        eta[:, j] = rng.normal(scale=0.7, size=n)
        for i in preds.get(j, []):
            eta[:, j] += 0.5 / len(preds[j]) * eta[:, i]
    load = np.tile(1.0 + 0.1 * np.arange(n_ind), n_lat)
    x = np.repeat(eta, n_ind, axis=1) * load + rng.normal(
        scale=0.7, size=(n, n_lat * n_ind)
    )
    names = [f"x{j}_{k}" for j in range(n_lat) for k in range(n_ind)]
    return spec, x, names


def sweep() -> None:
    """p = 20, 50, 100 (5 indicators per latent), n = 2,000: one fit each."""
    print("\n== sweep over p: n = 2,000, 1 BLAS thread, best of 2 (semopy: 1 run)")
    print(f"{'p':>5} {'satmodels':>11} {'semopy':>10} {'ratio':>7}  chi2 equal")
    for n_lat in (4, 10, 20):
        sweep_one(n_lat)
    sys.stdout.flush()


def sweep_one(n_lat: int) -> None:
    spec, x, names = big_model(np.random.default_rng(n_lat), n_lat=n_lat)
    frame = pd.DataFrame(x, columns=names)
    lo, hi = float(x.min()), float(x.max())
    with threadpool_limits(limits=1, user_api="blas"):
        t_ours, res = best(
            lambda: acsi_module.fit(
                x, columns=names, model=spec, method="ml", scale=(lo, hi)
            ),
            2,
        )
        t_sem, model = best(lambda: semopy_fit(to_semopy_syntax(spec), frame, None), 1)
    assert isinstance(model, semopy.Model)
    chi2 = res.fit.chi2  # type: ignore[attr-defined]
    same = abs(chi2 - x.shape[0] * model.last_result.fun) <= 1e-4 * chi2
    print(
        f"{x.shape[1]:5d} {t_ours:10.3f}s {t_sem:9.3f}s {t_sem / t_ours:6.1f}x  "
        f"{'yes' if same else 'NO (semopy stopped elsewhere)'}"
    )


def bootstrap_section(t_sem_one: float) -> None:
    spec = acsi_spec()
    x, names = simulate(250, np.random.default_rng(250))
    reps = 1000

    def run() -> object:
        m = Moments.from_data(x, columns=names)
        fit = fit_kernel(spec, m.covariance(ddof=0), 250)
        boot = Moments.bootstrap(
            x, n_resamples=reps, columns=names, rng=np.random.default_rng(1)
        )
        return fit_replicates(spec, boot.covariance(ddof=0), 250, start=fit.parameters)

    with threadpool_limits(limits=1, user_api="blas"):
        t_boot, out = best(run, 2)
    ok = out.converged  # type: ignore[attr-defined]
    its = out.iterations  # type: ignore[attr-defined]
    print(f"\n== ML bootstrap: {reps:,} replicates, n = 250, p = 16, best of 2")
    print(f"satmodels (moments + {reps} fits)          {t_boot:9.3f} s")
    print(f"semopy, {reps} fits (extrapolated)          {reps * t_sem_one:9.3f} s")
    print(f"ratio semopy / satmodels                {reps * t_sem_one / t_boot:8.2f}x")
    print(
        f"replicates converged {int(ok.sum())}/{reps}, mean iterations {its.mean():.1f}"
    )
    print(f"target 'under 10 s': {'met' if t_boot < 10 else 'NOT met'}")

    # the public call end to end: moments, 1,000 replicate fits, the grouped
    # jackknife (200 leave-one-group-out fits) for BCa, the summary table
    frame = dict(zip(names, x.T, strict=True))

    def public() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return acsi_module.fit(
                frame, model=spec, method="ml", n_resamples=reps, rng=1
            )

    with threadpool_limits(limits=1, user_api="blas"):
        t_api, res = best(public, 2)
    groups = res.bootstrap.jackknife_groups  # type: ignore[attr-defined]
    print(
        f"acsi.fit(method='ml', n_resamples={reps}) with BCa "
        f"({groups} jackknife fits)   {t_api:9.3f} s   "
        f"target 'under 10 s': {'met' if t_api < 10 else 'NOT met'}"
    )
    sys.stdout.flush()


def main() -> None:
    if "--bootstrap-only" in sys.argv:
        spec = acsi_spec()
        x, names = simulate(250, np.random.default_rng(250))
        frame = pd.DataFrame(x, columns=names)
        t_sem, _ = best(lambda: semopy_fit(to_semopy_syntax(spec), frame, None), 3)
        bootstrap_section(t_sem)
        return
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}, semopy {semopy.__version__}, "
        f"{platform.machine()}, load average {os.getloadavg()[0]:.1f}"
    )
    spec = acsi_spec()
    x, names = simulate(250, np.random.default_rng(250))
    t_sem_250 = compare("ACSI", spec, x, names, repeats=7)
    big, xb, nb = big_model(np.random.default_rng(2000))
    compare("200 indicators / 40 latents", big, xb, nb, repeats=1)
    sweep()
    bootstrap_section(t_sem_250)
    if "--quick" not in sys.argv:
        large()


def large() -> None:
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
    print(f"\n== ACSI ML: n = {N:,}, p = {x.shape[1]}, best of {REPEATS}")

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
