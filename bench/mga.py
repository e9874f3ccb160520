"""Benchmark: multigroup PLS permutation test, batched vs a loop vs cSEM.

Run from the repository root (the machine is shared: run it niced)::

    nice -n 10 python bench/mga.py

Measured in one run, same data (an ACSI-shaped model, 6 latents, 16
indicators, two segments of 250 respondents):

1. ``acsi.compare_segments`` with 5,000 permutations (the permutation test
   of every weight, loading, path and index difference, and MICOM steps 2
   and 3), ``n_resamples=0``; median of interleaved rounds, minimum too.
   Its two parts are timed alone: the permuted moments (one matrix
   product per segment) and the batched PLS fits of the permuted segments.
2. The naive loop the batching replaces: per permutation, shuffle the
   labels and call ``acsi.fit`` on each segment (timed on 200 permutations,
   scaled to 5,000).
3. cSEM's ``testMGD(.approach_mgd = "Chin")``, whose loop refits the model
   with ``csem()`` per permutation, and ``testMICOM`` (R sources at
   $CSEM_SRC, default /tmp/plsc/cSEM/R; timed on 50 permutations in
   Rscript, scaled to 5,000; skipped when R or the sources are missing).

Output is also written to bench/results/mga.txt.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from satmodels import acsi
from satmodels.acsi._multigroup_stats import Pooled, segment_stats
from satmodels.acsi._permutation import permuted_moments
from satmodels.acsi._pls_kernel import layout
from satmodels.acsi._pls_options import PLSOptions
from satmodels.scales import Scale
from satmodels.stats.moments import Moments

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "mga.txt"
CSEM_SRC = Path(os.environ.get("CSEM_SRC", "/tmp/plsc/cSEM/R"))
N_PERM = 5000
N_LOOP = 200
N_CSEM = 50
HALF = 250

SPEC = acsi.acsi(
    expectations=["expe1", "expe2", "expe3"],
    quality=["qual1", "qual2", "qual3", "qual4"],
    value=["val1", "val2"],
    satisfaction=["sat1", "sat2", "sat3"],
    complaints=["comp1"],
    loyalty=["loy1", "loy2", "loy3"],
)


def simulate(n: int, seed: int) -> dict[str, np.ndarray]:
    """ACSI-shaped 1-10 answers (the structure of bench/acsi_pls.py)."""
    rng = np.random.default_rng(seed)
    e = rng.normal(size=n)
    q = 0.6 * e + 0.8 * rng.normal(size=n)
    v = 0.2 * e + 0.5 * q + 0.8 * rng.normal(size=n)
    s = 0.1 * e + 0.5 * q + 0.3 * v + 0.6 * rng.normal(size=n)
    co = -0.5 * s + 0.85 * rng.normal(size=n)
    lo = 0.6 * s - 0.2 * co + 0.7 * rng.normal(size=n)
    lat = {"EXPE": e, "QUAL": q, "VAL": v, "SAT": s, "COMP": co, "LOY": lo}
    out = {}
    for b in SPEC.blocks:
        for ind in b.indicators:
            x = 0.8 * lat[b.latent] + 0.6 * rng.normal(size=n)
            out[ind] = np.clip(np.round(7 + 1.5 * x), 1, 10)
    return out


def interleaved(
    candidates: dict[str, Callable[[], object]], rounds: int
) -> dict[str, list[float]]:
    """Times of each candidate over ``rounds`` rounds, one call each a round."""
    out: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            t = time.perf_counter()
            fn()
            out[name].append(time.perf_counter() - t)
    return out


def naive_loop(data: dict[str, np.ndarray], seg: np.ndarray, n: int) -> float:
    """Per permutation: shuffle, fit each segment with acsi.fit (seconds)."""
    gen = np.random.default_rng(2)
    t = time.perf_counter()
    for _ in range(n):
        lab = gen.permutation(seg)
        fits = [
            acsi.fit(
                {k: v[lab == g] for k, v in data.items()},
                model=SPEC,
                scale=(1, 10),
                scores=False,
            )
            for g in ("a", "b")
        ]
        _ = fits[0].path_coefficients - fits[1].path_coefficients
    return time.perf_counter() - t


R_SCRIPT = r"""
suppressMessages({
  library(magrittr); library(purrr); library(abind); library(MASS)
  library(Matrix); library(matrixStats); library(expm); library(psych)
  library(lavaan); library(future.apply); library(cli); library(crayon)
  library(jsonlite)
})
for (f in list.files(Sys.getenv("CSEM_SRC"), full.names = TRUE)) {
  tryCatch(source(f), error = function(e) NULL)
}
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
R <- as.integer(args[2])
model <- "
EXPE =~ expe1 + expe2 + expe3
QUAL =~ qual1 + qual2 + qual3 + qual4
VAL =~ val1 + val2
SAT =~ sat1 + sat2 + sat3
COMP =~ comp1
LOY =~ loy1 + loy2 + loy3
QUAL ~ EXPE
VAL ~ EXPE + QUAL
SAT ~ EXPE + QUAL + VAL
COMP ~ SAT
LOY ~ SAT + COMP
"
res <- csem(d, model, .id = "g", .disattenuate = FALSE)
set.seed(1)
t0 <- Sys.time()
invisible(testMGD(res, .approach_mgd = "Chin", .R_permutation = R, .seed = 1,
                  .verbose = FALSE))
t_mgd <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
t0 <- Sys.time()
invisible(testMICOM(res, .R = R, .seed = 1, .verbose = FALSE))
t_micom <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
cat(toJSON(list(mgd = t_mgd, micom = t_micom), auto_unbox = TRUE, digits = NA))
"""


def csem_times(data: dict[str, np.ndarray], seg: np.ndarray) -> dict[str, float] | None:
    """Seconds of cSEM's testMGD (Chin) and testMICOM for N_CSEM permutations."""
    if shutil.which("Rscript") is None or not CSEM_SRC.is_dir():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "d.csv"
        cols = list(data)
        rows = np.column_stack([data[c] for c in cols])
        lines = [",".join([*cols, "g"])]
        lines += [
            ",".join([*(f"{v:g}" for v in r), str(g)])
            for r, g in zip(rows, seg, strict=True)
        ]
        csv.write_text("\n".join(lines) + "\n")
        script = Path(tmp) / "t.R"
        script.write_text(R_SCRIPT)
        out = subprocess.run(
            ["Rscript", str(script), str(csv), str(N_CSEM)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "CSEM_SRC": str(CSEM_SRC)},
        )
    if out.returncode != 0:
        return None
    parsed: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return parsed


def parts(data: dict[str, np.ndarray], seg: np.ndarray) -> tuple[float, float]:
    """Seconds of the permuted moments and of the batched fits, alone."""
    lay = layout(SPEC)
    x = np.column_stack([data[c] for c in lay.indicators])
    codes = (seg == "b").astype(np.int64)
    z = np.empty_like(x)  # standardized within segments, as compare_segments
    for g in (0, 1):
        rows = codes == g
        z[rows] = (x[rows] - x[rows].mean(axis=0)) / x[rows].std(axis=0, ddof=1)
    t = time.perf_counter()
    raw, _ = permuted_moments(
        (x, z), None, codes, 2, N_PERM, np.random.default_rng(1), listwise=True
    )
    t_mom = time.perf_counter() - t
    full = Moments.from_data(x)
    fit = acsi.fit(data, model=SPEC, scale=(1, 10), scores=False)
    pooled = Pooled(
        mean=full.mean,
        sd=full.std(),
        corr=full.correlation(),
        weights=fit.outer_weights[:, None] * lay.mask,
    )
    pos = {lv: k for k, lv in enumerate(lay.latents)}
    paths = tuple((pos[p.source], pos[p.target]) for p in SPEC.paths)
    pm = raw[0]
    div = pm.weight_sum - pm.weight_sq_sum / pm.weight_sum
    cov = pm.comoment / div
    sd = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    corr = cov / sd[:, :, None] / sd[:, None, :]
    mean = np.diagonal(pm.pair_mean, axis1=1, axis2=2)
    t = time.perf_counter()
    for _ in range(4):  # two segments, answers and standardized answers
        segment_stats(
            corr,
            cov,
            mean,
            sd,
            lay=lay,
            paths=paths,
            opts=PLSOptions(),
            scale=Scale.interval(1, 10),
            pooled=pooled,
        )
    return t_mom, time.perf_counter() - t


def main() -> None:
    """Run the benchmark and write bench/results/mga.txt."""
    lines: list[str] = []

    def say(text: str) -> None:
        print(text)
        lines.append(text)

    data = simulate(2 * HALF, 7)
    seg = np.repeat(["a", "b"], HALF)
    load = os.getloadavg()
    say(
        f"# satmodels multigroup PLS benchmark "
        f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})"
    )
    say(
        f"# machine: {os.cpu_count()} cores (shared; load average "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}); numpy {np.__version__}"
    )
    say(f"# ACSI-shaped model (6 latents, 16 indicators), n = 2 x {HALF}\n")

    def ours() -> object:
        return acsi.compare_segments(
            data,
            model=SPEC,
            segments=seg,
            scale=(1, 10),
            n_permutations=N_PERM,
            rng=1,
        )

    runs = interleaved({"ours": ours}, 3)["ours"]
    t_ours = float(np.median(runs))
    say(f"## 1. acsi.compare_segments, {N_PERM} permutations")
    say(
        f"satmodels (moments + batched fits + tests) : {t_ours:8.3f} s "
        f"(min {min(runs):.3f}; {1e3 * t_ours / N_PERM:.3f} ms per permutation)"
    )
    t_mom, t_fit = parts(data, seg)
    say(f"  permuted moments (2 segments x 2 matrices): {t_mom:8.3f} s")
    say(f"  batched PLS fits (2 segments x 2 matrices): {t_fit:8.3f} s")

    t_loop = naive_loop(data, seg, N_LOOP) * N_PERM / N_LOOP
    say(f"\n## 2. naive loop: shuffle, acsi.fit per segment ({N_LOOP} timed)")
    say(
        f"loop, scaled to {N_PERM} permutations       : {t_loop:8.3f} s   "
        f"ratio to satmodels {t_loop / t_ours:6.1f}x"
    )

    say(f"\n## 3. cSEM (R sources), {N_CSEM} permutations timed, scaled to {N_PERM}")
    cs = csem_times(data, seg)
    if cs is None:
        say("cSEM: Rscript or the cSEM sources missing; skipped")
    else:
        mgd = cs["mgd"] * N_PERM / N_CSEM
        micom = cs["micom"] * N_PERM / N_CSEM
        say(
            f"cSEM testMGD (Chin)                       : {mgd:8.1f} s   "
            f"ratio to satmodels {mgd / t_ours:6.0f}x"
        )
        say(
            f"cSEM testMICOM                            : {micom:8.1f} s   "
            f"ratio to satmodels {micom / t_ours:6.0f}x"
        )
        say(
            f"cSEM both (satmodels does both in one run): {mgd + micom:8.1f} s   "
            f"ratio to satmodels {(mgd + micom) / t_ours:6.0f}x"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
