r"""Higher-order PLS models as first-order models on transformed moments.

Private helpers of :func:`satmodels.acsi.higher_order`. Every approach
fits first-order models whose variables are linear combinations of the
original indicators ``X`` (p columns): ``X_f = X T`` with a p x q matrix
``T``. Their moments follow exactly from those of ``X``:

.. math:: \bar x_f = T'\bar x, \qquad \Sigma_f = T' \Sigma T,

so every approach runs on sufficient statistics (a lazy frame's or a
Moments' covariance matrix) and its bootstrap on the replicate moments.

* **Repeated indicators** (Wold 1982; Lohmöller 1989; Becker et al. 2012):
  the higher-order construct (HOC) is measured by all indicators of its
  lower-order components (LOCs), repeated under the names ``item.HOC``:
  ``T`` selects (and duplicates) columns. A reflective HOC (``=~``,
  mode A) has the paths ``HOC -> LOC``; a formative HOC (``<~``, mode B)
  the paths ``LOC -> HOC`` (Becker et al. 2012, Figure 2).
* **Two-stage** (Agarwal & Karahanna 2000; Sarstedt et al. 2019): the
  first stage gives the LOC composites, the second stage measures the HOC
  by them. *Embedded*: the first stage is the repeated-indicators model;
  *disjoint*: the first stage drops the HOC and connects its LOCs to the
  HOC's antecedents and consequences (Sarstedt et al. 2019, section 4;
  seminr's ``higher_composite``). The LOC composite is the LOC's score on
  the answer scale, :math:`\hat y_c = \sum_i \tilde v_{ic} x_i`, with the
  raw outer weights normalized to sum to one (Fornell et al. 1996): a
  positive multiple of the standardized score plus a constant, so a
  standardized second stage is that of the scores, and the HOC's 0-100
  index is the weighted mean of its LOCs' indices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._typing import BoolArray, FloatArray, IntArray
from ..exceptions import SpecificationError
from ._pls_kernel import Layout, layout, pls_weights
from ._pls_options import PLSOptions
from .index import raw_weights
from .spec import Block, ModelSpec, Path

__all__ = ["Plan", "Stage", "plan", "repeated_name"]

Approach = str


def repeated_name(indicator: str, hoc: str) -> str:
    """Name of ``indicator`` repeated in the block of ``hoc``."""
    return f"{indicator}.{hoc}"


@dataclass(frozen=True, slots=True)
class Stage:
    """One first-order model on selected (and repeated) indicators.

    ``select[k]`` is the position among the original indicators of the
    stage's variable ``columns[k]``.
    """

    spec: ModelSpec
    columns: tuple[str, ...]
    select: IntArray


@dataclass(frozen=True, slots=True)
class Plan:
    """How a higher-order model is estimated: one or two first-order stages."""

    approach: Approach
    spec: ModelSpec
    indicators: tuple[str, ...]  # the original manifest indicators (columns)
    components: dict[str, tuple[str, ...]]  # HOC -> its LOCs
    first: Stage | None  # two-stage: the model that gives the LOC composites
    final: Stage  # repeated indicators: the model; two-stage: second stage
    composites: tuple[str, ...]  # LOCs whose composites enter the final stage

    @property
    def final_columns(self) -> tuple[str, ...]:
        """Variables of the final model: kept indicators, then composites."""
        return (*self.final.columns, *self.composites)


def _stage(spec: ModelSpec, source: dict[str, str], inds: tuple[str, ...]) -> Stage:
    pos = {c: k for k, c in enumerate(inds)}
    cols = spec.indicators
    return Stage(
        spec=spec,
        columns=cols,
        select=np.array([pos[source.get(c, c)] for c in cols], dtype=np.int64),
    )


def _repeated(
    spec: ModelSpec, comps: dict[str, tuple[str, ...]]
) -> tuple[ModelSpec, dict[str, str]]:
    """Return the repeated-indicators model and each repeated name's source."""
    taken = set(spec.indicators) | {b.latent for b in spec.blocks}
    source: dict[str, str] = {}
    blocks: list[Block] = []
    paths = list(spec.paths)
    for b in spec.blocks:
        if b.latent not in comps:
            blocks.append(b)
            continue
        names = []
        for c in comps[b.latent]:
            for ind in spec.block(c).indicators:
                new = repeated_name(ind, b.latent)
                if new in taken:
                    msg = (
                        f"the repeated indicator {new!r} of {b.latent!r} clashes "
                        "with a name in the model; rename it"
                    )
                    raise SpecificationError(msg)
                source[new] = ind
                names.append(new)
        blocks.append(Block(latent=b.latent, indicators=tuple(names), mode=b.mode))
        for c in comps[b.latent]:
            ends = (b.latent, c) if b.mode == "A" else (c, b.latent)
            paths.append(Path(source=ends[0], target=ends[1]))
    return ModelSpec(blocks=tuple(blocks), paths=tuple(paths)), source


def _disjoint(spec: ModelSpec, comps: dict[str, tuple[str, ...]]) -> ModelSpec:
    """First stage of the disjoint approach: LOCs take the HOCs' paths."""
    blocks = tuple(b for b in spec.blocks if b.latent not in comps)
    paths: list[Path] = []
    for p in spec.paths:
        for s in comps.get(p.source, (p.source,)):
            for t in comps.get(p.target, (p.target,)):
                q = Path(source=s, target=t)
                if q not in paths:
                    paths.append(q)
    return ModelSpec(blocks=blocks, paths=tuple(paths))


def _second(spec: ModelSpec, comps: dict[str, tuple[str, ...]]) -> ModelSpec:
    """Second stage: each HOC measured by its LOC composites, LOCs dropped."""
    locs = {c for cs in comps.values() for c in cs}
    blocks = tuple(
        Block(latent=b.latent, indicators=comps[b.latent], mode=b.mode)
        if b.latent in comps
        else b
        for b in spec.blocks
        if b.latent not in locs
    )
    return ModelSpec(blocks=blocks, paths=spec.paths)


def plan(spec: ModelSpec, approach: Approach) -> Plan:
    """Turn a higher-order spec into the first-order stages of ``approach``."""
    comps = {h: spec.block(h).indicators for h in spec.higher_order}
    inds = spec.indicators
    ri, source = _repeated(spec, comps)
    if approach == "repeated_indicators":
        return Plan(
            approach=approach,
            spec=spec,
            indicators=inds,
            components=comps,
            first=None,
            final=_stage(ri, source, inds),
            composites=(),
        )
    first_spec = ri if approach == "embedded_two_stage" else _disjoint(spec, comps)
    second = _second(spec, comps)
    locs = tuple(c for cs in comps.values() for c in cs)
    kept = tuple(i for i in second.indicators if i not in locs)
    pos = {c: k for k, c in enumerate(inds)}
    final = Stage(
        spec=second,
        columns=kept,
        select=np.array([pos[c] for c in kept], dtype=np.int64),
    )
    return Plan(
        approach=approach,
        spec=spec,
        indicators=inds,
        components=comps,
        first=_stage(first_spec, source, inds),
        final=final,
        composites=locs,
    )


def _covariance(s: FloatArray, sd: FloatArray, *, scaled: bool) -> FloatArray:
    return s * sd[:, :, None] * sd[:, None, :] if scaled else s


def _from_covariance(cov: FloatArray, *, scaled: bool) -> tuple[FloatArray, FloatArray]:
    """Return the matrix PLS runs on (correlation if scaled) and the sds."""
    cov = 0.5 * (cov + np.swapaxes(cov, 1, 2))
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0.0, None))
    if not scaled:
        return cov, sd
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = cov / sd[:, :, None] / sd[:, None, :]
    return corr, sd


def select(
    s: FloatArray, mean: FloatArray, sd: FloatArray, idx: IntArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Moments of selected (possibly repeated) columns, batched."""
    return s[:, idx[:, None], idx[None, :]], mean[:, idx], sd[:, idx]


def composite_weights(
    s: FloatArray,
    sd: FloatArray,
    *,
    stage: Stage,
    lay: Layout,
    composites: tuple[str, ...],
    p: int,
    opts: PLSOptions,
) -> tuple[FloatArray, BoolArray]:
    """Fit the first stage on a batch; LOC composite weights on ``X``, (B, p, m).

    Column c holds the raw outer weights of LOC c normalized to sum to one,
    placed on the LOC's original indicators. A replicate whose first stage
    did not converge, or whose raw weights of a LOC do not sum to a
    positive number (no composite on the answer scale), is marked False.
    """
    fit = pls_weights(s, lay, scheme=opts.scheme, tol=opts.tol, max_iter=opts.max_iter)
    v = raw_weights(fit.weights.sum(axis=2), sd, scaled=opts.scaled)  # (B, p1)
    b = s.shape[0]
    out = np.zeros((b, p, len(composites)))
    ok = fit.converged.copy()
    for m, c in enumerate(composites):
        k = lay.latents.index(c)
        idx = lay.members[k]
        total = v[:, idx].sum(axis=1)
        ok &= np.isfinite(total) & (total > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, stage.select[idx], m] = v[:, idx] / total[:, None]
    return out, ok


def transform(
    s: FloatArray, mean: FloatArray, sd: FloatArray, pl: Plan, opts: PLSOptions
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    """Moments of the final model's variables from those of the indicators.

    ``s`` (B, p, p) is the indicators' correlation (``opts.scaled``) or
    covariance matrix, ``mean`` and ``sd`` (B, p). Returns the final
    model's matrix, means, sds (in :attr:`Plan.final_columns` order) and a
    mask of the replicates whose first stage gave composites.
    """
    keep = pl.final.select
    if pl.first is None:
        s2, m2, sd2 = select(s, mean, sd, keep)
        return s2, m2, sd2, np.ones(s.shape[0], dtype=bool)
    s1, _, sd1 = select(s, mean, sd, pl.first.select)
    lay1 = layout(pl.first.spec)
    p = s.shape[1]
    comp, ok = composite_weights(
        s1, sd1, stage=pl.first, lay=lay1, composites=pl.composites, p=p, opts=opts
    )
    b = s.shape[0]
    t = np.zeros((b, p, keep.size + comp.shape[2]))
    t[:, keep, np.arange(keep.size)] = 1.0
    t[:, :, keep.size :] = comp
    cov = _covariance(s, sd, scaled=opts.scaled)
    cov2 = np.swapaxes(t, 1, 2) @ cov @ t
    mean2 = np.einsum("bp,bpq->bq", mean, t)
    s2, sd2 = _from_covariance(cov2, scaled=opts.scaled)
    ok &= np.all(np.isfinite(s2), axis=(1, 2)) & np.all(sd2 > 0, axis=1)
    return np.nan_to_num(s2), mean2, np.where(sd2 > 0, sd2, 1.0), ok


def row_map(pl: Plan, s: FloatArray, sd: FloatArray, opts: PLSOptions) -> FloatArray:
    """Return the p x q map ``T`` of one fit: final variables are ``X T``."""
    p = s.shape[0]
    keep = pl.final.select
    t = np.zeros((p, keep.size + len(pl.composites)))
    t[keep, np.arange(keep.size)] = 1.0
    if pl.first is not None:
        s1, _, sd1 = select(s[None], sd[None], sd[None], pl.first.select)
        lay1 = layout(pl.first.spec)
        comp, _ = composite_weights(
            s1, sd1, stage=pl.first, lay=lay1, composites=pl.composites, p=p, opts=opts
        )
        t[:, keep.size :] = comp[0]
    return t
