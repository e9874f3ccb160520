"""PLSpredict, CVPAT and f² vs seminr / cSEM / R (tests/golden/seminr_predict.json).

The reference (tests/golden/seminr_predict.R) fits seminr's estimate_pls on
the training rows of every committed fold (tests/golden/
seminr_predict_folds.csv: two repetitions of 10 folds) of the ECSI mobi
data, predicts the held-out rows with seminr's predict_EA / predict_DA,
fits the LM benchmarks with R's lm(), runs CVPAT's paired t.test and
computes f² with seminr's model_fsquares() and cSEM's calculatef2().
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest

from satmodels import acsi
from satmodels.acsi import _folds
from satmodels.acsi._pls_kernel import layout
from satmodels.acsi._predict_kernel import cross_validate, targets
from satmodels.datasets import load_sample_survey, make_survey
from satmodels.exceptions import InputError

_REL = Path("shared") / "data" / "ecsi" / "mobi.csv"
MOBI = next(
    (
        p
        for p in (Path(__file__).resolve().parents[2] / _REL, Path("/work") / _REL)
        if p.exists()
    ),
    Path(__file__).resolve().parents[2] / _REL,
)
GOLDEN: dict[str, Any] = json.loads(
    (Path(__file__).parent / "golden" / "seminr_predict.json").read_text()
)
ECSI = """
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
QUAL =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
VAL =~ PERV1 + PERV2
SAT =~ CUSA1 + CUSA2 + CUSA3
COMP =~ CUSCO
LOY =~ CUSL1 + CUSL2 + CUSL3
EXPE ~ IMAG
QUAL ~ EXPE
VAL ~ EXPE + QUAL
SAT ~ IMAG + EXPE + QUAL + VAL
COMP ~ SAT
LOY ~ IMAG + SAT + COMP
"""
FOLDS = np.array([GOLDEN["folds"]["rep1"], GOLDEN["folds"]["rep2"]])


@pytest.fixture(scope="module")
def mobi() -> Any:
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at ../shared/data/ecsi")
    import pandas as pd

    return pd.read_csv(MOBI)


def _ref(part: dict[str, float], names: tuple[str, ...]) -> np.ndarray[Any, Any]:
    return np.array([part[n] for n in names])


@pytest.mark.parametrize("technique", ["ea", "da"])
def test_predict_matches_seminr_with_committed_folds(
    mobi: Any, technique: Literal["ea", "da"]
) -> None:
    res = acsi.predict(
        mobi, model=ECSI, technique=technique, folds=FOLDS, tol=1e-12, max_iter=1000
    )
    gold = GOLDEN[technique]
    assert set(res.indicators) == set(GOLDEN["endogenous"])
    assert (res.folds, res.repetitions, res.n) == (10, 2, 250)
    for model in ("pls", "lm", "ia"):
        np.testing.assert_allclose(
            res.rmse[model], _ref(gold[model]["rmse"], res.indicators), rtol=1e-10
        )
        np.testing.assert_allclose(
            res.mae[model], _ref(gold[model]["mae"], res.indicators), rtol=1e-10
        )
    for model in ("pls", "lm"):
        np.testing.assert_allclose(
            res.q2_predict[model],
            _ref(gold[f"q2_{model}"], res.indicators),
            rtol=1e-9,
        )
    # the averaged predictions themselves (column means) and a few rows of
    # the first repetition's PLS predictions
    np.testing.assert_allclose(
        res.predictions.mean(axis=0),
        _ref(
            dict(zip(GOLDEN["endogenous"], gold["pls_predictions_mean"], strict=True)),
            res.indicators,
        ),
        rtol=1e-12,
    )
    one = acsi.predict(
        mobi, model=ECSI, technique=technique, folds=FOLDS[0], tol=1e-12, max_iter=1000
    )
    first = np.array(gold["pls_rep1_first_rows"])
    order = [GOLDEN["endogenous"].index(n) for n in one.indicators]
    np.testing.assert_allclose(one.predictions[:5], first[:, order], rtol=1e-11)


def test_training_moments_by_difference_equal_the_training_rows() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(503, 6)) * [1, 2, 3, 1e3, 1e-3, 5] + [0, 1, 1e4, 0, 0, 7]
    w = rng.uniform(0.2, 3.0, size=503)
    labels = rng.integers(0, 7, size=503)
    for weights in (None, w):
        s = _folds.sort_folds(x, weights, labels, 7)
        fast = _folds.difference(_folds.total_sums(x, weights), _folds.fold_sums(s))
        slow = _folds.training_from_rows(s)
        np.testing.assert_allclose(fast.weight, slow.weight, rtol=1e-13)
        np.testing.assert_allclose(fast.weight_sq, slow.weight_sq, rtol=1e-13)
        np.testing.assert_allclose(fast.mean, slow.mean, rtol=1e-11, atol=1e-12)
        np.testing.assert_allclose(fast.comoment, slow.comoment, rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(fast.correlation(), slow.correlation(), atol=1e-12)


@pytest.mark.parametrize("technique", ["ea", "da"])
def test_difference_and_naive_folds_give_the_same_predictions(
    technique: Literal["ea", "da"],
) -> None:
    spec = acsi.acsi()
    lay = layout(spec)
    survey = make_survey(400, rng=3, missing_rate=0.0)
    x = np.column_stack([survey.data[c] for c in lay.indicators]).astype(float)
    w = np.random.default_rng(1).uniform(0.5, 2.0, size=400)
    labels = np.random.default_rng(2).integers(0, 5, size=(2, 400))
    tg = targets(lay, technique)
    kw: dict[str, Any] = {
        "lay": lay,
        "tg": tg,
        "technique": technique,
        "scheme": "path",
        "tol": 1e-12,
        "max_iter": 1000,
        "standardized": True,
    }
    fast = cross_validate(x, w, labels, training="difference", **kw)
    slow = cross_validate(x, w, labels, training="rows", **kw)
    for name in ("pls", "lm", "ia", "sq_pls", "sq_lm"):
        np.testing.assert_allclose(getattr(fast, name), getattr(slow, name), rtol=1e-9)


def test_weights_are_frequencies() -> None:
    # integer case weights = duplicated rows, when the folds keep duplicates together
    survey = load_sample_survey()
    cols = list(acsi.acsi().indicators)
    import pandas as pd

    frame = pd.DataFrame(survey)[cols].dropna().reset_index(drop=True)
    n = len(frame)
    rng = np.random.default_rng(4)
    reps = rng.integers(1, 4, size=n)
    labels = rng.integers(0, 5, size=n)
    weighted = acsi.predict(frame, weights=reps, folds=labels, tol=1e-12, max_iter=1000)
    dup = frame.loc[frame.index.repeat(reps)]
    long = acsi.predict(dup, folds=np.repeat(labels, reps), tol=1e-12, max_iter=1000)
    for model in ("pls", "lm", "ia"):
        np.testing.assert_allclose(weighted.rmse[model], long.rmse[model], rtol=1e-9)
        np.testing.assert_allclose(weighted.mae[model], long.mae[model], rtol=1e-9)


@pytest.mark.parametrize("technique", ["ea", "da"])
def test_cvpat_matches_the_paired_t_test(
    mobi: Any, technique: Literal["ea", "da"]
) -> None:
    res = acsi.cvpat(
        mobi, model=ECSI, technique=technique, folds=FOLDS[0], tol=1e-12, max_iter=1000
    )
    gold = GOLDEN[f"cvpat_{technique}"]
    assert res.constructs[0] == "overall"
    for bench in ("ia", "lm"):
        g = gold[bench]
        assert res.loss["pls"][0] == pytest.approx(g["loss_pls"], rel=1e-10)
        assert res.loss[bench][0] == pytest.approx(g["loss_benchmark"], rel=1e-10)
        assert res.difference[bench][0] == pytest.approx(g["difference"], rel=1e-9)
        assert res.statistic[bench][0] == pytest.approx(g["t"], rel=1e-9)
        assert res.pvalue[bench][0] == pytest.approx(g["p_greater"], rel=1e-7)
    two = acsi.cvpat(
        mobi,
        model=ECSI,
        technique=technique,
        folds=FOLDS[0],
        tol=1e-12,
        max_iter=1000,
        alternative="two-sided",
        confidence_level=0.95,
    )
    for bench in ("ia", "lm"):
        g = gold[bench]
        assert two.pvalue[bench][0] == pytest.approx(g["p_two_sided"], rel=1e-7)
        row = two.estimates.select(f"{bench}_loss_difference")
        np.testing.assert_allclose(
            [row.ci_low[0], row.ci_high[0]], g["ci_two_sided"], rtol=1e-8
        )


@pytest.mark.parametrize(("refit", "key"), [(False, "f2_csem"), (True, "f2_seminr")])
def test_f2_matches_csem_and_seminr(mobi: Any, refit: bool, key: str) -> None:
    fit = acsi.fit(mobi, model=ECSI, tol=1e-12, max_iter=1000)
    res = acsi.effect_sizes(fit, refit=refit)
    ref = {f"{r['source']} -> {r['target']}": r["f2"] for r in GOLDEN[key]}
    assert set(res.paths) == set(ref)
    got = dict(zip(res.paths, res.f2, strict=True))
    for path, value in ref.items():
        assert got[path] == pytest.approx(value, rel=1e-8, abs=1e-12), path


def test_f2_single_predictor_is_r2_over_one_minus_r2() -> None:
    fit = acsi.fit(load_sample_survey(), scale=(1, 10))
    res = acsi.effect_sizes(fit)
    k = res.paths.index("EXPE -> QUAL")
    r2 = fit.r_squared[fit.latents.index("QUAL")]
    assert res.f2[k] == pytest.approx(r2 / (1 - r2), rel=1e-12)
    assert res.estimates.value("EXPE -> QUAL", kind="f2") == res.f2[k]


def test_rows_are_needed_and_options_checked() -> None:
    survey = load_sample_survey()
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {k: v for k, v in survey.items() if k in acsi.acsi().indicators}
    )
    with pytest.raises(InputError, match="rows"):
        acsi.predict(frame.lazy())
    from satmodels import Moments

    with pytest.raises(InputError, match="rows"):
        acsi.cvpat(Moments.from_data(frame))
    with pytest.raises(InputError, match="folds"):
        acsi.predict(survey, folds=1)
    with pytest.raises(InputError, match="folds"):
        acsi.predict(survey, folds=np.zeros(7, dtype=int))
    with pytest.raises(InputError, match="folds"):
        acsi.predict(survey, folds=np.zeros(len(survey["sat1"]), dtype=int))
    with pytest.raises(InputError, match="repetitions"):
        acsi.predict(survey, repetitions=0)
    with pytest.raises(InputError, match="technique"):
        acsi.predict(survey, technique="xx")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="alternative"):
        acsi.cvpat(survey, alternative="less")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="result"):
        acsi.effect_sizes(survey)
    with pytest.raises(InputError, match="training set"):
        acsi.predict({k: v[:8] for k, v in survey.items()}, folds=2)


def test_random_folds_are_seeded_and_balanced() -> None:
    import pandas as pd

    cols = list(acsi.acsi().indicators)
    survey = pd.DataFrame(load_sample_survey())[cols].dropna()
    a = acsi.predict(survey, folds=5, repetitions=3, rng=11)
    b = acsi.predict(survey, folds=5, repetitions=3, rng=11)
    np.testing.assert_array_equal(a.fold_labels, b.fold_labels)
    np.testing.assert_array_equal(a.rmse["pls"], b.rmse["pls"])
    counts = np.array([np.bincount(r, minlength=5) for r in a.fold_labels])
    assert counts.max() - counts.min() <= 1
    # fold labels given back reproduce the result exactly
    c = acsi.predict(survey, folds=a.fold_labels, rng=99)
    assert a.n == c.n
    np.testing.assert_array_equal(a.rmse["pls"], c.rmse["pls"])
    assert a.predictive_power in ("high", "medium", "low", "none")
    assert "PLSpredict" in str(a.summary())


BLIND: dict[str, Any] = json.loads(
    (Path(__file__).parent / "golden" / "sempls_blindfold.json").read_text()
)


@pytest.mark.parametrize("d", [7, 9])
def test_blindfold_q2_matches_sempls(mobi: Any, d: int) -> None:
    res = acsi.blindfold(
        mobi, model=ECSI, omission_distance=d, tol=1e-12, max_iter=1000
    )
    ref = BLIND[f"q2_d{d}"]
    assert res.latents == tuple(ref)
    np.testing.assert_allclose(res.q2, [ref[k] for k in res.latents], rtol=1e-9)
    assert res.estimates.value("SAT", kind="q2") == res.q2[res.latents.index("SAT")]


def test_blindfold_by_moments_equals_mean_replaced_refits() -> None:
    # each round refitted from its mean-replaced rows with acsi.fit
    import pandas as pd

    cols = list(acsi.acsi().indicators)
    frame = pd.DataFrame(load_sample_survey())[cols].dropna().reset_index(drop=True)
    x = frame.to_numpy(float)
    n, d = len(frame), 6
    res = acsi.blindfold(frame, omission_distance=d, tol=1e-12, max_iter=1000)
    spec = acsi.acsi()
    for k, lv in enumerate(res.latents):
        items = np.array([cols.index(i) for i in spec.block(lv).indicators])
        preds = spec.predecessors(lv)
        sse = sso = 0.0
        for j in range(d):
            out = np.arange(j, n, d)
            xb = x.copy()
            keep = np.setdiff1d(np.arange(n), out)
            xb[np.ix_(out, items)] = x[np.ix_(keep, items)].mean(axis=0)
            fit = acsi.fit(xb, columns=cols, tol=1e-12, max_iter=1000)
            zb = (xb - xb.mean(axis=0)) / xb.std(axis=0, ddof=1)
            scores = zb @ _own_weights(fit, cols)
            pos = [fit.latents.index(p) for p in preds]
            eta = scores[:, pos] @ fit.path_coefficients[pos, fit.latents.index(lv)]
            for i in items:
                lam = fit.loadings[list(fit.indicators).index(cols[i])]
                pred = xb[:, i].mean() + xb[:, i].std(ddof=1) * lam * eta[out]
                sse += float(np.sum(((x[out, i] - pred) / x[:, i].std(ddof=1)) ** 2))
                sso += float(
                    np.sum((x[out, i] - x[keep, i].mean()) ** 2) / x[:, i].var(ddof=1)
                )
        assert res.q2[k] == pytest.approx(1 - sse / sso, rel=1e-8), lv


def _own_weights(fit: Any, cols: list[str]) -> np.ndarray[Any, Any]:
    """Block-diagonal standardized outer weights (p x J) of a fit."""
    w = np.zeros((len(cols), len(fit.latents)))
    for k, lv in enumerate(fit.latents):
        for i in fit.spec.block(lv).indicators:
            w[cols.index(i), k] = fit.outer_weights[list(fit.indicators).index(i)]
    return w


def test_fold_labels_follow_the_rows_of_data() -> None:
    # rows left out (a missing answer, a zero weight) take their labels along
    import pandas as pd

    cols = list(acsi.acsi().indicators)
    frame = pd.DataFrame(load_sample_survey())[cols].dropna().reset_index(drop=True)
    n = len(frame)
    labels = np.random.default_rng(8).integers(0, 4, size=(2, n))
    holed = frame.copy()
    holed.loc[3, "sat1"] = np.nan
    w = np.ones(n)
    w[7] = 0.0
    got = acsi.predict(holed, folds=labels, weights=w)
    keep = np.setdiff1d(np.arange(n), [3, 7])
    want = acsi.predict(frame.iloc[keep], folds=labels[:, keep])
    assert got.n == want.n == n - 2
    np.testing.assert_array_equal(got.fold_labels, want.fold_labels)
    np.testing.assert_allclose(got.rmse["pls"], want.rmse["pls"], rtol=1e-12)
    assert got.missing_report.rows_excluded == 2
