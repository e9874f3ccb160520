"""The result of :func:`satmodels.acsi.compare_segments`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..data import Table
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ..scales import Scale
from ._permutation import (
    holm_columns,
    lower_pvalue,
    mga_probability,
    permutation_pvalue,
)
from .bootstrap_result import PLSBootstrap
from .result import PLSResult
from .spec import ModelSpec

__all__ = ["SegmentComparison", "assemble"]

_MICOM = (
    "composite_correlation",
    "composite_mean_difference",
    "composite_log_variance_ratio",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentComparison(ResultMixin):
    """Differences of a PLS path model between segments, and their tests.

    Arrays below are aligned with the rows of :attr:`estimates`.

    Attributes
    ----------
    spec : ModelSpec
        The model fitted in every segment.
    labels : tuple of str
        Segment labels, sorted.
    pairs : tuple of str
        ``"a vs b"`` for every pair of labels (a before b).
    n : int
        Respondents of the pooled fit.
    n_by_segment : dict of str to int
        Respondents per segment.
    n_permutations, n_failed : int
        Permutations drawn, and those left out because a permuted
        segment's fit did not converge.
    n_resamples : int
        Bootstrap replicates per segment (0: no PLS-MGA).
    configural : bool
        MICOM step 1: one specification, one data treatment and one
        algorithm in every segment (true by construction).
    estimates : Estimates
        One row per statistic and pair (``segment`` = the pair). Kinds
        ``weight_difference``, ``loading_difference``, ``path_difference``,
        ``index_difference`` (estimate = a minus b), MICOM's
        ``composite_correlation`` (c), ``composite_mean_difference`` and
        ``composite_log_variance_ratio``. ``pvalue``: permutation p-value
        (Holm-adjusted over pairs with more than two segments; one-sided,
        lower tail, for c); ``standard_error``, ``ci_low``, ``ci_high``:
        bootstrap standard error and percentile interval of a difference
        (with ``n_resamples``).
    unadjusted_pvalue : ndarray
        Permutation p-values before Holm's adjustment.
    permutation_low, permutation_high : ndarray
        Permutation acceptance interval of each statistic at
        ``confidence_level`` (quantiles of its permutation distribution;
        for c the lower ``1 - confidence_level`` quantile only, MICOM's
        critical value).
    mga_probability : ndarray
        Henseler's PLS-MGA probability that the first segment's parameter
        is at most the second's (NaN without ``n_resamples``).
    segments : dict of str to PLSResult
        The fit of every segment (sorted labels).
    pooled : PLSResult
        The fit on all respondents (MICOM's composite scores).
    scale : Scale or None
        Answer scale of the 0-100 indices.
    confidence_level : float
        Level of the intervals.
    """

    spec: ModelSpec
    labels: tuple[str, ...]
    pairs: tuple[str, ...]
    n: int
    n_by_segment: dict[str, int]
    n_permutations: int
    n_failed: int
    n_resamples: int
    configural: bool
    estimates: Estimates
    unadjusted_pvalue: FloatArray = field(repr=False)
    permutation_low: FloatArray = field(repr=False)
    permutation_high: FloatArray = field(repr=False)
    mga_probability: FloatArray = field(repr=False)
    segments: dict[str, PLSResult] = field(repr=False)
    pooled: PLSResult = field(repr=False)
    scale: Scale | None = field(repr=False)
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Bootstrap percentile bounds of every row (the fitted level only)."""
        return self.estimates.confidence_interval(confidence_level)

    def micom(self) -> Estimates:
        """MICOM steps 2 and 3: the rows of c, mean and log-variance differences."""
        keep = [i for i, k in enumerate(self.estimates.kind) if k in _MICOM]
        return self.estimates._take(keep)

    def _records(self) -> list[dict[str, object]]:
        rows = self.estimates._records()
        for i, r in enumerate(rows):
            r["unadjusted_pvalue"] = float(self.unadjusted_pvalue[i])
            r["permutation_low"] = float(self.permutation_low[i])
            r["permutation_high"] = float(self.permutation_high[i])
            r["mga_probability"] = float(self.mga_probability[i])
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: settings, the rows, and each segment's fit."""
        out: dict[str, Any] = jsonable(
            {
                "labels": self.labels,
                "pairs": self.pairs,
                "n": self.n,
                "n_by_segment": self.n_by_segment,
                "n_permutations": self.n_permutations,
                "n_failed": self.n_failed,
                "n_resamples": self.n_resamples,
                "configural": self.configural,
                "confidence_level": self.confidence_level,
                "rows": self._records(),
                "segments": {k: v.to_dict() for k, v in self.segments.items()},
            }
        )
        return out

    def __repr__(self) -> str:
        paths = self.estimates.select("path_difference")
        with np.errstate(invalid="ignore"):
            low = int(np.sum(paths.pvalue < 1 - self.confidence_level))
        return (
            f"SegmentComparison(labels={list(self.labels)}, n={self.n}, "
            f"n_permutations={self.n_permutations}, n_resamples={self.n_resamples}, "
            f"paths_differing={low}/{len(paths)} at "
            f"{1 - self.confidence_level:.2g})"
        )

    def summary(self) -> Summary:
        """Differences and MICOM rows, with permutation and PLS-MGA columns."""
        pct = f"{100 * self.confidence_level:g}%"
        head = (
            "pair",
            "kind",
            "name",
            "estimate",
            "p (perm.)",
            f"perm. {pct}",
            "P(a <= b)",
            f"{pct} CI",
        )
        rows = []
        for r in self._records():
            perm = f"[{_fmt(r['permutation_low'])}, {_fmt(r['permutation_high'])}]"
            ci = f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]"
            rows.append(
                (
                    r["segment"],
                    r["kind"],
                    r["name"],
                    r["estimate"],
                    r["pvalue"],
                    perm,
                    r["mga_probability"],
                    ci,
                )
            )
        notes = [
            "Permutation test: Chin & Dibbern (2010); MICOM: Henseler, Ringle & "
            "Sarstedt (2016); PLS-MGA: Henseler et al. (2009).",
            f"{self.n_permutations} permutations ({self.n_failed} failed); "
            f"{self.n_resamples} bootstrap replicates per segment.",
            "MICOM step 1 (configural invariance): the same model, data "
            "treatment and algorithm in every segment.",
        ]
        if len(self.labels) > 2:
            notes.append("p-values Holm-adjusted over the pairs of segments.")
        sizes = ", ".join(f"{k}: {v}" for k, v in self.n_by_segment.items())
        notes.append(f"Respondents per segment: {sizes}.")
        return Summary(
            title="Multigroup PLS: segments compared",
            tables=(table("Differences", head, rows),),
            notes=tuple(notes),
        )


def _fmt(value: object) -> str:
    f = float(value)  # type: ignore[arg-type]
    return "nan" if not np.isfinite(f) else f"{f:.3g}"


#: Kinds of the compared rows, and which bootstrap family (if any) holds them.
_KINDS = (
    ("weight_difference", "weights"),
    ("loading_difference", "loadings"),
    ("path_difference", "paths"),
    ("index_difference", "indices"),
    ("composite_correlation", None),
    ("composite_mean_difference", None),
    ("composite_log_variance_ratio", None),
)


def _row_names(spec: ModelSpec, lay: Any) -> tuple[list[str], list[str], list[str]]:  # noqa: ANN401
    """Kinds, names and bootstrap families of the K compared statistics."""
    lv = lay.latents
    groups = (
        list(lay.indicators),
        list(lay.indicators),
        [f"{p.source} -> {p.target}" for p in spec.paths],
        list(lv),
        list(lv),
        list(lv),
        list(lv),
    )
    kinds: list[str] = []
    names: list[str] = []
    fams: list[str] = []
    for (kind, fam), items in zip(_KINDS, groups, strict=True):
        kinds += [kind] * len(items)
        names += items
        fams += [fam or ""] * len(items)
    return kinds, names, fams


def _fixed(lay: Any, kinds: list[str], names: list[str]) -> np.ndarray[Any, Any]:  # noqa: ANN401
    """Statistics fixed by construction: single-indicator blocks."""
    single_ind = {lay.indicators[int(m[0])] for m in lay.members if m.size == 1}
    single_lv = {lay.latents[k] for k, m in enumerate(lay.members) if m.size == 1}
    out = []
    for kind, name in zip(kinds, names, strict=True):
        if kind in ("weight_difference", "loading_difference"):
            out.append(name in single_ind)
        elif kind == "composite_correlation":
            out.append(name in single_lv)
        else:
            out.append(False)
    return np.asarray(out, dtype=bool)


def assemble(
    *,
    spec: ModelSpec,
    lay: Any,  # noqa: ANN401
    labels: tuple[str, ...],
    pairs: list[tuple[str, str]],
    fits: dict[str, PLSResult],
    pooled_fit: PLSResult,
    obs_rows: FloatArray,
    perm_rows: FloatArray | None,
    n_perm: int,
    n_failed: int,
    level: float,
    scale: Scale | None,
    table: Table,
) -> SegmentComparison:
    """Build the result: p-values, permutation intervals, PLS-MGA, the table."""
    kinds, names, fams = _row_names(spec, lay)
    kk = len(names)
    n_pairs = len(pairs)
    is_c = np.array([k == "composite_correlation" for k in kinds])
    fixed = _fixed(lay, kinds, names)
    if scale is None:
        fixed |= np.array([k == "index_difference" for k in kinds])
    p_raw = np.full((n_pairs, kk), np.nan)
    low = np.full((n_pairs, kk), np.nan)
    high = np.full((n_pairs, kk), np.nan)
    if perm_rows is not None:
        for i in range(n_pairs):
            two = permutation_pvalue(obs_rows[i], perm_rows[i])
            one = lower_pvalue(obs_rows[i], perm_rows[i])
            p_raw[i] = np.where(is_c, one, two)
            with np.errstate(invalid="ignore"):
                qs = np.nanquantile(
                    perm_rows[i], [(1 - level) / 2, (1 + level) / 2, 1 - level], axis=0
                )
            low[i] = np.where(is_c, qs[2], qs[0])
            high[i] = np.where(is_c, np.nan, qs[1])
        p_raw[:, fixed] = np.nan
        low[:, fixed] = np.nan
        high[:, fixed] = np.nan
    p_adj = holm_columns(p_raw) if n_pairs > 1 else p_raw
    se = np.full((n_pairs, kk), np.nan)
    ci_lo = np.full((n_pairs, kk), np.nan)
    ci_hi = np.full((n_pairs, kk), np.nan)
    mga = np.full((n_pairs, kk), np.nan)
    boot_n = 0
    boots = {k: f.bootstrap for k, f in fits.items() if f.bootstrap is not None}
    if len(boots) == len(fits):
        cols = _boot_columns(boots[labels[0]], fams, names)
        for i, (a, b) in enumerate(pairs):
            ba, bb = boots[a], boots[b]
            boot_n = ba.n_resamples
            ra, rb = ba._replicates[:, cols], bb._replicates[:, cols]
            has = np.asarray([c >= 0 for c in cols.tolist()])
            m = min(ra.shape[0], rb.shape[0])
            d = ra[:m] - rb[:m]
            with np.errstate(invalid="ignore"):
                s = np.std(d, axis=0, ddof=1)
                qlo, qhi = np.quantile(d, [(1 - level) / 2, (1 + level) / 2], axis=0)
            prob = mga_probability(ra, rb, ba.estimate[cols], bb.estimate[cols])
            keep = has & ~fixed
            se[i] = np.where(keep, s, np.nan)
            ci_lo[i] = np.where(keep, qlo, np.nan)
            ci_hi[i] = np.where(keep, qhi, np.nan)
            mga[i] = np.where(keep, prob, np.nan)
    sizes = {label: f.n for label, f in fits.items()}
    seg_col = [f"{a} vs {b}" for a, b in pairs for _ in range(kk)]
    n_col = [float(sizes[a] + sizes[b]) for a, b in pairs for _ in range(kk)]
    est_flat = obs_rows.reshape(-1)
    interval = ["percentile" if np.isfinite(lo) else "none" for lo in ci_lo.reshape(-1)]
    table_ = estimates(
        name=names * n_pairs,
        estimate=est_flat,
        kind=kinds * n_pairs,
        confidence_level=level,
        standard_error=se.reshape(-1),
        statistic=np.where(np.isfinite(p_adj.reshape(-1)), est_flat, np.nan),
        pvalue=p_adj.reshape(-1),
        ci_low=ci_lo.reshape(-1),
        ci_high=ci_hi.reshape(-1),
        n=n_col,
        interval=interval,
        segment=seg_col,
        backend=table.backend,
    )
    return SegmentComparison(
        spec=spec,
        labels=labels,
        pairs=tuple(f"{a} vs {b}" for a, b in pairs),
        n=pooled_fit.n,
        n_by_segment=sizes,
        n_permutations=n_perm,
        n_failed=n_failed,
        n_resamples=boot_n,
        configural=True,
        estimates=table_,
        unadjusted_pvalue=p_raw.reshape(-1),
        permutation_low=low.reshape(-1),
        permutation_high=high.reshape(-1),
        mga_probability=mga.reshape(-1),
        segments=fits,
        pooled=pooled_fit,
        scale=scale,
        confidence_level=level,
        _backend=table.backend,
    )


def _boot_columns(
    boot: PLSBootstrap, fams: list[str], names: list[str]
) -> np.ndarray[Any, Any]:
    """Column of each compared statistic in the bootstrap replicates (-1: none)."""
    where = {
        (f, lab): i
        for i, (f, lab) in enumerate(zip(boot.statistic, boot.label, strict=True))
    }
    return np.asarray(
        [where.get((f, nm), -1) for f, nm in zip(fams, names, strict=True)]
    )
