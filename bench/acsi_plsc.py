"""Benchmark: consistent PLS (acsi.consistent) bootstrap, HTMT and mediation.

Run from the repository root::

    python bench/acsi_plsc.py

Measured in one run, on the ECSI mobi data (n = 250, 24 indicators, 7
latents; /work/shared/data/ecsi/mobi.csv, or the same-shaped simulated
survey when absent) and the PLS bootstrap of the same size as the floor:

1. ``acsi.consistent(..., n_resamples=5000)``: PLSc with 5,000 bootstrap
   replicates and BCa intervals (target: under 2 s), next to
   ``acsi.fit(..., n_resamples=5000)`` (plain PLS bootstrap, same batch
   machinery).
2. ``acsi.htmt(..., n_resamples=5000)`` (HTMT and HTMT2) and
   ``acsi.indirect_effects`` of a 5,000-replicate fit.

No peer timing: cSEM's bootstrap (R, sourced from GitHub here) refits
each replicate in an R loop; see docs/acsi_plsc.md. Output is also
written to bench/results/acsi_plsc.txt.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from satmodels import acsi
from satmodels.exceptions import SatmodelsWarning

ROOT = Path(__file__).resolve().parents[1]
MOBI = ROOT.parent / "shared" / "data" / "ecsi" / "mobi.csv"
if not MOBI.exists():
    MOBI = Path("/work/shared/data/ecsi/mobi.csv")


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` runs (seconds)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    """Run the benchmark and write bench/results/acsi_plsc.txt."""
    lines: list[str] = []

    def say(text: str) -> None:
        print(text)
        lines.append(text)

    data = pd.read_csv(MOBI)
    say(
        f"# satmodels PLSc benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)\n"
        f"# machine: {os.cpu_count()} cores (shared); numpy {np.__version__}\n"
        f"# data: {MOBI.name}, n = {len(data)}, ECSI model (7 latents, 24 items)\n"
    )
    reps = 5000
    warnings.simplefilter("ignore", SatmodelsWarning)  # ECSI PLSc: inadmissible
    say(f"## 1. Bootstrap, {reps} replicates (BCa, grouped-jackknife acceleration)")
    t_pls = best(lambda: acsi.fit(data, model="ecsi", n_resamples=reps, rng=1))
    say(f"acsi.fit (PLS)             : {t_pls:8.3f} s")
    t_plsc = best(lambda: acsi.consistent(data, model="ecsi", n_resamples=reps, rng=1))
    res = acsi.consistent(data, model="ecsi", n_resamples=reps, rng=1)
    say(
        f"acsi.consistent (PLSc)     : {t_plsc:8.3f} s   "
        f"({1000 * t_plsc / reps:.3f} ms per replicate; target < 2 s); "
        f"{res.n_inadmissible} of {reps} replicates inadmissible (dropped)"
    )
    small = (
        "IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5\n"
        "EXPE =~ CUEX1 + CUEX2 + CUEX3\nVAL =~ PERV1 + PERV2\n"
        "SAT =~ CUSA1 + CUSA2 + CUSA3\nSAT ~ IMAG + EXPE + VAL"
    )
    t_small = best(lambda: acsi.consistent(data, model=small, n_resamples=reps, rng=1))
    say(f"acsi.consistent, 4 latents : {t_small:8.3f} s")
    say(f"\n## 2. HTMT/HTMT2 and specific indirect effects, {reps} replicates")
    t_htmt = best(lambda: acsi.htmt(data, model="ecsi", n_resamples=reps, rng=1))
    say(f"acsi.htmt (both ratios)    : {t_htmt:8.3f} s")
    fit = acsi.fit(data, model="ecsi", n_resamples=reps, rng=1)
    t_med = best(lambda: acsi.indirect_effects(fit))
    say(f"acsi.indirect_effects      : {t_med:8.3f} s   (49 chains, from the fit)")
    out = ROOT / "bench" / "results" / "acsi_plsc.txt"
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
