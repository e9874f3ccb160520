r"""PLS path modelling (PLS-PM) of ACSI-type models from Moments.

:func:`fit_pls` estimates a :class:`~satmodels.acsi.spec.ModelSpec` by
Wold's (1982) partial least squares path modelling, in the formulation of
Lohmöller (1989) and Tenenhaus et al. (2005), using only the indicators'
correlation matrix (or, with ``scaled=False``, covariance matrix), means and
standard deviations held by a :class:`~satmodels.stats.moments.Moments`. The same
call accepts a numpy array, an eager or lazy dataframe, or a Moments; a
million respondents cost one covariance computation.

The bootstrap draws all replicate moment matrices at once
(:meth:`Moments.bootstrap`) and runs the PLS iterations on all replicates
together (batched linear algebra over the leading replicate axis), so 5,000
replicates cost about as much as a few hundred single fits in a loop would.

Validated against the PyPI ``plspm`` 0.5.7 package on the ECSI
mobile-phone data (tests/golden/plspm_mobi.json) and by simulation recovery
of population weights and paths (tests/test_acsi_pls.py).

References
----------
.. [1] Wold, H. (1982). Soft modeling: the basic design and some
   extensions. In K. G. Jöreskog & H. Wold (Eds.), Systems under indirect
   observation, Part II (pp. 1-54). North-Holland.
.. [2] Lohmöller, J.-B. (1989). Latent variable path modeling with partial
   least squares. Physica.
.. [3] Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., & Lauro, C.
   (2005). PLS path modeling. Computational Statistics & Data Analysis,
   48(1), 159-205.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from .._typing import FloatArray
from .._validation import ConfidenceLevel, FrozenModel, validated
from ..data import _frames
from ..exceptions import (
    AdmissibilityWarning,
    ConvergenceWarning,
    EstimationError,
    InputError,
)
from ..scales import Scale
from ..stats.intervals import summarize
from ..stats.moments import Moments, moments_of
from . import quality as q
from ._pls_kernel import Layout, layout, pls_outputs, pls_weights
from .index import indices as _indices
from .index import raw_weights
from .result import PLSBootstrap, PLSResult
from .spec import ModelSpec

__all__ = ["PLSOptions", "as_spec", "fit_pls"]

#: Largest number of leave-one-out fits for the BCa acceleration; larger
#: samples use this many leave-one-group-out fits (grouped jackknife).
JACKKNIFE_GROUPS = 200


class PLSOptions(FrozenModel):
    """Validated options of :func:`fit_pls` (see its parameters)."""

    scheme: Literal["centroid", "factorial", "path"] = "path"
    scaled: bool = True
    tol: Annotated[float, Field(gt=0, lt=1)] = 1e-7
    max_iter: Annotated[int, Field(ge=1, le=100_000)] = 300
    n_bootstrap: Annotated[int, Field(ge=0)] = 0
    confidence_level: ConfidenceLevel = 0.95
    missing: Literal["listwise", "pairwise"] = "listwise"
    nan_policy: Literal["omit", "raise"] = "omit"
    scores: bool = True


def as_spec(model: object, where: str) -> ModelSpec:
    """Accept a ModelSpec, lavaan-style text or a dict (see ModelSpec.from_dict)."""
    if isinstance(model, ModelSpec):
        return model
    if isinstance(model, str):
        return ModelSpec.from_syntax(model)
    if isinstance(model, Mapping):
        return ModelSpec.from_dict(model)
    msg = (
        f"The 'model' parameter of {where} must be a ModelSpec, model text or a "
        f"dict. Got {type(model).__name__} instead."
    )
    raise InputError(msg)


def as_scale(scale: object, where: str) -> Scale | None:
    """Accept a Scale, a (min, max) pair or None."""
    if scale is None or isinstance(scale, Scale):
        return scale
    if isinstance(scale, tuple | list) and len(scale) == 2:
        try:
            lo, hi = (float(v) for v in scale)
        except (TypeError, ValueError):
            lo = hi = float("nan")
        if np.isfinite(lo) and np.isfinite(hi) and hi > lo:
            return Scale.interval(lo, hi)
    msg = (
        f"The 'scale' parameter of {where} must be a Scale or a (min, max) pair "
        f"with max > min. Got {scale!r} instead."
    )
    raise InputError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Data:
    """Ingested input: Moments of the indicators and, if available, rows."""

    moments: Moments
    rows: FloatArray | None  # (n, p) in indicator order
    case_weights: FloatArray | None
    backend: str | None
    lazy: bool
    source: object
    columns: tuple[str, ...] | None  # names for an array's columns


def _ingest(
    data: object,
    spec: ModelSpec,
    *,
    columns: Sequence[str] | None,
    weights: object,
    missing: Literal["listwise", "pairwise"],
    nan_policy: Literal["omit", "raise"],
    want_rows: bool,
    where: str,
) -> _Data:
    inds = spec.indicators
    if isinstance(data, Moments):
        if data.n_replicates:
            msg = (
                f"The 'data' parameter of {where} is a batch of "
                f"{data.n_replicates} Moments; pass a single Moments."
            )
            raise InputError(msg)
        return _Data(
            moments=_select(data, inds, where),
            rows=None,
            case_weights=None,
            backend=None,
            lazy=False,
            source=data,
            columns=None,
        )
    if _frames.is_lazy(data):
        m = moments_of(
            data,
            columns=inds,
            weights=weights,
            missing=missing,
            nan_policy=nan_policy,
            name="data",
            where=where,
        )
        return _Data(
            moments=m,
            rows=None,
            case_weights=None,
            backend=None,
            lazy=True,
            source=data,
            columns=None,
        )
    frame = _frames.is_frame(data)
    if frame and columns is not None:
        msg = (
            f"The 'columns' parameter of {where} names the columns of an array; "
            "a dataframe's columns are selected by the model's indicator names."
        )
        raise InputError(msg)
    names: tuple[str, ...] | None = None
    if not frame:
        arr = np.asarray(data) if not isinstance(data, np.ndarray) else data
        width = arr.shape[1] if arr.ndim == 2 else -1
        if columns is not None:
            names = tuple(columns)
        elif width == len(inds):
            names = inds
        else:
            msg = (
                f"The 'data' array of {where} has {width} column(s) but the model "
                f"has {len(inds)} indicators {inds}; pass columns=[...] naming "
                "the array's columns."
            )
            raise InputError(msg)
    m = moments_of(
        data,
        columns=inds if frame else names,
        weights=weights,
        missing=missing,
        nan_policy=nan_policy,
        name="data",
        where=where,
    )
    m = _select(m, inds, where)
    rows = None
    if want_rows:
        tab = _frames.as_table(
            data, columns=inds if frame else names, name="data", where=where
        )
        idx = [tab.columns.index(c) for c in inds]
        rows = (
            tab.values
            if idx == list(range(tab.values.shape[1]))
            else tab.values[:, idx]
        )
    cw = _case_weights(data, weights, where)
    return _Data(
        moments=m,
        rows=rows,
        case_weights=cw,
        backend=_frames.backend_of(data),
        lazy=False,
        source=data,
        columns=names,
    )


def _select(m: Moments, inds: tuple[str, ...], where: str) -> Moments:
    unknown = [c for c in inds if c not in m.columns]
    if unknown:
        msg = (
            f"The 'data' of {where} has no column(s) {unknown} named by the model. "
            f"Available columns: {list(m.columns)}."
        )
        raise InputError(msg)
    return m if m.columns == inds else m.select(inds)


def _case_weights(data: object, weights: object, where: str) -> FloatArray | None:
    if weights is None:
        return None
    if isinstance(weights, str):
        raw = _frames.values_of(data, weights, name="data", where=where)
        return np.asarray(raw, dtype=np.float64)
    return np.asarray(weights, dtype=np.float64)


def _check_scale(
    rows: FloatArray, sc: Scale, columns: Sequence[str], where: str
) -> None:
    """Check answers against the declared scale.

    For an interval scale, a NaN-ignoring global minimum and maximum (two
    vectorized passes) settle the common case; the full per-cell check,
    which names the first offending column and row, runs only when needed
    (and always for Likert and level scales, which also need whole points).
    """
    if sc.kind == "interval" and rows.size:
        lo = np.fmin.reduce(rows, axis=None)
        hi = np.fmax.reduce(rows, axis=None)
        if np.isnan(lo) or (sc.minimum <= lo and hi <= sc.maximum):
            return
    sc.check(rows, columns=columns, name="data", where=where)


def _matrix(m: Moments, *, scaled: bool, where: str) -> FloatArray:
    """Correlation (scaled) or covariance matrix; zero variance is an error."""
    sd = m.std()
    bad = ~(np.isfinite(sd) & (sd > 0))
    if np.any(bad):
        col = m.columns[int(np.flatnonzero(bad)[0])]
        msg = (
            f"The indicator {col!r} of {where} has zero (or undefined) variance; "
            "PLS needs every indicator to vary."
        )
        raise InputError(msg)
    s = m.correlation() if scaled else m.covariance()
    if not np.all(np.isfinite(s)):
        i, j = (int(v) for v in np.argwhere(~np.isfinite(s))[0])
        msg = (
            f"The correlation of indicators {m.columns[i]!r} and {m.columns[j]!r} "
            f"in {where} is undefined (no row observes both)."
        )
        raise EstimationError(msg)
    return s


# ------------------------------------------------------------- statistics
@dataclass(frozen=True, slots=True)
class _Labels:
    """Families and labels of the bootstrapped statistic vector."""

    family: tuple[str, ...]
    label: tuple[str, ...]
    paths: tuple[tuple[int, int], ...]
    total: tuple[tuple[int, int], ...]
    indirect: tuple[tuple[int, int], ...]
    endogenous: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]
    with_indices: bool


def _labels(lay: Layout, spec: ModelSpec, *, with_indices: bool) -> _Labels:
    pos = {lv: k for k, lv in enumerate(lay.latents)}
    paths = tuple((pos[p.source], pos[p.target]) for p in spec.paths)
    reach = lay.structure.astype(np.int64)
    power = reach.copy()
    longer = np.zeros_like(reach)
    for _ in range(lay.j):
        power = (power @ reach > 0).astype(np.int64)
        longer |= power
    total = tuple(
        (s, t)
        for s in range(lay.j)
        for t in range(lay.j)
        if reach[s, t] or longer[s, t]
    )
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
    return _Labels(
        tuple(fam), tuple(lab), paths, total, indirect, endo, pairs, with_indices
    )


def _pick(a: FloatArray, idx: tuple[tuple[int, int], ...]) -> FloatArray:
    if not idx:
        return np.zeros((a.shape[0], 0))
    rows, cols = zip(*idx, strict=True)
    return a[:, list(rows), list(cols)]


def _stat_vector(
    s: FloatArray,
    mean: FloatArray,
    sd: FloatArray,
    *,
    lay: Layout,
    labels: _Labels,
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
    if scale is not None:
        v = raw_weights(w_own, sd, scaled=opts.scaled)
        parts.append(_indices(v, mean, scale.minimum, scale.maximum, lay))
    corr = s if opts.scaled else s / sd[:, :, None] / sd[:, None, :]
    parts.append(_pick(q.htmt(corr, lay), labels.pairs))
    values = np.concatenate(parts, axis=1)
    ok = fit.converged & np.all(np.isfinite(values), axis=1)
    return values, ok


def _batch_arrays(
    m: Moments,
    *,
    scaled: bool,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    s = m.correlation() if scaled else m.covariance()
    return s, m.mean, m.std()


def _jackknife(
    data: _Data,
    inds: tuple[str, ...],
    opts: PLSOptions,
    gen: np.random.Generator,
) -> list[Moments]:
    """Moments of the sample without each of G groups of rows.

    Complements are merged from prefix and suffix sums of the groups'
    Moments (exact, Chan et al. 1979), so G leave-group-out Moments cost
    O(G) merges.
    """
    tab = _frames.as_table(
        data.source,
        columns=inds if data.columns is None else data.columns,
        name="data",
        where="acsi.fit",
    )
    x = tab.values
    n = x.shape[0]
    groups = min(n, JACKKNIFE_GROUPS)
    assign = gen.permutation(n) % groups
    parts: list[Moments] = []
    for g in range(groups):
        sel = assign == g
        try:
            parts.append(
                Moments.from_data(
                    x[sel],
                    columns=tab.columns,
                    weights=None
                    if data.case_weights is None
                    else data.case_weights[sel],
                    missing=opts.missing,
                )
            )
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
        assert comp is not None  # noqa: S101 - k >= 3
        out.append(comp.select(inds) if comp.columns != inds else comp)
    return out


def _stack(
    ms: list[Moments], *, scaled: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    s = np.stack([mo.correlation() if scaled else mo.covariance() for mo in ms])
    return s, np.stack([mo.mean for mo in ms]), np.stack([mo.std() for mo in ms])


def _bootstrap(
    data: _Data,
    *,
    spec: ModelSpec,
    lay: Layout,
    opts: PLSOptions,
    scale: Scale | None,
    estimate: FloatArray,
    weights: object,
    rng: np.random.Generator | int | None,
    where: str,
) -> PLSBootstrap:
    if isinstance(data.source, Moments):
        msg = (
            f"n_bootstrap > 0 in {where} needs the respondent rows (an array or a "
            "dataframe), not a Moments: replicates resample rows."
        )
        raise InputError(msg)
    gen = np.random.default_rng(rng)
    labels = _labels(lay, spec, with_indices=scale is not None)
    method: Literal["multinomial", "poisson"] = (
        "poisson" if data.lazy else "multinomial"
    )
    reps = Moments.bootstrap(
        data.source,
        n_replicates=opts.n_bootstrap,
        columns=spec.indicators if data.columns is None else data.columns,
        weights=weights,
        missing=opts.missing,
        method=method,
        rng=gen,
    )
    reps = _select(reps, spec.indicators, where)
    s, mean, sd = _batch_arrays(reps, scaled=opts.scaled)
    values, ok = _stat_vector(
        s, mean, sd, lay=lay, labels=labels, opts=opts, scale=scale
    )
    good = values[ok]
    if good.shape[0] < 2:
        msg = (
            f"Only {good.shape[0]} of {opts.n_bootstrap} bootstrap replicates of "
            f"{where} converged; no interval can be formed."
        )
        raise EstimationError(msg)
    jack_m = [] if data.lazy else _jackknife(data, spec.indicators, opts, gen)
    jack = None
    if jack_m:
        js, jmean, jsd = _stack(jack_m, scaled=opts.scaled)
        jvals, jok = _stat_vector(
            js, jmean, jsd, lay=lay, labels=labels, opts=opts, scale=scale
        )
        jack = jvals[jok] if jok.sum() >= 3 else None
    iv = summarize(good, estimate, jack, opts.confidence_level)
    return PLSBootstrap(
        n_replicates=opts.n_bootstrap,
        n_failed=int((~ok).sum()),
        method=method,
        confidence_level=opts.confidence_level,
        jackknife_groups=0 if jack is None else int(jack.shape[0]),
        statistic=labels.family,
        label=labels.label,
        estimate=estimate,
        se=iv.se,
        t=iv.t,
        p_value=iv.p_value,
        percentile_low=iv.percentile_low,
        percentile_high=iv.percentile_high,
        bca_low=iv.bca_low,
        bca_high=iv.bca_high,
        _replicates=good,
        _jackknife=jack,
    )


def _gof(loadings: FloatArray, r2: FloatArray, lay: Layout) -> float:
    """GoF = sqrt(mean communality of multi-item blocks * mean R²).

    Tenenhaus et al. (2005, section 4, eq. 36): the communality average is
    over the indicators of blocks with more than one indicator; the R²
    average over endogenous latents (as R plspm and PyPI plspm).
    """
    multi = [int(i) for idx in lay.members if idx.size > 1 for i in idx]
    r2e = r2[np.isfinite(r2)]
    if not multi or r2e.size == 0:
        return float("nan")
    comm = float(np.mean(loadings[multi] ** 2))
    return float(np.sqrt(comm * r2e.mean()))


def _scores(
    rows: FloatArray,
    w: FloatArray,
    *,
    mean: FloatArray,
    sd: FloatArray,
    lay: Layout,
    scaled: bool,
) -> FloatArray:
    """Latent scores ``Y = ((X - mean) / sd) W`` in one matrix product.

    A missing answer makes only its own block's score missing: rows with a
    NaN are recomputed block by block.
    """
    wr = w / sd[:, None] if scaled else w
    out = np.asarray(rows @ wr - mean @ wr, dtype=np.float64)
    bad = np.flatnonzero(np.isnan(out).any(axis=1))
    if bad.size:
        sub = rows[bad] - mean
        for k, idx in enumerate(lay.members):
            out[bad, k] = sub[:, idx] @ wr[idx, k]
    return out


def fit_pls(
    data: object,
    model: ModelSpec | str | Mapping[str, Any],
    *,
    scheme: Literal["centroid", "factorial", "path"] = "path",
    scaled: bool = True,
    scale: Scale | tuple[float, float] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    missing: Literal["listwise", "pairwise"] = "listwise",
    nan_policy: Literal["omit", "raise"] = "omit",
    tol: float = 1e-7,
    max_iter: int = 300,
    n_bootstrap: int = 0,
    confidence_level: float = 0.95,
    rng: np.random.Generator | int | None = None,
    scores: bool = True,
) -> PLSResult:
    r"""Fit a PLS path model (ACSI, ECSI, ...) from the indicators' moments.

    Parameters
    ----------
    data : array_like, dataframe, lazy frame or Moments
        Respondents x indicators. Dataframes are searched for the model's
        indicator names; an array's columns are named by ``columns``
        (default: the model's indicators, in :attr:`ModelSpec.indicators`
        order). A :class:`~satmodels.stats.moments.Moments` is used as is (no
        scores, no bootstrap).
    model : ModelSpec, str or dict
        The model (a preset such as :func:`~satmodels.acsi.acsi`,
        lavaan-style text, or a dict for :meth:`ModelSpec.from_dict`).
    scheme : {"path", "centroid", "factorial"}
        Inner weighting scheme (Lohmöller 1989; Tenenhaus et al. 2005).
    scaled : bool
        True: standardized indicators (the correlation matrix; R plspm's
        default). False: centred raw indicators (the covariance matrix);
        the outer weights then apply to the raw answers, which is the
        alternative way of building the 0-100 index.
    scale : Scale or (min, max), optional
        The declared answer scale, e.g. ``(1, 10)``. Needed for the 0-100
        indices and IPMA; rows are checked against it.
    columns : sequence of str, optional
        Names of an array's columns.
    weights : array_like or str, optional
        Case (survey) weights, or the name of a weight column.
    missing : {"listwise", "pairwise"}
        Missing answers: drop incomplete rows, or use pairwise-complete
        correlations (Moments); the result's ``missing`` reports what was
        used.
    nan_policy : {"omit", "raise"}
        ``"raise"``: any missing answer is an :class:`InputError`.
    tol : float
        Stop when no outer weight changes by more than ``tol`` (SmartPLS's
        stop criterion, default 1e-7).
    max_iter : int
        Iteration limit (a :class:`ConvergenceWarning` when reached).
    n_bootstrap : int
        Bootstrap replicates (0: none). All replicates are fitted as one
        batch.
    confidence_level : float
        Level of the bootstrap intervals.
    rng : numpy.random.Generator or int, optional
        Seed of the bootstrap.
    scores : bool
        Compute latent scores per respondent (only when rows are given).

    Returns
    -------
    PLSResult

    Raises
    ------
    InputError
        Bad options, unknown indicators, answers outside ``scale``, an
        indicator without variance, a bootstrap requested on a Moments.
    SpecificationError
        An invalid model.
    EstimationError
        An undefined pairwise correlation, or a bootstrap in which almost
        no replicate converged.

    Warns
    -----
    ConvergenceWarning
        The iterations reached ``max_iter``.
    AdmissibilityWarning
        A pairwise-complete correlation matrix that is not positive
        semi-definite.

    Notes
    -----
    Outer weights are scaled so that latent scores have unit variance
    (divisor n - 1). Each latent's sign is chosen so that most of its
    loadings are positive (ties: a positive loading sum). Path
    coefficients are OLS regressions on the latent correlation matrix;
    total effects :math:`(I - B)^{-1} - I`. Checked against PyPI plspm
    0.5.7 (weights, loadings, paths, R², GoF on the ECSI mobi data, path,
    centroid and factorial schemes) and by simulation recovery.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.acsi import fit_pls
    >>> rng = np.random.default_rng(0)
    >>> eta = rng.normal(size=(500, 1))
    >>> x = np.hstack(
    ...     [eta + rng.normal(size=(500, 3)), 0.6 * eta + rng.normal(size=(500, 2))]
    ... )
    >>> res = fit_pls(x, "A =~ a1 + a2 + a3; B =~ b1 + b2; B ~ A")
    >>> round(res.path("A", "B"), 2), res.converged
    (0.6, True)
    """
    where = "acsi.fit"
    opts = validated(
        PLSOptions,
        where,
        scheme=scheme,
        scaled=scaled,
        tol=tol,
        max_iter=max_iter,
        n_bootstrap=n_bootstrap,
        confidence_level=confidence_level,
        missing=missing,
        nan_policy=nan_policy,
        scores=scores,
    )
    spec = as_spec(model, where)
    sc = as_scale(scale, where)
    ing = _ingest(
        data,
        spec,
        columns=columns,
        weights=weights,
        missing=opts.missing,
        nan_policy=opts.nan_policy,
        want_rows=opts.scores or sc is not None,
        where=where,
    )
    m = ing.moments
    if ing.rows is not None and sc is not None:
        _check_scale(ing.rows, sc, spec.indicators, where)
    elif sc is not None:  # Moments or lazy input: only the means can be checked
        out_of = (m.mean < sc.minimum) | (m.mean > sc.maximum)
        if np.any(out_of):
            k = int(np.flatnonzero(out_of)[0])
            msg = (
                f"The mean of indicator {m.columns[k]!r} ({m.mean[k]:g}) in {where} "
                f"lies outside the declared scale {sc.describe()}."
            )
            raise InputError(msg)
    lay = layout(spec)
    s = _matrix(m, scaled=opts.scaled, where=where)
    if m.missing == "pairwise" and np.linalg.eigvalsh(s)[0] < -1e-10:
        warnings.warn(
            f"The pairwise-complete {'correlation' if opts.scaled else 'covariance'} "
            f"matrix in {where} is not positive semi-definite (different rows "
            "behind different pairs); R-squared values can exceed 1 and paths "
            "can be distorted. Consider missing='listwise'.",
            AdmissibilityWarning,
            stacklevel=2,
        )
    mean, sd = m.mean, m.std()
    fit = pls_weights(
        s[None], lay, scheme=opts.scheme, tol=opts.tol, max_iter=opts.max_iter
    )
    if not fit.converged[0]:
        warnings.warn(
            f"PLS iterations of {where} did not converge in {opts.max_iter} "
            f"iterations (tol={opts.tol:g}); estimates are from the last "
            "iteration. Raise max_iter or try scheme='factorial'.",
            ConvergenceWarning,
            stacklevel=2,
        )
    w = fit.weights[0]
    out = {k: v[0] for k, v in pls_outputs(s[None], fit.weights, lay).items()}
    w_own = w.sum(axis=1)
    n = int(m.count.min()) if m.missing == "pairwise" else m.n
    n_pred = np.array([idx.size for idx in lay.predecessors])
    r2 = out["r_squared"]
    with np.errstate(divide="ignore", invalid="ignore"):
        adj = 1.0 - (1.0 - r2) * (n - 1) / (n - n_pred - 1)
    corr = s if opts.scaled else m.correlation()
    w_std = w_own if opts.scaled else w_own * sd
    v = raw_weights(w_own, sd, scaled=opts.scaled)
    idx_values = (
        None
        if sc is None
        else _indices(v[None], mean[None], sc.minimum, sc.maximum, lay)[0]
    )
    labels = _labels(lay, spec, with_indices=sc is not None)
    boot = None
    if opts.n_bootstrap:
        est, _ = _stat_vector(
            s[None], mean[None], sd[None], lay=lay, labels=labels, opts=opts, scale=sc
        )
        boot = _bootstrap(
            ing,
            spec=spec,
            lay=lay,
            opts=opts,
            scale=sc,
            estimate=est[0],
            weights=weights,
            rng=rng,
            where=where,
        )
    score_arr = (
        _scores(ing.rows, w, mean=mean, sd=sd, lay=lay, scaled=opts.scaled)
        if opts.scores and ing.rows is not None
        else None
    )
    return PLSResult(
        spec=spec,
        method="pls",
        scheme=opts.scheme,
        scaled=opts.scaled,
        n=n,
        missing=m.missing_report,
        latents=lay.latents,
        indicators=lay.indicators,
        outer_weights=w_own,
        loadings=out["loadings"],
        cross_loadings=out["cross_loadings"],
        path_coefficients=out["paths"],
        total_effects=out["total"],
        indirect_effects=out["indirect"],
        r_squared=r2,
        adjusted_r_squared=adj,
        latent_correlation=out["latent_correlation"],
        gof=_gof(out["loadings"], r2, lay),
        cronbach_alpha=q.cronbach_alpha(s, lay),
        rho_c=q.rho_c(out["loadings"], lay),
        rho_a=q.rho_a(corr, w_std, lay),
        ave=q.ave(out["loadings"], lay),
        htmt=q.htmt(corr[None], lay)[0],
        outer_vif=q.outer_vif(corr, lay),
        inner_vif=q.inner_vif(out["latent_correlation"], lay),
        indicator_mean=mean,
        indicator_std=sd,
        scale=None if sc is None else (sc.minimum, sc.maximum),
        indices=idx_values,
        scores=score_arr,
        converged=bool(fit.converged[0]),
        iterations=int(fit.iterations[0]),
        bootstrap=boot,
        _raw_weights=v,
        _backend=ing.backend,
    )
