r"""Consistent PLS (PLSc; Dijkstra & Henseler 2015) from Moments.

``acsi.consistent(data, model=...)`` fits the PLS path model on the
indicators' correlation matrix (so it runs on Dask, Spark, DuckDB and
polars lazy frames too: only the p x p matrix comes back), then corrects
the reflective (mode A) blocks for measurement error with
:math:`\rho_A`: consistent loadings, construct correlations, paths and R²
(formulas in :mod:`._plsc_kernel`). An inadmissible solution (a corrected
construct correlation matrix that is not positive semi-definite, a
correlation or loading above 1 in absolute value, :math:`\rho_A > 1`) is
reported by an :class:`~satmodels.exceptions.AdmissibilityWarning` and
the flags :attr:`PLScResult.admissible` / :attr:`PLScResult.admissibility`
(cSEM's ``verify()``); bootstrap replicates that are inadmissible are
counted apart and dropped (cSEM's ``.handle_inadmissibles = "drop"``).

Checked against cSEM (built from its public GitHub source; script and
numbers in tests/golden/csem_mobi.R and csem_mobi.json) on the ECSI mobi
data, and by simulation recovery of population paths.

References
----------
.. [1] Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least
   squares path modeling. MIS Quarterly, 39(2), 297-316.
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
from ..exceptions import AdmissibilityWarning, ConvergenceWarning, EstimationError
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates
from ..results._summary import Summary, table
from ..stats.moments import MissingReport
from ._pls_boot import reachability
from ._plsc_kernel import CHECKS, PLScBatch, plsc_batch
from ._replicates import (
    Boot,
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

__all__ = ["PLScResult", "consistent"]

_WHERE = "acsi.consistent"


@dataclass(frozen=True, slots=True, kw_only=True)
class PLScResult(ResultMixin):
    """A consistent PLS (PLSc) fit.

    Square latent matrices are indexed ``[source, target]``.

    Attributes
    ----------
    spec : ModelSpec
        The model.
    n : int
        Respondents used.
    latents, indicators : tuple of str
        Names (latents in topological order).
    outer_weights : ndarray, (p,)
        PLS weights (unit-variance composites).
    loadings : ndarray, (p,)
        Consistent loadings of reflective blocks, PLS loadings of
        composites.
    rho_a : ndarray, (J,)
        Reliability of each composite (1 for composites).
    construct_correlation : ndarray, (J, J)
        Consistent construct correlations.
    path_coefficients, total_effects, indirect_effects : ndarray, (J, J)
        Consistent paths and effects.
    r_squared : ndarray, (J,)
        NaN for exogenous latents.
    admissible : bool
        Every check of :attr:`admissibility` passed.
    admissibility : dict of str to bool
        ``converged``, ``loadings_at_most_1``, ``rho_a_at_most_1``,
        ``correlations_at_most_1``, ``construct_correlation_psd``,
        ``implied_correlation_psd`` (cSEM ``verify()`` codes 1-5).
    min_eigenvalue : float
        Smallest eigenvalue of the corrected construct correlation matrix.
    implied_min_eigenvalue : float
        Smallest eigenvalue of the model-implied indicator correlation
        matrix (cSEM ``fit()``).
    n_resamples, n_failed, n_inadmissible : int
        Bootstrap replicates drawn, failed (not converged or not finite)
        and inadmissible; both kinds are excluded from the intervals.
    estimates : Estimates
        Kinds ``"path"``, ``"loading"``, ``"weight"``, ``"rho_a"``,
        ``"r2"``, ``"total_effect"``, ``"indirect_effect"``,
        ``"construct_correlation"``.
    confidence_level : float
        Level of the bootstrap intervals.
    segments : dict of str to PLScResult or None
        One fit per segment label (sorted), when ``segments`` was given.
    """

    spec: ModelSpec
    n: int
    scheme: str
    latents: tuple[str, ...]
    indicators: tuple[str, ...]
    outer_weights: FloatArray
    loadings: FloatArray
    rho_a: FloatArray
    construct_correlation: FloatArray
    path_coefficients: FloatArray
    total_effects: FloatArray
    indirect_effects: FloatArray
    r_squared: FloatArray
    admissible: bool
    admissibility: dict[str, bool]
    min_eigenvalue: float
    implied_min_eigenvalue: float
    converged: bool
    n_resamples: int
    n_failed: int
    n_inadmissible: int
    estimates: Estimates
    confidence_level: float
    missing_report: MissingReport
    segments: dict[str, PLScResult] | None = field(default=None, repr=False)
    _boot: Boot | None = field(default=None, repr=False)
    _labels: tuple[str, ...] = field(default=(), repr=False)
    _backend: str | None = field(default=None, repr=False)
    _corr: FloatArray | None = field(default=None, repr=False, compare=False)

    def path(self, source: str, target: str) -> float:
        """Return the consistent path ``source -> target`` (0 if no path)."""
        return float(
            self.path_coefficients[
                self.latents.index(source), self.latents.index(target)
            ]
        )

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Interval bounds of every row of :attr:`estimates` (fitted level)."""
        return self.estimates.confidence_interval(confidence_level)

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary of the public fields."""
        out: dict[str, Any] = jsonable(
            {
                "model": self.spec.to_dict(),
                "n": self.n,
                "scheme": self.scheme,
                "latents": self.latents,
                "indicators": self.indicators,
                "rho_a": dict(zip(self.latents, self.rho_a.tolist(), strict=True)),
                "admissible": self.admissible,
                "admissibility": self.admissibility,
                "min_eigenvalue": self.min_eigenvalue,
                "implied_min_eigenvalue": self.implied_min_eigenvalue,
                "converged": self.converged,
                "n_resamples": self.n_resamples,
                "n_failed": self.n_failed,
                "n_inadmissible": self.n_inadmissible,
                "confidence_level": self.confidence_level,
                "estimates": self.estimates.to_dict(),
                "missing_report": self.missing_report.to_dict(),
                "segments": None
                if self.segments is None
                else {k: v.to_dict() for k, v in self.segments.items()},
            }
        )
        return out

    def __repr__(self) -> str:
        paths = ", ".join(
            f"{p.source}->{p.target}={self.path(p.source, p.target):.2f}"
            for p in self.spec.paths[:6]
        )
        more = ", ..." if len(self.spec.paths) > 6 else ""
        text = (
            f"PLScResult(latents={len(self.latents)}, n={self.n}, "
            f"admissible={self.admissible}, n_resamples={self.n_resamples}"
            f"{'' if self.segments is None else f', {len(self.segments)} segments'},\n"
            f"  paths: {paths}{more})"
        )
        return text

    def summary(self) -> Summary:
        """Paths, R², reliabilities, admissibility."""
        est = self.estimates
        head = ("path", "estimate", "se", "p", "ci low", "ci high")
        paths = est.select("path")
        rows = [
            (
                paths.name[i],
                paths.estimate[i],
                paths.standard_error[i],
                paths.pvalue[i],
                paths.ci_low[i],
                paths.ci_high[i],
            )
            for i in range(len(paths))
        ]
        tables = [
            table("Consistent paths", head, rows),
            table(
                "R-squared and rho_A",
                ("latent", "R2", "rho_A"),
                [
                    (lv, self.r_squared[k], self.rho_a[k])
                    for k, lv in enumerate(self.latents)
                ],
            ),
            table(
                "Admissibility (cSEM verify)",
                ("check", "passed"),
                [(k, "yes" if v else "NO") for k, v in self.admissibility.items()],
            ),
        ]
        notes = [
            f"{self.n} respondents; smallest eigenvalue of the corrected "
            f"construct correlation matrix {self.min_eigenvalue:.4g}.",
        ]
        if not self.admissible:
            notes.append("WARNING: the PLSc solution is inadmissible.")
        if self.n_resamples:
            notes.append(
                f"Bootstrap: {self.n_resamples} replicates, {self.n_failed} "
                f"failed and {self.n_inadmissible} inadmissible (both excluded)."
            )
        return Summary(
            title="Consistent PLS (PLSc; Dijkstra & Henseler 2015)",
            tables=tuple(tables),
            notes=tuple(notes),
        )


Pairs = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class _Rows:
    """Names and kinds of the statistic vector, and the cells it picks."""

    names: tuple[str, ...]
    kinds: tuple[str, ...]
    paths: Pairs
    total: Pairs
    indirect: Pairs
    pairs: Pairs
    endogenous: tuple[int, ...]


def _rows(sample: Sample) -> _Rows:
    lay, spec = sample.lay, sample.spec
    lv = lay.latents
    direct, longer = reachability(lay)
    total = tuple(
        (int(s), int(t)) for s, t in zip(*np.nonzero(direct | longer), strict=True)
    )
    indirect = tuple((s, t) for s, t in total if longer[s, t])
    pairs = tuple((i, j) for i in range(lay.j) for j in range(i + 1, lay.j))
    pos = {name: k for k, name in enumerate(lv)}
    paths = tuple((pos[p.source], pos[p.target]) for p in spec.paths)
    endo = tuple(k for k in range(lay.j) if lay.predecessors[k].size)
    names: list[str] = []
    kinds: list[str] = []
    for kind, items in (
        ("path", [f"{lv[s]} -> {lv[t]}" for s, t in paths]),
        ("loading", list(lay.indicators)),
        ("weight", list(lay.indicators)),
        ("rho_a", list(lv)),
        ("r2", [lv[k] for k in endo]),
        ("total_effect", [f"{lv[s]} -> {lv[t]}" for s, t in total]),
        ("indirect_effect", [f"{lv[s]} -> {lv[t]}" for s, t in indirect]),
        ("construct_correlation", [f"{lv[i]} ~ {lv[j]}" for i, j in pairs]),
    ):
        names += items
        kinds += [kind] * len(items)
    return _Rows(tuple(names), tuple(kinds), paths, total, indirect, pairs, endo)


def _pick(a: FloatArray, idx: Pairs) -> FloatArray:
    if not idx:
        return np.zeros((a.shape[0], 0))
    rows, cols = zip(*idx, strict=True)
    return a[:, list(rows), list(cols)]


def _vector(r: PLScBatch, rows: _Rows) -> FloatArray:
    """Stack the statistics of a batch (B, K + 1); the last column: admissible."""
    return np.concatenate(
        [
            _pick(r.paths, rows.paths),
            r.loadings,
            r.weights,
            r.rho_a,
            r.r_squared[:, list(rows.endogenous)],
            _pick(r.total, rows.total),
            _pick(r.total - r.paths, rows.indirect),
            _pick(r.correlation, rows.pairs),
            r.admissible[:, None].astype(np.float64),
        ],
        axis=1,
    )


def consistent(
    data: object,
    *,
    model: ModelSpec | str | dict[str, Any] = "acsi",
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    missing: Literal["listwise", "pairwise", "em"] = "listwise",
    nan_policy: Literal["omit", "raise"] = "omit",
    scheme: Literal["centroid", "factorial", "path"] = "path",
    n_resamples: int = 0,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    confidence_level: float = 0.95,
    interval: Literal["bca", "percentile", "normal"] = "bca",
    inadmissible: Literal["drop", "keep"] = "drop",
) -> PLScResult:
    r"""Fit a path model by consistent PLS (PLSc).

    Parameters
    ----------
    data : array, dataframe, lazy frame or Moments
        The survey (or its Moments), as for :func:`satmodels.acsi.fit`.
    model : ModelSpec, str or dict
        Preset name, lavaan-style text or a spec. Mode A blocks with two or
        more indicators are reflective (corrected); mode B and single-item
        blocks are composites (not corrected).
    columns, weights, missing, nan_policy, scheme
        As for :func:`satmodels.acsi.fit`.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights`` or ``n_resamples``; rows in memory.
    segments : array_like or str, optional
        Segment label per row (or its column); one fit per segment in
        ``result.segments`` (on a lazy engine every segment's Moments from
        one grouped aggregation).
    n_resamples : int
        Bootstrap replicates (0: none).
    rng : int, SeedSequence or Generator, optional
        Randomness of the bootstrap.
    confidence_level : float
        Level of the intervals.
    interval : {"bca", "percentile", "normal"}
        Which bootstrap interval goes into :attr:`PLScResult.estimates`.
    inadmissible : {"drop", "keep"}
        Whether inadmissible replicates are dropped (cSEM's default) or
        kept; they are counted in ``n_inadmissible`` either way.

    Returns
    -------
    PLScResult

    Raises
    ------
    InputError
        Bad options or data (see :func:`satmodels.acsi.fit`); a bootstrap
        on Moments or on fewer than ten respondents.
    EstimationError
        Fewer than two usable bootstrap replicates, or failed linear
        algebra.

    Warns
    -----
    AdmissibilityWarning
        The solution is inadmissible (names the failed checks).
    ConvergenceWarning
        The PLS iterations did not converge.

    Notes
    -----
    Formulas in :mod:`satmodels.acsi._plsc_kernel` (Dijkstra & Henseler
    2015, eqs. 11-14). Checked against cSEM's ``csem()`` (PLSc is its
    default for common factors) and ``verify()`` on the ECSI mobi data
    (tests/golden/csem_mobi.json), and by simulation recovery.

    References
    ----------
    .. [1] Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least
       squares path modeling. MIS Quarterly, 39(2), 297-316.

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> res = acsi.consistent(load_sample_survey())
    >>> res.admissible
    True
    >>> bool(res.rho_a.max() <= 1)
    True
    """
    if design is not None:
        return fit_with_design(consistent, locals())
    how = check_interval(interval, _WHERE)
    sample = read_sample(
        data,
        model=model,
        where=_WHERE,
        columns=columns,
        weights=weights,
        missing=missing,
        nan_policy=nan_policy,
        scheme=scheme,
        n_resamples=n_resamples,
        rng=rng,
        confidence_level=confidence_level,
        segments=segments,
    )
    result = _consistent(sample, how, inadmissible)
    parts = segment_samples(sample, _WHERE)
    if not parts:
        return result
    fits = {}
    for label, part in parts.items():  # no comprehension frame (stacklevel)
        fits[label] = _consistent(part, how, inadmissible)
    return replace(result, segments=fits)


def _consistent(sample: Sample, how: Interval, inadmissible: str) -> PLScResult:
    """Fit PLSc (and its bootstrap) to one sample."""
    opts, lay = sample.opts, sample.lay
    try:
        fit = plsc_batch(sample.corr[None], lay, scheme=opts.scheme)
    except np.linalg.LinAlgError as exc:
        msg = f"{_WHERE}: the linear algebra failed ({exc})."
        raise EstimationError(msg) from exc
    rows = _rows(sample)
    est_full = _vector(fit, rows)[0]
    checks = {c: bool(v) for c, v in zip(CHECKS, fit.checks[0], strict=True)}
    if not checks["converged"]:
        warnings.warn(
            f"PLS iterations of {_WHERE} did not converge in {opts.max_iter} "
            "iterations; estimates are from the last iteration.",
            ConvergenceWarning,
            stacklevel=3,
        )
    failed = [c for c, ok in checks.items() if not ok and c != "converged"]
    undefined = [lay.latents[k] for k in np.flatnonzero(~np.isfinite(fit.rho_a[0]))]
    if undefined:
        failed.append(
            f"rho_A undefined for {undefined}: the block's indicators do not "
            "correlate positively (c^2 <= 0), its paths are NaN"
        )
    if failed:
        warnings.warn(
            f"{_WHERE}: the PLSc solution is inadmissible ({', '.join(failed)}; "
            f"smallest eigenvalue of the corrected construct correlation matrix "
            f"{fit.min_eigenvalue[0]:.4g}). Its paths and R² are not to be "
            "read as estimates; see result.admissibility.",
            AdmissibilityWarning,
            stacklevel=3,
        )
    result_boot = None
    if opts.n_resamples:

        def stat(s: FloatArray) -> tuple[FloatArray, BoolArray]:
            r = plsc_batch(s, lay, scheme=opts.scheme)
            v = _vector(r, rows)
            # an undefined rho_A (c^2 <= 0) makes a replicate inadmissible
            # (NaN statistics), not failed: it is counted with them
            finite = np.all(np.isfinite(v), axis=1)
            ok = r.checks[:, 0] & (finite | ~r.admissible)
            return v, ok

        result_boot = boot(
            sample,
            stat,
            est_full,
            where=_WHERE,
            admissible=lambda v: np.asarray(v[:, -1] > 0.5),
            drop_inadmissible=inadmissible == "drop",
        )
    size = len(rows.names)
    cols = columns_of(result_boot, size, how)
    tab = table_of(
        names=rows.names,
        kinds=rows.kinds,
        estimate=est_full[:size],
        cols=cols,
        level=opts.confidence_level,
        n=sample.n,
        backend=sample.backend,
    )
    return PLScResult(
        spec=sample.spec,
        n=sample.n,
        scheme=opts.scheme,
        latents=lay.latents,
        indicators=lay.indicators,
        outer_weights=fit.weights[0],
        loadings=fit.loadings[0],
        rho_a=fit.rho_a[0],
        construct_correlation=fit.correlation[0],
        path_coefficients=fit.paths[0],
        total_effects=fit.total[0],
        indirect_effects=fit.total[0] - fit.paths[0],
        r_squared=fit.r_squared[0],
        admissible=all(checks.values()),
        admissibility=checks,
        min_eigenvalue=float(fit.min_eigenvalue[0]),
        implied_min_eigenvalue=float(fit.implied_min_eigenvalue[0]),
        converged=checks["converged"],
        n_resamples=opts.n_resamples,
        n_failed=0 if result_boot is None else result_boot.n_failed,
        n_inadmissible=0 if result_boot is None else result_boot.n_inadmissible,
        estimates=tab,
        confidence_level=opts.confidence_level,
        missing_report=sample.missing_report,
        _boot=result_boot,
        _labels=rows.names,
        _backend=sample.backend,
        _corr=sample.corr,
    )
