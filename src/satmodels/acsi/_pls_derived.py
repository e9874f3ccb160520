"""What a PLS result computes on first access: quality criteria, VIFs, estimates.

A PLS fit needs only its outer weights and the few matrices derived from
them (loadings, paths, R²); the measurement-quality criteria (Cronbach's
alpha, rho_C, rho_A, AVE), the variance inflation factors and the long
:class:`~satmodels.results._estimates.Estimates` table are derived from
those by fixed formulas (:mod:`satmodels.acsi.quality`). Computing them
eagerly cost more than the whole PLS iteration on a small survey, so a
:class:`PLSDerived` keeps the inputs and computes each value once, on first
access through :class:`~satmodels.acsi.result.PLSResult`. The values are
those the eager code produced (the same functions on the same arrays).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..results._estimates import Estimates, estimates
from . import quality as q
from ._pls_boot import labels
from ._pls_kernel import Layout
from .bootstrap_result import KIND, PLSBootstrap
from .spec import ModelSpec

__all__ = ["QUALITY", "PLSDerived"]

#: The quality criteria per latent, in the order of the estimates table.
QUALITY = ("cronbach_alpha", "rho_c", "rho_a", "ave")


@dataclass(frozen=True, slots=True, eq=False)
class _Inputs:
    """Everything the derived values are computed from (read-only)."""

    spec: ModelSpec
    lay: Layout
    s: FloatArray  # the matrix PLS ran on (correlation, or covariance)
    corr: FloatArray  # the indicators' correlation matrix
    w_std: FloatArray  # own-block weights of standardized indicators
    out: dict[str, FloatArray]  # loadings, paths, total, indirect, r_squared, ...
    w_own: FloatArray
    adj: FloatArray
    indices: FloatArray
    htmt: FloatArray
    gof: float
    boot: PLSBootstrap | None
    n: int
    level: float
    backend: str | None


class PLSDerived:
    """Lazily computed, cached values of one PLS fit.

    Not thread-hostile: two threads racing on the first access compute the
    same value twice and store equal arrays.
    """

    __slots__ = ("_cache", "_in")

    def __init__(self, **inputs: Any) -> None:  # noqa: ANN401 - see _Inputs
        self._in = _Inputs(**inputs)
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"PLSDerived(computed={sorted(self._cache)})"

    def _get(self, key: str) -> Any:  # noqa: ANN401 - arrays or Estimates
        try:
            return self._cache[key]
        except KeyError:
            value = self._compute(key)
            self._cache[key] = value
            return value

    def array(self, key: str) -> FloatArray:
        """One derived array: a quality criterion or a VIF."""
        out: FloatArray = self._get(key)
        return out

    def with_estimates(self, table: Estimates) -> PLSDerived:
        """Return a copy whose estimates table is ``table`` (design keyword)."""
        out = PLSDerived.__new__(PLSDerived)
        out._in = self._in
        out._cache = {**self._cache, "estimates": table}
        return out

    def estimates(self) -> Estimates:
        """Return the estimates table (built on first access)."""
        out: Estimates = self._get("estimates")
        return out

    def _compute(self, key: str) -> Any:  # noqa: ANN401 - one branch per value
        i = self._in
        if key == "cronbach_alpha":
            return q.cronbach_alpha(i.s, i.lay)
        if key == "rho_c":
            return q.rho_c(i.out["loadings"], i.lay)
        if key == "rho_a":
            return q.rho_a(i.corr, i.w_std, i.lay)
        if key == "ave":
            return q.ave(i.out["loadings"], i.lay)
        if key == "outer_vif":
            return q.outer_vif(i.corr, i.lay)
        if key == "inner_vif":
            return q.inner_vif(i.out["latent_correlation"], i.lay)
        if key == "estimates":
            return build_estimates(
                i.spec,
                i.lay,
                out=i.out,
                w_own=i.w_own,
                adj=i.adj,
                indices=i.indices,
                htmt=i.htmt,
                quality={name: self.array(name) for name in QUALITY},
                gof=i.gof,
                boot=i.boot,
                n=i.n,
                level=i.level,
                backend=i.backend,
            )
        msg = f"unknown derived value {key!r}"  # pragma: no cover - internal
        raise KeyError(msg)  # pragma: no cover


def build_estimates(
    spec: ModelSpec,
    lay: Layout,
    *,
    out: dict[str, FloatArray],
    w_own: FloatArray,
    adj: FloatArray,
    indices: FloatArray,
    htmt: FloatArray,
    quality: dict[str, FloatArray],
    gof: float,
    boot: PLSBootstrap | None,
    n: int,
    level: float,
    backend: str | None,
) -> Estimates:
    """Build the estimates table; bootstrapped rows carry SE, t, p and BCa."""
    lv = lay.latents
    pos = {name: k for k, name in enumerate(lv)}
    labs = labels(lay, spec, with_indices=True)
    rows: list[tuple[str, str, float]] = []
    for p in spec.paths:
        s_, t_ = pos[p.source], pos[p.target]
        rows.append(("path", f"{p.source} -> {p.target}", out["paths"][s_, t_]))
    for kind, values in (("loading", out["loadings"]), ("weight", w_own)):
        rows += [(kind, ind, values[i]) for i, ind in enumerate(lay.indicators)]
    for kind, key, pairs in (
        ("total_effect", "total", labs.total),
        ("indirect_effect", "indirect", labs.indirect),
    ):
        rows += [(kind, f"{lv[s_]} -> {lv[t_]}", out[key][s_, t_]) for s_, t_ in pairs]
    for k in labs.endogenous:
        rows.append(("r2", lv[k], out["r_squared"][k]))
    for k in labs.endogenous:
        rows.append(("adjusted_r2", lv[k], adj[k]))
    rows += [("index", name, indices[k]) for k, name in enumerate(lv)]
    rows += [("htmt", f"{lv[i]} ~ {lv[j]}", htmt[i, j]) for i, j in labs.pairs]
    for kind, values in quality.items():
        rows += [(kind, name, values[k]) for k, name in enumerate(lv)]
    rows.append(("gof", "GoF", gof))
    size = len(rows)
    se, t, pv = np.full(size, np.nan), np.full(size, np.nan), np.full(size, np.nan)
    lo, hi = np.full(size, np.nan), np.full(size, np.nan)
    method = ["none"] * size
    if boot is not None:
        where_ = {
            (KIND[f], lab): k
            for k, (f, lab) in enumerate(zip(boot.statistic, boot.label, strict=True))
        }
        for r, (kind, name, _) in enumerate(rows):
            b = where_.get((kind, name))
            if b is None:
                continue
            se[r], t[r], pv[r] = boot.se[b], boot.t[b], boot.p_value[b]
            lo[r], hi[r] = boot.bca_low[b], boot.bca_high[b]
            method[r] = "bca"
    return estimates(
        name=[r[1] for r in rows],
        estimate=np.array([float(r[2]) for r in rows]),
        kind=[r[0] for r in rows],
        confidence_level=level,
        standard_error=se,
        statistic=t,
        pvalue=pv,
        ci_low=lo,
        ci_high=hi,
        n=float(n),
        interval=method,
        backend=backend,
    )
