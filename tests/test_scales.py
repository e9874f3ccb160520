"""Scales: Likert and level scales, rescaling to 0-100, off-scale answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from satmodels import CSM_SEVEN, FIVE_LEVEL, InputError, Scale


def test_rescale_fornell_1996() -> None:
    # Fornell et al. (1996): index = (x - min) / (max - min) * 100 on a 1-10 scale.
    np.testing.assert_allclose(
        Scale.likert(1, 10).rescale([1, 10, 7.3]), [0, 100, 70.0]
    )


def test_csm_levels_and_labels() -> None:
    # MISSION.md section 2: -90 ... 90, very dissatisfied ... very satisfied.
    assert CSM_SEVEN.points() == (-90, -60, -30, 0, 30, 60, 90)
    assert CSM_SEVEN.label(-90) == "very dissatisfied"
    assert CSM_SEVEN.label(0) == "acceptable"
    assert CSM_SEVEN.label(40) == "fairly satisfied"  # nearest level is 30
    assert FIVE_LEVEL.points() == (0, 30, 60, 80, 100)
    np.testing.assert_allclose(CSM_SEVEN.rescale([-90, 0, 90]), [0, 50, 100])


@given(st.integers(-5, 5), st.integers(1, 10), st.floats(0, 1))
def test_rescale_is_affine_equivariant(low: int, width: int, frac: float) -> None:
    scale = Scale.likert(low, low + width)
    x = low + frac * width
    assert scale.rescale(x) == pytest.approx(frac * 100, abs=1e-9)


def test_check_names_column_and_row() -> None:
    scale = Scale.likert(1, 5)
    scale.check([[1, 5, np.nan]])
    # rows are 1-based in messages (docs/conventions.md)
    with pytest.raises(InputError, match=r"column 'b', row 2: 6\.0\.$"):
        scale.check([[1, 2], [3, 6]], columns=["a", "b"])
    with pytest.raises(InputError, match=r"first in column 'column 0', row 1: 2\.5"):
        scale.check([2.5])
    with pytest.raises(InputError, match="outside"):
        CSM_SEVEN.check([45])
    Scale.interval(1, 7).check([2.5, 6.9])
    with pytest.raises(InputError, match="outside"):
        Scale.interval(1, 7).check([7.5])
    with pytest.raises(InputError, match="outside"):
        Scale.interval(1, 7).check([np.inf])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: Scale.likert(5, 1), "greater than minimum"),
        (lambda: Scale.levels([3, 1, 2]), "ascending"),
        (lambda: Scale.levels([1]), "at least two"),
        (lambda: Scale.likert(1, 3, labels=["a", "b"]), "one entry per scale point"),
        (lambda: Scale.likert(1, 3).label(2), "has no labels"),
        (lambda: CSM_SEVEN.label(float("nan")), "finite"),
    ],
)
def test_bad_scales(call: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        call()  # type: ignore[operator]


def test_scale_is_frozen_and_serialisable() -> None:
    scale = Scale.likert(1, 7, labels=[str(i) for i in range(1, 8)])
    assert Scale.model_validate_json(scale.model_dump_json()) == scale
    with pytest.raises(ValueError, match="frozen"):
        scale.minimum = 0  # type: ignore[misc]
