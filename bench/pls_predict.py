"""Benchmark: PLSpredict (10 folds x 10 repetitions) by moment differences.

Run from the repository root (the machine is shared: be nice)::

    nice -n 10 python bench/pls_predict.py

Measured in one run, same data (ACSI-shaped: 6 latents, 16 indicators,
1-10 answers, the generator of bench/acsi_pls.py), candidates interleaved,
one call each a round; the median over the rounds is the figure, the
minimum is printed too:

1. ``acsi.predict(x, folds=10, repetitions=10)`` end to end (read,
   folds, 100 training fits, predictions, metrics).
2. The cross-validation kernel two ways, same code path otherwise:
   *difference* (satmodels: each training set's moments are the total
   minus its fold's; one pass over the rows per repetition, the 10 fits of
   a repetition as one batch) and *rows* (the naive way: each training
   set's moments computed from its own rows, about 9 passes per
   repetition).
3. The training moments alone (the part the design changes): total
   minus fold vs from the training rows, for the 10 repetitions.
4. ``np.cov`` of the 16 columns: the physical floor of one pass over the
   data (PLSpredict needs at least one per repetition, plus the
   predictions).

At n = 250 and n = 1,000,000. Output also written to
bench/results/pls_predict.txt.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from satmodels import acsi as acsi_module
from satmodels.acsi import _folds, acsi
from satmodels.acsi._pls_kernel import layout
from satmodels.acsi._predict_kernel import cross_validate, targets

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "pls_predict.txt"

SPEC = acsi(
    expectations=["expe1", "expe2", "expe3"],
    quality=["qual1", "qual2", "qual3", "qual4"],
    value=["val1", "val2"],
    satisfaction=["sat1", "sat2", "sat3"],
    complaints=["comp1"],
    loyalty=["loy1", "loy2", "loy3"],
)
LAY = layout(SPEC)
FOLDS, REPS = 10, 10


def simulate(n: int, seed: int) -> np.ndarray:
    """ACSI-shaped 1-10 answers with a known structure (bench/acsi_pls.py)."""
    rng = np.random.default_rng(seed)
    e = rng.normal(size=n)
    q = 0.6 * e + 0.8 * rng.normal(size=n)
    v = 0.2 * e + 0.5 * q + 0.8 * rng.normal(size=n)
    s = 0.1 * e + 0.5 * q + 0.3 * v + 0.6 * rng.normal(size=n)
    co = -0.5 * s + 0.85 * rng.normal(size=n)
    lo = 0.6 * s - 0.2 * co + 0.7 * rng.normal(size=n)
    lat = {"EXPE": e, "QUAL": q, "VAL": v, "SAT": s, "COMP": co, "LOY": lo}
    cols = [
        0.8 * lat[b.latent] + 0.6 * rng.normal(size=n)
        for b in SPEC.blocks
        for _ in b.indicators
    ]
    x = np.column_stack(cols)
    return np.clip(np.round(7 + 1.5 * x), 1, 10)


def interleaved_runs(
    candidates: dict[str, Callable[[], object]], rounds: dict[str, int]
) -> dict[str, list[float]]:
    """Times of each candidate, one call each a round, interleaved."""
    out: dict[str, list[float]] = {name: [] for name in candidates}
    for r in range(max(rounds.values())):
        for name, fn in candidates.items():
            if r >= rounds[name]:
                continue
            t = time.perf_counter()
            fn()
            out[name].append(time.perf_counter() - t)
    return out


def labels_for(n: int, seed: int) -> np.ndarray:
    """Fold labels of every repetition (balanced, seeded)."""
    rng = np.random.default_rng(seed)
    base = (np.arange(n) * FOLDS) // n
    out = np.empty((REPS, n), dtype=np.int64)
    for r in range(REPS):
        out[r, rng.permutation(n)] = base
    return out


def section(say: Callable[[str], None], n: int, rounds: int, naive_rounds: int) -> None:
    x = simulate(n, seed=1)
    cols = list(LAY.indicators)
    labels = labels_for(n, seed=2)
    tg = targets(LAY, "ea")

    def kernel(training: str) -> Callable[[], object]:
        return lambda: cross_validate(
            x,
            None,
            labels,
            lay=LAY,
            tg=tg,
            technique="ea",
            scheme="path",
            tol=1e-7,
            max_iter=300,
            training=training,
        )

    def moments(training: str) -> Callable[[], object]:
        """The training moments of every repetition only (no fits)."""
        total = _folds.total_sums(x, None)

        def run() -> None:
            for r in range(REPS):
                s = _folds.sort_folds(x, None, labels[r], FOLDS)
                if training == "difference":
                    _folds.difference(total, _folds.fold_sums(s))
                else:
                    _folds.training_from_rows(s)

        return run

    # the two kernels agree (same folds)
    a, b = kernel("difference")(), kernel("rows")()
    gap = float(np.max(np.abs(a.pls - b.pls)))  # type: ignore[attr-defined]
    candidates: dict[str, Callable[[], object]] = {
        "cov": lambda: np.cov(x, rowvar=False),
        "predict": lambda: acsi_module.predict(
            x, columns=cols, model=SPEC, folds=FOLDS, repetitions=REPS, rng=3
        ),
        "difference": kernel("difference"),
        "rows": kernel("rows"),
        "mom_difference": moments("difference"),
        "mom_rows": moments("rows"),
    }
    runs = interleaved_runs(
        candidates,
        {
            "cov": rounds,
            "predict": rounds,
            "difference": rounds,
            "rows": naive_rounds,
            "mom_difference": rounds,
            "mom_rows": naive_rounds,
        },
    )
    med = {k: float(np.median(v)) for k, v in runs.items()}
    mn = {k: float(np.min(v)) for k, v in runs.items()}
    unit, scale = ("ms", 1e3) if n < 10_000 else ("s", 1.0)

    def line(label: str, key: str, extra: str = "") -> None:
        say(
            f"{label:<46}: {med[key] * scale:9.4f} {unit} "
            f"(min {mn[key] * scale:9.4f}){extra}"
        )

    say(f"\n## n = {n:,}: {FOLDS} folds x {REPS} repetitions (100 training fits)")
    line("numpy np.cov of the 16 columns (one pass)", "cov")
    line(
        "acsi.predict end to end",
        "predict",
        f"   {med['predict'] / med['cov']:7.1f}x np.cov",
    )
    line(
        "kernel, training = total - fold (satmodels)",
        "difference",
        f"   {med['difference'] / med['cov']:7.1f}x np.cov",
    )
    line(
        "kernel, training from its rows (naive)",
        "rows",
        f"   {med['rows'] / med['cov']:7.1f}x np.cov",
    )
    line(
        "training moments only, total - fold (10 reps)",
        "mom_difference",
        f"   {med['mom_difference'] / med['cov']:7.1f}x np.cov",
    )
    line(
        "training moments only, from rows (10 reps)",
        "mom_rows",
        f"   {med['mom_rows'] / med['cov']:7.1f}x np.cov",
    )
    say(
        f"training moments, naive / difference: "
        f"{med['mom_rows'] / med['mom_difference']:.2f}x "
        f"(by minimum {mn['mom_rows'] / mn['mom_difference']:.2f}x)"
    )
    say(
        f"naive / difference: {med['rows'] / med['difference']:.2f}x "
        f"(by minimum {mn['rows'] / mn['difference']:.2f}x); per training fit "
        f"{med['difference'] / (FOLDS * REPS) * 1e3:.3f} ms vs "
        f"{med['rows'] / (FOLDS * REPS) * 1e3:.3f} ms; largest prediction "
        f"gap between the two {gap:.1e}"
    )


def main() -> None:
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    say(f"# satmodels PLSpredict benchmark ({stamp})")
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    say(
        f"# machine: {os.cpu_count()} cores (shared; load average {load}); "
        f"numpy {np.__version__}; run under nice -n 10"
    )
    say("# figures: median of interleaved rounds (minimum in parentheses)")
    section(say, 250, rounds=15, naive_rounds=15)
    section(say, 1_000_000, rounds=2, naive_rounds=1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
