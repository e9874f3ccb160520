"""Generate robust_sample.csv: non-normal ACSI answers for the robust ML tests.

The ACSI preset's population model (paths and variances as in
tests/test_acsi_ml.py) with skewed latent disturbances (standardized
chi-square with 2 df: skewness 2, excess kurtosis 6) and heavy-tailed
measurement errors (Student t with 5 df, scaled to the target variance:
excess kurtosis 6); 400 respondents, answers rounded to 4 decimals so that
R and Python read identical numbers. Run: ``python robust_sample.py`` then
``Rscript lavaan_robust.R``.
"""

from __future__ import annotations

import math

import numpy as np

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
DISTURBANCE = {
    "EXPE": 1.0,
    "QUAL": 0.64,
    "VAL": 0.6,
    "SAT": 0.4,
    "COMP": 0.8,
    "LOY": 0.5,
}
ITEMS = {
    "EXPE": ("expe1", "expe2", "expe3"),
    "QUAL": ("qual1", "qual2", "qual3", "qual4"),
    "VAL": ("val1", "val2"),
    "SAT": ("sat1", "sat2", "sat3"),
    "COMP": ("comp1",),
    "LOY": ("loy1", "loy2", "loy3"),
}
LOADINGS = (1.0, 0.8, 1.2, 0.9)
THETA = 0.5


def simulate(n: int, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """Rows of the non-normal population model (``comp1`` without error)."""
    eta: dict[str, np.ndarray] = {}
    for lv in ITEMS:
        skewed = (rng.chisquare(2, size=n) - 2.0) / 2.0  # mean 0, variance 1
        z = math.sqrt(DISTURBANCE[lv]) * skewed
        for (target, source), b in PATHS.items():
            if target == lv:
                z = z + b * eta[source]
        eta[lv] = z
    cols, names = [], []
    for lv, items in ITEMS.items():
        for k, item in enumerate(items):
            noise = (
                0.0
                if len(items) == 1
                else math.sqrt(THETA * 3.0 / 5.0) * rng.standard_t(5, size=n)
            )
            cols.append(5.0 + LOADINGS[k] * eta[lv] + noise)
            names.append(item)
    return np.round(np.column_stack(cols), 4), names


def main() -> None:
    """Write the CSV into the working directory."""
    x, names = simulate(400, np.random.default_rng(20261130))
    lines = [",".join(names)]
    lines += [",".join(f"{v:.4f}" for v in row) for row in x]
    with open("robust_sample.csv", "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
