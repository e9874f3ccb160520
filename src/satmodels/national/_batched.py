r"""Design-based replicates of every company's index without refitting rows.

Replicate weights of a stratified cluster design (the stratified jackknife
JKn, the Rao & Wu bootstrap) are the respondent's weight times a factor of
its PSU: :math:`w_i^{(r)} = w_i a_{k(i) r}`. A company's weighted moments
under replicate :math:`r` are therefore a combination of its per-PSU sums,
computed once: with :math:`S^0_k = \sum w`, :math:`S^1_k = \sum w d` and
:math:`S^2_k = \sum w d d^\top` over the company's respondents in PSU
:math:`k` (:math:`d = x - \bar x_c`, centred at the company's mean),

.. math::

    W_r = \sum_k a_{kr} S^0_k, \quad
    \delta_r = \sum_k a_{kr} S^1_k / W_r, \quad
    C_r = \sum_k a_{kr} S^2_k - W_r \delta_r \delta_r^\top,

the mean is :math:`\bar x_c + \delta_r` and :math:`C_r` the centred
cross-products (exact: the parallel update of Chan, Golub & LeVeque
1979). Every replicate of a company is then one batched PLS fit
(:func:`satmodels.acsi._pls_kernel.pls_weights`) and its 0-100 index; the
rows are read once, whatever the number of replicates. The numbers equal
those of refitting the pipeline per replicate
(:func:`satmodels.design.replicate`) to the PLS tolerance
(``tests/test_national_batched.py``).

References
----------
.. [1] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1979). Updating
   formulae and a pairwise algorithm for computing sample variances.
   Stanford CS report STAN-CS-79-773.
.. [2] Rao, J. N. K., & Wu, C. F. J. (1988). Resampling inference with
   complex survey data. JASA, 83(401), 231-241.
.. [3] Korn, E. L., & Graubard, B. I. (1999). Analysis of Health Surveys.
   Wiley, sec. 5.2 (degrees of freedom of a domain).
.. [4] Wolter, K. M. (2007). Introduction to Variance Estimation (2nd ed.).
   Springer.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._typing import FloatArray, IntArray
from ..acsi._pls_kernel import Layout, layout, pls_weights
from ..acsi.index import indices, raw_weights
from ..data import Table
from ..data._checks import canonical_label
from ..design import Design
from ..design._lazy import _strata
from ..design._prepare import _psus
from ..design._replicate import design_factors, replicated_table
from ..engines.design_sums import design_sums
from ..exceptions import EstimationError, InputError, SatmodelsWarning
from ..results._estimates import Estimates
from ..scales import Scale
from ..stats.moments import Moments
from ._index import _WHERE, _aggregate, _Point, _point, _Setup, _unit_columns
from ._result import Replicates

__all__ = ["design_estimates"]

#: Largest number of PSUs for the jackknife (one replicate each).
_MAX_JACKKNIFE = 5_000
_SEP = "\x1f"  # unit separator between the labels of a cell key


@dataclass(frozen=True, slots=True)
class _Cells:
    """One company's PSUs and their sums S0, S1, S2 around ``centre``."""

    psu: IntArray
    s0: FloatArray
    s1: FloatArray
    s2: FloatArray
    centre: FloatArray


def _cells_of_rows(x: FloatArray, w: FloatArray, psu: IntArray) -> _Cells:
    """Sum one company's complete rows of positive weight per PSU."""
    centre = np.asarray((w @ x) / w.sum(), dtype=np.float64)
    d = x - centre
    cells, inverse = np.unique(psu, return_inverse=True)
    s0 = np.bincount(inverse, weights=w, minlength=cells.size).astype(np.float64)
    s1 = np.zeros((cells.size, x.shape[1]))
    np.add.at(s1, inverse, w[:, None] * d)
    s2 = np.empty((cells.size, x.shape[1], x.shape[1]))
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(cells.size + 1))
    for k in range(cells.size):
        rows = order[bounds[k] : bounds[k + 1]]
        dk = d[rows]
        s2[k] = dk.T @ (w[rows, None] * dk)
    return _Cells(cells.astype(np.int64), s0, s1, s2, centre)


def _cells_of_moments(psu: IntArray, moments: Sequence[Moments]) -> _Cells:
    """Sum one company's PSUs from their Moments (exact; Chan et al. 1979)."""
    s0 = np.array([float(m.weight_sum[0, 0]) for m in moments])
    mu = np.stack([m.mean for m in moments])
    centre = np.asarray((s0 @ mu) / s0.sum(), dtype=np.float64)
    d = mu - centre
    s2 = np.stack([m.comoment for m in moments]) + s0[:, None, None] * (
        d[:, :, None] * d[:, None, :]
    )
    return _Cells(psu, s0, s0[:, None] * d, s2, centre)


def _replicate_index(  # noqa: PLR0917 - private
    cells: _Cells,
    factors: FloatArray,
    lay: Layout,
    target: int,
    scale: Scale,
    label: str,
) -> FloatArray:
    """Fit a company's index under every replicate as one PLS batch."""
    a = factors[cells.psu]  # (K, R)
    wr = a.T @ cells.s0
    empty = np.flatnonzero(wr <= 0)
    if empty.size:
        msg = (
            f"Replicate {int(empty[0]) + 1} of {_WHERE} leaves company {label!r} "
            "without respondents (all its PSUs dropped): its index cannot be "
            "refitted."
        )
        raise EstimationError(msg)
    delta = (a.T @ cells.s1) / wr[:, None]
    comoment = np.einsum("kr,kij->rij", a, cells.s2) - wr[:, None, None] * (
        delta[:, :, None] * delta[:, None, :]
    )
    sd = np.sqrt(np.maximum(np.diagonal(comoment, axis1=1, axis2=2), 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = comoment / sd[:, :, None] / sd[:, None, :]
    fit = pls_weights(corr, lay)
    bad = np.flatnonzero(~fit.converged | ~np.all(np.isfinite(fit.weights), (1, 2)))
    if bad.size:
        msg = (
            f"Replicate {int(bad[0]) + 1} of {_WHERE} could not be fitted for "
            f"company {label!r} (the PLS iterations did not converge)."
        )
        raise EstimationError(msg)
    v = raw_weights(fit.weights.sum(axis=2), sd, scaled=True)
    idx = indices(v, cells.centre + delta, scale.minimum, scale.maximum, lay)
    out: FloatArray = idx[:, target]
    return out


def _rows_cells(
    table: Table, setup: _Setup, design: Design
) -> tuple[dict[str, _Cells], IntArray, FloatArray, tuple[tuple[str, ...], ...]]:
    """Cells of the rows in memory, the PSUs' strata, fractions and labels."""
    n = int(table.n_rows or 0)
    psu, stratum_of_psu, fraction = _psus(table, design, n, _WHERE)
    keys = [c for c in (design.strata, design.clusters) if c]
    first = np.unique(psu, return_index=True)[1]
    psu_labels = tuple(
        tuple(str(table.labels[k][i]) for k in keys) if keys else (str(i),)
        for i in first
    )
    w = np.ones(n) if table.weights is None else table.weights
    x = table.matrix(list(setup.spec.indicators))
    keep = np.all(np.isfinite(x), axis=1) & (w > 0)
    assert table.segments is not None  # noqa: S101 - companies are segments
    labels = np.array([canonical_label(c) for c in table.segments], dtype=object)
    cells = {}
    for label in sorted(set(labels[keep])):
        rows = np.flatnonzero(keep & (labels == label))
        cells[str(label)] = _cells_of_rows(x[rows], w[rows], psu[rows])
    return cells, stratum_of_psu, fraction, psu_labels


def _lazy_cells(
    table: Table, setup: _Setup, design: Design
) -> tuple[dict[str, _Cells], IntArray, FloatArray, tuple[tuple[str, ...], ...]]:
    """Cells from one grouped aggregation by (company, stratum, cluster)."""
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - engines only

    if design.clusters is None or table.segment_column is None:
        msg = (
            f"The 'design' parameter of {_WHERE} needs clusters (PSUs) and a "
            "company column on a lazy frame; without clusters every respondent "
            "is a PSU: collect the rows first."
        )
        raise InputError(msg)
    keys = [c for c in (design.strata, design.clusters) if c]
    inds = list(setup.spec.indicators)
    psus = design_sums(
        table.lazy,
        keys=keys,
        weight=table.weight_column,
        fpc=design.fpc,
        numerators=inds[:1],
        denominators=None,
        squares=False,
        where=_WHERE,
    )
    stratum_of_psu, fraction, _ = _strata(psus, design, _WHERE)
    index_of = {k: i for i, k in enumerate(psus.keys)}
    key = nw.concat_str(
        [nw.col(c).cast(nw.String) for c in (table.segment_column, *keys)],
        separator=_SEP,
    ).alias("__cell")
    by_cell = dataclasses.replace(
        table, lazy=table.lazy.with_columns(key), segment_column="__cell"
    ).moments_by_segment(inds, missing="listwise")
    grouped: dict[str, list[tuple[int, Moments]]] = {}
    for cell, m in by_cell.items():
        company, *rest = str(cell).split(_SEP)
        grouped.setdefault(canonical_label(company), []).append(
            (index_of[tuple(rest)], m)
        )
    cells = {
        c: _cells_of_moments(
            np.array([k for k, _ in got], dtype=np.int64), [m for _, m in got]
        )
        for c, got in sorted(grouped.items())
    }
    return cells, stratum_of_psu, fraction, psus.keys


def design_estimates(
    data: object,
    table: Table,
    setup: _Setup,
    design: Design,
    *,
    method: str,
    n_resamples: int,
    rng: np.random.Generator,
    level: float,
    columns: Sequence[str] | None,
) -> tuple[_Point, Estimates, str, float, Replicates]:
    """Fit the point pipeline and its design-based table, replicates batched.

    The same numbers as :func:`satmodels.design.replicate` of the whole
    pipeline (JKn, or the Rao-Wu bootstrap drawing from ``rng`` in the same
    order), without refitting any rows.
    """
    cells, stratum_of_psu, fraction, psu_labels = (
        _lazy_cells(table, setup, design)
        if table.kind == "lazy"
        else _rows_cells(table, setup, design)
    )
    if method == "JKn" and stratum_of_psu.size > _MAX_JACKKNIFE:
        msg = (
            f"The design of {_WHERE} has {stratum_of_psu.size} PSUs: the "
            f"jackknife would need as many replicates (at most "
            f"{_MAX_JACKKNIFE}); use the bootstrap (n_resamples > 0)."
        )
        raise InputError(msg)
    factors, scale, rscales = design_factors(
        design,
        stratum_of_psu,
        fraction,
        method=method,
        n_resamples=n_resamples,
        rng=rng,
        where=_WHERE,
        fpc_hint="n_resamples=0 (the jackknife)",
    )
    point = _point(
        data, weights=design.weights, confidence_level=level, columns=columns,
        setup=setup,
    )  # fmt: skip
    assert setup.scale is not None  # noqa: S101 - chosen before fitting
    lay = layout(setup.spec)
    target = lay.latents.index(setup.latent)
    reps = {
        c: _replicate_index(cell, factors, lay, target, setup.scale, c)
        for c, cell in cells.items()
    }
    industry_of, sector_of, size_of = _unit_columns(table, setup)
    companies = sorted(point.fits)
    values = np.empty((factors.shape[1], len(point.estimates)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)
        for r in range(factors.shape[1]):
            agg = _aggregate(
                companies,
                [float(reps[c][r]) for c in companies],
                industry_of,
                sector_of,
                size_of,
                setup,
                level,
            )
            values[r] = agg.estimates.estimate
    df = float(stratum_of_psu.size - fraction.size)
    base = point.estimates
    # a company is a domain: its t interval uses its own PSUs minus strata
    # (Korn & Graubard 1999, sec. 5.2); the levels above keep the design's
    own = {c: _domain_df(cell.psu, stratum_of_psu) for c, cell in cells.items()}
    row_df = np.array(
        [
            own.get(str(base.name[k]), df) if base.kind[k] == "company" else df
            for k in range(len(base))
        ]
    )
    est, _ = replicated_table(base, values, scale, rscales, row_df, level, mse=False)
    kept = Replicates(values, factors, tuple(psu_labels), scale, np.asarray(rscales))
    return point, est, method, df, kept


def _domain_df(psu: IntArray, stratum_of_psu: IntArray) -> float:
    """PSUs holding the domain minus the strata holding them (at least 1)."""
    return float(max(psu.size - np.unique(stratum_of_psu[psu]).size, 1))
