"""Kano kernels against brute-force loops (kills mutants of ``kano/_kernels.py``)."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

from satmodels.kano import _kernels as k


def test_fong_against_a_loop() -> None:
    rng = np.random.default_rng(1)
    counts = rng.integers(0, 30, size=(200, 6)).astype(float)
    counts[0] = 0.0  # no classified pair
    counts[1] = [5, 5, 0, 0, 0, 0]  # tie of the two largest
    diff, crit, sig = k.fong(counts, 1.65)
    for row, d, c, s in zip(counts, diff, crit, sig, strict=True):
        srt = sorted(row.tolist())
        a, b, n = srt[-1], srt[-2], sum(srt)
        if n == 0:
            assert math.isnan(c)
            assert not s
            continue
        want = 1.65 * math.sqrt((a + b) * (2 * n - a - b) / (2 * n))
        assert d == abs(a - b)
        assert c == pytest.approx(want, rel=1e-14)
        assert s == (abs(a - b) >= want)


# ------------------------------------------------------------ answer codes
def _encode_by_hand(
    x: np.ndarray, codes: tuple[float, ...]
) -> tuple[list[int | None], list[bool]]:
    """Index per entry (None = invalid, 5 = missing) by a plain loop."""
    idx: list[int | None] = []
    bad: list[bool] = []
    for v in x.ravel().tolist():
        if isinstance(v, float) and math.isnan(v):
            idx.append(k.MISSING)
            bad.append(False)
        elif v in codes:
            idx.append(codes.index(v))
            bad.append(False)
        else:
            idx.append(None)
            bad.append(True)
    return idx, bad


CODE_SETS = [
    (1.0, 2.0, 3.0, 4.0, 5.0),
    (0.0, 1.0, 2.0, 3.0, 4.0),
    (-128.0, -127.0, -126.0, -125.0, -124.0),
    (123.0, 124.0, 125.0, 126.0, 127.0),  # int8 cannot hold lo + 4 + 1
    (124.0, 125.0, 126.0, 127.0, 128.0),  # lo + 4 outside int8
    (-1.0, 0.0, 1.0, 2.0, 3.0),  # negative lo: not for unsigned input
    (-129.0, -128.0, -127.0, -126.0, -125.0),  # lo below int8
    (200.0, 201.0, 202.0, 203.0, 204.0),  # float path beyond int8
    (5.0, 4.0, 3.0, 2.0, 1.0),  # descending: sorted search
    (1.0, 2.0, 3.0, 4.0, 6.0),  # a gap
    (0.5, 1.5, 2.5, 3.5, 4.5),  # consecutive but not integers
    (2.0, 1.0, 3.0, 5.0, 4.0),  # shuffled
]


@pytest.mark.parametrize("codes", CODE_SETS)
@pytest.mark.parametrize(
    "dtype", [np.int8, np.int16, np.int64, np.uint8, np.float32, np.float64]
)
def test_encode_numeric_against_a_loop(codes: tuple[float, ...], dtype: type) -> None:
    rng = np.random.default_rng(int(abs(codes[0])) + 7)
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
    pool = [c for c in codes if info is None or info.min <= c <= info.max]
    extra = [codes[0] - 1.0, codes[-1] + 1.0, max(codes) + 1.0, 0.0, 2.5, 300.0, -300.0]
    if info is not None:  # the dtype's extremes wrap around in x - lo
        extra += [float(info.min), float(info.max)]
    extra = [
        v
        for v in extra
        if info is None or (float(v).is_integer() and info.min <= v <= info.max)
    ]
    for with_bad, with_nan in itertools.product((False, True), repeat=2):
        values = list(pool) * 4
        if with_bad:
            values += extra
        x = np.array(rng.permutation(values), dtype=np.float64).reshape(-1, 1)
        if with_nan and info is None:
            x = np.vstack([x, [[np.nan]], [[np.nan]]])
        xs: np.ndarray = x.astype(dtype)
        got, bad = k.encode_numeric(xs, codes)
        want, want_bad = _encode_by_hand(xs.astype(np.float64), codes)
        assert got.dtype == np.int8
        assert got.shape == xs.shape
        if not any(want_bad):
            assert bad is None
        else:
            assert bad is not None
            assert bad.ravel().tolist() == want_bad
        for g, w in zip(got.ravel().tolist(), want, strict=True):
            if w is not None:
                assert g == w


def test_encode_float_inf_and_huge_values_are_invalid() -> None:
    x = np.array([1.0, np.inf, -np.inf, 1e10, -1e10, 3.0, np.nan, 257.0])
    got, bad = k.encode_numeric(x, (1.0, 2.0, 3.0, 4.0, 5.0))
    assert bad is not None
    assert bad.tolist() == [False, True, True, True, True, False, False, True]
    assert got[0] == 0
    assert got[5] == 2
    assert got[6] == k.MISSING


# ------------------------------------------------------------ joint tables
def test_tables_from_joint_against_a_loop() -> None:
    rng = np.random.default_rng(4)
    n, p, g = 80, 3, 2
    f = rng.integers(0, 6, size=(n, p)).astype(np.int8)
    d = rng.integers(0, 6, size=(n, p)).astype(np.int8)
    joint = k.joint_codes(f, d)
    assert joint.dtype == np.int8
    np.testing.assert_array_equal(joint, 6 * f.astype(int) + d)
    groups = rng.integers(0, g, size=n)
    w = rng.uniform(0.1, 2.0, size=(n, p))
    got = k.tables_from_joint(joint, weights=w, groups=groups, n_groups=g)
    plain = k.tables_from_joint(joint)
    want = np.zeros((g, p, 6, 6))
    want_plain = np.zeros((1, p, 6, 6))
    for r in range(n):
        for j in range(p):
            want[groups[r], j, f[r, j], d[r, j]] += w[r, j]
            want_plain[0, j, f[r, j], d[r, j]] += 1.0
    np.testing.assert_allclose(got, want, rtol=1e-13)
    np.testing.assert_array_equal(plain, want_plain)
    assert got.dtype == plain.dtype == np.float64
    miss = k.missing_counts(want)
    for gi in range(g):
        for j in range(p):
            t = want[gi, j]
            hand = sum(t[a, b] for a in range(6) for b in range(6) if a == 5 or b == 5)
            assert miss[gi, j] == pytest.approx(hand, rel=1e-13)


def test_category_lut_and_matrix_follow_the_table() -> None:
    from satmodels.kano import STANDARD_TABLE

    order = ("A", "O", "M", "I", "R", "Q")
    cells = STANDARD_TABLE.cells
    lut = k.category_lut(cells, order)
    mat = k.category_matrix(cells, order)
    assert lut.dtype == np.int8
    assert lut.shape == (36,)
    assert mat.shape == (36, 6)
    for i in range(6):
        for j in range(6):
            code = 6 * i + j
            if i == 5 or j == 5:
                assert lut[code] == k.CAT_MISSING
                assert mat[code].sum() == 0.0
            else:
                cat = order.index(cells[i][j])
                assert lut[code] == cat
                assert mat[code].tolist() == [float(c == cat) for c in range(6)]
    tables = np.random.default_rng(0).integers(0, 9, size=(2, 6, 6)).astype(float)
    counts = k.category_counts(tables, mat)
    for t, c in zip(tables, counts, strict=True):
        hand = np.zeros(6)
        for i in range(5):
            for j in range(5):
                hand[order.index(cells[i][j])] += t[i, j]
        np.testing.assert_array_equal(c, hand)


# ---------------------------------------------------------- mode and ratios
def test_pick_mode_against_a_loop() -> None:
    rng = np.random.default_rng(9)
    counts = rng.integers(0, 4, size=(300, 6)).astype(float)
    counts[0] = 0.0
    priority = np.array([2, 0, 1, 5, 3, 4])
    chosen, tied = k.pick_mode(counts, priority)
    for row, c, t in zip(counts, chosen, tied, strict=True):
        top = row.max()
        if top <= 0:
            assert c == -1
            assert not t
            continue
        best = [i for i in range(6) if row[i] == top]
        assert c == min(best, key=lambda i: priority[i])
        assert t == (len(best) > 1)
    assert chosen.dtype == np.int64


def test_better_worse_by_hand() -> None:
    counts = np.array([[3.0, 5.0, 2.0, 10.0, 1.0, 4.0], [0.0, 0.0, 0.0, 0.0, 2.0, 1.0]])
    better, worse = k.better_worse(counts)
    assert better[0] == pytest.approx((3 + 5) / 20, rel=1e-15)
    assert worse[0] == pytest.approx(-(5 + 2) / 20, rel=1e-15)
    assert math.isnan(better[1])
    assert math.isnan(worse[1])


# ----------------------------------------------------- continuous moments
def test_score_moments_against_numpy_on_expanded_rows() -> None:
    rng = np.random.default_rng(12)
    fs = np.array([4.0, 2.0, 0.0, -1.0, -2.0])
    ds = np.array([-2.0, -1.0, 0.0, 2.0, 4.0])
    tables = rng.integers(0, 5, size=(2, 3, 6, 6)).astype(float)
    tables[1, 2] = 0.0
    tables[1, 2, 1, 3] = 1.0  # one pair: no variance
    n, mf, md, vf, vd, cov = k.score_moments(tables, fs, ds)
    for g in range(2):
        for j in range(3):
            f_rows, d_rows = [], []
            for a in range(5):
                for b in range(5):
                    c = int(tables[g, j, a, b])
                    f_rows += [fs[a]] * c
                    d_rows += [ds[b]] * c
            fa, da = np.array(f_rows), np.array(d_rows)
            assert n[g, j] == fa.size
            assert mf[g, j] == pytest.approx(fa.mean(), rel=1e-13)
            assert md[g, j] == pytest.approx(da.mean(), rel=1e-13)
            if fa.size < 2:
                assert math.isnan(vf[g, j])
                assert math.isnan(vd[g, j])
                assert math.isnan(cov[g, j])
                continue
            assert vf[g, j] == pytest.approx(fa.var(ddof=1), rel=1e-12)
            assert vd[g, j] == pytest.approx(da.var(ddof=1), rel=1e-12)
            assert cov[g, j] == pytest.approx(
                np.cov(fa, da)[0, 1], rel=1e-12, abs=1e-14
            )
    # one group: (p,) means, the 1-D broadcasting branch
    one = k.score_moments(tables[0], fs, ds)
    for got, want in zip(one, (n, mf, md, vf, vd, cov), strict=True):
        np.testing.assert_allclose(got, want[0], rtol=1e-13)
    # a single table: scalar results
    single = k.score_moments(tables[0, 0], fs, ds)
    for got, want in zip(single, (n, mf, md, vf, vd, cov), strict=True):
        assert float(got) == pytest.approx(float(want[0, 0]), rel=1e-13)


def test_weighted_score_moments_use_kish_n() -> None:
    # weighted tables: variances are the weighted ones times n_eff/(n_eff-1)
    rng = np.random.default_rng(3)
    fs = np.array([4.0, 2.0, 0.0, -1.0, -2.0])
    ds = np.array([-2.0, -1.0, 0.0, 2.0, 4.0])
    m = 40
    fa_i = rng.integers(0, 5, m)
    da_i = rng.integers(0, 5, m)
    w = rng.uniform(0.2, 3.0, m)
    tables = np.zeros((1, 6, 6))
    for a, b, wi in zip(fa_i, da_i, w, strict=True):
        tables[0, a, b] += wi
    n_eff = np.array([w.sum() ** 2 / (w @ w)])
    n, mf, md, vf, vd, cov = k.score_moments(tables, fs, ds, n_effective=n_eff)
    fa, da = fs[fa_i], ds[da_i]
    assert n[0] == n_eff[0]
    assert mf[0] == pytest.approx(np.average(fa, weights=w), rel=1e-13)
    assert md[0] == pytest.approx(np.average(da, weights=w), rel=1e-13)
    scale = n_eff[0] / (n_eff[0] - 1.0)
    wv = np.average((fa - np.average(fa, weights=w)) ** 2, weights=w)
    assert vf[0] == pytest.approx(wv * scale, rel=1e-12)
    wd = np.average((da - np.average(da, weights=w)) ** 2, weights=w)
    assert vd[0] == pytest.approx(wd * scale, rel=1e-12)
    wc = np.average(
        (fa - np.average(fa, weights=w)) * (da - np.average(da, weights=w)), weights=w
    )
    assert cov[0] == pytest.approx(wc * scale, rel=1e-12)


def test_score_moments_small_samples() -> None:
    fs = np.array([4.0, 2.0, 0.0, -1.0, -2.0])
    ds = np.array([-2.0, -1.0, 0.0, 2.0, 4.0])
    tables = np.zeros((3, 6, 6))
    tables[0, 0, 4] = tables[0, 2, 1] = 1.0  # two pairs: ddof=1 variances
    tables[1, 3, 3] = 1.0  # one pair: no variance
    n, mf, _, vf, vd, cov = k.score_moments(tables, fs, ds)
    assert n.tolist() == [2.0, 1.0, 0.0]
    assert vf[0] == pytest.approx(np.var([4.0, 0.0], ddof=1), rel=1e-15)
    assert vd[0] == pytest.approx(np.var([4.0, -1.0], ddof=1), rel=1e-15)
    assert cov[0] == pytest.approx(np.cov([4.0, 0.0], [4.0, -1.0])[0, 1], rel=1e-15)
    assert np.isnan([vf[1:], vd[1:], cov[1:]]).all()
    assert np.isnan(mf[2])
    # weighted: Kish's n below 2 gives no variance even though W - 1 > 0
    wt = np.zeros((3, 6, 6))
    wt[0, 0, 4], wt[0, 2, 1] = 3.0, 0.5  # n_eff = 3.5^2 / 9.25 = 1.32
    wt[1, 0, 4], wt[1, 2, 1] = 1.0, 1.5  # n_eff = 6.25 / 3.25 = 1.92
    n_eff = np.array([3.5**2 / 9.25, 6.25 / 3.25, 0.0])  # the last: no answer
    n, mf, _, vf, vd, cov = k.score_moments(wt, fs, ds, n_effective=n_eff)
    np.testing.assert_array_equal(n, n_eff)
    assert mf[0] == pytest.approx((3.0 * 4.0 + 0.5 * 0.0) / 3.5, rel=1e-15)
    assert np.isnan([vf, vd, cov]).all()


def test_one_weighted_answer_gives_no_variance_and_no_warning() -> None:
    # (3 w) / w rounds to 3 - 4e-16 for this w: the squared deviation is
    # not exactly 0 and W (n_eff - 1) / n_eff is, so x / 0 must stay silent
    w = 0.18098541408979257
    assert (w * 3.0) / w != 3.0
    tables = np.zeros((1, 6, 6))
    tables[0, 0, 0] = w
    fs = np.array([3.0, 2.0, 1.0, 0.0, -1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        n, mf, _, vf, vd, cov = k.score_moments(tables, fs, fs, n_effective=np.ones(1))
    assert n.tolist() == [1.0]
    assert mf[0] == pytest.approx(3.0, rel=1e-15)
    assert np.isnan([vf, vd, cov]).all()


def test_mode_fong_and_ratios_per_segment_and_attribute() -> None:
    # (segments, attributes, categories): every reduction is over categories
    rng = np.random.default_rng(17)
    counts = rng.integers(0, 5, size=(3, 4, 6)).astype(float)
    counts[1, 2] = 0.0
    priority = np.array([1, 0, 2, 3, 4, 5])
    chosen, tied = k.pick_mode(counts, priority)
    diff, crit, sig = k.fong(counts, 1.65)
    better, worse = k.better_worse(counts)
    for g in range(3):
        c2, t2 = k.pick_mode(counts[g], priority)
        np.testing.assert_array_equal(chosen[g], c2)
        np.testing.assert_array_equal(tied[g], t2)
        for j in range(4):
            row = counts[g, j]
            d1, c1, s1 = k.fong(row[None, :], 1.65)
            assert diff[g, j] == d1[0]
            np.testing.assert_array_equal(crit[g, j], c1[0])
            assert sig[g, j] == s1[0]
            base = row[:4].sum()
            if base > 0:
                assert better[g, j] == pytest.approx((row[0] + row[1]) / base)
                assert worse[g, j] == pytest.approx(-(row[1] + row[2]) / base)


def test_better_worse_of_weighted_counts_below_one() -> None:
    # weighted category sums can add up to less than one respondent
    counts = np.array([[0.1, 0.2, 0.3, 0.1, 0.0, 0.05]])
    better, worse = k.better_worse(counts)
    assert better[0] == pytest.approx(0.3 / 0.7, rel=1e-15)
    assert worse[0] == pytest.approx(-0.5 / 0.7, rel=1e-15)


def test_fong_on_weighted_counts_below_one_respondent() -> None:
    # n = 0.9 (weighted): a = 0.9, b = 0, crit = 0.5 sqrt(0.9 * 0.9 / 1.8)
    counts = np.array([[0.9, 0.0, 0.0, 0.0, 0.0, 0.0], [0.5, 0.4, 0.0, 0.0, 0.0, 0.0]])
    diff, crit, sig = k.fong(counts, 0.5)
    assert crit[0] == pytest.approx(0.5 * math.sqrt(0.9 * 0.9 / 1.8), rel=1e-15)
    assert diff[0] == 0.9
    assert sig.tolist() == [True, False]
