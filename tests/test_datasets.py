"""The sample-survey generator: reproducibility and population recovery."""

from __future__ import annotations

import numpy as np
import pytest

from satmodels import InputError, Moments
from satmodels.datasets import (
    ACSI_PATHS,
    SAMPLE_N,
    SAMPLE_SEED,
    load_sample_survey,
    make_survey,
    sample_survey_csv,
)
from satmodels.datasets._generator import latent_correlation


def test_bundled_file_is_the_generator_output() -> None:
    from importlib import resources

    text = (
        resources.files("satmodels.datasets").joinpath("sample_survey.csv").read_text()
    )
    assert text == sample_survey_csv(make_survey(SAMPLE_N, rng=SAMPLE_SEED))


def test_load_backends() -> None:
    data = load_sample_survey()
    assert len(data["sat1"]) == SAMPLE_N
    pd_frame = load_sample_survey("pandas")
    assert pd_frame.shape[0] == SAMPLE_N
    pl_frame = load_sample_survey("polars")
    assert pl_frame.height == SAMPLE_N
    with pytest.raises(InputError, match="backend"):
        load_sample_survey("excel")


def test_answers_on_their_scales() -> None:
    d = make_survey(300, rng=2).data
    for name in ("sat1", "qual2", "overall"):
        vals = d[name][~np.isnan(d[name])]
        assert set(np.unique(vals)) <= set(range(1, 11))
    assert set(np.unique(d["nps"])) <= set(range(11))
    assert set(np.unique(d["sq_p5"])) <= set(range(1, 8))
    kano = d["kano_f1"][~np.isnan(d["kano_f1"])]
    assert set(np.unique(kano)) <= {1, 2, 3, 4, 5}
    assert np.isnan(d["expe3"]).any()


def test_indicator_correlations_recover_population() -> None:
    # Reflective model: corr(x_i, x_j) = lambda_i * lambda_j * phi(latents).
    s = make_survey(100_000, rng=5, discrete=False, missing_rate=0.0)
    cols = ["expe1", "qual1", "val1", "sat1", "loy1"]
    r = Moments.from_data(np.column_stack([s.data[c] for c in cols])).correlation()
    phi = s.latent_correlation
    idx = {"expe1": 0, "qual1": 1, "val1": 2, "sat1": 3, "loy1": 5}
    for i, ci in enumerate(cols):
        for j, cj in enumerate(cols):
            if i < j:
                expected = s.loadings[ci] * s.loadings[cj] * phi[idx[ci], idx[cj]]
                assert r[i, j] == pytest.approx(expected, abs=0.01)


def test_latent_correlation_by_path_tracing() -> None:
    # Wright's path tracing for EXPE-QUAL and QUAL-VAL (standardized).
    phi = latent_correlation()
    assert phi[0, 1] == pytest.approx(ACSI_PATHS[("EXPE", "QUAL")])
    b_eq, b_ev, b_qv = 0.55, 0.15, 0.55
    assert phi[1, 2] == pytest.approx(b_qv + b_ev * b_eq)
    assert np.allclose(np.diag(phi), 1.0)


def test_segment_weights_post_stratify() -> None:
    d = make_survey(1000, rng=3).data
    for seg in ("north", "south", "west"):
        assert d["weight"][d["segment"] == seg].sum() == pytest.approx(1000 / 3)


def test_bad_arguments() -> None:
    with pytest.raises(InputError, match="'n'"):
        make_survey(0)
    with pytest.raises(InputError, match="missing_rate"):
        make_survey(10, missing_rate=1.5)
    with pytest.raises(InputError, match="unknown path"):
        make_survey(10, paths={("LOY", "EXPE"): 0.3})
    with pytest.raises(InputError, match="explains"):
        make_survey(10, paths={("EXPE", "QUAL"): 1.2})
