"""Generate design_sample.csv: a stratified two-stage sample for the design tests.

Four strata with 5, 6, 4 and 7 sampled PSUs (schools, branches...) out of
12, 15, 9 and 20; 6-14 respondents per PSU; sampling weights; a 0-10
score with missing answers and a PSU effect, a 0/1 top-box item, and
perceived/expected ratings for a ratio. Run: ``python design_sample.py``
then ``Rscript design_survey.R``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def main() -> None:
    """Write the CSV into the working directory."""
    rng = np.random.default_rng(1130)
    rows = []
    psu_id = 0
    for h, (n_psu, big_n) in enumerate([(5, 12), (6, 15), (4, 9), (7, 20)], start=1):
        for _ in range(n_psu):
            psu_id += 1
            effect = rng.normal(0, 1.0)
            m = int(rng.integers(6, 15))
            weight = big_n / n_psu * 40 / m
            for _ in range(m):
                score = float(
                    np.clip(np.round(6 + 0.4 * h + effect + rng.normal(0, 2)), 0, 10)
                )
                top = 1.0 if score >= 9 else 0.0
                expected = float(rng.integers(3, 8))
                perceived = float(
                    np.clip(expected + np.round(rng.normal(0.3, 1.2)), 1, 7)
                )
                missing = rng.random() < 0.08
                rows.append(
                    (
                        h,
                        psu_id,
                        big_n,
                        round(weight * rng.uniform(0.8, 1.25), 4),
                        "NA" if missing else score,
                        top,
                        perceived,
                        expected,
                    )
                )
    with (Path(__file__).parent / "design_sample.csv").open(
        "w", encoding="utf-8"
    ) as fh:
        fh.write("stratum,psu,fpc,w,score,top,perceived,expected\n")
        for row in rows:
            fh.write(",".join(str(v) for v in row) + "\n")


if __name__ == "__main__":
    main()
