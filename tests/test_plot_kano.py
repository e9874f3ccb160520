"""Kano charts: the points, intervals and lines drawn are the result's numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from plot_support import check_image

import satmodels.plot as splot
from satmodels import InputError, SatmodelsWarning, kano
from satmodels.datasets import load_sample_survey

pytestmark = pytest.mark.usefixtures("mpl")


def _figure(ax: Any) -> Any:
    from matplotlib.figure import Figure

    fig = ax.figure
    assert isinstance(fig, Figure)
    return fig


F = [f"kano_f{a}" for a in range(1, 7)]
D = [f"kano_d{a}" for a in range(1, 7)]
NAMES = [f"attribute {a}" for a in range(1, 7)]
NAN = float("nan")


@pytest.fixture(scope="module")
def survey() -> dict[str, Any]:
    out: dict[str, Any] = load_sample_survey()
    return out


@pytest.fixture(scope="module")
def analysis(survey: dict[str, Any]) -> kano.KanoResult:
    return kano.analyze(
        survey, functional=F, dysfunctional=D, attributes=NAMES, weights="weight"
    )


@pytest.fixture(scope="module")
def scores(survey: dict[str, Any]) -> kano.ContinuousKanoResult:
    return kano.continuous(
        survey, functional=F, dysfunctional=D, attributes=NAMES, weights="weight"
    )


def _points(ax: Any) -> np.ndarray[Any, Any]:
    (pts,) = [c for c in ax.collections if c.get_gid() == "attributes"]
    return np.asarray(pts.get_offsets())


def _error_segments(ax: Any) -> list[Any]:
    from matplotlib.collections import LineCollection

    return [
        np.asarray(c.get_segments())
        for c in ax.collections
        if isinstance(c, LineCollection)
    ]


def _labels(ax: Any) -> list[str]:
    from matplotlib.text import Annotation

    return [t.get_text() for t in ax.texts if isinstance(t, Annotation)]


def test_kano_map_draws_abs_worse_against_better(analysis: kano.KanoResult) -> None:
    ax = splot.kano_map(analysis)
    np.testing.assert_array_equal(
        _points(ax), np.column_stack([np.abs(analysis.worse), analysis.better])
    )
    assert sorted(_labels(ax)) == sorted(NAMES)
    # Wilson intervals: horizontal bars from |worse_high| to |worse_low|
    xbars, ybars = _error_segments(ax)
    np.testing.assert_allclose(xbars[:, 0, 0], np.abs(analysis.worse_high))
    np.testing.assert_allclose(xbars[:, 1, 0], np.abs(analysis.worse_low))
    np.testing.assert_allclose(ybars[:, 0, 1], analysis.better_low)
    np.testing.assert_allclose(ybars[:, 1, 1], analysis.better_high)
    quadrants = {t.get_text() for t in ax.texts if t.get_gid() == "quadrant"}
    assert quadrants == {
        "attractive (A)",
        "one-dimensional (O)",
        "must-be (M)",
        "indifferent (I)",
    }
    # the quadrant lines sit at the threshold
    lines = [np.asarray(ln.get_xydata()) for ln in ax.lines]
    assert any(np.all(xy[:, 0] == 0.5) for xy in lines)
    assert any(np.all(xy[:, 1] == 0.5) for xy in lines)


def test_kano_map_quadrants_agree_with_the_categories(
    analysis: kano.KanoResult,
) -> None:
    # the sample survey is simulated with one clear category per attribute
    for j, cat in enumerate(analysis.category):
        x, y = abs(analysis.worse[j]), analysis.better[j]
        quadrant = {(0, 1): "A", (1, 1): "O", (1, 0): "M", (0, 0): "I"}
        assert quadrant[(int(x > 0.5), int(y > 0.5))] == cat


def test_kano_map_threshold_labels_and_no_intervals(
    analysis: kano.KanoResult,
) -> None:
    ax = splot.kano_map(analysis, threshold=0.4, intervals=False)
    assert not _error_segments(ax)
    lines = [np.asarray(ln.get_xydata()) for ln in ax.lines]
    assert any(np.all(xy[:, 0] == 0.4) for xy in lines)
    # labels do not overlap each other
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    from matplotlib.text import Annotation

    boxes = [
        t.get_window_extent(renderer) for t in ax.texts if isinstance(t, Annotation)
    ]
    assert not any(
        boxes[i].overlaps(boxes[j])
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
    )


def test_kano_map_leaves_out_an_attribute_without_coefficients() -> None:
    data = {"f1": [1, 2, 1, 3], "d1": [5, 5, 4, 3], "f2": [1, 1, 5, 5]}
    data["d2"] = [1, 1, 5, 5]  # like/like and dislike/dislike: Q only
    with pytest.warns(SatmodelsWarning, match="no A, O, M or I"):
        res = kano.analyze(
            data,
            functional=["f1", "f2"],
            dysfunctional=["d1", "d2"],
            attributes=["speed", "odd"],
        )
    ax = splot.kano_map(res)
    np.testing.assert_array_equal(_points(ax), [[0.5, 0.5]])
    assert _labels(ax) == ["speed"]
    assert "not drawn (no estimate): odd" in ax.get_title()


def test_kano_map_axes_and_arguments(analysis: kano.KanoResult) -> None:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2)
    assert splot.kano_map(analysis, ax=axes[1]) is axes[1]
    assert analysis.plot(ax=axes[0]) is axes[0]
    np.testing.assert_array_equal(_points(axes[0]), _points(axes[1]))
    polar = fig.add_subplot(projection="polar")
    with pytest.raises(InputError, match="'ax' parameter"):
        splot.kano_map(analysis, ax=polar)
    for bad in (0.0, 1.0, float("nan"), True):
        with pytest.raises(InputError, match="'threshold' parameter"):
            splot.kano_map(analysis, threshold=bad)
    with pytest.raises(InputError, match="must be a KanoResult"):
        splot.kano_map("x")  # type: ignore[arg-type]


def test_kano_map_image(analysis: kano.KanoResult, tmp_path: Path) -> None:
    check_image(_figure(analysis.plot()), "kano_map", tmp_path)


def test_kano_continuous_draws_the_mean_scores(
    scores: kano.ContinuousKanoResult,
) -> None:
    ax = splot.kano_continuous(scores)
    np.testing.assert_array_equal(
        _points(ax),
        np.column_stack([scores.dysfunctional_mean, scores.functional_mean]),
    )
    f = scores.estimates.select("functional_mean")
    d = scores.estimates.select("dysfunctional_mean")
    xbars, ybars = _error_segments(ax)
    np.testing.assert_allclose(xbars[:, 0, 0], d.ci_low)
    np.testing.assert_allclose(xbars[:, 1, 0], d.ci_high)
    np.testing.assert_allclose(ybars[:, 0, 1], f.ci_low)
    np.testing.assert_allclose(ybars[:, 1, 1], f.ci_high)
    lines = [np.asarray(ln.get_xydata()) for ln in ax.lines]
    assert any(np.all(xy[:, 0] == scores.threshold) for xy in lines)
    assert any(np.all(xy[:, 1] == scores.threshold) for xy in lines)
    assert sorted(_labels(ax)) == sorted(NAMES)
    # no reverse region: no mean or bound is negative on the sample survey
    assert "R" not in {t.get_text() for t in ax.texts}
    # the quadrants agree with the result's
    for j, q in enumerate(scores.quadrant):
        x, y = scores.dysfunctional_mean[j], scores.functional_mean[j]
        quadrant = {(0, 1): "A", (1, 1): "O", (1, 0): "M", (0, 0): "I"}
        assert quadrant[(int(x > 2), int(y > 2))] == q


def test_kano_continuous_missing_attribute_and_reverse_region() -> None:
    data = {
        "f1": [5, 5, 4, 5],  # dislike when present: negative functional mean
        "d1": [1, 1, 1, 2],
        "f2": [NAN] * 4,
        "d2": [NAN] * 4,
    }
    res = kano.continuous(
        data,
        functional=["f1", "f2"],
        dysfunctional=["d1", "d2"],
        attributes=["bad", "none"],
    )
    ax = res.plot(intervals=False)
    np.testing.assert_array_equal(
        _points(ax), [[res.dysfunctional_mean[0], res.functional_mean[0]]]
    )
    assert "not drawn (no estimate): none" in ax.get_title()
    assert "R" in {t.get_text() for t in ax.texts}
    assert ax.get_xlim()[0] < res.dysfunctional_mean[0]


def test_kano_continuous_arguments(scores: kano.ContinuousKanoResult) -> None:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    assert splot.kano_continuous(scores, ax=ax) is ax
    with pytest.raises(InputError, match="must be a ContinuousKanoResult"):
        splot.kano_continuous(object())  # type: ignore[arg-type]


def test_kano_continuous_image(
    scores: kano.ContinuousKanoResult, tmp_path: Path
) -> None:
    check_image(_figure(scores.plot()), "kano_continuous", tmp_path)
