"""The path diagram: its labels are the fitted coefficients, and none overlap."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from plot_support import check_image

import satmodels.plot as splot
from satmodels import InputError, acsi
from satmodels.acsi import PLSResult
from satmodels.datasets import load_sample_survey
from satmodels.plot._pathlayout import layout

pytestmark = pytest.mark.usefixtures("mpl")


def _figure(ax: Any) -> Any:
    from matplotlib.figure import Figure

    fig = ax.figure
    assert isinstance(fig, Figure)
    return fig


@pytest.fixture(scope="module")
def survey() -> dict[str, Any]:
    out: dict[str, Any] = load_sample_survey()
    return out


@pytest.fixture(scope="module")
def pls(survey: dict[str, Any]) -> PLSResult:
    return acsi.fit(survey, scale=(1, 10), n_resamples=100, rng=11, scores=False)


@pytest.fixture(scope="module")
def ecsi(survey: dict[str, Any]) -> PLSResult:
    # the ECSI structure on the sample survey: image measured by the overall
    # rating and the recommendation answer
    spec = acsi.ecsi(
        image=("overall", "nps"),
        expectations=("expe1", "expe2", "expe3"),
        quality=("qual1", "qual2", "qual3", "qual4"),
        value=("val1", "val2"),
        satisfaction=("sat1", "sat2", "sat3"),
        complaints=("comp1",),
        loyalty=("loy1", "loy2", "loy3"),
    )
    return acsi.fit(
        survey, model=spec, scale=(1, 10), n_resamples=100, rng=5, scores=False
    )


@pytest.fixture(scope="module")
def ml(survey: dict[str, Any]) -> Any:
    return acsi.fit(survey, method="ml", scale=(1, 10), scores=False)


def _texts(ax: Any, prefix: str) -> dict[str, str]:
    return {
        t.get_gid().partition(":")[2] or t.get_text(): t.get_text()
        for t in ax.texts
        if (t.get_gid() or "").startswith(prefix)
    }


def _caption(ax: Any) -> str:
    (text,) = [t.get_text() for t in ax.texts if t.get_gid() == "caption"]
    return str(text).replace("\n", " ")


def _boot(res: PLSResult, label: str) -> tuple[float, float, float]:
    bs = res.bootstrap
    assert bs is not None
    (k,) = [k for k in bs.rows("paths") if bs.label[k] == label]
    return float(bs.p_value[k]), float(bs.bca_low[k]), float(bs.bca_high[k])


def test_pls_labels_are_the_coefficients_with_bootstrap_stars(
    pls: PLSResult,
) -> None:
    ax = splot.path_diagram(pls)
    coef = _texts(ax, "coef:")
    assert len(coef) == len(pls.spec.paths) == 9
    for p in pls.spec.paths:
        label = f"{p.source} -> {p.target}"
        pvalue, _, _ = _boot(pls, label)
        expected = f"{pls.path(p.source, p.target):.2f}" + splot.stars(pvalue)
        assert coef[f"{p.source}->{p.target}"] == expected
    # a known path, written out: SAT -> LOY of the sample survey
    assert coef["SAT->LOY"].startswith(f"{pls.path('SAT', 'LOY'):.2f}")
    r2 = sorted(t.get_text() for t in ax.texts if t.get_gid() == "r2")
    endo = [k for k, v in enumerate(pls.r_squared) if np.isfinite(v)]
    assert r2 == sorted(f"R² = {pls.r_squared[k]:.2f}" for k in endo)
    assert len(r2) == 5  # EXPE is exogenous: no R²
    outer = _texts(ax, "outer_coef:")
    assert outer == {
        i: f"{v:.2f}" for i, v in zip(pls.indicators, pls.loadings, strict=True)
    }
    boxes = sorted(t.get_text() for t in ax.texts if t.get_gid() == "indicator")
    assert boxes == sorted(pls.indicators)
    assert "bootstrap of 100 replicates" in _caption(ax)


def test_pls_intervals_are_the_bca_bounds(pls: PLSResult) -> None:
    ax = pls.plot(intervals=True, digits=3)
    coef = _texts(ax, "coef:")
    for p in pls.spec.paths:
        _, lo, hi = _boot(pls, f"{p.source} -> {p.target}")
        v = pls.path(p.source, p.target)
        assert coef[f"{p.source}->{p.target}"] == f"{v:.3f}\n[{lo:.3f}, {hi:.3f}]"


def test_ml_labels_are_the_standardized_estimates(ml: Any) -> None:
    ax = ml.plot()
    coef = _texts(ax, "coef:")
    for e in ml.paths:
        expected = f"{e.std_estimate:.2f}" + splot.stars(e.p)
        assert coef[f"{e.rhs}->{e.lhs}"] == expected
    r2 = sorted(t.get_text() for t in ax.texts if t.get_gid() == "r2")
    assert r2 == sorted(f"R² = {v:.2f}" for v in ml.r_squared.values())
    outer = _texts(ax, "outer_coef:")
    assert outer == {e.rhs: f"{e.std_estimate:.2f}" for e in ml.loadings}
    # intervals: the Wald interval of the raw path, rescaled like the estimate
    ax = splot.path_diagram(ml, intervals=True, indicators=False)
    e = next(e for e in ml.paths if (e.rhs, e.lhs) == ("SAT", "LOY"))
    k = ml.estimates.name.index("SAT -> LOY")
    ratio = e.std_estimate / e.estimate
    lo, hi = ml.estimates.ci_low[k] * ratio, ml.estimates.ci_high[k] * ratio
    assert _texts(ax, "coef:")["SAT->LOY"] == (
        f"{e.std_estimate:.2f}\n[{lo:.2f}, {hi:.2f}]"
    )
    assert not _texts(ax, "outer_coef:")


def _overlaps(ax: Any) -> list[tuple[str, str]]:
    """Pairs of texts (or a text and a foreign shape) that overlap."""
    from matplotlib.patches import Ellipse, Rectangle

    renderer = ax.figure.canvas.get_renderer()
    texts = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts]
    shapes = [
        p.get_window_extent(renderer)
        for p in ax.patches
        if isinstance(p, Ellipse | Rectangle)
    ]
    bad = [
        (a, b)
        for (a, ba), (b, bb) in itertools.combinations(texts, 2)
        if ba.overlaps(bb)
    ]
    # a label over a latent or an indicator box it does not belong to
    for text, box in texts:
        inside = [s for s in shapes if s.overlaps(box)]
        owner = [s for s in inside if s.contains(*box.get_points().mean(axis=0))]
        if len(inside) > len(owner):
            bad.append((text, "shape"))
    return bad


@pytest.mark.parametrize("intervals", [False, True])
def test_no_label_overlaps_on_the_acsi_and_ecsi_presets(
    pls: PLSResult, ecsi: PLSResult, intervals: bool
) -> None:
    for res in (pls, ecsi):
        ax = splot.path_diagram(res, intervals=intervals)
        assert _overlaps(ax) == []
        latents = sorted(t.get_text() for t in ax.texts if t.get_gid() == "latent")
        assert latents == sorted(res.latents)


def test_layout_columns_follow_the_causal_order(ecsi: PLSResult) -> None:
    spec = ecsi.spec
    paths = [(p.source, p.target) for p in spec.paths]
    blocks = {b.latent: b.indicators for b in spec.blocks}
    lay = layout(
        spec.latents,
        paths,
        blocks,
        lambda text, size: 0.6 * size * len(text) / 72,
        indicators=True,
        label_width=0.5,
    )
    col = {k: lay.elements[k].layer for k in spec.latents}
    assert col == {
        "IMAG": 0,
        "EXPE": 1,
        "QUAL": 2,
        "VAL": 3,
        "SAT": 4,
        "COMP": 5,
        "LOY": 6,
    }
    assert all(col[s] < col[t] for s, t in paths)
    # a path over several columns passes through one point in each between
    assert len(lay.routes[("IMAG", "LOY")]) == 7
    assert lay.elements["IMAG"].side == "left"
    assert lay.elements["LOY"].side == "right"
    assert all(b > a for a, b in itertools.pairwise(lay.x))


def test_a_missing_coefficient_is_marked(pls: PLSResult) -> None:
    from matplotlib.patches import FancyArrowPatch

    paths = pls.path_coefficients.copy()
    paths[pls.latents.index("SAT"), pls.latents.index("COMP")] = np.nan
    broken = dataclasses.replace(pls, path_coefficients=paths, bootstrap=None)
    ax = splot.path_diagram(broken)
    assert _texts(ax, "coef:")["SAT->COMP"] == "n/a"
    (arrow,) = [p for p in ax.get_children() if p.get_gid() == "path:SAT->COMP"]
    assert isinstance(arrow, FancyArrowPatch)
    assert arrow.get_linestyle() == "--"
    caption = _caption(ax)
    assert "n/a (dashed): not estimated" in caption
    assert "no bootstrap" in caption
    # without a bootstrap there are no stars and no intervals
    assert "*" not in "".join(_texts(ax, "coef:").values())
    with pytest.raises(InputError, match="'intervals' parameter"):
        splot.path_diagram(broken, intervals=True)


def test_arguments_and_a_given_axes(pls: PLSResult) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(14, 5))
    assert splot.path_diagram(pls, ax=ax, indicators=False) is ax
    assert not [t for t in ax.texts if t.get_gid() == "indicator"]
    with pytest.raises(InputError, match="'ax' parameter"):
        splot.path_diagram(pls, ax=fig.add_subplot(projection="polar"))
    for bad in (-1, 7, 1.5, True):
        with pytest.raises(InputError, match="'digits' parameter"):
            splot.path_diagram(pls, digits=bad)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="PLSResult or ACSIMLResult"):
        splot.path_diagram(pls.bootstrap)  # type: ignore[arg-type]


def test_acsi_image(pls: PLSResult, tmp_path: Path) -> None:
    check_image(_figure(pls.plot()), "path_diagram_acsi", tmp_path)


def test_ecsi_image(ecsi: PLSResult, tmp_path: Path) -> None:
    check_image(_figure(ecsi.plot(intervals=True)), "path_diagram_ecsi", tmp_path)


def test_the_overlap_check_can_fail(pls: PLSResult) -> None:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(4, 2))  # far too small for the diagram
    assert _overlaps(splot.path_diagram(pls, ax=ax))


def test_a_formative_block_shows_weights_on_arrows_into_the_latent(
    survey: dict[str, Any],
) -> None:
    from matplotlib.patches import FancyArrowPatch

    spec = acsi.ModelSpec.from_syntax(
        """
        QUAL <~ qual1 + qual2 + qual3 + qual4
        SAT =~ sat1 + sat2 + sat3
        LOY =~ loy1 + loy2 + loy3
        SAT ~ QUAL
        LOY ~ SAT
        """
    )
    res = acsi.fit(survey, model=spec, scale=(1, 10), scores=False)
    ax = res.plot()
    outer = _texts(ax, "outer_coef:")
    for i, ind in enumerate(res.indicators):
        value = res.outer_weights[i] if ind.startswith("qual") else res.loadings[i]
        assert outer[ind] == f"{value:.2f}"
    caption = _caption(ax)
    assert "loadings and weights on the indicator arrows" in caption
    # the arrows of the formative block start at the indicator box (they
    # point into the latent); the reflective ones start at the latent
    arrows = {
        p.get_gid(): p for p in ax.get_children() if isinstance(p, FancyArrowPatch)
    }
    boxes = {
        t.get_text(): np.asarray(t.get_position())
        for t in ax.texts
        if t.get_gid() == "indicator"
    }
    start_q = np.asarray(arrows["outer:qual1"].get_path().vertices)[0]
    start_s = np.asarray(arrows["outer:sat1"].get_path().vertices)[0]
    assert np.hypot(*(start_q - boxes["qual1"])) < 0.3
    assert np.hypot(*(start_s - boxes["sat1"])) > 0.5


def test_a_single_latent_and_its_caption_fit(survey: dict[str, Any]) -> None:
    spec = acsi.ModelSpec.from_syntax("SAT =~ sat1 + sat2 + sat3")
    res = acsi.fit(survey, model=spec, scale=(1, 10), scores=False)
    ax = res.plot()
    assert _overlaps(ax) == []
    assert "\n" in next(t.get_text() for t in ax.texts if t.get_gid() == "caption")
    assert not [t for t in ax.texts if t.get_gid() in ("r2", "coef")]


def test_the_caption_warns_of_an_inadmissible_or_unconverged_fit(
    pls: PLSResult, ml: Any
) -> None:
    ax = dataclasses.replace(ml, admissibility=("a Heywood case",)).plot()
    assert "WARNING: inadmissible solution" in _caption(ax)
    ax = dataclasses.replace(pls, converged=False).plot()
    assert "WARNING: the PLS iterations did not converge" in _caption(ax)
    assert "WARNING" not in _caption(pls.plot(indicators=False))
