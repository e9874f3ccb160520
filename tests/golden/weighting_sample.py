"""Generate weighting_sample.csv: the respondents of the weighting references.

Run from this folder: ``python weighting_sample.py`` (seed fixed), then
``Rscript weighting_survey.R`` to recompute weighting_survey.csv.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def main() -> None:
    """Write the CSV into the working directory."""
    rng = np.random.default_rng(20261130)
    n = 300
    region = rng.choice(["N", "S", "E", "W"], size=n, p=[0.4, 0.25, 0.2, 0.15])
    age = rng.choice([1, 2, 3], size=n, p=[0.2, 0.5, 0.3])
    sex = rng.choice([1, 2], size=n, p=[0.45, 0.55])
    w = np.round(rng.lognormal(mean=0.0, sigma=0.4, size=n) * 10, 3)
    with (Path(__file__).parent / "weighting_sample.csv").open(
        "w", encoding="utf-8"
    ) as fh:
        fh.write("region,age,sex,w\n")
        for row in zip(region, age, sex, w, strict=True):
            fh.write(",".join(str(v) for v in row) + "\n")


if __name__ == "__main__":
    main()
