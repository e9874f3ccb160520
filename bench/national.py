"""Benchmark: the national index pipeline, in memory and on DuckDB.

The issue's size is 200 companies x 2,000 respondents (400,000 rows, the 16
ACSI indicators) with 200 replicate weights. The point estimate (one
grouped pass, 200 company fits, the aggregation) and the design-based
standard errors with 200 Rao-Wu bootstrap replicates run at full size in
memory and on DuckDB: the replicates are batched from per-PSU sums
(national/_batched.py), 40,000 company fits as 200 batched PLS fits. The
old way, refitting the rows of the whole pipeline per replicate
(``satmodels.design.replicate``), is timed against it at a reduced size
(``--rep-companies``, ``--rep-respondents``, ``--refit-replicates``).

The floor is one weighted cross-product pass over the same matrix
(``X' diag(w) X``, what ``np.cov`` costs). Timings are the best of
``--repeat`` runs in one process; they are not unit tests.

Run: ``python bench/national.py`` (writes bench/results/national.txt).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from satmodels import national
from satmodels.acsi import acsi as acsi_spec
from satmodels.datasets import ACSI_BLOCKS, make_national_survey
from satmodels.design import Design

ITEMS = [i for block in ACSI_BLOCKS.values() for i in block]


def best(fn: Callable[[], object], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def _survey(companies: int, respondents: int, seed: int) -> Any:
    return make_national_survey(
        n_companies=companies,
        n_industries=max(1, companies // 10),
        n_sectors=max(1, min(4, companies // 10)),
        n_respondents=respondents,
        n_clusters=5,
        rng=seed,
    )


def main(argv: list[str] | None = None) -> str:
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=200)
    ap.add_argument("--respondents", type=int, default=2000)
    ap.add_argument("--rep-companies", type=int, default=50)
    ap.add_argument("--rep-respondents", type=int, default=500)
    ap.add_argument("--replicates", type=int, default=200)
    ap.add_argument("--refit-replicates", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    k, n, reps = args.companies, args.respondents, args.replicates

    lines = [
        f"National index benchmark: {k} companies x {n:,} respondents "
        f"({k * n:,} rows, p={len(ITEMS)}), best of {args.repeat}",
        "",
    ]
    s = _survey(k, n, 1)
    wave = s.wave(1)
    opts: dict[str, Any] = {
        "sizes": s.revenue,
        "level_sizes": s.gdp_share,
        "scale": (1, 10),
        "weights": "weight",
    }
    x = np.column_stack([wave[i] for i in ITEMS])
    w = wave["weight"]

    def floor() -> object:
        return x.T @ (w[:, None] * x)

    t_floor, _ = best(floor, args.repeat)
    lines.append(f"one pass X'WX (floor)          {t_floor:8.3f} s")

    from satmodels.national._index import _company_moments, _read, _Setup

    setup = _Setup(
        acsi_spec(), "SAT", "company", "industry", "sector", s.revenue, None,
        None, "listwise", "omit",
    )  # fmt: skip

    def grouped(data: object) -> object:
        return _company_moments(_read(data, setup, "weight", None), setup)

    t_pass, _ = best(lambda: grouped(wave), args.repeat)
    lines.append(
        f"grouped Moments only, memory   {t_pass:8.3f} s   "
        f"{1e3 * t_pass / k:6.2f} ms/company   ratio {t_pass / t_floor:6.1f}x floor"
    )
    t_mem, mem = best(lambda: national.index(wave, **opts), args.repeat)
    lines.append(
        f"national.index, in memory      {t_mem:8.3f} s   "
        f"{1e3 * t_mem / k:6.2f} ms/company   ratio {t_mem / t_floor:6.1f}x floor"
    )
    try:
        import duckdb
        import polars as pl

        frame = pl.DataFrame(
            {c: (v.tolist() if v.dtype == object else v) for c, v in wave.items()}
        )
        con = duckdb.connect()
        con.register("survey", frame.to_arrow())
        rel = con.sql("select * from survey")
        t_dpass, _ = best(lambda: grouped(rel), args.repeat)
        lines.append(
            f"grouped Moments only, DuckDB   {t_dpass:8.3f} s   "
            f"{1e3 * t_dpass / k:6.2f} ms/company   ratio {t_dpass / t_floor:6.1f}x floor"
        )
        t_duck, duck = best(lambda: national.index(rel, **opts), args.repeat)
        diff = max(
            abs(duck.index[lev][u] - v)
            for lev in mem.levels
            for u, v in mem.index[lev].items()
        )
        lines.append(
            f"national.index, DuckDB         {t_duck:8.3f} s   "
            f"{1e3 * t_duck / k:6.2f} ms/company   ratio {t_duck / t_floor:6.1f}x floor"
            f"   (max |diff| vs memory {diff:.1e})"
        )
        t_lazy, _ = best(lambda: national.index(frame.lazy(), **opts), args.repeat)
        lines.append(
            f"national.index, polars lazy    {t_lazy:8.3f} s   "
            f"{1e3 * t_lazy / k:6.2f} ms/company   ratio {t_lazy / t_floor:6.1f}x floor"
        )
    except ImportError as exc:
        lines.append(f"DuckDB/polars not installed: {exc}")

    design = Design(strata="stratum", clusters="psu", weights="weight")
    dopts = {k: v for k, v in opts.items() if k != "weights"}
    lines += [
        "",
        f"Design-based SEs, Rao-Wu bootstrap of PSUs with {reps} replicates, "
        f"full size (replicates batched from per-PSU sums; one run each)",
    ]
    t0 = time.perf_counter()
    res = national.index(wave, design=design, n_resamples=reps, rng=1, **dopts)
    t_full = time.perf_counter() - t0
    lines.append(
        f"national.index + {reps} replicates, memory  {t_full:8.3f} s   "
        f"{1e3 * t_full / k:6.2f} ms/company   ratio {t_full / t_floor:6.1f}x floor"
        f"   national SE {res.se:.4f} (df {res.df:g})"
    )
    try:
        t0 = time.perf_counter()
        dres = national.index(rel, design=design, n_resamples=reps, rng=1, **dopts)
        t_dfull = time.perf_counter() - t0
        same = abs(dres.se - res.se) / res.se
        lines.append(
            f"national.index + {reps} replicates, DuckDB  {t_dfull:8.3f} s   "
            f"{1e3 * t_dfull / k:6.2f} ms/company   ratio "
            f"{t_dfull / t_floor:6.1f}x floor   (SE rel. diff vs memory {same:.1e})"
        )
    except NameError:
        pass

    kr, nr, rr = args.rep_companies, args.rep_respondents, args.refit_replicates
    lines += [
        "",
        f"Batched vs refitting every replicate (design.replicate of the "
        f"pipeline), reduced size: {kr} companies x {nr:,} respondents, "
        f"{rr} replicates",
    ]
    sr = _survey(kr, nr, 2)
    wr = sr.wave(1)
    ropts = {"sizes": sr.revenue, "level_sizes": sr.gdp_share, "scale": (1, 10)}
    t0 = time.perf_counter()
    fast = national.index(wr, design=design, n_resamples=rr, rng=1, **ropts)
    t_fast = time.perf_counter() - t0
    from satmodels.national import _index as pipeline

    batched = pipeline._batched_applies
    pipeline._batched_applies = lambda *_: False  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        slow = national.index(wr, design=design, n_resamples=rr, rng=1, **ropts)
        t_slow = time.perf_counter() - t0
    finally:
        pipeline._batched_applies = batched
    lines.append(
        f"batched {t_fast:7.3f} s   refitting {t_slow:7.3f} s   "
        f"ratio {t_slow / t_fast:5.1f}x   (national SE {fast.se:.6f} vs "
        f"{slow.se:.6f})"
    )
    lines += [
        "",
        f"python {platform.python_version()}, numpy {np.__version__}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    text = main(sys.argv[1:])
    out = Path(__file__).parent / "results" / "national.txt"
    out.write_text(text + "\n", encoding="utf-8")
    print(text)
