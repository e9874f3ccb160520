"""Hypothesis properties of satmodels.kano (invariants that must always hold)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from adapters import an as _an
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# empty attributes (no A, O, M or I pair) warn that Better/Worse are NaN
pytestmark = pytest.mark.filterwarnings("ignore:.*no A, O, M or I answers")

ANSWER = st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, np.nan])


@st.composite
def answer_pairs(draw: st.DrawFn) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    n = draw(st.integers(1, 40))
    p = draw(st.integers(1, 4))
    f = draw(hnp.arrays(np.float64, (n, p), elements=ANSWER))
    d = draw(hnp.arrays(np.float64, (n, p), elements=ANSWER))
    return f, d


@settings(deadline=None, max_examples=60)
@given(answer_pairs())
def test_counts_sum_to_n_and_coefficients_in_range(
    fd: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]],
) -> None:
    f, d = fd
    res = _an(f, d)
    n = f.shape[0]
    assert (res.counts.sum(axis=1) == res.n).all()
    assert (res.n + res.n_missing == n).all()
    assert res.tables.sum() == n * f.shape[1]
    ok = ~np.isnan(res.better)
    assert ((res.better[ok] >= 0) & (res.better[ok] <= 1)).all()
    assert ((res.worse[ok] >= -1) & (res.worse[ok] <= 0)).all()
    assert (res.better_low[ok] <= res.better[ok] + 1e-12).all()
    assert (res.better[ok] <= res.better_high[ok] + 1e-12).all()
    assert (res.worse_low[ok] <= res.worse[ok] + 1e-12).all()
    assert res.respondent_q is not None
    assert res.respondent_q.sum() == res.counts[:, 5].sum()
    ts = res.total_strength[res.n > 0]
    assert ((ts >= 0) & (ts <= 1)).all()


@settings(deadline=None, max_examples=40)
@given(answer_pairs(), st.randoms(use_true_random=False))
def test_permuting_respondents_changes_nothing(
    fd: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]], rnd: Any
) -> None:
    f, d = fd
    order = list(range(f.shape[0]))
    rnd.shuffle(order)
    a = _an(f, d)
    b = _an(f[order], d[order])
    np.testing.assert_array_equal(a.tables, b.tables)
    np.testing.assert_array_equal(a.better, b.better)
    assert a.category == b.category
    assert a.category_aom == b.category_aom
    np.testing.assert_array_equal(a.fong_significant, b.fong_significant)
    assert a.respondent_q is not None and b.respondent_q is not None
    np.testing.assert_array_equal(a.respondent_q[order], b.respondent_q)


@settings(deadline=None, max_examples=40)
@given(answer_pairs(), st.permutations([0, 1, 2, 3, 4]))
def test_consistent_relabelling_of_codes_changes_nothing(
    fd: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]],
    perm: list[int],
) -> None:
    f, d = fd
    base = _an(f, d)
    # answer k (1-5) gets the new code new_codes[k - 1]
    new_codes = [10.0 * perm[k] - 7.0 for k in range(5)]

    def recode(x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        out = np.empty(x.shape, dtype=np.float64)
        for idx, v in np.ndenumerate(x):
            out[idx] = np.nan if np.isnan(v) else new_codes[int(v) - 1]
        return out

    res = _an(recode(f), recode(d), answers=tuple(new_codes))
    np.testing.assert_array_equal(res.tables, base.tables)
    np.testing.assert_array_equal(res.counts, base.counts)
    assert res.category == base.category


@settings(deadline=None, max_examples=30)
@given(answer_pairs(), answer_pairs())
def test_tables_merge_across_chunks(
    fd1: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]],
    fd2: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]],
) -> None:
    p = min(fd1[0].shape[1], fd2[0].shape[1])
    f1, d1 = fd1[0][:, :p], fd1[1][:, :p]
    f2, d2 = fd2[0][:, :p], fd2[1][:, :p]
    whole = _an(np.vstack([f1, f2]), np.vstack([d1, d2]))
    parts = _an(f1, d1).tables + _an(f2, d2).tables
    np.testing.assert_array_equal(whole.tables, parts)


@settings(deadline=None, max_examples=40)
@given(answer_pairs())
def test_integer_and_float_inputs_agree(
    fd: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]],
) -> None:
    f, d = fd
    f = np.where(np.isnan(f), 3.0, f)
    d = np.where(np.isnan(d), 3.0, d)
    a = _an(f, d)
    for dtype in (np.int8, np.int64, np.uint8):
        b = _an(f.astype(dtype), d.astype(dtype))
        np.testing.assert_array_equal(a.tables, b.tables)
