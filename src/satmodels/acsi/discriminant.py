r"""HTMT and HTMT2 with bootstrap intervals and one-sided tests, from Moments.

For blocks i and j with indicator correlation matrix R,

* HTMT (Henseler, Ringle & Sarstedt 2015, eq. 6): the arithmetic mean of
  the heterotrait-heteromethod correlations over the geometric mean of the
  two blocks' arithmetic mean monotrait-heteromethod correlations,
  :math:`\mathrm{HTMT}_{ij} = \bar r_{ij} / \sqrt{\bar r_{ii}\bar r_{jj}}`;
* HTMT2 (Roemer, Schuberth & Henseler 2021, eq. 5): the same with every
  arithmetic mean replaced by a geometric mean (consistent for congeneric,
  not only tau-equivalent, measurement models).

A single-indicator block has no monotrait correlation; it counts as 1
(cSEM and seminr). ``correlations="signed"`` averages the correlations as
they are (Henseler et al. 2015; cSEM averages signed correlations and then
reports the absolute value of the ratio, ``.absolute = TRUE``);
``correlations="absolute"`` averages their absolute values (seminr's
``HTMT()``, which takes ``abs(cor(...))`` first). They differ only when a
correlation is negative (a reversed item): the signed ratio can then be
negative or far below the absolute one. HTMT2 of signed correlations is
undefined when a correlation is not positive (a geometric mean of negative
numbers): NaN, with a warning.

Discriminant validity is established at threshold c when the one-sided
upper bootstrap bound of HTMT lies below c (Franke & Sarstedt 2019): the
upper bound is the ``confidence_level`` quantile of the replicates; the
p-value of :math:`H_0: \mathrm{HTMT} \ge c` is the share of replicates at
or above c (the level at which the one-sided percentile bound touches c).

References
----------
.. [1] Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion
   for assessing discriminant validity in variance-based structural
   equation modeling. Journal of the Academy of Marketing Science, 43,
   115-135.
.. [2] Roemer, E., Schuberth, F., & Henseler, J. (2021). HTMT2 - an
   improved criterion for assessing discriminant validity in structural
   equation modeling. Industrial Management & Data Systems, 121(12),
   2637-2650.
.. [3] Franke, G., & Sarstedt, M. (2019). Heuristics versus statistics in
   discriminant validity testing: a comparison of four procedures.
   Internet Research, 29(3), 430-447.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from .._typing import BoolArray, FloatArray
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError, SatmodelsWarning
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates
from ..results._summary import Summary, table
from ._pls_kernel import Layout
from ._replicates import (
    Interval,
    Sample,
    boot,
    check_interval,
    columns_of,
    read_sample,
    segment_samples,
    table_of,
)
from .spec import ModelSpec

__all__ = ["HTMTResult", "htmt", "htmt_batch"]

_WHERE = "acsi.htmt"


def _means(vals: FloatArray, *, geometric: bool) -> FloatArray:  # vals (B, m) -> (B,)
    if not geometric:
        return np.asarray(vals.mean(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.where(vals > 0, np.log(np.where(vals > 0, vals, 1.0)), np.nan)
    return np.asarray(np.exp(logs.mean(axis=1)))


def htmt_batch(
    r: FloatArray, lay: Layout, *, kind: str, correlations: str
) -> FloatArray:
    """HTMT (or HTMT2) of a batch of correlation matrices, (B, J, J), NaN diagonal."""
    x = np.abs(r) if correlations == "absolute" else r
    geo = kind == "htmt2"
    b = x.shape[0]
    mono = np.ones((b, lay.j))
    for k, idx in enumerate(lay.members):
        if idx.size > 1:
            iu = np.triu_indices(idx.size, 1)
            sub = x[:, idx[:, None], idx[None, :]][:, iu[0], iu[1]]
            mono[:, k] = _means(sub, geometric=geo)
    out = np.full((b, lay.j, lay.j), np.nan)
    for i, ii in enumerate(lay.members):
        for j in range(i + 1, lay.j):
            jj = lay.members[j]
            het = x[:, ii[:, None], jj[None, :]].reshape(b, -1)
            num = _means(het, geometric=geo)
            den = mono[:, i] * mono[:, j]
            with np.errstate(invalid="ignore", divide="ignore"):
                val = np.where(
                    den > 0, num / np.sqrt(np.where(den > 0, den, 1)), np.nan
                )
            out[:, i, j] = val
            out[:, j, i] = val
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class HTMTResult(ResultMixin):
    """HTMT and HTMT2 of every pair of blocks, with bootstrap inference.

    Attributes
    ----------
    latents : tuple of str
        Block names.
    correlations : str
        ``"signed"`` or ``"absolute"`` (see the module notes).
    htmt, htmt2 : ndarray, (J, J)
        Ratios (NaN diagonal; NaN where undefined).
    pairs : tuple of str
        ``"A ~ B"`` labels of the upper triangle, the order of the arrays
        below.
    thresholds : tuple of float
        Thresholds of the one-sided tests.
    upper_htmt, upper_htmt2 : ndarray, (pairs,)
        One-sided upper bootstrap bounds at ``confidence_level`` (NaN
        without a bootstrap).
    pvalues : dict of str to ndarray
        ``"htmt < 0.85"`` etc.: p-value of :math:`H_0` HTMT >= threshold.
    n, n_resamples, n_failed : int
        Respondents, replicates, failed replicates.
    estimates : Estimates
        Kinds ``"htmt"`` and ``"htmt2"`` (two-sided bootstrap intervals).
    confidence_level : float
    segments : dict of str to HTMTResult or None
        One result per segment label (sorted), when ``segments`` was given.
    """

    spec: ModelSpec
    latents: tuple[str, ...]
    correlations: str
    htmt: FloatArray
    htmt2: FloatArray
    pairs: tuple[str, ...]
    thresholds: tuple[float, ...]
    upper_htmt: FloatArray
    upper_htmt2: FloatArray
    pvalues: dict[str, FloatArray]
    n: int
    n_resamples: int
    n_failed: int
    estimates: Estimates
    confidence_level: float
    segments: dict[str, HTMTResult] | None = field(default=None, repr=False)
    _backend: str | None = field(default=None, repr=False)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Two-sided bounds of every row of :attr:`estimates` (fitted level)."""
        return self.estimates.confidence_interval(confidence_level)

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def _tests(self) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for kind, upper in (("htmt", self.upper_htmt), ("htmt2", self.upper_htmt2)):
            value = self.estimates.select(kind).estimate
            for k, pair in enumerate(self.pairs):
                rec: dict[str, object] = {
                    "kind": kind,
                    "pair": pair,
                    "estimate": float(value[k]),
                    "upper": float(upper[k]),
                }
                for c in self.thresholds:
                    rec[f"p_below_{c:g}"] = float(self.pvalues[f"{kind} < {c:g}"][k])
                out.append(rec)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: settings, the estimates and the one-sided tests."""
        out: dict[str, Any] = jsonable(
            {
                "latents": self.latents,
                "correlations": self.correlations,
                "n": self.n,
                "n_resamples": self.n_resamples,
                "n_failed": self.n_failed,
                "thresholds": self.thresholds,
                "confidence_level": self.confidence_level,
                "estimates": self.estimates.to_dict(),
                "tests": self._tests(),
                "segments": None
                if self.segments is None
                else {k: v.to_dict() for k, v in self.segments.items()},
            }
        )
        return out

    def __repr__(self) -> str:
        top = np.nanmax(self.htmt) if np.isfinite(self.htmt).any() else np.nan
        return (
            f"HTMTResult(latents={len(self.latents)}, n={self.n}, "
            f"correlations={self.correlations!r}, max_htmt={top:.3f}, "
            f"n_resamples={self.n_resamples}"
            f"{'' if self.segments is None else f', {len(self.segments)} segments'})"
        )

    def summary(self) -> Summary:
        """Both ratios per pair, their upper bounds and one-sided p-values."""
        head = [
            "ratio",
            "pair",
            "estimate",
            f"upper {100 * self.confidence_level:g}%",
        ]
        head += [f"p(< {c:g})" for c in self.thresholds]
        rows = [
            (
                r["kind"],
                r["pair"],
                r["estimate"],
                r["upper"],
                *[r[f"p_below_{c:g}"] for c in self.thresholds],
            )
            for r in self._tests()
        ]
        notes = [
            f"Correlations averaged {self.correlations} "
            "(seminr: absolute; cSEM: signed, then |ratio|).",
            "H0: ratio >= threshold; a small p (upper bound below the "
            "threshold) supports discriminant validity.",
        ]
        if self.n_resamples:
            notes.append(
                f"Bootstrap: {self.n_resamples} replicates ({self.n_failed} failed)."
            )
        return Summary(
            title="HTMT (Henseler et al. 2015) and HTMT2 (Roemer et al. 2021)",
            tables=(table("Discriminant validity", head, rows),),
            notes=tuple(notes),
        )


def htmt(
    data: object,
    *,
    model: ModelSpec | str | dict[str, Any] = "acsi",
    correlations: Literal["signed", "absolute"] = "signed",
    thresholds: Sequence[float] = (0.85, 0.90),
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    missing: Literal["listwise", "pairwise", "em"] = "listwise",
    nan_policy: Literal["omit", "raise"] = "omit",
    n_resamples: int = 0,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    confidence_level: float = 0.95,
    interval: Literal["bca", "percentile", "normal"] = "bca",
) -> HTMTResult:
    r"""HTMT and HTMT2 of every pair of blocks, with bootstrap tests.

    Parameters
    ----------
    data : array, dataframe, lazy frame or Moments
        The survey (or its Moments): only the indicators' correlation
        matrix is used.
    model : ModelSpec, str or dict
        Gives the blocks (preset name, lavaan-style text or a spec).
    correlations : {"signed", "absolute"}
        Average the correlations as they are or their absolute values.
    thresholds : sequence of float
        Thresholds of the one-sided tests (each in (0, 2)).
    columns, weights, missing, nan_policy
        As for :func:`satmodels.acsi.fit`.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights`` or ``n_resamples``; rows in memory.
    segments : array_like or str, optional
        Segment label per row (or its column); one result per segment in
        ``result.segments`` (on a lazy engine every segment's Moments from
        one grouped aggregation).
    n_resamples, rng, confidence_level
        Bootstrap replicates, randomness, level.
    interval : {"bca", "percentile", "normal"}
        The two-sided interval stored in :attr:`HTMTResult.estimates`.

    Returns
    -------
    HTMTResult

    Raises
    ------
    InputError
        Bad options or data; a bootstrap on Moments.

    Warns
    -----
    SatmodelsWarning
        Negative correlations enter a ratio (signed and absolute averages
        then differ), or a ratio is undefined (NaN).

    Notes
    -----
    Formulas in the module docstring. Checked against cSEM's
    ``calculateHTMT()`` (both types) and seminr's ``HTMT()`` on the ECSI
    mobi data, also with a reversed item (tests/golden/csem_mobi.json).

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> # complaints correlate negatively with the other blocks' items:
    >>> # average absolute correlations (seminr), never a negative HTMT
    >>> res = acsi.htmt(load_sample_survey(), correlations="absolute")
    >>> res.htmt.shape
    (6, 6)
    >>> bool(res.htmt[0, 1] > 0)
    True
    """
    if design is not None:
        return fit_with_design(htmt, locals())
    how = check_interval(interval, _WHERE)
    if correlations not in ("signed", "absolute"):
        msg = (
            f"The 'correlations' parameter of {_WHERE} must be 'signed' or "
            f"'absolute'. Got {correlations!r} instead."
        )
        raise InputError(msg)
    try:
        thr = tuple(float(c) for c in thresholds)
    except (TypeError, ValueError):
        thr = ()
    if not thr or not all(0 < c < 2 for c in thr):
        msg = (
            f"The 'thresholds' parameter of {_WHERE} must be numbers in (0, 2). "
            f"Got {thresholds!r} instead."
        )
        raise InputError(msg)
    sample = read_sample(
        data,
        model=model,
        where=_WHERE,
        columns=columns,
        weights=weights,
        missing=missing,
        nan_policy=nan_policy,
        scheme="path",
        n_resamples=n_resamples,
        rng=rng,
        confidence_level=confidence_level,
        segments=segments,
    )
    result = _htmt(sample, how, correlations, thr)
    parts = segment_samples(sample, _WHERE)
    if not parts:
        return result
    fits = {}
    for label, part in parts.items():  # no comprehension frame (stacklevel)
        fits[label] = _htmt(part, how, correlations, thr)
    return replace(result, segments=fits)


def _htmt(
    sample: Sample, how: Interval, correlations: str, thr: tuple[float, ...]
) -> HTMTResult:
    """Compute HTMT, HTMT2 and their bootstrap tests of one sample."""
    lay = sample.lay
    lv = lay.latents
    pairs = [(i, j) for i in range(lay.j) for j in range(i + 1, lay.j)]
    rows_i = [i for i, _ in pairs]
    cols_j = [j for _, j in pairs]

    def stat(s: FloatArray) -> tuple[FloatArray, BoolArray]:
        h1 = htmt_batch(s, lay, kind="htmt", correlations=correlations)
        h2 = htmt_batch(s, lay, kind="htmt2", correlations=correlations)
        v = np.concatenate([h1[:, rows_i, cols_j], h2[:, rows_i, cols_j]], axis=1)
        return v, np.ones(s.shape[0], dtype=bool)

    est, _ = stat(sample.corr[None])
    est = est[0]
    _warn(sample.corr, lay, est, correlations, pairs)
    labels = [f"{lv[i]} ~ {lv[j]}" for i, j in pairs]
    npair = len(pairs)
    result_boot = None
    upper = np.full(2 * npair, np.nan)
    pvals = {
        f"{k} < {c:g}": np.full(npair, np.nan) for k in ("htmt", "htmt2") for c in thr
    }
    if sample.opts.n_resamples:
        # a ratio undefined in some replicates (HTMT2 of signed correlations
        # near 0) is summarized over the replicates where it is defined
        result_boot = boot(sample, stat, est, where=_WHERE)
        reps = result_boot.replicates
        usable = np.isfinite(reps)
        counts = usable.sum(axis=0)
        defined = np.isfinite(est) & (counts >= 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
            upper = np.nanquantile(reps, sample.opts.confidence_level, axis=0)
        upper = np.where(defined, upper, np.nan)
        for kk, kind in enumerate(("htmt", "htmt2")):
            sl = slice(kk * npair, (kk + 1) * npair)
            for c in thr:
                hits = np.sum(usable[:, sl] & (np.nan_to_num(reps[:, sl]) >= c), axis=0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    p = hits / counts[sl]
                pvals[f"{kind} < {c:g}"] = np.where(defined[sl], p, np.nan)
    cols = columns_of(result_boot, 2 * npair, how)
    tab = table_of(
        names=labels * 2,
        kinds=["htmt"] * npair + ["htmt2"] * npair,
        estimate=est,
        cols=cols,
        level=sample.opts.confidence_level,
        n=sample.n,
        backend=sample.backend,
    )
    mats = []
    for kk in range(2):
        m = np.full((lay.j, lay.j), np.nan)
        vals = est[kk * npair : (kk + 1) * npair]
        m[rows_i, cols_j] = vals
        m[cols_j, rows_i] = vals
        mats.append(m)
    return HTMTResult(
        spec=sample.spec,
        latents=lv,
        correlations=correlations,
        htmt=mats[0],
        htmt2=mats[1],
        pairs=tuple(labels),
        thresholds=thr,
        upper_htmt=upper[:npair],
        upper_htmt2=upper[npair:],
        pvalues=pvals,
        n=sample.n,
        n_resamples=sample.opts.n_resamples,
        n_failed=0 if result_boot is None else result_boot.n_failed,
        estimates=tab,
        confidence_level=sample.opts.confidence_level,
        _backend=sample.backend,
    )


def _warn(
    corr: FloatArray,
    lay: Layout,
    est: FloatArray,
    correlations: str,
    pairs: list[tuple[int, int]],
) -> None:
    """Warn about negative correlations (signed) and undefined ratios."""
    lv = lay.latents
    if correlations == "signed":
        neg = [
            f"{lv[i]} ~ {lv[j]}"
            for i, j in pairs
            if np.any(
                corr[
                    np.ix_(
                        np.r_[lay.members[i], lay.members[j]],
                        np.r_[lay.members[i], lay.members[j]],
                    )
                ]
                < 0
            )
        ]
        if neg:
            warnings.warn(
                f"{_WHERE}: negative indicator correlations enter the ratios of "
                f"{neg}; signed averages (cSEM) and absolute ones (seminr) then "
                "differ. Reverse-code reversed items, or pass "
                "correlations='absolute'.",
                SatmodelsWarning,
                stacklevel=4,
            )
    npair = len(pairs)
    undefined = [
        f"{kind}({lv[i]} ~ {lv[j]})"
        for kk, kind in enumerate(("htmt", "htmt2"))
        for (i, j), v in zip(pairs, est[kk * npair : (kk + 1) * npair], strict=True)
        if not np.isfinite(v)
    ]
    if undefined:
        warnings.warn(
            f"{_WHERE}: {undefined} not defined (a mean monotrait correlation "
            "that is not positive, or, for HTMT2 of signed correlations, a "
            "correlation that is not positive); NaN.",
            SatmodelsWarning,
            stacklevel=4,
        )
