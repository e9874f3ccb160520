"""Deterministic MAR missingness imposed on complete survey data (golden inputs).

Used by ``tests/golden/lavaan_missing.R`` (through the CSV files this script
writes) and by ``tests/test_em.py`` / ``tests/test_fiml.py`` (which call
:func:`impose_mar` themselves), so R and the tests see the same cells.

Missing at random (Rubin 1976): the probability that a respondent skips an
item depends only on answers that are always observed (the ``anchors``):

    pi_r = 0.02 + 0.25 / (1 + exp(-2 z_r)),   z_r = standardized mean of
    the respondent's anchor answers,

and each non-anchor cell is missing independently with probability pi_r
(``numpy.random.default_rng(seed).random``, PCG64: stable across numpy
versions). Low anchor answers (unhappy customers) skip more, so listwise
deletion keeps the happier respondents and is biased; EM and FIML are not.

    python tests/golden/missing_data.py /tmp/mlmissing

writes ``mobi_mar.csv`` (needs /work/shared/data/ecsi/mobi.csv) and
``survey_mar.csv`` (the ACSI items of ``satmodels.datasets``' sample survey)
with ``survey_weights.csv`` (its case weights).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

#: Seed of the missingness draws.
SEED = 20261130
MOBI_ANCHORS = ("CUSA1", "IMAG1")
SURVEY_ANCHORS = ("sat1", "qual1")
SURVEY_ITEMS = (
    "expe1", "expe2", "expe3", "qual1", "qual2", "qual3", "qual4", "val1",
    "val2", "sat1", "sat2", "sat3", "comp1", "loy1", "loy2", "loy3",
)  # fmt: skip


def impose_mar(
    x: np.ndarray, columns: Sequence[str], anchors: Sequence[str], seed: int = SEED
) -> np.ndarray:
    """Return a float copy of ``x`` with MAR missing cells (NaN) imposed."""
    out = np.array(x, dtype=np.float64)
    idx = [list(columns).index(a) for a in anchors]
    a = np.nanmean(out[:, idx], axis=1)
    z = (a - a.mean()) / a.std()
    pi = 0.02 + 0.25 / (1.0 + np.exp(2.0 * z))
    u = np.random.default_rng(seed).random(out.shape)
    mask = u < pi[:, None]
    mask[:, idx] = False
    out[mask] = np.nan
    return out


def _write(path: Path, columns: Sequence[str], x: np.ndarray) -> None:
    lines = [",".join(columns)]
    lines += [
        ",".join("NA" if np.isnan(v) else repr(float(v)) for v in row) for row in x
    ]
    path.write_text("\n".join(lines) + "\n")


def main(out_dir: str) -> None:
    """Write the two CSV files the R script reads."""
    from satmodels.datasets import load_sample_survey

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    mobi = Path("/work/shared/data/ecsi/mobi.csv")
    if mobi.exists():
        text = mobi.read_text().splitlines()
        cols = [c.strip('"') for c in text[0].split(",")]
        x = np.array([[float(v) for v in line.split(",")] for line in text[1:]])
        _write(out / "mobi_mar.csv", cols, impose_mar(x, cols, MOBI_ANCHORS))
    survey = load_sample_survey()
    x = np.column_stack([np.asarray(survey[c], dtype=float) for c in SURVEY_ITEMS])
    mar = impose_mar(x, SURVEY_ITEMS, SURVEY_ANCHORS)
    _write(out / "survey_mar.csv", SURVEY_ITEMS, mar)
    w = np.asarray(survey["weight"], dtype=float)[:, None]
    _write(out / "survey_weights.csv", ("weight",), w)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/mlmissing")
