"""Regenerate the bundled sample survey: ``python -m satmodels.datasets``."""

from __future__ import annotations

from pathlib import Path

from . import SAMPLE_N, SAMPLE_SEED, make_survey, sample_survey_csv

if __name__ == "__main__":
    target = Path(__file__).with_name("sample_survey.csv")
    target.write_text(
        sample_survey_csv(make_survey(SAMPLE_N, rng=SAMPLE_SEED)), encoding="utf-8"
    )
