"""Benchmark: one grouped fit of every company vs one fit per company.

Issue 13 asks that every model fit each group (``segments=``) "in one read
of the data". The survey is ACSI-shaped, 200 companies x 2,000
respondents (400,000 rows, the 16 ACSI indicators, case weights; wave 1 of
``satmodels.datasets.make_national_survey``). For three models,

* ``csi.key_drivers`` (Shapley values of the 9 EXPE/QUAL/VAL indicators for
  ``sat1``),
* ``csi.cronbach_alpha`` (the 16 indicators),
* ``acsi.fit`` (PLS path model, the ACSI preset),

it times the grouped call ``f(data, segments="company")`` (the overall fit
plus every company's, from one grouped read) against 200 separate calls
``f(company's rows)``, each on a filtered copy (in memory: a boolean mask
per company; DuckDB: ``relation.filter(company = ...)``), and checks that
both give the same per-company estimates. Ratios are separate / grouped.
Timings are the best of ``--repeat`` runs in one process; they are not unit
tests.

Run: ``nice -n 10 python bench/grouped.py`` (writes
bench/results/grouped.txt).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from satmodels import SatmodelsWarning, acsi
from satmodels.csi import cronbach_alpha, key_drivers
from satmodels.datasets import ACSI_BLOCKS, make_national_survey

ITEMS = [i for block in ACSI_BLOCKS.values() for i in block]
DRIVERS = [*ACSI_BLOCKS["EXPE"], *ACSI_BLOCKS["QUAL"], *ACSI_BLOCKS["VAL"]]

Fit = Callable[..., Any]
MODELS: list[tuple[str, Fit]] = [
    (
        "key_drivers (Shapley, p=9)",
        lambda d, **k: key_drivers(d, items=DRIVERS, target="sat1", **k),
    ),
    ("cronbach_alpha (p=16)", lambda d, **k: cronbach_alpha(d, items=ITEMS, **k)),
    ("acsi.fit (PLS, p=16)", lambda d, **k: acsi.fit(d, scale=(1, 10), **k)),
]


def best(fn: Callable[[], object], repeat: int) -> tuple[float, Any]:
    """Return the best wall time of ``repeat`` runs and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def _diff(grouped: Any, separate: dict[str, Any]) -> float:
    """Largest absolute difference of the per-company estimates."""
    return max(
        float(
            np.nanmax(
                np.abs(grouped.segments[c].estimates.estimate - r.estimates.estimate)
            )
        )
        for c, r in separate.items()
    )


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark; return (and write) the report."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=200)
    ap.add_argument("--respondents", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-duckdb", action="store_true")
    args = ap.parse_args(argv)
    k, n = args.companies, args.respondents
    survey = make_national_survey(
        n_companies=k,
        n_industries=max(1, k // 10),
        n_sectors=max(1, min(4, k // 10)),
        n_respondents=n,
        n_clusters=5,
        rng=1,
    ).wave(1)
    data = {c: survey[c] for c in [*ITEMS, "company", "weight"]}
    companies = sorted(set(data["company"].tolist()))
    rows = data["company"].size
    lines = [
        f"Grouped vs separate fits: {k} companies x {n:,} respondents "
        f"({rows:,} rows, 16 ACSI indicators, case weights), best of "
        f"{args.repeat}",
        "grouped: f(data, segments='company') = the overall fit + every "
        "company from one grouped read;",
        "separate: one f(rows of the company) per company (filter + fit). "
        "Ratio = separate / grouped.",
        "",
    ]

    def separately(fit: Fit, part: Callable[[str], object]) -> dict[str, Any]:
        return {c: fit(part(c), weights="weight") for c in companies}

    def in_memory(c: str) -> object:
        mine = data["company"] == c
        return {key: v[mine] for key, v in data.items()}

    engines: list[tuple[str, object, Callable[[str], object]]] = [
        ("memory", data, in_memory)
    ]
    if not args.no_duckdb:
        import duckdb
        import polars as pl

        frame = pl.DataFrame(
            {c: (v.tolist() if v.dtype == object else v) for c, v in data.items()}
        )
        rel = duckdb.connect().from_arrow(frame.to_arrow())
        engines.append(("DuckDB", rel, lambda c: rel.filter(f"company = '{c}'")))
    for label, fit in MODELS:
        for engine, whole, part in engines:
            t_g, grouped = best(
                lambda fit=fit, whole=whole: fit(
                    whole, segments="company", weights="weight"
                ),
                args.repeat,
            )
            t_s, separate = best(
                lambda fit=fit, part=part: separately(fit, part), args.repeat
            )
            lines.append(
                f"{label:28s} {engine:7s} grouped {t_g:8.3f} s   separate "
                f"{t_s:8.3f} s   ratio {t_s / t_g:6.1f}x   "
                f"(max |diff| {_diff(grouped, separate):.1e})"
            )
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines += [
        "",
        f"python {sys.version.split()[0]}, numpy {np.__version__}, "
        f"{platform.machine()}; load average at the end {load} (shared machine)",
    ]
    text = "\n".join(lines) + "\n"
    out = Path(__file__).parent / "results" / "grouped.txt"
    out.write_text(text)
    return text


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)
        sys.stdout.write(main())
