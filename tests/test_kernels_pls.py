"""PLS kernel pieces against brute force (kills mutants of ``acsi/_pls_kernel.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from satmodels.acsi import ModelSpec, ecsi
from satmodels.acsi._pls_kernel import layout, pls_outputs, pls_weights


def test_layout_against_the_spec() -> None:
    spec = ecsi()
    lay = layout(spec)
    assert lay.latents == spec.latents
    assert lay.p == len(spec.indicators)
    assert lay.j == len(spec.latents)
    for k, lv in enumerate(spec.latents):
        names = [spec.indicators[i] for i in lay.members[k]]
        assert names == list(spec.block(lv).indicators)
        assert [spec.latents[i] for i in lay.predecessors[k]] == sorted(
            spec.predecessors(lv), key=spec.latents.index
        )
        assert [spec.latents[i] for i in lay.successors[k]] == sorted(
            spec.successors(lv), key=spec.latents.index
        )
        assert lay.mode_b[k] == (spec.block(lv).mode == "B")
    for i, ind in enumerate(spec.indicators):
        owner = next(lv for lv in spec.latents if ind in spec.block(lv).indicators)
        assert lay.block[i] == spec.latents.index(owner)
        assert lay.mask[i].tolist() == [lv == owner for lv in spec.latents]
    np.testing.assert_array_equal(lay.adjacency, lay.adjacency.T)
    for path in spec.paths:
        s, t = spec.latents.index(path.source), spec.latents.index(path.target)
        assert lay.structure[s, t] and lay.adjacency[t, s]
    assert int(lay.structure.sum()) == len(spec.paths)


# ------------------------------------------------------- a loop-based PLS
SYNTAX = """
IMAG =~ i1 + i2 + i3
EXPE <~ e1 + e2
QUAL <~ q1 + q2 + q3
SATI =~ s1 + s2 + s3
LOYA =~ l1
LONE =~ z1 + z2
EXPE ~ IMAG
QUAL ~ EXPE
SATI ~ IMAG + EXPE + QUAL
LOYA ~ SATI + IMAG
"""


def _data(seed: int, n: int = 300) -> tuple[np.ndarray, ModelSpec]:
    """Raw indicators with a known structure (LONE has no path: isolated)."""
    spec = ModelSpec.from_syntax(SYNTAX)
    rng = np.random.default_rng(seed)
    imag = rng.normal(size=n)
    expe = 0.6 * imag + 0.8 * rng.normal(size=n)
    qual = 0.5 * expe + 0.9 * rng.normal(size=n)
    sati = 0.3 * imag + 0.2 * expe + 0.5 * qual + 0.6 * rng.normal(size=n)
    loya = 0.7 * sati + 0.1 * imag + 0.7 * rng.normal(size=n)
    lone = rng.normal(size=n)
    lat = {"IMAG": imag, "EXPE": expe, "QUAL": qual, "SATI": sati, "LOYA": loya}
    lat["LONE"] = lone
    cols = []
    for lv in spec.latents:
        for k, _ in enumerate(spec.block(lv).indicators):
            load = 0.9 - 0.15 * k
            cols.append(load * lat[lv] + np.sqrt(1 - load**2) * rng.normal(size=n))
    x = np.column_stack(cols)
    x[:, spec.indicators.index("i3")] *= -1.0  # a negatively keyed indicator
    return x, spec


def _reference_weights(
    s: np.ndarray, spec: ModelSpec, scheme: str, tol: float = 1e-7, max_iter: int = 300
) -> tuple[np.ndarray, int]:
    """Lohmoeller's (1989) iterations, one latent and one indicator at a time."""
    lvs, inds = spec.latents, spec.indicators
    j, p = len(lvs), len(inds)
    members = [[inds.index(i) for i in spec.block(lv).indicators] for lv in lvs]
    pred = [[lvs.index(q) for q in spec.predecessors(lv)] for lv in lvs]
    succ = [[lvs.index(q) for q in spec.successors(lv)] for lv in lvs]

    def normalize(w: np.ndarray) -> np.ndarray:
        out = w.copy()
        for k in range(j):
            out[:, k] /= np.sqrt(w[:, k] @ s @ w[:, k])
        return out

    w = np.zeros((p, j))
    for k in range(j):
        w[members[k], k] = 1.0
    w = normalize(w)
    done = max_iter
    for it in range(1, max_iter + 1):
        c = w.T @ s @ w
        e = np.zeros((j, j))
        for k in range(j):
            if not pred[k] and not succ[k]:
                e[k, k] = 1.0
            for q in pred[k] + succ[k]:
                e[q, k] = {"centroid": np.sign(c[q, k]), "factorial": c[q, k]}.get(
                    scheme, c[q, k]
                )
            if scheme == "path" and pred[k]:
                e[pred[k], k] = np.linalg.solve(
                    c[np.ix_(pred[k], pred[k])], c[pred[k], k]
                )
        new = np.zeros((p, j))
        for k in range(j):
            cov = s @ w @ e[:, k]
            idx = members[k]
            if spec.block(lvs[k]).mode == "B" and len(idx) > 1:
                new[idx, k] = np.linalg.solve(s[np.ix_(idx, idx)], cov[idx])
            else:
                new[idx, k] = cov[idx]
        new = normalize(new)
        delta = np.max(np.abs(new - w))
        w = new
        if delta < tol:
            done = it
            break
    load = s @ w
    for k in range(j):
        own = [load[i, k] for i in members[k]]
        votes = sum(np.sign(own))
        if votes < 0 or (votes == 0 and sum(own) < 0):
            w[:, k] *= -1.0
    return w, done


def _moment_matrix(x: np.ndarray, *, scaled: bool) -> np.ndarray:
    """Correlations, or covariances of columns given unequal spreads."""
    if scaled:
        return np.asarray(np.corrcoef(x.T), dtype=np.float64)
    return np.asarray(
        np.cov((x * np.linspace(0.5, 3.0, x.shape[1])).T), dtype=np.float64
    )


@pytest.mark.parametrize("scaled", [True, False])
@pytest.mark.parametrize("scheme", ["path", "centroid", "factorial"])
def test_weights_match_a_loop_based_pls(scheme: str, scaled: bool) -> None:
    x, spec = _data(0)
    lay = layout(spec)
    s = _moment_matrix(x, scaled=scaled)
    fit = pls_weights(s[None], lay, scheme=scheme)
    want, iters = _reference_weights(s, spec, scheme)
    np.testing.assert_allclose(fit.weights[0], want, rtol=1e-9, atol=1e-12)
    assert fit.converged.tolist() == [True]
    assert fit.iterations.tolist() == [iters]


def test_batch_equals_separate_fits_and_reports_each_iteration_count() -> None:
    x, spec = _data(1)
    lay = layout(spec)
    # replicates that converge after different numbers of iterations
    s = np.stack(
        [
            np.corrcoef(x[rows].T)
            for rows in (slice(0, 60), slice(60, 200), slice(None), slice(0, None, 2))
        ]
    )
    fit = pls_weights(s, lay)
    for b in range(4):
        want, iters = _reference_weights(s[b], spec, "path")
        np.testing.assert_allclose(fit.weights[b], want, rtol=1e-9, atol=1e-12)
        assert fit.iterations[b] == iters
    assert fit.converged.all()
    out = pls_outputs(s, fit.weights, lay)
    for b in range(4):
        one = pls_outputs(s[b : b + 1], fit.weights[b : b + 1], lay)
        for key, value in one.items():
            np.testing.assert_allclose(out[key][b], value[0], rtol=1e-12, atol=1e-14)
    short = pls_weights(s, lay, max_iter=2)
    for b in range(4):  # stopped after exactly two iterations
        want, _ = _reference_weights(s[b], spec, "path", max_iter=2)
        np.testing.assert_allclose(short.weights[b], want, rtol=1e-9, atol=1e-12)
    never = pls_weights(s[:1], lay, tol=0.0)  # the default cap: 300
    assert never.iterations.tolist() == [300]
    assert never.converged.tolist() == [False]
    assert short.iterations.tolist() == [2, 2, 2, min(2, int(fit.iterations[3]))]
    assert short.converged.tolist() == [bool(fit.iterations[b] <= 2) for b in range(4)]


@pytest.mark.parametrize("scaled", [True, False])
def test_outputs_match_regressions_on_the_latent_scores(scaled: bool) -> None:
    x, spec = _data(2)
    lay = layout(spec)
    s = _moment_matrix(x, scaled=scaled)
    w = pls_weights(s[None], lay).weights
    out = pls_outputs(s[None], w, lay)
    if scaled:
        z = (x - x.mean(axis=0)) / x.std(axis=0)
    else:
        z = (x - x.mean(axis=0)) * np.linspace(0.5, 3.0, x.shape[1])
    y = z @ w[0]  # latent scores, unit variance
    lvs = spec.latents
    cross = np.array(
        [
            [np.corrcoef(z[:, i], y[:, k])[0, 1] for k in range(len(lvs))]
            for i in range(z.shape[1])
        ]
    )
    np.testing.assert_allclose(out["cross_loadings"][0], cross, rtol=1e-9, atol=1e-12)
    own = [cross[i, lay.block[i]] for i in range(z.shape[1])]
    np.testing.assert_allclose(out["loadings"][0], own, rtol=1e-9)
    np.testing.assert_allclose(
        out["latent_correlation"][0], np.corrcoef(y.T), rtol=1e-9, atol=1e-12
    )
    paths = np.zeros((len(lvs), len(lvs)))
    r2 = np.full(len(lvs), np.nan)
    for k, lv in enumerate(lvs):
        pred = [lvs.index(q) for q in spec.predecessors(lv)]
        if not pred:
            continue
        beta, *_ = np.linalg.lstsq(y[:, pred], y[:, k], rcond=None)
        paths[pred, k] = beta
        resid = y[:, k] - y[:, pred] @ beta
        r2[k] = 1.0 - resid @ resid / (y[:, k] @ y[:, k])
    np.testing.assert_allclose(out["paths"][0], paths, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(out["r_squared"][0], r2, rtol=1e-9)
    # total effects: the sum over all path chains, B + B^2 + B^3 + ...
    total = sum(np.linalg.matrix_power(paths, m) for m in range(1, len(lvs) + 1))
    np.testing.assert_allclose(out["total"][0], total, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(out["indirect"][0], total - paths, rtol=1e-9, atol=1e-12)


def test_solve_falls_back_to_the_pseudo_inverse() -> None:
    from satmodels.acsi._pls_kernel import _solve

    a = np.array([[[2.0, 1.0], [1.0, 3.0]], [[1.0, 1.0], [1.0, 1.0]]])  # 2nd singular
    b = np.array([[[1.0], [2.0]], [[2.0], [2.0]]])
    # one singular matrix in the batch: the whole batch uses pinv, which
    # equals the solution for the regular one
    got = _solve(a, b)
    np.testing.assert_allclose(got[0], np.linalg.solve(a[0], b[0]), rtol=1e-12)
    np.testing.assert_allclose(got[1], np.linalg.pinv(a[1]) @ b[1], rtol=1e-12)
    np.testing.assert_allclose(got[1], [[1.0], [1.0]], rtol=1e-12)
    assert got.dtype == np.float64
    ok = _solve(a[:1], b[:1])
    np.testing.assert_allclose(ok[0], np.linalg.solve(a[0], b[0]), rtol=1e-15)


def test_signs_follow_the_majority_of_loadings_then_their_sum() -> None:
    from satmodels.acsi._pls_kernel import _fix_signs

    spec = ModelSpec.from_syntax(
        "A =~ a1 + a2\nB =~ b1 + b2 + b3\nC =~ c1\nB ~ A\nC ~ B"
    )
    lay = layout(spec)
    s = np.eye(lay.p)[None]  # loadings are then the weights themselves
    cases = [
        # (weights a1, a2 | b1, b2, b3 | c1), flip A?, flip B?, flip C?
        ([0.5, -0.9, 0.2, 0.3, -0.1, 1.0], True, False, False),  # tie, sum < 0
        ([-0.5, 0.9, -0.2, -0.3, 0.1, -1.0], False, True, True),  # tie, sum > 0
        ([-0.5, -0.1, 0.2, -0.3, -0.1, 1.0], True, True, False),  # majorities
        ([0.5, -0.5, 0.2, 0.3, 0.1, 1.0], False, False, False),  # tie, sum 0
    ]
    for values, fa, fb, fc in cases:
        w = np.zeros((1, lay.p, lay.j))
        for i, v in enumerate(values):
            w[0, i, lay.block[i]] = v
        got = _fix_signs(w, s, lay)
        signs = np.array([-1.0 if f else 1.0 for f in (fa, fb, fc)])
        np.testing.assert_array_equal(got, w * signs[None, None, :])
