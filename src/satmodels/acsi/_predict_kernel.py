r"""PLSpredict kernels: linear predictors of the endogenous indicators.

Private, numpy-only. For a batch of B training sets (their
:class:`~satmodels.acsi._folds.Sums`) the PLS model is fitted on each
training correlation matrix (one batched run of the PLS iterations), and
every predictor of the endogenous indicators becomes one affine map
``y_hat = a + x A`` of a respondent's indicators ``x`` (p) to the q
endogenous indicators:

* PLS (Shmueli et al. 2016, section 3): standardized indicators
  :math:`z = (x - \bar x) / s` (training means and standard deviations),
  scores :math:`z W` (outer weights), construct predictions by the paths
  :math:`P` (``P[s, t]`` for s -> t), indicator predictions by the
  loadings :math:`\lambda`, then unstandardized. Earliest antecedents
  (EA): :math:`\hat\eta = z W D_{exo} (I - P)^{-1}` (exogenous scores
  only, propagated through the model; Shmueli et al. 2016, eq. 5-6;
  cSEM's reduced form, seminr's ``predict_EA``). Direct antecedents (DA):
  :math:`\hat\eta = z W (P + D_{exo})` (every predecessor's own score;
  seminr's ``predict_DA``, the CVPAT code of Liengaard et al. 2021).
* LM benchmark: ordinary least squares of each endogenous indicator on
  the indicators of the exogenous constructs (EA; Shmueli et al. 2019,
  cSEM's ``.benchmark = "lm"``) or of its construct's direct antecedents
  (DA; Sharma et al. 2023's CVPAT code), with intercept, from the training
  co-moments: :math:`B = C_{xx}^{-1} C_{xy}`.
* IA benchmark: the training mean of each indicator.

References
----------
.. [1] Shmueli, G., Ray, S., Velasquez Estrada, J. M., & Chatla, S. B.
   (2016). The elephant in the room: predictive performance of PLS
   models. Journal of Business Research, 69(10), 4552-4564.
.. [2] Shmueli, G., Sarstedt, M., Hair, J. F., Cheah, J.-H., Ting, H.,
   Vaithilingam, S., & Ringle, C. M. (2019). Predictive model assessment in
   PLS-SEM: guidelines for using PLSpredict. European Journal of
   Marketing, 53(11), 2322-2347.
.. [3] Liengaard, B. D., Sharma, P. N., Hult, G. T. M., Jensen, M. B.,
   Sarstedt, M., Hair, J. F., & Ringle, C. M. (2021). Prediction: coveted,
   yet forsaken? Introducing a cross-validated predictive ability test in
   partial least squares path modeling. Decision Sciences, 52(2), 362-392.
.. [4] Sharma, P. N., Liengaard, B. D., Hair, J. F., Sarstedt, M., &
   Ringle, C. M. (2023). Predictive model assessment and selection in
   composite-based modeling using PLS-SEM: extensions and guidelines for
   using CVPAT. European Journal of Marketing, 57(6), 1662-1677.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._typing import BoolArray, FloatArray, IntArray
from ._folds import Sums
from ._pls_kernel import Layout, pls_outputs, pls_weights

__all__ = ["CV", "FoldError", "Maps", "Targets", "cross_validate", "maps", "targets"]


class FoldError(ValueError):
    """A training set the PLS model cannot be fitted on (turned into ours)."""


@dataclass(frozen=True, slots=True)
class Targets:
    """Which indicators are predicted, and from which."""

    endo: IntArray  # (q,) endogenous indicator positions (layout order)
    exo_latent: BoolArray  # (J,) latent without predecessors
    lm_inputs: tuple[IntArray, ...]  # per endogenous indicator: LM predictors
    endo_latents: IntArray  # latents with predecessors (layout order)


def targets(lay: Layout, technique: str) -> Targets:
    """Endogenous indicators and the LM benchmark's predictors of each."""
    exo = np.array([lay.predecessors[k].size == 0 for k in range(lay.j)])
    endo = np.flatnonzero(~exo[lay.block])
    exo_items = np.flatnonzero(exo[lay.block])
    inputs = []
    for i in endo:
        if technique == "ea":
            inputs.append(exo_items)
        else:
            pred = lay.predecessors[int(lay.block[i])]
            inputs.append(np.concatenate([lay.members[int(k)] for k in pred]))
    return Targets(
        endo=endo,
        exo_latent=exo,
        lm_inputs=tuple(inputs),
        endo_latents=np.flatnonzero(~exo),
    )


@dataclass(frozen=True, slots=True)
class Maps:
    """Affine predictors ``a + x A`` of B training sets (x: all p indicators)."""

    pls_a: FloatArray  # (B, q)
    pls_b: FloatArray  # (B, p, q)
    lm_a: FloatArray  # (B, q)
    lm_b: FloatArray  # (B, p, q)
    ia: FloatArray  # (B, q) training means
    sd: FloatArray  # (B, q) training standard deviations (CVPAT's scale)
    converged: BoolArray  # (B,)


def _solve(a: FloatArray, b: FloatArray) -> FloatArray:
    try:
        out = np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        out = np.linalg.pinv(a) @ b
    return np.asarray(out, dtype=np.float64)


def maps(  # noqa: PLR0917 - the fit's settings
    train: Sums,
    lay: Layout,
    tg: Targets,
    technique: str,
    scheme: str,
    tol: float,
    max_iter: int,
) -> Maps:
    """Fit PLS on every training set (one batch) and build the predictors."""
    sd = train.std()
    bad = ~(np.isfinite(sd) & (sd > 0))
    if bad.any():
        fold, col = (int(v) for v in np.argwhere(bad)[0])
        msg = (
            f"indicator {lay.indicators[col]!r} does not vary in the training "
            f"set without fold {fold + 1}"
        )
        raise FoldError(msg)
    corr = train.correlation()
    if not np.all(np.isfinite(corr)):
        msg = "a training correlation matrix is not finite (extreme answers)"
        raise FoldError(msg)
    mean = train.mean
    fit = pls_weights(corr, lay, scheme=scheme, tol=tol, max_iter=max_iter)
    w = fit.weights  # (B, p, J)
    out = pls_outputs(corr, w, lay)
    paths = out["paths"]  # (B, J, J), P[s, t] for s -> t
    b_size = corr.shape[0]
    d_exo = np.diag(tg.exo_latent.astype(np.float64))
    if technique == "ea":
        eye = np.eye(lay.j)
        g = d_exo @ np.linalg.inv(eye - paths)
    else:
        g = paths + d_exo
    q = tg.endo.size
    lam = np.zeros((b_size, lay.j, q))
    lam[:, lay.block[tg.endo], np.arange(q)] = out["loadings"][:, tg.endo]
    m_std = w @ g @ lam  # (B, p, q) on the standardized scale
    sd_y = sd[:, tg.endo]
    pls_b = m_std / sd[:, :, None] * sd_y[:, None, :]
    pls_a = mean[:, tg.endo] - np.einsum("bp,bpq->bq", mean, pls_b)
    lm_b = np.zeros((b_size, lay.p, q))
    com = train.comoment
    groups: dict[tuple[int, ...], list[int]] = {}
    for c, inp in enumerate(tg.lm_inputs):
        groups.setdefault(tuple(int(i) for i in inp), []).append(c)
    for key, cols in groups.items():
        xs = np.array(key)
        ys = tg.endo[cols]
        cxx = com[:, xs[:, None], xs[None, :]]
        cxy = com[:, xs[:, None], ys[None, :]]
        coef = _solve(cxx, cxy)  # (B, |xs|, |cols|)
        lm_b[:, xs[:, None], np.array(cols)[None, :]] = coef
    lm_a = mean[:, tg.endo] - np.einsum("bp,bpq->bq", mean, lm_b)
    return Maps(
        pls_a=pls_a,
        pls_b=pls_b,
        lm_a=lm_a,
        lm_b=lm_b,
        ia=mean[:, tg.endo].copy(),
        sd=sd_y,
        converged=fit.converged,
    )


#: Memory for the rows of the repetitions whose fits run as one batch.
_GROUP_BYTES = 256 * 2**20

#: Multiply-adds per block of a prediction product: below OpenBLAS's
#: threading threshold, as :func:`satmodels.acsi.pls._scores` (a thin
#: n x p by p x q product is memory-bound; threaded, it ran 25x slower on
#: a loaded machine: 0.30 s vs 0.012 s at n = 200,000).
_BLOCK_FLOPS = 65_536 * 4


def _affine(
    rows: FloatArray, coef: FloatArray, const: FloatArray, out: FloatArray
) -> None:
    """``out = rows @ coef + const`` over blocks of rows that stay in cache."""
    step = max(256, _BLOCK_FLOPS // max(1, coef.shape[0] * coef.shape[1]))
    for lo in range(0, rows.shape[0], step):
        part = out[lo : lo + step]
        np.matmul(rows[lo : lo + step], coef, out=part)
        part += const


@dataclass(frozen=True, slots=True)
class CV:
    """Out-of-sample predictions, averaged over the repetitions."""

    pls: FloatArray  # (n, q)
    lm: FloatArray  # (n, q)
    ia: FloatArray  # (n, q)
    # squared errors on the training-standardized scale, averaged over
    # repetitions (CVPAT's losses); None unless asked for
    sq_pls: FloatArray | None
    sq_lm: FloatArray | None
    sq_ia: FloatArray | None
    n_fits: int
    n_unconverged: int


def cross_validate(
    x: FloatArray,
    w: FloatArray | None,
    labels: IntArray,
    *,
    lay: Layout,
    tg: Targets,
    technique: str,
    scheme: str,
    tol: float,
    max_iter: int,
    training: str = "difference",
    standardized: bool = False,
) -> CV:
    """K-fold predictions of every repetition (rows of ``labels``, 0..k-1).

    Per repetition: the rows are sorted by fold once; the fold moments are
    taken in that pass and every training set's moments are the total
    minus its fold's (:func:`._folds.difference`; ``training="rows"``
    recomputes them from the training rows instead, the naive way); the
    PLS fits of all repetitions whose sorted rows fit in 256 MB run as one
    batch; each held-out fold is predicted by one matrix product on its
    rows.
    """
    from ._folds import (  # noqa: PLC0415 - sibling kernel
        difference,
        fold_sums,
        sort_folds,
        total_sums,
        training_from_rows,
    )

    n = x.shape[0]
    q = tg.endo.size
    reps = labels.shape[0]
    y = x[:, tg.endo]
    acc = {name: np.zeros((n, q)) for name in ("pls", "lm", "ia")}
    sq = (
        {name: np.zeros((n, q)) for name in ("pls", "lm", "ia")}
        if standardized
        else None
    )
    total = total_sums(x, w) if training == "difference" else None
    fits = unconverged = 0
    # repetitions in groups whose sorted rows fit in _GROUP_BYTES: the
    # training fits of a group run as one batch (at n = 250 all 100 fits)
    group = max(1, _GROUP_BYTES // max(1, x.nbytes))
    for g0 in range(0, reps, group):
        members = range(g0, min(reps, g0 + group))
        sorted_ = [
            sort_folds(x, w, labels[r], int(labels[r].max()) + 1) for r in members
        ]
        trains = [
            difference(total, fold_sums(s))
            if total is not None
            else training_from_rows(s)
            for s in sorted_
        ]
        sizes = [t.weight.size for t in trains]
        batch = Sums(
            weight=np.concatenate([t.weight for t in trains]),
            weight_sq=np.concatenate([t.weight_sq for t in trains]),
            mean=np.concatenate([t.mean for t in trains]),
            comoment=np.concatenate([t.comoment for t in trains]),
        )
        mp_all = maps(batch, lay, tg, technique, scheme, tol, max_iter)
        fits += int(sum(sizes))
        unconverged += int((~mp_all.converged).sum())
        offset = 0
        for r, s, k in zip(members, sorted_, sizes, strict=True):
            sl = slice(offset, offset + k)
            offset += k
            # predictions in fold order (one product per fold into one
            # buffer), then back to row order with one gather
            inv = np.empty(n, dtype=np.int64)
            inv[s.order] = np.arange(n)
            # PLS and LM side by side: one product per block, one gather
            coef = np.concatenate([mp_all.pls_b[sl], mp_all.lm_b[sl]], axis=2)
            const = np.concatenate([mp_all.pls_a[sl], mp_all.lm_a[sl]], axis=1)
            buf = np.empty((n, 2 * q))
            for f in range(k):
                lo, hi = int(s.start[f]), int(s.start[f + 1])
                _affine(s.rows[lo:hi], coef[f], const[f], buf[lo:hi])
            both = np.take(buf, inv, axis=0)
            preds = {"pls": both[:, :q], "lm": both[:, q:]}
            preds["ia"] = np.take(mp_all.ia[sl], labels[r], axis=0)
            for name, pred in preds.items():
                acc[name] += pred
            if sq is not None:
                sd = np.take(mp_all.sd[sl], labels[r], axis=0)
                for name, pred in preds.items():
                    err = y - pred
                    err /= sd
                    err *= err
                    sq[name] += err
    scale = 1.0 / reps
    return CV(
        pls=acc["pls"] * scale,
        lm=acc["lm"] * scale,
        ia=acc["ia"] * scale,
        sq_pls=None if sq is None else sq["pls"] * scale,
        sq_lm=None if sq is None else sq["lm"] * scale,
        sq_ia=None if sq is None else sq["ia"] * scale,
        n_fits=fits,
        n_unconverged=unconverged,
    )
