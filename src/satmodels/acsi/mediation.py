r"""Specific indirect effects of a fitted path model, with bootstrap and delta SEs.

Every directed chain of two or more structural paths from a latent s to a
latent t, :math:`s \to m_1 \to \dots \to t`, carries the specific indirect
effect :math:`\theta = \beta_{s m_1}\beta_{m_1 m_2}\cdots\beta_{m_k t}`
(Alwin & Hauser 1975; Bollen 1987); the total indirect effect of s on t is
the sum over its chains, equal to :math:`[(I-B)^{-1} - I - B]_{st}`.

Inference:

* bootstrap (Preacher & Hayes 2008; Zhao, Lynch & Chen 2010): the products
  are formed in each replicate of the fit's own bootstrap (the replicates
  of :func:`satmodels.acsi.fit` or :func:`satmodels.acsi.consistent`), so
  the effect is bootstrapped with the paths it is made of; standard error,
  t, two-sided normal p, percentile and BCa intervals
  (:func:`satmodels.stats.intervals.summarize`);
* delta method (Sobel 1982, eq. 16, generalised to longer chains): the
  coefficients of one chain lie in different structural regressions
  (every edge ends at a different latent), so to first order
  :math:`\mathrm{var}\,\hat\theta = \sum_k (\prod_{l\ne k}\beta_l)^2
  \mathrm{se}_k^2`, with the OLS standard error of each standardized path,
  :math:`\mathrm{se}^2_{s\to t} = \frac{1 - R^2_t}{n - q_t - 1}
  [C_{PP}^{-1}]_{ss}` (C the latent or construct correlations, P the q_t
  predecessors of t). Labelled ``"specific_indirect_sobel"``: it assumes
  normal products, which they are not in small samples (MacKinnon et al.
  2002); prefer the bootstrap.

References
----------
.. [1] Sobel, M. E. (1982). Asymptotic confidence intervals for indirect
   effects in structural equation models. Sociological Methodology, 13,
   290-312.
.. [2] Bollen, K. A. (1987). Total, direct, and indirect effects in
   structural equation models. Sociological Methodology, 17, 37-69.
.. [3] Preacher, K. J., & Hayes, A. F. (2008). Asymptotic and resampling
   strategies for assessing and comparing indirect effects in multiple
   mediator models. Behavior Research Methods, 40(3), 879-891.
.. [4] Zhao, X., Lynch, J. G., & Chen, Q. (2010). Reconsidering Baron and
   Kenny: myths and truths about mediation analysis. Journal of Consumer
   Research, 37(2), 197-206.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates, concat, estimates
from ..results._summary import Summary, table
from ..stats.intervals import summarize
from .plsc import PLScResult
from .result import PLSResult

__all__ = ["MediationResult", "indirect_effects"]

_WHERE = "acsi.indirect_effects"


@dataclass(frozen=True, slots=True, kw_only=True)
class MediationResult(ResultMixin):
    """Specific and total indirect effects of a fitted path model.

    Attributes
    ----------
    chains : tuple of tuple of str
        Each chain of latents ``(source, mediator, ..., target)``.
    names : tuple of str
        ``"A -> M -> B"`` labels of the chains.
    effect : ndarray
        Specific indirect effect of each chain.
    sobel_se : ndarray
        Delta-method (Sobel-type) standard error of each chain.
    bootstrap_se, percentile_low, percentile_high, bca_low, bca_high : ndarray
        Bootstrap standard error and intervals of each chain (NaN when the
        fit had no bootstrap).
    n, n_resamples : int
        Respondents and bootstrap replicates used.
    estimates : Estimates
        Kinds ``"specific_indirect"`` (bootstrap, the chosen interval),
        ``"specific_indirect_sobel"`` (delta method, normal interval) and
        ``"total_indirect"`` (sum of the chains, bootstrap).
    confidence_level : float
    """

    chains: tuple[tuple[str, ...], ...]
    names: tuple[str, ...]
    effect: FloatArray
    sobel_se: FloatArray
    bootstrap_se: FloatArray
    percentile_low: FloatArray
    percentile_high: FloatArray
    bca_low: FloatArray
    bca_high: FloatArray
    n: int
    n_resamples: int
    estimates: Estimates
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Interval bounds of every row of :attr:`estimates`."""
        return self.estimates.confidence_interval(confidence_level)

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: the chains and the estimates table."""
        out: dict[str, Any] = jsonable(
            {
                "chains": [list(c) for c in self.chains],
                "n": self.n,
                "n_resamples": self.n_resamples,
                "confidence_level": self.confidence_level,
                "estimates": self.estimates.to_dict(),
            }
        )
        return out

    def __repr__(self) -> str:
        top = ""
        if self.effect.size:
            k = int(np.argmax(np.abs(self.effect)))
            top = f", largest: {self.names[k]} = {self.effect[k]:.3f}"
        return (
            f"MediationResult(chains={len(self.chains)}, n={self.n}, "
            f"n_resamples={self.n_resamples}{top})"
        )

    def summary(self) -> Summary:
        """Specific effects with bootstrap and Sobel inference, totals."""
        rows = [
            (
                self.names[k],
                self.effect[k],
                self.bootstrap_se[k],
                self.percentile_low[k],
                self.percentile_high[k],
                self.bca_low[k],
                self.bca_high[k],
                self.sobel_se[k],
            )
            for k in range(len(self.names))
        ]
        pct = f"{100 * self.confidence_level:g}%"
        head = (
            "chain",
            "effect",
            "boot se",
            f"perc {pct} low",
            "high",
            f"BCa {pct} low",
            "high",
            "Sobel se",
        )
        tot = self.estimates.select("total_indirect")
        totals = [
            (tot.name[i], tot.estimate[i], tot.standard_error[i], tot.pvalue[i])
            for i in range(len(tot))
        ]
        notes = [
            "Sobel se: first-order delta method (Sobel 1982), normal theory; "
            "bootstrap intervals are preferred for products of paths.",
        ]
        if not self.n_resamples:
            notes.append(
                "No bootstrap: fit with n_resamples > 0 for bootstrap intervals."
            )
        return Summary(
            title="Specific indirect effects",
            tables=(
                table("Specific indirect effects", head, rows),
                table(
                    "Total indirect effects", ("effect", "estimate", "se", "p"), totals
                ),
            ),
            notes=tuple(notes),
        )


def _chains(structure: np.ndarray[Any, Any]) -> list[tuple[int, ...]]:
    """Every directed chain of two or more edges (structure is acyclic)."""
    out: list[tuple[int, ...]] = []
    nj = structure.shape[0]

    def walk(chain: tuple[int, ...]) -> None:
        for nxt in np.flatnonzero(structure[chain[-1]]):
            longer = (*chain, int(nxt))
            if len(longer) >= 3:
                out.append(longer)
            walk(longer)

    for s in range(nj):
        walk((s,))
    return sorted(out, key=lambda c: (c[0], c[-1], c))


def _ols_se(
    corr: FloatArray, r2: FloatArray, structure: np.ndarray[Any, Any], n: int
) -> FloatArray:
    """Return the standard errors of standardized OLS paths, (J, J) [source, target]."""
    nj = corr.shape[0]
    se = np.full((nj, nj), np.nan)
    for t in range(nj):
        pred = np.flatnonzero(structure[:, t])
        q = pred.size
        if q == 0 or n - q - 1 <= 0:
            continue
        inv = np.linalg.pinv(corr[np.ix_(pred, pred)])
        var = (1.0 - r2[t]) / (n - q - 1) * np.diag(inv)
        se[pred, t] = np.sqrt(np.where(var > 0, var, np.nan))
    return se


def indirect_effects(
    result: PLSResult | PLScResult,
    *,
    interval: Literal["bca", "percentile", "normal"] = "bca",
) -> MediationResult:
    r"""Every specific indirect effect of a fitted path model.

    Parameters
    ----------
    result : PLSResult or PLScResult
        A fit by :func:`satmodels.acsi.fit` (``method="pls"``) or
        :func:`satmodels.acsi.consistent`; with ``n_resamples > 0`` its
        bootstrap replicates give the bootstrap inference.
    interval : {"bca", "percentile", "normal"}
        The bootstrap interval stored in the ``"specific_indirect"`` and
        ``"total_indirect"`` rows (both percentile and BCa bounds are
        attributes of the result).

    Returns
    -------
    MediationResult

    Raises
    ------
    InputError
        ``result`` is not a PLS or PLSc fit, or ``interval`` is unknown.

    Notes
    -----
    Formulas in the module docstring. The sum of the specific effects of
    each pair equals the fit's total indirect effect (checked in the
    tests against cSEM's total indirect effects on the ECSI mobi data).

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> fit = acsi.fit(load_sample_survey(), scale=(1, 10))
    >>> med = acsi.indirect_effects(fit)
    >>> med.names[0]
    'EXPE -> QUAL -> VAL'
    """
    if interval not in ("bca", "percentile", "normal"):
        msg = (
            f"The 'interval' parameter of {_WHERE} must be 'bca', 'percentile' or "
            f"'normal'. Got {interval!r} instead."
        )
        raise InputError(msg)
    if isinstance(result, PLSResult):
        paths, corr = result.path_coefficients, result.latent_correlation
        reps, jack, labels = _pls_replicates(result)
    elif isinstance(result, PLScResult):
        paths, corr = result.path_coefficients, result.construct_correlation
        reps, jack, labels = _plsc_replicates(result)
    else:  # untyped callers
        msg = (  # type: ignore[unreachable]
            f"The 'result' parameter of {_WHERE} must be a PLSResult "
            f"(acsi.fit) or a PLScResult (acsi.consistent). Got "
            f"{type(result).__name__} instead."
        )
        raise InputError(msg)
    lv = result.latents
    structure = np.zeros((len(lv), len(lv)), dtype=bool)
    pos = {name: k for k, name in enumerate(lv)}
    for p in result.spec.paths:
        structure[pos[p.source], pos[p.target]] = True
    chains = _chains(structure)
    names = tuple(" -> ".join(lv[k] for k in c) for c in chains)
    effect = np.array(
        [np.prod([paths[a, b] for a, b in itertools.pairwise(c)]) for c in chains]
    )
    se = _ols_se(corr, result.r_squared, structure, result.n)
    sobel = np.empty(len(chains))
    for k, c in enumerate(chains):
        betas = np.array([paths[a, b] for a, b in itertools.pairwise(c)])
        ses = np.array([se[a, b] for a, b in itertools.pairwise(c)])
        others = np.array([np.prod(np.delete(betas, i)) for i in range(betas.size)])
        sobel[k] = np.sqrt(np.sum(others**2 * ses**2))
    pairs = sorted({(c[0], c[-1]) for c in chains})
    tot_names = [f"{lv[s]} -> {lv[t]}" for s, t in pairs]
    member = np.array(
        [[c[0] == s and c[-1] == t for c in chains] for s, t in pairs], dtype=np.float64
    ).reshape(len(pairs), len(chains))
    total = member @ effect
    level = result.confidence_level
    nk = len(chains)
    nan = np.full(nk, np.nan)
    bse, plo, phi, blo, bhi = nan, nan.copy(), nan.copy(), nan.copy(), nan.copy()
    tb = pb = np.full(nk + len(pairs), np.nan)
    n_res = 0
    if reps is not None and nk:
        col = {lab: i for i, lab in enumerate(labels)}

        def products(values: FloatArray) -> FloatArray:
            spec_ = np.stack(
                [
                    np.prod(
                        [
                            values[:, col[f"{lv[a]} -> {lv[b]}"]]
                            for a, b in itertools.pairwise(c)
                        ],
                        axis=0,
                    )
                    for c in chains
                ],
                axis=1,
            )
            return np.concatenate([spec_, spec_ @ member.T], axis=1)

        iv = summarize(
            products(reps),
            np.concatenate([effect, total]),
            None if jack is None else products(jack),
            level,
        )
        n_res = int(reps.shape[0])
        bse = iv.se[:nk]
        plo, phi = iv.percentile_low[:nk], iv.percentile_high[:nk]
        blo, bhi = iv.bca_low[:nk], iv.bca_high[:nk]
        tb, pb = iv.t, iv.p_value
        lows = iv.bca_low if interval == "bca" else iv.percentile_low
        highs = iv.bca_high if interval == "bca" else iv.percentile_high
        boot_se = iv.se
    all_est = np.concatenate([effect, total])
    kinds = ["specific_indirect"] * nk + ["total_indirect"] * len(pairs)
    if n_res:
        normal = interval == "normal"
        boot_table = estimates(
            name=[*names, *tot_names],
            estimate=all_est,
            kind=kinds,
            confidence_level=level,
            standard_error=boot_se,
            statistic=None if normal else tb,
            pvalue=None if normal else pb,
            ci_low=None if normal else lows,
            ci_high=None if normal else highs,
            n=float(result.n),
            interval=interval,
            backend=result._backend,
        )
    else:
        boot_table = estimates(
            name=[*names, *tot_names],
            estimate=all_est,
            kind=kinds,
            confidence_level=level,
            n=float(result.n),
            interval="none",
            backend=result._backend,
        )
    sobel_table = estimates(
        name=names,
        estimate=effect,
        kind="specific_indirect_sobel",
        confidence_level=level,
        standard_error=sobel,
        n=float(result.n),
        interval="normal",
        backend=result._backend,
    )
    return MediationResult(
        chains=tuple(tuple(lv[k] for k in c) for c in chains),
        names=names,
        effect=effect,
        sobel_se=sobel,
        bootstrap_se=bse,
        percentile_low=plo,
        percentile_high=phi,
        bca_low=blo,
        bca_high=bhi,
        n=result.n,
        n_resamples=n_res,
        estimates=concat([boot_table, sobel_table]),
        confidence_level=level,
        _backend=result._backend,
    )


def _pls_replicates(
    result: PLSResult,
) -> tuple[FloatArray | None, FloatArray | None, tuple[str, ...]]:
    bs = result.bootstrap
    if bs is None:
        return None, None, ()
    cols = [k for k, f in enumerate(bs.statistic) if f == "paths"]
    labels = tuple(bs.label[k] for k in cols)
    reps = bs._replicates[:, cols]
    jack = None if bs._jackknife is None else bs._jackknife[:, cols]
    return reps, jack, labels


def _plsc_replicates(
    result: PLScResult,
) -> tuple[FloatArray | None, FloatArray | None, tuple[str, ...]]:
    b = result._boot
    if b is None:
        return None, None, ()
    npath = len(result.spec.paths)
    labels = result._labels[:npath]
    jack = None if b.jackknife is None else b.jackknife[:, :npath]
    return b.replicates[:, :npath], jack, labels
