"""ACSI-type structural equation models: specification, PLS-PM and ML fits.

Specifications (:class:`ModelSpec`, presets :func:`acsi`, :func:`ecsi`,
:func:`scsb`, :func:`ccsi`) are validated data; :func:`fit` estimates them
by PLS path modelling (:func:`fit_pls`) or maximum likelihood
(:func:`satmodels.acsi.ml.fit_ml`, semopy) from
:class:`~satmodels.stats.moments.Moments`; :func:`aggregate_indices` combines
company indices into industry, sector and national indices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np

from ..exceptions import InputError
from ..results._summary import Summary
from .index import IndexAggregation, aggregate_indices
from .pls import fit_pls
from .result import IPMAResult, PLSBootstrap, PLSResult
from .spec import Block, ModelSpec, Path, acsi, ccsi, ecsi, scsb

if TYPE_CHECKING:
    from ..scales import Scale
    from .ml import ACSIMLResult

__all__ = [
    "Block",
    "IPMAResult",
    "IndexAggregation",
    "ModelSpec",
    "PLSBootstrap",
    "PLSResult",
    "Path",
    "acsi",
    "aggregate_indices",
    "ccsi",
    "demo_section",
    "ecsi",
    "fit",
    "fit_pls",
    "scsb",
]


_PLS_ONLY = ("scheme", "scaled", "tol", "max_iter", "n_bootstrap", "rng")


@overload
def fit(
    data: object,
    model: ModelSpec | str | Mapping[str, Any],
    *,
    method: Literal["pls"] = ...,
    scale: Scale | tuple[float, float] | None = ...,
    columns: Sequence[str] | None = ...,
    weights: object = ...,
    missing: Literal["listwise", "pairwise"] = ...,
    nan_policy: Literal["omit", "raise"] = ...,
    scores: bool = ...,
    scheme: Literal["centroid", "factorial", "path"] | None = ...,
    scaled: bool | None = ...,
    tol: float | None = ...,
    max_iter: int | None = ...,
    n_bootstrap: int | None = ...,
    confidence_level: float = ...,
    rng: np.random.Generator | int | None = ...,
) -> PLSResult: ...


@overload
def fit(
    data: object,
    model: ModelSpec | str | Mapping[str, Any],
    *,
    method: Literal["ml"],
    scale: Scale | tuple[float, float] | None = ...,
    columns: Sequence[str] | None = ...,
    weights: object = ...,
    missing: Literal["listwise", "pairwise"] = ...,
    nan_policy: Literal["omit", "raise"] = ...,
    scores: bool = ...,
    scheme: Literal["centroid", "factorial", "path"] | None = ...,
    scaled: bool | None = ...,
    tol: float | None = ...,
    max_iter: int | None = ...,
    n_bootstrap: int | None = ...,
    confidence_level: float = ...,
    rng: np.random.Generator | int | None = ...,
) -> ACSIMLResult: ...


def fit(
    data: object,
    model: ModelSpec | str | Mapping[str, Any],
    *,
    method: Literal["pls", "ml"] = "pls",
    scale: Scale | tuple[float, float] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    missing: Literal["listwise", "pairwise"] = "listwise",
    nan_policy: Literal["omit", "raise"] = "omit",
    scores: bool = True,
    scheme: Literal["centroid", "factorial", "path"] | None = None,
    scaled: bool | None = None,
    tol: float | None = None,
    max_iter: int | None = None,
    n_bootstrap: int | None = None,
    confidence_level: float = 0.95,
    rng: np.random.Generator | int | None = None,
) -> PLSResult | ACSIMLResult:
    """Fit an ACSI-type model by PLS path modelling or maximum likelihood.

    Parameters
    ----------
    data : array_like, dataframe, lazy frame or Moments
        Respondents x indicators (see :func:`fit_pls`).
    model : ModelSpec, str or dict
        The model: a preset (:func:`acsi`, :func:`ecsi` ...), lavaan-style
        text, or a dict.
    method : {"pls", "ml"}
        ``"pls"``: :func:`fit_pls`. ``"ml"``: maximum likelihood through
        semopy from the covariance matrix and n
        (:func:`satmodels.acsi.ml.fit_ml`).
    scale : Scale or (min, max), optional
        The declared answer scale, needed for 0-100 indices.
    columns, weights, missing, nan_policy
        As in :func:`fit_pls`.
    scores : bool
        Latent scores per respondent (when rows are given).
    scheme, scaled, tol, max_iter, n_bootstrap, confidence_level, rng
        PLS options (see :func:`fit_pls`; None: its default). With
        ``method="ml"`` they must be left unset.

    Returns
    -------
    PLSResult or ACSIMLResult

    Raises
    ------
    InputError
        Unknown method, a PLS-only option with ``method="ml"``, or bad
        data (see :func:`fit_pls`).

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels import acsi
    >>> rng = np.random.default_rng(1)
    >>> eta = rng.normal(size=(400, 1))
    >>> x = np.hstack(
    ...     [eta + rng.normal(size=(400, 2)), eta + rng.normal(size=(400, 2))]
    ... )
    >>> res = acsi.fit(x, "A =~ a1 + a2; B =~ b1 + b2; B ~ A", method="pls")
    >>> res.method, round(float(res.r_squared[1]), 1)
    ('pls', 0.4)
    """
    chosen = str(method)
    if chosen == "pls":
        return fit_pls(
            data,
            model,
            scheme="path" if scheme is None else scheme,
            scaled=True if scaled is None else scaled,
            scale=scale,
            columns=columns,
            weights=weights,
            missing=missing,
            nan_policy=nan_policy,
            tol=1e-7 if tol is None else tol,
            max_iter=300 if max_iter is None else max_iter,
            n_bootstrap=0 if n_bootstrap is None else n_bootstrap,
            confidence_level=confidence_level,
            rng=rng,
            scores=scores,
        )
    if chosen == "ml":
        given = {
            "scheme": scheme,
            "scaled": scaled,
            "tol": tol,
            "max_iter": max_iter,
            "n_bootstrap": n_bootstrap,
            "rng": rng,
        }
        unknown = [k for k in _PLS_ONLY if given[k] is not None]
        if unknown:
            msg = (
                f"acsi.fit(method='ml') does not take the PLS option(s) {unknown}; "
                "ML takes scale, columns, weights, missing, nan_policy and scores."
            )
            raise InputError(msg)
        return _fit_ml(
            data,
            model,
            scale=scale,
            columns=columns,
            weights=weights,
            missing=missing,
            nan_policy=nan_policy,
            scores=scores,
        )
    msg = f"The 'method' parameter of acsi.fit must be 'pls' or 'ml'. Got {method!r}."
    raise InputError(msg)


def _fit_ml(
    data: object,
    model: ModelSpec | str | Mapping[str, Any],
    *,
    scale: Scale | tuple[float, float] | None,
    columns: Sequence[str] | None,
    weights: object,
    missing: Literal["listwise", "pairwise"],
    nan_policy: Literal["omit", "raise"],
    scores: bool,
) -> ACSIMLResult:
    from .ml import fit_ml  # noqa: PLC0415 - semopy is imported lazily
    from .pls import _ingest, as_spec  # noqa: PLC0415

    where = "acsi.fit"
    spec = as_spec(model, where)
    ing = _ingest(
        data,
        spec,
        columns=columns,
        weights=weights,
        missing=missing,
        nan_policy=nan_policy,
        want_rows=scores,
        where=where,
    )
    return fit_ml(ing.moments, spec, scale=scale, rows=ing.rows)


def demo_section(survey: Mapping[str, Any]) -> Summary:
    """PLS fit of the ACSI preset on the sample survey (``satmodels demo``).

    Fits :func:`acsi` on ``expe1-3``, ``qual1-4``, ``val1-2``, ``sat1-3``,
    ``comp1``, ``loy1-3`` (1-10 answers) with the path scheme, 0-100
    indices and a 200-replicate seeded bootstrap.

    Parameters
    ----------
    survey : mapping of str to array
        The sample survey's columns.

    Returns
    -------
    Summary
    """
    spec = acsi(
        expectations=["expe1", "expe2", "expe3"],
        quality=["qual1", "qual2", "qual3", "qual4"],
        value=["val1", "val2"],
        satisfaction=["sat1", "sat2", "sat3"],
        complaints=["comp1"],
        loyalty=["loy1", "loy2", "loy3"],
    )
    cols = spec.indicators
    missing_cols = [c for c in cols if c not in survey]
    if missing_cols:
        msg = f"demo_section: the survey has no column(s) {missing_cols}."
        raise InputError(msg)
    x = np.column_stack([np.asarray(survey[c], dtype=np.float64) for c in cols])
    res = fit_pls(x, spec, scale=(1, 10), n_bootstrap=200, rng=2024, scores=False)
    base = res.summary()
    ipma = res.ipma("SAT").summary()
    return Summary(
        title="ACSI by PLS path modelling (0-100 indices, 200 bootstrap replicates)",
        tables=base.tables + ipma.tables[:1],
        notes=base.notes,
    )
