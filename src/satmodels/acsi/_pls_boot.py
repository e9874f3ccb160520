r"""The PLS bootstrap: all replicates fitted as one batch, BCa intervals.

Replicate moment matrices come from the survey table in one step
(:meth:`satmodels.data.Table.bootstrap`: multinomial row counts in memory,
Poisson(1) weights on a lazy engine); the PLS iterations then run on the
whole ``(B, p, p)`` stack at once (:mod:`._pls_kernel`). Intervals are
percentile and BCa intervals (Efron & Tibshirani 1993, eqs. 13.5 and
14.9-14.15) from :mod:`satmodels.stats.intervals`; the BCa acceleration
comes from a grouped jackknife (at most :data:`JACKKNIFE_GROUPS` groups of
rows; Efron & Tibshirani 1993, section 11.5).

References
----------
.. [1] Efron, B., & Tibshirani, R. J. (1993). An introduction to the
   bootstrap. Chapman & Hall.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .._typing import BoolArray, FloatArray
from ..data import Table
from ..exceptions import EstimationError, InputError
from ..results._estimates import estimates
from ..scales import Scale
from ..stats.intervals import summarize
from ..stats.moments import Moments
from . import quality as q
from ._common import MIN_ROWS_BOOTSTRAP
from ._pls_kernel import Layout, pls_outputs, pls_weights
from ._pls_options import PLSOptions
from .bootstrap_result import KIND, PLSBootstrap
from .index import indices as _indices
from .index import raw_weights
from .spec import ModelSpec

__all__ = [
    "JACKKNIFE_GROUPS",
    "Labels",
    "Transform",
    "bootstrap",
    "labels",
    "stat_vector",
    "summarize_replicates",
]

#: A map from a batch of indicator matrices, means and standard deviations
#: to those of the variables the model is fitted on, with a mask of the
#: replicates it could transform (higher-order two-stage fits).
Transform = Callable[
    [FloatArray, FloatArray, FloatArray],
    tuple[FloatArray, FloatArray, FloatArray, BoolArray],
]

#: Largest number of leave-one-out fits for the BCa acceleration; larger
#: samples use this many leave-one-group-out fits (grouped jackknife).
JACKKNIFE_GROUPS = 200


@dataclass(frozen=True, slots=True)
class Labels:
    """Families and labels of the bootstrapped statistic vector."""

    family: tuple[str, ...]
    label: tuple[str, ...]
    paths: tuple[tuple[int, int], ...]
    total: tuple[tuple[int, int], ...]
    indirect: tuple[tuple[int, int], ...]
    endogenous: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]
    with_indices: bool


def reachability(lay: Layout) -> tuple[BoolArray, BoolArray]:
    """Direct paths and paths of length >= 2 between latents, (J, J) bool each.

    Latents are in topological order, so one sweep from the last latent
    back settles every reach (no recursion, no matrix powers).
    """
    direct = lay.structure
    nj = lay.j
    reach = np.zeros((nj, nj), dtype=bool)
    for s in range(nj - 1, -1, -1):
        succ = np.flatnonzero(direct[s])
        if succ.size:
            reach[s] = direct[s] | reach[succ].any(axis=0)
    longer = np.zeros_like(reach)
    for s in range(nj):
        succ = np.flatnonzero(direct[s])
        if succ.size:
            longer[s] = reach[succ].any(axis=0)
    return direct, longer


def labels(lay: Layout, spec: ModelSpec, *, with_indices: bool) -> Labels:
    """Name every bootstrapped statistic."""
    pos = {lv: k for k, lv in enumerate(lay.latents)}
    paths = tuple((pos[p.source], pos[p.target]) for p in spec.paths)
    direct, longer = reachability(lay)
    total = tuple(zip(*np.nonzero(direct | longer), strict=True))
    total = tuple((int(s), int(t)) for s, t in total)
    indirect = tuple((s, t) for s, t in total if longer[s, t])
    endo = tuple(k for k in range(lay.j) if lay.predecessors[k].size)
    pairs = tuple((i, j) for i in range(lay.j) for j in range(i + 1, lay.j))
    lv = lay.latents
    fam: list[str] = []
    lab: list[str] = []
    for name, items in (
        ("weights", lay.indicators),
        ("loadings", lay.indicators),
        ("paths", [f"{lv[s]} -> {lv[t]}" for s, t in paths]),
        ("total_effects", [f"{lv[s]} -> {lv[t]}" for s, t in total]),
        ("indirect_effects", [f"{lv[s]} -> {lv[t]}" for s, t in indirect]),
        ("r_squared", [lv[k] for k in endo]),
        ("indices", list(lv) if with_indices else []),
        ("htmt", [f"{lv[i]} ~ {lv[j]}" for i, j in pairs]),
    ):
        fam += [name] * len(items)
        lab += list(items)
    return Labels(
        tuple(fam), tuple(lab), paths, total, indirect, endo, pairs, with_indices
    )


def _pick(a: FloatArray, idx: tuple[tuple[int, int], ...]) -> FloatArray:
    if not idx:
        return np.zeros((a.shape[0], 0))
    rows, cols = zip(*idx, strict=True)
    return a[:, list(rows), list(cols)]


def stat_vector(
    s: FloatArray,
    mean: FloatArray,
    sd: FloatArray,
    *,
    lay: Layout,
    labels: Labels,
    opts: PLSOptions,
    scale: Scale | None,
) -> tuple[FloatArray, np.ndarray[Any, np.dtype[np.bool_]]]:
    """Fit a batch and stack every bootstrapped statistic: (B, K), ok (B,)."""
    fit = pls_weights(s, lay, scheme=opts.scheme, tol=opts.tol, max_iter=opts.max_iter)
    out = pls_outputs(s, fit.weights, lay)
    w_own = fit.weights.sum(axis=2)
    parts = [
        w_own,
        out["loadings"],
        _pick(out["paths"], labels.paths),
        _pick(out["total"], labels.total),
        _pick(out["indirect"], labels.indirect),
        out["r_squared"][:, list(labels.endogenous)],
    ]
    if scale is not None and labels.with_indices:
        v = raw_weights(w_own, sd, scaled=opts.scaled)
        parts.append(_indices(v, mean, scale.minimum, scale.maximum, lay))
    corr = s if opts.scaled else s / sd[:, :, None] / sd[:, None, :]
    parts.append(_pick(q.htmt(corr, lay), labels.pairs))
    values = np.concatenate(parts, axis=1)
    ok = fit.converged & np.all(np.isfinite(values), axis=1)
    return values, ok


def _arrays(m: Moments, *, scaled: bool) -> tuple[FloatArray, FloatArray, FloatArray]:
    s = m.correlation() if scaled else m.covariance()
    return s, m.mean, m.std()


def _stack(
    ms: list[Moments], *, scaled: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    s = np.stack([mo.correlation() if scaled else mo.covariance() for mo in ms])
    return s, np.stack([mo.mean for mo in ms]), np.stack([mo.std() for mo in ms])


def jackknife(
    table: Table,
    inds: tuple[str, ...],
    opts: PLSOptions,
    gen: np.random.Generator,
) -> list[Moments]:
    """Moments of the sample without each of G groups of rows.

    Complements are merged from prefix and suffix sums of the groups'
    Moments (exact, Chan et al. 1979), so G leave-group-out Moments cost
    O(G) merges.
    """
    n = int(table.n_rows or 0)
    groups = min(n, JACKKNIFE_GROUPS)
    assign = gen.permutation(n) % groups
    parts: list[Moments] = []
    for g in range(groups):
        try:
            parts.append(table.rows(assign == g).moments(inds, missing=opts.missing))
        except InputError:
            continue  # a group without usable rows leaves the sample unchanged
    k = len(parts)
    if k < 3:
        return []
    prefix: list[Moments | None] = [None]
    for mo in parts[:-1]:
        prev = prefix[-1]
        prefix.append(mo if prev is None else prev.merge(mo))
    suffix: list[Moments | None] = [None] * (k + 1)
    for g in range(k - 1, 0, -1):
        nxt = suffix[g + 1]
        suffix[g] = parts[g] if nxt is None else parts[g].merge(nxt)
    out = []
    for g in range(k):
        a, b = prefix[g], suffix[g + 1]
        comp = a if b is None else (b if a is None else a.merge(b))
        if comp is not None:
            out.append(comp)
    return out


def bootstrap(
    table: Table,
    *,
    n: int,
    spec: ModelSpec,
    lay: Layout,
    opts: PLSOptions,
    scale: Scale | None,
    estimate: FloatArray,
    gen: np.random.Generator,
    where: str,
    indicators: tuple[str, ...] | None = None,
    transform: Transform | None = None,
) -> PLSBootstrap:
    """Bootstrap SEs, t, p, percentile and BCa intervals of every statistic.

    ``indicators`` and ``transform``: the replicates resample the moments
    of ``indicators`` (default: the spec's), which ``transform`` maps to
    those of the model's variables in every replicate (a two-stage
    higher-order fit re-runs its first stage in each replicate).

    Raises
    ------
    InputError
        ``data`` is Moments (no rows to resample) or has fewer than
        :data:`MIN_ROWS_BOOTSTRAP` respondents.
    EstimationError
        Fewer than two replicates converged.
    """
    if table.kind == "moments":
        msg = (
            f"The 'n_resamples' parameter of {where} needs the respondent rows "
            "(an array or a dataframe), not Moments: replicates resample rows."
        )
        raise InputError(msg)
    if n < MIN_ROWS_BOOTSTRAP:
        msg = (
            f"The 'n_resamples' parameter of {where} needs at least "
            f"{MIN_ROWS_BOOTSTRAP} respondents to bootstrap; the data have {n}. "
            "With so few rows the replicates repeat the same answers and their "
            "spread is no standard error."
        )
        raise InputError(msg)
    inds = spec.indicators if indicators is None else indicators
    labs = labels(lay, spec, with_indices=scale is not None)
    method: Literal["multinomial", "poisson"] = (
        "poisson" if table.kind == "lazy" else "multinomial"
    )
    reps = table.bootstrap(
        inds, n_resamples=opts.n_resamples, rng=gen, missing=opts.missing
    )
    s, mean, sd = _arrays(reps, scaled=opts.scaled)
    pre = np.ones(s.shape[0], dtype=bool)
    if transform is not None:
        s, mean, sd, pre = transform(s, mean, sd)
    values, ok = stat_vector(s, mean, sd, lay=lay, labels=labs, opts=opts, scale=scale)
    ok &= pre
    if int(ok.sum()) < 2:
        msg = (
            f"Only {int(ok.sum())} of {opts.n_resamples} bootstrap replicates of "
            f"{where} converged; no interval can be formed."
        )
        raise EstimationError(msg)
    jack_m = [] if table.kind == "lazy" else jackknife(table, inds, opts, gen)
    jack = None
    if jack_m:
        js, jmean, jsd = _stack(jack_m, scaled=opts.scaled)
        jpre = np.ones(js.shape[0], dtype=bool)
        if transform is not None:
            js, jmean, jsd, jpre = transform(js, jmean, jsd)
        jvals, jok = stat_vector(
            js, jmean, jsd, lay=lay, labels=labs, opts=opts, scale=scale
        )
        jok &= jpre
        jack = jvals[jok] if jok.sum() >= 3 else None
    return summarize_replicates(
        values,
        ok,
        estimate,
        jack,
        labs=labs,
        opts=opts,
        n=n,
        method=method,
        backend=table.backend,
        where=where,
    )


def summarize_replicates(
    values: FloatArray,
    ok: BoolArray,
    estimate: FloatArray,
    jack: FloatArray | None,
    *,
    labs: Labels,
    opts: PLSOptions,
    n: int,
    method: Literal["multinomial", "poisson"],
    backend: str | None,
    where: str,
) -> PLSBootstrap:
    """Summarize replicate statistics (B, K) into a :class:`PLSBootstrap`.

    Raises
    ------
    EstimationError
        Fewer than two replicates are usable (``ok``).
    """
    good = values[ok]
    if good.shape[0] < 2:
        msg = (
            f"Only {good.shape[0]} of {opts.n_resamples} bootstrap replicates of "
            f"{where} converged; no interval can be formed."
        )
        raise EstimationError(msg)
    iv = summarize(good, estimate, jack, opts.confidence_level)
    # A statistic fixed by construction (the loading of a single-indicator
    # block is 1 in every replicate) has a standard error of rounding noise:
    # its t would be ~1e15. No test exists there: t and p are NaN.
    fixed = iv.se <= 1e-10 * np.maximum(np.abs(estimate), 1.0)
    t = np.where(fixed, np.nan, iv.t)
    p = np.where(fixed, np.nan, iv.p_value)
    return PLSBootstrap(
        n_resamples=opts.n_resamples,
        n_failed=int((~ok).sum()),
        method=method,
        confidence_level=opts.confidence_level,
        jackknife_groups=0 if jack is None else int(jack.shape[0]),
        statistic=labs.family,
        label=labs.label,
        estimate=estimate,
        se=iv.se,
        t=t,
        p_value=p,
        percentile_low=iv.percentile_low,
        percentile_high=iv.percentile_high,
        bca_low=iv.bca_low,
        bca_high=iv.bca_high,
        estimates=estimates(
            name=labs.label,
            estimate=estimate,
            kind=[KIND[f] for f in labs.family],
            confidence_level=opts.confidence_level,
            standard_error=iv.se,
            statistic=t,
            pvalue=p,
            ci_low=iv.bca_low,
            ci_high=iv.bca_high,
            n=float(n),
            interval="bca",
            backend=backend,
        ),
        _replicates=good,
        _jackknife=jack,
    )
