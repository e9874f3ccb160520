"""Benchmark: satmodels PLS-PM vs the numpy covariance floor and PyPI plspm.

Run from the repository root::

    /work/venv/bin/python bench/acsi_pls.py

Measured in one run, same data (candidates interleaved, one call each per
round; the median over the rounds is the figure, the minimum is printed
too: the machine is shared and its load drifts within seconds):

1. PLS fit of an ACSI-shaped model (6 latents, 16 indicators) from a
   pandas frame at n = 100,000: ``acsi.fit`` (the one read of the frame,
   Moments, PLS, quality, indices; with and without per-respondent scores)
   vs ``np.cov`` of the same 16 columns (target: within 2x) and vs PyPI
   plspm 0.5.7 on the same frame (target: at least 50x faster).
2. PLS fit with latent scores (the default) at n = 1,000,000 from a numpy
   array, a pandas frame and a polars frame vs ``np.cov`` of the same
   array (target: within 2x each).
3. A small survey, n = 250: ``acsi.fit`` vs ``np.cov`` of the same array
   (target: within 30x; the fixed per-call cost).
4. Bootstrap at n = 250: 5,000 replicates with satmodels (target: under
   2 s; at least 100x faster per replicate than plspm, measured here on
   fewer replicates with its two-process bootstrap).

plspm needs pandas < 3, so it runs in its own virtual environment
(bench/_peers/plspm-venv, see bench/plspm_golden.py) through a subprocess;
its timings are printed by that process. Output is also written to
bench/results/acsi_pls.txt.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from satmodels import acsi as acsi_module
from satmodels.acsi import acsi

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT / "bench" / "_peers" / "plspm-venv" / "bin" / "python"
OUT = ROOT / "bench" / "results" / "acsi_pls.txt"

SPEC = acsi(
    expectations=["expe1", "expe2", "expe3"],
    quality=["qual1", "qual2", "qual3", "qual4"],
    value=["val1", "val2"],
    satisfaction=["sat1", "sat2", "sat3"],
    complaints=["comp1"],
    loyalty=["loy1", "loy2", "loy3"],
)

PEER_SCRIPT = r"""
import json, sys, time
import numpy as np, pandas as pd
import plspm.config as c
from plspm.plspm import Plspm
from plspm.scheme import Scheme
from plspm.mode import Mode
spec = json.loads(sys.argv[2])
x = np.load(sys.argv[1])
cols = [i for b in spec["blocks"] for i in b["indicators"]]
df = pd.DataFrame(x, columns=cols)
lvs = [b["latent"] for b in spec["blocks"]]
pm = pd.DataFrame(0, index=lvs, columns=lvs)
for p in spec["paths"]:
    pm.loc[p["target"], p["source"]] = 1
cfg = c.Config(pm, scaled=False)
for b in spec["blocks"]:
    cfg.add_lv(b["latent"], Mode.A, *[c.MV(m) for m in b["indicators"]])
n_boot = int(sys.argv[3])
t = time.perf_counter()
res = Plspm(df, cfg, Scheme.PATH, bootstrap=n_boot > 0,
            bootstrap_iterations=max(n_boot, 10), processes=2)
el = time.perf_counter() - t
print(json.dumps({"seconds": el, "path": float(res.path_coefficients().loc["SAT", "QUAL"])}))
"""


def simulate(n: int, seed: int) -> np.ndarray:
    """ACSI-shaped 1-10 answers with a known structure."""
    rng = np.random.default_rng(seed)
    e = rng.normal(size=n)
    q = 0.6 * e + 0.8 * rng.normal(size=n)
    v = 0.2 * e + 0.5 * q + 0.8 * rng.normal(size=n)
    s = 0.1 * e + 0.5 * q + 0.3 * v + 0.6 * rng.normal(size=n)
    co = -0.5 * s + 0.85 * rng.normal(size=n)
    lo = 0.6 * s - 0.2 * co + 0.7 * rng.normal(size=n)
    lat = {"EXPE": e, "QUAL": q, "VAL": v, "SAT": s, "COMP": co, "LOY": lo}
    cols = []
    for b in SPEC.blocks:
        for _ in b.indicators:
            cols.append(0.8 * lat[b.latent] + 0.6 * rng.normal(size=n))
    x = np.column_stack(cols)
    return np.clip(np.round(7 + 1.5 * x), 1, 10)


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def interleaved_runs(
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


def interleaved(
    candidates: dict[str, Callable[[], object]], rounds: int
) -> dict[str, float]:
    """Median time of each candidate over ``rounds`` interleaved rounds."""
    runs = interleaved_runs(candidates, rounds)
    return {name: float(np.median(v)) for name, v in runs.items()}


def ratios(
    say: Callable[[str], None],
    runs: dict[str, list[float]],
    labels: dict[str, str],
    *,
    floor: str,
    target: float,
) -> None:
    """Print median (and minimum) time and ratio to ``floor`` of each run."""
    med = {k: float(np.median(v)) for k, v in runs.items()}
    low = {k: float(np.min(v)) for k, v in runs.items()}
    for name, label in labels.items():
        unit, scale = ("ms", 1e3) if med[floor] < 0.01 else ("s", 1.0)
        text = f"{label:44s}: {scale * med[name]:8.4f} {unit} (min {scale * low[name]:8.4f})"
        if name != floor:
            text += (
                f"   ratio {med[name] / med[floor]:6.2f}x "
                f"(by minimum {low[name] / low[floor]:6.2f}x; target <= {target:g}x)"
            )
        say(text)


def peer(x: np.ndarray, n_boot: int) -> dict[str, float] | None:
    if not PEER.exists():
        return None
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "_peers") as tmp:
        path = os.path.join(tmp, "x.npy")
        np.save(path, x)
        out = subprocess.run(
            [str(PEER), "-c", PEER_SCRIPT, path, SPEC.to_json(), str(n_boot)],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    say(
        f"# satmodels ACSI PLS benchmark ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})"
    )
    say(
        f"# machine: {os.cpu_count()} cores (shared, loaded: load average "
        f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}); numpy {np.__version__}"
    )
    say("# figures: median of interleaved rounds (minimum in parentheses)")
    n = 100_000
    x = simulate(n, 1)
    cols = list(SPEC.indicators)
    frame = pd.DataFrame(x, columns=cols)
    say(
        f"\n## 1. PLS fit from a pandas frame, n = {n:,}, p = {x.shape[1]} "
        "indicators, 6 latents"
    )
    # interleaved rounds (each candidate once per round, median of 15): on
    # this shared machine the load drifts within seconds, and timing the
    # candidates one after the other would compare different moments
    times = interleaved(
        {
            "cov": lambda: np.cov(x, rowvar=False),
            "cov_frame": lambda: np.cov(frame[cols].to_numpy(), rowvar=False),
            "fit": lambda: acsi_module.fit(frame, scale=(1, 10), scores=False),
            "fit_scores": lambda: acsi_module.fit(frame, scale=(1, 10)),
            "fit_observed": lambda: acsi_module.fit(frame, scores=False),
        },
        rounds=15,
    )
    t_cov, t_cov_frame = times["cov"], times["cov_frame"]
    t_fit, t_fit_scores = times["fit"], times["fit_scores"]
    t_fit_observed = times["fit_observed"]
    say(f"numpy np.cov of the 16 columns (array)       : {t_cov:8.4f} s")
    say(f"numpy np.cov of frame[cols].to_numpy()       : {t_cov_frame:8.4f} s")
    say(
        f"acsi.fit(frame, scale=(1, 10), scores=False) : {t_fit:8.4f} s   "
        f"ratio to np.cov {t_fit / t_cov:5.2f}x (target <= 2x)"
    )
    say(
        f"acsi.fit(frame, scale=(1, 10), scores=True)  : {t_fit_scores:8.4f} s   "
        f"ratio to np.cov {t_fit_scores / t_cov:5.2f}x"
    )
    say(
        f"acsi.fit(frame, scores=False) (observed scale): {t_fit_observed:8.4f} s   "
        f"ratio to np.cov {t_fit_observed / t_cov:5.2f}x"
    )
    res = peer(x, 0)
    ours = acsi_module.fit(frame, scale=(1, 10), scores=False).path("QUAL", "SAT")
    if res is None:
        say("PyPI plspm: peer environment missing (see bench/plspm_golden.py)")
    else:
        say(
            f"PyPI plspm 0.5.7 (same data)                 : {res['seconds']:8.4f} s   "
            f"satmodels is {res['seconds'] / t_fit:6.1f}x faster (target >= 50x)"
        )
        say(
            f"  same estimate? QUAL -> SAT: satmodels {ours:.6f}, plspm {res['path']:.6f}"
        )

    n_big = 1_000_000
    xb = simulate(n_big, 3)
    big_pd = pd.DataFrame(xb, columns=cols)
    big_pl = pl.DataFrame(xb, schema=cols)
    say(f"\n## 2. PLS fit with latent scores, n = {n_big:,}: array, pandas, polars")
    runs = interleaved_runs(
        {
            "cov": lambda: np.cov(xb, rowvar=False),
            "array": lambda: acsi_module.fit(
                xb, model=SPEC, columns=cols, scale=(1, 10)
            ),
            "array_noscores": lambda: acsi_module.fit(
                xb, model=SPEC, columns=cols, scale=(1, 10), scores=False
            ),
            "pandas": lambda: acsi_module.fit(big_pd, scale=(1, 10)),
            "polars": lambda: acsi_module.fit(big_pl, scale=(1, 10)),
        },
        rounds=7,
    )
    ratios(
        say,
        runs,
        {
            "cov": "numpy np.cov of the 16 columns (array)",
            "array": "acsi.fit(array) with scores",
            "array_noscores": "acsi.fit(array, scores=False)",
            "pandas": "acsi.fit(pandas frame) with scores",
            "polars": "acsi.fit(polars frame) with scores",
        },
        floor="cov",
        target=2,
    )

    n_small, b = 250, 5000
    xs = simulate(n_small, 2)
    say(f"\n## 3. A small survey, n = {n_small}: the fixed cost of a fit")
    runs = interleaved_runs(
        {
            "cov": lambda: np.cov(xs, rowvar=False),
            "fit": lambda: acsi_module.fit(xs, model=SPEC, columns=cols, scale=(1, 10)),
        },
        rounds=400,
    )
    ratios(
        say,
        runs,
        {
            "cov": "numpy np.cov of the 16 columns",
            "fit": "acsi.fit(array), scores, scale=(1, 10)",
        },
        floor="cov",
        target=30,
    )
    say(f"\n## 4. Bootstrap, n = {n_small}, {b} replicates (BCa, indices, HTMT)")
    t_boot = best(
        lambda: acsi_module.fit(
            xs,
            model=SPEC,
            columns=list(SPEC.indicators),
            scale=(1, 10),
            n_resamples=b,
            rng=1,
            scores=False,
        ),
        repeat=2,
    )
    say(
        f"satmodels                     : {t_boot:8.3f} s   ({1e3 * t_boot / b:.3f} ms per replicate; target < 2 s)"
    )
    nb_peer = 100
    res = peer(xs, nb_peer)
    if res is not None:
        base = peer(xs, 0)
        assert base is not None
        per = (res["seconds"] - base["seconds"]) / nb_peer
        say(
            f"PyPI plspm ({nb_peer} replicates, 2 processes): {res['seconds']:8.3f} s   ({1e3 * per:.1f} ms per replicate)"
        )
        say(
            f"per-replicate speed-up        : {per / (t_boot / b):8.1f}x (target >= 100x)"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
