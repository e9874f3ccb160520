"""Moment kernels against brute-force loops (kills mutants of ``engines/memory.py``).

Pairwise-complete weighted moments are recomputed pair by pair with numpy's
``np.average`` / ``np.cov(aweights=...)`` on the rows that observe both
columns with a positive weight.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pytest

from satmodels import Moments
from satmodels.engines import memory
from satmodels.engines._protocol import Missing


@pytest.mark.parametrize("scale", [1.0, 1e-3])  # tiny weights: W < 1
def test_weighted_pairwise_against_a_loop_over_pairs(scale: float) -> None:
    rng = np.random.default_rng(11)
    n, p = 60, 4
    x = rng.normal(size=(n, p)) * [1.0, 2.0, 0.5, 3.0] + [1.0, -2.0, 10.0, 0.0]
    x[rng.random((n, p)) < 0.2] = np.nan
    w = rng.uniform(0.2, 3.0, n) * scale
    w[:3] = 0.0
    m = Moments.from_data(x, weights=w, missing="pairwise")
    assert m.count.dtype == np.int64
    cov = m.covariance()
    for i in range(p):
        for j in range(p):
            rows = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j]) & (w > 0)
            assert m.count[i, j] == rows.sum()
            assert m.weight_sum[i, j] == pytest.approx(w[rows].sum(), rel=1e-13)
            assert m.weight_sq_sum[i, j] == pytest.approx(
                (w[rows] ** 2).sum(), rel=1e-13
            )
            mi = np.average(x[rows, i], weights=w[rows])
            assert m.pair_mean[i, j] == pytest.approx(mi, rel=1e-12)
            want = np.cov(x[rows, i], x[rows, j], aweights=w[rows])[0, 1]
            assert cov[i, j] == pytest.approx(want, rel=1e-11)
            ss = np.sum(w[rows] * (x[rows, i] - mi) ** 2)
            assert m.pair_sumsq[i, j] == pytest.approx(ss, rel=1e-11)


def test_match_against_a_loop() -> None:
    # the Dask engine's category matcher (codes, invalid, missing)
    from satmodels.engines.memory import match

    cats = np.array([5.0, 1.0, 3.0, 2.0, 4.0])  # not sorted
    x = np.array([1.0, 5.0, 0.0, np.nan, 3.0, 6.0, 2.5, 4.0, 2.0, -7.0])
    codes, invalid, nan = match(x, cats)
    for v, c, bad, miss in zip(x, codes, invalid, nan, strict=True):
        hits = [k for k, cat in enumerate(cats) if cat == v]
        assert c == (hits[0] if hits else -1)
        assert miss == np.isnan(v)
        assert bad == (not hits and not np.isnan(v))
    assert codes.dtype == np.int64


def test_count_kernel_against_a_loop() -> None:
    from satmodels.engines.memory import count_kernel

    rng = np.random.default_rng(2)
    codes = rng.integers(-1, 4, size=(50, 3))
    w = rng.uniform(0.1, 2.0, 50)
    for weights in (None, w):
        counts, wsum, wsq = count_kernel(codes, 4, weights)
        ww = np.ones(50) if weights is None else weights
        for j in range(3):
            for c in range(4):
                rows = codes[:, j] == c
                assert counts[j, c] == rows.sum()
                assert wsum[j, c] == pytest.approx(ww[rows].sum(), rel=1e-13)
                assert wsq[j, c] == pytest.approx((ww[rows] ** 2).sum(), rel=1e-13)
        assert counts.dtype == np.int64
        assert wsum.dtype == wsq.dtype == np.float64
    # the last category of the last column never occurs: still k cells
    counts, wsum, wsq = count_kernel(np.array([[0, 1], [1, 0]]), 3, w[:2])
    assert counts.tolist() == [[1, 1, 0], [1, 1, 0]]
    assert wsum.tolist() == [[w[0], w[1], 0.0], [w[1], w[0], 0.0]]
    assert wsq.shape == (2, 3)
    # squares of huge weights overflow to inf without a warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        counts, wsum, wsq = count_kernel(
            np.array([[0], [0]]), 2, np.array([1e200, 1.0])
        )
    assert wsum.tolist() == [[1e200, 0.0]]
    assert wsq.tolist() == [[np.inf, 0.0]]


def test_values_of_columns_reads_a_pandas_partition() -> None:
    # the Dask engine's partition reader: chosen columns, float64, NA as NaN
    pd = pytest.importorskip("pandas")
    from satmodels.engines.memory import values_of_columns

    part = pd.DataFrame(
        {
            "a": pd.array([1, None, 3], dtype="Int64"),
            "b": [0.5, 1.5, 2.5],
            "c": pd.array([7, 8, None], dtype="Int64"),
        }
    )
    got = values_of_columns(part, ("c", "a"))
    assert got.dtype == np.float64
    np.testing.assert_array_equal(
        got, np.array([[7.0, 1.0], [8.0, np.nan], [np.nan, 3.0]])
    )


def _multiplicities(
    n: int, q: int, n_rep: int, *, method: str, seed: int, chunk: int
) -> np.ndarray:
    """B x n row multiplicities drawn as documented in ``Moments.bootstrap``.

    Rows are split into blocks of ``min(chunk // q, chunk // B)``; Poisson(1)
    per row (Hanley & MacGibbon 2006); multinomial: block totals first
    (Multinomial(n, sizes / n)), then uniform draws within each block.
    """
    gen = np.random.default_rng(seed)
    rows = max(1, min(chunk // q, chunk // n_rep))
    blocks = [(a, min(n, a + rows)) for a in range(0, n, rows)]
    totals = None
    if method == "multinomial" and len(blocks) > 1:
        sizes = np.array([b - a for a, b in blocks], dtype=float)
        totals = gen.multinomial(n, sizes / n, size=n_rep)
    out = np.zeros((n_rep, n))
    for k, (a, b) in enumerate(blocks):
        if method == "poisson":
            out[:, a:b] = gen.poisson(1.0, size=(n_rep, b - a))
            continue
        for r in range(n_rep):
            draws = b - a if totals is None else int(totals[r, k])
            out[r, a:b] = np.bincount(
                gen.integers(0, b - a, size=draws), minlength=b - a
            )
    return out


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
@pytest.mark.parametrize("method", ["multinomial", "poisson"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("chunk", [0, 200])
def test_bootstrap_replicates_equal_the_moments_of_resampled_rows(
    missing: Missing,
    method: Literal["multinomial", "poisson"],
    weighted: bool,
    chunk: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import satmodels.engines.memory as kernels

    if chunk:  # force several row blocks
        monkeypatch.setattr(kernels, "CHUNK_ELEMENTS", chunk)
    rng = np.random.default_rng(21)
    n, p, n_rep = 45, 3, 4
    x = rng.normal(size=(n, p)) * [1.0, 3.0, 0.5] + [2.0, -1.0, 7.0]
    x[rng.random((n, p)) < 0.08] = np.nan
    w = rng.uniform(0.3, 2.0, n) if weighted else None
    reps = Moments.bootstrap(
        x, n_resamples=n_rep, rng=5, missing=missing, method=method, weights=w
    )
    q = 3 + p + p * p if missing == "listwise" else 6 * p * p
    mult = _multiplicities(
        n, q, n_rep, method=method, seed=5, chunk=kernels.CHUNK_ELEMENTS
    )
    if method == "multinomial":
        assert (mult.sum(axis=1) == n).all()
    for b in range(n_rep):
        idx = np.repeat(np.arange(n), mult[b].astype(int))
        ref = Moments.from_data(
            x[idx], weights=None if w is None else w[idx], missing=missing
        )
        rep = reps.replicate(b)
        np.testing.assert_array_equal(rep.count, ref.count)
        np.testing.assert_allclose(rep.weight_sum, ref.weight_sum, rtol=1e-12)
        np.testing.assert_allclose(rep.weight_sq_sum, ref.weight_sq_sum, rtol=1e-12)
        np.testing.assert_allclose(rep.pair_mean, ref.pair_mean, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(rep.comoment, ref.comoment, rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(
            rep.pair_sumsq, ref.pair_sumsq, rtol=1e-9, atol=1e-10
        )
        np.testing.assert_allclose(
            rep.covariance(), ref.covariance(), rtol=1e-9, atol=1e-12
        )


# ------------------------------------------------------- the row account
def test_missing_report_against_a_loop() -> None:
    nan = np.nan
    x = np.array(
        [
            [1.0, 2.0, 3.0],
            [nan, 1.0, 2.0],  # missing, positive weight
            [nan, nan, nan],  # nothing observed, positive weight
            [4.0, 5.0, 6.0],  # zero weight, complete
            [nan, 5.0, 1.0],  # zero weight and missing
            [2.0, 2.0, 9.0],
            [3.0, nan, 4.0],
        ]
    )
    w = np.array([1.0, 2.0, 1.0, 0.0, 0.0, 3.0, 0.5])
    cols = ("a", "b", "c")
    complete = ~np.isnan(x).any(axis=1)
    lw = Moments.from_data(x, columns=cols, weights=w).missing_report
    # listwise: an incomplete row is "missing" whatever its weight; a
    # complete row with weight 0 is "zero weight"
    assert lw.reasons == {
        "missing value (listwise)": int((~complete).sum()),
        "zero weight": int((complete & (w == 0)).sum()),
    }
    assert lw.rows_used == int((complete & (w > 0)).sum())
    assert lw.rows_total == 7
    assert lw.column_missing == {
        c: int(np.isnan(x[:, i]).sum()) for i, c in enumerate(cols)
    }
    pw = Moments.from_data(
        x, columns=cols, weights=w, missing="pairwise"
    ).missing_report
    # pairwise: zero-weight rows first, then rows with no observed value
    empty = np.isnan(x).all(axis=1) & (w > 0)
    assert pw.reasons == {
        "zero weight": int((w == 0).sum()),
        "no observed value": int(empty.sum()),
    }
    assert pw.rows_used == int((~np.isnan(x).all(axis=1) & (w > 0)).sum())
    unweighted = Moments.from_data(x[:3], columns=cols).missing_report
    assert unweighted.reasons == {"missing value (listwise)": 2}
    assert Moments.from_data(x[:1]).missing_report.reasons == {}
    complete = Moments.from_data(x[:1], columns=cols).missing_report
    assert complete.column_missing == {"a": 0, "b": 0, "c": 0}
    unweighted_pw = Moments.from_data(x[:3], missing="pairwise").missing_report
    assert unweighted_pw.reasons == {"no observed value": 1}
    assert Moments.from_data(x[:2], missing="pairwise").missing_report.reasons == {}


def test_error_messages_name_the_place() -> None:
    from satmodels import InputError

    x = np.ones((4, 3))
    x[2, 1] = np.inf
    x[3, 2] = -np.inf
    with pytest.raises(InputError, match=r"infinite value in column 'x1', row 3\.$"):
        Moments.from_data(x)
    y = np.ones((4, 3))
    y[1, 2] = np.nan
    y[3, 0] = np.nan
    with pytest.raises(
        InputError,
        match=r"^The 'data' parameter of Moments.from_data has 2 missing value\(s\) "
        r"and nan_policy='raise'; first in column 'x2', row 2\.$",
    ):
        Moments.from_data(y, nan_policy="raise")
    z = np.array([[np.nan, 1.0], [2.0, np.nan]])
    with pytest.raises(
        InputError,
        match=r"^The 'data' parameter of Moments.from_data has no usable row: all "
        r"2 row\(s\) were excluded \(\{'missing value \(listwise\)': 2\}\)\.$",
    ):
        Moments.from_data(z)
    with pytest.raises(
        InputError, match=r"all 2 row\(s\) were excluded \(\{'zero weight': 2\}\)"
    ):
        Moments.from_data(np.ones((2, 2)), weights=[0.0, 0.0], missing="pairwise")


def test_kernel_on_zero_rows_says_the_input_is_empty() -> None:
    from satmodels import InputError
    from satmodels.engines.memory import moments

    for missing in ("listwise", "pairwise"):
        with pytest.raises(
            InputError,
            match=r"^The 'data' parameter of f has no usable row: all 0 row\(s\) "
            r"were excluded \(empty input\)\.$",
        ):
            moments(
                np.empty((0, 2)),
                ("a", "b"),
                None,
                missing=missing,
                nan_policy="omit",
                where="f",
            )


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_weighted_overflow_is_an_input_error_not_a_warning(missing: Missing) -> None:
    # values and weights each pass the input checks, w x^2 overflows:
    # the kernels compute silently and the sums check names the column
    from satmodels import InputError

    x = np.array([[1e150, 1.0], [-1e150, 2.0], [0.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InputError, match=r"co-moment involving column 'x0'"):
            Moments.from_data(x, weights=[1e10, 1e10, 1e10], missing=missing)


def test_pairwise_moments_keep_their_precision_far_from_zero() -> None:
    # values near 1e9 with unit spread: without the pilot shift (Chan, Golub
    # & LeVeque 1983) sums of squares near 1e20 would cancel to noise
    rng = np.random.default_rng(6)
    x = 1e9 + rng.normal(size=(200, 3)) * [1.0, 2.0, 0.5]
    x[rng.random(x.shape) < 0.1] = np.nan
    m = Moments.from_data(x, missing="pairwise")
    for i in range(3):
        for j in range(3):
            rows = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
            want = np.cov(x[rows, i] - 1e9, x[rows, j] - 1e9)[0, 1]
            assert m.covariance()[i, j] == pytest.approx(want, rel=1e-6, abs=1e-9)


def test_pairs_never_observed_together_hold_zeros_and_merge() -> None:
    nan = np.nan
    # columns a and b never share a row; c is seen with both
    x = np.array([[1.0, nan, 2.0], [3.0, nan, 5.0], [nan, 4.0, 1.0], [nan, 7.0, 2.0]])
    m = Moments.from_data(x, missing="pairwise")
    assert m.count[0, 1] == m.count[1, 0] == 0
    for arr in (m.weight_sum, m.pair_mean, m.comoment, m.pair_sumsq):
        assert arr[0, 1] == arr[1, 0] == 0.0
    assert np.isnan(m.covariance()[0, 1])
    # merged with rows that do observe the pair: exactly those rows' moments
    y = np.array([[2.0, 1.0, 0.0], [4.0, 5.0, 1.0], [0.0, 2.0, 3.0]])
    merged = m.merge(Moments.from_data(y, missing="pairwise"))
    both = Moments.from_data(np.vstack([x, y]), missing="pairwise")
    np.testing.assert_allclose(merged.covariance(), both.covariance(), rtol=1e-12)
    np.testing.assert_allclose(merged.pair_mean, both.pair_mean, rtol=1e-12)
    assert merged.covariance()[0, 1] == pytest.approx(np.cov(y[:, 0], y[:, 1])[0, 1])


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("weighted", [False, True])
def test_listwise_blocks_equal_one_centred_product(order: str, weighted: bool) -> None:
    # the listwise kernel sums centred blocks of BLOCK_ELEMENTS doubles (many
    # blocks here, the last one short) and takes the means from one BLAS
    # pass: it must equal the textbook two-pass product over all rows
    rng = np.random.default_rng(5)
    p = 7
    n = 5 * (memory.BLOCK_ELEMENTS // p) + 123
    raw = rng.normal(size=(n, p)) * np.arange(1, p + 1) + 1e3 * np.arange(p)
    x = np.asarray(raw, order=order)  # type: ignore[call-overload]
    w = rng.uniform(0.1, 4.0, n) if weighted else None
    m = Moments.from_data(x, weights=w)
    ww = np.ones(n) if w is None else w
    mean = (ww @ raw) / ww.sum()
    d = raw - mean
    com = (d * ww[:, None]).T @ d
    np.testing.assert_allclose(m.mean, mean, rtol=1e-13)
    np.testing.assert_allclose(m.comoment, com, rtol=1e-12, atol=1e-9)
    assert m.n == n
    # a NaN takes the detailed path: the row is dropped and counted
    y = np.array(raw)
    y[n // 2, 3] = np.nan
    m2 = Moments.from_data(y, weights=w)
    keep = np.ones(n, dtype=bool)
    keep[n // 2] = False
    wk = ww[keep]
    mean2 = (wk @ raw[keep]) / wk.sum()
    d2 = raw[keep] - mean2
    np.testing.assert_allclose(m2.comoment, (d2 * wk[:, None]).T @ d2, rtol=1e-12)
    assert m2.n == n - 1
