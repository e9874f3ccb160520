"""Benchmark: the national index pipeline, in memory and on DuckDB.

The issue's size is 200 companies x 2,000 respondents (400,000 rows, the 16
ACSI indicators) with 200 replicate weights. The point estimate (one
grouped pass, 200 company fits, the aggregation) runs at full size in
memory and on DuckDB. Design-based standard errors refit the whole pipeline
per replicate (``satmodels.design.replicate``); at full size that is 200
passes over 400,000 rows and 40,000 company fits, more than a few minutes
on the shared machine, so the replicate part runs at a reduced size
(``--rep-companies``, ``--rep-respondents``, ``--replicates``) and the
time per replicate and per company fit is reported (the full size
follows by proportion).

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
    ap.add_argument("--replicates", type=int, default=40)
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

    kr, nr = args.rep_companies, args.rep_respondents
    lines += [
        "",
        f"Design-based SEs (Rao-Wu bootstrap of PSUs, {reps} replicates), reduced "
        f"size: {kr} companies x {nr:,} respondents ({kr * nr:,} rows)",
    ]
    sr = _survey(kr, nr, 2)
    wr = sr.wave(1)
    design = Design(strata="stratum", clusters="psu", weights="weight")
    ropts = {"sizes": sr.revenue, "level_sizes": sr.gdp_share, "scale": (1, 10)}
    xr = np.column_stack([wr[i] for i in ITEMS])
    wrr = wr["weight"]
    t_rfloor, _ = best(lambda: xr.T @ (wrr[:, None] * xr), args.repeat)
    t_point, _ = best(
        lambda: national.index(wr, weights="weight", **ropts), args.repeat
    )
    t0 = time.perf_counter()
    res = national.index(wr, design=design, n_resamples=reps, rng=1, **ropts)
    t_rep = time.perf_counter() - t0
    per_rep = t_rep / (reps + 1)
    lines.append(
        f"point estimate                 {t_point:8.3f} s   "
        f"{1e3 * t_point / kr:6.2f} ms/company   ratio {t_point / t_rfloor:6.1f}x floor"
    )
    lines.append(
        f"{reps} replicates + full fit    {t_rep:8.3f} s   "
        f"{per_rep:6.3f} s/replicate   {1e3 * per_rep / kr:6.2f} ms/company-fit   "
        f"national SE {res.se:.3f} (df {res.df:g})"
    )
    lines += [
        f"full size with 200 replicates: about {201 * t_mem / 60:.0f} min "
        f"(201 x the in-memory point estimate; the company fits dominate)",
        "",
        f"python {platform.python_version()}, numpy {np.__version__}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    text = main(sys.argv[1:])
    out = Path(__file__).parent / "results" / "national.txt"
    out.write_text(text + "\n", encoding="utf-8")
    print(text)
